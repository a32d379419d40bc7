//! Ports `exabgp/bgp/message/update/nlri/bgpls/` (nlri.py, node.py, link.py, prefixv4.py,
//! prefixv6.py, srv6sid.py): BGP-LS NLRI (RFC 9552 §5.2, AFI 16388, SAFI 71 and 72), decoded for ExaBGP's
//! JSON and kept as received for re-encoding.

pub mod tlvs;

use super::qualifier::RouteDistinguisher;
use crate::bgp::message::reader::Reader;
use crate::bgp::message::Notification;
use crate::protocol::family::{Family, Safi};
use bytes::{BufMut, Bytes, BytesMut};
use std::fmt::Write;
use tlvs::{ip, ip_reach, ip_text, link_id, mtid, node_descriptors, tlvs};

const NODE: u16 = 1;
const LINK: u16 = 2;
const PREFIX_V4: u16 = 3;
const PREFIX_V6: u16 = 4;
const SRV6_SID: u16 = 6;

/// Descriptor TLVs (RFC 9552 §5.2).
const LOCAL_NODE: u16 = 256;
const REMOTE_NODE: u16 = 257;
const LINK_ID: u16 = 258;
const IPV4_INTERFACE: u16 = 259;
const IPV4_NEIGHBOR: u16 = 260;
const IPV6_INTERFACE: u16 = 261;
const IPV6_NEIGHBOR: u16 = 262;
const MULTI_TOPOLOGY: u16 = 263;
const OSPF_ROUTE_TYPE: u16 = 264;
const IP_REACHABILITY: u16 = 265;
const SRV6_SID_INFORMATION: u16 = 518;

/// Protocol IDs ExaBGP accepts (IS-IS L1/L2, OSPFv2, direct, static, OSPFv3, freeRtr).
const PROTOCOLS: &[u8] = &[1, 2, 3, 4, 5, 6, 227];

/// A BGP-LS NLRI: its bytes (type, length, value) and ExaBGP's JSON for it, worked out when
/// it was decoded.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct BgpLs {
    pub family: Family,
    pub raw: Vec<u8>,
    json: String,
}

fn invalid() -> Notification {
    Notification::new(3, 10, Bytes::new())
}

impl BgpLs {
    /// Decodes one NLRI at the front of `data`; a descriptor that does not parse is (3, 10).
    pub fn decode(family: Family, data: &[u8]) -> Result<(BgpLs, usize), Notification> {
        let mut r = Reader::new(data);
        let (Some(code), Some(length)) = (r.u16(), r.u16()) else {
            return Err(invalid());
        };
        let length = usize::from(length);
        let mut payload = r.take(length).ok_or_else(invalid)?;
        let raw = data[..4 + length].to_vec();
        let mut rd = None;
        let known = matches!(code, NODE..=PREFIX_V6 | SRV6_SID);
        if family.safi == Safi::BGPLS_VPN && known {
            rd = Some(RouteDistinguisher::decode(payload).ok_or_else(invalid)?);
            payload = &payload[RouteDistinguisher::LEN..];
        }
        let json = match code {
            _ if known => describe(code, payload, rd).ok_or_else(invalid)?,
            _ => {
                let hex: String = crate::util::hex::upper(&raw);
                format!("{{ \"code\": {code}, \"parsed\": false, \"raw\": \"{hex}\" }}")
            }
        };
        Ok((BgpLs { family, raw, json }, 4 + length))
    }

    pub fn encode(&self, out: &mut BytesMut) {
        out.put_slice(&self.raw);
    }

    pub fn encoded_len(&self) -> usize {
        self.raw.len()
    }

    pub fn json(&self, out: &mut String) {
        out.push_str(&self.json);
    }

    /// API version 4 adds the next-hop to node and prefix NLRI (ExaBGP's `v4_json`).
    pub fn json_v4(&self, nexthop: Option<std::net::IpAddr>, out: &mut String) {
        let code = Reader::new(&self.raw).u16();
        match (nexthop, self.json.strip_suffix(" }")) {
            (Some(nexthop), Some(open)) if matches!(code, Some(NODE | PREFIX_V4 | PREFIX_V6)) => {
                out.push_str(open);
                let _ = write!(out, ", \"nexthop\": \"{}\" }}", ip_text(nexthop));
            }
            _ => self.json(out),
        }
    }

    /// ExaBGP's text: `bgp-ls:link:0x...` with the value after the type and length.
    pub fn text(&self, out: &mut String) {
        let code = Reader::new(&self.raw).u16().unwrap_or(0);
        let name = match code {
            NODE => "node",
            LINK => "link",
            PREFIX_V4 => "prefix_v4",
            PREFIX_V6 => "prefix_v6",
            SRV6_SID => "srv6_sid",
            _ => "unknown",
        };
        let _ = write!(out, "bgp-ls:{name}:0x");
        crate::util::hex::push_lower(out, self.raw.get(4..).unwrap_or_default());
    }
}

/// The JSON of a node, link or prefix NLRI value (after any RD): protocol ID, identifier,
/// then descriptor TLVs. `None` when it does not parse.
fn describe(code: u16, payload: &[u8], rd: Option<RouteDistinguisher>) -> Option<String> {
    let mut r = Reader::new(payload);
    let protocol = r.u8()?;
    if !PROTOCOLS.contains(&protocol) {
        return None;
    }
    let identifier = r.u64()?;
    let descriptors = tlvs(r.rest())?;
    let name = match code {
        NODE => "bgpls-node",
        LINK => "bgpls-link",
        PREFIX_V4 => "bgpls-prefix-v4",
        PREFIX_V6 => "bgpls-prefix-v6",
        _ => "bgpls-srv6sid",
    };
    let mut out = format!(
        "{{ \"ls-nlri-type\": \"{name}\", \"l3-routing-topology\": {identifier}, \"protocol-id\": {protocol}, "
    );
    let mut local = Vec::new();
    let mut remote = Vec::new();
    let (mut interfaces, mut neighbors, mut topologies, mut links) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut reach = None;
    let mut sid = None;
    let mut generic: Vec<(u16, Vec<String>)> = Vec::new();
    // an SRv6 SID NLRI starts with its local node (RFC 9514 §6)
    if code == SRV6_SID && descriptors.first().map(|(kind, _)| *kind) != Some(LOCAL_NODE) {
        return None;
    }
    let mut ospf = None;
    for (kind, value) in descriptors {
        match kind {
            LOCAL_NODE => local.extend(node_descriptors(value, protocol)?),
            REMOTE_NODE => remote.extend(node_descriptors(value, protocol)?),
            LINK_ID => links = vec![link_id(value)?],
            IPV4_INTERFACE | IPV6_INTERFACE => {
                interfaces.push(format!("\"{}\"", ip_text(ip(value)?)))
            }
            IPV4_NEIGHBOR | IPV6_NEIGHBOR => neighbors.push(format!("\"{}\"", ip_text(ip(value)?))),
            MULTI_TOPOLOGY => topologies.push(mtid(value)?.to_string()),
            OSPF_ROUTE_TYPE => ospf = Some(*value.first()?),
            IP_REACHABILITY => reach = Some(ip_reach(value, code == PREFIX_V6)?),
            SRV6_SID_INFORMATION if value.len() == 16 => sid = Some(ip_text(ip(value)?)),
            SRV6_SID_INFORMATION => return None,
            other if code == SRV6_SID => {
                let hex: String = crate::util::hex::upper(value);
                match generic.iter_mut().find(|(k, _)| *k == other) {
                    Some((_, list)) => list.push(format!("\"0x{hex}\"")),
                    None => generic.push((other, vec![format!("\"0x{hex}\"")])),
                }
            }
            _ => {}
        }
    }
    if code == LINK {
        let _ = write!(
            out,
            "\"local-node-descriptors\": [ {} ], \"remote-node-descriptors\": [ {} ], \
             \"interface-addresses\": [ {} ], \"neighbor-addresses\": [ {} ], \
             \"multi-topology-ids\": [ {} ], \"link-identifiers\": [ {} ]",
            local.join(", "),
            remote.join(", "),
            interfaces.join(", "),
            neighbors.join(", "),
            topologies.join(", "),
            links.join(", ")
        );
    } else if code == SRV6_SID {
        // ExaBGP renders the descriptors with json.dumps: MT-IDs as strings
        let mut members = vec![format!(
            "\"multi-topology-ids\": [{}]",
            topologies
                .iter()
                .map(|t| format!("\"{t}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )];
        if let Some(sid) = sid {
            members.push(format!("\"srv6-sid\": \"{sid}\""));
        }
        for (kind, list) in generic {
            members.push(format!("\"generic-tlv-{kind}\": [{}]", list.join(", ")));
        }
        let _ = write!(
            out,
            "\"node-descriptors\": [ {} ], \"srv6-sid-descriptors\": {{{}}}",
            local.join(", "),
            members.join(", ")
        );
    } else {
        let _ = write!(out, "\"node-descriptors\": [ {} ]", local.join(", "));
        if code != NODE {
            let reach = reach?;
            let _ = write!(
                out,
                ", \"ip-reachability-tlv\": \"{reach}\", \"ip-reach-prefix\": \"{reach}\""
            );
            if let Some(ospf) = ospf.filter(|t| *t != 0) {
                let _ = write!(out, ", \"ospf-route-type\": {ospf}");
            }
        }
    }
    if let Some(rd) = rd {
        out.push_str(", ");
        rd.json(&mut out);
    }
    out.push_str(" }");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::family::Afi;
    use proptest::prelude::*;

    use crate::util::hex::test_unhex as unhex;

    fn family() -> Family {
        Family::new(Afi::BGPLS, Safi::BGPLS)
    }

    #[test]
    fn qa_link_nlri() {
        // bgp-ls-1
        let wire = unhex("0002005103000000000000000001000020020000040000000102010004C0A87A7E0202000400000000020300040A0A0A0A01010020020000040000000102010004C0A87A7E0202000400000000020300040A020202");
        let (nlri, used) = BgpLs::decode(family(), &wire).unwrap();
        assert_eq!(used, wire.len());
        let mut json = String::new();
        nlri.json(&mut json);
        assert_eq!(
            json,
            "{ \"ls-nlri-type\": \"bgpls-link\", \"l3-routing-topology\": 0, \"protocol-id\": 3, \
             \"local-node-descriptors\": [ { \"autonomous-system\": 1 }, { \"bgp-ls-identifier\": \"3232266878\" }, \
             { \"ospf-area-id\": \"0.0.0.0\" }, { \"router-id\": \"10.10.10.10\" } ], \
             \"remote-node-descriptors\": [ { \"autonomous-system\": 1 }, { \"bgp-ls-identifier\": \"3232266878\" }, \
             { \"ospf-area-id\": \"0.0.0.0\" }, { \"router-id\": \"10.2.2.2\" } ], \"interface-addresses\": [  ], \
             \"neighbor-addresses\": [  ], \"multi-topology-ids\": [  ], \"link-identifiers\": [  ] }"
        );
        let mut out = BytesMut::new();
        nlri.encode(&mut out);
        assert_eq!(&out[..], &wire[..]);
    }

    #[test]
    fn prefix_and_generic() {
        // bgp-ls-8's prefix NLRI
        let wire = unhex("000300300200000000000002BC0100001A0200000400003E34020100040000000002030006010135000041010900051E0A860258");
        let (nlri, _) = BgpLs::decode(family(), &wire).unwrap();
        let mut json = String::new();
        nlri.json(&mut json);
        assert!(json.ends_with("{ \"router-id\": \"010135000041\" } ], \"ip-reachability-tlv\": \"10.134.2.88/30\", \"ip-reach-prefix\": \"10.134.2.88/30\" }"), "{json}");
        let (nlri, _) = BgpLs::decode(family(), &unhex("00090002ABCD")).unwrap();
        let mut json = String::new();
        nlri.json(&mut json);
        assert_eq!(
            json,
            "{ \"code\": 9, \"parsed\": false, \"raw\": \"00090002ABCD\" }"
        );
        // an SRv6 SID NLRI (RFC 9514 §6), worked out by hand: IS-IS L2, AS 65001, MT-ID 2,
        // SID fc00::1
        let wire = [
            "0006002F",
            "020000000000000000",
            "01000008020000040000FDE9",
            "010700020002",
            "02060010FC000000000000000000000000000001",
        ]
        .concat();
        let (nlri, _) = BgpLs::decode(family(), &unhex(&wire)).unwrap();
        let mut json = String::new();
        nlri.json(&mut json);
        assert_eq!(
            json,
            "{ \"ls-nlri-type\": \"bgpls-srv6sid\", \"l3-routing-topology\": 0, \"protocol-id\": 2, \
             \"node-descriptors\": [ { \"autonomous-system\": 65001 } ], \
             \"srv6-sid-descriptors\": {\"multi-topology-ids\": [\"2\"], \"srv6-sid\": \"fc00::1\"} }"
        );
        // an unknown protocol, a short identifier
        assert!(BgpLs::decode(family(), &unhex("00010009090000000000000000")).is_err());
        assert!(BgpLs::decode(family(), &unhex("000100050300000000")).is_err());
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..80), vpn in any::<bool>()) {
            let family = Family::new(Afi::BGPLS, if vpn { Safi::BGPLS_VPN } else { Safi::BGPLS });
            if let Ok((nlri, used)) = BgpLs::decode(family, &data) {
                prop_assert_eq!(&nlri.raw[..], &data[..used]);
            }
        }
    }
}
