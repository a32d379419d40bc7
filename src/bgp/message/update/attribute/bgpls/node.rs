//! Ports `exabgp/bgp/message/update/attribute/bgpls/node/` (nodeflags.py, opaque.py, nodename.py,
//! isisarea.py, localrouterid.py, srcap.py, sralgo.py): node attribute TLVs (RFC 9552
//! §5.3.1, RFC 9085 §2.1).

use super::{address, flags, number, opaque, sized, Malformed, Render};
use crate::bgp::message::reader::Reader;

/// The rendering of node TLV `code`, `None` when it is not one.
pub(crate) fn render(code: u16, value: &[u8]) -> Option<Result<Render, Malformed>> {
    let one = |key: &'static str, json: String| Ok(Render::Members(vec![(key, json)]));
    Some(match code {
        1024 => sized(value, 1).and_then(|v| {
            one(
                "node-flags",
                flags(v[0], &["O", "T", "E", "B", "R", "V", "RSV", "RSV"]),
            )
        }),
        1025 => one("opaque", opaque(value)),
        1026 => match std::str::from_utf8(value) {
            Ok(name) => {
                let mut json = String::new();
                crate::util::json::string(&mut json, name);
                one("node-name", json)
            }
            Err(_) => Err(Malformed(5)),
        },
        // the area as one number, as ExaBGP prints it
        1027 if !value.is_empty() && value.len() <= 16 => {
            let area = value.iter().fold(0u128, |n, b| n << 8 | u128::from(*b));
            Ok(Render::Merge("area-ids".into(), format!("\"{area}\"")))
        }
        1027 => Err(Malformed(5)),
        1028 | 1029 => address(value).map(|a| Render::Merge("local-router-ids".into(), a)),
        1034 => sr_capabilities(value),
        1035 => one(
            "sr-algorithms",
            format!(
                "[{}]",
                value
                    .iter()
                    .map(u8::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        _ => return None,
    })
}

/// SR Capabilities (RFC 9085 §2.1.2): flags, then ranges of a three-byte size and an
/// SID/Label sub-TLV (1161), shown as `[size, first]`.
fn sr_capabilities(value: &[u8]) -> Result<Render, Malformed> {
    let mut r = Reader::new(value);
    let (Some(first), Some(_reserved)) = (r.u8(), r.u8()) else {
        return Err(Malformed(5));
    };
    let mut ranges = Vec::new();
    while !r.is_empty() {
        let (Some(size), Some(kind), Some(length)) = (r.u24(), r.u16(), r.u16()) else {
            return Err(Malformed(5));
        };
        if kind != 1161 {
            return Err(Malformed(5));
        }
        let sid = r.take(usize::from(length)).ok_or(Malformed(5))?;
        match length {
            3 => ranges.push(format!("[{size}, {}]", number(sid) & 0xF_FFFF)),
            4 => ranges.push(format!("[{size}, {}]", number(sid))),
            _ => {}
        }
    }
    Ok(Render::Members(vec![
        (
            "sr-capability-flags",
            flags(first, &["I", "V", "RSV", "RSV", "RSV", "RSV", "RSV", "RSV"]),
        ),
        ("sids", format!("[{}]", ranges.join(", "))),
    ]))
}
