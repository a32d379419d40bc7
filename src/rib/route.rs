//! Ports `exabgp/rib/route.py`: a route is an NLRI, its next-hop and its shared attributes; its
//! identity in the adj-rib-out is ExaBGP's `Route.index()` (family and `nlri.index()`).

use crate::bgp::message::update::attribute::collection::Attributes;
use crate::bgp::message::update::nlri::mup::MupRoute;
use crate::bgp::message::update::nlri::{Nlri, PathInfo};
use crate::protocol::family::Family;
use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::net::IpAddr;
use std::sync::Arc;

/// What the RIB needs of an NLRI: its family, an order so that resending the whole table is
/// deterministic, and which NLRI name the same route (`same_route`, `hash_route`).
pub trait RibNlri: Clone + Eq + Hash + Ord + fmt::Debug {
    fn family(&self) -> Family;

    /// The NLRI without its ADD-PATH identifier: paths of one prefix share it.
    fn prefix(&self) -> Self {
        self.clone()
    }

    /// Whether `other` is the same route, which a later announce replaces and a withdraw
    /// removes (ExaBGP's `nlri.index()`): by default the whole NLRI.
    fn same_route(&self, other: &Self) -> bool {
        self == other
    }

    /// Hashes what `same_route` compares.
    fn hash_route<H: Hasher>(&self, state: &mut H) {
        self.hash(state)
    }
}

/// ExaBGP's `index()` per family: the wire NLRI (VPLS: RD, VE ID, offset, size and label base;
/// flow: every component and the RD), except that labeled and VPN prefixes are named by
/// path identifier, RD and prefix without their labels (so a withdraw, which carries no or
/// other labels, finds the route) and a MUP Type 1 Session Transformed route by RD and prefix
/// without its tunnel (TEID, QFI, endpoint, source).
impl RibNlri for Nlri {
    fn family(&self) -> Family {
        Nlri::family(self)
    }

    fn prefix(&self) -> Nlri {
        self.with_path_info(PathInfo::Disabled)
    }

    fn same_route(&self, other: &Nlri) -> bool {
        match (self, other) {
            (Nlri::Label(a), Nlri::Label(b)) => {
                (a.family, a.path_info, a.cidr) == (b.family, b.path_info, b.cidr)
            }
            (Nlri::IpVpn(a), Nlri::IpVpn(b)) => {
                (a.family, a.path_info, a.rd, a.cidr) == (b.family, b.path_info, b.rd, b.cidr)
            }
            (Nlri::Mup(a), Nlri::Mup(b)) => match (&a.route, &b.route) {
                (MupRoute::T1st(x), MupRoute::T1st(y)) => {
                    (a.afi, a.path_info, x.rd, x.prefix_len, x.prefix)
                        == (b.afi, b.path_info, y.rd, y.prefix_len, y.prefix)
                }
                _ => a == b,
            },
            _ => self == other,
        }
    }

    fn hash_route<H: Hasher>(&self, state: &mut H) {
        match self {
            Nlri::Label(a) => {
                std::mem::discriminant(self).hash(state);
                (a.family, a.path_info, a.cidr).hash(state);
            }
            Nlri::IpVpn(a) => {
                std::mem::discriminant(self).hash(state);
                (a.family, a.path_info, a.rd, a.cidr).hash(state);
            }
            Nlri::Mup(a) => match &a.route {
                MupRoute::T1st(x) => {
                    std::mem::discriminant(self).hash(state);
                    std::mem::discriminant(&a.route).hash(state);
                    (a.afi, a.path_info, x.rd, x.prefix_len, x.prefix).hash(state);
                }
                _ => self.hash(state),
            },
            _ => self.hash(state),
        }
    }
}

/// An NLRI as the adj-rib-out's maps key it: equal and hashed as the route it names
/// ([`RibNlri::same_route`]), while it keeps the whole NLRI (labels included) to send.
#[derive(Clone, Debug)]
pub(crate) struct Keyed<N>(pub(crate) N);

impl<N: RibNlri> PartialEq for Keyed<N> {
    fn eq(&self, other: &Keyed<N>) -> bool {
        self.0.same_route(&other.0)
    }
}

impl<N: RibNlri> Eq for Keyed<N> {}

impl<N: RibNlri> Hash for Keyed<N> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash_route(state)
    }
}

/// Lets a map keyed by [`Keyed`] be searched with a borrowed NLRI (see [`key`]), without
/// cloning it into a `Keyed` first.
pub(crate) trait RouteKey<N> {
    fn nlri(&self) -> &N;
}

impl<N: RibNlri> RouteKey<N> for N {
    fn nlri(&self) -> &N {
        self
    }
}

impl<'a, N: RibNlri + 'a> Borrow<dyn RouteKey<N> + 'a> for Keyed<N> {
    fn borrow(&self) -> &(dyn RouteKey<N> + 'a) {
        &self.0
    }
}

impl<N: RibNlri> PartialEq for dyn RouteKey<N> + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.nlri().same_route(other.nlri())
    }
}

impl<N: RibNlri> Eq for dyn RouteKey<N> + '_ {}

impl<N: RibNlri> Hash for dyn RouteKey<N> + '_ {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.nlri().hash_route(state)
    }
}

/// `nlri` as a lookup key of a map keyed by [`Keyed`].
pub(crate) fn key<N: RibNlri>(nlri: &N) -> &dyn RouteKey<N> {
    nlri
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bgp::message::update::nlri::flow::{FlowPrefix, DESTINATION, SOURCE};
    use crate::bgp::message::update::nlri::mup::{Mup, T1st};
    use crate::bgp::message::update::nlri::{
        Cidr, Flow, Inet, IpVpn, Label, Labels, RouteDistinguisher, Vpls,
    };
    use crate::protocol::family::{Afi, Safi};
    use std::collections::hash_map::DefaultHasher;

    fn hashed(nlri: &Nlri) -> u64 {
        let mut hasher = DefaultHasher::new();
        nlri.hash_route(&mut hasher);
        hasher.finish()
    }

    /// Whether `a` and `b` are one route; checks the relation is symmetric and that one route
    /// hashes once (a map could not find it otherwise).
    fn same(a: &Nlri, b: &Nlri) -> bool {
        let same = a.same_route(b);
        assert_eq!(same, b.same_route(a));
        if same {
            assert_eq!(hashed(a), hashed(b));
            assert_eq!(Keyed(a.clone()), Keyed(b.clone()));
        }
        same
    }

    fn cidr(text: &str) -> Cidr {
        let (address, mask) = text.split_once('/').unwrap();
        Cidr::new(address.parse().unwrap(), mask.parse().unwrap()).unwrap()
    }

    fn rd(text: &str) -> RouteDistinguisher {
        RouteDistinguisher::parse(text).unwrap()
    }

    #[test]
    fn inet_is_named_by_prefix_and_path_identifier() {
        let inet = |prefix, path| Nlri::Inet(Inet::new(Family::IPV4_UNICAST, cidr(prefix), path));
        let route = inet("10.0.0.0/24", PathInfo::Disabled);
        assert!(same(&route, &inet("10.0.0.0/24", PathInfo::Disabled)));
        assert!(!same(&route, &inet("10.0.0.0/25", PathInfo::Disabled)));
        assert!(!same(&route, &inet("10.0.1.0/24", PathInfo::Disabled)));
        assert!(!same(&route, &inet("10.0.0.0/24", PathInfo::Id(0))));
        assert!(!same(
            &inet("10.0.0.0/24", PathInfo::Id(1)),
            &inet("10.0.0.0/24", PathInfo::Id(2))
        ));
    }

    /// ExaBGP's `Label.index()`: path identifier and prefix, not the labels.
    #[test]
    fn labeled_unicast_is_named_without_its_labels() {
        let family = Family::new(Afi::IPV4, Safi::NLRI_MPLS);
        let label = |prefix, labels: &[u32], path| {
            Nlri::Label(Box::new(Label::new(
                family,
                cidr(prefix),
                Labels::new(labels),
                path,
            )))
        };
        let route = label("10.0.0.0/24", &[100], PathInfo::Disabled);
        assert!(same(
            &route,
            &label("10.0.0.0/24", &[200], PathInfo::Disabled)
        ));
        assert!(same(&route, &label("10.0.0.0/24", &[], PathInfo::Disabled)));
        let withdrawn = Label {
            labels: Labels(vec![Labels::WITHDRAW]),
            ..Label::new(
                family,
                cidr("10.0.0.0/24"),
                Labels::new(&[]),
                PathInfo::Disabled,
            )
        };
        assert!(same(&route, &Nlri::Label(Box::new(withdrawn))));
        assert!(!same(
            &route,
            &label("10.0.0.0/25", &[100], PathInfo::Disabled)
        ));
        assert!(!same(
            &route,
            &label("10.0.0.0/24", &[100], PathInfo::Id(1))
        ));
        let unicast = Nlri::Inet(Inet::new(family, cidr("10.0.0.0/24"), PathInfo::Disabled));
        assert!(
            !same(&route, &unicast),
            "another NLRI type is another route"
        );
    }

    /// ExaBGP's `IPVPN.index()`: path identifier, RD and prefix, not the labels.
    #[test]
    fn vpn_prefix_is_named_by_rd_and_prefix() {
        let family = Family::new(Afi::IPV4, Safi::MPLS_VPN);
        let vpn = |prefix, labels: &[u32], distinguisher| {
            Nlri::IpVpn(Box::new(IpVpn::new(
                family,
                cidr(prefix),
                Labels::new(labels),
                rd(distinguisher),
                PathInfo::Disabled,
            )))
        };
        let route = vpn("10.0.0.0/24", &[100], "65000:1");
        assert!(same(&route, &vpn("10.0.0.0/24", &[101], "65000:1")));
        assert!(!same(&route, &vpn("10.0.0.0/24", &[100], "65000:2")));
        assert!(!same(&route, &vpn("10.0.1.0/24", &[100], "65000:1")));
    }

    /// ExaBGP's `VPLS.index()` is the whole NLRI: RD, VE ID, label block offset, size and base
    /// (the two `rd 192.168.201.1:123` routes of qa conf-l2vpn are one route).
    #[test]
    fn vpls_is_named_by_every_field() {
        let route = Nlri::Vpls(Vpls {
            rd: rd("192.168.201.1:123"),
            endpoint: 5,
            offset: 1,
            size: 8,
            base: 10702,
            path_info: PathInfo::Disabled,
        });
        let Nlri::Vpls(vpls) = &route else {
            unreachable!()
        };
        assert!(same(&route, &Nlri::Vpls(*vpls)));
        for other in [
            Vpls {
                rd: rd("192.168.201.1:124"),
                ..*vpls
            },
            Vpls {
                endpoint: 6,
                ..*vpls
            },
            Vpls { offset: 2, ..*vpls },
            Vpls { size: 16, ..*vpls },
            Vpls {
                base: 10732,
                ..*vpls
            },
        ] {
            assert!(!same(&route, &Nlri::Vpls(other)), "{other:?}");
        }
    }

    /// ExaBGP's `Flow.index()` is the whole NLRI: every component, and the RD of flow-vpn (the
    /// `source 10.0.0.1/32 destination 192.168.0.1/32` rules of qa conf-flow-redirect are one
    /// route).
    #[test]
    fn flow_is_named_by_its_components_and_rd() {
        let flow = |family: Family, destination: &str, distinguisher: Option<&str>| {
            let mut flow = Flow::new(family);
            flow.rd = distinguisher.map(rd);
            flow.add_prefix(
                DESTINATION,
                FlowPrefix {
                    cidr: cidr(destination),
                    offset: 0,
                },
            );
            flow.add_prefix(
                SOURCE,
                FlowPrefix {
                    cidr: cidr("10.0.0.1/32"),
                    offset: 0,
                },
            );
            Nlri::Flow(Box::new(flow))
        };
        let ip = Family::new(Afi::IPV4, Safi::FLOW_IP);
        let vpn = Family::new(Afi::IPV4, Safi::FLOW_VPN);
        let route = flow(ip, "192.168.0.1/32", None);
        assert!(same(&route, &flow(ip, "192.168.0.1/32", None)));
        assert!(!same(&route, &flow(ip, "192.168.0.2/32", None)));
        assert!(!same(&route, &flow(vpn, "192.168.0.1/32", Some("65000:1"))));
        assert!(!same(
            &flow(vpn, "192.168.0.1/32", Some("65000:1")),
            &flow(vpn, "192.168.0.1/32", Some("65000:2"))
        ));
    }

    /// ExaBGP's `Type1SessionTransformedRoute.index()`: RD and prefix, not the tunnel.
    #[test]
    fn mup_t1st_is_named_without_its_tunnel() {
        let t1st = T1st {
            rd: rd("100:100"),
            prefix_len: 32,
            prefix: "192.168.0.2".parse().unwrap(),
            teid: 12345,
            qfi: 9,
            endpoint: "10.0.0.1".parse().unwrap(),
            source: None,
        };
        let mup = |route: T1st| {
            Nlri::Mup(Box::new(Mup {
                afi: Afi::IPV4,
                route: MupRoute::T1st(route),
                path_info: PathInfo::Disabled,
            }))
        };
        let route = mup(t1st);
        let tunnel = T1st {
            teid: 1,
            qfi: 1,
            endpoint: "10.0.0.2".parse().unwrap(),
            source: Some("10.0.0.3".parse().unwrap()),
            ..t1st
        };
        assert!(same(&route, &mup(tunnel)));
        assert!(!same(
            &route,
            &mup(T1st {
                rd: rd("100:101"),
                ..t1st
            })
        ));
        assert!(!same(
            &route,
            &mup(T1st {
                prefix: "192.168.0.3".parse().unwrap(),
                ..t1st
            })
        ));
    }

    /// A map keyed by `Keyed` is searched with a plain NLRI through `key`.
    #[test]
    fn keyed_maps_are_searched_by_route() {
        let family = Family::new(Afi::IPV4, Safi::NLRI_MPLS);
        let label = |labels: &[u32]| {
            Nlri::Label(Box::new(Label::new(
                family,
                cidr("10.0.0.0/24"),
                Labels::new(labels),
                PathInfo::Disabled,
            )))
        };
        let mut map = std::collections::HashMap::new();
        map.insert(Keyed(label(&[100])), ());
        assert!(map.contains_key(key(&label(&[200]))));
        assert!(map.contains_key(key(&label(&[]))));
    }
}
