//! Ports `exabgp/bgp/message/update/attribute/community/extended/mac_mobility.py`: MAC Mobility (RFC 7432 §7.7).

use super::{ExtendedCommunity, SubType};
use std::fmt;

/// MAC Mobility, type 0x06 sub-type 0x00: `mac-mobility:5` or `mac-mobility:5:sticky`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct MacMobility {
    pub sequence: u32,
    pub sticky: bool,
}

impl SubType for MacMobility {
    const NAME: &'static str = "mac-mobility";

    /// Sticky is the flags byte being exactly 1, as ExaBGP reads it.
    fn from_community(c: &ExtendedCommunity) -> Option<MacMobility> {
        (c.family() == (0x06, 0x00)).then(|| MacMobility {
            sequence: u32::from_be_bytes([c.0[4], c.0[5], c.0[6], c.0[7]]),
            sticky: c.0[2] == 1,
        })
    }

    fn to_community(&self) -> ExtendedCommunity {
        let [s0, s1, s2, s3] = self.sequence.to_be_bytes();
        ExtendedCommunity::new(0x06, 0x00, [u8::from(self.sticky), 0, s0, s1, s2, s3])
    }
}

impl fmt::Display for MacMobility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mac-mobility:{}", self.sequence)?;
        if self.sticky {
            f.write_str(":sticky")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden() {
        let c = ExtendedCommunity([0x06, 0x00, 0x01, 0x00, 0, 0, 0x01, 0x00]);
        let m = MacMobility {
            sequence: 256,
            sticky: true,
        };
        assert_eq!(MacMobility::decode(&c.0), Ok(m));
        assert_eq!(m.to_community(), c);
        assert_eq!(c.to_string(), "mac-mobility:256:sticky");
        assert_eq!(
            ExtendedCommunity([0x06, 0, 0, 0, 0, 0, 0, 5]).to_string(),
            "mac-mobility:5"
        );
    }
}
