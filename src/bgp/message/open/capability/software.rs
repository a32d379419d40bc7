//! Ports `exabgp/bgp/message/open/capability/software.py`: Software Version capability (code 75,
//! draft-abraitis-bgp-version-capability).

use super::malformed;
use crate::bgp::message::Notification;
use std::fmt;

/// The speaker's software version string, `ExaBGP/<version>` when we send it.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Software(pub String);

/// Longest version string sent, in bytes.
const MAX_LEN: usize = 64;

impl Software {
    /// `ExaBGP/<version>`, cut to 64 bytes with a trailing `...` when longer (as ExaBGP does).
    pub fn new(version: &str) -> Software {
        let full = format!("ExaBGP/{version}");
        if full.len() <= MAX_LEN {
            return Software(full);
        }
        let mut end = MAX_LEN - 3;
        while !full.is_char_boundary(end) {
            end -= 1;
        }
        Software(format!("{}...", &full[..end]))
    }

    pub fn decode(data: &[u8]) -> Result<Software, Notification> {
        let Some(&len) = data.first() else {
            return Err(malformed(
                "Software capability too short: need at least 1 byte".into(),
            ));
        };
        let len = usize::from(len);
        let Some(text) = data.get(1..len + 1) else {
            return Err(malformed(format!(
                "Software capability truncated: need {} bytes, got {}",
                len + 1,
                data.len()
            )));
        };
        String::from_utf8(text.to_vec()).map(Software).map_err(|e| {
            malformed(format!(
                "the software version in the capability is not valid UTF-8 ({e})"
            ))
        })
    }

    pub fn value(&self) -> Vec<u8> {
        // the value, length byte included, must fit the one-byte capability length
        let text = &self.0.as_bytes()[..self.0.len().min(254)];
        let mut out = Vec::with_capacity(1 + text.len());
        out.push(text.len() as u8);
        out.extend_from_slice(text);
        out
    }

    pub fn json(&self, out: &mut String) {
        out.push_str("{ \"software\": ");
        crate::util::json::string(out, &self.0);
        out.push_str(" }");
    }
}

/// ExaBGP's `__str__`: `Software(ExaBGP/5.0.0)`.
impl fmt::Display for Software {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Software({})", self.0)
    }
}
