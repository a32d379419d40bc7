//! Ports `exabgp/bgp/message/update/nlri/mup/t1st.py`: the Type 1 Session Transformed route, type 3 (draft-mpmz-bess-mup-safi §3.1.3).

use super::super::evpn::{ip, ip_bits, ip_octets};
use super::{prefix_bytes, prefix_ip};
use crate::bgp::message::reader::Reader;
use crate::bgp::message::update::nlri::qualifier::RouteDistinguisher;
use crate::protocol::family::Afi;
use bytes::{BufMut, BytesMut};
use std::net::IpAddr;

/// RD, the UE prefix, the GTP tunnel (TEID, QFI, endpoint) and optional source address.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct T1st {
    pub rd: RouteDistinguisher,
    pub prefix_len: u8,
    pub prefix: IpAddr,
    pub teid: u32,
    pub qfi: u8,
    pub endpoint: IpAddr,
    pub source: Option<IpAddr>,
}

impl T1st {
    pub fn decode(afi: Afi, payload: &[u8]) -> Option<T1st> {
        let mut r = Reader::new(payload);
        let rd = RouteDistinguisher::decode(r.take(RouteDistinguisher::LEN)?)?;
        let prefix_len = r.u8()?;
        let (prefix, used) = prefix_ip(afi, prefix_len, r.rest())?;
        r.take(used)?;
        let teid = r.u32()?;
        let qfi = r.u8()?;
        let endpoint_bits = r.u8()?;
        let endpoint = ip(r.rest(), endpoint_bits)?;
        r.take(usize::from(endpoint_bits) / 8)?;
        let source = match r.rest() {
            [] => None,
            [bits, address @ ..] if address.len() == *bits as usize / 8 => {
                Some(ip(address, *bits)?)
            }
            _ => return None,
        };
        Some(T1st {
            rd,
            prefix_len,
            prefix,
            teid,
            qfi,
            endpoint,
            source,
        })
    }

    pub fn encode(&self, out: &mut BytesMut) {
        self.rd.encode(out);
        out.put_u8(self.prefix_len);
        out.put_slice(&prefix_bytes(&self.prefix, self.prefix_len));
        out.put_u32(self.teid);
        out.put_u8(self.qfi);
        out.put_u8(ip_bits(&self.endpoint));
        out.put_slice(&ip_octets(&self.endpoint));
        if let Some(source) = &self.source {
            out.put_u8(ip_bits(source));
            out.put_slice(&ip_octets(source));
        }
    }

    /// ExaBGP's members; an absent source is `"source_ip_len": 0, "source_ip": ""` (ExaBGP
    /// prints Python's `b''` there).
    pub fn json(&self, out: &mut String) {
        let mut rd = String::new();
        self.rd.json(&mut rd);
        let (source_len, source) = match &self.source {
            Some(source) => (ip_bits(source), source.to_string()),
            None => (0, String::new()),
        };
        out.push_str(&format!(
            "\"name\": \"Type1SessionTransformedRoute\", \"arch\": 1, \"code\": 3, \"prefix_ip_len\": {}, \"prefix_ip\": \"{}\", \"teid\": \"{}\", \"qfi\": \"{}\", {rd}, \"endpoint_ip_len\": {}, \"endpoint_ip\": \"{}\", \"source_ip_len\": {source_len}, \"source_ip\": \"{source}\"",
            self.prefix_len,
            self.prefix,
            self.teid,
            self.qfi,
            ip_bits(&self.endpoint),
            self.endpoint
        ));
    }

    pub fn text(&self, out: &mut String) {
        out.push_str(&format!(
            "{}:{}/{}:{}:{}:{}/{}",
            self.rd,
            self.prefix,
            self.prefix_len,
            self.teid,
            self.qfi,
            self.endpoint,
            ip_bits(&self.endpoint)
        ));
        if let Some(source) = &self.source {
            out.push_str(&format!(":{source}/{}", ip_bits(source)));
        }
    }
}
