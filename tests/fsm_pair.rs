//! Two peer coroutines back to back in memory on a virtual clock: establishment, an UPDATE and
//! End-of-RIB, keepalive cadence, hold timer expiry, connection collision.

mod fsm_support;

use bytes::Bytes;
use exabgp_rs::bgp::fsm::State;
use exabgp_rs::bgp::neighbor::Neighbor;
use exabgp_rs::protocol::family::Family;
use exabgp_rs::reactor::peer::event::{ApiEvent, Effect};
use exabgp_rs::reactor::peer::stepper::{Pair, Stepper};
use exabgp_rs::reactor::peer::Settings;
use fsm_support::*;
use std::time::Duration;

fn pair_of(first: Neighbor, second: Neighbor, rib: SharedRib) -> Pair {
    Pair::new(
        Stepper::new(first, Settings::default(), rib),
        addr("10.0.0.1:50000"),
        Stepper::new(second, Settings::default(), SharedRib::default()),
        addr("10.0.0.2:179"),
    )
}

/// Side 0 connects, side 1 is passive.
fn pair(rib: SharedRib) -> Pair {
    let mut passive = mirror();
    passive.passive = true;
    pair_of(neighbor(), passive, rib)
}

fn received(pair: &Pair, side: usize) -> Vec<(u8, Bytes)> {
    pair.trace
        .iter()
        .filter_map(|(_, s, effect)| match effect {
            Effect::Deliver(ApiEvent::Received { kind, body, .. }) if *s == side => {
                Some((*kind, body.clone()))
            }
            _ => None,
        })
        .collect()
}

/// Virtual times at which `side` sent a message of type `kind`.
fn sent_at(pair: &Pair, side: usize, kind: u8) -> Vec<u64> {
    pair.trace
        .iter()
        .filter_map(|(at, s, effect)| match effect {
            Effect::Send { message, .. } if *s == side && message[18] == kind => Some(at.as_secs()),
            _ => None,
        })
        .collect()
}

#[test]
fn two_peers_establish_and_exchange_an_update_and_eor() {
    let rib = SharedRib::default();
    rib.borrow_mut()
        .announce(Family::IPV4_UNICAST, update_bytes());
    let mut pair = pair(rib);
    pair.start();
    assert_eq!(
        (pair.state(0), pair.state(1)),
        (State::Established, State::Established)
    );
    let updates: Vec<Bytes> = received(&pair, 1)
        .into_iter()
        .filter(|(kind, _)| *kind == 2)
        .map(|(_, body)| body)
        .collect();
    // the UPDATE, then End-of-RIB for IPv4 unicast (RFC 4724 §2: empty withdrawn and attributes)
    assert_eq!(
        updates,
        vec![
            update_bytes().slice(19..),
            Bytes::from_static(&[0, 0, 0, 0])
        ]
    );
    // side 1 has nothing to announce: only its End-of-RIB reaches side 0
    let updates: Vec<(u8, Bytes)> = received(&pair, 0)
        .into_iter()
        .filter(|(kind, _)| *kind == 2)
        .collect();
    assert_eq!(updates, vec![(2, Bytes::from_static(&[0, 0, 0, 0]))]);
    assert_eq!(pair.now(), Duration::ZERO);
}

#[test]
fn keepalives_every_third_of_the_hold_time() {
    let mut pair = pair(SharedRib::default());
    pair.start();
    pair.advance(Duration::from_secs(300));
    // hold time 90 on both sides: one KEEPALIVE in OPENCONFIRM, then one every 30 s
    let expected: Vec<u64> = (0..=10).map(|n| n * 30).collect();
    assert_eq!(sent_at(&pair, 0, 4), expected);
    assert_eq!(sent_at(&pair, 1, 4), expected);
    assert_eq!(
        (pair.state(0), pair.state(1)),
        (State::Established, State::Established)
    );
}

#[test]
fn negotiated_hold_time_sets_the_cadence() {
    let mut first = neighbor();
    first.hold_time = 9;
    let mut second = mirror();
    second.passive = true;
    let mut pair = pair_of(first, second, SharedRib::default());
    pair.start();
    pair.advance(Duration::from_secs(30));
    let expected: Vec<u64> = (0..=10).map(|n| n * 3).collect();
    assert_eq!(sent_at(&pair, 1, 4), expected);
}

#[test]
fn a_silent_peer_hits_the_hold_timer() {
    let mut pair = pair(SharedRib::default());
    pair.start();
    pair.mute(1, true);
    pair.advance(Duration::from_secs(89));
    assert_eq!(pair.state(0), State::Established);
    pair.advance(Duration::from_secs(1));
    let notifications: Vec<(u64, usize, u8, u8)> = pair
        .trace
        .iter()
        .filter_map(|(at, side, effect)| match effect {
            Effect::Send { message, .. } if message[18] == 3 => {
                Some((at.as_secs(), *side, message[19], message[20]))
            }
            _ => None,
        })
        .collect();
    assert_eq!(notifications, vec![(90, 0, 4, 0)]);
    assert_ne!(pair.state(0), State::Established);
    assert_ne!(pair.state(1), State::Established);
    // once the peer talks again, the session comes back (after the 4 minute OPEN wait expires)
    pair.mute(1, false);
    pair.advance(Duration::from_secs(600));
    assert_eq!(
        (pair.state(0), pair.state(1)),
        (State::Established, State::Established)
    );
}

#[test]
fn simultaneous_connections_end_in_one_session() {
    // both sides active: each connects to the other (RFC 4271 §6.8)
    let mut pair = pair_of(neighbor(), mirror(), SharedRib::default());
    pair.start();
    pair.advance(Duration::from_secs(60));
    assert_eq!(
        (pair.state(0), pair.state(1)),
        (State::Established, State::Established)
    );
    let ups = pair
        .trace
        .iter()
        .filter(|(_, _, e)| *e == Effect::Deliver(ApiEvent::Up))
        .count();
    assert_eq!(ups, 2, "one session, seen once from each side");
}
