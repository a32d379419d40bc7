//! Ports `exabgp/bgp/message/update/nlri/`: Network Layer Reachability Information per family (RFC 4271 §4.3, RFC 4760).
//!
//! `Nlri` grows one variant per family module (inet and ipvpn so far; label, flow, evpn, ... in issue 5).

pub mod cidr;
pub mod inet;
pub mod ipvpn;
pub mod qualifier;

use crate::bgp::message::open::capability::negotiated::Negotiated;
use crate::bgp::message::Notification;
use crate::protocol::family::{Afi, Family, Safi};
use bytes::{Bytes, BytesMut};
use std::cmp::Ordering;

pub use cidr::Cidr;
pub use inet::Inet;
pub use ipvpn::IpVpn;
pub use qualifier::{Labels, PathInfo, Rd};

/// One NLRI of any supported family.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Nlri {
    /// IPv4/IPv6 unicast and multicast.
    Inet(Inet),
    /// IPv4/IPv6 mpls-vpn; boxed so that unicast routes, most of a table, stay small.
    IpVpn(Box<IpVpn>),
}

impl Nlri {
    pub fn family(&self) -> Family {
        match self {
            Nlri::Inet(inet) => inet.family,
            Nlri::IpVpn(vpn) => vpn.family,
        }
    }

    pub fn path_info(&self) -> PathInfo {
        match self {
            Nlri::Inet(inet) => inet.path_info,
            Nlri::IpVpn(vpn) => vpn.path_info,
        }
    }

    /// The same NLRI with another ADD-PATH identifier.
    pub fn with_path_info(&self, path_info: PathInfo) -> Nlri {
        match self {
            Nlri::Inet(inet) => Nlri::Inet(Inet { path_info, ..*inet }),
            Nlri::IpVpn(vpn) => Nlri::IpVpn(Box::new(IpVpn {
                path_info,
                ..IpVpn::clone(vpn)
            })),
        }
    }

    /// Whether this speaker can decode NLRI of `family`.
    pub fn supported(family: Family) -> bool {
        matches!(family.afi, Afi::IPV4 | Afi::IPV6)
            && matches!(
                family.safi,
                Safi::UNICAST | Safi::MULTICAST | Safi::MPLS_VPN
            )
    }

    /// Decodes one NLRI of `family` at the front of `data`, returning it and the bytes used.
    /// `addpath`: the peer sends path identifiers for this family.
    pub fn decode(
        family: Family,
        data: &[u8],
        addpath: bool,
    ) -> Result<(Nlri, usize), Notification> {
        if !Nlri::supported(family) {
            return Err(Notification::new(3, 0, Bytes::new()));
        }
        if family.safi == Safi::MPLS_VPN {
            let (vpn, used) = IpVpn::decode(family, data, addpath)?;
            return Ok((Nlri::IpVpn(Box::new(vpn)), used));
        }
        let (inet, used) = Inet::decode(family, data, addpath)?;
        Ok((Nlri::Inet(inet), used))
    }

    /// Writes the NLRI, with a path identifier when ADD-PATH send is negotiated for its family.
    pub fn encode(&self, negotiated: &Negotiated, out: &mut BytesMut) {
        match self {
            Nlri::Inet(inet) => inet.encode(negotiated.addpath_send(inet.family), out),
            Nlri::IpVpn(vpn) => vpn.encode(negotiated.addpath_send(vpn.family), out),
        }
    }

    /// Bytes `encode` writes.
    pub fn encoded_len(&self, negotiated: &Negotiated) -> usize {
        match self {
            Nlri::Inet(inet) => inet.encoded_len(negotiated.addpath_send(inet.family)),
            Nlri::IpVpn(vpn) => vpn.encoded_len(negotiated.addpath_send(vpn.family)),
        }
    }

    /// ExaBGP's JSON for the NLRI: `{ "nlri": "10.0.0.0/24" }`.
    pub fn json(&self, out: &mut String) {
        match self {
            Nlri::Inet(inet) => inet.json(out),
            Nlri::IpVpn(vpn) => vpn.json(out),
        }
    }

    /// ExaBGP's text for the NLRI (`extensive`): `10.0.0.0/24`.
    pub fn text(&self, out: &mut String) {
        match self {
            Nlri::Inet(inet) => inet.text(out),
            Nlri::IpVpn(vpn) => vpn.text(out),
        }
    }

    /// ExaBGP orders NLRI by family, path identifier, then packed bytes (mask first) when it
    /// builds UPDATEs, so `/24`s go out before `/32`s.
    fn sort_key(&self) -> (Family, PathInfo, u8, [u8; 16]) {
        let cidr = match self {
            Nlri::Inet(inet) => inet.cidr,
            Nlri::IpVpn(vpn) => vpn.cidr,
        };
        let (raw, size) = cidr.packed();
        let mut masked = [0u8; 16];
        masked[..size].copy_from_slice(&raw[..size]);
        (self.family(), self.path_info(), cidr.mask(), masked)
    }
}

impl PartialOrd for Nlri {
    fn partial_cmp(&self, other: &Nlri) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Nlri {
    fn cmp(&self, other: &Nlri) -> Ordering {
        self.sort_key()
            .cmp(&other.sort_key())
            .then_with(|| match (self, other) {
                (Nlri::Inet(a), Nlri::Inet(b)) => a.cidr.addr().cmp(&b.cidr.addr()),
                (Nlri::IpVpn(a), Nlri::IpVpn(b)) => {
                    (a.rd, &a.labels, a.cidr.addr()).cmp(&(b.rd, &b.labels, b.cidr.addr()))
                }
                (a, b) => a.family().cmp(&b.family()),
            })
    }
}

impl std::fmt::Display for Nlri {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut text = String::new();
        self.text(&mut text);
        f.write_str(&text)
    }
}

impl From<Inet> for Nlri {
    fn from(inet: Inet) -> Nlri {
        Nlri::Inet(inet)
    }
}
