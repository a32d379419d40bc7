//! Ports `exabgp/bgp/message/open/capability/operational.py`: ExaBGP's OPERATIONAL capability (code 185,
//! draft-ietf-idr-operational-message), no value.

/// The peer accepts OPERATIONAL messages.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Operational;

impl Operational {
    pub fn json(&self, out: &mut String) {
        out.push_str("{ \"name\": \"operational\" }");
    }
}
