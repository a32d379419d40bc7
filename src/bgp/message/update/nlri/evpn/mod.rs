//! Ports `exabgp/bgp/message/update/nlri/evpn/`: EVPN NLRI, AFI 25 SAFI 70 (RFC 7432 §7, RFC 9136 §3).

pub mod ethernetad;
pub mod mac;
pub mod multicast;
pub mod nlri;
pub mod prefix;
pub mod segment;

pub use nlri::{Evpn, EvpnRoute};

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An address of `bits` (32 or 128) at the front of `data`.
pub(crate) fn ip(data: &[u8], bits: u8) -> Option<IpAddr> {
    match bits {
        32 => {
            let raw: [u8; 4] = data.get(..4)?.try_into().ok()?;
            Some(IpAddr::V4(Ipv4Addr::from(raw)))
        }
        128 => {
            let raw: [u8; 16] = data.get(..16)?.try_into().ok()?;
            Some(IpAddr::V6(Ipv6Addr::from(raw)))
        }
        _ => None,
    }
}

pub(crate) fn ip_octets(ip: &IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => v6.octets().to_vec(),
    }
}

pub(crate) fn ip_bits(ip: &IpAddr) -> u8 {
    if ip.is_ipv4() {
        32
    } else {
        128
    }
}
