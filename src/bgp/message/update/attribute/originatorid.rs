//! Ports `exabgp/bgp/message/update/attribute/originatorid.py`: ORIGINATOR_ID (RFC 4456 §8, RFC 7606 §7.9).

use super::{four_bytes, Malformed};
use bytes::{BufMut, BytesMut};
use std::net::Ipv4Addr;

/// ORIGINATOR_ID: the router id of the route's originator in the cluster.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct OriginatorId(pub Ipv4Addr);

impl OriginatorId {
    /// RFC 7606 §7.9: a length other than four is malformed.
    pub fn decode(data: &[u8]) -> Result<OriginatorId, Malformed> {
        four_bytes(data).map(|v| OriginatorId(Ipv4Addr::from(v)))
    }

    pub fn encode(&self, out: &mut BytesMut) {
        out.put_slice(&self.0.octets());
    }
}
