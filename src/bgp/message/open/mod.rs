//! Ports `exabgp/bgp/message/open/__init__.py` (with asn.py, holdtime.py, routerid.py, version.py):
//! the OPEN message (RFC 4271 §4.2, RFC 5492 optional parameters, RFC 6793 AS_TRANS).

pub mod capability;

use crate::bgp::message::reader::Reader;
use crate::bgp::message::{message, MessageType, Notification, HEADER_LEN};
use bytes::Bytes;
use capability::Capabilities;
use std::net::Ipv4Addr;

/// The only BGP version spoken (RFC 4271 §4.2).
pub const VERSION: u8 = 4;
/// The two-byte AS sent in place of a four-byte one (RFC 6793 §9).
pub const AS_TRANS: u16 = 23456;
/// Smallest non-zero hold time (RFC 4271 §4.2).
pub const HOLD_TIME_MIN: u16 = 3;
/// Version, AS, hold time, identifier and optional parameters length.
const MINIMUM_BODY_SIZE: usize = 10;

/// An OPEN message. `asn` is the two-byte field (AS_TRANS, 23456, when the real ASN needs four bytes).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Open {
    pub version: u8,
    pub asn: u16,
    pub hold_time: u16,
    pub router_id: Ipv4Addr,
    pub capabilities: Capabilities,
}

impl Open {
    /// A version 4 OPEN for `asn`, written as AS_TRANS when it does not fit two bytes.
    pub fn new(asn: u32, hold_time: u16, router_id: Ipv4Addr, capabilities: Capabilities) -> Open {
        Open {
            version: VERSION,
            asn: u16::try_from(asn).unwrap_or(AS_TRANS),
            hold_time,
            router_id,
            capabilities,
        }
    }

    /// Decodes an OPEN body (header removed). Errors are RFC 4271 §6.2 NOTIFICATIONs: a body
    /// shorter than 10 bytes is (1, 2) with the message length as data, another version (2, 1)
    /// with the version we support as data (ExaBGP puts a text there).
    pub fn decode(body: &[u8]) -> Result<Open, Notification> {
        if body.len() < MINIMUM_BODY_SIZE {
            return Err(bad_length(body.len()));
        }
        let mut r = Reader::new(body);
        let (Some(version), Some(asn), Some(hold_time), Some(router_id)) =
            (r.u8(), r.u16(), r.u16(), r.array::<4>())
        else {
            return Err(bad_length(body.len()));
        };
        if version != VERSION {
            return Err(Notification::new(2, 1, Bytes::from_static(&[0, VERSION])));
        }
        Ok(Open {
            version,
            asn,
            hold_time,
            router_id: Ipv4Addr::from(router_id),
            capabilities: Capabilities::decode(r.rest())?,
        })
    }

    /// The body: fixed fields then optional parameters.
    pub fn encode_body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        out.push(self.version);
        out.extend_from_slice(&self.asn.to_be_bytes());
        out.extend_from_slice(&self.hold_time.to_be_bytes());
        out.extend_from_slice(&self.router_id.octets());
        out.extend_from_slice(&self.capabilities.encode());
        out
    }

    /// The whole OPEN message, header included.
    pub fn encode(&self) -> Bytes {
        message(MessageType::OPEN, &self.encode_body())
    }

    /// ExaBGP's JSON body of an OPEN: the value of the `"open"` key.
    pub fn json(&self, out: &mut String) {
        out.push_str(&format!(
            "{{ \"version\": {}, \"asn\": {}, \"hold_time\": {}, \"router_id\": \"{}\", \"capabilities\": ",
            self.version, self.asn, self.hold_time, self.router_id
        ));
        self.capabilities.json(out);
        out.push_str(" }");
    }
}

fn bad_length(body_len: usize) -> Notification {
    let len = (HEADER_LEN + body_len).min(usize::from(u16::MAX)) as u16;
    Notification::new(1, 2, Bytes::copy_from_slice(&len.to_be_bytes()))
}

#[cfg(test)]
mod tests {
    use super::capability::{Capability, CapabilityCode};
    use super::*;
    use crate::bgp::neighbor::Neighbor;
    use crate::protocol::family::Family;
    use std::net::IpAddr;

    use crate::util::hex::test_unhex as unhex;

    /// The neighbour of ExaBGP's qa configurations conf-hostname, conf-cap-software-version and
    /// conf-cap-link-local-nexthop: everything but the capability block.
    fn qa_neighbor(family: Family) -> Neighbor {
        let mut neighbor = Neighbor::new(IpAddr::V4(Ipv4Addr::LOCALHOST));
        neighbor.local_as = 65533;
        neighbor.peer_as = 65533;
        neighbor.router_id = Some(Ipv4Addr::new(10, 0, 0, 2));
        neighbor.families = vec![family];
        neighbor
    }

    fn qa_open(neighbor: &Neighbor) -> Open {
        Open::new(
            neighbor.local_as,
            180,
            Ipv4Addr::new(10, 0, 0, 2),
            Capabilities::new(neighbor, false),
        )
    }

    // Expected OPENs are the raw: lines of ExaBGP's qa/encoding/*.ci files.
    const HOSTNAME: &str = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:0055:01:04FFFD00B40A000002380206010400010001020641040000FFFD02020600022249200C6D792D686F73742D6E616D65126D792D646F6D61696E2D6E616D652E636F6D";
    const SOFTWARE: &str = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:0049:01:04FFFD00B40A0000022C0206010400010001020641040000FFFD0202060002164B14134578614247502F352E302E302D302B74657374";
    const LINK_LOCAL: &str = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:0035:01:04FFFD00B40A000002180206010400020001020641040000FFFD0202060002024D00";

    #[test]
    fn qa_hostname_open() {
        let mut neighbor = qa_neighbor(Family::IPV4_UNICAST);
        neighbor.host_name = "my-host-name".into();
        neighbor.domain_name = "my-domain-name.com".into();
        let open = qa_open(&neighbor);
        assert_eq!(open.encode()[..], unhex(HOSTNAME)[..]);
        assert_eq!(Open::decode(&unhex(HOSTNAME)[19..]).unwrap(), open);
    }

    #[test]
    fn qa_software_version_open() {
        let mut neighbor = qa_neighbor(Family::IPV4_UNICAST);
        neighbor.capability.software_version = true;
        neighbor.software_version = "5.0.0-0+test".into();
        let open = qa_open(&neighbor);
        assert_eq!(open.encode()[..], unhex(SOFTWARE)[..]);
        // an empty host name is not sent, so it does not come back
        let decoded = Open::decode(&unhex(SOFTWARE)[19..]).unwrap();
        assert!(!decoded.capabilities.announced(CapabilityCode::HOSTNAME));
        assert_eq!(decoded.encode(), open.encode());
    }

    #[test]
    fn qa_link_local_open() {
        let mut neighbor = qa_neighbor(Family::IPV6_UNICAST);
        neighbor.capability.link_local_nexthop = true;
        let open = qa_open(&neighbor);
        assert_eq!(open.encode()[..], unhex(LINK_LOCAL)[..]);
        let decoded = Open::decode(&unhex(LINK_LOCAL)[19..]).unwrap();
        assert!(decoded
            .capabilities
            .announced(CapabilityCode::LINK_LOCAL_NEXTHOP));
    }

    #[test]
    fn four_byte_asn_goes_as_trans() {
        let open = Open::new(
            4_200_000_000,
            90,
            Ipv4Addr::new(1, 2, 3, 4),
            Capabilities::default(),
        );
        assert_eq!(open.asn, AS_TRANS);
        // version, AS_TRANS (0x5BA0), 90, 1.2.3.4, no optional parameters
        let body = [4, 0x5B, 0xA0, 0, 90, 1, 2, 3, 4, 0];
        assert_eq!(open.encode()[19..], body);
        assert_eq!(Open::decode(&body).unwrap(), open);
    }

    #[test]
    fn decode_errors() {
        let short = Open::decode(&[4, 0, 1, 0, 90, 1, 2, 3, 4]).unwrap_err();
        assert_eq!(
            (short.code, short.subcode, &short.data[..]),
            (1, 2, &[0u8, 28][..])
        );
        let version = Open::decode(&[3, 0, 1, 0, 90, 1, 2, 3, 4, 0]).unwrap_err();
        assert_eq!(
            (version.code, version.subcode, &version.data[..]),
            (2, 1, &[0u8, 4][..])
        );
        // optional parameters length says 4, only 2 bytes follow
        let truncated = Open::decode(&[4, 0, 1, 0, 90, 1, 2, 3, 4, 4, 2, 2]).unwrap_err();
        assert_eq!((truncated.code, truncated.subcode), (2, 0));
        // parameter type 1 (authentication, deprecated) is not supported
        let auth = Open::decode(&[4, 0, 1, 0, 90, 1, 2, 3, 4, 3, 1, 1, 0]).unwrap_err();
        assert_eq!((auth.code, auth.subcode), (2, 4));
        // a capability TLV longer than its parameter
        let underrun = Open::decode(&[4, 0, 1, 0, 90, 1, 2, 3, 4, 4, 2, 2, 65, 4]).unwrap_err();
        assert_eq!((underrun.code, underrun.subcode), (2, 0));
        // an ASN4 capability of 3 bytes
        let asn4 =
            Open::decode(&[4, 0, 1, 0, 90, 1, 2, 3, 4, 7, 2, 5, 65, 3, 0, 0, 1]).unwrap_err();
        assert_eq!((asn4.code, asn4.subcode), (2, 0));
    }

    #[test]
    fn extended_optional_parameters() {
        // 70 families need 70 * 8 bytes of parameters: RFC 9072 framing
        let families: Vec<Family> = (1..=70)
            .map(|safi| {
                Family::new(
                    crate::protocol::family::Afi::IPV4,
                    crate::protocol::family::Safi(safi),
                )
            })
            .collect();
        let open = Open::new(
            65000,
            180,
            Ipv4Addr::new(1, 1, 1, 1),
            Capabilities(vec![Capability::MultiProtocol(
                capability::mp::MultiProtocol(families),
            )]),
        );
        let bytes = open.encode();
        // marker 255, type 255, length 70 * (3 + 2 + 4)
        assert_eq!(bytes[19 + 9..19 + 13], [255, 255, 0x02, 0x76]);
        // first parameter: type 2, length 6, capability 1, length 4, ipv4 / safi 1
        assert_eq!(bytes[19 + 13..19 + 22], [2, 0, 6, 1, 4, 0, 1, 0, 1]);
        assert_eq!(Open::decode(&bytes[19..]).unwrap(), open);
    }

    #[test]
    fn json_of_qa_open() {
        let mut neighbor = qa_neighbor(Family::IPV4_UNICAST);
        neighbor.capability.software_version = true;
        neighbor.software_version = "5.0.0-0+test".into();
        let mut out = String::new();
        qa_open(&neighbor).json(&mut out);
        assert_eq!(
            out,
            "{ \"version\": 4, \"asn\": 65533, \"hold_time\": 180, \"router_id\": \"10.0.0.2\", \"capabilities\": { \
             \"1\": { \"name\": \"multiprotocol\", \"families\": [ \"ipv4/unicast\" ] }, \
             \"65\": { \"name\": \"asn4\", \"asn4\": 65533 }, \
             \"6\": { \"name\": \"extended-message\", \"size\": 65535 }, \
             \"73\": { \"host-name\": \"\", \"domain-name\": \"\" }, \
             \"75\": { \"software\": \"ExaBGP/5.0.0-0+test\" } } }"
        );
    }
}
