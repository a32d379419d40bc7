//! exabgp-rs only (no ExaBGP file): what operators watch a daemon with, all off by default —
//! Prometheus [`metrics`], an [`mrt`] dump (RFC 6396) of the sessions' messages and a [`bmp`]
//! feed (RFC 7854) to a collector. Each peer's bridge tells its [`Peer`] what happens.

pub mod bmp;
pub mod metrics;
pub mod mrt;

use crate::bgp::fsm::State;
use crate::bgp::message::MessageType;
use crate::bgp::neighbor::Neighbor;
use crate::reactor::peer::event::ApiEvent;
use async_executor::{LocalExecutor, Task};
use async_io::Async;
use bytes::Bytes;
use std::cell::{Cell, RefCell};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::rc::Rc;
use std::time::SystemTime;

/// `[exabgp.metrics]`, `[exabgp.mrt]` and `[exabgp.bmp]`: what is on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    pub metrics: Option<SocketAddr>,
    pub mrt: Option<mrt::Settings>,
    pub bmp: Option<SocketAddr>,
}

impl Settings {
    pub fn from_environment(environment: &crate::environment::Environment) -> Settings {
        let e = environment;
        Settings {
            metrics: e
                .metrics
                .enable
                .then(|| SocketAddr::new(e.metrics.address, e.metrics.port)),
            mrt: e.mrt.enable.then(|| mrt::Settings {
                file: e.mrt.file.clone().into(),
                sent: e.mrt.sent,
                rotate: e.mrt.rotate,
                size: e.mrt.size,
            }),
            bmp: e
                .bmp
                .enable
                .then(|| SocketAddr::new(e.bmp.address, e.bmp.port)),
        }
    }

    pub fn any(&self) -> bool {
        self.metrics.is_some() || self.mrt.is_some() || self.bmp.is_some()
    }
}

/// The outputs that are on, shared by every peer's bridge.
pub struct Monitor {
    /// Bound in [`Monitor::new`], served from [`Monitor::start`]: no async-io before the fork.
    metrics: Option<TcpListener>,
    mrt: RefCell<Option<mrt::Writer>>,
    mrt_sent: bool,
    bmp: Option<Rc<bmp::Feed>>,
    source: Rc<dyn metrics::Source>,
    peers: Cell<u64>,
    tasks: RefCell<Vec<Task<()>>>,
}

impl Monitor {
    /// Binds the metrics port and opens the MRT file now, so that a wrong setting stops the
    /// start with its reason. `source`: where scrapes read the figures.
    pub fn new(settings: &Settings, source: Rc<dyn metrics::Source>) -> Result<Monitor, String> {
        let metrics = match settings.metrics {
            Some(address) => Some(
                TcpListener::bind(address)
                    .map_err(|error| format!("metrics: can not listen on {address}: {error}"))?,
            ),
            None => None,
        };
        let mrt =
            match &settings.mrt {
                Some(mrt) => Some(mrt::Writer::open(mrt.clone()).map_err(|error| {
                    format!("mrt: can not write {}: {error}", mrt.file.display())
                })?),
                None => None,
            };
        Ok(Monitor {
            metrics,
            mrt: RefCell::new(mrt),
            mrt_sent: settings.mrt.as_ref().is_some_and(|m| m.sent),
            bmp: settings.bmp.map(|address| Rc::new(bmp::Feed::new(address))),
            source,
            peers: Cell::new(0),
            tasks: RefCell::default(),
        })
    }

    /// The metrics port actually bound (port 0 picks one).
    pub fn metrics_address(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// Starts serving scrapes and reaching the collector, on the reactor's executor.
    pub fn start(self: &Rc<Monitor>, executor: &Rc<LocalExecutor<'static>>) {
        if let Some(listener) = &self.metrics {
            let listener = listener.try_clone().and_then(Async::new);
            match listener {
                Ok(listener) => {
                    log::info!(target: "reactor", "metrics: serving http://{}/metrics", listener.get_ref().local_addr().map_or_else(|_| "?".into(), |a| a.to_string()));
                    let task = executor.spawn(metrics::serve(
                        listener,
                        self.source.clone(),
                        executor.clone(),
                    ));
                    self.tasks.borrow_mut().push(task);
                }
                Err(error) => log::error!(target: "reactor", "metrics: {error}"),
            }
        }
        if let Some(bmp) = &self.bmp {
            bmp.start(executor);
        }
        if let Some(mrt) = &mut *self.mrt.borrow_mut() {
            if let Err(error) = mrt.run() {
                log::error!(target: "reactor", "mrt: can not start writing: {error}");
            }
        }
    }

    /// The daemon stops: the collector gets its Termination and the MRT file is flushed.
    pub async fn stop(&self) {
        if let Some(bmp) = &self.bmp {
            bmp.stop().await;
        }
        if let Some(mut mrt) = self.mrt.borrow_mut().take() {
            mrt.close();
        }
        self.tasks.borrow_mut().clear();
    }

    /// The handle one peer's bridge reports through.
    pub fn peer(self: &Rc<Monitor>, neighbor: &Neighbor) -> Peer {
        let id = self.peers.get();
        self.peers.set(id + 1);
        Peer {
            monitor: self.clone(),
            id,
            local: None,
            remote: None,
            opens: None,
            as4: None,
            notification: None,
            up: false,
            peer_as: neighbor.peer_as,
            local_as: neighbor.local_as,
        }
    }

    fn mrt(&self, record: impl FnOnce() -> Vec<u8>) {
        if let Some(mrt) = &*self.mrt.borrow() {
            mrt.write(record());
        }
    }
}

/// What one peer's session looks like to the monitoring outputs.
pub struct Peer {
    monitor: Rc<Monitor>,
    id: u64,
    local: Option<SocketAddr>,
    remote: Option<SocketAddr>,
    /// The OPENs both sides sent (headers included), once agreed.
    opens: Option<(Bytes, Bytes)>,
    /// Whether the session has 4-octet AS numbers, once agreed.
    as4: Option<bool>,
    /// The last NOTIFICATION of the session, and whether we sent it.
    notification: Option<(bool, Bytes)>,
    up: bool,
    peer_as: u32,
    local_as: u32,
}

impl Peer {
    fn endpoints(&self, neighbor: &Neighbor) -> mrt::Endpoints {
        mrt::Endpoints {
            peer_as: self.peer_as,
            local_as: self.local_as,
            peer: self.remote.map_or(neighbor.peer_address, |r| r.ip()),
            local: self
                .local
                .map(|l| l.ip())
                .or(neighbor.local_address)
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        }
    }

    fn as4(&self) -> bool {
        self.as4
            .unwrap_or(self.peer_as > 0xffff || self.local_as > 0xffff)
    }

    fn header(&self, neighbor: &Neighbor) -> bmp::PeerHeader {
        let id = self
            .opens
            .as_ref()
            .and_then(|(_, received)| received.get(19 + 5..19 + 9))
            .and_then(|id| id.try_into().ok())
            .unwrap_or([0; 4]);
        bmp::PeerHeader {
            address: self.remote.map_or(neighbor.peer_address, |r| r.ip()),
            asn: self.peer_as,
            id,
            as2: !self.as4(),
        }
    }

    /// The FSM moved from `from` to `to`.
    pub fn transition(&mut self, neighbor: &Neighbor, from: State, to: State) {
        let endpoints = self.endpoints(neighbor);
        self.monitor.mrt(|| {
            mrt::state_change(
                SystemTime::now(),
                &endpoints,
                metrics::state_code(from),
                metrics::state_code(to),
            )
        });
    }

    /// We are sending `message` (header included).
    pub fn sent(&mut self, neighbor: &Neighbor, message: &Bytes) {
        if message.get(18) == Some(&MessageType::NOTIFICATION.0) {
            self.notification = Some((true, message.clone()));
        }
        if self.monitor.mrt_sent {
            let endpoints = self.endpoints(neighbor);
            let as4 = self.as4();
            self.monitor
                .mrt(|| mrt::message(SystemTime::now(), &endpoints, as4, true, message));
        }
    }

    /// Something happened on the session.
    pub fn event(&mut self, neighbor: &Neighbor, event: &ApiEvent) {
        match event {
            ApiEvent::Connected { local, peer } => {
                self.local = Some(*local);
                self.remote = Some(*peer);
                self.notification = None;
            }
            ApiEvent::Negotiated {
                sent,
                received,
                negotiated,
            } => {
                // the bridge's events come from a live session: agreed by the coroutine
                self.as4 = negotiated.get().map(|negotiated| negotiated.asn4);
                self.opens = Some((
                    crate::bgp::message::message(MessageType::OPEN, sent),
                    crate::bgp::message::message(MessageType::OPEN, received),
                ));
            }
            ApiEvent::Up => {
                self.up = true;
                let Some(bmp) = &self.monitor.bmp else {
                    return;
                };
                let (Some((sent, received)), Some(local), Some(remote)) =
                    (&self.opens, self.local, self.remote)
                else {
                    return;
                };
                let message = bmp::peer_up(
                    &self.header(neighbor),
                    SystemTime::now(),
                    local,
                    remote.port(),
                    sent,
                    received,
                );
                bmp.session(self.id, Some(message));
            }
            ApiEvent::Down(_) => self.down(neighbor, false),
            ApiEvent::Received { kind, body, .. } => {
                let needed = self.monitor.mrt.borrow().is_some()
                    || (self.up && self.monitor.bmp.is_some() && *kind == MessageType::UPDATE.0)
                    || *kind == MessageType::NOTIFICATION.0;
                if !needed {
                    return;
                }
                let raw = crate::bgp::message::message(MessageType(*kind), body);
                if *kind == MessageType::NOTIFICATION.0 {
                    self.notification = Some((false, raw.clone()));
                }
                let endpoints = self.endpoints(neighbor);
                let as4 = self.as4();
                self.monitor
                    .mrt(|| mrt::message(SystemTime::now(), &endpoints, as4, false, &raw));
                if let (true, Some(bmp)) = (self.up, &self.monitor.bmp) {
                    if *kind == MessageType::UPDATE.0 {
                        bmp.send(bmp::route_monitoring(
                            &self.header(neighbor),
                            SystemTime::now(),
                            &raw,
                        ));
                    }
                }
            }
        }
    }

    fn down(&mut self, neighbor: &Neighbor, deconfigured: bool) {
        if self.up {
            if let Some(bmp) = &self.monitor.bmp {
                let why = match (deconfigured, self.notification.take()) {
                    (true, _) => bmp::Down::Deconfigured,
                    (false, Some((true, n))) => bmp::Down::LocalNotification(n),
                    (false, Some((false, n))) => bmp::Down::RemoteNotification(n),
                    (false, None) => bmp::Down::RemoteClosed,
                };
                bmp.send(bmp::peer_down(
                    &self.header(neighbor),
                    SystemTime::now(),
                    &why,
                ));
                bmp.session(self.id, None);
            }
        }
        self.up = false;
        self.opens = None;
        self.as4 = None;
    }

    /// The peer stopped for good (a reload removed it, or the daemon stops).
    pub fn stopped(&mut self, neighbor: &Neighbor) {
        self.down(neighbor, true);
    }
}
