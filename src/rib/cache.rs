//! Ports `exabgp/rib/cache.py`: what the peer has been sent, per family, for deduplication
//! and for resending on route refresh or reconnection.

use super::path::Path;
use super::route::{key, Keyed, RibNlri, Route};
use crate::protocol::family::Family;
use crate::util::hash::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

/// One route the peer has: the NLRI is the map key, so it is stored once, and its next-hop
/// and attributes are one pointer to the path it shares with every route that has the same.
pub(crate) type Sent<A> = Arc<Path<A>>;

/// The adj-rib-out proper: the routes last sent to the peer, per family, one per route
/// identity ([`RibNlri::same_route`], ExaBGP's `Route.index()`).
///
/// Unlike ExaBGP's cache, which is updated when a route is queued, this one is updated when
/// the queued changes are drained to the wire, so it always says what the peer has.
#[derive(Debug)]
pub struct Cache<N, A> {
    /// `adj-rib-out` of the neighbour: when off nothing is remembered, so nothing is
    /// deduplicated nor resent.
    pub(crate) enabled: bool,
    seen: HashMap<Family, HashMap<Keyed<N>, Sent<A>>>,
}

impl<N: RibNlri, A: Eq> Cache<N, A> {
    pub fn new(enabled: bool) -> Cache<N, A> {
        Cache {
            enabled,
            seen: HashMap::default(),
        }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    pub fn clear_cache(&mut self) {
        self.seen.clear();
    }

    /// Forgets the families not in `keep` (after a reload changed the neighbour's families).
    pub fn delete_cached_family(&mut self, keep: &[Family]) {
        self.seen.retain(|family, _| keep.contains(family));
    }

    /// The routes the peer has in `families`.
    pub fn cached_routes<'a>(
        &'a self,
        families: &'a [Family],
    ) -> impl Iterator<Item = Route<N, A>> + 'a {
        families
            .iter()
            .filter_map(|family| self.seen.get(family))
            .flat_map(|routes| {
                routes.iter().map(|(nlri, sent)| Route {
                    nlri: nlri.0.clone(),
                    nexthop: sent.nexthop,
                    attributes: Arc::clone(&sent.attributes),
                })
            })
    }

    /// The routes the peer has in `families`, by path.
    pub(crate) fn cached_paths<'a>(
        &'a self,
        families: &'a [Family],
    ) -> impl Iterator<Item = (&'a N, &'a Arc<Path<A>>)> + 'a {
        families
            .iter()
            .filter_map(|family| self.seen.get(family))
            .flat_map(|routes| routes.iter().map(|(nlri, sent)| (&nlri.0, sent)))
    }

    /// The path of the route `nlri` names (whatever its labels).
    pub(crate) fn path_of(&self, nlri: &N) -> Option<&Arc<Path<A>>> {
        self.seen.get(&nlri.family())?.get(key(nlri))
    }

    /// Whether the peer already has exactly this route (same NLRI, labels included, next-hop
    /// and attributes). ExaBGP compares the index alone, so a label change was not sent.
    pub fn in_cache(&self, route: &Route<N, A>) -> bool {
        self.sent(&route.nlri).is_some_and(|sent| {
            sent.nexthop == route.nexthop
                && (Arc::ptr_eq(&sent.attributes, &route.attributes)
                    || sent.attributes == route.attributes)
        })
    }

    /// `in_cache` of a route by its path (interned: the same path is the same pointer).
    pub(crate) fn has(&self, nlri: &N, path: &Arc<Path<A>>) -> bool {
        self.sent(nlri).is_some_and(|sent| {
            Arc::ptr_eq(sent, path)
                || (sent.nexthop == path.nexthop && sent.attributes == path.attributes)
        })
    }

    /// The path the peer has for exactly `nlri` (labels included).
    fn sent(&self, nlri: &N) -> Option<&Sent<A>> {
        let (key_nlri, sent) = self
            .seen
            .get(&nlri.family())
            .and_then(|routes| routes.get_key_value(key(nlri)))?;
        (key_nlri.0 == *nlri).then_some(sent)
    }

    /// Whether the peer has the route `nlri` names.
    pub fn contains(&self, nlri: &N) -> bool {
        self.seen
            .get(&nlri.family())
            .is_some_and(|routes| routes.contains_key(key(nlri)))
    }

    /// Number of routes the peer has.
    pub fn len(&self) -> usize {
        self.seen.values().map(HashMap::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Makes room for `routes` routes of `family` about to be recorded, as if those it
    /// has were among them (a table sent again replaces itself).
    pub fn reserve(&mut self, family: Family, routes: usize) {
        if self.enabled {
            let seen = self.seen.entry(family).or_default();
            seen.reserve(routes.saturating_sub(seen.len()));
        }
    }

    /// Records that the peer was sent `nlri` with this path; it replaces the route of the
    /// same identity (whose labels may differ).
    pub(crate) fn update_cache(&mut self, nlri: &N, path: &Arc<Path<A>>) {
        if !self.enabled {
            return;
        }
        let sent = Arc::clone(path);
        let routes = self.seen.entry(nlri.family()).or_default();
        match routes.entry(Keyed(nlri.clone())) {
            Entry::Vacant(vacant) => {
                vacant.insert(sent);
            }
            Entry::Occupied(mut occupied) if occupied.key().0 == *nlri => {
                occupied.insert(sent);
            }
            // the map keeps its old key on insert: replace it, so the new labels are kept
            Entry::Occupied(occupied) => {
                occupied.remove();
                routes.insert(Keyed(nlri.clone()), sent);
            }
        }
    }

    /// Records that the peer was sent a withdraw of `nlri`.
    pub fn update_cache_withdraw(&mut self, nlri: &N) {
        if let Some(routes) = self.seen.get_mut(&nlri.family()) {
            routes.remove(key(nlri));
        }
    }
}
