//! Ports `exabgp/bgp/message/update/attribute/aigp.py`: ACCUMULATED IGP METRIC (RFC 7311 §3, §4).

use super::Malformed;
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
        let mut rest = data;
        let mut metric = None;
        while !rest.is_empty() {
            let [kind, hi, lo, ..] = *rest else {
                return Err(Malformed(5));
            };
            let len = u16::from_be_bytes([hi, lo]);
            if len < 3 || rest.len() < len as usize {
                return Err(Malformed(5));
            }
            if kind == Aigp::TLV_TYPE {
                if len != Aigp::TLV_LEN {
                    return Err(Malformed(5));
                }
                if metric.is_none() {
                    let mut value = [0u8; 8];
                    value.copy_from_slice(&rest[3..11]);
                    metric = Some(u64::from_be_bytes(value));
                }
            }
            rest = &rest[len as usize..];
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
