//! Ports `exabgp/bgp/message/update/nlri/`: Network Layer Reachability Information per family (RFC 4271 §4.3, RFC 4760).
//!
//! `Nlri` grows one variant per family module (inet and ipvpn so far; label, flow, evpn, ... in issue 5).

pub mod bgpls;
pub mod cidr;
pub mod flow;
pub mod inet;
pub mod ipvpn;
pub mod qualifier;
pub mod sr_policy;

use crate::bgp::message::open::capability::negotiated::Negotiated;
use crate::bgp::message::Notification;
use crate::protocol::family::{Afi, Family, Safi};
use bytes::{Bytes, BytesMut};
use std::cmp::Ordering;

pub use bgpls::BgpLs;
pub use cidr::Cidr;
pub use flow::Flow;
pub use inet::Inet;
pub use ipvpn::IpVpn;
pub use qualifier::{Labels, PathInfo, Rd};
pub use sr_policy::SrPolicy;

/// One NLRI of any supported family.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Nlri {
    /// IPv4/IPv6 unicast and multicast.
    Inet(Inet),
    /// IPv4/IPv6 mpls-vpn; boxed so that unicast routes, most of a table, stay small.
    IpVpn(Box<IpVpn>),
    /// FlowSpec, IPv4/IPv6, plain and VPN (boxed: unicast routes are most of a RIB and the
    /// enum is as large as its largest variant).
    Flow(Box<Flow>),
    /// SR Policy (SAFI 73).
    SrPolicy(Box<SrPolicy>),
    /// BGP-LS and BGP-LS VPN (decoded, kept as received).
    BgpLs(Box<BgpLs>),
}

impl Nlri {
    pub fn family(&self) -> Family {
        match self {
            Nlri::Inet(inet) => inet.family,
            Nlri::IpVpn(vpn) => vpn.family,
            Nlri::Flow(flow) => flow.family,
            Nlri::SrPolicy(policy) => policy.family,
            Nlri::BgpLs(ls) => ls.family,
        }
    }

    /// The ADD-PATH identifier (families without ADD-PATH support here have none).
    pub fn path_info(&self) -> PathInfo {
        match self {
            Nlri::Inet(inet) => inet.path_info,
            Nlri::IpVpn(vpn) => vpn.path_info,
            Nlri::Flow(_) | Nlri::SrPolicy(_) | Nlri::BgpLs(_) => PathInfo::Disabled,
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
            other => other.clone(),
        }
    }

    /// Whether this speaker can decode NLRI of `family`.
    pub fn supported(family: Family) -> bool {
        (family.afi == Afi::BGPLS && matches!(family.safi, Safi::BGPLS | Safi::BGPLS_VPN))
            || matches!(family.afi, Afi::IPV4 | Afi::IPV6)
                && matches!(
                    family.safi,
                    Safi::UNICAST
                        | Safi::MULTICAST
                        | Safi::MPLS_VPN
                        | Safi::FLOW_IP
                        | Safi::FLOW_VPN
                        | Safi::SR_POLICY
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
        if matches!(family.safi, Safi::FLOW_IP | Safi::FLOW_VPN) {
            // ADD-PATH for FlowSpec is not supported, as ExaBGP
            let (flow, used) = Flow::decode(family, data)?;
            return Ok((Nlri::Flow(Box::new(flow)), used));
        }
        if family.afi == Afi::BGPLS {
            let (ls, used) = BgpLs::decode(family, data)?;
            return Ok((Nlri::BgpLs(Box::new(ls)), used));
        }
        if family.safi == Safi::SR_POLICY {
            let (policy, used) = SrPolicy::decode(family, data)?;
            return Ok((Nlri::SrPolicy(Box::new(policy)), used));
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
            Nlri::Flow(flow) => flow.encode(out),
            Nlri::SrPolicy(policy) => policy.encode(out),
            Nlri::BgpLs(ls) => ls.encode(out),
        }
    }

    /// Bytes `encode` writes.
    pub fn encoded_len(&self, negotiated: &Negotiated) -> usize {
        match self {
            Nlri::Inet(inet) => inet.encoded_len(negotiated.addpath_send(inet.family)),
            Nlri::IpVpn(vpn) => vpn.encoded_len(negotiated.addpath_send(vpn.family)),
            Nlri::Flow(flow) => flow.encoded_len(),
            Nlri::SrPolicy(policy) => policy.encoded_len(),
            Nlri::BgpLs(ls) => ls.encoded_len(),
        }
    }

    /// ExaBGP's JSON for the NLRI: `{ "nlri": "10.0.0.0/24" }`.
    pub fn json(&self, out: &mut String) {
        match self {
            Nlri::Inet(inet) => inet.json(out),
            Nlri::IpVpn(vpn) => vpn.json(out),
            Nlri::Flow(flow) => flow.json(out),
            Nlri::SrPolicy(policy) => policy.json(out),
            Nlri::BgpLs(ls) => ls.json(out),
        }
    }

    /// ExaBGP's JSON of API version 4 (`v4_json`), which repeats the next-hop in flow and
    /// BGP-LS node and prefix NLRI.
    pub fn json_v4(&self, nexthop: Option<std::net::IpAddr>, out: &mut String) {
        match self {
            Nlri::Flow(flow) => flow.json_v4(nexthop, out),
            Nlri::BgpLs(ls) => ls.json_v4(nexthop, out),
            _ => self.json(out),
        }
    }

    /// ExaBGP's text for the NLRI (`extensive`): `10.0.0.0/24`.
    pub fn text(&self, out: &mut String) {
        match self {
            Nlri::Inet(inet) => inet.text(out),
            Nlri::IpVpn(vpn) => vpn.text(out),
            Nlri::Flow(flow) => flow.text(out),
            Nlri::SrPolicy(policy) => policy.text(out),
            Nlri::BgpLs(ls) => ls.text(out),
        }
    }

    /// ExaBGP orders NLRI by family, path identifier, then packed bytes (mask first) when it
    /// builds UPDATEs, so `/24`s go out before `/32`s.
    fn sort_key(&self) -> (Family, PathInfo, u8, [u8; 16]) {
        let cidr = match self {
            Nlri::Inet(inet) => inet.cidr,
            Nlri::IpVpn(vpn) => vpn.cidr,
            Nlri::Flow(_) | Nlri::SrPolicy(_) | Nlri::BgpLs(_) => {
                return (self.family(), PathInfo::Disabled, 0, [0; 16])
            }
        };
        let (raw, size) = cidr.packed();
        let mut masked = [0u8; 16];
        masked[..size].copy_from_slice(&raw[..size]);
        (self.family(), self.path_info(), cidr.mask(), masked)
    }
}

impl Nlri {
    /// The NLRI on the wire without ADD-PATH, to order families ExaBGP sorts by bytes.
    fn packed(&self) -> BytesMut {
        let mut out = BytesMut::new();
        match self {
            Nlri::Inet(inet) => inet.encode(false, &mut out),
            Nlri::IpVpn(vpn) => vpn.encode(false, &mut out),
            Nlri::Flow(flow) => flow.encode(&mut out),
            Nlri::SrPolicy(policy) => policy.encode(&mut out),
            Nlri::BgpLs(ls) => ls.encode(&mut out),
        }
        out
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
                // other families: by packed bytes, as ExaBGP
                (a, b) if a.family() == b.family() => a.packed().cmp(&b.packed()),
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
