//! Ports `exabgp/bgp/message/update/nlri/vpls.py`: the L2VPN VPLS NLRI, AFI 25 SAFI 65 (RFC 4761 §3.2.2).

use super::qualifier::{PathInfo, RouteDistinguisher};
use crate::bgp::message::reader::Reader;
use crate::bgp::message::Notification;
use bytes::{BufMut, Bytes, BytesMut};
use std::fmt::Write;

/// A VPLS label block advertisement.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Vpls {
    pub rd: RouteDistinguisher,
    /// The VE ID.
    pub endpoint: u16,
    pub offset: u16,
    pub size: u16,
    /// The label base (20 bits).
    pub base: u32,
    pub path_info: PathInfo,
}

impl Vpls {
    /// RD, VE ID, offset, size, label base.
    const PAYLOAD: usize = 17;
    pub const LEN: usize = 2 + Self::PAYLOAD;

    /// Decodes `[path id] length (2) RD VE-ID offset size base` at the front of `data`. A
    /// length over 17 is accepted and the extra bytes skipped, as ExaBGP.
    pub fn decode(data: &[u8], addpath: bool) -> Result<(Vpls, usize), Notification> {
        let invalid = || Notification::new(3, 10, Bytes::new());
        let (path_info, at) = PathInfo::decode(data, addpath).ok_or_else(invalid)?;
        let mut r = Reader::new(data.get(at..).unwrap_or_default());
        let length = usize::from(r.u16().ok_or_else(invalid)?);
        if length < Self::PAYLOAD {
            return Err(invalid());
        }
        let mut body = Reader::new(r.take(length).ok_or_else(invalid)?);
        let (Some(rd), Some(endpoint), Some(offset), Some(size), Some(base)) = (
            body.take(RouteDistinguisher::LEN)
                .and_then(RouteDistinguisher::decode),
            body.u16(),
            body.u16(),
            body.u16(),
            body.u24(),
        ) else {
            return Err(invalid());
        };
        Ok((
            Vpls {
                rd,
                endpoint,
                offset,
                size,
                base: base >> 4,
                path_info,
            },
            at + 2 + length,
        ))
    }

    /// Writes the NLRI, the label base with its bottom of stack bit.
    pub fn encode(&self, addpath_send: bool, out: &mut BytesMut) {
        self.path_info.encode(addpath_send, out);
        out.put_u16(Self::PAYLOAD as u16);
        self.rd.encode(out);
        out.put_u16(self.endpoint);
        out.put_u16(self.offset);
        out.put_u16(self.size);
        out.put_slice(&(((self.base & 0xF_FFFF) << 4) | 1).to_be_bytes()[1..]);
    }

    pub fn encoded_len(&self, addpath_send: bool) -> usize {
        Self::LEN + if addpath_send { PathInfo::LEN } else { 0 }
    }

    /// `{ "rd": "192.168.201.1:123", "endpoint": 5, "base": 10702, "offset": 1, "size": 8 }`.
    pub fn json(&self, out: &mut String) {
        out.push_str("{ ");
        self.rd.json(out);
        let _ = write!(
            out,
            ", \"endpoint\": {}, \"base\": {}, \"offset\": {}, \"size\": {} }}",
            self.endpoint, self.base, self.offset, self.size
        );
    }

    /// `vpls rd 192.168.201.1:123 endpoint 5 base 10702 offset 1 size 8`.
    pub fn text(&self, out: &mut String) {
        let _ = write!(
            out,
            "vpls rd {} endpoint {} base {} offset {} size {}",
            self.rd, self.endpoint, self.base, self.offset, self.size
        );
        self.path_info.text(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// conf-l2vpn.ci: the NLRI of `vpls rd 192.168.201.1:123 endpoint 5 base 10702 offset 1 size 8`.
    const CONF_L2VPN: [u8; 19] = [
        0x00, 0x11, 0x00, 0x01, 0xC0, 0xA8, 0xC9, 0x01, 0x00, 0x7B, 0x00, 0x05, 0x00, 0x01, 0x00,
        0x08, 0x02, 0x9C, 0xE1,
    ];

    #[test]
    fn conf_l2vpn_both_ways() {
        let (vpls, used) = Vpls::decode(&CONF_L2VPN, false).unwrap();
        assert_eq!(used, 19);
        assert_eq!(
            vpls,
            Vpls {
                rd: RouteDistinguisher::parse("192.168.201.1:123").unwrap(),
                endpoint: 5,
                offset: 1,
                size: 8,
                base: 10702,
                path_info: PathInfo::Disabled,
            }
        );
        let mut out = BytesMut::new();
        vpls.encode(false, &mut out);
        assert_eq!(&out[..], &CONF_L2VPN);
        let mut json = String::new();
        vpls.json(&mut json);
        assert_eq!(
            json,
            r#"{ "rd": "192.168.201.1:123", "endpoint": 5, "base": 10702, "offset": 1, "size": 8 }"#
        );
        let mut text = String::new();
        vpls.text(&mut text);
        assert_eq!(
            text,
            "vpls rd 192.168.201.1:123 endpoint 5 base 10702 offset 1 size 8"
        );
    }

    #[test]
    fn short_or_truncated_is_invalid_network_field() {
        let mut short = CONF_L2VPN;
        short[1] = 16;
        for bad in [&CONF_L2VPN[..18], &short[..], &[0][..]] {
            let error = Vpls::decode(bad, false).unwrap_err();
            assert_eq!((error.code, error.subcode), (3, 10));
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..40)) {
            let _ = Vpls::decode(&data, true);
        }

        #[test]
        fn round_trip(rd: [u8; 8], endpoint: u16, offset: u16, size: u16, base in 0u32..1 << 20, id: u32) {
            let vpls = Vpls { rd: RouteDistinguisher(rd), endpoint, offset, size, base, path_info: PathInfo::Id(id) };
            let mut out = BytesMut::new();
            vpls.encode(true, &mut out);
            prop_assert_eq!(Vpls::decode(&out, true).unwrap(), (vpls, vpls.encoded_len(true)));
        }
    }
}
