//! Step-through driving of the peer coroutine (no ExaBGP equivalent: ExaBGP tests its FSM
//! against live sockets). A product feature: feed events, see the effects and transitions, with
//! no socket and no clock; wire two peers back to back on a virtual clock; record a session as
//! `Record`s (one JSON line each) and replay it.

use super::event::{Effect, Event, Outcome, Resume, Yield};
use super::{daemon, Daemon, RibOut, Settings};
use crate::bgp::fsm::State;
use crate::bgp::message::open::capability::negotiated::Negotiated;
use crate::bgp::message::refresh::RouteRefresh;
use crate::bgp::message::{frame, Frame, MAX_EXTENDED_LEN};
use crate::bgp::neighbor::Neighbor;
use crate::bgp::timer::Timer;
use crate::protocol::family::Family;
use bytes::{Bytes, BytesMut};
use genawaiter::GeneratorState;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::time::Duration;

/// One line of a recorded session: an event fed in, or an effect that came out.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Record {
    Event(Event),
    Effect(Effect),
}

/// Drives one peer coroutine by hand.
pub struct Stepper {
    generator: Daemon,
    outcome: Option<Outcome>,
    state: State,
    records: Option<Vec<Record>>,
    /// Events handed over at the next `Effect::Poll`s instead of `Ack`, as a bridge does with
    /// an event that arrived while bulk UPDATEs were going out.
    at_poll: VecDeque<Event>,
}

impl Stepper {
    /// A peer for `neighbor`, run up to its first wait (it waits for `Event::Start`).
    pub fn new<R: RibOut + 'static>(neighbor: Neighbor, settings: Settings, rib: R) -> Stepper {
        let mut stepper = Stepper {
            generator: daemon(neighbor, settings, rib),
            outcome: None,
            state: State::Idle,
            records: None,
            at_poll: VecDeque::new(),
        };
        // genawaiter drops the first resume value: this one only starts the body
        stepper.drive(Resume::Ack);
        stepper
    }

    /// Keeps every event fed and effect produced from now on (see `records`).
    pub fn record(mut self) -> Stepper {
        self.records = Some(Vec::new());
        self
    }

    /// What was recorded, in order.
    pub fn records(&self) -> &[Record] {
        self.records.as_deref().unwrap_or_default()
    }

    /// Feeds one event; returns the effects it caused, up to the next wait. `Effect::Poll` is
    /// answered with `Ack` (an in-memory peer has no back-pressure) and returned like the others.
    /// Once the coroutine has completed, nothing happens.
    pub fn feed(&mut self, event: Event) -> Vec<Effect> {
        if self.outcome.is_some() {
            return Vec::new();
        }
        if let Some(records) = &mut self.records {
            records.push(Record::Event(event.clone()));
        }
        self.drive(Resume::Event(event))
    }

    /// One resumption: what the coroutine yields next, `None` once it completed.
    fn resume(&mut self, input: Resume) -> Option<Yield> {
        if self.outcome.is_some() {
            return None;
        }
        match self.generator.resume_with(input) {
            GeneratorState::Yielded(value) => {
                if let Yield::Do(Effect::Transition { to, .. }) = value {
                    self.state = to;
                }
                Some(value)
            }
            GeneratorState::Complete(outcome) => {
                self.outcome = Some(outcome);
                None
            }
        }
    }

    fn drive(&mut self, mut input: Resume) -> Vec<Effect> {
        let mut effects = Vec::new();
        while let Some(Yield::Do(effect)) = self.resume(input) {
            if let Some(records) = &mut self.records {
                records.push(Record::Effect(effect.clone()));
            }
            input = match (&effect, self.at_poll.pop_front()) {
                (Effect::Poll, Some(event)) => {
                    if let Some(records) = &mut self.records {
                        records.push(Record::Event(event.clone()));
                    }
                    Resume::Event(event)
                }
                (_, unused) => {
                    self.at_poll.extend(unused);
                    Resume::Ack
                }
            };
            effects.push(effect);
        }
        effects
    }

    /// Hands `event` over at the next `Effect::Poll` (during a later `feed`) instead of `Ack`.
    /// Recorded right after that `Poll`.
    pub fn at_poll(&mut self, event: Event) {
        self.at_poll.push_back(event);
    }

    /// The FSM state, as the last transition left it.
    pub fn state(&self) -> State {
        self.state
    }

    /// Why the coroutine completed, once it has.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }
}

/// Where a replay and its recording part ways.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Mismatch {
    /// Index of the record where the difference shows.
    pub index: usize,
    pub expected: Option<Effect>,
    pub got: Option<Effect>,
}

/// Feeds the recorded events to a fresh `stepper` and checks it produces the recorded effects,
/// in order, one yield at a time. An event recorded while the coroutine stands at an
/// `Effect::Poll` is handed over at that poll; `Poll`s that were not recorded (the bridge does
/// not record the ones it answers) are stepped over.
pub fn replay(stepper: &mut Stepper, records: &[Record]) -> Result<(), Box<Mismatch>> {
    let mismatch = |index, expected, got| {
        Err(Box::new(Mismatch {
            index,
            expected,
            got,
        }))
    };
    const POLL: Option<Yield> = Some(Yield::Do(Effect::Poll));
    // where the coroutine stands: waiting, or an effect not acknowledged yet; None once complete
    let mut current = stepper.outcome.is_none().then_some(Yield::Wait);
    for (index, record) in records.iter().enumerate() {
        match record {
            Record::Event(event) => match current {
                Some(Yield::Wait) | Some(Yield::Do(Effect::Poll)) => {
                    current = stepper.resume(Resume::Event(event.clone()))
                }
                Some(Yield::Do(got)) => return mismatch(index, None, Some(got)),
                None => return mismatch(index, None, None),
            },
            // left standing: the next record says whether an event answered it
            Record::Effect(Effect::Poll) if current == POLL => {}
            Record::Effect(expected) => {
                while current == POLL {
                    current = stepper.resume(Resume::Ack);
                }
                match current {
                    Some(Yield::Do(got)) if &got == expected => {
                        current = stepper.resume(Resume::Ack)
                    }
                    Some(Yield::Do(got)) => {
                        return mismatch(index, Some(expected.clone()), Some(got))
                    }
                    _ => return mismatch(index, Some(expected.clone()), None),
                }
            }
        }
    }
    while current == POLL {
        current = stepper.resume(Resume::Ack);
    }
    match current {
        Some(Yield::Do(got)) => mismatch(records.len(), None, Some(got)),
        _ => Ok(()),
    }
}

impl Record {
    /// Reads one recorded line: `{"event": ...}` or `{"effect": ...}`, other keys (the bridge's
    /// `peer` and `time`) ignored.
    pub fn parse_line(line: &str) -> Result<Record, String> {
        let mut value: serde_json::Value =
            serde_json::from_str(line).map_err(|error| error.to_string())?;
        let object = value.as_object_mut().ok_or("a record is a JSON object")?;
        if let Some(event) = object.remove("event") {
            return serde_json::from_value(event)
                .map(Record::Event)
                .map_err(|error| error.to_string());
        }
        if let Some(effect) = object.remove("effect") {
            return serde_json::from_value(effect)
                .map(Record::Effect)
                .map_err(|error| error.to_string());
        }
        Err("a record has an \"event\" or an \"effect\"".into())
    }
}

/// An adj-rib-out in memory, holding ready-made UPDATE messages per family: for tests and for
/// stepping through a session by hand.
#[derive(Clone, Debug, Default)]
pub struct MemoryRib {
    table: Vec<(Family, Bytes)>,
    queue: VecDeque<Bytes>,
}

impl MemoryRib {
    /// Adds an UPDATE (whole message) for `family` to the table and to what is pending.
    pub fn announce(&mut self, family: Family, update: Bytes) {
        self.table.push((family, update.clone()));
        self.queue.push_back(update);
    }
}

impl RibOut for MemoryRib {
    fn pending(&self) -> bool {
        !self.queue.is_empty()
    }

    fn updates(
        &mut self,
        _negotiated: &Negotiated,
        _include_withdraw: bool,
        max: usize,
    ) -> Vec<Bytes> {
        let count = max.min(self.queue.len());
        self.queue.drain(..count).collect()
    }

    fn resend(&mut self, family: Option<Family>, enhanced: bool) {
        let mut families: Vec<Family> = self.table.iter().map(|(f, _)| *f).collect();
        families.dedup();
        if let Some(family) = family {
            families = vec![family];
        }
        for family in families {
            if enhanced {
                self.queue.push_back(
                    RouteRefresh {
                        family,
                        subtype: RouteRefresh::BEGIN,
                    }
                    .encode(),
                );
            }
            for (_, update) in self.table.iter().filter(|(f, _)| *f == family) {
                self.queue.push_back(update.clone());
            }
            if enhanced {
                self.queue.push_back(
                    RouteRefresh {
                        family,
                        subtype: RouteRefresh::END,
                    }
                    .encode(),
                );
            }
        }
    }

    fn reset(&mut self) {
        self.queue = self
            .table
            .iter()
            .map(|(_, update)| update.clone())
            .collect();
    }
}

/// One TCP connection between the two sides of a `Pair`.
struct Connection {
    initiator: usize,
    open: bool,
    /// Frames sent by the initiator before the other side accepted.
    early: Vec<Frame>,
}

struct Side {
    stepper: Stepper,
    address: SocketAddr,
    timers: BTreeMap<Timer, Duration>,
    current: Option<usize>,
    pending: Option<usize>,
    /// Messages this side sends are lost (a peer that went silent).
    muted: bool,
}

/// Two peer coroutines wired back to back in memory, on a virtual clock: timers fire when
/// `advance` moves the clock past them. Side 0 and side 1; every effect is kept in `trace`.
pub struct Pair {
    now: Duration,
    sides: [Side; 2],
    connections: Vec<Connection>,
    queue: VecDeque<(usize, Event)>,
    /// Every effect, with the virtual time and the side that produced it.
    pub trace: Vec<(Duration, usize, Effect)>,
}

/// Events handled at one instant before the harness calls it a livelock.
const STEP_LIMIT: usize = 100_000;

impl Pair {
    pub fn new(
        first: Stepper,
        first_address: SocketAddr,
        second: Stepper,
        second_address: SocketAddr,
    ) -> Pair {
        let side = |stepper, address| Side {
            stepper,
            address,
            timers: BTreeMap::new(),
            current: None,
            pending: None,
            muted: false,
        };
        Pair {
            now: Duration::ZERO,
            sides: [side(first, first_address), side(second, second_address)],
            connections: Vec::new(),
            queue: VecDeque::new(),
            trace: Vec::new(),
        }
    }

    /// The virtual time.
    pub fn now(&self) -> Duration {
        self.now
    }

    pub fn state(&self, side: usize) -> State {
        self.sides[side].stepper.state()
    }

    pub fn outcome(&self, side: usize) -> Option<&Outcome> {
        self.sides[side].stepper.outcome()
    }

    /// From now on the messages `side` sends are lost, as if it went silent.
    pub fn mute(&mut self, side: usize, muted: bool) {
        self.sides[side].muted = muted;
    }

    /// Queues an event for one side (handled by the next `run` or `advance`).
    pub fn inject(&mut self, side: usize, event: Event) {
        self.queue.push_back((side, event));
    }

    /// Starts both sides and runs until nothing more happens at this instant.
    pub fn start(&mut self) {
        self.inject(0, Event::Start);
        self.inject(1, Event::Start);
        self.run();
    }

    /// Handles queued events until none is left, without moving the clock.
    pub fn run(&mut self) {
        let mut steps = 0;
        while let Some((side, event)) = self.queue.pop_front() {
            steps += 1;
            assert!(
                steps < STEP_LIMIT,
                "the two peers keep exchanging events without time passing"
            );
            // the listener drops a connection that closed before the peer looked at it
            if let Event::Incoming { .. } = event {
                if self.sides[side].pending.is_none() {
                    continue;
                }
            }
            let effects = self.sides[side].stepper.feed(event);
            for effect in effects {
                self.apply(side, &effect);
                self.trace.push((self.now, side, effect));
            }
        }
    }

    /// Moves the clock forward by `by`, firing every timer that falls due on the way, in order.
    pub fn advance(&mut self, by: Duration) {
        let target = self.now + by;
        self.run();
        loop {
            let due = (0..2)
                .flat_map(|side| {
                    self.sides[side]
                        .timers
                        .iter()
                        .map(move |(timer, at)| (*at, side, *timer))
                })
                .filter(|(at, _, _)| *at <= target)
                .min();
            let Some((at, side, timer)) = due else { break };
            self.now = at;
            self.sides[side].timers.remove(&timer);
            self.inject(side, Event::Timer(timer));
            self.run();
        }
        self.now = target;
    }

    fn other(side: usize) -> usize {
        1 - side
    }

    fn apply(&mut self, side: usize, effect: &Effect) {
        let other = Pair::other(side);
        match effect {
            Effect::Arm { timer, after } => {
                self.sides[side].timers.insert(*timer, self.now + *after);
            }
            Effect::Disarm(timer) => {
                self.sides[side].timers.remove(timer);
            }
            Effect::Connect => {
                let id = self.connections.len();
                self.connections.push(Connection {
                    initiator: side,
                    open: true,
                    early: Vec::new(),
                });
                self.sides[side].current = Some(id);
                let (local, peer) = (self.sides[side].address, self.sides[other].address);
                self.queue
                    .push_back((side, Event::TcpConnected { local, peer }));
                if self.sides[other].stepper.outcome().is_some() {
                    self.close(id);
                    return;
                }
                self.sides[other].pending = Some(id);
                self.queue.push_back((
                    other,
                    Event::Incoming {
                        local: peer,
                        peer: local,
                    },
                ));
            }
            Effect::Send { message, .. } => {
                if let Some(id) = self.sides[side].current {
                    self.transmit(id, side, message.clone());
                }
            }
            Effect::Accept => {
                if let Some(id) = self.sides[side].pending.take() {
                    self.sides[side].current = Some(id);
                    let early = std::mem::take(&mut self.connections[id].early);
                    self.queue
                        .extend(early.into_iter().map(|frame| (side, Event::Message(frame))));
                }
            }
            Effect::Reject { notification } => {
                if let Some(id) = self.sides[side].pending.take() {
                    self.transmit(id, side, notification.clone());
                    self.close(id);
                }
            }
            Effect::Close(_) => {
                if let Some(id) = self.sides[side].current.take() {
                    self.close(id);
                }
            }
            Effect::Transition { .. }
            | Effect::MessageSize(_)
            | Effect::Deliver(_)
            | Effect::Poll => {}
        }
    }

    /// Carries a message from `from` over connection `id` to the other side.
    fn transmit(&mut self, id: usize, from: usize, message: Bytes) {
        if !self.connections[id].open || self.sides[from].muted {
            return;
        }
        let to = Pair::other(from);
        let mut buffer = BytesMut::from(&message[..]);
        let Ok(Some(frame)) = frame(&mut buffer, MAX_EXTENDED_LEN) else {
            panic!("a peer sent bytes that are not one whole message: {message:?}");
        };
        if self.sides[to].current == Some(id) {
            self.queue.push_back((to, Event::Message(frame)));
        } else if self.sides[to].pending == Some(id) && self.connections[id].initiator == from {
            self.connections[id].early.push(frame);
        }
    }

    fn close(&mut self, id: usize) {
        if !std::mem::replace(&mut self.connections[id].open, false) {
            return;
        }
        for side in 0..2 {
            if self.sides[side].current == Some(id) {
                self.sides[side].current = None;
                self.queue
                    .push_back((side, Event::Closed("closed by the peer".into())));
            }
            if self.sides[side].pending == Some(id) {
                self.sides[side].pending = None;
            }
        }
    }
}
