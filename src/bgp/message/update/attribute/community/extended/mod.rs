//! Ports `exabgp/bgp/message/update/attribute/community/extended/`: EXTENDED_COMMUNITIES (RFC 4360, RFC 7153) and IPV6_EXTENDED_COMMUNITIES (RFC 5701).
//!
//! Values are kept as their wire bytes ([`ExtendedCommunity`], [`Ipv6ExtendedCommunity`]), so
//! what was received is what is sent. One module per sub-type family gives a typed view
//! ([`SubType`]) used to describe the value in text and JSON, and to build it from
//! configuration.

pub mod bandwidth;
pub mod chso;
mod communities;
mod community;
pub mod encapsulation;
pub mod flowspec_scope;
pub mod l2info;
pub mod mac_mobility;
pub mod mup;
pub mod origin;
pub mod rt;
pub mod rt_record;
pub mod traffic;

pub use communities::{ExtendedCommunities, Ipv6ExtendedCommunities};
pub use community::{ExtendedCommunity, Ipv6ExtendedCommunity, SubType};
