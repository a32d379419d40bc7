//! Ports `exabgp/bgp/message/update/attribute/mpurnlri.py`: MP_UNREACH_NLRI (RFC 4760 §4, RFC 7606 §7.11).

use super::collection::write_attribute;
use super::mprnlri::{attribute_len, check_family};
use super::{Code, Flag};
use crate::bgp::message::open::capability::negotiated::Negotiated;
use crate::bgp::message::reader::Reader;
use crate::bgp::message::update::nlri::Nlri;
use crate::bgp::message::Notification;
use crate::protocol::family::{Afi, Family, Safi};
use bytes::{BufMut, Bytes, BytesMut};

/// Decodes an MP_UNREACH_NLRI value, appending its NLRI to `withdraws`; returns the family
/// (an MP_UNREACH_NLRI with no NLRI is that family's End-of-RIB, RFC 4724 §2).
pub(crate) fn decode(
    data: &[u8],
    negotiated: &Negotiated,
    withdraws: &mut Vec<Nlri>,
) -> Result<Family, Notification> {
    let mut r = Reader::new(data);
    let (Some(afi), Some(safi)) = (r.u16(), r.u8()) else {
        return Err(Notification::new(3, 9, Bytes::new()));
    };
    let family = Family::new(Afi(afi), Safi(safi));
    let nlri = r.rest();
    if nlri.is_empty() {
        return Ok(family);
    }
    check_family(family, negotiated)?;
    let addpath = negotiated.addpath_receive(family);
    let mut rest = nlri;
    while !rest.is_empty() {
        let (parsed, used) = Nlri::decode(family, rest, addpath, negotiated.flow_offset)?;
        withdraws.push(parsed);
        rest = &rest[used..];
    }
    Ok(family)
}

/// Builds MP_UNREACH_NLRI attributes (header included) for `nlris` of one family, each at
/// most `maximum` bytes (ExaBGP's `packed_unreach_attributes`).
pub(crate) fn encode(
    family: Family,
    nlris: &[&Nlri],
    negotiated: &Negotiated,
    maximum: usize,
) -> Vec<BytesMut> {
    let mut header = BytesMut::new();
    header.put_u16(family.afi.0);
    header.put_u8(family.safi.0);
    let mut attributes = Vec::new();
    let mut payload = header.clone();
    for nlri in nlris {
        let len = nlri.encoded_len(negotiated);
        if attribute_len(payload.len() + len) > maximum {
            if payload.len() == header.len() {
                log::error!("NLRI {nlri:?} too large for an UPDATE, not sent");
                continue;
            }
            let mut attribute = BytesMut::new();
            write_attribute(
                &mut attribute,
                Flag::OPTIONAL,
                Code::MP_UNREACH_NLRI,
                &payload,
            );
            attributes.push(attribute);
            payload = header.clone();
        }
        nlri.encode(negotiated, &mut payload);
    }
    if payload.len() > header.len() {
        let mut attribute = BytesMut::new();
        write_attribute(
            &mut attribute,
            Flag::OPTIONAL,
            Code::MP_UNREACH_NLRI,
            &payload,
        );
        attributes.push(attribute);
    }
    attributes
}
