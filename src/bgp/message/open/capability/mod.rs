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
use std::fmt;

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
                fixed("Route Refresh", data, 0)?;
                Capability::RouteRefresh(refresh::RouteRefresh { cisco: false })
            }
            (CapabilityCode::ROUTE_REFRESH_CISCO, _) => {
                fixed("Cisco Route Refresh", data, 0)?;
                Capability::RouteRefresh(refresh::RouteRefresh { cisco: true })
            }
            (CapabilityCode::ENHANCED_ROUTE_REFRESH, _) => {
                fixed("Enhanced Route Refresh", data, 0)?;
                Capability::EnhancedRouteRefresh(refresh::EnhancedRouteRefresh)
            }
            (CapabilityCode::NEXTHOP, Some(Capability::NextHop(mut nh))) => {
                nh.merge(data)?;
                Capability::NextHop(nh)
            }
            (CapabilityCode::NEXTHOP, _) => Capability::NextHop(nexthop::NextHop::decode(data)?),
            (CapabilityCode::EXTENDED_MESSAGE, _) => {
                fixed("Extended Message", data, 0)?;
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
                fixed("Link-Local Next Hop", data, 0)?;
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
            Capability::NextHop(c) => split(c.value(), 6),
            Capability::Graceful(c) => vec![c.value()],
            Capability::Asn4(c) => vec![c.value()],
            Capability::MultiSession(c) => c.values(),
            Capability::AddPath(c) => split(c.value(), 4),
            Capability::HostName(c) => c.values(),
            Capability::Software(c) => vec![c.value()],
            Capability::PathsLimit(c) => split(c.value(), 5),
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

/// ExaBGP's `__str__` of the capability, as the text encoder's OPEN line lists them.
impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Capability::MultiProtocol(c) => c.fmt(f),
            Capability::RouteRefresh(c) => c.fmt(f),
            Capability::EnhancedRouteRefresh(c) => c.fmt(f),
            Capability::NextHop(c) => c.fmt(f),
            Capability::ExtendedMessage(c) => c.fmt(f),
            Capability::Graceful(c) => c.fmt(f),
            Capability::Asn4(c) => c.fmt(f),
            Capability::MultiSession(c) => c.fmt(f),
            Capability::AddPath(c) => c.fmt(f),
            Capability::HostName(c) => c.fmt(f),
            Capability::Software(c) => c.fmt(f),
            Capability::PathsLimit(c) => c.fmt(f),
            Capability::LinkLocalNextHop(c) => c.fmt(f),
            Capability::Operational(c) => c.fmt(f),
            Capability::Unknown(c) => c.fmt(f),
        }
    }
}

/// A list of `entry`-byte entries as TLV values of at most 255 bytes: the receiver merges
/// TLVs of these codes, so a long list goes as several.
fn split(value: Vec<u8>, entry: usize) -> Vec<Vec<u8>> {
    if value.len() <= 255 {
        return vec![value];
    }
    value
        .chunks(255 - 255 % entry)
        .map(<[u8]>::to_vec)
        .collect()
}

/// The (2, 0) OPEN error ExaBGP raises for a capability it cannot parse: RFC 4271 §6.2 gives
/// a recognized but malformed optional parameter the Unspecific subcode, RFC 5492 none of its own.
pub(crate) fn malformed(text: String) -> Notification {
    Notification::new(2, 0, Bytes::from(text))
}

/// Refuses a capability value whose length is not the one its RFC fixes. ExaBGP ignores the
/// value of those it reads no field from (route refresh, extended message, ...), and accepts a
/// multiprotocol value longer than 4 bytes and a two-byte ASN4 (docs/deviations.md).
pub(crate) fn fixed(name: &str, data: &[u8], length: usize) -> Result<(), Notification> {
    if data.len() == length {
        return Ok(());
    }
    Err(malformed(format!(
        "{name} capability must be {length} bytes long, got {}",
        data.len()
    )))
}

/// `"ipv4/unicast"`, as the OPEN JSON spells families.
pub(crate) fn slash(family: Family) -> String {
    family.slash_name()
}

pub(crate) fn family(afi: Afi, safi: u8) -> Family {
    Family::new(afi, Safi(safi))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes one TLV value, checks the value(s) it encodes back to and its JSON.
    fn check(code: u8, value: &[u8], json: &str) -> Capability {
        let capability = Capability::decode(code, value, None).unwrap();
        assert_eq!(capability.code(), code);
        assert_eq!(capability.values(), vec![value.to_vec()], "code {code}");
        let mut out = String::new();
        capability.json(&mut out);
        assert_eq!(out, json);
        capability
    }

    #[test]
    fn multiprotocol() {
        // AFI 2, reserved, SAFI 128
        check(
            1,
            &[0, 2, 0, 128],
            "{ \"name\": \"multiprotocol\", \"families\": [ \"ipv6/mpls-vpn\" ] }",
        );
        let first = Capability::decode(1, &[0, 1, 0, 1], None).unwrap();
        let second = Capability::decode(1, &[0, 2, 0, 1], Some(first)).unwrap();
        assert_eq!(second.values(), vec![vec![0, 1, 0, 1], vec![0, 2, 0, 1]]);
        let mut out = String::new();
        second.json(&mut out);
        assert_eq!(
            out,
            "{ \"name\": \"multiprotocol\", \"families\": [ \"ipv4/unicast\", \"ipv6/unicast\" ] }"
        );
        assert_eq!(
            Capability::decode(1, &[0, 1, 0], None).unwrap_err().subcode,
            0
        );
    }

    #[test]
    fn route_refresh_variants() {
        check(
            2,
            &[],
            "{ \"name\": \"route-refresh\", \"variant\": \"RFC\" }",
        );
        check(
            128,
            &[],
            "{ \"name\": \"route-refresh\", \"variant\": \"Cisco\" }",
        );
        check(70, &[], "{ \"name\": \"enhanced-route-refresh\" }");
    }

    #[test]
    fn asn4() {
        check(65, &[0, 1, 0, 0], "{ \"name\": \"asn4\", \"asn4\": 65536 }");
        // RFC 6793 §3: four bytes, where ExaBGP also reads two
        for wrong in [&[0xFD, 0xE8][..], &[0, 0, 1], &[], &[0, 0, 0xFD, 0xE8, 0]] {
            let error = Capability::decode(65, wrong, None).unwrap_err();
            assert_eq!((error.code, error.subcode), (2, 0));
        }
    }

    #[test]
    fn graceful_restart() {
        // R bit and 120 s, then ipv4 unicast with F, ipv6 unicast without
        check(
            64,
            &[0x80, 120, 0, 1, 1, 0x80, 0, 2, 1, 0],
            "{ \"name\": \"graceful restart\", \"time\": 120, \"address-family-flags\": { \"ipv4/unicast\": [ \"restart\" ] , \"ipv6/unicast\": [ ] }, \"restart-flags\": [ \"forwarding\" ]  }",
        );
        check(
            64,
            &[0x00, 0x5A],
            "{ \"name\": \"graceful restart\", \"time\": 90, \"address-family-flags\": { }, \"restart-flags\": [ ]  }",
        );
        assert!(Capability::decode(64, &[0], None).is_err());
        assert!(Capability::decode(64, &[0, 1, 0, 1, 1], None).is_err());
    }

    #[test]
    fn addpath() {
        check(
            69,
            &[0, 1, 1, 3, 0, 2, 1, 1],
            "{ \"name\": \"addpath\", \"ipv4/unicast\": \"send/receive\",\"ipv6/unicast\": \"receive\" }",
        );
        let mut out = String::new();
        Capability::decode(69, &[0, 1, 1, 7], None)
            .unwrap()
            .json(&mut out);
        assert_eq!(
            out,
            "{ \"name\": \"addpath\", \"ipv4/unicast\": \"invalid (7)\" }"
        );
        assert!(Capability::decode(69, &[0, 1, 1], None).is_err());
    }

    #[test]
    fn nexthop() {
        check(
            5,
            &[0, 1, 0, 1, 0, 2, 0, 1, 0, 128, 0, 2],
            "{ \"name\": \"nexthop\", \"conversion\": [ \"ipv4/unicast/ipv6\", \"ipv4/mpls-vpn/ipv6\" ] }",
        );
        assert!(Capability::decode(5, &[0, 1, 0, 1, 0], None).is_err());
    }

    #[test]
    fn extended_message_link_local_operational() {
        check(
            6,
            &[],
            "{ \"name\": \"extended-message\", \"size\": 65535 }",
        );
        check(77, &[], "{ \"name\": \"link-local-nexthop\" }");
        check(185, &[], "{ \"name\": \"operational\" }");
    }

    #[test]
    fn hostname() {
        check(
            73,
            &[2, b'r', b'1', 3, b'a', b'.', b'b'],
            "{ \"host-name\": \"r1\", \"domain-name\": \"a.b\" }",
        );
        // not UTF-8, and a domain length past the end
        assert!(Capability::decode(73, &[1, 0xFF, 0], None).is_err());
        assert!(Capability::decode(73, &[1, b'a', 2, b'b'], None).is_err());
        // non-ASCII is escaped as Python's json.dumps does
        let name = hostname::HostName {
            host_name: "é\"".into(),
            domain_name: String::new(),
        };
        let mut out = String::new();
        name.json(&mut out);
        assert_eq!(
            out,
            "{ \"host-name\": \"\\u00e9\\\"\", \"domain-name\": \"\" }"
        );
    }

    #[test]
    fn software_version() {
        check(
            75,
            &[4, b'F', b'R', b'R', b'/'],
            "{ \"software\": \"FRR/\" }",
        );
        assert!(Capability::decode(75, &[5, b'a'], None).is_err());
        let long = software::Software::new(&"9".repeat(80));
        assert_eq!(long.0.len(), 64);
        assert!(long.0.starts_with("ExaBGP/999") && long.0.ends_with("..."));
    }

    #[test]
    fn multisession() {
        let ms = ms::MultiSession::new(vec![CapabilityCode::MULTIPROTOCOL]);
        assert_eq!(
            Capability::MultiSession(ms.clone()).values(),
            vec![vec![0], vec![1]]
        );
        let mut out = String::new();
        ms.json(&mut out);
        assert_eq!(out, "{ \"name\": \"multisession\", \"variant\": \"RFC\", \"capabilities\": [ \"multiprotocol\" ] }");
        // ExaBGP reads no value from a received one
        let received = Capability::decode(131, &[0], None).unwrap();
        let mut out = String::new();
        received.json(&mut out);
        assert_eq!(
            out,
            "{ \"name\": \"multisession\", \"variant\": \"Cisco\", \"capabilities\": [ ] }"
        );
    }

    #[test]
    fn paths_limit() {
        check(
            76,
            &[0, 1, 1, 0, 10],
            "{ \"name\": \"paths-limit\", \"ipv4/unicast\": 10 }",
        );
        assert!(Capability::decode(76, &[0, 1, 1, 0], None).is_err());
    }

    #[test]
    fn long_lists_go_as_several_tlvs() {
        let families = (0..70)
            .map(|safi| (Family::new(Afi::IPV4, Safi(safi)), 3))
            .collect();
        let values = Capability::AddPath(addpath::AddPath(families)).values();
        // 63 entries of 4 bytes, then 7
        assert_eq!(
            values.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![252, 28]
        );
        let first = Capability::decode(69, &values[0], None).unwrap();
        let Capability::AddPath(merged) = Capability::decode(69, &values[1], Some(first)).unwrap()
        else {
            panic!("an ADD-PATH capability")
        };
        assert_eq!(merged.0.len(), 70);
    }

    #[test]
    fn unknown_kept_as_bytes() {
        check(
            80,
            &[0xAB, 0x01],
            "{ \"name\": \"unknown\", \"iana\": \"unassigned\", \"value\": 80, \"raw\": \"AB01\" }",
        );
        check(
            200,
            &[],
            "{ \"name\": \"unknown\", \"iana\": \"reserved\", \"value\": 200, \"raw\": \"\" }",
        );
        check(
            3,
            &[1],
            "{ \"name\": \"unknown\", \"iana\": \"unknown\", \"value\": 3, \"raw\": \"01\" }",
        );
    }

    /// ExaBGP's `__str__` of each capability, worked out from its Python.
    #[test]
    fn text_as_exabgp() {
        let text =
            |code: u8, value: &[u8]| Capability::decode(code, value, None).unwrap().to_string();
        let mp = Capability::decode(1, &[0, 1, 0, 1], None).unwrap();
        assert_eq!(
            Capability::decode(1, &[0, 2, 0, 128], Some(mp))
                .unwrap()
                .to_string(),
            "Multiprotocol(ipv4 unicast,ipv6 mpls-vpn)"
        );
        assert_eq!(text(2, &[]), "Route Refresh");
        assert_eq!(text(128, &[]), "Cisco Route Refresh");
        assert_eq!(text(70, &[]), "Enhanced Route Refresh");
        assert_eq!(
            text(5, &[0, 1, 0, 1, 0, 2, 0, 1, 0, 128, 0, 2]),
            "NextHop(ipv4 unicast ipv6,ipv4 mpls-vpn ipv6)"
        );
        assert_eq!(text(6, &[]), "Extended Message(65535)");
        // flags 0x8 and 120 s; a family's flags other than F are not kept
        assert_eq!(
            text(64, &[0x80, 120, 0, 1, 1, 0xFF, 0, 2, 1, 0]),
            "Graceful Restart Flags 0x8 Time 120 ipv4/unicast=0x80 ipv6/unicast=0x0"
        );
        assert_eq!(
            text(64, &[0xC0, 0xB4]),
            "Graceful Restart Flags 0xc Time 180 "
        );
        assert_eq!(text(65, &[0, 1, 0, 0]), "ASN4(65536)");
        assert_eq!(text(68, &[0]), "Multisession (RFC) ");
        assert_eq!(text(131, &[0]), "Multisession ");
        assert_eq!(
            Capability::MultiSession(ms::MultiSession::new(vec![1])).to_string(),
            "Multisession (RFC) multiprotocol"
        );
        assert_eq!(
            text(69, &[0, 1, 1, 3, 0, 2, 1, 1]),
            "AddPath(send/receive ipv4 unicast,receive ipv6 unicast)"
        );
        assert_eq!(text(69, &[0, 1, 1, 7]), "AddPath(invalid (7) ipv4 unicast)");
        assert_eq!(
            text(73, &[2, b'r', b'1', 3, b'a', b'.', b'b']),
            "Hostname(r1 a.b)"
        );
        assert_eq!(text(73, &[0, 0]), "Hostname( )");
        assert_eq!(text(75, &[4, b'F', b'R', b'R', b'/']), "Software(FRR/)");
        assert_eq!(
            text(76, &[0, 1, 1, 0, 10, 0, 2, 1, 0, 20]),
            "PathsLimit(ipv4 unicast 10, ipv6 unicast 20)"
        );
        assert_eq!(text(77, &[]), "Link-Local NextHop");
        assert_eq!(text(185, &[]), "Operational");
        // an unknown code: its IANA range, then ExaBGP's name for it
        assert_eq!(text(3, &[1]), "Unknown outbound-route-filtering");
        assert_eq!(text(67, &[]), "Unknown dynamic-capability");
        assert_eq!(text(9, &[]), "Unknown unknown capability 0x9");
        assert_eq!(text(80, &[0xAB]), "Unassigned unknown capability 0x50");
        assert_eq!(text(200, &[]), "Reserved unknown capability 0xc8");
    }
}
