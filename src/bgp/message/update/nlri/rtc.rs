//! Ports `exabgp/bgp/message/update/nlri/rtc.py`: Route Target membership NLRI, AFI 1 SAFI 132 (RFC 4684 §4).

use super::qualifier::PathInfo;
use crate::bgp::message::reader::Reader;
use crate::bgp::message::update::attribute::community::extended::ExtendedCommunity;
use crate::bgp::message::Notification;
use bytes::{BufMut, Bytes, BytesMut};
use std::fmt::Write;

/// A route target constraint: origin AS and a route target prefix of `length - 32` bits;
/// `length` 0 is the default (wildcard) route.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Rtc {
    pub length: u8,
    pub origin: u32,
    /// The route target, bytes past the prefix zero.
    pub rt: [u8; 8],
    pub path_info: PathInfo,
}

fn invalid_network() -> Notification {
    Notification::new(3, 10, Bytes::new())
}

impl Rtc {
    /// A constraint on the whole route target `rt` from `origin`.
    pub fn new(origin: u32, rt: [u8; 8]) -> Rtc {
        Rtc {
            length: 96,
            origin,
            rt,
            path_info: PathInfo::Disabled,
        }
    }

    fn rt_bytes(&self) -> usize {
        (self.length.saturating_sub(32) as usize).div_ceil(8)
    }

    /// Decodes `[path id] length [origin AS, route target prefix]`. Lengths 1 to 31 and over
    /// 96 are (3, 10). As ExaBGP, the route target's type loses its transitive and IANA bits.
    pub fn decode(data: &[u8], addpath: bool) -> Result<(Rtc, usize), Notification> {
        let (path_info, at) = PathInfo::decode(data, addpath).ok_or_else(invalid_network)?;
        let length = *data.get(at).ok_or_else(invalid_network)?;
        let mut rtc = Rtc {
            length,
            origin: 0,
            rt: [0; 8],
            path_info,
        };
        if length == 0 {
            return Ok((rtc, at + 1));
        }
        if !(32..=96).contains(&length) {
            return Err(invalid_network());
        }
        let size = rtc.rt_bytes();
        let mut r = Reader::new(data.get(at + 1..).unwrap_or_default());
        let (Some(origin), Some(rt)) = (r.u32(), r.take(size)) else {
            return Err(invalid_network());
        };
        rtc.origin = origin;
        rtc.rt[..size].copy_from_slice(rt);
        rtc.rt[0] &= !0xC0;
        Ok((rtc, at + 5 + size))
    }

    pub fn encode(&self, addpath_send: bool, out: &mut BytesMut) {
        self.path_info.encode(addpath_send, out);
        out.put_u8(self.length);
        if self.length != 0 {
            out.put_u32(self.origin);
            out.put_slice(&self.rt[..self.rt_bytes()]);
        }
    }

    pub fn encoded_len(&self, addpath_send: bool) -> usize {
        let body = if self.length == 0 {
            0
        } else {
            4 + self.rt_bytes()
        };
        1 + body + if addpath_send { PathInfo::LEN } else { 0 }
    }

    /// The route target as an extended community's text, or the prefix in hexadecimal with
    /// its length for a partial one (ExaBGP does not decode those).
    fn route_target(&self) -> String {
        if self.length == 96 {
            return ExtendedCommunity(self.rt).to_string();
        }
        let mut text = crate::util::hex::hexstring(&self.rt[..self.rt_bytes()]);
        let _ = write!(text, "/{}", self.length - 32);
        text
    }

    /// `{ "origin": 65000, "route-target": "target:65000:1" }`; the wildcard is
    /// `{ "origin": 0, "route-target": null }`.
    pub fn json(&self, out: &mut String) {
        if self.length == 0 {
            out.push_str("{ \"origin\": 0, \"route-target\": null }");
            return;
        }
        let _ = write!(
            out,
            "{{ \"origin\": {}, \"route-target\": \"{}\" }}",
            self.origin,
            self.route_target()
        );
    }

    /// `rtc 65000:target:65000:1` or `rtc wildcard`.
    pub fn text(&self, out: &mut String) {
        if self.length == 0 {
            out.push_str("rtc wildcard");
        } else {
            let _ = write!(out, "rtc {}:{}", self.origin, self.route_target());
        }
        self.path_info.text(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn full_and_wildcard_both_ways() {
        // RFC 4684 §4 by hand: length 96, origin AS 65000, route target 65000:1 (0x0002 FDE8 00000001)
        let bytes = [96, 0, 0, 0xFD, 0xE8, 0x00, 0x02, 0xFD, 0xE8, 0, 0, 0, 1];
        let (rtc, used) = Rtc::decode(&bytes, false).unwrap();
        assert_eq!(used, 13);
        assert_eq!(rtc.origin, 65000);
        let mut json = String::new();
        rtc.json(&mut json);
        assert_eq!(
            json,
            r#"{ "origin": 65000, "route-target": "target:65000:1" }"#
        );
        let mut text = String::new();
        rtc.text(&mut text);
        assert_eq!(text, "rtc 65000:target:65000:1");
        let mut out = BytesMut::new();
        rtc.encode(false, &mut out);
        assert_eq!(&out[..], &bytes);

        let (wildcard, used) = Rtc::decode(&[0, 99], false).unwrap();
        assert_eq!(used, 1);
        let mut json = String::new();
        wildcard.json(&mut json);
        assert_eq!(json, r#"{ "origin": 0, "route-target": null }"#);
    }

    #[test]
    fn prefix_lengths() {
        // a 48-bit prefix: origin and the first two bytes of the route target
        let (rtc, used) = Rtc::decode(&[48, 0, 0, 0, 1, 0x00, 0x02], false).unwrap();
        assert_eq!(used, 7);
        let mut text = String::new();
        rtc.text(&mut text);
        assert_eq!(text, "rtc 1:0x0002/16");
        for bad in [&[8u8, 0, 0, 0, 1][..], &[97], &[96, 0, 0, 0, 1, 0, 2]] {
            let error = Rtc::decode(bad, false).unwrap_err();
            assert_eq!((error.code, error.subcode), (3, 10));
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..20), addpath: bool) {
            if let Ok((rtc, used)) = Rtc::decode(&data, addpath) {
                let mut out = BytesMut::new();
                rtc.encode(addpath, &mut out);
                prop_assert_eq!(out.len(), used);
                prop_assert_eq!(Rtc::decode(&out, addpath).unwrap().0, rtc);
            }
        }
    }
}
