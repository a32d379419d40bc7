//! Ports `exabgp/bgp/message/update/attribute/nexthop.py`: NEXT_HOP (RFC 4271 §4.3 type 3, §5.1.3, RFC 7606 §7.3).

use super::{four_bytes, Malformed};
use bytes::{BufMut, BytesMut};
use std::net::Ipv4Addr;

/// NEXT_HOP: the IPv4 next hop of the routes in the UPDATE body.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct NextHop(pub Ipv4Addr);

impl NextHop {
    /// RFC 7606 §7.3: a length other than four is malformed.
    pub fn decode(data: &[u8]) -> Result<NextHop, Malformed> {
        four_bytes(data).map(|v| NextHop(Ipv4Addr::from(v)))
    }

    pub fn encode(&self, out: &mut BytesMut) {
        out.put_slice(&self.0.octets());
    }
}
