//! Ports the glue of `exabgp/reactor/api/__init__.py` and `processes.py`: the [`Hook`] the
//! reactor and the bridges call. Helpers' lines are run by [`execute`](super::execute) against
//! the [`registry`](super::registry), requests wait for the helpers to be quiet (ExaBGP reads
//! every ready line before its peers run), and peer events reach the helpers through
//! [`fanout`](super::fanout).

use super::execute::{AckMode, Helpers, State};
use super::fanout::{sections, Fanout};
use super::processes::{Processes, Report, Settings};
use super::registry::Registered;
use super::report::Daemon;
use super::response::json::{self, ApiVersion, Header};
use super::response::text;
use super::{Hook, Request};
use crate::bgp::message::open::capability::negotiated::Negotiated;
use crate::bgp::message::open::Open;
use crate::bgp::message::update::Update;
use crate::bgp::message::MessageType;
use crate::bgp::neighbor::Neighbor;
use crate::configuration::{PeerConfig, Process};
use crate::reactor::peer::event::ApiEvent;
use crate::rib::outgoing::{AdjRibOut, ConfiguredRoute};
use crate::rib::Route;
use async_executor::LocalExecutor;
use bytes::Bytes;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

struct Inner {
    processes: Option<Processes>,
    state: State,
}

/// The API: helpers, their commands, and the messages they receive.
pub struct Api {
    settings: Settings,
    version: ApiVersion,
    host: std::rc::Rc<str>,
    /// This process's id, read when the reactor starts (after a daemonizing fork): one system
    /// call less per message.
    pid: std::cell::Cell<u32>,
    /// The parent's id and the second it was read in: ExaBGP reads it for every message (a
    /// system call each, 3% of receiving a table), here at most once a second, so a new
    /// parent after the old one exited shows within a second.
    ppid: std::cell::Cell<(u64, u32)>,
    /// The daemon's id for `ping` and `status` (ExaBGP's `daemon_uuid`).
    uuid: String,
    started: std::time::Instant,
    /// The helpers were quiet: hand the pending requests over without waiting again.
    draining: std::cell::Cell<bool>,
    /// Count the routes of the UPDATEs sent (decoding them): the metrics endpoint is on.
    count_sent: std::cell::Cell<bool>,
    inner: RefCell<Inner>,
    reports: RefCell<Option<async_channel::Receiver<Report>>>,
    /// `exabgp.api.cli`: the pipes and socket to serve, and once started, the endpoints.
    cli: Option<super::control::Settings>,
    control: RefCell<Option<super::control::Control>>,
    /// Which helpers are behind: the peers feeding them pause (see `api::backlog`).
    flow: Rc<super::backlog::Flow>,
}

/// A random UUID from the kernel; the pid and start time when it is not available.
fn daemon_uuid() -> String {
    std::fs::read_to_string("/proc/sys/kernel/random/uuid")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            format!(
                "{:08x}-0000-4000-8000-{:012x}",
                std::process::id(),
                now & 0xffff_ffff_ffff
            )
        })
}

impl Api {
    /// `version`: `exabgp.api.version` (4: text or JSON helpers; 6: JSON only).
    pub fn new(settings: Settings, version: u8) -> Api {
        Api {
            settings,
            version: if version == 4 {
                ApiVersion::V4
            } else {
                ApiVersion::V6
            },
            host: crate::reactor::sys::host_name().into(),
            pid: std::cell::Cell::new(std::process::id()),
            ppid: std::cell::Cell::new((u64::MAX, 0)),
            uuid: daemon_uuid(),
            started: std::time::Instant::now(),
            draining: std::cell::Cell::new(false),
            count_sent: std::cell::Cell::new(false),
            inner: RefCell::new(Inner {
                processes: None,
                state: State::default(),
            }),
            reports: RefCell::new(None),
            cli: None,
            control: RefCell::new(None),
            flow: Rc::default(),
        }
    }

    /// Serves the CLI (`exabgp.api.cli`): its clients' commands run as a helper's, on every peer.
    pub fn with_cli(mut self, settings: super::control::Settings) -> Api {
        self.cli = Some(settings);
        self
    }

    /// Counts the routes of the UPDATEs peers are sent, for the metrics endpoint (a decode of
    /// each, so only when asked).
    pub fn with_sent_routes(self) -> Api {
        self.count_sent.set(true);
        self
    }

    /// The `process` blocks of a (re)loaded configuration; running helpers follow them when
    /// the reactor says the reload is done ([`Hook::reloaded`]).
    pub fn configure(&self, processes: Vec<Process>) {
        self.inner.borrow_mut().state.configured = processes;
    }

    /// A reload kept the session of `previous` (only its routes or `api` blocks changed, see
    /// `reactor::r#loop::Configured`): its helpers follow `next`'s `api` blocks and its
    /// adj-rib-out gets the difference of the configured routes, as ExaBGP's `reconfigure` and
    /// `replace_reload`. Whether the peer has something to send.
    pub fn reconfigure(&self, previous: &PeerConfig, next: &PeerConfig) -> bool {
        let mut inner = self.inner.borrow_mut();
        let Some(peer) = inner.state.registry.get_mut(&next.neighbor) else {
            return false;
        };
        peer.config.neighbor = next.neighbor.clone();
        peer.config.api = next.api.clone();
        let mut rib = peer.rib.borrow_mut();
        rib.rib
            .replace_reload(&configured_routes(previous), &configured_routes(next));
        rib.pending()
    }

    /// The neighbours helpers created (`create neighbor`), for the configuration loader.
    pub fn created(&self) -> Vec<PeerConfig> {
        self.inner.borrow().state.created.clone()
    }

    /// A peer is (re)started: its adj-rib-out, shared with the peer coroutine, is returned.
    pub fn register(&self, config: &PeerConfig, mut rib: AdjRibOut) -> Rc<RefCell<AdjRibOut>> {
        let mut inner = self.inner.borrow_mut();
        let registry = &mut inner.state.registry;
        // what helpers announced outlives the restart, as ExaBGP's cache keeps it
        if let Some(previous) = registry.get(&config.neighbor) {
            for (nlri, path) in previous.rib.borrow().rib.api_routes() {
                let path = rib
                    .rib
                    .path(path.nexthop, Arc::clone(&path.attributes), true);
                rib.rib.add_path_to_rib(nlri, path, false);
            }
        }
        let rib = Rc::new(RefCell::new(rib));
        registry.insert(Registered::new(config, rib.clone(), self.now()));
        rib
    }

    /// Since the daemon started: the API's clock for its counters and reports.
    fn now(&self) -> Duration {
        self.started.elapsed()
    }

    fn daemon(&self) -> Daemon<'_> {
        Daemon {
            version: self.version,
            uuid: &self.uuid,
            pid: self.pid.get(),
            now: self.now(),
        }
    }

    /// The envelope of the JSON messages sent now.
    fn stamp(&self) -> Header {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let ppid = match self.ppid.get() {
            (second, ppid) if second == now.as_secs() => ppid,
            _ => {
                let ppid = std::os::unix::process::parent_id();
                self.ppid.set((now.as_secs(), ppid));
                ppid
            }
        };
        Header {
            api: self.version,
            time: now.as_secs_f64(),
            host: self.host.clone(),
            pid: self.pid.get(),
            ppid,
            counter: None,
            peer: None,
            direction: None,
        }
    }
}

impl Inner {
    /// The helpers as a peer's messages reach them, and the peer; `None` before the helpers
    /// started or when the peer is not registered.
    fn fanout(
        &mut self,
        version: ApiVersion,
        neighbor: &Neighbor,
    ) -> Option<(Fanout<'_>, &mut Registered)> {
        let processes = self.processes.as_ref()?;
        let peer = self.state.registry.get_mut(neighbor)?;
        Some((
            Fanout {
                helpers: processes,
                configured: &self.state.configured,
                version,
            },
            peer,
        ))
    }
}

impl Helpers for Processes {
    fn write(&self, process: &str, text: &str) {
        Processes::write(self, process, text);
    }

    fn answer(&self, process: &str, ok: bool) {
        Processes::answer(self, process, ok);
    }

    fn explain(&self, process: &str, why: &str) {
        Processes::explain(self, process, why);
    }

    fn set_ack(&mut self, process: &str, ack: AckMode) {
        Processes::set_ack(self, process, ack);
    }

    fn json(&self, process: &str) -> bool {
        Processes::json(self, process)
    }
}

/// A neighbour's configured routes as a reload compares them.
fn configured_routes(config: &PeerConfig) -> Vec<ConfiguredRoute> {
    config
        .changes
        .iter()
        .map(|change| ConfiguredRoute {
            route: Route::new(
                change.nlri.clone(),
                change.nexthop,
                Arc::clone(&change.attributes),
            ),
            watchdog: change.watchdog().map(str::to_string),
            withdrawn: change.withdraw,
        })
        .collect()
}

/// How long the helpers must be quiet before the peers act on their commands.
const BATCH_QUIET: std::time::Duration = std::time::Duration::from_millis(10);
/// The longest commands wait for a quiet moment.
const BATCH_MAX: std::time::Duration = std::time::Duration::from_millis(100);

/// What a metrics scrape reads: the registry's counters and the helpers' queues.
impl crate::reactor::monitor::metrics::Source for Api {
    fn peers(&self) -> Vec<crate::reactor::monitor::metrics::PeerMetrics> {
        let inner = self.inner.borrow();
        inner
            .state
            .registry
            .running()
            .map(|peer| {
                let neighbor = &peer.config.neighbor;
                crate::reactor::monitor::metrics::PeerMetrics {
                    peer: neighbor.peer_address,
                    local: neighbor.local_address,
                    peer_as: neighbor.peer_as,
                    local_as: neighbor.local_as,
                    state: peer.stats.state,
                    messages: peer.stats.messages,
                    announced_received: peer.stats.prefixes,
                    withdrawn_received: peer.stats.withdraws,
                    announced_sent: peer.stats.announced_sent,
                }
            })
            .collect()
    }

    fn helpers(&self) -> Vec<crate::reactor::monitor::metrics::HelperMetrics> {
        let inner = self.inner.borrow();
        let Some(processes) = &inner.processes else {
            return Vec::new();
        };
        processes
            .queues()
            .into_iter()
            .map(
                |(name, lines, bytes)| crate::reactor::monitor::metrics::HelperMetrics {
                    name,
                    lines,
                    bytes,
                },
            )
            .collect()
    }
}

impl Hook for Api {
    fn start(&self, executor: &Rc<LocalExecutor<'static>>) {
        self.pid.set(std::process::id());
        self.ppid.set((u64::MAX, 0));
        let mut inner = self.inner.borrow_mut();
        let mut processes =
            Processes::new(self.settings, executor.clone()).with_flow(self.flow.clone());
        processes.start(&inner.state.configured, false);
        *self.reports.borrow_mut() = Some(processes.reports());
        if let Some(settings) = &self.cli {
            let control = super::control::start(
                settings,
                processes.clients(),
                processes.reporter(),
                executor,
            );
            *self.control.borrow_mut() = Some(control);
        }
        inner.processes = Some(processes);
    }

    fn reloaded(&self, restart: bool) {
        let mut inner = self.inner.borrow_mut();
        let Inner { processes, state } = &mut *inner;
        if let Some(processes) = processes.as_mut() {
            processes.start(&state.configured, restart);
        }
    }

    fn next(&self) -> Pin<Box<dyn Future<Output = Request> + '_>> {
        Box::pin(async move {
            let reports = self.reports.borrow().clone();
            let Some(reports) = reports else {
                return futures_lite::future::pending().await;
            };
            // commands written together are all applied before the peers act on any, as in
            // ExaBGP, which reads every ready line before its peers run: requests wait until
            // the helpers were quiet for BATCH_QUIET, at most BATCH_MAX after the first one
            let mut first: Option<std::time::Instant> = None;
            if self.draining.get() {
                if let Some(request) = self.inner.borrow_mut().state.requests.pop_front() {
                    return request;
                }
                self.draining.set(false);
            }
            loop {
                let report = if self.inner.borrow().state.requests.is_empty() {
                    first = None;
                    match reports.recv().await {
                        Ok(report) => report,
                        Err(_) => return futures_lite::future::pending().await,
                    }
                } else {
                    let since = *first.get_or_insert_with(std::time::Instant::now);
                    let wait = BATCH_QUIET.min(BATCH_MAX.saturating_sub(since.elapsed()));
                    // a helper that never pauses must not hold its changes back for ever: a
                    // ready line would always win the race below
                    if wait.is_zero() {
                        if let Some(request) = self.inner.borrow_mut().state.requests.pop_front() {
                            self.draining.set(true);
                            return request;
                        }
                    }
                    let line = async { reports.recv().await.ok() };
                    let quiet = async {
                        async_io::Timer::after(wait).await;
                        None
                    };
                    match futures_lite::FutureExt::or(line, quiet).await {
                        Some(report) => report,
                        None => {
                            if let Some(request) =
                                self.inner.borrow_mut().state.requests.pop_front()
                            {
                                self.draining.set(true);
                                return request;
                            }
                            continue;
                        }
                    }
                };
                let mut inner = self.inner.borrow_mut();
                let Inner { processes, state } = &mut *inner;
                let Some(processes) = processes.as_mut() else {
                    continue;
                };
                match report {
                    Report::Line { process, line } => {
                        state.line(processes, &self.daemon(), &process, &line)
                    }
                    Report::Ended { process } => {
                        if let Err(why) = processes.ended(&process) {
                            log::error!(target: "processes", "{}, exabgp.api.terminate is set: stopping", why.0);
                            state.requests.push_back(Request::Terminate);
                        }
                    }
                }
            }
        })
    }

    fn event(&self, neighbor: &Neighbor, event: &ApiEvent) {
        let stamp = self.stamp();
        let mut inner = self.inner.borrow_mut();
        if let ApiEvent::Down(_) = event {
            if let Some(peer) = inner.state.registry.get_mut(neighbor) {
                peer.established = false;
                // what a closed session announced is gone with it
                peer.rib_in.clear();
            }
        }
        // the registry is kept even before the helpers run (or without any)
        match event {
            ApiEvent::Connected { local, .. } => {
                if let Some(peer) = inner.state.registry.get_mut(neighbor) {
                    peer.local = Some(*local);
                }
            }
            ApiEvent::Up => {
                if let Some(peer) = inner.state.registry.get_mut(neighbor) {
                    peer.established = true;
                }
            }
            ApiEvent::Negotiated {
                sent,
                received,
                negotiated,
            } => {
                if let Some(peer) = inner.state.registry.get_mut(neighbor) {
                    // as the session agreed it, or (a replayed event) agreed again
                    peer.negotiated = match negotiated.get() {
                        Some(negotiated) => Some(negotiated.clone()),
                        None => match (Open::decode(sent), Open::decode(received)) {
                            (Ok(sent), Ok(received)) => {
                                Some(Negotiated::agree(neighbor, &sent, &received))
                            }
                            _ => None,
                        },
                    };
                    peer.negotiated_json = peer.negotiated.as_ref().map(json::negotiated_pair);
                    peer.received_open = Open::decode(received).ok();
                }
            }
            _ => {}
        }
        let ip = neighbor.peer_address;
        let version = self.version;
        match event {
            ApiEvent::Received { kind, body, update } => {
                let Some(peer) = inner.state.registry.get_mut(neighbor) else {
                    return;
                };
                // the session's decode, for the counters, the adj-rib-in and every helper (a
                // replayed event has none: decoded here)
                let decoded;
                let update = match (update.get(), *kind, peer.negotiated.as_ref()) {
                    (Some(update), _, _) => Some(update),
                    (None, kind, Some(negotiated)) if kind == MessageType::UPDATE.0 => {
                        decoded = Update::decode(body.clone(), negotiated).ok();
                        decoded.as_ref()
                    }
                    _ => None,
                };
                peer.count_received(*kind, update);
                if *kind == MessageType::OPEN.0 {
                    return;
                }
                let raw = crate::bgp::message::message(MessageType(*kind), body);
                if let Some((fanout, peer)) = inner.fanout(version, neighbor) {
                    fanout.message(peer, &stamp, "receive", &raw, update);
                }
            }
            ApiEvent::Negotiated { sent, received, .. } => {
                let Some((fanout, peer)) = inner.fanout(version, neighbor) else {
                    return;
                };
                if let Some(negotiated) = peer.negotiated.clone() {
                    let header = super::fanout::header(&stamp, peer, None);
                    fanout.deliver(&peer.config.api, |api| api.negotiated, &mut |json| {
                        json.then(|| json::negotiated(&header, &negotiated))
                    });
                }
                // the OPENs went by before the session could be decoded: tell them now
                let sent = crate::bgp::message::message(MessageType::OPEN, sent);
                let received = crate::bgp::message::message(MessageType::OPEN, received);
                fanout.message(peer, &stamp, "send", &sent, None);
                fanout.message(peer, &stamp, "receive", &received, None);
            }
            ApiEvent::Connected { .. } | ApiEvent::Up | ApiEvent::Down(_) => {
                let Some((fanout, peer)) = inner.fanout(version, neighbor) else {
                    return;
                };
                let header = super::fanout::header(&stamp, peer, None);
                fanout.deliver(&peer.config.api, |api| api.neighbor_changes, &mut |json| {
                    Some(match (event, json) {
                        (ApiEvent::Connected { .. }, true) => json::connected(&header),
                        (ApiEvent::Connected { .. }, false) => text::connected(ip),
                        (ApiEvent::Up, true) => json::up(&header),
                        (ApiEvent::Up, false) => text::up(ip),
                        (ApiEvent::Down(reason), true) => json::down(&header, reason),
                        (ApiEvent::Down(reason), false) => text::down(ip, reason),
                        _ => return None,
                    })
                });
            }
        }
    }

    fn fsm(&self, neighbor: &Neighbor, state: crate::bgp::fsm::State) {
        let now = self.now();
        let stamp = self.stamp();
        let mut inner = self.inner.borrow_mut();
        let Some(peer) = inner.state.registry.get_mut(neighbor) else {
            return;
        };
        peer.entered(state, now);
        if !sections(&peer.config.api).any(|api| api.fsm) {
            return;
        }
        let Some((fanout, peer)) = inner.fanout(self.version, neighbor) else {
            return;
        };
        let header = super::fanout::header(&stamp, peer, None);
        // ExaBGP's text encoder has no fsm line
        fanout.deliver(&peer.config.api, |api| api.fsm, &mut |json| {
            json.then(|| json::fsm(&header, state.name()))
        });
    }

    fn signal(&self, neighbor: &Neighbor, number: i32) {
        let stamp = self.stamp();
        let mut inner = self.inner.borrow_mut();
        let Some((fanout, peer)) = inner.fanout(self.version, neighbor) else {
            return;
        };
        if !sections(&peer.config.api).any(|api| api.signal) {
            return;
        }
        let header = super::fanout::header(&stamp, peer, None);
        // ExaBGP's text encoder has no signal line
        fanout.deliver(&peer.config.api, |api| api.signal, &mut |json| {
            json.then(|| json::signal(&header, number))
        });
    }

    fn sent(&self, neighbor: &Neighbor, message: &Bytes) {
        let Some(&kind) = message.get(18) else {
            return;
        };
        let mut inner = self.inner.borrow_mut();
        let Some(peer) = inner.state.registry.get_mut(neighbor) else {
            return;
        };
        peer.stats.count(kind, true);
        if self.count_sent.get() && kind == MessageType::UPDATE.0 {
            if let Some(negotiated) = &peer.negotiated {
                // decoded again only for the metrics, which asked for it
                if let Ok(update) = Update::decode(message.slice(19..), negotiated) {
                    peer.stats.announced_sent += update.announces.len() as u64;
                }
            }
        }
        // the OPENs are told once the session is agreed (ApiEvent::Negotiated)
        if kind == MessageType::OPEN.0
            || !super::fanout::wants(&peer.config.api, "send", MessageType(kind))
        {
            return;
        }
        let stamp = self.stamp();
        if let Some((fanout, peer)) = inner.fanout(self.version, neighbor) {
            fanout.message(peer, &stamp, "send", message, None);
        }
    }

    fn ended(&self, neighbor: &Neighbor) {
        if let Some(peer) = self.inner.borrow_mut().state.registry.get_mut(neighbor) {
            peer.running = false;
        }
    }

    fn stop(&self) -> Pin<Box<dyn Future<Output = ()> + '_>> {
        Box::pin(async move {
            self.control.borrow_mut().take();
            let processes = self.inner.borrow_mut().processes.take();
            if let Some(mut processes) = processes {
                let stamp = self.stamp();
                let names: Vec<String> = processes.running().map(str::to_string).collect();
                for name in names {
                    let json = self.version == ApiVersion::V6 || processes.json(&name);
                    let message = if json {
                        json::shutdown(&stamp)
                    } else {
                        text::shutdown(stamp.pid, stamp.ppid)
                    };
                    processes.write(&name, message.trim_end_matches('\n'));
                }
                processes.stop().await;
            }
        })
    }

    fn paused(&self, neighbor: &Neighbor) -> bool {
        // the common case, checked by every peer before every read: nobody is behind
        if self.flow.flowing() {
            return false;
        }
        let inner = self.inner.borrow();
        let Some(peer) = inner.state.registry.get(neighbor) else {
            return false;
        };
        let behind = sections(&peer.config.api).any(|section| {
            section
                .targets(&inner.state.configured)
                .iter()
                .any(|name| self.flow.behind(name))
        });
        behind
    }

    fn flow(&self) -> Pin<Box<dyn Future<Output = ()> + '_>> {
        Box::pin(self.flow.changed())
    }
}
