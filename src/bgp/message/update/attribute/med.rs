//! Ports `exabgp/bgp/message/update/attribute/med.py`: MULTI_EXIT_DISC (RFC 4271 §4.3 type 4, RFC 7606 §7.4).

use super::{four_bytes, Malformed};
use bytes::{BufMut, BytesMut};

/// MULTI_EXIT_DISC.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Med(pub u32);

impl Med {
    /// RFC 7606 §7.4: a length other than four is malformed.
    pub fn decode(data: &[u8]) -> Result<Med, Malformed> {
        four_bytes(data).map(Med)
    }

    pub fn encode(&self, out: &mut BytesMut) {
        out.put_u32(self.0);
    }
}
