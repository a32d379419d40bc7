//! Ports `exabgp/bgp/message/update/nlri/mvpn/nlri.py`: the MCAST-VPN NLRI header and route types ExaBGP does not parse (RFC 6514 §4).

use super::{CMulticast, SourceAd};
use crate::bgp::message::update::nlri::qualifier::PathInfo;
use crate::bgp::message::Notification;
use crate::protocol::family::{Afi, Family, Safi};
use bytes::{BufMut, Bytes, BytesMut};
use std::fmt::Write;

/// One MCAST-VPN route.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum MvpnRoute {
    SourceAd(SourceAd),
    SharedJoin(CMulticast),
    SourceJoin(CMulticast),
    /// A route type this speaker does not parse: code and payload as received.
    Generic(u8, Vec<u8>),
}

/// An MCAST-VPN NLRI of IPv4 or IPv6.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Mvpn {
    pub afi: Afi,
    pub route: MvpnRoute,
    pub path_info: PathInfo,
}

fn invalid_network() -> Notification {
    Notification::new(3, 10, Bytes::new())
}

impl MvpnRoute {
    pub fn code(&self) -> u8 {
        match self {
            MvpnRoute::SourceAd(_) => 5,
            MvpnRoute::SharedJoin(_) => 6,
            MvpnRoute::SourceJoin(_) => 7,
            MvpnRoute::Generic(code, _) => *code,
        }
    }

    fn payload(&self) -> Vec<u8> {
        let mut out = BytesMut::new();
        match self {
            MvpnRoute::SourceAd(r) => r.encode(&mut out),
            MvpnRoute::SharedJoin(r) | MvpnRoute::SourceJoin(r) => r.encode(&mut out),
            MvpnRoute::Generic(_, payload) => out.put_slice(payload),
        }
        out.to_vec()
    }
}

impl Mvpn {
    pub fn new(afi: Afi, route: MvpnRoute) -> Mvpn {
        Mvpn {
            afi,
            route,
            path_info: PathInfo::Disabled,
        }
    }

    pub fn family(&self) -> Family {
        Family::new(self.afi, Safi::MCAST_VPN)
    }

    /// Decodes `[path id] type length payload` at the front of `data`. Every fault is (3, 10).
    pub fn decode(afi: Afi, data: &[u8], addpath: bool) -> Result<(Mvpn, usize), Notification> {
        let (path_info, at) = PathInfo::decode(data, addpath).ok_or_else(invalid_network)?;
        let [code, length, ref rest @ ..] = *data.get(at..).unwrap_or_default() else {
            return Err(invalid_network());
        };
        let payload = rest.get(..length as usize).ok_or_else(invalid_network)?;
        let route = match code {
            5 => MvpnRoute::SourceAd(SourceAd::decode(payload).ok_or_else(invalid_network)?),
            6 => MvpnRoute::SharedJoin(CMulticast::decode(payload).ok_or_else(invalid_network)?),
            7 => MvpnRoute::SourceJoin(CMulticast::decode(payload).ok_or_else(invalid_network)?),
            other => MvpnRoute::Generic(other, payload.to_vec()),
        };
        Ok((
            Mvpn {
                afi,
                route,
                path_info,
            },
            at + 2 + length as usize,
        ))
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

    fn raw(&self) -> String {
        let payload = self.route.payload();
        let mut raw = format!("{:02X}{:02X}", self.route.code(), payload.len());
        crate::util::hex::push_upper(&mut raw, &payload);
        raw
    }

    /// ExaBGP's JSON, spaced as it writes it: `{ "code": 6, "parsed": true, "raw": "...",
    /// "name": "...", "rd": "...", "source-as": "65000", "source": "...", "group": "..."}`.
    pub fn json(&self, out: &mut String) {
        let code = self.route.code();
        let raw = self.raw();
        let mut rd = String::new();
        match &self.route {
            MvpnRoute::SourceAd(r) => {
                r.rd.json(&mut rd);
                let _ = write!(
                    out,
                    "{{ \"code\": {code}, \"parsed\": true, \"raw\": \"{raw}\", \"name\": \"Source Active A-D Route\", {rd}, \"source\": \"{}\", \"group\": \"{}\"}}",
                    r.source, r.group
                );
            }
            MvpnRoute::SharedJoin(r) | MvpnRoute::SourceJoin(r) => {
                r.rd.json(&mut rd);
                let name = if code == 6 {
                    "C-Multicast Shared Tree Join route"
                } else {
                    "C-Multicast Source Tree Join route"
                };
                let _ = write!(
                    out,
                    "{{ \"code\": {code}, \"parsed\": true, \"raw\": \"{raw}\", \"name\": \"{name}\", {rd}, \"source-as\": \"{}\", \"source\": \"{}\", \"group\": \"{}\"}}",
                    r.source_as, r.source, r.group
                );
            }
            MvpnRoute::Generic(..) => {
                let _ = write!(
                    out,
                    "{{ \"code\": {code}, \"parsed\": false, \"raw\": \"{raw}\" }}"
                );
            }
        }
    }

    /// ExaBGP's text, its doubled colon kept: `mvpn:shared-join::65000:99999:65000:RP:GROUP`.
    pub fn text(&self, out: &mut String) {
        match &self.route {
            MvpnRoute::SourceAd(r) => {
                let _ = write!(out, "mvpn:sourcead::{}:{}:{}", r.rd, r.source, r.group);
            }
            MvpnRoute::SharedJoin(r) | MvpnRoute::SourceJoin(r) => {
                let name = if self.route.code() == 6 {
                    "shared-join"
                } else {
                    "source-join"
                };
                let _ = write!(
                    out,
                    "mvpn:{name}::{}:{}:{}:{}",
                    r.rd, r.source_as, r.source, r.group
                );
            }
            MvpnRoute::Generic(_, payload) => {
                out.push_str("mvpn:unknown:0x");
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

    #[test]
    fn conf_mvpn_routes_both_ways() {
        // conf-mvpn.ci: the NLRI and the JSON ExaBGP printed for them
        let cases = [
            (Afi::IPV4, "06160000FDE80001869F0000FDE8200A63C70120EFFBFFE4", r#"{ "code": 6, "parsed": true, "raw": "06160000FDE80001869F0000FDE8200A63C70120EFFBFFE4", "name": "C-Multicast Shared Tree Join route", "rd": "65000:99999", "source-as": "65000", "source": "10.99.199.1", "group": "239.251.255.228"}"#),
            (Afi::IPV6, "072E0000FDE80001869F0000FDE880FD12000000000000000000000000000280FF0E0000000000000000000000000001", r#"{ "code": 7, "parsed": true, "raw": "072E0000FDE80001869F0000FDE880FD12000000000000000000000000000280FF0E0000000000000000000000000001", "name": "C-Multicast Source Tree Join route", "rd": "65000:99999", "source-as": "65000", "source": "fd12::2", "group": "ff0e::1"}"#),
            (Afi::IPV4, "05120000FDE80001869F200A630C0420EFFBFFE4", r#"{ "code": 5, "parsed": true, "raw": "05120000FDE80001869F200A630C0420EFFBFFE4", "name": "Source Active A-D Route", "rd": "65000:99999", "source": "10.99.12.4", "group": "239.251.255.228"}"#),
        ];
        for (afi, hex, expected) in cases {
            let bytes = unhex(hex);
            let (mvpn, used) = Mvpn::decode(afi, &bytes, false).unwrap();
            assert_eq!(used, bytes.len());
            let mut json = String::new();
            mvpn.json(&mut json);
            assert_eq!(json, expected);
            let mut out = BytesMut::new();
            mvpn.encode(false, &mut out);
            assert_eq!(&out[..], &bytes[..]);
        }
        let (mvpn, _) = Mvpn::decode(Afi::IPV4, &unhex(cases[0].1), false).unwrap();
        let mut text = String::new();
        mvpn.text(&mut text);
        assert_eq!(
            text,
            "mvpn:shared-join::65000:99999:65000:10.99.199.1:239.251.255.228"
        );
    }

    #[test]
    fn bad_lengths_are_invalid_network_field() {
        let bytes = unhex("05120000FDE80001869F200A630C0420EFFBFFE4");
        for end in 0..bytes.len() {
            assert!(Mvpn::decode(Afi::IPV4, &bytes[..end], false).is_err());
        }
        let mut long = bytes.clone();
        long[1] += 1;
        long.push(0);
        assert!(Mvpn::decode(Afi::IPV4, &long, false).is_err());
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..60), addpath: bool) {
            if let Ok((mvpn, used)) = Mvpn::decode(Afi::IPV6, &data, addpath) {
                let mut out = BytesMut::new();
                mvpn.encode(addpath, &mut out);
                prop_assert_eq!(&out[..], &data[..used]);
            }
        }
    }
}
