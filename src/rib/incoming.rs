//! Ports `exabgp/rib/incoming.py`: the adj-rib-in, the routes a peer sent (RFC 4271 §3.2), kept
//! when the neighbour's `adj-rib-in` is on (`show adj-rib in`).

use super::cache::Cache;
use super::path::Path;
use super::Route;
use crate::bgp::message::update::attribute::Attributes;
use crate::bgp::message::update::nlri::Nlri;
use crate::bgp::message::update::Update;
use crate::protocol::family::Family;
use std::sync::Arc;

/// What the peer announced and did not withdraw, one route per route identity.
#[derive(Debug)]
pub struct IncomingRib {
    cache: Cache<Nlri, Attributes>,
}

impl IncomingRib {
    /// `enabled`: the neighbour's `adj-rib-in`; when off nothing is kept.
    pub fn new(enabled: bool) -> IncomingRib {
        IncomingRib {
            cache: Cache::new(enabled),
        }
    }

    pub fn enabled(&self) -> bool {
        self.cache.enabled()
    }

    /// Applies a received UPDATE: its announces replace, its withdraws remove.
    pub fn update(&mut self, update: &Update) {
        if !self.enabled() {
            return;
        }
        // one attribute set for every route of the message, one path per next-hop
        let attributes = Arc::new(update.attributes.clone());
        let mut path: Option<Arc<Path<Attributes>>> = None;
        for routed in &update.announces {
            let shared = match path {
                Some(p) if p.nexthop == routed.nexthop => p,
                _ => Arc::new(Path {
                    nexthop: routed.nexthop,
                    attributes: Arc::clone(&attributes),
                    api: false,
                }),
            };
            self.cache.update_cache(&routed.nlri, &shared);
            path = Some(shared);
        }
        for nlri in &update.withdraws {
            self.cache.update_cache_withdraw(nlri);
        }
    }

    /// The session closed: what it announced is gone with it.
    pub fn clear(&mut self) {
        self.cache.clear_cache();
    }

    /// The routes the peer has in `families`.
    pub fn routes<'a>(&'a self, families: &'a [Family]) -> impl Iterator<Item = Route> + 'a {
        self.cache.cached_routes(families)
    }
}
