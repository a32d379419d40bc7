//! Ports `exabgp/bgp/message/update/attribute/`: path attributes (RFC 4271 §4.3, §5; RFC 7606).

pub mod community;
