//! Ports `exabgp/bgp/message/keepalive.py`: KEEPALIVE (RFC 4271 §4.4), a header without body.

use crate::bgp::message::{message, MessageType, Notification, HEADER_LEN};
use bytes::Bytes;

/// The whole KEEPALIVE message.
pub fn encode() -> Bytes {
    message(MessageType::KEEPALIVE, &[])
}

/// A KEEPALIVE with a body has a bad length: (1, 2) with the length as data (RFC 4271 §6.1).
pub fn decode(body: &[u8]) -> Result<(), Notification> {
    if body.is_empty() {
        return Ok(());
    }
    let len = (HEADER_LEN + body.len()).min(usize::from(u16::MAX)) as u16;
    Err(Notification::new(
        1,
        2,
        Bytes::copy_from_slice(&len.to_be_bytes()),
    ))
}
