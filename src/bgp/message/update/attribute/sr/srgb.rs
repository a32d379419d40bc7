//! Ports `exabgp/bgp/message/update/attribute/sr/srgb.py`: the Originator SRGB TLV (RFC 8669 §3.2).

use crate::bgp::message::reader::Reader;
use crate::bgp::message::update::attribute::Malformed;
use bytes::{BufMut, BytesMut};

/// TLV type 3: flags (2), then (base, range) pairs of 3 bytes each.
pub const TLV: u8 = 3;

/// The (base, range) pairs of a value of the TLV.
pub fn decode(value: &[u8]) -> Result<Vec<(u32, u32)>, Malformed> {
    let mut r = Reader::new(value);
    let _flags = r.u16().ok_or(Malformed(5))?;
    if r.remaining() % 6 != 0 {
        return Err(Malformed(5));
    }
    let mut ranges = Vec::with_capacity(r.remaining() / 6);
    while let (Some(base), Some(range)) = (r.u24(), r.u24()) {
        ranges.push((base, range));
    }
    Ok(ranges)
}

/// The whole TLV, flags zero; values are 24-bit (the configuration checks them).
pub fn encode(srgbs: &[(u32, u32)], out: &mut BytesMut) {
    out.put_u8(TLV);
    out.put_u16((2 + 6 * srgbs.len()) as u16);
    out.put_u16(0);
    for (base, range) in srgbs {
        out.put_slice(&base.to_be_bytes()[1..]);
        out.put_slice(&range.to_be_bytes()[1..]);
    }
}
