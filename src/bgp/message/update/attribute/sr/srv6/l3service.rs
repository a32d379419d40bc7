//! Ports `exabgp/bgp/message/update/attribute/sr/srv6/l3service.py` and `l2service.py`: the SRv6 L3 (type 5) and L2 (type 6) Service TLVs (RFC 9252 §2), which share one layout.

use super::{hex, tlvs, SidInformation};
use crate::bgp::message::update::attribute::Malformed;
use bytes::{BufMut, BytesMut};
use std::fmt::Write;

pub const L3_SERVICE: u8 = 5;
pub const L2_SERVICE: u8 = 6;

/// A Sub-TLV of a service TLV: SID information, or one kept as received.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum SubTlv {
    SidInformation(SidInformation),
    Unknown(u8, Vec<u8>),
}

/// The value of an SRv6 service TLV: a reserved byte then Sub-TLVs.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Service(pub Vec<SubTlv>);

impl Service {
    pub fn decode(value: &[u8]) -> Result<Service, Malformed> {
        let (_reserved, rest) = value.split_first().ok_or(Malformed(1))?;
        let subtlvs = tlvs(rest)
            .ok_or(Malformed(1))?
            .into_iter()
            .map(|(code, value)| {
                Ok(if code == SidInformation::TLV {
                    SubTlv::SidInformation(SidInformation::decode(value)?)
                } else {
                    SubTlv::Unknown(code, value.to_vec())
                })
            })
            .collect::<Result<Vec<_>, Malformed>>()?;
        Ok(Service(subtlvs))
    }

    /// The whole TLV of type `tlv` (L3_SERVICE or L2_SERVICE).
    pub fn encode(&self, tlv: u8, out: &mut BytesMut) {
        let mut inner = BytesMut::new();
        for subtlv in &self.0 {
            match subtlv {
                SubTlv::SidInformation(info) => info.encode(&mut inner),
                SubTlv::Unknown(code, value) => {
                    inner.put_u8(*code);
                    inner.put_u16(value.len() as u16);
                    inner.put_slice(value);
                }
            }
        }
        out.put_u8(tlv);
        out.put_u16((1 + inner.len()) as u16);
        out.put_u8(0);
        out.put_slice(&inner);
    }

    /// `[ { "sid": ... }, ... ]`.
    pub fn json(&self, out: &mut String) {
        out.push_str("[ ");
        for (n, subtlv) in self.0.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            match subtlv {
                SubTlv::SidInformation(info) => info.json(out),
                SubTlv::Unknown(code, value) => {
                    let _ = write!(out, "{{\"type\": {code}, \"raw\": \"{}\"}}", hex(value));
                }
            }
        }
        out.push_str(" ]");
    }

    /// `[ sid-information [ ... ]`, the Sub-TLVs comma separated.
    pub fn text(&self, out: &mut String) {
        out.push_str("[ ");
        for (n, subtlv) in self.0.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            match subtlv {
                SubTlv::SidInformation(info) => info.text(out),
                SubTlv::Unknown(code, _) => {
                    let _ = write!(out, "SRv6 Service Sub-TLV type {code} not implemented");
                }
            }
        }
        out.push_str(" ]");
    }
}
