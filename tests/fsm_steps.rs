//! The peer coroutine stepped by hand: every state × event pair of RFC 4271 §8.2.2 that the
//! port handles (table-driven), timers, OPEN errors, collision, End-of-RIB, route refresh.

mod fsm_support;

use bytes::Bytes;
use exabgp_rs::bgp::fsm::State;
use exabgp_rs::bgp::message::{message, MessageType};
use exabgp_rs::bgp::timer::Timer;
use exabgp_rs::protocol::family::Family;
use exabgp_rs::reactor::peer::event::{ApiEvent, Command, Effect, Event, Outcome, Priority};
use exabgp_rs::reactor::peer::stepper::Stepper;
use exabgp_rs::reactor::peer::Settings;
use fsm_support::*;
use std::net::Ipv4Addr;
use std::time::Duration;

fn open_with(version: u8, asn: u16, hold: u16) -> Event {
    let mut body = vec![version];
    body.extend_from_slice(&asn.to_be_bytes());
    body.extend_from_slice(&hold.to_be_bytes());
    body.extend_from_slice(&[10, 0, 0, 2, 0]);
    wire(&message(MessageType::OPEN, &body))
}

/// The peer's OPEN (AS 65001) with one capability TLV: `code`, then `value`.
fn open_with_capability(code: u8, value: &[u8]) -> Event {
    let mut body = vec![4, 0xFD, 0xE9, 0, 90, 10, 0, 0, 2];
    body.extend_from_slice(&[value.len() as u8 + 4, 2, value.len() as u8 + 2, code]);
    body.push(value.len() as u8);
    body.extend_from_slice(value);
    wire(&message(MessageType::OPEN, &body))
}

fn refresh_request() -> Event {
    // RFC 2918 §3: AFI 1, reserved 0, SAFI 1
    wire(&message(MessageType::ROUTE_REFRESH, &[0, 1, 0, 1]))
}

struct Case {
    from: State,
    event: &'static str,
    to: State,
    notifications: &'static [(u8, u8)],
    stopped: bool,
}

const fn case(
    from: State,
    event: &'static str,
    to: State,
    notifications: &'static [(u8, u8)],
) -> Case {
    Case {
        from,
        event,
        to,
        notifications,
        stopped: false,
    }
}

const fn stops(from: State, event: &'static str, notifications: &'static [(u8, u8)]) -> Case {
    Case {
        from,
        event,
        to: State::Idle,
        notifications,
        stopped: true,
    }
}

fn event(name: &str) -> Event {
    match name {
        "ManualStart" => Event::Start,
        "ManualStop" => Event::Stop { subcode: 2 },
        "Deconfigured" => Event::Stop { subcode: 3 },
        "Teardown" => Event::Api(Command::Teardown {
            subcode: 4,
            restart: true,
        }),
        "ConnectRetryTimer_Expires" => Event::Timer(Timer::ConnectRetry),
        "HoldTimer_Expires" => Event::Timer(Timer::Hold),
        "KeepaliveTimer_Expires" => Event::Timer(Timer::Keepalive),
        "IdleHoldTimer_Expires" => Event::Timer(Timer::IdleHold),
        "TcpConnectionConfirmed" => Event::TcpConnected {
            local: addr(LOCAL),
            peer: addr(REMOTE),
        },
        "TcpCRAcked" => Event::Incoming {
            local: addr("10.0.0.1:179"),
            peer: addr("10.0.0.2:40000"),
        },
        "TcpConnectionFails" => Event::TcpFailed("refused".into()),
        "TcpConnectionClosed" => Event::Closed("reset by peer".into()),
        "BGPOpen" => peer_open(Ipv4Addr::new(10, 0, 0, 2), 90),
        "BGPOpen_BadVersion" => open_with(3, 65001, 90),
        "BGPOpen_BadHoldTime" => open_with(4, 65001, 2),
        "BGPOpen_BadPeerAS" => open_with(4, 65002, 90),
        // RFC 6793 §3: the ASN4 value is four bytes; a two-byte one is malformed (RFC 4271 §6.2)
        "BGPOpen_ShortAsn4" => open_with_capability(65, &[0xFD, 0xE9]),
        "BGPOpen_LongRouteRefresh" => open_with_capability(2, &[0]),
        // RFC 6793 §4.1: My AS 65001 but ASN4 65009 names another AS
        "BGPOpen_Asn4Mismatch" => open_with_capability(65, &[0, 0, 0xFD, 0xF1]),
        "BGPHeaderErr" => Event::BadFrame {
            code: 1,
            subcode: 1,
            data: Bytes::new(),
        },
        "NotifMsg" => notification(6, 2),
        "KeepAliveMsg" => keepalive(),
        "KeepAliveMsg_BadLength" => wire(&message(MessageType::KEEPALIVE, &[0])),
        "UpdateMsg" => wire(&update_bytes()),
        // RFC 7606 §4: attributes longer than the message cannot be parsed, the session resets (3/1)
        "UpdateMsgErr" => wire(&message(MessageType::UPDATE, &[0, 0, 0, 50, 0x40, 1, 1, 0])),
        "RouteRefreshMsg" => refresh_request(),
        "UnknownMsg" => wire(&message(MessageType(255), &[])),
        other => panic!("no event {other}"),
    }
}

/// RFC 4271 §8.2.2, as implemented (see docs/fsm.md for the deviations).
const TABLE: &[Case] = &[
    // Idle, before the first ManualStart
    case(State::Idle, "ManualStart", State::Connect, &[]),
    stops(State::Idle, "ManualStop", &[]),
    case(State::Idle, "TcpCRAcked", State::Idle, &[(6, 5)]),
    case(State::Idle, "HoldTimer_Expires", State::Idle, &[]),
    case(State::Idle, "KeepAliveMsg", State::Idle, &[]),
    // Connect: an outgoing connection in progress
    case(
        State::Connect,
        "TcpConnectionConfirmed",
        State::OpenSent,
        &[],
    ),
    case(State::Connect, "TcpCRAcked", State::OpenSent, &[]),
    case(State::Connect, "TcpConnectionFails", State::Idle, &[]),
    case(
        State::Connect,
        "ConnectRetryTimer_Expires",
        State::Idle,
        &[],
    ),
    case(State::Connect, "TcpConnectionClosed", State::Idle, &[]),
    case(State::Connect, "HoldTimer_Expires", State::Connect, &[]),
    case(State::Connect, "Teardown", State::Idle, &[]),
    stops(State::Connect, "ManualStop", &[]),
    // Active: passive, waiting for the listener
    case(State::Active, "TcpCRAcked", State::OpenSent, &[]),
    case(State::Active, "TcpConnectionFails", State::Active, &[]),
    case(State::Active, "TcpConnectionClosed", State::Active, &[]),
    case(State::Active, "BGPHeaderErr", State::Active, &[]),
    case(
        State::Active,
        "ConnectRetryTimer_Expires",
        State::Active,
        &[],
    ),
    stops(State::Active, "ManualStop", &[]),
    // OpenSent
    case(State::OpenSent, "BGPOpen", State::OpenConfirm, &[]),
    case(
        State::OpenSent,
        "BGPOpen_BadVersion",
        State::Idle,
        &[(2, 1)],
    ),
    case(
        State::OpenSent,
        "BGPOpen_BadHoldTime",
        State::Idle,
        &[(2, 6)],
    ),
    case(State::OpenSent, "BGPOpen_BadPeerAS", State::Idle, &[(2, 2)]),
    case(State::OpenSent, "BGPOpen_ShortAsn4", State::Idle, &[(2, 0)]),
    case(
        State::OpenSent,
        "BGPOpen_Asn4Mismatch",
        State::Idle,
        &[(2, 2)],
    ),
    case(
        State::OpenSent,
        "BGPOpen_LongRouteRefresh",
        State::Idle,
        &[(2, 0)],
    ),
    case(State::OpenSent, "BGPHeaderErr", State::Idle, &[(1, 1)]),
    case(State::OpenSent, "KeepAliveMsg", State::Idle, &[(5, 1)]),
    case(State::OpenSent, "UpdateMsg", State::Idle, &[(5, 1)]),
    case(State::OpenSent, "RouteRefreshMsg", State::Idle, &[(5, 1)]),
    case(State::OpenSent, "UnknownMsg", State::Idle, &[(1, 3)]),
    case(State::OpenSent, "NotifMsg", State::Idle, &[]),
    case(State::OpenSent, "HoldTimer_Expires", State::Idle, &[(4, 0)]),
    case(
        State::OpenSent,
        "KeepaliveTimer_Expires",
        State::OpenSent,
        &[],
    ),
    case(State::OpenSent, "TcpConnectionClosed", State::Idle, &[]),
    case(State::OpenSent, "TcpCRAcked", State::OpenSent, &[(6, 7)]),
    case(State::OpenSent, "Teardown", State::Idle, &[(6, 4)]),
    stops(State::OpenSent, "ManualStop", &[(6, 2)]),
    // OpenConfirm (the peer's router-id 10.0.0.2 is above ours, 10.0.0.1: its connection wins)
    case(State::OpenConfirm, "KeepAliveMsg", State::Established, &[]),
    case(
        State::OpenConfirm,
        "KeepAliveMsg_BadLength",
        State::Idle,
        &[(1, 2)],
    ),
    case(State::OpenConfirm, "BGPOpen", State::Idle, &[(5, 2)]),
    case(State::OpenConfirm, "UpdateMsg", State::Idle, &[(5, 2)]),
    case(
        State::OpenConfirm,
        "RouteRefreshMsg",
        State::Idle,
        &[(5, 2)],
    ),
    case(State::OpenConfirm, "UnknownMsg", State::Idle, &[(1, 3)]),
    case(State::OpenConfirm, "BGPHeaderErr", State::Idle, &[(1, 1)]),
    case(State::OpenConfirm, "NotifMsg", State::Idle, &[]),
    case(
        State::OpenConfirm,
        "HoldTimer_Expires",
        State::Idle,
        &[(4, 0)],
    ),
    case(
        State::OpenConfirm,
        "KeepaliveTimer_Expires",
        State::OpenConfirm,
        &[],
    ),
    case(State::OpenConfirm, "TcpConnectionClosed", State::Idle, &[]),
    case(State::OpenConfirm, "TcpCRAcked", State::OpenSent, &[(6, 7)]),
    stops(State::OpenConfirm, "Deconfigured", &[(6, 3)]),
    // Established
    case(State::Established, "KeepAliveMsg", State::Established, &[]),
    case(State::Established, "UpdateMsg", State::Established, &[]),
    case(State::Established, "UpdateMsgErr", State::Idle, &[(3, 1)]),
    case(
        State::Established,
        "RouteRefreshMsg",
        State::Established,
        &[],
    ),
    case(State::Established, "BGPOpen", State::Idle, &[(5, 3)]),
    case(State::Established, "UnknownMsg", State::Idle, &[(1, 3)]),
    case(
        State::Established,
        "KeepAliveMsg_BadLength",
        State::Idle,
        &[(1, 2)],
    ),
    case(State::Established, "BGPHeaderErr", State::Idle, &[(1, 1)]),
    case(State::Established, "NotifMsg", State::Idle, &[]),
    case(
        State::Established,
        "HoldTimer_Expires",
        State::Idle,
        &[(4, 0)],
    ),
    case(
        State::Established,
        "KeepaliveTimer_Expires",
        State::Established,
        &[],
    ),
    case(State::Established, "TcpConnectionClosed", State::Idle, &[]),
    case(
        State::Established,
        "TcpCRAcked",
        State::Established,
        &[(6, 7)],
    ),
    case(
        State::Established,
        "IdleHoldTimer_Expires",
        State::Established,
        &[],
    ),
    case(State::Established, "Teardown", State::Idle, &[(6, 4)]),
    stops(State::Established, "ManualStop", &[(6, 2)]),
];

#[test]
fn state_event_table() {
    let mut failures = Vec::new();
    for case in TABLE {
        let mut stepper = reach(case.from, SharedRib::default());
        assert_eq!(stepper.state(), case.from, "could not reach {}", case.from);
        let effects = stepper.feed(event(case.event));
        let got = (
            stepper.state(),
            notifications(&effects),
            stepper.outcome().is_some(),
        );
        let want = (case.to, case.notifications.to_vec(), case.stopped);
        if got != want {
            failures.push(format!(
                "{} × {}: got {got:?}, want {want:?}\n  {effects:?}",
                case.from, case.event
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_session_error_closes_the_connection_and_rearms_reconnection() {
    for case in TABLE
        .iter()
        .filter(|c| c.to == State::Idle && c.from != State::Idle && !c.stopped)
    {
        let mut stepper = reach(case.from, SharedRib::default());
        let effects = stepper.feed(event(case.event));
        assert!(
            closes(&effects),
            "{} × {} does not close",
            case.from,
            case.event
        );
        assert!(
            effects.iter().any(|e| matches!(
                e,
                Effect::Arm {
                    timer: Timer::IdleHold,
                    ..
                }
            )),
            "{} × {} does not schedule a reconnection",
            case.from,
            case.event
        );
        // the NOTIFICATION goes out before the connection closes
        let notify = effects
            .iter()
            .position(|e| matches!(e, Effect::Send { message, .. } if message[18] == 3));
        let close = effects.iter().position(|e| matches!(e, Effect::Close(_)));
        if let Some(notify) = notify {
            assert!(notify < close.unwrap(), "{} × {}", case.from, case.event);
        }
    }
}

#[test]
fn start_connects_with_a_connect_retry_timer() {
    let mut stepper = stepper();
    let effects = stepper.feed(Event::Start);
    assert_eq!(transitions(&effects), vec![(State::Idle, State::Connect)]);
    assert!(effects.contains(&Effect::Connect));
    assert!(effects.contains(&Effect::Arm {
        timer: Timer::ConnectRetry,
        after: Duration::from_secs(120)
    }));
}

#[test]
fn open_sent_arms_the_large_hold_timer() {
    let mut stepper = reach(State::Connect, SharedRib::default());
    let effects = stepper.feed(event("TcpConnectionConfirmed"));
    assert_eq!(sent(&effects), vec![(1, Priority::Urgent)]);
    assert!(effects.contains(&Effect::Disarm(Timer::ConnectRetry)));
    assert!(effects.contains(&Effect::Arm {
        timer: Timer::Hold,
        after: Duration::from_secs(240)
    }));
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::Deliver(ApiEvent::Connected { .. }))));
}

#[test]
fn hold_time_is_negotiated_and_keepalive_is_a_third() {
    let mut stepper = reach(State::OpenSent, SharedRib::default());
    let effects = stepper.feed(peer_open(Ipv4Addr::new(10, 0, 0, 2), 30));
    assert_eq!(stepper.state(), State::OpenConfirm);
    assert_eq!(sent(&effects), vec![(4, Priority::Urgent)]);
    assert!(effects.contains(&Effect::Arm {
        timer: Timer::Hold,
        after: Duration::from_secs(30)
    }));
    assert!(effects.contains(&Effect::Arm {
        timer: Timer::Keepalive,
        after: Duration::from_secs(10)
    }));
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::Deliver(ApiEvent::Negotiated { .. }))));
}

#[test]
fn hold_time_zero_means_no_timers() {
    let mut stepper = reach(State::OpenSent, SharedRib::default());
    let effects = stepper.feed(peer_open(Ipv4Addr::new(10, 0, 0, 2), 0));
    assert_eq!(stepper.state(), State::OpenConfirm);
    assert!(effects.contains(&Effect::Disarm(Timer::Hold)));
    assert!(!effects.iter().any(|e| matches!(
        e,
        Effect::Arm {
            timer: Timer::Hold | Timer::Keepalive,
            ..
        }
    )));
    let effects = stepper.feed(keepalive());
    assert_eq!(stepper.state(), State::Established);
    assert!(!effects.iter().any(|e| matches!(
        e,
        Effect::Arm {
            timer: Timer::Hold | Timer::Keepalive,
            ..
        }
    )));
}

#[test]
fn first_message_not_open_uses_exabgp_text() {
    let mut stepper = reach(State::OpenSent, SharedRib::default());
    let effects = stepper.feed(keepalive());
    assert_eq!(notifications(&effects), vec![(5, 1)]);
    assert_eq!(
        notification_data(&effects),
        "The first packet received is not an open message (KEEPALIVE)"
    );
}

#[test]
fn fsm_error_texts_follow_rfc_6608_names() {
    let mut stepper = reach(State::OpenConfirm, SharedRib::default());
    let effects = stepper.feed(wire(&update_bytes()));
    assert_eq!(
        notification_data(&effects),
        "Receive Unexpected Message in OpenConfirm State"
    );
    let mut stepper = reach(State::Established, SharedRib::default());
    let effects = stepper.feed(peer_open(Ipv4Addr::new(10, 0, 0, 2), 90));
    assert_eq!(
        notification_data(&effects),
        "Receive Unexpected Message in Established State"
    );
}

#[test]
fn unknown_message_type_is_bad_message_type_with_the_type() {
    let mut stepper = reach(State::Established, SharedRib::default());
    let effects = stepper.feed(event("UnknownMsg"));
    // RFC 4271 §6.1: 1/3, the data is the erroneous type (255)
    let notification = effects.iter().find_map(|e| match e {
        Effect::Send { message, .. } if message[18] == 3 => Some(message.clone()),
        _ => None,
    });
    assert_eq!(&notification.unwrap()[16..], &[0, 22, 3, 1, 3, 255]);
}

#[test]
fn hold_timer_expiry_sends_4_0_without_data() {
    let mut stepper = reach(State::Established, SharedRib::default());
    let effects = stepper.feed(Event::Timer(Timer::Hold));
    let message = effects
        .iter()
        .find_map(|e| match e {
            Effect::Send { message, .. } if message[18] == 3 => Some(message.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(&message[16..], &[0, 21, 3, 4, 0]);
}

#[test]
fn collision_in_open_confirm_keeps_ours_when_our_id_is_higher() {
    let mut neighbor = neighbor();
    neighbor.router_id = Some(Ipv4Addr::new(10, 0, 0, 9));
    let mut stepper = stepper_with(neighbor, SharedRib::default());
    stepper.feed(Event::Start);
    stepper.feed(event("TcpConnectionConfirmed"));
    stepper.feed(peer_open(Ipv4Addr::new(10, 0, 0, 2), 90));
    assert_eq!(stepper.state(), State::OpenConfirm);
    let effects = stepper.feed(event("TcpCRAcked"));
    assert_eq!(notifications(&effects), vec![(6, 7)]);
    assert!(matches!(effects.as_slice(), [Effect::Reject { .. }]));
    assert_eq!(stepper.state(), State::OpenConfirm);
    stepper.feed(keepalive());
    assert_eq!(stepper.state(), State::Established);
}

#[test]
fn collision_in_open_confirm_yields_to_a_higher_peer_id() {
    let mut stepper = reach(State::OpenConfirm, SharedRib::default());
    let effects = stepper.feed(event("TcpCRAcked"));
    // Cease 6/7 on the old connection, close it, adopt the new one and send a fresh OPEN on it
    let close = effects
        .iter()
        .position(|e| matches!(e, Effect::Close(_)))
        .unwrap();
    let accept = effects.iter().position(|e| *e == Effect::Accept).unwrap();
    let open = effects
        .iter()
        .position(|e| matches!(e, Effect::Send { message, .. } if message[18] == 1))
        .unwrap();
    assert!(close < accept && accept < open);
    assert_eq!(notifications(&effects), vec![(6, 7)]);
    assert_eq!(stepper.state(), State::OpenSent);
    // no back-off: the incoming connection is used at once
    assert!(!effects.iter().any(|e| matches!(
        e,
        Effect::Arm {
            timer: Timer::IdleHold,
            ..
        }
    )));
}

#[test]
fn end_of_rib_follows_the_initial_table() {
    let rib = SharedRib::default();
    rib.borrow_mut()
        .announce(Family::IPV4_UNICAST, update_bytes());
    let mut stepper = reach(State::OpenConfirm, rib);
    let effects = stepper.feed(keepalive());
    assert_eq!(stepper.state(), State::Established);
    assert!(effects.contains(&Effect::Deliver(ApiEvent::Up)));
    let sends: Vec<&Effect> = effects
        .iter()
        .filter(|e| matches!(e, Effect::Send { .. }))
        .collect();
    assert_eq!(
        sends,
        vec![
            &Effect::Send {
                message: update_bytes(),
                priority: Priority::Bulk
            },
            // RFC 4724 §2: IPv4 unicast End-of-RIB, an UPDATE with nothing in it
            &Effect::Send {
                message: message(MessageType::UPDATE, &[0, 0, 0, 0]),
                priority: Priority::Bulk
            },
        ]
    );
    // bulk work gives the driver a chance to hand over events between batches
    assert!(effects.contains(&Effect::Poll));
}

#[test]
fn manual_eor_waits_for_the_command() {
    let mut neighbor = neighbor();
    neighbor.manual_eor = true;
    let mut stepper = stepper_with(neighbor, SharedRib::default());
    stepper.feed(Event::Start);
    stepper.feed(event("TcpConnectionConfirmed"));
    stepper.feed(peer_open(Ipv4Addr::new(10, 0, 0, 2), 90));
    let effects = stepper.feed(keepalive());
    assert_eq!(stepper.state(), State::Established);
    assert!(sent(&effects).is_empty());
    let effects = stepper.feed(Event::Api(Command::Eor {
        family: Some(Family::IPV4_UNICAST),
    }));
    assert_eq!(sent(&effects), vec![(2, Priority::Bulk)]);
}

#[test]
fn route_refresh_resends_the_family() {
    let rib = SharedRib::default();
    rib.borrow_mut()
        .announce(Family::IPV4_UNICAST, update_bytes());
    let mut stepper = reach(State::Established, rib);
    let effects = stepper.feed(refresh_request());
    assert_eq!(sent(&effects), vec![(2, Priority::Bulk)]);
    assert!(effects.contains(&Effect::Deliver(ApiEvent::Received {
        kind: 5,
        body: Bytes::from_static(&[0, 1, 0, 1]),
        update: Default::default(),
    })));
}

#[test]
fn received_updates_go_to_the_api_and_restart_the_hold_timer() {
    let mut stepper = reach(State::Established, SharedRib::default());
    let effects = stepper.feed(wire(&update_bytes()));
    assert_eq!(
        effects,
        vec![
            Effect::Arm {
                timer: Timer::Hold,
                after: Duration::from_secs(90)
            },
            Effect::Deliver(ApiEvent::Received {
                kind: 2,
                body: update_bytes().slice(19..),
                update: Default::default(),
            }),
        ]
    );
    // the UPDATE comes as the coroutine decoded it: nothing downstream decodes it again
    let Effect::Deliver(ApiEvent::Received { update, body, .. }) = &effects[1] else {
        unreachable!()
    };
    let update = update.get().expect("an accepted UPDATE comes decoded");
    assert!(!update.announces.is_empty(), "{body:?}");
}

#[test]
fn the_daemon_adj_rib_out_drives_the_session() {
    use exabgp_rs::bgp::message::update::attribute::collection::Attributes;
    use exabgp_rs::bgp::message::update::nlri::{Cidr, Inet, Nlri, PathInfo};
    use exabgp_rs::rib::outgoing::AdjRibOut;
    use exabgp_rs::rib::route::Route;
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::sync::Arc;

    let rib = Rc::new(RefCell::new(AdjRibOut::new(
        [Family::IPV4_UNICAST],
        true,
        true,
    )));
    let cidr = Cidr::new("10.1.2.0".parse().unwrap(), 24).unwrap();
    let nlri = Nlri::Inet(Inet::new(Family::IPV4_UNICAST, cidr, PathInfo::Disabled));
    let nexthop = "192.0.2.1".parse().ok();
    let route = Route::new(nlri, nexthop, Arc::new(Attributes::new()));
    rib.borrow_mut().rib.add_to_rib(route, false);

    let mut stepper = Stepper::new(neighbor(), Settings::default(), rib.clone());
    stepper.feed(Event::Start);
    stepper.feed(event("TcpConnectionConfirmed"));
    stepper.feed(peer_open(Ipv4Addr::new(10, 0, 0, 2), 90));
    let effects = stepper.feed(keepalive());
    let updates: Vec<Bytes> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send { message, .. } if message[18] == 2 => Some(message.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(updates.len(), 2, "the route, then End-of-RIB");
    // the UPDATE ends with its NLRI: 10.1.2.0/24
    assert!(updates[0].ends_with(&[24, 10, 1, 2]));
    assert_eq!(&updates[1][16..], &[0, 23, 2, 0, 0, 0, 0]);

    // the session drops: the next one sends the table again
    stepper.feed(Event::Closed("reset".into()));
    assert!(rib.borrow().pending());
}

/// A peer stopped for good (the daemon stopping) has no next session: its table is not queued
/// again (at a million routes that held the table twice while the daemon exited).
#[test]
fn a_stopped_peer_does_not_queue_its_table_again() {
    use exabgp_rs::reactor::peer::RibOut;
    let rib = SharedRib::default();
    rib.borrow_mut()
        .announce(Family::IPV4_UNICAST, update_bytes());
    let mut stepper = reach(State::OpenConfirm, rib.clone());
    stepper.feed(keepalive());
    assert!(!rib.borrow().pending(), "the table went out");
    let effects = stepper.feed(Event::Stop { subcode: 2 });
    assert!(closes(&effects));
    assert_eq!(stepper.outcome(), Some(&Outcome::Stopped));
    assert!(!rib.borrow().pending());
}

#[test]
fn updates_after_the_rib_changes() {
    let rib = SharedRib::default();
    let mut stepper = reach(State::Established, rib.clone());
    rib.borrow_mut()
        .announce(Family::IPV4_UNICAST, update_bytes());
    let effects = stepper.feed(Event::Api(Command::RibUpdated));
    assert_eq!(sent(&effects), vec![(2, Priority::Bulk)]);
}

#[test]
fn keepalives_interleave_with_a_large_table() {
    let rib = SharedRib::default();
    for _ in 0..100 {
        rib.borrow_mut()
            .announce(Family::IPV4_UNICAST, update_bytes());
    }
    let mut stepper = reach(State::OpenConfirm, rib);
    // the keepalive timer fires while the table goes out: the driver hands it over at a Poll
    stepper.at_poll(Event::Timer(Timer::Keepalive));
    let effects = stepper.feed(keepalive());
    let kinds = sent(&effects);
    let bulk = (2, Priority::Bulk);
    assert_eq!(kinds.len(), 102);
    assert!(
        kinds[..25].iter().all(|k| *k == bulk),
        "25 UPDATEs per batch"
    );
    assert_eq!(
        kinds[25],
        (4, Priority::Urgent),
        "the KEEPALIVE goes out between two batches"
    );
    assert!(kinds[26..101].iter().all(|k| *k == bulk));
    assert_eq!(
        kinds[101], bulk,
        "End-of-RIB last, in order with the UPDATEs"
    );
    assert_eq!(effects.iter().filter(|e| **e == Effect::Poll).count(), 4);
}

#[test]
fn reconnects_with_exabgp_back_off() {
    let mut stepper = reach(State::Connect, SharedRib::default());
    let effects = stepper.feed(event("TcpConnectionFails"));
    assert!(effects.contains(&Effect::Arm {
        timer: Timer::IdleHold,
        after: Duration::ZERO
    }));
    let effects = stepper.feed(Event::Timer(Timer::IdleHold));
    assert!(effects.contains(&Effect::Connect));
    let effects = stepper.feed(event("TcpConnectionFails"));
    assert!(effects.contains(&Effect::Arm {
        timer: Timer::IdleHold,
        after: Duration::from_secs(1)
    }));
    let effects = stepper.feed(Event::Timer(Timer::IdleHold));
    stepper.feed(event("TcpConnectionFails"));
    assert!(effects.contains(&Effect::Connect));
    let effects = stepper.feed(Event::Timer(Timer::IdleHold));
    assert!(effects.contains(&Effect::Connect));
    let effects = stepper.feed(event("TcpConnectionFails"));
    assert!(effects.contains(&Effect::Arm {
        timer: Timer::IdleHold,
        after: Duration::from_secs(3)
    }));
}

#[test]
fn gives_up_after_the_configured_attempts() {
    let settings = Settings {
        attempts: 2,
        ..Settings::default()
    };
    let mut stepper = Stepper::new(neighbor(), settings, SharedRib::default());
    stepper.feed(Event::Start);
    stepper.feed(event("TcpConnectionFails"));
    assert_eq!(stepper.outcome(), None);
    stepper.feed(Event::Timer(Timer::IdleHold));
    stepper.feed(event("TcpConnectionFails"));
    assert_eq!(stepper.outcome(), Some(&Outcome::GaveUp));
    // a completed coroutine is never resumed again
    assert!(stepper.feed(Event::Start).is_empty());
}

#[test]
fn incoming_during_back_off_is_used_at_once() {
    let mut stepper = reach(State::Connect, SharedRib::default());
    stepper.feed(event("TcpConnectionFails"));
    let effects = stepper.feed(event("TcpCRAcked"));
    assert!(effects.contains(&Effect::Disarm(Timer::IdleHold)));
    assert!(effects.contains(&Effect::Accept));
    assert_eq!(stepper.state(), State::OpenSent);
}

#[test]
fn mirrored_asn_reads_the_open_first() {
    let mut neighbor = neighbor();
    neighbor.local_as = 0;
    neighbor.peer_as = 0;
    let mut stepper = stepper_with(neighbor, SharedRib::default());
    stepper.feed(Event::Start);
    let effects = stepper.feed(event("TcpConnectionConfirmed"));
    assert!(sent(&effects).is_empty());
    assert_eq!(stepper.state(), State::Connect);
    let effects = stepper.feed(peer_open(Ipv4Addr::new(10, 0, 0, 2), 90));
    assert_eq!(
        sent(&effects),
        vec![(1, Priority::Urgent), (4, Priority::Urgent)]
    );
    let open = effects.iter().find_map(|e| match e {
        Effect::Send { message, .. } if message[18] == 1 => Some(message.clone()),
        _ => None,
    });
    // the OPEN carries the peer's own AS (65001 = 0xfde9)
    assert_eq!(&open.unwrap()[20..22], &[0xfd, 0xe9]);
    assert_eq!(stepper.state(), State::OpenConfirm);
}

#[test]
fn graceful_restart_closes_without_notification() {
    let mut neighbor = neighbor();
    neighbor.capability.graceful_restart = Some(120);
    let mut stepper = stepper_with(neighbor, SharedRib::default());
    stepper.feed(Event::Start);
    stepper.feed(event("TcpConnectionConfirmed"));
    stepper.feed(peer_open(Ipv4Addr::new(10, 0, 0, 2), 90));
    stepper.feed(keepalive());
    assert_eq!(stepper.state(), State::Established);
    let effects = stepper.feed(Event::Stop { subcode: 2 });
    assert!(notifications(&effects).is_empty());
    assert!(closes(&effects));
    assert_eq!(stepper.outcome(), Some(&Outcome::Stopped));
}

#[test]
fn down_is_delivered_with_the_reason() {
    let mut stepper = reach(State::Established, SharedRib::default());
    let effects = stepper.feed(notification(6, 2));
    assert!(effects.contains(&Effect::Deliver(ApiEvent::Down(
        "notification received (6,2)".into()
    ))));
    assert_eq!(
        transitions(&effects),
        vec![(State::Established, State::Idle)]
    );
}
