//! Ports `exabgp/bgp/message/update/attribute/community/extended/rt.py`: route target (RFC 4360 §4, RFC 5668, RFC 7153).

use super::community::ipv4;
use super::{ExtendedCommunity, SubType};
use std::fmt;
use std::net::Ipv4Addr;

/// The global / local administrator split shared by route target, route origin and
/// RT-record; the low four bits of the type say which (RFC 7153 §3).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Admin {
    /// Type 0x00: 2-byte ASN, 4-byte number.
    Asn2 { asn: u16, number: u32 },
    /// Type 0x01: IPv4 address, 2-byte number.
    Ip { ip: Ipv4Addr, number: u16 },
    /// Type 0x02: 4-byte ASN, 2-byte number.
    Asn4 { asn: u32, number: u16 },
}

impl Admin {
    /// Reads the administrator fields of `community` if its type is 0x00, 0x01 or 0x02
    /// and its sub-type is `subtype`.
    pub(crate) fn read(community: &ExtendedCommunity, subtype: u8) -> Option<Admin> {
        let b = &community.0;
        if b[1] != subtype {
            return None;
        }
        match b[0] & 0x0F {
            0x00 => Some(Admin::Asn2 {
                asn: u16::from_be_bytes([b[2], b[3]]),
                number: u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
            }),
            0x01 => Some(Admin::Ip {
                ip: ipv4(&b[2..6]),
                number: u16::from_be_bytes([b[6], b[7]]),
            }),
            0x02 => Some(Admin::Asn4 {
                asn: u32::from_be_bytes([b[2], b[3], b[4], b[5]]),
                number: u16::from_be_bytes([b[6], b[7]]),
            }),
            _ => None,
        }
    }

    /// The community with these fields, high type bits `flags` and `subtype`.
    pub(crate) fn write(&self, flags: u8, subtype: u8) -> ExtendedCommunity {
        let mut value = [0u8; 6];
        let low = match *self {
            Admin::Asn2 { asn, number } => {
                value[..2].copy_from_slice(&asn.to_be_bytes());
                value[2..].copy_from_slice(&number.to_be_bytes());
                0x00
            }
            Admin::Ip { ip, number } => {
                value[..4].copy_from_slice(&ip.octets());
                value[4..].copy_from_slice(&number.to_be_bytes());
                0x01
            }
            Admin::Asn4 { asn, number } => {
                value[..4].copy_from_slice(&asn.to_be_bytes());
                value[4..].copy_from_slice(&number.to_be_bytes());
                0x02
            }
        };
        ExtendedCommunity::new((flags & 0xF0) | low, subtype, value)
    }

    /// `asn:number` or `ip:number`, as ExaBGP prints route targets.
    pub(crate) fn write_text(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Admin::Asn2 { asn, number } => write!(f, "{asn}:{number}"),
            Admin::Ip { ip, number } => write!(f, "{ip}:{number}"),
            Admin::Asn4 { asn, number } => write!(f, "{asn}:{number}"),
        }
    }
}

/// Route target, sub-type 0x02: `target:65000:1`, `target:1.2.3.4:5`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct RouteTarget {
    /// High bits of the type byte: 0x00 transitive, 0x40 non-transitive.
    pub flags: u8,
    pub admin: Admin,
}

impl RouteTarget {
    pub const SUBTYPE: u8 = 0x02;

    /// A transitive route target.
    pub fn new(admin: Admin) -> RouteTarget {
        RouteTarget { flags: 0x00, admin }
    }
}

impl SubType for RouteTarget {
    const NAME: &'static str = "route target";

    fn from_community(community: &ExtendedCommunity) -> Option<RouteTarget> {
        Admin::read(community, Self::SUBTYPE).map(|admin| RouteTarget {
            flags: community.flags(),
            admin,
        })
    }

    fn to_community(&self) -> ExtendedCommunity {
        self.admin.write(self.flags, Self::SUBTYPE)
    }
}

impl fmt::Display for RouteTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("target:")?;
        self.admin.write_text(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::BytesMut;

    fn json<T: SubType>(typed: &T) -> String {
        let mut out = String::new();
        typed.json(&mut out);
        out
    }

    #[test]
    fn golden_vectors_from_qa() {
        // target:65000:99999 = 842122827761311
        let rt = RouteTarget::new(Admin::Asn2 {
            asn: 65000,
            number: 99999,
        });
        assert_eq!(
            json(&rt),
            "{ \"value\": 842122827761311, \"string\": \"target:65000:99999\" }"
        );
        let mut out = BytesMut::new();
        rt.encode(&mut out);
        assert_eq!(&out[..], &[0x00, 0x02, 0xFD, 0xE8, 0x00, 0x01, 0x86, 0x9F]);
        assert_eq!(RouteTarget::decode(&out), Ok(rt));
        // target:192.168.94.12:5 = 72832373356232709
        let rt = RouteTarget::new(Admin::Ip {
            ip: Ipv4Addr::new(192, 168, 94, 12),
            number: 5,
        });
        assert_eq!(
            json(&rt),
            "{ \"value\": 72832373356232709, \"string\": \"target:192.168.94.12:5\" }"
        );
        // type 0x02, 4-byte ASN
        let c = ExtendedCommunity([0x02, 0x02, 0x00, 0x01, 0x11, 0x70, 0x00, 0x07]);
        assert_eq!(c.to_string(), "target:70000:7");
        assert_eq!(RouteTarget::from_community(&c).unwrap().to_community(), c);
    }

    #[test]
    fn non_transitive_kept() {
        let c = ExtendedCommunity([0x40, 0x02, 0, 1, 0, 0, 0, 2]);
        let rt = RouteTarget::from_community(&c).unwrap();
        assert_eq!(rt.flags, 0x40);
        assert_eq!(rt.to_string(), "target:1:2");
        assert_eq!(rt.to_community(), c);
        assert!(RouteTarget::decode(&[0x00, 0x03, 0, 0, 0, 0, 0, 0]).is_err());
        assert!(RouteTarget::decode(&[0x00, 0x02]).is_err());
    }
}
