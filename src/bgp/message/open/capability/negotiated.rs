//! Ports `exabgp/bgp/message/open/capability/negotiated.py`: what both OPENs agreed (RFC 4271 §4.2, §6.2,
//! RFC 5492, RFC 6793, RFC 7911 §4, RFC 8654, RFC 8950).
//!
//! Every encoder and decoder takes a `&Negotiated`: nothing about a session is global.

use super::{Capability, CapabilityCode};
use crate::bgp::message::open::{Open, AS_TRANS, HOLD_TIME_MIN};
use crate::bgp::message::update::nlri::flow::OffsetLayout;
use crate::bgp::message::Notification;
use crate::bgp::neighbor::Neighbor;
use crate::protocol::family::{Afi, Family};
use bytes::Bytes;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// ADD-PATH direction bits for one family (RFC 7911 §4: 1 receive, 2 send, 3 both).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct AddPath {
    /// We may send path identifiers (we announced send, the peer announced receive).
    pub send: bool,
    /// The peer sends path identifiers (we announced receive, the peer announced send).
    pub receive: bool,
}

/// How route refresh was agreed.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Refresh {
    #[default]
    Absent,
    Normal,
    Enhanced,
}

impl Refresh {
    /// ExaBGP's JSON spelling (`REFRESH.json`).
    pub fn name(self) -> &'static str {
        match self {
            Refresh::Absent => "absent",
            Refresh::Normal => "normal",
            Refresh::Enhanced => "enhanced",
        }
    }
}

/// Which side announced a family the other did not (ExaBGP logs these).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mismatch {
    /// Only the peer announced it.
    Peer,
    /// Only we announced it.
    Local,
}

/// The negotiated session: what encoders and decoders must know about the peer.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Negotiated {
    /// Four-octet AS numbers in AS_PATH and AGGREGATOR (RFC 6793).
    pub asn4: bool,
    pub local_as: u32,
    pub peer_as: u32,
    /// Negotiated hold time in seconds (0 or at least 3).
    pub hold_time: u16,
    /// Families both sides announced, in the order the peer announced them (as ExaBGP).
    pub families: Vec<Family>,
    /// ADD-PATH per family.
    pub addpath: BTreeMap<Family, AddPath>,
    /// Largest message: 4096, or 65535 with extended message (RFC 8654).
    pub msg_size: usize,
    /// Extended next-hop (RFC 8950): NLRI family → next-hop AFI allowed.
    pub nexthop: Vec<(Family, Afi)>,
    pub refresh: Refresh,
    pub operational: bool,
    pub aigp: bool,
    pub linklocal_nexthop: bool,
    /// Our link-local address, sent after a global IPv6 next-hop in MP_REACH_NLRI: set when
    /// the link-local next-hop capability is agreed, the neighbour has a `local-link-local`
    /// and the session is single-hop (ExaBGP's `link_local_address`, `is_multihop`).
    pub link_local: Option<std::net::Ipv6Addr>,
    /// Both sides announced multisession (draft-ietf-idr-bgp-multisession, RFC or Cisco code).
    pub multisession: bool,
    /// ADD-PATH paths limit the peer asked of us, for families we send path identifiers for.
    pub paths_limit: BTreeMap<Family, u16>,
    /// Families announced by one side only.
    pub mismatch: Vec<(Mismatch, Family)>,
    /// The peer's BGP identifier.
    pub peer_router_id: Ipv4Addr,
    /// How IPv6 FlowSpec prefixes with an offset are sent and read (the neighbour's
    /// `flow-ipv6-offset`).
    pub flow_offset: OffsetLayout,
}

impl Default for Negotiated {
    /// A session before any OPEN: ASN4, IPv4 unicast, no ADD-PATH, 4096-byte messages.
    fn default() -> Negotiated {
        Negotiated {
            asn4: true,
            local_as: 0,
            peer_as: 0,
            hold_time: 180,
            families: vec![Family::IPV4_UNICAST],
            addpath: BTreeMap::new(),
            msg_size: crate::bgp::message::MAX_LEN,
            nexthop: Vec::new(),
            refresh: Refresh::Absent,
            operational: false,
            aigp: false,
            linklocal_nexthop: false,
            link_local: None,
            multisession: false,
            paths_limit: BTreeMap::new(),
            mismatch: Vec::new(),
            peer_router_id: Ipv4Addr::UNSPECIFIED,
            flow_offset: OffsetLayout::WholePrefix,
        }
    }
}

impl Negotiated {
    /// Whether path identifiers are present in NLRI we receive for `family`.
    pub fn addpath_receive(&self, family: Family) -> bool {
        self.addpath.get(&family).is_some_and(|a| a.receive)
    }

    /// Whether path identifiers must be written in NLRI we send for `family`.
    pub fn addpath_send(&self, family: Family) -> bool {
        self.addpath.get(&family).is_some_and(|a| a.send)
    }
}

fn open_error(subcode: u8, text: String) -> Notification {
    Notification::new(2, subcode, Bytes::from(text))
}

fn addpath_of(open: &Open) -> Vec<(Family, u8)> {
    match open.capabilities.get(CapabilityCode::ADD_PATH) {
        Some(Capability::AddPath(ap)) => ap.0.clone(),
        _ => Vec::new(),
    }
}

fn asn4_of(open: &Open) -> Option<u32> {
    match open.capabilities.get(CapabilityCode::FOUR_BYTES_ASN) {
        Some(Capability::Asn4(asn)) => Some(asn.0),
        _ => None,
    }
}

impl Negotiated {
    /// Agrees the session from the OPEN we sent and the one we received (ExaBGP's `_negotiate`),
    /// then checks the received one against the neighbour's settings (ExaBGP's `validate`,
    /// RFC 4271 §6.2): peer AS (2, 2), BGP identifier (2, 3), hold time (2, 6), multisession
    /// (2, 8) and (2, 9). The NOTIFICATION data is ExaBGP's text.
    pub fn new(
        neighbor: &Neighbor,
        sent: &Open,
        received: &Open,
    ) -> Result<Negotiated, Notification> {
        let negotiated = Negotiated::agree(neighbor, sent, received);
        negotiated.validate(neighbor, sent, received)?;
        Ok(negotiated)
    }

    /// What both OPENs agree, without checking the received one (ExaBGP's `_negotiate` alone,
    /// as its `decode` command uses it).
    pub fn agree(neighbor: &Neighbor, sent: &Open, received: &Open) -> Negotiated {
        let sent_capa = &sent.capabilities;
        let recv_capa = &received.capabilities;
        let both = |code: u8| sent_capa.announced(code) && recv_capa.announced(code);

        let asn4 = both(CapabilityCode::FOUR_BYTES_ASN);
        let local_as = asn4_of(sent).unwrap_or(u32::from(sent.asn));
        let mut peer_as = u32::from(received.asn);
        if received.asn == AS_TRANS && asn4 {
            peer_as = asn4_of(received).unwrap_or(peer_as);
        }

        // RFC 4760 §8 and RFC 4271: a speaker without the multiprotocol capability speaks IPv4
        // unicast (ExaBGP negotiates no family at all with it)
        let implied = |open: &Open| -> Vec<Family> {
            match open.capabilities.get(CapabilityCode::MULTIPROTOCOL) {
                Some(Capability::MultiProtocol(mp)) => mp.0.clone(),
                _ => vec![Family::IPV4_UNICAST],
            }
        };
        let sent_families = implied(sent);
        let recv_families = implied(received);
        let families: Vec<Family> = recv_families
            .iter()
            .filter(|f| sent_families.contains(f))
            .copied()
            .collect();

        let nexthop = match (
            sent_capa.get(CapabilityCode::NEXTHOP),
            recv_capa.get(CapabilityCode::NEXTHOP),
        ) {
            (Some(Capability::NextHop(s)), Some(Capability::NextHop(r))) => {
                r.0.iter().filter(|e| s.0.contains(e)).copied().collect()
            }
            _ => Vec::new(),
        };

        let refresh = if both(CapabilityCode::ENHANCED_ROUTE_REFRESH) {
            Refresh::Enhanced
        } else if both(CapabilityCode::ROUTE_REFRESH) {
            Refresh::Normal
        } else {
            Refresh::Absent
        };

        // RFC 7911 §4: send needs our send bit and their receive bit, and the other way round
        let ours = addpath_of(sent);
        let theirs = addpath_of(received);
        let mut addpath = BTreeMap::new();
        for (family, _) in ours.iter().chain(theirs.iter()) {
            let here = ours
                .iter()
                .find(|(f, _)| f == family)
                .map_or(0, |(_, v)| *v);
            let there = theirs
                .iter()
                .find(|(f, _)| f == family)
                .map_or(0, |(_, v)| *v);
            addpath.insert(
                *family,
                AddPath {
                    send: here & 2 != 0 && there & 1 != 0,
                    receive: here & 1 != 0 && there & 2 != 0,
                },
            );
        }

        let mut paths_limit = BTreeMap::new();
        if both(CapabilityCode::ADD_PATH) {
            if let Some(Capability::PathsLimit(pl)) = recv_capa.get(CapabilityCode::PATHS_LIMIT) {
                for (family, limit) in &pl.0 {
                    let announced = theirs.iter().any(|(f, _)| f == family);
                    if announced && addpath.get(family).is_some_and(|a: &AddPath| a.send) {
                        paths_limit.insert(*family, *limit);
                    }
                }
            }
        }

        let mut mismatch = Vec::new();
        for f in sent_families.iter().filter(|f| !recv_families.contains(f)) {
            mismatch.push((Mismatch::Peer, *f));
        }
        for f in recv_families.iter().filter(|f| !sent_families.contains(f)) {
            mismatch.push((Mismatch::Local, *f));
        }

        let multisession =
            both(CapabilityCode::MULTISESSION) || both(CapabilityCode::MULTISESSION_CISCO);

        Negotiated {
            asn4,
            local_as,
            peer_as,
            hold_time: sent.hold_time.min(received.hold_time),
            families,
            addpath,
            msg_size: if both(CapabilityCode::EXTENDED_MESSAGE) {
                crate::bgp::message::MAX_EXTENDED_LEN
            } else {
                crate::bgp::message::MAX_LEN
            },
            nexthop,
            refresh,
            operational: both(CapabilityCode::OPERATIONAL),
            aigp: neighbor.capability.aigp,
            linklocal_nexthop: both(CapabilityCode::LINK_LOCAL_NEXTHOP),
            link_local: match neighbor.local_link_local {
                Some(std::net::IpAddr::V6(address))
                    if both(CapabilityCode::LINK_LOCAL_NEXTHOP)
                        && !neighbor.outgoing_ttl.is_some_and(|ttl| ttl > 1) =>
                {
                    Some(address)
                }
                _ => None,
            },
            multisession,
            paths_limit,
            mismatch,
            peer_router_id: received.router_id,
            flow_offset: neighbor.flow_offset,
        }
    }

    /// ExaBGP's `validate`: the received OPEN against the neighbour's settings.
    pub fn validate(
        &self,
        neighbor: &Neighbor,
        sent: &Open,
        received: &Open,
    ) -> Result<(), Notification> {
        // RFC 6793 §4.1: My Autonomous System is the four-byte ASN when it fits two bytes,
        // else AS_TRANS; an OPEN saying otherwise names two different ASes (ExaBGP does not
        // check)
        if let Some(asn4) = asn4_of(received).filter(|_| self.asn4) {
            let my_as = u32::from(received.asn);
            let expected = if asn4 > 0xFFFF {
                u32::from(AS_TRANS)
            } else {
                asn4
            };
            if my_as != expected {
                return Err(open_error(
                    2,
                    format!("ASN in OPEN ({my_as}) does not match the ASN4 capability ({asn4})"),
                ));
            }
        }
        if neighbor.peer_as != 0 && self.peer_as != neighbor.peer_as {
            return Err(open_error(
                2,
                format!(
                    "ASN in OPEN ({}) did not match ASN expected ({})",
                    received.asn, neighbor.peer_as
                ),
            ));
        }
        // RFC 6286 §2.2: a zero identifier is invalid
        if received.router_id.is_unspecified() {
            return Err(open_error(3, "0.0.0.0 is an invalid router_id".into()));
        }
        let local_router_id = neighbor.router_id.unwrap_or(sent.router_id);
        if self.peer_as == neighbor.local_as && received.router_id == local_router_id {
            return Err(open_error(
                3,
                format!(
                    "BGP Identifier collision, same router-id ({}) on both sides of this IBGP session",
                    received.router_id
                ),
            ));
        }
        if received.hold_time != 0 && received.hold_time < HOLD_TIME_MIN {
            return Err(open_error(
                6,
                format!("Hold Time is invalid ({})", received.hold_time),
            ));
        }
        self.validate_multisession(sent, received)
    }

    /// The multisession checks of ExaBGP's `_negotiate`: the session-identifying capabilities
    /// (multiprotocol unless listed) must be the same both ways, and a multisession we
    /// announced is mandatory.
    fn validate_multisession(&self, sent: &Open, received: &Open) -> Result<(), Notification> {
        let codes = |open: &Open| -> Vec<u8> {
            let mut codes = match open.capabilities.get(CapabilityCode::MULTISESSION) {
                Some(Capability::MultiSession(ms)) => ms.capabilities.clone(),
                _ => Vec::new(),
            };
            if codes.is_empty() {
                codes.push(CapabilityCode::MULTIPROTOCOL);
            }
            codes.sort_unstable();
            codes.dedup();
            codes
        };
        if self.multisession {
            let ours = codes(sent);
            if ours != codes(received) {
                return Err(open_error(
                    8,
                    "multisession, our peer did not reply with the same sessionid".into(),
                ));
            }
            for code in ours {
                if sent.capabilities.get(code) != received.capabilities.get(code) {
                    return Err(open_error(
                        8,
                        format!(
                            "when checking session id, capability {} did not match",
                            CapabilityCode::name(code)
                        ),
                    ));
                }
            }
        } else if sent.capabilities.announced(CapabilityCode::MULTISESSION) {
            return Err(open_error(
                9,
                "multisession is mandatory with this peer".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bgp::message::open::capability::{
        addpath, asn4::Asn4, extended::ExtendedMessage, mp::MultiProtocol, ms::MultiSession,
        refresh, Capabilities,
    };
    use crate::protocol::family::{Afi, Safi};
    use std::net::IpAddr;

    fn neighbor(local_as: u32, peer_as: u32) -> Neighbor {
        let mut neighbor = Neighbor::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2)));
        neighbor.local_as = local_as;
        neighbor.peer_as = peer_as;
        neighbor.router_id = Some(Ipv4Addr::new(192, 0, 2, 1));
        neighbor
    }

    fn open(asn: u32, hold_time: u16, router_id: [u8; 4], capabilities: Vec<Capability>) -> Open {
        Open::new(
            asn,
            hold_time,
            Ipv4Addr::from(router_id),
            Capabilities(capabilities),
        )
    }

    fn mp(families: &[Family]) -> Capability {
        Capability::MultiProtocol(MultiProtocol(families.to_vec()))
    }

    const VPN: Family = Family::new(Afi::IPV4, Safi::MPLS_VPN);

    #[test]
    fn agreement() {
        let ours = vec![
            mp(&[Family::IPV4_UNICAST, Family::IPV6_UNICAST, VPN]),
            Capability::Asn4(Asn4(65001)),
            Capability::AddPath(addpath::AddPath(vec![
                (Family::IPV4_UNICAST, 3),
                (Family::IPV6_UNICAST, 1),
            ])),
            Capability::RouteRefresh(refresh::RouteRefresh { cisco: false }),
            Capability::EnhancedRouteRefresh(refresh::EnhancedRouteRefresh),
            Capability::ExtendedMessage(ExtendedMessage),
        ];
        let theirs = vec![
            mp(&[VPN, Family::IPV4_UNICAST, Family::IPV4_MULTICAST]),
            Capability::Asn4(Asn4(4_200_000_000)),
            Capability::AddPath(addpath::AddPath(vec![
                (Family::IPV4_UNICAST, 1),
                (Family::IPV6_UNICAST, 2),
            ])),
            Capability::RouteRefresh(refresh::RouteRefresh { cisco: false }),
        ];
        let sent = open(65001, 180, [192, 0, 2, 1], ours);
        let received = open(4_200_000_000, 90, [192, 0, 2, 2], theirs);
        let n = Negotiated::new(&neighbor(65001, 4_200_000_000), &sent, &received).unwrap();
        assert!(n.asn4);
        assert_eq!((n.local_as, n.peer_as), (65001, 4_200_000_000));
        assert_eq!(n.hold_time, 90);
        // the peer's order
        assert_eq!(n.families, vec![VPN, Family::IPV4_UNICAST]);
        // we send and receive on ipv4 unicast: only our send meets their receive
        assert!(n.addpath_send(Family::IPV4_UNICAST) && !n.addpath_receive(Family::IPV4_UNICAST));
        assert!(!n.addpath_send(Family::IPV6_UNICAST) && n.addpath_receive(Family::IPV6_UNICAST));
        assert_eq!(n.refresh, Refresh::Normal);
        assert_eq!(n.msg_size, 4096);
        assert_eq!(
            n.mismatch,
            vec![
                (Mismatch::Peer, Family::IPV6_UNICAST),
                (Mismatch::Local, Family::IPV4_MULTICAST)
            ]
        );
    }

    #[test]
    fn without_asn4_the_two_byte_field_counts() {
        let sent = open(
            65001,
            180,
            [192, 0, 2, 1],
            vec![Capability::Asn4(Asn4(65001))],
        );
        let received = open(65002, 180, [192, 0, 2, 2], vec![]);
        let n = Negotiated::new(&neighbor(65001, 65002), &sent, &received).unwrap();
        assert!(!n.asn4);
        assert_eq!(n.peer_as, 65002);
        // no multiprotocol capability on either side: IPv4 unicast
        assert_eq!(n.families, vec![Family::IPV4_UNICAST]);
    }

    fn refused(neighbor: &Neighbor, received: Open) -> Notification {
        let sent = open(
            neighbor.local_as,
            180,
            [192, 0, 2, 1],
            vec![Capability::Asn4(Asn4(neighbor.local_as))],
        );
        Negotiated::new(neighbor, &sent, &received).unwrap_err()
    }

    /// RFC 6793 §4.1: the ASN4 capability and My Autonomous System must name the same AS.
    #[test]
    fn asn4_capability_must_match_my_as() {
        let neighbor = neighbor(65001, 0);
        for (my_as, asn4) in [(65003u16, 65004u32), (65003, 70000), (23456, 65003)] {
            let error = refused(
                &neighbor,
                open(
                    u32::from(my_as),
                    180,
                    [192, 0, 2, 2],
                    vec![Capability::Asn4(Asn4(asn4))],
                ),
            );
            assert_eq!((error.code, error.subcode), (2, 2), "{my_as} / {asn4}");
            assert_eq!(
                String::from_utf8_lossy(&error.data),
                format!("ASN in OPEN ({my_as}) does not match the ASN4 capability ({asn4})")
            );
        }
        let sent = open(
            65001,
            180,
            [192, 0, 2, 1],
            vec![Capability::Asn4(Asn4(65001))],
        );
        for (my_as, asn4) in [(65003u16, 65003u32), (23456, 70000), (23456, 23456)] {
            let received = open(
                u32::from(my_as),
                180,
                [192, 0, 2, 2],
                vec![Capability::Asn4(Asn4(asn4))],
            );
            let negotiated = Negotiated::new(&neighbor, &sent, &received).unwrap();
            assert_eq!(negotiated.peer_as, asn4);
        }
        // without ASN4 on our side the capability means nothing
        let two_byte = open(65001, 180, [192, 0, 2, 1], vec![]);
        let received = open(
            65003,
            180,
            [192, 0, 2, 2],
            vec![Capability::Asn4(Asn4(70000))],
        );
        assert!(Negotiated::new(&neighbor, &two_byte, &received).is_ok());
    }

    #[test]
    fn bad_peer_as() {
        let error = refused(
            &neighbor(65001, 65002),
            open(65003, 180, [192, 0, 2, 2], vec![]),
        );
        assert_eq!((error.code, error.subcode), (2, 2));
        assert_eq!(
            &error.data[..],
            b"ASN in OPEN (65003) did not match ASN expected (65002)"
        );
        // peer AS 0 in the configuration accepts any
        let sent = open(65001, 180, [192, 0, 2, 1], vec![]);
        assert!(Negotiated::new(
            &neighbor(65001, 0),
            &sent,
            &open(65003, 180, [192, 0, 2, 2], vec![])
        )
        .is_ok());
    }

    #[test]
    fn bad_identifier() {
        let zero = refused(
            &neighbor(65001, 65002),
            open(65002, 180, [0, 0, 0, 0], vec![]),
        );
        assert_eq!(
            (zero.code, zero.subcode, &zero.data[..]),
            (2, 3, &b"0.0.0.0 is an invalid router_id"[..])
        );
        let same = refused(
            &neighbor(65001, 65001),
            open(65001, 180, [192, 0, 2, 1], vec![]),
        );
        assert_eq!((same.code, same.subcode), (2, 3));
        // the same identifier across an EBGP session is allowed
        let sent = open(65001, 180, [192, 0, 2, 1], vec![]);
        assert!(Negotiated::new(
            &neighbor(65001, 65002),
            &sent,
            &open(65002, 180, [192, 0, 2, 1], vec![])
        )
        .is_ok());
    }

    #[test]
    fn hold_time() {
        for bad in [1, 2] {
            let error = refused(
                &neighbor(65001, 65002),
                open(65002, bad, [192, 0, 2, 2], vec![]),
            );
            assert_eq!((error.code, error.subcode), (2, 6));
            assert_eq!(
                error.data,
                Bytes::from(format!("Hold Time is invalid ({bad})"))
            );
        }
        let sent = open(65001, 180, [192, 0, 2, 1], vec![]);
        let n = Negotiated::new(
            &neighbor(65001, 65002),
            &sent,
            &open(65002, 0, [192, 0, 2, 2], vec![]),
        )
        .unwrap();
        assert_eq!(n.hold_time, 0);
    }

    #[test]
    fn multisession() {
        let ms = Capability::MultiSession(MultiSession::new(vec![CapabilityCode::MULTIPROTOCOL]));
        let sent = open(
            65001,
            180,
            [192, 0, 2, 1],
            vec![mp(&[Family::IPV4_UNICAST]), ms.clone()],
        );
        let peer = neighbor(65001, 65002);
        let required =
            Negotiated::new(&peer, &sent, &open(65002, 180, [192, 0, 2, 2], vec![])).unwrap_err();
        assert_eq!((required.code, required.subcode), (2, 9));
        let received = MultiSession::decode(false);
        let other = open(
            65002,
            180,
            [192, 0, 2, 2],
            vec![
                mp(&[Family::IPV6_UNICAST]),
                Capability::MultiSession(received.clone()),
            ],
        );
        let conflict = Negotiated::new(&peer, &sent, &other).unwrap_err();
        assert_eq!((conflict.code, conflict.subcode), (2, 8));
        let same = open(
            65002,
            180,
            [192, 0, 2, 2],
            vec![
                mp(&[Family::IPV4_UNICAST]),
                Capability::MultiSession(received),
            ],
        );
        assert!(Negotiated::new(&peer, &sent, &same).unwrap().multisession);
    }
}
