//! Ports `exabgp/bgp/message/update/attribute/sr/srv6/sidinformation.py`: the SRv6 SID Information Sub-TLV (RFC 9252 §3.1).

use super::{hex, tlvs, SidStructure};
use crate::bgp::message::reader::Reader;
use crate::bgp::message::update::attribute::Malformed;
use bytes::{BufMut, BytesMut};
use std::fmt::Write;
use std::net::Ipv6Addr;

/// A Sub-Sub-TLV of the SID information: the SID structure, or one kept as received.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum SubSubTlv {
    Structure(SidStructure),
    Unknown(u8, Vec<u8>),
}

/// An SRv6 SID with its endpoint behavior (RFC 8986 §10.2).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct SidInformation {
    pub sid: Ipv6Addr,
    pub behavior: u16,
    pub subsubtlvs: Vec<SubSubTlv>,
}

impl SidInformation {
    pub const TLV: u8 = 1;

    /// `reserved (1) SID (16) flags (1) behavior (2) reserved (1) sub-sub-TLVs`.
    pub fn decode(value: &[u8]) -> Result<SidInformation, Malformed> {
        let mut r = Reader::new(value);
        let (Some(_), Some(sid), Some(_), Some(behavior), Some(_)) =
            (r.u8(), r.array::<16>(), r.u8(), r.u16(), r.u8())
        else {
            return Err(Malformed(1));
        };
        let subsubtlvs = tlvs(r.rest())
            .ok_or(Malformed(1))?
            .into_iter()
            .map(|(code, value)| match SidStructure::decode(value) {
                Some(structure) if code == SidStructure::TLV => SubSubTlv::Structure(structure),
                _ => SubSubTlv::Unknown(code, value.to_vec()),
            })
            .collect();
        Ok(SidInformation {
            sid: Ipv6Addr::from(sid),
            behavior,
            subsubtlvs,
        })
    }

    pub fn encode(&self, out: &mut BytesMut) {
        let mut inner = BytesMut::new();
        for subsub in &self.subsubtlvs {
            match subsub {
                SubSubTlv::Structure(structure) => structure.encode(&mut inner),
                SubSubTlv::Unknown(code, value) => {
                    inner.put_u8(*code);
                    inner.put_u16(value.len() as u16);
                    inner.put_slice(value);
                }
            }
        }
        out.put_u8(Self::TLV);
        out.put_u16((21 + inner.len()) as u16);
        out.put_u8(0);
        out.put_slice(&self.sid.octets());
        out.put_u8(0);
        out.put_u16(self.behavior);
        out.put_u8(0);
        out.put_slice(&inner);
    }

    /// `{ "sid": "2001:1::", "flags": 0, "endpoint_behavior": 0, "structure": {...} }`.
    pub fn json(&self, out: &mut String) {
        let _ = write!(
            out,
            "{{ \"sid\": \"{}\", \"flags\": 0, \"endpoint_behavior\": {}",
            self.sid, self.behavior
        );
        for subsub in &self.subsubtlvs {
            out.push_str(", ");
            match subsub {
                SubSubTlv::Structure(structure) => structure.json(out),
                SubSubTlv::Unknown(code, value) => {
                    let _ = write!(out, "{{\"type\": {code}, \"raw\": \"{}\"}}", hex(value));
                }
            }
        }
        out.push_str(" }");
    }

    /// ExaBGP's text: `sid-information [ sid:2001:1:: flags:0 endpoint_behavior:0x0 ` and the
    /// sub-sub-TLVs in brackets (ExaBGP never closes the outer bracket).
    pub fn text(&self, out: &mut String) {
        let _ = write!(
            out,
            "sid-information [ sid:{} flags:0 endpoint_behavior:0x{:x} ",
            self.sid, self.behavior
        );
        if !self.subsubtlvs.is_empty() {
            out.push_str(" [ ");
            for (n, subsub) in self.subsubtlvs.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                match subsub {
                    SubSubTlv::Structure(structure) => structure.text(out),
                    SubSubTlv::Unknown(code, _) => {
                        let _ = write!(
                            out,
                            "SRv6 Service Data Sub-Sub-TLV type {code} not implemented"
                        );
                    }
                }
            }
            out.push_str(" ]");
        }
    }
}
