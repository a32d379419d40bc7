//! Ports the driving half of `exabgp/reactor/peer.py` (`Peer.run` and the socket work of
//! `reactor/protocol.py`): the bridge between one sans-IO peer coroutine and its sockets, timers
//! and reactor (see `docs/architecture.md`, "The bridge").
//!
//! The bridge resumes the coroutine, applies each effect it yields, and when it waits, races (in
//! this order) the reactor's control messages, the timers, then socket I/O. Every raced future is
//! cancel-safe: the read buffer, the pending connect and the write queues live here, not in them.
//!
//! While a helper that gets this peer's messages is behind (`api::backlog`), nothing is read
//! or framed: TCP pushes back on the peer. Keepalives still go out, and the Hold timer does not
//! fire for what we chose not to read: expiring with input waiting, it is armed again.

use crate::bgp::message::{frame, MessageType, MAX_LEN};
use crate::bgp::neighbor::Neighbor;
use crate::bgp::timer::Timer;
use crate::reactor::network::connection::Connection;
use crate::reactor::network::outgoing::Outgoing;
use crate::reactor::network::NetworkError;
use crate::reactor::peer::event::{
    ApiEvent, Command, Effect, Event, Outcome, Priority, Resume, Yield,
};
use async_channel::{Receiver, Sender};
use bytes::{Bytes, BytesMut};
use futures_lite::future::{self, FutureExt};
use genawaiter::{Coroutine, GeneratorState};
use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::time::{Duration, Instant};

/// Bulk bytes queued for writing above which the coroutine's bulk sends are no longer resumed
/// until the socket drained (keepalives, reads and timers keep flowing).
pub const HIGH_WATER: usize = 256 * 1024;
/// Coroutine steps between two yields to the executor. Framing messages already read never
/// waits, so without it a burst of UPDATEs runs to its end before any other task (the API
/// helpers' writers among them, whose queues would overflow).
const STEPS_PER_YIELD: u32 = 32;
/// How long queued urgent messages (a NOTIFICATION) may take to leave before a close.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(2);

/// What the reactor tells a running peer.
#[derive(Debug)]
pub enum Control {
    /// Stop for good, with a Cease of this subcode if an OPEN was sent.
    Stop { subcode: u8 },
    /// An API command.
    Api(Command),
    /// An incoming connection the listener matched to this neighbour.
    Incoming(Connection),
}

/// Where a session's events and effects are recorded, as JSON lines (`--record FILE`): each line
/// is a `stepper::Record` (`{"event": ...}` or `{"effect": ...}`) with the peer's address and the
/// time added as `"peer"` and `"time"`; drop those two keys to replay a peer's lines.
pub type Recorder = Rc<RefCell<Box<dyn Write>>>;

/// The reactor's side of a bridge: how to reach the running peer.
#[derive(Clone, Debug)]
pub struct PeerHandle {
    sender: Sender<Control>,
}

impl PeerHandle {
    /// Queues a control message; false if the peer is gone.
    pub fn send(&self, control: Control) -> bool {
        self.sender.try_send(control).is_ok()
    }
}

/// What one pass over the raced sources produced.
enum Step {
    Event(Event),
    /// Bytes were read or written, but no event is ready yet.
    Progress,
}

/// The raced sources, before their results touch the bridge.
enum Arm {
    Control(Option<Control>),
    Timer(Timer),
    Connected(Result<(), NetworkError>),
    Read(Result<usize, NetworkError>),
    Wrote(Result<(), NetworkError>),
    /// A helper fell behind or caught up.
    Flow,
}

/// At most this many bulk messages, and about this many bytes, go in one vectored write.
const WRITEV_PARTS: usize = 64;
const WRITEV_BYTES: usize = 64 << 10;

/// Drives one peer coroutine.
pub struct Bridge {
    /// `peer 127.0.0.1 ASN 65000`, ExaBGP's prefix for a peer's log lines.
    name: String,
    neighbor: Neighbor,
    port: u16,
    control: Receiver<Control>,
    control_open: bool,
    connecting: Option<Outgoing>,
    connection: Option<Connection>,
    /// A connection handed over by the listener, waiting for `Accept` or `Reject`.
    incoming: Option<Connection>,
    buffer: BytesMut,
    max_size: usize,
    /// The message being written and how much of it went; only whole messages are interleaved.
    writing: Option<(Bytes, usize)>,
    /// Whether the message in flight came from the urgent queue.
    writing_urgent: bool,
    urgent: VecDeque<Bytes>,
    bulk: VecDeque<Bytes>,
    bulk_bytes: usize,
    deadlines: BTreeMap<Timer, Instant>,
    /// The Hold time last armed, to arm it again while reads are paused.
    hold: Duration,
    timer: async_io::Timer,
    /// Which of a read and a bulk write is polled first in the next race (they alternate).
    reads_first: bool,
    pending: VecDeque<Event>,
    record: Option<Recorder>,
    /// The API helpers' side: told of events and sent messages.
    api: Option<Rc<dyn crate::reactor::api::Hook>>,
    /// The monitoring outputs' view of this peer (metrics, MRT, BMP), when any is on.
    monitor: Option<crate::reactor::monitor::Peer>,
}

impl Bridge {
    /// A bridge for `neighbor`, connecting to `port`; returns it with the handle the reactor keeps.
    pub fn new(neighbor: Neighbor, port: u16, record: Option<Recorder>) -> (Bridge, PeerHandle) {
        let (sender, control) = async_channel::unbounded();
        let name = format!("peer {} ASN {:<7}", neighbor.peer_address, neighbor.peer_as);
        let bridge = Bridge {
            name,
            neighbor,
            port,
            control,
            control_open: true,
            connecting: None,
            connection: None,
            incoming: None,
            buffer: BytesMut::with_capacity(MAX_LEN),
            max_size: MAX_LEN,
            writing: None,
            writing_urgent: false,
            urgent: VecDeque::new(),
            bulk: VecDeque::new(),
            bulk_bytes: 0,
            deadlines: BTreeMap::new(),
            hold: Duration::ZERO,
            timer: async_io::Timer::never(),
            reads_first: true,
            // genawaiter drops the first resume value: the coroutine waits for Start first.
            pending: VecDeque::from([Event::Start]),
            record,
            api: None,
            monitor: None,
        };
        (bridge, PeerHandle { sender })
    }

    /// Reports this peer's events and sent messages to the API helpers.
    pub fn with_api(mut self, api: Option<Rc<dyn crate::reactor::api::Hook>>) -> Bridge {
        self.api = api;
        self
    }

    /// Reports this peer's session to the monitoring outputs.
    pub fn with_monitor(
        mut self,
        monitor: Option<&Rc<crate::reactor::monitor::Monitor>>,
    ) -> Bridge {
        self.monitor = monitor.map(|monitor| monitor.peer(&self.neighbor));
        self
    }

    /// Runs the coroutine to completion (architecture.md §3); never resumes it after.
    pub async fn run<C>(mut self, mut peer: C) -> Outcome
    where
        C: Coroutine<Yield = Yield, Resume = Resume, Return = Outcome> + Unpin,
    {
        let mut input = Resume::Ack;
        let mut steps = 0;
        loop {
            steps += 1;
            if steps == STEPS_PER_YIELD {
                steps = 0;
                future::yield_now().await;
            }
            if let Resume::Event(event) = &input {
                self.record("event", event);
            }
            match Pin::new(&mut peer).resume_with(input) {
                GeneratorState::Yielded(Yield::Do(Effect::Poll)) => {
                    // Recorded too: a replay needs to know which events answered a Poll.
                    self.record("effect", &Effect::Poll);
                    input = match self.poll().await {
                        Some(event) => Resume::Event(event),
                        None => Resume::Ack,
                    }
                }
                GeneratorState::Yielded(Yield::Do(effect)) => {
                    self.record("effect", &effect);
                    self.apply(effect).await;
                    input = Resume::Ack;
                }
                GeneratorState::Yielded(Yield::Wait) => {
                    input = Resume::Event(self.next_event().await)
                }
                GeneratorState::Complete(outcome) => {
                    self.close("peer stopped").await;
                    if let Some(monitor) = &mut self.monitor {
                        monitor.stopped(&self.neighbor);
                    }
                    if let Some(connection) = self.incoming.take() {
                        connection.close();
                    }
                    log::info!(target: "reactor", "{} stopped ({outcome:?})", self.name);
                    return outcome;
                }
            }
        }
    }

    fn record(&self, kind: &str, value: &impl serde::Serialize) {
        let Some(record) = &self.record else {
            return;
        };
        let line = serde_json::json!({
            "peer": self.neighbor.peer_address.to_string(),
            "time": std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or(0.0),
            kind: value,
        });
        let mut out = record.borrow_mut();
        if writeln!(out, "{line}").and_then(|_| out.flush()).is_err() {
            log::error!(target: "reactor", "could not write the session record");
        }
    }

    /// Performs one effect.
    async fn apply(&mut self, effect: Effect) {
        match effect {
            Effect::Transition { from, to } => {
                log::info!(target: "reactor", "{} changed state from {from} to {to}", self.name);
                if let Some(api) = &self.api {
                    api.fsm(&self.neighbor, to);
                }
                if let Some(monitor) = &mut self.monitor {
                    monitor.transition(&self.neighbor, from, to);
                }
            }
            Effect::Connect => {
                self.connecting = None;
                match Outgoing::start(&self.neighbor, self.port) {
                    Ok(outgoing) => self.connecting = Some(outgoing),
                    Err(error) => {
                        log::debug!(target: "network", "{} connection failed: {error}", self.name);
                        self.pending.push_back(Event::TcpFailed(error.to_string()))
                    }
                }
            }
            Effect::Send { message, priority } => {
                if let Some(api) = &self.api {
                    api.sent(&self.neighbor, &message);
                }
                if let Some(monitor) = &mut self.monitor {
                    monitor.sent(&self.neighbor, &message);
                }
                // UPDATEs keep their order whatever their priority: an urgent UPDATE (one handed
                // over with `Command::Send`) must not overtake the routes queued before it.
                let behind_updates =
                    message.get(18) == Some(&MessageType::UPDATE.0) && !self.bulk.is_empty();
                if priority == Priority::Urgent && !behind_updates {
                    self.urgent.push_back(message);
                } else {
                    self.bulk_bytes += message.len();
                    self.bulk.push_back(message);
                }
            }
            Effect::MessageSize(size) => self.max_size = size,
            Effect::Arm { timer, after } => {
                let after = crate::reactor::delay::jitter(timer, after);
                if timer == Timer::Hold {
                    self.hold = after;
                }
                self.deadlines.insert(timer, Instant::now() + after);
            }
            Effect::Disarm(timer) => {
                self.deadlines.remove(&timer);
            }
            Effect::Deliver(event) => self.deliver(event),
            Effect::Close(reason) => self.close(&reason).await,
            Effect::Accept => {
                if let Some(connection) = self.incoming.take() {
                    log::info!(target: "network", "{} accepted connection {}", self.name, connection.name());
                    self.buffer.clear();
                    self.connection = Some(connection);
                }
            }
            Effect::Reject { notification } => {
                if let Some(connection) = self.incoming.take() {
                    log::info!(target: "network", "{} refused connection {}", self.name, connection.name());
                    let _ = connection
                        .write_all(&notification)
                        .or(async {
                            async_io::Timer::after(FLUSH_TIMEOUT).await;
                            Ok(())
                        })
                        .await;
                    connection.close();
                }
            }
            Effect::Poll => {}
        }
    }

    /// Tells the API helpers, and the log.
    fn deliver(&mut self, event: ApiEvent) {
        if let Some(api) = &self.api {
            api.event(&self.neighbor, &event);
        }
        if let Some(monitor) = &mut self.monitor {
            monitor.event(&self.neighbor, &event);
        }
        match event {
            ApiEvent::Connected { local, peer } => {
                log::info!(target: "network", "{} connected {local} -> {peer}", self.name)
            }
            ApiEvent::Up => log::warn!(target: "reactor", "{} session up", self.name),
            ApiEvent::Down(reason) => {
                log::warn!(target: "reactor", "{} session down: {reason}", self.name)
            }
            ApiEvent::Negotiated { .. } => {
                log::debug!(target: "reactor", "{} negotiated", self.name)
            }
            ApiEvent::Received { kind, body, update } => {
                let kind = MessageType(kind);
                match update.get() {
                    // the JSON is only written when the line is kept
                    Some(update) if log::log_enabled!(target: "reactor", log::Level::Info) => {
                        log::info!(target: "reactor", "{} << {}", self.name, update.to_json())
                    }
                    Some(_) => {}
                    None if kind == MessageType::KEEPALIVE => {
                        log::debug!(target: "reactor", "{} << keepalive", self.name)
                    }
                    None => log::info!(
                        target: "reactor",
                        "{} << {} {}",
                        self.name,
                        kind.name(),
                        crate::reactor::peer::event::hex::encode(&body)
                    ),
                }
            }
        }
    }

    /// Flushes the message in flight and the urgent ones (bounded by a timeout), drops the bulk
    /// ones, and closes the current connection and any pending connect.
    async fn close(&mut self, reason: &str) {
        self.connecting = None;
        self.bulk.clear();
        self.bulk_bytes = 0;
        if let Some(connection) = self.connection.take() {
            log::info!(target: "network", "{} closing connection: {reason}", self.name);
            let writing = self.writing.take();
            let urgent = std::mem::take(&mut self.urgent);
            let flush = async {
                if let Some((bytes, offset)) = writing {
                    connection.write_all(&bytes[offset..]).await?;
                }
                for message in urgent {
                    connection.write_all(&message).await?;
                }
                Ok::<(), NetworkError>(())
            };
            let _ = flush
                .or(async {
                    async_io::Timer::after(FLUSH_TIMEOUT).await;
                    Ok(())
                })
                .await;
            connection.close();
        }
        self.writing = None;
        self.writing_urgent = false;
        self.urgent.clear();
        self.buffer.clear();
        self.max_size = MAX_LEN;
    }

    /// The next event for a waiting coroutine.
    async fn next_event(&mut self) -> Event {
        loop {
            if let Step::Event(event) = self.step().await {
                return event;
            }
        }
    }

    /// Answers `Effect::Poll`: an event that is ready now, or none; while the bulk queue is over
    /// the high-water mark, or reads are paused (what is sent goes to the helpers too), waits
    /// for an event or for that to end.
    async fn poll(&mut self) -> Option<Event> {
        loop {
            let over = self.bulk_bytes > HIGH_WATER || self.paused();
            let step = if over {
                Some(self.step().await)
            } else {
                future::poll_once(self.step()).await
            };
            match step {
                Some(Step::Event(event)) => return Some(event),
                Some(Step::Progress) if over => continue,
                _ => return None,
            }
        }
    }

    /// Whether reads are paused: a helper that gets this peer's messages is behind.
    fn paused(&self) -> bool {
        self.api
            .as_ref()
            .is_some_and(|api| api.paused(&self.neighbor))
    }

    /// One biased race: queued events and framed messages first, then control, timers, I/O.
    async fn step(&mut self) -> Step {
        if let Some(event) = self.pending.pop_front() {
            return Step::Event(event);
        }
        if self.writing_urgent || !self.urgent.is_empty() {
            // Before framing what was read: a flood of framed messages must not hold them back.
            if let Some(connection) = &self.connection {
                let wrote = write(
                    connection,
                    &mut self.writing,
                    &mut self.writing_urgent,
                    &mut self.urgent,
                    &mut self.bulk,
                    &mut self.bulk_bytes,
                );
                if let Some(arm) = future::poll_once(wrote).await {
                    return self.handle(arm);
                }
            }
        }
        // A due timer goes before the messages already read: a long burst of UPDATEs must not
        // hold back our keepalives (nor hide a Hold expiry). With nothing read, the race below
        // keeps control ahead of timers.
        if !self.buffer.is_empty() && !self.deadlines.is_empty() {
            let now = Instant::now();
            if let Some((&timer, _)) = self.deadlines.iter().find(|(_, at)| **at <= now) {
                return self.handle(Arm::Timer(timer));
            }
        }
        let paused = self.paused();
        if !paused {
            if let Some(event) = self.frame() {
                return Step::Event(event);
            }
        }
        // Urgent messages (KEEPALIVE, NOTIFICATION) go before reads, so a peer that floods us
        // cannot keep them queued; otherwise reads and bulk writes take turns.
        let write_first = self.writing_urgent || !self.urgent.is_empty() || !self.reads_first;
        self.reads_first = !self.reads_first;
        let arm = {
            let Bridge {
                control,
                control_open,
                deadlines,
                timer,
                connecting,
                connection,
                buffer,
                writing,
                writing_urgent,
                urgent,
                bulk,
                bulk_bytes,
                api,
                ..
            } = self;
            let connection = connection.as_ref();
            let flow = async {
                match api {
                    Some(api) if paused => {
                        api.flow().await;
                        Arm::Flow
                    }
                    _ => future::pending().await,
                }
            };
            let control = async {
                if !*control_open {
                    return future::pending().await;
                }
                Arm::Control(control.recv().await.ok())
            };
            let timers = async {
                let Some((&which, &at)) = deadlines.iter().min_by_key(|(_, at)| **at) else {
                    return future::pending().await;
                };
                // A fired async-io Timer stays pending until re-armed (architecture.md §6.8).
                timer.set_at(at);
                (&mut *timer).await;
                Arm::Timer(which)
            };
            let connect = async {
                match connecting {
                    Some(outgoing) => Arm::Connected(outgoing.ready().await),
                    None => future::pending().await,
                }
            };
            let read = async {
                match connection {
                    Some(connection) if !paused => Arm::Read(connection.read_into(buffer).await),
                    _ => future::pending().await,
                }
            };
            let write = async {
                match connection {
                    Some(connection) => {
                        write(
                            connection,
                            writing,
                            writing_urgent,
                            urgent,
                            bulk,
                            bulk_bytes,
                        )
                        .await
                    }
                    None => future::pending().await,
                }
            };
            let (mut read, mut write) = (pin!(read), pin!(write));
            let io = async {
                if write_first {
                    write.as_mut().or(read.as_mut()).await
                } else {
                    read.as_mut().or(write.as_mut()).await
                }
            };
            control.or(timers).or(connect).or(io).or(flow).await
        };
        self.handle(arm)
    }

    /// Turns what a raced source produced into an event, updating the bridge.
    fn handle(&mut self, arm: Arm) -> Step {
        let event = match arm {
            Arm::Control(None) => {
                // The reactor is gone: stop as if shut down.
                self.control_open = false;
                Event::Stop { subcode: 2 }
            }
            Arm::Control(Some(Control::Stop { subcode })) => Event::Stop { subcode },
            Arm::Control(Some(Control::Api(command))) => Event::Api(command),
            Arm::Control(Some(Control::Incoming(connection))) => {
                if let Some(previous) = self.incoming.replace(connection) {
                    previous.close();
                }
                let connection = self.incoming.as_ref().expect("just set");
                Event::Incoming {
                    local: connection.local,
                    peer: connection.peer,
                }
            }
            Arm::Timer(Timer::Hold) if self.unread() => {
                // the peer spoke, we are the ones not listening
                log::debug!(target: "reactor", "{} hold timer postponed: reads are paused for a helper that is behind", self.name);
                self.deadlines
                    .insert(Timer::Hold, Instant::now() + self.hold);
                return Step::Progress;
            }
            Arm::Timer(timer) => {
                self.deadlines.remove(&timer);
                Event::Timer(timer)
            }
            Arm::Connected(result) => {
                let Some(outgoing) = self.connecting.take() else {
                    return Step::Progress;
                };
                match result.and_then(|_| outgoing.established()) {
                    Ok(connection) => {
                        let event = Event::TcpConnected {
                            local: connection.local,
                            peer: connection.peer,
                        };
                        if let Some(previous) = self.connection.replace(connection) {
                            previous.close();
                        }
                        self.buffer.clear();
                        event
                    }
                    Err(error) => {
                        log::debug!(target: "network", "{} connection failed: {error}", self.name);
                        Event::TcpFailed(error.to_string())
                    }
                }
            }
            Arm::Read(Ok(_)) | Arm::Wrote(Ok(())) | Arm::Flow => return Step::Progress,
            Arm::Read(Err(error)) | Arm::Wrote(Err(error)) => {
                if let Some(connection) = self.connection.take() {
                    log::warn!(target: "network", "{} {} lost: {error}", self.name, connection.name());
                    connection.close();
                }
                self.writing = None;
                self.writing_urgent = false;
                self.urgent.clear();
                self.bulk.clear();
                self.bulk_bytes = 0;
                self.buffer.clear();
                Event::Closed(error.to_string())
            }
        };
        Step::Event(event)
    }

    /// Whether reads are paused with input waiting, in the buffer or the socket.
    fn unread(&self) -> bool {
        self.paused()
            && self
                .connection
                .as_ref()
                .is_some_and(|connection| !self.buffer.is_empty() || connection.has_input())
    }

    /// Takes one whole message off the read buffer, if there is one.
    fn frame(&mut self) -> Option<Event> {
        self.connection.as_ref()?;
        match frame(&mut self.buffer, self.max_size) {
            Ok(Some(message)) => Some(Event::Message(message)),
            Ok(None) => None,
            Err(notification) => {
                // Nothing after a framing error can be trusted.
                self.buffer.clear();
                Some(Event::BadFrame {
                    code: notification.code,
                    subcode: notification.subcode,
                    data: notification.data,
                })
            }
        }
    }
}

/// Writes some of the message in flight, taking the next one (urgent first) at a message
/// boundary; pending while there is nothing to write. Cancel-safe: what is left of the message
/// stays in `writing`.
async fn write(
    connection: &Connection,
    writing: &mut Option<(Bytes, usize)>,
    writing_urgent: &mut bool,
    urgent: &mut VecDeque<Bytes>,
    bulk: &mut VecDeque<Bytes>,
    bulk_bytes: &mut usize,
) -> Arm {
    if writing.is_none() {
        *writing_urgent = !urgent.is_empty();
        let next = urgent.pop_front().or_else(|| {
            let message = bulk.pop_front()?;
            *bulk_bytes -= message.len();
            Some(message)
        });
        *writing = next.map(|message| (message, 0));
    }
    let Some((message, offset)) = writing else {
        return future::pending().await;
    };
    if *writing_urgent || !urgent.is_empty() || bulk.is_empty() {
        // the message in flight alone: an urgent one waits for no bulk, and bulk goes no
        // further than its message boundary while urgent messages wait
        let result = connection
            .write_some(&message[*offset..])
            .await
            .map(|written| {
                *offset += written;
            });
        if *offset >= message.len() {
            *writing = None;
            *writing_urgent = false;
        }
        return Arm::Wrote(result);
    }
    // bulk: the message in flight and those queued behind it in one system call (one send per
    // UPDATE cost a fifth of a large table's start)
    let mut parts = Vec::with_capacity(WRITEV_PARTS);
    parts.push(std::io::IoSlice::new(&message[*offset..]));
    let mut gathered = message.len() - *offset;
    for queued in bulk.iter() {
        if parts.len() == WRITEV_PARTS || gathered >= WRITEV_BYTES {
            break;
        }
        parts.push(std::io::IoSlice::new(queued));
        gathered += queued.len();
    }
    let rest = message.len() - *offset;
    let result = connection.write_vectored(&parts).await;
    drop(parts);
    let result = result.map(|mut written| {
        if written < rest {
            if let Some((_, offset)) = writing {
                *offset += written;
            }
            return;
        }
        written -= rest;
        *writing = None;
        while let Some(next) = bulk.front() {
            if written < next.len() {
                if written > 0 {
                    let next = bulk.pop_front().expect("front");
                    *bulk_bytes -= next.len();
                    *writing = Some((next, written));
                }
                break;
            }
            written -= next.len();
            *bulk_bytes -= next.len();
            bulk.pop_front();
        }
    });
    Arm::Wrote(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bgp::message::{message, MessageType};
    use genawaiter::rc::{Co, Gen};
    use std::future::Future;
    use std::io::Read;
    use std::net::{IpAddr, Ipv4Addr, TcpListener};

    fn keepalive() -> Bytes {
        message(MessageType::KEEPALIVE, &[])
    }

    async fn wait(co: &Co<Yield, Resume>) -> Event {
        match co.yield_(Yield::Wait).await {
            Resume::Event(event) => event,
            Resume::Ack => panic!("resumed with Ack after Wait"),
        }
    }

    async fn act(co: &Co<Yield, Resume>, effect: Effect) {
        assert_eq!(co.yield_(Yield::Do(effect)).await, Resume::Ack);
    }

    fn neighbor_for(listener: &TcpListener) -> (Neighbor, u16) {
        let mut neighbor = Neighbor::new(IpAddr::V4(Ipv4Addr::LOCALHOST));
        neighbor.local_address = Some(IpAddr::V4(Ipv4Addr::LOCALHOST));
        (neighbor, listener.local_addr().unwrap().port())
    }

    /// Connects, exchanges one KEEPALIVE each way across a real socket, closes with a NOTIFICATION
    /// that must reach the peer before the connection ends.
    #[test]
    fn connects_exchanges_and_flushes_notification_before_close() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let (neighbor, port) = neighbor_for(&listener);
        let remote = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut first = [0u8; 19];
            stream.read_exact(&mut first).unwrap();
            std::io::Write::write_all(&mut stream, &keepalive()).unwrap();
            let mut rest = Vec::new();
            stream.read_to_end(&mut rest).unwrap();
            (first.to_vec(), rest)
        });
        let notification = message(MessageType::NOTIFICATION, &[6, 2]);
        let expected = notification.clone();
        let peer = Gen::new(|co| async move {
            assert_eq!(wait(&co).await, Event::Start);
            act(&co, Effect::Connect).await;
            assert!(matches!(wait(&co).await, Event::TcpConnected { .. }));
            act(
                &co,
                Effect::Send {
                    message: keepalive(),
                    priority: Priority::Urgent,
                },
            )
            .await;
            match wait(&co).await {
                Event::Message(frame) => assert_eq!(frame.kind, MessageType::KEEPALIVE),
                other => panic!("expected the KEEPALIVE, got {other:?}"),
            }
            act(
                &co,
                Effect::Send {
                    message: notification,
                    priority: Priority::Urgent,
                },
            )
            .await;
            act(&co, Effect::Close("test over".into())).await;
            Outcome::Stopped
        });
        let (bridge, _handle) = Bridge::new(neighbor, port, None);
        assert_eq!(async_io::block_on(bridge.run(peer)), Outcome::Stopped);
        let (first, rest) = remote.join().unwrap();
        assert_eq!(first, keepalive().to_vec());
        assert_eq!(rest, expected.to_vec());
    }

    /// Garbage on the wire becomes BadFrame with RFC 4271 §6.1's (1, 1); a stop from the reactor
    /// comes before any armed timer; an earlier deadline fires before a later one.
    #[test]
    fn bad_frame_control_before_timers_and_timer_order() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let (neighbor, port) = neighbor_for(&listener);
        let remote = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            std::io::Write::write_all(&mut stream, &[0u8; 19]).unwrap();
            let mut rest = Vec::new();
            let _ = stream.read_to_end(&mut rest);
        });
        let (bridge, handle) = Bridge::new(neighbor, port, None);
        let peer = Gen::new(|co| async move {
            assert_eq!(wait(&co).await, Event::Start);
            act(&co, Effect::Connect).await;
            assert!(matches!(wait(&co).await, Event::TcpConnected { .. }));
            match wait(&co).await {
                Event::BadFrame { code, subcode, .. } => assert_eq!((code, subcode), (1, 1)),
                other => panic!("expected BadFrame, got {other:?}"),
            }
            act(&co, Effect::Close("bad frame".into())).await;
            act(
                &co,
                Effect::Arm {
                    timer: Timer::Hold,
                    after: Duration::from_millis(30),
                },
            )
            .await;
            act(
                &co,
                Effect::Arm {
                    timer: Timer::Keepalive,
                    after: Duration::from_millis(10),
                },
            )
            .await;
            assert_eq!(wait(&co).await, Event::Timer(Timer::Keepalive));
            assert_eq!(wait(&co).await, Event::Timer(Timer::Hold));
            act(
                &co,
                Effect::Arm {
                    timer: Timer::Hold,
                    after: Duration::ZERO,
                },
            )
            .await;
            // Queued before the wait: control wins over the already expired timer.
            assert!(handle.send(Control::Stop { subcode: 2 }));
            assert_eq!(wait(&co).await, Event::Stop { subcode: 2 });
            act(&co, Effect::Disarm(Timer::Hold)).await;
            Outcome::Stopped
        });
        assert_eq!(async_io::block_on(bridge.run(peer)), Outcome::Stopped);
        remote.join().unwrap();
    }

    /// Bulk sends over the high-water mark make `Poll` wait; keepalives (urgent) still go first and
    /// everything arrives, in order within each priority.
    #[test]
    fn back_pressure_keeps_urgent_first() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let (neighbor, port) = neighbor_for(&listener);
        let update = message(MessageType::UPDATE, &[0u8; 4000]);
        let count = 2 * HIGH_WATER / update.len();
        let remote = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut all = Vec::new();
            stream.read_to_end(&mut all).unwrap();
            all
        });
        let bulk = update.clone();
        let peer = Gen::new(move |co| async move {
            assert_eq!(wait(&co).await, Event::Start);
            act(&co, Effect::Connect).await;
            assert!(matches!(wait(&co).await, Event::TcpConnected { .. }));
            for _ in 0..count {
                act(
                    &co,
                    Effect::Send {
                        message: bulk.clone(),
                        priority: Priority::Bulk,
                    },
                )
                .await;
                assert_eq!(co.yield_(Yield::Do(Effect::Poll)).await, Resume::Ack);
            }
            act(
                &co,
                Effect::Send {
                    message: keepalive(),
                    priority: Priority::Urgent,
                },
            )
            .await;
            act(&co, Effect::Close("done".into())).await;
            Outcome::Stopped
        });
        let (bridge, _handle) = Bridge::new(neighbor, port, None);
        async_io::block_on(bridge.run(peer));
        let all = remote.join().unwrap();
        // Close drops bulk messages not yet written, so count what arrived: whole messages only,
        // updates then the keepalive (flushed on close).
        let mut buffer = BytesMut::from(&all[..]);
        let mut kinds = Vec::new();
        while let Some(frame) = frame(&mut buffer, MAX_LEN).unwrap() {
            kinds.push(frame.kind);
        }
        assert!(buffer.is_empty(), "a partial message was written");
        assert_eq!(kinds.last(), Some(&MessageType::KEEPALIVE));
        let updates = kinds.iter().filter(|k| **k == MessageType::UPDATE).count();
        // Poll only returned Ack once the queue was back under the mark: most of it was written.
        assert!(
            updates >= count - HIGH_WATER / update.len() - 1,
            "{updates} of {count}"
        );
    }

    /// A remote that floods us with UPDATEs does not hold back our KEEPALIVE: it arrives while
    /// the flood goes on. The peer takes a while over each message, as a busy speaker does, so
    /// the socket always has more to read (before, reads and framed messages won every race and
    /// the KEEPALIVE waited for the flood to end).
    #[test]
    fn keepalive_goes_out_while_the_remote_floods() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        const LIMIT: usize = 16 << 20;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let (neighbor, port) = neighbor_for(&listener);
        let remote = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let heard = Arc::new(AtomicBool::new(false));
            let mut reader = stream.try_clone().unwrap();
            let flag = heard.clone();
            let listening = std::thread::spawn(move || {
                let mut first = [0u8; 19];
                let got = reader.read_exact(&mut first).is_ok();
                flag.store(true, Ordering::SeqCst);
                got.then_some(first)
            });
            // Flood with UPDATEs until the speaker's KEEPALIVE arrives, or LIMIT bytes.
            let flood: Vec<u8> = (0..16)
                .flat_map(|_| message(MessageType::UPDATE, &[0u8; 4000]).to_vec())
                .collect();
            let mut sent = 0;
            while !heard.load(Ordering::SeqCst) && sent < LIMIT {
                stream.write_all(&flood).unwrap();
                sent += flood.len();
            }
            let during_flood = heard.load(Ordering::SeqCst);
            stream.shutdown(std::net::Shutdown::Both).unwrap();
            (during_flood, sent, listening.join().unwrap())
        });
        let peer = Gen::new(move |co| async move {
            assert_eq!(wait(&co).await, Event::Start);
            act(&co, Effect::Connect).await;
            assert!(matches!(wait(&co).await, Event::TcpConnected { .. }));
            assert!(matches!(wait(&co).await, Event::Message(_)));
            act(
                &co,
                Effect::Send {
                    message: keepalive(),
                    priority: Priority::Urgent,
                },
            )
            .await;
            while let Event::Message(_) = wait(&co).await {
                std::thread::sleep(Duration::from_micros(100));
            }
            Outcome::Stopped
        });
        let (bridge, _handle) = Bridge::new(neighbor, port, None);
        async_io::block_on(bridge.run(peer));
        let (during_flood, sent, first) = remote.join().unwrap();
        assert_eq!(
            first.as_ref().map(|m| m.to_vec()),
            Some(keepalive().to_vec())
        );
        assert!(
            during_flood,
            "the KEEPALIVE waited for the end of a {sent}-byte flood"
        );
    }

    /// The API as the bridge sees it when a helper is behind.
    #[derive(Default)]
    struct Behind {
        paused: std::cell::Cell<bool>,
        changed: event_listener::Event,
    }

    impl Behind {
        fn set(&self, paused: bool) {
            self.paused.set(paused);
            self.changed.notify(usize::MAX);
        }
    }

    impl crate::reactor::api::Hook for Behind {
        fn start(&self, _: &Rc<async_executor::LocalExecutor<'static>>) {}
        fn reloaded(&self, _: bool) {}
        fn next(&self) -> Pin<Box<dyn Future<Output = crate::reactor::api::Request> + '_>> {
            Box::pin(future::pending())
        }
        fn event(&self, _: &Neighbor, _: &ApiEvent) {}
        fn fsm(&self, _: &Neighbor, _: crate::bgp::fsm::State) {}
        fn signal(&self, _: &Neighbor, _: i32) {}
        fn sent(&self, _: &Neighbor, _: &Bytes) {}
        fn ended(&self, _: &Neighbor) {}
        fn stop(&self) -> Pin<Box<dyn Future<Output = ()> + '_>> {
            Box::pin(async {})
        }
        fn paused(&self, _: &Neighbor) -> bool {
            self.paused.get()
        }
        fn flow(&self) -> Pin<Box<dyn Future<Output = ()> + '_>> {
            Box::pin(self.changed.listen())
        }
    }

    /// While a helper is behind nothing is read, keepalives still go out, and the Hold timer
    /// does not expire for the KEEPALIVE waiting unread; once it caught up the KEEPALIVE is read.
    /// Paused with nothing waiting, a silent peer's Hold timer does expire.
    #[test]
    fn paused_reads_keep_keepalives_going_and_do_not_expire_hold() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let (neighbor, port) = neighbor_for(&listener);
        let (sent, arrived) = std::sync::mpsc::channel();
        let remote = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            std::io::Write::write_all(&mut stream, &keepalive()).unwrap();
            sent.send(()).unwrap();
            let mut all = Vec::new();
            stream.read_to_end(&mut all).unwrap();
            all
        });
        let behind = Rc::new(Behind::default());
        behind.set(true);
        let api = behind.clone();
        const KEEPALIVES: usize = 20;
        let peer = Gen::new(move |co| async move {
            assert_eq!(wait(&co).await, Event::Start);
            act(&co, Effect::Connect).await;
            assert!(matches!(wait(&co).await, Event::TcpConnected { .. }));
            // the KEEPALIVE is in our socket before Hold is armed
            arrived.recv().unwrap();
            let arm = |timer, ms| Effect::Arm {
                timer,
                after: Duration::from_millis(ms),
            };
            act(&co, arm(Timer::Hold, 100)).await;
            act(&co, arm(Timer::Keepalive, 25)).await;
            for _ in 0..KEEPALIVES {
                // 20 x 25 ms: the Hold time went by five times
                assert_eq!(wait(&co).await, Event::Timer(Timer::Keepalive));
                let message = keepalive();
                let priority = Priority::Urgent;
                act(&co, Effect::Send { message, priority }).await;
                act(&co, arm(Timer::Keepalive, 25)).await;
            }
            act(&co, Effect::Disarm(Timer::Keepalive)).await;
            api.set(false);
            match wait(&co).await {
                Event::Message(frame) => assert_eq!(frame.kind, MessageType::KEEPALIVE),
                other => panic!("expected the KEEPALIVE read once resumed, got {other:?}"),
            }
            api.set(true);
            act(&co, arm(Timer::Hold, 100)).await;
            assert_eq!(wait(&co).await, Event::Timer(Timer::Hold));
            act(&co, Effect::Close("done".into())).await;
            Outcome::Stopped
        });
        let (bridge, _handle) = Bridge::new(neighbor, port, None);
        let bridge = bridge.with_api(Some(behind));
        assert_eq!(async_io::block_on(bridge.run(peer)), Outcome::Stopped);
        let all = remote.join().unwrap();
        let mut buffer = BytesMut::from(&all[..]);
        let mut keepalives = 0;
        while let Some(frame) = frame(&mut buffer, MAX_LEN).unwrap() {
            assert_eq!(frame.kind, MessageType::KEEPALIVE);
            keepalives += 1;
        }
        assert_eq!(keepalives, KEEPALIVES);
    }

    /// A long run of messages already read does not hold back a due timer nor the keepalive it
    /// makes: each message is slow to handle here (1 ms), a read brings in hundreds at once.
    #[test]
    fn a_burst_of_messages_does_not_hold_back_keepalives() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let (neighbor, port) = neighbor_for(&listener);
        const BURST: usize = 3000;
        let (sent, arrived) = std::sync::mpsc::channel();
        let got = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let told = got.clone();
        let remote = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let burst: Vec<u8> = (0..BURST).flat_map(|_| keepalive().to_vec()).collect();
            std::io::Write::write_all(&mut stream, &burst).unwrap();
            sent.send(()).unwrap();
            let mut ours = [0u8; 19];
            stream.read_exact(&mut ours).unwrap();
            told.store(true, std::sync::atomic::Ordering::SeqCst);
            let mut rest = Vec::new();
            let _ = stream.read_to_end(&mut rest);
        });
        let peer = Gen::new(move |co| async move {
            assert_eq!(wait(&co).await, Event::Start);
            act(&co, Effect::Connect).await;
            assert!(matches!(wait(&co).await, Event::TcpConnected { .. }));
            arrived.recv().unwrap();
            let after = Duration::from_millis(10);
            let timer = Timer::Keepalive;
            act(&co, Effect::Arm { timer, after }).await;
            let mut handled = 0;
            let mut fired_after = None;
            while handled < BURST {
                match wait(&co).await {
                    Event::Message(_) => {
                        handled += 1;
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    Event::Timer(Timer::Keepalive) => {
                        fired_after = Some(handled);
                        let (message, priority) = (keepalive(), Priority::Urgent);
                        act(&co, Effect::Send { message, priority }).await;
                    }
                    other => panic!("{other:?}"),
                }
                if fired_after.is_some_and(|at| handled == at + 200) {
                    assert!(
                        got.load(std::sync::atomic::Ordering::SeqCst),
                        "our KEEPALIVE still waits, 200 messages after it was sent"
                    );
                }
            }
            // a read brings in 16 KiB, 862 KEEPALIVEs: without the check, the timer waits for them
            let at = fired_after.expect("the timer fired");
            assert!(at < 100, "the timer fired after {at} messages");
            act(&co, Effect::Close("done".into())).await;
            Outcome::Stopped
        });
        let (bridge, _handle) = Bridge::new(neighbor, port, None);
        assert_eq!(async_io::block_on(bridge.run(peer)), Outcome::Stopped);
        remote.join().unwrap();
    }

    /// An urgent End-of-RIB queued behind bulk UPDATEs stays behind them (RFC 4724 §2), while an
    /// urgent KEEPALIVE goes ahead.
    #[test]
    fn end_of_rib_does_not_overtake_updates() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let (neighbor, port) = neighbor_for(&listener);
        let update = message(MessageType::UPDATE, &[0, 0, 0, 4, 0x40, 1, 1, 0, 8, 10]);
        let eor = message(MessageType::UPDATE, &[0, 0, 0, 0]);
        let mut expected = keepalive().to_vec();
        expected.extend_from_slice(&update);
        expected.extend_from_slice(&update);
        expected.extend_from_slice(&eor);
        let length = expected.len();
        let remote = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut all = vec![0u8; length];
            stream.read_exact(&mut all).unwrap();
            // Tells the coroutine everything arrived, so it can close.
            std::io::Write::write_all(&mut stream, &keepalive()).unwrap();
            all
        });
        let (first, end) = (update.clone(), eor.clone());
        let peer = Gen::new(move |co| async move {
            assert_eq!(wait(&co).await, Event::Start);
            act(&co, Effect::Connect).await;
            assert!(matches!(wait(&co).await, Event::TcpConnected { .. }));
            act(
                &co,
                Effect::Send {
                    message: first.clone(),
                    priority: Priority::Bulk,
                },
            )
            .await;
            act(
                &co,
                Effect::Send {
                    message: first,
                    priority: Priority::Bulk,
                },
            )
            .await;
            act(
                &co,
                Effect::Send {
                    message: end,
                    priority: Priority::Urgent,
                },
            )
            .await;
            act(
                &co,
                Effect::Send {
                    message: keepalive(),
                    priority: Priority::Urgent,
                },
            )
            .await;
            assert!(matches!(wait(&co).await, Event::Message(_)));
            act(&co, Effect::Close("done".into())).await;
            Outcome::Stopped
        });
        let (bridge, _handle) = Bridge::new(neighbor, port, None);
        async_io::block_on(bridge.run(peer));
        assert_eq!(remote.join().unwrap(), expected);
    }
}
