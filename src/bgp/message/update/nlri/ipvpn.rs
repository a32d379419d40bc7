//! Ports `exabgp/bgp/message/update/nlri/ipvpn.py`: labelled VPN-IPv4/VPN-IPv6 NLRI, SAFI 128 (RFC 4364 §4.3.4, RFC 4659 §3.2, RFC 8277 §2, RFC 7911 §3).

use super::cidr::Cidr;
use super::qualifier::{Labels, PathInfo, Rd};
use crate::bgp::message::Notification;
use crate::protocol::family::{Afi, Family};
use bytes::{BufMut, Bytes, BytesMut};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A VPN prefix: labels, route distinguisher and prefix, with its ADD-PATH identifier.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct IpVpn {
    pub family: Family,
    pub cidr: Cidr,
    pub labels: Labels,
    pub rd: Rd,
    pub path_info: PathInfo,
}

impl IpVpn {
    /// Decodes one NLRI at the front of `data`; `addpath`: a path identifier comes first.
    /// Errors are (3, 10) Invalid Network Field, as for `Inet`.
    pub fn decode(
        family: Family,
        data: &[u8],
        addpath: bool,
    ) -> Result<(IpVpn, usize), Notification> {
        let mut offset = 0;
        let mut path_info = PathInfo::Disabled;
        if addpath {
            let id = data.get(..PathInfo::LEN).ok_or_else(invalid_network)?;
            path_info = PathInfo::Id(u32::from_be_bytes([id[0], id[1], id[2], id[3]]));
            offset = PathInfo::LEN;
        }
        let bits = usize::from(*data.get(offset).ok_or_else(invalid_network)?);
        offset += 1;
        // the length counts labels and RD too: what is left after them is the prefix's
        let max_labels = bits.saturating_sub(Rd::LEN * 8) / (Labels::LEN * 8);
        let rest = data.get(offset..).ok_or_else(invalid_network)?;
        let (labels, used) = Labels::decode(rest, max_labels).ok_or_else(invalid_network)?;
        offset += used;
        let rd = Rd::decode(data.get(offset..).unwrap_or_default()).ok_or_else(invalid_network)?;
        offset += Rd::LEN;
        let mask = bits
            .checked_sub((used + Rd::LEN) * 8)
            .and_then(|m| u8::try_from(m).ok())
            .ok_or_else(invalid_network)?;
        let size = Cidr::size(mask);
        let prefix = data
            .get(offset..offset + size)
            .ok_or_else(invalid_network)?;
        let addr = if family.afi == Afi::IPV6 {
            let mut raw = [0u8; 16];
            raw.get_mut(..size)
                .ok_or_else(invalid_network)?
                .copy_from_slice(prefix);
            IpAddr::V6(Ipv6Addr::from(raw))
        } else {
            let mut raw = [0u8; 4];
            raw.get_mut(..size)
                .ok_or_else(invalid_network)?
                .copy_from_slice(prefix);
            IpAddr::V4(Ipv4Addr::from(raw))
        };
        let cidr = Cidr::new(addr, mask).ok_or_else(invalid_network)?;
        let nlri = IpVpn {
            family,
            cidr,
            labels,
            rd,
            path_info,
        };
        Ok((nlri, offset + size))
    }

    pub fn encode(&self, addpath_send: bool, out: &mut BytesMut) {
        self.path_info.encode(addpath_send, out);
        let bits = (self.labels.len() + Rd::LEN) * 8 + usize::from(self.cidr.mask());
        // a prefix longer than a length byte can say can not be configured (labels are few)
        out.put_u8(bits as u8);
        self.labels.encode(out);
        out.put_slice(&self.rd.0);
        let (raw, size) = self.cidr.packed();
        out.put_slice(&raw[..size]);
    }

    /// Bytes this NLRI takes on the wire.
    pub fn encoded_len(&self, addpath_send: bool) -> usize {
        let path = if addpath_send { PathInfo::LEN } else { 0 };
        path + self.cidr.len() + self.labels.len() + Rd::LEN
    }

    /// ExaBGP's text: `10.0.0.0/24 path-information 0.0.0.10 label 20012 rd 100:100`.
    pub fn text(&self, out: &mut String) {
        self.cidr.write(out);
        self.path_info.text(out);
        self.labels.text(out);
        out.push_str(" rd ");
        out.push_str(&self.rd.to_string());
    }

    /// `{ "nlri": "10.0.0.0/24", "path-information": "0.0.0.10", "label": [ [20012, 320193] ],
    /// "rd": "100:100" }`, ExaBGP's order.
    pub fn json(&self, out: &mut String) {
        out.push_str("{ \"nlri\": \"");
        self.cidr.write(out);
        out.push('"');
        if self.path_info != PathInfo::Disabled {
            out.push_str(", ");
            self.path_info.json(out);
        }
        if !self.labels.is_empty() {
            out.push_str(", ");
            self.labels.json(out);
        }
        out.push_str(", ");
        self.rd.json(out);
        out.push_str(" }");
    }
}

fn invalid_network() -> Notification {
    Notification::new(3, 10, Bytes::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::family::Safi;

    fn unhex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    /// The NLRI of qa conf-addpath's second route: path 10, length 112, label 20012,
    /// RD 100:100, 10.0.0.0/24.
    #[test]
    fn addpath_vpn_route_of_qa_conf_addpath() {
        let wire = unhex("0000000A7004E2C100000064000000640A0000");
        let family = Family::new(Afi::IPV4, Safi::MPLS_VPN);
        let nlri = IpVpn {
            family,
            cidr: Cidr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 0)), 24).unwrap(),
            labels: Labels(vec![20012]),
            rd: Rd::parse("100:100").unwrap(),
            path_info: PathInfo::Id(10),
        };
        let mut out = BytesMut::new();
        nlri.encode(true, &mut out);
        assert_eq!(&out[..], &wire[..]);
        assert_eq!(nlri.encoded_len(true), wire.len());
        assert_eq!(
            IpVpn::decode(family, &wire, true).unwrap(),
            (nlri.clone(), wire.len())
        );
        let mut json = String::new();
        nlri.json(&mut json);
        assert_eq!(
            json,
            r#"{ "nlri": "10.0.0.0/24", "path-information": "0.0.0.10", "label": [ [20012, 320193] ], "rd": "100:100" }"#
        );
    }

    /// qa conf-parity: 2001:4b50:20c0::/48, label 926, RD 3215:583457597, no ADD-PATH.
    #[test]
    fn ipv6_vpn_route_of_qa_conf_parity() {
        let wire = unhex("880039E100000C8F22C6DB3D20014B5020C0");
        let family = Family::new(Afi::IPV6, Safi::MPLS_VPN);
        let (nlri, used) = IpVpn::decode(family, &wire, false).unwrap();
        assert_eq!(used, wire.len());
        assert_eq!(nlri.labels, Labels(vec![926]));
        assert_eq!(nlri.rd.to_string(), "3215:583457597");
        let mut text = String::new();
        nlri.text(&mut text);
        assert_eq!(text, "2001:4b50:20c0::/48 label 926 rd 3215:583457597");
        let mut out = BytesMut::new();
        nlri.encode(false, &mut out);
        assert_eq!(&out[..], &wire[..]);
    }

    #[test]
    fn truncated_or_inconsistent_is_invalid_network_field() {
        let family = Family::new(Afi::IPV4, Safi::MPLS_VPN);
        for bad in [
            &[][..],
            &[0x70, 0x04, 0xE2],
            &[0x70, 0x04, 0xE2, 0xC1, 0, 0, 0],
            &[0x70, 0x04, 0xE2, 0xC1, 0, 0, 0, 0x64, 0, 0, 0, 0x64, 10],
            // a length shorter than the labels and RD it announces
            &[0x20, 0x04, 0xE2, 0xC1, 0, 0, 0, 0x64, 0, 0, 0, 0x64],
            // a prefix longer than IPv4
            &[
                0xF8, 0x04, 0xE2, 0xC1, 0, 0, 0, 0x64, 0, 0, 0, 0x64, 1, 2, 3, 4, 5,
            ],
        ] {
            let error = IpVpn::decode(family, bad, false).unwrap_err();
            assert_eq!((error.code, error.subcode), (3, 10), "{bad:?}");
        }
    }
}
