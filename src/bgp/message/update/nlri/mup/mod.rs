//! Ports `exabgp/bgp/message/update/nlri/mup/`: BGP Mobile User Plane NLRI, SAFI 85 (draft-mpmz-bess-mup-safi §3), the 3GPP 5G architecture routes.

pub mod dsd;
pub mod isd;
pub mod nlri;
pub mod t1st;
pub mod t2st;

pub use dsd::Dsd;
pub use isd::Isd;
pub use nlri::{Mup, MupRoute};
pub use t1st::T1st;
pub use t2st::T2st;

use crate::protocol::family::Afi;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The first `ceil(bits / 8)` bytes of an address of `afi`, the rest zero; `None` when
/// `bits` is longer than the address or the data shorter than the prefix.
pub(crate) fn prefix_ip(afi: Afi, bits: u8, data: &[u8]) -> Option<(IpAddr, usize)> {
    let size = if afi == Afi::IPV6 { 16 } else { 4 };
    let used = (bits as usize).div_ceil(8);
    if used > size {
        return None;
    }
    let mut raw = [0u8; 16];
    raw[..used].copy_from_slice(data.get(..used)?);
    let address = if size == 4 {
        IpAddr::V4(Ipv4Addr::new(raw[0], raw[1], raw[2], raw[3]))
    } else {
        IpAddr::V6(Ipv6Addr::from(raw))
    };
    Some((address, used))
}

/// The leading `ceil(bits / 8)` bytes of `address`.
pub(crate) fn prefix_bytes(address: &IpAddr, bits: u8) -> Vec<u8> {
    let octets = super::evpn::ip_octets(address);
    let used = ((bits as usize).div_ceil(8)).min(octets.len());
    octets[..used].to_vec()
}
