//! Ports `exabgp/bgp/message/open/capability/unknown.py`: a capability this speaker does not know (RFC 5492 §3).

use bytes::Bytes;

/// Code and value, kept as received.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct UnknownCapability {
    pub code: u8,
    pub data: Bytes,
}

impl UnknownCapability {
    pub fn json(&self, out: &mut String) {
        let iana = match self.code {
            128..=255 => "reserved",
            70..=127 => "unassigned",
            _ => "unknown",
        };
        out.push_str(&format!(
            "{{ \"name\": \"unknown\", \"iana\": \"{iana}\", \"value\": {}, \"raw\": \"",
            self.code
        ));
        for b in self.data.iter() {
            out.push_str(&format!("{b:02X}"));
        }
        out.push_str("\" }");
    }
}
