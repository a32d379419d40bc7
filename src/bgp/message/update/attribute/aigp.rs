//! Ports `exabgp/bgp/message/update/attribute/aigp.py`: ACCUMULATED IGP METRIC (RFC 7311 §3, §4).

use super::Malformed;
use crate::bgp::message::reader::Reader;
use bytes::{BufMut, BytesMut};

/// AIGP: the accumulated IGP metric (the AIGP TLV, type 1).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Aigp(pub u64);

impl Aigp {
    const TLV_TYPE: u8 = 1;
    const TLV_LEN: u16 = 11;

    /// RFC 7311 §3: a sequence of TLVs; the first AIGP TLV (length 11) is used, other types
    /// are skipped. A TLV that overruns the attribute or an AIGP TLV of the wrong length is
    /// malformed, as is an attribute with no AIGP TLV (ExaBGP's reading).
    pub fn decode(data: &[u8]) -> Result<Aigp, Malformed> {
        let mut r = Reader::new(data);
        let mut metric = None;
        while !r.is_empty() {
            let (Some(kind), Some(len)) = (r.u8(), r.u16()) else {
                return Err(Malformed(5));
            };
            // the TLV length counts its own three header bytes
            let value = usize::from(len)
                .checked_sub(3)
                .and_then(|n| r.take(n))
                .ok_or(Malformed(5))?;
            if kind == Aigp::TLV_TYPE {
                if len != Aigp::TLV_LEN {
                    return Err(Malformed(5));
                }
                if metric.is_none() {
                    metric = Reader::new(value).u64();
                }
            }
        }
        metric.map(Aigp).ok_or(Malformed(5))
    }

    pub fn encode(&self, out: &mut BytesMut) {
        out.put_u8(Aigp::TLV_TYPE);
        out.put_u16(Aigp::TLV_LEN);
        out.put_u64(self.0);
    }

    /// ExaBGP prints the metric as `0x` and sixteen hex digits.
    pub fn text(&self) -> String {
        format!("0x{:016x}", self.0)
    }
}
