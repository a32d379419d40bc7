//! Ports `exabgp/bgp/message/update/attribute/community/extended/communities.py`: the EXTENDED_COMMUNITIES (type 16, RFC 4360 §2, RFC 7606 §7.14) and IPV6_EXTENDED_COMMUNITIES (type 25, RFC 5701) attributes.

use super::super::{json_list, list_values, write_list, CommunityError};
use super::{ExtendedCommunity, Ipv6ExtendedCommunity};
use bytes::BytesMut;
use std::fmt;

/// The EXTENDED_COMMUNITIES attribute (type 16), in wire order.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct ExtendedCommunities(pub Vec<ExtendedCommunity>);

/// The IPV6_EXTENDED_COMMUNITIES attribute (type 25), in wire order.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct Ipv6ExtendedCommunities(pub Vec<Ipv6ExtendedCommunity>);

impl ExtendedCommunities {
    /// Decodes an attribute body: a whole number of eight-byte values, order kept.
    pub fn decode(data: &[u8]) -> Result<ExtendedCommunities, CommunityError> {
        if data.len() % 8 != 0 {
            return Err(CommunityError::NotMultiple {
                what: "extended community",
                unit: 8,
                got: data.len(),
            });
        }
        data.chunks_exact(8)
            .map(ExtendedCommunity::decode)
            .collect::<Result<_, _>>()
            .map(ExtendedCommunities)
    }

    /// Writes the attribute body (the caller writes flags, type and length).
    pub fn encode(&self, out: &mut BytesMut) {
        out.reserve(self.0.len() * 8);
        for community in &self.0 {
            community.encode(out);
        }
    }

    /// ExaBGP's JSON: `[ { "value": ..., "string": "..." }, ... ]`.
    pub fn json(&self, out: &mut String) {
        json_list(&self.0, out, |community, out| community.json(out));
    }

    /// Adds one value keeping the list sorted by bytes, as ExaBGP's `add` (duplicates kept).
    pub fn add(&mut self, community: ExtendedCommunity) {
        let at = self.0.partition_point(|c| *c <= community);
        self.0.insert(at, community);
    }

    /// Parses configuration tokens: `[ target:65000:1 origin:1.2.3.4:5 ]` or a single value.
    pub fn parse<'a>(
        tokens: impl IntoIterator<Item = &'a str>,
    ) -> Result<ExtendedCommunities, String> {
        let mut list = ExtendedCommunities::default();
        for value in list_values(tokens) {
            list.add(ExtendedCommunity::parse(value)?);
        }
        Ok(list)
    }
}

impl fmt::Display for ExtendedCommunities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_list(&self.0, f)
    }
}

impl Ipv6ExtendedCommunities {
    /// Decodes an attribute body: a whole number of twenty-byte values, order kept.
    pub fn decode(data: &[u8]) -> Result<Ipv6ExtendedCommunities, CommunityError> {
        if data.len() % 20 != 0 {
            return Err(CommunityError::NotMultiple {
                what: "ipv6 extended community",
                unit: 20,
                got: data.len(),
            });
        }
        data.chunks_exact(20)
            .map(Ipv6ExtendedCommunity::decode)
            .collect::<Result<_, _>>()
            .map(Ipv6ExtendedCommunities)
    }

    /// Writes the attribute body (the caller writes flags, type and length).
    pub fn encode(&self, out: &mut BytesMut) {
        out.reserve(self.0.len() * 20);
        for community in &self.0 {
            community.encode(out);
        }
    }

    /// ExaBGP's JSON: `[ { "value": ..., "string": "..." }, ... ]`.
    pub fn json(&self, out: &mut String) {
        json_list(&self.0, out, |community, out| community.json(out));
    }

    /// Adds one value keeping the list sorted by bytes, as ExaBGP's `add`.
    pub fn add(&mut self, community: Ipv6ExtendedCommunity) {
        let at = self.0.partition_point(|c| *c <= community);
        self.0.insert(at, community);
    }
}

impl fmt::Display for Ipv6ExtendedCommunities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_list(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn qa_json_for_a_parsed_list() {
        // conf-flow style: extended-community [ redirect:65500:12345 origin:2345:6.7.8.9 origin:2.3.4.5:6789 ]
        let list = ExtendedCommunities::parse([
            "[",
            "redirect:65500:12345",
            "origin:2345:6.7.8.9",
            "origin:2.3.4.5:6789",
            "]",
        ])
        .unwrap();
        let mut json = String::new();
        list.json(&mut json);
        assert_eq!(
            json,
            "[ { \"value\": 854496729565193, \"string\": \"origin:2345:6.7.8.9\" }, \
             { \"value\": 72904230943660677, \"string\": \"origin:2.3.4.5:6789\" }, \
             { \"value\": 9225905157026361401, \"string\": \"redirect:65500:12345\" } ]"
        );
        assert_eq!(
            list.to_string(),
            "[ origin:2345:6.7.8.9 origin:2.3.4.5:6789 redirect:65500:12345 ]"
        );
        let mut wire = BytesMut::new();
        list.encode(&mut wire);
        assert_eq!(ExtendedCommunities::decode(&wire), Ok(list));
    }

    #[test]
    fn l2vpn_pair_from_qa() {
        // conf-l2vpn: target:54591:6 then l2info:19:0:1500:111
        let body = [
            0x00, 0x02, 0xD5, 0x3F, 0, 0, 0, 6, //
            0x80, 0x0A, 19, 0, 0x05, 0xDC, 0, 111,
        ];
        let list = ExtendedCommunities::decode(&body).unwrap();
        let mut json = String::new();
        list.json(&mut json);
        assert_eq!(
            json,
            "[ { \"value\": 797416513077254, \"string\": \"target:54591:6\" }, \
             { \"value\": 9226207677441114223, \"string\": \"l2info:19:0:1500:111\" } ]"
        );
        assert!(ExtendedCommunities::decode(&body[..9]).is_err());
        assert!(Ipv6ExtendedCommunities::decode(&body).is_err());
    }

    proptest! {
        #[test]
        fn decode_never_panics(data in proptest::collection::vec(any::<u8>(), 0..70)) {
            if let Ok(list) = ExtendedCommunities::decode(&data) {
                let mut wire = BytesMut::new();
                list.encode(&mut wire);
                prop_assert_eq!(&wire[..], &data[..]);
                let mut json = String::new();
                list.json(&mut json);
            }
            if let Ok(list) = Ipv6ExtendedCommunities::decode(&data) {
                let mut wire = BytesMut::new();
                list.encode(&mut wire);
                prop_assert_eq!(&wire[..], &data[..]);
            }
        }
    }
}
