//! Ports `exabgp/bgp/message/update/attribute/generic.py`: an attribute this speaker does not decode, kept as bytes (RFC 4271 §5, §9).

use bytes::Bytes;

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
        crate::util::hex::hexstring_lower(&self.value)
    }
}
