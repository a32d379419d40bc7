//! Ports `exabgp/bgp/message/update/eor.py`: End-of-RIB markers (RFC 4724 §2).

use crate::bgp::message::MessageType;
use crate::protocol::family::Family;
use bytes::{BufMut, Bytes, BytesMut};
use std::fmt::Write;

/// The End-of-RIB UPDATE for `family`: empty for IPv4 unicast, otherwise an empty
/// MP_UNREACH_NLRI (flags 0x90 as ExaBGP writes it).
pub fn message_body(family: Family) -> BytesMut {
    let mut body = BytesMut::with_capacity(11);
    if family == Family::IPV4_UNICAST {
        body.put_u32(0);
        return body;
    }
    body.put_u16(0);
    body.put_u16(7);
    body.put_slice(&[0x90, 0x0f, 0x00, 0x03]);
    body.put_u16(family.afi.0);
    body.put_u8(family.safi.0);
    body
}

/// The whole End-of-RIB message, header included.
pub fn message(family: Family) -> Bytes {
    crate::bgp::message::message(MessageType::UPDATE, &message_body(family))
}

/// `{ "eor": { "afi" : "ipv6", "safi" : "unicast" } }`, ExaBGP's spacing included.
pub fn json(family: Family, out: &mut String) {
    let _ = write!(
        out,
        "{{ \"eor\": {{ \"afi\" : \"{}\", \"safi\" : \"{}\" }} }}",
        family.afi, family.safi
    );
}
