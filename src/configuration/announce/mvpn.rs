//! Ports `exabgp/configuration/announce/mvpn.py`: `mcast-vpn shared-join|source-join|source-ad
//! ...` (RFC 6514 route types 5, 6 and 7).

use crate::bgp::message::update::nlri::mvpn::{CMulticast, Mvpn, MvpnRoute, SourceAd};
use crate::bgp::message::update::nlri::{Nlri, RouteDistinguisher};
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

/// The keywords of the MCAST-VPN NLRI, read by `nlri`; the others are path attributes.
pub const NLRI_KEYWORDS: &[&str] = &["mcast-vpn", "rp", "source", "group", "source-as", "rd"];

/// The MCAST-VPN NLRI of a checked route (ExaBGP's `mvpn_sharedjoin`, `mvpn_sourcejoin`,
/// `mvpn_sourcead`).
pub fn nlri(route: &Route) -> Result<Nlri> {
    let missing =
        |keyword: &str| Error::new(route.location, format!("mcast-vpn needs '{keyword}'"));
    let ip = |keyword: &str| match route.field(keyword) {
        Some(Value::Ip(ip)) => Ok(*ip),
        _ => Err(missing(keyword)),
    };
    let rd_field = route
        .fields
        .iter()
        .find(|f| f.keyword == "rd")
        .ok_or_else(|| missing("rd"))?;
    let rd = match &rd_field.value {
        Value::Word(text) => {
            RouteDistinguisher::parse(text).map_err(|why| Error::new(rd_field.location, why))?
        }
        _ => return Err(missing("rd")),
    };
    let source_as = || match route.field("source-as") {
        Some(Value::Number(n)) => Ok(*n as u32),
        _ => Err(missing("source-as")),
    };
    let mvpn = match route.field("mcast-vpn") {
        Some(Value::Word(kind)) if kind == "shared-join" => MvpnRoute::SharedJoin(CMulticast {
            rd,
            source_as: source_as()?,
            source: ip("rp")?,
            group: ip("group")?,
        }),
        Some(Value::Word(kind)) if kind == "source-join" => MvpnRoute::SourceJoin(CMulticast {
            rd,
            source_as: source_as()?,
            source: ip("source")?,
            group: ip("group")?,
        }),
        _ => MvpnRoute::SourceAd(SourceAd {
            rd,
            source: ip("source")?,
            group: ip("group")?,
        }),
    };
    Ok(Nlri::Mvpn(Box::new(Mvpn::new(route.family.afi, mvpn))))
}

#[cfg(test)]
mod tests {
    use crate::configuration::Configuration;
    use bytes::BytesMut;
    use std::path::Path;

    #[test]
    fn source_ad_conf_mvpn() {
        let text = "neighbor 127.0.0.1 {\n router-id 32.32.32.32;\n local-as 65000;\n peer-as 65000;\n \
                    family { ipv6 mcast-vpn; }\n announce {\n ipv6 {\n \
                    mcast-vpn source-ad source fd12::4 group ff0e::1 rd 65000:99999 next-hop 10.10.6.4 extended-community [ target:65000:99999 ];\n \
                    }\n }\n}\n";
        let configuration = Configuration::parse(text, Path::new("test.conf")).unwrap();
        let change = &configuration.neighbors[0].changes[0];
        let crate::bgp::message::update::nlri::Nlri::Mvpn(mvpn) = &change.nlri else {
            panic!("{:?}", change.nlri)
        };
        let mut out = BytesMut::new();
        mvpn.encode(false, &mut out);
        let hex: String = crate::util::hex::upper(&out);
        // conf-mvpn.ci, the last raw line's NLRI
        assert_eq!(hex, "052A0000FDE80001869F80FD12000000000000000000000000000480FF0E0000000000000000000000000001");
        assert_eq!(change.nexthop, Some("10.10.6.4".parse().unwrap()));
    }
}
