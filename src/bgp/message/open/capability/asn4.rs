//! Ports `exabgp/bgp/message/open/capability/asn4.py`: Support for 4-octet AS numbers (RFC 6793 §3).

use super::fixed;
use crate::bgp::message::Notification;
use std::fmt;

/// The speaker's four-byte AS number.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Asn4(pub u32);

impl Asn4 {
    /// Four bytes exactly (RFC 6793 §3); ExaBGP also reads a two-byte value as the ASN.
    pub fn decode(data: &[u8]) -> Result<Asn4, Notification> {
        fixed("AS4", data, 4)?;
        Ok(Asn4(u32::from_be_bytes([
            data[0], data[1], data[2], data[3],
        ])))
    }

    pub fn value(&self) -> Vec<u8> {
        self.0.to_be_bytes().to_vec()
    }

    pub fn json(&self, out: &mut String) {
        out.push_str(&format!("{{ \"name\": \"asn4\", \"asn4\": {} }}", self.0));
    }
}

/// ExaBGP's `__str__`: `ASN4(65000)`.
impl fmt::Display for Asn4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ASN4({})", self.0)
    }
}
