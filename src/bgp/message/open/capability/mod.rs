//! Ports `exabgp/bgp/message/open/capability/capability.py`: BGP capabilities (RFC 5492) and the negotiated session.
//!
//! One file per capability, named as ExaBGP names them. Each capability type decodes its value
//! (merging into an earlier one of the same code, as ExaBGP's dict of capabilities does), encodes
//! its value(s), and writes ExaBGP's JSON for it.

pub mod addpath;
pub mod asn4;
pub mod capabilities;
pub mod extended;
pub mod graceful;
pub mod hostname;
pub mod linklocal;
pub mod mp;
pub mod ms;
pub mod negotiated;
pub mod nexthop;
pub mod operational;
pub mod pathslimit;
pub mod refresh;
pub mod software;
pub mod unknown;

pub use capabilities::Capabilities;

use crate::bgp::message::Notification;
use crate::protocol::family::{Afi, Family, Safi};
use bytes::Bytes;

/// Capability codes (IANA "Capability Codes", plus the ones ExaBGP knows from the field).
pub struct CapabilityCode;

impl CapabilityCode {
    pub const MULTIPROTOCOL: u8 = 0x01;
    pub const ROUTE_REFRESH: u8 = 0x02;
    pub const NEXTHOP: u8 = 0x05;
    pub const EXTENDED_MESSAGE: u8 = 0x06;
    pub const GRACEFUL_RESTART: u8 = 0x40;
    pub const FOUR_BYTES_ASN: u8 = 0x41;
    pub const MULTISESSION: u8 = 0x44;
    pub const ADD_PATH: u8 = 0x45;
    pub const ENHANCED_ROUTE_REFRESH: u8 = 0x46;
    pub const HOSTNAME: u8 = 0x49;
    pub const SOFTWARE_VERSION: u8 = 0x4B;
    pub const PATHS_LIMIT: u8 = 0x4C;
    pub const LINK_LOCAL_NEXTHOP: u8 = 0x4D;
    pub const ROUTE_REFRESH_CISCO: u8 = 0x80;
    pub const MULTISESSION_CISCO: u8 = 0x83;
    pub const OPERATIONAL: u8 = 0xB9;

    /// ExaBGP's name for a code (`CapabilityCode.names`), as the multisession JSON lists them.
    pub fn name(code: u8) -> String {
        match code {
            0x00 => "reserved".into(),
            0x01 => "multiprotocol".into(),
            0x02 => "route-refresh".into(),
            0x03 => "outbound-route-filtering".into(),
            0x04 => "multiple-routes".into(),
            0x05 => "nexthop".into(),
            0x06 => "extended-message".into(),
            0x40 => "graceful-restart".into(),
            0x41 => "asn4".into(),
            0x43 => "dynamic-capability".into(),
            0x44 => "multi-session".into(),
            0x45 => "add-path".into(),
            0x46 => "enhanced-route-refresh".into(),
            0x49 => "hostname".into(),
            0x4B => "software-version".into(),
            0x4C => "paths-limit".into(),
            0x4D => "link-local-nexthop".into(),
            0x80 => "cisco-route-refresh".into(),
            // ExaBGP's spelling, kept because it is what its JSON and logs show
            0x83 => "cisco-multi-sesion".into(),
            0xB9 => "operational".into(),
            n => format!("unknown capability {n:#x}"),
        }
    }
}

/// One capability as it appears in an OPEN (several TLVs of one code are merged, as ExaBGP does).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Capability {
    MultiProtocol(mp::MultiProtocol),
    RouteRefresh(refresh::RouteRefresh),
    EnhancedRouteRefresh(refresh::EnhancedRouteRefresh),
    NextHop(nexthop::NextHop),
    ExtendedMessage(extended::ExtendedMessage),
    Graceful(graceful::Graceful),
    Asn4(asn4::Asn4),
    MultiSession(ms::MultiSession),
    AddPath(addpath::AddPath),
    HostName(hostname::HostName),
    Software(software::Software),
    PathsLimit(pathslimit::PathsLimit),
    LinkLocalNextHop(linklocal::LinkLocalNextHop),
    Operational(operational::Operational),
    /// A capability ExaBGP does not know, kept as its bytes.
    Unknown(unknown::UnknownCapability),
}

impl Capability {
    /// The capability code on the wire.
    pub fn code(&self) -> u8 {
        match self {
            Capability::MultiProtocol(_) => CapabilityCode::MULTIPROTOCOL,
            Capability::RouteRefresh(r) => r.code(),
            Capability::EnhancedRouteRefresh(_) => CapabilityCode::ENHANCED_ROUTE_REFRESH,
            Capability::NextHop(_) => CapabilityCode::NEXTHOP,
            Capability::ExtendedMessage(_) => CapabilityCode::EXTENDED_MESSAGE,
            Capability::Graceful(_) => CapabilityCode::GRACEFUL_RESTART,
            Capability::Asn4(_) => CapabilityCode::FOUR_BYTES_ASN,
            Capability::MultiSession(m) => m.code(),
            Capability::AddPath(_) => CapabilityCode::ADD_PATH,
            Capability::HostName(_) => CapabilityCode::HOSTNAME,
            Capability::Software(_) => CapabilityCode::SOFTWARE_VERSION,
            Capability::PathsLimit(_) => CapabilityCode::PATHS_LIMIT,
            Capability::LinkLocalNextHop(_) => CapabilityCode::LINK_LOCAL_NEXTHOP,
            Capability::Operational(_) => CapabilityCode::OPERATIONAL,
            Capability::Unknown(u) => u.code,
        }
    }

    /// Decodes the value of one capability TLV. `previous` is the capability of the same code
    /// already seen in this OPEN: ExaBGP keeps one per code and merges or replaces, per capability.
    pub fn decode(
        code: u8,
        data: &[u8],
        previous: Option<Capability>,
    ) -> Result<Capability, Notification> {
        Ok(match (code, previous) {
            (CapabilityCode::MULTIPROTOCOL, Some(Capability::MultiProtocol(mut mp))) => {
                mp.merge(data)?;
                Capability::MultiProtocol(mp)
            }
            (CapabilityCode::MULTIPROTOCOL, _) => {
                Capability::MultiProtocol(mp::MultiProtocol::decode(data)?)
            }
            (CapabilityCode::ROUTE_REFRESH, _) => {
                Capability::RouteRefresh(refresh::RouteRefresh { cisco: false })
            }
            (CapabilityCode::ROUTE_REFRESH_CISCO, _) => {
                Capability::RouteRefresh(refresh::RouteRefresh { cisco: true })
            }
            (CapabilityCode::ENHANCED_ROUTE_REFRESH, _) => {
                Capability::EnhancedRouteRefresh(refresh::EnhancedRouteRefresh)
            }
            (CapabilityCode::NEXTHOP, Some(Capability::NextHop(mut nh))) => {
                nh.merge(data)?;
                Capability::NextHop(nh)
            }
            (CapabilityCode::NEXTHOP, _) => Capability::NextHop(nexthop::NextHop::decode(data)?),
            (CapabilityCode::EXTENDED_MESSAGE, _) => {
                Capability::ExtendedMessage(extended::ExtendedMessage)
            }
            (CapabilityCode::GRACEFUL_RESTART, _) => {
                Capability::Graceful(graceful::Graceful::decode(data)?)
            }
            (CapabilityCode::FOUR_BYTES_ASN, _) => Capability::Asn4(asn4::Asn4::decode(data)?),
            (CapabilityCode::MULTISESSION, _) => {
                Capability::MultiSession(ms::MultiSession::decode(false))
            }
            (CapabilityCode::MULTISESSION_CISCO, _) => {
                Capability::MultiSession(ms::MultiSession::decode(true))
            }
            (CapabilityCode::ADD_PATH, Some(Capability::AddPath(mut ap))) => {
                ap.merge(data)?;
                Capability::AddPath(ap)
            }
            (CapabilityCode::ADD_PATH, _) => Capability::AddPath(addpath::AddPath::decode(data)?),
            (CapabilityCode::HOSTNAME, _) => {
                Capability::HostName(hostname::HostName::decode(data)?)
            }
            (CapabilityCode::SOFTWARE_VERSION, _) => {
                Capability::Software(software::Software::decode(data)?)
            }
            (CapabilityCode::PATHS_LIMIT, Some(Capability::PathsLimit(mut pl))) => {
                pl.merge(data)?;
                Capability::PathsLimit(pl)
            }
            (CapabilityCode::PATHS_LIMIT, _) => {
                Capability::PathsLimit(pathslimit::PathsLimit::decode(data)?)
            }
            (CapabilityCode::LINK_LOCAL_NEXTHOP, _) => {
                Capability::LinkLocalNextHop(linklocal::LinkLocalNextHop)
            }
            (CapabilityCode::OPERATIONAL, _) => Capability::Operational(operational::Operational),
            (code, _) => Capability::Unknown(unknown::UnknownCapability {
                code,
                data: Bytes::copy_from_slice(data),
            }),
        })
    }

    /// The value(s) to send: ExaBGP sends some capabilities as several TLVs of the same code
    /// (one per family for multiprotocol), each in its own optional parameter.
    pub fn values(&self) -> Vec<Vec<u8>> {
        match self {
            Capability::MultiProtocol(c) => c.values(),
            Capability::RouteRefresh(_)
            | Capability::EnhancedRouteRefresh(_)
            | Capability::ExtendedMessage(_)
            | Capability::LinkLocalNextHop(_)
            | Capability::Operational(_) => vec![Vec::new()],
            Capability::NextHop(c) => vec![c.value()],
            Capability::Graceful(c) => vec![c.value()],
            Capability::Asn4(c) => vec![c.value()],
            Capability::MultiSession(c) => c.values(),
            Capability::AddPath(c) => vec![c.value()],
            Capability::HostName(c) => c.values(),
            Capability::Software(c) => vec![c.value()],
            Capability::PathsLimit(c) => vec![c.value()],
            Capability::Unknown(c) => vec![c.data.to_vec()],
        }
    }

    /// ExaBGP's JSON for this capability (the value of its `"code": ...` entry in an OPEN).
    pub fn json(&self, out: &mut String) {
        match self {
            Capability::MultiProtocol(c) => c.json(out),
            Capability::RouteRefresh(c) => c.json(out),
            Capability::EnhancedRouteRefresh(c) => c.json(out),
            Capability::NextHop(c) => c.json(out),
            Capability::ExtendedMessage(c) => c.json(out),
            Capability::Graceful(c) => c.json(out),
            Capability::Asn4(c) => c.json(out),
            Capability::MultiSession(c) => c.json(out),
            Capability::AddPath(c) => c.json(out),
            Capability::HostName(c) => c.json(out),
            Capability::Software(c) => c.json(out),
            Capability::PathsLimit(c) => c.json(out),
            Capability::LinkLocalNextHop(c) => c.json(out),
            Capability::Operational(c) => c.json(out),
            Capability::Unknown(c) => c.json(out),
        }
    }
}

/// The (2, 0) OPEN error ExaBGP raises for a capability it cannot parse.
pub(crate) fn malformed(text: String) -> Notification {
    Notification::new(2, 0, Bytes::from(text))
}

/// Reads an AFI (2 bytes) at `at`.
pub(crate) fn afi_at(data: &[u8], at: usize) -> Afi {
    Afi(u16::from_be_bytes([data[at], data[at + 1]]))
}

/// `"ipv4/unicast"`, as the OPEN JSON spells families.
pub(crate) fn slash(family: Family) -> String {
    family.slash_name()
}

pub(crate) fn family(afi: Afi, safi: u8) -> Family {
    Family::new(afi, Safi(safi))
}
