//! Ports `exabgp/bgp/message/update/nlri/evpn/multicast.py`: Inclusive Multicast Ethernet Tag route, type 3 (RFC 7432 §7.3).

use super::nlri::invalid_network;
use super::{ip, ip_bits, ip_octets};
use crate::bgp::message::update::nlri::qualifier::{EthernetTag, RouteDistinguisher};
use crate::bgp::message::Notification;
use crate::util::json::Members;
use bytes::{BufMut, BytesMut};
use std::fmt::Write;
use std::net::IpAddr;

/// RD, Ethernet tag and the originating router's address.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Multicast {
    pub rd: RouteDistinguisher,
    pub etag: EthernetTag,
    pub ip: IpAddr,
}

impl Multicast {
    pub fn decode(payload: &[u8]) -> Result<Multicast, Notification> {
        let bits = *payload.get(12).ok_or_else(invalid_network)?;
        if payload.len() != 13 + bits as usize / 8 {
            return Err(invalid_network());
        }
        Ok(Multicast {
            rd: RouteDistinguisher::decode(payload).ok_or_else(invalid_network)?,
            etag: EthernetTag::decode(&payload[8..]).ok_or_else(invalid_network)?,
            ip: ip(&payload[13..], bits).ok_or_else(invalid_network)?,
        })
    }

    pub fn encode(&self, out: &mut BytesMut) {
        self.rd.encode(out);
        out.put_u32(self.etag.0);
        out.put_u8(ip_bits(&self.ip));
        out.put_slice(&ip_octets(&self.ip));
    }

    pub(crate) fn json(&self, members: &mut Members) {
        self.rd.json(members.next());
        members.field("ethernet-tag", self.etag.0);
        members.text("ip", self.ip);
    }

    pub fn text(&self, out: &mut String) {
        let _ = write!(out, "{}:{}:{}", self.rd, self.etag.0, self.ip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bgp::message::update::nlri::evpn::Evpn;

    #[test]
    fn ipv4_route_both_ways() {
        // RFC 7432 §7.3 by hand: type 3, length 17, RD 1:1, tag 100, 32 bits, 10.0.0.1
        let bytes = [3, 17, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 100, 32, 10, 0, 0, 1];
        let (evpn, used) = Evpn::decode(&bytes, false).unwrap();
        assert_eq!(used, bytes.len());
        let mut json = String::new();
        evpn.json(&mut json);
        assert_eq!(
            json,
            r#"{ "code": 3, "parsed": true, "raw": "0311000000010000000100000064200A000001", "name": "Inclusive Multicast Ethernet Tag", "rd": "1:1", "ethernet-tag": 100, "ip": "10.0.0.1" }"#
        );
        let mut text = String::new();
        evpn.text(&mut text);
        assert_eq!(text, "evpn:multicast:1:1:100:10.0.0.1");
        let mut out = BytesMut::new();
        evpn.encode(false, &mut out);
        assert_eq!(&out[..], &bytes);
        assert!(Evpn::decode(
            &[3, 14, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 100, 24, 10, 0],
            false
        )
        .is_err());
    }
}
