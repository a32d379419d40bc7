//! Ports `exabgp/bgp/message/update/nlri/mup/dsd.py`: the Direct Segment Discovery route, type 2 (draft-mpmz-bess-mup-safi §3.1.2).

use super::super::evpn::ip_octets;
use crate::bgp::message::update::nlri::qualifier::RouteDistinguisher;
use bytes::{BufMut, BytesMut};
use std::net::IpAddr;

/// RD and the address of the router.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Dsd {
    pub rd: RouteDistinguisher,
    pub ip: IpAddr,
}

impl Dsd {
    /// The address is whatever follows the RD: 4 or 16 bytes.
    pub fn decode(payload: &[u8]) -> Option<Dsd> {
        let rd = RouteDistinguisher::decode(payload)?;
        let ip = match payload.len() - 8 {
            4 => super::super::evpn::ip(&payload[8..], 32)?,
            16 => super::super::evpn::ip(&payload[8..], 128)?,
            _ => return None,
        };
        Some(Dsd { rd, ip })
    }

    pub fn encode(&self, out: &mut BytesMut) {
        self.rd.encode(out);
        out.put_slice(&ip_octets(&self.ip));
    }

    pub fn json(&self, out: &mut String) {
        let mut rd = String::new();
        self.rd.json(&mut rd);
        out.push_str(&format!(
            "\"name\": \"DirectSegmentDiscoveryRoute\", \"arch\": 1, \"code\": 2, \"ip\": \"{}\", {rd}",
            self.ip
        ));
    }

    pub fn text(&self, out: &mut String) {
        out.push_str(&format!("{}:{}", self.rd, self.ip));
    }
}
