//! Ports `exabgp/bgp/message/open/__init__.py`: the OPEN message (RFC 4271 §4.2, RFC 5492 optional parameters).

pub mod capability;

use crate::bgp::message::Notification;
use bytes::Bytes;
use capability::Capabilities;
use std::net::Ipv4Addr;

/// An OPEN message. `asn` is the two-byte field (AS_TRANS, 23456, when the real ASN needs four bytes).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Open {
    pub version: u8,
    pub asn: u16,
    pub hold_time: u16,
    pub router_id: Ipv4Addr,
    pub capabilities: Capabilities,
}

impl Open {
    /// Decodes an OPEN body (header removed). Errors are RFC 4271 §6.2 NOTIFICATIONs.
    pub fn decode(_body: &[u8]) -> Result<Open, Notification> {
        todo!("issue 2: OPEN codec")
    }

    /// The whole OPEN message, header included.
    pub fn encode(&self) -> Bytes {
        todo!("issue 2: OPEN codec")
    }
}
