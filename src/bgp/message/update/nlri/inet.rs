//! Ports `exabgp/bgp/message/update/nlri/inet.py`: IPv4/IPv6 unicast and multicast NLRI (RFC 4271 §4.3, RFC 4760 §5, RFC 7911 §3).

use super::cidr::Cidr;
use super::qualifier::PathInfo;
use crate::bgp::message::Notification;
use crate::protocol::family::{Afi, Family};
use bytes::{Bytes, BytesMut};

/// An IP prefix of a unicast or multicast family, with its ADD-PATH identifier.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Inet {
    pub family: Family,
    pub cidr: Cidr,
    pub path_info: PathInfo,
}

impl Inet {
    pub fn new(family: Family, cidr: Cidr, path_info: PathInfo) -> Inet {
        Inet {
            family,
            cidr,
            path_info,
        }
    }

    /// Decodes one NLRI at the front of `data`; `addpath`: a path identifier comes first.
    /// Errors are RFC 4271 §6.3 (3, 10) Invalid Network Field, which RFC 7606 §5.3 keeps as a
    /// session reset: once one prefix is misparsed the rest of the field cannot be trusted.
    pub fn decode(
        family: Family,
        data: &[u8],
        addpath: bool,
    ) -> Result<(Inet, usize), Notification> {
        let (path_info, offset) = PathInfo::decode(data, addpath).ok_or_else(invalid_network)?;
        let rest = data.get(offset..).ok_or_else(invalid_network)?;
        let (cidr, used) =
            Cidr::decode(family.afi == Afi::IPV6, rest).map_err(|_| invalid_network())?;
        Ok((
            Inet {
                family,
                cidr,
                path_info,
            },
            offset + used,
        ))
    }

    pub fn encode(&self, addpath_send: bool, out: &mut BytesMut) {
        self.path_info.encode(addpath_send, out);
        self.cidr.encode(out);
    }

    /// Bytes this NLRI takes on the wire.
    pub fn encoded_len(&self, addpath_send: bool) -> usize {
        self.cidr.len() + if addpath_send { PathInfo::LEN } else { 0 }
    }

    /// ExaBGP's text (`extensive`): `10.0.0.0/24 path-information 0.0.0.1`.
    pub fn text(&self, out: &mut String) {
        self.cidr.write(out);
        self.path_info.text(out);
    }

    /// `{ "nlri": "10.0.0.0/24" }`, with `"path-information"` when ADD-PATH is in use.
    pub fn json(&self, out: &mut String) {
        out.push_str("{ \"nlri\": \"");
        self.cidr.write(out);
        out.push('"');
        if self.path_info != PathInfo::Disabled {
            out.push_str(", ");
            self.path_info.json(out);
        }
        out.push_str(" }");
    }
}

fn invalid_network() -> Notification {
    Notification::new(3, 10, Bytes::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addpath_round_trip_and_json() {
        let bytes = [0, 0, 0, 7, 24, 192, 168, 1];
        let (nlri, used) = Inet::decode(Family::IPV4_UNICAST, &bytes, true).unwrap();
        assert_eq!(used, 8);
        assert_eq!(nlri.path_info, PathInfo::Id(7));
        let mut out = BytesMut::new();
        nlri.encode(true, &mut out);
        assert_eq!(&out[..], &bytes);
        let mut json = String::new();
        nlri.json(&mut json);
        assert_eq!(
            json,
            r#"{ "nlri": "192.168.1.0/24", "path-information": "0.0.0.7" }"#
        );

        let mut out = BytesMut::new();
        nlri.encode(false, &mut out);
        assert_eq!(&out[..], &[24, 192, 168, 1]);
    }

    #[test]
    fn truncated_path_or_prefix_is_invalid_network_field() {
        for bad in [&[0u8, 0, 0][..], &[0, 0, 0, 1], &[0, 0, 0, 1, 24, 10]] {
            let error = Inet::decode(Family::IPV4_UNICAST, bad, true).unwrap_err();
            assert_eq!((error.code, error.subcode), (3, 10));
        }
    }
}
