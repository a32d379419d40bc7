//! Interoperability tests (issue 3): real BGP daemons (BIRD 2, GoBGP, FRR) started on loopback
//! high ports, peered with each other to validate the harness, then with exabgp-rs.

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

/// Peers two real daemons; each originates one IPv4 and one IPv6 route with a MED and a
/// community, and each must hold the other's routes with the attributes it was given.
fn pair(a_kind: Kind, b_kind: Kind) {
    if !a_kind.installed() || !b_kind.installed() {
        return;
    }
    let a_end = Endpoint::new(65001);
    let b_end = Endpoint::new(65002);
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
    pair(Kind::Bird, Kind::Gobgp);
}

#[test]
fn gobgp_to_frr() {
    pair(Kind::Gobgp, Kind::Frr);
}

#[test]
fn frr_to_bird() {
    pair(Kind::Frr, Kind::Bird);
}

/// exabgp-rs peering with a real daemon, IPv4 and IPv6 over one IPv4 session: our static
/// routes reach the peer with their attributes, the peer's routes reach us (through the API
/// process), and a NOTIFICATION from the peer and a restart of the peer are survived.
fn exabgp_with(kind: Kind, speaker_passive: bool) {
    if !kind.installed() {
        return;
    }
    let Some(command) = speaker_command() else {
        return;
    };
    let me = Endpoint::new(65000);
    let peer_end = Endpoint::new(65010);
    let ours = [
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
    let theirs = [
        Originate::new("10.10.0.0/24").med(30).community(65010, 1),
        Originate::new("2001:db8:110::/48")
            .med(31)
            .community(65010, 2),
    ];
    let mut peer = kind.start(
        peer_end,
        Neighbor {
            endpoint: me,
            passive: !speaker_passive,
        },
        &theirs,
    );
    let mut speaker = Speaker::start(
        command,
        me,
        Neighbor {
            endpoint: peer_end,
            passive: speaker_passive,
        },
        &ours,
    )
    .unwrap_or_else(|e| panic!("starting the speaker: {e}"));
    let session = wait_established(peer.as_mut(), me.address);
    ours_in_peer(peer.as_mut(), me, &ours);
    theirs_in_speaker(&mut speaker, peer_end, &theirs);

    peer.reset(me.address)
        .unwrap_or_else(|e| panic!("{} reset: {e}", peer.name()));
    let session = wait_reestablished(peer.as_mut(), me.address, &session);
    ours_in_peer(peer.as_mut(), me, &ours);

    peer.restart()
        .unwrap_or_else(|e| panic!("{} restart: {e}", peer.name()));
    wait_reestablished(peer.as_mut(), me.address, &session);
    ours_in_peer(peer.as_mut(), me, &ours);
    drop(speaker);
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

/// The peer's routes were announced to the speaker with the peer's AS, next hop, MED and
/// communities.
fn theirs_in_speaker(speaker: &mut Speaker, peer: Endpoint, theirs: &[Originate]) {
    for sent in theirs {
        let got = speaker.wait_received(&sent.prefix, |r| r.as_path == [peer.asn]);
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
fn exabgp_bird() {
    exabgp_with(Kind::Bird, false);
}

#[test]
fn exabgp_gobgp_passive() {
    exabgp_with(Kind::Gobgp, true);
}

#[test]
fn exabgp_frr() {
    exabgp_with(Kind::Frr, false);
}
