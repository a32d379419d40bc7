//! Ports `exabgp/bgp/message/open/__init__.py` (with asn.py, holdtime.py, routerid.py, version.py):
//! the OPEN message (RFC 4271 §4.2, RFC 5492 optional parameters, RFC 6793 AS_TRANS).

pub mod capability;

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
        let Some((fixed, parameters)) = body.split_first_chunk::<9>() else {
            return Err(bad_length(body.len()));
        };
        if body.len() < MINIMUM_BODY_SIZE {
            return Err(bad_length(body.len()));
        }
        let [version, a1, a2, h1, h2, r1, r2, r3, r4] = *fixed;
        if version != VERSION {
            return Err(Notification::new(2, 1, Bytes::from_static(&[0, VERSION])));
        }
        Ok(Open {
            version,
            asn: u16::from_be_bytes([a1, a2]),
            hold_time: u16::from_be_bytes([h1, h2]),
            router_id: Ipv4Addr::new(r1, r2, r3, r4),
            capabilities: Capabilities::decode(parameters)?,
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
