//! Ports `exabgp/bgp/message/open/capability/linklocal.py`: Link-Local Next Hop capability (code 77,
//! draft-ietf-idr-linklocal-capability), no value.

/// A 16-byte IPv6 next hop may be link-local only.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct LinkLocalNextHop;

impl LinkLocalNextHop {
    pub fn json(&self, out: &mut String) {
        out.push_str("{ \"name\": \"link-local-nexthop\" }");
    }
}
