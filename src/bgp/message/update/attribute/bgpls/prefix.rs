//! Ports `exabgp/bgp/message/update/attribute/bgpls/prefix/` (igpflags.py, igptags.py, igpextags.py, opaque.py, prefixsid.py,
//! prefixmetric.py, ospfaddr.py, prefixattributesflags.py, sourcerouterid.py): prefix
//! attribute TLVs (RFC 9552 §5.3.3, RFC 9085 §2.3).

use super::{address, flags, number, opaque, sid_list, sized, Malformed, Render};

/// The rendering of prefix TLV `code`, `None` when it is not one.
pub(crate) fn render(code: u16, value: &[u8]) -> Option<Result<Render, Malformed>> {
    let one = |key: &'static str, json: String| Ok(Render::Members(vec![(key, json)]));
    Some(match code {
        1152 => sized(value, 1).and_then(|v| {
            one(
                "igp-flags",
                flags(v[0], &["D", "N", "L", "P", "RSV", "RSV", "RSV", "RSV"]),
            )
        }),
        1153 if value.len() % 4 == 0 => one(
            "igp-route-tags",
            format!(
                "[{}]",
                value
                    .chunks(4)
                    .map(|c| number(c).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        1153 => Err(Malformed(5)),
        1154 if value.len() % 8 == 0 => one(
            "igp-extended-route-tags",
            format!(
                "[{}]",
                value
                    .chunks(8)
                    .map(|c| number(c).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        1154 => Err(Malformed(5)),
        1157 => one("opaque-prefix", opaque(value)),
        1158 => prefix_sid(value),
        1155 => sized(value, 4).and_then(|v| one("prefix-metric", number(v).to_string())),
        1156 => address(value).and_then(|a| one("ospf-forwarding-address", a)),
        1170 => match value.first() {
            Some(&byte) => one(
                "sr-prefix-attribute-flags",
                flags(byte, &["X", "R", "N", "RSV", "RSV", "RSV", "RSV", "RSV"]),
            ),
            None => Err(Malformed(5)),
        },
        1171 => address(value).and_then(|a| one("sr-source-router-id", a)),
        _ => return None,
    })
}

/// Prefix SID (RFC 9085 §2.3.1): flags, algorithm, two reserved bytes, then a label (V and
/// L set, three bytes) or an index (neither, exactly four bytes).
fn prefix_sid(value: &[u8]) -> Result<Render, Malformed> {
    let [first, algorithm, _, _, ref rest @ ..] = *value else {
        return Err(Malformed(5));
    };
    let (v, l) = (first & 0x08 != 0, first & 0x04 != 0);
    if !v && !l && rest.len() != 4 {
        return Err(Malformed(5));
    }
    let (sids, undecoded) = sid_list(rest, v, l);
    Ok(Render::Merge(
        "sr-prefix-sids".into(),
        format!(
            "{{\"sr-prefix-flags\": {}, \"sids\": [{}], \"undecoded-sids\": [{}], \"sr-algorithm\": {algorithm}}}",
            flags(first, &["R", "N", "P", "E", "V", "L", "RSV", "RSV"]),
            sids.join(", "),
            undecoded.join(", ")
        ),
    ))
}
