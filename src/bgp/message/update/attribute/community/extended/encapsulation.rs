//! Ports `exabgp/bgp/message/update/attribute/community/extended/encapsulation.py`: encapsulation (RFC 5512 §4.5, RFC 9012 §4.1).

use super::{ExtendedCommunity, SubType};
use std::fmt;

/// Encapsulation, type 0x03 sub-type 0x0C: `encap:VXLAN`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Encapsulation {
    /// IANA BGP tunnel type.
    pub tunnel_type: u16,
}

impl Encapsulation {
    pub const DEFAULT: u16 = 0x00;
    pub const L2TPV3: u16 = 0x01;
    pub const GRE: u16 = 0x02;
    pub const IPIP: u16 = 0x07;
    pub const VXLAN: u16 = 0x08;
    pub const NVGRE: u16 = 0x09;
    pub const MPLS: u16 = 0x0A;
    pub const VXLAN_GPE: u16 = 0x0C;
    pub const MPLS_UDP: u16 = 0x0D;

    fn name(tunnel_type: u16) -> Option<&'static str> {
        Some(match tunnel_type {
            Self::DEFAULT => "Default",
            Self::L2TPV3 => "L2TPv3",
            Self::GRE => "GRE",
            Self::IPIP => "IP-in-IP",
            Self::VXLAN => "VXLAN",
            Self::NVGRE => "NVGRE",
            Self::MPLS => "MPLS",
            Self::VXLAN_GPE => "VXLAN-GPE",
            Self::MPLS_UDP => "MPLS-in-UDP",
            _ => return None,
        })
    }
}

impl SubType for Encapsulation {
    const NAME: &'static str = "encapsulation";

    fn from_community(c: &ExtendedCommunity) -> Option<Encapsulation> {
        (c.family() == (0x03, 0x0C)).then(|| Encapsulation {
            tunnel_type: u16::from_be_bytes([c.0[6], c.0[7]]),
        })
    }

    fn to_community(&self) -> ExtendedCommunity {
        let [a, b] = self.tunnel_type.to_be_bytes();
        ExtendedCommunity::new(0x03, 0x0C, [0, 0, 0, 0, a, b])
    }
}

/// `encap:VXLAN`; an unknown type is `encap:encap:UNKNOWN-<n>`, ExaBGP's text (its table's
/// fallback already starts with `encap:`).
impl fmt::Display for Encapsulation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match Self::name(self.tunnel_type) {
            Some(name) => write!(f, "encap:{name}"),
            None => write!(f, "encap:encap:UNKNOWN-{}", self.tunnel_type),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden() {
        let c = ExtendedCommunity([0x03, 0x0C, 0, 0, 0, 0, 0, 0x08]);
        assert_eq!(
            Encapsulation::decode(&c.0),
            Ok(Encapsulation {
                tunnel_type: Encapsulation::VXLAN
            })
        );
        assert_eq!(c.to_string(), "encap:VXLAN");
        assert_eq!(
            Encapsulation {
                tunnel_type: Encapsulation::VXLAN
            }
            .to_community(),
            c
        );
        assert_eq!(
            ExtendedCommunity([0x03, 0x0C, 0, 0, 0, 0, 0, 0x0D]).to_string(),
            "encap:MPLS-in-UDP"
        );
        assert_eq!(
            ExtendedCommunity([0x03, 0x0C, 0, 0, 0, 0, 0x01, 0]).to_string(),
            "encap:encap:UNKNOWN-256"
        );
    }
}
