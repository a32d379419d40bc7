//! Ports `exabgp/bgp/message/open/capability/ms.py`: Multisession capability (code 68,
//! draft-ietf-idr-bgp-multisession, expired; Cisco's code 131).

use super::CapabilityCode;

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
