//! Ports `exabgp/bgp/message/update/attribute/community/extended/chso.py`: consistent hash sort order (draft-ietf-bess-service-chaining §5.1).

use super::{ExtendedCommunity, SubType};
use std::fmt;

/// Consistent hash sort order, type 0x03 sub-type 0x14: `consistentHashSortOrder:7`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ConsistentHashSortOrder {
    pub order: u32,
    pub reserved: u16,
}

impl SubType for ConsistentHashSortOrder {
    const NAME: &'static str = "consistent hash sort order";

    fn from_community(c: &ExtendedCommunity) -> Option<ConsistentHashSortOrder> {
        (c.family() == (0x03, 0x14)).then(|| ConsistentHashSortOrder {
            order: u32::from_be_bytes([c.0[2], c.0[3], c.0[4], c.0[5]]),
            reserved: u16::from_be_bytes([c.0[6], c.0[7]]),
        })
    }

    fn to_community(&self) -> ExtendedCommunity {
        let [o0, o1, o2, o3] = self.order.to_be_bytes();
        let [r0, r1] = self.reserved.to_be_bytes();
        ExtendedCommunity::new(0x03, 0x14, [o0, o1, o2, o3, r0, r1])
    }
}

impl fmt::Display for ConsistentHashSortOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "consistentHashSortOrder:{}", self.order)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden() {
        let c = ExtendedCommunity([0x03, 0x14, 0, 0, 0, 7, 0, 0]);
        let chso = ConsistentHashSortOrder {
            order: 7,
            reserved: 0,
        };
        assert_eq!(ConsistentHashSortOrder::decode(&c.0), Ok(chso));
        assert_eq!(chso.to_community(), c);
        assert_eq!(c.to_string(), "consistentHashSortOrder:7");
    }
}
