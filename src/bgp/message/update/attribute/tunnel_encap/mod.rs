//! Ports `exabgp/bgp/message/update/attribute/tunnel_encap/__init__.py` and `tlv.py`: the
//! Tunnel Encapsulation attribute (RFC 9012 §2, code 23), its tunnel TLVs and their sub-TLVs.

pub mod sr_policy;

use super::Malformed;
use crate::bgp::message::reader::Reader;
use crate::util::json;
use bytes::{BufMut, BytesMut};
use std::fmt::Write;

pub use sr_policy::SrPolicyTunnel;

/// Tunnel type of an SR policy (RFC 9830 §2.3).
pub const SR_POLICY: u16 = 15;

/// The attribute: one TLV per tunnel.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct TunnelEncap {
    pub tunnels: Vec<Tunnel>,
}

/// One tunnel TLV.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Tunnel {
    SrPolicy(SrPolicyTunnel),
    /// A tunnel type this speaker does not decode, kept as sent.
    Generic {
        kind: u16,
        value: Vec<u8>,
    },
}

impl TunnelEncap {
    /// Decodes the attribute value; a TLV running past the end is Malformed (3, 1 as ExaBGP).
    pub fn decode(data: &[u8]) -> Result<TunnelEncap, Malformed> {
        let mut r = Reader::new(data);
        let mut tunnels = Vec::new();
        while !r.is_empty() {
            let (Some(kind), Some(length)) = (r.u16(), r.u16()) else {
                return Err(Malformed(1));
            };
            let value = r.take(usize::from(length)).ok_or(Malformed(1))?;
            tunnels.push(match kind {
                SR_POLICY => Tunnel::SrPolicy(SrPolicyTunnel::decode(value)?),
                _ => Tunnel::Generic {
                    kind,
                    value: value.to_vec(),
                },
            });
        }
        Ok(TunnelEncap { tunnels })
    }

    pub fn encode(&self, out: &mut BytesMut) {
        for tunnel in &self.tunnels {
            let mut value = BytesMut::new();
            let kind = match tunnel {
                Tunnel::SrPolicy(policy) => {
                    policy.encode(&mut value);
                    SR_POLICY
                }
                Tunnel::Generic { kind, value: raw } => {
                    value.put_slice(raw);
                    *kind
                }
            };
            out.put_u16(kind);
            out.put_u16(value.len() as u16);
            out.put_slice(&value);
        }
    }

    /// `{"sr-policy": {...}}`, unknown tunnels as `"tunnel-type-N": "0x..."`.
    pub fn json(&self, out: &mut String) {
        out.push('{');
        let mut members = json::Members::new(out);
        for tunnel in &self.tunnels {
            match tunnel {
                Tunnel::SrPolicy(policy) => policy.json(members.next()),
                Tunnel::Generic { kind, value } => {
                    members.text(&format!("tunnel-type-{kind}"), hex(value));
                }
            }
        }
        out.push('}');
    }

    /// `tunnel-encap [sr-policy {preference 100 ...}]`.
    pub fn text(&self, out: &mut String) {
        out.push_str("tunnel-encap [");
        for (i, tunnel) in self.tunnels.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            match tunnel {
                Tunnel::SrPolicy(policy) => policy.text(out),
                Tunnel::Generic { kind, .. } => {
                    let _ = write!(out, "tunnel-type:{kind}");
                }
            }
        }
        out.push(']');
    }
}

pub(crate) use crate::util::hex::hexstring as hex;

/// Splits a run of sub-TLVs (RFC 9012 §2: types below 128 have a one-byte length, the others
/// two) into (type, value) pairs.
pub(crate) fn subtlvs(data: &[u8]) -> Result<Vec<(u8, &[u8])>, Malformed> {
    let mut r = Reader::new(data);
    let mut out = Vec::new();
    while let Some(kind) = r.u8() {
        let length = if kind < 128 {
            r.u8().map(usize::from)
        } else {
            r.u16().map(usize::from)
        };
        let value = length.and_then(|n| r.take(n)).ok_or(Malformed(1))?;
        out.push((kind, value));
    }
    Ok(out)
}

/// Writes one sub-TLV with the length size its type calls for.
pub(crate) fn write_subtlv(kind: u8, value: &[u8], out: &mut BytesMut) {
    out.put_u8(kind);
    if kind < 128 {
        out.put_u8(value.len() as u8);
    } else {
        out.put_u16(value.len() as u16);
    }
    out.put_slice(value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use crate::util::hex::test_unhex as unhex;

    fn both_ways(wire: &str, json: &str) {
        let bytes = unhex(wire);
        let attribute = TunnelEncap::decode(&bytes).unwrap();
        let mut out = String::new();
        attribute.json(&mut out);
        assert_eq!(out, json);
        let mut packed = BytesMut::new();
        attribute.encode(&mut packed);
        assert_eq!(&packed[..], &bytes[..]);
    }

    #[test]
    fn qa_sr_policy_mpls() {
        // bgp-sr-policy-1's attribute value (binding SID flags 0x10 as ExaBGP sent them)
        both_ways(
            "000F00240C060000000000640D06100005DC01008000110009060000000000010106000003E81100",
            r#"{"sr-policy": {"preference": 100, "binding-sid": {"type": "mpls", "label": 24000}, "segment-lists": [{"weight": 1, "segments": [{"type": "A", "label": 16001, "tc": 0, "s": true, "ttl": 0}]}]}}"#,
        );
    }

    #[test]
    fn qa_sr_policy_srv6() {
        // bgp-sr-policy-2's attribute value
        both_ways(
            "000F005C0C060000000000C814120000FC0000000000000000000000000000018000250009060000000000020D1A1000FC000000000000000000000000000001004100002000100082000A006D792D706F6C696379810008007072696D617279",
            r#"{"sr-policy": {"preference": 200, "srv6-binding-sid": "fc00::1", "policy-name": "my-policy", "candidate-path-name": "primary", "segment-lists": [{"weight": 2, "segments": [{"type": "B", "sid": "fc00::1", "endpoint-behavior": {"behavior": 65, "lb-length": 32, "ln-length": 0, "fun-length": 16, "arg-length": 0}}]}]}}"#,
        );
    }

    #[test]
    fn segment_types_c_e_i() {
        // worked out by hand (RFC 9830 §2.4.4.2.3, .5, .9): weight 1, type E interface 1 on
        // 10.0.0.1, type C 10.0.0.2 with label 16001 at the bottom of the stack, type I
        // 2001:db8::1 with algorithm 128
        both_ways(
            &[
                "000F0038",
                "80003500",
                "0906000000000001",
                "050A0000000000010A000001",
                "030A00000A00000203E81100",
                "0E12408020010DB8000000000000000000000001",
            ]
            .concat(),
            r#"{"sr-policy": {"segment-lists": [{"weight": 1, "segments": [{"type": "E", "local_if_id": 1, "ipv4_node": "10.0.0.1"}, {"type": "C", "ipv4_node": "10.0.0.2", "algorithm": 0, "sid": 16001, "tc": 0, "s": true, "ttl": 0}, {"type": "I", "ipv6_node": "2001:db8::1", "algorithm": 128}]}]}}"#,
        );
    }

    #[test]
    fn unknown_tunnels_and_sub_tlvs_are_kept() {
        both_ways("000800020102", r#"{"tunnel-type-8": "0x0102"}"#);
        both_ways(
            "000F0004630201FF",
            r#"{"sr-policy": {"unknown-subtlv-99": "0x01FF"}}"#,
        );
        for bad in ["000F", "000F0005630201FF", "000F0003C80001"] {
            assert!(TunnelEncap::decode(&unhex(bad)).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..80)) {
            if let Ok(attribute) = TunnelEncap::decode(&data) {
                let mut json = String::new();
                attribute.json(&mut json);
                let mut packed = BytesMut::new();
                attribute.encode(&mut packed);
                prop_assert_eq!(TunnelEncap::decode(&packed).unwrap(), attribute);
            }
        }
    }
}
