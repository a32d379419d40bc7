//! Interoperability tests (issue 3): real BGP daemons (BIRD 2, GoBGP, FRR) started on loopback
//! high ports, peered with each other to validate the harness, then with exabgp-rs.
//!
//! `cargo test --test interop` (add `-- --nocapture` to see each wait's duration). A missing
//! daemon, or an exabgp-rs without `server`, skips with a message; under `CI=true` it fails.
//! `EXABGP_INTEROP_SPEAKER=/path/to/exabgp` runs the exabgp-rs tests against ExaBGP itself.

mod common;

use common::daemons::{wait_established, wait_reestablished, wait_route, Bird, Daemon, Frr, Gobgp};
use common::exabgp::{speaker_command, Speaker, Static};
use common::{require, Endpoint, Neighbor, Originate};

/// Which daemon to start in a pairing test.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Bird,
    Gobgp,
    Frr,
}

impl Kind {
    fn installed(self) -> bool {
        match self {
            Kind::Bird => require("bird") && require("birdc"),
            Kind::Gobgp => require("gobgpd") && require("gobgp"),
            Kind::Frr => require("/usr/lib/frr/bgpd") && require("vtysh"),
        }
    }

    fn start(self, me: Endpoint, neighbor: Neighbor, routes: &[Originate]) -> Box<dyn Daemon> {
        let started: Result<Box<dyn Daemon>, String> = match self {
            Kind::Bird => Bird::start(me, &[neighbor], routes).map(|d| Box::new(d) as _),
            Kind::Gobgp => Gobgp::start(me, &[neighbor], routes).map(|d| Box::new(d) as _),
            Kind::Frr => Frr::start(me, &[neighbor], routes).map(|d| Box::new(d) as _),
        };
        started.unwrap_or_else(|e| panic!("starting {self:?}: {e}"))
    }
}

/// The session's transport: each speaker on its own 127.x.y.z, or all on ::1 (told apart by
/// port). Either carries both IPv4 and IPv6 routes.
#[derive(Clone, Copy, Debug)]
enum Transport {
    Ipv4,
    Ipv6,
}

impl Transport {
    fn endpoint(self, asn: u32) -> Endpoint {
        match self {
            Transport::Ipv4 => Endpoint::new(asn),
            Transport::Ipv6 => Endpoint::new6(asn),
        }
    }
}

/// Peers two real daemons; each originates one IPv4 and one IPv6 route with a MED and a
/// community, and each must hold the other's routes with the attributes it was given.
fn pair(a_kind: Kind, b_kind: Kind, transport: Transport) {
    if !a_kind.installed() || !b_kind.installed() {
        return;
    }
    let a_end = transport.endpoint(65001);
    let b_end = transport.endpoint(65002);
    let a_routes = [
        Originate::new("10.1.0.0/24").med(10).community(65001, 1),
        Originate::new("2001:db8:1::/48")
            .med(11)
            .community(65001, 2),
    ];
    let b_routes = [
        Originate::new("10.2.0.0/24").med(20).community(65002, 1),
        Originate::new("2001:db8:2::/48")
            .med(21)
            .community(65002, 2),
    ];
    // One side passive so the session is not raced by two connections.
    let mut a = a_kind.start(
        a_end,
        Neighbor {
            endpoint: b_end,
            passive: true,
        },
        &a_routes,
    );
    let mut b = b_kind.start(
        b_end,
        Neighbor {
            endpoint: a_end,
            passive: false,
        },
        &b_routes,
    );
    let session = wait_established(a.as_mut(), b_end.address);
    wait_established(b.as_mut(), a_end.address);
    exchanged(a.as_mut(), a_end, &a_routes, b.as_mut(), b_end, &b_routes);

    // The harness's reset (a NOTIFICATION from `a`) and restart (of `b`) must bring the session
    // back, as the exabgp-rs tests rely on them.
    a.reset(b_end.address)
        .unwrap_or_else(|e| panic!("{} reset: {e}", a.name()));
    let session = wait_reestablished(a.as_mut(), b_end.address, &session);
    b.restart()
        .unwrap_or_else(|e| panic!("{} restart: {e}", b.name()));
    wait_reestablished(a.as_mut(), b_end.address, &session);
    wait_established(b.as_mut(), a_end.address);
    exchanged(a.as_mut(), a_end, &a_routes, b.as_mut(), b_end, &b_routes);
}

/// Checks each side holds the other's routes.
fn exchanged(
    a: &mut dyn Daemon,
    a_end: Endpoint,
    a_routes: &[Originate],
    b: &mut dyn Daemon,
    b_end: Endpoint,
    b_routes: &[Originate],
) {
    received(b, a_end, a_routes);
    received(a, b_end, b_routes);
}

/// Checks `receiver` holds each of `routes`, learnt from `sender`'s AS with the sender's next
/// hop, and the MED and communities it was given.
fn received(receiver: &mut dyn Daemon, sender: Endpoint, routes: &[Originate]) {
    for sent in routes {
        let got = wait_route(receiver, &sent.prefix, |r| r.as_path == [sender.asn]);
        let next_hop = if sent.is_ipv6() {
            sender.next_hop6()
        } else {
            sender.next_hop4()
        };
        let name = receiver.name();
        assert_eq!(got.next_hop, Some(next_hop), "{name} next hop: {got}");
        assert_eq!(got.med, sent.med, "{name} MED: {got}");
        assert_eq!(
            got.communities, sent.communities,
            "{name} communities: {got}"
        );
    }
}

#[test]
fn bird_to_gobgp() {
    pair(Kind::Bird, Kind::Gobgp, Transport::Ipv4);
}

#[test]
fn gobgp_to_frr() {
    pair(Kind::Gobgp, Kind::Frr, Transport::Ipv4);
}

#[test]
fn frr_to_bird() {
    pair(Kind::Frr, Kind::Bird, Transport::Ipv4);
}

#[test]
fn frr_to_bird_over_ipv6() {
    pair(Kind::Frr, Kind::Bird, Transport::Ipv6);
}

/// exabgp-rs peering with a real daemon over one session carrying IPv4 and IPv6 routes.
struct Session {
    peer: Box<dyn Daemon>,
    speaker: Speaker,
    me: Endpoint,
    peer_end: Endpoint,
    ours: Vec<Static>,
    theirs: Vec<Originate>,
    /// The peer's marker of the current session.
    marker: String,
}

/// Starts `kind` and the speaker and waits for the session, or returns `None` (the reason
/// printed) when the daemon or exabgp-rs's server command is missing outside CI.
fn session(kind: Kind, speaker_passive: bool, transport: Transport) -> Option<Session> {
    if !kind.installed() {
        return None;
    }
    let command = speaker_command()?;
    let me = transport.endpoint(65000);
    let peer_end = transport.endpoint(65010);
    let ours = vec![
        Static {
            route: Originate::new("10.0.0.0/24").med(10).community(65000, 1),
            as_path: vec![65000, 65001],
        },
        Static {
            route: Originate::new("2001:db8:100::/48")
                .med(12)
                .community(65000, 2),
            as_path: vec![65000, 65001],
        },
        Static {
            route: Originate::new("10.0.1.0/24"),
            as_path: vec![],
        },
        Static {
            route: Originate::new("2001:db8:101::/48"),
            as_path: vec![],
        },
    ];
    let theirs = vec![
        Originate::new("10.10.0.0/24").med(30).community(65010, 1),
        Originate::new("2001:db8:110::/48")
            .med(31)
            .community(65010, 2),
    ];
    let to_speaker = Neighbor {
        endpoint: me,
        passive: !speaker_passive,
    };
    let mut peer = kind.start(peer_end, to_speaker, &theirs);
    let to_peer = Neighbor {
        endpoint: peer_end,
        passive: speaker_passive,
    };
    let speaker = Speaker::start(command, me, to_peer, &ours)
        .unwrap_or_else(|e| panic!("starting the speaker: {e}"));
    let marker = wait_established(peer.as_mut(), me.address);
    Some(Session {
        peer,
        speaker,
        me,
        peer_end,
        ours,
        theirs,
        marker,
    })
}

/// Our static routes reach the peer with their attributes, and the peer's reach us.
fn exabgp_routes(kind: Kind, speaker_passive: bool, transport: Transport) {
    let Some(mut s) = session(kind, speaker_passive, transport) else {
        return;
    };
    theirs_in_speaker(&mut s.speaker, s.peer_end, &s.theirs, 0);
    ours_in_peer(s.peer.as_mut(), s.me, &s.ours);
}

/// A NOTIFICATION from the peer, then a restart of the peer: each time the session comes
/// back, the peer's routes are received again and ours are in the peer's table again.
fn exabgp_reset_restart(kind: Kind, speaker_passive: bool) {
    let Some(mut s) = session(kind, speaker_passive, Transport::Ipv4) else {
        return;
    };
    theirs_in_speaker(&mut s.speaker, s.peer_end, &s.theirs, 0);

    let received = s.speaker.received().map(|r| r.len()).unwrap_or_default();
    s.peer
        .reset(s.me.address)
        .unwrap_or_else(|e| panic!("{} reset: {e}", s.peer.name()));
    let marker = wait_reestablished(s.peer.as_mut(), s.me.address, &s.marker);
    theirs_in_speaker(&mut s.speaker, s.peer_end, &s.theirs, received);

    let received = s.speaker.received().map(|r| r.len()).unwrap_or_default();
    s.peer
        .restart()
        .unwrap_or_else(|e| panic!("{} restart: {e}", s.peer.name()));
    wait_reestablished(s.peer.as_mut(), s.me.address, &marker);
    theirs_in_speaker(&mut s.speaker, s.peer_end, &s.theirs, received);
    ours_in_peer(s.peer.as_mut(), s.me, &s.ours);
}

/// The speaker stopped (SIGTERM: it sends a Cease) and started again: the peer sees the
/// session come back and holds our routes again.
fn exabgp_speaker_restart(kind: Kind) {
    let Some(mut s) = session(kind, false, Transport::Ipv4) else {
        return;
    };
    ours_in_peer(s.peer.as_mut(), s.me, &s.ours);
    s.speaker
        .restart()
        .unwrap_or_else(|e| panic!("speaker restart: {e}"));
    wait_reestablished(s.peer.as_mut(), s.me.address, &s.marker);
    ours_in_peer(s.peer.as_mut(), s.me, &s.ours);
}

/// The speaker's static routes are in the peer's table: AS path = our AS then the configured
/// path, our next hop, MED and communities as configured.
fn ours_in_peer(peer: &mut dyn Daemon, me: Endpoint, ours: &[Static]) {
    for s in ours {
        // ExaBGP sends a configured AS path as it is, and [local AS] when there is none.
        let as_path = if s.as_path.is_empty() {
            vec![me.asn]
        } else {
            s.as_path.clone()
        };
        let got = wait_route(peer, &s.route.prefix, |r| r.as_path == as_path);
        let next_hop = if s.route.is_ipv6() {
            me.next_hop6()
        } else {
            me.next_hop4()
        };
        let name = peer.name();
        assert_eq!(got.next_hop, Some(next_hop), "{name} next hop: {got}");
        assert_eq!(got.med, s.route.med, "{name} MED: {got}");
        assert_eq!(
            got.communities, s.route.communities,
            "{name} communities: {got}"
        );
    }
}

/// The peer's routes were announced to the speaker (counting only announcements after the
/// first `skip` ones) with the peer's AS, next hop, MED and communities.
fn theirs_in_speaker(speaker: &mut Speaker, peer: Endpoint, theirs: &[Originate], skip: usize) {
    for sent in theirs {
        let got = speaker.wait_received(skip, &sent.prefix, |r| r.as_path == [peer.asn]);
        let next_hop = if sent.is_ipv6() {
            peer.next_hop6()
        } else {
            peer.next_hop4()
        };
        assert_eq!(got.next_hop, Some(next_hop), "speaker next hop: {got}");
        assert_eq!(got.med, sent.med, "speaker MED: {got}");
        assert_eq!(
            got.communities, sent.communities,
            "speaker communities: {got}"
        );
    }
}

#[test]
fn exabgp_bird_routes() {
    exabgp_routes(Kind::Bird, false, Transport::Ipv4);
}

#[test]
fn exabgp_bird_reset_restart() {
    exabgp_reset_restart(Kind::Bird, false);
}

#[test]
fn exabgp_gobgp_passive_routes() {
    exabgp_routes(Kind::Gobgp, true, Transport::Ipv4);
}

#[test]
fn exabgp_gobgp_passive_reset_restart() {
    exabgp_reset_restart(Kind::Gobgp, true);
}

#[test]
fn exabgp_frr_routes() {
    exabgp_routes(Kind::Frr, false, Transport::Ipv4);
}

#[test]
fn exabgp_frr_reset_restart() {
    exabgp_reset_restart(Kind::Frr, false);
}

#[test]
fn exabgp_bird_speaker_restart() {
    exabgp_speaker_restart(Kind::Bird);
}

#[test]
fn exabgp_gobgp_over_ipv6_routes() {
    exabgp_routes(Kind::Gobgp, false, Transport::Ipv6);
}

// The parsers of the daemons' outputs, on hand-written samples of each format, so a failing
// interop test points at the daemon and not at the harness.

#[test]
fn parses_bird_show_route_all() {
    let text = "BIRD 2.0.12 ready.\nTable master4:\n\
        10.3.0.0/24          unreachable [peer0 05:30:50.410 from 127.0.0.22] * (100) [AS65003?]\n\
        \tType: BGP univ\n\
        \tBGP.origin: Incomplete\n\
        \tBGP.as_path: 65002 65003\n\
        \tBGP.next_hop: 192.0.2.22\n\
        \tBGP.med: 20\n\
        \tBGP.local_pref: 100\n\
        \tBGP.community: (65002,3) (65002,4)\n\
        \x20                    unreachable [peer1 05:30:51.000 from 127.0.0.23] (100) [AS65004?]\n\
        \tBGP.as_path: 65004\n\
        \tBGP.next_hop: 2001:db8::23 fe80::23\n\
        10.2.0.0/24          blackhole [static4 05:30:45.694] * (200)\n\
        \tType: static univ\n";
    let routes = common::daemons::parse_bird_routes(text);
    assert_eq!(routes.len(), 3, "{routes:?}");
    assert_eq!(routes[0].prefix, "10.3.0.0/24");
    assert_eq!(routes[0].as_path, [65002, 65003]);
    assert_eq!(routes[0].next_hop, Some("192.0.2.22".parse().unwrap()));
    assert_eq!((routes[0].med, routes[0].local_pref), (Some(20), Some(100)));
    assert_eq!(routes[0].communities, [(65002, 3), (65002, 4)]);
    assert_eq!(routes[1].prefix, "10.3.0.0/24");
    assert_eq!(routes[1].as_path, [65004]);
    assert_eq!(routes[1].next_hop, Some("2001:db8::23".parse().unwrap()));
    assert_eq!(routes[2].prefix, "10.2.0.0/24");
    assert!(routes[2].as_path.is_empty() && routes[2].next_hop.is_none());
}

#[test]
fn parses_gobgp_rib_json() {
    // Community 65002:3 is 65002 * 65536 + 3 = 4259971075.
    let text = r#"{"10.3.0.0/24":[{"nlri":{"prefix":"10.3.0.0/24"},"attrs":[{"type":1,"value":2},
        {"type":2,"as_paths":[{"segment_type":2,"num":2,"asns":[65002,65003]}]},
        {"type":3,"nexthop":"192.0.2.22"},{"type":4,"metric":20},{"type":5,"value":150},
        {"type":8,"communities":[4259971075]}]}],
        "2001:db8:3::/48":[{"nlri":{"prefix":"2001:db8:3::/48"},"attrs":[
        {"type":14,"nexthop":"2001:db8::22","afi":2,"safi":1,"value":[]}]}]}"#;
    let mut routes = common::daemons::parse_gobgp_routes(text).unwrap();
    routes.sort_by(|a, b| a.prefix.cmp(&b.prefix));
    assert_eq!(routes.len(), 2);
    let v4 = &routes[0];
    assert_eq!(v4.prefix, "10.3.0.0/24");
    assert_eq!(v4.as_path, [65002, 65003]);
    assert_eq!(v4.next_hop, Some("192.0.2.22".parse().unwrap()));
    assert_eq!((v4.med, v4.local_pref), (Some(20), Some(150)));
    assert_eq!(v4.communities, [(65002, 3)]);
    assert_eq!(routes[1].next_hop, Some("2001:db8::22".parse().unwrap()));
}

#[test]
fn parses_frr_prefix_json() {
    let json: serde_json::Value = serde_json::from_str(
        r#"{"prefix":"10.2.0.0/24","paths":[{"aspath":{"string":"65002 65003",
        "segments":[{"type":"as-sequence","list":[65002,65003]}],"length":2},"origin":"IGP",
        "metric":20,"locPrf":100,"community":{"string":"65002:1 65002:2","list":["65002:1","65002:2"]},
        "nexthops":[{"ip":"192.0.2.3","afi":"ipv4","used":true}]}]}"#,
    )
    .unwrap();
    let routes = common::daemons::parse_frr_route("10.2.0.0/24", &json);
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0].as_path, [65002, 65003]);
    assert_eq!(routes[0].next_hop, Some("192.0.2.3".parse().unwrap()));
    assert_eq!((routes[0].med, routes[0].local_pref), (Some(20), Some(100)));
    assert_eq!(routes[0].communities, [(65002, 1), (65002, 2)]);
}

#[test]
fn parses_exabgp_update_json() {
    // ExaBGP 5.0's shape: AS_PATH as a list, NLRI as objects.
    let five = r#"{"exabgp":"5.0.0","type":"update","neighbor":{"message":{"update":{
        "attribute":{"origin":"igp","as-path":[65010,65011],"med":30,"community":[[65010,1]]},
        "announce":{"ipv4 unicast":{"192.0.2.7":[{"nlri":"10.10.0.0/24"},{"nlri":"10.11.0.0/24"}]}}}}}}"#;
    let routes = common::exabgp::parse_exabgp_update(&five.replace('\n', ""));
    assert_eq!(routes.len(), 2);
    assert_eq!(routes[1].prefix, "10.11.0.0/24");
    assert_eq!(routes[1].as_path, [65010, 65011]);
    assert_eq!(routes[1].next_hop, Some("192.0.2.7".parse().unwrap()));
    assert_eq!(routes[1].med, Some(30));
    assert_eq!(routes[1].communities, [(65010, 1)]);
    // ExaBGP main's shape: AS_PATH as numbered segments.
    let main = r#"{"neighbor":{"message":{"update":{"attribute":{"as-path":{"0":{"element":
        "as-sequence","value":[100,500]}},"local-preference":100},"announce":{"ipv6 unicast":
        {"2001:db8::1":[{"nlri":"2001:db8:1::/48"}]}}}}}}"#;
    let routes = common::exabgp::parse_exabgp_update(&main.replace('\n', ""));
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0].as_path, [100, 500]);
    assert_eq!(routes[0].local_pref, Some(100));
    assert_eq!(routes[0].next_hop, Some("2001:db8::1".parse().unwrap()));
}

#[test]
fn parses_exabgp_rs_logged_update() {
    let line = r#"05:54:27 21203  reactor         peer 127.15.0.7 ASN 65010   << { "update": { "attribute": { "origin": "incomplete", "as-path": {"0": {"element": "as-sequence", "value": [65010]}}, "med": 31, "community": [ [ 65010, 2 ] ] }, "announce": { "ipv6 unicast": { "2001:db8::7": [ { "nlri": "2001:db8:110::/48" } ] } } } }"#;
    let routes = common::exabgp::parse_logged_update(line);
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0].prefix, "2001:db8:110::/48");
    assert_eq!(routes[0].as_path, [65010]);
    assert_eq!(routes[0].next_hop, Some("2001:db8::7".parse().unwrap()));
    assert_eq!(routes[0].med, Some(31));
    assert_eq!(routes[0].communities, [(65010, 2)]);
    let keepalive = "05:54:37 21203  reactor   peer 127.15.0.7 ASN 65010   << keepalive ";
    assert!(common::exabgp::parse_logged_update(keepalive).is_empty());
}
