//! Ports `exabgp/rib/route.py`: a route is an NLRI, its next-hop and its shared attributes.

use crate::bgp::message::update::attribute::collection::Attributes;
use crate::bgp::message::update::nlri::{Nlri, PathInfo};
use crate::protocol::family::Family;
use std::fmt;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Arc;

/// What the RIB needs of an NLRI: equality and hashing on everything that identifies it on
/// the wire (prefix, path identifier, route distinguisher...), its family, and an order so
/// that resending the whole table is deterministic.
pub trait RibNlri: Clone + Eq + Hash + Ord + fmt::Debug {
    fn family(&self) -> Family;

    /// The NLRI without its ADD-PATH identifier: paths of one prefix share it.
    fn prefix(&self) -> Self {
        self.clone()
    }
}

impl RibNlri for Nlri {
    fn family(&self) -> Family {
        Nlri::family(self)
    }

    fn prefix(&self) -> Nlri {
        self.with_path_info(PathInfo::Disabled)
    }
}

/// An NLRI with its next-hop (None for families without one, e.g. flow) and attributes.
///
/// As in ExaBGP, whether it is announced or withdrawn is not part of the route but of the
/// call (`add_to_rib` / `del_from_rib`).
#[derive(PartialEq, Eq, Debug)]
pub struct Route<N = Nlri, A = Attributes> {
    pub nlri: N,
    pub nexthop: Option<IpAddr>,
    pub attributes: Arc<A>,
}

/// Cloning shares the attributes (`A` itself need not be `Clone`).
impl<N: Clone, A> Clone for Route<N, A> {
    fn clone(&self) -> Route<N, A> {
        Route {
            nlri: self.nlri.clone(),
            nexthop: self.nexthop,
            attributes: Arc::clone(&self.attributes),
        }
    }
}

impl<N: RibNlri, A> Route<N, A> {
    pub fn new(nlri: N, nexthop: Option<IpAddr>, attributes: Arc<A>) -> Route<N, A> {
        Route {
            nlri,
            nexthop,
            attributes,
        }
    }

    pub fn family(&self) -> Family {
        self.nlri.family()
    }

    /// The same route with another next-hop.
    pub fn with_nexthop(&self, nexthop: Option<IpAddr>) -> Route<N, A> {
        Route {
            nlri: self.nlri.clone(),
            nexthop,
            attributes: Arc::clone(&self.attributes),
        }
    }
}
