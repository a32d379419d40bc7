//! Ports `exabgp/bgp/message/update/nlri/mvpn/sharedjoin.py` and `sourcejoin.py`: C-multicast routes, types 6 and 7 (RFC 6514 §4.6), which share one layout.

use super::{length_ip, put_length_ip};
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
        let rd = RouteDistinguisher::decode(payload)?;
        let asn: [u8; 4] = payload.get(8..12)?.try_into().ok()?;
        let (source, used) = length_ip(&payload[12..])?;
        let (group, used2) = length_ip(&payload[12 + used..])?;
        (payload.len() == 12 + used + used2).then_some(CMulticast {
            rd,
            source_as: u32::from_be_bytes(asn),
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
