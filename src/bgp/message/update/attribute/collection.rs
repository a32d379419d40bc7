//! Ports `exabgp/bgp/message/update/attribute/collection.py`: the attribute set of an UPDATE (RFC 4271 §4.3, §5; RFC 6793 §4.2.3; RFC 7606 §3, §4).

use super::aspath::{AsPath, AS_TRANS};
use super::{
    write_header, Attribute, Code, ErrorAction, Flag, GenericAttribute, LocalPreference, Origin,
};
use crate::bgp::message::open::capability::negotiated::Negotiated;
use crate::bgp::message::reader::Reader;
use crate::bgp::message::Notification;
use bytes::{Bytes, BytesMut};
use std::net::Ipv4Addr;

/// The path attributes of an UPDATE, one per type code, kept ordered by code (the order
/// ExaBGP writes them on the wire and in JSON).
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct Attributes(Vec<Attribute>);

/// What decoding the attribute section found, beyond the attributes themselves.
#[derive(Debug, Default)]
pub(crate) struct Decoded<'a> {
    pub attributes: Attributes,
    /// Values of MP_REACH_NLRI and MP_UNREACH_NLRI, decoded by the UPDATE.
    pub mp_reach: Option<&'a [u8]>,
    pub mp_unreach: Option<&'a [u8]>,
    /// RFC 7606 treat-as-withdraw, with the code of the attribute that caused it
    /// (0 when the attribute section itself was unreadable).
    pub treat_as_withdraw: Option<u8>,
    /// Attributes dropped by RFC 7606 attribute discard.
    pub discarded: Vec<u8>,
}

impl Attributes {
    pub fn new() -> Attributes {
        Attributes::default()
    }

    /// Adds an attribute, replacing one of the same code; returns the one replaced.
    pub fn insert(&mut self, attribute: Attribute) -> Option<Attribute> {
        let code = attribute.code();
        match self.0.binary_search_by_key(&code, |a| a.code()) {
            Ok(at) => Some(std::mem::replace(&mut self.0[at], attribute)),
            Err(at) => {
                self.0.insert(at, attribute);
                None
            }
        }
    }

    /// Gives back the room grown for attributes never inserted: a set kept for many routes
    /// (a configuration's, a helper's) is built once and held for long.
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }

    pub fn get(&self, code: u8) -> Option<&Attribute> {
        self.0
            .binary_search_by_key(&code, |a| a.code())
            .ok()
            .map(|at| &self.0[at])
    }

    pub fn remove(&mut self, code: u8) -> Option<Attribute> {
        self.0
            .binary_search_by_key(&code, |a| a.code())
            .ok()
            .map(|at| self.0.remove(at))
    }

    pub fn contains(&self, code: u8) -> bool {
        self.get(code).is_some()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Attribute> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The NEXT_HOP attribute's address.
    pub fn next_hop(&self) -> Option<Ipv4Addr> {
        match self.get(Code::NEXT_HOP) {
            Some(Attribute::NextHop(nh)) => Some(nh.0),
            _ => None,
        }
    }

    /// Decodes the attribute section of an UPDATE (`source`, when given, holds `data`), applying RFC 7606: malformed attributes
    /// are discarded or turn the UPDATE into a withdraw; only what resets the session is an
    /// error. Then merges AS4_PATH / AS4_AGGREGATOR (RFC 6793 §4.2.3).
    pub(crate) fn decode<'a>(
        data: &'a [u8],
        source: Option<&Bytes>,
        negotiated: &Negotiated,
    ) -> Result<Decoded<'a>, Notification> {
        let mut decoded = Decoded::default();
        let mut seen = [false; 256];
        let mut rest = data;
        while !rest.is_empty() {
            // RFC 7606 §4: a header or value overrunning the section leaves the attributes
            // unusable but the NLRI locatable: treat-as-withdraw
            let Some((flag, code, value, used)) = split_attribute(rest) else {
                let code = rest.get(1).copied().unwrap_or(0);
                if code == Code::MP_REACH_NLRI || code == Code::MP_UNREACH_NLRI {
                    return Err(Notification::new(3, 1, Bytes::new()));
                }
                decoded.treat_as_withdraw.get_or_insert(code);
                break;
            };
            rest = &rest[used..];

            // RFC 7606 §3 (g): a repeated MP attribute resets the session, other repeats are
            // discarded (the first one is kept)
            if seen[code as usize] {
                if code == Code::MP_REACH_NLRI || code == Code::MP_UNREACH_NLRI {
                    return Err(Notification::new(3, 1, Bytes::new()));
                }
                decoded.discarded.push(code);
                continue;
            }
            seen[code as usize] = true;

            let Some(expected) = Code::flags(code) else {
                if flag & Flag::OPTIONAL == 0 {
                    // RFC 4271 §6.3: an unrecognized well-known attribute, the attribute as data
                    let whole = &data[data.len() - rest.len() - used..data.len() - rest.len()];
                    return Err(Notification::new(3, 2, Bytes::copy_from_slice(whole)));
                }
                if flag & Flag::TRANSITIVE != 0 {
                    // RFC 4271 §9: passed on with the partial bit set
                    decoded
                        .attributes
                        .insert(Attribute::Generic(GenericAttribute {
                            code,
                            flag: flag | Flag::PARTIAL,
                            // shared with the message when it came as `Bytes`
                            value: source.map_or_else(
                                || Bytes::copy_from_slice(value),
                                |b| b.slice_ref(value),
                            ),
                        }));
                }
                continue;
            };

            match code {
                Code::MP_REACH_NLRI => {
                    decoded.mp_reach = Some(value);
                    continue;
                }
                Code::MP_UNREACH_NLRI => {
                    decoded.mp_unreach = Some(value);
                    continue;
                }
                // RFC 7311 §4: AIGP is only accepted on sessions configured for it
                Code::AIGP if !negotiated.aigp => {
                    decoded.discarded.push(code);
                    continue;
                }
                // RFC 7606 §7.5, §7.9, §7.10: iBGP-only attributes from an external peer
                Code::LOCAL_PREF | Code::ORIGINATOR_ID | Code::CLUSTER_LIST
                    if negotiated.local_as != negotiated.peer_as =>
                {
                    decoded.discarded.push(code);
                    continue;
                }
                // RFC 6793 §3: between two four-byte speakers these are meaningless
                Code::AS4_PATH | Code::AS4_AGGREGATOR if negotiated.asn4 => {
                    decoded.discarded.push(code);
                    continue;
                }
                _ => {}
            }

            // RFC 7606 §3 (c): flags that conflict with the type code make the attribute
            // malformed; the partial bit only matters for well-known attributes
            let partial_ok = expected & Flag::OPTIONAL != 0 || flag & Flag::PARTIAL == 0;
            let result = if flag & (Flag::OPTIONAL | Flag::TRANSITIVE) == expected && partial_ok {
                Attribute::decode(code, value, negotiated)
            } else {
                Err(super::Malformed(4))
            };
            // RFC 7606 §7.2 (RFC 5065 §5.3): confederation segments from an external peer
            // (this speaker is never in a confederation) make the AS_PATH malformed
            let result = match result {
                Ok(Attribute::AsPath(path))
                    if negotiated.local_as != negotiated.peer_as
                        && path.segments.iter().any(|s| {
                            matches!(
                                s.kind,
                                super::SegmentType::ConfedSequence | super::SegmentType::ConfedSet
                            )
                        }) =>
                {
                    Err(super::Malformed(11))
                }
                other => other,
            };
            match result {
                Ok(attribute) => {
                    decoded.attributes.insert(attribute);
                }
                Err(malformed) => match ErrorAction::of(code) {
                    ErrorAction::TreatAsWithdraw => {
                        decoded.treat_as_withdraw.get_or_insert(code);
                    }
                    ErrorAction::Discard => decoded.discarded.push(code),
                    ErrorAction::SessionReset => {
                        return Err(Notification::new(3, malformed.0, Bytes::new()));
                    }
                },
            }
        }
        decoded.attributes.merge_as4();
        Ok(decoded)
    }

    /// RFC 6793 §4.2.3: an AGGREGATOR that is not AS_TRANS means the AS4 attributes are
    /// stale and ignored; otherwise AS4_AGGREGATOR gives the aggregator and AS4_PATH is
    /// merged into AS_PATH.
    fn merge_as4(&mut self) {
        if let Some(Attribute::Aggregator(aggregator)) = self.get(Code::AGGREGATOR) {
            if aggregator.asn != AS_TRANS {
                self.remove(Code::AS4_AGGREGATOR);
                self.remove(Code::AS4_PATH);
            } else if let Some(Attribute::As4Aggregator(as4)) = self.remove(Code::AS4_AGGREGATOR) {
                self.insert(Attribute::Aggregator(as4));
            }
        }
        if let (Some(Attribute::AsPath(path)), Some(Attribute::As4Path(as4))) =
            (self.get(Code::AS_PATH), self.get(Code::AS4_PATH))
        {
            let merged = path.merge_as4(as4);
            self.remove(Code::AS4_PATH);
            self.insert(Attribute::AsPath(merged));
        }
    }

    /// Writes the attributes ordered by code, as ExaBGP's `pack_attribute`: with `defaults`,
    /// a missing ORIGIN is IGP, a missing AS_PATH empty (iBGP) or our ASN (eBGP), a missing
    /// LOCAL_PREF 100 on iBGP; LOCAL_PREF is never sent to an eBGP peer, AIGP only to iBGP
    /// peers or when negotiated. Without `defaults` nothing is written (an MP withdraw needs
    /// no attributes, RFC 4760 §4).
    pub fn encode(&self, negotiated: &Negotiated, defaults: bool, out: &mut BytesMut) {
        if !defaults {
            return;
        }
        let ibgp = negotiated.local_as == negotiated.peer_as;
        let mut pending_defaults: Vec<Attribute> = vec![Attribute::Origin(Origin::IGP)];
        pending_defaults.push(Attribute::AsPath(if ibgp {
            AsPath::default()
        } else {
            AsPath::sequence(vec![negotiated.local_as])
        }));
        if ibgp {
            pending_defaults.push(Attribute::LocalPreference(LocalPreference(100)));
        }
        let mut defaults = pending_defaults.into_iter().peekable();
        for attribute in &self.0 {
            while let Some(default) = defaults.next_if(|d| d.code() <= attribute.code()) {
                if default.code() != attribute.code() {
                    default.encode(negotiated, out);
                }
            }
            match attribute.code() {
                Code::LOCAL_PREF if !ibgp => continue,
                Code::AIGP if !(ibgp || negotiated.aigp) => continue,
                _ => attribute.encode(negotiated, out),
            }
        }
        defaults.for_each(|d| d.encode(negotiated, out));
    }

    /// ExaBGP's text of the attributes (`str(attributes)`): ` origin igp med 100 ...`, ordered
    /// by code, NEXT_HOP left out.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.0.iter().for_each(|a| a.text(&mut out));
        out
    }

    /// ExaBGP's `"attribute"` members, comma separated, ordered by code. NEXT_HOP is only
    /// written when `include_nexthop` (ExaBGP shows it with withdraws, which have no
    /// next-hop key of their own).
    pub fn json(&self, include_nexthop: bool, out: &mut String) {
        let mut first = true;
        for attribute in &self.0 {
            if attribute.code() == Code::NEXT_HOP && !include_nexthop {
                continue;
            }
            let mark = out.len();
            if !first {
                out.push_str(", ");
            }
            if attribute.json(out) {
                first = false;
            } else {
                out.truncate(mark);
            }
        }
    }
}

impl FromIterator<Attribute> for Attributes {
    fn from_iter<I: IntoIterator<Item = Attribute>>(iter: I) -> Attributes {
        let mut attributes = Attributes::new();
        iter.into_iter().for_each(|a| {
            attributes.insert(a);
        });
        attributes
    }
}

/// Splits one attribute off the front: flags, code, value and the bytes used.
fn split_attribute(data: &[u8]) -> Option<(u8, u8, &[u8], usize)> {
    let mut r = Reader::new(data);
    let flag = r.u8()?;
    let code = r.u8()?;
    let len = if flag & Flag::EXTENDED_LENGTH != 0 {
        usize::from(r.u16()?)
    } else {
        usize::from(r.u8()?)
    };
    let value = r.take(len)?;
    Some((flag, code, value, data.len() - r.remaining()))
}

/// Writes a whole attribute from flags, code and value (used by MP_REACH / MP_UNREACH).
pub(crate) fn write_attribute(out: &mut BytesMut, flag: u8, code: u8, value: &[u8]) {
    write_header(out, flag, code, value.len());
    out.extend_from_slice(value);
}
