//! Ports `exabgp/bgp/message/update/nlri/mvpn/sharedjoin.py` and `sourcejoin.py`: C-multicast routes, types 6 and 7 (RFC 6514 §4.6), which share one layout.

use super::{length_ip, put_length_ip};
use crate::bgp::message::reader::Reader;
use crate::bgp::message::update::nlri::qualifier::RouteDistinguisher;
use bytes::{BufMut, BytesMut};
use std::net::IpAddr;

/// RD, source AS, multicast source (the RP of a shared tree join), multicast group.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct CMulticast {
    pub rd: RouteDistinguisher,
    pub source_as: u32,
    pub source: IpAddr,
    pub group: IpAddr,
}

impl CMulticast {
    pub fn decode(payload: &[u8]) -> Option<CMulticast> {
        let mut r = Reader::new(payload);
        let rd = RouteDistinguisher::decode(r.take(RouteDistinguisher::LEN)?)?;
        let source_as = r.u32()?;
        let (source, used) = length_ip(r.rest())?;
        r.take(used)?;
        let (group, used) = length_ip(r.rest())?;
        (r.remaining() == used).then_some(CMulticast {
            rd,
            source_as,
            source,
            group,
        })
    }

    pub fn encode(&self, out: &mut BytesMut) {
        self.rd.encode(out);
        out.put_u32(self.source_as);
        put_length_ip(&self.source, out);
        put_length_ip(&self.group, out);
    }
}
