//! Ports `exabgp/bgp/message/update/attribute/community/initial/`: COMMUNITIES (RFC 1997).

/// One standard community, `asn:value` packed in 32 bits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Community(pub u32);

/// The COMMUNITIES attribute (type 8), in wire order.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct Communities(pub Vec<Community>);
