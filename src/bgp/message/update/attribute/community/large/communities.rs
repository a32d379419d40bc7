//! Ports `exabgp/bgp/message/update/attribute/community/large/communities.py`: the LARGE_COMMUNITY attribute (RFC 8092 §5, §6).

use super::super::{json_list, list_values, write_list, CommunityError};
use super::LargeCommunity;
use bytes::BytesMut;
use std::collections::HashSet;
use std::fmt;

/// The LARGE_COMMUNITY attribute (type 32), in wire order.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct LargeCommunities(pub Vec<LargeCommunity>);

impl LargeCommunities {
    /// Decodes an attribute body; duplicates are dropped, first occurrence kept (RFC 8092 §5
    /// says they are not an error; ExaBGP removes them).
    pub fn decode(data: &[u8]) -> Result<LargeCommunities, CommunityError> {
        if data.len() % 12 != 0 {
            return Err(CommunityError::NotMultiple {
                what: "large community",
                unit: 12,
                got: data.len(),
            });
        }
        let mut list: Vec<LargeCommunity> = Vec::with_capacity(data.len() / 12);
        // a set, not `list.contains`: thousands of values in one attribute must stay linear
        let mut seen = HashSet::with_capacity(data.len() / 12);
        for chunk in data.chunks_exact(12) {
            let lc = LargeCommunity::decode(chunk)?;
            if seen.insert(lc) {
                list.push(lc);
            }
        }
        Ok(LargeCommunities(list))
    }

    /// Writes the attribute body (the caller writes flags, type and length).
    pub fn encode(&self, out: &mut BytesMut) {
        out.reserve(self.0.len() * 12);
        for lc in &self.0 {
            lc.encode(out);
        }
    }

    /// ExaBGP's JSON: `[ [ 2914, 0 , 666 ], [ 2914, 3320 , 123 ] ]`.
    pub fn json(&self, out: &mut String) {
        json_list(&self.0, out, |lc, out| lc.json(out));
    }

    /// Adds one value keeping the list sorted and without duplicates, as ExaBGP's `add`.
    pub fn add(&mut self, lc: LargeCommunity) {
        if let Err(at) = self.0.binary_search(&lc) {
            self.0.insert(at, lc);
        }
    }

    /// Parses configuration tokens: `[ 2914:0:666 2914:3320:123 ]` or a single value.
    pub fn parse<'a>(
        tokens: impl IntoIterator<Item = &'a str>,
    ) -> Result<LargeCommunities, String> {
        let mut list = LargeCommunities::default();
        for value in list_values(tokens) {
            list.add(LargeCommunity::parse(value)?);
        }
        Ok(list)
    }
}

/// ExaBGP's text form: one value alone, several as `[ a b ]` sorted, nothing when empty.
impl fmt::Display for LargeCommunities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_list(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BODY: [u8; 24] = [
        0, 0, 0x0B, 0x62, 0, 0, 0, 0, 0, 0, 0x02, 0x9A, // 2914:0:666
        0, 0, 0x0B, 0x62, 0, 0, 0x0C, 0xF8, 0, 0, 0, 0x7B, // 2914:3320:123
    ];

    #[test]
    fn golden_from_conf_largecommunity() {
        // the 24 value bytes of the C0 20 18 attribute in conf-largecommunity.ci
        let lcs = LargeCommunities::decode(&BODY).unwrap();
        assert_eq!(
            lcs.0,
            vec![
                LargeCommunity::new(2914, 0, 666),
                LargeCommunity::new(2914, 3320, 123)
            ]
        );
        let mut json = String::new();
        lcs.json(&mut json);
        assert_eq!(json, "[ [ 2914, 0 , 666 ], [ 2914, 3320 , 123 ] ]");
        assert_eq!(lcs.to_string(), "[ 2914:0:666 2914:3320:123 ]");
        let parsed = LargeCommunities::parse(["[2914:0:666", "2914:3320:123]"]).unwrap();
        let mut out = BytesMut::new();
        parsed.encode(&mut out);
        assert_eq!(&out[..], &BODY);
    }

    #[test]
    fn duplicates_removed() {
        let mut doubled = BODY[..12].to_vec();
        doubled.extend_from_slice(&BODY[..12]);
        assert_eq!(LargeCommunities::decode(&doubled).unwrap().0.len(), 1);
        let parsed = LargeCommunities::parse(["[", "1:2:3", "1:2:3", "]"]).unwrap();
        assert_eq!(parsed.0, vec![LargeCommunity::new(1, 2, 3)]);
        assert!(LargeCommunities::decode(&BODY[..13]).is_err());
    }

    proptest! {
        #[test]
        fn decode_never_panics(data in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(lcs) = LargeCommunities::decode(&data) {
                let mut out = BytesMut::new();
                lcs.encode(&mut out);
                prop_assert_eq!(LargeCommunities::decode(&out), Ok(lcs));
            }
        }
    }
}
