//! Ports `exabgp/bgp/message/update/nlri/sr_policy.py`: the SR Policy NLRI (RFC 9830 §2.1,
//! SAFI 73): distinguisher, color and endpoint, after a length in bits.

use super::cidr::write_ip;
use crate::bgp::message::reader::Reader;
use crate::bgp::message::Notification;
use crate::protocol::family::{Afi, Family};
use bytes::{BufMut, Bytes, BytesMut};
use std::fmt::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct SrPolicy {
    pub family: Family,
    pub distinguisher: u32,
    pub color: u32,
    /// IPv4 for AFI 1, IPv6 for AFI 2.
    pub endpoint: IpAddr,
}

impl SrPolicy {
    /// Decodes one NLRI at the front of `data`. The length must be 96 bits (IPv4) or 192
    /// (IPv6), else (3, 10) Invalid Network Field.
    pub fn decode(family: Family, data: &[u8]) -> Result<(SrPolicy, usize), Notification> {
        let invalid = || Notification::new(3, 10, Bytes::new());
        let v6 = family.afi == Afi::IPV6;
        let size = if v6 { 24 } else { 12 };
        let (&bits, rest) = data.split_first().ok_or_else(invalid)?;
        if usize::from(bits) != size * 8 {
            return Err(invalid());
        }
        let mut r = Reader::new(rest);
        let distinguisher = r.u32();
        let color = r.u32();
        let endpoint = if v6 {
            r.array::<16>().map(|a| IpAddr::V6(Ipv6Addr::from(a)))
        } else {
            r.array::<4>().map(|a| IpAddr::V4(Ipv4Addr::from(a)))
        };
        let (Some(distinguisher), Some(color), Some(endpoint)) = (distinguisher, color, endpoint)
        else {
            return Err(invalid());
        };
        Ok((
            SrPolicy {
                family,
                distinguisher,
                color,
                endpoint,
            },
            1 + size,
        ))
    }

    pub fn encode(&self, out: &mut BytesMut) {
        out.put_u8((self.encoded_len() as u8 - 1) * 8);
        out.put_u32(self.distinguisher);
        out.put_u32(self.color);
        match self.endpoint {
            IpAddr::V4(a) => out.put_slice(&a.octets()),
            IpAddr::V6(a) => out.put_slice(&a.octets()),
        }
    }

    pub fn encoded_len(&self) -> usize {
        if self.endpoint.is_ipv4() {
            13
        } else {
            25
        }
    }

    /// `sr-policy distinguisher 0 color 100 endpoint 10.0.0.1`.
    pub fn text(&self, out: &mut String) {
        let _ = write!(
            out,
            "sr-policy distinguisher {} color {} endpoint ",
            self.distinguisher, self.color
        );
        write_ip(out, self.endpoint);
    }

    /// `{"distinguisher": 0, "color": 100, "endpoint": "10.0.0.1"}`.
    pub fn json(&self, out: &mut String) {
        let _ = write!(
            out,
            "{{\"distinguisher\": {}, \"color\": {}, \"endpoint\": \"",
            self.distinguisher, self.color
        );
        write_ip(out, self.endpoint);
        out.push_str("\"}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::family::Safi;
    use proptest::prelude::*;

    #[test]
    fn qa_nlri_both_ways() {
        // bgp-sr-policy-1: distinguisher 0, color 100, endpoint 10.0.0.1
        let wire = [0x60, 0, 0, 0, 0, 0, 0, 0, 0x64, 10, 0, 0, 1];
        let family = Family::new(Afi::IPV4, Safi::SR_POLICY);
        let (nlri, used) = SrPolicy::decode(family, &wire).unwrap();
        assert_eq!(used, 13);
        let mut json = String::new();
        nlri.json(&mut json);
        assert_eq!(
            json,
            r#"{"distinguisher": 0, "color": 100, "endpoint": "10.0.0.1"}"#
        );
        let mut out = BytesMut::new();
        nlri.encode(&mut out);
        assert_eq!(&out[..], &wire);
        // a 95-bit length or a short body is refused
        assert!(SrPolicy::decode(family, &[0x5F; 13]).is_err());
        assert!(SrPolicy::decode(family, &wire[..12]).is_err());
    }

    proptest! {
        #[test]
        fn never_panics_and_round_trips(data in proptest::collection::vec(any::<u8>(), 0..30), v6 in any::<bool>()) {
            let family = Family::new(if v6 { Afi::IPV6 } else { Afi::IPV4 }, Safi::SR_POLICY);
            if let Ok((nlri, used)) = SrPolicy::decode(family, &data) {
                let mut out = BytesMut::new();
                nlri.encode(&mut out);
                prop_assert_eq!(&out[..], &data[..used]);
            }
        }
    }
}
