//! Ports `exabgp/bgp/message/open/capability/ms.py`: Multisession capability (code 68,
//! draft-ietf-idr-bgp-multisession, expired; Cisco's code 131).

use super::CapabilityCode;
use std::fmt;

/// The capability codes that identify a session (ExaBGP only uses multiprotocol).
///
/// ExaBGP sends a 0 value, then one TLV per code; on receipt it reads no value at all, so a
/// received capability lists no code (and negotiation then assumes multiprotocol).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct MultiSession {
    pub cisco: bool,
    pub capabilities: Vec<u8>,
}

impl MultiSession {
    pub fn new(capabilities: Vec<u8>) -> MultiSession {
        MultiSession {
            cisco: false,
            capabilities,
        }
    }

    pub fn decode(cisco: bool) -> MultiSession {
        MultiSession {
            cisco,
            capabilities: Vec::new(),
        }
    }

    pub fn code(&self) -> u8 {
        if self.cisco {
            CapabilityCode::MULTISESSION_CISCO
        } else {
            CapabilityCode::MULTISESSION
        }
    }

    pub fn values(&self) -> Vec<Vec<u8>> {
        let mut out = vec![vec![0]];
        out.extend(self.capabilities.iter().map(|c| vec![*c]));
        out
    }

    pub fn json(&self, out: &mut String) {
        out.push_str("{ \"name\": \"multisession\", \"variant\": \"");
        out.push_str(if self.cisco { "Cisco" } else { "RFC" });
        out.push_str("\", \"capabilities\": [");
        for (i, c) in self.capabilities.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&format!(" \"{}\"", CapabilityCode::name(*c)));
        }
        out.push_str(" ] }");
    }
}

/// ExaBGP's `__str__`: `Multisession (RFC) multiprotocol`, without ` (RFC)` for Cisco's code.
/// The space before the codes is written even when there are none.
impl fmt::Display for MultiSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let codes: Vec<String> = self
            .capabilities
            .iter()
            .map(|code| CapabilityCode::name(*code))
            .collect();
        let info = if self.cisco { "" } else { " (RFC)" };
        write!(f, "Multisession{info} {}", codes.join(" "))
    }
}
