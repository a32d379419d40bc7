//! Ports `exabgp/bgp/message/update/nlri/mup/isd.py`: the Interwork Segment Discovery route, type 1 (draft-mpmz-bess-mup-safi §3.1.1).

use super::{prefix_bytes, prefix_ip};
use crate::bgp::message::update::nlri::qualifier::RouteDistinguisher;
use crate::protocol::family::Afi;
use bytes::{BufMut, BytesMut};
use std::net::IpAddr;

/// RD and an IP prefix.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Isd {
    pub rd: RouteDistinguisher,
    pub prefix_len: u8,
    pub prefix: IpAddr,
}

impl Isd {
    pub fn decode(afi: Afi, payload: &[u8]) -> Option<Isd> {
        let rd = RouteDistinguisher::decode(payload)?;
        let prefix_len = *payload.get(8)?;
        let (prefix, used) = prefix_ip(afi, prefix_len, &payload[9..])?;
        (payload.len() == 9 + used).then_some(Isd {
            rd,
            prefix_len,
            prefix,
        })
    }

    pub fn encode(&self, out: &mut BytesMut) {
        self.rd.encode(out);
        out.put_u8(self.prefix_len);
        out.put_slice(&prefix_bytes(&self.prefix, self.prefix_len));
    }

    pub fn json(&self, out: &mut String) {
        let mut rd = String::new();
        self.rd.json(&mut rd);
        out.push_str(&format!(
            "\"name\": \"InterworkSegmentDiscoveryRoute\", \"arch\": 1, \"code\": 1, \"prefix_ip_len\": {}, \"prefix_ip\": \"{}\", {rd}",
            self.prefix_len, self.prefix
        ));
    }

    pub fn text(&self, out: &mut String) {
        out.push_str(&format!("{}:{}/{}", self.rd, self.prefix, self.prefix_len));
    }
}
