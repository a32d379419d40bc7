//! Ports `exabgp/bgp/message/update/nlri/bgpls/tlvs/` (node.py, ipreach.py, linkid.py,
//! multitopology.py, ifaceaddr.py, neighaddr.py, ospfroute.py): the descriptor TLVs of BGP-LS
//! NLRI (RFC 9552 §5.2).

use crate::bgp::message::reader::Reader;
use crate::bgp::message::update::nlri::cidr::write_ip;
use std::fmt::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Node descriptor sub-TLVs (RFC 9552 §5.2.1.4).
const AUTONOMOUS_SYSTEM: u16 = 512;
const BGPLS_IDENTIFIER: u16 = 513;
const OSPF_AREA: u16 = 514;
const IGP_ROUTER: u16 = 515;

/// Splits `data` into (type, value) TLVs with two-byte types and lengths; `None` when one
/// runs past the end.
pub(crate) fn tlvs(data: &[u8]) -> Option<Vec<(u16, &[u8])>> {
    let mut r = Reader::new(data);
    let mut out = Vec::new();
    while !r.is_empty() {
        let kind = r.u16()?;
        let length = r.u16()?;
        out.push((kind, r.take(usize::from(length))?));
    }
    Some(out)
}

pub(crate) fn ip(data: &[u8]) -> Option<IpAddr> {
    Some(match data.len() {
        4 => IpAddr::V4(Ipv4Addr::new(data[0], data[1], data[2], data[3])),
        16 => {
            let mut raw = [0u8; 16];
            raw.copy_from_slice(data);
            IpAddr::V6(Ipv6Addr::from(raw))
        }
        _ => return None,
    })
}

pub(crate) fn ip_text(address: IpAddr) -> String {
    let mut out = String::new();
    write_ip(&mut out, address);
    out
}

/// A value of exactly four bytes.
pub(crate) fn word(data: &[u8]) -> Option<u32> {
    let mut r = Reader::new(data);
    r.u32().filter(|_| r.is_empty())
}

/// The node descriptors of a Local or Remote Node Descriptors TLV, each as ExaBGP's JSON
/// object: `{ "autonomous-system": 65001 }`, `{ "router-id": "10.1.1.1" }`, ...
/// `protocol`: the NLRI's protocol ID, which says how to read the IGP router ID.
pub(crate) fn node_descriptors(data: &[u8], protocol: u8) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for (kind, value) in tlvs(data)? {
        out.push(match kind {
            AUTONOMOUS_SYSTEM => format!("{{ \"autonomous-system\": {} }}", word(value)?),
            BGPLS_IDENTIFIER => format!("{{ \"bgp-ls-identifier\": \"{}\" }}", word(value)?),
            OSPF_AREA => format!("{{ \"ospf-area-id\": \"{}\" }}", ip_text(ip(value)?)),
            IGP_ROUTER => match protocol {
                // IS-IS: a system ID, and a pseudonode number for a LAN (RFC 9552 §5.2.1.4)
                1 | 2 if matches!(value.len(), 6 | 7) => {
                    let hex: String = crate::util::hex::lower(value);
                    match value.get(6) {
                        Some(&psn) if psn != 0 => {
                            format!("{{ \"router-id\": \"{hex}\", \"psn\": \"{psn}\" }}")
                        }
                        _ => format!("{{ \"router-id\": \"{hex}\" }}"),
                    }
                }
                // OSPF and the others: a router ID, and the DR's for a LAN
                3 | 5 | 6 | 227 if matches!(value.len(), 4 | 8) => {
                    let router = ip_text(ip(&value[..4])?);
                    match value.get(4..8) {
                        Some(dr) => format!(
                            "{{ \"router-id\": \"{router}\", \"designated-router-id\": \"{}\" }}",
                            ip_text(ip(dr)?)
                        ),
                        None => format!("{{ \"router-id\": \"{router}\" }}"),
                    }
                }
                _ => return None,
            },
            _ => return None,
        });
    }
    Some(out)
}

/// An IP Reachability Information TLV (RFC 9552 §5.2.3.2): `"10.0.0.0/24"`, the address
/// bytes filled with zeros.
pub(crate) fn ip_reach(data: &[u8], v6: bool) -> Option<String> {
    let (&length, prefix) = data.split_first()?;
    let address = if v6 {
        let mut raw = [0u8; 16];
        let n = prefix.len().min(16);
        raw[..n].copy_from_slice(&prefix[..n]);
        IpAddr::V6(Ipv6Addr::from(raw))
    } else {
        let mut raw = [0u8; 4];
        let n = prefix.len().min(4);
        raw[..n].copy_from_slice(&prefix[..n]);
        IpAddr::V4(Ipv4Addr::from(raw))
    };
    Some(format!("{}/{length}", ip_text(address)))
}

/// A Multi-Topology ID TLV: the first 12-bit identifier (RFC 9552 §5.2.2.1).
pub(crate) fn mtid(data: &[u8]) -> Option<u16> {
    Reader::new(data).u16().map(|id| id & 0x0FFF)
}

/// A Link Local/Remote Identifiers TLV (RFC 9552 §5.2.2).
pub(crate) fn link_id(data: &[u8]) -> Option<String> {
    let mut r = Reader::new(data);
    let (local, remote) = (r.u32()?, r.u32()?);
    let mut out = String::new();
    let _ = write!(
        out,
        "{{ \"link-local-id\": {local}, \"link-remote-id\": {remote} }}"
    );
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptors_as_exabgp_prints_them() {
        // bgp-ls-10's remote node: an IS-IS system ID with pseudonode 3
        let data = [
            0x02, 0x00, 0, 4, 0, 0, 0x30, 0x22, 0x02, 0x03, 0, 7, 0, 0, 0, 0, 0, 0x14, 3,
        ];
        assert_eq!(
            node_descriptors(&data, 2).unwrap(),
            [
                "{ \"autonomous-system\": 12322 }",
                "{ \"router-id\": \"00000000001403\", \"psn\": \"3\" }"
            ]
        );
        // OSPF router ID with a DR (bgp-ls-2)
        let data = [2, 3, 0, 8, 10, 1, 4, 1, 10, 1, 1, 2];
        assert_eq!(
            node_descriptors(&data, 3).unwrap(),
            ["{ \"router-id\": \"10.1.4.1\", \"designated-router-id\": \"10.1.1.2\" }"]
        );
        assert_eq!(node_descriptors(&data, 2), None);
        assert_eq!(node_descriptors(&data[..5], 3), None);
        assert_eq!(
            ip_reach(&[30, 10, 134, 2, 88], false).unwrap(),
            "10.134.2.88/30"
        );
        assert_eq!(
            ip_reach(&[64, 0x20, 0x01, 0x0d, 0xb8], true).unwrap(),
            "2001:db8::/64"
        );
        assert_eq!(mtid(&[0xF0, 2]), Some(2));
    }
}
