//! Ports `exabgp/configuration/static/route.py` and `static/parser.py`: the attribute keywords of
//! a route, checked and kept in a neutral form until the UPDATE types build NLRI and attributes.

use crate::bgp::message::update::attribute::community::extended::ExtendedCommunity;
use crate::bgp::message::update::attribute::community::initial::Community;
use crate::bgp::message::update::attribute::community::large::LargeCommunity;
use crate::configuration::core::format::Token;
use crate::configuration::core::parser::{parse_asn, parse_number, parse_prefix, Words};
use crate::configuration::core::{Error, Location, Result};
use crate::configuration::schema::{Keyword, Kind};
use crate::protocol::family::Family;
use std::borrow::Cow;
use std::net::IpAddr;

/// What kind of NLRI a route describes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RouteKind {
    /// unicast, multicast, nlri-mpls (labeled-unicast) and mpls-vpn: a prefix.
    Ip,
    Vpls,
    Mup,
    McastVpn,
    SrPolicy,
}

/// A checked value of a route keyword.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Value {
    /// A keyword without value (`atomic-aggregate`, `withdraw`).
    Flag,
    Ip(IpAddr),
    /// `next-hop self`: the local address, resolved per neighbour.
    NextHopSelf,
    Number(u64),
    Prefix(IpAddr, u8),
    Word(String),
    /// A list or group, as written (brackets kept for nested groups).
    Words(Vec<String>),
}

/// One keyword and its value.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Field {
    /// Borrowed for the usual keywords ([`keyword`]): a route read from a helper or a large
    /// configuration allocates nothing for them.
    pub keyword: Cow<'static, str>,
    pub value: Value,
    pub location: Location,
}

/// A route from `static`, `announce` or `l2vpn`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Route {
    pub location: Location,
    pub family: Family,
    pub kind: RouteKind,
    /// The prefix for `RouteKind::Ip` (and MUP ISD/T1ST), else `None`.
    pub prefix: Option<(IpAddr, u8)>,
    /// NLRI keywords of the family (rd, label, path-information, teid, color...) then the
    /// attributes, in the order written.
    pub fields: Vec<Field>,
}

impl Route {
    pub fn field(&self, keyword: &str) -> Option<&Value> {
        self.fields
            .iter()
            .find(|f| f.keyword == keyword)
            .map(|f| &f.value)
    }
}

fn texts(tokens: &[&Token]) -> Vec<String> {
    tokens.iter().map(|t| t.text.to_string()).collect()
}

/// Checks every item of a list with `check`, reporting the first bad one at its position.
fn check_items(tokens: &[&Token], what: &str, check: impl Fn(&str) -> bool) -> Result<Vec<String>> {
    for token in tokens {
        if !check(&token.text) {
            return Err(Error::new(
                token.location,
                format!("expected {what}, got '{}'", token.text),
            ));
        }
    }
    Ok(texts(tokens))
}

/// Checks every item of a list with the community types' own parsers, reporting the first
/// bad one at its position with the parser's explanation.
fn parse_items(
    tokens: &[&Token],
    parse: impl Fn(&str) -> std::result::Result<(), String>,
) -> Result<Vec<String>> {
    for token in tokens {
        parse(&token.text).map_err(|why| Error::new(token.location, why))?;
    }
    Ok(texts(tokens))
}

/// A route distinguisher (RFC 4364 §4.2): `ASN:N` or `IPv4:N`.
pub fn is_rd(text: &str) -> bool {
    match text.rsplit_once(':') {
        Some((admin, number)) => {
            let number_ok = parse_number::<u32>(number).is_some();
            (parse_asn(admin).is_some() || admin.parse::<std::net::Ipv4Addr>().is_ok()) && number_ok
        }
        None => false,
    }
}

/// The keywords `attribute` reads: what a route of any family may carry.
pub(crate) const KEYWORDS: &[Keyword] = &[
    Keyword::new("next-hop", Kind::NextHop, "Next-hop address, or self"),
    Keyword::new(
        "origin",
        Kind::Choice(Cow::Borrowed(&["igp", "egp", "incomplete"])),
        "ORIGIN attribute",
    ),
    Keyword::new(
        "med",
        Kind::Integer {
            min: 0,
            max: 4294967295,
        },
        "MULTI_EXIT_DISC attribute",
    ),
    Keyword::new(
        "local-preference",
        Kind::Integer {
            min: 0,
            max: 4294967295,
        },
        "LOCAL_PREF attribute",
    ),
    Keyword::new("aigp", Kind::Number, "AIGP attribute (RFC 7311)"),
    Keyword::new(
        "as-path",
        Kind::List("as-path"),
        "AS_PATH attribute: [ ASN ... ], ( ) for a set",
    ),
    Keyword::new(
        "community",
        Kind::List("community"),
        "COMMUNITIES (RFC 1997)",
    ),
    Keyword::new(
        "large-community",
        Kind::List("large-community"),
        "LARGE_COMMUNITY (RFC 8092)",
    ),
    Keyword::new(
        "extended-community",
        Kind::List("extended-community"),
        "EXTENDED COMMUNITIES (RFC 4360)",
    ),
    Keyword::new(
        "originator-id",
        Kind::Ip,
        "ORIGINATOR_ID attribute (RFC 4456)",
    ),
    Keyword::new(
        "cluster-list",
        Kind::List("ip-address"),
        "CLUSTER_LIST attribute (RFC 4456)",
    ),
    Keyword::new(
        "aggregator",
        Kind::Format("aggregator"),
        "AGGREGATOR attribute: ( ASN:IP )",
    ),
    Keyword::new("atomic-aggregate", Kind::Flag, "ATOMIC_AGGREGATE attribute"),
    Keyword::new(
        "withdraw",
        Kind::Flag,
        "Configured but not announced until the API asks",
    ),
    Keyword::new(
        "path-information",
        Kind::Text,
        "ADD-PATH path identifier (number or IPv4 form)",
    ),
    Keyword::new("label", Kind::List("label"), "MPLS label stack"),
    Keyword::new("rd", Kind::Rd, "Route distinguisher"),
    Keyword::new("route-distinguisher", Kind::Rd, "Route distinguisher"),
    Keyword::new(
        "attribute",
        Kind::Text,
        "Any attribute: [ 0xCODE 0xFLAGS 0xDATA ]",
    ),
    Keyword::new(
        "bgp-prefix-sid",
        Kind::Text,
        "BGP Prefix-SID attribute (RFC 8669)",
    ),
    Keyword::new(
        "bgp-prefix-sid-srv6",
        Kind::Text,
        "BGP Prefix-SID SRv6 services (RFC 9252)",
    ),
    Keyword::new(
        "split",
        Kind::Pattern(r"^/\d+$"),
        "Announce the prefix as prefixes of this length",
    ),
    Keyword::new(
        "watchdog",
        Kind::Text,
        "API watchdog group announcing or withdrawing the route",
    ),
    Keyword::new("name", Kind::Text, "A label for the processes, not sent"),
];

/// Reads the value of attribute or route keyword `keyword` (just consumed) from `words`;
/// `None` when `keyword` is not one.
pub fn attribute(keyword: &str, words: &mut Words<'_>) -> Result<Option<Value>> {
    let value = match keyword {
        "next-hop" => {
            if words.accept("self") {
                Value::NextHopSelf
            } else {
                Value::Ip(words.parse("an IP address or 'self'", |s| s.parse().ok())?)
            }
        }
        "origin" => Value::Word(words.parse("igp, egp or incomplete", |s| {
            matches!(
                s.to_ascii_lowercase().as_str(),
                "igp" | "egp" | "incomplete"
            )
            .then(|| s.to_ascii_lowercase())
        })?),
        "med" | "local-preference" => Value::Number(words.number::<u32>("a 32-bit number")?.into()),
        "aigp" => Value::Number(words.number::<u64>("a 64-bit number")?),
        "as-path" => {
            if words.peek().is_some_and(|t| t.text == "[" || t.text == "(") {
                let mut items = Vec::new();
                while let Some(open) = words.peek().filter(|t| t.text == "[" || t.text == "(") {
                    let close = if open.text == "[" { "]" } else { ")" };
                    let group = words.group(&open.text, close, "an AS path")?;
                    let inner = &group[1..group.len() - 1];
                    items.extend(check_items(&group[..1], "", |_| true)?);
                    items.extend(check_items(inner, "an AS number", |s| {
                        s == "," || parse_asn(s).is_some()
                    })?);
                    items.push(close.to_string());
                }
                Value::Words(items)
            } else {
                Value::Words(vec![words
                    .parse("an AS number or '[ AS path ]'", parse_asn)?
                    .to_string()])
            }
        }
        "community" => Value::Words(parse_items(&words.list("a community")?, |s| {
            Community::parse(s).map(drop)
        })?),
        "large-community" => Value::Words(parse_items(&words.list("a large community")?, |s| {
            LargeCommunity::parse(s).map(drop)
        })?),
        "extended-community" => {
            Value::Words(parse_items(&words.list("an extended community")?, |s| {
                ExtendedCommunity::parse(s).map(drop)
            })?)
        }
        "originator-id" => Value::Ip(IpAddr::V4(words.ipv4()?)),
        "cluster-list" => Value::Words(check_items(
            &words.list("a cluster id")?,
            "an IPv4 cluster id",
            |s| s.parse::<std::net::Ipv4Addr>().is_ok() || parse_number::<u32>(s).is_some(),
        )?),
        "aggregator" => {
            let check = |s: &str| {
                s.split_once(':').is_some_and(|(asn, ip)| {
                    parse_asn(asn).is_some() && ip.parse::<std::net::Ipv4Addr>().is_ok()
                })
            };
            if words.peek().is_some_and(|t| t.text == "(") {
                let group = words.group("(", ")", "an aggregator")?;
                match group.as_slice() {
                    [_, inner, _] if check(&inner.text) => Value::Word(inner.text.to_string()),
                    _ => {
                        return Err(Error::new(
                            group[0].location,
                            "expected '( ASN:IPv4 )' for the aggregator",
                        ))
                    }
                }
            } else {
                Value::Word(words.parse("an aggregator (ASN:IPv4)", |s| {
                    check(s).then(|| s.to_string())
                })?)
            }
        }
        "atomic-aggregate" | "withdraw" => Value::Flag,
        "path-information" => Value::Words(vec![words.parse(
            "a path identifier (IPv4 form or number)",
            |s| {
                (s.parse::<std::net::Ipv4Addr>().is_ok() || parse_number::<u32>(s).is_some())
                    .then(|| s.to_string())
            },
        )?]),
        "label" => Value::Words(check_items(
            &words.list("a label")?,
            "an MPLS label (0-1048575)",
            |s| parse_number::<u32>(s).is_some_and(|l| l < 1 << 20),
        )?),
        "rd" | "route-distinguisher" => {
            Value::Word(words.parse("a route distinguisher (ASN:N or IPv4:N)", |s| {
                is_rd(s).then(|| s.to_string())
            })?)
        }
        "attribute" => {
            let group = words.group("[", "]", "'[ 0xCODE 0xFLAGS 0xDATA ]'")?;
            let inner = &group[1..group.len() - 1];
            let hex = |s: &str| {
                s.strip_prefix("0x")
                    .is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()))
            };
            if inner.len() != 3 || !inner.iter().all(|t| hex(&t.text)) {
                return Err(Error::new(
                    group[0].location,
                    "expected '[ 0xCODE 0xFLAGS 0xDATA ]' for a generic attribute",
                ));
            }
            let code = parse_number::<u8>(&inner[0].text);
            let flags = parse_number::<u8>(&inner[1].text);
            if code.is_none() || flags.is_none() {
                return Err(Error::new(
                    inner[0].location,
                    "the attribute code and flags are one byte each",
                ));
            }
            Value::Words(texts(inner))
        }
        "bgp-prefix-sid" => Value::Words(texts(&words.group(
            "[",
            "]",
            "'[ label-index, [ ( base,size ) ... ] ]'",
        )?)),
        "bgp-prefix-sid-srv6" => {
            let group = words.group(
                "(",
                ")",
                "'( l3-service|l2-service SID [behavior] [structure] )'",
            )?;
            match group.get(1).map(|t| &*t.text) {
                Some("l3-service" | "l2-service") => {}
                _ => {
                    return Err(Error::new(
                        group[0].location,
                        "expected l3-service or l2-service after '('",
                    ))
                }
            }
            match group.get(2).map(|t| t.text.parse::<std::net::Ipv6Addr>()) {
                Some(Ok(_)) => {}
                _ => {
                    return Err(Error::new(
                        group[0].location,
                        "expected an IPv6 SID after the service type",
                    ))
                }
            }
            Value::Words(texts(&group))
        }
        "split" => Value::Number(
            words
                .parse("'/N', the length to split into", |s| {
                    s.strip_prefix('/').and_then(|n| n.parse::<u8>().ok())
                })?
                .into(),
        ),
        "watchdog" | "name" => Value::Word(words.next("a name")?.to_string()),
        _ => return Ok(None),
    };
    Ok(Some(value))
}

/// `keyword` as a field holds it: the usual route keywords are not copied.
pub fn keyword(keyword: &str) -> Cow<'static, str> {
    const USUAL: [&str; 16] = [
        "next-hop",
        "med",
        "origin",
        "local-preference",
        "as-path",
        "community",
        "large-community",
        "extended-community",
        "label",
        "rd",
        "path-information",
        "watchdog",
        "name",
        "split",
        "atomic-aggregate",
        "aggregator",
    ];
    match USUAL.iter().find(|usual| **usual == keyword) {
        Some(usual) => Cow::Borrowed(usual),
        None => Cow::Owned(keyword.to_string()),
    }
}

/// Reads `keyword value` pairs until the end of `words`; `extra` handles the family's own
/// keywords first (returning `None` for unknown ones).
pub fn fields(
    words: &mut Words<'_>,
    fields: &mut Vec<Field>,
    extra: &mut dyn FnMut(&str, &mut Words<'_>) -> Result<Option<Value>>,
) -> Result<()> {
    while let Some(token) = words.peek() {
        words.token("")?;
        let keyword = &*token.text;
        let value = match extra(keyword, words)? {
            Some(value) => value,
            None => match attribute(keyword, words)? {
                Some(value) => value,
                None => {
                    return Err(Error::new(
                        token.location,
                        format!("unknown route keyword '{keyword}'"),
                    ))
                }
            },
        };
        fields.push(Field {
            keyword: self::keyword(keyword),
            value,
            location: token.location,
        });
    }
    // a route usually has one or two fields and a configuration may hold a million routes
    fields.shrink_to_fit();
    Ok(())
}

/// The route's prefix: `PREFIX` with an optional `/len`.
pub fn prefix(words: &mut Words<'_>) -> Result<(IpAddr, u8)> {
    words.parse("an IP prefix", parse_prefix)
}

/// The family of an IP route given the keywords it uses (ExaBGP's `static` rules: an `rd` makes
/// it mpls-vpn, a `label` nlri-mpls).
pub fn ip_family(
    prefix: IpAddr,
    fields: &[Field],
    safi: Option<crate::protocol::family::Safi>,
) -> Family {
    use crate::protocol::family::{Afi, Safi};
    let afi = if prefix.is_ipv4() {
        Afi::IPV4
    } else {
        Afi::IPV6
    };
    let has = |k: &str| fields.iter().any(|f| f.keyword == k);
    let safi = safi.unwrap_or(if has("rd") || has("route-distinguisher") {
        Safi::MPLS_VPN
    } else if has("label") {
        Safi::NLRI_MPLS
    } else {
        ip_safi(prefix)
    });
    Family::new(afi, safi)
}

/// Multicast destinations use the multicast SAFI (ExaBGP's `IP.tosafi`): 224/4, also as an
/// IPv4-mapped IPv6 address.
fn ip_safi(prefix: IpAddr) -> crate::protocol::family::Safi {
    use crate::protocol::family::Safi;
    let first = match prefix {
        IpAddr::V4(v4) => v4.octets()[0],
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(0, |v4| v4.octets()[0]),
    };
    if (224..240).contains(&first) {
        Safi::MULTICAST
    } else {
        Safi::UNICAST
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::configuration::core::parser::probe;

    /// Every keyword of the table is one `attribute` reads: with no value it either takes the
    /// flag or asks for the value, never says it is not a keyword.
    #[test]
    fn the_table_is_what_attribute_reads() {
        for keyword in KEYWORDS {
            let value = probe(keyword.name, |words| attribute(keyword.name, words));
            assert!(!matches!(value, Ok(None)), "{}", keyword.name);
        }
        assert_eq!(probe("bogus", |words| attribute("bogus", words)), Ok(None));
    }

    #[test]
    fn route_distinguishers() {
        assert!(is_rd("65000:1"));
        assert!(is_rd("192.168.201.1:123"));
        assert!(!is_rd("x:1"));
    }
}
