//! Ports `exabgp/bgp/message/update/attribute/bgpls/linkstate.py`: the BGP-LS attribute
//! (RFC 9552 §5.3, code 29), its TLVs decoded into ExaBGP's JSON. The TLVs of each kind are
//! in `node.rs`, `link.rs` and `prefix.rs`.

pub mod link;
pub mod node;
pub mod prefix;

use super::Malformed;
use crate::bgp::message::reader::Reader;
use crate::bgp::message::update::nlri::cidr::write_ip;
use crate::util::json;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What one TLV renders to.
pub(crate) enum Render {
    /// Members of the attribute's object (`"igp-metric": 10`), each key at most once.
    Members(Vec<(&'static str, String)>),
    /// One element of a list that every TLV of the key adds to (`"sr-adjs": [ ... ]`).
    Merge(String, String),
}

/// The attribute: its value as received, and ExaBGP's JSON for it.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct LinkState {
    pub raw: Vec<u8>,
    json: String,
}

impl LinkState {
    /// Decodes the value. A TLV running past the end, of the wrong size, or repeated when it
    /// may not be, is Malformed (RFC 9552 §8.2.2: the attribute is discarded).
    pub fn decode(data: &[u8]) -> Result<LinkState, Malformed> {
        let mut merged: Vec<(String, Vec<String>)> = Vec::new();
        let mut members: Vec<(&'static str, String)> = Vec::new();
        let mut r = Reader::new(data);
        while !r.is_empty() {
            let (Some(code), Some(length)) = (r.u16(), r.u16()) else {
                return Err(Malformed(5));
            };
            let value = r.take(usize::from(length)).ok_or(Malformed(5))?;
            let render = node::render(code, value)
                .or_else(|| link::render(code, value))
                .or_else(|| prefix::render(code, value))
                .unwrap_or_else(|| {
                    Ok(Render::Merge(
                        format!("generic-lsid-{code}"),
                        format!("\"{}\"", hex(value)),
                    ))
                })?;
            match render {
                Render::Members(list) => {
                    for (key, json) in list {
                        if members.iter().any(|(k, _)| *k == key) {
                            return Err(Malformed(5));
                        }
                        members.push((key, json));
                    }
                }
                Render::Merge(key, json) => match merged.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, list)) => list.push(json),
                    None => merged.push((key, vec![json])),
                },
            }
        }
        let mut json = String::from("{ ");
        let mut parts = json::Members::new(&mut json);
        for (key, list) in merged {
            let out = parts.next();
            json::key(out, &key);
            out.push('[');
            let mut items = json::Members::new(out);
            for item in list {
                items.item(item);
            }
            out.push(']');
        }
        for (key, value) in members {
            parts.field(key, value);
        }
        json.push_str(" }");
        Ok(LinkState {
            raw: data.to_vec(),
            json,
        })
    }

    pub fn json(&self, out: &mut String) {
        out.push_str(&self.json);
    }
}

pub(crate) use crate::util::hex::hexstring as hex;

/// Lower-case hexadecimal without prefix, as ExaBGP shows opaque TLVs.
pub(crate) fn opaque(value: &[u8]) -> String {
    format!("\"{}\"", crate::util::hex::lower(value))
}

/// A big-endian number of up to eight bytes.
pub(crate) fn number(value: &[u8]) -> u64 {
    value.iter().fold(0, |n, b| n << 8 | u64::from(*b))
}

/// `value` if it is exactly `size` bytes.
pub(crate) fn sized(value: &[u8], size: usize) -> Result<&[u8], Malformed> {
    (value.len() == size).then_some(value).ok_or(Malformed(5))
}

/// A four- or sixteen-byte address as a JSON string.
pub(crate) fn address(value: &[u8]) -> Result<String, Malformed> {
    let ip = match value.len() {
        4 => IpAddr::V4(Ipv4Addr::new(value[0], value[1], value[2], value[3])),
        16 => IpAddr::V6(Ipv6Addr::from(
            <[u8; 16]>::try_from(value).map_err(|_| Malformed(5))?,
        )),
        _ => return Err(Malformed(5)),
    };
    let mut out = String::from("\"");
    write_ip(&mut out, ip);
    out.push('"');
    Ok(out)
}

/// An IEEE 754 single-precision number as Python prints the double it becomes.
pub(crate) fn float(value: &[u8]) -> Result<String, Malformed> {
    let raw: [u8; 4] = value.try_into().map_err(|_| Malformed(5))?;
    let float = f64::from(f32::from_be_bytes(raw));
    Ok(if float.is_finite() {
        format!("{float:?}")
    } else {
        // JSON has no infinity nor NaN
        "null".to_string()
    })
}
/// The SIDs of an SR adjacency or prefix SID TLV (RFC 9085 §2.2.1, §2.3.1): three-byte labels
/// when the V and L flags are both set, four-byte indexes when neither is; any other mix is
/// left undecoded, as hex, as ExaBGP does.
pub(crate) fn sid_list(data: &[u8], v: bool, l: bool) -> (Vec<String>, Vec<String>) {
    let size = match (v, l) {
        (true, true) => 3,
        (false, false) => 4,
        _ if data.is_empty() => return (Vec::new(), Vec::new()),
        _ => return (Vec::new(), vec![format!("\"{}\"", hex(data))]),
    };
    let mut r = Reader::new(data);
    let mut sids = Vec::new();
    while let Some(sid) = r.take(size) {
        sids.push(number(sid).to_string());
    }
    (sids, Vec::new())
}

/// ExaBGP's `FlagLS`: the first byte's bits named from the most significant, reserved ones
/// (`RSV`) always 0.
pub(crate) fn flags(byte: u8, names: &[&str]) -> String {
    let mut out = String::from("{");
    let mut parts = json::Members::new(&mut out);
    // a name given twice (the reserved bits) is written once, where it first comes
    for (i, name) in names.iter().enumerate() {
        if names[..i].contains(name) {
            continue;
        }
        let bit = if *name == "RSV" {
            0
        } else {
            (byte >> (7 - i)) & 1
        };
        parts.field(name, bit);
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use crate::util::hex::test_unhex as unhex;

    fn json(text: &str) -> serde_json::Value {
        let mut out = String::new();
        LinkState::decode(&unhex(text)).unwrap().json(&mut out);
        serde_json::from_str(&out).unwrap()
    }

    #[test]
    fn qa_link_attribute() {
        // bgp-ls-5's attribute value
        let got = json(
            &[
                "0440000400000000",
                "044100044CEE6B28",
                "044200044CEE6B28",
                "04430020",
                &"4CEE6B28".repeat(8),
                "0444000400000014",
                "0447000300000A",
                "044B000730000000049310",
                "044B000770000000049300",
            ]
            .concat(),
        );
        let want: serde_json::Value = serde_json::from_str(r#"{ "sr-adjs": [{"flags": {"F": 0, "B": 0, "V": 1, "L": 1, "S": 0, "P": 0, "RSV": 0}, "sids": [299792], "weight": 0, "undecoded-sids": []}, {"flags": {"F": 0, "B": 1, "V": 1, "L": 1, "S": 0, "P": 0, "RSV": 0}, "sids": [299776], "weight": 0, "undecoded-sids": []}], "admin-group-mask": 0, "maximum-link-bandwidth": 125000000.0, "maximum-reservable-link-bandwidth": 125000000.0, "unreserved-bandwidth": [125000000.0, 125000000.0, 125000000.0, 125000000.0, 125000000.0, 125000000.0, 125000000.0, 125000000.0], "te-metric": 20, "igp-metric": 10 }"#).unwrap();
        assert_eq!(got, want);
    }

    #[test]
    fn qa_node_attribute() {
        // bgp-ls-9's attribute value
        let got = json("010A0002010A04020006726F7574657204030003490090040400040A860029040A000C8000001F4004890003003E80040B00020001040C000C00000003E804890003003A98");
        let want: serde_json::Value = serde_json::from_str(r#"{ "generic-lsid-266": ["0x010A"], "node-name": "router", "area-ids": ["4784272"], "local-router-ids": ["10.134.0.41"], "sr-capability-flags": {"I": 1, "V": 0, "RSV": 0}, "sids": [[8000, 16000]], "sr-algorithms": [0, 1], "generic-lsid-1036": ["0x00000003E804890003003A98"] }"#).unwrap();
        assert_eq!(got, want);
    }

    #[test]
    fn prefix_sid_mpls_mask_and_opaque() {
        // worked out by hand: an index prefix SID of 16 (RFC 9085 §2.3.1), the LDP bit of the
        // MPLS protocol mask (RFC 9552 §5.3.2.2), an opaque link attribute
        let got = json("048600080000000000000010044600018004490002ABCD");
        let want: serde_json::Value = serde_json::from_str(r#"{ "sr-prefix-sids": [{"sr-prefix-flags": {"R": 0, "N": 0, "P": 0, "E": 0, "V": 0, "L": 0, "RSV": 0}, "sids": [16], "undecoded-sids": [], "sr-algorithm": 0}], "mpls-mask": {"LDP": 1, "RSVP-TE": 0, "RSV": 0}, "opaque-link": "abcd" }"#).unwrap();
        assert_eq!(got, want);
        // SRv6 capabilities with O, a locator of metric 10, End.X behavior 57 (RFC 9514 §3,
        // §5.1, §7.1), by hand
        let got = json("040E000400400000048A0008800000000000000A04E2000400390000");
        let want: serde_json::Value = serde_json::from_str(r#"{ "srv6-capabilities": {"flags": {"O": 64}}, "srv6-locators": [{"flags": {"D": 1, "RSV": 0}, "algorithm": 0, "metric": 10}], "srv6-endpoint-behavior": {"endpoint-behavior": 57, "flags": [], "algorithm": 0} }"#).unwrap();
        assert_eq!(got, want);
        // an index must be four bytes
        assert!(LinkState::decode(&unhex("04860007000000000000FF")).is_err());
    }

    #[test]
    fn malformed_values() {
        for bad in [
            "0447",
            "044700050001",
            "04470002000104470002000A",
            "0440000300",
        ] {
            assert!(LinkState::decode(&unhex(bad)).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..96), code in 256u16..1300) {
            let mut tlv = code.to_be_bytes().to_vec();
            tlv.extend_from_slice(&(data.len() as u16).to_be_bytes());
            tlv.extend_from_slice(&data);
            for input in [&data[..], &tlv[..]] {
                if let Ok(attribute) = LinkState::decode(input) {
                    let mut out = String::new();
                    attribute.json(&mut out);
                    prop_assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok(), "{}", out);
                }
            }
        }
    }
}
