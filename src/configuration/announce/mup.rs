//! Ports `exabgp/configuration/announce/mup.py`: `mup mup-isd|mup-dsd|mup-t1st|mup-t2st ...`
//! (draft-ietf-bess-mup-safi).

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
