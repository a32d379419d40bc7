//! Ports `exabgp/bgp/message/update/nlri/evpn/nlri.py`: the EVPN NLRI header and route types ExaBGP does not parse (RFC 7432 §7).

use super::ethernetad::EthernetAd;
use super::mac::Mac;
use super::multicast::Multicast;
use super::prefix::Prefix;
use super::segment::Segment;
use crate::bgp::message::update::nlri::qualifier::PathInfo;
use crate::bgp::message::Notification;
use crate::util::json::Members;
use bytes::{BufMut, Bytes, BytesMut};
use std::fmt::Write;

/// One EVPN route of any type.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum EvpnRoute {
    EthernetAd(EthernetAd),
    Mac(Mac),
    Multicast(Multicast),
    Segment(Segment),
    Prefix(Prefix),
    /// A route type this speaker does not parse: its code and payload, kept as received.
    Generic(u8, Vec<u8>),
}

/// An EVPN NLRI with its ADD-PATH identifier.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Evpn {
    pub route: EvpnRoute,
    pub path_info: PathInfo,
}

pub(crate) fn invalid_network() -> Notification {
    Notification::new(3, 10, Bytes::new())
}

impl EvpnRoute {
    pub fn code(&self) -> u8 {
        match self {
            EvpnRoute::EthernetAd(_) => 1,
            EvpnRoute::Mac(_) => 2,
            EvpnRoute::Multicast(_) => 3,
            EvpnRoute::Segment(_) => 4,
            EvpnRoute::Prefix(_) => 5,
            EvpnRoute::Generic(code, _) => *code,
        }
    }

    /// ExaBGP's `NAME` and lower-cased `SHORT_NAME`.
    fn names(&self) -> (&'static str, &'static str) {
        match self {
            EvpnRoute::EthernetAd(_) => ("Ethernet Auto-Discovery", "ethernetad"),
            EvpnRoute::Mac(_) => ("MAC/IP advertisement", "macadv"),
            EvpnRoute::Multicast(_) => ("Inclusive Multicast Ethernet Tag", "multicast"),
            EvpnRoute::Segment(_) => ("Ethernet Segment", "segment"),
            EvpnRoute::Prefix(_) => ("IP Prefix Advertisement", "prfxadv"),
            EvpnRoute::Generic(..) => ("Unknown", "unknown"),
        }
    }

    fn payload(&self) -> Vec<u8> {
        let mut out = BytesMut::new();
        match self {
            EvpnRoute::EthernetAd(r) => r.encode(&mut out),
            EvpnRoute::Mac(r) => r.encode(&mut out),
            EvpnRoute::Multicast(r) => r.encode(&mut out),
            EvpnRoute::Segment(r) => r.encode(&mut out),
            EvpnRoute::Prefix(r) => r.encode(&mut out),
            EvpnRoute::Generic(_, payload) => out.put_slice(payload),
        }
        out.to_vec()
    }
}

impl Evpn {
    pub fn new(route: EvpnRoute, path_info: PathInfo) -> Evpn {
        Evpn { route, path_info }
    }

    /// Decodes `[path id] type length payload` at the front of `data`. Every fault is (3, 10).
    pub fn decode(data: &[u8], addpath: bool) -> Result<(Evpn, usize), Notification> {
        let (path_info, at) = PathInfo::decode(data, addpath).ok_or_else(invalid_network)?;
        let [code, length, ref rest @ ..] = *data.get(at..).unwrap_or_default() else {
            return Err(invalid_network());
        };
        let payload = rest.get(..length as usize).ok_or_else(invalid_network)?;
        let route = match code {
            1 => EvpnRoute::EthernetAd(EthernetAd::decode(payload)?),
            2 => EvpnRoute::Mac(Mac::decode(payload)?),
            3 => EvpnRoute::Multicast(Multicast::decode(payload)?),
            4 => EvpnRoute::Segment(Segment::decode(payload)?),
            5 => EvpnRoute::Prefix(Prefix::decode(payload)?),
            other => EvpnRoute::Generic(other, payload.to_vec()),
        };
        Ok((Evpn { route, path_info }, at + 2 + length as usize))
    }

    pub fn encode(&self, addpath_send: bool, out: &mut BytesMut) {
        self.path_info.encode(addpath_send, out);
        let payload = self.route.payload();
        out.put_u8(self.route.code());
        out.put_u8(payload.len() as u8);
        out.put_slice(&payload);
    }

    pub fn encoded_len(&self, addpath_send: bool) -> usize {
        2 + self.route.payload().len() + if addpath_send { PathInfo::LEN } else { 0 }
    }

    /// `{ "code": 2, "parsed": true, "raw": "...", "name": "...", ... }`, the route type's
    /// members after the name; `{ "code": 8, "parsed": false, "raw": "..." }` when unparsed.
    pub fn json(&self, out: &mut String) {
        let mut raw = String::new();
        raw.push_str(&format!("{:02X}", self.route.code()));
        let payload = self.route.payload();
        raw.push_str(&format!("{:02X}", payload.len()));
        crate::util::hex::push_upper(&mut raw, &payload);
        let _ = write!(out, "{{ \"code\": {}, ", self.route.code());
        if let EvpnRoute::Generic(..) = self.route {
            let _ = write!(out, "\"parsed\": false, \"raw\": \"{raw}\" }}");
            return;
        }
        let _ = write!(
            out,
            "\"parsed\": true, \"raw\": \"{raw}\", \"name\": \"{}\"",
            self.route.names().0
        );
        let mut members = Members::after(out);
        match &self.route {
            EvpnRoute::EthernetAd(r) => r.json(&mut members),
            EvpnRoute::Mac(r) => r.json(&mut members),
            EvpnRoute::Multicast(r) => r.json(&mut members),
            EvpnRoute::Segment(r) => r.json(&mut members),
            EvpnRoute::Prefix(r) => r.json(&mut members),
            EvpnRoute::Generic(..) => {}
        }
        out.push_str(" }");
    }

    /// ExaBGP's text: `evpn:macadv:RD:ESI:ETAG:MAC/LEN:IP: label N (RAW)` and so on per type;
    /// `evpn:unknown:0x...` for unparsed types.
    pub fn text(&self, out: &mut String) {
        let _ = write!(out, "evpn:{}:", self.route.names().1);
        match &self.route {
            EvpnRoute::EthernetAd(r) => r.text(out),
            EvpnRoute::Mac(r) => r.text(out),
            EvpnRoute::Multicast(r) => r.text(out),
            EvpnRoute::Segment(r) => r.text(out),
            EvpnRoute::Prefix(r) => r.text(out),
            EvpnRoute::Generic(_, payload) => {
                out.push_str("0x");
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

    /// The withdrawn NLRI of qa/decoding/bgp-evpn-1 and the JSON ExaBGP printed for each.
    const BGP_EVPN_1: &[(&str, &str)] = &[
        (
            "08260001252C37768EAD000002001600000000030000085D0020EFFFFFFF20252C37760000000000",
            r#"{ "code": 8, "parsed": false, "raw": "08260001252C37768EAD000002001600000000030000085D0020EFFFFFFF20252C37760000000000" }"#,
        ),
        (
            "02210001252C37370001000000000000000000000000076D30FC15B4787B8F00000000",
            r#"{ "code": 2, "parsed": true, "raw": "02210001252C37370001000000000000000000000000076D30FC15B4787B8F00000000", "name": "MAC/IP advertisement", "rd": "37.44.55.55:1", "esi": "-", "ethernet-tag": 1901, "mac": "FC:15:B4:78:7B:8F", "label": [ [0] ] }"#,
        ),
        (
            "02250001252C372E0001000000000000000000000000051530E88088308BE9200A22100A000000",
            r#"{ "code": 2, "parsed": true, "raw": "02250001252C372E0001000000000000000000000000051530E88088308BE9200A22100A000000", "name": "MAC/IP advertisement", "rd": "37.44.55.46:1", "esi": "-", "ethernet-tag": 1301, "mac": "E8:80:88:30:8B:E9", "label": [ [0] ], "ip": "10.34.16.10" }"#,
        ),
    ];

    use crate::util::hex::test_unhex as unhex;

    #[test]
    fn bgp_evpn_1_both_ways() {
        for (hex, expected) in BGP_EVPN_1 {
            let bytes = unhex(hex);
            let (evpn, used) = Evpn::decode(&bytes, false).unwrap();
            assert_eq!(used, bytes.len());
            let mut json = String::new();
            evpn.json(&mut json);
            assert_eq!(&json, expected);
            let mut out = BytesMut::new();
            evpn.encode(false, &mut out);
            assert_eq!(&out[..], &bytes[..]);
            assert_eq!(evpn.encoded_len(false), bytes.len());
        }
    }

    #[test]
    fn mac_text() {
        let bytes = unhex(BGP_EVPN_1[2].0);
        let (evpn, _) = Evpn::decode(&bytes, false).unwrap();
        let mut text = String::new();
        evpn.text(&mut text);
        assert_eq!(
            text,
            "evpn:macadv:37.44.55.46:1:-:1301:E8:80:88:30:8B:E9:10.34.16.10: label 0"
        );
    }

    #[test]
    fn truncated_is_invalid_network_field() {
        let bytes = unhex(BGP_EVPN_1[1].0);
        for end in 0..bytes.len() {
            let error = Evpn::decode(&bytes[..end], false).unwrap_err();
            assert_eq!((error.code, error.subcode), (3, 10), "{end}");
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..80), addpath: bool) {
            if let Ok((evpn, used)) = Evpn::decode(&data, addpath) {
                let mut out = BytesMut::new();
                evpn.encode(addpath, &mut out);
                prop_assert_eq!(&out[..], &data[..used]);
            }
        }
    }
}
