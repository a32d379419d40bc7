//! Ports `exabgp/bgp/message/update/nlri/qualifier/labels.py`: the MPLS label stack of labelled NLRI (RFC 8277 §2).

use bytes::{BufMut, BytesMut};
use std::fmt::Write;

/// The labels of an NLRI, top first, as 20-bit values.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct Labels(pub Vec<u32>);

impl Labels {
    /// Bytes per label on the wire.
    pub const LEN: usize = 3;

    /// Bytes on the wire.
    pub fn len(&self) -> usize {
        self.0.len() * Labels::LEN
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each label shifted left by four (TC bits zero), the last with bottom-of-stack set.
    pub fn encode(&self, out: &mut BytesMut) {
        for (n, label) in self.0.iter().enumerate() {
            let bos = u32::from(n + 1 == self.0.len());
            let raw = (label << 4) | bos;
            out.put_slice(&raw.to_be_bytes()[1..]);
        }
    }

    /// Reads labels up to the one with bottom-of-stack set (or RFC 8277's withdraw label
    /// 0x800000), within `max` labels; returns them and the bytes used. `None` if `data` ends
    /// first.
    pub fn decode(data: &[u8], max: usize) -> Option<(Labels, usize)> {
        let mut labels = Vec::new();
        for chunk in data.chunks(Labels::LEN).take(max) {
            let &[a, b, c] = chunk else { return None };
            let raw = u32::from_be_bytes([0, a, b, c]);
            labels.push(raw >> 4);
            if raw & 1 == 1 || raw == 0x80_0000 {
                break;
            }
        }
        let used = labels.len() * Labels::LEN;
        Some((Labels(labels), used))
    }

    /// ExaBGP's JSON member: `"label": [ [20012, 320193] ]`, each label with its raw three bytes.
    pub fn json(&self, out: &mut String) {
        out.push_str("\"label\": [ ");
        for (n, label) in self.0.iter().enumerate() {
            let bos = u32::from(n + 1 == self.0.len());
            if n > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "[{label}, {}]", (label << 4) | bos);
        }
        out.push_str(" ]");
    }

    /// ExaBGP's text: ` label 20012` or ` label [ 1 2 ]`.
    pub fn text(&self, out: &mut String) {
        match self.0.as_slice() {
            [] => {}
            [one] => {
                let _ = write!(out, " label {one}");
            }
            many => {
                out.push_str(" label [ ");
                for label in many {
                    let _ = write!(out, "{label} ");
                }
                out.push(']');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bottom_of_stack_on_the_last_label() {
        // qa conf-addpath: label 20012 is 04E2C1
        let mut out = BytesMut::new();
        Labels(vec![20012]).encode(&mut out);
        assert_eq!(&out[..], &[0x04, 0xE2, 0xC1]);
        let mut out = BytesMut::new();
        Labels(vec![16, 17]).encode(&mut out);
        assert_eq!(&out[..], &[0, 1, 0, 0, 1, 0x11]);
        assert_eq!(Labels::decode(&out, 5), Some((Labels(vec![16, 17]), 6)));
        assert_eq!(Labels::decode(&out[..4], 5), None);
        let mut json = String::new();
        Labels(vec![20012]).json(&mut json);
        assert_eq!(json, "\"label\": [ [20012, 320193] ]");
    }
}
