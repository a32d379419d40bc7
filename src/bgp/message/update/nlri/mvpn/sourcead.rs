//! Ports `exabgp/bgp/message/update/nlri/mvpn/sourcead.py`: Source Active A-D route, type 5 (RFC 6514 §4.5).

use super::{length_ip, put_length_ip};
use crate::bgp::message::update::nlri::qualifier::RouteDistinguisher;
use bytes::BytesMut;
use std::net::IpAddr;

/// RD, multicast source, multicast group.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct SourceAd {
    pub rd: RouteDistinguisher,
    pub source: IpAddr,
    pub group: IpAddr,
}

impl SourceAd {
    /// The payload must be exactly RD, source and group (ExaBGP checks the whole length).
    pub fn decode(payload: &[u8]) -> Option<SourceAd> {
        let rd = RouteDistinguisher::decode(payload)?;
        let (source, used) = length_ip(&payload[8..])?;
        let (group, used2) = length_ip(&payload[8 + used..])?;
        (payload.len() == 8 + used + used2).then_some(SourceAd { rd, source, group })
    }

    pub fn encode(&self, out: &mut BytesMut) {
        self.rd.encode(out);
        put_length_ip(&self.source, out);
        put_length_ip(&self.group, out);
    }
}
