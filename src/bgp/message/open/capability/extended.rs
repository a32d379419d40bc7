//! Ports `exabgp/bgp/message/open/capability/extended.py`: Extended Message capability (RFC 8654 §3), no value.

use std::fmt;

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

/// ExaBGP's `__str__`: `Extended Message(65535)`.
impl fmt::Display for ExtendedMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Extended Message({})", Self::EXTENDED_SIZE)
    }
}
