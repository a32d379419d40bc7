//! Ports `exabgp/reactor/api/response/json.py` and `response/v4/json.py`: ExaBGP's JSON for helper
//! processes, built by hand as strings with ExaBGP's key order and spacing.
//!
//! Every document is the envelope (`message`) around a body. The bodies for OPEN, NOTIFICATION,
//! KEEPALIVE, ROUTE-REFRESH, state changes and negotiation are here; the UPDATE encoder builds its
//! own body and wraps it with `message`.

use crate::bgp::message::json_string;
use crate::bgp::message::notification::hexstring;
use crate::bgp::message::open::capability::negotiated::Negotiated;
use crate::bgp::message::open::Open;
use crate::bgp::message::refresh::RouteRefresh;
use crate::bgp::message::Notification;
use std::fmt::Write;
use std::net::Ipv4Addr;

/// API version of the JSON: v4 and v6 differ in the `"exabgp"` version string here (and in
/// some NLRI bodies, which the UPDATE encoder handles).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum ApiVersion {
    V4,
    #[default]
    V6,
}

impl ApiVersion {
    /// The `"exabgp"` value: ExaBGP's frozen `4.0.1` for v4, its JSON version for v6.
    pub fn json_version(self) -> &'static str {
        match self {
            ApiVersion::V4 => "4.0.1",
            ApiVersion::V6 => "6.0.0",
        }
    }
}

/// The neighbour as the JSON `"neighbor"` object shows it (ExaBGP's session settings).
#[derive(Clone, PartialEq, Debug)]
pub struct Peer {
    pub local_address: String,
    pub peer_address: String,
    pub local_as: u32,
    pub peer_as: u32,
    /// Our router id; the key is left out when unknown.
    pub router_id: Option<Ipv4Addr>,
}

/// Everything around a message body: the envelope and the neighbour header.
#[derive(Clone, PartialEq, Debug)]
pub struct Header {
    pub api: ApiVersion,
    /// Seconds since the epoch.
    pub time: f64,
    pub host: String,
    pub pid: u32,
    pub ppid: u32,
    /// The per-neighbour message counter (left out when there is no neighbour).
    pub counter: Option<u64>,
    pub peer: Option<Peer>,
    /// `"in"` or `"out"`; left out for events that are not messages.
    pub direction: Option<&'static str>,
}

/// Python's `repr` of a float: shortest round-trip digits, `.0` on whole numbers.
fn float(out: &mut String, value: f64) {
    let start = out.len();
    let _ = write!(out, "{value}");
    if value.is_finite() && !out[start..].contains(['.', 'e']) {
        out.push_str(".0");
    }
}

/// Wraps `content` (the `"key": value, ...` pairs of the body, possibly empty) in ExaBGP's
/// envelope: `{ "exabgp": ..., "time": ..., "host" : ..., "pid" : ..., "ppid" : ..., "counter": ...,
/// "type": kind, ["header": ..., "body": ...,] "neighbor": { ... content } }`.
///
/// `raw_header` and `raw_body` are the message bytes, written only when non-empty (ExaBGP's
/// `packets` options); the UPDATE encoder calls this with `kind` `"update"`.
pub fn message(
    header: &Header,
    kind: &str,
    raw_header: &[u8],
    raw_body: &[u8],
    content: &str,
) -> String {
    let mut out = String::with_capacity(256 + content.len());
    out.push_str("{ \"exabgp\": \"");
    out.push_str(header.api.json_version());
    out.push_str("\", \"time\": ");
    float(&mut out, header.time);
    out.push_str(", \"host\" : ");
    json_string(&mut out, &header.host);
    let _ = write!(
        out,
        ", \"pid\" : {}, \"ppid\" : {}, ",
        header.pid, header.ppid
    );
    if let (Some(counter), Some(_)) = (header.counter, &header.peer) {
        let _ = write!(out, "\"counter\": {counter}, ");
    }
    out.push_str("\"type\": \"");
    out.push_str(kind);
    out.push_str("\", ");
    if !raw_header.is_empty() {
        let _ = write!(out, "\"header\": \"{}\", ", hexstring(raw_header));
    }
    if !raw_body.is_empty() {
        let _ = write!(out, "\"body\": \"{}\", ", hexstring(raw_body));
    }
    match &header.peer {
        Some(peer) => neighbor(&mut out, peer, header.direction, content),
        None => out.push_str(content),
    }
    out.push_str(" }");
    out
}

/// ExaBGP's `_neighbor`, spacing included.
fn neighbor(out: &mut String, peer: &Peer, direction: Option<&str>, content: &str) {
    out.push_str("\"neighbor\": { \"address\": { \"local\": ");
    json_string(out, &peer.local_address);
    out.push_str(", \"peer\": ");
    json_string(out, &peer.peer_address);
    let _ = write!(
        out,
        " }}, \"asn\": {{ \"local\": {}, \"peer\": {} }}",
        peer.local_as, peer.peer_as
    );
    if let Some(router_id) = peer.router_id {
        let _ = write!(out, ", \"router-id\": \"{router_id}\"");
    }
    out.push(' ');
    if let Some(direction) = direction {
        let _ = write!(out, ", \"direction\": \"{direction}\"");
    }
    out.push_str(if content.is_empty() { " " } else { ", " });
    out.push_str(content);
    out.push_str(" }");
}

/// An OPEN sent or received.
pub fn open(header: &Header, open: &Open, raw_header: &[u8], raw_body: &[u8]) -> String {
    let mut content = String::from("\"open\": ");
    open.json(&mut content);
    message(header, "open", raw_header, raw_body, &content)
}

/// A NOTIFICATION sent or received.
pub fn notification(
    header: &Header,
    notification: &Notification,
    raw_header: &[u8],
    raw_body: &[u8],
) -> String {
    let mut content = String::from("\"notification\": ");
    notification.json(&mut content);
    message(header, "notification", raw_header, raw_body, &content)
}

/// A KEEPALIVE sent or received.
pub fn keepalive(header: &Header, raw_header: &[u8], raw_body: &[u8]) -> String {
    message(header, "keepalive", raw_header, raw_body, "")
}

/// A ROUTE-REFRESH sent or received.
pub fn refresh(
    header: &Header,
    refresh: &RouteRefresh,
    raw_header: &[u8],
    raw_body: &[u8],
) -> String {
    let mut content = String::from("\"route-refresh\": ");
    refresh.json(&mut content);
    message(header, "refresh", raw_header, raw_body, &content)
}

/// The raw bytes of a message (ExaBGP's `packets`), with the negotiated session when known.
/// `category` is the message type code.
pub fn packets(
    header: &Header,
    category: u8,
    raw_header: &[u8],
    raw_body: &[u8],
    negotiated: Option<&Negotiated>,
) -> String {
    let mut content = format!(
        "\"message\": {{ \"category\": {category}, \"header\": \"{}\", \"body\": \"{}\" }} ",
        hexstring(raw_header),
        hexstring(raw_body)
    );
    if let Some(negotiated) = negotiated {
        content.push_str(", ");
        negotiated_kv(&mut content, negotiated);
    }
    let kind = match category {
        1 => "open",
        2 => "update",
        3 => "notification",
        4 => "keepalive",
        5 => "route-refresh",
        6 => "operational",
        _ => "unknown",
    };
    message(header, kind, b"", b"", &content)
}

/// `"state": "up"` once the session is established.
pub fn up(header: &Header) -> String {
    message(header, "state", b"", b"", "\"state\": \"up\"")
}

/// `"state": "connected"` once the TCP connection is made.
pub fn connected(header: &Header) -> String {
    message(header, "state", b"", b"", "\"state\": \"connected\"")
}

/// `"state": "down"` with the reason.
pub fn down(header: &Header, reason: &str) -> String {
    let mut content = String::from("\"state\": \"down\", \"reason\": ");
    json_string(&mut content, reason);
    message(header, "state", b"", b"", &content)
}

/// The FSM entered `state` (ExaBGP's upper-case state name, e.g. `ESTABLISHED`).
pub fn fsm(header: &Header, state: &str) -> String {
    let mut content = String::from("\"state\": ");
    json_string(&mut content, state);
    message(header, "fsm", b"", b"", &content)
}

/// The daemon is stopping (no neighbour, no counter).
pub fn shutdown(header: &Header) -> String {
    let header = Header {
        peer: None,
        counter: None,
        direction: None,
        ..header.clone()
    };
    message(
        &header,
        "notification",
        b"",
        b"",
        "\"notification\": \"shutdown\"",
    )
}

/// What the session agreed, once both OPENs are known.
pub fn negotiated(header: &Header, negotiated: &Negotiated) -> String {
    let mut content = String::new();
    negotiated_kv(&mut content, negotiated);
    message(header, "negotiated", b"", b"", &content)
}

/// Python's `json.dumps` of a list of strings.
fn string_list<'a>(out: &mut String, items: impl Iterator<Item = &'a str>) {
    out.push('[');
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        json_string(out, item);
    }
    out.push(']');
}

/// ExaBGP's `_negotiated`: the `"negotiated": { ... } ` pair.
fn negotiated_kv(out: &mut String, n: &Negotiated) {
    let _ = write!(
        out,
        "\"negotiated\": {{ \"message_size\": {}, \"hold_time\": {}, \"asn4\": {}, \"multisession\": {}, \"operational\": {}, \"refresh\": \"{}\", \"families\": ",
        n.msg_size,
        n.hold_time,
        n.asn4,
        n.multisession,
        n.operational,
        n.refresh.name()
    );
    let families: Vec<String> = n.families.iter().map(|f| f.name()).collect();
    string_list(out, families.iter().map(String::as_str));
    out.push_str(", \"nexthop\": ");
    let nexthop: Vec<String> = n
        .nexthop
        .iter()
        .map(|(f, afi)| format!("{} {}", f.name(), afi.name()))
        .collect();
    string_list(out, nexthop.iter().map(String::as_str));
    out.push_str(", \"add_path\": {\"send\": ");
    let send: Vec<String> = n
        .families
        .iter()
        .filter(|f| n.addpath_send(**f))
        .map(|f| f.name())
        .collect();
    string_list(out, send.iter().map(String::as_str));
    out.push_str(", \"receive\": ");
    let receive: Vec<String> = n
        .families
        .iter()
        .filter(|f| n.addpath_receive(**f))
        .map(|f| f.name())
        .collect();
    string_list(out, receive.iter().map(String::as_str));
    out.push_str("} } ");
}
