//! Ports `exabgp/bgp/message/open/capability/pathslimit.py`: ADD-PATH paths limit (code 76,
//! draft-abraitis-idr-addpath-paths-limit).

use super::{family, malformed, slash};
use crate::bgp::message::reader::Reader;
use crate::bgp::message::Notification;
use crate::protocol::family::{Afi, Family};
use std::fmt;

/// Family and the most paths the speaker accepts for it.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct PathsLimit(pub Vec<(Family, u16)>);

impl PathsLimit {
    pub fn decode(data: &[u8]) -> Result<PathsLimit, Notification> {
        let mut pl = PathsLimit::default();
        pl.merge(data)?;
        Ok(pl)
    }

    /// Adds one more TLV's entries (AFI 2, SAFI 1, limit 2); limit 0 and repeats are ignored.
    pub fn merge(&mut self, data: &[u8]) -> Result<(), Notification> {
        if data.len() % 5 != 0 {
            return Err(malformed(format!(
                "PATHS-LIMIT capability truncated: need 5 bytes per entry, got {}",
                data.len() % 5
            )));
        }
        let mut r = Reader::new(data);
        while let (Some(afi), Some(safi), Some(limit)) = (r.u16(), r.u8(), r.u16()) {
            let f = family(Afi(afi), safi);
            if limit != 0 && !self.0.iter().any(|(g, _)| *g == f) {
                self.0.push((f, limit));
            }
        }
        Ok(())
    }

    pub fn value(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (f, limit) in self.0.iter().filter(|(_, l)| *l != 0) {
            out.extend_from_slice(&f.afi.0.to_be_bytes());
            out.push(f.safi.0);
            out.extend_from_slice(&limit.to_be_bytes());
        }
        out
    }

    pub fn json(&self, out: &mut String) {
        out.push_str("{ \"name\": \"paths-limit\"");
        for (f, limit) in &self.0 {
            out.push_str(", ");
            out.push_str(&format!("\"{}\": {limit}", slash(*f)));
        }
        out.push_str(" }");
    }
}

/// ExaBGP's `__str__`: `PathsLimit(ipv4 unicast 10, ipv6 unicast 20)`.
impl fmt::Display for PathsLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entries: Vec<String> = self
            .0
            .iter()
            .map(|(family, limit)| format!("{} {limit}", family.name()))
            .collect();
        write!(f, "PathsLimit({})", entries.join(", "))
    }
}
