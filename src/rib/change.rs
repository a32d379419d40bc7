//! Ports `exabgp/rib/change.py`: a route as the configuration and the API hand it to the
//! adj-rib-out (RFC 4271 §9.2), with the settings that never reach the wire beside it.

use crate::bgp::message::update::attribute::Attributes;
use crate::bgp::message::update::nlri::Nlri;
use crate::configuration::core::Location;
use std::net::IpAddr;
use std::sync::Arc;

/// A route ready for the adj-rib-out: ExaBGP's `Route(nlri, attributes, nexthop)` with the
/// configuration-only settings (watchdog, withdraw, name) beside it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Change {
    pub nlri: Nlri,
    /// The next-hop, `self` already resolved for the neighbour; `None` when none was given.
    pub nexthop: Option<IpAddr>,
    /// Path attributes (NEXT_HOP is carried by `nexthop`, not here), shared by the routes
    /// of a neighbour that have the same (see `intern`).
    pub attributes: Arc<Attributes>,
    /// `withdraw`: configured, but not announced until the watchdog announces it.
    pub withdraw: bool,
    /// `watchdog` and `name`, which few routes have: boxed, so that a table of a million
    /// routes without them pays a pointer each.
    pub tags: Option<Box<Tags>>,
    /// Where the route was configured, for `validate`'s messages.
    pub location: Location,
}

/// The tags of a `Change`.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Tags {
    /// `watchdog NAME`: the API group that announces or withdraws it.
    pub watchdog: Option<String>,
    /// `name NAME`: a label for the helpers, not sent to the peer.
    pub name: Option<String>,
}

impl Tags {
    /// The tags of a change, `None` when it has none.
    pub fn new(watchdog: Option<String>, name: Option<String>) -> Option<Box<Tags>> {
        (watchdog.is_some() || name.is_some()).then(|| Box::new(Tags { watchdog, name }))
    }
}

impl Change {
    pub fn watchdog(&self) -> Option<&str> {
        self.tags.as_ref()?.watchdog.as_deref()
    }

    pub fn name(&self) -> Option<&str> {
        self.tags.as_ref()?.name.as_deref()
    }
}
