//! Ports `exabgp/bgp/message/update/attribute/community/extended/l2info.py`: Layer2 Info (RFC 4761 §3.2.4).

use super::{ExtendedCommunity, SubType};
use std::fmt;

/// Layer2 Info, type 0x80 sub-type 0x0A: `l2info:19:0:1500:111`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct L2Info {
    pub encaps: u8,
    pub control: u8,
    pub mtu: u16,
    /// Called preference in draft-ietf-l2vpn-vpls-multihoming.
    pub reserved: u16,
}

impl SubType for L2Info {
    const NAME: &'static str = "l2info";

    fn from_community(c: &ExtendedCommunity) -> Option<L2Info> {
        (c.family() == (0x00, 0x0A)).then(|| L2Info {
            encaps: c.0[2],
            control: c.0[3],
            mtu: u16::from_be_bytes([c.0[4], c.0[5]]),
            reserved: u16::from_be_bytes([c.0[6], c.0[7]]),
        })
    }

    fn to_community(&self) -> ExtendedCommunity {
        let [m0, m1] = self.mtu.to_be_bytes();
        let [r0, r1] = self.reserved.to_be_bytes();
        ExtendedCommunity::new(0x80, 0x0A, [self.encaps, self.control, m0, m1, r0, r1])
    }
}

impl fmt::Display for L2Info {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "l2info:{}:{}:{}:{}",
            self.encaps, self.control, self.mtu, self.reserved
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_from_qa() {
        // l2info:1:2:13398:30864 = 9226187895601526928
        let c = ExtendedCommunity(9226187895601526928u64.to_be_bytes());
        let l2 = L2Info {
            encaps: 1,
            control: 2,
            mtu: 13398,
            reserved: 30864,
        };
        assert_eq!(L2Info::decode(&c.0), Ok(l2));
        assert_eq!(l2.to_community(), c);
        assert_eq!(c.to_string(), "l2info:1:2:13398:30864");
    }
}
