//! Ports `exabgp/bgp/message/update/nlri/qualifier/labels.py`: an MPLS label stack in NLRI (RFC 8277 §2).

use crate::bgp::message::reader::Reader;
use crate::util::json;
use bytes::{BufMut, BytesMut};
use std::fmt::Write;

/// A label stack, each entry the 3 bytes received: label (20 bits), TC (3), bottom of stack (1).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct Labels(pub Vec<u32>);

impl Labels {
    pub const MAX: u32 = (1 << 20) - 1;
    /// Bytes of one entry.
    pub const SIZE: usize = 3;
    /// RFC 8277 §2.4: the "label" of a withdrawn route.
    pub const WITHDRAW: u32 = 0x80_0000;

    /// A stack of label values with the bottom of stack bit on the last one.
    pub fn new(labels: &[u32]) -> Labels {
        let last = labels.len().saturating_sub(1);
        Labels(
            labels
                .iter()
                .enumerate()
                .map(|(n, label)| ((label & Self::MAX) << 4) | u32::from(n == last))
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Bytes on the wire.
    pub fn len(&self) -> usize {
        self.0.len() * Self::SIZE
    }

    /// The label values, without traffic class and bottom of stack bits.
    pub fn values(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().map(|raw| raw >> 4)
    }

    pub fn encode(&self, out: &mut BytesMut) {
        for raw in &self.0 {
            out.put_slice(&raw.to_be_bytes()[1..]);
        }
    }

    /// ExaBGP's JSON member: `"label": [ [1000, 16001] ]`, label then raw entry (the raw entry
    /// left out when zero); nothing for an empty stack. Returns whether it wrote.
    pub fn json(&self, out: &mut String) -> bool {
        if self.0.is_empty() {
            return false;
        }
        json::key(out, "label");
        out.push_str("[ ");
        let mut items = json::Members::new(out);
        for raw in &self.0 {
            let out = items.next();
            let _ = write!(out, "[{}", raw >> 4);
            if *raw != 0 {
                let _ = write!(out, ", {raw}");
            }
            out.push(']');
        }
        out.push_str(" ]");
        true
    }

    /// ExaBGP's text: ` label 1000 (16001)` or ` label [ 1 (17) 2 (33) ]`.
    pub fn text(&self, out: &mut String) {
        let entry = |out: &mut String, raw: u32| {
            let _ = write!(out, "{}", raw >> 4);
            if raw != 0 {
                let _ = write!(out, " ({raw})");
            }
        };
        match self.0.as_slice() {
            [] => {}
            [raw] => {
                out.push_str(" label ");
                entry(out, *raw);
            }
            many => {
                out.push_str(" label [ ");
                for (n, raw) in many.iter().enumerate() {
                    if n > 0 {
                        out.push(' ');
                    }
                    entry(out, *raw);
                }
                out.push_str(" ]");
            }
        }
    }

    /// Reads the label stack at the front of an NLRI whose mask (`bits`, after the mask byte)
    /// covers labels, `rd_bits` of route distinguisher, then the prefix: entries are read while
    /// the mask leaves room for one, up to the bottom of stack bit. As ExaBGP, a first entry of
    /// 0 (RFC 8277 §2.4 compatibility) or 0x800000 (a withdrawal) is the whole stack.
    /// Returns the stack and the bits left, or `None` when the stack never ends.
    pub fn decode(data: &[u8], mut bits: usize, rd_bits: usize) -> Option<(Labels, usize)> {
        let mut r = Reader::new(data);
        let mut labels = Vec::new();
        while bits >= rd_bits + 24 {
            let raw = r.u24()?;
            labels.push(raw);
            bits -= 24;
            if raw & 1 == 1 || (labels.len() == 1 && (raw == 0 || raw == Self::WITHDRAW)) {
                return Some((Labels(labels), bits));
            }
        }
        // RFC 8277 §2: only the bottom of stack bit says where the stack ends
        labels.is_empty().then_some((Labels(labels), bits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_1000_is_0x003e81() {
        // conf-vpn.ci: label 1000 with bottom of stack → 003E81, ExaBGP's [1000, 16001]
        let labels = Labels::new(&[1000]);
        let mut out = BytesMut::new();
        labels.encode(&mut out);
        assert_eq!(&out[..], &[0x00, 0x3E, 0x81]);
        let mut json = String::new();
        labels.json(&mut json);
        assert_eq!(json, "\"label\": [ [1000, 16001] ]");
        let mut text = String::new();
        labels.text(&mut text);
        assert_eq!(text, " label 1000 (16001)");
    }

    #[test]
    fn stack_ends_at_bottom_of_stack() {
        let data = [0x00, 0x01, 0x10, 0x00, 0x02, 0x21, 0xAA];
        let (labels, bits) = Labels::decode(&data, 24 * 2 + 8, 0).unwrap();
        assert_eq!(labels.values().collect::<Vec<_>>(), vec![17, 34]);
        assert_eq!(bits, 8);
        let mut text = String::new();
        labels.text(&mut text);
        assert_eq!(text, " label [ 17 (272) 34 (545) ]");
        // no bottom of stack bit before the mask runs out
        assert_eq!(Labels::decode(&[0x00, 0x01, 0x10], 24, 0), None);
        // compatibility value 0 ends at once
        let (labels, _) = Labels::decode(&[0, 0, 0, 10], 32, 0).unwrap();
        assert_eq!(labels.0, vec![0]);
    }
}
