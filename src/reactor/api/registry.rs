//! The peers as the API knows them (ExaBGP's `reactor.peers()` seen from `reactor/api/`):
//! configuration, adj-rib-out shared with the peer coroutine, what the session agreed, the
//! counters `show neighbor` reports (`Peer.stats`), keyed by [`PeerKey`]. Sans-IO: times are
//! durations since the daemon started, given by the caller.

use super::command::announce;
use crate::bgp::fsm::State;
use crate::bgp::message::open::capability::negotiated::Negotiated;
use crate::bgp::message::open::Open;
use crate::bgp::message::update::Update;
use crate::bgp::neighbor::{Neighbor, PeerKey};
use crate::configuration::PeerConfig;
use crate::rib::outgoing::AdjRibOut;
use crate::rib::{Change, IncomingRib, Route};
use crate::util::hash::HashMap;
use std::cell::RefCell;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

/// A peer as the API knows it: its configuration, its adj-rib-out (shared with the peer
/// coroutine) and what its session agreed.
pub(crate) struct Registered {
    pub(crate) config: PeerConfig,
    pub(crate) rib: Rc<RefCell<AdjRibOut>>,
    pub(crate) negotiated: Option<Negotiated>,
    /// `negotiated` as every UPDATE's JSON appends it, written once per session.
    pub(crate) negotiated_json: Option<String>,
    pub(crate) local: Option<SocketAddr>,
    /// The `counter` of the JSON messages about this peer.
    pub(crate) counter: u64,
    pub(crate) established: bool,
    /// What `show neighbor` reports.
    pub(crate) stats: Stats,
    /// The peer's OPEN, for the capabilities `show neighbor` compares.
    pub(crate) received_open: Option<Open>,
    /// The routes the peer sent (`show adj-rib in`), when the neighbour keeps them.
    pub(crate) rib_in: IncomingRib,
    /// The peer runs (it stopped for good otherwise; what helpers announced to it is kept in
    /// case a reload brings it back).
    pub(crate) running: bool,
}

impl Registered {
    /// A peer (re)started at `now` with `rib` (which holds what helpers announced to it
    /// before, see `Api::register`).
    pub(crate) fn new(
        config: &PeerConfig,
        rib: Rc<RefCell<AdjRibOut>>,
        now: Duration,
    ) -> Registered {
        Registered {
            // the API reads the neighbour and its api blocks, not the configured routes: a
            // million of them would be held twice
            config: PeerConfig {
                neighbor: config.neighbor.clone(),
                api: config.api.clone(),
                changes: Vec::new(),
                flows: Vec::new(),
                operational: Vec::new(),
            },
            rib,
            negotiated: None,
            negotiated_json: None,
            local: None,
            counter: 0,
            established: false,
            stats: Stats::new(now),
            received_open: None,
            rib_in: IncomingRib::new(config.neighbor.adj_rib_in),
            running: true,
        }
    }

    /// Queues routes a helper announced in the adj-rib-out, marked as a helper's so that
    /// they outlive a restart of the peer on reload (ExaBGP keeps them in its cache).
    pub(crate) fn announce(&self, changes: Vec<Change>) {
        let mut rib = self.rib.borrow_mut();
        for change in changes {
            let watchdog = change.tags.and_then(|tags| tags.watchdog);
            if watchdog.is_some() {
                // the watchdog holds them as configured routes
                let route = Route::new(change.nlri, change.nexthop, change.attributes);
                rib.rib
                    .add_to_rib_watchdog(route, watchdog.as_deref(), change.withdraw);
                continue;
            }
            // one path for the routes that share it (a million routes from a helper would
            // otherwise hold a million)
            let path = rib.rib.path(change.nexthop, change.attributes, true);
            rib.rib.add_path_to_rib(change.nlri, path, false);
        }
    }

    /// Queues the withdrawal of routes a helper withdrew.
    pub(crate) fn withdraw(&self, changes: Vec<Change>) {
        let mut rib = self.rib.borrow_mut();
        for change in changes {
            let attributes = announce::withdrawn_attributes(&change);
            rib.rib
                .del_nlri_from_rib(change.nlri, Some(Arc::new(attributes)));
        }
    }

    /// A message the peer sent: counted, and an UPDATE's routes counted and kept in the
    /// adj-rib-in (ExaBGP's update handler).
    pub(crate) fn count_received(&mut self, kind: u8, update: Option<&Update>) {
        self.stats.count(kind, false);
        let Some(update) = update else {
            return;
        };
        self.stats.prefixes += update.announces.len() as u64;
        self.stats.withdraws += update.withdraws.len() as u64;
        self.rib_in.update(update);
    }

    /// The FSM entered `state` at `now`.
    pub(crate) fn entered(&mut self, state: State, now: Duration) {
        let stats = &mut self.stats;
        match state {
            State::Established => stats.complete = Some(now),
            // the session closed: ExaBGP's `_close` starts the counters again
            State::Idle if stats.state != State::Idle => *stats = Stats::new(now),
            _ => {}
        }
        stats.state = state;
    }
}

/// ExaBGP's peer `stats`: the FSM state, when the session went up or down, and the messages
/// and prefixes counted since (reset when the session closes, as ExaBGP's `_close`).
pub(crate) struct Stats {
    pub(crate) state: State,
    /// When the session last closed (or the peer started).
    pub(crate) reset: Duration,
    /// When the session was established, while it is.
    pub(crate) complete: Option<Duration>,
    /// Per message type (OPEN, UPDATE, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH): sent, received.
    pub(crate) messages: [(u64, u64); 5],
    pub(crate) prefixes: u64,
    pub(crate) withdraws: u64,
    /// Routes announced to the peer, counted only while the metrics endpoint is on.
    pub(crate) announced_sent: u64,
}

impl Stats {
    fn new(now: Duration) -> Stats {
        Stats {
            state: State::Idle,
            reset: now,
            complete: None,
            messages: [(0, 0); 5],
            prefixes: 0,
            withdraws: 0,
            announced_sent: 0,
        }
    }

    /// Counts a message of type `kind` (the header's type byte).
    pub(crate) fn count(&mut self, kind: u8, sent: bool) {
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

/// The registered peers in the order they were (last) started, as `show neighbor` lists them,
/// found by key without a scan: a reactor with a thousand peers reports each message of each.
#[derive(Default)]
pub(crate) struct Registry {
    peers: Vec<Registered>,
    index: HashMap<PeerKey, usize>,
}

impl Registry {
    /// Adds `peer`, replacing (and returning) the one of the same key, which goes last.
    pub(crate) fn insert(&mut self, peer: Registered) -> Option<Registered> {
        let previous = self.remove(&peer.config.neighbor.key());
        self.index
            .insert(peer.config.neighbor.key(), self.peers.len());
        self.peers.push(peer);
        previous
    }

    fn remove(&mut self, key: &PeerKey) -> Option<Registered> {
        let at = self.index.remove(key)?;
        let peer = self.peers.remove(at);
        for index in self.index.values_mut() {
            if *index > at {
                *index -= 1;
            }
        }
        Some(peer)
    }

    pub(crate) fn get(&self, neighbor: &Neighbor) -> Option<&Registered> {
        self.index
            .get(&neighbor.key())
            .and_then(|&at| self.peers.get(at))
    }

    pub(crate) fn get_mut(&mut self, neighbor: &Neighbor) -> Option<&mut Registered> {
        self.index
            .get(&neighbor.key())
            .and_then(|&at| self.peers.get_mut(at))
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Registered> {
        self.peers.iter()
    }

    /// The peers that run, in order.
    pub(crate) fn running(&self) -> impl Iterator<Item = &Registered> {
        self.peers.iter().filter(|peer| peer.running)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bgp::message::update::nlri::{Cidr, Inet, Nlri, PathInfo};
    use crate::protocol::family::Family;

    fn config(peer: &str, local: Option<&str>) -> PeerConfig {
        let mut neighbor = Neighbor::new(peer.parse().unwrap());
        neighbor.local_address = local.map(|ip| ip.parse().unwrap());
        neighbor.families = vec![Family::IPV4_UNICAST];
        PeerConfig {
            neighbor,
            api: Default::default(),
            changes: Vec::new(),
            flows: Vec::new(),
            operational: Vec::new(),
        }
    }

    fn peer(config: &PeerConfig) -> Registered {
        let rib = AdjRibOut::new(config.neighbor.families.clone(), true, true);
        Registered::new(config, Rc::new(RefCell::new(rib)), Duration::ZERO)
    }

    /// Peers are told apart by addresses and families, found after others left, and a
    /// restarted peer replaces its predecessor and is listed last, as ExaBGP re-adds it.
    #[test]
    fn peers_are_found_by_key_and_replaced_in_place_of_order() {
        let a = config("192.0.2.1", None);
        let b = config("192.0.2.2", None);
        let b_other_local = config("192.0.2.2", Some("192.0.2.254"));
        let mut registry = Registry::default();
        assert!(registry.insert(peer(&a)).is_none());
        assert!(registry.insert(peer(&b)).is_none());
        assert!(registry.insert(peer(&b_other_local)).is_none());
        let addresses = |registry: &Registry| -> Vec<String> {
            registry
                .iter()
                .map(|p| p.config.neighbor.key().to_string())
                .collect()
        };
        assert_eq!(addresses(&registry).len(), 3);

        registry.get_mut(&a.neighbor).unwrap().counter = 7;
        let replaced = registry.insert(peer(&a)).expect("the same key replaces");
        assert_eq!(replaced.counter, 7);
        assert_eq!(registry.get(&a.neighbor).unwrap().counter, 0);
        let order = addresses(&registry);
        assert!(order[2].starts_with("neighbor 192.0.2.1 "), "{order:?}");
        // the index still finds the peers that moved up
        assert_eq!(
            registry
                .get(&b.neighbor)
                .unwrap()
                .config
                .neighbor
                .local_address,
            None
        );
        assert!(registry
            .get(&b_other_local.neighbor)
            .unwrap()
            .config
            .neighbor
            .local_address
            .is_some());
        assert!(registry.get(&config("192.0.2.3", None).neighbor).is_none());
    }

    /// The counters start again when a session closes, as ExaBGP's `_close`, and the
    /// adj-rib-in follows what the peer sent.
    #[test]
    fn stats_reset_on_close_and_rib_in_follows_updates() {
        let mut a = config("192.0.2.1", None);
        a.neighbor.adj_rib_in = true;
        let mut registered = peer(&a);
        let nlri = Nlri::Inet(Inet::new(
            Family::IPV4_UNICAST,
            Cidr::new("10.0.0.0".parse().unwrap(), 8).unwrap(),
            PathInfo::Disabled,
        ));
        let mut update = Update::default();
        update
            .announces
            .push(crate::bgp::message::update::RoutedNlri {
                nlri: nlri.clone(),
                nexthop: Some("192.0.2.1".parse().unwrap()),
            });
        registered.entered(State::Established, Duration::from_secs(5));
        registered.count_received(2, Some(&update));
        assert_eq!(registered.stats.complete, Some(Duration::from_secs(5)));
        assert_eq!(registered.stats.messages[1], (0, 1));
        assert_eq!(registered.stats.prefixes, 1);
        let families = [Family::IPV4_UNICAST];
        assert_eq!(registered.rib_in.routes(&families).count(), 1);

        registered.entered(State::Idle, Duration::from_secs(9));
        assert_eq!(registered.stats.messages[1], (0, 0));
        assert_eq!(registered.stats.reset, Duration::from_secs(9));
        assert_eq!(registered.stats.complete, None);
    }
}
