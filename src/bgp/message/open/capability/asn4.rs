//! Ports `exabgp/bgp/message/open/capability/asn4.py`: Support for 4-octet AS numbers (RFC 6793 §3).

use super::malformed;
use crate::bgp::message::Notification;
use std::fmt;

/// The speaker's four-byte AS number.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Asn4(pub u32);

impl Asn4 {
    /// ExaBGP also accepts a two-byte value.
    pub fn decode(data: &[u8]) -> Result<Asn4, Notification> {
        match *data {
            [a, b] => Ok(Asn4(u32::from(u16::from_be_bytes([a, b])))),
            [a, b, c, d] => Ok(Asn4(u32::from_be_bytes([a, b, c, d]))),
            _ => Err(malformed(format!(
                "AS4 capability must be 2 or 4 bytes long, got {}",
                data.len()
            ))),
        }
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
