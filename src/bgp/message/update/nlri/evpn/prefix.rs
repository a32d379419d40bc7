//! Ports `exabgp/bgp/message/update/nlri/evpn/prefix.py`: IP Prefix route, type 5 (RFC 9136 §3.1).

use super::nlri::invalid_network;
use super::{ip, ip_octets};
use crate::bgp::message::reader::Reader;
use crate::bgp::message::update::nlri::qualifier::{Esi, EthernetTag, Labels, RouteDistinguisher};
use crate::bgp::message::Notification;
use crate::util::json::Members;
use bytes::{BufMut, BytesMut};
use std::fmt::Write;
use std::net::IpAddr;

/// RD, ESI, Ethernet tag, prefix length, prefix, gateway and label; prefix and gateway are
/// both IPv4 (payload 34 bytes) or both IPv6 (58 bytes).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Prefix {
    pub rd: RouteDistinguisher,
    pub esi: Esi,
    pub etag: EthernetTag,
    pub iplen: u8,
    pub ip: IpAddr,
    pub gateway: IpAddr,
    /// One entry, as received.
    pub label: Labels,
}

impl Prefix {
    pub fn decode(payload: &[u8]) -> Result<Prefix, Notification> {
        let bits = match payload.len() {
            34 => 32,
            58 => 128,
            _ => return Err(invalid_network()),
        };
        let size = bits as usize / 8;
        let label = &payload[23 + 2 * size..];
        Ok(Prefix {
            rd: RouteDistinguisher::decode(payload).ok_or_else(invalid_network)?,
            esi: Esi::decode(&payload[8..]).ok_or_else(invalid_network)?,
            etag: EthernetTag::decode(&payload[18..]).ok_or_else(invalid_network)?,
            iplen: payload[22],
            ip: ip(&payload[23..], bits).ok_or_else(invalid_network)?,
            gateway: ip(&payload[23 + size..], bits).ok_or_else(invalid_network)?,
            label: Labels(vec![Reader::new(label)
                .u24()
                .ok_or_else(invalid_network)?]),
        })
    }

    pub fn encode(&self, out: &mut BytesMut) {
        self.rd.encode(out);
        out.put_slice(&self.esi.0);
        out.put_u32(self.etag.0);
        out.put_u8(self.iplen);
        out.put_slice(&ip_octets(&self.ip));
        out.put_slice(&ip_octets(&self.gateway));
        self.label.encode(out);
    }

    pub(crate) fn json(&self, members: &mut Members) {
        self.rd.json(members.next());
        members.text("esi", self.esi);
        members.field("ethernet-tag", self.etag.0);
        if !self.label.0.is_empty() {
            self.label.json(members.next());
        }
        members.text("ip", self.ip);
        members.field("iplen", self.iplen);
        members.text("gateway", self.gateway);
    }

    pub fn text(&self, out: &mut String) {
        let _ = write!(
            out,
            "{}:{}:{}:{}/{}:{}:",
            self.rd, self.esi, self.etag.0, self.ip, self.iplen, self.gateway
        );
        self.label.text(out);
    }
}

#[cfg(test)]
mod tests {
    use crate::bgp::message::update::nlri::evpn::Evpn;
    use bytes::BytesMut;

    #[test]
    fn ipv4_prefix_both_ways() {
        // RFC 9136 §3.1 by hand: RD 1:1, zero ESI, tag 0, 10.1.0.0/16, gateway 0.0.0.0, label 16
        let mut bytes = vec![5, 34, 0, 0, 0, 1, 0, 0, 0, 1];
        bytes.extend_from_slice(&[0; 10]);
        bytes.extend_from_slice(&[0, 0, 0, 0, 16, 10, 1, 0, 0, 0, 0, 0, 0, 0x00, 0x01, 0x01]);
        let (evpn, used) = Evpn::decode(&bytes, false).unwrap();
        assert_eq!(used, bytes.len());
        let mut json = String::new();
        evpn.json(&mut json);
        assert!(
            json.ends_with(r#""rd": "1:1", "esi": "-", "ethernet-tag": 0, "label": [ [16, 257] ], "ip": "10.1.0.0", "iplen": 16, "gateway": "0.0.0.0" }"#),
            "{json}"
        );
        let mut text = String::new();
        evpn.text(&mut text);
        assert_eq!(
            text,
            "evpn:prfxadv:1:1:-:0:10.1.0.0/16:0.0.0.0: label 16 (257)"
        );
        let mut out = BytesMut::new();
        evpn.encode(false, &mut out);
        assert_eq!(&out[..], &bytes[..]);
        // a payload of neither 34 nor 58 bytes
        bytes[1] = 33;
        assert!(Evpn::decode(&bytes[..35], false).is_err());
    }
}
