//! Ports `exabgp/reactor/loop.py`: the Reactor. One executor task per peer (each a [`Bridge`]
//! driving a peer coroutine), the listener, signals, reload with a diff, and shutdown.
//!
//! ExaBGP polls every peer generator from one `select` loop; here each peer is an
//! `async_executor::LocalExecutor` task and the reactor's own loop only races signals, incoming
//! connections and peers finishing.

use crate::bgp::neighbor::Neighbor;
use crate::reactor::api::{Hook as ApiHook, Request as ApiRequest};
use crate::reactor::bridge::{Bridge, Control, PeerHandle, Recorder};
use crate::reactor::daemon::Daemon;
use crate::reactor::interrupt::{Interrupt, Received, Signal};
use crate::reactor::listener::{self, Listener};
use crate::reactor::network::incoming;
use crate::reactor::network::outgoing::BGP_PORT;
use crate::reactor::peer::event::{Command as PeerCommand, Outcome};
use crate::reactor::peer::Daemon as PeerCoroutine;
use async_executor::{LocalExecutor, Task};
use futures_lite::future::{self, FutureExt};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::rc::Rc;

/// Exit codes, as ExaBGP's `Reactor.Exit`.
pub mod exit {
    pub const NORMAL: i32 = 0;
    pub const LISTENING: i32 = 1;
    pub const CONFIGURATION: i32 = 1;
    pub const PRIVILEGES: i32 = 1;
    pub const PID: i32 = 1;
}

/// Cease subcodes (RFC 4486 §4) the reactor asks for.
const CEASE_SHUTDOWN: u8 = 2;
const CEASE_DECONFIGURED: u8 = 3;

/// The environment settings the reactor uses (`exabgp.tcp.*`, `exabgp.daemon.*`).
pub struct Settings {
    /// `tcp.bind`: addresses to listen on (empty: do not listen).
    pub bind: Vec<IpAddr>,
    /// `tcp.port`: the port listened on, and connected to when a neighbour sets none.
    pub port: u16,
    /// `tcp.attempts`: with a limit, the reactor exits once every peer gave up.
    pub attempts: u32,
    pub daemon: Daemon,
    /// `--record FILE`: every peer's events and effects as JSON lines.
    pub record: Option<Recorder>,
    /// `tcp.delay`: start the peers when the minutes of the hour are a multiple of this (0: now).
    pub delay: u32,
    /// Shut down (as on TERM) after this long: the built-in example stops by itself.
    pub run_for: Option<std::time::Duration>,
}

/// What the reactor needs of a configured peer: its neighbour settings. Anything else in it
/// (routes, API settings) only matters to the peer factory and to [`Reconfigure`].
pub trait Configured: Clone + PartialEq + 'static {
    fn neighbor(&self) -> &Neighbor;

    /// Whether a peer running as `self` can run as `other` without a new session: as ExaBGP's
    /// `Neighbor.__eq__`, only the session settings count (AS, addresses, timers, capabilities,
    /// families, ...), not the routes nor the `api` blocks.
    fn same_session(&self, other: &Self) -> bool {
        same_session(self.neighbor(), other.neighbor())
    }
}

impl Configured for Neighbor {
    fn neighbor(&self) -> &Neighbor {
        self
    }
}

/// Whether two definitions of a neighbour give the same session. The description is only a
/// label (ExaBGP leaves it out too); every other setting is read by the session.
pub fn same_session(a: &Neighbor, b: &Neighbor) -> bool {
    a == &Neighbor {
        description: a.description.clone(),
        ..b.clone()
    }
}

/// What a reload does to one peer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Plan {
    /// Gone from the configuration: stop it with Cease / Peer De-configured.
    Stop,
    /// Its session settings changed: stop it the same way, then start it again.
    Restart,
    /// Only its routes or `api` blocks changed: the session stays and gets the difference.
    Reconfigure,
    /// Defined identically: nothing happens, nothing is sent.
    Keep,
}

/// ExaBGP's reload decision for a running peer (`reactor/loop.py` `reload`; a peer new in the
/// configuration simply starts). Without a way to reconfigure a running peer
/// (`reconfigurable` false) any change restarts it.
fn plan<C: Configured>(running: &C, wanted: Option<&C>, reconfigurable: bool) -> Plan {
    match wanted {
        None => Plan::Stop,
        Some(wanted) if running == wanted => Plan::Keep,
        Some(wanted) if reconfigurable && running.same_session(wanted) => Plan::Reconfigure,
        Some(_) => Plan::Restart,
    }
}

/// Reads the configuration (on start and on every reload).
pub type Loader<C> = Box<dyn Fn() -> Result<Vec<C>, String>>;
/// Builds the peer coroutine for a configured neighbour.
pub type PeerFactory<C> = Box<dyn Fn(&C) -> PeerCoroutine>;
/// A reload kept a peer's session but changed its definition (`previous` to `next`, see
/// [`Configured::same_session`]): hands the route difference to the running peer's
/// adj-rib-out, as an API announce does. True when the peer has something to send.
pub type Reconfigure<C> = Box<dyn Fn(&C, &C) -> bool>;

/// A peer's identity across reloads, shared with the API's registry.
type Key = crate::bgp::neighbor::PeerKey;

fn key(neighbor: &Neighbor) -> Key {
    neighbor.key()
}

/// A peer task and what the reactor knows of it.
struct Running<C> {
    config: C,
    handle: PeerHandle,
    task: Task<Outcome>,
    /// Start again with this configuration once the task ends (a changed neighbour, a restart).
    next: Option<C>,
    /// A Stop was sent: the task is ending.
    stopping: bool,
}

impl<C> Running<C> {
    /// Asks the peer to stop with Cease / Peer De-configured (once), then start again with `next`.
    fn stop(&mut self, next: Option<C>) {
        self.next = next;
        if !self.stopping {
            self.stopping = true;
            self.handle.send(Control::Stop {
                subcode: CEASE_DECONFIGURED,
            });
        }
    }
}

/// The reactor.
pub struct Reactor<C: Configured> {
    settings: Settings,
    load: Loader<C>,
    factory: PeerFactory<C>,
    peers: BTreeMap<Key, Running<C>>,
    listener: Listener,
    /// Peers finishing, told by a guard in each task (so a panicking task is noticed too).
    done: (async_channel::Sender<Key>, async_channel::Receiver<Key>),
    /// The API helpers, when the configuration has any.
    api: Option<Rc<dyn ApiHook>>,
    monitor: Option<Rc<crate::reactor::monitor::Monitor>>,
    /// How a kept peer gets a reload's route changes; without it any change restarts the peer.
    reconfigure: Option<Reconfigure<C>>,
}

/// Sends the peer's key when its task ends, however it ends.
struct DoneGuard {
    key: Key,
    sender: async_channel::Sender<Key>,
}

impl Drop for DoneGuard {
    fn drop(&mut self) {
        let _ = self.sender.try_send(self.key.clone());
    }
}

impl<C: Configured> Reactor<C> {
    pub fn new(settings: Settings, load: Loader<C>, factory: PeerFactory<C>) -> Reactor<C> {
        Reactor {
            settings,
            load,
            factory,
            peers: BTreeMap::new(),
            listener: Listener::new(),
            done: async_channel::unbounded(),
            api: None,
            monitor: None,
            reconfigure: None,
        }
    }

    /// Lets a reload keep the session of a peer whose only change is its routes.
    pub fn with_reconfigure(mut self, reconfigure: Reconfigure<C>) -> Reactor<C> {
        self.reconfigure = Some(reconfigure);
        self
    }

    /// Runs the API helpers: their commands reach the peers, the peers' events reach them.
    /// Shares the monitoring outputs with every peer's bridge.
    pub fn with_monitor(
        mut self,
        monitor: Option<Rc<crate::reactor::monitor::Monitor>>,
    ) -> Reactor<C> {
        self.monitor = monitor;
        self
    }

    /// The API helpers: told of every peer's events, their commands carried out.
    pub fn with_api(mut self, api: Rc<dyn ApiHook>) -> Reactor<C> {
        self.api = Some(api);
        self
    }

    /// Runs until shutdown; returns the process exit code.
    pub fn run(mut self) -> i32 {
        // Before any thread exists (async-io starts one lazily).
        self.settings.daemon.daemonise();
        let executor = Rc::new(LocalExecutor::new());
        let inner = executor.clone();
        async_io::block_on(executor.run(async move { self.main(&inner).await }))
    }

    async fn main(&mut self, executor: &Rc<LocalExecutor<'static>>) -> i32 {
        let mut interrupt = match Interrupt::new() {
            Ok(interrupt) => interrupt,
            Err(error) => {
                log::error!(target: "reactor", "could not install signal handlers: {error}");
                return exit::PRIVILEGES;
            }
        };
        for ip in self.settings.bind.clone() {
            if self
                .listener
                .listen_on(ip, None, self.settings.port, None, false, None)
                .is_err()
            {
                return exit::LISTENING;
            }
        }
        let configs = match (self.load)() {
            Ok(configs) => configs,
            Err(error) => {
                log::error!(target: "configuration", "could not load/reload configuration");
                log::error!(target: "configuration", "{error}");
                return exit::CONFIGURATION;
            }
        };
        for config in &configs {
            let neighbor = config.neighbor();
            if neighbor.listen == 0 {
                continue;
            }
            let local =
                neighbor
                    .md5_ip
                    .or(neighbor.local_address)
                    .unwrap_or(match neighbor.peer_address {
                        IpAddr::V4(_) => IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
                        IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED),
                    });
            let listened = self.listener.listen_on(
                local,
                Some(neighbor.peer_address),
                neighbor.listen,
                neighbor.md5_password.as_deref(),
                neighbor.md5_base64,
                neighbor.incoming_ttl,
            );
            if listened.is_err() {
                return exit::LISTENING;
            }
        }
        if !self.settings.daemon.drop_privileges() {
            log::error!(
                target: "reactor",
                "could not drop privileges to '{}' refusing to run as root",
                self.settings.daemon.user
            );
            log::error!(
                target: "reactor",
                "set the environment value exabgp.daemon.user to change the unprivileged user"
            );
            return exit::PRIVILEGES;
        }
        if !self.settings.daemon.savepid() {
            return exit::PID;
        }
        if self.settings.delay > 0 && !self.wait_for_delay(&mut interrupt).await {
            self.settings.daemon.removepid();
            return exit::NORMAL;
        }
        if let Some(api) = &self.api {
            api.start(executor);
        }
        if let Some(monitor) = &self.monitor {
            monitor.start(executor);
        }
        self.apply(configs, executor);
        log::info!(target: "reactor", "loaded new configuration successfully");

        let code = self.serve(&mut interrupt, executor).await;
        self.shutdown().await;
        code
    }

    /// ExaBGP's `tcp.delay`: waits until the minutes of the hour are a multiple of the delay.
    /// Returns false if a signal asked to stop meanwhile.
    async fn wait_for_delay(&mut self, interrupt: &mut Interrupt) -> bool {
        let period = u64::from(self.settings.delay) * 60;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_secs())
            .unwrap_or(0);
        let wait = period - now % period;
        log::info!(target: "reactor", "waiting for {wait} seconds before connecting");
        let mut timer = async_io::Timer::after(std::time::Duration::from_secs(wait));
        loop {
            let signal = async { Some(interrupt.next().await) };
            let elapsed = async {
                (&mut timer).await;
                None
            };
            match signal.or(elapsed).await.map(|received| received.action) {
                None => return true,
                Some(Signal::Shutdown) => return false,
                // Nothing runs yet: a reload or restart has nothing to act on.
                Some(_) => {}
            }
        }
    }

    /// The reactor loop: signals first, then incoming connections, then peers finishing.
    async fn serve(
        &mut self,
        interrupt: &mut Interrupt,
        executor: &Rc<LocalExecutor<'static>>,
    ) -> i32 {
        enum Wake {
            Signal(Received),
            Incoming(crate::reactor::network::connection::Connection),
            Done(Key),
            Elapsed,
            Api(ApiRequest),
        }
        let api = self.api.clone();
        let mut deadline = match self.settings.run_for {
            Some(after) => async_io::Timer::after(after),
            None => async_io::Timer::never(),
        };
        loop {
            let wake = {
                let signal = async { Wake::Signal(interrupt.next().await) };
                let accepted = async { Wake::Incoming(self.listener.accept().await) };
                let done = async {
                    match self.done.1.recv().await {
                        Ok(key) => Wake::Done(key),
                        Err(_) => future::pending().await,
                    }
                };
                let elapsed = async {
                    (&mut deadline).await;
                    Wake::Elapsed
                };
                let request = async {
                    match &api {
                        Some(api) => Wake::Api(api.next().await),
                        None => future::pending().await,
                    }
                };
                signal.or(elapsed).or(accepted).or(done).or(request).await
            };
            // as ExaBGP, the helpers hear of a signal (0 for a helper's command) first
            match &wake {
                Wake::Signal(Received {
                    number: Some(number),
                    ..
                }) => self.tell_signal(*number),
                Wake::Api(ApiRequest::Shutdown | ApiRequest::Reload | ApiRequest::Restart) => {
                    self.tell_signal(0)
                }
                _ => {}
            }
            match wake {
                Wake::Signal(received) => match received.action {
                    Signal::Shutdown => return exit::NORMAL,
                    Signal::Restart => self.restart(executor),
                    Signal::Reload => self.reload(false, executor),
                    Signal::FullReload => self.reload(true, executor),
                },
                Wake::Elapsed => {
                    log::warn!(target: "reactor", "run time over, stopping");
                    return exit::NORMAL;
                }
                Wake::Incoming(connection) => self.incoming(connection, executor),
                Wake::Api(ApiRequest::Shutdown | ApiRequest::Terminate) => return exit::NORMAL,
                Wake::Api(ApiRequest::Reload) => self.reload(false, executor),
                Wake::Api(ApiRequest::Restart) => self.restart(executor),
                Wake::Api(ApiRequest::Peers { select, command }) => {
                    for running in self.peers.values() {
                        if select(running.config.neighbor()) {
                            running.handle.send(Control::Api(command.clone()));
                        }
                    }
                }
                Wake::Done(key) => {
                    self.finished(key, executor).await;
                    if self.settings.attempts > 0 && self.peers.is_empty() {
                        log::warn!(target: "reactor", "exiting on peer termination");
                        return exit::NORMAL;
                    }
                }
            }
        }
    }

    /// Tells every peer's helpers subscribed to `signal` of `number` (ExaBGP's loop, before it
    /// acts on the signal).
    fn tell_signal(&self, number: i32) {
        if let Some(api) = &self.api {
            for running in self.peers.values() {
                api.signal(running.config.neighbor(), number);
            }
        }
    }

    fn spawn(&mut self, config: C, executor: &Rc<LocalExecutor<'static>>) {
        let key = key(config.neighbor());
        log::debug!(target: "reactor", "new peer: {key}");
        let port = match config.neighbor().connect {
            0 if self.settings.port != 0 => self.settings.port,
            0 => BGP_PORT,
            port => port,
        };
        let (mut bridge, handle) = Bridge::new(
            config.neighbor().clone(),
            port,
            self.settings.record.clone(),
        );
        bridge = bridge
            .with_api(self.api.clone())
            .with_monitor(self.monitor.as_ref());
        let coroutine = (self.factory)(&config);
        let guard = DoneGuard {
            key: key.clone(),
            sender: self.done.0.clone(),
        };
        let task = executor.spawn(async move {
            let _guard = guard;
            bridge.run(coroutine).await
        });
        self.peers.insert(
            key,
            Running {
                config,
                handle,
                task,
                next: None,
                stopping: false,
            },
        );
    }

    /// Starts the peers of a freshly loaded configuration, as ExaBGP's `reload` (see [`plan`]):
    /// new ones start, removed ones stop, those whose session settings changed restart with
    /// the new definition, those whose routes changed keep their session and send only the
    /// difference, identical ones are left alone.
    fn apply(&mut self, configs: Vec<C>, executor: &Rc<LocalExecutor<'static>>) {
        let mut wanted: BTreeMap<Key, C> = configs
            .into_iter()
            .map(|config| (key(config.neighbor()), config))
            .collect();
        let mut listen: Vec<Neighbor> = Vec::new();
        let reconfigurable = self.reconfigure.is_some();
        for (key, running) in &mut self.peers {
            let next = wanted.remove(key);
            // Already ending (an earlier reload): start again with what is wanted now.
            if running.stopping {
                listen.extend(next.as_ref().map(|config| config.neighbor().clone()));
                running.next = next;
                continue;
            }
            match plan(&running.config, next.as_ref(), reconfigurable) {
                Plan::Stop => {
                    log::info!(target: "reactor", "removing peer: {key}");
                    running.stop(None);
                }
                Plan::Restart => {
                    log::info!(target: "reactor", "peer definition change, establishing a new connection for {key}");
                    listen.extend(next.as_ref().map(|config| config.neighbor().clone()));
                    running.stop(next);
                }
                Plan::Reconfigure => {
                    let Some(config) = next else { continue };
                    log::info!(target: "reactor", "peer routes change, keeping the session of {key}");
                    let send = self
                        .reconfigure
                        .as_ref()
                        .is_some_and(|reconfigure| reconfigure(&running.config, &config));
                    if send {
                        running.handle.send(Control::Api(PeerCommand::RibUpdated));
                    }
                    running.config = config;
                }
                Plan::Keep => {
                    log::debug!(target: "reactor", "peer definition identical for {key}");
                }
            }
        }
        listen.extend(wanted.values().map(|config| config.neighbor().clone()));
        for neighbor in &listen {
            self.listen_for(neighbor);
        }
        for (_, config) in wanted {
            self.spawn(config, executor);
        }
    }

    /// Adds a new neighbour's MD5 key to the `tcp.bind` sockets of its address family, as
    /// ExaBGP's reload does (the key belongs to the peer's address, set on the listening socket).
    fn listen_for(&mut self, neighbor: &Neighbor) {
        for ip in self.settings.bind.clone() {
            if ip.is_ipv4() != neighbor.peer_address.is_ipv4() {
                continue;
            }
            let _ = self.listener.listen_on(
                ip,
                Some(neighbor.peer_address),
                self.settings.port,
                neighbor.md5_password.as_deref(),
                neighbor.md5_base64,
                None,
            );
        }
    }

    /// Reloads the configuration (USR1, HUP, the API's `reload`; `full` for USR2, which also
    /// restarts the helpers whose `process` block changed).
    fn reload(&mut self, full: bool, executor: &Rc<LocalExecutor<'static>>) {
        log::info!(target: "configuration", "performing reload of exabgp-rs {}", env!("CARGO_PKG_VERSION"));
        match (self.load)() {
            Ok(configs) => {
                self.apply(configs, executor);
                if let Some(api) = &self.api {
                    api.reloaded(full);
                }
                log::info!(target: "reactor", "loaded new configuration successfully");
            }
            Err(error) => {
                log::error!(target: "configuration", "could not load/reload configuration");
                log::error!(target: "configuration", "{error}");
            }
        }
    }

    /// Every peer's session is torn down and established again (ExaBGP's `restart`).
    fn restart(&mut self, executor: &Rc<LocalExecutor<'static>>) {
        log::info!(target: "reactor", "performing restart of exabgp-rs {}", env!("CARGO_PKG_VERSION"));
        let mut wanted: BTreeMap<Key, C> = match (self.load)() {
            Ok(configs) => {
                if let Some(api) = &self.api {
                    api.reloaded(true);
                }
                configs
                    .into_iter()
                    .map(|config| (key(config.neighbor()), config))
                    .collect()
            }
            // Keep the running definitions, as ExaBGP.
            Err(_) => self
                .peers
                .iter()
                .map(|(key, running)| (key.clone(), running.config.clone()))
                .collect(),
        };
        for (key, running) in &mut self.peers {
            running.stop(wanted.remove(key));
        }
        for (_, config) in wanted {
            self.spawn(config, executor);
        }
    }

    /// A peer task ended: join it (so a panic surfaces here), and start its successor if any.
    async fn finished(&mut self, key: Key, executor: &Rc<LocalExecutor<'static>>) {
        let Some(running) = self.peers.remove(&key) else {
            return;
        };
        let outcome = running.task.await;
        log::debug!(target: "reactor", "peer ended ({outcome:?}): {key}");
        match running.next {
            Some(config) => self.spawn(config, executor),
            None => {
                if let Some(api) = &self.api {
                    api.ended(running.config.neighbor());
                }
            }
        }
    }

    /// Hands an accepted connection to the neighbour it belongs to, or refuses it with a Cease
    /// (6, 3) "no session configured for the peer", as ExaBGP.
    fn incoming(
        &mut self,
        connection: crate::reactor::network::connection::Connection,
        executor: &Rc<LocalExecutor<'static>>,
    ) {
        log::debug!(target: "network", "new connection received {}", connection.name());
        let peer = self
            .peers
            .values()
            .find(|running| listener::matches(running.config.neighbor(), &connection));
        match peer {
            Some(running) => {
                running.handle.send(Control::Incoming(connection));
            }
            None => {
                log::debug!(target: "network", "no session configured for {}", connection.name());
                executor
                    .spawn(incoming::notification(
                        connection,
                        6,
                        3,
                        "no session configured for the peer",
                    ))
                    .detach();
            }
        }
    }

    /// Stops listening, asks every peer to stop with a Cease, waits for them, removes the pid file.
    async fn shutdown(&mut self) {
        log::warn!(target: "reactor", "performing shutdown");
        self.listener.stop();
        for running in self.peers.values_mut() {
            running.next = None;
            running.handle.send(Control::Stop {
                subcode: CEASE_SHUTDOWN,
            });
        }
        for (_, running) in std::mem::take(&mut self.peers) {
            let _ = running.task.await;
        }
        if let Some(api) = &self.api {
            api.stop().await;
        }
        if let Some(monitor) = &self.monitor {
            monitor.stop().await;
        }
        self.settings.daemon.removepid();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reactor::peer::event::{Event, Resume, Yield};
    use std::cell::RefCell;
    use std::net::Ipv4Addr;

    /// What the test peers saw: the address of each peer started, and each API command.
    #[derive(Default)]
    struct Seen {
        started: Vec<IpAddr>,
        commands: Vec<(IpAddr, PeerCommand)>,
    }

    /// A peer that only waits for Stop, recording its start and the commands it is given.
    fn factory<C: Configured>(seen: Rc<RefCell<Seen>>) -> PeerFactory<C> {
        Box::new(move |config: &C| {
            let peer = config.neighbor().peer_address;
            seen.borrow_mut().started.push(peer);
            let seen = seen.clone();
            genawaiter::rc::Gen::new(move |co| {
                Box::pin(async move {
                    loop {
                        match co.yield_(Yield::Wait).await {
                            Resume::Event(Event::Stop { .. }) => return Outcome::Stopped,
                            Resume::Event(Event::Api(command)) => {
                                seen.borrow_mut().commands.push((peer, command))
                            }
                            _ => {}
                        }
                    }
                }) as std::pin::Pin<Box<dyn std::future::Future<Output = Outcome>>>
            })
        })
    }

    /// A neighbour with routes, as the daemon's `PeerConfig` (numbers stand for routes).
    #[derive(Clone, PartialEq, Debug)]
    struct Routed {
        neighbor: Neighbor,
        routes: Vec<u32>,
    }

    impl Configured for Routed {
        fn neighbor(&self) -> &Neighbor {
            &self.neighbor
        }
    }

    fn routed(last: u8, routes: &[u32]) -> Routed {
        let mut neighbor = Neighbor::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, last)));
        neighbor.local_as = 65000;
        neighbor.peer_as = 65001;
        Routed {
            neighbor,
            routes: routes.to_vec(),
        }
    }

    #[test]
    fn reload_plan_restarts_only_for_session_settings() {
        let running = routed(1, &[1, 2]);
        let mut other_routes = routed(1, &[1, 3]);
        assert_eq!(plan(&running, Some(&running.clone()), true), Plan::Keep);
        assert_eq!(plan(&running, Some(&other_routes), true), Plan::Reconfigure);
        assert_eq!(plan(&running, None, true), Plan::Stop);
        // a label is not a session setting
        other_routes.neighbor.description = "renamed".into();
        assert_eq!(plan(&running, Some(&other_routes), true), Plan::Reconfigure);
        // nothing can carry the routes to the running peer: it restarts
        assert_eq!(plan(&running, Some(&other_routes), false), Plan::Restart);
        let session_changes: [fn(&mut Neighbor); 5] = [
            |n| n.peer_as = 65002,
            |n| n.local_as = 65003,
            |n| n.hold_time = 90,
            |n| {
                n.families
                    .push(crate::protocol::family::Family::IPV6_UNICAST)
            },
            |n| n.capability.route_refresh = !n.capability.route_refresh,
        ];
        for change in session_changes {
            let mut changed = running.clone();
            change(&mut changed.neighbor);
            assert_eq!(plan(&running, Some(&changed), true), Plan::Restart);
        }
    }

    #[test]
    fn reload_sends_route_changes_to_the_running_peer_and_nothing_when_identical() {
        let seen = Rc::new(RefCell::new(Seen::default()));
        let load: Loader<Routed> = Box::new(|| Ok(Vec::new()));
        let reconfigured = Rc::new(RefCell::new(Vec::new()));
        let calls = reconfigured.clone();
        let reconfigure: Reconfigure<Routed> = Box::new(move |previous, next| {
            calls
                .borrow_mut()
                .push((previous.routes.clone(), next.routes.clone()));
            true
        });
        let mut reactor =
            Reactor::new(settings(), load, factory(seen.clone())).with_reconfigure(reconfigure);
        let executor = Rc::new(LocalExecutor::new());
        let inner = executor.clone();
        let one = routed(1, &[1, 2]);
        let two = routed(2, &[7]);
        let shared = seen.clone();
        async_io::block_on(executor.run(async move {
            reactor.apply(vec![one.clone(), two.clone()], &inner);
            // identical: no call, nothing sent (a command would arrive before the one below)
            reactor.apply(vec![one.clone(), two.clone()], &inner);
            // only the routes of one changed: its session stays and is told to send
            let moved = routed(1, &[1, 3]);
            reactor.apply(vec![moved.clone(), two.clone()], &inner);
            for _ in 0..10_000 {
                if !shared.borrow().commands.is_empty() {
                    break;
                }
                future::yield_now().await;
            }
            assert_eq!(
                shared.borrow().commands,
                [(one.neighbor.peer_address, PeerCommand::RibUpdated)]
            );
            assert!(reactor.peers.values().any(|r| r.config == moved));
            assert!(reactor.peers.values().all(|r| !r.stopping));

            // the AS of two changed: it restarts, with no command
            let mut renumbered = two.clone();
            renumbered.neighbor.peer_as = 65009;
            reactor.apply(vec![moved.clone(), renumbered.clone()], &inner);
            let key = reactor.done.1.recv().await.unwrap();
            reactor.finished(key, &inner).await;
            assert!(reactor.peers.values().any(|r| r.config == renumbered));
            reactor.shutdown().await;
        }));
        assert_eq!(*reconfigured.borrow(), [(vec![1, 2], vec![1, 3])]);
        let seen = seen.borrow();
        assert_eq!(seen.commands.len(), 1);
        let started = |last| {
            seen.started
                .iter()
                .filter(|ip| **ip == IpAddr::V4(Ipv4Addr::new(192, 0, 2, last)))
                .count()
        };
        assert_eq!(started(1), 1, "kept through the route change");
        assert_eq!(started(2), 2, "restarted when its AS changed");
    }

    fn settings() -> Settings {
        Settings {
            bind: Vec::new(),
            port: 179,
            attempts: 0,
            daemon: Daemon::new(None, String::new(), false, 0o022),
            record: None,
            delay: 0,
            run_for: None,
        }
    }

    #[test]
    fn reload_diff_keeps_restarts_and_stops_peers() {
        let one = Neighbor::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)));
        let two = Neighbor::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2)));
        let mut changed = two.clone();
        changed.hold_time = 90;
        let seen = Rc::new(RefCell::new(Seen::default()));
        let load: Loader<Neighbor> = Box::new(|| Ok(Vec::new()));
        let mut reactor = Reactor::new(settings(), load, factory(seen.clone()));
        let executor = Rc::new(LocalExecutor::new());
        let inner = executor.clone();
        async_io::block_on(executor.run(async move {
            let wait_done = |reactor: &mut Reactor<Neighbor>| {
                let receiver = reactor.done.1.clone();
                async move { receiver.recv().await.unwrap() }
            };
            reactor.apply(vec![one.clone(), two.clone()], &inner);
            assert_eq!(reactor.peers.len(), 2);

            // Identical: kept. Changed: stopped, then started again with the new definition.
            reactor.apply(vec![one.clone(), changed.clone()], &inner);
            let key = wait_done(&mut reactor).await;
            reactor.finished(key, &inner).await;
            assert_eq!(reactor.peers.len(), 2);
            assert!(reactor
                .peers
                .values()
                .any(|running| running.config == changed));

            // Removed, then back before its task ended: it comes back.
            reactor.apply(vec![one.clone()], &inner);
            reactor.apply(vec![one.clone(), changed.clone()], &inner);
            let key = wait_done(&mut reactor).await;
            reactor.finished(key, &inner).await;
            assert_eq!(reactor.peers.len(), 2);

            // Removed for good.
            reactor.apply(vec![one.clone()], &inner);
            let key = wait_done(&mut reactor).await;
            reactor.finished(key, &inner).await;
            assert_eq!(reactor.peers.len(), 1);
            reactor.shutdown().await;
            assert!(reactor.peers.is_empty());
        }));
        let seen = seen.borrow();
        let started = &seen.started;
        let twos = started
            .iter()
            .filter(|ip| **ip == IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2)))
            .count();
        assert_eq!(
            started
                .iter()
                .filter(|ip| **ip == IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)))
                .count(),
            1
        );
        assert_eq!(
            twos, 3,
            "started, restarted when changed, restarted when re-added"
        );
    }

    /// Records what the reactor tells the API, and asks it for what comes next: a restart
    /// once told of a signal, to stop once told of that restart.
    struct Told {
        log: RefCell<Vec<String>>,
        requests: (
            async_channel::Sender<ApiRequest>,
            async_channel::Receiver<ApiRequest>,
        ),
    }

    impl ApiHook for Told {
        fn start(&self, _: &Rc<LocalExecutor<'static>>) {}
        fn reloaded(&self, restart: bool) {
            self.log.borrow_mut().push(format!("reloaded {restart}"));
        }
        fn next(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = ApiRequest> + '_>> {
            Box::pin(async move {
                match self.requests.1.recv().await {
                    Ok(request) => request,
                    Err(_) => future::pending().await,
                }
            })
        }
        fn event(&self, _: &Neighbor, _: &crate::reactor::peer::event::ApiEvent) {}
        fn fsm(&self, _: &Neighbor, _: crate::bgp::fsm::State) {}
        fn signal(&self, neighbor: &Neighbor, number: i32) {
            self.log
                .borrow_mut()
                .push(format!("{} signal {number}", neighbor.peer_address));
            let next = if number == 0 {
                ApiRequest::Terminate
            } else {
                ApiRequest::Restart
            };
            let _ = self.requests.0.try_send(next);
        }
        fn sent(&self, _: &Neighbor, _: &bytes::Bytes) {}
        fn ended(&self, _: &Neighbor) {}
        fn stop(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + '_>> {
            Box::pin(async {})
        }
    }

    #[test]
    fn helpers_hear_of_a_signal_before_the_reactor_acts_on_it() {
        let told = Rc::new(Told {
            log: RefCell::new(Vec::new()),
            requests: async_channel::unbounded(),
        });
        let one = routed(1, &[]);
        let configs = vec![one.clone()];
        let load: Loader<Routed> = Box::new(move || Ok(configs.clone()));
        let seen = Rc::new(RefCell::new(Seen::default()));
        let mut reactor = Reactor::new(settings(), load, factory(seen)).with_api(told.clone());
        let executor = Rc::new(LocalExecutor::new());
        let inner = executor.clone();
        let code = async_io::block_on(executor.run(async move {
            let mut interrupt = Interrupt::new().unwrap();
            reactor.apply(vec![one], &inner);
            // a real USR1 to this process, queued until the loop reads it
            let sent = std::process::Command::new("sh")
                .args(["-c", &format!("kill -USR1 {}", std::process::id())])
                .status()
                .unwrap();
            assert!(sent.success());
            let code = reactor.serve(&mut interrupt, &inner).await;
            reactor.shutdown().await;
            code
        }));
        assert_eq!(code, exit::NORMAL);
        // USR1 (its number), then the restart a helper asked for (0), each before the reactor
        // acted; the helper's request to terminate is not a signal
        assert_eq!(
            *told.log.borrow(),
            [
                format!("192.0.2.1 signal {}", libc::SIGUSR1),
                "reloaded false".into(),
                "192.0.2.1 signal 0".into(),
                "reloaded true".into(),
            ]
        );
    }
}
