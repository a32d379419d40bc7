//! Ports `exabgp/bgp/message/update/nlri/qualifier/mac.py`: a MAC address in EVPN NLRI (RFC 7432 §7.2).

use std::fmt;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct MacAddress(pub [u8; 6]);

impl MacAddress {
    pub const LEN: usize = 6;

    pub fn decode(data: &[u8]) -> Option<MacAddress> {
        Some(MacAddress(data.get(..Self::LEN)?.try_into().ok()?))
    }
}

/// Upper-case hexadecimal bytes joined by `:`, as ExaBGP: `FC:15:B4:78:7B:8F`.
impl fmt::Display for MacAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.0;
        write!(
            f,
            "{:02X}:{:02X}:{:02X}:{:02X}:{:02X}:{:02X}",
            m[0], m[1], m[2], m[3], m[4], m[5]
        )
    }
}
