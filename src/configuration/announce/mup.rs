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

#[cfg(test)]
mod tests {
    use crate::bgp::message::update::nlri::Nlri;
    use crate::configuration::announce::{parse_text, Announcement};
    use crate::configuration::r#static::parser::build;
    use crate::configuration::Configuration;
    use bytes::BytesMut;
    use std::path::Path;

    /// API commands reuse the configuration grammar; each builds the NLRI ExaBGP sends
    /// (bytes from conf-srv6-mup.ci, api-vpls.ci, api-mvpn.ci, conf-vpn.ci).
    #[test]
    fn api_announcements_build_nlri() {
        let text = "neighbor 127.0.0.1 {\n router-id 10.0.0.1;\n local-address 127.0.0.1;\n local-as 65000;\n peer-as 65000;\n}\n";
        let configuration = Configuration::parse(text, Path::new("api.conf")).unwrap();
        let neighbor = &configuration.neighbors[0].neighbor;
        let cases = [
            ("ipv6 mup mup-t2st 2001::1 rd 100:100 teid 12345/32 next-hop 10.0.0.2 extended-community [target:10:10 mup:10:10]",
             "0100041D0000006400000064A02001000000000000000000000000000100003039"),
            ("ipv4 mup mup-isd 10.0.1.0/24 rd 100:100 next-hop 2001::1 bgp-prefix-sid-srv6 ( l3-service 2001:db8:1:1:: 0x48 [64,24,16,0,0,0] )",
             "0100010C0000006400000064180A0001"),
            ("vpls rd 192.168.201.1:123 endpoint 5 base 10702 offset 1 size 8 next-hop 192.168.201.1",
             "00110001C0A8C901007B000500010008029CE1"),
            ("ipv4 mcast-vpn source-ad source 10.99.12.4 group 239.251.255.228 rd 65000:99999 next-hop 10.10.6.4",
             "05120000FDE80001869F200A630C0420EFFBFFE4"),
            ("route 10.0.0.0/25 next-hop 200.10.0.101 rd 65000:1 label 1000",
             "71003E810000FDE8000000010A000000"),
        ];
        for (command, nlri) in cases {
            let Announcement::Route(route) = parse_text(command).unwrap() else {
                panic!("{command}")
            };
            let changes = build(&route, neighbor).unwrap().unwrap();
            let mut out = BytesMut::new();
            let negotiated = Default::default();
            changes[0].nlri.encode(&negotiated, &mut out);
            let hex: String = crate::util::hex::upper(&out);
            assert_eq!(hex, nlri, "{command}");
        }
        // an IPv4 next-hop of an IPv6 MUP route is IPv4-mapped (conf-srv6-mup.ci)
        let Announcement::Route(route) = parse_text(cases[0].0).unwrap() else {
            panic!()
        };
        let changes = build(&route, neighbor).unwrap().unwrap();
        assert_eq!(changes[0].nexthop, Some("::ffff:10.0.0.2".parse().unwrap()));
        assert!(matches!(changes[0].nlri, Nlri::Mup(_)));
    }
}
