//! Ports `exabgp/bgp/message/open/capability/addpath.py`: ADD-PATH capability (RFC 7911 §4).

use super::{family, malformed, slash};
use crate::bgp::message::reader::Reader;
use crate::bgp::message::Notification;
use crate::protocol::family::{Afi, Family};
use std::fmt;

/// ExaBGP's name of a Send/Receive value, one the RFC does not define included.
fn named(send_receive: u8) -> String {
    match send_receive {
        0 => "disabled".into(),
        1 => "receive".into(),
        2 => "send".into(),
        3 => "send/receive".into(),
        n => format!("invalid ({n})"),
    }
}

/// Family and Send/Receive value (1 receive, 2 send, 3 both), in announcement order.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct AddPath(pub Vec<(Family, u8)>);

impl AddPath {
    pub const RECEIVE: u8 = 1;
    pub const SEND: u8 = 2;

    pub fn new(families: &[Family], send_receive: u8) -> AddPath {
        AddPath(families.iter().map(|f| (*f, send_receive)).collect())
    }

    /// The Send/Receive value for `family` (0 when absent).
    pub fn get(&self, f: Family) -> u8 {
        self.0.iter().find(|(g, _)| *g == f).map_or(0, |(_, v)| *v)
    }

    pub fn decode(data: &[u8]) -> Result<AddPath, Notification> {
        let mut ap = AddPath::default();
        ap.merge(data)?;
        Ok(ap)
    }

    /// Adds the entries of one more TLV; a repeated family takes the new value in place.
    pub fn merge(&mut self, data: &[u8]) -> Result<(), Notification> {
        if data.len() % 4 != 0 {
            return Err(malformed(format!(
                "ADD-PATH capability truncated: need 4 bytes per entry, got {}",
                data.len() % 4
            )));
        }
        let mut r = Reader::new(data);
        while let (Some(afi), Some(safi), Some(value)) = (r.u16(), r.u8(), r.u8()) {
            let f = family(Afi(afi), safi);
            match self.0.iter_mut().find(|(g, _)| *g == f) {
                Some(entry) => entry.1 = value,
                None => self.0.push((f, value)),
            }
        }
        Ok(())
    }

    /// Entries with value 0 are not sent.
    pub fn value(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.0.len() * 4);
        for (f, v) in self.0.iter().filter(|(_, v)| *v != 0) {
            out.extend_from_slice(&f.afi.0.to_be_bytes());
            out.push(f.safi.0);
            out.push(*v);
        }
        out
    }

    pub fn json(&self, out: &mut String) {
        out.push_str("{ \"name\": \"addpath\"");
        for (i, (f, v)) in self.0.iter().enumerate() {
            out.push_str(if i == 0 { ", " } else { "," });
            out.push('"');
            out.push_str(&slash(*f));
            out.push_str("\": \"");
            out.push_str(&named(*v));
            out.push('"');
        }
        out.push_str(" }");
    }
}

/// ExaBGP's `__str__`: `AddPath(send/receive ipv4 unicast,receive ipv6 unicast)`.
impl fmt::Display for AddPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entries: Vec<String> = self
            .0
            .iter()
            .map(|(family, v)| format!("{} {}", named(*v), family.name()))
            .collect();
        write!(f, "AddPath({})", entries.join(","))
    }
}
