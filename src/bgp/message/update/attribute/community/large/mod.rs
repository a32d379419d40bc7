//! Ports `exabgp/bgp/message/update/attribute/community/large/`: LARGE_COMMUNITY (RFC 8092).

/// One large community: global administrator, two local data parts.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct LargeCommunity {
    pub global_admin: u32,
    pub local_data1: u32,
    pub local_data2: u32,
}

/// The LARGE_COMMUNITY attribute (type 32), in wire order.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct LargeCommunities(pub Vec<LargeCommunity>);
