//! The routes helpers announced and did not withdraw, kept per peer so that they outlive a
//! restart of its session on reload, as ExaBGP's reload replaces only the configured routes
//! (`rib/outgoing.py` keeps them in its cache; here the adj-rib-out is rebuilt, so they are
//! kept apart).

use super::outgoing::OutgoingRib;
use super::path::Path;
use super::route::{key, Keyed};
use super::Route;
use crate::bgp::message::update::attribute::Attributes;
use crate::bgp::message::update::nlri::Nlri;
use crate::util::hash::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

/// The routes helpers announced and did not withdraw, replayed into a restarted peer's
/// adj-rib-out in the order they were last announced. Keyed by NLRI: replacing or withdrawing
/// one must not scan them all (a helper may announce a million); the order is a sequence number
/// sorted on only at a replay, which is rare.
#[derive(Default)]
pub struct Announced {
    /// Keyed by route identity, as the adj-rib-out: a withdraw with other labels finds it.
    /// The path is the adj-rib-out's, shared: 16 bytes a route beside its NLRI.
    routes: HashMap<Keyed<Nlri>, (u64, Arc<Path<Attributes>>)>,
    next: u64,
}

impl Announced {
    pub fn insert(&mut self, nlri: Nlri, path: Arc<Path<Attributes>>) {
        let at = self.next;
        self.next += 1;
        // one lookup (a helper's table is a million inserts); the clone is a copy for unicast
        match self.routes.entry(Keyed(nlri.clone())) {
            Entry::Vacant(vacant) => {
                vacant.insert((at, path));
            }
            Entry::Occupied(mut occupied) if occupied.key().0 == nlri => {
                occupied.insert((at, path));
            }
            // the map keeps its old key on insert, and with it the old labels: replace it
            Entry::Occupied(occupied) => {
                occupied.remove();
                self.routes.insert(Keyed(nlri), (at, path));
            }
        }
    }

    pub fn remove(&mut self, nlri: &Nlri) {
        self.routes.remove(key(nlri));
    }

    pub fn contains(&self, nlri: &Nlri) -> bool {
        self.routes.contains_key(key(nlri))
    }

    pub fn clear(&mut self) {
        *self = Announced::default();
    }

    /// Queues the routes in `rib` (a restarted peer's), oldest announcement first: the same
    /// routes, holding the paths of `rib`.
    pub fn replay(&self, rib: &mut OutgoingRib) -> Announced {
        let mut announced = Announced::default();
        for route in self.routes() {
            let path = rib.path(route.nexthop, route.attributes);
            announced.insert(route.nlri.clone(), Arc::clone(&path));
            let route = Route::new(route.nlri, path.nexthop, Arc::clone(&path.attributes));
            rib.add_to_rib(route, false);
        }
        announced
    }

    /// The routes, oldest announcement first.
    pub fn routes(&self) -> Vec<Route> {
        let mut routes: Vec<_> = self.routes.iter().collect();
        routes.sort_unstable_by_key(|(_, (at, _))| *at);
        routes
            .into_iter()
            .map(|(nlri, (_, path))| {
                Route::new(nlri.0.clone(), path.nexthop, Arc::clone(&path.attributes))
            })
            .collect()
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
        let path = Arc::new(Path {
            nexthop: None,
            attributes: Arc::default(),
        });
        let mut announced = Announced::default();
        announced.insert(labeled(&[100]), Arc::clone(&path));
        announced.insert(labeled(&[200]), path);
        let routes = announced.routes();
        assert_eq!(routes.len(), 1, "one route, re-announced");
        assert_eq!(routes[0].nlri, labeled(&[200]), "with the latest labels");
        assert!(announced.contains(&labeled(&[])));
        announced.remove(&labeled(&[]));
        assert!(announced.routes().is_empty());
    }
}
