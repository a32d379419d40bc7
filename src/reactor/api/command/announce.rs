//! Ports `exabgp/reactor/api/command/announce.py`, `watchdog.py`, `neighbor.py` (teardown) and
//! the route parsing of `exabgp/reactor/api/__init__.py` (`api_route`, `api_announce_v4`,
//! `api_attributes`, `api_eor`, `api_refresh`, `api_operational`): what a peer is asked to do.

use super::{Cursor, ParseError};
use crate::configuration::core::format::{Kind, Token};
use crate::configuration::core::parser::{Node, Section, Statement, Words};
use crate::configuration::flow::FlowRoute;
use crate::configuration::operational::Operational;
use crate::configuration::r#static::route::{self, Field, Route, RouteKind};
use crate::protocol::family::{Afi, Family, Safi};

/// An action for the selected peers.
#[derive(Clone, PartialEq, Debug)]
pub enum Action {
    /// Routes to add to the adj-rib-out (`announce route|attributes|ipv4 ...|ipv6 ...|vpls`).
    Announce(Vec<Route>),
    /// Routes to remove from the adj-rib-out.
    Withdraw(Vec<Route>),
    /// Flow rules to add (`announce flow|ipv4 flow|ipv6 flow ...`).
    AnnounceFlow(Vec<FlowRoute>),
    WithdrawFlow(Vec<FlowRoute>),
    /// `announce eor [AFI SAFI]`: End-of-RIB for one family (IPv4 unicast when none is given).
    Eor(Option<Family>),
    /// `announce route-refresh AFI SAFI`.
    RouteRefresh(Family),
    /// `announce operational ...`.
    Operational(Operational),
    /// `announce|withdraw watchdog NAME`.
    Watchdog {
        announce: bool,
        name: String,
    },
    /// `teardown CODE`: close with a NOTIFICATION Cease of this subcode (RFC 4486 §4).
    Teardown(u8),
}

/// A statement over `tokens` (the first is the keyword, skipped by `args()`).
fn statement(tokens: &[Token], cursor: &Cursor<'_>) -> Statement {
    Statement {
        words: tokens.iter().cloned().map(Token::into_owned).collect(),
        end: cursor.end,
    }
}

fn family(cursor: &mut Cursor<'_>) -> Result<Family, ParseError> {
    let afi_word = cursor.next("an AFI (ipv4, ipv6, l2vpn)")?;
    let afi = Afi::from_name(afi_word)
        .ok_or_else(|| cursor.error_at_previous(format!("unknown AFI '{afi_word}'")))?;
    let safi_word = cursor.next("a SAFI (unicast, multicast, ...)")?;
    let safi = Safi::from_name(safi_word)
        .ok_or_else(|| cursor.error_at_previous(format!("unknown SAFI '{safi_word}'")))?;
    Ok(Family::new(afi, safi))
}

/// Parses what follows `announce`, `withdraw` or `teardown`.
pub(super) fn action(cursor: &mut Cursor<'_>) -> Result<Action, ParseError> {
    let verb = cursor.next("announce, withdraw or teardown")?;
    let announce = match verb {
        "announce" => true,
        "withdraw" => false,
        "teardown" => {
            let word = cursor.next("a Cease subcode after 'teardown'")?;
            let subcode = word.parse::<u8>().map_err(|_| {
                cursor.error_at_previous(format!(
                    "expected a Cease subcode (0-255) after 'teardown', got '{word}'"
                ))
            })?;
            cursor.finish()?;
            return Ok(Action::Teardown(subcode));
        }
        other => {
            return Err(cursor.error_at_previous(format!(
                "unknown action '{other}': expected announce, withdraw or teardown"
            )))
        }
    };
    let start = cursor.index;
    let what = cursor.next(if announce {
        "route, attributes, ipv4, ipv6, flow, vpls, eor, route-refresh, operational or watchdog"
    } else {
        "route, attributes, ipv4, ipv6, flow, vpls or watchdog"
    })?;
    let rest = &cursor.tokens[start..];
    let routes = |routes: Vec<Route>| {
        if announce {
            Action::Announce(routes)
        } else {
            Action::Withdraw(routes)
        }
    };
    let flows = |flows: Vec<FlowRoute>| {
        if announce {
            Action::AnnounceFlow(flows)
        } else {
            Action::WithdrawFlow(flows)
        }
    };
    match what {
        // read from the line's tokens as they are: a helper's million routes are not copied
        "route" => {
            let mut words = Words::new(rest, cursor.end);
            let route =
                crate::configuration::r#static::ip_route(&mut words, rest[0].location, None)?;
            Ok(routes(vec![route]))
        }
        "attribute" | "attributes" => {
            let mut words = Words::new(rest, cursor.end);
            Ok(routes(attributes(&mut words, rest[0].location)?))
        }
        "ipv4" | "ipv6" | "l2vpn" => {
            // the configuration's `announce { ipv4 { unicast ...; } }`, from the same tokens
            let section = Section {
                words: vec![rest[0].clone().into_owned()],
                body: vec![Node::Statement(statement(&rest[1..], cursor))],
                open: cursor.end,
                routes: Vec::new(),
            };
            if rest.len() < 2 {
                return Err(cursor.expected("a SAFI and a route"));
            }
            let announce_section = Section {
                words: vec![Token {
                    text: "announce".into(),
                    kind: Kind::Word,
                    location: rest[0].location,
                }],
                body: vec![Node::Section(section)],
                open: cursor.end,
                routes: Vec::new(),
            };
            let (mut parsed, mut flow) = (Vec::new(), Vec::new());
            crate::configuration::announce::parse(
                &announce_section,
                &mut crate::configuration::r#static::Sink::Neutral(&mut parsed),
                &mut flow,
            )?;
            if flow.is_empty() {
                Ok(routes(parsed))
            } else {
                Ok(flows(flow))
            }
        }
        "flow" => Ok(flows(vec![matching(flow(rest, cursor)?)?])),
        "vpls" => {
            let statement = statement(rest, cursor);
            let mut words = statement.args();
            let route = crate::configuration::l2vpn::vpls(&mut words, statement.location())?;
            words.finish()?;
            Ok(routes(vec![route]))
        }
        "watchdog" => {
            let name = cursor.next("a watchdog name")?.to_string();
            cursor.finish()?;
            Ok(Action::Watchdog { announce, name })
        }
        "eor" if announce => {
            let family = if cursor.peek().is_some() {
                Some(family(cursor)?)
            } else {
                None
            };
            cursor.finish()?;
            Ok(Action::Eor(family))
        }
        "route-refresh" if announce => {
            let family = family(cursor)?;
            cursor.finish()?;
            Ok(Action::RouteRefresh(family))
        }
        "operational" if announce => {
            if rest.len() < 2 {
                return Err(cursor.expected("an operational message (adm, asm, rpcq, ...)"));
            }
            let section = Section {
                words: vec![rest[0].clone().into_owned()],
                body: vec![Node::Statement(statement(&rest[1..], cursor))],
                open: cursor.end,
                routes: Vec::new(),
            };
            let mut messages = Vec::new();
            crate::configuration::operational::parse(&section, &mut messages)?;
            messages
                .pop()
                .map(Action::Operational)
                .ok_or_else(|| cursor.expected("an operational message"))
        }
        other => Err(cursor.error_at_previous(format!(
            "unknown {verb} '{other}': expected route, attributes, ipv4, ipv6, flow, vpls{}",
            if announce {
                ", eor, route-refresh, operational or watchdog"
            } else {
                " or watchdog"
            }
        ))),
    }
}

/// What follows `announce|withdraw`, from `flow`: a rule in the sections of a configuration's
/// `flow { }` (`flow route [NAME] { match { ... } then { ... } scope { ... } }`, ExaBGP's
/// `api_flow` hands the text to its configuration parser the same way), or on one line
/// (`flow route source 10.0.0.0/24 rate-limit 9600`). The family follows from the prefixes
/// (IPv4 unless one is IPv6), flow-vpn when an `rd` is given.
fn flow(rest: &[Token], cursor: &Cursor<'_>) -> Result<FlowRoute, ParseError> {
    let sections = rest
        .iter()
        .any(|t| !matches!(t.kind, Kind::Word | Kind::Quoted));
    let body = if sections {
        crate::configuration::core::parser::tree(&rest[1..])?
    } else {
        Vec::new()
    };
    // a one-line rule, ended by a `;` or not
    let line = match body.as_slice() {
        [Node::Statement(line)] => Some(Statement {
            words: std::iter::once(rest[0].clone().into_owned())
                .chain(line.words.iter().cloned())
                .collect(),
            end: line.end,
        }),
        [] if !sections => Some(statement(rest, cursor)),
        _ => None,
    };
    if let Some(line) = line {
        let mut words = line.args();
        words.accept("route");
        // an rd makes it flow-vpn
        return Ok(crate::configuration::flow::announce(
            &mut words,
            line.location(),
            None,
            Safi::FLOW_IP,
        )?);
    }
    // `flow` is the section keyword; the rest is its body, in which `route` may be left out
    // (`announce flow match { ... } then { ... }`)
    let routes = body
        .iter()
        .any(|node| matches!(node, Node::Section(section) if section.keyword() == "route"));
    let body = if routes {
        body
    } else {
        vec![Node::Section(Section {
            words: vec![Token {
                text: "route".into(),
                kind: Kind::Word,
                location: rest[0].location,
            }],
            body,
            open: rest[0].location,
            routes: Vec::new(),
        })]
    };
    let flow = Section {
        words: vec![rest[0].clone().into_owned()],
        body,
        open: rest[0].location,
        routes: Vec::new(),
    };
    let mut parsed = Vec::new();
    crate::configuration::flow::parse(&flow, &mut parsed)?;
    let mut parsed = parsed.into_iter();
    match (parsed.next(), parsed.next()) {
        (Some(rule), None) => Ok(rule),
        (None, _) => Err(cursor.expected("'route { match { ... } then { ... } }' after 'flow'")),
        (Some(_), Some(second)) => Err(ParseError {
            column: second.location.column,
            message: "one flow route per command".into(),
        }),
    }
}

/// A rule without match component would be an empty NLRI, matching all traffic: refused.
fn matching(rule: FlowRoute) -> Result<FlowRoute, ParseError> {
    if rule.matches.is_empty() {
        return Err(ParseError {
            column: rule.location.column,
            message: "a flow route needs at least one match component \
                      (source, destination, port, protocol, ...)"
                .into(),
        });
    }
    Ok(rule)
}

/// `attributes KEYWORD VALUE ... nlri PREFIX...`: one route per prefix, sharing the attributes.
fn attributes(
    words: &mut Words<'_>,
    location: crate::configuration::core::Location,
) -> Result<Vec<Route>, ParseError> {
    let mut fields: Vec<Field> = Vec::new();
    loop {
        let token = words.token("'nlri' and the prefixes")?;
        if token.text == "nlri" {
            break;
        }
        let value = route::attribute(&token.text, words)?.ok_or_else(|| ParseError {
            column: token.location.column,
            message: format!("unknown attribute '{}'", token.text),
        })?;
        fields.push(Field {
            keyword: route::keyword(&token.text),
            value,
            location: token.location,
        });
    }
    let mut routes = Vec::new();
    while !words.is_empty() {
        let prefix = route::prefix(words)?;
        routes.push(Route {
            location,
            family: route::ip_family(prefix.0, &fields, None),
            kind: RouteKind::Ip,
            prefix: Some(prefix),
            fields: fields.clone(),
        });
    }
    if routes.is_empty() {
        return Err(ParseError {
            column: words.location().column,
            message: "expected at least one prefix after 'nlri'".into(),
        });
    }
    Ok(routes)
}

/// The adj-rib-out changes of `routes` for `neighbor` (`next-hop self` resolved, `split` applied),
/// or why not: a family the NLRI codec does not build or a route the neighbour cannot take.
pub fn changes(
    routes: &[Route],
    neighbor: &crate::bgp::neighbor::Neighbor,
) -> Result<Vec<crate::rib::Change>, String> {
    let mut changes = Vec::new();
    for route in routes {
        match crate::configuration::r#static::parser::build(route, neighbor) {
            Ok(Some(built)) => changes.extend(built),
            Ok(None) => {
                return Err(format!(
                    "routes of family {} can not be announced yet",
                    route.family.name()
                ))
            }
            Err(error) => return Err(error.message),
        }
    }
    Ok(changes)
}

/// The attributes a withdraw carries: ExaBGP keeps those written in the command, with a
/// NEXT_HOP for an IPv4 next-hop other than 0.0.0.0 (its "no next-hop"), except for VPLS whose
/// NLRI keeps its next-hop; the UPDATE codec writes them beside an MP_UNREACH_NLRI.
pub fn withdrawn_attributes(
    change: &crate::rib::Change,
) -> crate::bgp::message::update::attribute::Attributes {
    use crate::bgp::message::update::attribute::{Attribute, NextHop};
    let mut attributes = (*change.attributes).clone();
    let keeps = change.nlri.family().afi != Afi::L2VPN;
    if let Some(std::net::IpAddr::V4(nexthop)) =
        change.nexthop.filter(|ip| keeps && !ip.is_unspecified())
    {
        attributes.insert(Attribute::NextHop(NextHop(nexthop)));
    }
    attributes
}
