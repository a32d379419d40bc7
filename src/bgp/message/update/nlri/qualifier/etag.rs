//! Ports `exabgp/bgp/message/update/nlri/qualifier/etag.py`: the Ethernet Tag ID (RFC 7432 §7).

use crate::bgp::message::reader::Reader;

/// A 32-bit Ethernet Tag ID (a VLAN ID or a VNI, by service).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct EthernetTag(pub u32);

impl EthernetTag {
    pub const LEN: usize = 4;

    pub fn decode(data: &[u8]) -> Option<EthernetTag> {
        Reader::new(data).u32().map(EthernetTag)
    }
}
