//! Ports `exabgp/protocol/family.py`: AFI (RFC 4760 §3, IANA registry), SAFI and their ExaBGP names.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Address Family Identifier (IANA "Address Family Numbers").
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
pub struct Afi(pub u16);

impl Afi {
    pub const UNDEFINED: Afi = Afi(0);
    pub const IPV4: Afi = Afi(1);
    pub const IPV6: Afi = Afi(2);
    pub const L2VPN: Afi = Afi(25);
    pub const BGPLS: Afi = Afi(16388);

    /// The name ExaBGP prints and parses (`ipv4`, `ipv6`, `l2vpn`, `bgp-ls`).
    pub fn name(self) -> String {
        match self.0 {
            0 => "undefined".into(),
            1 => "ipv4".into(),
            2 => "ipv6".into(),
            25 => "l2vpn".into(),
            16388 => "bgp-ls".into(),
            n => format!("unknown-afi-{n:#x}"),
        }
    }

    pub fn from_name(name: &str) -> Option<Afi> {
        Some(match name.to_ascii_lowercase().as_str() {
            "ipv4" => Afi::IPV4,
            "ipv6" => Afi::IPV6,
            "l2vpn" => Afi::L2VPN,
            "bgp-ls" => Afi::BGPLS,
            _ => return None,
        })
    }

    /// Length in bytes of an address of this family, for the IP AFIs.
    pub fn address_len(self) -> Option<usize> {
        match self.0 {
            1 => Some(4),
            2 => Some(16),
            _ => None,
        }
    }
}

impl fmt::Display for Afi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// Subsequent Address Family Identifier (IANA "SAFI Values").
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
pub struct Safi(pub u8);

impl Safi {
    pub const UNDEFINED: Safi = Safi(0);
    pub const UNICAST: Safi = Safi(1);
    pub const MULTICAST: Safi = Safi(2);
    pub const NLRI_MPLS: Safi = Safi(4);
    pub const MCAST_VPN: Safi = Safi(5);
    pub const VPLS: Safi = Safi(65);
    pub const EVPN: Safi = Safi(70);
    pub const BGPLS: Safi = Safi(71);
    pub const BGPLS_VPN: Safi = Safi(72);
    pub const SR_POLICY: Safi = Safi(73);
    pub const MUP: Safi = Safi(85);
    pub const MPLS_VPN: Safi = Safi(128);
    pub const RTC: Safi = Safi(132);
    pub const FLOW_IP: Safi = Safi(133);
    pub const FLOW_VPN: Safi = Safi(134);

    /// The name ExaBGP prints (`unicast`, `nlri-mpls`, `flow`, ...).
    pub fn name(self) -> String {
        match self.0 {
            0 => "undefined".into(),
            1 => "unicast".into(),
            2 => "multicast".into(),
            4 => "nlri-mpls".into(),
            5 => "mcast-vpn".into(),
            65 => "vpls".into(),
            70 => "evpn".into(),
            71 => "bgp-ls".into(),
            72 => "bgp-ls-vpn".into(),
            73 => "sr-policy".into(),
            85 => "mup".into(),
            128 => "mpls-vpn".into(),
            132 => "rtc".into(),
            133 => "flow".into(),
            134 => "flow-vpn".into(),
            n => format!("unknown safi {n}"),
        }
    }

    pub fn from_name(name: &str) -> Option<Safi> {
        Some(match name.to_ascii_lowercase().as_str() {
            "unicast" => Safi::UNICAST,
            "multicast" => Safi::MULTICAST,
            "nlri-mpls" | "labeled-unicast" => Safi::NLRI_MPLS,
            "mcast-vpn" => Safi::MCAST_VPN,
            "vpls" => Safi::VPLS,
            "evpn" => Safi::EVPN,
            "bgp-ls" => Safi::BGPLS,
            "bgp-ls-vpn" => Safi::BGPLS_VPN,
            "sr-policy" => Safi::SR_POLICY,
            "mup" => Safi::MUP,
            "mpls-vpn" => Safi::MPLS_VPN,
            "rtc" => Safi::RTC,
            "flow" => Safi::FLOW_IP,
            "flow-vpn" => Safi::FLOW_VPN,
            _ => return None,
        })
    }
}

impl fmt::Display for Safi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// An (AFI, SAFI) pair, the unit of negotiation and of End-of-RIB.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
pub struct Family {
    pub afi: Afi,
    pub safi: Safi,
}

impl Family {
    pub const IPV4_UNICAST: Family = Family::new(Afi::IPV4, Safi::UNICAST);
    pub const IPV4_MULTICAST: Family = Family::new(Afi::IPV4, Safi::MULTICAST);
    pub const IPV6_UNICAST: Family = Family::new(Afi::IPV6, Safi::UNICAST);
    pub const IPV6_MULTICAST: Family = Family::new(Afi::IPV6, Safi::MULTICAST);

    pub const fn new(afi: Afi, safi: Safi) -> Family {
        Family { afi, safi }
    }

    /// `"ipv4 unicast"`: the spelling of the JSON `announce` keys and of the configuration.
    pub fn name(self) -> String {
        format!("{} {}", self.afi.name(), self.safi.name())
    }

    /// `"ipv4/unicast"`: the spelling of the JSON OPEN capabilities.
    pub fn slash_name(self) -> String {
        format!("{}/{}", self.afi.name(), self.safi.name())
    }

    /// Parses `"ipv4 unicast"` (words separated by white space).
    pub fn from_name(name: &str) -> Option<Family> {
        let mut words = name.split_whitespace();
        let afi = Afi::from_name(words.next()?)?;
        let safi = Safi::from_name(words.next()?)?;
        if words.next().is_some() {
            return None;
        }
        Some(Family::new(afi, safi))
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.afi.name(), self.safi.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in [
            "ipv4 unicast",
            "ipv6 mpls-vpn",
            "l2vpn evpn",
            "bgp-ls bgp-ls",
            "ipv4 flow-vpn",
        ] {
            let family = Family::from_name(name).unwrap();
            assert_eq!(family.name(), name);
        }
        assert_eq!(
            Family::from_name("ipv4 labeled-unicast").unwrap().safi,
            Safi::NLRI_MPLS
        );
        assert_eq!(Family::IPV6_UNICAST.slash_name(), "ipv6/unicast");
        assert!(Family::from_name("ipv5 unicast").is_none());
        assert!(Family::from_name("ipv4 unicast extra").is_none());
        assert_eq!(Safi(200).name(), "unknown safi 200");
    }
}
