//! UPDATE decoding and encoding: RFC 7606 actions, AS4 merge, End-of-RIB, message packing.

use super::attribute::{Aggregator, AsPath, Attribute, Code, Med, NextHop, Origin};
use super::nlri::{Cidr, Inet, Nlri, PathInfo};
use super::{RoutedNlri, Update};
use crate::bgp::message::open::capability::negotiated::Negotiated;
use crate::protocol::family::Family;
use std::net::{IpAddr, Ipv4Addr};

const ORIGIN_IGP: &[u8] = &[0x40, 1, 1, 0];
const AS_PATH_EMPTY: &[u8] = &[0x40, 2, 0];
const NEXT_HOP: &[u8] = &[0x40, 3, 4, 10, 0, 0, 1];
/// 10.1.0.0/16
const NLRI: &[u8] = &[16, 10, 1];

fn body(withdrawn: &[u8], attributes: &[&[u8]], nlri: &[u8]) -> Vec<u8> {
    let attributes: Vec<u8> = attributes.concat();
    let mut out = Vec::new();
    out.extend_from_slice(&(withdrawn.len() as u16).to_be_bytes());
    out.extend_from_slice(withdrawn);
    out.extend_from_slice(&(attributes.len() as u16).to_be_bytes());
    out.extend_from_slice(&attributes);
    out.extend_from_slice(nlri);
    out
}

fn all_families() -> Negotiated {
    Negotiated {
        families: vec![
            Family::IPV4_UNICAST,
            Family::IPV6_UNICAST,
            Family::IPV4_MULTICAST,
            Family::IPV6_MULTICAST,
        ],
        ..Negotiated::default()
    }
}

fn decode(body: &[u8]) -> Update {
    Update::decode_slice(body, &all_families()).unwrap()
}

fn prefix(text: &str, mask: u8) -> Nlri {
    let addr: IpAddr = text.parse().unwrap();
    let family = if addr.is_ipv4() {
        Family::IPV4_UNICAST
    } else {
        Family::IPV6_UNICAST
    };
    Nlri::Inet(Inet::new(
        family,
        Cidr::new(addr, mask).unwrap(),
        PathInfo::Disabled,
    ))
}

/// The UPDATE with one extra attribute must be withdrawn (RFC 7606 treat-as-withdraw).
fn assert_withdrawn(extra: &[u8], code: u8) {
    let update = decode(&body(
        &[],
        &[ORIGIN_IGP, AS_PATH_EMPTY, NEXT_HOP, extra],
        NLRI,
    ));
    assert!(update.announces.is_empty(), "{extra:?} should withdraw");
    assert_eq!(update.withdraws, vec![prefix("10.1.0.0", 16)]);
    assert_eq!(update.treat_as_withdraw, Some(code));
    assert!(update.to_json().contains("\"withdraw\""));
}

/// The UPDATE with one extra attribute keeps its route, without that attribute (discard).
fn assert_discarded(extra: &[u8], code: u8) {
    let update = decode(&body(
        &[],
        &[ORIGIN_IGP, AS_PATH_EMPTY, NEXT_HOP, extra],
        NLRI,
    ));
    assert_eq!(
        update.announces.len(),
        1,
        "{extra:?} should be discarded only"
    );
    assert!(!update.attributes.contains(code));
    assert_eq!(update.treat_as_withdraw, None);
}

#[test]
fn rfc7606_treat_as_withdraw_attributes() {
    let update = decode(&body(
        &[],
        &[&[0x40, 1, 2, 0, 0], AS_PATH_EMPTY, NEXT_HOP],
        NLRI,
    ));
    assert_eq!(
        update.treat_as_withdraw,
        Some(Code::ORIGIN),
        "ORIGIN length (§7.1)"
    );
    assert_eq!(update.withdraws, vec![prefix("10.1.0.0", 16)]);
    let update = decode(&body(
        &[],
        &[&[0x40, 1, 1, 3], AS_PATH_EMPTY, NEXT_HOP],
        NLRI,
    ));
    assert_eq!(
        update.treat_as_withdraw,
        Some(Code::ORIGIN),
        "undefined ORIGIN value (§7.1)"
    );
    let update = decode(&body(
        &[],
        &[ORIGIN_IGP, &[0x40, 2, 4, 9, 1, 0, 1], NEXT_HOP],
        NLRI,
    ));
    assert_eq!(
        update.treat_as_withdraw,
        Some(Code::AS_PATH),
        "bad segment type (§7.2)"
    );
    let update = decode(&body(
        &[],
        &[ORIGIN_IGP, AS_PATH_EMPTY, &[0x40, 3, 5, 1, 2, 3, 4, 5]],
        NLRI,
    ));
    assert_eq!(
        update.treat_as_withdraw,
        Some(Code::NEXT_HOP),
        "NEXT_HOP length (§7.3)"
    );
    assert_withdrawn(&[0x80, 4, 3, 0, 0, 1], Code::MED);
    assert_withdrawn(&[0x40, 5, 0], Code::LOCAL_PREF);
    assert_withdrawn(&[0xc0, 8, 5, 0, 0, 0, 1, 2], Code::COMMUNITY);
    assert_withdrawn(&[0x80, 9, 3, 1, 2, 3], Code::ORIGINATOR_ID);
    assert_withdrawn(&[0x80, 10, 5, 1, 2, 3, 4, 5], Code::CLUSTER_LIST);
    assert_withdrawn(
        &[0xc0, 16, 7, 0, 2, 0, 1, 0, 0, 0],
        Code::EXTENDED_COMMUNITY,
    );
    assert_withdrawn(
        &[0xc0, 32, 11, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0],
        Code::LARGE_COMMUNITY,
    );
    // §3 (c): ORIGIN flagged optional conflicts with its type code
    let update = decode(&body(
        &[],
        &[&[0xc0, 1, 1, 0], AS_PATH_EMPTY, NEXT_HOP],
        NLRI,
    ));
    assert_eq!(update.treat_as_withdraw, Some(Code::ORIGIN));
}

/// RFC 4271 §6.3 / RFC 7606 §7.3: a NEXT_HOP that is no host address withdraws the body's
/// routes; an UPDATE announcing nothing through it is left alone.
#[test]
fn next_hop_not_a_host_address_withdraws() {
    for address in [[0, 0, 0, 0], [224, 0, 0, 1], [239, 255, 255, 255]] {
        let next_hop = [&[0x40, 3, 4][..], &address].concat();
        let update = decode(&body(&[], &[ORIGIN_IGP, AS_PATH_EMPTY, &next_hop], NLRI));
        assert_eq!(
            update.treat_as_withdraw,
            Some(Code::NEXT_HOP),
            "{address:?}"
        );
        assert!(update.announces.is_empty());
        assert_eq!(update.withdraws, vec![prefix("10.1.0.0", 16)]);
        let update = decode(&body(NLRI, &[ORIGIN_IGP, AS_PATH_EMPTY, &next_hop], &[]));
        assert_eq!(update.treat_as_withdraw, None, "{address:?}");
    }
    for address in [
        [1, 2, 3, 4],
        [223, 255, 255, 255],
        [240, 0, 0, 1],
        [255, 255, 255, 255],
    ] {
        let next_hop = [&[0x40, 3, 4][..], &address].concat();
        let update = decode(&body(&[], &[ORIGIN_IGP, AS_PATH_EMPTY, &next_hop], NLRI));
        assert_eq!(update.announces.len(), 1, "{address:?}");
    }
}

/// RFC 7606 §7.8, §7.14, RFC 8092 §5: communities of length 0 are malformed.
#[test]
fn empty_communities_withdraw() {
    assert_withdrawn(&[0xc0, 8, 0], Code::COMMUNITY);
    assert_withdrawn(&[0xc0, 16, 0], Code::EXTENDED_COMMUNITY);
    assert_withdrawn(&[0xc0, 32, 0], Code::LARGE_COMMUNITY);
}

/// RFC 9774 §3: AS_SET and AS_CONFED_SET are deprecated, their routes treated as withdrawn.
#[test]
fn as_sets_withdraw() {
    // AS_SEQUENCE 65001, then AS_SET { 65002 65003 } (four-byte ASNs)
    let path = [
        0x40, 2, 16, 2, 1, 0, 0, 0xFD, 0xE9, 1, 2, 0, 0, 0xFD, 0xEA, 0, 0, 0xFD, 0xEB,
    ];
    let update = decode(&body(&[], &[ORIGIN_IGP, &path, NEXT_HOP], NLRI));
    assert_eq!(update.treat_as_withdraw, Some(Code::AS_PATH));
    assert_eq!(update.withdraws, vec![prefix("10.1.0.0", 16)]);
    // AS_CONFED_SET (type 4) from an internal peer
    let confed = [0x40, 2, 6, 4, 1, 0, 0, 0xFD, 0xE9];
    let update = decode(&body(&[], &[ORIGIN_IGP, &confed, NEXT_HOP], NLRI));
    assert_eq!(update.treat_as_withdraw, Some(Code::AS_PATH));
    // a sequence alone is kept
    let sequence = [0x40, 2, 6, 2, 1, 0, 0, 0xFD, 0xE9];
    let update = decode(&body(&[], &[ORIGIN_IGP, &sequence, NEXT_HOP], NLRI));
    assert_eq!(update.announces.len(), 1);
    // an AS_SET in AS4_PATH on a two-byte session withdraws too, once merged into AS_PATH
    let negotiated = Negotiated {
        asn4: false,
        ..all_families()
    };
    let two_byte_path = [0x40, 2, 4, 2, 1, 0x5B, 0xA0];
    let as4_path = [0xc0, 17, 10, 1, 2, 0, 1, 0x11, 0x70, 0, 1, 0x11, 0x71];
    let wire = body(
        &[],
        &[ORIGIN_IGP, &two_byte_path, NEXT_HOP, &as4_path],
        NLRI,
    );
    let update = Update::decode_slice(&wire, &negotiated).unwrap();
    assert_eq!(update.treat_as_withdraw, Some(Code::AS_PATH));
    assert!(update.announces.is_empty());
    // attributes alone (no route) still decode with their AS_SET
    let update = decode(&body(&[], &[ORIGIN_IGP, &path, NEXT_HOP], &[]));
    assert!(update.attributes.contains(Code::AS_PATH));
}

/// The session's FlowSpec offset layout decides how an IPv6 prefix with an offset is read
/// and written: the whole prefix by default, RFC 8956's bits only when configured.
#[test]
fn flow_ipv6_offset_follows_the_session() {
    use crate::bgp::message::update::nlri::OffsetLayout;
    let flow_v6 = Family::new(
        crate::protocol::family::Afi::IPV6,
        crate::protocol::family::Safi::FLOW_IP,
    );
    let session = |flow_offset| Negotiated {
        families: vec![flow_v6],
        flow_offset,
        ..Negotiated::default()
    };
    // MP_REACH_NLRI, ipv6 flow, no next-hop: source ::1/128/120 as ExaBGP, FRR and GoBGP send it
    let mut reach = vec![0x90, 14, 0, 0, 0, 2, 133, 0, 0];
    reach.extend_from_slice(&[19, 2, 128, 120]);
    reach.extend_from_slice(&std::net::Ipv6Addr::LOCALHOST.octets());
    let length = (reach.len() - 4) as u16;
    reach[2..4].copy_from_slice(&length.to_be_bytes());
    let wire = body(&[], &[ORIGIN_IGP, AS_PATH_EMPTY, &reach], &[]);
    let update = Update::decode_slice(&wire, &session(OffsetLayout::WholePrefix)).unwrap();
    assert_eq!(update.announces.len(), 1);
    assert_eq!(
        update.announces[0].nlri.to_string(),
        "flow source-ipv6 ::1/128/120"
    );
    let mut out = bytes::BytesMut::new();
    update.announces[0]
        .nlri
        .encode(&session(OffsetLayout::Rfc8956), &mut out);
    assert_eq!(
        &out[..],
        &[4, 2, 128, 120, 1],
        "RFC 8956: the eight bits from 120"
    );
    // read as RFC 8956, the same bytes are one pattern byte then garbage: (3, 10)
    let error = Update::decode_slice(&wire, &session(OffsetLayout::Rfc8956)).unwrap_err();
    assert_eq!((error.code, error.subcode), (3, 10));
}

#[test]
fn rfc7606_attribute_discard() {
    assert_discarded(&[0x40, 6, 1, 0], Code::ATOMIC_AGGREGATE);
    assert_discarded(&[0xc0, 7, 7, 0, 0, 0, 1, 2, 3, 4], Code::AGGREGATOR);
    // AS4_PATH malformed on a two-byte session (RFC 6793 §6 / RFC 7606 §7.2)
    let negotiated = Negotiated {
        asn4: false,
        ..Negotiated::default()
    };
    let wire = body(
        &[],
        &[ORIGIN_IGP, AS_PATH_EMPTY, NEXT_HOP, &[0xc0, 17, 3, 2, 1, 0]],
        NLRI,
    );
    let update = Update::decode_slice(&wire, &negotiated).unwrap();
    assert_eq!(update.announces.len(), 1);
    assert!(!update.attributes.contains(Code::AS4_PATH));
}

#[test]
fn rfc7606_missing_and_overrunning() {
    // §3 (d): NEXT_HOP missing with NLRI in the body
    let update = decode(&body(&[], &[ORIGIN_IGP, AS_PATH_EMPTY], NLRI));
    assert_eq!(update.treat_as_withdraw, Some(Code::NEXT_HOP));
    // §3 (d): AS_PATH missing
    let update = decode(&body(&[], &[ORIGIN_IGP, NEXT_HOP], NLRI));
    assert_eq!(update.treat_as_withdraw, Some(Code::AS_PATH));
    // §4: an attribute length running past the attribute section
    let update = decode(&body(
        &[],
        &[ORIGIN_IGP, AS_PATH_EMPTY, NEXT_HOP, &[0x80, 4, 9, 0]],
        NLRI,
    ));
    assert_eq!(update.treat_as_withdraw, Some(Code::MED));
    assert_eq!(update.withdraws.len(), 1);
}

#[test]
fn rfc7606_duplicates_and_session_resets() {
    // §3 (g): a repeated attribute keeps the first
    let update = decode(&body(
        &[],
        &[ORIGIN_IGP, &[0x40, 1, 1, 2], AS_PATH_EMPTY, NEXT_HOP],
        NLRI,
    ));
    assert_eq!(
        update.attributes.get(Code::ORIGIN),
        Some(&Attribute::Origin(Origin::IGP))
    );
    // ... but a repeated MP_REACH_NLRI resets the session (3, 1)
    let reach: &[u8] = &[0x80, 14, 11, 0, 1, 1, 4, 10, 0, 0, 1, 0, 8, 10];
    let error = Update::decode_slice(
        &body(&[], &[ORIGIN_IGP, AS_PATH_EMPTY, reach, reach], &[]),
        &all_families(),
    )
    .unwrap_err();
    assert_eq!((error.code, error.subcode), (3, 1));
    // §7.11: a truncated MP_REACH_NLRI resets the session
    let error = Update::decode_slice(&body(&[], &[&[0x80, 14, 3, 0, 2, 1]], &[]), &all_families())
        .unwrap_err();
    assert_eq!((error.code, error.subcode), (3, 9));
    // an MP_REACH_NLRI of a family that was not negotiated (ExaBGP: (3, 0))
    let mp: &[u8] = &[0x80, 14, 11, 0, 1, 2, 4, 10, 0, 0, 1, 0, 8, 10];
    let error = Update::decode_slice(
        &body(&[], &[ORIGIN_IGP, AS_PATH_EMPTY, mp], &[]),
        &Negotiated::default(),
    )
    .unwrap_err();
    assert_eq!((error.code, error.subcode), (3, 0));
    // §5.3: NLRI that do not parse reset the session with (3, 10)
    let error = Update::decode_slice(
        &body(
            &[],
            &[ORIGIN_IGP, AS_PATH_EMPTY, NEXT_HOP],
            &[33, 1, 2, 3, 4, 5],
        ),
        &all_families(),
    )
    .unwrap_err();
    assert_eq!((error.code, error.subcode), (3, 10));
    let error = Update::decode_slice(&[0, 9, 0, 0], &all_families()).unwrap_err();
    assert_eq!(
        (error.code, error.subcode),
        (3, 1),
        "withdrawn length overruns"
    );
    let error = Update::decode_slice(&[0, 0, 0, 9, 1], &all_families()).unwrap_err();
    assert_eq!(
        (error.code, error.subcode),
        (3, 1),
        "attribute length overruns"
    );
    let error = Update::decode_slice(&[0, 0, 0], &all_families()).unwrap_err();
    assert_eq!(
        (error.code, error.subcode, &error.data[..]),
        (1, 2, &[0u8, 22][..])
    );
    // RFC 4271 §6.3: an unrecognized well-known attribute, with the attribute as data
    let error =
        Update::decode_slice(&body(&[], &[&[0x40, 0x99, 1, 7]], &[]), &all_families()).unwrap_err();
    assert_eq!(
        (error.code, error.subcode, &error.data[..]),
        (3, 2, &[0x40u8, 0x99, 1, 7][..])
    );
}

#[test]
fn unknown_optional_attributes() {
    let update = decode(&body(
        &[],
        &[
            ORIGIN_IGP,
            AS_PATH_EMPTY,
            NEXT_HOP,
            &[0xc0, 0x99, 2, 0xab, 0xcd],
            &[0x80, 0x98, 1, 0],
        ],
        NLRI,
    ));
    assert!(
        !update.attributes.contains(0x98),
        "optional non-transitive unknown is ignored"
    );
    assert!(
        update
            .to_json()
            .contains("\"attribute-0x99-0xE0\": \"0xabcd\""),
        "{}",
        update.to_json()
    );
}

#[test]
fn as4_merge_on_two_byte_session() {
    let negotiated = Negotiated {
        asn4: false,
        ..Negotiated::default()
    };
    // AS_PATH 65001 23456 23456, AS4_PATH 4200000001 4200000002,
    // AGGREGATOR 23456 1.2.3.4, AS4_AGGREGATOR 4200000003 1.2.3.4
    let as_path: &[u8] = &[0x40, 2, 8, 2, 3, 0xfd, 0xe9, 0x5b, 0xa0, 0x5b, 0xa0];
    let as4_path: &[u8] = &[
        0xc0, 17, 10, 2, 2, 0xfa, 0x56, 0xea, 0x01, 0xfa, 0x56, 0xea, 0x02,
    ];
    let aggregator: &[u8] = &[0xc0, 7, 6, 0x5b, 0xa0, 1, 2, 3, 4];
    let as4_aggregator: &[u8] = &[0xc0, 18, 8, 0xfa, 0x56, 0xea, 0x03, 1, 2, 3, 4];
    let wire = body(
        &[],
        &[
            ORIGIN_IGP,
            as_path,
            NEXT_HOP,
            aggregator,
            as4_path,
            as4_aggregator,
        ],
        NLRI,
    );
    let update = Update::decode_slice(&wire, &negotiated).unwrap();
    assert_eq!(
        update.attributes.get(Code::AS_PATH),
        Some(&Attribute::AsPath(AsPath {
            segments: vec![
                super::attribute::Segment {
                    kind: super::attribute::SegmentType::Sequence,
                    asns: vec![65001]
                },
                super::attribute::Segment {
                    kind: super::attribute::SegmentType::Sequence,
                    asns: vec![4200000001, 4200000002]
                },
            ]
        }))
    );
    assert_eq!(
        update.attributes.get(Code::AGGREGATOR),
        Some(&Attribute::Aggregator(Aggregator {
            asn: 4200000003,
            speaker: Ipv4Addr::new(1, 2, 3, 4)
        }))
    );
    assert!(
        !update.attributes.contains(Code::AS4_PATH)
            && !update.attributes.contains(Code::AS4_AGGREGATOR)
    );

    // an AGGREGATOR that is not AS_TRANS: the AS4 attributes are stale (RFC 6793 §4.2.3)
    let aggregator: &[u8] = &[0xc0, 7, 6, 0xfd, 0xe8, 1, 2, 3, 4];
    let wire = body(
        &[],
        &[
            ORIGIN_IGP,
            as_path,
            NEXT_HOP,
            aggregator,
            as4_path,
            as4_aggregator,
        ],
        NLRI,
    );
    let update = Update::decode_slice(&wire, &negotiated).unwrap();
    assert_eq!(
        update.attributes.get(Code::AS_PATH),
        Some(&Attribute::AsPath(AsPath::sequence(vec![
            65001, 23456, 23456
        ])))
    );

    // between four-byte speakers AS4_PATH is discarded
    let as_path4: &[u8] = &[0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xe9];
    let wire = body(&[], &[ORIGIN_IGP, as_path4, NEXT_HOP, as4_path], NLRI);
    let update = decode(&wire);
    assert_eq!(
        update.attributes.get(Code::AS_PATH),
        Some(&Attribute::AsPath(AsPath::sequence(vec![65001])))
    );
    assert!(!update.attributes.contains(Code::AS4_PATH));
}

#[test]
fn as4_path_written_after_as_path_on_two_byte_session() {
    let negotiated = Negotiated {
        asn4: false,
        local_as: 65000,
        peer_as: 65000,
        ..Negotiated::default()
    };
    let mut update = Update::default();
    update.attributes.insert(Attribute::Origin(Origin::IGP));
    update
        .attributes
        .insert(Attribute::AsPath(AsPath::sequence(vec![4200000001])));
    update
        .attributes
        .insert(Attribute::NextHop(NextHop(Ipv4Addr::new(10, 0, 0, 1))));
    update.announces.push(RoutedNlri {
        nlri: prefix("10.1.0.0", 16),
        nexthop: Some("10.0.0.1".parse().unwrap()),
    });
    let messages = update.messages(&negotiated, true);
    assert_eq!(messages.len(), 1);
    let expected = body(
        &[],
        &[
            ORIGIN_IGP,
            &[0x40, 2, 4, 2, 1, 0x5b, 0xa0],
            &[0xc0, 17, 6, 2, 1, 0xfa, 0x56, 0xea, 0x01],
            NEXT_HOP,
            &[0x40, 5, 4, 0, 0, 0, 100],
        ],
        NLRI,
    );
    assert_eq!(&messages[0][19..], &expected[..]);
}

#[test]
fn end_of_rib() {
    let update = decode(&[0, 0, 0, 0]);
    assert_eq!(update.eor, Some(Family::IPV4_UNICAST));
    assert_eq!(
        update.to_json(),
        r#"{ "eor": { "afi" : "ipv4", "safi" : "unicast" } }"#
    );
    assert_eq!(
        &update.messages(&all_families(), true)[0][16..],
        &[0, 23, 2, 0, 0, 0, 0]
    );

    // qa/encoding/conf-attributes.ci: MP_UNREACH_NLRI EOR for IPv6 unicast
    let wire = [0, 0, 0, 7, 0x90, 0x0f, 0, 3, 0, 2, 1];
    let update = decode(&wire);
    assert_eq!(update.eor, Some(Family::IPV6_UNICAST));
    assert_eq!(
        update.to_json(),
        r#"{ "eor": { "afi" : "ipv6", "safi" : "unicast" } }"#
    );
    assert_eq!(&update.messages(&all_families(), true)[0][19..], &wire);
    // the same with an 0x80 flag (no extended length) is still an EOR
    assert_eq!(
        decode(&[0, 0, 0, 6, 0x80, 0x0f, 3, 0, 2, 1]).eor,
        Some(Family::IPV6_UNICAST)
    );
}

#[test]
fn qa_decoding_ipv4_unicast_1_json() {
    // qa/decoding/ipv4-unicast-1: four 0.0.0.0/0 then 1.1.1.1/32, next-hop 101.1.101.1
    let wire = [
        0x00, 0x00, 0x00, 0x1c, 0x40, 0x01, 0x01, 0x00, 0x40, 0x02, 0x00, 0x40, 0x03, 0x04, 0x65,
        0x01, 0x65, 0x01, 0x80, 0x04, 0x04, 0x00, 0x00, 0x00, 0xc8, 0x40, 0x05, 0x04, 0x00, 0x00,
        0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x01, 0x01, 0x01,
    ];
    let update = decode(&wire);
    assert_eq!(
        update.to_json(),
        r#"{ "update": { "attribute": { "origin": "igp", "med": 200, "local-preference": 100 }, "announce": { "ipv4 unicast": { "101.1.101.1": [ { "nlri": "0.0.0.0/0" }, { "nlri": "0.0.0.0/0" }, { "nlri": "0.0.0.0/0" }, { "nlri": "0.0.0.0/0" }, { "nlri": "1.1.1.1/32" } ] } } } }"#
    );
}

#[test]
fn withdraw_json_shows_next_hop_attribute() {
    let update = decode(&body(
        NLRI,
        &[
            ORIGIN_IGP,
            AS_PATH_EMPTY,
            NEXT_HOP,
            &[0x80, 4, 4, 0, 0, 0, 5],
        ],
        &[24, 10, 2, 0],
    ));
    assert_eq!(
        update.to_json(),
        r#"{ "update": { "attribute": { "origin": "igp", "next-hop": "10.0.0.1", "med": 5 }, "announce": { "ipv4 unicast": { "10.0.0.1": [ { "nlri": "10.2.0.0/24" } ] } }, "withdraw": { "ipv4 unicast": [ { "nlri": "10.1.0.0/16" } ] } } }"#
    );
    assert_eq!(
        update.attributes.get(Code::MED),
        Some(&Attribute::Med(Med(5)))
    );
}

/// Routes of one UPDATE split over several messages: every message fits, none could take the
/// next route, and every route arrives once.
#[test]
fn messages_split_at_message_size() {
    let negotiated = Negotiated {
        local_as: 1,
        peer_as: 1,
        ..all_families()
    };
    let mut update = Update::default();
    update
        .attributes
        .insert(Attribute::NextHop(NextHop(Ipv4Addr::new(10, 0, 0, 1))));
    for n in 0..2000u32 {
        let [_, a, b, _] = n.to_be_bytes();
        update.announces.push(RoutedNlri {
            nlri: prefix(&format!("20.{a}.{b}.0"), 24),
            nexthop: Some("10.0.0.1".parse().unwrap()),
        });
        update.announces.push(RoutedNlri {
            nlri: prefix(&format!("2001:db8:{n:x}::"), 48),
            nexthop: Some("2001:db8::1".parse().unwrap()),
        });
        update.withdraws.push(prefix(&format!("30.{a}.{b}.0"), 24));
    }
    let messages = update.messages(&negotiated, true);
    // attributes: ORIGIN 4 + AS_PATH 3 + NEXT_HOP 7 + LOCAL_PREF 7 = 21 bytes, so 4096 - 19 - 4
    // - 21 = 4052 bytes of NLRI: 1013 /24 per message; 4000 IPv4 NLRI take 4 messages
    assert!(messages.iter().all(|m| m.len() <= 4096));
    let mut announced = 0;
    let mut withdrawn = 0;
    let mut v6 = 0;
    for message in &messages {
        let update = Update::decode_slice(&message[19..], &negotiated).unwrap();
        announced += update
            .announces
            .iter()
            .filter(|r| r.nlri.family() == Family::IPV4_UNICAST)
            .count();
        v6 += update
            .announces
            .iter()
            .filter(|r| r.nlri.family() == Family::IPV6_UNICAST)
            .count();
        withdrawn += update.withdraws.len();
    }
    assert_eq!((announced, v6, withdrawn), (2000, 2000, 2000));
    // IPv4: 6000 bytes-per-4 NLRI / 1013 per message = 4 messages (announces then withdraws
    // share the last); IPv6 /48: 7 bytes each, MP_REACH header 3+1+16+1 = 21 plus 4 of
    // attribute header: (4052 - 25) / 7 = 575 per message, 2000 / 575 = 4 messages
    assert_eq!(messages.len(), 4 + 4);
}

#[test]
fn mp_reach_next_hop_must_match_the_family() {
    // IPv6 unicast 2001:db8::/32 with a 4-byte next-hop, no extended next-hop negotiated
    let reach: &[u8] = &[
        0x80, 14, 14, 0, 2, 1, 4, 10, 0, 0, 1, 0, 32, 0x20, 0x01, 0x0d, 0xb8,
    ];
    let wire = body(&[], &[ORIGIN_IGP, AS_PATH_EMPTY, reach], &[]);
    let error = Update::decode_slice(&wire, &all_families()).unwrap_err();
    assert_eq!((error.code, error.subcode), (3, 9));
    let extended = Negotiated {
        nexthop: vec![(Family::IPV6_UNICAST, crate::protocol::family::Afi::IPV4)],
        ..all_families()
    };
    let update = Update::decode_slice(&wire, &extended).unwrap();
    assert_eq!(
        update.announces[0].nexthop,
        Some("10.0.0.1".parse().unwrap())
    );
    assert_eq!(
        update.to_json(),
        r#"{ "update": { "attribute": { "origin": "igp" }, "announce": { "ipv6 unicast": { "10.0.0.1": [ { "nlri": "2001:db8::/32" } ] } } } }"#
    );
}

#[test]
fn ipv4_routes_with_different_next_hops_go_in_different_messages() {
    let negotiated = Negotiated {
        local_as: 1,
        peer_as: 1,
        ..all_families()
    };
    let mut update = Update::default();
    for (route, nexthop) in [
        ("10.1.0.0", "192.0.2.1"),
        ("10.2.0.0", "192.0.2.2"),
        ("10.3.0.0", "192.0.2.1"),
    ] {
        update.announces.push(RoutedNlri {
            nlri: prefix(route, 16),
            nexthop: Some(nexthop.parse().unwrap()),
        });
    }
    update.withdraws.push(prefix("10.9.0.0", 16));
    let messages = update.messages(&negotiated, true);
    let decoded: Vec<Update> = messages
        .iter()
        .map(|m| Update::decode_slice(&m[19..], &negotiated).unwrap())
        .collect();
    assert_eq!(decoded.len(), 2);
    let nexthops: Vec<_> = decoded
        .iter()
        .map(|u| u.attributes.next_hop().map(|n| n.to_string()))
        .collect();
    assert_eq!(
        nexthops,
        vec![Some("192.0.2.1".to_string()), Some("192.0.2.2".to_string())]
    );
    assert_eq!(decoded[0].announces.len(), 2);
    assert_eq!(decoded[1].announces.len(), 1);
    assert_eq!(decoded[1].withdraws, vec![prefix("10.9.0.0", 16)]);
}

#[test]
fn lone_as4_path_json_is_exabgp_unknown_attribute_text() {
    // a two-byte session with AS4_PATH but no AS_PATH (the UPDATE is withdrawn for the missing
    // AS_PATH, so no NLRI here to keep the attributes)
    let negotiated = Negotiated {
        asn4: false,
        ..all_families()
    };
    let as4_path: &[u8] = &[0xc0, 17, 10, 2, 2, 0xfa, 0x56, 0xea, 0x01, 0, 0, 0, 1];
    let update =
        Update::decode_slice(&body(&[], &[ORIGIN_IGP, as4_path], &[]), &negotiated).unwrap();
    assert_eq!(
        update.to_json(),
        r#"{ "update": { "attribute": { "origin": "igp", "attribute-0x11-0xC0": "( 4200000001 1 )" } } }"#
    );
}

#[test]
fn rfc7606_ibgp_only_attributes_from_an_external_peer_are_discarded() {
    let ebgp = Negotiated {
        local_as: 65000,
        peer_as: 65001,
        ..all_families()
    };
    let local_pref: &[u8] = &[0x40, 5, 4, 0, 0, 0, 100];
    let originator: &[u8] = &[0x80, 9, 4, 1, 2, 3, 4];
    let cluster: &[u8] = &[0x80, 10, 4, 1, 2, 3, 4];
    let wire = body(
        &[],
        &[
            ORIGIN_IGP,
            AS_PATH_EMPTY,
            NEXT_HOP,
            local_pref,
            originator,
            cluster,
        ],
        NLRI,
    );
    let update = Update::decode_slice(&wire, &ebgp).unwrap();
    assert_eq!(update.announces.len(), 1);
    for code in [Code::LOCAL_PREF, Code::ORIGINATOR_ID, Code::CLUSTER_LIST] {
        assert!(!update.attributes.contains(code));
    }
    // from an internal peer they are kept
    let update = decode(&wire);
    assert!(update.to_json().contains(
        r#""local-preference": 100, "originator-id": "1.2.3.4", "cluster-list": [ "1.2.3.4" ]"#
    ));
}

#[test]
fn link_local_next_hop_follows_the_global_one() {
    // qa/encoding/conf-llnh-update.ci: 2001:db8:1::1/128 next-hop 2001:db8::ffff, local-link-local
    // fe80::1, link-local next-hop negotiated
    let negotiated = Negotiated {
        local_as: 1,
        peer_as: 1,
        linklocal_nexthop: true,
        link_local: Some("fe80::1".parse().unwrap()),
        ..all_families()
    };
    let mut update = Update::default();
    update.attributes.insert(Attribute::Origin(Origin::IGP));
    update
        .attributes
        .insert(Attribute::AsPath(AsPath::default()));
    update.announces.push(RoutedNlri {
        nlri: prefix("2001:db8:1::1", 128),
        nexthop: Some("2001:db8::ffff".parse().unwrap()),
    });
    let mut reach = vec![0x80, 14, 0x36, 0, 2, 1, 32];
    reach.extend_from_slice(
        &"2001:db8::ffff"
            .parse::<std::net::Ipv6Addr>()
            .unwrap()
            .octets(),
    );
    reach.extend_from_slice(&"fe80::1".parse::<std::net::Ipv6Addr>().unwrap().octets());
    reach.extend_from_slice(&[0, 128]);
    reach.extend_from_slice(
        &"2001:db8:1::1"
            .parse::<std::net::Ipv6Addr>()
            .unwrap()
            .octets(),
    );
    let expected = body(
        &[],
        &[
            ORIGIN_IGP,
            AS_PATH_EMPTY,
            &[0x40, 5, 4, 0, 0, 0, 100],
            &reach,
        ],
        &[],
    );
    assert_eq!(&update.messages(&negotiated, true)[0][19..], &expected[..]);
    // without the capability, sixteen bytes
    let plain = Negotiated {
        link_local: None,
        ..negotiated
    };
    assert_eq!(update.messages(&plain, true)[0][19 + 4 + 4 + 3 + 7 + 6], 16);
}

#[test]
fn text_lines() {
    let update = decode(&body(
        NLRI,
        &[
            ORIGIN_IGP,
            AS_PATH_EMPTY,
            NEXT_HOP,
            &[0x80, 4, 4, 0, 0, 0, 5],
        ],
        &[24, 10, 2, 0],
    ));
    let mut text = String::new();
    update.text("neighbor 127.0.0.1 receive update", &mut text);
    assert_eq!(
        text,
        "neighbor 127.0.0.1 receive update announced 10.2.0.0/24 next-hop 10.0.0.1 origin igp med 5\n\
         neighbor 127.0.0.1 receive update withdrawn 10.1.0.0/16\n"
    );
    let mut text = String::new();
    Update::eor(Family::IPV6_UNICAST).text("p", &mut text);
    assert_eq!(text, "p route eor 2/1 (ipv6 unicast)\n");
}

#[test]
fn rfc7606_confederation_segments_from_an_external_peer() {
    let confed: &[u8] = &[0x40, 2, 6, 3, 1, 0, 0, 0xfd, 0xe8];
    let wire = body(&[], &[ORIGIN_IGP, confed, NEXT_HOP], NLRI);
    let ebgp = Negotiated {
        local_as: 65000,
        peer_as: 65001,
        ..all_families()
    };
    assert_eq!(
        Update::decode_slice(&wire, &ebgp)
            .unwrap()
            .treat_as_withdraw,
        Some(Code::AS_PATH)
    );
    assert_eq!(
        decode(&wire).treat_as_withdraw,
        None,
        "accepted from an internal peer"
    );
}

#[test]
fn unknown_attribute_value_shares_the_message_bytes() {
    let wire = bytes::Bytes::from(body(
        &[],
        &[
            ORIGIN_IGP,
            AS_PATH_EMPTY,
            NEXT_HOP,
            &[0xc0, 0x99, 2, 0xab, 0xcd],
        ],
        NLRI,
    ));
    let update = Update::decode(wire.clone(), &all_families()).unwrap();
    let Some(Attribute::Generic(generic)) = update.attributes.get(0x99) else {
        panic!("{update:?}")
    };
    assert_eq!(&generic.value[..], &[0xab, 0xcd]);
    let range = wire.as_ptr() as usize..wire.as_ptr() as usize + wire.len();
    assert!(
        range.contains(&(generic.value.as_ptr() as usize)),
        "a copy, not a view of the message"
    );
}
