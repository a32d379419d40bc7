//! Ports `exabgp/reactor/peer.py` (branch 5.0): the peer FSM as a sans-IO coroutine
//! (RFC 4271 §8, §6.8 collision detection, RFC 6608 FSM errors, RFC 4724 End-of-RIB, RFC 2918/7313
//! route refresh).
//!
//! ExaBGP's generators `_run`, `_establish`, `_connect`, `_send_open`, `_read_open`, `_send_ka`,
//! `_read_ka`, `_main` are the `async fn`s `run`, `establish`, `connect`, `send_open`, `read_open`,
//! `send_ka`, `read_ka`, `main` below; `for action in self._establish(): yield action` becomes
//! `self.establish().await`. The only thing ever awaited is the `Yielder`: the coroutine never
//! touches a socket or a clock. See `event.rs` for the contract and `docs/fsm.md` for the table.

pub mod event;
pub mod keepalive;
pub mod stepper;

use crate::bgp::fsm::State;
use crate::bgp::message::open::capability::negotiated::{Negotiated, Refresh};
use crate::bgp::message::open::capability::Capabilities;
use crate::bgp::message::open::Open;
use crate::bgp::message::refresh::RouteRefresh;
use crate::bgp::message::update::Update;
use crate::bgp::message::{self, Frame, Message, MessageType, Notification};
use crate::bgp::neighbor::Neighbor;
use crate::bgp::timer::{Delay, Timer, CONNECT_RETRY, LARGE_HOLD};
use crate::protocol::family::Family;
use crate::reactor::protocol;
use bytes::Bytes;
use event::{ApiEvent, Command, Decoded, Effect, Event, Outcome, Priority, Resume, Yield};
use keepalive::KeepAlive;
use std::collections::{BTreeSet, VecDeque};
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::time::Duration;

/// What the coroutine awaits: one yield to its driver. Implemented for genawaiter's `rc::Co`
/// (the daemon) and `sync::Co` (so a multi-threaded executor stays possible).
pub trait Yielder {
    fn yield_(&self, value: Yield) -> impl Future<Output = Resume> + '_;
}

impl Yielder for genawaiter::rc::Co<Yield, Resume> {
    fn yield_(&self, value: Yield) -> impl Future<Output = Resume> + '_ {
        <genawaiter::rc::Co<Yield, Resume>>::yield_(self, value)
    }
}

impl Yielder for genawaiter::sync::Co<Yield, Resume> {
    fn yield_(&self, value: Yield) -> impl Future<Output = Resume> + '_ {
        <genawaiter::sync::Co<Yield, Resume>>::yield_(self, value)
    }
}

/// The coroutine as the daemon runs it.
pub type Daemon = genawaiter::rc::Gen<Yield, Resume, Pin<Box<dyn Future<Output = Outcome>>>>;

/// What the peer needs from the outgoing RIB (the adj-rib-out of `rib/`), so it does not depend
/// on its internals. ExaBGP: `neighbor.rib.outgoing`.
pub trait RibOut {
    /// Whether changes (or a resend) are waiting to be sent.
    fn pending(&self) -> bool;
    /// Takes up to `max` whole messages (UPDATEs, and the BoRR/EoRR ROUTE-REFRESH markers around an
    /// enhanced resend) encoded for `negotiated`. `include_withdraw` is false while the initial
    /// table goes out (nothing was announced yet on this session, so there is nothing to withdraw).
    fn updates(
        &mut self,
        negotiated: &Negotiated,
        include_withdraw: bool,
        max: usize,
    ) -> Vec<Bytes>;
    /// Queues the whole table of `family` (every family when `None`) again; with `enhanced`
    /// framed by BoRR/EoRR (RFC 7313 §4).
    fn resend(&mut self, family: Option<Family>, enhanced: bool);
    /// The session went down: the whole table must go out again on the next one (ExaBGP's `reset_rib`).
    fn reset(&mut self);
}

/// A RIB shared with whoever fills it (the API, the configuration) on the same thread.
impl<T: RibOut> RibOut for std::rc::Rc<std::cell::RefCell<T>> {
    fn pending(&self) -> bool {
        self.borrow().pending()
    }

    fn updates(
        &mut self,
        negotiated: &Negotiated,
        include_withdraw: bool,
        max: usize,
    ) -> Vec<Bytes> {
        self.borrow_mut().updates(negotiated, include_withdraw, max)
    }

    fn resend(&mut self, family: Option<Family>, enhanced: bool) {
        self.borrow_mut().resend(family, enhanced)
    }

    fn reset(&mut self) {
        self.borrow_mut().reset()
    }
}

/// The daemon's adj-rib-out (`rib/outgoing.rs`), which holds the messages it encoded for the
/// session and hands them over a few at a time.
impl RibOut for crate::rib::outgoing::AdjRibOut {
    fn pending(&self) -> bool {
        crate::rib::outgoing::AdjRibOut::pending(self)
    }

    fn updates(
        &mut self,
        negotiated: &Negotiated,
        include_withdraw: bool,
        max: usize,
    ) -> Vec<Bytes> {
        self.take(negotiated, include_withdraw, max)
    }

    fn resend(&mut self, family: Option<Family>, enhanced: bool) {
        crate::rib::outgoing::AdjRibOut::resend(self, family, enhanced)
    }

    fn reset(&mut self) {
        self.reconnect()
    }
}

/// Daemon-wide settings of the peer (ExaBGP's environment: `bgp.openwait`, `bgp.passive`, `tcp.attempts`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Settings {
    /// The hold timer while waiting for the peer's OPEN (RFC 4271 §8.2.2: 4 minutes).
    pub open_wait: Duration,
    /// How long one outgoing connection attempt may take.
    pub connect_retry: Duration,
    /// Outgoing connection attempts before giving up; 0 for no limit.
    pub attempts: u32,
    /// Make every peer passive (`bgp.passive`).
    pub passive: bool,
    /// UPDATEs sent between two looks at incoming events (ExaBGP: 25, 1 with a rate limit).
    pub batch: usize,
    /// Set the graceful-restart R bit in the first OPEN (ExaBGP's `FORCE_GRACEFUL`).
    pub restarted: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            open_wait: LARGE_HOLD,
            connect_retry: CONNECT_RETRY,
            attempts: 0,
            passive: false,
            batch: 25,
            restarted: true,
        }
    }
}

/// Builds the daemon coroutine for one neighbour.
pub fn daemon<R: RibOut + 'static>(neighbor: Neighbor, settings: Settings, rib: R) -> Daemon {
    genawaiter::rc::Gen::new(move |co| {
        Box::pin(async move { Peer::new(co, neighbor, settings, rib).run().await })
            as Pin<Box<dyn Future<Output = Outcome>>>
    })
}

/// Why a session attempt ended (ExaBGP's exceptions out of `_establish` and `_main`).
#[derive(Debug)]
enum End {
    /// We found an error: send this NOTIFICATION, then reset (ExaBGP's `Notify`).
    Notify(Notification),
    /// The peer sent a NOTIFICATION (ExaBGP's `Notification`).
    Notified(Notification),
    /// The connection failed or closed (ExaBGP's `NetworkError`).
    Network(String),
    /// An incoming connection was accepted instead of the current one (ExaBGP's `Interrupted`).
    Interrupted,
    /// Stop or tear down with a Cease subcode; `restart` reconnects afterwards.
    Cease { subcode: u8, restart: bool },
}

type Step = Result<(), End>;

/// One neighbour's FSM.
pub struct Peer<R, C> {
    co: C,
    neighbor: Neighbor,
    settings: Settings,
    rib: R,
    state: State,
    /// Events that came back in answer to `Effect::Poll`, handled before waiting again.
    events: VecDeque<Event>,
    armed: BTreeSet<Timer>,
    /// A connection (outgoing in progress, or up) is current.
    connection: bool,
    /// The current connection is up (not a pending outgoing attempt).
    connected: bool,
    router_id: Ipv4Addr,
    delay: Delay,
    attempts: u32,
    restarted: bool,
    sent_open: Option<Open>,
    received_open: Option<Open>,
    negotiated: Negotiated,
    keepalive: KeepAlive,
    /// Commands that only make sense once established.
    deferred: VecDeque<Command>,
}

impl<R: RibOut, C: Yielder> Peer<R, C> {
    pub fn new(co: C, neighbor: Neighbor, settings: Settings, rib: R) -> Peer<R, C> {
        let restarted = settings.restarted;
        let router_id = neighbor.router_id.unwrap_or(Ipv4Addr::UNSPECIFIED);
        Peer {
            co,
            neighbor,
            settings,
            rib,
            state: State::Idle,
            events: VecDeque::new(),
            armed: BTreeSet::new(),
            connection: false,
            connected: false,
            router_id,
            delay: Delay::default(),
            attempts: 0,
            restarted,
            sent_open: None,
            received_open: None,
            negotiated: Negotiated::default(),
            keepalive: KeepAlive::new(0),
            deferred: VecDeque::new(),
        }
    }

    // ------------------------------------------------------------------ yielding

    async fn effect(&mut self, effect: Effect) {
        if let Resume::Event(event) = self.co.yield_(Yield::Do(effect)).await {
            self.events.push_back(event);
        }
    }

    async fn effects(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            self.effect(effect).await;
        }
    }

    /// The next event: one already queued, else wait for one.
    async fn next(&mut self) -> Event {
        loop {
            if let Some(event) = self.events.pop_front() {
                return event;
            }
            if let Resume::Event(event) = self.co.yield_(Yield::Wait).await {
                return event;
            }
        }
    }

    async fn transition(&mut self, to: State) {
        if self.state != to {
            let from = self.state;
            self.state = to;
            self.effect(Effect::Transition { from, to }).await;
        }
    }

    async fn arm(&mut self, timer: Timer, after: Duration) {
        self.armed.insert(timer);
        self.effect(Effect::Arm { timer, after }).await;
    }

    async fn disarm(&mut self, timer: Timer) {
        if self.armed.remove(&timer) {
            self.effect(Effect::Disarm(timer)).await;
        }
    }

    async fn send(&mut self, message: Bytes) {
        self.effect(Effect::Send {
            message,
            priority: Priority::Urgent,
        })
        .await;
    }

    /// A message that must stay in order with the UPDATEs (End-of-RIB).
    async fn send_bulk(&mut self, message: Bytes) {
        let priority = Priority::Bulk;
        self.effect(Effect::Send { message, priority }).await;
    }

    async fn send_keepalive(&mut self) {
        let effects = self.keepalive.send();
        if effects.iter().any(|e| matches!(e, Effect::Arm { .. })) {
            self.armed.insert(Timer::Keepalive);
        }
        self.effects(effects).await;
    }

    /// A timer event for a timer that is armed (a stale one, raced with a `Disarm`, is dropped).
    fn fired(&mut self, timer: Timer) -> bool {
        self.armed.remove(&timer)
    }

    // ------------------------------------------------------------------ _run

    /// ExaBGP's `_run` and `Peer.run`: sessions one after the other, with back-off in between,
    /// until stopped or out of connection attempts.
    pub async fn run(mut self) -> Outcome {
        loop {
            match self.next().await {
                Event::Start => break,
                Event::Stop { .. } => return Outcome::Stopped,
                Event::Incoming { .. } => self.reject(6, 5, None).await,
                _ => {}
            }
        }
        loop {
            let end = match self.session().await {
                Ok(()) => continue,
                Err(end) => end,
            };
            let restart = match end {
                End::Notify(notification) => {
                    let reason = format!(
                        "notification sent ({},{})",
                        notification.code, notification.subcode
                    );
                    if self.connected {
                        self.send(notification.encode()).await;
                    }
                    self.reset(&reason, true).await;
                    true
                }
                End::Notified(notification) => {
                    let reason = format!(
                        "notification received ({},{})",
                        notification.code, notification.subcode
                    );
                    self.reset(&reason, true).await;
                    true
                }
                End::Network(reason) => {
                    self.reset(&reason, true).await;
                    true
                }
                End::Interrupted => {
                    // the incoming connection is already current: establish on it at once
                    self.reset_session();
                    self.connection = true;
                    self.connected = true;
                    continue;
                }
                End::Cease { subcode, restart } => {
                    let graceful = self.state == State::Established
                        && self.neighbor.capability.graceful_restart.is_some();
                    if self.state.open_sent() && !graceful {
                        let notification = protocol::notify(6, subcode, None);
                        self.send(notification.encode()).await;
                    }
                    self.reset(&format!("cease ({subcode})"), restart).await;
                    if restart {
                        self.delay.reset();
                    }
                    restart
                }
            };
            if !restart {
                return Outcome::Stopped;
            }
            if self.settings.attempts != 0 && self.attempts >= self.settings.attempts {
                return Outcome::GaveUp;
            }
            if let Some(outcome) = self.back_off().await {
                return outcome;
            }
        }
    }

    /// Waits ExaBGP's reconnection delay in IDLE; an incoming connection ends the wait.
    async fn back_off(&mut self) -> Option<Outcome> {
        let after = self.delay.increase();
        self.arm(Timer::IdleHold, after).await;
        loop {
            match self.next().await {
                Event::Timer(Timer::IdleHold) if self.fired(Timer::IdleHold) => return None,
                Event::Stop { .. } | Event::Api(Command::Teardown { restart: false, .. }) => {
                    self.disarm(Timer::IdleHold).await;
                    return Some(Outcome::Stopped);
                }
                Event::Incoming { local, peer } => {
                    self.disarm(Timer::IdleHold).await;
                    self.adopt(local, peer).await;
                    return None;
                }
                Event::Api(command) => self.defer(command),
                _ => {}
            }
        }
    }

    fn defer(&mut self, command: Command) {
        if !matches!(command, Command::RibUpdated | Command::Teardown { .. }) {
            self.deferred.push_back(command);
        }
    }

    /// ExaBGP's `_close` + `_reset`: close the connection, tell the API, back to IDLE. The
    /// adj-rib-out is queued again for the next session only if there is one (`requeue`): a
    /// peer stopped for good (the daemon stopping) would hold its table twice for nothing.
    async fn reset(&mut self, reason: &str, requeue: bool) {
        if self.connection {
            self.effect(Effect::Close(reason.to_string())).await;
        }
        if !matches!(self.state, State::Idle | State::Active) {
            self.effect(Effect::Deliver(ApiEvent::Down(reason.to_string())))
                .await;
        }
        for timer in [Timer::ConnectRetry, Timer::Hold, Timer::Keepalive] {
            self.disarm(timer).await;
        }
        self.transition(State::Idle).await;
        if requeue {
            self.rib.reset();
        }
        self.reset_session();
    }

    fn reset_session(&mut self) {
        self.connection = false;
        self.connected = false;
        self.sent_open = None;
        self.received_open = None;
        self.negotiated = Negotiated::default();
        self.keepalive = KeepAlive::new(0);
    }

    async fn session(&mut self) -> Step {
        self.establish().await?;
        self.main().await
    }

    // ------------------------------------------------------------------ _establish

    async fn establish(&mut self) -> Step {
        if !self.connection {
            if self.neighbor.passive || self.settings.passive {
                self.transition(State::Active).await;
                self.wait_incoming().await?;
            } else {
                self.connect().await?;
            }
        }

        self.arm(Timer::Hold, self.settings.open_wait).await;
        // with `local-as` unset ExaBGP mirrors the peer's ASN: read its OPEN first
        let mirror = self.neighbor.local_as == 0;
        if !mirror {
            self.send_open(None).await;
            self.transition(State::OpenSent).await;
        }
        let received = self.read_open().await?;
        if mirror {
            self.send_open(Some(u32::from(received.asn))).await;
            self.transition(State::OpenSent).await;
        }
        let sent = self.sent_open.clone().unwrap_or_else(|| received.clone());
        self.negotiated = Negotiated::new(&self.neighbor, &sent, &received).map_err(End::Notify)?;
        self.received_open = Some(received.clone());
        self.effect(Effect::MessageSize(self.negotiated.msg_size))
            .await;
        let sent_body = sent.encode().slice(crate::bgp::message::HEADER_LEN..);
        let received_body = received.encode().slice(crate::bgp::message::HEADER_LEN..);
        self.effect(Effect::Deliver(ApiEvent::Negotiated {
            sent: sent_body,
            received: received_body,
            negotiated: Decoded::new(self.negotiated.clone()),
        }))
        .await;
        self.transition(State::OpenConfirm).await;

        self.keepalive = KeepAlive::new(self.negotiated.hold_time);
        self.send_ka().await;
        self.hold().await;
        self.read_ka().await?;
        self.transition(State::Established).await;
        Ok(())
    }

    /// Re-arms the hold timer with the negotiated hold time (none when it is zero, RFC 4271 §4.2).
    async fn hold(&mut self) {
        match self.negotiated.hold_time {
            0 => self.disarm(Timer::Hold).await,
            hold => {
                self.arm(Timer::Hold, Duration::from_secs(u64::from(hold)))
                    .await
            }
        }
    }

    /// ExaBGP's `_connect`: one outgoing attempt, bounded by the ConnectRetry timer.
    async fn connect(&mut self) -> Step {
        self.transition(State::Connect).await;
        self.attempts += 1;
        self.connection = true;
        self.effect(Effect::Connect).await;
        self.arm(Timer::ConnectRetry, self.settings.connect_retry)
            .await;
        loop {
            match self.next().await {
                Event::TcpConnected { local, peer } => {
                    self.disarm(Timer::ConnectRetry).await;
                    self.up(local, peer).await;
                    return Ok(());
                }
                Event::TcpFailed(reason) => {
                    return Err(End::Network(format!(
                        "connection to {} failed: {reason}",
                        self.neighbor.peer_address
                    )))
                }
                Event::Timer(Timer::ConnectRetry) if self.fired(Timer::ConnectRetry) => {
                    return Err(End::Network(format!(
                        "connection to {} timed out",
                        self.neighbor.peer_address
                    )))
                }
                Event::Incoming { local, peer } => {
                    // ExaBGP: an incoming connection wins over an outgoing one still in progress
                    self.disarm(Timer::ConnectRetry).await;
                    self.effect(Effect::Close(
                        "closing outgoing connection as we have another incoming one".into(),
                    ))
                    .await;
                    self.adopt(local, peer).await;
                    return Ok(());
                }
                other => self.common(other)?,
            }
        }
    }

    /// Passive: wait in ACTIVE for the listener to hand over a connection.
    async fn wait_incoming(&mut self) -> Step {
        loop {
            match self.next().await {
                Event::Incoming { local, peer } => {
                    self.adopt(local, peer).await;
                    return Ok(());
                }
                other => self.common(other)?,
            }
        }
    }

    /// Accepts the connection handed over by the listener and makes it current.
    async fn adopt(&mut self, local: SocketAddr, peer: SocketAddr) {
        self.effect(Effect::Accept).await;
        self.connection = true;
        self.delay.reset();
        self.up(local, peer).await;
    }

    async fn up(&mut self, local: SocketAddr, peer: SocketAddr) {
        self.connected = true;
        if self.neighbor.router_id.is_none() {
            if let IpAddr::V4(address) = local.ip() {
                self.router_id = address;
            }
        }
        self.effect(Effect::Deliver(ApiEvent::Connected { local, peer }))
            .await;
    }

    /// Events every state treats the same way.
    fn common(&mut self, event: Event) -> Step {
        match event {
            Event::Stop { subcode } => Err(End::Cease {
                subcode,
                restart: false,
            }),
            // a connection closed or garbled after we let it go is no news
            Event::Closed(reason) if self.connection => {
                Err(End::Network(format!("connection closed: {reason}")))
            }
            Event::BadFrame {
                code,
                subcode,
                data,
            } if self.connection => Err(End::Notify(Notification::new(code, subcode, data))),
            Event::Api(Command::Teardown { subcode, restart }) => {
                Err(End::Cease { subcode, restart })
            }
            Event::Api(command) => {
                self.defer(command);
                Ok(())
            }
            // stale or out of place: TcpConnected/TcpFailed with no attempt, timers already disarmed
            _ => Ok(()),
        }
    }

    /// Collision detection (RFC 4271 §6.8) as ExaBGP's `handle_connection`: refuse when
    /// established, or in OPENCONFIRM when the peer's BGP identifier is the lower one; otherwise
    /// drop the current connection (with a Cease 6/7 once our OPEN went out) for the new one.
    async fn incoming(&mut self, local: SocketAddr, peer: SocketAddr) -> Step {
        if self.state == State::Established {
            self.reject(
                6,
                7,
                Some("could not accept the connection, already established"),
            )
            .await;
            return Ok(());
        }
        if self.state == State::OpenConfirm {
            let remote = self
                .received_open
                .as_ref()
                .map_or(Ipv4Addr::UNSPECIFIED, |open| open.router_id);
            if remote < self.router_id {
                self.reject(
                    6,
                    7,
                    Some(
                        "could not accept the connection, as another connection is already in open-confirm and will go through",
                    ),
                )
                .await;
                return Ok(());
            }
        }
        if self.sent_open.is_some() {
            let notification = protocol::notify(6, 7, None);
            self.send(notification.encode()).await;
        }
        self.effect(Effect::Close(
            "connection collision: an incoming connection replaces this one".into(),
        ))
        .await;
        let reason = "connection collision: an incoming connection replaces this one";
        if !matches!(self.state, State::Idle | State::Active) {
            self.effect(Effect::Deliver(ApiEvent::Down(reason.into())))
                .await;
        }
        for timer in [Timer::ConnectRetry, Timer::Hold, Timer::Keepalive] {
            self.disarm(timer).await;
        }
        self.transition(State::Idle).await;
        self.effect(Effect::Accept).await;
        self.delay.reset();
        self.up(local, peer).await;
        Err(End::Interrupted)
    }

    async fn reject(&mut self, code: u8, subcode: u8, text: Option<&str>) {
        let notification = protocol::notify(code, subcode, text);
        self.effect(Effect::Reject {
            notification: notification.encode(),
        })
        .await;
    }

    /// ExaBGP's `_send_open` / `Protocol.new_open`.
    async fn send_open(&mut self, mirrored_as: Option<u32>) {
        let mut neighbor = self.neighbor.clone();
        if let Some(asn) = mirrored_as {
            neighbor.local_as = asn;
        }
        let capabilities = Capabilities::new(&neighbor, self.restarted);
        let open = Open::new(
            neighbor.local_as,
            neighbor.hold_time,
            self.router_id,
            capabilities,
        );
        self.send(open.encode()).await;
        self.sent_open = Some(open);
    }

    /// ExaBGP's `_read_open` / `Protocol.read_open`: the first message must be an OPEN (RFC 6608 5/1).
    async fn read_open(&mut self) -> Result<Open, End> {
        loop {
            match self.next().await {
                Event::Message(frame) => match frame.kind {
                    MessageType::OPEN => {
                        let open = Open::decode(&frame.body).map_err(End::Notify)?;
                        self.deliver(frame).await;
                        return Ok(open);
                    }
                    MessageType::NOTIFICATION => return Err(self.notified(&frame).await),
                    kind if protocol::known(kind) => {
                        let text = format!(
                            "The first packet received is not an open message ({})",
                            protocol::message_name(kind)
                        );
                        return Err(End::Notify(protocol::notify(5, 1, Some(&text))));
                    }
                    kind => return Err(unknown(kind)),
                },
                Event::Timer(Timer::Hold) if self.fired(Timer::Hold) => return Err(hold_expired()),
                Event::Incoming { local, peer } => self.incoming(local, peer).await?,
                other => self.common(other)?,
            }
        }
    }

    /// ExaBGP's `_send_ka`: the KEEPALIVE that confirms the OPEN, and the cadence after it.
    async fn send_ka(&mut self) {
        self.send_keepalive().await;
    }

    /// ExaBGP's `_read_ka`: in OPENCONFIRM only a KEEPALIVE moves on (RFC 6608 5/2 otherwise).
    async fn read_ka(&mut self) -> Step {
        loop {
            match self.next().await {
                Event::Message(frame) => match frame.kind {
                    MessageType::KEEPALIVE => {
                        message::keepalive::decode(&frame.body).map_err(End::Notify)?;
                        self.hold().await;
                        self.deliver(frame).await;
                        return Ok(());
                    }
                    MessageType::NOTIFICATION => return Err(self.notified(&frame).await),
                    kind if protocol::known(kind) => {
                        return Err(End::Notify(protocol::notify(5, 2, None)))
                    }
                    kind => return Err(unknown(kind)),
                },
                Event::Timer(Timer::Hold) if self.fired(Timer::Hold) => return Err(hold_expired()),
                Event::Timer(Timer::Keepalive) if self.fired(Timer::Keepalive) => {
                    self.send_keepalive().await
                }
                Event::Incoming { local, peer } => self.incoming(local, peer).await?,
                other => self.common(other)?,
            }
        }
    }

    /// A NOTIFICATION from the peer: tell the API, end the session without answering (RFC 4271 §8.2.2: release the resources, no answer).
    async fn notified(&mut self, frame: &Frame) -> End {
        self.deliver(frame.clone()).await;
        End::Notified(Notification::decode(&frame.body))
    }

    /// A received message for the API (ExaBGP's `processes.message(..., 'receive', ...)`).
    async fn deliver(&mut self, frame: Frame) {
        self.deliver_decoded(frame, Decoded::default()).await
    }

    /// The same, with the UPDATE decoded from it.
    async fn deliver_decoded(&mut self, frame: Frame, update: Decoded<Update>) {
        let (kind, body) = (frame.kind.0, frame.body);
        self.effect(Effect::Deliver(ApiEvent::Received { kind, body, update }))
            .await;
    }

    // ------------------------------------------------------------------ _main

    /// ExaBGP's `_main`: ESTABLISHED. Sends the adj-rib-out in batches (End-of-RIB after the
    /// initial table unless `manual-eor`), answers ROUTE-REFRESH, keeps the hold and keepalive
    /// timers, and looks at incoming events between two batches.
    async fn main(&mut self) -> Step {
        self.effect(Effect::Deliver(ApiEvent::Up)).await;
        self.delay.reset();
        let mut send_eor = !self.neighbor.manual_eor;
        let mut include_withdraw = false;
        let mut sending = false;
        while let Some(command) = self.deferred.pop_front() {
            self.command(command).await?;
        }
        loop {
            let busy = if self.rib.pending() {
                let batch = self.rib.updates(
                    &self.negotiated,
                    include_withdraw,
                    self.settings.batch.max(1),
                );
                sending = true;
                for message in batch {
                    self.effect(Effect::Send {
                        message,
                        priority: Priority::Bulk,
                    })
                    .await;
                }
                true
            } else {
                if sending {
                    sending = false;
                    include_withdraw = true;
                }
                if send_eor {
                    send_eor = false;
                    self.send_eors(None).await;
                }
                false
            };
            let event = if busy {
                self.effect(Effect::Poll).await;
                match self.events.pop_front() {
                    Some(event) => event,
                    None => continue,
                }
            } else {
                self.next().await
            };
            self.established(event).await?;
        }
    }

    async fn established(&mut self, event: Event) -> Step {
        match event {
            Event::Message(frame) => self.receive(frame).await,
            Event::Timer(Timer::Hold) if self.fired(Timer::Hold) => Err(hold_expired()),
            Event::Timer(Timer::Keepalive) if self.fired(Timer::Keepalive) => {
                self.send_keepalive().await;
                Ok(())
            }
            Event::Incoming { local, peer } => self.incoming(local, peer).await,
            Event::Api(command) => self.command(command).await,
            other => self.common(other),
        }
    }

    /// A message received in ESTABLISHED (ExaBGP's `Protocol.read_message` and the `_main` loop).
    async fn receive(&mut self, frame: Frame) -> Step {
        match frame.kind {
            MessageType::KEEPALIVE => {
                message::keepalive::decode(&frame.body).map_err(End::Notify)?;
            }
            MessageType::NOTIFICATION => return Err(self.notified(&frame).await),
            MessageType::OPEN => return Err(End::Notify(protocol::notify(5, 3, None))),
            kind if !protocol::known(kind) => return Err(unknown(kind)),
            _ => {
                let message = Message::decode(&frame, &self.negotiated).map_err(End::Notify)?;
                match message {
                    Message::RouteRefresh {
                        family,
                        subtype: RouteRefresh::REQUEST,
                    } => {
                        let enhanced = self.negotiated.refresh == Refresh::Enhanced;
                        self.rib.resend(Some(family), enhanced);
                    }
                    Message::Update(update) => {
                        self.hold().await;
                        self.deliver_decoded(frame, Decoded::new(update)).await;
                        return Ok(());
                    }
                    _ => {}
                }
            }
        }
        self.hold().await;
        self.deliver(frame).await;
        Ok(())
    }

    async fn command(&mut self, command: Command) -> Step {
        match command {
            Command::RibUpdated => {}
            Command::Resend { family } => {
                let enhanced = self.negotiated.refresh == Refresh::Enhanced;
                self.rib.resend(family, enhanced);
                self.delay.reset();
            }
            Command::Eor { family } => self.send_eors(family).await,
            Command::RouteRefresh { family } => {
                // ExaBGP sends it only when route refresh is configured for the neighbour
                if self.neighbor.capability.route_refresh {
                    self.send(
                        RouteRefresh {
                            family,
                            subtype: RouteRefresh::REQUEST,
                        }
                        .encode(),
                    )
                    .await;
                }
            }
            Command::Send { message } => self.send(message).await,
            Command::Teardown { subcode, restart } => return Err(End::Cease { subcode, restart }),
        }
        Ok(())
    }

    /// ExaBGP's `new_eors`: End-of-RIB for one family or every negotiated one; with no family
    /// negotiated, a KEEPALIVE instead, so the peer still learns the table is complete. `Bulk`,
    /// like the UPDATEs: it must not overtake the table it closes (RFC 4724 §2).
    async fn send_eors(&mut self, family: Option<Family>) {
        let families = match family {
            Some(family) => vec![family],
            None => self.negotiated.families.clone(),
        };
        if families.is_empty() {
            self.send_bulk(message::keepalive::encode()).await;
        }
        for family in families {
            self.send_bulk(protocol::eor(family)).await;
        }
    }
}

fn hold_expired() -> End {
    End::Notify(Notification::new(4, 0, Bytes::new()))
}

/// RFC 4271 §6.1: Bad Message Type, the data being the erroneous type octet. ExaBGP sends a text
/// instead (5.0: 1/3 `can not decode message of type "N"`, main: 1/0); see docs/fsm.md.
fn unknown(kind: MessageType) -> End {
    End::Notify(Notification::new(1, 3, Bytes::copy_from_slice(&[kind.0])))
}

#[cfg(test)]
mod tests {
    use super::stepper::MemoryRib;
    use super::*;
    use genawaiter::GeneratorState;

    /// The same body runs under genawaiter's thread-safe generator.
    #[test]
    fn runs_on_sync_co() {
        let neighbor = Neighbor::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2)));
        let mut generator = genawaiter::sync::Gen::new(|co| async move {
            Peer::new(co, neighbor, Settings::default(), MemoryRib::default())
                .run()
                .await
        });
        assert_eq!(
            generator.resume_with(Resume::Ack),
            GeneratorState::Yielded(Yield::Wait)
        );
        let mut effects = Vec::new();
        let mut input = Resume::Event(Event::Start);
        while let GeneratorState::Yielded(Yield::Do(effect)) = generator.resume_with(input) {
            effects.push(effect);
            input = Resume::Ack;
        }
        assert!(effects.contains(&Effect::Connect));
        let stopped = generator.resume_with(Resume::Event(Event::Stop { subcode: 2 }));
        // the attempt is closed, the FSM goes back to IDLE, then the coroutine completes
        assert!(matches!(
            stopped,
            GeneratorState::Yielded(Yield::Do(Effect::Close(_)))
        ));
        let mut last = generator.resume_with(Resume::Ack);
        while let GeneratorState::Yielded(_) = last {
            last = generator.resume_with(Resume::Ack);
        }
        assert_eq!(last, GeneratorState::Complete(Outcome::Stopped));
    }
}
