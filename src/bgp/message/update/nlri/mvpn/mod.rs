//! Ports `exabgp/bgp/message/update/nlri/mvpn/`: MCAST-VPN NLRI, SAFI 5 (RFC 6514 §4), the route types ExaBGP parses.

pub mod nlri;
pub mod sharedjoin;
pub mod sourcead;

pub use nlri::{Mvpn, MvpnRoute};
pub use sharedjoin::CMulticast;
pub use sourcead::SourceAd;

use super::evpn::{ip, ip_bits, ip_octets};
use bytes::{BufMut, BytesMut};
use std::net::IpAddr;

/// `length (bits) address` at the front of `data`, with the bytes used.
fn length_ip(data: &[u8]) -> Option<(IpAddr, usize)> {
    let bits = *data.first()?;
    let address = ip(&data[1..], bits)?;
    Some((address, 1 + bits as usize / 8))
}

fn put_length_ip(address: &IpAddr, out: &mut BytesMut) {
    out.put_u8(ip_bits(address));
    out.put_slice(&ip_octets(address));
}
