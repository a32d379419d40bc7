//! Ports `exabgp/configuration/neighbor/family.py` and `nexthop.py`: the `family { }`,
//! `add-path { }` and `nexthop { }` sections of a neighbour.

use crate::configuration::core::parser::{Node, Section, Statement, Words};
use crate::configuration::core::{Error, Result};
use crate::configuration::schema::{Container, Keyword, Kind};
use crate::protocol::family::{Afi, Family, Safi};

/// The families a `family { }` section may name, with ExaBGP's spellings (`labeled-unicast` is
/// an alias of `nlri-mpls`).
const KNOWN: &[(&str, &str, Afi, Safi)] = &[
    ("ipv4", "unicast", Afi::IPV4, Safi::UNICAST),
    ("ipv4", "multicast", Afi::IPV4, Safi::MULTICAST),
    ("ipv4", "nlri-mpls", Afi::IPV4, Safi::NLRI_MPLS),
    ("ipv4", "labeled-unicast", Afi::IPV4, Safi::NLRI_MPLS),
    ("ipv4", "mpls-vpn", Afi::IPV4, Safi::MPLS_VPN),
    ("ipv4", "mcast-vpn", Afi::IPV4, Safi::MCAST_VPN),
    ("ipv4", "flow", Afi::IPV4, Safi::FLOW_IP),
    ("ipv4", "flow-vpn", Afi::IPV4, Safi::FLOW_VPN),
    ("ipv4", "mup", Afi::IPV4, Safi::MUP),
    ("ipv4", "sr-policy", Afi::IPV4, Safi::SR_POLICY),
    ("ipv6", "unicast", Afi::IPV6, Safi::UNICAST),
    ("ipv6", "nlri-mpls", Afi::IPV6, Safi::NLRI_MPLS),
    ("ipv6", "labeled-unicast", Afi::IPV6, Safi::NLRI_MPLS),
    ("ipv6", "mpls-vpn", Afi::IPV6, Safi::MPLS_VPN),
    ("ipv6", "mcast-vpn", Afi::IPV6, Safi::MCAST_VPN),
    ("ipv6", "mup", Afi::IPV6, Safi::MUP),
    ("ipv6", "sr-policy", Afi::IPV6, Safi::SR_POLICY),
    ("ipv6", "flow", Afi::IPV6, Safi::FLOW_IP),
    ("ipv6", "flow-vpn", Afi::IPV6, Safi::FLOW_VPN),
    ("l2vpn", "vpls", Afi::L2VPN, Safi::VPLS),
    ("l2vpn", "evpn", Afi::L2VPN, Safi::EVPN),
    ("bgp-ls", "bgp-ls", Afi::BGPLS, Safi::BGPLS),
    ("bgp-ls", "bgp-ls-vpn", Afi::BGPLS, Safi::BGPLS_VPN),
];

/// Every family ExaBGP has NLRI for (`NLRI.known_families()`), sorted: what a neighbour
/// without `family { }` (or with `all`) announces. It has IPv6 multicast and IPv4 RTC, which
/// a `family { }` section can not name.
pub fn all() -> Vec<Family> {
    let mut families: Vec<Family> = KNOWN
        .iter()
        .map(|&(_, _, afi, safi)| Family::new(afi, safi))
        .collect();
    families.push(Family::IPV6_MULTICAST);
    families.push(Family::new(Afi::IPV4, Safi::RTC));
    families.sort();
    families.dedup();
    families
}

/// The `family { }` section's schema: per AFI the subsequent families `KNOWN` has for it.
pub(crate) fn schema() -> Container {
    let mut container = Container::new("Families announced in the OPEN: AFI SAFI;");
    let mut afis: Vec<&'static str> = KNOWN.iter().map(|k| k.0).collect();
    afis.dedup();
    for afi in afis {
        let safis: Vec<&'static str> = KNOWN.iter().filter(|k| k.0 == afi).map(|k| k.1).collect();
        container = container.leaves(&[Keyword::new(
            afi,
            Kind::Choice(safis.into()),
            "A subsequent family of this address family",
        )]);
    }
    container.leaves(&[Keyword::new(
        "all",
        Kind::Flag,
        "Every family exabgp-rs knows",
    )])
}

fn afi_names() -> String {
    let mut names: Vec<&str> = KNOWN.iter().map(|k| k.0).collect();
    names.dedup();
    names.join(", ")
}

/// Reads `AFI SAFI` from `words` (the AFI is the statement keyword, already consumed).
pub fn family(statement: &Statement, words: &mut Words<'_>) -> Result<Family> {
    let afi = statement.keyword();
    if !KNOWN.iter().any(|k| k.0 == afi) {
        return Err(Error::new(
            statement.location(),
            format!("unknown address family '{afi}': expected {}", afi_names()),
        ));
    }
    let safis: Vec<&str> = KNOWN.iter().filter(|k| k.0 == afi).map(|k| k.1).collect();
    words.parse(
        &format!("a subsequent family ({})", safis.join(", ")),
        |safi| {
            KNOWN
                .iter()
                .find(|k| k.0 == afi && k.1 == safi)
                .map(|k| Family::new(k.2, k.3))
        },
    )
}

/// `family { ipv4 unicast; ...; }` or `family { all; }`. As in ExaBGP, a family named twice
/// in one section, or `all` with anything else, is an error.
pub fn parse_family(section: &Section, families: &mut Vec<Family>) -> Result<()> {
    section.args().finish()?;
    let mut seen: Vec<Family> = Vec::new();
    let mut all_set = false;
    for node in &section.body {
        let statement = statement(node, "family")?;
        let mut words = statement.args();
        if all_set {
            return Err(Error::new(
                statement.location(),
                "cannot add any family once family all is set",
            ));
        }
        if statement.keyword() == "all" {
            words.finish()?;
            if !seen.is_empty() {
                return Err(Error::new(
                    statement.location(),
                    "all cannot be used with any other options",
                ));
            }
            all_set = true;
            families.extend(
                all()
                    .into_iter()
                    .filter(|f| !families.contains(f))
                    .collect::<Vec<_>>(),
            );
            continue;
        }
        let at = statement.location();
        let family = family(statement, &mut words)?;
        words.finish()?;
        if seen.contains(&family) {
            return Err(Error::new(at, format!("Duplicate entry: {family}")));
        }
        seen.push(family);
        if !families.contains(&family) {
            families.push(family);
        }
    }
    Ok(())
}

/// `add-path { ipv4 unicast [limit N]; }`: families with ADD-PATH and their paths limit (0: none).
pub fn parse_addpath(section: &Section, addpath: &mut Vec<(Family, u16)>) -> Result<()> {
    section.args().finish()?;
    let mut seen = Vec::new();
    for node in &section.body {
        let statement = statement(node, "add-path")?;
        let mut words = statement.args();
        let at = statement.location();
        let family = family(statement, &mut words)?;
        if seen.contains(&family) {
            return Err(Error::new(at, format!("Duplicate entry: {family}")));
        }
        seen.push(family);
        let limit = if words.accept("limit") {
            words.number("a paths limit (0-65535)")?
        } else {
            0
        };
        words.finish()?;
        addpath.retain(|(f, _)| *f != family);
        addpath.push((family, limit));
    }
    Ok(())
}

/// `nexthop { ipv4 unicast ipv6; }` (RFC 8950 extended next-hop).
pub fn parse_nexthop(section: &Section, nexthop: &mut Vec<(Family, Afi)>) -> Result<()> {
    section.args().finish()?;
    let mut seen = Vec::new();
    for node in &section.body {
        let statement = statement(node, "nexthop")?;
        let mut words = statement.args();
        let at = statement.location();
        let family = family(statement, &mut words)?;
        let afi = words.parse("a next-hop address family (ipv4 or ipv6)", |s| match s {
            "ipv4" => Some(Afi::IPV4),
            "ipv6" => Some(Afi::IPV6),
            _ => None,
        })?;
        words.finish()?;
        if seen.contains(&(family, afi)) {
            return Err(Error::new(
                at,
                format!("Duplicate entry: {family} {}", afi.name()),
            ));
        }
        seen.push((family, afi));
        if !nexthop.contains(&(family, afi)) {
            nexthop.push((family, afi));
        }
    }
    Ok(())
}

fn statement<'a>(node: &'a Node, section: &str) -> Result<&'a Statement> {
    match node {
        Node::Statement(statement) => Ok(statement),
        Node::Section(inner) => Err(Error::new(
            inner.location(),
            format!(
                "unexpected section '{}' in {section}: expected 'AFI SAFI;' statements",
                inner.keyword()
            ),
        )),
    }
}
