//! Ports `exabgp/bgp/message/update/attribute/community/extended/rt_record.py`: RT-record (draft-ietf-bess-service-chaining §2.2).

use super::rt::{Admin, RouteTarget};
use super::{ExtendedCommunity, SubType};
use std::fmt;

/// RT-record, sub-type 0x13: a route target copied as a record (`rtrecord:65000:1`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct RtRecord {
    /// High bits of the type byte: 0x00 transitive, 0x40 non-transitive.
    pub flags: u8,
    pub admin: Admin,
}

impl RtRecord {
    pub const SUBTYPE: u8 = 0x13;

    /// The record of a route target: same type and value, sub-type 0x13.
    pub fn from_rt(target: &RouteTarget) -> RtRecord {
        RtRecord {
            flags: target.flags,
            admin: target.admin,
        }
    }
}

impl SubType for RtRecord {
    const NAME: &'static str = "rt-record";

    fn from_community(community: &ExtendedCommunity) -> Option<RtRecord> {
        Admin::read(community, Self::SUBTYPE).map(|admin| RtRecord {
            flags: community.flags(),
            admin,
        })
    }

    fn to_community(&self) -> ExtendedCommunity {
        self.admin.write(self.flags, Self::SUBTYPE)
    }
}

impl fmt::Display for RtRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("rtrecord:")?;
        self.admin.write_text(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_of_a_target() {
        let rt = RouteTarget::new(Admin::Asn2 {
            asn: 65000,
            number: 1,
        });
        let record = RtRecord::from_rt(&rt);
        let c = record.to_community();
        assert_eq!(c.0, [0x00, 0x13, 0xFD, 0xE8, 0, 0, 0, 1]);
        assert_eq!(c.to_string(), "rtrecord:65000:1");
        assert_eq!(RtRecord::decode(&c.0), Ok(record));
        assert_eq!(
            ExtendedCommunity([0x01, 0x13, 10, 0, 0, 1, 0, 2]).to_string(),
            "rtrecord:10.0.0.1:2"
        );
    }
}
