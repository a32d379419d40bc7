//! Ports the glue of `exabgp/reactor/api/__init__.py` (`API.process`), `command/reactor.py`,
//! `command/rib.py` and the message side of `processes.py`: a helper's command is run against
//! the selected peers' adj-rib-out (the peer then sends the changes), acknowledged, and what
//! the peers do is written to the helpers that subscribed to it.

use super::command::{self, announce, Ack, Action, Command};
use super::processes::{AckMode, Processes, Report, Settings};
use super::response::json::{self, ApiVersion, Header, Peer};
use super::response::text;
use super::{Hook, Request};
use crate::bgp::fsm::State;
use crate::bgp::message::open::capability::negotiated::Negotiated;
use crate::bgp::message::open::Open;
use crate::bgp::message::operational::Operational;
use crate::bgp::message::refresh::RouteRefresh;
use crate::bgp::message::update::attribute::Attributes;
use crate::bgp::message::update::nlri::Nlri;
use crate::bgp::message::update::Update;
use crate::bgp::message::{MessageType, Notification};
use crate::bgp::neighbor::template::{self, CliData};
use crate::bgp::neighbor::Neighbor;
use crate::configuration::{Direction, PeerConfig, Process};
use crate::protocol::family::{Afi, Family, Safi};
use crate::reactor::peer::event::{ApiEvent, Command as PeerCommand};
use crate::rib::outgoing::{AdjRibOut, ConfiguredRoute};
use crate::rib::route::{key, Keyed};
use crate::rib::{Cache, Route};
use async_executor::LocalExecutor;
use bytes::Bytes;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

/// A peer as the API knows it: its configuration, its adj-rib-out (shared with the peer
/// coroutine) and what its session agreed.
struct Registered {
    config: PeerConfig,
    rib: Rc<RefCell<AdjRibOut>>,
    /// The routes helpers announced (and did not withdraw): they outlive a restart of the
    /// peer on reload, as in ExaBGP where a reload only replaces the configured routes.
    announced: RefCell<Announced>,
    negotiated: Option<Negotiated>,
    local: Option<SocketAddr>,
    counter: u64,
    established: bool,
    /// What `show neighbor` reports.
    stats: Stats,
    /// The peer's OPEN, for the capabilities `show neighbor` compares.
    received_open: Option<Open>,
    /// The routes the peer sent (`show adj-rib in`), when the neighbour keeps them.
    rib_in: Cache<Nlri, Attributes>,
    /// The peer runs (it stopped for good otherwise; what helpers announced to it is kept in
    /// case a reload brings it back).
    running: bool,
}

impl Registered {
    /// A message the peer sent: counted, and an UPDATE's routes counted and kept in the
    /// adj-rib-in (ExaBGP's update handler).
    /// Queues routes a helper announced in the adj-rib-out, and records them so that they
    /// outlive a reload.
    fn announce(&self, changes: Vec<crate::configuration::Change>) {
        let mut rib = self.rib.borrow_mut();
        let mut announced = self.announced.borrow_mut();
        for change in changes {
            let watchdog = change.tags.and_then(|tags| tags.watchdog);
            // one attribute set for the routes that share it, here as in the adj-rib-out
            // (a million routes from a helper would hold a million)
            let attributes = rib.rib.intern(change.attributes);
            let route = Route::new(change.nlri, change.nexthop, attributes);
            announced.insert(route.clone());
            rib.rib
                .add_to_rib_watchdog(route, watchdog.as_deref(), change.withdraw);
        }
    }

    /// Queues the withdrawal of routes a helper withdrew, and forgets them.
    fn withdraw(&self, changes: Vec<crate::configuration::Change>) {
        let mut rib = self.rib.borrow_mut();
        let mut announced = self.announced.borrow_mut();
        for change in changes {
            announced.remove(&change.nlri);
            let attributes = announce::withdrawn_attributes(&change);
            rib.rib
                .del_nlri_from_rib(change.nlri, Some(Arc::new(attributes)));
        }
    }

    fn count_received(&mut self, kind: u8, update: Option<&Update>) {
        self.stats.count(kind, false);
        let Some(update) = update else {
            return;
        };
        self.stats.prefixes += update.announces.len() as u64;
        self.stats.withdraws += update.withdraws.len() as u64;
        if !self.rib_in.enabled() {
            return;
        }
        let attributes = Arc::new(update.attributes.clone());
        for routed in &update.announces {
            self.rib_in
                .update_cache(&routed.nlri, routed.nexthop, &attributes);
        }
        for nlri in &update.withdraws {
            self.rib_in.update_cache_withdraw(nlri);
        }
    }
}

/// ExaBGP's peer `stats`: the FSM state, when the session went up or down, and the messages
/// and prefixes counted since (reset when the session closes, as ExaBGP's `_close`).
struct Stats {
    state: State,
    /// When the session last closed (or the peer started).
    reset: std::time::Instant,
    /// When the session was established, while it is.
    complete: Option<std::time::Instant>,
    /// Per message type (OPEN, UPDATE, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH): sent, received.
    messages: [(u64, u64); 5],
    prefixes: u64,
    withdraws: u64,
}

impl Stats {
    fn new() -> Stats {
        Stats {
            state: State::Idle,
            reset: std::time::Instant::now(),
            complete: None,
            messages: [(0, 0); 5],
            prefixes: 0,
            withdraws: 0,
        }
    }

    /// Counts a message of type `kind` (the header's type byte).
    fn count(&mut self, kind: u8, sent: bool) {
        if let Some(entry) = kind
            .checked_sub(1)
            .and_then(|index| self.messages.get_mut(usize::from(index)))
        {
            if sent {
                entry.0 += 1;
            } else {
                entry.1 += 1;
            }
        }
    }
}

/// The routes helpers announced and did not withdraw, replayed into a restarted peer's
/// adj-rib-out in the order they were last announced. Keyed by NLRI: replacing or withdrawing
/// one must not scan them all (a helper may announce a million); the order is a sequence number
/// sorted on only at a replay, which is rare.
#[derive(Default)]
struct Announced {
    /// Keyed by route identity, as the adj-rib-out: a withdraw with other labels finds it.
    routes:
        std::collections::HashMap<Keyed<Nlri>, (u64, Option<std::net::IpAddr>, Arc<Attributes>)>,
    next: u64,
}

impl Announced {
    fn insert(&mut self, route: Route) {
        let at = self.next;
        self.next += 1;
        // remove first: an insert would keep the old key, and with it the old labels
        self.routes.remove(key(&route.nlri));
        self.routes
            .insert(Keyed(route.nlri), (at, route.nexthop, route.attributes));
    }

    fn remove(&mut self, nlri: &Nlri) {
        self.routes.remove(key(nlri));
    }

    fn contains(&self, nlri: &Nlri) -> bool {
        self.routes.contains_key(key(nlri))
    }

    fn clear(&mut self) {
        *self = Announced::default();
    }

    /// The routes, oldest announcement first.
    fn routes(&self) -> Vec<Route> {
        let mut routes: Vec<_> = self.routes.iter().collect();
        routes.sort_unstable_by_key(|(_, (at, _, _))| *at);
        routes
            .into_iter()
            .map(|(nlri, (_, nexthop, attributes))| {
                Route::new(nlri.0.clone(), *nexthop, Arc::clone(attributes))
            })
            .collect()
    }
}

struct Inner {
    processes: Option<Processes>,
    configured: Vec<Process>,
    peers: Vec<Registered>,
    /// Neighbours made by `create neighbor`, added to every (re)load of the configuration.
    created: Vec<PeerConfig>,
    /// Helpers inside `group start` ... `group end`, and the route commands they sent since.
    grouping: std::collections::BTreeMap<String, Vec<Command>>,
    requests: VecDeque<Request>,
    /// The peers the latest `RibUpdated` request wakes (see `Api::notify`).
    last_woken: Vec<Neighbor>,
}

/// The API: helpers, their commands, and the messages they receive.
pub struct Api {
    settings: Settings,
    version: ApiVersion,
    host: String,
    /// The daemon's id for `ping` and `status` (ExaBGP's `daemon_uuid`).
    uuid: String,
    started: std::time::Instant,
    /// The helpers were quiet: hand the pending requests over without waiting again.
    draining: std::cell::Cell<bool>,
    inner: RefCell<Inner>,
    reports: RefCell<Option<async_channel::Receiver<Report>>>,
    /// `exabgp.api.cli`: the pipes and socket to serve, and once started, the endpoints.
    cli: Option<super::control::Settings>,
    control: RefCell<Option<super::control::Control>>,
    /// Which helpers are behind: the peers feeding them pause (see `api::backlog`).
    flow: Rc<super::backlog::Flow>,
}

fn host_name() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|path| {
            std::fs::read_to_string(path)
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| "localhost".to_string())
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

fn same(a: &Neighbor, b: &Neighbor) -> bool {
    a.peer_address == b.peer_address
        && a.local_address == b.local_address
        && a.families == b.families
}

/// The message codes of `receive { ... }` / `send { ... }`.
fn subscribed(direction: &Direction, kind: MessageType) -> bool {
    match kind {
        MessageType::OPEN => direction.open,
        MessageType::UPDATE => direction.update,
        MessageType::NOTIFICATION => direction.notification,
        MessageType::KEEPALIVE => direction.keepalive,
        MessageType::ROUTE_REFRESH => direction.refresh,
        MessageType::OPERATIONAL => direction.operational,
        _ => false,
    }
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
            host: host_name(),
            uuid: daemon_uuid(),
            started: std::time::Instant::now(),
            draining: std::cell::Cell::new(false),
            inner: RefCell::new(Inner {
                processes: None,
                configured: Vec::new(),
                peers: Vec::new(),
                created: Vec::new(),
                grouping: std::collections::BTreeMap::new(),
                requests: VecDeque::new(),
                last_woken: Vec::new(),
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

    /// The `process` blocks of a (re)loaded configuration; running helpers follow them when
    /// the reactor says the reload is done ([`Hook::reloaded`]).
    pub fn configure(&self, processes: Vec<Process>) {
        self.inner.borrow_mut().configured = processes;
    }

    /// A reload kept the session of `previous` (only its routes or `api` blocks changed, see
    /// `reactor::r#loop::Configured`): its helpers follow `next`'s `api` blocks and its
    /// adj-rib-out gets the difference of the configured routes, as ExaBGP's `reconfigure` and
    /// `replace_reload`. Whether the peer has something to send.
    pub fn reconfigure(&self, previous: &PeerConfig, next: &PeerConfig) -> bool {
        let mut inner = self.inner.borrow_mut();
        let Some(peer) = inner
            .peers
            .iter_mut()
            .find(|p| same(&p.config.neighbor, &next.neighbor))
        else {
            return false;
        };
        peer.config.neighbor = next.neighbor.clone();
        peer.config.api = next.api.clone();
        let announced = peer.announced.borrow();
        let mut rib = peer.rib.borrow_mut();
        rib.rib.replace_reload(
            &configured_routes(previous),
            &configured_routes(next),
            |nlri| announced.contains(nlri),
        );
        rib.pending()
    }

    /// The neighbours helpers created (`create neighbor`), for the configuration loader.
    pub fn created(&self) -> Vec<PeerConfig> {
        self.inner.borrow().created.clone()
    }

    /// A peer is (re)started: its adj-rib-out, shared with the peer coroutine, is returned.
    pub fn register(&self, config: &PeerConfig, rib: AdjRibOut) -> Rc<RefCell<AdjRibOut>> {
        let mut rib = rib;
        let mut inner = self.inner.borrow_mut();
        let mut announced = Announced::default();
        inner.peers.retain_mut(|p| {
            let keep = !same(&p.config.neighbor, &config.neighbor);
            if !keep {
                announced = p.announced.take();
            }
            keep
        });
        for route in announced.routes() {
            rib.rib.add_to_rib(route, false);
        }
        let rib = Rc::new(RefCell::new(rib));
        inner.peers.push(Registered {
            // the API reads the neighbour and its api blocks, not the configured routes: a
            // million of them would be held twice
            config: PeerConfig {
                neighbor: config.neighbor.clone(),
                api: config.api.clone(),
                changes: Vec::new(),
                flows: Vec::new(),
                operational: Vec::new(),
            },
            rib: rib.clone(),
            announced: RefCell::new(announced),
            negotiated: None,
            local: None,
            counter: 0,
            established: false,
            stats: Stats::new(),
            received_open: None,
            rib_in: Cache::new(config.neighbor.adj_rib_in),
            running: true,
        });
        rib
    }

    fn json(&self, inner: &Inner, process: &str) -> bool {
        self.version == ApiVersion::V6
            || inner
                .processes
                .as_ref()
                .is_some_and(|processes| processes.json(process))
    }

    fn header(&self, peer: &mut Registered, direction: Option<&'static str>) -> Header {
        peer.counter += 1;
        let neighbor = &peer.config.neighbor;
        let local_address = peer
            .local
            .map(|s| s.ip())
            .or(neighbor.local_address)
            .map_or_else(|| "None".to_string(), |ip| ip.to_string());
        Header {
            api: self.version,
            time: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64()),
            host: self.host.clone(),
            pid: std::process::id(),
            ppid: std::os::unix::process::parent_id(),
            counter: Some(peer.counter),
            peer: Some(Peer {
                local_address,
                peer_address: neighbor.peer_address.to_string(),
                local_as: neighbor.local_as,
                peer_as: neighbor.peer_as,
                router_id: neighbor.router_id,
            }),
            direction,
        }
    }

    /// Runs one line of `process`; a request for the reactor may be queued.
    fn command(&self, inner: &mut Inner, process: &str, line: &str) {
        let command = match command::parse(line) {
            Ok(command) => command,
            Err(error) => {
                log::warn!(target: "api", "process {process}: could not parse '{line}': {error}");
                if let Some(processes) = inner.processes.as_mut() {
                    processes.explain(process, &error.to_string());
                    processes.answer(process, false);
                }
                return;
            }
        };
        log::debug!(target: "api", "process {process}: {line}");
        let command = match self.grouped(inner, process, command) {
            Some(command) => command,
            None => return,
        };
        if let Some(ok) = self.execute(inner, process, command, line) {
            if let Some(processes) = inner.processes.as_mut() {
                processes.answer(process, ok);
            }
        }
    }

    /// `group start` ... `group end` (ExaBGP's multi-line groups): route commands are kept and
    /// acknowledged, then run together at `group end`. Returns the command to run now, if any.
    fn grouped(&self, inner: &mut Inner, process: &str, command: Command) -> Option<Command> {
        let processes = inner.processes.as_mut()?;
        let grouping = inner.grouping.contains_key(process);
        match command {
            Command::GroupStart if grouping => {
                processes.write(
                    process,
                    "error: already in group block (nested groups not allowed)",
                );
                processes.answer(process, false);
                None
            }
            Command::GroupStart => {
                inner.grouping.insert(process.to_string(), Vec::new());
                processes.write(process, "group started");
                processes.answer(process, true);
                None
            }
            Command::GroupEnd if !grouping => {
                processes.write(process, "error: not in group block");
                processes.answer(process, false);
                None
            }
            Command::GroupEnd => {
                let commands = inner.grouping.remove(process).unwrap_or_default();
                if commands.is_empty() {
                    processes.write(process, "group ended (0 commands)");
                    processes.answer(process, true);
                    return None;
                }
                let (mut announced, mut withdrawn) = (0, 0);
                for command in &commands {
                    let Command::Peers { action, .. } = command else {
                        continue;
                    };
                    match action {
                        Action::Announce(routes) => announced += routes.len(),
                        Action::AnnounceFlow(flows) => announced += flows.len(),
                        Action::Withdraw(routes) => withdrawn += routes.len(),
                        Action::WithdrawFlow(flows) => withdrawn += flows.len(),
                        _ => {}
                    }
                }
                processes.write(
                    process,
                    &format!("group processed: {announced} announced, {withdrawn} withdrawn"),
                );
                Some(Command::Group(commands))
            }
            command @ Command::Peers {
                action:
                    Action::Announce(_)
                    | Action::Withdraw(_)
                    | Action::AnnounceFlow(_)
                    | Action::WithdrawFlow(_),
                ..
            } if grouping => {
                let buffered = inner.grouping.entry(process.to_string()).or_default();
                if buffered.len() >= GROUP_LIMIT {
                    // a helper that never ends its group must not exhaust memory
                    inner.grouping.remove(process);
                    processes.write(
                        process,
                        "error: group buffer limit reached, group discarded",
                    );
                    processes.answer(process, false);
                    return None;
                }
                buffered.push(command);
                processes.answer(process, true);
                None
            }
            command => Some(command),
        }
    }

    /// Runs a parsed command; the acknowledgement to give, if any.
    fn execute(
        &self,
        inner: &mut Inner,
        process: &str,
        command: Command,
        line: &str,
    ) -> Option<bool> {
        let processes = inner.processes.as_mut()?;
        let ok = match command {
            Command::Comment | Command::GroupStart | Command::GroupEnd => return None,
            Command::Group(commands) => {
                // one acknowledgement for the group: done if every part was
                let mut ok = true;
                for command in commands {
                    ok &= self.execute(inner, process, command, line).unwrap_or(true);
                }
                ok
            }
            Command::Shutdown => {
                inner.requests.push_back(Request::Shutdown);
                true
            }
            Command::Reload => {
                inner.requests.push_back(Request::Reload);
                true
            }
            Command::Restart => {
                inner.requests.push_back(Request::Restart);
                true
            }
            Command::Ack(Ack::Enable) => {
                processes.set_ack(process, AckMode::On);
                true
            }
            Command::Ack(Ack::Disable) => {
                // acknowledged, then silent
                processes.answer(process, true);
                processes.set_ack(process, AckMode::Off);
                return None;
            }
            Command::Ack(Ack::Silence) => {
                processes.set_ack(process, AckMode::Off);
                return None;
            }
            Command::Version => {
                let version = env!("CARGO_PKG_VERSION");
                // ExaBGP's API version 6 answers JSON
                if self.version == ApiVersion::V6 {
                    processes.write(
                        process,
                        &format!("{{\"version\": \"{version}\", \"application\": \"exabgp\"}}"),
                    );
                } else {
                    processes.write(process, &format!("exabgp {version}"));
                }
                true
            }
            Command::Ping { text } => {
                let reply = if text {
                    format!("pong {} active=true", self.uuid)
                } else {
                    format!("{{\"pong\": \"{}\", \"active\": true}}", self.uuid)
                };
                processes.write(process, &reply);
                true
            }
            Command::Help => {
                processes.write(process, HELP);
                true
            }
            Command::Bye | Command::Reset => true,
            Command::Status { json } => {
                let uptime = self.started.elapsed().as_secs();
                let version = env!("CARGO_PKG_VERSION");
                let pid = std::process::id();
                let states: Vec<(String, &str)> = inner
                    .peers
                    .iter()
                    .filter(|p| p.running)
                    .map(|p| {
                        let state = if p.established { "established" } else { "idle" };
                        (
                            format!("neighbor {}", p.config.neighbor.peer_address),
                            state,
                        )
                    })
                    .collect();
                if json {
                    let mut peers = String::new();
                    for (i, (name, state)) in states.iter().enumerate() {
                        if i > 0 {
                            peers.push_str(", ");
                        }
                        crate::bgp::message::json_string(&mut peers, name);
                        peers.push_str(": ");
                        crate::bgp::message::json_string(&mut peers, state);
                    }
                    processes.write(
                        process,
                        &format!(
                            "{{\"version\": \"{version}\", \"uuid\": \"{}\", \"pid\": {pid}, \"uptime\": {uptime}, \"peers\": {{{peers}}}}}",
                            self.uuid
                        ),
                    );
                } else {
                    let (h, m, sec) = (uptime / 3600, uptime % 3600 / 60, uptime % 60);
                    let mut lines = vec![
                        "ExaBGP Daemon Status".to_string(),
                        "====================".to_string(),
                        format!("Version: {version}"),
                        format!("UUID: {}", self.uuid),
                        format!("PID: {pid}"),
                        format!("Uptime: {h}h {m}m {sec}s"),
                        format!("Peers: {}", states.len()),
                    ];
                    lines.extend(
                        states
                            .iter()
                            .map(|(name, state)| format!("  - {name}: {state}")),
                    );
                    for line in lines {
                        processes.write(process, &line);
                    }
                }
                true
            }
            Command::ShowNeighbor {
                selection,
                view,
                json,
            } => {
                // ExaBGP's API version 6 answers JSON whatever is asked
                let json = json || self.version == ApiVersion::V6;
                let peers = inner
                    .peers
                    .iter()
                    .filter(|p| p.running && selection.matches(&p.config.neighbor));
                let lines: Vec<String> = if json {
                    let mut list = String::from("[");
                    for (i, peer) in peers.enumerate() {
                        if i > 0 {
                            list.push_str(", ");
                        }
                        cli_data(peer).json(&mut list);
                    }
                    list.push(']');
                    vec![list]
                } else {
                    match view {
                        command::NeighborView::Summary => {
                            std::iter::once(template::SUMMARY_HEADER.to_string())
                                .chain(peers.map(|peer| cli_data(peer).summary()))
                                .collect()
                        }
                        command::NeighborView::Extensive => {
                            peers.flat_map(|peer| cli_data(peer).extensive()).collect()
                        }
                        command::NeighborView::Configuration => peers
                            .map(|peer| {
                                template::configuration(
                                    &peer.config.neighbor,
                                    &api_blocks(&peer.config.api),
                                )
                            })
                            .collect(),
                    }
                };
                // one message for the whole reply: a large one does not fill the client's queue
                if !lines.is_empty() {
                    processes.write(process, &lines.join("\n"));
                }
                true
            }
            Command::ShowAdjRib {
                rib,
                extensive,
                routes,
                json,
                selection,
            } => {
                let json = json || self.version == ApiVersion::V6;
                let mut reply = String::new();
                for peer in inner
                    .peers
                    .iter()
                    .filter(|p| p.running && selection.matches(&p.config.neighbor))
                {
                    let neighbor = &peer.config.neighbor;
                    let data = (json && extensive).then(|| cli_data(peer));
                    for route in adj_rib(peer, rib) {
                        if !command::rib::listed(routes, &route.nlri) {
                            continue;
                        }
                        if json {
                            reply.push_str(&command::rib::json(neighbor, &route, data.as_ref()));
                        } else {
                            reply.push_str(&command::rib::text(neighbor, &route, extensive));
                        }
                        reply.push('\n');
                    }
                }
                if !reply.is_empty() {
                    processes.write(process, &reply);
                }
                true
            }
            Command::CreateNeighbor { configuration } => {
                match create(&configuration, &inner.configured) {
                    Ok(config) => {
                        inner
                            .created
                            .retain(|c| !same(&c.neighbor, &config.neighbor));
                        inner.created.push(config);
                        inner.requests.push_back(Request::Reload);
                        true
                    }
                    Err(error) => {
                        log::warn!(target: "api", "process {process}: '{line}': {error}");
                        false
                    }
                }
            }
            Command::DeleteNeighbor { selection } => {
                let before = inner.created.len();
                inner.created.retain(|c| !selection.matches(&c.neighbor));
                if inner.created.len() == before {
                    false
                } else {
                    inner.requests.push_back(Request::Reload);
                    true
                }
            }
            Command::FlushAdjRibOut { selection } => {
                let configured = inner.configured.clone();
                let targets = targets(&inner.peers, &configured, process, &selection);
                // the peer knows whether enhanced route refresh frames the resend
                self.notify(
                    inner,
                    &targets_of(&targets),
                    PeerCommand::Resend { family: None },
                );
                true
            }
            Command::ClearAdjRib { rib, selection } => {
                let configured = inner.configured.clone();
                let targets = targets(&inner.peers, &configured, process, &selection);
                if rib == command::Rib::Out {
                    for peer in &targets {
                        peer.rib.borrow_mut().rib.withdraw(None);
                        peer.announced.borrow_mut().clear();
                    }
                    self.notify(inner, &targets_of(&targets), PeerCommand::RibUpdated);
                }
                true
            }
            Command::Peers { selection, action } => {
                let configured = inner.configured.clone();
                let targets = targets(&inner.peers, &configured, process, &selection);
                if targets.is_empty() {
                    log::warn!(target: "api", "process {process}: no neighbour matches '{line}'");
                    false
                } else {
                    match peer_action(&targets, action) {
                        Ok(command) => {
                            self.notify(inner, &targets_of(&targets), command);
                            true
                        }
                        Err(error) => {
                            log::warn!(target: "api", "process {process}: '{line}': {error}");
                            if let Some(processes) = inner.processes.as_ref() {
                                processes.explain(process, &error);
                            }
                            false
                        }
                    }
                }
            }
        };
        Some(ok)
    }

    fn notify(&self, inner: &mut Inner, neighbors: &[Neighbor], command: PeerCommand) {
        if command == PeerCommand::RibUpdated {
            // a helper announcing routes one per line would queue a wake-up per route (a
            // million for a full table): a wake of the same peers still last in the queue
            // covers this change too, the adj-rib-out is already updated
            let queued = matches!(
                inner.requests.back(),
                Some(Request::Peers {
                    command: PeerCommand::RibUpdated,
                    ..
                })
            );
            if queued
                && inner.last_woken.len() == neighbors.len()
                && inner
                    .last_woken
                    .iter()
                    .zip(neighbors)
                    .all(|(a, b)| same(a, b))
            {
                return;
            }
            inner.last_woken = neighbors.to_vec();
        }
        let neighbors = neighbors.to_vec();
        inner.requests.push_back(Request::Peers {
            select: Box::new(move |n| neighbors.iter().any(|t| same(t, n))),
            command,
        });
    }

    /// Writes `make(json)` to every helper of `peer` for which `wanted` holds.
    fn deliver(
        &self,
        inner: &Inner,
        api: &crate::configuration::Api,
        wanted: impl Fn(&crate::configuration::Api) -> bool,
        make: &mut dyn FnMut(bool) -> Option<String>,
    ) {
        let Some(processes) = inner.processes.as_ref() else {
            return;
        };
        let mut told = std::collections::BTreeSet::new();
        for section in sections(api).filter(|section| wanted(section)) {
            for name in section.targets(&inner.configured) {
                if !told.insert(name.clone()) {
                    continue;
                }
                if let Some(text) = make(self.json(inner, &name)) {
                    processes.write(&name, text.trim_end_matches('\n'));
                }
            }
        }
    }

    /// A message sent or received, for the helpers subscribed to its type.
    /// Gives `raw` to the helpers subscribed to it; `decoded` is its UPDATE when the caller
    /// already decoded it (the message is then not decoded again).
    fn message(
        &self,
        inner: &mut Inner,
        index: usize,
        direction: &'static str,
        raw: &[u8],
        decoded: Option<&Update>,
    ) {
        let Some(&kind) = raw.get(18) else {
            return;
        };
        let kind = MessageType(kind);
        let (header_bytes, body) = raw.split_at(19.min(raw.len()));
        let api = inner.peers[index].config.api.clone();
        let settings_of = |section: &crate::configuration::Api| {
            if direction == "receive" {
                section.receive
            } else {
                section.send
            }
        };
        let wanted: Vec<&crate::configuration::Api> = sections(&api)
            .filter(|section| subscribed(&settings_of(section), kind))
            .collect();
        if wanted.is_empty() {
            return;
        }
        let ip = inner.peers[index].config.neighbor.peer_address;
        // ExaBGP's helpers see "receive" and "send" (`exabgp decode` says "in")
        let header = self.header(&mut inner.peers[index], Some(direction));
        let negotiated = inner.peers[index].negotiated.clone();
        let owned;
        let update = match decoded {
            Some(update) => Some(update),
            None if kind == MessageType::UPDATE => {
                owned = negotiated
                    .as_ref()
                    .and_then(|n| Update::decode(Bytes::copy_from_slice(body), n).ok());
                owned.as_ref()
            }
            None => None,
        };
        for section in wanted {
            let settings = settings_of(section);
            let alone = crate::configuration::Api {
                sections: Vec::new(),
                ..section.clone()
            };
            let parsed = settings.parsed || !(settings.packets || settings.consolidate);
            let (raw_header, raw_body): (&[u8], &[u8]) = if settings.consolidate && settings.packets
            {
                (header_bytes, body)
            } else {
                (&[], &[])
            };
            if settings.packets && !settings.consolidate {
                self.deliver(inner, &alone, |_| true, &mut |json| {
                    Some(if json {
                        json::packets(&header, kind.0, header_bytes, body, negotiated.as_ref())
                    } else {
                        text::packets(ip, direction, kind.0, header_bytes, body)
                    })
                });
            }
            if parsed || settings.consolidate {
                self.deliver(inner, &alone, |_| true, &mut |json| {
                    parsed_message(
                        json,
                        &header,
                        ip,
                        direction,
                        kind,
                        body,
                        (raw_header, raw_body),
                        update,
                        negotiated.as_ref(),
                    )
                });
            }
        }
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

/// The `api { }` sections of a neighbour one by one (the merged one when it has none).
fn sections(
    api: &crate::configuration::Api,
) -> Box<dyn Iterator<Item = &crate::configuration::Api> + '_> {
    if api.sections.is_empty() {
        Box::new(std::iter::once(api))
    } else {
        Box::new(api.sections.iter())
    }
}

#[allow(clippy::too_many_arguments)]
fn parsed_message(
    json: bool,
    header: &Header,
    ip: std::net::IpAddr,
    direction: &str,
    kind: MessageType,
    body: &[u8],
    (raw_header, raw_body): (&[u8], &[u8]),
    update: Option<&Update>,
    negotiated: Option<&Negotiated>,
) -> Option<String> {
    Some(match kind {
        MessageType::OPEN => {
            let mut open = Open::decode(body).ok()?;
            if direction == "send" {
                // ExaBGP tells its own OPEN as built, not as sent
                open.capabilities = open.capabilities.as_built();
            }
            if json {
                json::open(header, &open, raw_header, raw_body)
            } else {
                text::open(ip, direction, &open, raw_header, raw_body)
            }
        }
        MessageType::UPDATE => {
            let update = update?;
            if json {
                let mut value = String::new();
                update.json(&mut value);
                // ExaBGP main's `update` appends the session's negotiated object
                json::update(header, &value, raw_header, raw_body, negotiated)
            } else {
                text::update(ip, direction, update, raw_header, raw_body)
            }
        }
        MessageType::NOTIFICATION => {
            let notification = Notification::decode(body);
            if json {
                json::notification(header, &notification, raw_header, raw_body)
            } else {
                text::notification(ip, direction, &notification, raw_header, raw_body)
            }
        }
        MessageType::KEEPALIVE => {
            if json {
                json::keepalive(header, raw_header, raw_body)
            } else {
                text::keepalive(ip, direction, raw_header, raw_body)
            }
        }
        MessageType::ROUTE_REFRESH => {
            let refresh = RouteRefresh::decode(body).ok()?;
            if json {
                json::refresh(header, &refresh, raw_header, raw_body)
            } else {
                text::refresh(ip, direction, &refresh, raw_header, raw_body)
            }
        }
        MessageType::OPERATIONAL => {
            let operational = Operational::decode(body).ok()?;
            if json {
                json::operational(header, &operational, raw_header, raw_body)
            } else {
                text::operational(ip, direction, &operational, raw_header, raw_body)
            }
        }
        _ => return None,
    })
}

/// `create neighbor IP KEY VALUE...` (ExaBGP's `peer create`): the neighbour is written as a
/// configuration (with the helpers' `process` blocks, which its `api` keys name) and checked
/// by the configuration parser.
fn create(line: &str, processes: &[Process]) -> Result<PeerConfig, String> {
    let mut words = line.split_whitespace();
    let (Some("neighbor"), Some(address)) = (words.next(), words.next()) else {
        return Err("expected 'neighbor IP'".into());
    };
    let mut body = String::new();
    let mut apis = Vec::new();
    let mut families = String::new();
    while let Some(key) = words.next() {
        let value = words
            .next()
            .ok_or_else(|| format!("'{key}' needs a value"))?;
        match key {
            "local-address" | "local-ip" => body.push_str(&format!("local-address {value}; ")),
            "local-as" | "peer-as" | "router-id" | "group-updates" => {
                body.push_str(&format!("{key} {value}; "))
            }
            "graceful-restart" => {
                body.push_str(&format!("capability {{ graceful-restart {value}; }} "))
            }
            "family-allowed" => {
                for family in value.split('/') {
                    let (afi, safi) = family
                        .split_once('-')
                        .ok_or_else(|| format!("'{family}' is not AFI-SAFI"))?;
                    families.push_str(&format!("{afi} {safi}; "));
                }
            }
            "api" => apis.push(value.to_string()),
            other => return Err(format!("unknown neighbour setting '{other}'")),
        }
    }
    // ExaBGP's default for a created neighbour, where a configuration's is every family
    if families.is_empty() {
        families.push_str("ipv4 unicast; ");
    }
    body.push_str(&format!("family {{ {families}}} "));
    if !apis.is_empty() {
        body.push_str(&format!("api {{ processes [ {} ]; }} ", apis.join(" ")));
    }
    let mut text = String::new();
    for process in processes {
        let run: Vec<String> = process.run.iter().map(|w| format!("{w:?}")).collect();
        let encoder = match process.encoder {
            crate::configuration::Encoder::Json => "json",
            crate::configuration::Encoder::Text => "text",
        };
        text.push_str(&format!(
            "process {} {{ run {}; encoder {encoder}; }}\n",
            process.name,
            run.join(" ")
        ));
    }
    text.push_str(&format!("neighbor {address} {{ {body}}}\n"));
    let configuration =
        crate::configuration::Configuration::parse(&text, std::path::Path::new("api"))
            .map_err(|e| e.to_string())?;
    configuration
        .neighbors
        .into_iter()
        .next()
        .ok_or_else(|| "no neighbour was defined".to_string())
}

/// A peer as `show neighbor` reports it (ExaBGP's `Peer.cli_data`).
fn cli_data(peer: &Registered) -> CliData {
    use crate::bgp::message::open::capability::CapabilityCode as Code;
    let neighbor = &peer.config.neighbor;
    let cap = &neighbor.capability;
    let open = peer.received_open.as_ref();
    let negotiated = peer.negotiated.as_ref().filter(|_| open.is_some());
    let announced = |codes: &[u8]| {
        open.map(|open| {
            open.capabilities
                .0
                .iter()
                .any(|c| codes.contains(&c.code()))
        })
    };
    let local = peer.local.map(|s| s.ip()).or(neighbor.local_address);
    let local_id = match (neighbor.router_id, local) {
        (Some(id), _) => id.to_string(),
        (None, Some(std::net::IpAddr::V4(ip))) => ip.to_string(),
        _ => template::router_id(neighbor),
    };
    let stats = &peer.stats;
    let kinds = [
        ("open", MessageType::OPEN),
        ("notification", MessageType::NOTIFICATION),
        ("keepalive", MessageType::KEEPALIVE),
        ("update", MessageType::UPDATE),
        ("refresh", MessageType::ROUTE_REFRESH),
    ];
    let mut messages: Vec<(&'static str, u64, u64)> = kinds
        .iter()
        .map(|(name, kind)| {
            let (sent, received) = stats.messages[usize::from(kind.0 - 1)];
            (*name, sent, received)
        })
        .collect();
    let total = messages.iter().fold((0, 0), |(s, r), (_, sent, received)| {
        (s + sent, r + received)
    });
    messages.push(("total", total.0, total.1));
    CliData {
        peer_address: neighbor.peer_address.to_string(),
        local_address: local.map_or_else(|| "None".to_string(), |ip| ip.to_string()),
        local_as: neighbor.local_as,
        peer_as: neighbor.peer_as,
        local_id,
        peer_id: open.map(|open| open.router_id.to_string()),
        local_hold: neighbor.hold_time,
        peer_hold: open.map(|open| open.hold_time),
        state: stats.state.name(),
        up: stats.complete.is_some(),
        duration: stats.complete.map_or(0, |since| since.elapsed().as_secs()),
        down: stats.reset.elapsed().as_secs(),
        capabilities: vec![
            ("asn4", Some(cap.asn4), negotiated.map(|n| n.asn4)),
            (
                "route-refresh",
                Some(cap.route_refresh),
                announced(&[Code::ROUTE_REFRESH]),
            ),
            (
                "multi-session",
                Some(cap.multi_session),
                announced(&[Code::MULTISESSION, Code::MULTISESSION_CISCO]),
            ),
            (
                "operational",
                Some(cap.operational),
                negotiated.map(|n| n.operational),
            ),
            (
                "add-path",
                Some(cap.add_path != 0),
                announced(&[Code::ADD_PATH]),
            ),
            (
                "extended-message",
                Some(cap.extended_message),
                announced(&[Code::EXTENDED_MESSAGE]),
            ),
            (
                "graceful-restart",
                Some(cap.graceful_restart.is_some()),
                announced(&[Code::GRACEFUL_RESTART]),
            ),
        ],
        families: neighbor
            .families
            .iter()
            .map(|&family| match negotiated {
                Some(n) => (
                    family,
                    Some(n.families.contains(&family)),
                    Some(n.addpath_send(family)),
                    Some(n.addpath_receive(family)),
                ),
                None => {
                    let addpath = (!neighbor.addpath.contains(&family)).then_some(false);
                    (family, None, addpath, addpath)
                }
            })
            .collect(),
        messages,
        received: stats.prefixes,
        withdrawn: stats.withdraws,
    }
}

/// The routes of a peer's adj-rib, in NLRI order: for `out` what the peer was sent and what
/// is queued for it (ExaBGP's cache holds both), for `in` what it sent.
fn adj_rib(peer: &Registered, rib: command::Rib) -> Vec<Route> {
    let families = &peer.config.neighbor.families;
    let routes: std::collections::BTreeMap<Nlri, Route> = match rib {
        command::Rib::In => peer
            .rib_in
            .cached_routes(families)
            .map(|route| (route.nlri.clone(), route))
            .collect(),
        command::Rib::Out => {
            let out = peer.rib.borrow();
            out.rib
                .cache()
                .cached_routes(families)
                .chain(out.rib.queued_routes())
                .map(|route| (route.nlri.clone(), route))
                .collect()
        }
    };
    routes.into_values().collect()
}

/// A neighbour's `api { }` blocks as `show neighbor configuration` writes them (one per
/// process, with tabs as ExaBGP builds them).
fn api_blocks(api: &crate::configuration::Api) -> String {
    let mut out = String::new();
    for section in sections(api) {
        for process in &section.processes {
            out.push_str(&format!("\tapi {{\n\t\tprocesses [ {process} ];\n"));
            for (on, name) in [
                (section.neighbor_changes, "neighbor-changes"),
                (section.negotiated, "negotiated"),
                (section.fsm, "fsm"),
                (section.signal, "signal"),
            ] {
                if on {
                    out.push_str(&format!("\t\t{name};\n"));
                }
            }
            for (direction, name) in [(&section.receive, "receive"), (&section.send, "send")] {
                let flags = [
                    (direction.packets, "packets"),
                    (direction.parsed, "parsed"),
                    (direction.consolidate, "consolidate"),
                    (direction.notification, "notification"),
                    (direction.open, "open"),
                    (direction.keepalive, "keepalive"),
                    (direction.update, "update"),
                    (direction.refresh, "refresh"),
                    (direction.operational, "operational"),
                ];
                if flags.iter().any(|(on, _)| *on) {
                    out.push_str(&format!("\t\t{name} {{\n"));
                    for (_, flag) in flags.iter().filter(|(on, _)| *on) {
                        out.push_str(&format!("\t\t\t{flag};\n"));
                    }
                    out.push_str("\t\t}\n");
                }
            }
            out.push_str("\t}\n");
        }
    }
    out
}

/// The registered peers `process` may command that `selection` picks (ExaBGP's
/// `reactor.peers(service)` then `match_neighbors`).
fn targets<'a>(
    peers: &'a [Registered],
    configured: &[Process],
    process: &str,
    selection: &command::Selection,
) -> Vec<&'a Registered> {
    // the CLI's clients command every peer, as ExaBGP's internal CLI helpers
    let cli = process.starts_with(super::processes::CLI_PREFIX);
    peers
        .iter()
        .filter(|p| {
            cli || p
                .config
                .api
                .targets(configured)
                .iter()
                .any(|name| name == process)
        })
        .filter(|p| selection.matches(&p.config.neighbor))
        .collect()
}

fn targets_of(targets: &[&Registered]) -> Vec<Neighbor> {
    targets.iter().map(|p| p.config.neighbor.clone()).collect()
}

/// Applies an action to the targets' adj-rib-out; returns the command the peers must run.
fn peer_action(targets: &[&Registered], action: Action) -> Result<PeerCommand, String> {
    match action {
        Action::Announce(routes) | Action::Withdraw(routes) if routes.is_empty() => {
            Err("no route given".into())
        }
        Action::Announce(routes) => {
            for peer in targets {
                peer.announce(announce::changes(&routes, &peer.config.neighbor)?);
            }
            Ok(PeerCommand::RibUpdated)
        }
        Action::Withdraw(routes) => {
            for peer in targets {
                peer.withdraw(announce::changes(&routes, &peer.config.neighbor)?);
            }
            Ok(PeerCommand::RibUpdated)
        }
        Action::Watchdog { announce, name } => {
            for peer in targets {
                let mut rib = peer.rib.borrow_mut();
                if announce {
                    rib.rib.announce_watchdog(&name);
                } else {
                    rib.rib.withdraw_watchdog(&name);
                }
            }
            Ok(PeerCommand::RibUpdated)
        }
        Action::AnnounceFlow(flows) | Action::WithdrawFlow(flows) if flows.is_empty() => {
            Err("no flow rule given".into())
        }
        Action::AnnounceFlow(flows) => {
            // every peer's rule is built before any adj-rib-out changes: a rule refused for
            // one peer changes nothing
            let built = flow_changes(targets, &flows)?;
            for (peer, changes) in targets.iter().zip(built) {
                peer.announce(changes);
            }
            Ok(PeerCommand::RibUpdated)
        }
        Action::WithdrawFlow(flows) => {
            let built = flow_changes(targets, &flows)?;
            for (peer, changes) in targets.iter().zip(built) {
                peer.withdraw(changes);
            }
            Ok(PeerCommand::RibUpdated)
        }
        Action::Eor(family) => Ok(PeerCommand::Eor {
            family: Some(family.unwrap_or(Family::IPV4_UNICAST)),
        }),
        Action::RouteRefresh(family) => Ok(PeerCommand::RouteRefresh { family }),
        Action::Teardown(subcode) => Ok(PeerCommand::Teardown {
            subcode,
            restart: true,
        }),
        Action::Operational(message) => {
            let what = match message.name.as_str() {
                "adm" => 1,
                "asm" => 2,
                _ => return Err(format!("operational {} is not supported", message.name)),
            };
            let advisory = message
                .fields
                .iter()
                .find(|(k, _)| k == "advisory")
                .map(|(_, v)| v.as_str())
                .unwrap_or("");
            let family = if message.family.afi == Afi::UNDEFINED {
                Family::new(Afi::IPV4, Safi::UNICAST)
            } else {
                message.family
            };
            Ok(PeerCommand::Send {
                message: Operational::advisory(what, family, advisory).encode(),
            })
        }
    }
}

/// The changes of flow rules for each target, in order, or why one can not be built.
fn flow_changes(
    targets: &[&Registered],
    flows: &[crate::configuration::flow::FlowRoute],
) -> Result<Vec<Vec<crate::configuration::Change>>, String> {
    targets
        .iter()
        .map(|peer| {
            flows
                .iter()
                .map(|flow| {
                    crate::configuration::flow::build(flow, &peer.config.neighbor)
                        .map_err(|e| e.message)
                })
                .collect()
        })
        .collect()
}

/// Route commands one `group start` may hold (ExaBGP's `MAX_GROUP_COMMANDS`).
const GROUP_LIMIT: usize = 100_000;

/// How long the helpers must be quiet before the peers act on their commands.
const BATCH_QUIET: std::time::Duration = std::time::Duration::from_millis(10);
/// The longest commands wait for a quiet moment.
const BATCH_MAX: std::time::Duration = std::time::Duration::from_millis(100);

const HELP: &str = "\
help: available commands (v4 syntax; v6: daemon, session, system, rib, peer)\n\
shutdown | reload | restart | status | version | ping\n\
enable-ack | disable-ack | silence-ack\n\
show neighbor [IP] [summary|extensive|configuration] [json] | show adj-rib in|out [extensive] [json] [IP]\n\
flush adj-rib out | clear adj-rib in|out\n\
[neighbor IP [local-ip IP] [local-as N] [peer-as N] [router-id ID] [, neighbor ...]] \
announce|withdraw route|attributes|ipv4|ipv6|flow|vpls|watchdog ...\n\
[neighbor ...] announce eor [AFI SAFI] | announce route-refresh AFI SAFI | \
announce operational ... | teardown CODE";

impl Hook for Api {
    fn start(&self, executor: &Rc<LocalExecutor<'static>>) {
        let mut inner = self.inner.borrow_mut();
        let mut processes =
            Processes::new(self.settings, executor.clone()).with_flow(self.flow.clone());
        processes.start(&inner.configured, false);
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
        let configured = inner.configured.clone();
        if let Some(processes) = inner.processes.as_mut() {
            processes.start(&configured, restart);
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
                if let Some(request) = self.inner.borrow_mut().requests.pop_front() {
                    return request;
                }
                self.draining.set(false);
            }
            loop {
                let report = if self.inner.borrow().requests.is_empty() {
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
                        if let Some(request) = self.inner.borrow_mut().requests.pop_front() {
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
                            if let Some(request) = self.inner.borrow_mut().requests.pop_front() {
                                self.draining.set(true);
                                return request;
                            }
                            continue;
                        }
                    }
                };
                let mut inner = self.inner.borrow_mut();
                match report {
                    Report::Line { process, line } => self.command(&mut inner, &process, &line),
                    Report::Ended { process } => {
                        let ended = inner
                            .processes
                            .as_mut()
                            .map_or(Ok(()), |processes| processes.ended(&process));
                        if let Err(why) = ended {
                            log::error!(target: "processes", "{}, exabgp.api.terminate is set: stopping", why.0);
                            inner.requests.push_back(Request::Terminate);
                        }
                    }
                }
            }
        })
    }

    fn event(&self, neighbor: &Neighbor, event: &ApiEvent) {
        let mut inner = self.inner.borrow_mut();
        let Some(index) = inner
            .peers
            .iter()
            .position(|p| same(&p.config.neighbor, neighbor))
        else {
            return;
        };
        let ip = neighbor.peer_address;
        match event {
            ApiEvent::Connected { local, .. } => {
                inner.peers[index].local = Some(*local);
                let header = {
                    let peer = &mut inner.peers[index];
                    self.header(peer, None)
                };
                let peer = &inner.peers[index];
                self.deliver(
                    &inner,
                    &peer.config.api,
                    |api| api.neighbor_changes,
                    &mut |json| {
                        Some(if json {
                            json::connected(&header)
                        } else {
                            text::connected(ip)
                        })
                    },
                );
            }
            ApiEvent::Up => {
                inner.peers[index].established = true;
                let header = self.header(&mut inner.peers[index], None);
                let peer = &inner.peers[index];
                self.deliver(
                    &inner,
                    &peer.config.api,
                    |api| api.neighbor_changes,
                    &mut |json| {
                        Some(if json {
                            json::up(&header)
                        } else {
                            text::up(ip)
                        })
                    },
                );
            }
            ApiEvent::Down(reason) => {
                inner.peers[index].established = false;
                // what a closed session announced is gone with it
                inner.peers[index].rib_in.clear_cache();
                let header = self.header(&mut inner.peers[index], None);
                let peer = &inner.peers[index];
                self.deliver(
                    &inner,
                    &peer.config.api,
                    |api| api.neighbor_changes,
                    &mut |json| {
                        Some(if json {
                            json::down(&header, reason)
                        } else {
                            text::down(ip, reason)
                        })
                    },
                );
            }
            ApiEvent::Negotiated { sent, received } => {
                let negotiated = match (Open::decode(sent), Open::decode(received)) {
                    (Ok(sent), Ok(received)) => Some(Negotiated::agree(neighbor, &sent, &received)),
                    _ => None,
                };
                inner.peers[index].negotiated = negotiated.clone();
                inner.peers[index].received_open = Open::decode(received).ok();
                if let Some(negotiated) = negotiated {
                    let header = self.header(&mut inner.peers[index], None);
                    let peer = &inner.peers[index];
                    self.deliver(
                        &inner,
                        &peer.config.api,
                        |api| api.negotiated,
                        &mut |json| json.then(|| json::negotiated(&header, &negotiated)),
                    );
                }
                // the OPENs went by before the session could be decoded: tell them now
                let sent = crate::bgp::message::message(MessageType::OPEN, sent);
                let received = crate::bgp::message::message(MessageType::OPEN, received);
                self.message(&mut inner, index, "send", &sent, None);
                self.message(&mut inner, index, "receive", &received, None);
            }
            ApiEvent::Received { kind, body } => {
                // decoded once, for the counters, the adj-rib-in and every helper
                let update = match (*kind, inner.peers[index].negotiated.as_ref()) {
                    (kind, Some(negotiated)) if kind == MessageType::UPDATE.0 => {
                        Update::decode(body.clone(), negotiated).ok()
                    }
                    _ => None,
                };
                inner.peers[index].count_received(*kind, update.as_ref());
                if *kind == MessageType::OPEN.0 {
                    return;
                }
                let raw = crate::bgp::message::message(MessageType(*kind), body);
                self.message(&mut inner, index, "receive", &raw, update.as_ref());
            }
        }
    }

    fn fsm(&self, neighbor: &Neighbor, state: crate::bgp::fsm::State) {
        let mut inner = self.inner.borrow_mut();
        let Some(index) = inner
            .peers
            .iter()
            .position(|p| same(&p.config.neighbor, neighbor))
        else {
            return;
        };
        let stats = &mut inner.peers[index].stats;
        match state {
            State::Established => stats.complete = Some(std::time::Instant::now()),
            // the session closed: ExaBGP's `_close` starts the counters again
            State::Idle if stats.state != State::Idle => *stats = Stats::new(),
            _ => {}
        }
        stats.state = state;
        if !sections(&inner.peers[index].config.api).any(|api| api.fsm) {
            return;
        }
        let header = self.header(&mut inner.peers[index], None);
        let peer = &inner.peers[index];
        // ExaBGP's text encoder has no fsm line
        self.deliver(&inner, &peer.config.api, |api| api.fsm, &mut |json| {
            json.then(|| json::fsm(&header, state.name()))
        });
    }

    fn signal(&self, neighbor: &Neighbor, number: i32) {
        let mut inner = self.inner.borrow_mut();
        let Some(index) = inner
            .peers
            .iter()
            .position(|p| same(&p.config.neighbor, neighbor))
        else {
            return;
        };
        if !sections(&inner.peers[index].config.api).any(|api| api.signal) {
            return;
        }
        let header = self.header(&mut inner.peers[index], None);
        let peer = &inner.peers[index];
        // ExaBGP's text encoder has no signal line
        self.deliver(&inner, &peer.config.api, |api| api.signal, &mut |json| {
            json.then(|| json::signal(&header, number))
        });
    }

    fn sent(&self, neighbor: &Neighbor, message: &Bytes) {
        let mut inner = self.inner.borrow_mut();
        let Some(index) = inner
            .peers
            .iter()
            .position(|p| same(&p.config.neighbor, neighbor))
        else {
            return;
        };
        let Some(&kind) = message.get(18) else {
            return;
        };
        inner.peers[index].stats.count(kind, true);
        // the OPENs are told once the session is agreed (ApiEvent::Negotiated)
        if kind != MessageType::OPEN.0 {
            self.message(&mut inner, index, "send", message, None);
        }
    }

    fn ended(&self, neighbor: &Neighbor) {
        let mut inner = self.inner.borrow_mut();
        for peer in inner
            .peers
            .iter_mut()
            .filter(|p| same(&p.config.neighbor, neighbor))
        {
            peer.running = false;
        }
    }

    fn stop(&self) -> Pin<Box<dyn Future<Output = ()> + '_>> {
        Box::pin(async move {
            self.control.borrow_mut().take();
            let processes = self.inner.borrow_mut().processes.take();
            if let Some(mut processes) = processes {
                let (pid, ppid) = (std::process::id(), std::os::unix::process::parent_id());
                let names: Vec<String> = processes.running().map(str::to_string).collect();
                for name in names {
                    let json = self.version == ApiVersion::V6 || processes.json(&name);
                    let message = if json {
                        json::shutdown(&Header {
                            api: self.version,
                            time: std::time::SystemTime::now()
                                .duration_since(std::time::UNIX_EPOCH)
                                .map_or(0.0, |d| d.as_secs_f64()),
                            host: self.host.clone(),
                            pid,
                            ppid,
                            counter: None,
                            peer: None,
                            direction: None,
                        })
                    } else {
                        text::shutdown(pid, ppid)
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
        let Some(peer) = inner
            .peers
            .iter()
            .find(|p| same(&p.config.neighbor, neighbor))
        else {
            return false;
        };
        let behind = sections(&peer.config.api).any(|section| {
            section
                .targets(&inner.configured)
                .iter()
                .any(|name| self.flow.behind(name))
        });
        behind
    }

    fn flow(&self) -> Pin<Box<dyn Future<Output = ()> + '_>> {
        Box::pin(self.flow.changed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A helper's withdraw names a labeled route without its labels (or with others): it
    /// still removes it, and a re-announce with new labels keeps the new ones.
    #[test]
    fn announced_routes_are_found_by_route_identity() {
        use crate::bgp::message::update::nlri::{Cidr, Label, Labels, PathInfo};
        use crate::protocol::family::{Afi, Family, Safi};
        let labeled = |labels: &[u32]| {
            Nlri::Label(Box::new(Label::new(
                Family::new(Afi::IPV4, Safi::NLRI_MPLS),
                Cidr::new("10.0.0.0".parse().unwrap(), 24).unwrap(),
                Labels::new(labels),
                PathInfo::Disabled,
            )))
        };
        let route = |labels: &[u32]| Route::new(labeled(labels), None, Arc::default());
        let mut announced = Announced::default();
        announced.insert(route(&[100]));
        announced.insert(route(&[200]));
        let routes = announced.routes();
        assert_eq!(routes.len(), 1, "one route, re-announced");
        assert_eq!(routes[0].nlri, labeled(&[200]), "with the latest labels");
        assert!(announced.contains(&labeled(&[])));
        announced.remove(&labeled(&[]));
        assert!(announced.routes().is_empty());
    }

    #[test]
    fn create_neighbor_as_exabgp() {
        let config = create(
            "neighbor 10.0.0.2 local-address 10.0.0.1 local-as 65000 peer-as 65001 router-id 1.1.1.1 family-allowed ipv4-unicast/ipv6-unicast",
            &[],
        )
        .unwrap();
        let neighbor = &config.neighbor;
        assert_eq!(
            neighbor.peer_address,
            "10.0.0.2".parse::<std::net::IpAddr>().unwrap()
        );
        assert_eq!(neighbor.local_address, Some("10.0.0.1".parse().unwrap()));
        assert_eq!((neighbor.local_as, neighbor.peer_as), (65000, 65001));
        assert_eq!(
            neighbor.families,
            vec![Family::IPV4_UNICAST, Family::IPV6_UNICAST]
        );

        let plain = create(
            "neighbor 10.0.0.3 local-as 1 peer-as 1 router-id 1.2.3.4",
            &[],
        )
        .unwrap();
        assert_eq!(plain.neighbor.families, vec![Family::IPV4_UNICAST]);

        assert!(create("neighbor 10.0.0.3 colour blue", &[])
            .unwrap_err()
            .contains("colour"));
        assert!(create("neighbor 10.0.0.3 local-as", &[]).is_err());
        // the helper named must exist
        assert!(create("neighbor 10.0.0.3 local-as 1 peer-as 1 api nobody", &[]).is_err());
    }
}
