//! Ports `exabgp/bgp/message/update/nlri/evpn/mac.py`: MAC/IP Advertisement route, type 2 (RFC 7432 §7.2).

use super::nlri::invalid_network;
use super::{ip, ip_bits, ip_octets};
use crate::bgp::message::reader::Reader;
use crate::bgp::message::update::nlri::qualifier::{
    Esi, EthernetTag, Labels, MacAddress, RouteDistinguisher,
};
use crate::bgp::message::Notification;
use crate::util::json::Members;
use bytes::{BufMut, BytesMut};
use std::fmt::Write;
use std::net::IpAddr;

/// RD, ESI, Ethernet tag, MAC (with its length in bits), optional IP, MPLS label 1 and
/// optional label 2.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Mac {
    pub rd: RouteDistinguisher,
    pub esi: Esi,
    pub etag: EthernetTag,
    pub maclen: u8,
    pub mac: MacAddress,
    pub ip: Option<IpAddr>,
    /// One or two entries, as received.
    pub labels: Labels,
}

impl Mac {
    pub fn decode(payload: &[u8]) -> Result<Mac, Notification> {
        // RD 8, ESI 10, tag 4, MAC length 1, MAC 6, IP length 1 = 30 bytes before the IP
        let fixed = payload.get(..30).ok_or_else(invalid_network)?;
        let maclen = fixed[22];
        if maclen > 48 {
            return Err(invalid_network());
        }
        let iplen = fixed[29];
        let ip = match iplen {
            0 => None,
            bits => Some(ip(&payload[30..], bits).ok_or_else(invalid_network)?),
        };
        let labels = &payload[30 + iplen as usize / 8..];
        if !matches!(labels.len(), 3 | 6) {
            return Err(invalid_network());
        }
        Ok(Mac {
            rd: RouteDistinguisher::decode(fixed).ok_or_else(invalid_network)?,
            esi: Esi::decode(&fixed[8..]).ok_or_else(invalid_network)?,
            etag: EthernetTag::decode(&fixed[18..]).ok_or_else(invalid_network)?,
            maclen,
            mac: MacAddress::decode(&fixed[23..]).ok_or_else(invalid_network)?,
            ip,
            labels: Labels({
                let mut r = Reader::new(labels);
                std::iter::from_fn(|| r.u24()).collect()
            }),
        })
    }

    pub fn encode(&self, out: &mut BytesMut) {
        self.rd.encode(out);
        out.put_slice(&self.esi.0);
        out.put_u32(self.etag.0);
        out.put_u8(self.maclen);
        out.put_slice(&self.mac.0);
        match &self.ip {
            Some(address) => {
                out.put_u8(ip_bits(address));
                out.put_slice(&ip_octets(address));
            }
            None => out.put_u8(0),
        }
        self.labels.encode(out);
    }

    /// The first label only, as ExaBGP reads it.
    fn label1(&self) -> Labels {
        Labels(self.labels.0.iter().take(1).copied().collect())
    }

    pub(crate) fn json(&self, members: &mut Members) {
        self.rd.json(members.next());
        members.text("esi", self.esi);
        members.field("ethernet-tag", self.etag.0);
        members.text("mac", self.mac);
        let label = self.label1();
        if !label.0.is_empty() {
            label.json(members.next());
        }
        if let Some(address) = self.ip {
            members.text("ip", address);
        }
    }

    pub fn text(&self, out: &mut String) {
        let _ = write!(out, "{}:{}:{}:{}", self.rd, self.esi, self.etag.0, self.mac);
        if self.maclen != 48 {
            let _ = write!(out, "/{}", self.maclen);
        }
        out.push(':');
        if let Some(address) = self.ip {
            let _ = write!(out, "{address}");
        }
        out.push(':');
        self.label1().text(out);
    }
}
