//! Ports `exabgp/bgp/message/update/nlri/evpn/segment.py`: Ethernet Segment route, type 4 (RFC 7432 §7.4).

use super::nlri::invalid_network;
use super::{ip, ip_bits, ip_octets};
use crate::bgp::message::update::nlri::qualifier::{Esi, RouteDistinguisher};
use crate::bgp::message::Notification;
use crate::util::json::Members;
use bytes::{BufMut, BytesMut};
use std::fmt::Write;
use std::net::IpAddr;

/// RD, ESI and the originating router's address.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Segment {
    pub rd: RouteDistinguisher,
    pub esi: Esi,
    pub ip: IpAddr,
}

impl Segment {
    pub fn decode(payload: &[u8]) -> Result<Segment, Notification> {
        let bits = *payload.get(18).ok_or_else(invalid_network)?;
        if payload.len() != 19 + bits as usize / 8 {
            return Err(invalid_network());
        }
        Ok(Segment {
            rd: RouteDistinguisher::decode(payload).ok_or_else(invalid_network)?,
            esi: Esi::decode(&payload[8..]).ok_or_else(invalid_network)?,
            ip: ip(&payload[19..], bits).ok_or_else(invalid_network)?,
        })
    }

    pub fn encode(&self, out: &mut BytesMut) {
        self.rd.encode(out);
        out.put_slice(&self.esi.0);
        out.put_u8(ip_bits(&self.ip));
        out.put_slice(&ip_octets(&self.ip));
    }

    pub(crate) fn json(&self, members: &mut Members) {
        self.rd.json(members.next());
        members.text("esi", self.esi);
        members.text("ip", self.ip);
    }

    pub fn text(&self, out: &mut String) {
        let _ = write!(out, "{}:{}:{}", self.rd, self.esi, self.ip);
    }
}
