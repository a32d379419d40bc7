//! Ports `exabgp/bgp/message/update/attribute/attribute.py`: path attributes, their codes and flags (RFC 4271 §4.3, §5; RFC 7606).

pub mod aggregator;
pub mod aigp;
pub mod aspath;
pub mod atomicaggregate;
pub mod bgpls;
pub mod clusterlist;
pub mod collection;
pub mod community;
pub mod generic;
pub mod localpref;
pub mod med;
pub mod mprnlri;
pub mod mpurnlri;
pub mod nexthop;
pub mod origin;
pub mod originatorid;
pub mod pmsi;
pub mod sr;
pub mod tunnel_encap;

pub use aggregator::Aggregator;
pub use aigp::Aigp;
pub use aspath::{AsPath, Segment, SegmentType};
pub use atomicaggregate::AtomicAggregate;
pub use bgpls::LinkState;
pub use clusterlist::ClusterList;
pub use collection::Attributes;
pub use community::extended::{ExtendedCommunities, Ipv6ExtendedCommunities};
pub use community::initial::Communities;
pub use community::large::LargeCommunities;
pub use generic::GenericAttribute;
pub use localpref::LocalPreference;
pub use med::Med;
pub use nexthop::NextHop;
pub use origin::Origin;
pub use originatorid::OriginatorId;
pub use pmsi::Pmsi;
pub use sr::PrefixSid;
pub use tunnel_encap::TunnelEncap;

use crate::bgp::message::open::capability::negotiated::Negotiated;
use crate::util::json;
use bytes::{BufMut, BytesMut};
use std::fmt::Write;

/// Attribute flag bits (RFC 4271 §4.3).
pub struct Flag;

impl Flag {
    pub const OPTIONAL: u8 = 0x80;
    pub const TRANSITIVE: u8 = 0x40;
    pub const PARTIAL: u8 = 0x20;
    pub const EXTENDED_LENGTH: u8 = 0x10;
}

/// Attribute type codes (IANA "BGP Path Attributes").
pub struct Code;

impl Code {
    pub const ORIGIN: u8 = 1;
    pub const AS_PATH: u8 = 2;
    pub const NEXT_HOP: u8 = 3;
    pub const MED: u8 = 4;
    pub const LOCAL_PREF: u8 = 5;
    pub const ATOMIC_AGGREGATE: u8 = 6;
    pub const AGGREGATOR: u8 = 7;
    pub const COMMUNITY: u8 = 8;
    pub const ORIGINATOR_ID: u8 = 9;
    pub const CLUSTER_LIST: u8 = 10;
    pub const MP_REACH_NLRI: u8 = 14;
    pub const MP_UNREACH_NLRI: u8 = 15;
    pub const EXTENDED_COMMUNITY: u8 = 16;
    pub const AS4_PATH: u8 = 17;
    pub const AS4_AGGREGATOR: u8 = 18;
    pub const PMSI_TUNNEL: u8 = 22;
    pub const TUNNEL_ENCAP: u8 = 23;
    pub const IPV6_EXTENDED_COMMUNITY: u8 = 25;
    pub const AIGP: u8 = 26;
    pub const BGP_LS: u8 = 29;
    pub const LARGE_COMMUNITY: u8 = 32;
    pub const BGP_PREFIX_SID: u8 = 40;

    /// The flags (optional and transitive bits) RFC 4271 and the attribute's RFC give a
    /// known attribute, or None for an attribute this speaker does not decode.
    pub fn flags(code: u8) -> Option<u8> {
        const WELL_KNOWN: u8 = Flag::TRANSITIVE;
        const OPTIONAL_TRANSITIVE: u8 = Flag::OPTIONAL | Flag::TRANSITIVE;
        Some(match code {
            Code::ORIGIN
            | Code::AS_PATH
            | Code::NEXT_HOP
            | Code::LOCAL_PREF
            | Code::ATOMIC_AGGREGATE => WELL_KNOWN,
            Code::MED | Code::ORIGINATOR_ID | Code::CLUSTER_LIST | Code::AIGP | Code::BGP_LS => {
                Flag::OPTIONAL
            }
            Code::MP_REACH_NLRI | Code::MP_UNREACH_NLRI => Flag::OPTIONAL,
            Code::AGGREGATOR
            | Code::COMMUNITY
            | Code::EXTENDED_COMMUNITY
            | Code::AS4_PATH
            | Code::AS4_AGGREGATOR
            | Code::TUNNEL_ENCAP
            | Code::IPV6_EXTENDED_COMMUNITY
            | Code::LARGE_COMMUNITY
            | Code::PMSI_TUNNEL
            | Code::BGP_PREFIX_SID => OPTIONAL_TRANSITIVE,
            _ => return None,
        })
    }
}

/// An attribute value that does not parse. The number is the RFC 4271 §6.3 UPDATE error
/// subcode that names the fault, used when the error resets the session.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Malformed(pub u8);

/// What RFC 7606 asks the receiver to do about a malformed attribute.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ErrorAction {
    /// §2: every NLRI of the UPDATE is handled as withdrawn.
    TreatAsWithdraw,
    /// §2: the attribute is dropped, the rest of the UPDATE used.
    Discard,
    /// §2: the session is reset with a NOTIFICATION.
    SessionReset,
}

impl ErrorAction {
    /// The action of RFC 7606 §7 (and RFC 6793 §6, RFC 7311 §4, RFC 8092 §6) for `code`.
    pub fn of(code: u8) -> ErrorAction {
        match code {
            Code::ATOMIC_AGGREGATE
            | Code::AGGREGATOR
            | Code::AS4_PATH
            | Code::AS4_AGGREGATOR
            | Code::BGP_LS => ErrorAction::Discard,
            Code::MP_REACH_NLRI | Code::MP_UNREACH_NLRI => ErrorAction::SessionReset,
            _ => ErrorAction::TreatAsWithdraw,
        }
    }
}

/// One path attribute. MP_REACH_NLRI and MP_UNREACH_NLRI are not kept here: their NLRI are
/// the UPDATE's announces and withdraws.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Attribute {
    Origin(Origin),
    AsPath(AsPath),
    NextHop(NextHop),
    Med(Med),
    LocalPreference(LocalPreference),
    AtomicAggregate(AtomicAggregate),
    Aggregator(Aggregator),
    Communities(Communities),
    OriginatorId(OriginatorId),
    ClusterList(ClusterList),
    ExtendedCommunities(ExtendedCommunities),
    /// Only kept when it could not be merged into AS_PATH (no AS_PATH came with it).
    As4Path(AsPath),
    /// Only kept when it could not be merged into AGGREGATOR.
    As4Aggregator(Aggregator),
    Aigp(Aigp),
    Ipv6ExtendedCommunities(Ipv6ExtendedCommunities),
    LargeCommunities(LargeCommunities),
    Pmsi(Pmsi),
    PrefixSid(PrefixSid),
    TunnelEncap(TunnelEncap),
    /// BGP-LS (decoded, kept as received).
    LinkState(LinkState),
    Generic(GenericAttribute),
}

impl Attribute {
    pub fn code(&self) -> u8 {
        match self {
            Attribute::Origin(_) => Code::ORIGIN,
            Attribute::AsPath(_) => Code::AS_PATH,
            Attribute::NextHop(_) => Code::NEXT_HOP,
            Attribute::Med(_) => Code::MED,
            Attribute::LocalPreference(_) => Code::LOCAL_PREF,
            Attribute::AtomicAggregate(_) => Code::ATOMIC_AGGREGATE,
            Attribute::Aggregator(_) => Code::AGGREGATOR,
            Attribute::Communities(_) => Code::COMMUNITY,
            Attribute::OriginatorId(_) => Code::ORIGINATOR_ID,
            Attribute::ClusterList(_) => Code::CLUSTER_LIST,
            Attribute::ExtendedCommunities(_) => Code::EXTENDED_COMMUNITY,
            Attribute::As4Path(_) => Code::AS4_PATH,
            Attribute::As4Aggregator(_) => Code::AS4_AGGREGATOR,
            Attribute::Aigp(_) => Code::AIGP,
            Attribute::Ipv6ExtendedCommunities(_) => Code::IPV6_EXTENDED_COMMUNITY,
            Attribute::LargeCommunities(_) => Code::LARGE_COMMUNITY,
            Attribute::Pmsi(_) => Code::PMSI_TUNNEL,
            Attribute::PrefixSid(_) => Code::BGP_PREFIX_SID,
            Attribute::TunnelEncap(_) => Code::TUNNEL_ENCAP,
            Attribute::LinkState(_) => Code::BGP_LS,
            Attribute::Generic(generic) => generic.code,
        }
    }

    /// The flags written on the wire (before the extended length bit is added).
    pub fn flag(&self) -> u8 {
        match self {
            Attribute::Generic(generic) => generic.flag,
            other => Code::flags(other.code()).unwrap_or(Flag::OPTIONAL),
        }
    }

    /// Decodes the value of a known attribute (`code` must have `Code::flags`).
    pub(crate) fn decode(
        code: u8,
        data: &[u8],
        negotiated: &Negotiated,
    ) -> Result<Attribute, Malformed> {
        // RFC 7606 §7.8, §7.14 and RFC 8092 §5: these are malformed unless their length is a
        // non-zero multiple of their value's size (this speaker never sends them empty)
        if data.is_empty()
            && matches!(
                code,
                Code::COMMUNITY | Code::EXTENDED_COMMUNITY | Code::LARGE_COMMUNITY
            )
        {
            return Err(Malformed(5));
        }
        Ok(match code {
            Code::ORIGIN => Attribute::Origin(Origin::decode(data)?),
            Code::AS_PATH => Attribute::AsPath(AsPath::decode(data, negotiated.asn4)?),
            Code::NEXT_HOP => Attribute::NextHop(NextHop::decode(data)?),
            Code::MED => Attribute::Med(Med::decode(data)?),
            Code::LOCAL_PREF => Attribute::LocalPreference(LocalPreference::decode(data)?),
            Code::ATOMIC_AGGREGATE => Attribute::AtomicAggregate(AtomicAggregate::decode(data)?),
            Code::AGGREGATOR => Attribute::Aggregator(Aggregator::decode(data, negotiated.asn4)?),
            Code::COMMUNITY => {
                Attribute::Communities(Communities::decode(data).map_err(|_| Malformed(5))?)
            }
            Code::ORIGINATOR_ID => Attribute::OriginatorId(OriginatorId::decode(data)?),
            Code::CLUSTER_LIST => Attribute::ClusterList(ClusterList::decode(data)?),
            Code::EXTENDED_COMMUNITY => Attribute::ExtendedCommunities(
                ExtendedCommunities::decode(data).map_err(|_| Malformed(5))?,
            ),
            Code::AS4_PATH => Attribute::As4Path(AsPath::decode(data, true)?),
            Code::AS4_AGGREGATOR => Attribute::As4Aggregator(Aggregator::decode(data, true)?),
            Code::AIGP => Attribute::Aigp(Aigp::decode(data)?),
            Code::IPV6_EXTENDED_COMMUNITY => Attribute::Ipv6ExtendedCommunities(
                Ipv6ExtendedCommunities::decode(data).map_err(|_| Malformed(5))?,
            ),
            Code::LARGE_COMMUNITY => Attribute::LargeCommunities(
                LargeCommunities::decode(data).map_err(|_| Malformed(5))?,
            ),
            Code::PMSI_TUNNEL => Attribute::Pmsi(Pmsi::decode(data)?),
            Code::BGP_PREFIX_SID => Attribute::PrefixSid(PrefixSid::decode(data)?),
            Code::TUNNEL_ENCAP => Attribute::TunnelEncap(TunnelEncap::decode(data)?),
            Code::BGP_LS => Attribute::LinkState(LinkState::decode(data)?),
            _ => return Err(Malformed(2)),
        })
    }

    /// Writes the attribute, header included. On a two-byte ASN session an AS_PATH or
    /// AGGREGATOR holding a four-byte ASN is followed by its AS4_PATH / AS4_AGGREGATOR, as
    /// ExaBGP writes them (RFC 6793 §4.2.2).
    pub fn encode(&self, negotiated: &Negotiated, out: &mut BytesMut) {
        // the value is written in place after room for the longest header, then moved up
        // one byte when the short header fits: no buffer of its own per attribute
        let start = out.len();
        out.put_slice(&[0u8; 4]);
        match self {
            Attribute::Origin(v) => v.encode(out),
            Attribute::AsPath(v) => v.encode(negotiated.asn4, out),
            Attribute::NextHop(v) => v.encode(out),
            Attribute::Med(v) => v.encode(out),
            Attribute::LocalPreference(v) => v.encode(out),
            Attribute::AtomicAggregate(_) => {}
            Attribute::Aggregator(v) => v.encode(negotiated.asn4, out),
            Attribute::Communities(v) => v.encode(out),
            Attribute::OriginatorId(v) => v.encode(out),
            Attribute::ClusterList(v) => v.encode(out),
            Attribute::ExtendedCommunities(v) => v.encode(out),
            Attribute::As4Path(v) => v.encode(true, out),
            Attribute::As4Aggregator(v) => v.encode(true, out),
            Attribute::Aigp(v) => v.encode(out),
            Attribute::Ipv6ExtendedCommunities(v) => v.encode(out),
            Attribute::LargeCommunities(v) => v.encode(out),
            Attribute::Pmsi(v) => v.encode(out),
            Attribute::PrefixSid(v) => v.encode(out),
            Attribute::TunnelEncap(v) => v.encode(out),
            Attribute::LinkState(v) => out.extend_from_slice(&v.raw),
            Attribute::Generic(v) => out.extend_from_slice(&v.value),
        }
        let len = out.len() - start - 4;
        // ExaBGP writes no optional attribute with an empty value (Attribute._attribute)
        if len == 0 && self.flag() & Flag::OPTIONAL != 0 && !matches!(self, Attribute::Generic(_)) {
            out.truncate(start);
            return;
        }
        let (flag, code) = (self.flag(), self.code());
        if len > 255 || flag & Flag::EXTENDED_LENGTH != 0 {
            out[start..start + 4].copy_from_slice(&[
                flag | Flag::EXTENDED_LENGTH,
                code,
                (len >> 8) as u8,
                len as u8,
            ]);
        } else {
            out.copy_within(start + 4.., start + 3);
            out.truncate(out.len() - 1);
            out[start..start + 3].copy_from_slice(&[flag, code, len as u8]);
        }
        if !negotiated.asn4 {
            match self {
                Attribute::AsPath(path) if path.needs_as4() => {
                    Attribute::As4Path(path.clone()).encode(negotiated, out)
                }
                Attribute::Aggregator(a) if a.needs_as4() => {
                    Attribute::As4Aggregator(*a).encode(negotiated, out)
                }
                _ => {}
            }
        }
    }

    /// The JSON member ExaBGP writes for the attribute in `"attribute": { ... }`, e.g.
    /// `"origin": "igp"`. Returns false (writing nothing) for an empty AS_PATH, which ExaBGP
    /// leaves out.
    pub fn json(&self, out: &mut String) -> bool {
        match self {
            Attribute::Origin(v) => {
                json::text(out, "origin", v.name());
            }
            Attribute::AsPath(v) => {
                if v.is_empty() {
                    return false;
                }
                json::key(out, "as-path");
                v.json(out);
            }
            Attribute::NextHop(v) => {
                json::text(out, "next-hop", v.0);
            }
            Attribute::Med(v) => {
                json::number_field(out, "med", v.0.into());
            }
            Attribute::LocalPreference(v) => {
                json::number_field(out, "local-preference", v.0.into());
            }
            Attribute::AtomicAggregate(_) => out.push_str("\"atomic-aggregate\": true"),
            Attribute::Aggregator(v) | Attribute::As4Aggregator(v) => {
                json::text(out, "aggregator", v.text());
            }
            Attribute::Communities(v) => {
                if v.0.is_empty() {
                    return false;
                }
                json::key(out, "community");
                v.json(out);
            }
            Attribute::OriginatorId(v) => {
                json::text(out, "originator-id", v.0);
            }
            Attribute::ClusterList(v) => {
                json::key(out, "cluster-list");
                v.json(out);
            }
            Attribute::ExtendedCommunities(v) => {
                if v.0.is_empty() {
                    return false;
                }
                json::key(out, "extended-community");
                v.json(out);
            }
            Attribute::As4Path(v) => {
                // ExaBGP has no JSON name for a lone AS4_PATH and prints its text as unknown
                let _ = write!(
                    out,
                    "\"attribute-0x{:02X}-0x{:02X}\": ",
                    Code::AS4_PATH,
                    self.flag()
                );
                json::string(out, &v.text());
            }
            Attribute::Aigp(v) => {
                json::text(out, "aigp", v.text());
            }
            Attribute::Ipv6ExtendedCommunities(v) => {
                if v.0.is_empty() {
                    return false;
                }
                json::key(out, "extended-community-ipv6");
                v.json(out);
            }
            Attribute::LargeCommunities(v) => {
                if v.0.is_empty() {
                    return false;
                }
                json::key(out, "large-community");
                v.json(out);
            }
            Attribute::Pmsi(v) => {
                json::text(out, "pmsi", v);
            }
            Attribute::PrefixSid(v) => {
                json::key(out, "bgp-prefix-sid");
                v.json(out);
            }
            Attribute::TunnelEncap(v) => {
                json::key(out, "tunnel-encap");
                v.json(out);
            }
            Attribute::LinkState(v) => {
                json::key(out, "bgp-ls");
                v.json(out);
            }
            Attribute::Generic(v) => {
                let _ = write!(
                    out,
                    "\"attribute-0x{:02X}-0x{:02X}\": \"{}\"",
                    v.code,
                    v.flag,
                    v.hex()
                );
            }
        }
        true
    }
}

impl Attribute {
    /// ExaBGP's text for the attribute, as it follows a route in the text API and logs
    /// (`collection.py` `_generate_text`): a space then `name value`. NEXT_HOP and an empty
    /// AS_PATH or community list write nothing (ExaBGP shows the next-hop with the route).
    pub fn text(&self, out: &mut String) {
        match self {
            Attribute::Origin(v) => {
                let _ = write!(out, " origin {}", v.name());
            }
            Attribute::AsPath(v) if !v.is_empty() => {
                let _ = write!(out, " as-path {}", v.text());
            }
            Attribute::Med(v) => {
                let _ = write!(out, " med {}", v.0);
            }
            Attribute::LocalPreference(v) => {
                let _ = write!(out, " local-preference {}", v.0);
            }
            Attribute::AtomicAggregate(_) => out.push_str(" atomic-aggregate"),
            Attribute::Aggregator(v) | Attribute::As4Aggregator(v) => {
                let _ = write!(out, " aggregator ( {} )", v.text());
            }
            Attribute::Communities(v) if !v.0.is_empty() => {
                let _ = write!(out, " community {v}");
            }
            Attribute::OriginatorId(v) => {
                let _ = write!(out, " originator-id {}", v.0);
            }
            Attribute::ClusterList(v) => match v.0.as_slice() {
                [one] => {
                    let _ = write!(out, " cluster-list {one}");
                }
                many => {
                    out.push_str(" cluster-list [");
                    many.iter().for_each(|id| {
                        let _ = write!(out, " {id}");
                    });
                    out.push_str(" ]");
                }
            },
            Attribute::ExtendedCommunities(v) if !v.0.is_empty() => {
                let _ = write!(out, " extended-community {v}");
            }
            Attribute::As4Path(v) => {
                let _ = write!(
                    out,
                    " attribute [ 0x{:02X} 0x{:02X} {} ]",
                    Code::AS4_PATH,
                    self.flag(),
                    v.text()
                );
            }
            Attribute::Aigp(v) => {
                let _ = write!(out, " aigp {}", v.text());
            }
            Attribute::Ipv6ExtendedCommunities(v) if !v.0.is_empty() => {
                let _ = write!(out, " extended-community-ipv6 {v}");
            }
            Attribute::LargeCommunities(v) if !v.0.is_empty() => {
                let _ = write!(out, " large-community {v}");
            }
            Attribute::Pmsi(v) => {
                let _ = write!(out, " pmsi {v}");
            }
            Attribute::PrefixSid(v) => {
                out.push_str(" bgp-prefix-sid ");
                v.text(out);
            }
            Attribute::TunnelEncap(v) => {
                out.push(' ');
                v.text(out);
            }
            Attribute::LinkState(v) => {
                out.push_str(" bgp-ls ");
                v.json(out);
            }
            Attribute::Generic(v) => {
                let _ = write!(
                    out,
                    " attribute [ 0x{:02X} 0x{:02X} {} ]",
                    v.code,
                    v.flag,
                    v.hex()
                );
            }
            _ => {}
        }
    }
}

/// Writes flags, code and length (one byte, or two with the extended length flag when the
/// value is longer than 255 bytes or the flag was already set).
pub fn write_header(out: &mut BytesMut, flag: u8, code: u8, len: usize) {
    if len > 255 || flag & Flag::EXTENDED_LENGTH != 0 {
        out.put_u8(flag | Flag::EXTENDED_LENGTH);
        out.put_u8(code);
        out.put_u16(len as u16);
    } else {
        out.put_u8(flag);
        out.put_u8(code);
        out.put_u8(len as u8);
    }
}

/// A four-byte value, the shape of MED, LOCAL_PREF, NEXT_HOP and ORIGINATOR_ID.
pub(crate) fn four_bytes(data: &[u8]) -> Result<u32, Malformed> {
    match *data {
        [a, b, c, d] => Ok(u32::from_be_bytes([a, b, c, d])),
        _ => Err(Malformed(5)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whole attributes (flags, code, length, value) worked out by hand from RFC 4271 §4.3,
    /// RFC 4456 §8, RFC 7311 §3, and the JSON member ExaBGP writes for each.
    const GOLDEN: &[(&[u8], &str)] = &[
        (&[0x40, 1, 1, 2], r#""origin": "incomplete""#),
        (
            &[0x40, 2, 10, 2, 2, 0, 0, 0, 1, 0, 0, 0, 2],
            r#""as-path": {"0": {"element": "as-sequence", "value": [1, 2]}}"#,
        ),
        (
            &[0x40, 2, 12, 3, 1, 0, 0, 0xfd, 0xe8, 4, 1, 0, 0, 0xfd, 0xe9],
            r#""as-path": {"0": {"element": "as-confed-sequence", "value": [65000]}, "1": {"element": "as-confed-set", "value": [65001]}}"#,
        ),
        (&[0x40, 3, 4, 192, 0, 2, 1], r#""next-hop": "192.0.2.1""#),
        (&[0x80, 4, 4, 0, 0, 1, 0], r#""med": 256"#),
        (
            &[0x40, 5, 4, 0xff, 0xff, 0xff, 0xff],
            r#""local-preference": 4294967295"#,
        ),
        (&[0x40, 6, 0], r#""atomic-aggregate": true"#),
        (
            &[0xc0, 7, 8, 0, 0, 0xfd, 0xe8, 10, 0, 0, 1],
            r#""aggregator": "65000:10.0.0.1""#,
        ),
        (
            &[0xc0, 8, 8, 0xfd, 0xe8, 0, 1, 0xff, 0xff, 0xff, 0x01],
            r#""community": [ [ 65000, 1 ], [ 65535, 65281 ] ]"#,
        ),
        (&[0x80, 9, 4, 10, 0, 0, 2], r#""originator-id": "10.0.0.2""#),
        (
            &[0x80, 10, 8, 1, 1, 1, 1, 2, 2, 2, 2],
            r#""cluster-list": [ "1.1.1.1", "2.2.2.2" ]"#,
        ),
        (
            &[0x80, 26, 11, 1, 0, 11, 0, 0, 0, 0, 0, 0, 0, 10],
            r#""aigp": "0x000000000000000a""#,
        ),
        (
            &[0xe0, 0x99, 2, 0xde, 0xad],
            r#""attribute-0x99-0xE0": "0xdead""#,
        ),
    ];

    /// ExaBGP's text of the same attributes, in the same order (NEXT_HOP has none).
    const GOLDEN_TEXT: &[&str] = &[
        " origin incomplete",
        " as-path ( 1 2 )",
        " as-path {( 65000 )} {[ 65001 ]}",
        "",
        " med 256",
        " local-preference 4294967295",
        " atomic-aggregate",
        " aggregator ( 65000:10.0.0.1 )",
        " community [ 65000:1 no-export ]",
        " originator-id 10.0.0.2",
        " cluster-list [ 1.1.1.1 2.2.2.2 ]",
        " aigp 0x000000000000000a",
        " attribute [ 0x99 0xE0 0xdead ]",
    ];

    #[test]
    fn golden_attributes_both_ways() {
        let negotiated = Negotiated {
            aigp: true,
            ..Negotiated::default()
        };
        for (wire, json) in GOLDEN {
            let (flag, code, value) = (wire[0], wire[1], &wire[3..]);
            let attribute = if Code::flags(code).is_some() {
                Attribute::decode(code, value, &negotiated).unwrap()
            } else {
                Attribute::Generic(GenericAttribute {
                    code,
                    flag,
                    value: bytes::Bytes::copy_from_slice(value),
                })
            };
            let mut out = BytesMut::new();
            attribute.encode(&negotiated, &mut out);
            assert_eq!(&out[..], *wire, "{attribute:?}");
            let mut text = String::new();
            assert!(attribute.json(&mut text));
            assert_eq!(text, *json);
        }
        for ((wire, _), text) in GOLDEN.iter().zip(GOLDEN_TEXT) {
            let attribute = match Code::flags(wire[1]) {
                Some(_) => Attribute::decode(wire[1], &wire[3..], &negotiated).unwrap(),
                None => Attribute::Generic(GenericAttribute {
                    code: wire[1],
                    flag: wire[0],
                    value: bytes::Bytes::copy_from_slice(&wire[3..]),
                }),
            };
            let mut out = String::new();
            attribute.text(&mut out);
            assert_eq!(out, *text);
        }
    }

    #[test]
    fn long_values_use_the_extended_length() {
        let path = AsPath::sequence((1..=100).collect());
        let mut out = BytesMut::new();
        Attribute::AsPath(path).encode(&Negotiated::default(), &mut out);
        assert_eq!(&out[..4], &[0x50, 2, 1, 146]);
        assert_eq!(out.len(), 4 + 2 + 400);
    }

    #[test]
    fn aigp_tlvs() {
        // an unknown TLV (type 9, length 4) before the AIGP TLV is skipped
        let wire = [9, 0, 4, 0xff, 1, 0, 11, 0, 0, 0, 0, 0, 0, 1, 0];
        assert_eq!(Aigp::decode(&wire), Ok(Aigp(256)));
        assert!(Aigp::decode(&[1, 0, 10, 0, 0, 0, 0, 0, 0, 0]).is_err());
        assert!(Aigp::decode(&[1, 0, 11, 0]).is_err());
        assert!(Aigp::decode(&[9, 0, 3]).is_err());
    }
}
