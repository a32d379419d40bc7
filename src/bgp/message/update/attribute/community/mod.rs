//! Ports `exabgp/bgp/message/update/attribute/community/`: standard, extended and large communities.

pub mod extended;
pub mod initial;
pub mod large;
