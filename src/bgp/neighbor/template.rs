//! Ports `NeighborTemplate` of `exabgp/bgp/neighbor/neighbor.py` and `Peer.cli_data` of
//! `exabgp/reactor/peer/peer.py`: what `show neighbor` prints (summary, extensive, JSON and
//! configuration), from a snapshot of a peer ([`CliData`]).
//!
//! ExaBGP's values that are not known yet (the peer's side before its OPEN) are a tri-state
//! whose "unset" (-1) Python treats as true, so it prints them `enabled` and counts them in the
//! JSON lists of common capabilities and families, and it swaps the ADD-PATH directions in the
//! extensive table. Here unset prints `n/a` (as ExaBGP's `_en` means to), only what both sides
//! have is common, and the directions are not swapped. JSON keeps ExaBGP's numbers (1, 0, -1).

use super::Neighbor;
use crate::bgp::message::update::nlri::OffsetLayout;
use crate::protocol::family::Family;
use crate::util::json::{dumps, Json, Layout};
use std::fmt::Write;

/// A value ExaBGP may not know yet: `None` until the peer's OPEN says.
pub type TriState = Option<bool>;

/// A peer as `show neighbor` sees it (ExaBGP's `cli_data`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CliData {
    pub peer_address: String,
    pub local_address: String,
    pub local_as: u32,
    pub peer_as: u32,
    pub local_id: String,
    /// The router-id of the peer's OPEN.
    pub peer_id: Option<String>,
    pub local_hold: u16,
    /// The hold time of the peer's OPEN.
    pub peer_hold: Option<u16>,
    /// The FSM state, upper case (`ESTABLISHED`).
    pub state: &'static str,
    /// The session is established (ExaBGP tells it by a non-zero duration, so a session up
    /// for less than a second shows as down there).
    pub up: bool,
    /// Seconds since the session was established.
    pub duration: u64,
    /// Seconds since the session last went down (or the peer started).
    pub down: u64,
    /// Name, configured locally, announced by the peer.
    pub capabilities: Vec<(&'static str, TriState, TriState)>,
    /// Family, in common, ADD-PATH send, ADD-PATH receive (every configured family is local).
    pub families: Vec<(Family, TriState, TriState, TriState)>,
    /// `open`, `notification`, `keepalive`, `update`, `refresh` and `total`: sent, received.
    pub messages: Vec<(&'static str, u64, u64)>,
    /// Prefixes received in UPDATEs, and withdrawn.
    pub received: u64,
    pub withdrawn: u64,
}

/// ExaBGP's `summary_header`.
pub const SUMMARY_HEADER: &str =
    "Peer            AS        up/down state       |     #sent     #recvd    #pfx_in";

/// Python's `str(timedelta(seconds=n))`: `0:05:07`, `1 day, 2:00:00`, `3 days, 0:00:01`.
pub fn timedelta(seconds: u64) -> String {
    let (days, rest) = (seconds / 86400, seconds % 86400);
    let clock = format!("{}:{:02}:{:02}", rest / 3600, rest % 3600 / 60, rest % 60);
    match days {
        0 => clock,
        1 => format!("1 day, {clock}"),
        n => format!("{n} days, {clock}"),
    }
}

/// ExaBGP's `_en`.
fn en(value: TriState) -> &'static str {
    match value {
        None => "n/a",
        Some(true) => "enabled",
        Some(false) => "disabled",
    }
}

/// ExaBGP's `_pr`.
fn pr(value: Option<impl ToString>) -> String {
    value.map_or_else(|| "n/a".to_string(), |v| v.to_string())
}

/// ExaBGP's `_addpath`.
fn addpath(send: TriState, receive: TriState) -> &'static str {
    match (send == Some(true), receive == Some(true)) {
        (true, true) => "send/receive",
        (true, false) => "send",
        (false, true) => "receive",
        (false, false) => "disabled",
    }
}

/// A tri-state as ExaBGP's JSON writes its `TriState` (an integer enum).
fn tri(value: TriState) -> i8 {
    match value {
        None => -1,
        Some(false) => 0,
        Some(true) => 1,
    }
}

/// One line of ExaBGP's extensive table: a label then three right-aligned columns.
fn row(label: &str, a: &str, b: &str, c: &str) -> String {
    format!("    {label:<20} {a:>15} {b:>15} {c:>15}")
}

impl CliData {
    /// One line of `show neighbor summary` (ExaBGP's `NeighborTemplate.summary`).
    pub fn summary(&self) -> String {
        let duration = if self.up {
            timedelta(self.duration)
        } else {
            "down".to_string()
        };
        let (sent, received) = self.updates();
        format!(
            "{:<15} {:<7} {:>9} {:<12} {:>10} {:>10} {:>10}",
            self.peer_address,
            self.peer_as,
            duration,
            self.state.to_lowercase(),
            sent,
            received,
            self.received
        )
    }

    fn updates(&self) -> (u64, u64) {
        self.messages
            .iter()
            .find(|(name, _, _)| *name == "update")
            .map_or((0, 0), |(_, sent, received)| (*sent, *received))
    }

    /// ExaBGP's `formated_dict`: the lines of the extensive table, by name, in its order.
    pub fn formated(&self) -> Vec<(&'static str, String)> {
        let duration = if self.up {
            row("up for", &timedelta(self.duration), "", "")
        } else {
            row("down for", &timedelta(self.down), "", "")
        };
        let lines = |rows: Vec<String>| rows.join("\n");
        vec![
            ("peer-address", self.peer_address.clone()),
            ("local-address", row("local", &self.local_address, "", "")),
            ("state", row("state", self.state, "", "")),
            ("duration", duration),
            (
                "as",
                row(
                    "AS",
                    &self.local_as.to_string(),
                    &self.peer_as.to_string(),
                    "",
                ),
            ),
            (
                "id",
                row("ID", &self.local_id, &pr(self.peer_id.as_ref()), ""),
            ),
            (
                "hold",
                row(
                    "hold-time",
                    &self.local_hold.to_string(),
                    &pr(self.peer_hold),
                    "",
                ),
            ),
            (
                "capabilities",
                lines(
                    self.capabilities
                        .iter()
                        .map(|(name, local, peer)| {
                            row(&format!("{name}:"), en(*local), en(*peer), "")
                        })
                        .collect(),
                ),
            ),
            (
                "families",
                lines(
                    self.families
                        .iter()
                        .map(|(family, common, send, receive)| {
                            row(
                                &format!("{family}:"),
                                en(Some(true)),
                                en(*common),
                                addpath(*send, *receive),
                            )
                        })
                        .collect(),
                ),
            ),
            (
                "messages",
                lines(
                    self.messages
                        .iter()
                        .map(|(name, sent, received)| {
                            row(
                                &format!("{name}:"),
                                &sent.to_string(),
                                &received.to_string(),
                                "",
                            )
                        })
                        .collect(),
                ),
            ),
            (
                "prefixes",
                lines(vec![
                    row("received:", &self.received.to_string(), "", ""),
                    row("withdrawn:", &self.withdrawn.to_string(), "", ""),
                ]),
            ),
        ]
    }

    /// `show neighbor extensive` (ExaBGP's `NeighborTemplate.extensive`), without the blank
    /// lines ExaBGP drops when it writes it.
    pub fn extensive(&self) -> Vec<String> {
        let formated = self.formated();
        let get = |key: &str| {
            formated
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let text = format!(
            "Neighbor {}\n\n    Session                        Local\n{}\n{}\n{}\n\n    Setup                          Local          Remote\n{}\n{}\n{}\n\n    Capability                     Local          Remote\n{}\n\n    Families                       Local          Remote        Add-Path\n{}\n\n    Message Statistic               Sent        Received\n{}\n\n    Prefix Statistic\n{}\n",
            get("peer-address"),
            get("local-address"),
            get("state"),
            get("duration"),
            get("as"),
            get("id"),
            get("hold"),
            get("capabilities"),
            get("families"),
            get("messages"),
            get("prefixes"),
        );
        text.lines()
            .filter(|line| !line.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The entries of the extensive table as JSON members (`"state": "    state ..."`), which
    /// ExaBGP adds to `show adj-rib ... extensive json`.
    pub fn formated_json(&self, out: &mut String) {
        for (i, (key, value)) in self.formated().iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            crate::util::json::string(out, key);
            out.push_str(": ");
            crate::util::json::string(out, value);
        }
    }

    /// One neighbour of `show neighbor` in JSON (ExaBGP's `NeighborTemplate.as_dict`, written
    /// by `json.dumps`).
    pub fn json(&self, out: &mut String) {
        let up = self.up;
        let text = |s: &str| Json::str(s);
        let number = |n: u64| Json::Int(i64::try_from(n).unwrap_or(i64::MAX));
        let object = |pairs: Vec<(String, Json)>| Json::Object(pairs);
        let mut sides = Vec::new();
        for side in ["local", "peer"] {
            let local = side == "local";
            let capabilities = self
                .capabilities
                .iter()
                .map(|(name, l, p)| {
                    let value = tri(if local { *l } else { *p });
                    (name.to_string(), Json::Int(value.into()))
                })
                .collect();
            let families = self
                .families
                .iter()
                .map(|(family, common, _, _)| {
                    let value = if local {
                        Json::Bool(true)
                    } else {
                        Json::Int(tri(*common).into())
                    };
                    (family.to_string(), value)
                })
                .collect();
            let add_path = self
                .families
                .iter()
                .map(|(family, _, send, receive)| {
                    let value = tri(if local { *send } else { *receive });
                    (family.to_string(), Json::Int(value.into()))
                })
                .collect();
            let (address, asn, id, hold) = if local {
                (
                    text(&self.local_address),
                    number(self.local_as.into()),
                    text(&self.local_id),
                    number(self.local_hold.into()),
                )
            } else {
                (
                    text(&self.peer_address),
                    number(self.peer_as.into()),
                    self.peer_id.as_deref().map_or(Json::Null, text),
                    self.peer_hold.map_or(Json::Null, |h| number(h.into())),
                )
            };
            sides.push((
                side.to_string(),
                Json::object([
                    ("capabilities", object(capabilities)),
                    ("families", object(families)),
                    ("add-path", object(add_path)),
                    ("address", address),
                    ("as", asn),
                    ("id", id),
                    ("hold", hold),
                ]),
            ));
        }
        let messages = |sent: bool| {
            object(
                self.messages
                    .iter()
                    .map(|(name, s, r)| (name.to_string(), number(if sent { *s } else { *r })))
                    .collect(),
            )
        };
        let mut document = vec![
            ("state".to_string(), text(if up { "up" } else { "down" })),
            (
                "duration".to_string(),
                number(if up { self.duration } else { self.down }),
            ),
            ("fsm".to_string(), text(self.state)),
        ];
        document.extend(sides);
        document.extend([
            (
                "messages".to_string(),
                Json::object([("sent", messages(true)), ("received", messages(false))]),
            ),
            (
                "capabilities".to_string(),
                Json::List(
                    self.capabilities
                        .iter()
                        .filter(|(_, l, p)| *l == Some(true) && *p == Some(true))
                        .map(|(name, _, _)| text(name))
                        .collect(),
                ),
            ),
            (
                "families".to_string(),
                Json::List(
                    self.families
                        .iter()
                        .filter(|(_, common, _, _)| *common == Some(true))
                        .map(|(family, _, _, _)| text(&family.to_string()))
                        .collect(),
                ),
            ),
            (
                "add-path".to_string(),
                object(
                    self.families
                        .iter()
                        .map(|(family, _, send, receive)| {
                            (family.to_string(), text(addpath(*send, *receive)))
                        })
                        .collect(),
                ),
            ),
            (
                "prefixes".to_string(),
                Json::object([
                    ("received", number(self.received)),
                    ("withdrawn", number(self.withdrawn)),
                ]),
            ),
        ]);
        out.push_str(&dumps(&Json::Object(document), Layout::Line, false));
    }
}

/// ExaBGP's `Neighbor.name()`: how `show adj-rib ... extensive` names a neighbour.
pub fn name(neighbor: &Neighbor) -> String {
    let session = if neighbor.capability.multi_session {
        let families: Vec<String> = neighbor
            .families
            .iter()
            .map(|f| format!("{}-{}", f.afi.name(), f.safi.name()))
            .collect();
        families.join("/")
    } else {
        "in-open".to_string()
    };
    let auto = |asn: u32| {
        if asn == 0 {
            "auto".to_string()
        } else {
            asn.to_string()
        }
    };
    format!(
        "neighbor {} local-ip {} local-as {} peer-as {} router-id {} family-allowed {session}",
        neighbor.peer_address,
        neighbor
            .local_address
            .map_or_else(|| "auto".to_string(), |ip| ip.to_string()),
        auto(neighbor.local_as),
        auto(neighbor.peer_as),
        router_id(neighbor),
    )
}

/// The router-id a neighbour uses: configured, or its IPv4 local address (`None` otherwise,
/// as Python prints it).
pub fn router_id(neighbor: &Neighbor) -> String {
    match (neighbor.router_id, neighbor.local_address) {
        (Some(id), _) => id.to_string(),
        (None, Some(std::net::IpAddr::V4(ip))) => ip.to_string(),
        _ => "None".to_string(),
    }
}

/// `show neighbor configuration` (ExaBGP's `NeighborTemplate.configuration` without routes):
/// `apis` are the neighbour's `api { }` blocks, already written one per line with tabs.
pub fn configuration(neighbor: &Neighbor, apis: &str) -> String {
    let flag = |b: bool| if b { "true" } else { "false" };
    let able = |b: bool| if b { "enable" } else { "disable" };
    let cap = &neighbor.capability;
    let mut out = String::new();
    let _ = writeln!(out, "neighbor {} {{", neighbor.peer_address);
    let _ = writeln!(out, "\tdescription \"{}\";", neighbor.description);
    let _ = writeln!(out, "\trouter-id {};", router_id(neighbor));
    let _ = writeln!(out, "\thost-name {};", neighbor.host_name);
    let _ = writeln!(out, "\tdomain-name {};", neighbor.domain_name);
    let _ = writeln!(
        out,
        "\tlocal-address {};",
        neighbor
            .local_address
            .map_or_else(|| "auto".to_string(), |ip| ip.to_string())
    );
    let _ = writeln!(
        out,
        "\tsource-interface {};",
        neighbor.source_interface.as_deref().unwrap_or("")
    );
    let _ = writeln!(out, "\tlocal-as {};", neighbor.local_as);
    let _ = writeln!(out, "\tpeer-as {};", neighbor.peer_as);
    let _ = writeln!(out, "\thold-time {};", neighbor.hold_time);
    let _ = writeln!(
        out,
        "\trate-limit {};",
        match neighbor.rate_limit {
            0 => "disable".to_string(),
            n => n.to_string(),
        }
    );
    let _ = writeln!(out, "\tmanual-eor {};", flag(neighbor.manual_eor));
    let _ = writeln!(out, "\n\tpassive {};", flag(neighbor.passive));
    if neighbor.listen != 0 {
        let _ = writeln!(out, "\n\tlisten {};", neighbor.listen);
    }
    if neighbor.connect != 0 {
        let _ = writeln!(out, "\n\tconnect {};", neighbor.connect);
    }
    let _ = writeln!(out, "\tgroup-updates {};", flag(neighbor.group_updates));
    let _ = writeln!(out, "\tauto-flush {};", flag(neighbor.auto_flush));
    let _ = writeln!(out, "\tadj-rib-in {};", flag(neighbor.adj_rib_in));
    let _ = writeln!(out, "\tadj-rib-out {};", flag(neighbor.adj_rib_out));
    if let Some(password) = &neighbor.md5_password {
        let _ = writeln!(out, "\tmd5-password \"{password}\";");
    }
    let _ = writeln!(out, "\tmd5-base64 {};", flag(neighbor.md5_base64));
    if neighbor.local_address.is_some() {
        let _ = writeln!(
            out,
            "\tmd5-ip \"{}\";",
            neighbor
                .md5_ip
                .map_or_else(|| "None".to_string(), |ip| ip.to_string())
        );
    }
    if let Some(ttl) = neighbor.outgoing_ttl {
        let _ = writeln!(out, "\toutgoing-ttl {ttl};");
    }
    if let Some(ttl) = neighbor.incoming_ttl {
        let _ = writeln!(out, "\tincoming-ttl {ttl};");
    }
    // exabgp-rs's own statement, shown only when set so the rest stays ExaBGP's text
    if neighbor.flow_offset == OffsetLayout::Rfc8956 {
        out.push_str("\tflow-ipv6-offset rfc8956;\n");
    }
    out.push_str("\tcapability {\n");
    let _ = writeln!(out, "\t\tasn4 {};", able(cap.asn4));
    let _ = writeln!(out, "\t\troute-refresh {};", able(cap.route_refresh));
    let _ = writeln!(
        out,
        "\t\tgraceful-restart {};",
        cap.graceful_restart
            .map_or_else(|| "disable".to_string(), |time| time.to_string())
    );
    let _ = writeln!(out, "\t\tsoftware-version {};", able(cap.software_version));
    let _ = writeln!(out, "\t\tnexthop {};", able(cap.nexthop));
    let _ = writeln!(
        out,
        "\t\tadd-path {};",
        match cap.add_path {
            0 => "disable",
            1 => "receive",
            2 => "send",
            _ => "send/receive",
        }
    );
    let _ = writeln!(out, "\t\tmulti-session {};", able(cap.multi_session));
    let _ = writeln!(out, "\t\toperational {};", able(cap.operational));
    let _ = writeln!(out, "\t\taigp {};", able(cap.aigp));
    out.push_str("\t}\n\tfamily {");
    for family in &neighbor.families {
        let _ = write!(out, "\n\t\t{family};");
    }
    out.push_str("\n\t}\n\tnexthop {");
    for (family, afi) in &neighbor.nexthop {
        let _ = write!(out, "\n\t\t{family} {};", afi.name());
    }
    out.push_str("\n\t}\n\tadd-path {");
    for family in &neighbor.addpath {
        match neighbor.paths_limit.iter().find(|(f, _)| f == family) {
            Some((_, limit)) if *limit > 0 => {
                let _ = write!(out, "\n\t\t{family} limit {limit};");
            }
            _ => {
                let _ = write!(out, "\n\t\t{family};");
            }
        }
    }
    out.push_str("\n\t}\n");
    out.push_str(apis);
    out.push('}');
    out.replace('\t', "  ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::family::Family;

    fn data() -> CliData {
        CliData {
            peer_address: "127.0.0.2".into(),
            local_address: "127.0.0.1".into(),
            local_as: 65001,
            peer_as: 65002,
            local_id: "10.0.0.1".into(),
            peer_id: Some("10.0.0.2".into()),
            local_hold: 180,
            peer_hold: Some(90),
            state: "ESTABLISHED",
            up: true,
            duration: 3723,
            down: 0,
            capabilities: vec![
                ("asn4", Some(true), Some(true)),
                ("route-refresh", Some(true), Some(false)),
            ],
            families: vec![(Family::IPV4_UNICAST, Some(true), Some(true), Some(false))],
            messages: vec![("open", 1, 1), ("update", 3, 2), ("total", 4, 3)],
            received: 5,
            withdrawn: 1,
        }
    }

    #[test]
    fn python_timedelta() {
        assert_eq!(timedelta(0), "0:00:00");
        assert_eq!(timedelta(3723), "1:02:03");
        assert_eq!(timedelta(86400 + 5), "1 day, 0:00:05");
        assert_eq!(timedelta(3 * 86400 + 36000), "3 days, 10:00:00");
    }

    #[test]
    fn summary_columns_as_exabgp() {
        // ExaBGP's f-string: address <15, AS <7, up/down >9, state <12, three counters >10
        assert_eq!(
            data().summary(),
            "127.0.0.2       65002     1:02:03 established           3          2          5"
        );
        assert_eq!(data().summary().len(), SUMMARY_HEADER.len());
        let down = CliData {
            up: false,
            duration: 0,
            state: "ACTIVE",
            ..data()
        };
        assert_eq!(
            down.summary(),
            "127.0.0.2       65002        down active                3          2          5"
        );
    }

    #[test]
    fn extensive_table() {
        let lines = data().extensive();
        let pad = |s: &str| format!("{s:<15}");
        assert_eq!(lines[0], "Neighbor 127.0.0.2");
        assert_eq!(lines[1], "    Session                        Local");
        assert_eq!(
            lines[2],
            format!(
                "    local                      127.0.0.1 {} {}",
                pad(""),
                pad("")
            )
        );
        assert_eq!(
            lines[4],
            format!(
                "    up for                       1:02:03 {} {}",
                pad(""),
                pad("")
            )
        );
        assert!(lines.contains(&format!(
            "    route-refresh:               enabled        disabled {}",
            pad("")
        )));
        assert!(lines.contains(
            &"    ipv4 unicast:                enabled         enabled            send".to_string()
        ));
        assert!(lines.contains(&format!(
            "    ID                          10.0.0.1        10.0.0.2 {}",
            pad("")
        )));
        assert_eq!(
            lines.last().unwrap().trim_end(),
            "    withdrawn:                         1"
        );
        assert!(lines.iter().all(|line| !line.is_empty()));
    }

    #[test]
    fn unknown_peer_values_are_not_enabled() {
        let before_open = CliData {
            peer_id: None,
            peer_hold: None,
            capabilities: vec![("asn4", Some(true), None)],
            families: vec![(Family::IPV4_UNICAST, None, None, None)],
            ..data()
        };
        let lines = before_open.extensive();
        assert!(lines
            .iter()
            .any(|l| l.trim_end() == "    asn4:                        enabled             n/a"));
        assert!(lines
            .iter()
            .any(|l| l.trim_end() == "    hold-time                        180             n/a"));
        let mut json = String::new();
        before_open.json(&mut json);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["peer"]["capabilities"]["asn4"], -1);
        assert_eq!(value["capabilities"], serde_json::json!([]));
        assert_eq!(value["families"], serde_json::json!([]));
        assert_eq!(value["peer"]["id"], serde_json::Value::Null);
    }

    #[test]
    fn json_as_exabgps_as_dict() {
        let mut json = String::new();
        data().json(&mut json);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["state"], "up");
        assert_eq!(value["duration"], 3723);
        let just_up = CliData {
            duration: 0,
            ..data()
        };
        assert!(just_up.summary().contains("0:00:00 established"));
        assert_eq!(value["fsm"], "ESTABLISHED");
        assert_eq!(value["local"]["address"], "127.0.0.1");
        assert_eq!(value["local"]["families"]["ipv4 unicast"], true);
        assert_eq!(value["local"]["add-path"]["ipv4 unicast"], 1);
        assert_eq!(value["peer"]["add-path"]["ipv4 unicast"], 0);
        assert_eq!(value["peer"]["hold"], 90);
        assert_eq!(value["messages"]["sent"]["update"], 3);
        assert_eq!(value["messages"]["received"]["update"], 2);
        assert_eq!(value["capabilities"], serde_json::json!(["asn4"]));
        assert_eq!(value["families"], serde_json::json!(["ipv4 unicast"]));
        assert_eq!(value["add-path"]["ipv4 unicast"], "send");
        assert_eq!(value["prefixes"]["received"], 5);
        // ExaBGP's key order
        assert!(json.starts_with("{\"state\": \"up\", \"duration\": 3723, \"fsm\": \"ESTABLISHED\", \"local\": {\"capabilities\": {"));
    }

    #[test]
    fn configuration_as_exabgp() {
        let mut neighbor = Neighbor::new("127.0.0.2".parse().unwrap());
        neighbor.local_address = Some("127.0.0.1".parse().unwrap());
        neighbor.local_as = 65001;
        neighbor.peer_as = 65002;
        neighbor.families = vec![Family::IPV4_UNICAST];
        neighbor.description = "d".into();
        let text = configuration(&neighbor, "\tapi {\n\t\tprocesses [ a ];\n\t}\n");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "neighbor 127.0.0.2 {");
        assert_eq!(lines[1], "  description \"d\";");
        assert_eq!(lines[2], "  router-id 127.0.0.1;");
        assert!(lines.contains(&"  local-address 127.0.0.1;"));
        assert!(lines.contains(&"  rate-limit disable;"));
        assert!(lines.contains(&"  md5-ip \"None\";"));
        // ExaBGP's session default is an empty interface name
        assert!(lines.contains(&"  source-interface ;"));
        assert!(lines.contains(&"    asn4 enable;"));
        assert!(lines.contains(&"    add-path disable;"));
        assert!(text.contains("  family {\n    ipv4 unicast;\n  }\n"));
        assert!(text.contains(
            "  nexthop {\n  }\n  add-path {\n  }\n  api {\n    processes [ a ];\n  }\n}"
        ));
        assert!(text.ends_with('}'));
        assert!(!text.contains("flow-ipv6-offset"));
        neighbor.flow_offset = OffsetLayout::Rfc8956;
        let text = configuration(&neighbor, "");
        assert!(
            text.contains("\n  flow-ipv6-offset rfc8956;\n  capability {\n"),
            "{text}"
        );
    }

    #[test]
    fn neighbor_name() {
        let mut neighbor = Neighbor::new("10.0.0.2".parse().unwrap());
        neighbor.local_as = 1;
        assert_eq!(
            name(&neighbor),
            "neighbor 10.0.0.2 local-ip auto local-as 1 peer-as auto router-id None family-allowed in-open"
        );
    }
}
