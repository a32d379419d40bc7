//! Ports the report side of `exabgp/reactor/api/command/neighbor.py` and `command/rib.py`
//! (`show neighbor`, `show adj-rib`) and `command/reactor.py` (`status`): what a helper asked
//! to see, as lines. Sans-IO: `now` is the time since the daemon started.

use super::command::{self, NeighborView, Rib, Selection};
use super::fanout::sections;
use super::registry::{Registered, Registry};
use super::response::json::ApiVersion;
use crate::bgp::message::update::nlri::Nlri;
use crate::bgp::message::MessageType;
use crate::bgp::neighbor::template::{self, CliData};
use crate::configuration::Api;
use crate::rib::Route;
use std::time::Duration;

/// `show neighbor [IP] [summary|extensive|configuration] [json]`: one reply for all peers
/// (a large one then does not fill a client's queue), `None` when no peer is selected.
pub(crate) fn show_neighbor(
    peers: &Registry,
    selection: &Selection,
    view: NeighborView,
    json: bool,
    now: Duration,
) -> Option<String> {
    let peers = peers
        .running()
        .filter(|p| selection.matches(&p.config.neighbor));
    let lines: Vec<String> = if json {
        let mut list = String::from("[");
        for (i, peer) in peers.enumerate() {
            if i > 0 {
                list.push_str(", ");
            }
            cli_data(peer, now).json(&mut list);
        }
        list.push(']');
        vec![list]
    } else {
        match view {
            NeighborView::Summary => std::iter::once(template::SUMMARY_HEADER.to_string())
                .chain(peers.map(|peer| cli_data(peer, now).summary()))
                .collect(),
            NeighborView::Extensive => peers
                .flat_map(|peer| cli_data(peer, now).extensive())
                .collect(),
            NeighborView::Configuration => peers
                .map(|peer| {
                    template::configuration(&peer.config.neighbor, &api_blocks(&peer.config.api))
                })
                .collect(),
        }
    };
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// `show adj-rib in|out [extensive] [json] [IP]`: one line per route, `None` when there is
/// none.
pub(crate) fn show_adj_rib(
    peers: &Registry,
    selection: &Selection,
    (rib, routes): (Rib, command::Routes),
    (extensive, json): (bool, bool),
    now: Duration,
) -> Option<String> {
    let mut reply = String::new();
    for peer in peers
        .running()
        .filter(|p| selection.matches(&p.config.neighbor))
    {
        let neighbor = &peer.config.neighbor;
        let data = (json && extensive).then(|| cli_data(peer, now));
        for route in adj_rib(peer, rib) {
            if !command::rib::listed(routes, &route.nlri) {
                continue;
            }
            if json {
                reply.push_str(&command::rib::json(neighbor, &route, data.as_ref()));
            } else {
                reply.push_str(&command::rib::text(neighbor, &route, extensive));
            }
            reply.push('\n');
        }
    }
    (!reply.is_empty()).then_some(reply)
}

/// The daemon facts `status` and `ping` give.
pub(crate) struct Daemon<'a> {
    pub(crate) version: ApiVersion,
    pub(crate) uuid: &'a str,
    pub(crate) pid: u32,
    /// Since the daemon started.
    pub(crate) now: Duration,
}

/// `status [json]` (ExaBGP main's `daemon status`): the lines of the reply.
pub(crate) fn status(peers: &Registry, daemon: &Daemon, json: bool) -> Vec<String> {
    let uptime = daemon.now.as_secs();
    let version = env!("CARGO_PKG_VERSION");
    let pid = daemon.pid;
    let states: Vec<(String, &str)> = peers
        .running()
        .map(|p| {
            let state = if p.established { "established" } else { "idle" };
            (
                format!("neighbor {}", p.config.neighbor.peer_address),
                state,
            )
        })
        .collect();
    if json {
        let mut peers = String::new();
        for (i, (name, state)) in states.iter().enumerate() {
            if i > 0 {
                peers.push_str(", ");
            }
            crate::util::json::string(&mut peers, name);
            peers.push_str(": ");
            crate::util::json::string(&mut peers, state);
        }
        vec![format!(
            "{{\"version\": \"{version}\", \"uuid\": \"{}\", \"pid\": {pid}, \"uptime\": {uptime}, \"peers\": {{{peers}}}}}",
            daemon.uuid
        )]
    } else {
        let (h, m, sec) = (uptime / 3600, uptime % 3600 / 60, uptime % 60);
        let mut lines = vec![
            "ExaBGP Daemon Status".to_string(),
            "====================".to_string(),
            format!("Version: {version}"),
            format!("UUID: {}", daemon.uuid),
            format!("PID: {pid}"),
            format!("Uptime: {h}h {m}m {sec}s"),
            format!("Peers: {}", states.len()),
        ];
        lines.extend(
            states
                .iter()
                .map(|(name, state)| format!("  - {name}: {state}")),
        );
        lines
    }
}

/// A peer as `show neighbor` reports it (ExaBGP's `Peer.cli_data`).
pub(crate) fn cli_data(peer: &Registered, now: Duration) -> CliData {
    use crate::bgp::message::open::capability::CapabilityCode as Code;
    let neighbor = &peer.config.neighbor;
    let cap = &neighbor.capability;
    let open = peer.received_open.as_ref();
    let negotiated = peer.negotiated.as_ref().filter(|_| open.is_some());
    let announced = |codes: &[u8]| {
        open.map(|open| {
            open.capabilities
                .0
                .iter()
                .any(|c| codes.contains(&c.code()))
        })
    };
    let local = peer.local.map(|s| s.ip()).or(neighbor.local_address);
    let local_id = match (neighbor.router_id, local) {
        (Some(id), _) => id.to_string(),
        (None, Some(std::net::IpAddr::V4(ip))) => ip.to_string(),
        _ => template::router_id(neighbor),
    };
    let stats = &peer.stats;
    let kinds = [
        ("open", MessageType::OPEN),
        ("notification", MessageType::NOTIFICATION),
        ("keepalive", MessageType::KEEPALIVE),
        ("update", MessageType::UPDATE),
        ("refresh", MessageType::ROUTE_REFRESH),
    ];
    let mut messages: Vec<(&'static str, u64, u64)> = kinds
        .iter()
        .map(|(name, kind)| {
            let (sent, received) = stats.messages[usize::from(kind.0 - 1)];
            (*name, sent, received)
        })
        .collect();
    let total = messages.iter().fold((0, 0), |(s, r), (_, sent, received)| {
        (s + sent, r + received)
    });
    messages.push(("total", total.0, total.1));
    CliData {
        peer_address: neighbor.peer_address.to_string(),
        local_address: local.map_or_else(|| "None".to_string(), |ip| ip.to_string()),
        local_as: neighbor.local_as,
        peer_as: neighbor.peer_as,
        local_id,
        peer_id: open.map(|open| open.router_id.to_string()),
        local_hold: neighbor.hold_time,
        peer_hold: open.map(|open| open.hold_time),
        state: stats.state.name(),
        up: stats.complete.is_some(),
        duration: stats
            .complete
            .map_or(0, |since| now.saturating_sub(since).as_secs()),
        down: now.saturating_sub(stats.reset).as_secs(),
        capabilities: vec![
            ("asn4", Some(cap.asn4), negotiated.map(|n| n.asn4)),
            (
                "route-refresh",
                Some(cap.route_refresh),
                announced(&[Code::ROUTE_REFRESH]),
            ),
            (
                "multi-session",
                Some(cap.multi_session),
                announced(&[Code::MULTISESSION, Code::MULTISESSION_CISCO]),
            ),
            (
                "operational",
                Some(cap.operational),
                negotiated.map(|n| n.operational),
            ),
            (
                "add-path",
                Some(cap.add_path != 0),
                announced(&[Code::ADD_PATH]),
            ),
            (
                "extended-message",
                Some(cap.extended_message),
                announced(&[Code::EXTENDED_MESSAGE]),
            ),
            (
                "graceful-restart",
                Some(cap.graceful_restart.is_some()),
                announced(&[Code::GRACEFUL_RESTART]),
            ),
        ],
        families: neighbor
            .families
            .iter()
            .map(|&family| match negotiated {
                Some(n) => (
                    family,
                    Some(n.families.contains(&family)),
                    Some(n.addpath_send(family)),
                    Some(n.addpath_receive(family)),
                ),
                None => {
                    let addpath = (!neighbor.addpath.contains(&family)).then_some(false);
                    (family, None, addpath, addpath)
                }
            })
            .collect(),
        messages,
        received: stats.prefixes,
        withdrawn: stats.withdraws,
    }
}

/// The routes of a peer's adj-rib, in NLRI order: for `out` what the peer was sent and what
/// is queued for it (ExaBGP's cache holds both), for `in` what it sent.
fn adj_rib(peer: &Registered, rib: command::Rib) -> Vec<Route> {
    let families = &peer.config.neighbor.families;
    let routes: std::collections::BTreeMap<Nlri, Route> = match rib {
        command::Rib::In => peer
            .rib_in
            .routes(families)
            .map(|route| (route.nlri.clone(), route))
            .collect(),
        command::Rib::Out => {
            let out = peer.rib.borrow();
            out.rib
                .cache()
                .cached_routes(families)
                .chain(out.rib.queued_routes())
                .map(|route| (route.nlri.clone(), route))
                .collect()
        }
    };
    routes.into_values().collect()
}

/// A neighbour's `api { }` blocks as `show neighbor configuration` writes them (one per
/// process, with tabs as ExaBGP builds them).
fn api_blocks(api: &Api) -> String {
    let mut out = String::new();
    for section in sections(api) {
        for process in &section.processes {
            out.push_str(&format!("\tapi {{\n\t\tprocesses [ {process} ];\n"));
            for (on, name) in [
                (section.neighbor_changes, "neighbor-changes"),
                (section.negotiated, "negotiated"),
                (section.fsm, "fsm"),
                (section.signal, "signal"),
            ] {
                if on {
                    out.push_str(&format!("\t\t{name};\n"));
                }
            }
            for (direction, name) in [(&section.receive, "receive"), (&section.send, "send")] {
                let flags = [
                    (direction.packets, "packets"),
                    (direction.parsed, "parsed"),
                    (direction.consolidate, "consolidate"),
                    (direction.notification, "notification"),
                    (direction.open, "open"),
                    (direction.keepalive, "keepalive"),
                    (direction.update, "update"),
                    (direction.refresh, "refresh"),
                    (direction.operational, "operational"),
                ];
                if flags.iter().any(|(on, _)| *on) {
                    out.push_str(&format!("\t\t{name} {{\n"));
                    for (_, flag) in flags.iter().filter(|(on, _)| *on) {
                        out.push_str(&format!("\t\t\t{flag};\n"));
                    }
                    out.push_str("\t\t}\n");
                }
            }
            out.push_str("\t}\n");
        }
    }
    out
}
