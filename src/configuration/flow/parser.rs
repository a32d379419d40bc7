//! Ports `exabgp/configuration/flow/parser.py`: turns a checked flow route into its FlowSpec
//! NLRI (RFC 8955 §4, RFC 8956 §3) and the extended communities of its actions (RFC 8955 §7).

use super::FlowRoute;
use crate::bgp::message::update::attribute::community::extended::traffic::{self, FlowCommunity};
use crate::bgp::message::update::attribute::community::extended::{
    flowspec_scope::InterfaceSet, ExtendedCommunities, Ipv6ExtendedCommunities,
};
use crate::bgp::message::update::attribute::{Attribute, Attributes};
use crate::bgp::message::update::nlri::flow::{self, Flow, FlowPrefix, Operation};
use crate::bgp::message::update::nlri::qualifier::RouteDistinguisher;
use crate::bgp::message::update::nlri::{Cidr, Nlri};
use crate::bgp::neighbor::Neighbor;
use crate::configuration::core::parser::parse_number;
use crate::configuration::core::{Error, Location, Result};
use crate::configuration::r#static::parser::{attribute, ip_self};
use crate::configuration::r#static::route::{Field, Value};
use crate::protocol::family::Afi;
use crate::rib::change::{Change, Tags};
use std::net::{IpAddr, Ipv4Addr};

/// The change announcing `route` to `neighbor`.
pub fn build(route: &FlowRoute, neighbor: &Neighbor) -> Result<Change> {
    let mut nlri = Flow::new(route.family);
    for field in &route.matches {
        component(&mut nlri, field)?;
    }
    let mut nexthop = None;
    for field in &route.fields {
        match (&*field.keyword, &field.value) {
            ("rd" | "route-distinguisher", Value::Word(text)) => {
                nlri.rd = Some(
                    RouteDistinguisher::parse(text)
                        .map_err(|why| Error::new(field.location, why))?,
                )
            }
            ("next-hop", Value::Ip(ip)) => nexthop = Some(*ip),
            ("next-hop", Value::NextHopSelf) => {
                nexthop = Some(ip_self(
                    neighbor,
                    IpAddr::V4(Ipv4Addr::UNSPECIFIED),
                    field.location,
                )?)
            }
            _ => {}
        }
    }
    let mut attributes = Attributes::new();
    let mut extended = ExtendedCommunities::default();
    let mut ipv6 = Ipv6ExtendedCommunities::default();
    for field in &route.then {
        let at = field.location;
        let bad = |why: String| Error::new(at, why);
        let word = match &field.value {
            Value::Word(w) => w.clone(),
            Value::Number(n) => n.to_string(),
            Value::Ip(ip) => ip.to_string(),
            _ => String::new(),
        };
        let mut add = |community: FlowCommunity| match community {
            FlowCommunity::Extended(c) => extended.add(c),
            FlowCommunity::Ipv6(c) => ipv6.add(c),
        };
        match &*field.keyword {
            "accept" => {}
            "discard" => add(FlowCommunity::Extended(traffic::discard())),
            "rate-limit" => {
                let community = match &field.value {
                    Value::Words(words) => traffic::rate_limit(
                        words.first().map_or("", String::as_str),
                        words.get(1).map(String::as_str),
                    ),
                    _ => traffic::rate_limit(&word, None),
                };
                add(FlowCommunity::Extended(community.map_err(bad)?));
            }
            "redirect" => {
                let (ip, community) = traffic::redirect(&word).map_err(bad)?;
                if ip.is_some() {
                    nexthop = ip;
                }
                add(community);
            }
            "redirect-to-nexthop" => add(FlowCommunity::Extended(traffic::redirect_to_nexthop())),
            "redirect-to-nexthop-ietf" => {
                add(traffic::redirect_to_nexthop_ietf(&word).map_err(bad)?)
            }
            "copy" => {
                let (ip, community) = traffic::copy(&word).map_err(bad)?;
                nexthop = Some(ip);
                add(FlowCommunity::Extended(community));
            }
            // the copy flavour of redirect-to-nexthop, to the rule's next-hop (the text
            // ExaBGP prints for `copy IP`)
            "copy-to-nexthop" => {
                let ip = nexthop.ok_or_else(|| bad("copy-to-nexthop needs a next-hop".into()))?;
                let (_, community) = traffic::copy(&ip.to_string()).map_err(bad)?;
                add(FlowCommunity::Extended(community));
            }
            "mark" => add(FlowCommunity::Extended(traffic::mark(&word).map_err(bad)?)),
            "action" => add(FlowCommunity::Extended(
                traffic::action(&word).map_err(bad)?,
            )),
            _ => match attribute(field)? {
                Attribute::ExtendedCommunities(list) => {
                    list.0.into_iter().for_each(|c| extended.add(c))
                }
                other => {
                    attributes.insert(other);
                }
            },
        }
    }
    for field in &route.scope {
        if let Value::Words(words) = &field.value {
            let list = InterfaceSet::parse_list(words.iter().map(String::as_str))
                .map_err(|why| Error::new(field.location, why))?;
            list.0.into_iter().for_each(|c| extended.add(c));
        }
    }
    if !extended.0.is_empty() {
        attributes.insert(Attribute::ExtendedCommunities(extended));
    }
    if !ipv6.0.is_empty() {
        attributes.insert(Attribute::Ipv6ExtendedCommunities(ipv6));
    }
    Ok(Change {
        nlri: Nlri::Flow(Box::new(nlri)),
        nexthop,
        attributes: std::sync::Arc::new(attributes),
        withdraw: false,
        tags: Tags::new(None, (!route.name.is_empty()).then(|| route.name.clone())),
        location: route.location,
    })
}

/// The component id of a match keyword.
fn id(keyword: &str) -> Option<u8> {
    Some(match keyword {
        "destination" | "destination-ipv4" | "destination-ipv6" => flow::DESTINATION,
        "source" | "source-ipv4" | "source-ipv6" => flow::SOURCE,
        "protocol" | "next-header" => flow::PROTOCOL,
        "port" => flow::PORT,
        "destination-port" => flow::DESTINATION_PORT,
        "source-port" => flow::SOURCE_PORT,
        "icmp-type" => flow::ICMP_TYPE,
        "icmp-code" => flow::ICMP_CODE,
        "tcp-flags" => flow::TCP_FLAGS,
        "packet-length" => flow::PACKET_LENGTH,
        "dscp" | "traffic-class" => flow::DSCP,
        "fragment" => flow::FRAGMENT,
        "flow-label" => flow::FLOW_LABEL,
        _ => return None,
    })
}

fn component(nlri: &mut Flow, field: &Field) -> Result<()> {
    let at = field.location;
    let id = id(&field.keyword)
        .ok_or_else(|| Error::new(at, format!("unknown flow match '{}'", field.keyword)))?;
    let prefix = |ip: IpAddr, len: u8, offset: u8| {
        let cidr = Cidr::new(ip, len)
            .ok_or_else(|| Error::new(at, "the prefix length is longer than the address"))?;
        Ok(FlowPrefix { cidr, offset })
    };
    match &field.value {
        Value::Prefix(ip, len) => nlri.add_prefix(id, prefix(*ip, *len, 0)?),
        Value::Words(words) if id == flow::DESTINATION || id == flow::SOURCE => {
            let parsed = match words.as_slice() {
                [cidr, offset] => cidr.split_once('/').and_then(|(ip, len)| {
                    Some((ip.parse().ok()?, len.parse().ok()?, offset.parse().ok()?))
                }),
                _ => None,
            };
            let (ip, len, offset) =
                parsed.ok_or_else(|| Error::new(at, "expected a prefix and an offset"))?;
            nlri.add_prefix(id, prefix(ip, len, offset)?);
        }
        Value::Words(items) => {
            for item in items {
                expression(nlri, id, item, at)?;
            }
        }
        _ => return Err(Error::new(at, "unexpected flow match value")),
    }
    Ok(())
}

/// One item of a component: `>8080&<8088`, `=tcp`, `syn&!=push`: each `&` joins an operation
/// to the one before it (ExaBGP's `_generic_condition`).
fn expression(nlri: &mut Flow, id: u8, item: &str, at: Location) -> Result<()> {
    let bad = || Error::new(at, format!("invalid flow expression '{item}'"));
    let binary = matches!(id, flow::TCP_FLAGS | flow::FRAGMENT);
    for (i, part) in item.split('&').enumerate() {
        if part.is_empty() {
            return Err(bad());
        }
        let (operator, text) = if binary {
            binary_operator(part)
        } else {
            numeric_operator(part).ok_or_else(bad)?
        };
        let value = value(nlri.family.afi, id, text).ok_or_else(|| {
            Error::new(
                at,
                format!(
                    "invalid value '{text}' for '{}'",
                    flow::name(nlri.family.afi, id)
                ),
            )
        })?;
        let and = if i > 0 { flow::AND } else { 0 };
        let operation = Operation::new(id, operator | and, value).ok_or_else(bad)?;
        nlri.add_operation(id, operation);
    }
    Ok(())
}

/// `=`, `>`, `>=`, `<`, `<=`, `!=`, `true`, `false`, or none (equal).
fn numeric_operator(text: &str) -> Option<(u8, &str)> {
    let lower = text.to_ascii_lowercase();
    Some(if let Some(rest) = text.strip_prefix('=') {
        (flow::EQ, rest)
    } else if let Some(rest) = text.strip_prefix(">=") {
        (flow::GT | flow::EQ, rest)
    } else if let Some(rest) = text.strip_prefix("<=") {
        (flow::LT | flow::EQ, rest)
    } else if let Some(rest) = text.strip_prefix('>') {
        (flow::GT, rest)
    } else if let Some(rest) = text.strip_prefix('<') {
        (flow::LT, rest)
    } else if let Some(rest) = text.strip_prefix("!=") {
        (flow::LT | flow::GT, rest)
    } else if text.starts_with('!') {
        return None;
    } else if lower.starts_with("true") {
        (flow::LT | flow::GT | flow::EQ, &text[4..])
    } else if lower.starts_with("false") {
        (0, &text[5..])
    } else {
        (flow::EQ, text)
    })
}

/// `=` (match), `!` (not), `!=`, or none (include).
fn binary_operator(text: &str) -> (u8, &str) {
    if let Some(rest) = text.strip_prefix('=') {
        (flow::MATCH, rest)
    } else if let Some(rest) = text.strip_prefix("!=") {
        (flow::NOT | flow::MATCH, rest)
    } else if let Some(rest) = text.strip_prefix('!') {
        (flow::NOT, rest)
    } else {
        (0, text)
    }
}

/// A number, decimal or `0x` hexadecimal.
fn number(text: &str) -> Option<u64> {
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => parse_number::<u64>(text),
    }
}

fn named(table: &[(u64, &str)], text: &str) -> Option<u64> {
    let name = text.to_ascii_lowercase().replace('_', "-");
    table.iter().find(|(_, n)| *n == name).map(|(v, _)| *v)
}

/// The value of a component, with ExaBGP's names and limits. A value that `true` or `false`
/// leaves empty is 0.
fn value(afi: Afi, id: u8, text: &str) -> Option<u64> {
    if text.is_empty() {
        return Some(0);
    }
    let max: u64 = match id {
        flow::PROTOCOL | flow::ICMP_TYPE | flow::ICMP_CODE => 0xFF,
        flow::DSCP if afi == Afi::IPV6 => 0xFF,
        flow::DSCP => 0x3F,
        flow::FLOW_LABEL => 0xF_FFFF,
        _ => 0xFFFF,
    };
    let value = match id {
        flow::PROTOCOL => named(flow::PROTOCOLS, text).or_else(|| number(text)),
        flow::ICMP_TYPE => named(flow::ICMP_TYPES, text).or_else(|| number(text)),
        flow::ICMP_CODE => named(flow::ICMP_CODES, text).or_else(|| number(text)),
        flow::TCP_FLAGS | flow::FRAGMENT => {
            let table = if id == flow::TCP_FLAGS {
                flow::TCP_FLAG_NAMES
            } else {
                flow::FRAGMENT_NAMES
            };
            text.split('+')
                .map(|name| named(table, name).or_else(|| number(name)))
                .sum::<Option<u64>>()
        }
        _ => number(text),
    }?;
    (value <= max).then_some(value)
}

#[cfg(test)]
mod tests {
    use crate::bgp::message::update::nlri::{Nlri, OffsetLayout};
    use crate::configuration::Configuration;
    use bytes::BytesMut;
    use std::path::Path;

    /// The NLRI bytes and text of each flow route of a neighbour with `flows` in its `flow { }`.
    fn built(flows: &str) -> Vec<(String, String)> {
        let text = format!(
            "neighbor 127.0.0.1 {{\n local-as 1; peer-as 1; router-id 1.2.3.4;\n family {{ ipv4 flow; ipv4 flow-vpn; ipv6 flow; }}\n flow {{\n{flows}\n }}\n}}\n"
        );
        let configuration = Configuration::parse(&text, Path::new("test.conf")).unwrap();
        configuration.neighbors[0]
            .changes
            .iter()
            .map(|change| {
                let Nlri::Flow(flow) = &change.nlri else {
                    panic!("not a flow")
                };
                let mut out = BytesMut::new();
                flow.encode(OffsetLayout::WholePrefix, &mut out);
                let hex = crate::util::hex::upper(&out);
                (hex, change.nlri.to_string())
            })
            .collect()
    }

    #[test]
    fn conf_flow_routes_encode_as_the_qa_expects() {
        // NLRI bytes from the conf-flow qa case
        let routes = built(
            "route a { match { source 10.0.0.1/32; destination 10.0.0.2/32; destination-port =3128; protocol tcp; } then { discard; } }\n\
             route b { match { packet-length [ >200&<300 >400&<500 ]; } then { mark 10; } }\n\
             route c { match { fragment [ last-fragment ]; } then { action sample-terminal; } }\n\
             route d { rd 65535:65536; match { source 10.0.0.1/32; } then { discard; } }",
        );
        assert_eq!(
            routes,
            [
                (
                    "1301200A00000202200A00000103810605910C38".to_string(),
                    "flow destination-ipv4 10.0.0.2/32 source-ipv4 10.0.0.1/32 protocol =tcp destination-port =3128".to_string()
                ),
                (
                    "0C0A02C854012C120190D401F4".to_string(),
                    "flow packet-length [ >200&<300 >400&<500 ]".to_string()
                ),
                ("030C8008".to_string(), "flow fragment last-fragment".to_string()),
                (
                    "0E0000FFFF0001000002200A000001".to_string(),
                    "flow source-ipv4 10.0.0.1/32 rd 65535:65536".to_string()
                ),
            ]
        );
    }

    #[test]
    fn tcp_flags_and_ipv6() {
        let routes = built(
            "route t { match { tcp-flags [SYN RST&FIN&!=push]; } then { discard; } }\n\
             route v6 { match { source ::1/128/120; next-header udp; traffic-class 101; flow-label 2013; } then { discard; } }",
        );
        // 0x09: syn (include), rst, &fin, &!=push; flow-label 2013 takes two bytes
        assert_eq!(routes[0].0, "0909000200044001C308");
        assert_eq!(routes[0].1, "flow tcp-flags [ syn rst&fin&!=push ]");
        // ::1/128/120 carries its sixteen bytes (ExaBGP's, FRR's and GoBGP's layout)
        assert_eq!(
            routes[1].0,
            "1D028078000000000000000000000000000000010381110B81650D9107DD"
        );
        assert_eq!(
            routes[1].1,
            "flow source-ipv6 ::1/128/120 next-header =udp traffic-class =101 flow-label =2013"
        );
    }
}
