//! Ports `exabgp/bgp/message/update/attribute/aggregator.py`: AGGREGATOR and AS4_AGGREGATOR (RFC 4271 §4.3 type 7, RFC 6793 §4.2.3, RFC 7606 §7.7).

use super::aspath::AS_TRANS;
use super::Malformed;
use crate::bgp::message::reader::Reader;
use bytes::{BufMut, BytesMut};
use std::net::Ipv4Addr;

/// AGGREGATOR (or AS4_AGGREGATOR): the ASN and router id that aggregated the route.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Aggregator {
    pub asn: u32,
    pub speaker: Ipv4Addr,
}

impl Aggregator {
    /// RFC 7606 §7.7: length 6 (two-byte ASN) or 8 (four-byte ASN, `asn4`); anything else is
    /// malformed.
    pub fn decode(data: &[u8], asn4: bool) -> Result<Aggregator, Malformed> {
        let mut r = Reader::new(data);
        let asn = if asn4 {
            r.u32()
        } else {
            r.u16().map(u32::from)
        };
        match (asn, r.array::<4>()) {
            (Some(asn), Some(speaker)) if r.is_empty() => Ok(Aggregator {
                asn,
                speaker: Ipv4Addr::from(speaker),
            }),
            _ => Err(Malformed(5)),
        }
    }

    /// Four-byte ASN, or two bytes with AS_TRANS for an ASN above 65535 (RFC 6793 §4.2.2).
    pub fn encode(&self, asn4: bool, out: &mut BytesMut) {
        if asn4 {
            out.put_u32(self.asn);
        } else {
            out.put_u16(u16::try_from(self.asn).unwrap_or(AS_TRANS as u16));
        }
        out.put_slice(&self.speaker.octets());
    }

    /// Whether the two-byte form loses the ASN, so an AS4_AGGREGATOR must follow.
    pub fn needs_as4(&self) -> bool {
        self.asn > 0xffff
    }

    /// `65000:10.0.0.1`, ExaBGP's text and JSON string for it.
    pub fn text(&self) -> String {
        format!("{}:{}", self.asn, self.speaker)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_widths() {
        // from qa/decoding/ipv4-unicast-2: 0x00AA00AA 10.10.10.10
        let wire = [0, 0xaa, 0, 0xaa, 10, 10, 10, 10];
        let aggregator = Aggregator::decode(&wire, true).unwrap();
        assert_eq!(aggregator.text(), "11141290:10.10.10.10");
        let mut out = BytesMut::new();
        aggregator.encode(true, &mut out);
        assert_eq!(&out[..], &wire);
        let mut out = BytesMut::new();
        aggregator.encode(false, &mut out);
        assert_eq!(&out[..], &[0x5b, 0xa0, 10, 10, 10, 10]);
        assert_eq!(
            Aggregator::decode(&[0xfd, 0xe8, 1, 2, 3, 4], false)
                .unwrap()
                .text(),
            "65000:1.2.3.4"
        );
        assert!(Aggregator::decode(&wire, false).is_err());
        assert!(Aggregator::decode(&wire[..6], true).is_err());
    }
}
