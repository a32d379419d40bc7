//! Ports `exabgp/bgp/message/update/nlri/`: Network Layer Reachability Information per family (RFC 4271 §4.3, RFC 4760).
//!
//! `Nlri` has one variant per family module.

pub mod bgpls;
pub mod cidr;
pub mod evpn;
pub mod flow;
pub mod inet;
pub mod ipvpn;
pub mod label;
pub mod mup;
pub mod mvpn;
pub mod qualifier;
pub mod rtc;
pub mod sr_policy;
pub mod vpls;

use crate::bgp::message::open::capability::negotiated::Negotiated;
use crate::bgp::message::Notification;
use crate::protocol::family::{Afi, Family, Safi};
use bytes::{Bytes, BytesMut};
use std::cmp::Ordering;

pub use bgpls::BgpLs;
pub use cidr::Cidr;
pub use evpn::Evpn;
pub use flow::{Flow, OffsetLayout};
pub use inet::Inet;
pub use ipvpn::IpVpn;
pub use label::Label;
pub use mup::Mup;
pub use mvpn::Mvpn;
pub use qualifier::{Labels, PathInfo, RouteDistinguisher};
pub use rtc::Rtc;
pub use sr_policy::SrPolicy;
pub use vpls::Vpls;

/// One NLRI of any supported family. Variants larger than an IP prefix are boxed so that a
/// unicast route stays within the adj-rib-out's memory budget.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Nlri {
    /// IPv4/IPv6 unicast and multicast.
    Inet(Inet),
    /// Labeled unicast (SAFI 4).
    Label(Box<Label>),
    /// VPN-IPv4/VPN-IPv6 (SAFI 128).
    IpVpn(Box<IpVpn>),
    /// L2VPN VPLS (AFI 25, SAFI 65).
    Vpls(Vpls),
    /// L2VPN EVPN (AFI 25, SAFI 70).
    Evpn(Box<Evpn>),
    /// IPv4/IPv6 MCAST-VPN (SAFI 5).
    Mvpn(Box<Mvpn>),
    /// IPv4/IPv6 Mobile User Plane (SAFI 85).
    Mup(Box<Mup>),
    /// IPv4 Route Target membership (SAFI 132).
    Rtc(Rtc),
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
            Nlri::Label(label) => label.family,
            Nlri::IpVpn(vpn) => vpn.family,
            Nlri::Vpls(_) => Family::new(Afi::L2VPN, Safi::VPLS),
            Nlri::Evpn(_) => Family::new(Afi::L2VPN, Safi::EVPN),
            Nlri::Mvpn(mvpn) => mvpn.family(),
            Nlri::Mup(mup) => mup.family(),
            Nlri::Rtc(_) => Family::new(Afi::IPV4, Safi::RTC),
            Nlri::Flow(flow) => flow.family,
            Nlri::SrPolicy(policy) => policy.family,
            Nlri::BgpLs(ls) => ls.family,
        }
    }

    /// The ADD-PATH identifier (flow, SR policy and BGP-LS have none here, as ExaBGP).
    pub fn path_info(&self) -> PathInfo {
        match self {
            Nlri::Inet(inet) => inet.path_info,
            Nlri::Label(label) => label.path_info,
            Nlri::IpVpn(vpn) => vpn.path_info,
            Nlri::Vpls(vpls) => vpls.path_info,
            Nlri::Evpn(evpn) => evpn.path_info,
            Nlri::Mvpn(mvpn) => mvpn.path_info,
            Nlri::Mup(mup) => mup.path_info,
            Nlri::Rtc(rtc) => rtc.path_info,
            Nlri::Flow(_) | Nlri::SrPolicy(_) | Nlri::BgpLs(_) => PathInfo::Disabled,
        }
    }

    /// The same NLRI with another ADD-PATH identifier.
    pub fn with_path_info(&self, path_info: PathInfo) -> Nlri {
        let mut nlri = self.clone();
        match &mut nlri {
            Nlri::Inet(inet) => inet.path_info = path_info,
            Nlri::Label(label) => label.path_info = path_info,
            Nlri::IpVpn(vpn) => vpn.path_info = path_info,
            Nlri::Vpls(vpls) => vpls.path_info = path_info,
            Nlri::Evpn(evpn) => evpn.path_info = path_info,
            Nlri::Mvpn(mvpn) => mvpn.path_info = path_info,
            Nlri::Mup(mup) => mup.path_info = path_info,
            Nlri::Rtc(rtc) => rtc.path_info = path_info,
            Nlri::Flow(_) | Nlri::SrPolicy(_) | Nlri::BgpLs(_) => {}
        }
        nlri
    }

    /// Whether this speaker can decode NLRI of `family`.
    pub fn supported(family: Family) -> bool {
        match family.afi {
            Afi::IPV4 if family.safi == Safi::RTC => true,
            Afi::IPV4 | Afi::IPV6 => matches!(
                family.safi,
                Safi::UNICAST
                    | Safi::MULTICAST
                    | Safi::NLRI_MPLS
                    | Safi::MPLS_VPN
                    | Safi::MCAST_VPN
                    | Safi::MUP
                    | Safi::FLOW_IP
                    | Safi::FLOW_VPN
                    | Safi::SR_POLICY
            ),
            Afi::L2VPN => matches!(family.safi, Safi::VPLS | Safi::EVPN),
            Afi::BGPLS => matches!(family.safi, Safi::BGPLS | Safi::BGPLS_VPN),
            _ => false,
        }
    }

    /// Decodes one NLRI of `family` at the front of `data`, returning it and the bytes used.
    /// `addpath`: the peer sends path identifiers for this family; `flow_offset`: the layout
    /// of IPv6 FlowSpec prefixes (`Negotiated::flow_offset`).
    pub fn decode(
        family: Family,
        data: &[u8],
        addpath: bool,
        flow_offset: OffsetLayout,
    ) -> Result<(Nlri, usize), Notification> {
        if !Nlri::supported(family) {
            return Err(Notification::new(3, 0, Bytes::new()));
        }
        if family.afi == Afi::BGPLS {
            let (ls, used) = BgpLs::decode(family, data)?;
            return Ok((Nlri::BgpLs(Box::new(ls)), used));
        }
        Ok(match family.safi {
            // ADD-PATH for FlowSpec and SR policy is not supported, as ExaBGP
            Safi::FLOW_IP | Safi::FLOW_VPN => {
                let (flow, used) = Flow::decode(family, data, flow_offset)?;
                (Nlri::Flow(Box::new(flow)), used)
            }
            Safi::SR_POLICY => {
                let (policy, used) = SrPolicy::decode(family, data)?;
                (Nlri::SrPolicy(Box::new(policy)), used)
            }
            Safi::RTC => {
                let (rtc, used) = Rtc::decode(data, addpath)?;
                (Nlri::Rtc(rtc), used)
            }
            Safi::MUP => {
                let (mup, used) = Mup::decode(family.afi, data, addpath)?;
                (Nlri::Mup(Box::new(mup)), used)
            }
            Safi::MCAST_VPN => {
                let (mvpn, used) = Mvpn::decode(family.afi, data, addpath)?;
                (Nlri::Mvpn(Box::new(mvpn)), used)
            }
            Safi::EVPN => {
                let (evpn, used) = Evpn::decode(data, addpath)?;
                (Nlri::Evpn(Box::new(evpn)), used)
            }
            Safi::VPLS => {
                let (vpls, used) = Vpls::decode(data, addpath)?;
                (Nlri::Vpls(vpls), used)
            }
            Safi::NLRI_MPLS => {
                let (label, used) = Label::decode(family, data, addpath)?;
                (Nlri::Label(Box::new(label)), used)
            }
            Safi::MPLS_VPN => {
                let (vpn, used) = IpVpn::decode(family, data, addpath)?;
                (Nlri::IpVpn(Box::new(vpn)), used)
            }
            _ => {
                let (inet, used) = Inet::decode(family, data, addpath)?;
                (Nlri::Inet(inet), used)
            }
        })
    }

    /// Writes the NLRI, with a path identifier when ADD-PATH send is negotiated for its family.
    pub fn encode(&self, negotiated: &Negotiated, out: &mut BytesMut) {
        match self {
            Nlri::Inet(inet) => inet.encode(negotiated.addpath_send(inet.family), out),
            Nlri::Label(label) => label.encode(negotiated.addpath_send(label.family), out),
            Nlri::IpVpn(vpn) => vpn.encode(negotiated.addpath_send(vpn.family), out),
            Nlri::Vpls(vpls) => vpls.encode(negotiated.addpath_send(self.family()), out),
            Nlri::Evpn(evpn) => evpn.encode(negotiated.addpath_send(self.family()), out),
            Nlri::Mvpn(mvpn) => mvpn.encode(negotiated.addpath_send(self.family()), out),
            Nlri::Mup(mup) => mup.encode(negotiated.addpath_send(self.family()), out),
            Nlri::Rtc(rtc) => rtc.encode(negotiated.addpath_send(self.family()), out),
            Nlri::Flow(flow) => flow.encode(negotiated.flow_offset, out),
            Nlri::SrPolicy(policy) => policy.encode(out),
            Nlri::BgpLs(ls) => ls.encode(out),
        }
    }

    /// Bytes `encode` writes.
    pub fn encoded_len(&self, negotiated: &Negotiated) -> usize {
        match self {
            Nlri::Inet(inet) => inet.encoded_len(negotiated.addpath_send(inet.family)),
            Nlri::Label(label) => label.encoded_len(negotiated.addpath_send(label.family)),
            Nlri::IpVpn(vpn) => vpn.encoded_len(negotiated.addpath_send(vpn.family)),
            Nlri::Vpls(vpls) => vpls.encoded_len(negotiated.addpath_send(self.family())),
            Nlri::Evpn(evpn) => evpn.encoded_len(negotiated.addpath_send(self.family())),
            Nlri::Mvpn(mvpn) => mvpn.encoded_len(negotiated.addpath_send(self.family())),
            Nlri::Mup(mup) => mup.encoded_len(negotiated.addpath_send(self.family())),
            Nlri::Rtc(rtc) => rtc.encoded_len(negotiated.addpath_send(self.family())),
            Nlri::Flow(flow) => flow.encoded_len(negotiated.flow_offset),
            Nlri::SrPolicy(policy) => policy.encoded_len(),
            Nlri::BgpLs(ls) => ls.encoded_len(),
        }
    }

    /// ExaBGP's JSON for the NLRI: `{ "nlri": "10.0.0.0/24" }`.
    pub fn json(&self, out: &mut String) {
        match self {
            Nlri::Inet(inet) => inet.json(out),
            Nlri::Label(label) => label.json(out),
            Nlri::IpVpn(vpn) => vpn.json(out),
            Nlri::Vpls(vpls) => vpls.json(out),
            Nlri::Evpn(evpn) => evpn.json(out),
            Nlri::Mvpn(mvpn) => mvpn.json(out),
            Nlri::Mup(mup) => mup.json(out),
            Nlri::Rtc(rtc) => rtc.json(out),
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
            Nlri::Label(label) => label.text(out),
            Nlri::IpVpn(vpn) => vpn.text(out),
            Nlri::Vpls(vpls) => vpls.text(out),
            Nlri::Evpn(evpn) => evpn.text(out),
            Nlri::Mvpn(mvpn) => mvpn.text(out),
            Nlri::Mup(mup) => mup.text(out),
            Nlri::Rtc(rtc) => rtc.text(out),
            Nlri::Flow(flow) => flow.text(out),
            Nlri::SrPolicy(policy) => policy.text(out),
            Nlri::BgpLs(ls) => ls.text(out),
        }
    }

    /// ExaBGP orders NLRI by family, path identifier, then packed bytes (mask first) when it
    /// builds UPDATEs, so `/24`s go out before `/32`s.
    fn sort_key(&self) -> (Family, PathInfo, u8, [u8; 16]) {
        let key = |family: Family, path_info: PathInfo, cidr: &Cidr| {
            let (raw, size) = cidr.packed();
            let mut masked = [0u8; 16];
            masked[..size].copy_from_slice(&raw[..size]);
            (family, path_info, cidr.mask(), masked)
        };
        match self {
            Nlri::Inet(inet) => key(inet.family, inet.path_info, &inet.cidr),
            Nlri::Label(label) => key(label.family, label.path_info, &label.cidr),
            Nlri::IpVpn(vpn) => key(vpn.family, vpn.path_info, &vpn.cidr),
            Nlri::Vpls(vpls) => (self.family(), vpls.path_info, 0, [0; 16]),
            Nlri::Evpn(evpn) => (self.family(), evpn.path_info, 0, [0; 16]),
            Nlri::Mvpn(mvpn) => (self.family(), mvpn.path_info, 0, [0; 16]),
            Nlri::Mup(mup) => (self.family(), mup.path_info, 0, [0; 16]),
            Nlri::Rtc(rtc) => (self.family(), rtc.path_info, 0, [0; 16]),
            Nlri::Flow(_) | Nlri::SrPolicy(_) | Nlri::BgpLs(_) => {
                (self.family(), PathInfo::Disabled, 0, [0; 16])
            }
        }
    }
}

impl Nlri {
    /// The flow, SR policy or BGP-LS NLRI on the wire, which ExaBGP orders by.
    fn packed(&self) -> BytesMut {
        let mut out = BytesMut::new();
        match self {
            Nlri::Flow(flow) => out = flow.packed(),
            Nlri::SrPolicy(policy) => policy.encode(&mut out),
            Nlri::BgpLs(ls) => ls.encode(&mut out),
            _ => {}
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
                (Nlri::Label(a), Nlri::Label(b)) => {
                    (a.cidr.addr(), &a.labels).cmp(&(b.cidr.addr(), &b.labels))
                }
                (Nlri::IpVpn(a), Nlri::IpVpn(b)) => {
                    (a.rd, a.cidr.addr(), &a.labels).cmp(&(b.rd, b.cidr.addr(), &b.labels))
                }
                (Nlri::Vpls(a), Nlri::Vpls(b)) => a.cmp(b),
                (Nlri::Evpn(a), Nlri::Evpn(b)) => a.cmp(b),
                (Nlri::Mvpn(a), Nlri::Mvpn(b)) => a.cmp(b),
                (Nlri::Mup(a), Nlri::Mup(b)) => a.cmp(b),
                (Nlri::Rtc(a), Nlri::Rtc(b)) => a.cmp(b),
                // flow, SR policy and BGP-LS: by packed bytes, as ExaBGP
                (Nlri::Flow(_), Nlri::Flow(_))
                | (Nlri::SrPolicy(_), Nlri::SrPolicy(_))
                | (Nlri::BgpLs(_), Nlri::BgpLs(_)) => self.packed().cmp(&other.packed()),
                // one family is one variant, and the family is in the sort key
                _ => Ordering::Equal,
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
