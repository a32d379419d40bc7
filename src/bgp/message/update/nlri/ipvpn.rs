//! Ports `exabgp/bgp/message/update/nlri/ipvpn.py`: VPN-IPv4/VPN-IPv6 NLRI, SAFI 128 (RFC 4364 §4.3.4, RFC 4659 §3.2, RFC 8277).

use super::cidr::Cidr;
use super::label;
use super::qualifier::{Labels, PathInfo, RouteDistinguisher};
use crate::bgp::message::Notification;
use crate::protocol::family::Family;
use bytes::BytesMut;

/// A labeled prefix of a VPN, made unique by its route distinguisher.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct IpVpn {
    pub family: Family,
    pub cidr: Cidr,
    pub labels: Labels,
    pub rd: RouteDistinguisher,
    pub path_info: PathInfo,
}

impl IpVpn {
    pub fn new(
        family: Family,
        cidr: Cidr,
        labels: Labels,
        rd: RouteDistinguisher,
        path_info: PathInfo,
    ) -> IpVpn {
        IpVpn {
            family,
            cidr,
            labels,
            rd,
            path_info,
        }
    }

    /// Decodes one NLRI at the front of `data`, returning it and the bytes used.
    pub fn decode(
        family: Family,
        data: &[u8],
        addpath: bool,
    ) -> Result<(IpVpn, usize), Notification> {
        let d = label::decode(family, data, addpath, true)?;
        let rd = d.rd.ok_or_else(label::invalid_network)?;
        Ok((
            IpVpn::new(family, d.cidr, d.labels, rd, d.path_info),
            d.used,
        ))
    }

    pub fn encode(&self, addpath_send: bool, out: &mut BytesMut) {
        label::encode(
            &self.cidr,
            &self.labels,
            Some(&self.rd),
            self.path_info,
            addpath_send,
            out,
        );
    }

    pub fn encoded_len(&self, addpath_send: bool) -> usize {
        self.cidr.len()
            + self.labels.len()
            + RouteDistinguisher::LEN
            + if addpath_send { PathInfo::LEN } else { 0 }
    }

    /// ExaBGP's text: `10.0.0.0/24 label 1000 (16001) rd 65000:1`.
    pub fn text(&self, out: &mut String) {
        self.cidr.write(out);
        self.path_info.text(out);
        self.labels.text(out);
        out.push_str(" rd ");
        out.push_str(&self.rd.to_string());
    }

    pub fn json(&self, out: &mut String) {
        label::json(
            &self.cidr,
            &self.labels,
            Some(&self.rd),
            self.path_info,
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::family::{Afi, Safi};
    use proptest::prelude::*;

    const V4: Family = Family::new(Afi::IPV4, Safi::MPLS_VPN);

    #[test]
    fn conf_vpn_nlri_both_ways() {
        // conf-vpn.ci: 10.0.0.128/25 label 1000 rd 65000:1 → mask 0x71 = 24 + 64 + 25
        let bytes = [
            0x71, 0x00, 0x3E, 0x81, 0, 0, 0xFD, 0xE8, 0, 0, 0, 1, 0x0A, 0, 0, 0x80,
        ];
        let (nlri, used) = IpVpn::decode(V4, &bytes, false).unwrap();
        assert_eq!(used, bytes.len());
        assert_eq!(nlri.cidr.to_string(), "10.0.0.128/25");
        assert_eq!(nlri.rd, RouteDistinguisher::parse("65000:1").unwrap());
        let mut out = BytesMut::new();
        nlri.encode(false, &mut out);
        assert_eq!(&out[..], &bytes);
        assert_eq!(nlri.encoded_len(false), bytes.len());
        let mut json = String::new();
        nlri.json(&mut json);
        assert_eq!(
            json,
            r#"{ "nlri": "10.0.0.128/25", "label": [ [1000, 16001] ], "rd": "65000:1" }"#
        );
        let mut text = String::new();
        nlri.text(&mut text);
        assert_eq!(text, "10.0.0.128/25 label 1000 (16001) rd 65000:1");
    }

    #[test]
    fn decoding_vpnv4_extended_nexthop_nlri() {
        // qa/decoding/vpnv4-extended-nexthop-1: label 3 (0x000031), rd 4:100, 10.1.0.0/24
        let bytes = [0x70, 0x00, 0x00, 0x31, 0, 0, 0, 4, 0, 0, 0, 0x64, 10, 1, 0];
        let (nlri, _) = IpVpn::decode(V4, &bytes, false).unwrap();
        let mut json = String::new();
        nlri.json(&mut json);
        assert_eq!(
            json,
            r#"{ "nlri": "10.1.0.0/24", "label": [ [3, 49] ], "rd": "4:100" }"#
        );
    }

    #[test]
    fn faults_are_invalid_network_field() {
        for bad in [
            &[0x71, 0x00, 0x3E, 0x81, 0, 0, 0xFD][..], // truncated RD
            &[0x50, 0x00, 0x3E, 0x81, 0, 0, 0, 0],     // mask shorter than label + RD
        ] {
            let error = IpVpn::decode(V4, bad, false).unwrap_err();
            assert_eq!((error.code, error.subcode), (3, 10), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..48), addpath: bool, v6: bool) {
            let family = Family::new(if v6 { Afi::IPV6 } else { Afi::IPV4 }, Safi::MPLS_VPN);
            let _ = IpVpn::decode(family, &data, addpath);
        }

        #[test]
        fn round_trip(addr: u128, mask in 0u8..=128, label in 1u32..0x8_0000, rd: [u8; 8], addpath: bool) {
            let family = Family::new(Afi::IPV6, Safi::MPLS_VPN);
            let cidr = Cidr::decode(true, &{
                let mut raw = vec![mask];
                raw.extend_from_slice(&addr.to_be_bytes()[..Cidr::size(mask)]);
                raw
            }).unwrap().0;
            let path_info = if addpath { PathInfo::Id(9) } else { PathInfo::Disabled };
            let nlri = IpVpn::new(family, cidr, Labels::new(&[label]), RouteDistinguisher(rd), path_info);
            let mut out = BytesMut::new();
            nlri.encode(addpath, &mut out);
            prop_assert_eq!(out.len(), nlri.encoded_len(addpath));
            let (back, used) = IpVpn::decode(family, &out, addpath).unwrap();
            prop_assert_eq!(used, out.len());
            prop_assert_eq!(back, nlri);
        }
    }
}
