//! Ports `exabgp/bgp/message/update/nlri/qualifier/rd.py`: the route distinguisher (RFC 4364 §4.2).

use crate::util::json;
use bytes::{BufMut, BytesMut};
use std::fmt;
use std::net::Ipv4Addr;

/// An 8-byte route distinguisher: a 2-byte type then the value, kept as received.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct RouteDistinguisher(pub [u8; 8]);

impl RouteDistinguisher {
    pub const LEN: usize = 8;

    /// The first eight bytes of `data`, or `None` when there are fewer.
    pub fn decode(data: &[u8]) -> Option<RouteDistinguisher> {
        let raw: [u8; 8] = data.get(..Self::LEN)?.try_into().ok()?;
        Some(RouteDistinguisher(raw))
    }

    pub fn encode(&self, out: &mut BytesMut) {
        out.put_slice(&self.0);
    }

    /// Parses ExaBGP's configuration form (`make_from_elements`): `IPv4:N` is type 1 (N < 2^16),
    /// `ASN:N` type 0 when the ASN fits 16 bits and N 32, else type 2 (4-byte ASN, N < 2^16).
    pub fn parse(text: &str) -> Result<RouteDistinguisher, String> {
        let bad = || format!("invalid route-distinguisher {text}");
        let (admin, assigned) = text.rsplit_once(':').ok_or_else(bad)?;
        let assigned: u64 = assigned.parse().map_err(|_| bad())?;
        let mut raw = [0u8; 8];
        if admin.contains('.') {
            let ip: Ipv4Addr = admin.parse().map_err(|_| bad())?;
            let assigned = u16::try_from(assigned).map_err(|_| bad())?;
            raw[..2].copy_from_slice(&1u16.to_be_bytes());
            raw[2..6].copy_from_slice(&ip.octets());
            raw[6..].copy_from_slice(&assigned.to_be_bytes());
        } else {
            let admin: u64 = admin.parse().map_err(|_| bad())?;
            if let (Ok(asn), Ok(number)) = (u16::try_from(admin), u32::try_from(assigned)) {
                raw[2..4].copy_from_slice(&asn.to_be_bytes());
                raw[4..].copy_from_slice(&number.to_be_bytes());
            } else if let (Ok(asn), Ok(number)) = (u32::try_from(admin), u16::try_from(assigned)) {
                raw[..2].copy_from_slice(&2u16.to_be_bytes());
                raw[2..6].copy_from_slice(&asn.to_be_bytes());
                raw[6..].copy_from_slice(&number.to_be_bytes());
            } else {
                return Err(bad());
            }
        }
        Ok(RouteDistinguisher(raw))
    }

    /// ExaBGP's JSON member: `"rd": "65000:1"`.
    pub fn json(&self, out: &mut String) {
        json::text(out, "rd", self);
    }
}

/// `ASN:N`, `IPv4:N`, or the hexadecimal bytes for an unknown type (ExaBGP's `_str`).
impl fmt::Display for RouteDistinguisher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.0;
        let u16_at = |i: usize| u16::from_be_bytes([r[i], r[i + 1]]);
        let u32_at = |i: usize| u32::from_be_bytes([r[i], r[i + 1], r[i + 2], r[i + 3]]);
        match u16_at(0) {
            0 => write!(f, "{}:{}", u16_at(2), u32_at(4)),
            1 => write!(f, "{}.{}.{}.{}:{}", r[2], r[3], r[4], r[5], u16_at(6)),
            2 => write!(f, "{}:{}", u32_at(2), u16_at(6)),
            _ => f.write_str(&crate::util::hex::hexstring(r)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_type_both_ways() {
        // RFC 4364 §4.2: type 0 = 2-byte ASN + 4-byte number, 1 = IPv4 + 2 bytes, 2 = 4-byte ASN + 2
        let cases: [(&str, [u8; 8]); 3] = [
            ("65000:1", [0, 0, 0xFD, 0xE8, 0, 0, 0, 1]),
            ("192.168.201.1:123", [0, 1, 192, 168, 201, 1, 0, 123]),
            ("4200000000:7", [0, 2, 0xFA, 0x56, 0xEA, 0, 0, 7]),
        ];
        for (text, raw) in cases {
            let rd = RouteDistinguisher::parse(text).unwrap();
            assert_eq!(rd.0, raw, "{text}");
            assert_eq!(rd.to_string(), text);
        }
        assert_eq!(
            RouteDistinguisher([0, 9, 1, 2, 3, 4, 5, 6]).to_string(),
            "0x0009010203040506"
        );
        let mut json = String::new();
        RouteDistinguisher::parse("4:100").unwrap().json(&mut json);
        assert_eq!(json, r#""rd": "4:100""#);
    }

    #[test]
    fn invalid_text() {
        for bad in ["1", "x:1", "1.2.3.4:70000", "4200000000:70000", "1:x"] {
            assert!(RouteDistinguisher::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(RouteDistinguisher::decode(&[0; 7]), None);
    }

    proptest! {
        #[test]
        fn known_types_round_trip_through_text(kind in 0u16..3, value in any::<[u8; 6]>()) {
            let mut raw = [0u8; 8];
            raw[..2].copy_from_slice(&kind.to_be_bytes());
            raw[2..].copy_from_slice(&value);
            let rd = RouteDistinguisher(raw);
            let parsed = RouteDistinguisher::parse(&rd.to_string()).unwrap();
            // type 2 with a small ASN prints like type 0 and parses back as type 0
            prop_assert_eq!(parsed.to_string(), rd.to_string());
        }
    }
}
