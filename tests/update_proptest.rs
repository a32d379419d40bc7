//! Property tests of the UPDATE codec: no input panics the decoder, and routes survive an
//! encode / decode round trip whatever their number, families and attributes.

use exabgp_rs::bgp::message::open::capability::negotiated::{AddPath, Negotiated};
use exabgp_rs::bgp::message::update::attribute::community::initial::{Communities, Community};
use exabgp_rs::bgp::message::update::attribute::{
    AsPath, Attribute, Code, LocalPreference, Med, Origin,
};
use exabgp_rs::bgp::message::update::nlri::{Cidr, Inet, Nlri, PathInfo};
use exabgp_rs::bgp::message::update::{RoutedNlri, Update};
use exabgp_rs::protocol::family::Family;
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

fn negotiated(asn4: bool, addpath: bool, msg_size: usize) -> Negotiated {
    let families = vec![
        Family::IPV4_UNICAST,
        Family::IPV6_UNICAST,
        Family::IPV4_MULTICAST,
        Family::IPV6_MULTICAST,
    ];
    let mut negotiated = Negotiated {
        asn4,
        local_as: 65000,
        peer_as: 65000,
        msg_size,
        families: families.clone(),
        ..Negotiated::default()
    };
    if addpath {
        for family in families {
            negotiated.addpath.insert(
                family,
                AddPath {
                    send: true,
                    receive: true,
                },
            );
        }
    }
    negotiated
}

fn inet(family: Family, addr: IpAddr, mask: u8, path: Option<u32>) -> Nlri {
    // keep only the bits inside the mask: a prefix's wire form has no others
    let addr = match addr {
        IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from(
            u32::from(a) & u32::MAX.checked_shl(32 - mask as u32).unwrap_or(0),
        )),
        IpAddr::V6(a) => IpAddr::V6(Ipv6Addr::from(
            u128::from(a) & u128::MAX.checked_shl(128 - mask as u32).unwrap_or(0),
        )),
    };
    let path = path.map_or(PathInfo::Disabled, PathInfo::Id);
    Nlri::Inet(Inet::new(family, Cidr::new(addr, mask).unwrap(), path))
}

prop_compose! {
    fn route(addpath: bool)(v6 in any::<bool>(), multicast in any::<bool>(), a in any::<u32>(), b in any::<u128>(),
                            m4 in 0u8..=32, m6 in 0u8..=128, path in any::<u32>()) -> Nlri {
        let path = addpath.then_some(path);
        match (v6, multicast) {
            (false, false) => inet(Family::IPV4_UNICAST, IpAddr::V4(a.into()), m4, path),
            (false, true) => inet(Family::IPV4_MULTICAST, IpAddr::V4(a.into()), m4, path),
            (true, false) => inet(Family::IPV6_UNICAST, IpAddr::V6(b.into()), m6, path),
            (true, true) => inet(Family::IPV6_MULTICAST, IpAddr::V6(b.into()), m6, path),
        }
    }
}

prop_compose! {
    fn attributes()(origin in 0u8..3, path in proptest::collection::vec(1u32.., 0..20), med in proptest::option::of(any::<u32>()),
                    pref in any::<u32>(), communities in proptest::collection::vec(any::<u32>(), 0..30)) -> Vec<Attribute> {
        let mut attributes = vec![
            Attribute::Origin(Origin(origin)),
            Attribute::AsPath(AsPath::sequence(path)),
            Attribute::LocalPreference(LocalPreference(pref)),
        ];
        if let Some(med) = med {
            attributes.push(Attribute::Med(Med(med)));
        }
        if !communities.is_empty() {
            attributes.push(Attribute::Communities(Communities(communities.into_iter().map(Community).collect())));
        }
        attributes
    }
}

proptest! {
    #[test]
    fn decoding_never_panics(body in proptest::collection::vec(any::<u8>(), 0..600), asn4 in any::<bool>(), addpath in any::<bool>()) {
        let negotiated = negotiated(asn4, addpath, 4096);
        if let Ok(update) = Update::decode_slice(&body, &negotiated) {
            update.to_json();
            update.messages(&negotiated, true);
        }
    }

    #[test]
    fn structured_garbage_never_panics(attributes in proptest::collection::vec((any::<u8>(), 0u8..40, proptest::collection::vec(any::<u8>(), 0..40)), 0..8),
                                       nlri in proptest::collection::vec(any::<u8>(), 0..40), asn4 in any::<bool>()) {
        // well-formed attribute headers around arbitrary values reach every attribute decoder
        let mut section = Vec::new();
        for (flag, code, value) in &attributes {
            section.extend_from_slice(&[flag & !0x10, *code, value.len() as u8]);
            section.extend_from_slice(value);
        }
        let mut body = vec![0, 0];
        body.extend_from_slice(&(section.len() as u16).to_be_bytes());
        body.extend_from_slice(&section);
        body.extend_from_slice(&nlri);
        let negotiated = negotiated(asn4, false, 4096);
        if let Ok(update) = Update::decode_slice(&body, &negotiated) {
            update.to_json();
            update.messages(&negotiated, true);
        }
    }

    #[test]
    fn routes_round_trip(addpath in any::<bool>(), asn4 in any::<bool>(), extended in any::<bool>(),
                         attributes in attributes(),
                         announces in proptest::collection::vec(route(false), 0..400),
                         withdraws in proptest::collection::vec(route(false), 0..400),
                         paths in proptest::collection::vec(any::<u32>(), 800)) {
        let negotiated = negotiated(asn4, addpath, if extended { 65535 } else { 4096 });
        let with_path = |nlri: Nlri, n: usize| match nlri {
            Nlri::Inet(i) if addpath => Nlri::Inet(Inet::new(i.family, i.cidr, PathInfo::Id(paths[n]))),
            other => other,
        };
        let mut update = Update::default();
        for attribute in attributes {
            update.attributes.insert(attribute);
        }
        for (n, nlri) in announces.into_iter().enumerate() {
            let nlri = with_path(nlri, n);
            let nexthop = match nlri.family().afi.0 { 1 => IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), _ => "2001:db8::1".parse().unwrap() };
            update.announces.push(RoutedNlri { nlri, nexthop: Some(nexthop) });
        }
        for (n, nlri) in withdraws.into_iter().enumerate() {
            update.withdraws.push(with_path(nlri, 400 + n));
        }

        let mut announced = BTreeSet::new();
        let mut withdrawn = BTreeSet::new();
        for message in update.messages(&negotiated, true) {
            prop_assert!(message.len() <= negotiated.msg_size);
            let decoded = Update::decode_slice(&message[19..], &negotiated).unwrap();
            prop_assert_eq!(decoded.treat_as_withdraw, None);
            if !decoded.announces.is_empty() {
                for code in [Code::ORIGIN, Code::AS_PATH, Code::LOCAL_PREF, Code::MED, Code::COMMUNITY] {
                    prop_assert_eq!(decoded.attributes.get(code), update.attributes.get(code));
                }
            }
            for route in decoded.announces {
                announced.insert((route.nlri, route.nexthop));
            }
            withdrawn.extend(decoded.withdraws);
        }
        let expected: BTreeSet<_> = update.announces.iter().map(|r| (r.nlri.clone(), r.nexthop)).collect();
        prop_assert_eq!(announced, expected);
        prop_assert_eq!(withdrawn, update.withdraws.iter().cloned().collect::<BTreeSet<_>>());
    }
}
