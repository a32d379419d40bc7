//! Ports `exabgp/bgp/message/update/nlri/mup/t2st.py`: the Type 2 Session Transformed route, type 4 (draft-mpmz-bess-mup-safi §3.1.4).

use super::super::evpn::{ip, ip_octets};
use crate::bgp::message::update::nlri::qualifier::RouteDistinguisher;
use crate::protocol::family::Afi;
use bytes::{BufMut, BytesMut};
use std::net::IpAddr;

/// RD, and the endpoint address followed by up to 32 bits of TEID; `endpoint_len` counts
/// both in bits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct T2st {
    pub rd: RouteDistinguisher,
    pub endpoint_len: u8,
    pub endpoint: IpAddr,
    /// The TEID bytes on the wire read as a number, as ExaBGP.
    pub teid: u32,
}

impl T2st {
    fn address_bits(afi: Afi) -> u8 {
        if afi == Afi::IPV6 {
            128
        } else {
            32
        }
    }

    pub fn decode(afi: Afi, payload: &[u8]) -> Option<T2st> {
        let rd = RouteDistinguisher::decode(payload)?;
        let endpoint_len = *payload.get(8)?;
        let bits = Self::address_bits(afi);
        let teid_bits = endpoint_len.checked_sub(bits).filter(|t| *t <= 32)?;
        let endpoint = ip(&payload[9..], bits)?;
        let teid_bytes = payload.get(9 + bits as usize / 8..)?;
        if teid_bytes.len() != (teid_bits as usize).div_ceil(8) {
            return None;
        }
        let teid = teid_bytes
            .iter()
            .fold(0u32, |teid, b| (teid << 8) | u32::from(*b));
        Some(T2st {
            rd,
            endpoint_len,
            endpoint,
            teid,
        })
    }

    pub fn encode(&self, out: &mut BytesMut) {
        self.rd.encode(out);
        out.put_u8(self.endpoint_len);
        out.put_slice(&ip_octets(&self.endpoint));
        let bits = if self.endpoint.is_ipv4() { 32 } else { 128 };
        let teid_bytes = (self.endpoint_len.saturating_sub(bits) as usize).div_ceil(8);
        // ExaBGP writes the low bytes of the TEID
        out.put_slice(&self.teid.to_be_bytes()[4 - teid_bytes.min(4)..]);
    }

    /// ExaBGP's members, its double space before "arch" kept.
    pub fn json(&self, out: &mut String) {
        let mut rd = String::new();
        self.rd.json(&mut rd);
        out.push_str(&format!(
            "\"name\": \"Type2SessionTransformedRoute\",  \"arch\": 1, \"code\": 4, \"endpoint_len\": {}, \"endpoint_ip\": \"{}\", {rd}, \"teid\": \"{}\"",
            self.endpoint_len, self.endpoint, self.teid
        ));
    }

    pub fn text(&self, out: &mut String) {
        out.push_str(&format!(
            "{}:{}:{}:{}:",
            self.rd, self.endpoint_len, self.endpoint, self.teid
        ));
    }
}
