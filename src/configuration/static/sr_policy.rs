//! Ports `exabgp/configuration/static/sr_policy.py`: `sr-policy distinguisher N color N endpoint
//! IP next-hop IP [preference N] [priority N] [binding-sid mpls N | srv6-binding-sid IPv6]
//! [policy-name S] [candidate-path-name S] segment-list weight N segment type-X ... ...`
//! (RFC 9256, RFC 9830 segment types A to K).

use super::parser;
use super::route::{self, Field, Route, RouteKind, Value};
use crate::bgp::message::update::attribute::tunnel_encap::sr_policy::{
    EndpointBehavior, Segment, SegmentList, SrPolicyTunnel, SubTlv,
};
use crate::bgp::message::update::attribute::tunnel_encap::{Tunnel, TunnelEncap};
use crate::bgp::message::update::attribute::{Attribute, Attributes};
use crate::bgp::message::update::nlri::{Nlri, SrPolicy};
use crate::bgp::neighbor::Neighbor;
use crate::configuration::core::parser::{parse_number, Words};
use crate::configuration::core::{Error, Location, Result};
use crate::protocol::family::{Afi, Family, Safi};
use crate::rib::Change;
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
            keyword: route::keyword(keyword),
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
        while let Some(keyword) = words.peek().map(|t| &*t.text) {
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

/// The change announcing an SR policy route to `neighbor`: its NLRI, next-hop, and a Tunnel
/// Encapsulation attribute holding the policy's sub-TLVs in the order written.
pub fn build(route: &Route, neighbor: &Neighbor) -> Result<Change> {
    let mut nlri = SrPolicy {
        family: route.family,
        distinguisher: 0,
        color: 0,
        endpoint: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
    };
    let mut nexthop = None;
    let mut subtlvs = Vec::new();
    let mut attributes = Attributes::new();
    for field in &route.fields {
        let at = field.location;
        let number = match &field.value {
            Value::Number(n) => *n,
            _ => 0,
        };
        match (&*field.keyword, &field.value) {
            ("distinguisher", _) => nlri.distinguisher = number as u32,
            ("color", _) => nlri.color = number as u32,
            ("endpoint", Value::Ip(ip)) => nlri.endpoint = *ip,
            ("next-hop", Value::Ip(ip)) => nexthop = Some(*ip),
            ("next-hop", Value::NextHopSelf) => {
                nexthop = Some(parser::ip_self(neighbor, nlri.endpoint, at)?)
            }
            ("preference", _) => subtlvs.push(SubTlv::Preference {
                flags: 0,
                preference: number as u32,
            }),
            ("priority", _) => subtlvs.push(SubTlv::Priority(
                u8::try_from(number).map_err(|_| Error::new(at, "a priority is 0 to 255"))?,
            )),
            ("binding-sid", _) => {
                if number >= 1 << 20 {
                    return Err(Error::new(at, "an MPLS label is 0 to 1048575"));
                }
                // RFC 9830 §2.4.2 defines only the S and I flags; ExaBGP also sets 0x10
                subtlvs.push(SubTlv::BindingSid {
                    flags: 0,
                    label: Some(number as u32),
                })
            }
            ("srv6-binding-sid", Value::Ip(IpAddr::V6(sid))) => {
                subtlvs.push(SubTlv::Srv6BindingSid {
                    flags: 0,
                    sid: *sid,
                    behavior: None,
                })
            }
            ("policy-name", Value::Word(name)) => subtlvs.push(SubTlv::PolicyName {
                flags: 0,
                name: name.clone(),
            }),
            ("candidate-path-name", Value::Word(name)) => subtlvs.push(SubTlv::CandidatePathName {
                flags: 0,
                name: name.clone(),
            }),
            ("segment-list", Value::Words(items)) => {
                subtlvs.push(SubTlv::SegmentList(segment_list_of(items, at)?))
            }
            _ => {
                attributes.insert(parser::attribute(field)?);
            }
        }
    }
    attributes.insert(Attribute::TunnelEncap(TunnelEncap {
        tunnels: vec![Tunnel::SrPolicy(SrPolicyTunnel { subtlvs })],
    }));
    Ok(Change {
        nlri: Nlri::SrPolicy(Box::new(nlri)),
        nexthop,
        attributes: std::sync::Arc::new(attributes),
        withdraw: false,
        tags: None,
        location: route.location,
    })
}

/// A segment list from its neutral form (`weight N`, `segment type-a mpls N`, ...). The last
/// type A segment is the bottom of the label stack.
fn segment_list_of(items: &[String], at: Location) -> Result<SegmentList> {
    let mut list = SegmentList {
        weight: None,
        segments: Vec::new(),
    };
    for item in items {
        let words: Vec<&str> = item.split_whitespace().collect();
        let value = |key: &str| {
            words
                .iter()
                .position(|w| *w == key)
                .and_then(|i| words.get(i + 1).copied())
        };
        match words.as_slice() {
            ["weight", weight] => {
                list.weight = Some((0, weight.parse().map_err(|_| Error::new(at, "bad weight"))?))
            }
            ["segment", "type-a", ..] => {
                let label: u32 = value("mpls")
                    .and_then(|l| l.parse().ok())
                    .filter(|l| *l < 1 << 20)
                    .ok_or_else(|| Error::new(at, "an MPLS label is 0 to 1048575"))?;
                list.segments.push(Segment::A {
                    flags: 0,
                    label,
                    tc: 0,
                    s: false,
                    ttl: 0,
                });
            }
            ["segment", "type-b", ..] => {
                let sid: Ipv6Addr = value("srv6")
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| Error::new(at, "a type-b segment needs an SRv6 SID"))?;
                let behavior = match words.iter().position(|w| *w == "endpoint-behavior") {
                    Some(i) => {
                        let numbers: Vec<u16> = words
                            .get(i + 1..i + 6)
                            .unwrap_or_default()
                            .iter()
                            .filter_map(|n| n.parse().ok())
                            .collect();
                        let byte = |n: u16| u8::try_from(n).ok();
                        match numbers.as_slice() {
                            [behavior, lb, ln, fun, arg] => Some(EndpointBehavior {
                                behavior: *behavior,
                                lb_length: byte(*lb)
                                    .ok_or_else(|| Error::new(at, "a length is 0 to 255"))?,
                                ln_length: byte(*ln)
                                    .ok_or_else(|| Error::new(at, "a length is 0 to 255"))?,
                                fun_length: byte(*fun)
                                    .ok_or_else(|| Error::new(at, "a length is 0 to 255"))?,
                                arg_length: byte(*arg)
                                    .ok_or_else(|| Error::new(at, "a length is 0 to 255"))?,
                            }),
                            _ => {
                                return Err(Error::new(at, "endpoint-behavior needs five numbers"))
                            }
                        }
                    }
                    None => None,
                };
                list.segments.push(Segment::B {
                    flags: 0,
                    sid,
                    behavior,
                });
            }
            ["segment", kind, ..] => list.segments.push(other_segment(kind, &words, at)?),
            _ => {
                return Err(Error::new(
                    at,
                    format!("unexpected '{item}' in a segment list"),
                ))
            }
        }
    }
    // the bottom of the stack is the last type A, or type C with a label (RFC 3032)
    let last = list.segments.iter_mut().rev().find(|s| {
        matches!(s, Segment::A { .. })
            || matches!(s, Segment::Other { kind: 3, value } if value.len() == 10)
    });
    match last {
        Some(Segment::A { s, .. }) => *s = true,
        Some(Segment::Other { value, .. }) => value[8] |= 0x01,
        _ => {}
    }
    Ok(list)
}

/// Segment types C to K (RFC 9830 §2.4.4.2.3 to .11) from their neutral form, as ExaBGP
/// encodes them: flags (A when an algorithm other than 0 is given, B with an endpoint
/// behavior), algorithm or reserved, the addresses and interface IDs, then the optional SID
/// (an MPLS label stack entry for C to H, an SRv6 SID for I to K) and endpoint behavior.
fn other_segment(kind: &str, words: &[&str], at: Location) -> Result<Segment> {
    let bad = |what: &str| Error::new(at, format!("segment {kind}: invalid or missing {what}"));
    let value = |key: &str| {
        words
            .iter()
            .position(|w| *w == key)
            .and_then(|i| words.get(i + 1).copied())
    };
    let v4 = |key: &str| -> Result<[u8; 4]> {
        value(key)
            .and_then(|v| v.parse::<Ipv4Addr>().ok())
            .map(|a| a.octets())
            .ok_or_else(|| bad(key))
    };
    let v6 = |key: &str| -> Result<[u8; 16]> {
        value(key)
            .and_then(|v| v.parse::<Ipv6Addr>().ok())
            .map(|a| a.octets())
            .ok_or_else(|| bad(key))
    };
    let id = |key: &str| -> Result<[u8; 4]> {
        value(key)
            .and_then(|v| v.parse::<u32>().ok())
            .map(u32::to_be_bytes)
            .ok_or_else(|| bad(key))
    };
    let algorithm: u8 = match value("algorithm") {
        Some(a) => a.parse().map_err(|_| bad("algorithm"))?,
        None => 0,
    };
    let behavior = match words.iter().position(|w| *w == "endpoint-behavior") {
        Some(i) => {
            let numbers: Vec<u16> = words
                .get(i + 1..i + 6)
                .unwrap_or_default()
                .iter()
                .filter_map(|n| n.parse().ok())
                .collect();
            match numbers.as_slice() {
                [behavior, rest @ ..] if rest.len() == 4 && rest.iter().all(|n| *n < 256) => {
                    let mut raw = behavior.to_be_bytes().to_vec();
                    raw.extend_from_slice(&[0, 0]);
                    raw.extend(rest.iter().map(|n| *n as u8));
                    Some(raw)
                }
                _ => return Err(bad("endpoint-behavior")),
            }
        }
        None => None,
    };
    let label = || -> Result<Option<[u8; 4]>> {
        value("sid")
            .map(|sid| {
                sid.parse::<u32>()
                    .ok()
                    .filter(|l| *l < 1 << 20)
                    .map(|l| (l << 12).to_be_bytes())
                    .ok_or_else(|| bad("sid (an MPLS label)"))
            })
            .transpose()
    };
    let srv6 = || -> Result<Option<[u8; 16]>> {
        value("sid")
            .map(|sid| {
                sid.parse::<Ipv6Addr>()
                    .map(|a| a.octets())
                    .map_err(|_| bad("sid (an SRv6 SID)"))
            })
            .transpose()
    };
    let a_flag = if algorithm != 0 { 0x40 } else { 0 };
    let b_flag = if behavior.is_some() { 0x10 } else { 0 };
    let mut out: Vec<u8> = Vec::new();
    let code = match kind {
        "type-c" | "type-d" => {
            out.extend_from_slice(&[a_flag, algorithm]);
            if kind == "type-c" {
                out.extend_from_slice(&v4("ipv4")?);
            } else {
                out.extend_from_slice(&v6("ipv6")?);
            }
            out.extend(label()?.into_iter().flatten());
            if kind == "type-c" {
                3
            } else {
                4
            }
        }
        "type-e" => {
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(&id("local-if-id")?);
            out.extend_from_slice(&v4("ipv4")?);
            out.extend(label()?.into_iter().flatten());
            5
        }
        "type-f" => {
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(&v4("local")?);
            out.extend_from_slice(&v4("remote")?);
            out.extend(label()?.into_iter().flatten());
            6
        }
        "type-g" | "type-j" => {
            if kind == "type-g" {
                out.extend_from_slice(&[0, 0]);
            } else {
                out.extend_from_slice(&[a_flag | b_flag, algorithm]);
            }
            out.extend_from_slice(&id("local-if-id")?);
            out.extend_from_slice(&v6("local-ipv6")?);
            out.extend_from_slice(&id("remote-if-id")?);
            out.extend_from_slice(&v6("remote-ipv6")?);
            if kind == "type-g" {
                out.extend(label()?.into_iter().flatten());
                7
            } else {
                out.extend(srv6()?.into_iter().flatten());
                out.extend(behavior.into_iter().flatten());
                15
            }
        }
        "type-h" => {
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(&v6("local")?);
            out.extend_from_slice(&v6("remote")?);
            out.extend(label()?.into_iter().flatten());
            8
        }
        "type-i" => {
            out.extend_from_slice(&[a_flag | b_flag, algorithm]);
            out.extend_from_slice(&v6("ipv6")?);
            out.extend(srv6()?.into_iter().flatten());
            out.extend(behavior.into_iter().flatten());
            14
        }
        "type-k" => {
            out.extend_from_slice(&[a_flag | b_flag, algorithm]);
            out.extend_from_slice(&v6("local")?);
            out.extend_from_slice(&v6("remote")?);
            out.extend(srv6()?.into_iter().flatten());
            out.extend(behavior.into_iter().flatten());
            16
        }
        _ => return Err(Error::new(at, format!("unknown segment {kind}"))),
    };
    Ok(Segment::Other {
        kind: code,
        value: out,
    })
}

#[cfg(test)]
mod build_tests {
    use crate::bgp::message::open::capability::negotiated::Negotiated;
    use crate::bgp::message::update::{RoutedNlri, Update};
    use crate::configuration::Configuration;
    use crate::protocol::family::{Afi, Family, Safi};
    use std::path::Path;

    /// The UPDATEs (hexadecimal) of the sr-policy routes in `announce { ipv4|ipv6 { } }`.
    fn messages(routes: &str) -> Vec<String> {
        let text = format!(
            "neighbor 127.0.0.1 {{\n router-id 1.2.3.4;\n local-address 127.0.0.1;\n local-as 65533;\n peer-as 65533;\n\
             family {{ ipv4 sr-policy; ipv6 sr-policy; }}\n announce {{\n{routes}\n }}\n}}\n"
        );
        let configuration = Configuration::parse(&text, Path::new("test.conf")).unwrap();
        let negotiated = Negotiated {
            local_as: 65533,
            peer_as: 65533,
            families: vec![
                Family::new(Afi::IPV4, Safi::SR_POLICY),
                Family::new(Afi::IPV6, Safi::SR_POLICY),
            ],
            ..Negotiated::default()
        };
        configuration.neighbors[0]
            .changes
            .iter()
            .map(|change| {
                let update = Update {
                    announces: vec![RoutedNlri {
                        nlri: change.nlri.clone(),
                        nexthop: change.nexthop,
                    }],
                    attributes: (*change.attributes).clone(),
                    ..Update::default()
                };
                crate::util::hex::upper(&update.messages(&negotiated, true).concat())
            })
            .collect()
    }

    #[test]
    fn segment_types_c_to_k_are_encoded() {
        // worked out by hand from RFC 9830 §2.4.4.2.3/.5/.9: type C 10.0.0.2 with label 16001
        // at the bottom of the stack (S set), type E interface 1 on 10.0.0.1, type I
        // 2001:db8::1 with algorithm 128 (A flag) and no SID
        let built = messages(
            "ipv4 {\n sr-policy distinguisher 0 color 1 endpoint 10.0.0.9 next-hop 192.0.2.1 preference 1 segment-list weight 1 \
             segment type-e local-if-id 1 ipv4 10.0.0.1 segment type-c ipv4 10.0.0.2 algorithm 0 sid 16001 \
             segment type-i ipv6 2001:db8::1 algorithm 128;\n}",
        );
        let want = [
            "050A",
            "0000000000010A000001",
            "030A",
            "00000A00000203E81100",
            "0E12",
            "408020010DB8000000000000000000000001",
        ]
        .concat();
        assert!(built[0].contains(&want), "{}", built[0]);
    }

    #[test]
    fn conf_sr_policy_messages() {
        // the "raw:" lines of ExaBGP's qa/encoding/conf-sr-policy.ci; the binding SID flags are
        // 0x00 here where ExaBGP sends 0x10 (RFC 9830 §2.4.2 defines only S and I)
        let built = messages(
            "ipv4 {\n sr-policy distinguisher 0 color 100 endpoint 10.0.0.1 next-hop 192.0.2.1 preference 100 binding-sid mpls 24000 segment-list weight 1 segment type-a mpls 16001;\n\
             sr-policy distinguisher 1 color 200 endpoint 10.0.0.2 next-hop 192.0.2.1 preference 200 srv6-binding-sid fc00::1 segment-list weight 2 segment type-b srv6 fc00::1 endpoint-behavior 65 32 0 16 0 policy-name \"my-policy\" candidate-path-name \"primary\";\n\
             sr-policy distinguisher 0 color 300 endpoint 10.0.0.3 next-hop 192.0.2.1 preference 300 segment-list weight 1 segment type-a mpls 16001 segment-list weight 2 segment type-a mpls 16002;\n}\n\
             ipv6 {\n sr-policy distinguisher 0 color 100 endpoint 2001:db8::1 next-hop 2001:db8::2 preference 100 segment-list weight 1 segment type-b srv6 2001:db8:1::1;\n}",
        );
        let marker = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF";
        assert_eq!(
            built,
            [
                format!("{marker}006902000000524001010040020040050400000064C01728000F00240C060000000000640D06000005DC01008000110009060000000000010106000003E81100800E1600014904C0000201006000000000000000640A000001"),
                format!("{marker}00A1020000008A4001010040020040050400000064C01760000F005C0C060000000000C814120000FC0000000000000000000000000000018000250009060000000000020D1A1000FC000000000000000000000000000001004100002000100082000A006D792D706F6C696379810008007072696D617279800E1600014904C0000201006000000001000000C80A000002"),
                format!("{marker}0075020000005E4001010040020040050400000064C01734000F00300C0600000000012C8000110009060000000000010106000003E811008000110009060000000000020106000003E82100800E1600014904C00002010060000000000000012C0A000003"),
                format!("{marker}0085020000006E4001010040020040050400000064C0172C000F00280C0600000000006480001D0009060000000000010D12000020010DB8000100000000000000000001800E2E0002491020010DB800000000000000000000000200C0000000000000006420010DB8000000000000000000000001"),
            ]
        );
    }
}
