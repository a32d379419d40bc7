//! Ports `exabgp/bgp/message/update/attribute/sr/prefixsid.py`: the BGP Prefix-SID attribute, code 40 (RFC 8669 §3, RFC 9252 §2).

use super::srv6::l3service::{L2_SERVICE, L3_SERVICE};
use super::srv6::sidinformation::SubSubTlv;
use super::srv6::{l3service::SubTlv, tlvs, Service, SidInformation, SidStructure};
use super::{labelindex, srgb};
use crate::bgp::message::update::attribute::Malformed;
use crate::util::json;
use bytes::{BufMut, BytesMut};
use std::fmt::Write;
use std::net::Ipv6Addr;

/// One TLV of the attribute.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum SrTlv {
    LabelIndex(u32),
    Srgb(Vec<(u32, u32)>),
    L3Service(Service),
    L2Service(Service),
    /// A TLV type this speaker does not decode, kept to be passed on.
    Unknown(u8, Vec<u8>),
}

/// The TLVs, in the order received or configured.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct PrefixSid(pub Vec<SrTlv>);

impl PrefixSid {
    /// RFC 8669 §5: a malformed attribute is treat-as-withdraw (the caller's RFC 7606 action).
    pub fn decode(data: &[u8]) -> Result<PrefixSid, Malformed> {
        tlvs(data)
            .ok_or(Malformed(1))?
            .into_iter()
            .map(|(code, value)| {
                Ok(match code {
                    labelindex::TLV => SrTlv::LabelIndex(labelindex::decode(value)?),
                    srgb::TLV => SrTlv::Srgb(srgb::decode(value)?),
                    L3_SERVICE => SrTlv::L3Service(Service::decode(value)?),
                    L2_SERVICE => SrTlv::L2Service(Service::decode(value)?),
                    other => SrTlv::Unknown(other, value.to_vec()),
                })
            })
            .collect::<Result<Vec<_>, Malformed>>()
            .map(PrefixSid)
    }

    pub fn encode(&self, out: &mut BytesMut) {
        for tlv in &self.0 {
            match tlv {
                SrTlv::LabelIndex(index) => labelindex::encode(*index, out),
                SrTlv::Srgb(srgbs) => srgb::encode(srgbs, out),
                SrTlv::L3Service(service) => service.encode(L3_SERVICE, out),
                SrTlv::L2Service(service) => service.encode(L2_SERVICE, out),
                SrTlv::Unknown(code, value) => {
                    out.put_u8(*code);
                    out.put_u16(value.len() as u16);
                    out.put_slice(value);
                }
            }
        }
    }

    /// `{ "sr-label-index": 777, "sr-srgbs": [[800000, 4096]] }` (the SRGB list spaced as
    /// Python's `json.dumps`).
    pub fn json(&self, out: &mut String) {
        out.push_str("{ ");
        let mut members = json::Members::new(out);
        for tlv in &self.0 {
            let out = members.next();
            match tlv {
                SrTlv::LabelIndex(index) => {
                    json::field(out, "sr-label-index", index);
                }
                SrTlv::Srgb(srgbs) => {
                    json::key(out, "sr-srgbs");
                    out.push('[');
                    let mut items = json::Members::new(out);
                    for (base, range) in srgbs {
                        items.item(format_args!("[{base}, {range}]"));
                    }
                    out.push(']');
                }
                SrTlv::L3Service(service) => {
                    json::key(out, "l3-service");
                    service.json(out);
                }
                SrTlv::L2Service(service) => {
                    json::key(out, "l2-service");
                    service.json(out);
                }
                SrTlv::Unknown(code, value) => {
                    let hex: String = crate::util::hex::upper(value);
                    json::text(
                        out,
                        &format!("attribute-not-implemented-{code}"),
                        format_args!("0x{hex}"),
                    );
                }
            }
        }
        out.push_str(" }");
    }

    /// ExaBGP's text: `[ 300, [ ( 800000,4096 ), ( 1000000,5000 ) ] ]` with a label index,
    /// else each TLV's text.
    pub fn text(&self, out: &mut String) {
        let index = self.0.iter().find_map(|t| match t {
            SrTlv::LabelIndex(index) => Some(*index),
            _ => None,
        });
        if let Some(index) = index {
            let _ = write!(out, "[ {index}");
            if let Some(srgbs) = self.0.iter().find_map(|t| match t {
                SrTlv::Srgb(srgbs) => Some(srgbs),
                _ => None,
            }) {
                let items: Vec<String> = srgbs
                    .iter()
                    .map(|(base, range)| format!("( {base},{range} )"))
                    .collect();
                let _ = write!(out, ", [ {} ]", items.join(", "));
            }
            out.push_str(" ]");
            return;
        }
        out.push_str("[ ");
        for (n, tlv) in self.0.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            match tlv {
                SrTlv::L3Service(service) => {
                    out.push_str("l3-service ");
                    service.text(out);
                }
                SrTlv::L2Service(service) => {
                    out.push_str("l2-service ");
                    service.text(out);
                }
                SrTlv::Srgb(_) | SrTlv::LabelIndex(_) => {}
                SrTlv::Unknown(code, _) => {
                    let _ = write!(out, "Attribute with code [ {code} ] not implemented");
                }
            }
        }
        out.push_str(" ]");
    }

    /// The configuration's `bgp-prefix-sid [ INDEX ]` or `[ INDEX, [ ( BASE,RANGE ) ... ] ]`
    /// (ExaBGP's `prefix_sid`), given its tokens: the numbers in order, then pairs.
    pub fn parse_mpls(words: &[String]) -> Result<PrefixSid, String> {
        let bad = || "could not parse BGP PrefixSid attribute".to_string();
        let numbers = words
            .iter()
            .flat_map(|w| w.split([',', '(', ')', '[', ']']))
            .filter(|w| !w.is_empty())
            .map(|w| w.parse::<u32>().map_err(|_| bad()))
            .collect::<Result<Vec<u32>, String>>()?;
        let (&index, ranges) = numbers.split_first().ok_or_else(bad)?;
        if ranges.len() % 2 != 0 || ranges.iter().any(|v| *v >= 1 << 24) {
            return Err("could not parse SRGB tupple".into());
        }
        let mut tlvs = vec![SrTlv::LabelIndex(index)];
        if !ranges.is_empty() {
            tlvs.push(SrTlv::Srgb(
                ranges.chunks_exact(2).map(|p| (p[0], p[1])).collect(),
            ));
        }
        Ok(PrefixSid(tlvs))
    }

    /// The configuration's `bgp-prefix-sid-srv6 ( l3-service SID [BEHAVIOR] [ [ LBL, LNL, FL,
    /// AL, TL, TO ] ] )` (ExaBGP's `prefix_sid_srv6`; the behavior defaults to 0xFFFF), given
    /// its tokens with the parentheses.
    pub fn parse_srv6(words: &[String]) -> Result<PrefixSid, String> {
        let items: Vec<&str> = words
            .iter()
            .flat_map(|w| w.split(','))
            .filter(|w| !w.is_empty() && !matches!(*w, "(" | ")" | "[" | "]"))
            .collect();
        let number = |s: &str| match s.strip_prefix("0x") {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => s.parse().ok(),
        };
        let [service, sid, rest @ ..] = items.as_slice() else {
            return Err("expected '( l3-service|l2-service SID ... )'".into());
        };
        let sid: Ipv6Addr = sid
            .parse()
            .map_err(|_| format!("invalid SRv6 SID '{sid}'"))?;
        let behavior = match rest.first() {
            Some(b) => number(b)
                .and_then(|b| u16::try_from(b).ok())
                .ok_or_else(|| format!("invalid endpoint behavior '{b}'"))?,
            None => 0xFFFF,
        };
        let mut subsubtlvs = Vec::new();
        match rest.get(1..).unwrap_or_default() {
            [] => {}
            lengths if lengths.len() == 6 => {
                let mut structure = [0u8; 6];
                for (slot, value) in structure.iter_mut().zip(lengths) {
                    *slot = number(value)
                        .and_then(|v| u8::try_from(v).ok())
                        .ok_or_else(|| format!("invalid SID structure length '{value}'"))?;
                }
                subsubtlvs.push(SubSubTlv::Structure(SidStructure(structure)));
            }
            _ => {
                return Err("the SID structure is six lengths: [ LBL, LNL, FL, AL, TL, TO ]".into())
            }
        }
        let service_value = Service(vec![SubTlv::SidInformation(SidInformation {
            sid,
            behavior,
            subsubtlvs,
        })]);
        Ok(PrefixSid(vec![match *service {
            "l3-service" => SrTlv::L3Service(service_value),
            "l2-service" => SrTlv::L2Service(service_value),
            other => return Err(format!("expected l3-service or l2-service, got '{other}'")),
        }]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    use crate::util::hex::upper as hex;

    #[test]
    fn label_index_conf_prefix_sid() {
        // conf-prefix-sid.ci: C0280A 01 0007 00 0000 00000309
        let sid = PrefixSid::parse_mpls(&words("[ 777 ]")).unwrap();
        let mut out = BytesMut::new();
        sid.encode(&mut out);
        assert_eq!(hex(&out), "01000700000000000309");
        assert_eq!(PrefixSid::decode(&out).unwrap(), sid);
        let mut json = String::new();
        sid.json(&mut json);
        assert_eq!(json, r#"{ "sr-label-index": 777 }"#);
    }

    #[test]
    fn label_index_and_srgb() {
        let sid = PrefixSid::parse_mpls(&words("[ 300, [ ( 800000,4096 ), ( 1000000,5000 ) ] ]"))
            .unwrap();
        let mut out = BytesMut::new();
        sid.encode(&mut out);
        // SRGB: type 3, length 2 + 12, flags, 0C3500 001000, 0F4240 001388
        assert_eq!(
            hex(&out),
            "0100070000000000012C03000E00000C35000010000F4240001388"
        );
        assert_eq!(PrefixSid::decode(&out).unwrap(), sid);
        let mut json = String::new();
        sid.json(&mut json);
        assert_eq!(
            json,
            r#"{ "sr-label-index": 300, "sr-srgbs": [[800000, 4096], [1000000, 5000]] }"#
        );
        let mut text = String::new();
        sid.text(&mut text);
        assert_eq!(text, "[ 300, [ ( 800000,4096 ), ( 1000000,5000 ) ] ]");
    }

    #[test]
    fn srv6_l3_service_of_decoding_vpnv4_extended_nexthop() {
        // qa/decoding/vpnv4-extended-nexthop-1: the value of C0281C
        let raw = [
            0x05, 0x00, 0x19, 0x00, 0x01, 0x00, 0x15, 0x00, 0x20, 0x01, 0x00, 0x01, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x00,
        ];
        let sid = PrefixSid::decode(&raw).unwrap();
        let mut json = String::new();
        sid.json(&mut json);
        assert_eq!(
            json,
            r#"{ "l3-service": [ { "sid": "2001:1::", "flags": 0, "endpoint_behavior": 0 } ] }"#
        );
        let mut out = BytesMut::new();
        sid.encode(&mut out);
        assert_eq!(&out[..], &raw);
    }

    #[test]
    fn srv6_configuration_with_structure() {
        let sid = PrefixSid::parse_srv6(&words(
            "( l3-service 2001:db8:1:1:: 0x48 [ 64, 24, 16, 0, 0, 0 ] )",
        ))
        .unwrap();
        let mut out = BytesMut::new();
        sid.encode(&mut out);
        // type 5, len 1 + 24 + 9; SID information len 21 + 9, behavior 0x0048, structure TLV
        assert_eq!(
            hex(&out),
            "0500220001001E0020010DB800010001000000000000000000004800010006401810000000"
        );
        assert_eq!(PrefixSid::decode(&out).unwrap(), sid);
        let mut json = String::new();
        sid.json(&mut json);
        assert_eq!(
            json,
            r#"{ "l3-service": [ { "sid": "2001:db8:1:1::", "flags": 0, "endpoint_behavior": 72, "structure": {"locator-block-length": 64, "locator-node-length": 24, "function-length": 16, "argument-length": 0, "transposition-length": 0, "transposition-offset": 0} } ] }"#
        );
    }

    #[test]
    fn malformed() {
        assert!(PrefixSid::decode(&[1, 0, 6, 0, 0, 0, 0, 0, 0]).is_err());
        assert!(PrefixSid::decode(&[1, 0, 7, 0]).is_err());
        assert!(PrefixSid::decode(&[3, 0, 3, 0, 0, 1]).is_err());
        assert!(PrefixSid::parse_mpls(&words("[ 1, [ ( 2 ) ] ]")).is_err());
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(sid) = PrefixSid::decode(&data) {
                let mut out = BytesMut::new();
                sid.encode(&mut out);
                prop_assert_eq!(PrefixSid::decode(&out).unwrap(), sid);
            }
        }
    }
}
