//! Ports `exabgp/bgp/message/update/nlri/label.py`: labeled unicast NLRI, SAFI 4 (RFC 8277 §2, RFC 7911 §3).

use super::cidr::Cidr;
use super::qualifier::{Labels, PathInfo, RouteDistinguisher};
use crate::bgp::message::Notification;
use crate::protocol::family::{Afi, Family};
use crate::util::json;
use bytes::{BufMut, Bytes, BytesMut};

/// A prefix with its label stack.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Label {
    pub family: Family,
    pub cidr: Cidr,
    pub labels: Labels,
    pub path_info: PathInfo,
}

/// The parts of a labeled NLRI, with or without route distinguisher (shared with ipvpn).
pub(crate) struct Decoded {
    pub cidr: Cidr,
    pub labels: Labels,
    pub rd: Option<RouteDistinguisher>,
    pub path_info: PathInfo,
    pub used: usize,
}

/// Decodes `[path id] mask labels [rd] prefix`: the mask counts label, RD and prefix bits.
/// Every fault is (3, 10) Invalid Network Field, a session reset (RFC 7606 §5.3).
pub(crate) fn decode(
    family: Family,
    data: &[u8],
    addpath: bool,
    with_rd: bool,
) -> Result<Decoded, Notification> {
    let (path_info, mut at) = PathInfo::decode(data, addpath).ok_or_else(invalid_network)?;
    let mask = *data.get(at).ok_or_else(invalid_network)? as usize;
    at += 1;
    let rd_bits = if with_rd {
        RouteDistinguisher::LEN * 8
    } else {
        0
    };
    let rest = data.get(at..).ok_or_else(invalid_network)?;
    let (labels, mut bits) = Labels::decode(rest, mask, rd_bits).ok_or_else(invalid_network)?;
    at += labels.len();
    let rd = if with_rd {
        let rd = RouteDistinguisher::decode(data.get(at..).unwrap_or_default())
            .ok_or_else(invalid_network)?;
        bits = bits.checked_sub(rd_bits).ok_or_else(invalid_network)?;
        at += RouteDistinguisher::LEN;
        Some(rd)
    } else {
        None
    };
    let v6 = family.afi == Afi::IPV6;
    let prefix_mask = u8::try_from(bits).map_err(|_| invalid_network())?;
    let size = Cidr::size(prefix_mask);
    // the prefix goes through Cidr's decoder with its own mask byte in front
    let mut prefix = Vec::with_capacity(1 + size);
    prefix.push(prefix_mask);
    prefix.extend_from_slice(data.get(at..at + size).ok_or_else(invalid_network)?);
    let (cidr, _) = Cidr::decode(v6, &prefix).map_err(|_| invalid_network())?;
    Ok(Decoded {
        cidr,
        labels,
        rd,
        path_info,
        used: at + size,
    })
}

/// Writes `[path id] mask labels [rd] prefix`.
pub(crate) fn encode(
    cidr: &Cidr,
    labels: &Labels,
    rd: Option<&RouteDistinguisher>,
    path_info: PathInfo,
    addpath_send: bool,
    out: &mut BytesMut,
) {
    path_info.encode(addpath_send, out);
    let rd_len = if rd.is_some() {
        RouteDistinguisher::LEN
    } else {
        0
    };
    // a mask over 255 bits cannot be written: the configuration limits label stacks so that
    // an IPv6 VPN /128 with a few labels fits
    out.put_u8((cidr.mask() as usize + (labels.len() + rd_len) * 8).min(255) as u8);
    labels.encode(out);
    if let Some(rd) = rd {
        rd.encode(out);
    }
    let mut prefix = BytesMut::new();
    cidr.encode(&mut prefix);
    out.put_slice(&prefix[1..]);
}

pub(crate) fn invalid_network() -> Notification {
    Notification::new(3, 10, Bytes::new())
}

/// `{ "nlri": "10.0.0.0/24", "path-information": ..., "label": [ ... ], "rd": ... }`.
pub(crate) fn json(
    cidr: &Cidr,
    labels: &Labels,
    rd: Option<&RouteDistinguisher>,
    path_info: PathInfo,
    out: &mut String,
) {
    out.push_str("{ \"nlri\": \"");
    cidr.write(out);
    out.push('"');
    let mut members = json::Members::after(out);
    if path_info != PathInfo::Disabled {
        path_info.json(members.next());
    }
    if !labels.0.is_empty() {
        labels.json(members.next());
    }
    if let Some(rd) = rd {
        rd.json(members.next());
    }
    out.push_str(" }");
}

impl Label {
    pub fn new(family: Family, cidr: Cidr, labels: Labels, path_info: PathInfo) -> Label {
        Label {
            family,
            cidr,
            labels,
            path_info,
        }
    }

    /// Decodes one NLRI at the front of `data`, returning it and the bytes used.
    pub fn decode(
        family: Family,
        data: &[u8],
        addpath: bool,
    ) -> Result<(Label, usize), Notification> {
        let d = decode(family, data, addpath, false)?;
        Ok((Label::new(family, d.cidr, d.labels, d.path_info), d.used))
    }

    pub fn encode(&self, addpath_send: bool, out: &mut BytesMut) {
        encode(
            &self.cidr,
            &self.labels,
            None,
            self.path_info,
            addpath_send,
            out,
        );
    }

    pub fn encoded_len(&self, addpath_send: bool) -> usize {
        self.cidr.len() + self.labels.len() + if addpath_send { PathInfo::LEN } else { 0 }
    }

    /// ExaBGP's text: `10.0.0.0/24 path-information 0.0.0.1 label 100 (1601)`.
    pub fn text(&self, out: &mut String) {
        self.cidr.write(out);
        self.path_info.text(out);
        self.labels.text(out);
    }

    pub fn json(&self, out: &mut String) {
        json(&self.cidr, &self.labels, None, self.path_info, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::family::Safi;
    use proptest::prelude::*;

    const V4: Family = Family::new(Afi::IPV4, Safi::NLRI_MPLS);

    #[test]
    fn labeled_prefix_both_ways() {
        // 10.0.0.0/24 with label 100 (0x000641): mask 24 + 24 = 48
        let bytes = [48, 0x00, 0x06, 0x41, 10, 0, 0];
        let (nlri, used) = Label::decode(V4, &bytes, false).unwrap();
        assert_eq!(used, bytes.len());
        assert_eq!(nlri.cidr.to_string(), "10.0.0.0/24");
        assert_eq!(nlri.labels, Labels::new(&[100]));
        let mut out = BytesMut::new();
        nlri.encode(false, &mut out);
        assert_eq!(&out[..], &bytes);
        assert_eq!(nlri.encoded_len(false), bytes.len());
        let mut json = String::new();
        nlri.json(&mut json);
        assert_eq!(
            json,
            r#"{ "nlri": "10.0.0.0/24", "label": [ [100, 1601] ] }"#
        );
        let mut text = String::new();
        nlri.text(&mut text);
        assert_eq!(text, "10.0.0.0/24 label 100 (1601)");
    }

    #[test]
    fn addpath_and_ipv6() {
        let family = Family::new(Afi::IPV6, Safi::NLRI_MPLS);
        // path id 5, 2001:db8::/32 with label 16 (0x000101)
        let bytes = [0, 0, 0, 5, 56, 0x00, 0x01, 0x01, 0x20, 0x01, 0x0d, 0xb8];
        let (nlri, used) = Label::decode(family, &bytes, true).unwrap();
        assert_eq!(used, bytes.len());
        assert_eq!(nlri.path_info, PathInfo::Id(5));
        assert_eq!(nlri.cidr.to_string(), "2001:db8::/32");
        let mut out = BytesMut::new();
        nlri.encode(true, &mut out);
        assert_eq!(&out[..], &bytes);
    }

    #[test]
    fn faults_are_invalid_network_field() {
        for bad in [
            &[][..],
            &[48, 0, 6, 0x40, 10, 0, 0],             // no bottom of stack
            &[48, 0, 6, 0x41, 10],                   // truncated prefix
            &[80, 0, 6, 0x41, 10, 0, 0, 0, 0, 0, 0], // 56-bit IPv4 prefix
        ] {
            let error = Label::decode(V4, bad, false).unwrap_err();
            assert_eq!((error.code, error.subcode), (3, 10), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..40), addpath: bool, v6: bool) {
            let family = Family::new(if v6 { Afi::IPV6 } else { Afi::IPV4 }, Safi::NLRI_MPLS);
            let _ = Label::decode(family, &data, addpath);
        }

        #[test]
        fn round_trip(addr: u32, mask in 0u8..=32, labels in proptest::collection::vec(1u32..0x8_0000, 1..4), id: u32) {
            let cidr = Cidr::decode(false, &{
                let mut raw = vec![mask];
                raw.extend_from_slice(&addr.to_be_bytes()[..Cidr::size(mask)]);
                raw
            }).unwrap().0;
            let nlri = Label::new(V4, cidr, Labels::new(&labels), PathInfo::Id(id));
            let mut out = BytesMut::new();
            nlri.encode(true, &mut out);
            prop_assert_eq!(out.len(), nlri.encoded_len(true));
            let (back, used) = Label::decode(V4, &out, true).unwrap();
            prop_assert_eq!(used, out.len());
            prop_assert_eq!(back, nlri);
        }
    }
}
