//! exabgp-rs only (ExaBGP has no metrics endpoint): the Prometheus text exposition format
//! (version 0.0.4) of the peers' states, messages and routes and of the helpers' queues,
//! served over HTTP/1.1 on `GET /metrics`.

use crate::bgp::fsm::State;
use async_executor::LocalExecutor;
use async_io::{Async, Timer};
use futures_lite::io::{AsyncReadExt, AsyncWriteExt};
use futures_lite::FutureExt;
use std::fmt::Write as _;
use std::net::{IpAddr, TcpListener, TcpStream};
use std::rc::Rc;
use std::time::Duration;

/// How long a scraper has to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest request head read; a scrape is one short line and a few headers.
const REQUEST_MAX: usize = 8 << 10;

/// One peer's figures, for the current session (they start again when a session closes, as
/// ExaBGP's `show neighbor` counters; Prometheus reads that as a counter reset).
#[derive(Clone, Debug, PartialEq)]
pub struct PeerMetrics {
    pub peer: IpAddr,
    pub local: Option<IpAddr>,
    pub peer_as: u32,
    pub local_as: u32,
    pub state: State,
    /// Per message type (OPEN, UPDATE, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH): sent, received.
    pub messages: [(u64, u64); 5],
    pub announced_received: u64,
    pub withdrawn_received: u64,
    pub announced_sent: u64,
}

/// One helper's queue: lines and bytes waiting to be written to its stdin.
#[derive(Clone, Debug, PartialEq)]
pub struct HelperMetrics {
    pub name: String,
    pub lines: usize,
    pub bytes: usize,
}

/// Where the figures come from when a scrape arrives (the API's registry and helpers).
pub trait Source {
    fn peers(&self) -> Vec<PeerMetrics>;
    fn helpers(&self) -> Vec<HelperMetrics>;
}

/// RFC 6396 and RFC 4271's numbering of the FSM states (1 Idle ... 6 Established).
pub(crate) fn state_code(state: State) -> u16 {
    match state {
        State::Idle => 1,
        State::Connect => 2,
        State::Active => 3,
        State::OpenSent => 4,
        State::OpenConfirm => 5,
        State::Established => 6,
    }
}

const TYPES: [&str; 5] = [
    "open",
    "update",
    "notification",
    "keepalive",
    "route_refresh",
];

/// A label value, escaped as the exposition format says.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// The exposition text of `peers` and `helpers`.
pub(crate) fn render(peers: &[PeerMetrics], helpers: &[HelperMetrics]) -> String {
    let mut out = String::with_capacity(256 + peers.len() * 1024);
    let labels: Vec<String> = peers
        .iter()
        .map(|p| {
            format!(
                "peer=\"{}\",local=\"{}\",peer_as=\"{}\",local_as=\"{}\"",
                p.peer,
                p.local.map(|l| l.to_string()).unwrap_or_default(),
                p.peer_as,
                p.local_as
            )
        })
        .collect();
    family(&mut out, "exabgp_peers", "gauge", "Configured peers.");
    let _ = writeln!(out, "exabgp_peers {}", peers.len());
    family(
        &mut out,
        "exabgp_peer_state",
        "gauge",
        "FSM state: 1 idle, 2 connect, 3 active, 4 opensent, 5 openconfirm, 6 established.",
    );
    for (peer, labels) in peers.iter().zip(&labels) {
        let _ = writeln!(
            out,
            "exabgp_peer_state{{{labels}}} {}",
            state_code(peer.state)
        );
    }
    for (name, sent, help) in [
        (
            "exabgp_messages_sent_total",
            true,
            "Messages sent in the current session, by type.",
        ),
        (
            "exabgp_messages_received_total",
            false,
            "Messages received in the current session, by type.",
        ),
    ] {
        family(&mut out, name, "counter", help);
        for (peer, labels) in peers.iter().zip(&labels) {
            for (kind, (s, r)) in TYPES.iter().zip(peer.messages) {
                let count = if sent { s } else { r };
                let _ = writeln!(out, "{name}{{{labels},type=\"{kind}\"}} {count}");
            }
        }
    }
    for (name, help, value) in [
        (
            "exabgp_routes_announced_received_total",
            "Routes the peer announced in the current session.",
            (|p: &PeerMetrics| p.announced_received) as fn(&PeerMetrics) -> u64,
        ),
        (
            "exabgp_routes_withdrawn_received_total",
            "Routes the peer withdrew in the current session.",
            |p| p.withdrawn_received,
        ),
        (
            "exabgp_routes_announced_sent_total",
            "Routes announced to the peer in the current session.",
            |p| p.announced_sent,
        ),
    ] {
        family(&mut out, name, "counter", help);
        for (peer, labels) in peers.iter().zip(&labels) {
            let _ = writeln!(out, "{name}{{{labels}}} {}", value(peer));
        }
    }
    for (name, help, lines) in [
        (
            "exabgp_helper_queue_lines",
            "Lines waiting to be written to a helper.",
            true,
        ),
        (
            "exabgp_helper_queue_bytes",
            "Bytes waiting to be written to a helper.",
            false,
        ),
    ] {
        family(&mut out, name, "gauge", help);
        for helper in helpers {
            let value = if lines { helper.lines } else { helper.bytes };
            let process = escape(&helper.name);
            let _ = writeln!(out, "{name}{{process=\"{process}\"}} {value}");
        }
    }
    out
}

/// The response to a request head: `/metrics` for GET (and HEAD), 404 elsewhere.
pub(crate) fn respond(head: &[u8], source: &dyn Source) -> Vec<u8> {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut words = line.split_whitespace();
    let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let path = path.split('?').next().unwrap_or("");
    let (status, body) = match (method, path) {
        ("GET" | "HEAD", "/metrics") => ("200 OK", render(&source.peers(), &source.helpers())),
        ("GET" | "HEAD", _) => ("404 Not Found", "not found: try /metrics\n".to_string()),
        _ => ("405 Method Not Allowed", "only GET\n".to_string()),
    };
    let kind = if status.starts_with("200") {
        "text/plain; version=0.0.4; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    };
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    if method != "HEAD" {
        out.extend_from_slice(body.as_bytes());
    }
    out
}

/// Serves scrapes until the task is dropped; each connection has a task of its own.
pub(crate) async fn serve(
    listener: Async<TcpListener>,
    source: Rc<dyn Source>,
    executor: Rc<LocalExecutor<'static>>,
) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                log::warn!(target: "reactor", "metrics: accept failed: {error}");
                Timer::after(Duration::from_millis(100)).await;
                continue;
            }
        };
        let source = source.clone();
        executor
            .spawn(async move {
                let _ = answer(stream, &*source)
                    .or(async {
                        Timer::after(REQUEST_TIMEOUT).await;
                        Ok(())
                    })
                    .await;
            })
            .detach();
    }
}

async fn answer(mut stream: Async<TcpStream>, source: &dyn Source) -> std::io::Result<()> {
    let mut head = Vec::with_capacity(512);
    let mut chunk = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < REQUEST_MAX {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&chunk[..n]);
    }
    stream.write_all(&respond(&head, source)).await?;
    stream.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed;
    impl Source for Fixed {
        fn peers(&self) -> Vec<PeerMetrics> {
            vec![PeerMetrics {
                peer: "192.0.2.2".parse().unwrap(),
                local: None,
                peer_as: 65002,
                local_as: 65001,
                state: State::Established,
                messages: [(1, 1), (3, 7), (0, 0), (2, 4), (0, 0)],
                announced_received: 12,
                withdrawn_received: 2,
                announced_sent: 5,
            }]
        }
        fn helpers(&self) -> Vec<HelperMetrics> {
            vec![HelperMetrics {
                name: "a \"b\"".into(),
                lines: 3,
                bytes: 120,
            }]
        }
    }

    fn sample(text: &str, series: &str) -> Option<f64> {
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
    }

    #[test]
    fn a_scrape_has_each_series_with_its_labels() {
        let response =
            String::from_utf8(respond(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", &Fixed))
                .unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(head.contains("version=0.0.4"));
        assert!(head.contains(&format!("Content-Length: {}", body.len())));
        let labels = "peer=\"192.0.2.2\",local=\"\",peer_as=\"65002\",local_as=\"65001\"";
        assert_eq!(
            sample(body, &format!("exabgp_peer_state{{{labels}}}")),
            Some(6.0)
        );
        assert_eq!(
            sample(
                body,
                &format!("exabgp_messages_received_total{{{labels},type=\"update\"}}")
            ),
            Some(7.0)
        );
        assert_eq!(
            sample(
                body,
                &format!("exabgp_messages_sent_total{{{labels},type=\"keepalive\"}}")
            ),
            Some(2.0)
        );
        assert_eq!(
            sample(
                body,
                &format!("exabgp_routes_announced_received_total{{{labels}}}")
            ),
            Some(12.0)
        );
        assert_eq!(
            sample(
                body,
                &format!("exabgp_routes_withdrawn_received_total{{{labels}}}")
            ),
            Some(2.0)
        );
        assert_eq!(
            sample(
                body,
                &format!("exabgp_routes_announced_sent_total{{{labels}}}")
            ),
            Some(5.0)
        );
        assert_eq!(
            sample(body, "exabgp_helper_queue_bytes{process=\"a \\\"b\\\"\"}"),
            Some(120.0)
        );
        // every sample line belongs to a family declared with # TYPE before it
        let mut declared = Vec::new();
        for line in body.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                declared.push(rest.split(' ').next().unwrap().to_string());
            } else if !line.starts_with('#') {
                let name = line.split(['{', ' ']).next().unwrap();
                assert_eq!(declared.last().map(String::as_str), Some(name), "{line}");
            }
        }
    }

    #[test]
    fn other_paths_and_methods_are_refused() {
        let not_found = String::from_utf8(respond(b"GET / HTTP/1.1\r\n\r\n", &Fixed)).unwrap();
        assert!(not_found.starts_with("HTTP/1.1 404 "));
        let post = String::from_utf8(respond(b"POST /metrics HTTP/1.1\r\n\r\n", &Fixed)).unwrap();
        assert!(post.starts_with("HTTP/1.1 405 "));
        let head = String::from_utf8(respond(b"HEAD /metrics HTTP/1.1\r\n\r\n", &Fixed)).unwrap();
        assert!(head.ends_with("\r\n\r\n"));
        assert!(String::from_utf8(respond(&[0xff, 0xfe, b'\n'], &Fixed))
            .unwrap()
            .starts_with("HTTP/1.1 405 "));
    }
}
