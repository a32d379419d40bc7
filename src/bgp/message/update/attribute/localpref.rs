//! Ports `exabgp/bgp/message/update/attribute/localpref.py`: LOCAL_PREF (RFC 4271 §4.3 type 5, RFC 7606 §7.5).

use super::{four_bytes, Malformed};
use bytes::{BufMut, BytesMut};

/// LOCAL_PREF.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct LocalPreference(pub u32);

impl LocalPreference {
    /// RFC 7606 §7.5: a length other than four is malformed.
    pub fn decode(data: &[u8]) -> Result<LocalPreference, Malformed> {
        four_bytes(data).map(LocalPreference)
    }

    pub fn encode(&self, out: &mut BytesMut) {
        out.put_u32(self.0);
    }
}
