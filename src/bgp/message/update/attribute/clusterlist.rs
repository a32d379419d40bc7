//! Ports `exabgp/bgp/message/update/attribute/clusterlist.py`: CLUSTER_LIST (RFC 4456 §8, RFC 7606 §7.10).

use super::Malformed;
use crate::util::json;
use bytes::{BufMut, BytesMut};
use std::net::Ipv4Addr;

/// CLUSTER_LIST: the cluster ids the route went through, in wire order.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct ClusterList(pub Vec<Ipv4Addr>);

impl ClusterList {
    /// RFC 7606 §7.10: a length that is not a multiple of four is malformed.
    pub fn decode(data: &[u8]) -> Result<ClusterList, Malformed> {
        if data.len() % 4 != 0 {
            return Err(Malformed(5));
        }
        Ok(ClusterList(
            data.chunks_exact(4)
                .map(|c| Ipv4Addr::new(c[0], c[1], c[2], c[3]))
                .collect(),
        ))
    }

    pub fn encode(&self, out: &mut BytesMut) {
        for id in &self.0 {
            out.put_slice(&id.octets());
        }
    }

    /// `[ "1.1.1.1", "2.2.2.2" ]`
    pub fn json(&self, out: &mut String) {
        out.push_str("[ ");
        let mut items = json::Members::new(out);
        for id in &self.0 {
            items.quoted(id);
        }
        out.push_str(" ]");
    }
}
