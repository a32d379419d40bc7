//! Ports `exabgp/bgp/message/update/nlri/qualifier/rd.py`: the route distinguisher (RFC 4364 §4.2).

use bytes::{BufMut, BytesMut};
use std::fmt;
use std::net::Ipv4Addr;

/// An eight-byte route distinguisher, kept as received so unknown types print as hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct RouteDistinguisher(pub [u8; 8]);

impl RouteDistinguisher {
    pub const LEN: usize = 8;

    /// The RD at the front of `data`, or `None` when fewer than eight bytes are left.
    pub fn decode(data: &[u8]) -> Option<RouteDistinguisher> {
        let raw: [u8; 8] = data.get(..Self::LEN)?.try_into().ok()?;
        Some(RouteDistinguisher(raw))
    }

    pub fn encode(&self, out: &mut BytesMut) {
        out.put_slice(&self.0);
    }

    /// `ASN:N` or `IPv4:N` as ExaBGP's `make_from_elements` reads them: type 0 when the
    /// administrator fits two bytes and the number four, type 2 for a four-byte ASN and a
    /// two-byte number, type 1 for an IPv4 administrator.
    pub fn parse(text: &str) -> Option<RouteDistinguisher> {
        let (admin, number) = text.rsplit_once(':')?;
        let number: u64 = number.parse().ok()?;
        let mut raw = [0u8; 8];
        if let Ok(ip) = admin.parse::<Ipv4Addr>() {
            let number = u16::try_from(number).ok()?;
            raw[..2].copy_from_slice(&1u16.to_be_bytes());
            raw[2..6].copy_from_slice(&ip.octets());
            raw[6..].copy_from_slice(&number.to_be_bytes());
            return Some(RouteDistinguisher(raw));
        }
        let admin: u64 = admin.parse().ok()?;
        if let (Ok(admin), Ok(number)) = (u16::try_from(admin), u32::try_from(number)) {
            raw[2..4].copy_from_slice(&admin.to_be_bytes());
            raw[4..].copy_from_slice(&number.to_be_bytes());
        } else {
            let admin = u32::try_from(admin).ok()?;
            let number = u16::try_from(number).ok()?;
            raw[..2].copy_from_slice(&2u16.to_be_bytes());
            raw[2..6].copy_from_slice(&admin.to_be_bytes());
            raw[6..].copy_from_slice(&number.to_be_bytes());
        }
        Some(RouteDistinguisher(raw))
    }

    /// `"rd": "65535:65536"`.
    pub fn json(&self, out: &mut String) {
        let _ = fmt::Write::write_fmt(out, format_args!("\"rd\": \"{self}\""));
    }
}

impl fmt::Display for RouteDistinguisher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.0;
        let word = |i: usize| u16::from_be_bytes([r[i], r[i + 1]]);
        let long = |i: usize| u32::from_be_bytes([r[i], r[i + 1], r[i + 2], r[i + 3]]);
        match word(0) {
            0 => write!(f, "{}:{}", word(2), long(4)),
            1 => write!(f, "{}.{}.{}.{}:{}", r[2], r[3], r[4], r[5], word(6)),
            2 => write!(f, "{}:{}", long(2), word(6)),
            _ => {
                f.write_str("0x")?;
                r.iter().try_for_each(|b| write!(f, "{b:02X}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_types_both_ways() {
        // bytes of the conf-flow qa case: rd 65535:65536 is type 0 with a four-byte number
        let cases: [(&str, [u8; 8]); 3] = [
            ("65535:65536", [0, 0, 0xFF, 0xFF, 0, 1, 0, 0]),
            ("1.2.3.4:5", [0, 1, 1, 2, 3, 4, 0, 5]),
            ("65536:1", [0, 2, 0, 1, 0, 0, 0, 1]),
        ];
        for (text, raw) in cases {
            let rd = RouteDistinguisher::parse(text).unwrap();
            assert_eq!(rd.0, raw);
            assert_eq!(rd.to_string(), text);
        }
        assert_eq!(RouteDistinguisher::parse("65536:65536"), None);
        assert_eq!(
            RouteDistinguisher([0, 9, 1, 2, 3, 4, 5, 6]).to_string(),
            "0x0009010203040506"
        );
        assert_eq!(RouteDistinguisher::decode(&[0; 7]), None);
    }
}
