//! Ports `exabgp/bgp/message/open/capability/linklocal.py`: Link-Local Next Hop capability (code 77,
//! draft-ietf-idr-linklocal-capability), no value.

use std::fmt;

/// A 16-byte IPv6 next hop may be link-local only.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct LinkLocalNextHop;

impl LinkLocalNextHop {
    pub fn json(&self, out: &mut String) {
        out.push_str("{ \"name\": \"link-local-nexthop\" }");
    }
}

/// ExaBGP's `__str__`.
impl fmt::Display for LinkLocalNextHop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Link-Local NextHop")
    }
}
