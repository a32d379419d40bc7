//! Ports `exabgp/bgp/message/update/attribute/aspath.py`: AS_PATH and AS4_PATH (RFC 4271 §4.3 type 2, RFC 5065, RFC 6793 §4.2.3, RFC 7606 §7.2).

use super::Malformed;
use crate::bgp::message::reader::Reader;
use bytes::{BufMut, BytesMut};
use std::fmt::Write;

/// AS_TRANS (RFC 6793 §2): stands in for a four-byte ASN on a two-byte session.
pub const AS_TRANS: u32 = 23456;

/// Segment types (RFC 4271 §4.3, RFC 5065 §3).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum SegmentType {
    Set = 1,
    Sequence = 2,
    ConfedSequence = 3,
    ConfedSet = 4,
}

impl SegmentType {
    fn from_u8(value: u8) -> Option<SegmentType> {
        Some(match value {
            1 => SegmentType::Set,
            2 => SegmentType::Sequence,
            3 => SegmentType::ConfedSequence,
            4 => SegmentType::ConfedSet,
            _ => return None,
        })
    }

    /// ExaBGP's JSON `"element"` name.
    pub fn name(self) -> &'static str {
        match self {
            SegmentType::Set => "as-set",
            SegmentType::Sequence => "as-sequence",
            SegmentType::ConfedSequence => "as-confed-sequence",
            SegmentType::ConfedSet => "as-confed-set",
        }
    }
}

/// One path segment.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Segment {
    pub kind: SegmentType,
    pub asns: Vec<u32>,
}

impl Segment {
    /// One segment off the front; `None` for an unknown type, a zero count or an overrun.
    fn decode(r: &mut Reader<'_>, asn4: bool) -> Option<Segment> {
        let kind = SegmentType::from_u8(r.u8()?)?;
        let count = usize::from(r.u8()?);
        if count == 0 {
            return None;
        }
        let mut asns = Vec::with_capacity(count);
        for _ in 0..count {
            asns.push(if asn4 { r.u32()? } else { u32::from(r.u16()?) });
        }
        Some(Segment { kind, asns })
    }
}

/// AS_PATH (or AS4_PATH): segments in wire order, ASNs always held as four bytes.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct AsPath {
    pub segments: Vec<Segment>,
}

/// At most 255 ASNs fit one segment (its count is one byte).
const SEGMENT_MAX: usize = 255;

impl AsPath {
    /// Whether a segment is an AS_SET or an AS_CONFED_SET (deprecated by RFC 9774).
    pub fn has_set(&self) -> bool {
        self.segments
            .iter()
            .any(|s| matches!(s.kind, SegmentType::Set | SegmentType::ConfedSet))
    }

    /// A path of one AS_SEQUENCE.
    pub fn sequence(asns: Vec<u32>) -> AsPath {
        if asns.is_empty() {
            return AsPath::default();
        }
        AsPath {
            segments: vec![Segment {
                kind: SegmentType::Sequence,
                asns,
            }],
        }
    }

    /// Decodes segments of two-byte (`asn4` false) or four-byte ASNs. RFC 7606 §7.2: an
    /// unknown segment type, a zero-length segment or a segment overrunning the attribute is
    /// malformed (RFC 4271 subcode 11, Malformed AS_PATH).
    pub fn decode(data: &[u8], asn4: bool) -> Result<AsPath, Malformed> {
        let mut segments = Vec::new();
        let mut r = Reader::new(data);
        while !r.is_empty() {
            segments.push(Segment::decode(&mut r, asn4).ok_or(Malformed(11))?);
        }
        Ok(AsPath { segments })
    }

    /// Writes the segments with four-byte ASNs, or two-byte ones with AS_TRANS in place of
    /// any ASN above 65535. Segments longer than 255 ASNs are split.
    pub fn encode(&self, asn4: bool, out: &mut BytesMut) {
        for segment in &self.segments {
            for chunk in segment.asns.chunks(SEGMENT_MAX) {
                out.put_u8(segment.kind as u8);
                out.put_u8(chunk.len() as u8);
                for &asn in chunk {
                    if asn4 {
                        out.put_u32(asn);
                    } else {
                        out.put_u16(u16::try_from(asn).unwrap_or(AS_TRANS as u16));
                    }
                }
            }
        }
    }

    /// Whether a two-byte encoding loses ASNs, so an AS4_PATH must follow (RFC 6793 §4.2.2).
    pub fn needs_as4(&self) -> bool {
        self.segments
            .iter()
            .any(|s| s.asns.iter().any(|&asn| asn > 0xffff))
    }

    /// The path length RFC 6793 §4.2.3 counts: one per ASN in a sequence, one per AS_SET,
    /// nothing for confederation segments.
    fn count(&self) -> usize {
        self.segments
            .iter()
            .map(|s| match s.kind {
                SegmentType::Sequence => s.asns.len(),
                SegmentType::Set => 1,
                SegmentType::ConfedSequence | SegmentType::ConfedSet => 0,
            })
            .sum()
    }

    /// RFC 6793 §4.2.3: rebuilds the real path from AS_PATH (self) and AS4_PATH. When the
    /// AS_PATH is shorter than the AS4_PATH the AS4_PATH is ignored; otherwise the leading
    /// ASNs of the AS_PATH beyond the AS4_PATH's length are kept and the AS4_PATH appended.
    pub fn merge_as4(&self, as4: &AsPath) -> AsPath {
        let len2 = self.count();
        let len4 = as4.count();
        if len2 < len4 {
            return self.clone();
        }
        let mut keep = len2 - len4;
        let mut segments = Vec::new();
        for segment in &self.segments {
            match segment.kind {
                SegmentType::ConfedSequence | SegmentType::ConfedSet => {
                    segments.push(segment.clone())
                }
                _ if keep == 0 => break,
                SegmentType::Set => {
                    segments.push(segment.clone());
                    keep -= 1;
                }
                SegmentType::Sequence => {
                    let take = keep.min(segment.asns.len());
                    segments.push(Segment {
                        kind: SegmentType::Sequence,
                        asns: segment.asns[..take].to_vec(),
                    });
                    keep -= take;
                }
            }
        }
        segments.extend(as4.segments.iter().cloned());
        AsPath { segments }
    }

    /// ExaBGP's JSON (Python's `json.dumps` of a dict keyed by position):
    /// `{"0": {"element": "as-sequence", "value": [1, 2]}}`. Empty path: `{}`.
    pub fn json(&self, out: &mut String) {
        out.push('{');
        for (n, segment) in self.segments.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            let _ = write!(
                out,
                "\"{n}\": {{\"element\": \"{}\", \"value\": [",
                segment.kind.name()
            );
            for (i, asn) in segment.asns.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                crate::util::json::number(out, (*asn).into());
            }
            out.push_str("]}");
        }
        out.push('}');
    }

    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// ExaBGP's text for the path: each segment as `( 1 2 )` (sequence), `[ 1 2 ]` (set),
    /// `{( 1 2 )}` (confederation sequence) or `{[ 1 2 ]}` (confederation set).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (n, segment) in self.segments.iter().enumerate() {
            if n > 0 {
                out.push(' ');
            }
            let (head, tail) = match segment.kind {
                SegmentType::Set => ("[", "]"),
                SegmentType::Sequence => ("(", ")"),
                SegmentType::ConfedSequence => ("{(", ")}"),
                SegmentType::ConfedSet => ("{[", "]}"),
            };
            out.push_str(head);
            for asn in &segment.asns {
                let _ = write!(out, " {asn}");
            }
            out.push(' ');
            out.push_str(tail);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq(asns: &[u32]) -> Segment {
        Segment {
            kind: SegmentType::Sequence,
            asns: asns.to_vec(),
        }
    }

    #[test]
    fn two_and_four_byte_round_trip() {
        // AS_SEQUENCE of 3 ASNs 43690 (0xAAAA) in four bytes, from qa/decoding/ipv4-unicast-2
        let wire = [2, 3, 0, 0, 0xaa, 0xaa, 0, 0, 0xaa, 0xaa, 0, 0, 0xaa, 0xaa];
        let path = AsPath::decode(&wire, true).unwrap();
        assert_eq!(path.segments, vec![seq(&[43690, 43690, 43690])]);
        let mut out = BytesMut::new();
        path.encode(true, &mut out);
        assert_eq!(&out[..], &wire);
        let mut json = String::new();
        path.json(&mut json);
        assert_eq!(
            json,
            r#"{"0": {"element": "as-sequence", "value": [43690, 43690, 43690]}}"#
        );

        let wire2 = [1, 2, 0, 1, 0, 2, 2, 1, 0xff, 0xff];
        let path = AsPath::decode(&wire2, false).unwrap();
        assert_eq!(path.segments[0].kind, SegmentType::Set);
        assert_eq!(path.segments[1].asns, vec![65535]);
        assert_eq!(path.text(), "[ 1 2 ] ( 65535 )");
        let mut out = BytesMut::new();
        path.encode(false, &mut out);
        assert_eq!(&out[..], &wire2);
    }

    #[test]
    fn two_byte_encoding_uses_as_trans() {
        let path = AsPath::sequence(vec![65000, 4200000000]);
        assert!(path.needs_as4());
        let mut out = BytesMut::new();
        path.encode(false, &mut out);
        assert_eq!(&out[..], &[2, 2, 0xfd, 0xe8, 0x5b, 0xa0]);
    }

    #[test]
    fn long_segments_are_split() {
        let path = AsPath::sequence((1..=300).collect());
        let mut out = BytesMut::new();
        path.encode(true, &mut out);
        assert_eq!(out.len(), 2 + 255 * 4 + 2 + 45 * 4);
        assert_eq!((out[0], out[1]), (2, 255));
        assert_eq!((out[2 + 255 * 4], out[3 + 255 * 4]), (2, 45));
    }

    #[test]
    fn malformed_paths() {
        assert!(AsPath::decode(&[5, 1, 0, 1], false).is_err());
        assert!(AsPath::decode(&[2, 2, 0, 1], false).is_err());
        assert!(AsPath::decode(&[2, 0], false).is_err());
        assert!(AsPath::decode(&[2], false).is_err());
        assert!(AsPath::decode(&[2, 1, 0, 1, 0], true).is_err());
        assert_eq!(AsPath::decode(&[], true).unwrap(), AsPath::default());
    }

    #[test]
    fn rfc6793_merge() {
        // AS_PATH 65001 AS_TRANS AS_TRANS, AS4_PATH 4200000001 4200000002
        let as2 = AsPath::sequence(vec![65001, AS_TRANS, AS_TRANS]);
        let as4 = AsPath::sequence(vec![4200000001, 4200000002]);
        let merged = as2.merge_as4(&as4);
        assert_eq!(
            merged.segments,
            vec![seq(&[65001]), seq(&[4200000001, 4200000002])]
        );

        // AS4_PATH longer than AS_PATH: ignored
        let short = AsPath::sequence(vec![AS_TRANS]);
        assert_eq!(short.merge_as4(&as4), short);

        // an AS_SET counts as one; equal lengths: AS4_PATH replaces it all
        let as2 = AsPath {
            segments: vec![
                seq(&[AS_TRANS]),
                Segment {
                    kind: SegmentType::Set,
                    asns: vec![1, 2, 3],
                },
            ],
        };
        let as4 = AsPath {
            segments: vec![
                seq(&[4200000001]),
                Segment {
                    kind: SegmentType::Set,
                    asns: vec![1, 2, 3],
                },
            ],
        };
        assert_eq!(as2.merge_as4(&as4), as4);

        // confederation segments of the AS_PATH are kept, not counted
        let confed = Segment {
            kind: SegmentType::ConfedSequence,
            asns: vec![64512],
        };
        let as2 = AsPath {
            segments: vec![confed.clone(), seq(&[65001, AS_TRANS])],
        };
        let as4 = AsPath::sequence(vec![4200000001]);
        assert_eq!(
            as2.merge_as4(&as4).segments,
            vec![confed, seq(&[65001]), seq(&[4200000001])]
        );
    }
}
