//! Recording a peer session as JSON lines and replaying it through a fresh coroutine.

mod fsm_support;

use exabgp_rs::bgp::timer::Timer;
use exabgp_rs::reactor::peer::event::{Event, Resume, Yield};
use exabgp_rs::reactor::peer::stepper::{replay, Record, Stepper};
use fsm_support::*;
use std::net::Ipv4Addr;

fn session(hold_time: u16) -> Stepper {
    let mut stepper = stepper().record();
    for event in [
        Event::Start,
        Event::TcpConnected {
            local: addr(LOCAL),
            peer: addr(REMOTE),
        },
        peer_open(Ipv4Addr::new(10, 0, 0, 2), hold_time),
        keepalive(),
        Event::Timer(Timer::Keepalive),
        notification(6, 2),
    ] {
        stepper.feed(event);
    }
    stepper
}

fn json_lines(records: &[Record]) -> String {
    records
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect()
}

fn parse(lines: &str) -> Vec<Record> {
    lines
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn a_recorded_session_replays() {
    let recorded = json_lines(session(90).records());
    let mut fresh = stepper();
    assert_eq!(replay(&mut fresh, &parse(&recorded)), Ok(()));
}

#[test]
fn a_different_peer_does_not_replay() {
    let mut records = parse(&json_lines(session(90).records()));
    // the peer now offers a 30 s hold time: the coroutine arms other timers than recorded
    let index = records
        .iter()
        .position(|r| matches!(r, Record::Event(Event::Message(f)) if f.kind.0 == 1))
        .unwrap();
    records[index] = Record::Event(peer_open(Ipv4Addr::new(10, 0, 0, 2), 30));
    let mismatch = replay(&mut stepper(), &records).unwrap_err();
    assert!(mismatch.index > index);
}

#[test]
fn json_lines_format() {
    let lines = json_lines(session(90).records());
    let mut lines = lines.lines();
    assert_eq!(lines.next(), Some(r#"{"event":"start"}"#));
    assert_eq!(
        lines.next(),
        Some(r#"{"effect":{"transition":{"from":"IDLE","to":"CONNECT"}}}"#)
    );
    assert_eq!(lines.next(), Some(r#"{"effect":"connect"}"#));
    assert_eq!(
        lines.next(),
        Some(r#"{"effect":{"arm":{"timer":"connect-retry","after":{"secs":120,"nanos":0}}}}"#)
    );
    let text = json_lines(session(90).records());
    // a KEEPALIVE as sent: marker, length 19, type 4, in lower-case hex
    assert!(text.contains(r#"{"effect":{"send":{"message":"ffffffffffffffffffffffffffffffff001304","priority":"urgent"}}}"#));
    assert!(text.contains(r#"{"event":{"message":{"kind":3,"body":"0602"}}}"#));
}

#[test]
fn yields_and_resumes_are_serde_too() {
    let json = serde_json::to_string(&Yield::Wait).unwrap();
    assert_eq!(json, r#""wait""#);
    let resume: Resume = serde_json::from_str(r#"{"event":{"timer":"hold"}}"#).unwrap();
    assert_eq!(resume, Resume::Event(Event::Timer(Timer::Hold)));
}

/// A session with a table going out and a keepalive timer handed over at a `Poll`.
fn busy_session() -> Stepper {
    let rib = SharedRib::default();
    for _ in 0..60 {
        rib.borrow_mut().announce(
            exabgp_rs::protocol::family::Family::IPV4_UNICAST,
            update_bytes(),
        );
    }
    let mut stepper = stepper_with(neighbor(), rib.clone()).record();
    stepper.feed(Event::Start);
    stepper.feed(Event::TcpConnected {
        local: addr(LOCAL),
        peer: addr(REMOTE),
    });
    stepper.feed(peer_open(Ipv4Addr::new(10, 0, 0, 2), 90));
    stepper.at_poll(Event::Timer(Timer::Keepalive));
    stepper.feed(keepalive());
    stepper
}

fn fresh_busy() -> Stepper {
    let rib = SharedRib::default();
    for _ in 0..60 {
        rib.borrow_mut().announce(
            exabgp_rs::protocol::family::Family::IPV4_UNICAST,
            update_bytes(),
        );
    }
    stepper_with(neighbor(), rib)
}

#[test]
fn events_handed_over_at_a_poll_replay() {
    let records = busy_session().records().to_vec();
    assert!(records.contains(&Record::Effect(
        exabgp_rs::reactor::peer::event::Effect::Poll
    )));
    assert_eq!(replay(&mut fresh_busy(), &records), Ok(()));
}

#[test]
fn bridge_lines_replay() {
    // the bridge writes {"peer", "time", "event"|"effect"} and does not record the Polls it answers
    let lines: String = busy_session()
        .records()
        .iter()
        .filter(|r| **r != Record::Effect(exabgp_rs::reactor::peer::event::Effect::Poll))
        .map(|r| {
            let mut value = serde_json::to_value(r).unwrap();
            let object = value.as_object_mut().unwrap();
            object.insert("peer".into(), "10.0.0.2".into());
            object.insert("time".into(), 1.5.into());
            value.to_string() + "\n"
        })
        .collect();
    let records: Vec<Record> = lines
        .lines()
        .map(|l| Record::parse_line(l).unwrap())
        .collect();
    assert_eq!(replay(&mut fresh_busy(), &records), Ok(()));
    // an effect the coroutine does not produce is caught
    let mut wrong = records.clone();
    let last = wrong.len() - 1;
    wrong[last] = Record::Effect(exabgp_rs::reactor::peer::event::Effect::Connect);
    assert!(replay(&mut fresh_busy(), &wrong).is_err());
    assert!(Record::parse_line(r#"{"peer":"x"}"#).is_err());
}
