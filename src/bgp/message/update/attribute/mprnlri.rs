//! Ports `exabgp/bgp/message/update/attribute/mprnlri.py`: MP_REACH_NLRI (RFC 4760 §3, RFC 8950, RFC 7606 §7.11).

use super::collection::write_attribute;
use super::{Code, Flag};
use crate::bgp::message::open::capability::negotiated::Negotiated;
use crate::bgp::message::reader::Reader;
use crate::bgp::message::update::nlri::{Nlri, RouteDistinguisher};
use crate::bgp::message::update::RoutedNlri;
use crate::bgp::message::Notification;
use crate::protocol::family::{Afi, Family, Safi};
use bytes::{BufMut, Bytes, BytesMut};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Decodes an MP_REACH_NLRI value, appending its routes to `announces`; returns the family.
/// Every fault resets the session (RFC 7606 §7.11), as (3, 9) Optional Attribute Error, or
/// (3, 10) for an NLRI that does not parse.
pub(crate) fn decode(
    data: &[u8],
    negotiated: &Negotiated,
    announces: &mut Vec<RoutedNlri>,
) -> Result<Family, Notification> {
    let mut r = Reader::new(data);
    let (Some(afi), Some(safi), Some(nh_len)) = (r.u16(), r.u8(), r.u8()) else {
        return Err(optional_attribute_error());
    };
    let family = Family::new(Afi(afi), Safi(safi));
    check_family(family, negotiated)?;
    let mut nexthop = r
        .take(usize::from(nh_len))
        .ok_or_else(optional_attribute_error)?;
    // VPN next-hops are VPN addresses whose RD is zero (RFC 4364 §4.3.2, RFC 4659 §3.2.1)
    if family.safi == Safi::MPLS_VPN {
        nexthop = vpn_nexthop(nexthop)?;
    }
    // the reserved byte (RFC 4760 §3: "SHOULD be ignored upon receipt")
    r.u8().ok_or_else(optional_attribute_error)?;
    let mut nlri = r.rest();
    // IPv4 routes have an IPv4 next-hop and IPv6 routes an IPv6 one (16 bytes, or 32 with
    // the link-local address), unless extended next-hop was negotiated (RFC 8950)
    let extended = !negotiated.nexthop.is_empty();
    // L2VPN (RFC 4761 §3.2.2, RFC 7432 §7), MCAST-VPN, MUP and RTC routes take either
    // (ExaBGP's `Family.size`), as do BGP-LS ones (RFC 9552 §5.5); FlowSpec routes may
    // have none (RFC 8955 §4)
    let either = matches!(family.afi, Afi::L2VPN | Afi::BGPLS)
        || matches!(family.safi, Safi::MCAST_VPN | Safi::MUP | Safi::RTC);
    let expected = match nexthop.len() {
        0 => matches!(family.safi, Safi::FLOW_IP | Safi::FLOW_VPN),
        4 => family.afi == Afi::IPV4 || either,
        16 => family.afi == Afi::IPV6 || either,
        32 => family.afi == Afi::IPV6,
        _ => false,
    };
    if !(expected || extended && matches!(nexthop.len(), 4 | 16 | 32)) {
        return Err(optional_attribute_error());
    }
    let nexthop = match nexthop.len() {
        0 => None,
        4 => Some(IpAddr::V4(Ipv4Addr::new(
            nexthop[0], nexthop[1], nexthop[2], nexthop[3],
        ))),
        // 32: global address then link-local (RFC 2545 §3); the global one is the next-hop
        16 | 32 => {
            let mut raw = [0u8; 16];
            raw.copy_from_slice(&nexthop[..16]);
            Some(IpAddr::V6(Ipv6Addr::from(raw)))
        }
        _ => return Err(optional_attribute_error()),
    };
    let addpath = negotiated.addpath_receive(family);
    while !nlri.is_empty() {
        let (parsed, used) = Nlri::decode(family, nlri, addpath, negotiated.flow_offset)?;
        announces.push(RoutedNlri {
            nlri: parsed,
            nexthop,
        });
        nlri = &nlri[used..];
    }
    Ok(family)
}

/// The address of a VPN next-hop: `RD address`, or `RD global RD link-local` (48 bytes, RFC
/// 4659 §3.2.1; 40 bytes with one RD as ExaBGP accepts); every RD must be zero (ExaBGP).
fn vpn_nexthop(nexthop: &[u8]) -> Result<&[u8], Notification> {
    let rd_zero = |rd: &[u8]| rd.iter().all(|b| *b == 0);
    match nexthop.len() {
        12 | 24 | 40 if rd_zero(&nexthop[..8]) => Ok(&nexthop[8..]),
        48 if rd_zero(&nexthop[..8]) && rd_zero(&nexthop[24..32]) => Ok(&nexthop[8..24]),
        _ => Err(optional_attribute_error()),
    }
}

/// A family must have been negotiated and be one this speaker decodes (ExaBGP: (3, 0)).
pub(crate) fn check_family(family: Family, negotiated: &Negotiated) -> Result<(), Notification> {
    if !negotiated.families.contains(&family) || !Nlri::supported(family) {
        return Err(Notification::new(3, 0, Bytes::new()));
    }
    Ok(())
}

fn optional_attribute_error() -> Notification {
    Notification::new(3, 9, Bytes::new())
}

/// Total size of an attribute whose value is `len` bytes.
pub(crate) fn attribute_len(len: usize) -> usize {
    len + if len > 255 { 4 } else { 3 }
}

/// The next-hop as written in MP_REACH_NLRI. An IPv4 next-hop of an IPv6 unicast, multicast or
/// VPN route goes IPv4-mapped (RFC 2545 §3, RFC 4659 §3.2.1.2) unless extended next-hop
/// was negotiated, when the peer reads the next-hop's family from its length (as ExaBGP,
/// which always sends it as is; qa extended-nexthop).
fn wire_nexthop(family: Family, nexthop: IpAddr, negotiated: &Negotiated) -> IpAddr {
    match nexthop {
        IpAddr::V4(v4)
            if family.afi == Afi::IPV6
                && matches!(
                    family.safi,
                    Safi::UNICAST | Safi::MULTICAST | Safi::NLRI_MPLS | Safi::MPLS_VPN
                )
                && negotiated.nexthop.is_empty() =>
        {
            IpAddr::V6(v4.to_ipv6_mapped())
        }
        _ => nexthop,
    }
}

/// Builds MP_REACH_NLRI attributes (header included) for `routes` of one family, one series
/// per next-hop in order of first appearance, each attribute at most `maximum` bytes
/// (ExaBGP's `packed_reach_attributes`). An NLRI too large to fit alone is skipped.
pub(crate) fn encode(
    family: Family,
    routes: &[&RoutedNlri],
    negotiated: &Negotiated,
    maximum: usize,
) -> Vec<BytesMut> {
    let mut nexthops: Vec<Option<IpAddr>> = Vec::new();
    for route in routes {
        if !nexthops.contains(&route.nexthop) {
            nexthops.push(route.nexthop);
        }
    }
    let mut attributes = Vec::new();
    for nexthop in nexthops {
        let mut header = BytesMut::new();
        header.put_u16(family.afi.0);
        header.put_u8(family.safi.0);
        let rd = if family.safi == Safi::MPLS_VPN {
            RouteDistinguisher::LEN
        } else {
            0
        };
        match nexthop.map(|n| wire_nexthop(family, n, negotiated)) {
            Some(IpAddr::V4(a)) => {
                header.put_u8((rd + 4) as u8);
                header.put_bytes(0, rd);
                header.put_slice(&a.octets());
            }
            Some(IpAddr::V6(a)) => {
                // a global next-hop of an IPv6 route is followed by our link-local address
                // when the link-local next-hop capability allows it (RFC 2545 §3)
                let link_local = negotiated
                    .link_local
                    .filter(|_| family.afi == Afi::IPV6 && a.segments()[0] & 0xffc0 != 0xfe80);
                header.put_u8((rd + if link_local.is_some() { 32 } else { 16 }) as u8);
                header.put_bytes(0, rd);
                header.put_slice(&a.octets());
                if let Some(link_local) = link_local {
                    header.put_slice(&link_local.octets());
                }
            }
            None => header.put_u8(0),
        }
        header.put_u8(0);
        let mut payload = header.clone();
        for route in routes.iter().filter(|r| r.nexthop == nexthop) {
            let len = route.nlri.encoded_len(negotiated);
            if attribute_len(payload.len() + len) > maximum {
                if payload.len() == header.len() {
                    log::error!("NLRI {:?} too large for an UPDATE, not sent", route.nlri);
                    continue;
                }
                let mut attribute = BytesMut::new();
                write_attribute(
                    &mut attribute,
                    Flag::OPTIONAL,
                    Code::MP_REACH_NLRI,
                    &payload,
                );
                attributes.push(attribute);
                payload = header.clone();
            }
            route.nlri.encode(negotiated, &mut payload);
        }
        if payload.len() > header.len() {
            let mut attribute = BytesMut::new();
            write_attribute(
                &mut attribute,
                Flag::OPTIONAL,
                Code::MP_REACH_NLRI,
                &payload,
            );
            attributes.push(attribute);
        }
    }
    attributes
}
