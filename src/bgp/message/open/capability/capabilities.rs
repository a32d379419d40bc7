//! Ports `exabgp/bgp/message/open/capability/capabilities.py`: the capabilities of an OPEN, framed as
//! optional parameters (RFC 5492 §4, RFC 4271 §4.2), extended optional parameters (RFC 9072).

use super::{
    addpath::AddPath, asn4::Asn4, extended::ExtendedMessage, graceful::Graceful,
    hostname::HostName, linklocal::LinkLocalNextHop, malformed, mp::MultiProtocol,
    ms::MultiSession, nexthop::NextHop, operational::Operational, pathslimit::PathsLimit,
    refresh::EnhancedRouteRefresh, refresh::RouteRefresh, software::Software, Capability,
    CapabilityCode,
};
use crate::bgp::message::reader::Reader;
use crate::bgp::message::Notification;
use crate::bgp::neighbor::Neighbor;
use crate::protocol::family::{Afi, Family, Safi};
use bytes::Bytes;
use std::fmt;

/// Optional parameter type of capabilities (RFC 5492 §4).
const PARAMETER_CAPABILITIES: u8 = 2;
/// The marker of RFC 9072 extended optional parameters.
const EXTENDED_LENGTH: u8 = 255;

/// Families ExaBGP will announce ADD-PATH for, in its order.
const ADD_PATH: [Family; 8] = [
    Family::new(Afi::IPV4, Safi::UNICAST),
    Family::new(Afi::IPV6, Safi::UNICAST),
    Family::new(Afi::IPV4, Safi::NLRI_MPLS),
    Family::new(Afi::IPV6, Safi::NLRI_MPLS),
    Family::new(Afi::IPV4, Safi::MPLS_VPN),
    Family::new(Afi::IPV6, Safi::MPLS_VPN),
    Family::new(Afi::IPV4, Safi::MUP),
    Family::new(Afi::IPV6, Safi::MUP),
];

/// (family, next-hop AFI) pairs ExaBGP will announce extended next hop for, in its order.
pub const NEXTHOP: [(Family, Afi); 4] = [
    (Family::new(Afi::IPV4, Safi::UNICAST), Afi::IPV6),
    (Family::new(Afi::IPV4, Safi::MULTICAST), Afi::IPV6),
    (Family::new(Afi::IPV4, Safi::NLRI_MPLS), Afi::IPV6),
    (Family::new(Afi::IPV4, Safi::MPLS_VPN), Afi::IPV6),
];

/// The capabilities of an OPEN, one per code, in the order first sent or received.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Capabilities(pub Vec<Capability>);

impl Capabilities {
    /// The capabilities ExaBGP announces for `neighbor`, in ExaBGP's order.
    /// `restarted`: the graceful-restart R bit (RFC 4724 §3).
    pub fn new(neighbor: &Neighbor, restarted: bool) -> Capabilities {
        let cap = &neighbor.capability;
        let mut out = Vec::new();
        out.push(Capability::MultiProtocol(MultiProtocol(
            neighbor.families.clone(),
        )));
        if cap.asn4 {
            out.push(Capability::Asn4(Asn4(neighbor.local_as)));
        }
        if cap.nexthop {
            let pairs = NEXTHOP
                .iter()
                .filter(|p| neighbor.nexthop.contains(p))
                .copied()
                .collect();
            out.push(Capability::NextHop(NextHop(pairs)));
        }
        if cap.add_path != 0 {
            let families: Vec<Family> = ADD_PATH
                .iter()
                .filter(|f| neighbor.addpath.contains(f))
                .copied()
                .collect();
            out.push(Capability::AddPath(AddPath::new(&families, cap.add_path)));
            // PATHS-LIMIT (ExaBGP's `_pathslimit`): only for families we receive paths of
            let limits: Vec<(Family, u16)> = neighbor
                .paths_limit
                .iter()
                .filter(|(family, limit)| {
                    *limit > 0 && cap.add_path & AddPath::RECEIVE != 0 && families.contains(family)
                })
                .copied()
                .collect();
            if !limits.is_empty() {
                out.push(Capability::PathsLimit(PathsLimit(limits)));
            }
        }
        if let Some(time) = cap.graceful_restart {
            let flag = if restarted {
                Graceful::RESTART_STATE
            } else {
                0
            };
            let families = neighbor
                .families
                .iter()
                .map(|f| (*f, Graceful::FORWARDING_STATE))
                .collect();
            out.push(Capability::Graceful(Graceful::new(flag, time, families)));
        }
        if cap.route_refresh {
            out.push(Capability::RouteRefresh(RouteRefresh { cisco: false }));
            out.push(Capability::EnhancedRouteRefresh(EnhancedRouteRefresh));
        }
        if cap.operational {
            out.push(Capability::Operational(Operational));
        }
        if cap.extended_message {
            out.push(Capability::ExtendedMessage(ExtendedMessage));
        }
        out.push(Capability::HostName(HostName {
            host_name: neighbor.host_name.clone(),
            domain_name: neighbor.domain_name.clone(),
        }));
        if cap.software_version {
            out.push(Capability::Software(Software::new(
                &neighbor.software_version,
            )));
        }
        if cap.link_local_nexthop {
            out.push(Capability::LinkLocalNextHop(LinkLocalNextHop));
        }
        if cap.multi_session {
            out.push(Capability::MultiSession(MultiSession::new(vec![
                CapabilityCode::MULTIPROTOCOL,
            ])));
        }
        Capabilities(out)
    }

    /// The capability with this code, if announced.
    pub fn get(&self, code: u8) -> Option<&Capability> {
        self.0.iter().find(|c| c.code() == code)
    }

    pub fn announced(&self, code: u8) -> bool {
        self.get(code).is_some()
    }

    /// Families of the multiprotocol capability (empty when absent).
    pub fn families(&self) -> &[Family] {
        match self.get(CapabilityCode::MULTIPROTOCOL) {
            Some(Capability::MultiProtocol(mp)) => &mp.0,
            _ => &[],
        }
    }

    /// Adds a decoded TLV, merging with an earlier capability of the same code.
    fn add(&mut self, code: u8, value: &[u8]) -> Result<(), Notification> {
        match self.0.iter().position(|c| c.code() == code) {
            Some(at) => {
                let previous = self.0[at].clone();
                self.0[at] = Capability::decode(code, value, Some(previous))?;
            }
            None => self.0.push(Capability::decode(code, value, None)?),
        }
        Ok(())
    }

    /// The optional parameters, their length field included: each capability TLV in its own
    /// parameter, as ExaBGP sends them; RFC 9072 extended framing when they reach 255 bytes.
    pub fn encode(&self) -> Vec<u8> {
        let tlvs: Vec<(u8, Vec<u8>)> = self
            .0
            .iter()
            .flat_map(|c| c.values().into_iter().map(move |v| (c.code(), v)))
            .collect();
        let standard: usize = tlvs.iter().map(|(_, v)| 4 + v.len()).sum();
        if standard < 255 {
            let mut out = Vec::with_capacity(1 + standard);
            out.push(standard as u8);
            for (code, value) in &tlvs {
                out.extend_from_slice(&[
                    PARAMETER_CAPABILITIES,
                    (value.len() + 2) as u8,
                    *code,
                    value.len() as u8,
                ]);
                out.extend_from_slice(value);
            }
            return out;
        }
        let extended: usize = tlvs.iter().map(|(_, v)| 5 + v.len()).sum();
        let mut out = Vec::with_capacity(4 + extended);
        out.extend_from_slice(&[EXTENDED_LENGTH, EXTENDED_LENGTH]);
        out.extend_from_slice(&(extended as u16).to_be_bytes());
        for (code, value) in &tlvs {
            out.push(PARAMETER_CAPABILITIES);
            out.extend_from_slice(&((value.len() + 2) as u16).to_be_bytes());
            out.extend_from_slice(&[*code, value.len() as u8]);
            out.extend_from_slice(value);
        }
        out
    }

    /// Decodes the optional parameters of an OPEN, starting at their length field.
    ///
    /// A parameter other than capabilities is (2, 4) Unsupported Optional Parameter (RFC 4271 §6.2;
    /// ExaBGP sends (2, 0), or (2, 5) for the deprecated authentication parameter).
    pub fn decode(data: &[u8]) -> Result<Capabilities, Notification> {
        let mut capabilities = Capabilities::default();
        let mut r = Reader::new(data);
        let Some(option_len) = r.u8() else {
            return Ok(capabilities);
        };
        let (params, extended) =
            if option_len == EXTENDED_LENGTH && r.rest().first() == Some(&EXTENDED_LENGTH) {
                // RFC 9072 §2: the marker byte, then a two-byte length
                let (Some(_), Some(len)) = (r.u8(), r.u16()) else {
                    return Err(malformed(format!(
                        "OPEN extended parameters too short: need 4 bytes, got {}",
                        data.len()
                    )));
                };
                let len = usize::from(len);
                let Some(params) = r.take(len) else {
                    return Err(malformed(format!(
                        "OPEN extended parameters truncated: need {} bytes, got {}",
                        len + 4,
                        data.len()
                    )));
                };
                (params, true)
            } else {
                let len = usize::from(option_len);
                let Some(params) = r.take(len) else {
                    return Err(malformed(format!(
                        "OPEN parameters truncated: need {} bytes, got {}",
                        len + 1,
                        data.len()
                    )));
                };
                (params, false)
            };
        let mut rest = params;
        while !rest.is_empty() {
            let (kind, value, next) = if extended {
                split_extended(rest)?
            } else {
                split_tlv("parameter", rest)?
            };
            rest = next;
            if kind != PARAMETER_CAPABILITIES {
                return Err(Notification::new(2, 4, Bytes::new()));
            }
            let mut value = value;
            while !value.is_empty() {
                let (code, capability, next) = split_tlv("capability", value)?;
                value = next;
                capabilities.add(code, capability)?;
            }
        }
        Ok(capabilities)
    }

    /// ExaBGP's JSON object of an OPEN's capabilities, keyed by decimal code.
    pub fn json(&self, out: &mut String) {
        out.push_str("{ ");
        for (i, c) in self.0.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push('"');
            out.push_str(&c.code().to_string());
            out.push_str("\": ");
            c.json(out);
        }
        out.push_str(" }");
    }

    /// The capabilities of an OPEN this speaker sent, decoded from its bytes, as [`new`] built
    /// them: ExaBGP reports its own OPEN from the capabilities it built, which hold the host
    /// name capability even when it is empty (and so not sent), and the multisession codes a
    /// decoder does not read (ExaBGP sends multiprotocol only).
    ///
    /// [`new`]: Capabilities::new
    pub fn as_built(mut self) -> Capabilities {
        for capability in &mut self.0 {
            if let Capability::MultiSession(ms) = capability {
                if !ms.cisco && ms.capabilities.is_empty() {
                    ms.capabilities = vec![CapabilityCode::MULTIPROTOCOL];
                }
            }
        }
        if !self.announced(CapabilityCode::HOSTNAME) {
            // `new` adds it after the extended message, before these
            let at = self
                .0
                .iter()
                .position(|c| {
                    matches!(
                        c.code(),
                        CapabilityCode::SOFTWARE_VERSION
                            | CapabilityCode::LINK_LOCAL_NEXTHOP
                            | CapabilityCode::MULTISESSION
                    )
                })
                .unwrap_or(self.0.len());
            self.0.insert(at, Capability::HostName(HostName::default()));
        }
        self
    }
}

/// ExaBGP's `str(capabilities)`: each capability's text by increasing code, joined by `, `.
impl fmt::Display for Capabilities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sorted: Vec<&Capability> = self.0.iter().collect();
        sorted.sort_by_key(|c| c.code());
        for (i, capability) in sorted.into_iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            capability.fmt(f)?;
        }
        Ok(())
    }
}

/// One-byte type, one-byte length TLV.
fn split_tlv<'a>(name: &str, data: &'a [u8]) -> Result<(u8, &'a [u8], &'a [u8]), Notification> {
    let mut r = Reader::new(data);
    let (Some(kind), Some(len)) = (r.u8(), r.u8()) else {
        return Err(malformed(format!(
            "Bad length for OPEN {name} (<2) {}",
            hex(data)
        )));
    };
    let Some(value) = r.take(usize::from(len)) else {
        return Err(malformed(format!(
            "Bad length for OPEN {name} (buffer underrun) {}",
            hex(data)
        )));
    };
    Ok((kind, value, r.rest()))
}

/// One-byte type, two-byte length parameter (RFC 9072 §2).
fn split_extended(data: &[u8]) -> Result<(u8, &[u8], &[u8]), Notification> {
    let mut r = Reader::new(data);
    let (Some(kind), Some(len)) = (r.u8(), r.u16()) else {
        return Err(malformed(format!(
            "Bad length for OPEN (extended) parameter (<3) {}",
            hex(data)
        )));
    };
    let Some(value) = r.take(usize::from(len)) else {
        return Err(malformed(format!(
            "Bad length for OPEN (extended) parameter (buffer underrun) {}",
            hex(data)
        )));
    };
    Ok((kind, value, r.rest()))
}

use crate::util::hex::hexstring_lower as hex;

#[cfg(test)]
mod tests {
    use super::super::{graceful, hostname, ms, nexthop, pathslimit, refresh, software, unknown};
    use super::*;
    use crate::bgp::message::open::Open;
    use proptest::prelude::*;
    use std::net::Ipv4Addr;

    fn family() -> impl Strategy<Value = Family> {
        (1u16..5, any::<u8>()).prop_map(|(afi, safi)| Family::new(Afi(afi), Safi(safi)))
    }

    fn families() -> impl Strategy<Value = Vec<Family>> {
        proptest::collection::vec(family(), 0..6).prop_map(|mut v| {
            let mut seen = Vec::new();
            v.retain(|f| {
                let new = !seen.contains(f);
                seen.push(*f);
                new
            });
            v
        })
    }

    fn name() -> impl Strategy<Value = String> {
        "[a-z0-9.é-]{0,20}"
    }

    /// Capabilities as this speaker or ExaBGP would send them (so decoding gives them back).
    fn capability() -> impl Strategy<Value = Capability> {
        prop_oneof![
            families()
                .prop_filter("one family at least", |f| !f.is_empty())
                .prop_map(|f| Capability::MultiProtocol(MultiProtocol(f))),
            any::<bool>().prop_map(|cisco| Capability::RouteRefresh(RouteRefresh { cisco })),
            Just(Capability::EnhancedRouteRefresh(
                refresh::EnhancedRouteRefresh
            )),
            (families(), 1u16..5).prop_map(|(f, nh)| Capability::NextHop(nexthop::NextHop(
                f.into_iter().map(|f| (f, Afi(nh))).collect()
            ))),
            Just(Capability::ExtendedMessage(ExtendedMessage)),
            (0u8..16, any::<u16>(), families(), any::<bool>()).prop_map(|(flag, time, f, fwd)| {
                Capability::Graceful(graceful::Graceful::new(
                    flag,
                    time,
                    f.into_iter()
                        .map(|f| (f, if fwd { 0x80 } else { 0 }))
                        .collect(),
                ))
            }),
            any::<u32>().prop_map(|asn| Capability::Asn4(Asn4(asn))),
            any::<bool>()
                .prop_map(|cisco| Capability::MultiSession(ms::MultiSession::decode(cisco))),
            (families(), 1u8..4).prop_map(|(f, v)| Capability::AddPath(AddPath(
                f.into_iter().map(|f| (f, v)).collect()
            ))),
            (name().prop_filter("a host name", |n| !n.is_empty()), name()).prop_map(
                |(host_name, domain_name)| Capability::HostName(hostname::HostName {
                    host_name,
                    domain_name
                })
            ),
            name().prop_map(|n| Capability::Software(software::Software(n))),
            (families(), 1u16..).prop_map(|(f, l)| Capability::PathsLimit(pathslimit::PathsLimit(
                f.into_iter().map(|f| (f, l)).collect()
            ))),
            Just(Capability::LinkLocalNextHop(LinkLocalNextHop)),
            Just(Capability::Operational(Operational)),
            (
                prop_oneof![
                    3u8..5,
                    7u8..64,
                    90u8..128,
                    129u8..131,
                    132u8..185,
                    186u8..=255
                ],
                proptest::collection::vec(any::<u8>(), 0..20)
            )
                .prop_map(|(code, data)| Capability::Unknown(
                    unknown::UnknownCapability {
                        code,
                        data: Bytes::from(data)
                    }
                )),
        ]
    }

    /// Well-framed parameters holding capability TLVs of known codes with random values: reaches
    /// every capability decoder, which must return an error or a value, never panic.
    fn framed_tlvs() -> impl Strategy<Value = Vec<u8>> {
        let code = prop_oneof![
            Just(1u8),
            Just(2),
            Just(5),
            Just(6),
            Just(64),
            Just(65),
            Just(68),
            Just(69),
            Just(70),
            Just(73),
            Just(75),
            Just(76),
            Just(77),
            Just(128),
            Just(131),
            Just(185),
            any::<u8>()
        ];
        proptest::collection::vec((code, proptest::collection::vec(any::<u8>(), 0..40)), 0..12)
            .prop_map(|tlvs| {
                let mut params = Vec::new();
                for (code, value) in tlvs {
                    params.extend_from_slice(&[2, value.len() as u8 + 2, code, value.len() as u8]);
                    params.extend_from_slice(&value);
                }
                let mut out = vec![params.len().min(255) as u8];
                out.extend_from_slice(&params);
                out
            })
    }

    proptest! {
        #[test]
        fn capability_values_never_panic(parameters in framed_tlvs()) {
            if let Ok(capabilities) = Capabilities::decode(&parameters) {
                let mut json = String::new();
                capabilities.json(&mut json);
                prop_assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok(), "{}", json);
                // the text OPEN line is one line whatever the peer sent
                prop_assert!(!crate::reactor::api::response::text::oneline(&capabilities.to_string()).contains('\n'));
                // re-encoding is stable after the first pass
                let again = Capabilities::decode(&capabilities.encode()).unwrap();
                prop_assert_eq!(Capabilities::decode(&again.encode()).unwrap(), again);
            }
        }

        #[test]
        fn open_round_trip(asn in any::<u32>(), hold in any::<u16>(), id in any::<u32>(),
                           caps in proptest::collection::vec(capability(), 0..40)) {
            // one capability per code, as decoding merges them
            let mut unique: Vec<Capability> = Vec::new();
            for c in caps {
                if !unique.iter().any(|u| u.code() == c.code()) {
                    unique.push(c);
                }
            }
            let open = Open::new(asn, hold, Ipv4Addr::from(id), Capabilities(unique));
            let wire = open.encode();
            prop_assert_eq!(Open::decode(&wire[19..]).unwrap(), open);
        }
    }

    #[test]
    fn paths_limit_only_for_families_whose_paths_we_receive() {
        let mut neighbor = Neighbor::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST));
        neighbor.families = vec![Family::IPV4_UNICAST, Family::IPV6_UNICAST];
        neighbor.addpath = vec![Family::IPV4_UNICAST];
        neighbor.paths_limit = vec![(Family::IPV4_UNICAST, 10), (Family::IPV6_UNICAST, 20)];
        let limits = |add_path: u8| {
            let mut neighbor = neighbor.clone();
            neighbor.capability.add_path = add_path;
            Capabilities::new(&neighbor, false)
                .get(CapabilityCode::PATHS_LIMIT)
                .cloned()
        };
        // ipv6 unicast has no ADD-PATH, so no limit for it
        assert_eq!(
            limits(AddPath::RECEIVE | AddPath::SEND),
            Some(Capability::PathsLimit(PathsLimit(vec![(
                Family::IPV4_UNICAST,
                10
            )])))
        );
        assert_eq!(
            limits(AddPath::SEND),
            None,
            "we receive no paths: nothing to limit"
        );
        assert_eq!(limits(0), None);
    }

    #[test]
    fn new_in_exabgp_order() {
        let mut neighbor = Neighbor::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST));
        neighbor.local_as = 65000;
        neighbor.families = vec![Family::IPV4_UNICAST, Family::IPV6_UNICAST];
        neighbor.addpath = vec![Family::IPV6_UNICAST, Family::IPV4_UNICAST];
        neighbor.nexthop = vec![(Family::IPV4_UNICAST, Afi::IPV6)];
        neighbor.host_name = "h".into();
        let cap = &mut neighbor.capability;
        cap.nexthop = true;
        cap.add_path = 3;
        cap.graceful_restart = Some(120);
        cap.route_refresh = true;
        cap.operational = true;
        cap.software_version = true;
        cap.link_local_nexthop = true;
        cap.multi_session = true;
        let codes: Vec<u8> = Capabilities::new(&neighbor, true)
            .0
            .iter()
            .map(Capability::code)
            .collect();
        assert_eq!(codes, vec![1, 65, 5, 69, 64, 2, 70, 185, 6, 73, 75, 77, 68]);
        let caps = Capabilities::new(&neighbor, true);
        // ADD-PATH in ExaBGP's family order, not the configuration's
        assert_eq!(
            caps.get(69),
            Some(&Capability::AddPath(AddPath(vec![
                (Family::IPV4_UNICAST, 3),
                (Family::IPV6_UNICAST, 3)
            ])))
        );
        // restarted: R bit, each family with F
        assert_eq!(
            caps.get(64).unwrap().values(),
            vec![vec![0x80, 120, 0, 1, 1, 0x80, 0, 2, 1, 0x80]]
        );
    }

    #[test]
    fn own_open_reported_as_built() {
        // ExaBGP's default neighbour: no host name (the capability is built, not sent),
        // and multisession, whose codes a decoder skips
        let mut neighbor = Neighbor::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST));
        neighbor.local_as = 65000;
        neighbor.families = vec![Family::IPV4_UNICAST];
        neighbor.capability.software_version = true;
        neighbor.capability.multi_session = true;
        let built = Capabilities::new(&neighbor, false);
        let open = Open::new(65000, 180, Ipv4Addr::new(1, 2, 3, 4), built.clone());
        let sent = Open::decode(&open.encode()[19..]).unwrap().capabilities;
        assert!(!sent.announced(CapabilityCode::HOSTNAME));
        assert_ne!(sent, built);
        assert_eq!(sent.as_built(), built);
        // a host name that was sent stays as it is
        neighbor.host_name = "h".into();
        let built = Capabilities::new(&neighbor, false);
        let open = Open::new(65000, 180, Ipv4Addr::new(1, 2, 3, 4), built.clone());
        let sent = Open::decode(&open.encode()[19..]).unwrap().capabilities;
        assert_eq!(sent.as_built(), built);
    }

    #[test]
    fn text_by_code_joined() {
        // as received: ASN4 before multiprotocol, an unknown code last
        let capabilities = Capabilities::decode(&[
            23, 2, 6, 65, 4, 0, 0, 0xFD, 0xE8, 2, 6, 1, 4, 0, 1, 0, 1, 2, 5, 200, 3, 1, 2, 3,
        ])
        .unwrap();
        assert_eq!(
            capabilities.to_string(),
            "Multiprotocol(ipv4 unicast), ASN4(65000), Reserved unknown capability 0xc8"
        );
        assert_eq!(Capabilities::default().to_string(), "");
    }

    /// Capabilities whose RFC fixes the value's length: any other length is a malformed
    /// optional parameter, (2, 0) (RFC 4271 §6.2), naming the capability.
    #[test]
    fn fixed_length_capabilities_refuse_other_lengths() {
        fn parameters(code: u8, value: &[u8]) -> Vec<u8> {
            let mut out = vec![value.len() as u8 + 4, 2, value.len() as u8 + 2, code];
            out.push(value.len() as u8);
            out.extend_from_slice(value);
            out
        }
        for (code, length, name) in [
            (1u8, 4usize, "MultiProtocol"),    // RFC 4760 §8
            (2, 0, "Route Refresh"),           // RFC 2918 §2
            (6, 0, "Extended Message"),        // RFC 8654 §3
            (65, 4, "AS4"),                    // RFC 6793 §3
            (70, 0, "Enhanced Route Refresh"), // RFC 7313 §3
            (77, 0, "Link-Local Next Hop"),    // draft-ietf-idr-linklocal-capability
            (128, 0, "Cisco Route Refresh"),   // as 2
        ] {
            let right = vec![1u8; length];
            assert!(
                Capabilities::decode(&parameters(code, &right)).is_ok(),
                "{name} of {length} bytes"
            );
            for wrong in [0, 1, 2, 3, 5, 8] {
                if wrong == length {
                    continue;
                }
                let error = Capabilities::decode(&parameters(code, &vec![0u8; wrong])).unwrap_err();
                assert_eq!(
                    (error.code, error.subcode),
                    (2, 0),
                    "{name} of {wrong} bytes"
                );
                assert_eq!(
                    String::from_utf8_lossy(&error.data),
                    format!("{name} capability must be {length} bytes long, got {wrong}")
                );
            }
        }
    }
}
