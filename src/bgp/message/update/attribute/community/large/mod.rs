//! Ports `exabgp/bgp/message/update/attribute/community/large/`: LARGE_COMMUNITY (RFC 8092).

mod communities;
mod community;

pub use communities::LargeCommunities;
pub use community::LargeCommunity;
