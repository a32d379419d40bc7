//! Ports `exabgp/bgp/message/open/capability/unknown.py`: a capability this speaker does not know (RFC 5492 §3).

use super::CapabilityCode;
use bytes::Bytes;
use std::fmt;

/// The IANA range of a code, as ExaBGP tells them apart.
fn iana(code: u8) -> &'static str {
    match code {
        128..=255 => "reserved",
        70..=127 => "unassigned",
        _ => "unknown",
    }
}

/// Code and value, kept as received.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct UnknownCapability {
    pub code: u8,
    pub data: Bytes,
}

impl UnknownCapability {
    pub fn json(&self, out: &mut String) {
        let iana = iana(self.code);
        out.push_str(&format!(
            "{{ \"name\": \"unknown\", \"iana\": \"{iana}\", \"value\": {}, \"raw\": \"",
            self.code
        ));
        crate::util::hex::push_upper(out, &self.data);
        out.push_str("\" }");
    }
}

/// ExaBGP's `__str__`: the code's IANA range then its name, `Unknown dynamic-capability`,
/// `Unassigned unknown capability 0x50`, `Reserved unknown capability 0xc8`.
impl fmt::Display for UnknownCapability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let range = match iana(self.code) {
            "reserved" => "Reserved",
            "unassigned" => "Unassigned",
            _ => "Unknown",
        };
        write!(f, "{range} {}", CapabilityCode::name(self.code))
    }
}
