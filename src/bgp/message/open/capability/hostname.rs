//! Ports `exabgp/bgp/message/open/capability/hostname.py`: FQDN capability (code 73,
//! draft-walton-bgp-hostname-capability).

use super::malformed;
use crate::bgp::message::Notification;
use std::fmt;

/// Host name and domain name.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct HostName {
    pub host_name: String,
    pub domain_name: String,
}

/// Longest name sent, in bytes.
const MAX_LEN: usize = 64;

fn truncated(name: &str) -> &[u8] {
    let mut end = name.len().min(MAX_LEN);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name.as_bytes()[..end]
}

fn utf8(data: &[u8], what: &str) -> Result<String, Notification> {
    String::from_utf8(data.to_vec()).map_err(|e| {
        malformed(format!(
            "the {what} in the capability is not valid UTF-8 ({e})"
        ))
    })
}

impl HostName {
    pub fn decode(data: &[u8]) -> Result<HostName, Notification> {
        let Some(&l1) = data.first() else {
            return Err(malformed(
                "Hostname capability too short: need at least 1 byte".into(),
            ));
        };
        let l1 = usize::from(l1);
        if data.len() < l1 + 2 {
            return Err(malformed(format!(
                "Hostname capability truncated: need {} bytes for hostname, got {}",
                l1 + 2,
                data.len()
            )));
        }
        let host_name = utf8(&data[1..l1 + 1], "host name")?;
        let l2 = usize::from(data[l1 + 1]);
        if data.len() < l1 + 2 + l2 {
            return Err(malformed(format!(
                "Hostname capability truncated: need {} bytes total, got {}",
                l1 + 2 + l2,
                data.len()
            )));
        }
        let domain_name = utf8(&data[l1 + 2..l1 + 2 + l2], "domain name")?;
        Ok(HostName {
            host_name,
            domain_name,
        })
    }

    /// Nothing is sent without a host name; names are cut to 64 bytes (on a character boundary).
    pub fn values(&self) -> Vec<Vec<u8>> {
        if self.host_name.is_empty() {
            return Vec::new();
        }
        let host = truncated(&self.host_name);
        let domain = truncated(&self.domain_name);
        let mut out = Vec::with_capacity(2 + host.len() + domain.len());
        out.push(host.len() as u8);
        out.extend_from_slice(host);
        out.push(domain.len() as u8);
        out.extend_from_slice(domain);
        vec![out]
    }

    pub fn json(&self, out: &mut String) {
        out.push_str("{ \"host-name\": ");
        crate::util::json::string(out, &self.host_name);
        out.push_str(", \"domain-name\": ");
        crate::util::json::string(out, &self.domain_name);
        out.push_str(" }");
    }
}

/// ExaBGP's `__str__`: `Hostname(HOST DOMAIN)`.
impl fmt::Display for HostName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hostname({} {})", self.host_name, self.domain_name)
    }
}
