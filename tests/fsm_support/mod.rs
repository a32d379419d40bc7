//! Shared helpers of the FSM tests: neighbours, messages a peer would send, effect filters.
#![allow(dead_code)] // each test file uses its own subset

use bytes::{Bytes, BytesMut};
use exabgp_rs::bgp::fsm::State;
use exabgp_rs::bgp::message::open::capability::Capabilities;
use exabgp_rs::bgp::message::open::Open;
use exabgp_rs::bgp::message::{frame, message, MessageType, MAX_EXTENDED_LEN};
use exabgp_rs::bgp::neighbor::Neighbor;
use exabgp_rs::protocol::family::Family;
use exabgp_rs::reactor::peer::event::{Effect, Event, Priority};
use exabgp_rs::reactor::peer::stepper::{MemoryRib, Stepper};
use exabgp_rs::reactor::peer::Settings;
use std::cell::RefCell;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::rc::Rc;

pub const LOCAL: &str = "10.0.0.1:50000";
pub const REMOTE: &str = "10.0.0.2:179";

pub fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

/// Our side: AS 65000, router-id 10.0.0.1, talking to 10.0.0.2 in AS 65001, hold time 90.
pub fn neighbor() -> Neighbor {
    let mut neighbor = Neighbor::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)));
    neighbor.local_as = 65000;
    neighbor.peer_as = 65001;
    neighbor.router_id = Some(Ipv4Addr::new(10, 0, 0, 1));
    neighbor.local_address = Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)));
    neighbor.hold_time = 90;
    neighbor.families = vec![Family::IPV4_UNICAST];
    neighbor
}

/// The other side of `neighbor()`.
pub fn mirror() -> Neighbor {
    let mut neighbor = Neighbor::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)));
    neighbor.local_as = 65001;
    neighbor.peer_as = 65000;
    neighbor.router_id = Some(Ipv4Addr::new(10, 0, 0, 2));
    neighbor.local_address = Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)));
    neighbor.hold_time = 90;
    neighbor.families = vec![Family::IPV4_UNICAST];
    neighbor
}

/// The OPEN the peer (AS 65001) sends, with this router-id and hold time.
pub fn peer_open(router_id: Ipv4Addr, hold_time: u16) -> Event {
    let open = Open {
        version: 4,
        asn: 65001,
        hold_time,
        router_id,
        capabilities: Capabilities::new(&mirror(), false),
    };
    wire(&open.encode())
}

/// A whole message, framed as the bridge would hand it over.
pub fn wire(bytes: &[u8]) -> Event {
    let mut buffer = BytesMut::from(bytes);
    Event::Message(frame(&mut buffer, MAX_EXTENDED_LEN).unwrap().unwrap())
}

pub fn keepalive() -> Event {
    wire(&message(MessageType::KEEPALIVE, &[]))
}

/// UPDATE for 10.0.0.0/8, ORIGIN IGP, empty AS_PATH, NEXT_HOP 192.0.2.1 (RFC 4271 §4.3), by hand.
pub fn update_bytes() -> Bytes {
    message(
        MessageType::UPDATE,
        &[
            0, 0, // no withdrawn routes
            0, 14, // path attributes length
            0x40, 1, 1, 0, // ORIGIN IGP
            0x40, 2, 0, // AS_PATH empty
            0x40, 3, 4, 192, 0, 2, 1, // NEXT_HOP
            8, 10, // 10.0.0.0/8
        ],
    )
}

pub fn notification(code: u8, subcode: u8) -> Event {
    wire(&message(MessageType::NOTIFICATION, &[code, subcode]))
}

/// Every message sent, as (type, priority).
pub fn sent(effects: &[Effect]) -> Vec<(u8, Priority)> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Send { message, priority } => Some((message[18], *priority)),
            _ => None,
        })
        .collect()
}

/// The (code, subcode) of every NOTIFICATION sent or used to reject a connection.
pub fn notifications(effects: &[Effect]) -> Vec<(u8, u8)> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Send { message, .. } if message[18] == 3 => Some((message[19], message[20])),
            Effect::Reject { notification } => Some((notification[19], notification[20])),
            _ => None,
        })
        .collect()
}

/// The data of the first NOTIFICATION sent, as text.
pub fn notification_data(effects: &[Effect]) -> String {
    effects
        .iter()
        .find_map(|effect| match effect {
            Effect::Send { message, .. } if message[18] == 3 => {
                Some(String::from_utf8_lossy(&message[21..]).into_owned())
            }
            _ => None,
        })
        .unwrap_or_default()
}

pub fn transitions(effects: &[Effect]) -> Vec<(State, State)> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Transition { from, to } => Some((*from, *to)),
            _ => None,
        })
        .collect()
}

pub fn closes(effects: &[Effect]) -> bool {
    effects
        .iter()
        .any(|effect| matches!(effect, Effect::Close(_)))
}

pub type SharedRib = Rc<RefCell<MemoryRib>>;

pub fn stepper_with(neighbor: Neighbor, rib: SharedRib) -> Stepper {
    Stepper::new(neighbor, Settings::default(), rib)
}

pub fn stepper() -> Stepper {
    stepper_with(neighbor(), SharedRib::default())
}

/// A stepper driven to `state` along the usual path (passive for ACTIVE).
pub fn reach(state: State, rib: SharedRib) -> Stepper {
    let mut neighbor = neighbor();
    neighbor.passive = state == State::Active;
    let mut stepper = stepper_with(neighbor, rib);
    if state == State::Idle {
        return stepper;
    }
    stepper.feed(Event::Start);
    if matches!(state, State::Connect | State::Active) {
        return stepper;
    }
    stepper.feed(Event::TcpConnected {
        local: addr(LOCAL),
        peer: addr(REMOTE),
    });
    if state == State::OpenSent {
        return stepper;
    }
    stepper.feed(peer_open(Ipv4Addr::new(10, 0, 0, 2), 90));
    if state == State::OpenConfirm {
        return stepper;
    }
    stepper.feed(keepalive());
    stepper
}
