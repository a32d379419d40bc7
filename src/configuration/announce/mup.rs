//! Ports `exabgp/configuration/announce/mup.py`: `mup mup-isd|mup-dsd|mup-t1st|mup-t2st ...`
//! (draft-ietf-bess-mup-safi).

use crate::bgp::message::update::nlri::mup::{Dsd, Isd, Mup, MupRoute, T1st, T2st};
use crate::bgp::message::update::nlri::{Nlri, RouteDistinguisher};
use crate::configuration::core::parser::{parse_number, Words};
use crate::configuration::core::{Error, Location, Result};
use crate::configuration::r#static::route::{self, Field, Route, RouteKind, Value};
use crate::protocol::family::{Afi, Family, Safi};

pub fn parse(words: &mut Words<'_>, location: Location, afi: Afi) -> Result<Route> {
    let kind_at = words.location();
    let kind = words.parse(
        "a MUP route type (mup-isd, mup-dsd, mup-t1st or mup-t2st)",
        |s| matches!(s, "mup-isd" | "mup-dsd" | "mup-t1st" | "mup-t2st").then(|| s.to_string()),
    )?;
    let mut fields = vec![Field {
        keyword: "mup".into(),
        value: Value::Word(kind.clone()),
        location: kind_at,
    }];
    let mut prefix = None;
    let address_ok = |ip: std::net::IpAddr| ip.is_ipv4() == (afi == Afi::IPV4);
    match kind.as_str() {
        "mup-isd" | "mup-t1st" => {
            let at = words.location();
            let p = route::prefix(words)?;
            if !address_ok(p.0) {
                return Err(Error::new(at, format!("expected an {} prefix", afi.name())));
            }
            prefix = Some(p);
        }
        _ => {
            let at = words.location();
            let ip = words.ip()?;
            if !address_ok(ip) {
                return Err(Error::new(
                    at,
                    format!("expected an {} address", afi.name()),
                ));
            }
            fields.push(Field {
                keyword: "address".into(),
                value: Value::Ip(ip),
                location: at,
            });
        }
    }
    route::fields(words, &mut fields, &mut |keyword, words| {
        Ok(Some(match keyword {
            "teid" => Value::Word(words.parse("a TEID (N or N/len)", |s| {
                let (teid, len) = s.split_once('/').unwrap_or((s, "32"));
                (parse_number::<u32>(teid).is_some() && len.parse::<u8>().is_ok_and(|l| l <= 32))
                    .then(|| s.to_string())
            })?),
            "qfi" => Value::Number(words.number::<u8>("a QFI (0-255)")?.into()),
            "endpoint" | "source" => Value::Ip(words.ip()?),
            _ => return Ok(None),
        }))
    })?;
    let has = |k: &str| fields.iter().any(|f| f.keyword == k);
    let needed: &[&str] = match kind.as_str() {
        "mup-t1st" => &["rd", "teid", "qfi", "endpoint"],
        "mup-t2st" => &["rd", "teid"],
        _ => &["rd"],
    };
    if let Some(missing) = needed.iter().find(|k| !has(k)) {
        return Err(Error::new(location, format!("{kind} needs '{missing}'")));
    }
    Ok(Route {
        location,
        family: Family::new(afi, Safi::MUP),
        kind: RouteKind::Mup,
        prefix,
        fields,
    })
}

/// The keywords of the MUP NLRI, read by `nlri`; the others are path attributes.
pub const NLRI_KEYWORDS: &[&str] = &["mup", "address", "rd", "teid", "qfi", "endpoint", "source"];

/// The MUP NLRI of a checked route (ExaBGP's `srv6_mup_isd`, `_dsd`, `_t1st`, `_t2st`).
pub fn nlri(route: &Route) -> Result<Nlri> {
    let at = route.location;
    let missing = |keyword: &str| Error::new(at, format!("a mup route needs '{keyword}'"));
    let field = |keyword: &str| route.fields.iter().find(|f| f.keyword == keyword);
    let ip = |keyword: &str| match route.field(keyword) {
        Some(Value::Ip(ip)) => Ok(*ip),
        _ => Err(missing(keyword)),
    };
    let rd_field = field("rd").ok_or_else(|| missing("rd"))?;
    let rd = match &rd_field.value {
        Value::Word(text) => {
            RouteDistinguisher::parse(text).map_err(|why| Error::new(rd_field.location, why))?
        }
        _ => return Err(missing("rd")),
    };
    // `teid N` or `teid N/LEN` (the TEID's length in bits, 32 when not given)
    let teid = || -> Result<(u32, u8)> {
        let Some(Value::Word(text)) = route.field("teid") else {
            return Err(missing("teid"));
        };
        let (teid, len) = text.split_once('/').unwrap_or((text, "32"));
        match (parse_number::<u32>(teid), len.parse::<u8>()) {
            (Some(teid), Ok(len)) if len <= 32 => Ok((teid, len)),
            _ => Err(Error::new(at, format!("invalid teid '{text}'"))),
        }
    };
    let prefix = || route.prefix.ok_or_else(|| missing("prefix"));
    let afi = route.family.afi;
    let address_ok = |ip: std::net::IpAddr| ip.is_ipv4() == (afi == Afi::IPV4);
    let mup = match route.field("mup") {
        Some(Value::Word(kind)) if kind == "mup-isd" => {
            let (prefix, prefix_len) = prefix()?;
            MupRoute::Isd(Isd {
                rd,
                prefix_len,
                prefix,
            })
        }
        Some(Value::Word(kind)) if kind == "mup-dsd" => MupRoute::Dsd(Dsd {
            rd,
            ip: ip("address")?,
        }),
        Some(Value::Word(kind)) if kind == "mup-t1st" => {
            let (prefix, prefix_len) = prefix()?;
            let qfi = match route.field("qfi") {
                Some(Value::Number(n)) => *n as u8,
                _ => return Err(missing("qfi")),
            };
            let endpoint = ip("endpoint")?;
            let source = route.field("source").and_then(|v| match v {
                Value::Ip(ip) => Some(*ip),
                _ => None,
            });
            if !address_ok(endpoint) || source.is_some_and(|s| !address_ok(s)) {
                return Err(Error::new(
                    at,
                    format!("the endpoint and source must be {} addresses", afi.name()),
                ));
            }
            MupRoute::T1st(T1st {
                rd,
                prefix_len,
                prefix,
                teid: teid()?.0,
                qfi,
                endpoint,
                source,
            })
        }
        _ => {
            let endpoint = ip("address")?;
            let (teid, len) = teid()?;
            let bits: u8 = if endpoint.is_ipv4() { 32 } else { 128 };
            MupRoute::T2st(T2st {
                rd,
                endpoint_len: bits + len,
                endpoint,
                teid,
            })
        }
    };
    Ok(Nlri::Mup(Box::new(Mup::new(afi, mup))))
}
