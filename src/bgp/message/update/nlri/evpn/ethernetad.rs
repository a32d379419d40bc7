//! Ports `exabgp/bgp/message/update/nlri/evpn/ethernetad.py`: Ethernet Auto-Discovery route, type 1 (RFC 7432 §7.1).

use super::nlri::invalid_network;
use crate::bgp::message::reader::Reader;
use crate::bgp::message::update::nlri::qualifier::{Esi, EthernetTag, Labels, RouteDistinguisher};
use crate::bgp::message::Notification;
use crate::util::json::Members;
use bytes::{BufMut, BytesMut};
use std::fmt::Write;

/// RD, ESI, Ethernet tag, then the label entries.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct EthernetAd {
    pub rd: RouteDistinguisher,
    pub esi: Esi,
    pub etag: EthernetTag,
    pub labels: Labels,
}

impl EthernetAd {
    pub fn decode(payload: &[u8]) -> Result<EthernetAd, Notification> {
        let mut r = Reader::new(payload);
        let rd = r
            .take(RouteDistinguisher::LEN)
            .and_then(RouteDistinguisher::decode)
            .ok_or_else(invalid_network)?;
        let esi = r
            .take(Esi::LEN)
            .and_then(Esi::decode)
            .ok_or_else(invalid_network)?;
        let etag = r.u32().map(EthernetTag).ok_or_else(invalid_network)?;
        if r.remaining() % 3 != 0 {
            return Err(invalid_network());
        }
        let labels = std::iter::from_fn(|| r.u24()).collect();
        Ok(EthernetAd {
            rd,
            esi,
            etag,
            labels: Labels(labels),
        })
    }

    pub fn encode(&self, out: &mut BytesMut) {
        self.rd.encode(out);
        out.put_slice(&self.esi.0);
        out.put_u32(self.etag.0);
        self.labels.encode(out);
    }

    pub(crate) fn json(&self, members: &mut Members) {
        self.rd.json(members.next());
        members.text("esi", self.esi);
        members.field("ethernet-tag", self.etag.0);
        if !self.labels.0.is_empty() {
            self.labels.json(members.next());
        }
    }

    pub fn text(&self, out: &mut String) {
        let _ = write!(out, "{}:{}:{}:", self.rd, self.esi, self.etag.0);
        self.labels.text(out);
    }
}
