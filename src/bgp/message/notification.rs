//! Ports `exabgp/bgp/message/notification.py`: NOTIFICATION (RFC 4271 §4.5, §6), shutdown text (RFC 9003).

use bytes::Bytes;

/// A NOTIFICATION message, also the error every decoder returns when the session must reset.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Notification {
    pub code: u8,
    pub subcode: u8,
    pub data: Bytes,
}

impl Notification {
    pub fn new(code: u8, subcode: u8, data: Bytes) -> Notification {
        Notification {
            code,
            subcode,
            data,
        }
    }
}
