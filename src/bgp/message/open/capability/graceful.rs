//! Ports `exabgp/bgp/message/open/capability/graceful.py`: Graceful Restart capability (RFC 4724 §3).

use super::{family, malformed, slash};
use crate::bgp::message::reader::Reader;
use crate::bgp::message::Notification;
use crate::protocol::family::{Afi, Family};
use std::fmt;

/// Restart flags, restart time and per-family forwarding flags.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Graceful {
    /// The four flag bits (0x8: R, restarted).
    pub restart_flag: u8,
    /// Restart time in seconds (12 bits).
    pub restart_time: u16,
    /// Family and its flags (0x80: F, forwarding state preserved).
    pub families: Vec<(Family, u8)>,
}

impl Graceful {
    pub const TIME_MASK: u16 = 0x0FFF;
    pub const RESTART_STATE: u8 = 0x08;
    pub const FORWARDING_STATE: u8 = 0x80;

    /// Builds the capability; flags and time are masked to their field sizes, as ExaBGP does.
    pub fn new(restart_flag: u8, restart_time: u16, families: Vec<(Family, u8)>) -> Graceful {
        Graceful {
            restart_flag: restart_flag & 0x0F,
            restart_time: restart_time & Self::TIME_MASK,
            families: families
                .into_iter()
                .map(|(f, flag)| (f, flag & Self::FORWARDING_STATE))
                .collect(),
        }
    }

    /// A second capability of this code replaces the first (ExaBGP clears then sets).
    pub fn decode(data: &[u8]) -> Result<Graceful, Notification> {
        let mut r = Reader::new(data);
        let Some(restart) = r.u16() else {
            return Err(malformed(format!(
                "Graceful Restart capability too short: need 2 bytes minimum, got {}",
                data.len()
            )));
        };
        if r.remaining() % 4 != 0 {
            return Err(malformed(format!(
                "Graceful Restart capability truncated: need 4 bytes per family, got {}",
                r.remaining() % 4
            )));
        }
        let mut families: Vec<(Family, u8)> = Vec::new();
        while let (Some(afi), Some(safi), Some(flags)) = (r.u16(), r.u8(), r.u8()) {
            let f = family(Afi(afi), safi);
            // ExaBGP keeps one entry per family, the last flags winning at the first position
            match families.iter_mut().find(|(g, _)| *g == f) {
                Some(entry) => entry.1 = flags,
                None => families.push((f, flags)),
            }
        }
        Ok(Graceful::new(
            (restart >> 12) as u8,
            restart & Self::TIME_MASK,
            families,
        ))
    }

    pub fn value(&self) -> Vec<u8> {
        let restart = (u16::from(self.restart_flag) << 12) | (self.restart_time & Self::TIME_MASK);
        let mut out = restart.to_be_bytes().to_vec();
        for (f, flag) in &self.families {
            out.extend_from_slice(&f.afi.0.to_be_bytes());
            out.push(f.safi.0);
            out.push(*flag);
        }
        out
    }

    /// ExaBGP's JSON, labels included: it calls the per-family F bit "restart" and the R bit
    /// "forwarding"; helpers parse these names, so they are kept.
    pub fn json(&self, out: &mut String) {
        out.push_str("{ \"name\": \"graceful restart\", \"time\": ");
        out.push_str(&self.restart_time.to_string());
        out.push_str(", \"address-family-flags\": { ");
        for (i, (f, flag)) in self.families.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push('"');
            out.push_str(&slash(*f));
            out.push_str("\": [");
            if flag & Self::FORWARDING_STATE != 0 {
                out.push_str(" \"restart\"");
            }
            out.push_str(" ] ");
        }
        out.push_str("}, \"restart-flags\": [");
        out.push_str(if self.restart_flag & Self::RESTART_STATE != 0 {
            " \"forwarding\" "
        } else {
            " "
        });
        out.push_str("]  }");
    }
}

/// ExaBGP's `__str__`: `Graceful Restart Flags 0x8 Time 120 ipv4/unicast=0x80 ipv6/unicast=0x0`
/// (the space after the time is written even without families).
impl fmt::Display for Graceful {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let families: Vec<String> = self
            .families
            .iter()
            .map(|(family, flag)| format!("{}={flag:#x}", slash(*family)))
            .collect();
        write!(
            f,
            "Graceful Restart Flags {:#x} Time {} {}",
            self.restart_flag,
            self.restart_time,
            families.join(" ")
        )
    }
}
