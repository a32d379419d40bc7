//! Ports `exabgp/bgp/message/refresh.py`: ROUTE-REFRESH (RFC 2918 §3) with the enhanced route refresh
//! subtypes (RFC 7313 §3: 0 request, 1 BoRR, 2 EoRR).

use crate::bgp::message::reader::Reader;
use crate::bgp::message::{message, MessageType, Notification};
use crate::protocol::family::{Afi, Family, Safi};
use bytes::Bytes;

/// A ROUTE-REFRESH message.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RouteRefresh {
    pub family: Family,
    pub subtype: u8,
}

impl RouteRefresh {
    pub const REQUEST: u8 = 0;
    pub const BEGIN: u8 = 1;
    pub const END: u8 = 2;

    /// A body that is not 4 bytes is (7, 1) Invalid Message Length (RFC 7313 §5). Other subtypes
    /// are returned as they are, for the session to ignore (RFC 7313 §5; ExaBGP sends (7, 2)).
    pub fn decode(body: &[u8]) -> Result<RouteRefresh, Notification> {
        let mut r = Reader::new(body);
        match (r.u16(), r.u8(), r.u8()) {
            (Some(afi), Some(subtype), Some(safi)) if r.is_empty() => Ok(RouteRefresh {
                family: Family::new(Afi(afi), Safi(safi)),
                subtype,
            }),
            _ => Err(Notification::new(
                7,
                1,
                Bytes::from_static(b"invalid route-refresh message"),
            )),
        }
    }

    /// The whole message, header included.
    pub fn encode(&self) -> Bytes {
        let afi = self.family.afi.0.to_be_bytes();
        message(
            MessageType::ROUTE_REFRESH,
            &[afi[0], afi[1], self.subtype, self.family.safi.0],
        )
    }

    /// ExaBGP's subtype name.
    pub fn subtype_name(&self) -> &'static str {
        match self.subtype {
            0 => "query",
            1 => "begin",
            2 => "end",
            _ => "invalid",
        }
    }

    /// ExaBGP's JSON body: the value of the `"route-refresh"` key.
    pub fn json(&self, out: &mut String) {
        out.push_str(&format!(
            "{{ \"afi\": \"{}\", \"safi\": \"{}\", \"subtype\": \"{}\" }}",
            self.family.afi.name(),
            self.family.safi.name(),
            self.subtype_name()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        // RFC 7313 BoRR for ipv6 unicast: AFI 2, subtype 1, SAFI 1
        let refresh = RouteRefresh {
            family: Family::IPV6_UNICAST,
            subtype: RouteRefresh::BEGIN,
        };
        let wire = refresh.encode();
        assert_eq!(wire[16..], [0, 23, 5, 0, 2, 1, 1]);
        assert_eq!(RouteRefresh::decode(&wire[19..]).unwrap(), refresh);
        let mut out = String::new();
        refresh.json(&mut out);
        assert_eq!(
            out,
            "{ \"afi\": \"ipv6\", \"safi\": \"unicast\", \"subtype\": \"begin\" }"
        );
    }

    #[test]
    fn bad_length() {
        for body in [&[0, 1, 0][..], &[0, 1, 0, 1, 0][..]] {
            let error = RouteRefresh::decode(body).unwrap_err();
            assert_eq!((error.code, error.subcode), (7, 1));
        }
        assert_eq!(
            RouteRefresh::decode(&[0, 1, 9, 1]).unwrap().subtype_name(),
            "invalid"
        );
    }
}
