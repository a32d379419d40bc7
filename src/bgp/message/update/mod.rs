//! Ports `exabgp/bgp/message/update/__init__.py` and `update/collection.py`: the UPDATE message (RFC 4271 §4.3, RFC 4760, RFC 7606).

pub mod attribute;
pub mod eor;
pub mod nlri;

use crate::bgp::message::open::capability::negotiated::Negotiated;
use crate::bgp::message::reader::Reader;
use crate::bgp::message::{Notification, HEADER_LEN};
use crate::protocol::family::Family;
use crate::util::json;
use attribute::collection::Attributes;
use attribute::{Attribute, Code};
use bytes::Bytes;
use nlri::Nlri;
use std::net::{IpAddr, Ipv4Addr};

pub use attribute::ErrorAction;

/// An announced NLRI and its next-hop (None for families without one, e.g. flow).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct RoutedNlri {
    pub nlri: Nlri,
    pub nexthop: Option<IpAddr>,
}

/// An UPDATE message: routes announced with their next-hops, routes withdrawn, and the
/// attributes the announced routes share. IPv4 unicast routes from the body fields and
/// routes from MP_REACH_NLRI / MP_UNREACH_NLRI are all here, in wire order.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Update {
    pub announces: Vec<RoutedNlri>,
    pub withdraws: Vec<Nlri>,
    /// Path attributes, MP_REACH_NLRI and MP_UNREACH_NLRI excepted.
    pub attributes: Attributes,
    /// End-of-RIB marker for this family (RFC 4724 §2): the UPDATE carries nothing else.
    pub eor: Option<Family>,
    /// RFC 7606 treat-as-withdraw was applied because of this attribute code (0: the
    /// attribute section was unreadable): the announced routes were moved to `withdraws`.
    pub treat_as_withdraw: Option<u8>,
}

impl Update {
    /// An End-of-RIB marker for `family`.
    pub fn eor(family: Family) -> Update {
        Update {
            eor: Some(family),
            ..Update::default()
        }
    }

    /// Decodes an UPDATE body. RFC 7606 treat-as-withdraw and attribute-discard are applied
    /// inside; only errors that reset the session come back as a NOTIFICATION.
    pub fn decode(body: Bytes, negotiated: &Negotiated) -> Result<Update, Notification> {
        Update::decode_from(&body, Some(&body), negotiated)
    }

    /// `decode` on borrowed bytes.
    pub fn decode_slice(body: &[u8], negotiated: &Negotiated) -> Result<Update, Notification> {
        Update::decode_from(body, None, negotiated)
    }

    /// `source`, when given, holds `body`: values kept as bytes are then shared, not copied.
    fn decode_from(
        body: &[u8],
        source: Option<&Bytes>,
        negotiated: &Negotiated,
    ) -> Result<Update, Notification> {
        let (withdrawn, attributes, announced) = split(body)?;
        if withdrawn.is_empty() && attributes.is_empty() && announced.is_empty() {
            return Ok(Update::eor(Family::IPV4_UNICAST));
        }
        let decoded = Attributes::decode(attributes, source, negotiated)?;
        if !decoded.discarded.is_empty() {
            log::debug!(
                "UPDATE attributes discarded (RFC 7606): {:?}",
                decoded.discarded
            );
        }
        let mut update = Update {
            attributes: decoded.attributes,
            treat_as_withdraw: decoded.treat_as_withdraw,
            ..Update::default()
        };

        let family = Family::IPV4_UNICAST;
        let addpath = negotiated.addpath_receive(family);
        let mut rest = withdrawn;
        while !rest.is_empty() {
            let (nlri, used) = Nlri::decode(family, rest, addpath, negotiated.flow_offset)?;
            update.withdraws.push(nlri);
            rest = &rest[used..];
        }
        let nexthop = update.attributes.next_hop().map(IpAddr::V4);
        let mut rest = announced;
        while !rest.is_empty() {
            let (nlri, used) = Nlri::decode(family, rest, addpath, negotiated.flow_offset)?;
            update.announces.push(RoutedNlri { nlri, nexthop });
            rest = &rest[used..];
        }
        if !update.announces.is_empty() {
            match update.attributes.next_hop() {
                // RFC 7606 §3 (d): NEXT_HOP is mandatory with NLRI in the body
                None => {
                    update.treat_as_withdraw.get_or_insert(Code::NEXT_HOP);
                }
                // RFC 4271 §6.3, RFC 7606 §7.3: the NEXT_HOP must be a valid host address
                Some(address) if !host_address(address) => {
                    update.treat_as_withdraw.get_or_insert(Code::NEXT_HOP);
                }
                Some(_) => {}
            }
        }

        let mut unreach_family = None;
        if let Some(value) = decoded.mp_unreach {
            unreach_family = Some(attribute::mpurnlri::decode(
                value,
                negotiated,
                &mut update.withdraws,
            )?);
        }
        let mut reach_family = None;
        if let Some(value) = decoded.mp_reach {
            reach_family = Some(attribute::mprnlri::decode(
                value,
                negotiated,
                &mut update.announces,
            )?);
        }

        if !update.announces.is_empty() {
            // RFC 7606 §3 (d): ORIGIN and AS_PATH are mandatory with any announcement
            for code in [Code::ORIGIN, Code::AS_PATH] {
                if !update.attributes.contains(code) {
                    update.treat_as_withdraw.get_or_insert(code);
                }
            }
            // RFC 9774 §3: a route whose AS_PATH or AS4_PATH (merged into AS_PATH on a
            // two-byte session) holds an AS_SET or AS_CONFED_SET is treated as withdrawn
            for code in [Code::AS_PATH, Code::AS4_PATH] {
                if let Some(Attribute::AsPath(path) | Attribute::As4Path(path)) =
                    update.attributes.get(code)
                {
                    if path.has_set() {
                        update.treat_as_withdraw.get_or_insert(code);
                    }
                }
            }
        }
        if let Some(code) = update.treat_as_withdraw {
            log::debug!("UPDATE treated as withdraw (RFC 7606) because of attribute {code}");
            let announces = std::mem::take(&mut update.announces);
            update
                .withdraws
                .extend(announces.into_iter().map(|r| r.nlri));
            update.attributes = Attributes::new();
            return Ok(update);
        }
        if update.attributes.is_empty()
            && update.announces.is_empty()
            && update.withdraws.is_empty()
        {
            update.eor = Some(
                unreach_family
                    .or(reach_family)
                    .unwrap_or(Family::IPV4_UNICAST),
            );
        }
        Ok(update)
    }

    /// ExaBGP's JSON for the message: `{ "update": { "attribute": {...}, "announce": {...},
    /// "withdraw": {...} } }`, or `{ "eor": { "afi" : "ipv6", "safi" : "unicast" } }` for an
    /// End-of-RIB. Announces are grouped by family then next-hop, withdraws by family, each
    /// in order of first appearance (`json.py` `_update`).
    pub fn json(&self, out: &mut String) {
        self.json_api(false, out)
    }

    /// The JSON of API version 4 (`v4`) or 6: version 4 repeats the next-hop inside some NLRI
    /// (ExaBGP's `v4_json`: flow, BGP-LS node and prefix).
    pub fn json_api(&self, v4: bool, out: &mut String) {
        if let Some(family) = self.eor {
            eor::json(family, out);
            return;
        }
        out.push_str("{ \"update\": { ");
        let mut parts = json::Members::new(out);
        if !self.attributes.is_empty() {
            let out = parts.next();
            out.push_str("\"attribute\": { ");
            self.attributes.json(!self.withdraws.is_empty(), out);
            out.push_str(" }");
        }
        if !self.announces.is_empty() {
            let out = parts.next();
            out.push_str("\"announce\": { ");
            self.announce_json(v4, out);
            out.push_str(" }");
        }
        if !self.withdraws.is_empty() {
            let out = parts.next();
            out.push_str("\"withdraw\": { ");
            self.withdraw_json(out);
            out.push_str(" }");
        }
        out.push_str(" } }");
    }

    fn announce_json(&self, v4: bool, out: &mut String) {
        let mut families: Vec<Family> = Vec::new();
        for route in &self.announces {
            if !families.contains(&route.nlri.family()) {
                families.push(route.nlri.family());
            }
        }
        let mut by_family = json::Members::new(out);
        for family in &families {
            let out = by_family.next();
            json::key(out, &family.name());
            out.push_str("{ ");
            let mut nexthops: Vec<Option<IpAddr>> = Vec::new();
            for route in self.announces.iter().filter(|r| r.nlri.family() == *family) {
                if !nexthops.contains(&route.nexthop) {
                    nexthops.push(route.nexthop);
                }
            }
            let mut by_nexthop = json::Members::new(out);
            for nexthop in &nexthops {
                let out = by_nexthop.next();
                match nexthop {
                    Some(ip) => {
                        out.push('"');
                        nlri::cidr::write_ip(out, *ip);
                        out.push_str("\": [ ");
                    }
                    None => out.push_str("\"no-nexthop\": [ "),
                }
                let routes = self
                    .announces
                    .iter()
                    .filter(|r| r.nlri.family() == *family && r.nexthop == *nexthop);
                let mut items = json::Members::new(out);
                for route in routes {
                    if v4 {
                        route.nlri.json_v4(route.nexthop, items.next());
                    } else {
                        route.nlri.json(items.next());
                    }
                }
                out.push_str(" ]");
            }
            out.push_str(" }");
        }
    }

    fn withdraw_json(&self, out: &mut String) {
        let mut families: Vec<Family> = Vec::new();
        for nlri in &self.withdraws {
            if !families.contains(&nlri.family()) {
                families.push(nlri.family());
            }
        }
        let mut by_family = json::Members::new(out);
        for family in &families {
            let out = by_family.next();
            json::key(out, &family.name());
            out.push_str("[ ");
            let mut items = json::Members::new(out);
            for nlri in self.withdraws.iter().filter(|n| n.family() == *family) {
                nlri.json(items.next());
            }
            out.push_str(" ]");
        }
    }

    /// ExaBGP's text API lines for the routes of the UPDATE (`text.py` `update`, between its
    /// `start` and `end` lines), each starting with `prefix` (`neighbor 10.0.0.1 receive update`):
    /// `<prefix> announced 10.0.0.0/24 next-hop 192.0.2.1 origin igp ...`,
    /// `<prefix> withdrawn 10.0.0.0/24`, or `<prefix> route eor 1/1 (ipv4 unicast)`.
    pub fn text(&self, prefix: &str, out: &mut String) {
        if let Some(family) = self.eor {
            let _ = std::fmt::Write::write_fmt(
                out,
                format_args!(
                    "{prefix} route eor {}/{} ({family})\n",
                    family.afi.0, family.safi.0
                ),
            );
            return;
        }
        let attributes = self.attributes.text();
        for route in &self.announces {
            out.push_str(prefix);
            out.push_str(" announced ");
            route.nlri.text(out);
            if let Some(nexthop) = route.nexthop {
                out.push_str(" next-hop ");
                nlri::cidr::write_ip(out, nexthop);
            }
            out.push_str(&attributes);
            out.push('\n');
        }
        for nlri in &self.withdraws {
            out.push_str(prefix);
            out.push_str(" withdrawn ");
            nlri.text(out);
            out.push('\n');
        }
    }

    /// The JSON as a new string.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(256);
        self.json(&mut out);
        out
    }

    /// Encodes the UPDATE into as few messages (header included) as fit `negotiated.msg_size`,
    /// as ExaBGP's `UpdateCollection.messages()`: IPv4 unicast with an IPv4 next-hop in the
    /// body fields, announces first then withdraws; every other family in MP_REACH_NLRI /
    /// MP_UNREACH_NLRI, one family at a time. NLRI are sorted as ExaBGP sorts them. Families
    /// not negotiated are left out. An End-of-RIB encodes as its marker; an UPDATE with
    /// attributes and no routes as one message of attributes alone.
    ///
    /// IPv4 body routes carry their own next-hop as NEXT_HOP: routes with different next-hops
    /// go in different messages.
    pub fn messages(&self, negotiated: &Negotiated, include_withdraw: bool) -> Vec<Bytes> {
        if let Some(family) = self.eor {
            return vec![eor::message(family)];
        }
        encode::messages(self, negotiated, include_withdraw)
    }
}

/// Whether a NEXT_HOP can be a host's address: not 0.0.0.0 nor multicast (224/4). The limited
/// broadcast address is let through: ExaBGP's qa case `conf-attributes` announces with it.
fn host_address(address: Ipv4Addr) -> bool {
    !(address.is_unspecified() || address.is_multicast())
}

/// Splits an UPDATE body into withdrawn routes, attributes and NLRI (RFC 4271 §6.3).
/// Withdrawn routes, path attributes and NLRI of an UPDATE body.
type Sections<'a> = (&'a [u8], &'a [u8], &'a [u8]);

fn split(body: &[u8]) -> Result<Sections<'_>, Notification> {
    if body.len() < 4 {
        // RFC 4271 §6.1: shorter than the minimum UPDATE, Bad Message Length with the length
        let len = (HEADER_LEN + body.len()) as u16;
        return Err(Notification::new(
            1,
            2,
            Bytes::copy_from_slice(&len.to_be_bytes()),
        ));
    }
    let mut r = Reader::new(body);
    let mut section = || {
        let len = r.u16()?;
        r.take(usize::from(len))
    };
    let malformed = || Notification::new(3, 1, Bytes::new());
    let withdrawn = section().ok_or_else(malformed)?;
    let attributes = section().ok_or_else(malformed)?;
    Ok((withdrawn, attributes, r.rest()))
}

/// Building UPDATE messages from an `Update`.
mod encode {
    use super::attribute::{mprnlri, mpurnlri, NextHop};
    use super::*;
    use crate::bgp::message::{write_header, MessageType};
    use crate::protocol::family::{Afi, Safi};
    use bytes::{BufMut, BytesMut};

    fn message(withdrawn: &[u8], attributes: &[&[u8]], announced: &[u8]) -> Bytes {
        let attributes_len: usize = attributes.iter().map(|a| a.len()).sum();
        let body_len = 2 + withdrawn.len() + 2 + attributes_len + announced.len();
        let mut out = BytesMut::with_capacity(HEADER_LEN + body_len);
        write_header(&mut out, MessageType::UPDATE, body_len);
        out.put_u16(withdrawn.len() as u16);
        out.put_slice(withdrawn);
        out.put_u16(attributes_len as u16);
        attributes.iter().for_each(|a| out.put_slice(a));
        out.put_slice(announced);
        out.freeze()
    }

    /// Bytes left for NLRI once header, both length fields and `attributes` are in.
    fn room(negotiated: &Negotiated, attributes: usize) -> Option<usize> {
        let room = negotiated
            .msg_size
            .checked_sub(HEADER_LEN + 2 + 2 + attributes)
            .filter(|r| *r > 0);
        if room.is_none() {
            log::error!("attributes too large to pack any NLRI in an UPDATE");
        }
        room
    }

    fn in_body(family: Family) -> bool {
        family == Family::IPV4_UNICAST
    }

    pub(super) fn messages(
        update: &Update,
        negotiated: &Negotiated,
        include_withdraw: bool,
    ) -> Vec<Bytes> {
        let mut sent = Vec::new();
        if update.announces.is_empty() && update.withdraws.is_empty() {
            // ExaBGP's "Empty" NLRI: an UPDATE of attributes alone (flow routes' API tests)
            if !update.attributes.is_empty() {
                let mut attr = BytesMut::new();
                update.attributes.encode(negotiated, true, &mut attr);
                sent.push(message(&[], &[&attr], &[]));
            }
            return sent;
        }
        let negotiated_family = |f: Family| negotiated.families.contains(&f);

        let mut announces: Vec<&RoutedNlri> = update
            .announces
            .iter()
            .filter(|r| negotiated_family(r.nlri.family()))
            .collect();
        announces.sort_by(|a, b| a.nlri.cmp(&b.nlri));
        let mut withdraws: Vec<&Nlri> = update
            .withdraws
            .iter()
            .filter(|n| negotiated_family(n.family()))
            .collect();
        withdraws.sort();

        let (v4_announces, mp_announces): (Vec<&RoutedNlri>, Vec<&RoutedNlri>) = announces
            .into_iter()
            .partition(|r| in_body(r.nlri.family()) && matches!(r.nexthop, Some(IpAddr::V4(_))));
        let (v4_withdraws, mp_withdraws): (Vec<&Nlri>, Vec<&Nlri>) =
            withdraws.into_iter().partition(|n| in_body(n.family()));
        if v4_announces.is_empty()
            && v4_withdraws.is_empty()
            && mp_announces.is_empty()
            && mp_withdraws.is_empty()
        {
            return sent;
        }

        // RFC 4760 §4: an UPDATE carrying only MP_UNREACH_NLRI needs no other attribute;
        // ExaBGP leaves them all out when only unicast/multicast routes are withdrawn
        let only_withdraws = v4_announces.is_empty() && mp_announces.is_empty();
        let simple = mp_withdraws
            .iter()
            .all(|n| matches!(n.family().safi, Safi::UNICAST | Safi::MULTICAST));
        let defaults = !(only_withdraws && !mp_withdraws.is_empty() && simple);

        let mut attr = BytesMut::new();
        update.attributes.encode(negotiated, defaults, &mut attr);
        let Some(room) = room(negotiated, attr.len()) else {
            return sent;
        };

        // IPv4 body routes: one run per next-hop, whose NEXT_HOP attribute is the routes' own;
        // withdraws are packed after the last run's announces, as ExaBGP packs them
        let mut nexthops: Vec<IpAddr> = Vec::new();
        for route in &v4_announces {
            if let Some(nexthop) = route.nexthop.filter(|n| !nexthops.contains(n)) {
                nexthops.push(nexthop);
            }
        }
        let mut body_attr = attr.clone();
        let mut body_room = room;
        let mut withdrawn = BytesMut::new();
        let mut announced = BytesMut::new();
        for (n, nexthop) in nexthops.iter().enumerate() {
            if let IpAddr::V4(address) = nexthop {
                let mut attributes = update.attributes.clone();
                attributes.insert(Attribute::NextHop(NextHop(*address)));
                body_attr.clear();
                attributes.encode(negotiated, defaults, &mut body_attr);
                let Some(fits) = self::room(negotiated, body_attr.len()) else {
                    return sent;
                };
                body_room = fits;
            }
            for route in v4_announces.iter().filter(|r| r.nexthop == Some(*nexthop)) {
                let len = route.nlri.encoded_len(negotiated);
                if announced.len() + withdrawn.len() + len > body_room {
                    if announced.is_empty() && withdrawn.is_empty() {
                        log::error!("attributes too large to pack any NLRI in an UPDATE");
                        return sent;
                    }
                    sent.push(message(&withdrawn, &[&body_attr], &announced));
                    withdrawn.clear();
                    announced.clear();
                }
                route.nlri.encode(negotiated, &mut announced);
            }
            if n + 1 < nexthops.len() && !announced.is_empty() {
                sent.push(message(&withdrawn, &[&body_attr], &announced));
                announced.clear();
            }
        }
        if include_withdraw {
            for nlri in &v4_withdraws {
                let len = nlri.encoded_len(negotiated);
                if announced.len() + withdrawn.len() + len > body_room {
                    if announced.is_empty() && withdrawn.is_empty() {
                        log::error!("attributes too large to pack any NLRI in an UPDATE");
                        return sent;
                    }
                    let with: &[&[u8]] = if announced.is_empty() {
                        &[]
                    } else {
                        &[&body_attr]
                    };
                    sent.push(message(&withdrawn, with, &announced));
                    withdrawn.clear();
                    announced.clear();
                }
                nlri.encode(negotiated, &mut withdrawn);
            }
        }
        if !announced.is_empty() || !withdrawn.is_empty() {
            let with: &[&[u8]] = if announced.is_empty() {
                &[]
            } else {
                &[&body_attr]
            };
            sent.push(message(&withdrawn, with, &announced));
        }

        let mut families: Vec<Family> = mp_announces.iter().map(|r| r.nlri.family()).collect();
        families.extend(mp_withdraws.iter().map(|n| n.family()));
        families.sort();
        families.dedup();
        for family in families {
            let reach_routes: Vec<&RoutedNlri> = mp_announces
                .iter()
                .copied()
                .filter(|r| r.nlri.family() == family)
                .collect();
            let unreach_nlris: Vec<&Nlri> = mp_withdraws
                .iter()
                .copied()
                .filter(|n| n.family() == family)
                .collect();
            // ExaBGP keeps an IPv4 next-hop as the NEXT_HOP attribute whatever the family, so
            // it goes beside MP_REACH_NLRI too (RFC 4760 §3 asks receivers to ignore it);
            // not for L2VPN, flow and SR policy routes, whose configuration keeps it out of
            // the attributes (qa conf-l2vpn, conf-flow, conf-sr-policy)
            let nexthop_attribute = family.afi != Afi::L2VPN
                && !matches!(
                    family.safi,
                    Safi::FLOW_IP | Safi::FLOW_VPN | Safi::SR_POLICY
                );
            let attr = match reach_routes.first().and_then(|r| r.nexthop) {
                Some(IpAddr::V4(address)) if nexthop_attribute => {
                    let mut attributes = update.attributes.clone();
                    attributes.insert(Attribute::NextHop(NextHop(address)));
                    let mut with_nexthop = BytesMut::new();
                    attributes.encode(negotiated, defaults, &mut with_nexthop);
                    with_nexthop
                }
                _ => attr.clone(),
            };
            let Some(room) = self::room(negotiated, attr.len()) else {
                return sent;
            };
            let mut reach = BytesMut::new();
            for attribute in mprnlri::encode(family, &reach_routes, negotiated, room) {
                if !reach.is_empty() {
                    sent.push(message(&[], &[&attr, &reach], &[]));
                }
                reach = attribute;
            }
            let mut unreach = BytesMut::new();
            if include_withdraw {
                for attribute in mpurnlri::encode(
                    family,
                    &unreach_nlris,
                    negotiated,
                    room.saturating_sub(reach.len()),
                ) {
                    if !unreach.is_empty() {
                        sent.push(message(&[], &[&unreach, &attr, &reach], &[]));
                        reach.clear();
                    }
                    unreach = attribute;
                }
            }
            if !reach.is_empty() || !unreach.is_empty() {
                // withdrawals alone carry the attributes too unless only unicast/multicast
                // routes go (ExaBGP packs none then, `defaults` is false)
                let with_attr: &[u8] = if reach.is_empty() && !defaults {
                    &[]
                } else {
                    &attr
                };
                sent.push(message(&[], &[&unreach, with_attr, &reach], &[]));
            }
        }
        sent
    }
}

#[cfg(test)]
mod tests;
