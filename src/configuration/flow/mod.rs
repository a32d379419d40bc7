//! Ports `exabgp/configuration/flow/` (`__init__.py`, route.py, match.py, then.py, scope.py):
//! `flow { route [NAME] { match { } then { } scope { } rd RD; next-hop IP; } }` (RFC 8955,
//! RFC 8956 for IPv6).

pub mod parser;

pub use parser::build;

use super::core::parser::{parse_asn, parse_number, Node, Section, Statement, Words};
use super::core::{Error, Location, Result};
use super::r#static::route::{self, Field, Value};
use super::schema::{expected, Container, Keyword, Kind};
use crate::bgp::message::update::attribute::community::extended::ExtendedCommunities;
use crate::protocol::family::{Afi, Family, Safi};
use std::borrow::Cow;
use std::net::IpAddr;

/// A flow rule.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FlowRoute {
    pub name: String,
    pub family: Family,
    /// `rd` and `next-hop`, given beside the sections.
    pub fields: Vec<Field>,
    /// The `match { }` components, each a list of operator expressions as written.
    pub matches: Vec<Field>,
    /// The `then { }` actions.
    pub then: Vec<Field>,
    /// The `scope { }` entries (interface-set).
    pub scope: Vec<Field>,
    pub location: Location,
}

/// Match components whose values are numbers, and those that also take names.
const NUMERIC: &[&str] = &[
    "port",
    "destination-port",
    "source-port",
    "packet-length",
    "dscp",
    "traffic-class",
    "flow-label",
];
const NAMED: &[&str] = &[
    "protocol",
    "next-header",
    "icmp-type",
    "icmp-code",
    "tcp-flags",
    "fragment",
];
const IPV6_ONLY: &[&str] = &["next-header", "traffic-class", "flow-label"];

/// The prefixes a `match { }` takes.
const PREFIXES: &[&str] = &[
    "source",
    "destination",
    "source-ipv4",
    "destination-ipv4",
    "source-ipv6",
    "destination-ipv6",
];

/// The statements of a `then { }`, as `action_value` reads them.
pub(crate) const ACTIONS: &[Keyword] = &[
    Keyword::new("accept", Kind::Flag, "Let the traffic through"),
    Keyword::new("discard", Kind::Flag, "Drop the traffic (rate-limit 0)"),
    Keyword::new("rate-limit", Kind::Number, "Bytes per second, or N packets"),
    Keyword::new(
        "redirect",
        Kind::Text,
        "To a VRF (route target) or a next-hop address",
    ),
    Keyword::new("redirect-to-nexthop", Kind::Flag, "To the route's next-hop"),
    Keyword::new("redirect-to-nexthop-ietf", Kind::Ip, "To this address"),
    Keyword::new("copy", Kind::Ip, "A copy to this address"),
    Keyword::new("mark", Kind::Integer { min: 0, max: 63 }, "Set this DSCP"),
    Keyword::new(
        "action",
        Kind::Choice(Cow::Borrowed(&["sample", "terminal", "sample-terminal"])),
        "Traffic action",
    ),
    Keyword::new(
        "community",
        Kind::List("community"),
        "COMMUNITIES of the rule",
    ),
    Keyword::new(
        "large-community",
        Kind::List("large-community"),
        "LARGE_COMMUNITY of the rule",
    ),
    Keyword::new(
        "extended-community",
        Kind::List("extended-community"),
        "EXTENDED COMMUNITIES of the rule",
    ),
];

/// The statements of a `scope { }`.
pub(crate) const SCOPES: &[Keyword] = &[Keyword::new(
    "interface-set",
    Kind::List("interface-set"),
    "Interface sets: transitive|non-transitive:input|output|input-output:ASN:GROUP",
)];

/// The `match { }` components: prefixes, then numeric and named values (`>80&<100`, `tcp`).
fn matches() -> Vec<Keyword> {
    let prefixes = PREFIXES.iter().map(|name| {
        Keyword::new(
            name,
            Kind::IpPrefix,
            "Prefix (and /offset for IPv6) to match",
        )
    });
    let values = NUMERIC
        .iter()
        .chain(NAMED)
        .map(|name| Keyword::new(name, Kind::Text, "Values to match: [ >N&<N =N name ]"));
    prefixes.chain(values).collect()
}

/// The `flow { }` section's schema.
pub(crate) fn schema() -> Container {
    let route = Container::new("flow route NAME { match { } then { } scope { } }")
        .leaves(&[
            Keyword::new("rd", Kind::Rd, "Route distinguisher (flow-vpn)"),
            Keyword::new(
                "route-distinguisher",
                Kind::Rd,
                "Route distinguisher (flow-vpn)",
            ),
            Keyword::new(
                "next-hop",
                Kind::NextHop,
                "Next-hop, for redirect-to-nexthop",
            ),
        ])
        .section(
            "match",
            Container::new("What traffic the rule matches").leaves(&matches()),
        )
        .section(
            "then",
            Container::new("What is done with the traffic").leaves(ACTIONS),
        )
        .section(
            "scope",
            Container::new("Where the rule applies").leaves(SCOPES),
        );
    Container::new("FlowSpec rules (RFC 8955)").section("route", route)
}

pub fn parse(section: &Section, flows: &mut Vec<FlowRoute>) -> Result<()> {
    section.args().finish()?;
    for node in &section.body {
        let inner = match node {
            Node::Section(inner) if inner.keyword() == "route" => inner,
            Node::Section(inner) => {
                return Err(Error::new(
                    inner.location(),
                    format!(
                        "unknown section '{}' in flow: expected route",
                        inner.keyword()
                    ),
                ))
            }
            Node::Statement(statement) => {
                return Err(Error::new(
                    statement.location(),
                    format!(
                        "unexpected statement '{}' in flow: expected a route section",
                        statement.keyword()
                    ),
                ))
            }
        };
        let mut args = inner.args();
        let name = if args.is_empty() {
            String::new()
        } else {
            args.next("a route name")?.to_string()
        };
        args.finish()?;
        flows.push(flow_route(inner, name)?);
    }
    Ok(())
}

fn flow_route(section: &Section, name: String) -> Result<FlowRoute> {
    let mut flow = FlowRoute {
        name,
        family: Family::new(Afi::IPV4, Safi::FLOW_IP),
        fields: Vec::new(),
        matches: Vec::new(),
        then: Vec::new(),
        scope: Vec::new(),
        location: section.location(),
    };
    let mut ipv6 = None;
    for node in &section.body {
        match node {
            Node::Statement(statement) => match statement.keyword() {
                "rd" | "route-distinguisher" | "next-hop" => {
                    let mut words = statement.args();
                    let value = route::attribute(statement.keyword(), &mut words)?.unwrap_or(Value::Flag);
                    words.finish()?;
                    flow.fields.push(Field { keyword: route::keyword(statement.keyword()), value, location: statement.location() });
                }
                section @ ("match" | "then" | "scope") => {
                    return Err(Error::new(
                        statement.location(),
                        format!("'{section}' needs its block in flow route: {section} {{ ...; }}"),
                    ))
                }
                other => {
                    return Err(Error::new(
                        statement.location(),
                        format!("unknown statement '{other}' in flow route: expected rd, next-hop, match, then or scope"),
                    ))
                }
            },
            Node::Section(inner) => {
                inner.args().finish()?;
                for node in &inner.body {
                    let Node::Statement(statement) = node else {
                        return Err(Error::new(inner.location(), format!("unexpected section in {}", inner.keyword())));
                    };
                    match inner.keyword() {
                        "match" => flow.matches.push(component(statement, &mut ipv6)?),
                        "then" => flow.then.push(action(statement)?),
                        "scope" => flow.scope.push(scope(statement)?),
                        other => {
                            return Err(Error::new(
                                inner.location(),
                                format!("unknown section '{other}' in flow route: expected match, then or scope"),
                            ))
                        }
                    }
                }
            }
        }
    }
    let afi = if ipv6 == Some(true) {
        Afi::IPV6
    } else {
        Afi::IPV4
    };
    let vpn = flow
        .fields
        .iter()
        .any(|f| f.keyword == "rd" || f.keyword == "route-distinguisher");
    flow.family = Family::new(afi, if vpn { Safi::FLOW_VPN } else { Safi::FLOW_IP });
    Ok(flow)
}

/// `source|destination PREFIX[/OFFSET]` or a component with operator expressions.
fn component_value(
    keyword: &str,
    at: Location,
    words: &mut Words<'_>,
    ipv6: &mut Option<bool>,
) -> Result<Option<Value>> {
    let set_afi = |ipv6: &mut Option<bool>, is6: bool, at: Location| -> Result<()> {
        match *ipv6 {
            Some(known) if known != is6 => Err(Error::new(
                at,
                "a flow route can not mix IPv4 and IPv6 components",
            )),
            _ => {
                *ipv6 = Some(is6);
                Ok(())
            }
        }
    };
    let value = match keyword {
        "source" | "destination" | "source-ipv4" | "destination-ipv4" | "source-ipv6"
        | "destination-ipv6" => {
            let at = words.location();
            let (ip, len, offset) =
                words.parse("a prefix (IPv6 prefixes may have a /offset)", |s| {
                    let mut parts = s.splitn(3, '/');
                    let ip: IpAddr = parts.next()?.parse().ok()?;
                    let len: u8 = parts
                        .next()
                        .map_or(Some(if ip.is_ipv4() { 32 } else { 128 }), |l| {
                            l.parse().ok()
                        })?;
                    let offset: Option<u8> = match parts.next() {
                        Some(o) => Some(o.parse().ok()?),
                        None => None,
                    };
                    let max = if ip.is_ipv4() { 32 } else { 128 };
                    let offset_ok = offset.map_or(true, |o| ip.is_ipv6() && (o < len || o == 0));
                    (len <= max && offset_ok).then_some((ip, len, offset))
                })?;
            set_afi(ipv6, ip.is_ipv6(), at)?;
            match offset {
                // an IPv6 offset (RFC 8956): `Value::Words([prefix, offset])`
                Some(offset) => Value::Words(vec![format!("{ip}/{len}"), offset.to_string()]),
                None => Value::Prefix(ip, len),
            }
        }
        _ if NUMERIC.contains(&keyword) || NAMED.contains(&keyword) => {
            if IPV6_ONLY.contains(&keyword) {
                set_afi(ipv6, true, at)?;
            }
            let named = NAMED.contains(&keyword);
            let items = words.list("an operator expression")?;
            for item in &items {
                for part in item.text.split('&') {
                    let operand = part.trim_start_matches(['<', '>', '=', '!']);
                    let ok = parse_number::<u32>(operand).is_some()
                        || (named
                            && !operand.is_empty()
                            && operand
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '+'));
                    if !ok {
                        return Err(Error::new(
                            item.location,
                            format!(
                                "expected {} for '{keyword}', got '{}'",
                                if named {
                                    "a number or a name"
                                } else {
                                    "a number"
                                },
                                item.text
                            ),
                        ));
                    }
                }
            }
            Value::Words(items.iter().map(|t| t.text.to_string()).collect())
        }
        _ => return Ok(None),
    };
    Ok(Some(value))
}

fn component(statement: &Statement, ipv6: &mut Option<bool>) -> Result<Field> {
    let keyword = statement.keyword();
    let mut words = statement.args();
    let value = component_value(keyword, statement.location(), &mut words, ipv6)?
        .ok_or_else(|| unknown_match(keyword, statement.location()))?;
    words.finish()?;
    Ok(Field {
        keyword: route::keyword(keyword),
        value,
        location: statement.location(),
    })
}

fn unknown_match(keyword: &str, at: Location) -> Error {
    Error::new(
        at,
        format!(
            "unknown flow match '{keyword}': expected {}",
            expected(matches().iter().map(|k| k.name))
        ),
    )
}

fn action_value(keyword: &str, words: &mut Words<'_>) -> Result<Option<Value>> {
    let value = match keyword {
        "accept" | "discard" => Value::Flag,
        "redirect-to-nexthop" => Value::Flag,
        "rate-limit" => {
            let rate = words.number::<u32>("a rate in bytes per second")?;
            if words.accept("packets") {
                Value::Words(vec![rate.to_string(), "packets".into()])
            } else {
                Value::Number(rate.into())
            }
        }
        "redirect" => Value::Word(words.parse(
            "a route target (ASN:N or IPv4:N) or an IP address",
            |s| {
                let target = s.rsplit_once(':').is_some_and(|(a, n)| {
                    (parse_asn(a).is_some() || a.parse::<std::net::Ipv4Addr>().is_ok())
                        && parse_number::<u32>(n).is_some()
                });
                (target || s.parse::<IpAddr>().is_ok()).then(|| s.to_string())
            },
        )?),
        "redirect-to-nexthop-ietf" | "copy" => Value::Ip(words.ip()?),
        "mark" => Value::Number(
            words
                .parse("a DSCP value (0-63)", |s| {
                    parse_number::<u8>(s).filter(|v| *v < 64)
                })?
                .into(),
        ),
        "action" => Value::Word(words.parse("sample, terminal or sample-terminal", |s| {
            matches!(s, "sample" | "terminal" | "sample-terminal").then(|| s.to_string())
        })?),
        "community" | "large-community" | "extended-community" => {
            route::attribute(keyword, words)?.unwrap_or(Value::Flag)
        }
        _ => return Ok(None),
    };
    Ok(Some(value))
}

fn action(statement: &Statement) -> Result<Field> {
    let keyword = statement.keyword();
    let mut words = statement.args();
    let value = action_value(keyword, &mut words)?.ok_or_else(|| {
        Error::new(
            statement.location(),
            format!(
                "unknown flow action '{keyword}': expected {}",
                expected(ACTIONS.iter().map(|k| k.name))
            ),
        )
    })?;
    words.finish()?;
    Ok(Field {
        keyword: route::keyword(keyword),
        value,
        location: statement.location(),
    })
}

/// `interface-set [ transitive|non-transitive:input|output|input-output:ASN:GROUP ]`
/// (draft-ietf-idr-flowspec-interfaceset).
fn scope(statement: &Statement) -> Result<Field> {
    if !SCOPES.iter().any(|k| k.name == statement.keyword()) {
        return Err(Error::new(
            statement.location(),
            format!(
                "unknown flow scope '{}': expected {}",
                statement.keyword(),
                expected(SCOPES.iter().map(|k| k.name))
            ),
        ));
    }
    let mut words = statement.args();
    let value = interface_set(&mut words)?;
    words.finish()?;
    Ok(Field {
        keyword: "interface-set".into(),
        value,
        location: statement.location(),
    })
}

fn interface_set(words: &mut Words<'_>) -> Result<Value> {
    let items = words.list("an interface set")?;
    for item in &items {
        interface_set_item(&item.text, item.location)?;
    }
    Ok(Value::Words(
        items.iter().map(|t| t.text.to_string()).collect(),
    ))
}

fn interface_set_item(text: &str, at: Location) -> Result<()> {
    let parts: Vec<&str> = text.split(':').collect();
    let ok = matches!(parts.as_slice(), [t, d, asn, group]
        if matches!(*t, "transitive" | "non-transitive")
            && matches!(*d, "input" | "output" | "input-output")
            && parse_number::<u32>(asn).is_some()
            && parse_number::<u16>(group).is_some());
    if ok {
        return Ok(());
    }
    Err(Error::new(
        at,
        format!("expected (non-)transitive:input|output|input-output:ASN:GROUP, got '{text}'"),
    ))
}

/// Path attributes a one-line flow rule may carry beside its actions.
const ATTRIBUTES: &[&str] = &[
    "origin",
    "as-path",
    "med",
    "local-preference",
    "atomic-aggregate",
    "aggregator",
    "originator-id",
    "cluster-list",
    "aigp",
    "attribute",
];

/// A one-line rule's `extended-community [ ... ]`: besides the usual communities, the texts
/// ExaBGP prints for flow actions (`rate-limit:9600`, `rate-limit:1000:packets`, `mark 10`,
/// `action sample`, `redirect-to-nexthop-ietf 1.2.3.4`, `copy-to-nexthop`,
/// `interface-set:transitive:input:1234:10`), so that what ExaBGP shows can be sent back.
/// Those become the rule's actions and scope; the others stay an extended-community action.
fn flow_extended(flow: &mut FlowRoute, words: &mut Words<'_>, at: Location) -> Result<()> {
    let items = words.list("an extended community")?;
    let mut rest = Vec::new();
    let mut items = items.into_iter();
    while let Some(item) = items.next() {
        let field = |keyword: &str, value| Field {
            keyword: route::keyword(keyword),
            value,
            location: item.location,
        };
        let mut operand = |what: &str| {
            items.next().map(|t| t.text.to_string()).ok_or_else(|| {
                Error::new(
                    item.location,
                    format!("expected {what} after '{}'", item.text),
                )
            })
        };
        let text = &*item.text;
        if let Some(rate) = text.strip_prefix("rate-limit:") {
            let value = match rate.split_once(':') {
                Some((rate, unit)) => Value::Words(vec![rate.into(), unit.into()]),
                None => Value::Word(rate.into()),
            };
            flow.then.push(field("rate-limit", value));
        } else if let Some(set) = text.strip_prefix("interface-set:") {
            interface_set_item(set, item.location)?;
            flow.scope
                .push(field("interface-set", Value::Words(vec![set.into()])));
        } else if text == "copy-to-nexthop" {
            flow.then.push(field(text, Value::Flag));
        } else if matches!(text, "mark" | "action" | "redirect-to-nexthop-ietf") {
            let value = operand(match text {
                "mark" => "a DSCP value",
                "action" => "sample, terminal or sample-terminal",
                _ => "an IP address",
            })?;
            flow.then.push(field(text, Value::Word(value)));
        } else {
            rest.push(item);
        }
    }
    if !rest.is_empty() {
        let texts: Vec<&str> = rest.iter().map(|t| &*t.text).collect();
        if let Err(why) = ExtendedCommunities::parse(texts.iter().copied()) {
            return Err(Error::new(rest[0].location, why));
        }
        flow.then.push(Field {
            keyword: "extended-community".into(),
            value: Value::Words(texts.iter().map(|t| t.to_string()).collect()),
            location: at,
        });
    }
    Ok(())
}

/// A one-line `flow` announcement inside `announce { ipv4|ipv6 { flow ...; } }`: match
/// components, actions, `rd`, `next-hop` and `interface-set`, in any order.
/// `afi`: the section's; `None` (an API command) takes it from the addresses, IPv4 by default.
pub fn announce(
    words: &mut Words<'_>,
    location: Location,
    afi: Option<Afi>,
    safi: Safi,
) -> Result<FlowRoute> {
    let mut flow = FlowRoute {
        name: String::new(),
        family: Family::new(afi.unwrap_or(Afi::IPV4), safi),
        fields: Vec::new(),
        matches: Vec::new(),
        then: Vec::new(),
        scope: Vec::new(),
        location,
    };
    let mut ipv6 = afi.map(|a| a == Afi::IPV6);
    while let Some(token) = words.peek() {
        words.token("")?;
        let keyword = &*token.text;
        let field = |value| Field {
            keyword: route::keyword(keyword),
            value,
            location: token.location,
        };
        if matches!(keyword, "rd" | "route-distinguisher" | "next-hop") {
            let value = route::attribute(keyword, words)?.unwrap_or(Value::Flag);
            flow.fields.push(field(value));
        } else if keyword == "extended-community" {
            flow_extended(&mut flow, words, token.location)?;
        } else if ATTRIBUTES.contains(&keyword) {
            let value = route::attribute(keyword, words)?.unwrap_or(Value::Flag);
            flow.then.push(field(value));
        } else if keyword == "interface-set" {
            flow.scope.push(field(interface_set(words)?));
        } else if let Some(value) = component_value(keyword, token.location, words, &mut ipv6)? {
            flow.matches.push(field(value));
        } else if let Some(value) = action_value(keyword, words)? {
            flow.then.push(field(value));
        } else {
            return Err(Error::new(
                token.location,
                format!("unknown flow keyword '{keyword}'"),
            ));
        }
    }
    if ipv6 == Some(true) {
        flow.family.afi = Afi::IPV6;
    }
    let vpn = flow
        .fields
        .iter()
        .any(|f| f.keyword == "rd" || f.keyword == "route-distinguisher");
    if safi == Safi::FLOW_VPN && !vpn {
        return Err(Error::new(location, "a flow-vpn route needs an rd"));
    }
    // an rd makes the rule flow-vpn, as in ExaBGP's `flow { route { rd ...; } }`
    if vpn {
        flow.family.safi = Safi::FLOW_VPN;
    }
    Ok(flow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::configuration::core::parser::probe;

    /// The tables are what the parser reads: each keyword is taken (as a flag) or asks for
    /// its value, none is refused as unknown.
    #[test]
    fn the_tables_are_what_the_parser_reads() {
        for keyword in ACTIONS {
            let value = probe(keyword.name, |words| action_value(keyword.name, words));
            assert!(!matches!(value, Ok(None)), "{}", keyword.name);
        }
        for keyword in matches() {
            let value = probe(keyword.name, |words| {
                component_value(keyword.name, Location::default(), words, &mut None)
            });
            assert!(!matches!(value, Ok(None)), "{}", keyword.name);
        }
        assert!(matches!(
            probe("bogus", |words| action_value("bogus", words)),
            Ok(None)
        ));
    }
}
