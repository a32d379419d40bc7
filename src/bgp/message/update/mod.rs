//! Ports `exabgp/bgp/message/update/__init__.py`: the UPDATE message (RFC 4271 §4.3, RFC 4760, RFC 7606).

pub mod attribute;

use crate::bgp::message::open::capability::negotiated::Negotiated;
use crate::bgp::message::Notification;
use bytes::Bytes;

/// An UPDATE message (filled in by the codec work of issue 2).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Update {}

impl Update {
    /// Decodes an UPDATE body. RFC 7606 treat-as-withdraw and attribute-discard are applied
    /// inside; only errors that reset the session come back as a NOTIFICATION.
    pub fn decode(_body: Bytes, _negotiated: &Negotiated) -> Result<Update, Notification> {
        todo!("issue 2: UPDATE codec")
    }
}
