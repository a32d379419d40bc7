//! Ports `exabgp/bgp/message/update/attribute/sr/srv6/sidstructure.py`: the SID Structure Sub-Sub-TLV (RFC 9252 §3.2.1).

use crate::util::json;
use bytes::{BufMut, BytesMut};
use std::fmt::Write;

/// Locator block, locator node, function, argument lengths, transposition length and offset.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct SidStructure(pub [u8; 6]);

impl SidStructure {
    pub const TLV: u8 = 1;

    /// RFC 9252 §3.2.1 fixes the value at 6 bytes.
    pub fn decode(value: &[u8]) -> Option<SidStructure> {
        Some(SidStructure(value.try_into().ok()?))
    }

    pub fn encode(&self, out: &mut BytesMut) {
        out.put_u8(Self::TLV);
        out.put_u16(6);
        out.put_slice(&self.0);
    }

    /// `"structure": {"locator-block-length": 32, ...}`, spaced as Python's `json.dumps`.
    pub fn json(&self, out: &mut String) {
        let names = [
            "locator-block-length",
            "locator-node-length",
            "function-length",
            "argument-length",
            "transposition-length",
            "transposition-offset",
        ];
        json::key(out, "structure");
        out.push('{');
        let mut members = json::Members::new(out);
        for (name, value) in names.iter().zip(self.0) {
            members.field(name, value);
        }
        out.push('}');
    }

    /// `sid-structure [32,16,16,0,16,64]`.
    pub fn text(&self, out: &mut String) {
        let s = self.0;
        let _ = write!(
            out,
            "sid-structure [{},{},{},{},{},{}]",
            s[0], s[1], s[2], s[3], s[4], s[5]
        );
    }
}
