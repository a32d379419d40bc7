//! Ports `exabgp/reactor/api/response/text.py` and `response/v4/text.py`: ExaBGP's `encoder text`,
//! one event per line, and `response/answer.py`: the acknowledgements (`done`, `error`) in text
//! and JSON.

use crate::bgp::message::open::Open;
use crate::bgp::message::operational::Operational;
use crate::bgp::message::refresh::RouteRefresh;
use crate::bgp::message::update::attribute::{Attribute, Attributes, SegmentType};
use crate::bgp::message::update::nlri::Nlri;
use crate::bgp::message::update::Update;
use crate::bgp::message::Notification;
use crate::util::hex::hexstring;
use std::fmt::Write;
use std::net::IpAddr;

/// The acknowledgements ExaBGP writes after a command (`response/answer.py`).
pub mod answer {
    pub const TEXT_DONE: &str = "done";
    pub const TEXT_ERROR: &str = "error";
    pub const TEXT_SHUTDOWN: &str = "shutdown";
    pub const JSON_DONE: &str = r#"{ "answer": "done", "message": "command completed" }"#;
    pub const JSON_ERROR: &str =
        r#"{ "answer": "error", "message": "this command does not support json output" }"#;
    pub const JSON_SHUTDOWN: &str = r#"{ "answer": "shutdown", "message": "exbgp exited" }"#;

    /// The line acknowledging a command: `done` or `error`, as text or JSON.
    pub fn ack(ok: bool, json: bool) -> &'static str {
        match (ok, json) {
            (true, false) => TEXT_DONE,
            (false, false) => TEXT_ERROR,
            (true, true) => JSON_DONE,
            (false, true) => JSON_ERROR,
        }
    }
}

/// A value a peer chose, kept on one line: control characters escaped as Python's `repr` does
/// (ExaBGP's `oneline`, GHSA-jcrv-p53f-v5w5), so a peer cannot forge a whole event.
pub fn oneline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Python's repr of what `isprintable` refuses; Unicode's other spaces and line
            // separators (U+2028) included, which Python's `splitlines` would break on
            c if c.is_control() || (c.is_whitespace() && c != ' ') => {
                let _ = match c as u32 {
                    n @ 0..=0xFF => write!(out, "\\x{n:02x}"),
                    n @ 0..=0xFFFF => write!(out, "\\u{n:04x}"),
                    n => write!(out, "\\U{n:08x}"),
                };
            }
            c => out.push(c),
        }
    }
    out
}

/// ` header HEX body HEX` when the raw message is subscribed (`packets`), else nothing.
fn header_body(header: &[u8], body: &[u8]) -> String {
    let mut out = String::new();
    if !header.is_empty() {
        let _ = write!(out, " header {}", hexstring(header));
    }
    if !body.is_empty() {
        let _ = write!(out, " body {}", hexstring(body));
    }
    out
}

pub fn up(peer: IpAddr) -> String {
    format!("neighbor {peer} up\n")
}

pub fn connected(peer: IpAddr) -> String {
    format!("neighbor {peer} connected\n")
}

pub fn down(peer: IpAddr, reason: &str) -> String {
    format!("neighbor {peer} down - {}\n", oneline(reason))
}

pub fn shutdown(pid: u32, ppid: u32) -> String {
    format!("shutdown {pid} {ppid}\n")
}

/// An OPEN sent or received, its capabilities as ExaBGP's `str(capabilities).lower()` (each
/// one's text by code, on one line: the host name and software version are the peer's text).
pub fn open(peer: IpAddr, direction: &str, open: &Open, header: &[u8], body: &[u8]) -> String {
    format!(
        "neighbor {peer} {direction} open version {} asn {} hold_time {} router_id {} capabilities [{}]{}\n",
        open.version,
        open.asn,
        open.hold_time,
        open.router_id,
        oneline(&open.capabilities.to_string().to_lowercase()),
        header_body(header, body)
    )
}

/// `direction`: `receive` or `send`.
pub fn notification(
    peer: IpAddr,
    direction: &str,
    notification: &Notification,
    header: &[u8],
    body: &[u8],
) -> String {
    format!(
        "neighbor {peer} {direction} notification code {} subcode {} data {}{}\n",
        notification.code,
        notification.subcode,
        hexstring(&notification.data),
        header_body(header, body)
    )
}

/// A raw message of type `category` (`receive { packets; }` without `parsed`).
pub fn packets(peer: IpAddr, direction: &str, category: u8, header: &[u8], body: &[u8]) -> String {
    format!(
        "neighbor {peer} {direction} {category}{}\n",
        header_body(header, body)
    )
}

pub fn keepalive(peer: IpAddr, direction: &str, header: &[u8], body: &[u8]) -> String {
    format!(
        "neighbor {peer} {direction} keepalive{}\n",
        header_body(header, body)
    )
}

pub fn refresh(
    peer: IpAddr,
    direction: &str,
    refresh: &RouteRefresh,
    header: &[u8],
    body: &[u8],
) -> String {
    let subtype = match refresh.subtype {
        0 => "query".to_string(),
        1 => "begin".to_string(),
        2 => "end".to_string(),
        other => other.to_string(),
    };
    format!(
        "neighbor {peer} {direction} route-refresh afi {} safi {} {subtype}{}\n",
        refresh.family.afi,
        refresh.family.safi,
        header_body(header, body)
    )
}

/// ExaBGP writes operational messages without a trailing newline; the line is ended here so
/// a helper reading lines sees each one.
pub fn operational(
    peer: IpAddr,
    direction: &str,
    operational: &Operational,
    header: &[u8],
    body: &[u8],
) -> String {
    let name = operational.name();
    let tail = header_body(header, body);
    match operational {
        Operational::Advisory {
            family, advisory, ..
        } => format!(
            "neighbor {peer} {direction} operational {name} afi {} safi {} advisory \"{}\"{tail}\n",
            family.afi,
            family.safi,
            oneline(&String::from_utf8_lossy(advisory))
        ),
        Operational::Query { family, .. } => format!(
            "neighbor {peer} {direction} operational {name} afi {} safi {}{tail}\n",
            family.afi, family.safi
        ),
        Operational::Counter {
            family,
            router_id,
            sequence,
            counter,
            ..
        } => format!(
            "neighbor {peer} {direction} operational {name} afi {} safi {} router-id {router_id} sequence {sequence} counter {counter}{tail}\n",
            family.afi, family.safi
        ),
        Operational::Unknown { what, data } => format!(
            "neighbor {peer} {direction} operational {name} type {what} data {}{tail}\n",
            hexstring(data)
        ),
    }
}

/// An NLRI as ExaBGP's `extensive()`: each family's text (for IP prefixes the prefix, and
/// its path identifier when ADD-PATH is used).
fn nlri_text(nlri: &Nlri) -> String {
    nlri.to_string()
}

/// The attributes as ExaBGP's `AttributeCollection._generate_text`: ordered by code, each
/// ` keyword value`, NEXT_HOP left out (it is shown with the NLRI), an empty AS_PATH left out.
pub fn attributes(attributes: &Attributes) -> String {
    let mut sorted: Vec<&Attribute> = attributes.iter().collect();
    sorted.sort_by_key(|a| a.code());
    let mut out = String::new();
    for attribute in sorted {
        let _ = match attribute {
            Attribute::Origin(origin) => write!(out, " origin {}", origin.name()),
            Attribute::AsPath(path) | Attribute::As4Path(path) => {
                let keyword = if matches!(attribute, Attribute::AsPath(_)) {
                    "as-path"
                } else {
                    "as4-path"
                };
                let parts: Vec<String> = path
                    .segments
                    .iter()
                    .map(|segment| {
                        let (head, tail) = match segment.kind {
                            SegmentType::Set => ("[", "]"),
                            SegmentType::Sequence => ("(", ")"),
                            SegmentType::ConfedSequence => ("{(", ")}"),
                            SegmentType::ConfedSet => ("{[", "]}"),
                        };
                        let asns: Vec<String> = segment.asns.iter().map(u32::to_string).collect();
                        format!("{head} {} {tail}", asns.join(" "))
                    })
                    .collect();
                if parts.is_empty() {
                    Ok(())
                } else {
                    write!(out, " {keyword} {}", parts.join(" "))
                }
            }
            Attribute::NextHop(_) => Ok(()),
            Attribute::Med(med) => write!(out, " med {}", med.0),
            Attribute::LocalPreference(pref) => write!(out, " local-preference {}", pref.0),
            Attribute::AtomicAggregate(_) => write!(out, " atomic-aggregate"),
            Attribute::Aggregator(a) | Attribute::As4Aggregator(a) => {
                write!(out, " aggregator ( {}:{} )", a.asn, a.speaker)
            }
            Attribute::Communities(c) => write!(out, " community {c}"),
            Attribute::OriginatorId(id) => write!(out, " originator-id {}", id.0),
            Attribute::ClusterList(list) => match list.0.as_slice() {
                [one] => write!(out, " cluster-list {one}"),
                many => {
                    let ids: Vec<String> = many.iter().map(|ip| ip.to_string()).collect();
                    write!(out, " cluster-list [ {} ]", ids.join(" "))
                }
            },
            Attribute::ExtendedCommunities(c) => write!(out, " extended-community {c}"),
            Attribute::Aigp(aigp) => write!(out, " aigp {}", aigp.0),
            Attribute::Ipv6ExtendedCommunities(c) => write!(out, " extended-community-ipv6 {c}"),
            Attribute::LargeCommunities(c) => write!(out, " large-community {c}"),
            Attribute::TunnelEncap(_) | Attribute::LinkState(_) => {
                attribute.text(&mut out);
                Ok(())
            }
            Attribute::Pmsi(pmsi) => write!(out, " pmsi {pmsi}"),
            Attribute::PrefixSid(sid) => {
                let mut text = String::new();
                sid.text(&mut text);
                write!(out, " bgp-prefix-sid {text}")
            }
            Attribute::Generic(generic) => {
                let value: String = crate::util::hex::lower(&generic.value);
                write!(
                    out,
                    " attribute [ 0x{:02X} 0x{:02X} 0x{value} ]",
                    generic.code, generic.flag
                )
            }
        };
    }
    oneline(&out)
}

/// An UPDATE: `start`, one line per announced or withdrawn NLRI (or the End-of-RIB family),
/// the raw bytes when subscribed, then `end`.
pub fn update(
    peer: IpAddr,
    direction: &str,
    update: &Update,
    header: &[u8],
    body: &[u8],
) -> String {
    let prefix = format!("neighbor {peer} {direction} update");
    let mut out = format!("{prefix} start\n");
    if let Some(family) = update.eor {
        let _ = writeln!(
            out,
            "{prefix} route eor {}/{} ({} {})",
            family.afi.0, family.safi.0, family.afi, family.safi
        );
    } else {
        let attributes = attributes(&update.attributes);
        for routed in &update.announces {
            let nexthop = routed
                .nexthop
                .map(|ip| format!(" next-hop {ip}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{prefix} announced {}{nexthop}{attributes}",
                nlri_text(&routed.nlri)
            );
        }
        for nlri in &update.withdraws {
            let _ = writeln!(out, "{prefix} withdrawn {}", nlri_text(nlri));
        }
    }
    if !header.is_empty() || !body.is_empty() {
        let _ = writeln!(out, "{}", header_body(header, body));
    }
    let _ = writeln!(out, "{prefix} end");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bgp::message::open::capability::negotiated::Negotiated;
    use crate::protocol::family::Family;

    use crate::util::hex::test_unhex as unhex;

    fn ibgp() -> Negotiated {
        Negotiated {
            local_as: 1,
            peer_as: 1,
            ..Negotiated::default()
        }
    }

    #[test]
    fn update_lines_as_exabgp() {
        // qa/api/api-announce.ci: 1.1.0.0/24, ORIGIN IGP, empty AS_PATH, NEXT_HOP 101.1.101.1,
        // LOCAL_PREF 100
        let body = unhex("0000001540010100400200400304650165014005040000006418010100");
        let update = Update::decode(body.into(), &ibgp()).unwrap();
        let peer: IpAddr = "127.0.0.1".parse().unwrap();
        assert_eq!(
            super::update(peer, "receive", &update, &[], &[]),
            "neighbor 127.0.0.1 receive update start\n\
             neighbor 127.0.0.1 receive update announced 1.1.0.0/24 next-hop 101.1.101.1 origin igp local-preference 100\n\
             neighbor 127.0.0.1 receive update end\n"
        );
        // withdraw of 1.1.0.0/24, with the raw body shown
        let body = unhex("0004180101000000");
        let update = Update::decode(body.clone().into(), &ibgp()).unwrap();
        assert_eq!(
            super::update(peer, "send", &update, &[], &body),
            "neighbor 127.0.0.1 send update start\n\
             neighbor 127.0.0.1 send update withdrawn 1.1.0.0/24\n \
             body 0x0004180101000000\n\
             neighbor 127.0.0.1 send update end\n"
        );
        let eor = Update::eor(Family::IPV6_UNICAST);
        assert!(super::update(peer, "receive", &eor, &[], &[])
            .contains("receive update route eor 2/1 (ipv6 unicast)\n"));
    }

    #[test]
    fn as_path_segments_and_lists() {
        // AS_PATH: AS_SEQUENCE 65001 65002, AS_SET 3; COMMUNITY 1:1 2:2; MED 5 (eBGP session)
        let body = unhex(concat!(
            "0000",
            "0029",
            "40010100",
            "400210",
            "0202",
            "0000FDE9",
            "0000FDEA",
            "0101",
            "00000003",
            "80040400000005",
            "C0080800010001",
            "00020002"
        ));
        let negotiated = Negotiated {
            local_as: 65000,
            peer_as: 65001,
            ..Negotiated::default()
        };
        let update = Update::decode(body.into(), &negotiated).unwrap();
        assert_eq!(
            attributes(&update.attributes),
            " origin igp as-path ( 65001 65002 ) [ 3 ] med 5 community [ 1:1 2:2 ]"
        );
    }

    #[test]
    fn events_and_acks() {
        let peer: IpAddr = "10.0.0.1".parse().unwrap();
        assert_eq!(up(peer), "neighbor 10.0.0.1 up\n");
        assert_eq!(connected(peer), "neighbor 10.0.0.1 connected\n");
        assert_eq!(
            down(peer, "peer reset\nneighbor 1.2.3.4 up"),
            "neighbor 10.0.0.1 down - peer reset\\nneighbor 1.2.3.4 up\n"
        );
        assert_eq!(
            notification(
                peer,
                "receive",
                &Notification::new(6, 2, bytes::Bytes::from_static(b"\x01")),
                &[],
                &[]
            ),
            "neighbor 10.0.0.1 receive notification code 6 subcode 2 data 0x01\n"
        );
        assert_eq!(
            keepalive(peer, "send", &[], &[]),
            "neighbor 10.0.0.1 send keepalive\n"
        );
        // AS 65000, hold time 180, router id 1.2.3.4; ASN4 first, then multiprotocol (two
        // TLVs), route refresh, a host name with a new line and capitals, unknown code 80
        let open_body: &[u8] = &[
            4, 0xFD, 0xE8, 0, 180, 1, 2, 3, 4, 44, 2, 6, 65, 4, 0, 0, 0xFD, 0xE8, 2, 6, 1, 4, 0, 1,
            0, 1, 2, 6, 1, 4, 0, 2, 0, 1, 2, 2, 2, 0, 2, 9, 73, 7, 3, b'R', b'1', b'\n', 2, b'E',
            b'x', 2, 3, 80, 1, 0xAB,
        ];
        let received = Open::decode(open_body).unwrap();
        assert_eq!(
            open(peer, "receive", &received, &[], &[]),
            "neighbor 10.0.0.1 receive open version 4 asn 65000 hold_time 180 router_id 1.2.3.4 \
             capabilities [multiprotocol(ipv4 unicast,ipv6 unicast), route refresh, asn4(65000), \
             hostname(r1\\n ex), unassigned unknown capability 0x50]\n"
        );
        let empty = Open::decode(&[4, 0, 1, 0, 0, 1, 1, 1, 1, 0]).unwrap();
        assert_eq!(
            open(peer, "send", &empty, &[0xFF, 0x1D], &[4]),
            "neighbor 10.0.0.1 send open version 4 asn 1 hold_time 0 router_id 1.1.1.1 capabilities [] header 0xFF1D body 0x04\n"
        );
        assert_eq!(
            oneline("a\u{7}b\u{a0}c\u{2028}d\u{85}e é"),
            "a\\x07b\\xa0c\\u2028d\\x85e é"
        );
        assert_eq!(answer::ack(true, false), "done");
        assert_eq!(answer::ack(false, false), "error");
        let done: serde_json::Value = serde_json::from_str(answer::ack(true, true)).unwrap();
        assert_eq!(done["answer"], "done");
        let error: serde_json::Value = serde_json::from_str(answer::ack(false, true)).unwrap();
        assert_eq!(error["answer"], "error");
    }
}
