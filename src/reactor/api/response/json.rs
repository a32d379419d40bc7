//! Ports `exabgp/reactor/api/response/json.py` and `response/v4/json.py`: ExaBGP's JSON for helper
//! processes, built by hand as strings with ExaBGP's key order and spacing.
//!
//! Every document is the envelope (`message`) around a body. The bodies for OPEN, NOTIFICATION,
//! KEEPALIVE, ROUTE-REFRESH, state changes and negotiation are here; the UPDATE encoder builds its
//! own body and wraps it with `message`.

use crate::bgp::message::open::capability::negotiated::Negotiated;
use crate::bgp::message::open::Open;
use crate::bgp::message::operational::Operational;
use crate::bgp::message::refresh::RouteRefresh;
use crate::bgp::message::Notification;
use crate::util::hex::hexstring;
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
    /// Written `"None"` when unknown, as ExaBGP.
    pub local_address: Option<std::net::IpAddr>,
    pub peer_address: std::net::IpAddr,
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
    /// Shared: every message carries it.
    pub host: std::rc::Rc<str>,
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
    let body = Body {
        size: content.len(),
        empty: content.is_empty(),
    };
    envelope(header, kind, raw_header, raw_body, body, |out| {
        out.push_str(content)
    })
}

/// What [`envelope`] wraps: about how long, and whether empty (the spacing differs).
struct Body {
    size: usize,
    empty: bool,
}

/// `message`, the content written by `content` straight into the message: an UPDATE's JSON
/// is not built apart and copied in.
fn envelope(
    header: &Header,
    kind: &str,
    raw_header: &[u8],
    raw_body: &[u8],
    body: Body,
    content: impl FnOnce(&mut String),
) -> String {
    let mut out = String::with_capacity(320 + body.size + 2 * (raw_header.len() + raw_body.len()));
    out.push_str("{ \"exabgp\": \"");
    out.push_str(header.api.json_version());
    out.push_str("\", \"time\": ");
    float(&mut out, header.time);
    out.push_str(", \"host\" : ");
    crate::util::json::string(&mut out, &header.host);
    out.push_str(", \"pid\" : ");
    crate::util::json::number(&mut out, header.pid.into());
    out.push_str(", \"ppid\" : ");
    crate::util::json::number(&mut out, header.ppid.into());
    out.push_str(", ");
    if let (Some(counter), Some(_)) = (header.counter, &header.peer) {
        out.push_str("\"counter\": ");
        crate::util::json::number(&mut out, counter);
        out.push_str(", ");
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
        Some(peer) => neighbor(&mut out, peer, header.direction, body.empty, content),
        None => content(&mut out),
    }
    out.push_str(" }");
    out
}

/// An address as a JSON string, `"None"` when unknown (written for every message: no `fmt`).
fn address(out: &mut String, ip: Option<std::net::IpAddr>) {
    out.push('"');
    match ip {
        Some(ip) => crate::bgp::message::update::nlri::cidr::write_ip(out, ip),
        None => out.push_str("None"),
    }
    out.push('"');
}

/// ExaBGP's `_neighbor`, spacing included.
fn neighbor(
    out: &mut String,
    peer: &Peer,
    direction: Option<&str>,
    empty: bool,
    content: impl FnOnce(&mut String),
) {
    out.push_str("\"neighbor\": { \"address\": { \"local\": ");
    address(out, peer.local_address);
    out.push_str(", \"peer\": ");
    address(out, Some(peer.peer_address));
    out.push_str(" }, \"asn\": { \"local\": ");
    crate::util::json::number(out, peer.local_as.into());
    out.push_str(", \"peer\": ");
    crate::util::json::number(out, peer.peer_as.into());
    out.push_str(" }");
    if let Some(router_id) = peer.router_id {
        let _ = write!(out, ", \"router-id\": \"{router_id}\"");
    }
    out.push(' ');
    if let Some(direction) = direction {
        let _ = write!(out, ", \"direction\": \"{direction}\"");
    }
    out.push_str(if empty { " " } else { ", " });
    content(out);
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

/// An UPDATE sent or received. `message_value` writes the value of the `"message"` key as the
/// UPDATE encoder builds it (ExaBGP's `_update`): `{ "update": { "attribute": ..., "announce":
/// ... } }`, or the End-of-RIB object; `size` is about how long it is. With `negotiated` (its
/// [`negotiated_pair`]), the session follows as ExaBGP's `update` does.
pub fn update(
    header: &Header,
    message_value: impl FnOnce(&mut String),
    size: usize,
    raw_header: &[u8],
    raw_body: &[u8],
    negotiated: Option<&str>,
) -> String {
    let size = size + negotiated.map_or(0, str::len);
    let body = Body { size, empty: false };
    envelope(header, "update", raw_header, raw_body, body, |out| {
        out.push_str("\"message\": ");
        message_value(out);
        if let Some(negotiated) = negotiated {
            out.push_str(", ");
            out.push_str(negotiated);
        }
    })
}

/// An OPERATIONAL message sent or received.
pub fn operational(
    header: &Header,
    operational: &Operational,
    raw_header: &[u8],
    raw_body: &[u8],
) -> String {
    let mut content = String::from("\"operational\": ");
    operational.json(&mut content);
    message(header, "operational", raw_header, raw_body, &content)
}

/// The raw bytes of a message (ExaBGP's `packets`), with the negotiated session when known.
/// `category` is the message type code.
pub fn packets(
    header: &Header,
    category: u8,
    raw_header: &[u8],
    raw_body: &[u8],
    negotiated: Option<&str>,
) -> String {
    let mut content = format!(
        "\"message\": {{ \"category\": {category}, \"header\": \"{}\", \"body\": \"{}\" }} ",
        hexstring(raw_header),
        hexstring(raw_body)
    );
    if let Some(negotiated) = negotiated {
        content.push_str(", ");
        content.push_str(negotiated);
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
    crate::util::json::string(&mut content, reason);
    message(header, "state", b"", b"", &content)
}

/// The FSM entered `state` (ExaBGP's upper-case state name, e.g. `ESTABLISHED`).
pub fn fsm(header: &Header, state: &str) -> String {
    let mut content = String::from("\"state\": ");
    crate::util::json::string(&mut content, state);
    message(header, "fsm", b"", b"", &content)
}

/// A signal the reactor acts on: its number as a string, and ExaBGP's name for it (0, `none`,
/// when a helper's command made the reactor act).
pub fn signal(header: &Header, number: i32) -> String {
    let content = format!(
        "\"code\": \"{number}\", \"name\": \"{}\"",
        signal_name(number)
    );
    message(header, "signal", b"", b"", &content)
}

/// ExaBGP's `Signal.name` of a signal number: 0 (`none`) is what helpers are told when a
/// helper's `shutdown`, `reload` or `restart` made the reactor act.
pub(crate) fn signal_name(number: i32) -> &'static str {
    match number {
        0 => "none",
        libc::SIGHUP => "SIGHUP",
        libc::SIGINT => "SIGINT",
        libc::SIGALRM => "SIGALRM",
        libc::SIGTERM => "SIGTERM",
        libc::SIGUSR1 => "SIGUSR1",
        libc::SIGUSR2 => "SIGUSR2",
        _ => "unknown",
    }
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
        crate::util::json::string(out, item);
    }
    out.push(']');
}

/// The `"negotiated": { ... } ` pair that [`update`] and [`packets`] append: the same for a
/// whole session, so its peer keeps it written.
pub fn negotiated_pair(negotiated: &Negotiated) -> String {
    let mut out = String::new();
    negotiated_kv(&mut out, negotiated);
    out
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bgp::message::open::capability::Capabilities;
    use crate::protocol::family::Family;

    fn header(direction: Option<&'static str>) -> Header {
        Header {
            api: ApiVersion::V4,
            time: 1700000000.5,
            host: "box".into(),
            pid: 10,
            ppid: 1,
            counter: Some(3),
            peer: Some(Peer {
                local_address: "127.0.0.1".parse().ok(),
                peer_address: "127.0.0.2".parse().unwrap(),
                local_as: 65533,
                peer_as: 65534,
                router_id: Some(Ipv4Addr::new(1, 2, 3, 4)),
            }),
            direction,
        }
    }

    /// The spacing of ExaBGP's `_header` and `_neighbor` format strings, worked out by hand.
    const NEIGHBOR: &str = "\"neighbor\": { \"address\": { \"local\": \"127.0.0.1\", \"peer\": \"127.0.0.2\" }, \"asn\": { \"local\": 65533, \"peer\": 65534 }, \"router-id\": \"1.2.3.4\" ";

    #[test]
    fn keepalive_envelope() {
        assert_eq!(
            keepalive(&header(Some("in")), b"", b""),
            format!("{{ \"exabgp\": \"4.0.1\", \"time\": 1700000000.5, \"host\" : \"box\", \"pid\" : 10, \"ppid\" : 1, \"counter\": 3, \"type\": \"keepalive\", {NEIGHBOR}, \"direction\": \"in\"  }} }}")
        );
    }

    #[test]
    fn state_and_raw_bytes() {
        let mut h = header(None);
        h.api = ApiVersion::V6;
        h.time = 1700000000.0;
        assert_eq!(
            up(&h),
            format!("{{ \"exabgp\": \"6.0.0\", \"time\": 1700000000.0, \"host\" : \"box\", \"pid\" : 10, \"ppid\" : 1, \"counter\": 3, \"type\": \"state\", {NEIGHBOR}, \"state\": \"up\" }} }}")
        );
        let value = |out: &mut String| out.push_str("{ \"update\": { } }");
        assert!(update(&header(Some("in")), value, 16, b"", b"", None)
            .ends_with("\"router-id\": \"1.2.3.4\" , \"direction\": \"in\", \"message\": { \"update\": { } } } }"));
        // the session's object, written once, follows the message as written each time
        let negotiated = negotiated_pair(&Negotiated::default());
        let with_session = update(&header(Some("in")), value, 16, b"", b"", Some(&negotiated));
        assert!(with_session.ends_with(&format!("{{ \"update\": {{ }} }}, {negotiated} }} }}")));
        let with_bytes = message(
            &header(Some("out")),
            "keepalive",
            &[0xFF, 0x13],
            &[0xAB],
            "",
        );
        assert!(with_bytes.contains(
            "\"type\": \"keepalive\", \"header\": \"0xFF13\", \"body\": \"0xAB\", \"neighbor\""
        ));
        assert_eq!(
            shutdown(&h),
            "{ \"exabgp\": \"6.0.0\", \"time\": 1700000000.0, \"host\" : \"box\", \"pid\" : 10, \"ppid\" : 1, \"type\": \"notification\", \"notification\": \"shutdown\" }"
        );
    }

    #[test]
    fn every_document_is_json() {
        let h = header(Some("in"));
        let open_message = Open::new(
            65534,
            180,
            Ipv4Addr::new(1, 2, 3, 5),
            Capabilities::default(),
        );
        let documents = [
            open(&h, &open_message, b"", b""),
            notification(&h, &Notification::text(6, 2, "bye \"now\""), b"", b""),
            refresh(
                &h,
                &RouteRefresh {
                    family: Family::IPV4_UNICAST,
                    subtype: 0,
                },
                b"",
                b"",
            ),
            down(&header(None), "peer reset \"x\"\n"),
            fsm(&header(None), "ESTABLISHED"),
            signal(&header(None), 10),
            negotiated(&header(None), &Negotiated::default()),
            packets(
                &h,
                4,
                &[0xFF; 19],
                &[],
                Some(&negotiated_pair(&Negotiated::default())),
            ),
            connected(&header(None)),
        ];
        for document in documents {
            let value: serde_json::Value =
                serde_json::from_str(&document).unwrap_or_else(|e| panic!("{e}: {document}"));
            assert_eq!(value["neighbor"]["asn"]["peer"], 65534, "{document}");
        }
    }

    #[test]
    fn signal_body() {
        // ExaBGP's `_kv` of `{'code': str(signal), 'name': Signal.name(signal)}`
        assert_eq!(
            signal(&header(None), libc::SIGUSR1),
            format!("{{ \"exabgp\": \"4.0.1\", \"time\": 1700000000.5, \"host\" : \"box\", \"pid\" : 10, \"ppid\" : 1, \"counter\": 3, \"type\": \"signal\", {NEIGHBOR}, \"code\": \"{}\", \"name\": \"SIGUSR1\" }} }}", libc::SIGUSR1)
        );
        assert!(signal(&header(None), 0).ends_with("\"code\": \"0\", \"name\": \"none\" } }"));
    }

    #[test]
    fn negotiated_body() {
        let mut n = Negotiated {
            families: vec![Family::IPV4_UNICAST, Family::IPV6_UNICAST],
            ..Negotiated::default()
        };
        n.addpath.insert(
            Family::IPV6_UNICAST,
            crate::bgp::message::open::capability::negotiated::AddPath {
                send: true,
                receive: false,
            },
        );
        let document = negotiated(&header(None), &n);
        assert!(document.ends_with(
            "\"negotiated\": { \"message_size\": 4096, \"hold_time\": 180, \"asn4\": true, \"multisession\": false, \"operational\": false, \"refresh\": \"absent\", \"families\": [\"ipv4 unicast\", \"ipv6 unicast\"], \"nexthop\": [], \"add_path\": {\"send\": [\"ipv6 unicast\"], \"receive\": []} }  } }"
        ), "{document}");
    }
}
