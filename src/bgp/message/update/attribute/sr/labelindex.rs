//! Ports `exabgp/bgp/message/update/attribute/sr/labelindex.py`: the Label-Index TLV (RFC 8669 §3.1).

use crate::bgp::message::reader::Reader;
use crate::bgp::message::update::attribute::Malformed;
use bytes::{BufMut, BytesMut};

/// TLV type 1: reserved (1), flags (2), label index (4).
pub const TLV: u8 = 1;
const LENGTH: usize = 7;

/// The label index of a value of the TLV; RFC 8669 §3.1 fixes its length at 7.
pub fn decode(value: &[u8]) -> Result<u32, Malformed> {
    let mut r = Reader::new(value);
    match (r.u8(), r.u16(), r.u32()) {
        (Some(_reserved), Some(_flags), Some(index)) if r.is_empty() => Ok(index),
        _ => Err(Malformed(5)),
    }
}

/// The whole TLV, reserved and flags zero.
pub fn encode(index: u32, out: &mut BytesMut) {
    out.put_u8(TLV);
    out.put_u16(LENGTH as u16);
    out.put_u8(0);
    out.put_u16(0);
    out.put_u32(index);
}
