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
