//! Driving exabgp-rs's peer FSM (the port of ExaBGP 5.0's `reactor/peer.py` generators) by hand,
//! with no socket and no clock: first one peer through a `Stepper`, then two peers back to back
//! on a virtual clock (`Pair`), loaded with routes from an ExaBGP configuration.
//!
//! Run with `cargo run --example step_fsm`; `cargo test` runs it too (its checks are asserts).

use exabgp_rs::application::server::adj_rib_out;
use exabgp_rs::bgp::fsm::State;
use exabgp_rs::bgp::message::open::capability::Capabilities;
use exabgp_rs::bgp::message::open::Open;
use exabgp_rs::bgp::message::{frame, MAX_EXTENDED_LEN};
use exabgp_rs::configuration::Configuration;
use exabgp_rs::reactor::peer::event::{ApiEvent, Effect, Event};
use exabgp_rs::reactor::peer::stepper::{MemoryRib, Pair, Stepper};
use exabgp_rs::reactor::peer::Settings;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

/// Two neighbours that peer with each other: 10.0.0.1 connects, 10.0.0.2 waits.
const CONFIGURATION: &str = "\
neighbor 10.0.0.2 {
    router-id 10.0.0.1;
    local-address 10.0.0.1;
    local-as 65001;
    peer-as 65002;
    hold-time 30;
    family { ipv4 unicast; }
    static {
        route 192.0.2.0/24 next-hop self;
        route 198.51.100.0/24 next-hop self med 10;
    }
}
neighbor 10.0.0.1 {
    router-id 10.0.0.2;
    local-address 10.0.0.2;
    local-as 65002;
    peer-as 65001;
    hold-time 30;
    passive;
    family { ipv4 unicast; }
}
";

fn main() {
    step_one_peer();
    two_peers_on_a_virtual_clock();
}

fn addr(text: &str) -> SocketAddr {
    text.parse().expect("a socket address")
}

fn show(what: &str, effects: &[Effect]) {
    println!("{what}:");
    for effect in effects {
        match effect {
            // messages as type and length: the bytes are what a real socket would carry
            Effect::Send { message, priority } => println!(
                "  send type {} ({} bytes, {priority:?})",
                message[18],
                message.len()
            ),
            other => println!("  {other:?}"),
        }
    }
}

/// One peer, one event at a time: what a test of a state machine step looks like.
fn step_one_peer() {
    let configuration = Configuration::parse(CONFIGURATION, Path::new("example.conf"))
        .expect("the example's configuration is valid");
    let active = &configuration.neighbors[0];
    let mut peer = Stepper::new(
        active.neighbor.clone(),
        Settings::default(),
        MemoryRib::default(),
    );
    assert_eq!(peer.state(), State::Idle);

    let effects = peer.feed(Event::Start);
    show("Start", &effects);
    assert!(
        effects.contains(&Effect::Connect),
        "an active peer connects"
    );

    let effects = peer.feed(Event::TcpConnected {
        local: addr("10.0.0.1:50000"),
        peer: addr("10.0.0.2:179"),
    });
    show("TcpConnected", &effects);
    assert_eq!(peer.state(), State::OpenSent);

    // the OPEN the other side would send
    let passive = &configuration.neighbors[1].neighbor;
    let open = Open {
        version: 4,
        asn: 65002,
        hold_time: 30,
        router_id: "10.0.0.2".parse().expect("an address"),
        capabilities: Capabilities::new(passive, false),
    };
    let mut wire = bytes::BytesMut::from(&open.encode()[..]);
    let message = frame(&mut wire, MAX_EXTENDED_LEN)
        .expect("a well-formed message")
        .expect("a whole message");
    let effects = peer.feed(Event::Message(message));
    show("the peer's OPEN", &effects);
    assert_eq!(peer.state(), State::OpenConfirm);
    println!();
}

/// The routes that reached `side`, as ExaBGP's text form of their NLRI.
fn received_routes(pair: &Pair, side: usize) -> Vec<String> {
    let mut routes = Vec::new();
    for (_, from, effect) in &pair.trace {
        if *from != side {
            continue;
        }
        // the coroutine hands each UPDATE along as it decoded it
        if let Effect::Deliver(ApiEvent::Received {
            kind: 2, update, ..
        }) = effect
        {
            let update = update.get().expect("an accepted UPDATE comes decoded");
            routes.extend(update.announces.iter().map(|route| route.nlri.to_string()));
        }
    }
    routes
}

/// Two peers wired back to back: establishment, the routes, keepalives, a hold timer expiry.
fn two_peers_on_a_virtual_clock() {
    let configuration = Configuration::parse(CONFIGURATION, Path::new("example.conf"))
        .expect("the example's configuration is valid");
    let [active, passive] = &configuration.neighbors[..] else {
        panic!("the example has two neighbours");
    };
    let mut pair = Pair::new(
        Stepper::new(
            active.neighbor.clone(),
            Settings::default(),
            adj_rib_out(active),
        ),
        addr("10.0.0.1:50000"),
        Stepper::new(
            passive.neighbor.clone(),
            Settings::default(),
            adj_rib_out(passive),
        ),
        addr("10.0.0.2:179"),
    );
    pair.start();
    pair.advance(Duration::from_secs(1));
    for (at, side, effect) in &pair.trace {
        if let Effect::Transition { from, to } = effect {
            println!("t={:>3}s side {side}: {from:?} -> {to:?}", at.as_secs());
        }
    }
    assert_eq!(pair.state(0), State::Established);
    assert_eq!(pair.state(1), State::Established);

    let routes = received_routes(&pair, 1);
    println!("side 1 received: {routes:?}");
    assert_eq!(routes, ["192.0.2.0/24", "198.51.100.0/24"]);

    // a minute of virtual time: keepalives every hold-time / 3 = 10 s keep the session up
    let before = pair.trace.len();
    pair.advance(Duration::from_secs(60));
    let keepalives = pair.trace[before..]
        .iter()
        .filter(|(_, side, effect)| {
            *side == 0 && matches!(effect, Effect::Send { message, .. } if message[18] == 4)
        })
        .count();
    println!("side 0 sent {keepalives} KEEPALIVEs in 60 s");
    assert!((5..=7).contains(&keepalives));

    // side 1 goes silent: side 0's hold timer (30 s) fires and it sends NOTIFICATION 4/0
    pair.mute(1, true);
    let before = pair.trace.len();
    pair.advance(Duration::from_secs(31));
    let notification = pair.trace[before..]
        .iter()
        .find_map(|(at, side, effect)| match effect {
            Effect::Send { message, .. } if *side == 0 && message[18] == 3 => {
                Some((at.as_secs(), message[19], message[20]))
            }
            _ => None,
        });
    println!("side 0's NOTIFICATION (t, code, subcode): {notification:?}");
    assert!(matches!(notification, Some((_, 4, 0))));
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_example_runs_and_its_checks_hold() {
        super::main();
    }
}
