//! Ports `exabgp/configuration/encoder.py` and `Configuration.to_dict` (`configuration.py`):
//! a parsed configuration as the JSON `exabgp configuration export` prints.
//!
//! ExaBGP dumps its Python objects: each neighbour under its `name()`, its session and
//! capabilities as tagged objects (`{"_type": "ASN", "value": 65000}`), its routes as their
//! NLRI and attribute texts, and the `process` sections as the dictionaries its parser filled,
//! with what `_link` adds from the neighbours' `api { }`. The JSON is Python's `json.dumps`
//! (ASCII only, keys sorted for the export).

use super::neighbor::api::{Api, Direction};
use super::{Configuration, Encoder, PeerConfig};
use crate::bgp::neighbor::Neighbor;
use crate::protocol::family::Family;
use crate::rib::Change;
use crate::util::json::Json;
use std::net::IpAddr;

/// `_serialize_value` of an `IP`.
fn ip(address: IpAddr) -> Json {
    Json::object([
        ("_type", Json::str("IP")),
        ("value", Json::str(address.to_string())),
    ])
}

/// `_serialize_value` of a `TriState`: configured on, off, or left to its default.
fn tri(value: Option<bool>) -> Json {
    Json::str(match value {
        Some(true) => "TRUE",
        Some(false) => "FALSE",
        None => "UNSET",
    })
}

fn family(family: &Family) -> Json {
    Json::List(vec![
        Json::object([
            ("_type", Json::str("AFI")),
            ("value", Json::str(family.afi.name())),
        ]),
        Json::object([
            ("_type", Json::str("SAFI")),
            ("value", Json::str(family.safi.name())),
        ]),
    ])
}

fn optional<T>(value: Option<T>, json: impl FnOnce(T) -> Json) -> Json {
    value.map_or(Json::Null, json)
}

/// The `Session` of a neighbour, as ExaBGP has it once `infer()` ran (router-id and MD5
/// address taken from the local address).
fn session(neighbor: &Neighbor) -> Json {
    let host = if neighbor.peer_address.is_ipv4() {
        32
    } else {
        128
    };
    let asn = |asn: u32| {
        Json::object([
            ("_type", Json::str("ASN")),
            ("value", Json::Int(asn.into())),
        ])
    };
    Json::object([
        ("_type", Json::str("Session")),
        (
            "peer_address",
            Json::object([
                ("_type", Json::str("IPRange")),
                ("ip", Json::str(neighbor.peer_address.to_string())),
                (
                    "mask",
                    Json::Int(neighbor.peer_range.unwrap_or(host).into()),
                ),
            ]),
        ),
        (
            "local_address",
            // ExaBGP's `IP.NoNextHop`: the local address is found when connecting
            neighbor.local_address.map_or_else(
                || {
                    Json::object([
                        ("_type", Json::str("IP")),
                        ("value", Json::str("no-nexthop")),
                    ])
                },
                ip,
            ),
        ),
        ("local_as", asn(neighbor.local_as)),
        ("peer_as", asn(neighbor.peer_as)),
        (
            "router_id",
            optional(neighbor.router_id, |id| ip(IpAddr::V4(id))),
        ),
        (
            "md5_password",
            optional(neighbor.md5_password.clone(), Json::Str),
        ),
        ("md5_base64", Json::Bool(neighbor.md5_base64)),
        ("md5_ip", optional(neighbor.md5_ip, ip)),
        ("connect", Json::Int(neighbor.connect.into())),
        ("listen", Json::Int(neighbor.listen.into())),
        ("passive", Json::Bool(neighbor.passive)),
        (
            "source_interface",
            optional(neighbor.source_interface.clone(), Json::Str),
        ),
        (
            "outgoing_ttl",
            optional(neighbor.outgoing_ttl, |t| Json::Int(t.into())),
        ),
        (
            "incoming_ttl",
            optional(neighbor.incoming_ttl, |t| Json::Int(t.into())),
        ),
    ])
}

/// The `NeighborCapability`. ExaBGP's tri-states that stay unset unless configured (extended
/// next-hop, AIGP) are kept as booleans here: off is written as unset.
fn capability(neighbor: &Neighbor) -> Json {
    let capability = &neighbor.capability;
    let on = |value: bool| tri(Some(value));
    let unset_unless = |value: bool| tri(value.then_some(true));
    Json::object([
        ("_type", Json::str("NeighborCapability")),
        ("asn4", on(capability.asn4)),
        ("extended_message", on(capability.extended_message)),
        (
            "graceful_restart",
            Json::object([
                ("_type", Json::str("GracefulRestartConfig")),
                ("state", on(capability.graceful_restart.is_some())),
                (
                    "time",
                    Json::Int(capability.graceful_restart.unwrap_or(0).into()),
                ),
            ]),
        ),
        ("multi_session", on(capability.multi_session)),
        ("operational", on(capability.operational)),
        ("add_path", Json::Int(capability.add_path.into())),
        // ExaBGP stores the capability's code for a normal route refresh (2)
        (
            "route_refresh",
            Json::Int(if capability.route_refresh { 2 } else { 0 }),
        ),
        ("nexthop", unset_unless(capability.nexthop)),
        ("aigp", unset_unless(capability.aigp)),
        (
            "software_version",
            if capability.software_version {
                Json::str("exabgp")
            } else {
                Json::Null
            },
        ),
    ])
}

/// The eighteen message kinds of one direction, with the `api` key ExaBGP gives them.
fn direction_flags(direction: &Direction) -> [(&'static str, bool); 9] {
    [
        ("parsed", direction.parsed),
        ("packets", direction.packets),
        ("consolidate", direction.consolidate),
        ("open", direction.open),
        ("update", direction.update),
        ("notification", direction.notification),
        ("keepalive", direction.keepalive),
        ("refresh", direction.refresh),
        ("operational", direction.operational),
    ]
}

/// `ParseAPI.flatten`: for each kind of message, the processes of every `api { }` section that
/// asked for it (a `processes-match` section names none). Every key is there, empty or not.
fn flatten(api: &Api) -> Vec<(String, Vec<String>)> {
    let mut built: Vec<(String, Vec<String>)> = [
        "neighbor-changes",
        "negotiated",
        "fsm",
        "signal",
        "processes",
        "processes-match",
    ]
    .iter()
    .map(|k| k.to_string())
    .chain(["send", "receive"].iter().flat_map(|way| {
        direction_flags(&Direction::default()).map(move |(kind, _)| format!("{way}-{kind}"))
    }))
    .map(|k| (k, Vec::new()))
    .collect();
    let mut extend = |key: &str, names: &[String]| {
        if let Some((_, list)) = built.iter_mut().find(|(k, _)| k == key) {
            list.extend_from_slice(names);
        }
    };
    for section in &api.sections {
        let procs = section.processes.as_slice();
        let none: &[String] = &[];
        extend("processes", procs);
        extend("processes-match", &section.processes_match);
        for (key, on) in [
            ("neighbor-changes", section.neighbor_changes),
            ("negotiated", section.negotiated),
            ("fsm", section.fsm),
            ("signal", section.signal),
        ] {
            extend(key, if on { procs } else { none });
        }
        for (way, direction) in [("send", &section.send), ("receive", &section.receive)] {
            for (kind, on) in direction_flags(direction) {
                extend(&format!("{way}-{kind}"), if on { procs } else { none });
            }
        }
    }
    built
}

fn names(list: &[String]) -> Json {
    Json::List(list.iter().map(|n| Json::str(n.clone())).collect())
}

/// `Route`: its NLRI and attribute texts (`str()`, the next-hop in neither).
fn route(change: &Change) -> Json {
    Json::object([
        ("_type", Json::str("Route")),
        ("nlri", Json::str(change.nlri.to_string())),
        (
            "attributes",
            Json::str(crate::reactor::api::response::text::attributes(
                &change.attributes,
            )),
        ),
    ])
}

/// `_neighbor_to_dict`.
fn neighbor(peer: &PeerConfig, api: &[(String, Vec<String>)]) -> Json {
    let n = &peer.neighbor;
    Json::object([
        ("description", Json::str(n.description.clone())),
        (
            "hold_time",
            Json::object([
                ("_type", Json::str("HoldTime")),
                ("value", Json::Int(n.hold_time.into())),
            ]),
        ),
        ("rate_limit", Json::Int(n.rate_limit.into())),
        ("host_name", Json::str(n.host_name.clone())),
        ("domain_name", Json::str(n.domain_name.clone())),
        ("group_updates", Json::Bool(n.group_updates)),
        ("auto_flush", Json::Bool(n.auto_flush)),
        ("adj_rib_in", Json::Bool(n.adj_rib_in)),
        ("adj_rib_out", Json::Bool(n.adj_rib_out)),
        ("manual_eor", Json::Bool(n.manual_eor)),
        ("session", session(n)),
        ("capability", capability(n)),
        (
            "api",
            Json::Object(api.iter().map(|(k, v)| (k.clone(), names(v))).collect()),
        ),
        (
            "families",
            Json::List(n.families.iter().map(family).collect()),
        ),
        (
            "nexthops",
            Json::List(
                n.nexthop
                    .iter()
                    .map(|(f, nh)| {
                        let Json::List(mut pair) = family(f) else {
                            unreachable!()
                        };
                        pair.push(Json::object([
                            ("_type", Json::str("AFI")),
                            ("value", Json::str(nh.name())),
                        ]));
                        Json::List(pair)
                    })
                    .collect(),
            ),
        ),
        (
            "addpaths",
            Json::List(n.addpath.iter().map(family).collect()),
        ),
        (
            "routes",
            Json::List(peer.changes.iter().map(route).collect()),
        ),
    ])
}

/// `Configuration.to_dict()`, with `_link`'s additions to the processes.
pub(crate) fn to_dict(configuration: &Configuration) -> Json {
    let mut neighbors: Vec<(String, Json)> = Vec::new();
    let mut processes: Vec<(String, Vec<(String, Json)>)> = configuration
        .processes
        .iter()
        .map(|p| {
            let encoder = match p.encoder {
                Encoder::Text => "text",
                Encoder::Json => "json",
            };
            let fields = vec![
                ("run".to_string(), names(&p.run)),
                ("encoder".to_string(), Json::str(encoder)),
                ("respawn".to_string(), Json::Bool(p.respawn)),
            ];
            (p.name.clone(), fields)
        })
        .collect();
    for peer in &configuration.neighbors {
        let api = flatten(&peer.api);
        let name = crate::bgp::neighbor::template::name(&peer.neighbor);
        let json = neighbor(peer, &api);
        // neighbours are a dict by name: a later one of the same name replaces the earlier
        match neighbors.iter_mut().find(|(k, _)| *k == name) {
            Some(entry) => entry.1 = json,
            None => neighbors.push((name, json)),
        }
        link(&mut processes, peer, &api, configuration);
    }
    Json::object([
        ("neighbors", Json::Object(neighbors)),
        (
            "processes",
            Json::Object(
                processes
                    .into_iter()
                    .map(|(k, v)| (k, Json::Object(v)))
                    .collect(),
            ),
        ),
    ])
}

/// `Configuration._link`: each process a neighbour's api reaches gets the api's notification
/// lists, and the neighbour's router-id under each kind of message it subscribed to.
fn link(
    processes: &mut Vec<(String, Vec<(String, Json)>)>,
    peer: &PeerConfig,
    api: &[(String, Vec<String>)],
    configuration: &Configuration,
) {
    let get = |key: &str| {
        api.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_slice())
            .unwrap_or_default()
    };
    let targets = if get("processes").is_empty() {
        // every pattern in turn over every process, as ExaBGP's comprehension
        let mut matched = Vec::new();
        for p in &configuration.processes {
            for pattern in get("processes-match") {
                if super::neighbor::api::regex_match(pattern, &p.name) {
                    matched.push(p.name.clone());
                }
            }
        }
        matched
    } else {
        get("processes").to_vec()
    };
    let router_id = optional(peer.neighbor.router_id, |id| ip(IpAddr::V4(id)));
    for target in targets {
        let index = match processes.iter().position(|(name, _)| *name == target) {
            Some(index) => index,
            None => {
                processes.push((target.clone(), Vec::new()));
                processes.len() - 1
            }
        };
        let fields = &mut processes[index].1;
        let mut set = |key: &str, value: Json| match fields.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value,
            None => fields.push((key.to_string(), value)),
        };
        for key in ["neighbor-changes", "negotiated", "fsm", "signal"] {
            set(key, names(get(key)));
        }
        for way in ["send", "receive"] {
            for (kind, _) in direction_flags(&Direction::default()) {
                let key = format!("{way}-{kind}");
                if get(&key).is_empty() {
                    continue;
                }
                match fields.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, Json::List(list))) => list.push(router_id.clone()),
                    _ => fields.push((key, Json::List(vec![router_id.clone()]))),
                }
            }
        }
    }
}
