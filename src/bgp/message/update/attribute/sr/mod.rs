//! Ports `exabgp/bgp/message/update/attribute/sr/`: the BGP Prefix-SID attribute and its TLVs (RFC 8669, RFC 9252).

pub mod labelindex;
pub mod prefixsid;
pub mod srgb;
pub mod srv6;

pub use prefixsid::{PrefixSid, SrTlv};
