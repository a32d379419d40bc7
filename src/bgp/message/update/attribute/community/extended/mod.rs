//! Ports `exabgp/bgp/message/update/attribute/community/extended/`: EXTENDED_COMMUNITIES (RFC 4360, RFC 5701).

/// One extended community: type, sub-type and six bytes of value, as on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct ExtendedCommunity(pub [u8; 8]);

/// The EXTENDED_COMMUNITIES attribute (type 16), in wire order.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct ExtendedCommunities(pub Vec<ExtendedCommunity>);

/// One IPv6 address specific extended community (RFC 5701): 20 bytes as on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Ipv6ExtendedCommunity(pub [u8; 20]);

/// The IPV6_EXTENDED_COMMUNITIES attribute (type 25), in wire order.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct Ipv6ExtendedCommunities(pub Vec<Ipv6ExtendedCommunity>);
