//! Ports `exabgp/bgp/message/update/attribute/community/extended/mup.py`: BGP-MUP direct segment identifier (draft-mpmz-bess-mup-safi §3.3).

use super::{ExtendedCommunity, SubType};
use std::fmt;

/// MUP direct-type segment identifier, type 0x0C sub-type 0x00: `mup:10:10`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct MupExtendedCommunity {
    /// High bits of the type byte: 0x00 transitive, 0x40 non-transitive.
    pub flags: u8,
    pub sgid2: u16,
    pub sgid4: u32,
}

impl SubType for MupExtendedCommunity {
    const NAME: &'static str = "mup";

    fn from_community(c: &ExtendedCommunity) -> Option<MupExtendedCommunity> {
        (c.family() == (0x0C, 0x00)).then(|| MupExtendedCommunity {
            flags: c.flags(),
            sgid2: u16::from_be_bytes([c.0[2], c.0[3]]),
            sgid4: u32::from_be_bytes([c.0[4], c.0[5], c.0[6], c.0[7]]),
        })
    }

    fn to_community(&self) -> ExtendedCommunity {
        let [a, b] = self.sgid2.to_be_bytes();
        let [c0, c1, c2, c3] = self.sgid4.to_be_bytes();
        ExtendedCommunity::new((self.flags & 0xF0) | 0x0C, 0x00, [a, b, c0, c1, c2, c3])
    }
}

impl fmt::Display for MupExtendedCommunity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mup:{}:{}", self.sgid2, self.sgid4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_from_qa() {
        // mup:10:10 = 864691171404808202
        let c = ExtendedCommunity(864691171404808202u64.to_be_bytes());
        let mup = MupExtendedCommunity {
            flags: 0,
            sgid2: 10,
            sgid4: 10,
        };
        assert_eq!(MupExtendedCommunity::decode(&c.0), Ok(mup));
        assert_eq!(mup.to_community(), c);
        let mut json = String::new();
        mup.json(&mut json);
        assert_eq!(
            json,
            "{ \"value\": 864691171404808202, \"string\": \"mup:10:10\" }"
        );
    }
}
