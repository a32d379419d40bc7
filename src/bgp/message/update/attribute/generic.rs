//! Ports `exabgp/bgp/message/update/attribute/generic.py`: an attribute this speaker does not decode, kept as bytes (RFC 4271 §5, §9).

use bytes::Bytes;
use std::fmt::Write;

/// An attribute kept as received: its code, flags and value.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct GenericAttribute {
    pub code: u8,
    pub flag: u8,
    pub value: Bytes,
}

impl GenericAttribute {
    /// `0x` and the value in lower-case hex, ExaBGP's text and JSON for it.
    pub fn hex(&self) -> String {
        let mut out = String::with_capacity(2 + 2 * self.value.len());
        out.push_str("0x");
        for byte in self.value.iter() {
            let _ = write!(out, "{byte:02x}");
        }
        out
    }
}
