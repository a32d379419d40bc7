//! Ports `exabgp/bgp/message/update/attribute/origin.py`: ORIGIN (RFC 4271 §4.3 type 1, RFC 7606 §7.1).

use super::Malformed;
use bytes::{BufMut, BytesMut};

/// ORIGIN: how the route entered BGP.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Origin(pub u8);

impl Origin {
    pub const IGP: Origin = Origin(0);
    pub const EGP: Origin = Origin(1);
    pub const INCOMPLETE: Origin = Origin(2);

    /// RFC 7606 §7.1: a length other than one or an undefined value is malformed.
    pub fn decode(data: &[u8]) -> Result<Origin, Malformed> {
        match data {
            [value @ 0..=2] => Ok(Origin(*value)),
            [_] => Err(Malformed(6)),
            _ => Err(Malformed(5)),
        }
    }

    pub fn encode(&self, out: &mut BytesMut) {
        out.put_u8(self.0);
    }

    /// `igp`, `egp`, `incomplete`: the JSON string and the configuration word.
    pub fn name(&self) -> &'static str {
        match self.0 {
            0 => "igp",
            1 => "egp",
            2 => "incomplete",
            _ => "invalid",
        }
    }

    pub fn from_name(name: &str) -> Option<Origin> {
        Some(match name {
            "igp" => Origin::IGP,
            "egp" => Origin::EGP,
            "incomplete" => Origin::INCOMPLETE,
            _ => return None,
        })
    }
}
