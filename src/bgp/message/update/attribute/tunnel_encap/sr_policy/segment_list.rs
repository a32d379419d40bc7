//! Ports `exabgp/bgp/message/update/attribute/tunnel_encap/sr_policy/segment_list.py`: the
//! Segment List sub-TLV (RFC 9830 §2.4.4), its weight and segments.

use super::{hex, ip};
use crate::bgp::message::reader::Reader;
use crate::bgp::message::update::attribute::Malformed;
use bytes::{BufMut, BytesMut};
use std::fmt::Write;
use std::net::Ipv6Addr;

const WEIGHT: u8 = 9;
pub const TYPE_A: u8 = 1;
pub const TYPE_B: u8 = 13;
/// Segment flag B: an SRv6 endpoint behavior follows the SID (RFC 9830 §2.4.4.2.12).
const SEGMENT_B: u8 = 0x10;

/// SRv6 endpoint behavior and SID structure (RFC 9830 §2.4.4.2.4), eight bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct EndpointBehavior {
    pub behavior: u16,
    pub lb_length: u8,
    pub ln_length: u8,
    pub fun_length: u8,
    pub arg_length: u8,
}

impl EndpointBehavior {
    /// The structure at the front of `data`, `None` when fewer than eight bytes are left.
    pub fn decode(data: &[u8]) -> Option<EndpointBehavior> {
        let mut r = Reader::new(data);
        let behavior = r.u16()?;
        let _reserved = r.u16()?;
        let [lb_length, ln_length, fun_length, arg_length] = r.array()?;
        Some(EndpointBehavior {
            behavior,
            lb_length,
            ln_length,
            fun_length,
            arg_length,
        })
    }

    pub fn encode(&self, out: &mut BytesMut) {
        out.put_u16(self.behavior);
        out.put_u16(0);
        out.put_slice(&[
            self.lb_length,
            self.ln_length,
            self.fun_length,
            self.arg_length,
        ]);
    }

    fn json(&self, out: &mut String) {
        let _ = write!(
            out,
            "\"endpoint-behavior\": {{\"behavior\": {}, \"lb-length\": {}, \"ln-length\": {}, \"fun-length\": {}, \"arg-length\": {}}}",
            self.behavior, self.lb_length, self.ln_length, self.fun_length, self.arg_length
        );
    }
}

/// One segment.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Segment {
    /// Type A: an MPLS label stack entry.
    A {
        flags: u8,
        label: u32,
        tc: u8,
        s: bool,
        ttl: u8,
    },
    /// Type B: an SRv6 SID, with its endpoint behavior when flag B is set.
    B {
        flags: u8,
        sid: Ipv6Addr,
        behavior: Option<EndpointBehavior>,
    },
    /// Types C to K (RFC 9830 §2.4.4.2.3 to .11) and unknown ones, kept as sent.
    Other { kind: u8, value: Vec<u8> },
}

impl Segment {
    fn decode(kind: u8, value: &[u8]) -> Segment {
        match (kind, value) {
            (TYPE_A, [flags, _, l0, l1, l2, l3]) => {
                let entry = u32::from_be_bytes([*l0, *l1, *l2, *l3]);
                Segment::A {
                    flags: *flags,
                    label: entry >> 12,
                    tc: (entry >> 9 & 0x7) as u8,
                    s: entry & 0x100 != 0,
                    ttl: (entry & 0xFF) as u8,
                }
            }
            (TYPE_B, [flags, _, rest @ ..])
                if rest.len() == 16 || (rest.len() == 24 && flags & SEGMENT_B != 0) =>
            {
                let mut sid = [0u8; 16];
                sid.copy_from_slice(&rest[..16]);
                Segment::B {
                    flags: *flags,
                    sid: Ipv6Addr::from(sid),
                    behavior: rest.get(16..).and_then(EndpointBehavior::decode),
                }
            }
            _ => Segment::Other {
                kind,
                value: value.to_vec(),
            },
        }
    }

    fn encode(&self, out: &mut BytesMut) {
        let mut value = BytesMut::new();
        let kind = match self {
            Segment::A {
                flags,
                label,
                tc,
                s,
                ttl,
            } => {
                value.put_slice(&[*flags, 0]);
                let s = if *s { 0x100 } else { 0 };
                value.put_u32(label << 12 | u32::from(tc & 0x7) << 9 | s | u32::from(*ttl));
                TYPE_A
            }
            Segment::B {
                flags,
                sid,
                behavior,
            } => {
                let b = if behavior.is_some() { SEGMENT_B } else { 0 };
                value.put_slice(&[flags | b, 0]);
                value.put_slice(&sid.octets());
                if let Some(behavior) = behavior {
                    behavior.encode(&mut value);
                }
                TYPE_B
            }
            Segment::Other { kind, value: raw } => {
                value.put_slice(raw);
                *kind
            }
        };
        out.put_u8(kind);
        out.put_u8(value.len() as u8);
        out.put_slice(&value);
    }

    fn json(&self, out: &mut String) {
        match self {
            Segment::A {
                label, tc, s, ttl, ..
            } => {
                let _ = write!(
                    out,
                    "{{\"type\": \"A\", \"label\": {label}, \"tc\": {tc}, \"s\": {s}, \"ttl\": {ttl}}}"
                );
            }
            Segment::B { sid, behavior, .. } => {
                let _ = write!(out, "{{\"type\": \"B\", \"sid\": \"{}\"", ip(*sid));
                if let Some(behavior) = behavior {
                    out.push_str(", ");
                    behavior.json(out);
                }
                out.push('}');
            }
            Segment::Other { kind, value } => match typed_json(*kind, value) {
                Some(json) => out.push_str(&json),
                None => {
                    let _ = write!(
                        out,
                        "{{\"type\": \"unknown-{kind}\", \"value\": \"{}\"}}",
                        hex(value)
                    );
                }
            },
        }
    }
}

/// ExaBGP's JSON of segment types C to K (RFC 9830 §2.4.4.2.3 to .11): flags, algorithm or
/// reserved, the type's addresses and interface IDs, then an optional SID (an MPLS label for
/// C to H, an SRv6 SID for I to K) and, with flag B, an endpoint behavior. `None` when the
/// value does not have one of the type's sizes.
fn typed_json(kind: u8, value: &[u8]) -> Option<String> {
    let mut r = Reader::new(value);
    let flags = r.u8()?;
    let algorithm = r.u8()?;
    let mut parts: Vec<String> = Vec::new();
    let v4 = |key: &str, raw: [u8; 4]| format!("\"{key}\": \"{}\"", std::net::Ipv4Addr::from(raw));
    let v6 = |key: &str, raw: [u8; 16]| format!("\"{key}\": \"{}\"", ip(Ipv6Addr::from(raw)));
    let id = |key: &str, id: u32| format!("\"{key}\": {id}");
    let (letter, mpls) = match kind {
        3 => {
            parts.push(v4("ipv4_node", r.array()?));
            parts.push(format!("\"algorithm\": {algorithm}"));
            ("C", true)
        }
        4 => {
            parts.push(v6("ipv6_node", r.array()?));
            parts.push(format!("\"algorithm\": {algorithm}"));
            ("D", true)
        }
        5 => {
            parts.push(id("local_if_id", r.u32()?));
            parts.push(v4("ipv4_node", r.array()?));
            ("E", true)
        }
        6 => {
            parts.push(v4("local_ipv4", r.array()?));
            parts.push(v4("remote_ipv4", r.array()?));
            ("F", true)
        }
        7 | 15 => {
            parts.push(id("local_if_id", r.u32()?));
            parts.push(v6("local_ipv6", r.array()?));
            parts.push(id("remote_if_id", r.u32()?));
            parts.push(v6("remote_ipv6", r.array()?));
            if kind == 7 {
                ("G", true)
            } else {
                parts.push(format!("\"algorithm\": {algorithm}"));
                ("J", false)
            }
        }
        8 | 16 => {
            parts.push(v6("local_ipv6", r.array()?));
            parts.push(v6("remote_ipv6", r.array()?));
            if kind == 8 {
                ("H", true)
            } else {
                parts.push(format!("\"algorithm\": {algorithm}"));
                ("K", false)
            }
        }
        14 => {
            parts.push(v6("ipv6_node", r.array()?));
            parts.push(format!("\"algorithm\": {algorithm}"));
            ("I", false)
        }
        _ => return None,
    };
    if mpls {
        match r.u32() {
            Some(entry) if r.is_empty() => {
                parts.push(format!("\"sid\": {}", entry >> 12));
                if kind == 3 {
                    parts.push(format!(
                        "\"tc\": {}, \"s\": {}, \"ttl\": {}",
                        entry >> 9 & 0x7,
                        entry & 0x100 != 0,
                        entry & 0xFF
                    ));
                }
            }
            None if r.is_empty() => {}
            _ => return None,
        }
    } else {
        let behavior = flags & SEGMENT_B != 0;
        if r.remaining() == 16 + if behavior { 8 } else { 0 } {
            parts.push(v6("sid", r.array()?));
        }
        if behavior {
            let mut json = String::new();
            EndpointBehavior::decode(r.take(8)?)?.json(&mut json);
            parts.push(json);
        }
        if !r.is_empty() {
            return None;
        }
    }
    Some(format!("{{\"type\": \"{letter}\", {}}}", parts.join(", ")))
}

/// A weighted list of segments.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct SegmentList {
    /// (flags, weight); ExaBGP reads a list without one as weight 1.
    pub weight: Option<(u8, u32)>,
    pub segments: Vec<Segment>,
}

impl SegmentList {
    /// A reserved byte, then sub-TLVs with one-byte lengths.
    pub fn decode(data: &[u8]) -> Result<SegmentList, Malformed> {
        let mut list = SegmentList {
            weight: None,
            segments: Vec::new(),
        };
        let mut r = Reader::new(data.get(1..).unwrap_or_default());
        while let Some(kind) = r.u8() {
            let value = r
                .u8()
                .and_then(|length| r.take(usize::from(length)))
                .ok_or(Malformed(1))?;
            match (kind, value) {
                (WEIGHT, [flags, _, w0, w1, w2, w3]) if list.weight.is_none() => {
                    list.weight = Some((*flags, u32::from_be_bytes([*w0, *w1, *w2, *w3])))
                }
                _ => list.segments.push(Segment::decode(kind, value)),
            }
        }
        Ok(list)
    }

    pub fn encode(&self, out: &mut BytesMut) {
        out.put_u8(0);
        if let Some((flags, weight)) = self.weight {
            out.put_slice(&[WEIGHT, 6, flags, 0]);
            out.put_u32(weight);
        }
        self.segments.iter().for_each(|s| s.encode(out));
    }

    /// `{"weight": 1, "segments": [...]}`.
    pub fn json(&self, out: &mut String) {
        let _ = write!(
            out,
            "{{\"weight\": {}, \"segments\": [",
            self.weight.map_or(1, |(_, w)| w)
        );
        for (i, segment) in self.segments.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            segment.json(out);
        }
        out.push_str("]}");
    }

    /// `segment-list weight 1 [16001 fc00::1]`.
    pub fn text(&self, out: &mut String) {
        let _ = write!(
            out,
            "segment-list weight {} [",
            self.weight.map_or(1, |(_, w)| w)
        );
        for (i, segment) in self.segments.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            match segment {
                Segment::A { label, .. } => {
                    let _ = write!(out, "{label}");
                }
                Segment::B { sid, .. } => out.push_str(&ip(*sid)),
                Segment::Other { kind, value } => {
                    let _ = write!(out, "segment-{kind}:{}", hex(value));
                }
            }
        }
        out.push(']');
    }
}
