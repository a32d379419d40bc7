//! Ports `exabgp/rib/`: the routes kept per neighbour (RFC 4271 §3.2, §9.2; RFC 2918 and
//! RFC 7313 for route refresh).
//!
//! [`outgoing::OutgoingRib`] holds what the peer has been sent ([`cache::Cache`]) and the
//! changes still to send, and drains them as [`outgoing::RibUpdate`]s in ExaBGP's order;
//! [`incoming::IncomingRib`] what the peer sent; [`change::Change`] is a route as the
//! configuration and the API hand it over. Routes are [`route::Route`]s whose attributes are
//! shared (`Arc`) and interned, so routes with the same attributes cost one attribute set.
//! The adj-rib-out is generic over the NLRI and attribute types ([`route::RibNlri`]), so it
//! has no I/O and no tie to a codec.

pub mod cache;
pub mod change;
pub mod incoming;
pub mod outgoing;
pub mod path;
pub mod route;

pub use cache::Cache;
pub use change::Change;
pub use incoming::IncomingRib;
pub use outgoing::{OutgoingRib, RefreshSubtype, RibUpdate};
pub use route::{RibNlri, Route};
