//! UPDATE decoding throughput: a deterministic synthetic stream of 1,000,000 IPv4 and IPv6
//! prefixes in realistic UPDATEs (mostly /24 and /48, 3-8 ASNs per path, communities on a
//! third of them), decoded alone and decoded then written as ExaBGP JSON.
//!
//! `cargo run --release --example decode_bench [prefixes]` (see `bench/decode.sh`).

use bytes::Bytes;
use exabgp_rs::bgp::message::open::capability::negotiated::Negotiated;
use exabgp_rs::bgp::message::update::attribute::community::initial::{Communities, Community};
use exabgp_rs::bgp::message::update::attribute::{AsPath, Attribute, Med, Origin};
use exabgp_rs::bgp::message::update::nlri::{Cidr, Inet, Nlri, PathInfo};
use exabgp_rs::bgp::message::update::{RoutedNlri, Update};
use exabgp_rs::protocol::family::Family;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Instant;

/// A small deterministic generator (xorshift64*), so every run sees the same stream.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn stream(prefixes: usize, negotiated: &Negotiated) -> Vec<Bytes> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut messages = Vec::new();
    let mut made = 0;
    while made < prefixes {
        let v6 = rng.below(4) == 0;
        let count = (1 + rng.below(200) as usize).min(prefixes - made);
        let mut update = Update::default();
        update
            .attributes
            .insert(Attribute::Origin(Origin(rng.below(3) as u8)));
        let hops = 3 + rng.below(6) as usize;
        update.attributes.insert(Attribute::AsPath(AsPath::sequence(
            (0..hops).map(|_| 1 + rng.below(400_000) as u32).collect(),
        )));
        if rng.below(2) == 0 {
            update
                .attributes
                .insert(Attribute::Med(Med(rng.below(1000) as u32)));
        }
        if rng.below(3) == 0 {
            let n = 1 + rng.below(6);
            update.attributes.insert(Attribute::Communities(Communities(
                (0..n).map(|_| Community(rng.next() as u32)).collect(),
            )));
        }
        let nexthop: IpAddr = if v6 {
            IpAddr::V6(Ipv6Addr::new(
                0x2001,
                0xdb8,
                0,
                0,
                0,
                0,
                0,
                1 + rng.below(16) as u16,
            ))
        } else {
            IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1 + rng.below(16) as u8))
        };
        for _ in 0..count {
            let nlri = if v6 {
                let mask = if rng.below(10) == 0 {
                    32 + rng.below(33) as u8
                } else {
                    48
                };
                let addr =
                    (0x2000u128 + rng.below(0x1000) as u128) << 112 | (rng.next() as u128) << 64;
                let addr = addr & u128::MAX.checked_shl(128 - mask as u32).unwrap_or(0);
                Inet::new(
                    Family::IPV6_UNICAST,
                    Cidr::new(IpAddr::V6(addr.into()), mask).unwrap(),
                    PathInfo::Disabled,
                )
            } else {
                let mask = if rng.below(10) == 0 {
                    16 + rng.below(17) as u8
                } else {
                    24
                };
                let addr =
                    (rng.next() as u32) & u32::MAX.checked_shl(32 - mask as u32).unwrap_or(0);
                Inet::new(
                    Family::IPV4_UNICAST,
                    Cidr::new(IpAddr::V4(addr.into()), mask).unwrap(),
                    PathInfo::Disabled,
                )
            };
            update.announces.push(RoutedNlri {
                nlri: Nlri::Inet(nlri),
                nexthop: Some(nexthop),
            });
        }
        made += count;
        messages.extend(
            update
                .messages(negotiated, true)
                .into_iter()
                .map(|m| m.slice(19..)),
        );
    }
    messages
}

fn report(what: &str, seconds: f64, messages: usize, prefixes: usize, bytes: usize) {
    println!(
        "{what:<14} {seconds:>7.3} s  {:>10.0} msg/s  {:>11.0} prefixes/s  {:>7.1} MB/s",
        messages as f64 / seconds,
        prefixes as f64 / seconds,
        bytes as f64 / seconds / 1e6
    );
}

fn main() {
    let prefixes: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let negotiated = Negotiated {
        families: vec![Family::IPV4_UNICAST, Family::IPV6_UNICAST],
        local_as: 65000,
        peer_as: 65001,
        ..Negotiated::default()
    };
    let messages = stream(prefixes, &negotiated);
    let bytes: usize = messages.iter().map(|m| m.len() + 19).sum();
    println!(
        "{} UPDATEs, {prefixes} prefixes, {bytes} bytes (headers included)",
        messages.len()
    );

    let start = Instant::now();
    let mut decoded = 0;
    for message in &messages {
        let update =
            Update::decode(message.clone(), &negotiated).expect("the stream is well formed");
        decoded += update.announces.len();
    }
    report(
        "decode",
        start.elapsed().as_secs_f64(),
        messages.len(),
        decoded,
        bytes,
    );
    assert_eq!(decoded, prefixes);

    let start = Instant::now();
    let mut json = String::with_capacity(64 * 1024);
    let mut written = 0;
    for message in &messages {
        let update =
            Update::decode(message.clone(), &negotiated).expect("the stream is well formed");
        json.clear();
        update.json(&mut json);
        written += json.len();
    }
    report(
        "decode + JSON",
        start.elapsed().as_secs_f64(),
        messages.len(),
        prefixes,
        bytes,
    );
    println!("{written} bytes of JSON");
}
