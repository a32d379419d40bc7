//! Ports `exabgp/bgp/message/update/nlri/qualifier/rd.py`: the route distinguisher of VPN NLRI (RFC 4364 §4.2).

use std::fmt::{self, Write};
use std::net::Ipv4Addr;

/// A route distinguisher, kept as its eight bytes: type then value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Rd(pub [u8; 8]);

impl Rd {
    pub const LEN: usize = 8;

    /// `ASN:N` (type 0, or type 2 when the ASN needs four bytes) or `IPv4:N` (type 1), as
    /// ExaBGP's configuration reads them; `None` when a part does not fit its type.
    pub fn parse(text: &str) -> Option<Rd> {
        let (admin, assigned) = text.split_once(':')?;
        let mut raw = [0u8; 8];
        if admin.contains('.') {
            let ip: Ipv4Addr = admin.parse().ok()?;
            let number: u16 = assigned.parse().ok()?;
            raw[..2].copy_from_slice(&1u16.to_be_bytes());
            raw[2..6].copy_from_slice(&ip.octets());
            raw[6..].copy_from_slice(&number.to_be_bytes());
            return Some(Rd(raw));
        }
        let asn: u32 = admin.parse().ok()?;
        let number: u64 = assigned.parse().ok()?;
        match (
            u16::try_from(asn),
            u32::try_from(number),
            u16::try_from(number),
        ) {
            (Ok(asn), Ok(number), _) => {
                raw[2..4].copy_from_slice(&asn.to_be_bytes());
                raw[4..].copy_from_slice(&number.to_be_bytes());
            }
            (_, _, Ok(number)) => {
                raw[..2].copy_from_slice(&2u16.to_be_bytes());
                raw[2..6].copy_from_slice(&asn.to_be_bytes());
                raw[6..].copy_from_slice(&number.to_be_bytes());
            }
            _ => return None,
        }
        Some(Rd(raw))
    }

    /// The RD at the front of `data`.
    pub fn decode(data: &[u8]) -> Option<Rd> {
        data.get(..Rd::LEN)?.try_into().ok().map(Rd)
    }

    /// ExaBGP's JSON member: `"rd": "100:100"`.
    pub fn json(&self, out: &mut String) {
        let _ = write!(out, "\"rd\": \"{self}\"");
    }
}

/// `ASN:N`, `IPv4:N`, or the hexadecimal bytes for an unknown type (as ExaBGP).
impl fmt::Display for Rd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.0;
        let word = |i: usize| u16::from_be_bytes([r[i], r[i + 1]]);
        match word(0) {
            0 => write!(
                f,
                "{}:{}",
                word(2),
                u32::from_be_bytes([r[4], r[5], r[6], r[7]])
            ),
            1 => write!(f, "{}.{}.{}.{}:{}", r[2], r[3], r[4], r[5], word(6)),
            2 => write!(
                f,
                "{}:{}",
                u32::from_be_bytes([r[2], r[3], r[4], r[5]]),
                word(6)
            ),
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
    fn the_three_types_as_configured_and_printed() {
        // qa conf-addpath `rd 100:100` is 0000 0064 00000064 on the wire
        let rd = Rd::parse("100:100").unwrap();
        assert_eq!(rd.0, [0, 0, 0, 100, 0, 0, 0, 100]);
        assert_eq!(rd.to_string(), "100:100");
        // qa conf-parity `rd 3215:583457597`: 0000 0C8F 22C6DB3D
        let rd = Rd::parse("3215:583457597").unwrap();
        assert_eq!(rd.0, [0, 0, 0x0C, 0x8F, 0x22, 0xC6, 0xDB, 0x3D]);
        let rd = Rd::parse("192.168.201.1:123").unwrap();
        assert_eq!(rd.0, [0, 1, 192, 168, 201, 1, 0, 123]);
        assert_eq!(rd.to_string(), "192.168.201.1:123");
        let rd = Rd::parse("4200000000:7").unwrap();
        assert_eq!(rd.0, [0, 2, 0xFA, 0x56, 0xEA, 0x00, 0, 7]);
        assert_eq!(rd.to_string(), "4200000000:7");
        assert_eq!(Rd::parse("4200000000:70000"), None);
        assert_eq!(Rd::parse("1.2.3.4:70000"), None);
    }
}
