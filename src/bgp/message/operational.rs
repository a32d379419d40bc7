//! Ports `exabgp/bgp/message/operational.py`: ExaBGP's OPERATIONAL message (type 6,
//! draft-ietf-idr-operational-message): advisories, prefix-count queries and their replies.
//!
//! `Message::decode` keeps type 6 as `Message::Unknown`; a session that negotiated the
//! operational capability decodes the body with `Operational::decode`.

use crate::bgp::message::reader::Reader;
use crate::bgp::message::{message, MessageType, Notification};
use crate::protocol::family::{Afi, Family, Safi};
use crate::util::hex::hexstring;
use crate::util::json;
use bytes::Bytes;
use std::net::Ipv4Addr;

/// Longest advisory ExaBGP sends.
const MAX_ADVISORY: usize = 2048;

/// An OPERATIONAL message; `what` is its two-byte type (1 ADM, 2 ASM, 3 RPCQ, 4 RPCP, 5 APCQ,
/// 6 APCP, 7 LPCQ, 8 LPCP).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Operational {
    /// ADM (1) and ASM (2): a family and a free text.
    Advisory {
        what: u16,
        family: Family,
        advisory: Bytes,
    },
    /// RPCQ, APCQ, LPCQ: a prefix count request.
    Query {
        what: u16,
        family: Family,
        router_id: Ipv4Addr,
        sequence: u32,
    },
    /// RPCP, APCP, LPCP: a prefix count reply.
    Counter {
        what: u16,
        family: Family,
        router_id: Ipv4Addr,
        sequence: u32,
        counter: u32,
    },
    /// A type ExaBGP does not decode, kept as its bytes.
    Unknown { what: u16, data: Bytes },
}

fn short(what: u16, needed: usize, holds: &str, got: usize) -> Notification {
    Notification::text(
        5,
        0,
        &format!("operational message {what} needs {needed} bytes to hold {holds}, got {got}"),
    )
}

impl Operational {
    /// An advisory, its text cut to 2048 bytes with `...` as ExaBGP does.
    pub fn advisory(what: u16, family: Family, text: &str) -> Operational {
        let mut bytes = text.as_bytes().to_vec();
        if bytes.len() > MAX_ADVISORY {
            bytes.truncate(MAX_ADVISORY - 3);
            bytes.extend_from_slice(b"...");
        }
        Operational::Advisory {
            what,
            family,
            advisory: Bytes::from(bytes),
        }
    }

    pub fn what(&self) -> u16 {
        match self {
            Operational::Advisory { what, .. }
            | Operational::Query { what, .. }
            | Operational::Counter { what, .. }
            | Operational::Unknown { what, .. } => *what,
        }
    }

    /// ExaBGP's name of the type.
    pub fn name(&self) -> &'static str {
        match (self, self.what()) {
            (Operational::Unknown { .. }, _) => "unknown",
            (_, 1) => "ADM",
            (_, 2) => "ASM",
            (_, 3) => "RPCQ",
            (_, 4) => "RPCP",
            (_, 5) => "APCQ",
            (_, 6) => "APCP",
            (_, 7) => "LPCQ",
            (_, 8) => "LPCP",
            _ => "unknown",
        }
    }

    /// Decodes a body (header removed). Errors are ExaBGP's (5, 0).
    pub fn decode(body: &[u8]) -> Result<Operational, Notification> {
        let mut r = Reader::new(body);
        let (Some(what), Some(length)) = (r.u16(), r.u16()) else {
            return Err(Notification::text(
                5,
                0,
                &format!(
                    "operational message too short: need 4 bytes for the header, got {}",
                    body.len()
                ),
            ));
        };
        let length = usize::from(length);
        let Some(data) = r.take(length) else {
            return Err(Notification::text(
                5,
                0,
                &format!(
                    "operational message announces {length} bytes of payload but only {} follow",
                    r.remaining()
                ),
            ));
        };
        let mut d = Reader::new(data);
        let family = |afi, safi| Family::new(Afi(afi), Safi(safi));
        match what {
            1 | 2 => {
                let (Some(afi), Some(safi)) = (d.u16(), d.u8()) else {
                    return Err(short(
                        what,
                        7,
                        "an afi, a safi and its advisory",
                        body.len(),
                    ));
                };
                Ok(Operational::Advisory {
                    what,
                    family: family(afi, safi),
                    advisory: Bytes::copy_from_slice(d.rest()),
                })
            }
            3 | 5 | 7 => {
                let (Some(afi), Some(safi), Some(router_id), Some(sequence)) =
                    (d.u16(), d.u8(), d.array::<4>(), d.u32())
                else {
                    return Err(short(
                        what,
                        15,
                        "an afi, a safi, a router-id and a sequence",
                        body.len(),
                    ));
                };
                Ok(Operational::Query {
                    what,
                    family: family(afi, safi),
                    router_id: Ipv4Addr::from(router_id),
                    sequence,
                })
            }
            4 | 6 | 8 => {
                let (Some(afi), Some(safi), Some(router_id), Some(sequence), Some(counter)) =
                    (d.u16(), d.u8(), d.array::<4>(), d.u32(), d.u32())
                else {
                    return Err(short(
                        what,
                        19,
                        "an afi, a safi, a router-id, a sequence and a counter",
                        body.len(),
                    ));
                };
                Ok(Operational::Counter {
                    what,
                    family: family(afi, safi),
                    router_id: Ipv4Addr::from(router_id),
                    sequence,
                    counter,
                })
            }
            _ => Ok(Operational::Unknown {
                what,
                data: Bytes::copy_from_slice(data),
            }),
        }
    }

    /// The whole message, header included.
    pub fn encode(&self) -> Bytes {
        let mut data = Vec::new();
        let put_family = |data: &mut Vec<u8>, family: &Family| {
            data.extend_from_slice(&family.afi.0.to_be_bytes());
            data.push(family.safi.0);
        };
        match self {
            Operational::Advisory {
                family, advisory, ..
            } => {
                put_family(&mut data, family);
                data.extend_from_slice(advisory);
            }
            Operational::Query {
                family,
                router_id,
                sequence,
                ..
            } => {
                put_family(&mut data, family);
                data.extend_from_slice(&router_id.octets());
                data.extend_from_slice(&sequence.to_be_bytes());
            }
            Operational::Counter {
                family,
                router_id,
                sequence,
                counter,
                ..
            } => {
                put_family(&mut data, family);
                data.extend_from_slice(&router_id.octets());
                data.extend_from_slice(&sequence.to_be_bytes());
                data.extend_from_slice(&counter.to_be_bytes());
            }
            Operational::Unknown { data: raw, .. } => data.extend_from_slice(raw),
        }
        let mut body = Vec::with_capacity(4 + data.len());
        body.extend_from_slice(&self.what().to_be_bytes());
        body.extend_from_slice(&(data.len().min(usize::from(u16::MAX)) as u16).to_be_bytes());
        body.extend_from_slice(&data);
        message(MessageType::OPERATIONAL, &body)
    }

    /// ExaBGP's JSON body: the value of the `"operational"` key.
    pub fn json(&self, out: &mut String) {
        out.push_str("{ ");
        let mut members = json::Members::new(out);
        members.text("name", self.name());
        let family = |members: &mut json::Members, family: &Family| {
            members.text("afi", family.afi.name());
            members.text("safi", family.safi.name());
        };
        match self {
            Operational::Advisory {
                family: f,
                advisory,
                ..
            } => {
                family(&mut members, f);
                let out = members.next();
                json::key(out, "advisory");
                json::string(out, &String::from_utf8_lossy(advisory));
            }
            Operational::Query { family: f, .. } => family(&mut members, f),
            Operational::Counter {
                family: f,
                router_id,
                sequence,
                counter,
                ..
            } => {
                family(&mut members, f);
                members.text("router-id", router_id);
                members.field("sequence", sequence);
                members.field("counter", counter);
            }
            Operational::Unknown { what, data } => {
                members.text("type", format_args!("operational-type-{what}"));
                members.text("data", hexstring(data));
            }
        }
        out.push_str(" }");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn advisory_round_trip() {
        let adm = Operational::advisory(1, Family::IPV4_UNICAST, "hi");
        let wire = adm.encode();
        // type 6, ADM, length 5, AFI 1, SAFI 1, "hi"
        assert_eq!(wire[16..], [0, 28, 6, 0, 1, 0, 5, 0, 1, 1, b'h', b'i']);
        assert_eq!(Operational::decode(&wire[19..]).unwrap(), adm);
        let mut out = String::new();
        adm.json(&mut out);
        assert_eq!(
            out,
            "{ \"name\": \"ADM\", \"afi\": \"ipv4\", \"safi\": \"unicast\", \"advisory\": \"hi\" }"
        );
        let long = Operational::advisory(2, Family::IPV4_UNICAST, &"x".repeat(3000));
        let Operational::Advisory { advisory, .. } = long else {
            unreachable!()
        };
        assert_eq!(advisory.len(), 2048);
        assert!(advisory.ends_with(b"..."));
    }

    #[test]
    fn counter_round_trip() {
        let rpcp = Operational::Counter {
            what: 4,
            family: Family::IPV6_UNICAST,
            router_id: Ipv4Addr::new(1, 2, 3, 4),
            sequence: 7,
            counter: 42,
        };
        let wire = rpcp.encode();
        assert_eq!(wire[19..23], [0, 4, 0, 15]);
        assert_eq!(Operational::decode(&wire[19..]).unwrap(), rpcp);
        let mut out = String::new();
        rpcp.json(&mut out);
        assert_eq!(
            out,
            "{ \"name\": \"RPCP\", \"afi\": \"ipv6\", \"safi\": \"unicast\", \"router-id\": \"1.2.3.4\", \"sequence\": 7, \"counter\": 42 }"
        );
    }

    #[test]
    fn errors() {
        assert_eq!(Operational::decode(&[0, 1, 0]).unwrap_err().code, 5);
        assert_eq!(
            Operational::decode(&[0, 1, 0, 9, 0, 1]).unwrap_err().code,
            5
        );
        // a query needs 11 bytes of data
        assert_eq!(
            Operational::decode(&[0, 3, 0, 3, 0, 1, 1])
                .unwrap_err()
                .code,
            5
        );
        assert_eq!(
            Operational::decode(&[0, 99, 0, 1, 0xAB]).unwrap(),
            Operational::Unknown {
                what: 99,
                data: Bytes::from_static(&[0xAB])
            }
        );
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(operational) = Operational::decode(&body) {
                let wire = operational.encode();
                prop_assert_eq!(Operational::decode(&wire[19..]).unwrap(), operational);
            }
        }
    }
}
