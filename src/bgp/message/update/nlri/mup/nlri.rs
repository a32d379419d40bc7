//! Ports `exabgp/bgp/message/update/nlri/mup/nlri.py`: the MUP NLRI header (architecture type, route type, length) and the routes ExaBGP does not parse (draft-mpmz-bess-mup-safi §3.1).

use super::{Dsd, Isd, T1st, T2st};
use crate::bgp::message::reader::Reader;
use crate::bgp::message::update::nlri::qualifier::PathInfo;
use crate::bgp::message::Notification;
use crate::protocol::family::{Afi, Family, Safi};
use crate::util::json;
use bytes::{BufMut, Bytes, BytesMut};

/// One MUP route of the 3GPP 5G architecture (type 1), or one kept as received.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum MupRoute {
    Isd(Isd),
    Dsd(Dsd),
    T1st(T1st),
    T2st(T2st),
    Generic {
        arch: u8,
        code: u16,
        payload: Vec<u8>,
    },
}

/// A MUP NLRI of IPv4 or IPv6.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Mup {
    pub afi: Afi,
    pub route: MupRoute,
    pub path_info: PathInfo,
}

const ARCH_3GPP_5G: u8 = 1;

fn invalid_network() -> Notification {
    Notification::new(3, 10, Bytes::new())
}

impl MupRoute {
    fn header(&self) -> (u8, u16) {
        match self {
            MupRoute::Isd(_) => (ARCH_3GPP_5G, 1),
            MupRoute::Dsd(_) => (ARCH_3GPP_5G, 2),
            MupRoute::T1st(_) => (ARCH_3GPP_5G, 3),
            MupRoute::T2st(_) => (ARCH_3GPP_5G, 4),
            MupRoute::Generic { arch, code, .. } => (*arch, *code),
        }
    }

    fn payload(&self) -> Vec<u8> {
        let mut out = BytesMut::new();
        match self {
            MupRoute::Isd(r) => r.encode(&mut out),
            MupRoute::Dsd(r) => r.encode(&mut out),
            MupRoute::T1st(r) => r.encode(&mut out),
            MupRoute::T2st(r) => r.encode(&mut out),
            MupRoute::Generic { payload, .. } => out.put_slice(payload),
        }
        out.to_vec()
    }
}

impl Mup {
    pub fn new(afi: Afi, route: MupRoute) -> Mup {
        Mup {
            afi,
            route,
            path_info: PathInfo::Disabled,
        }
    }

    pub fn family(&self) -> Family {
        Family::new(self.afi, Safi::MUP)
    }

    /// Decodes `[path id] arch (1) type (2) length (1) payload`. Every fault is (3, 10).
    pub fn decode(afi: Afi, data: &[u8], addpath: bool) -> Result<(Mup, usize), Notification> {
        let (path_info, at) = PathInfo::decode(data, addpath).ok_or_else(invalid_network)?;
        let mut r = Reader::new(data.get(at..).unwrap_or_default());
        let (Some(arch), Some(code), Some(length)) = (r.u8(), r.u16(), r.u8()) else {
            return Err(invalid_network());
        };
        let payload = r.take(usize::from(length)).ok_or_else(invalid_network)?;
        let route = match (arch, code) {
            (ARCH_3GPP_5G, 1) => {
                MupRoute::Isd(Isd::decode(afi, payload).ok_or_else(invalid_network)?)
            }
            (ARCH_3GPP_5G, 2) => MupRoute::Dsd(Dsd::decode(payload).ok_or_else(invalid_network)?),
            (ARCH_3GPP_5G, 3) => {
                MupRoute::T1st(T1st::decode(afi, payload).ok_or_else(invalid_network)?)
            }
            (ARCH_3GPP_5G, 4) => {
                MupRoute::T2st(T2st::decode(afi, payload).ok_or_else(invalid_network)?)
            }
            _ => MupRoute::Generic {
                arch,
                code,
                payload: payload.to_vec(),
            },
        };
        Ok((
            Mup {
                afi,
                route,
                path_info,
            },
            at + 4 + length as usize,
        ))
    }

    pub fn encode(&self, addpath_send: bool, out: &mut BytesMut) {
        self.path_info.encode(addpath_send, out);
        let (arch, code) = self.route.header();
        let payload = self.route.payload();
        out.put_u8(arch);
        out.put_u16(code);
        out.put_u8(payload.len() as u8);
        out.put_slice(&payload);
    }

    pub fn encoded_len(&self, addpath_send: bool) -> usize {
        4 + self.route.payload().len() + if addpath_send { PathInfo::LEN } else { 0 }
    }

    fn raw(&self) -> String {
        let mut out = BytesMut::new();
        self.encode(false, &mut out);
        crate::util::hex::upper(&out)
    }

    /// `{ "name": "...", "arch": 1, "code": 1, ..., "raw": "..." }`, or for unparsed routes
    /// `{ "arch": 2, "code": 9, "raw": "..." }`.
    pub fn json(&self, out: &mut String) {
        out.push_str("{ ");
        match &self.route {
            MupRoute::Isd(r) => r.json(out),
            MupRoute::Dsd(r) => r.json(out),
            MupRoute::T1st(r) => r.json(out),
            MupRoute::T2st(r) => r.json(out),
            MupRoute::Generic { arch, code, .. } => {
                let mut members = json::Members::new(out);
                members.field("arch", arch);
                members.field("code", code);
            }
        }
        json::Members::after(out).text("raw", self.raw());
        out.push_str(" }");
    }

    /// ExaBGP's text: `mup:isd:RD:PREFIX/LEN`, `mup:t2st:RD:LEN:ENDPOINT:TEID:`, ...
    pub fn text(&self, out: &mut String) {
        match &self.route {
            MupRoute::Isd(r) => {
                out.push_str("mup:isd:");
                r.text(out);
            }
            MupRoute::Dsd(r) => {
                out.push_str("mup:dsd:");
                r.text(out);
            }
            MupRoute::T1st(r) => {
                out.push_str("mup:t1st:");
                r.text(out);
            }
            MupRoute::T2st(r) => {
                out.push_str("mup:t2st:");
                r.text(out);
            }
            MupRoute::Generic { payload, .. } => {
                out.push_str("mup:unknown:0x");
                crate::util::hex::push_lower(out, payload);
            }
        }
        self.path_info.text(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use crate::util::hex::test_unhex as unhex;

    /// conf-srv6-mup.ci: the NLRI of each route type and the JSON ExaBGP printed.
    const CASES: &[(Afi, &str, &str)] = &[
        (
            Afi::IPV4,
            "0100010C0000006400000064180A0001",
            r#"{ "name": "InterworkSegmentDiscoveryRoute", "arch": 1, "code": 1, "prefix_ip_len": 24, "prefix_ip": "10.0.1.0", "rd": "100:100", "raw": "0100010C0000006400000064180A0001" }"#,
        ),
        (
            Afi::IPV6,
            "01000218000000640000006420010000000000000000000000000001",
            r#"{ "name": "DirectSegmentDiscoveryRoute", "arch": 1, "code": 2, "ip": "2001::1", "rd": "100:100", "raw": "01000218000000640000006420010000000000000000000000000001" }"#,
        ),
        (
            Afi::IPV4,
            "01000317000000640000006420C0A800010000303909200A000001",
            r#"{ "name": "Type1SessionTransformedRoute", "arch": 1, "code": 3, "prefix_ip_len": 32, "prefix_ip": "192.168.0.1", "teid": "12345", "qfi": "9", "rd": "100:100", "endpoint_ip_len": 32, "endpoint_ip": "10.0.0.1", "source_ip_len": 0, "source_ip": "", "raw": "01000317000000640000006420C0A800010000303909200A000001" }"#,
        ),
        (
            Afi::IPV4,
            "010004100000006400000064370A000001003039",
            r#"{ "name": "Type2SessionTransformedRoute",  "arch": 1, "code": 4, "endpoint_len": 55, "endpoint_ip": "10.0.0.1", "rd": "100:100", "teid": "12345", "raw": "010004100000006400000064370A000001003039" }"#,
        ),
        (
            Afi::IPV6,
            "0100041D0000006400000064A02001000000000000000000000000000100003039",
            r#"{ "name": "Type2SessionTransformedRoute",  "arch": 1, "code": 4, "endpoint_len": 160, "endpoint_ip": "2001::1", "rd": "100:100", "teid": "12345", "raw": "0100041D0000006400000064A02001000000000000000000000000000100003039" }"#,
        ),
    ];

    #[test]
    fn conf_srv6_mup_routes_both_ways() {
        for (afi, hex, expected) in CASES {
            let bytes = unhex(hex);
            let (mup, used) = Mup::decode(*afi, &bytes, false).unwrap();
            assert_eq!(used, bytes.len());
            let mut json = String::new();
            mup.json(&mut json);
            assert_eq!(&json, expected);
            let mut out = BytesMut::new();
            mup.encode(false, &mut out);
            assert_eq!(&out[..], &bytes[..]);
            assert_eq!(mup.encoded_len(false), bytes.len());
        }
        let (mup, _) = Mup::decode(Afi::IPV4, &unhex(CASES[2].1), false).unwrap();
        let mut text = String::new();
        mup.text(&mut text);
        assert_eq!(text, "mup:t1st:100:100:192.168.0.1/32:12345:9:10.0.0.1/32");
    }

    #[test]
    fn t1st_with_source() {
        // conf-srv6-mup-v3: source 10.0.1.1 after the endpoint
        let hex = "0100031C0000006400000064".to_string()
            + "20C0A8000200003039"
            + "09200A000001200A000101";
        let bytes = unhex(&hex);
        let (mup, _) = Mup::decode(Afi::IPV4, &bytes, false).unwrap();
        let MupRoute::T1st(t1st) = mup.route else {
            panic!()
        };
        assert_eq!(t1st.source, Some("10.0.1.1".parse().unwrap()));
    }

    #[test]
    fn bad_lengths_are_invalid_network_field() {
        for (afi, hex, _) in CASES {
            let bytes = unhex(hex);
            for end in 0..bytes.len() {
                assert!(
                    Mup::decode(*afi, &bytes[..end], false).is_err(),
                    "{hex} {end}"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..60), addpath: bool, v6: bool) {
            let afi = if v6 { Afi::IPV6 } else { Afi::IPV4 };
            if let Ok((mup, used)) = Mup::decode(afi, &data, addpath) {
                let mut out = BytesMut::new();
                mup.encode(addpath, &mut out);
                prop_assert_eq!(&out[..], &data[..used]);
            }
        }
    }
}
