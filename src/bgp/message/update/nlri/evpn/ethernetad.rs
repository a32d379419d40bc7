//! Ports `exabgp/bgp/message/update/nlri/evpn/ethernetad.py`: Ethernet Auto-Discovery route, type 1 (RFC 7432 §7.1).

use super::nlri::invalid_network;
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
        let rd = RouteDistinguisher::decode(payload).ok_or_else(invalid_network)?;
        let esi = Esi::decode(&payload[8..]).ok_or_else(invalid_network)?;
        let etag = EthernetTag::decode(&payload[18..]).ok_or_else(invalid_network)?;
        let labels = &payload[22..];
        if labels.len() % 3 != 0 {
            return Err(invalid_network());
        }
        let labels = labels
            .chunks_exact(3)
            .map(|c| u32::from_be_bytes([0, c[0], c[1], c[2]]))
            .collect();
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
