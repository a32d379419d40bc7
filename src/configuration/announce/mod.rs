//! Ports `exabgp/configuration/announce/__init__.py` (and ip.py, label.py, vpn.py, path.py):
//! `announce { ipv4 { unicast ...; } ipv6 { ... } l2vpn { vpls ...; } }`.

pub mod mup;
pub mod mvpn;

use super::core::format::{Kind, Token};
use super::core::parser::{Node, Section, Statement, Words};
use super::core::{Error, Location, Result};
use super::flow::FlowRoute;
use super::r#static::route::Route;
use super::r#static::Sink;
use crate::protocol::family::{Afi, Safi};

/// Parses an `announce` section into routes.
pub fn parse(section: &Section, routes: &mut Sink<'_>, flows: &mut Vec<FlowRoute>) -> Result<()> {
    section.args().finish()?;
    for node in &section.body {
        let inner = match node {
            Node::Section(inner) => inner,
            Node::Statement(statement) => {
                return Err(Error::new(
                    statement.location(),
                    format!("unexpected statement '{}' in announce: expected an ipv4, ipv6 or l2vpn section", statement.keyword()),
                ))
            }
        };
        inner.args().finish()?;
        let afi = match inner.keyword() {
            "ipv4" => Afi::IPV4,
            "ipv6" => Afi::IPV6,
            "l2vpn" => Afi::L2VPN,
            other => {
                return Err(Error::new(
                    inner.location(),
                    format!("unknown section '{other}' in announce: expected ipv4, ipv6 or l2vpn"),
                ))
            }
        };
        let mut next = 0;
        for (index, node) in inner.body.iter().enumerate() {
            routes.groups(inner, &mut next, index)?;
            let statement = match node {
                Node::Statement(statement) => statement,
                Node::Section(nested) => {
                    return Err(Error::new(
                        nested.location(),
                        format!("unexpected section '{}' in announce", nested.keyword()),
                    ))
                }
            };
            let mut words = statement.args();
            match announcement(afi, statement.keyword(), &mut words, statement.location())? {
                Announcement::Route(route) => routes.push(route),
                Announcement::Flow(flow) => flows.push(flow),
            }
        }
        routes.groups(inner, &mut next, usize::MAX)?;
    }
    Ok(())
}

/// A route or a flow rule, as announced in a section or by an API command.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Announcement {
    Route(Route),
    Flow(FlowRoute),
}

/// The announcements of an IPv4 or IPv6 prefix (read straight from the token stream in a
/// configuration: `configuration::Reader`).
pub const IP_ANNOUNCEMENTS: [&str; 5] = [
    "unicast",
    "multicast",
    "nlri-mpls",
    "labeled-unicast",
    "mpls-vpn",
];

/// `SAFI PREFIX ...` of an `announce { ipv4 { } }` or `ipv6` section, `SAFI` one of
/// `IP_ANNOUNCEMENTS`.
pub fn ip_announcement(
    afi: Afi,
    keyword: &str,
    words: &mut Words<'_>,
    at: Location,
) -> Result<Route> {
    let safi = match keyword {
        "unicast" => Safi::UNICAST,
        "multicast" => Safi::MULTICAST,
        "mpls-vpn" => Safi::MPLS_VPN,
        _ => Safi::NLRI_MPLS,
    };
    let route = super::r#static::ip_route(words, at, Some(safi))?;
    if route
        .prefix
        .is_some_and(|(ip, _)| ip.is_ipv4() != (afi == Afi::IPV4))
    {
        return Err(Error::new(
            at,
            format!("the prefix is not an {} prefix", afi.name()),
        ));
    }
    Ok(route)
}

/// One `SAFI ...` announcement of an `announce { AFI { } }` section.
fn announcement(
    afi: Afi,
    keyword: &str,
    words: &mut Words<'_>,
    at: Location,
) -> Result<Announcement> {
    let route = match (afi, keyword) {
        (Afi::L2VPN, "vpls") => super::l2vpn::vpls(words, at)?,
        (Afi::L2VPN, other) => return Err(Error::new(at, format!("unknown l2vpn announcement '{other}': expected vpls"))),
        (_, keyword) if IP_ANNOUNCEMENTS.contains(&keyword) => ip_announcement(afi, keyword, words, at)?,
        (_, "flow" | "flow-vpn") => {
            let safi = if keyword == "flow" { Safi::FLOW_IP } else { Safi::FLOW_VPN };
            return Ok(Announcement::Flow(super::flow::announce(words, at, Some(afi), safi)?));
        }
        (_, "mup") => mup::parse(words, at, afi)?,
        (_, "mcast-vpn") => mvpn::parse(words, at, afi)?,
        (_, "sr-policy") => super::r#static::sr_policy::parse(words, at, Some(afi))?,
        (_, other) => {
            return Err(Error::new(
                at,
                format!(
                    "unknown {} announcement '{other}': expected unicast, multicast, nlri-mpls, labeled-unicast, \
                     mpls-vpn, mcast-vpn, mup, sr-policy, flow or flow-vpn",
                    afi.name()
                ),
            ))
        }
    };
    Ok(Announcement::Route(route))
}

/// Parses the route of an API command with the configuration's grammar (ExaBGP's API reuses
/// its configuration parsers): `route PREFIX ...`, `AFI SAFI ...` (`ipv6 unicast ...`,
/// `ipv4 flow ...`), `vpls ...`, `sr-policy ...` or `flow [route] ...`. No `;` is needed;
/// error columns count from the start of `text`.
pub fn parse_text(text: &str) -> Result<Announcement> {
    let tokens = super::core::format::tokens(text)?;
    if let Some(t) = tokens
        .iter()
        .find(|t| t.kind != Kind::Word && t.kind != Kind::Quoted)
    {
        return Err(Error::new(
            t.location,
            format!("unexpected '{}' in a route", t.text),
        ));
    }
    let first = tokens
        .first()
        .ok_or_else(|| Error::new(Location { line: 1, column: 1 }, "expected a route"))?;
    let end = Location {
        line: 1,
        column: text.chars().count() as u32 + 1,
    };
    let statement = Statement {
        words: tokens.iter().cloned().map(Token::into_owned).collect(),
        end,
    };
    let mut words = statement.args();
    let at = first.location;
    Ok(match &*first.text {
        "route" => Announcement::Route(super::r#static::ip_route(&mut words, at, None)?),
        "vpls" => Announcement::Route(super::l2vpn::vpls(&mut words, at)?),
        "sr-policy" => Announcement::Route(super::r#static::sr_policy::parse(&mut words, at, None)?),
        "flow" => {
            words.accept("route");
            let vpn = statement.words.iter().any(|t| t.text == "rd" || t.text == "route-distinguisher");
            let safi = if vpn { Safi::FLOW_VPN } else { Safi::FLOW_IP };
            Announcement::Flow(super::flow::announce(&mut words, at, None, safi)?)
        }
        afi_name @ ("ipv4" | "ipv6" | "l2vpn") => {
            let afi = Afi::from_name(afi_name).unwrap_or(Afi::IPV4);
            let safi = words.next("a subsequent address family")?;
            announcement(afi, safi, &mut words, at)?
        }
        other => {
            return Err(Error::new(
                at,
                format!("unknown route '{other}': expected route, ipv4, ipv6, l2vpn, vpls, sr-policy or flow"),
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::configuration::r#static::route::Value;
    use crate::protocol::family::Family;

    #[test]
    fn api_route_text() {
        let Announcement::Route(route) =
            parse_text("route 10.0.0.0/24 next-hop 1.2.3.4 med 10").unwrap()
        else {
            panic!()
        };
        assert_eq!(route.family, Family::IPV4_UNICAST);
        assert_eq!(route.field("med"), Some(&Value::Number(10)));

        let Announcement::Route(route) =
            parse_text("ipv6 unicast 2001:db8::/32 next-hop ::1").unwrap()
        else {
            panic!()
        };
        assert_eq!(route.family, Family::IPV6_UNICAST);

        let Announcement::Flow(flow) =
            parse_text("flow route destination 2001:db8::/64 discard").unwrap()
        else {
            panic!()
        };
        assert_eq!(flow.family, Family::new(Afi::IPV6, Safi::FLOW_IP));
        assert_eq!(flow.then[0].keyword, "discard");

        let Announcement::Flow(flow) =
            parse_text("flow route rd 1:1 source 10.0.0.0/8 rate-limit 0").unwrap()
        else {
            panic!()
        };
        assert_eq!(flow.family, Family::new(Afi::IPV4, Safi::FLOW_VPN));
    }

    #[test]
    fn api_route_text_errors_have_columns() {
        let error = parse_text("route 10.0.0.0/24 next-hop foo").unwrap_err();
        assert_eq!(
            error.to_string(),
            "1:28: expected an IP address or 'self' after 'next-hop', got 'foo'"
        );
        let error = parse_text("route 10.0.0.0/24 next-hop").unwrap_err();
        assert_eq!(
            error.to_string(),
            "1:27: expected an IP address or 'self' after 'next-hop', got the end of the statement"
        );
        let error = parse_text("route 10.0.0.0/24; x").unwrap_err();
        assert_eq!(error.to_string(), "1:18: unexpected ';' in a route");
        let error = parse_text("ipv4 unicorn 10.0.0.0/24").unwrap_err();
        assert!(
            error
                .message
                .starts_with("unknown ipv4 announcement 'unicorn'"),
            "{error}"
        );
    }
}
