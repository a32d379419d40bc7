//! Ports `exabgp/bgp/message/update/attribute/community/initial/communities.py`: the COMMUNITIES attribute (RFC 1997, RFC 7606 §7.8).

use super::super::{json_list, list_values, write_list, CommunityError};
use super::Community;
use crate::bgp::message::reader::Reader;
use bytes::BytesMut;
use std::fmt;

/// The COMMUNITIES attribute (type 8), in wire order.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct Communities(pub Vec<Community>);

impl Communities {
    /// Decodes an attribute body: a whole number of four-byte communities, order kept.
    pub fn decode(data: &[u8]) -> Result<Communities, CommunityError> {
        if data.len() % 4 != 0 {
            return Err(CommunityError::NotMultiple {
                what: "community",
                unit: 4,
                got: data.len(),
            });
        }
        let mut r = Reader::new(data);
        let mut list = Vec::with_capacity(data.len() / 4);
        while let Some(value) = r.u32() {
            list.push(Community(value));
        }
        Ok(Communities(list))
    }

    /// Writes the attribute body (the caller writes flags, type and length).
    pub fn encode(&self, out: &mut BytesMut) {
        out.reserve(self.0.len() * 4);
        for community in &self.0 {
            community.encode(out);
        }
    }

    /// ExaBGP's JSON: `[ [ 65000, 1 ], [ 65000, 2 ] ]`, in attribute order.
    pub fn json(&self, out: &mut String) {
        json_list(&self.0, out, |community, out| community.json(out));
    }

    /// Adds one community keeping the list sorted, as ExaBGP's `add` does (so a configured
    /// list goes on the wire sorted, duplicates kept).
    pub fn add(&mut self, community: Community) {
        let at = self.0.partition_point(|c| *c <= community);
        self.0.insert(at, community);
    }

    /// Parses configuration tokens: `[ 65000:1 no-export ]` or a single value.
    pub fn parse<'a>(tokens: impl IntoIterator<Item = &'a str>) -> Result<Communities, String> {
        let mut communities = Communities::default();
        for value in list_values(tokens) {
            communities.add(Community::parse(value)?);
        }
        Ok(communities)
    }
}

/// ExaBGP's text form: one value alone, several as `[ a b ]` sorted, nothing when empty.
impl fmt::Display for Communities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_list(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn golden_attribute_body() {
        // from conf-attributes style: 30740:0 30740:30740
        let body = [0x78, 0x14, 0x00, 0x00, 0x78, 0x14, 0x78, 0x14];
        let c = Communities::decode(&body).unwrap();
        assert_eq!(
            c.0,
            vec![Community::new(30740, 0), Community::new(30740, 30740)]
        );
        let mut json = String::new();
        c.json(&mut json);
        assert_eq!(json, "[ [ 30740, 0 ], [ 30740, 30740 ] ]");
        assert_eq!(c.to_string(), "[ 30740:0 30740:30740 ]");
        let mut out = BytesMut::new();
        c.encode(&mut out);
        assert_eq!(&out[..], &body);
        assert!(Communities::decode(&body[..7]).is_err());
    }

    #[test]
    fn parse_sorts_like_exabgp() {
        let c = Communities::parse(["[", "no-export", "65000:2", "65000:1", "]"]).unwrap();
        let mut out = BytesMut::new();
        c.encode(&mut out);
        assert_eq!(
            &out[..],
            &[0xFD, 0xE8, 0, 1, 0xFD, 0xE8, 0, 2, 0xFF, 0xFF, 0xFF, 0x01]
        );
        assert_eq!(
            Communities::parse(["65000:1"]).unwrap().to_string(),
            "65000:1"
        );
        assert!(Communities::parse(["[", "65000:1", "nonsense", "]"]).is_err());
        assert_eq!(Communities::default().to_string(), "");
    }

    proptest! {
        #[test]
        fn decode_never_panics_and_round_trips(data in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(c) = Communities::decode(&data) {
                let mut out = BytesMut::new();
                c.encode(&mut out);
                prop_assert_eq!(&out[..], &data[..]);
            }
        }
    }
}
