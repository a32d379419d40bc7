//! Ports `exabgp/configuration/announce/mvpn.py`: `mcast-vpn shared-join|source-join|source-ad
//! ...` (RFC 6514 route types 5, 6 and 7).

use crate::configuration::core::parser::{parse_asn, Words};
use crate::configuration::core::{Error, Location, Result};
use crate::configuration::r#static::route::{self, Field, Route, RouteKind, Value};
use crate::protocol::family::{Afi, Family, Safi};

pub fn parse(words: &mut Words<'_>, location: Location, afi: Afi) -> Result<Route> {
    let kind_at = words.location();
    let kind = words.parse(
        "a route type (shared-join, source-join or source-ad)",
        |s| matches!(s, "shared-join" | "source-join" | "source-ad").then(|| s.to_string()),
    )?;
    let mut fields = vec![Field {
        keyword: "mcast-vpn".into(),
        value: Value::Word(kind.clone()),
        location: kind_at,
    }];
    route::fields(words, &mut fields, &mut |keyword, words| {
        Ok(Some(match keyword {
            "rp" | "source" | "group" => {
                let at = words.location();
                let ip = words.ip()?;
                if ip.is_ipv4() != (afi == Afi::IPV4) {
                    return Err(Error::new(
                        at,
                        format!("expected an {} address", afi.name()),
                    ));
                }
                Value::Ip(ip)
            }
            "source-as" => Value::Number(words.parse("an AS number", parse_asn)?.into()),
            _ => return Ok(None),
        }))
    })?;
    let has = |k: &str| fields.iter().any(|f| f.keyword == k);
    let needed: &[&str] = match kind.as_str() {
        "shared-join" => &["rp", "group", "rd", "source-as"],
        "source-join" => &["source", "group", "rd", "source-as"],
        _ => &["source", "group", "rd"],
    };
    if let Some(missing) = needed.iter().find(|k| !has(k)) {
        return Err(Error::new(location, format!("{kind} needs '{missing}'")));
    }
    Ok(Route {
        location,
        family: Family::new(afi, Safi::MCAST_VPN),
        kind: RouteKind::McastVpn,
        prefix: None,
        fields,
    })
}
