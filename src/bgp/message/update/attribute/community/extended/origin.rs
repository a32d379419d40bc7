//! Ports `exabgp/bgp/message/update/attribute/community/extended/origin.py`: route origin (RFC 4360 §5, RFC 7153).

use super::community::ipv4;
use super::rt::Admin;
use super::{ExtendedCommunity, SubType};
use std::fmt;

/// Route origin, sub-type 0x03: `origin:2345:6.7.8.9`, `origin:2.3.4.5:6789`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Origin {
    /// High bits of the type byte: 0x00 transitive, 0x40 non-transitive.
    pub flags: u8,
    pub admin: Admin,
}

impl Origin {
    pub const SUBTYPE: u8 = 0x03;

    /// A transitive route origin.
    pub fn new(admin: Admin) -> Origin {
        Origin { flags: 0x00, admin }
    }
}

impl SubType for Origin {
    const NAME: &'static str = "route origin";

    fn from_community(community: &ExtendedCommunity) -> Option<Origin> {
        Admin::read(community, Self::SUBTYPE).map(|admin| Origin {
            flags: community.flags(),
            admin,
        })
    }

    fn to_community(&self) -> ExtendedCommunity {
        self.admin.write(self.flags, Self::SUBTYPE)
    }
}

/// ExaBGP shows the 4-byte local part of type 0x00 as an IPv4 address (`origin:100:0.0.3.232`).
impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.admin {
            Admin::Asn2 { asn, number } => {
                write!(f, "origin:{asn}:{}", ipv4(&number.to_be_bytes()))
            }
            Admin::Ip { ip, number } => write!(f, "origin:{ip}:{number}"),
            Admin::Asn4 { asn, number } => write!(f, "origin:{asn}:{number}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn golden_vectors_from_qa() {
        // origin:100:0.0.3.232 = 844854426862568 = 0x0003006400 0003E8
        let c = ExtendedCommunity(844854426862568u64.to_be_bytes());
        assert_eq!(c.0, [0x00, 0x03, 0x00, 0x64, 0x00, 0x00, 0x03, 0xE8]);
        let origin = Origin::from_community(&c).unwrap();
        assert_eq!(
            origin,
            Origin::new(Admin::Asn2 {
                asn: 100,
                number: 1000
            })
        );
        assert_eq!(origin.to_string(), "origin:100:0.0.3.232");
        // origin:7.7.7.7:7000 = 72909745732131672
        let c = ExtendedCommunity(72909745732131672u64.to_be_bytes());
        assert_eq!(c.to_string(), "origin:7.7.7.7:7000");
        assert_eq!(
            Origin::new(Admin::Ip {
                ip: Ipv4Addr::new(7, 7, 7, 7),
                number: 7000
            })
            .to_community(),
            c
        );
        let c = ExtendedCommunity([0x02, 0x03, 0, 1, 0x11, 0x70, 0, 9]);
        assert_eq!(c.to_string(), "origin:70000:9");
        assert!(Origin::decode(&[0x00, 0x02, 0, 0, 0, 0, 0, 0]).is_err());
    }
}
