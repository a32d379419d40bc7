//! Ports `exabgp/bgp/message/update/attribute/bgpls/link/` (localremoteid.py,
//! remoterouterid.py, admingroup.py, maxbw.py, maxreservablebw.py, unreservedbw.py,
//! temetric.py, igpmetric.py, srlg.py, linkname.py, protection.py, mplsmask.py, opaque.py, adjacencysid.py, srv6endx.py,
//! srv6lanendx.py, srv6sidstructure.py, srv6capabilities.py, srv6locator.py,
//! srv6endpointbehavior.py, delaymetric.py): link attribute TLVs (RFC 9552
//! §5.3.2, RFC 9085 §2.2, RFC 9514 §4, RFC 8571 §2).

use super::{address, flags, float, hex, number, opaque, sid_list, sized, Malformed, Render};
use crate::bgp::message::reader::Reader;
use crate::bgp::message::update::nlri::cidr::write_ip;
use std::net::Ipv6Addr;

const SRV6_FLAGS: &[&str] = &["B", "S", "P", "RSV", "RSV", "RSV", "RSV", "RSV"];

/// The rendering of link TLV `code`, `None` when it is not one.
pub(crate) fn render(code: u16, value: &[u8]) -> Option<Result<Render, Malformed>> {
    let one = |key: &'static str, json: String| Ok(Render::Members(vec![(key, json)]));
    Some(match code {
        258 => sized(value, 8).and_then(|v| {
            one(
                "link-local-remote-identifiers",
                format!(
                    "{{\"local-id\": {}, \"remote-id\": {}}}",
                    number(&v[..4]),
                    number(&v[4..])
                ),
            )
        }),
        1030 | 1031 => address(value).map(|a| Render::Merge("remote-router-ids".into(), a)),
        1088 => sized(value, 4).and_then(|v| one("admin-group-mask", number(v).to_string())),
        1089 => float(value).and_then(|f| one("maximum-link-bandwidth", f)),
        1090 => float(value).and_then(|f| one("maximum-reservable-link-bandwidth", f)),
        1091 => sized(value, 32).and_then(|v| {
            let floats = v.chunks(4).map(float).collect::<Result<Vec<_>, _>>()?;
            one("unreserved-bandwidth", format!("[{}]", floats.join(", ")))
        }),
        1093 => sized(value, 2).and_then(|v| {
            one(
                "link-protection-flags",
                flags(
                    v[0],
                    &[
                        "ExtraTrafic",
                        "Unprotected",
                        "Shared",
                        "Dedicated 1:1",
                        "Dedicated 1+1",
                        "Enhanced",
                        "RSV",
                        "RSV",
                    ],
                ),
            )
        }),
        1094 => sized(value, 1).and_then(|v| {
            one(
                "mpls-mask",
                flags(v[0], &["LDP", "RSVP-TE", "RSV", "RSV", "RSV", "RSV", "RSV", "RSV"]),
            )
        }),
        1097 => one("opaque-link", opaque(value)),
        1092 => sized(value, 4).and_then(|v| one("te-metric", number(v).to_string())),
        // one byte: an IS-IS narrow metric (six bits); two: OSPF; three: IS-IS wide
        1095 => match value.len() {
            1 => one("igp-metric", (value[0] & 0x3F).to_string()),
            2 | 3 => one("igp-metric", number(value).to_string()),
            _ => Err(Malformed(5)),
        },
        1096 if value.len() % 4 == 0 => one(
            "shared-risk-link-groups",
            format!(
                "[{}]",
                value
                    .chunks(4)
                    .map(|c| number(c).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        1096 => Err(Malformed(5)),
        1098 => match std::str::from_utf8(value) {
            Ok(name) => {
                let mut json = String::new();
                crate::util::json::string(&mut json, name);
                one("link-name", json)
            }
            Err(_) => Err(Malformed(5)),
        },
        1099 => adjacency_sid(value),
        1106 => srv6_endx(value, 0).map(|j| Render::Merge("srv6-endx".into(), j)),
        1107 => srv6_endx(value, 6).map(|j| Render::Merge("srv6-lan-endx-isis".into(), j)),
        1108 => srv6_endx(value, 4).map(|j| Render::Merge("srv6-lan-endx-ospf".into(), j)),
        1114 => sized(value, 4).and_then(|v| {
            one(
                "unidirectional-link-delay",
                format!(
                    "{{\"delay-us\": {}, \"anomalous\": {}}}",
                    number(&v[1..4]),
                    v[0] & 0x80 != 0
                ),
            )
        }),
        1115 => sized(value, 8).and_then(|v| {
            one(
                "minmax-unidirectional-link-delay",
                format!(
                    "{{\"min-delay-us\": {}, \"max-delay-us\": {}, \"anomalous\": {}}}",
                    number(&v[1..4]),
                    number(&v[5..8]),
                    v[0] & 0x80 != 0
                ),
            )
        }),
        1116 => sized(value, 4).and_then(|v| {
            one(
                "unidirectional-delay-variation",
                number(&v[1..4]).to_string(),
            )
        }),
        // loss in units of 0.000003 % (RFC 8571 §4.4)
        1117 => sized(value, 4).and_then(|v| {
            one(
                "unidirectional-link-loss",
                format!(
                    "{{\"loss-percent\": {:?}, \"anomalous\": {}}}",
                    number(&v[1..4]) as f64 * 0.000003,
                    v[0] & 0x80 != 0
                ),
            )
        }),
        1118 => float(value).and_then(|f| one("unidirectional-residual-bandwidth", f)),
        1119 => float(value).and_then(|f| one("unidirectional-available-bandwidth", f)),
        1120 => float(value).and_then(|f| one("unidirectional-utilized-bandwidth", f)),
        // the O flag as ExaBGP shows it: the bit's value (64), not 1
        1038 => sized(value, 4).and_then(|v| {
            one(
                "srv6-capabilities",
                format!("{{\"flags\": {{\"O\": {}}}}}", v[1] & 0x40),
            )
        }),
        1162 => {
            let mut r = Reader::new(value);
            match (r.u8(), r.u8(), r.u16(), r.u32()) {
                (Some(first), Some(algorithm), Some(_reserved), Some(metric)) => Ok(Render::Merge(
                    "srv6-locators".into(),
                    format!(
                        "{{\"flags\": {}, \"algorithm\": {algorithm}, \"metric\": {metric}}}",
                        flags(first, &["D", "RSV", "RSV", "RSV", "RSV", "RSV", "RSV", "RSV"]),
                    ),
                )),
                _ => Err(Malformed(5)),
            }
        }
        1250 => {
            let mut r = Reader::new(value);
            match (r.u16(), r.u8(), r.u8()) {
                (Some(behavior), Some(_flags), Some(algorithm)) => one(
                    "srv6-endpoint-behavior",
                    format!(
                        "{{\"endpoint-behavior\": {behavior}, \"flags\": [], \"algorithm\": {algorithm}}}",
                    ),
                ),
                _ => Err(Malformed(5)),
            }
        }
        1252 => sized(value, 4).and_then(|v| {
            one(
                "srv6-sid-structure",
                format!(
                    "{{\"loc_block_len\": {}, \"loc_node_len\": {}, \"func_len\": {}, \"arg_len\": {}}}",
                    v[0], v[1], v[2], v[3]
                ),
            )
        }),
        _ => return None,
    })
}

/// Adjacency SID (RFC 9085 §2.2.1): flags, weight, two reserved bytes, then labels (V and L
/// set, three bytes) or indexes (neither, four bytes).
fn adjacency_sid(value: &[u8]) -> Result<Render, Malformed> {
    let [first, weight, _, _, ref rest @ ..] = *value else {
        return Err(Malformed(5));
    };
    let (v, l) = (first & 0x20 != 0, first & 0x10 != 0);
    let (sids, undecoded) = sid_list(rest, v, l);
    Ok(Render::Merge(
        "sr-adjs".into(),
        format!(
            "{{\"flags\": {}, \"sids\": [{}], \"weight\": {weight}, \"undecoded-sids\": [{}]}}",
            flags(first, &["F", "B", "V", "L", "S", "P", "RSV", "RSV"]),
            sids.join(", "),
            undecoded.join(", ")
        ),
    ))
}

/// SRv6 End.X SID (RFC 9514 §4.1) and its LAN forms (§4.2), whose neighbor ID (`neighbor`
/// bytes: six for IS-IS, four for OSPF) comes before the SID; then sub-TLVs, of which the
/// SID structure (1252) is decoded.
fn srv6_endx(value: &[u8], neighbor: usize) -> Result<String, Malformed> {
    let mut r = Reader::new(value);
    let (Some(behavior), Some(first), Some(algorithm), Some(weight), Some(_)) =
        (r.u16(), r.u8(), r.u8(), r.u8(), r.u8())
    else {
        return Err(Malformed(5));
    };
    let neighbor_id = r.take(neighbor).ok_or(Malformed(5))?;
    let sid: [u8; 16] = r.array().ok_or(Malformed(5))?;
    let mut out = format!("{{\"flags\": {}, ", flags(first, SRV6_FLAGS));
    match neighbor {
        6 => {
            let id: String = crate::util::hex::lower(neighbor_id);
            out.push_str(&format!("\"neighbor-id\": \"{id}\", "));
        }
        4 => out.push_str(&format!("\"neighbor-id\": {}, ", address(neighbor_id)?)),
        _ => {}
    }
    out.push_str(&format!(
        "\"behavior\": {behavior}, \"algorithm\": {algorithm}, \"weight\": {weight}, \"sid\": \""
    ));
    write_ip(&mut out, Ipv6Addr::from(sid).into());
    out.push('"');
    // fewer than four trailing bytes are ignored
    while let (Some(code), Some(length)) = (r.u16(), r.u16()) {
        let sub = r.take(usize::from(length)).ok_or(Malformed(5))?;
        match (code, sub) {
            (1252, [block, node, function, argument]) => out.push_str(&format!(
                ", \"srv6-sid-structure\": {{\"loc_block_len\": {block}, \"loc_node_len\": {node}, \"func_len\": {function}, \"arg_len\": {argument}}}"
            )),
            _ => out.push_str(&format!(", \"unknown-subtlv-{code}\": \"{}\"", hex(sub))),
        }
    }
    out.push('}');
    Ok(out)
}
