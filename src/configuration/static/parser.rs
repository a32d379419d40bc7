//! Ports `exabgp/configuration/static/parser.py` and the split of `static/route.py`: builds
//! the NLRI and path attributes of a checked route: IP prefixes (unicast, multicast,
//! nlri-mpls, mpls-vpn) here, VPLS, MCAST-VPN and MUP NLRI through their sections' builders.
//!
//! SR-policy routes are built by `super::sr_policy`; FlowSpec routes by `configuration::flow`.

use super::route::{Field, Route, RouteKind, Value};
use crate::bgp::message::update::attribute::community::extended::ExtendedCommunities;
use crate::bgp::message::update::attribute::community::initial::Communities;
use crate::bgp::message::update::attribute::community::large::LargeCommunities;
use crate::bgp::message::update::attribute::PrefixSid;
use crate::bgp::message::update::attribute::{
    Aggregator, Aigp, AsPath, AtomicAggregate, Attribute, Attributes, ClusterList,
    GenericAttribute, LocalPreference, Med, Origin, OriginatorId, Segment, SegmentType,
};
use crate::bgp::message::update::nlri::{
    Cidr, Inet, IpVpn, Label, Labels, Nlri, PathInfo, RouteDistinguisher,
};
use crate::bgp::neighbor::Neighbor;
use crate::configuration::announce::{mup, mvpn};
use crate::configuration::core::parser::{parse_asn, parse_number};
use crate::configuration::core::{Error, Location, Result};
use crate::protocol::family::{Afi, Family, Safi};
use crate::rib::change::{Change, Tags};
use crate::util::hash::HashSet;
use bytes::Bytes;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

/// Whether the route's family has NLRI types to build into yet.
pub fn buildable(route: &Route) -> bool {
    match route.kind {
        RouteKind::Ip => Nlri::supported(route.family),
        RouteKind::Vpls | RouteKind::McastVpn | RouteKind::Mup => true,
        _ => false,
    }
}

/// The keywords a family's own builder reads from the fields (not path attributes).
fn nlri_keyword(kind: RouteKind, keyword: &str) -> bool {
    match kind {
        RouteKind::Vpls => crate::configuration::l2vpn::NLRI_KEYWORDS.contains(&keyword),
        RouteKind::McastVpn => mvpn::NLRI_KEYWORDS.contains(&keyword),
        RouteKind::Mup => mup::NLRI_KEYWORDS.contains(&keyword),
        _ => false,
    }
}

/// Builds the changes of a route for `neighbor` (`split /N` gives several), or `None`
/// when its family is not one `buildable` accepts.
pub fn build(route: &Route, neighbor: &Neighbor) -> Result<Option<Vec<Change>>> {
    if route.kind == RouteKind::SrPolicy {
        return super::sr_policy::build(route, neighbor).map(|change| Some(vec![change]));
    }
    if !buildable(route) {
        return Ok(None);
    }
    build_with(route, &mut |of, at| resolve_self(neighbor, of, at)).map(Some)
}

/// `next-hop self` for a route whose next-hop is for the family of `of` (the prefix), or
/// without a prefix the session's local address.
fn resolve_self(neighbor: &Neighbor, of: Option<IpAddr>, at: Location) -> Result<IpAddr> {
    let family_of = of.unwrap_or(
        neighbor
            .local_address
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
    );
    ip_self(neighbor, family_of, at)
}

/// `build` of a buildable route, `next_hop_self` giving the address of `next-hop self`.
fn build_with(
    route: &Route,
    next_hop_self: &mut dyn FnMut(Option<IpAddr>, Location) -> Result<IpAddr>,
) -> Result<Vec<Change>> {
    let of = route.prefix.map(|(prefix, _)| prefix);
    // IPv4 next-hops of IPv6 MUP routes are IPv4-mapped, as ExaBGP; others are kept as
    // written: the MP_REACH_NLRI encoder decides how an IPv4 next-hop of an IPv6 route goes
    // on the wire, and an IPv4 one is also sent as NEXT_HOP (ExaBGP)
    let mapped = route.kind == RouteKind::Mup && route.family.afi == Afi::IPV6;
    let mut attributes = Attributes::new();
    let mut nexthop = None;
    let mut path_info = PathInfo::Disabled;
    let mut split = None;
    let mut labels = None;
    let mut rd = None;
    let mut change_withdraw = false;
    let (mut watchdog, mut name) = (None, None);
    for field in &route.fields {
        let at = field.location;
        match (&*field.keyword, &field.value) {
            ("next-hop", Value::NextHopSelf) => nexthop = Some(next_hop_self(of, at)?),
            ("next-hop", Value::Ip(ip)) => {
                nexthop = Some(match ip {
                    IpAddr::V4(v4) if mapped => IpAddr::V6(v4.to_ipv6_mapped()),
                    _ => *ip,
                })
            }
            ("path-information", Value::Words(words)) => {
                path_info = PathInfo::Id(path_id(words, at)?)
            }
            ("split", Value::Number(n)) => split = Some(*n as u8),
            ("label", Value::Words(words)) => labels = Some(label_stack(words, at)?),
            ("rd" | "route-distinguisher", Value::Word(text)) => {
                rd = Some(RouteDistinguisher::parse(text).map_err(|why| Error::new(at, why))?)
            }
            ("withdraw", _) => change_withdraw = true,
            ("watchdog", Value::Word(w)) => {
                if w.eq_ignore_ascii_case("announce") || w.eq_ignore_ascii_case("withdraw") {
                    return Err(Error::new(
                        at,
                        format!("'{w}' is a reserved word and cannot be used as a watchdog name"),
                    ));
                }
                watchdog = Some(w.clone());
            }
            ("name", Value::Word(w)) => name = Some(w.clone()),
            (keyword, _) if nlri_keyword(route.kind, keyword) => {}
            _ => {
                attributes.insert(attribute(field)?);
            }
        }
    }
    let family = route.family;
    attributes.shrink_to_fit();
    let attributes = Arc::new(attributes);
    let tags = Tags::new(watchdog, name);
    let change = |nlri: Nlri| Change {
        nlri,
        nexthop,
        attributes: Arc::clone(&attributes),
        withdraw: change_withdraw,
        tags: tags.clone(),
        location: route.location,
    };
    let (prefix, mask) = match (route.kind, route.prefix) {
        (RouteKind::Ip, Some(prefix)) => prefix,
        (RouteKind::Vpls, _) => return Ok(vec![change(crate::configuration::l2vpn::nlri(route)?)]),
        (RouteKind::McastVpn, _) => return Ok(vec![change(mvpn::nlri(route)?)]),
        (RouteKind::Mup, _) => return Ok(vec![change(mup::nlri(route)?)]),
        _ => return Ok(Vec::new()),
    };
    let labels = labels.unwrap_or_default();
    if family.safi == Safi::MPLS_VPN && rd.is_none() {
        return Err(Error::new(
            route.location,
            "an mpls-vpn route needs a route-distinguisher (rd)",
        ));
    }
    let cidr = Cidr::new(network(prefix, mask), mask).ok_or_else(|| {
        Error::new(
            route.location,
            "the prefix length is longer than the address",
        )
    })?;
    let prefixes = match split {
        Some(length) if length > mask => split_prefix(cidr, length, route.location)?,
        Some(length) if length < mask => {
            return Err(Error::new(
                route.location,
                format!("can not split a /{mask} into /{length}"),
            ))
        }
        _ => vec![cidr],
    };
    let changes = prefixes
        .into_iter()
        .map(|cidr| {
            change(match family.safi {
                Safi::NLRI_MPLS => Nlri::Label(Box::new(Label::new(
                    family,
                    cidr,
                    labels.clone(),
                    path_info,
                ))),
                Safi::MPLS_VPN => Nlri::IpVpn(Box::new(IpVpn::new(
                    family,
                    cidr,
                    labels.clone(),
                    rd.unwrap_or_default(),
                    path_info,
                ))),
                _ => Nlri::Inet(Inet::new(family, cidr, path_info)),
            })
        })
        .collect();
    Ok(changes)
}

/// The shared copy of `attributes`: a configuration of many routes with the same attributes
/// keeps one set, as the adj-rib-out does.
pub fn intern(
    interned: &mut HashSet<Arc<Attributes>>,
    attributes: Arc<Attributes>,
) -> Arc<Attributes> {
    if let Some(existing) = interned.get(&attributes) {
        return Arc::clone(existing);
    }
    interned.insert(Arc::clone(&attributes));
    attributes
}

/// Where the `next-hop self` of some changes of a `Table` is resolved once the neighbour is
/// known: changes `first..end` (several with `split`), for the family of `of` (the prefix, or
/// the session's local address).
#[derive(Clone, PartialEq, Eq, Debug)]
struct NextHopSelf {
    first: usize,
    end: usize,
    of: Option<IpAddr>,
    at: Location,
}

/// A route of a `Table` that is only built once its neighbour is known.
#[derive(Clone, PartialEq, Eq, Debug)]
enum Later {
    /// SR policy routes (their `next-hop self` is for their endpoint's family).
    Route(Route),
    /// A route that could not be built: its error is reported where building it was, after
    /// the neighbour's own checks (and after its `next-hop self`, when written before).
    Failed {
        family: Family,
        location: Location,
        next_hop_self: Option<(Option<IpAddr>, Location)>,
        error: Error,
    },
}

impl Later {
    fn family_location(&self) -> (Family, Location) {
        match self {
            Later::Route(route) => (route.family, route.location),
            Later::Failed {
                family, location, ..
            } => (*family, *location),
        }
    }
}

/// The routes of a neighbour's sections, in file order, built as they are read: what does
/// not depend on the neighbour (NLRI, attributes) at once, the rest (`next-hop self`, SR
/// policy) by `finish`. A large table is so never held in the neutral `Route` form.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Table {
    pub changes: Vec<Change>,
    selfs: Vec<NextHopSelf>,
    /// Each with how many changes come before it.
    later: Vec<(usize, Later)>,
}

impl Table {
    /// Adds a checked route; `interned` shares the attribute sets of all routes.
    pub fn add(&mut self, route: Route, interned: &mut HashSet<Arc<Attributes>>) {
        if route.kind == RouteKind::SrPolicy || !buildable(&route) {
            self.later.push((self.changes.len(), Later::Route(route)));
            return;
        }
        let mut next_hop_self = None;
        let built = build_with(&route, &mut |of, at| {
            next_hop_self = Some((of, at));
            // replaced by `finish`
            Ok(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
        });
        match built {
            Ok(changes) => {
                let first = self.changes.len();
                for mut change in changes {
                    change.attributes = intern(interned, change.attributes);
                    self.changes.push(change);
                }
                if let Some((of, at)) = next_hop_self {
                    let end = self.changes.len();
                    self.selfs.push(NextHopSelf { first, end, of, at });
                }
            }
            Err(error) => self.later.push((
                self.changes.len(),
                Later::Failed {
                    family: route.family,
                    location: route.location,
                    next_hop_self,
                    error,
                },
            )),
        }
    }

    /// Appends the routes of `other`, read after these.
    pub fn append(&mut self, mut other: Table) {
        if *self == Table::default() {
            // a neighbour's one large section: moved, not copied
            *self = other;
            return;
        }
        let base = self.changes.len();
        self.changes.append(&mut other.changes);
        self.selfs
            .extend(other.selfs.into_iter().map(|s| NextHopSelf {
                first: s.first + base,
                end: s.end + base,
                ..s
            }));
        self.later.extend(
            other
                .later
                .into_iter()
                .map(|(before, later)| (before + base, later)),
        );
    }

    /// Fails on the first route, in file order, of a family not in `families` (IPv4 unicast
    /// is always allowed, as ExaBGP).
    pub fn check_families(&self, families: &[Family]) -> Result<()> {
        let allowed = |family: Family| families.contains(&family) || family == Family::IPV4_UNICAST;
        let change = self.changes.iter().position(|c| !allowed(c.nlri.family()));
        let later = self
            .later
            .iter()
            .find(|(_, later)| !allowed(later.family_location().0));
        let (family, location) = match (change, later) {
            (None, None) => return Ok(()),
            (Some(index), Some((before, _))) if *before > index => (
                self.changes[index].nlri.family(),
                self.changes[index].location,
            ),
            (Some(index), None) => (
                self.changes[index].nlri.family(),
                self.changes[index].location,
            ),
            (_, Some((_, later))) => later.family_location(),
        };
        Err(Error::new(
            location,
            format!("trying to announce a route of type {family} when we are not announcing the family to our peer"),
        ))
    }

    /// The changes for `neighbor`, in file order: `next-hop self` resolved and SR policy
    /// routes built; the first error, in file order, of a route that can not be built.
    pub fn finish(self, neighbor: &Neighbor) -> Result<Vec<Change>> {
        let Table {
            mut changes,
            selfs,
            later,
        } = self;
        let mut selfs = selfs.into_iter().peekable();
        let resolve = |changes: &mut Vec<Change>, s: NextHopSelf| -> Result<()> {
            let ip = resolve_self(neighbor, s.of, s.at)?;
            for change in &mut changes[s.first..s.end] {
                change.nexthop = Some(ip);
            }
            Ok(())
        };
        let mut interned = HashSet::default();
        let mut built: Vec<(usize, Vec<Change>)> = Vec::new();
        for (before, later) in later {
            while let Some(s) = selfs.next_if(|s| s.first < before) {
                resolve(&mut changes, s)?;
            }
            match later {
                Later::Failed {
                    next_hop_self,
                    error,
                    ..
                } => {
                    if let Some((of, at)) = next_hop_self {
                        resolve_self(neighbor, of, at)?;
                    }
                    return Err(error);
                }
                Later::Route(route) => {
                    if let Some(mut more) = build(&route, neighbor)? {
                        for change in &mut more {
                            change.attributes =
                                intern(&mut interned, Arc::clone(&change.attributes));
                        }
                        built.push((before, more));
                    }
                }
            }
        }
        for s in selfs {
            resolve(&mut changes, s)?;
        }
        if built.is_empty() {
            return Ok(changes);
        }
        let total = changes.len() + built.iter().map(|(_, more)| more.len()).sum::<usize>();
        let mut merged = Vec::with_capacity(total);
        let mut rest = changes.into_iter();
        let mut copied = 0;
        for (before, more) in built {
            merged.extend(rest.by_ref().take(before - copied));
            copied = before;
            merged.extend(more);
        }
        merged.extend(rest);
        Ok(merged)
    }
}

/// Route statements read straight from the token stream (`configuration::Reader`), in
/// groups that their sections name by index (`Section::routes`), and the attribute sets
/// every route of the configuration shares.
#[derive(Debug, Default)]
pub struct Prepared {
    groups: Vec<Group>,
    pub interned: HashSet<Arc<Attributes>>,
}

/// Consecutive route statements of a section: the first error ends the section there.
#[derive(Clone, Debug, Default)]
struct Group {
    table: Table,
    error: Option<Error>,
}

impl Prepared {
    /// A new group, by its index.
    pub fn start(&mut self) -> usize {
        self.groups.push(Group::default());
        self.groups.len() - 1
    }

    /// Whether group `index` ended with an error (what follows in its section is not read).
    pub fn failed(&self, index: usize) -> bool {
        self.groups
            .get(index)
            .is_some_and(|group| group.error.is_some())
    }

    /// Adds a checked route, or the error of a route statement, to group `index`.
    pub fn add(&mut self, index: usize, route: Result<Route>) {
        let Some(group) = self.groups.get_mut(index) else {
            return;
        };
        match route {
            Ok(route) => group.table.add(route, &mut self.interned),
            Err(error) => group.error = Some(error),
        }
    }

    /// Appends the routes of group `index` to `table`, then fails with its error if it has
    /// one. `own`: the group belongs to the section being read for the only time (a
    /// neighbour's), so it is moved; a template's is copied for each neighbour using it.
    pub fn take(&mut self, index: usize, own: bool, table: &mut Table) -> Result<()> {
        let Some(group) = self.groups.get_mut(index) else {
            return Ok(());
        };
        let group = if own {
            std::mem::take(group)
        } else {
            group.clone()
        };
        table.append(group.table);
        match group.error {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// The address with the bits after `mask` cleared.
fn network(ip: IpAddr, mask: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4) & u32::MAX.checked_shl(32 - u32::from(mask)).unwrap_or(0);
            IpAddr::V4(Ipv4Addr::from(bits))
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & u128::MAX.checked_shl(128 - u32::from(mask)).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(bits))
        }
    }
}

/// `split /N`: the /N prefixes covering `cidr`, in address order (ExaBGP's `ParseStatic.split`).
fn split_prefix(cidr: Cidr, length: u8, at: Location) -> Result<Vec<Cidr>> {
    let bits: u8 = if cidr.addr().is_ipv4() { 32 } else { 128 };
    if length > bits {
        return Err(Error::new(
            at,
            format!("can not split into /{length}: longer than the address"),
        ));
    }
    // a bound so that a typo (a /0 split into /32) can not exhaust memory
    const MAX_SPLIT: u32 = 16;
    let count_bits = u32::from(length - cidr.mask());
    if count_bits > MAX_SPLIT {
        return Err(Error::new(
            at,
            format!(
                "splitting a /{} into /{length} makes too many routes",
                cidr.mask()
            ),
        ));
    }
    let step = 1u128 << (bits - length);
    let start = match cidr.addr() {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    };
    (0..1u128 << count_bits)
        .map(|n| {
            let value = start + n * step;
            let addr = if bits == 32 {
                IpAddr::V4(Ipv4Addr::from(value as u32))
            } else {
                IpAddr::V6(Ipv6Addr::from(value))
            };
            Cidr::new(addr, length).ok_or_else(|| Error::new(at, "invalid split"))
        })
        .collect()
}

/// `next-hop self` (ExaBGP's `Session.ip_self`): the local address when of the route's family,
/// else the router-id for an IPv4 route.
pub(crate) fn ip_self(neighbor: &Neighbor, prefix: IpAddr, at: Location) -> Result<IpAddr> {
    if let Some(local) = neighbor
        .local_address
        .filter(|l| l.is_ipv4() == prefix.is_ipv4())
    {
        return Ok(local);
    }
    if let (true, Some(router_id)) = (prefix.is_ipv4(), neighbor.router_id) {
        return Ok(IpAddr::V4(router_id));
    }
    let local = match neighbor.local_address {
        Some(IpAddr::V4(_)) => "ipv4",
        Some(IpAddr::V6(_)) => "ipv6",
        None => "unknown",
    };
    let afi = if prefix.is_ipv4() { "ipv4" } else { "ipv6" };
    Err(Error::new(
        at,
        format!("use of \"next-hop self\": the route ({afi}) does not have the same family as the BGP tcp session ({local})"),
    ))
}

/// `label N` or `label [ N N ]`: the stack, bottom of stack bit on the last label.
fn label_stack(words: &[String], at: Location) -> Result<Labels> {
    let values = words
        .iter()
        .map(|w| parse_number::<u32>(w).filter(|l| *l <= Labels::MAX))
        .collect::<Option<Vec<u32>>>()
        .ok_or_else(|| Error::new(at, "invalid MPLS label"))?;
    // the NLRI length is one byte of bits: a VPN-IPv6 /128 leaves room for 2 labels
    if values.len() > 2 {
        return Err(Error::new(
            at,
            "at most two labels are supported in a route",
        ));
    }
    Ok(Labels::new(&values))
}

/// `path-information N` or `A.B.C.D`.
fn path_id(words: &[String], at: Location) -> Result<u32> {
    let text = words.first().map(String::as_str).unwrap_or_default();
    parse_number::<u32>(text)
        .or_else(|| text.parse::<Ipv4Addr>().ok().map(u32::from))
        .ok_or_else(|| Error::new(at, format!("invalid path-information '{text}'")))
}

/// The path attribute of one checked route keyword.
pub(crate) fn attribute(field: &Field) -> Result<Attribute> {
    let at = field.location;
    let bad = |why: String| Error::new(at, why);
    let words = |value: &Value| match value {
        Value::Words(words) => words.clone(),
        Value::Word(word) => vec![word.clone()],
        _ => Vec::new(),
    };
    let items = words(&field.value);
    let strs = || items.iter().map(String::as_str);
    Ok(match (&*field.keyword, &field.value) {
        ("origin", Value::Word(name)) => Attribute::Origin(
            Origin::from_name(name).ok_or_else(|| bad(format!("invalid origin '{name}'")))?,
        ),
        ("med", Value::Number(n)) => Attribute::Med(Med(*n as u32)),
        ("local-preference", Value::Number(n)) => {
            Attribute::LocalPreference(LocalPreference(*n as u32))
        }
        ("aigp", Value::Number(n)) => Attribute::Aigp(Aigp(*n)),
        ("atomic-aggregate", _) => Attribute::AtomicAggregate(AtomicAggregate),
        ("as-path", _) => Attribute::AsPath(as_path(&items, at)?),
        ("aggregator", Value::Word(text)) => {
            let (asn, speaker) = text
                .split_once(':')
                .and_then(|(asn, ip)| Some((parse_asn(asn)?, ip.parse::<Ipv4Addr>().ok()?)))
                .ok_or_else(|| bad(format!("invalid aggregator '{text}'")))?;
            Attribute::Aggregator(Aggregator { asn, speaker })
        }
        ("originator-id", Value::Ip(IpAddr::V4(ip))) => Attribute::OriginatorId(OriginatorId(*ip)),
        ("cluster-list", _) => Attribute::ClusterList(ClusterList(
            items
                .iter()
                .map(|s| {
                    s.parse::<Ipv4Addr>()
                        .ok()
                        .or_else(|| parse_number::<u32>(s).map(Ipv4Addr::from))
                })
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| bad("invalid cluster-list".into()))?,
        )),
        ("community", _) => Attribute::Communities(Communities::parse(strs()).map_err(bad)?),
        ("large-community", _) => {
            Attribute::LargeCommunities(LargeCommunities::parse(strs()).map_err(bad)?)
        }
        ("extended-community", _) => {
            Attribute::ExtendedCommunities(ExtendedCommunities::parse(strs()).map_err(bad)?)
        }
        ("attribute", _) => Attribute::Generic(generic(&items, at)?),
        ("bgp-prefix-sid", _) => Attribute::PrefixSid(PrefixSid::parse_mpls(&items).map_err(bad)?),
        ("bgp-prefix-sid-srv6", _) => {
            Attribute::PrefixSid(PrefixSid::parse_srv6(&items).map_err(bad)?)
        }
        (keyword, _) => {
            return Err(Error::new(
                at,
                format!(
                    "'{keyword}' can not be used with an {} route",
                    "IP unicast or multicast"
                ),
            ))
        }
    })
}

/// `as-path N` or groups `[ N N ] ( N N )`: brackets a sequence, parentheses a set
/// (RFC 4271 §4.3), as ExaBGP's `as_path`.
fn as_path(items: &[String], at: Location) -> Result<AsPath> {
    let bad = || Error::new(at, "could not parse as-path");
    if let [single] = items {
        return Ok(AsPath::sequence(vec![parse_asn(single).ok_or_else(bad)?]));
    }
    let mut segments = Vec::new();
    let mut open: Option<Segment> = None;
    for item in items.iter().filter(|i| *i != ",") {
        match (item.as_str(), open.take()) {
            ("[", None) => {
                open = Some(Segment {
                    kind: SegmentType::Sequence,
                    asns: Vec::new(),
                })
            }
            ("(", None) => {
                open = Some(Segment {
                    kind: SegmentType::Set,
                    asns: Vec::new(),
                })
            }
            ("]", Some(segment)) if segment.kind == SegmentType::Sequence => segments.push(segment),
            (")", Some(segment)) if segment.kind == SegmentType::Set => segments.push(segment),
            (asn, Some(mut segment)) => {
                segment.asns.push(parse_asn(asn).ok_or_else(bad)?);
                open = Some(segment);
            }
            _ => return Err(bad()),
        }
    }
    if open.is_some() {
        return Err(bad());
    }
    // an empty `[ ]` is an empty AS_PATH, as for iBGP
    segments.retain(|s: &Segment| !s.asns.is_empty());
    Ok(AsPath { segments })
}

/// `attribute [ 0xCODE 0xFLAGS 0xDATA ]`.
fn generic(items: &[String], at: Location) -> Result<GenericAttribute> {
    let bad = |why: &str| Error::new(at, why.to_string());
    let [code, flag, data] = items else {
        return Err(bad("expected [ 0xCODE 0xFLAGS 0xDATA ]"));
    };
    let code = parse_number::<u8>(code).ok_or_else(|| bad("the attribute code is one byte"))?;
    let flag = parse_number::<u8>(flag).ok_or_else(|| bad("the attribute flags are one byte"))?;
    let hex = data
        .strip_prefix("0x")
        .or_else(|| data.strip_prefix("0X"))
        .unwrap_or(data);
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("the attribute data is not hexadecimal"));
    }
    if hex.len() % 2 != 0 {
        return Err(bad("hexadecimal data must have an even number of digits"));
    }
    let value = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16))
        .collect::<std::result::Result<Vec<u8>, _>>()
        .map_err(|_| bad("the attribute data is not hexadecimal"))?;
    Ok(GenericAttribute {
        code,
        flag,
        value: Bytes::from(value),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bgp::message::open::capability::negotiated::Negotiated;
    use crate::bgp::message::update::{RoutedNlri, Update};
    use crate::configuration::Configuration;
    use std::path::Path;

    fn changes(statements: &str) -> Vec<Change> {
        let text = format!(
            "neighbor 127.0.0.1 {{\n router-id 10.0.0.2;\n local-address 127.0.0.1;\n local-as 65533;\n peer-as 65533;\n\
             family {{ ipv4 unicast; ipv6 unicast; ipv4 multicast; }}\n static {{\n{statements}\n }}\n}}\n"
        );
        let configuration = Configuration::parse(&text, Path::new("test.conf")).unwrap();
        configuration.neighbors[0].changes.clone()
    }

    /// The UPDATE message of one change on an iBGP session of AS 65533, in hexadecimal.
    fn wire(change: &Change) -> String {
        let negotiated = Negotiated {
            local_as: 65533,
            peer_as: 65533,
            ..Negotiated::default()
        };
        let update = Update {
            announces: vec![RoutedNlri {
                nlri: change.nlri.clone(),
                nexthop: change.nexthop,
            }],
            attributes: Attributes::clone(&change.attributes),
            ..Update::default()
        };
        crate::util::hex::upper(&update.messages(&negotiated, true).concat())
    }

    fn as_inet(nlri: &Nlri) -> &Inet {
        match nlri {
            Nlri::Inet(inet) => inet,
            #[allow(unreachable_patterns)]
            other => panic!("not an IP route: {other:?}"),
        }
    }

    // Golden messages from ExaBGP's qa/encoding/*.ci ("raw:" lines, separators removed).
    const MARKER: &str = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF";

    #[test]
    fn split_gives_consecutive_prefixes_conf_split() {
        let built = changes(
            "route 172.10.0.0/22 next-hop 192.0.2.1 med 200 community [174:666] split /24;",
        );
        assert_eq!(built.len(), 4);
        for (n, change) in built.iter().enumerate() {
            let expected = format!(
                "{MARKER}003E020000002340010100400200400304C0000201800404000000C840050400000064C0080400AE029A18AC0A0{n}"
            );
            assert_eq!(wire(change), expected);
        }
    }

    #[test]
    fn vpn_route_conf_vpn() {
        let text = "neighbor 127.0.0.1 {\n router-id 127.1.1.1;\n local-address 127.0.0.1;\n local-as 65000;\n peer-as 65000;\n \
                    static {\n  route 10.0.0.0/24 rd 65000:1 next-hop 200.10.0.101 extended-community [ 0x0002fde800000001 0x0002271000000001 ] label 1000 split /25;\n }\n}\n";
        let configuration = Configuration::parse(text, Path::new("test.conf")).unwrap();
        let built = &configuration.neighbors[0].changes;
        assert_eq!(built.len(), 2);
        let negotiated = Negotiated {
            local_as: 65000,
            peer_as: 65000,
            families: vec![crate::protocol::family::Family::new(
                crate::protocol::family::Afi::IPV4,
                Safi::MPLS_VPN,
            )],
            ..Negotiated::default()
        };
        let update = Update {
            announces: vec![RoutedNlri {
                nlri: built[1].nlri.clone(),
                nexthop: built[1].nexthop,
            }],
            attributes: (*built[1].attributes).clone(),
            ..Update::default()
        };
        let hex = crate::util::hex::upper(&update.messages(&negotiated, true).concat());
        assert_eq!(
            hex,
            format!("{MARKER}0063020000004C40010100400200400304C80A006540050400000064C0101000022710000000010002FDE800000001800E210001800C0000000000000000C80A00650071003E810000FDE8000000010A000080")
        );
    }

    #[test]
    fn labeled_unicast_route() {
        let text = "neighbor 127.0.0.1 {\n router-id 127.1.1.1;\n local-as 1;\n peer-as 1;\n \
                    static {\n  route 10.0.0.0/24 next-hop 1.1.1.1 label [ 100 200 ];\n }\n}\n";
        let configuration = Configuration::parse(text, Path::new("test.conf")).unwrap();
        let change = &configuration.neighbors[0].changes[0];
        assert_eq!(
            change.nlri.to_string(),
            "10.0.0.0/24 label [ 100 (1600) 200 (3201) ]"
        );
        let Nlri::Label(label) = &change.nlri else {
            panic!("not labeled: {:?}", change.nlri)
        };
        assert_eq!(label.labels.values().collect::<Vec<_>>(), vec![100, 200]);
    }

    #[test]
    fn as_path_aggregator_atomic_conf_aggregator() {
        let built = changes(
            "route 1.0.64.0/18 as-path [ 57821 6939 ] atomic-aggregate aggregator ( 18144:219.118.225.189 ) next-hop 192.168.1.254;",
        );
        assert_eq!(
            wire(&built[0]),
            format!(
                "{MARKER}0048020000002D4001010040020A02020000E1DD00001B1B400304C0A801FE40050400000064400600C00708000046E0DB76E1BD12010040"
            )
        );
    }

    #[test]
    fn generic_attribute_conf_generic_attribute() {
        let built = changes(
            "route 101.101.101.101 next-hop 192.168.1.100 attribute [0x99 0x60 0x00000064];",
        );
        assert_eq!(
            wire(&built[0]),
            format!("{MARKER}0038020000001C40010100400200400304C0A8016440050400000064609904000000642065656565")
        );
    }

    #[test]
    fn large_communities_conf_largecommunity() {
        let built = changes(
            "route 8.8.8.10/32 next-hop 192.0.2.1 large-community [ 2914:0:666 2914:3320:123 ];",
        );
        assert_eq!(
            wire(&built[0]),
            format!(
                "{MARKER}004C020000003040010100400200400304C000020140050400000064C0201800000B62000000000000029A00000B6200000CF80000007B200808080A"
            )
        );
    }

    #[test]
    fn ipv6_next_hop_self_conf_ipself6() {
        let text = "neighbor ::1 {\n router-id 127.0.0.2;\n local-address ::1;\n local-as 65533;\n peer-as 65533;\n \
                    family { ipv6 unicast; }\n static {\n  route 2a04:6d80::1/128 next-hop self;\n }\n}\n";
        let configuration = Configuration::parse(text, Path::new("test.conf")).unwrap();
        let change = &configuration.neighbors[0].changes[0];
        let negotiated = Negotiated {
            local_as: 65533,
            peer_as: 65533,
            families: vec![crate::protocol::family::Family::IPV6_UNICAST],
            ..Negotiated::default()
        };
        let update = Update {
            announces: vec![RoutedNlri {
                nlri: change.nlri.clone(),
                nexthop: change.nexthop,
            }],
            attributes: Attributes::clone(&change.attributes),
            ..Update::default()
        };
        let hex = crate::util::hex::upper(&update.messages(&negotiated, true).concat());
        assert_eq!(
            hex,
            format!(
                "{MARKER}004E02000000374001010040020040050400000064800E26000201100000000000000000000000000000000100802A046D80000000000000000000000001"
            )
        );
    }

    #[test]
    fn next_hop_self_and_ipv4_next_hop_of_ipv6_route() {
        let built =
            changes("route 10.0.0.0/8 next-hop self;\nroute 2001:db8::/32 next-hop 10.0.0.1;");
        assert_eq!(built[0].nexthop, Some("127.0.0.1".parse().unwrap()));
        assert_eq!(built[1].nexthop, Some("10.0.0.1".parse().unwrap()));
        assert_eq!(
            built[1].nlri.family(),
            crate::protocol::family::Family::IPV6_UNICAST
        );
    }

    #[test]
    fn host_bits_are_cleared_and_multicast_detected() {
        let built =
            changes("route 10.1.2.3/8 next-hop 1.1.1.1;\nroute 239.1.0.0/16 next-hop 1.1.1.1;");
        let inet = as_inet(&built[0].nlri);
        assert_eq!(inet.cidr.addr(), "10.0.0.0".parse::<IpAddr>().unwrap());
        assert_eq!(
            built[1].nlri.family(),
            crate::protocol::family::Family::IPV4_MULTICAST
        );
    }

    #[test]
    fn path_information_watchdog_withdraw_name() {
        let built = changes(
            "route 10.0.0.0/8 next-hop 1.1.1.1 path-information 0.0.0.7 watchdog dog withdraw name first;\n\
             route 11.0.0.0/8 next-hop 1.1.1.1 path-information 9;",
        );
        let inet = as_inet(&built[0].nlri);
        assert_eq!(inet.path_info, PathInfo::Id(7));
        assert!(built[0].withdraw);
        assert_eq!(built[0].watchdog(), Some("dog"));
        assert_eq!(built[0].name(), Some("first"));
        let inet = as_inet(&built[1].nlri);
        assert_eq!(inet.path_info, PathInfo::Id(9));
    }

    #[test]
    fn as_path_sets() {
        let built = changes("route 10.0.0.0/8 next-hop 1.1.1.1 as-path [ 1 2 ] ( 3 4 );");
        let Some(Attribute::AsPath(path)) = built[0].attributes.get(2) else {
            panic!()
        };
        assert_eq!(
            path.segments,
            vec![
                Segment {
                    kind: SegmentType::Sequence,
                    asns: vec![1, 2]
                },
                Segment {
                    kind: SegmentType::Set,
                    asns: vec![3, 4]
                }
            ]
        );
    }

    /// Errors of routes read straight from the token stream come where they came when routes
    /// were read from the section tree: after the errors of the file's structure, and (for
    /// those found building the route) after the neighbour's own checks.
    #[test]
    fn streamed_route_errors_keep_their_order() {
        let text = "neighbor 10.0.0.1 {\n local-as 1; peer-as 1; router-id 1.1.1.1;\n \
                    static {\n  route 10.0.0.0/8 next-hop foo;\n  }\n";
        let error = Configuration::parse(text, Path::new("x.conf")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "x.conf:1:1: section 'neighbor' is not closed: expected '}' before the end of the file"
        );
        let text = "neighbor 10.0.0.1 {\n local-as 1; peer-as 1; router-id 1.1.1.1;\n \
                    static {\n  route 10.0.0.0/8 next-hop foo;\n  route 10.1.0.0/8 next-hop bar;\n  }\n bogus;\n}\n";
        let error = Configuration::parse(text, Path::new("x.conf")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "x.conf:4:29: expected an IP address or 'self' after 'next-hop', got 'foo'"
        );
        let text = "neighbor 10.0.0.1 {\n local-as 1; router-id 1.1.1.1;\n \
                    static {\n  route 10.0.0.0/8 next-hop 1.1.1.1 watchdog announce;\n  }\n}\n";
        let error = Configuration::parse(text, Path::new("x.conf")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "x.conf:1:1: incomplete neighbor, missing peer-as"
        );
        let text = "neighbor 10.0.0.1 {\n local-as 1; peer-as 1;\n local-address 10.0.0.2;\n family { ipv4 unicast; }\n \
                    static {\n  route 10.0.0.0/8 next-hop 1.1.1.1 watchdog announce;\n  route 2001:db8::/32 next-hop self;\n  }\n}\n";
        let error = Configuration::parse(text, Path::new("x.conf")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "x.conf:7:3: trying to announce a route of type ipv6 unicast when we are not announcing the family to our peer"
        );
    }

    #[test]
    fn build_errors_point_at_the_keyword() {
        let text = "neighbor 10.0.0.1 {\n local-address 2001:db8::1; router-id 1.1.1.1; local-as 1; peer-as 1;\n \
                    static {\n  route 2001:db8:1::/48 next-hop 1.1.1.1 watchdog announce;\n  }\n}\n";
        let error = Configuration::parse(text, Path::new("x.conf")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "x.conf:1:1: local-address and peer-address must be of the same family"
        );
        let text = "neighbor 10.0.0.1 {\n local-as 1; peer-as 1; router-id 1.1.1.1;\n \
                    static {\n  route 10.0.0.0/8 next-hop 1.1.1.1 watchdog announce;\n  }\n}\n";
        let error = Configuration::parse(text, Path::new("x.conf")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "x.conf:4:37: 'announce' is a reserved word and cannot be used as a watchdog name"
        );
        let text = "neighbor 10.0.0.1 {\n local-as 1; peer-as 1; router-id 1.1.1.1;\n family { ipv6 unicast; }\n \
                    static {\n  route 2001:db8::/32 next-hop self;\n  }\n}\n";
        let error = Configuration::parse(text, Path::new("x.conf")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "x.conf:5:23: use of \"next-hop self\": the route (ipv6) does not have the same family as the BGP tcp session (unknown)"
        );
    }

    /// The UPDATEs of every configured route of `neighbor_text`'s single neighbour on a session
    /// with a peer that echoes our OPEN (as ExaBGP's qa test peer), in hexadecimal.
    fn session_wire(neighbor_text: &str) -> Vec<String> {
        use crate::bgp::message::open::capability::Capabilities;
        use crate::bgp::message::open::Open;
        let configuration = Configuration::parse(neighbor_text, Path::new("test.conf")).unwrap();
        let peer = &configuration.neighbors[0];
        let neighbor = &peer.neighbor;
        let router_id = neighbor.router_id.unwrap();
        let open = |id| {
            Open::new(
                neighbor.local_as,
                180,
                id,
                Capabilities::new(neighbor, false),
            )
        };
        let echoed = Ipv4Addr::from(u32::from(router_id) + 1);
        let negotiated = Negotiated::agree(neighbor, &open(router_id), &open(echoed));
        peer.changes
            .iter()
            .flat_map(|change| {
                let update = Update {
                    announces: vec![RoutedNlri {
                        nlri: change.nlri.clone(),
                        nexthop: change.nexthop,
                    }],
                    attributes: Attributes::clone(&change.attributes),
                    ..Update::default()
                };
                update.messages(&negotiated, true)
            })
            .map(|m| crate::util::hex::upper(&m))
            .collect()
    }

    /// qa conf-addpath: ADD-PATH send for ipv4 unicast and ipv4 mpls-vpn; the VPN route carries
    /// path identifier, label, RD, and its IPv4 next-hop as NEXT_HOP too (as ExaBGP).
    #[test]
    fn addpath_unicast_and_vpn_routes_conf_addpath() {
        let wire = session_wire(
            "neighbor 127.0.0.1 { router-id 1.2.3.4; local-address 127.0.0.1; local-as 1; peer-as 1;
             group-updates false; capability { add-path send/receive; }
             family { ipv4 unicast; ipv4 mpls-vpn; ipv6 unicast; }
             add-path { ipv4 unicast; ipv4 mpls-vpn; }
             static {
               route 193.0.2.1 path-information 1.2.3.4 next-hop 10.0.0.1 extended-community 72:0.0.0.1;
               route 10.0.0.0/24 origin igp next-hop 192.168.0.1 extended-community [ target:0:0 target:1:1 ] label 20012 rd 100:100 local-preference 100 path-information 10;
             } }",
        );
        assert_eq!(
            wire,
            [
                format!("{MARKER}00400200000020400101004002004003040A00000140050400000064C0100800020048000000010102030420C1000201"),
                format!("{MARKER}0066020000004F40010100400200400304C0A8000140050400000064C0101000020000000000000002000100000001800E240001800C0000000000000000C0A80001000000000A7004E2C100000064000000640A0000"),
            ]
        );
    }

    /// qa extended-nexthop: with RFC 8950 next-hop negotiated (ipv4 unicast over IPv6), an IPv4
    /// route goes in MP_REACH_NLRI with its IPv6 next-hop, and an IPv6 route keeps its IPv4
    /// next-hop (four bytes, and the NEXT_HOP attribute) as ExaBGP sends it.
    #[test]
    fn extended_nexthop_both_ways() {
        let wire = session_wire(
            "neighbor 127.0.0.1 { router-id 127.0.0.2; local-address 127.0.0.1; local-as 12345; peer-as 12345;
             capability { nexthop true; }
             family { ipv4 unicast; ipv4 mpls-vpn; ipv6 unicast; ipv6 mpls-vpn; }
             nexthop { ipv4 unicast ipv6; ipv4 mpls-vpn ipv6; ipv6 unicast ipv4; }
             static {
               route 153.153.153.153 next-hop BAD:CAFE:BAD:CAFE:BAD:CAFE:BAD:CAFE;
               route DEAD:BEEF:DEAD:BEEF:DEAD:BEEF:DEAD:BEEF next-hop 170.170.170.170;
             } }",
        );
        assert_eq!(
            wire,
            [
                format!("{MARKER}0042020000002B4001010040020040050400000064800E1A000101100BADCAFE0BADCAFE0BADCAFE0BADCAFE002099999999"),
                format!("{MARKER}0049020000003240010100400200400304AAAAAAAA40050400000064800E1A00020104AAAAAAAA0080DEADBEEFDEADBEEFDEADBEEFDEADBEEF"),
            ]
        );
    }

    /// Without extended next-hop, an IPv4 next-hop of an IPv6 route goes IPv4-mapped, as
    /// RFC 2545 §3 requires sixteen bytes (bytes worked out by hand: MP_REACH_NLRI of 38 bytes,
    /// next-hop ::ffff:170.170.170.170).
    #[test]
    fn ipv4_nexthop_of_ipv6_route_is_mapped_without_extended_nexthop() {
        let wire = session_wire(
            "neighbor 127.0.0.1 { router-id 127.0.0.2; local-address 127.0.0.1; local-as 12345; peer-as 12345;
             family { ipv6 unicast; }
             static { route DEAD:BEEF:DEAD:BEEF:DEAD:BEEF:DEAD:BEEF next-hop 170.170.170.170; } }",
        );
        assert_eq!(
            wire,
            [format!(
                "{MARKER}0055020000003E40010100400200400304AAAAAAAA40050400000064\
                 800E2600020110\
                 00000000000000000000FFFFAAAAAAAA00\
                 80DEADBEEFDEADBEEFDEADBEEFDEADBEEF"
            )]
        );
    }

    /// qa conf-parity: IPv6 VPN routes, the block and the one-line form giving the same bytes.
    #[test]
    fn ipv6_vpn_routes_conf_parity() {
        let wire = session_wire(
            "neighbor 127.0.0.1 { router-id 1.2.3.4; local-address 127.0.0.1; local-as 1; peer-as 1;
             family { ipv6 mpls-vpn; }
             static {
               route 2001:4B50:20C0::/48 { rd 3215:583457597; as-path [ 25186 65000 64512 ];
                 next-hop ::FFFF:81.52.17.146; originator-id 57.35.2.240; local-preference 100;
                 community [ 65000:33 ]; extended-community [ target:10283:4.249.92.120 ]; label 926; }
               route 2001:4B50:20D0::/48 rd 3215:583457597 as-path [ 25186 65000 64512 ] next-hop ::FFFF:81.52.17.146 originator-id 57.35.2.240 local-preference 100 community [ 65000:33 ] extended-community [ target:10283:4.249.92.120 ] label 926;
             } }",
        );
        let expected = |last: &str| {
            format!("{MARKER}007E02000000674001010040020E0203000062620000FDE80000FC0040050400000064C00804FDE80021800904392302F0C010080002282B04F95C78800E2F00028018000000000000000000000000000000000000FFFF5134119200880039E100000C8F22C6DB3D20014B5020{last}")
        };
        assert_eq!(wire, [expected("C0"), expected("D0")]);
    }
}
