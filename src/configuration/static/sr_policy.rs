//! Ports `exabgp/configuration/static/sr_policy.py`: `sr-policy distinguisher N color N endpoint
//! IP next-hop IP [preference N] [priority N] [binding-sid mpls N | srv6-binding-sid IPv6]
//! [policy-name S] [candidate-path-name S] segment-list weight N segment type-X ... ...`
//! (RFC 9256, RFC 9830 segment types A to K).

use super::route::{self, Field, Route, RouteKind, Value};
use crate::configuration::core::parser::{parse_number, Words};
use crate::configuration::core::{Error, Location, Result};
use crate::protocol::family::{Afi, Family, Safi};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What each segment type needs (RFC 9830 §2.4.4): keywords that must appear.
const SEGMENT_TYPES: &[(&str, &[&str])] = &[
    ("type-a", &["mpls"]),
    ("type-b", &["srv6"]),
    ("type-c", &["ipv4"]),
    ("type-d", &["ipv6"]),
    ("type-e", &["local-if-id", "ipv4"]),
    ("type-f", &["local", "remote"]),
    (
        "type-g",
        &["local-if-id", "local-ipv6", "remote-if-id", "remote-ipv6"],
    ),
    ("type-h", &["local", "remote"]),
    ("type-i", &["ipv6"]),
    (
        "type-j",
        &["local-if-id", "local-ipv6", "remote-if-id", "remote-ipv6"],
    ),
    ("type-k", &["local", "remote"]),
];

/// Reads an SR policy; `afi` is set inside `announce { ipv4|ipv6 { } }`, else taken from the
/// endpoint.
pub fn parse(words: &mut Words<'_>, location: Location, afi: Option<Afi>) -> Result<Route> {
    let mut fields = Vec::new();
    let field = |fields: &mut Vec<Field>, keyword: &str, at: Location, value: Value| {
        fields.push(Field {
            keyword: keyword.to_string(),
            value,
            location: at,
        });
    };
    for keyword in ["distinguisher", "color"] {
        let at = words.location();
        if !words.accept(keyword) {
            return Err(words.expected(&format!("'{keyword}'")));
        }
        field(
            &mut fields,
            keyword,
            at,
            Value::Number(words.number::<u32>("a 32-bit number")?.into()),
        );
    }
    let at = words.location();
    if !words.accept("endpoint") {
        return Err(words.expected("'endpoint'"));
    }
    let endpoint = words.ip()?;
    if let Some(afi) = afi {
        if (afi == Afi::IPV4) != endpoint.is_ipv4() {
            return Err(Error::new(
                at,
                format!("the endpoint {endpoint} is not of the section's address family"),
            ));
        }
    }
    field(&mut fields, "endpoint", at, Value::Ip(endpoint));

    let mut segment_lists = 0;
    route::fields(words, &mut fields, &mut |keyword, words| {
        Ok(Some(match keyword {
            "preference" | "priority" => Value::Number(words.number::<u32>("a number")?.into()),
            "binding-sid" => {
                if !words.accept("mpls") {
                    return Err(words.expected("'mpls'"));
                }
                Value::Number(words.number::<u32>("an MPLS label")?.into())
            }
            "srv6-binding-sid" => {
                Value::Ip(IpAddr::V6(words.parse("an IPv6 SID", |s| s.parse().ok())?))
            }
            "policy-name" | "candidate-path-name" => Value::Word(words.next("a name")?.to_string()),
            "segment-list" => {
                segment_lists += 1;
                segment_list(words)?
            }
            _ => return Ok(None),
        }))
    })?;
    let has = |k: &str| fields.iter().any(|f| f.keyword == k);
    if !has("next-hop") {
        return Err(Error::new(location, "an sr-policy needs a next-hop"));
    }
    let afi = afi.unwrap_or(if endpoint.is_ipv4() {
        Afi::IPV4
    } else {
        Afi::IPV6
    });
    Ok(Route {
        location,
        family: Family::new(afi, Safi::SR_POLICY),
        kind: RouteKind::SrPolicy,
        prefix: None,
        fields,
    })
}

/// `weight N segment type-X ... [segment ...]`, after `segment-list`.
fn segment_list(words: &mut Words<'_>) -> Result<Value> {
    let mut out = Vec::new();
    if words.accept("weight") {
        out.push(format!("weight {}", words.number::<u32>("a weight")?));
    }
    let mut segments = 0;
    while words.peek().is_some_and(|t| t.text == "segment") {
        let at = words.location();
        words.token("")?;
        let kind = words.parse("a segment type (type-a to type-k)", |s| {
            SEGMENT_TYPES.iter().find(|(name, _)| *name == s).copied()
        })?;
        let mut seen: Vec<&str> = Vec::new();
        let mut text = vec![kind.0.to_string()];
        while let Some(keyword) = words.peek().map(|t| t.text.as_str()) {
            let value = match keyword {
                "mpls" => {
                    words.token("")?;
                    words.number::<u32>("an MPLS label")?.to_string()
                }
                "ipv4" => {
                    words.token("")?;
                    words
                        .parse("an IPv4 address", |s| s.parse::<Ipv4Addr>().ok())?
                        .to_string()
                }
                "local" | "remote" if kind.0 == "type-f" => {
                    words.token("")?;
                    words
                        .parse("an IPv4 address", |s| s.parse::<Ipv4Addr>().ok())?
                        .to_string()
                }
                "srv6" | "ipv6" | "local-ipv6" | "remote-ipv6" | "local" | "remote" => {
                    words.token("")?;
                    words
                        .parse("an IPv6 address", |s| s.parse::<Ipv6Addr>().ok())?
                        .to_string()
                }
                "algorithm" => {
                    words.token("")?;
                    words.number::<u8>("an algorithm (0-255)")?.to_string()
                }
                "local-if-id" | "remote-if-id" => {
                    words.token("")?;
                    words.number::<u32>("an interface id")?.to_string()
                }
                "sid" => {
                    words.token("")?;
                    words.parse("an MPLS label or an IPv6 SID", |s| {
                        (parse_number::<u32>(s).is_some() || s.parse::<Ipv6Addr>().is_ok())
                            .then(|| s.to_string())
                    })?
                }
                "endpoint-behavior" => {
                    words.token("")?;
                    let mut values = Vec::new();
                    for what in [
                        "a behavior",
                        "a block length",
                        "a node length",
                        "a function length",
                        "an argument length",
                    ] {
                        values.push(words.number::<u16>(what)?.to_string());
                    }
                    values.join(" ")
                }
                _ => break,
            };
            seen.push(keyword);
            text.push(format!("{keyword} {value}"));
        }
        if let Some(missing) = kind.1.iter().find(|k| !seen.contains(k)) {
            return Err(Error::new(
                at,
                format!("segment {} needs '{missing}'", kind.0),
            ));
        }
        out.push(format!("segment {}", text.join(" ")));
        segments += 1;
    }
    if segments == 0 {
        return Err(words.expected("'segment'"));
    }
    Ok(Value::Words(out))
}
