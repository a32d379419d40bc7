//! Ports `exabgp/bgp/message/update/attribute/community/initial/`: COMMUNITIES (RFC 1997).

mod communities;
mod community;

pub use communities::Communities;
pub use community::Community;
