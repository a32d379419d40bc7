//! Ports `exabgp/bgp/message/open/capability/operational.py`: ExaBGP's OPERATIONAL capability (code 185,
//! draft-ietf-idr-operational-message), no value.

use std::fmt;

/// The peer accepts OPERATIONAL messages.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Operational;

impl Operational {
    pub fn json(&self, out: &mut String) {
        out.push_str("{ \"name\": \"operational\" }");
    }
}

/// ExaBGP's `__str__`.
impl fmt::Display for Operational {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Operational")
    }
}
