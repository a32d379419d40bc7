//! Ports `exabgp/bgp/message/open/capability/extended.py`: Extended Message capability (RFC 8654 §3), no value.

/// Messages up to 65535 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ExtendedMessage;

impl ExtendedMessage {
    pub const INITIAL_SIZE: usize = 4096;
    pub const EXTENDED_SIZE: usize = 65535;

    pub fn json(&self, out: &mut String) {
        out.push_str("{ \"name\": \"extended-message\", \"size\": 65535 }");
    }
}
