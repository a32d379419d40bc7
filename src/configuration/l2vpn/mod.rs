//! Ports `exabgp/configuration/l2vpn/` (`__init__.py`, vpls.py): `l2vpn { vpls [NAME] endpoint N
//! base N offset N size N rd RD next-hop IP ...; }` (RFC 4761 §3.2.2).

use super::core::parser::{Node, Section, Words};
use super::core::{Error, Location, Result};
use super::r#static::route::{self, Field, Route, RouteKind, Value};
use super::r#static::Sink;
use super::schema::{Container, Keyword, Kind};
use crate::bgp::message::update::nlri::{Nlri, PathInfo, RouteDistinguisher, Vpls};
use crate::protocol::family::{Family, Safi};

pub fn parse(section: &Section, routes: &mut Sink<'_>) -> Result<()> {
    section.args().finish()?;
    for node in &section.body {
        match node {
            Node::Statement(statement) if statement.keyword() == "vpls" => {
                routes.push(vpls(&mut statement.args(), statement.location())?);
            }
            Node::Section(inner) if inner.keyword() == "vpls" => {
                let mut route = vpls_fields(&mut inner.args(), inner.location(), false)?;
                for node in &inner.body {
                    let Node::Statement(statement) = node else {
                        return Err(Error::new(inner.location(), "unexpected section in vpls"));
                    };
                    let mut words = statement.args();
                    let keyword = statement.keyword();
                    let value = match vpls_keyword(keyword, &mut words)? {
                        Some(value) => value,
                        None => route::attribute(keyword, &mut words)?.ok_or_else(|| {
                            Error::new(
                                statement.location(),
                                format!("unknown vpls keyword '{keyword}'"),
                            )
                        })?,
                    };
                    words.finish()?;
                    route.fields.push(Field {
                        keyword: route::keyword(keyword),
                        value,
                        location: statement.location(),
                    });
                }
                check(&route)?;
                routes.push(route);
            }
            Node::Statement(statement) => {
                return Err(Error::new(
                    statement.location(),
                    format!(
                        "unknown statement '{}' in l2vpn: expected vpls",
                        statement.keyword()
                    ),
                ))
            }
            Node::Section(inner) => {
                return Err(Error::new(
                    inner.location(),
                    format!(
                        "unknown section '{}' in l2vpn: expected vpls",
                        inner.keyword()
                    ),
                ))
            }
        }
    }
    Ok(())
}

fn vpls_keyword(keyword: &str, words: &mut Words<'_>) -> Result<Option<Value>> {
    Ok(Some(match keyword {
        "endpoint" | "base" | "offset" | "size" => {
            Value::Number(words.number::<u32>("a number")?.into())
        }
        _ => return Ok(None),
    }))
}

fn vpls_fields(words: &mut Words<'_>, location: Location, complete: bool) -> Result<Route> {
    // an optional name comes first
    if words.peek().is_some_and(|t| {
        !matches!(
            &*t.text,
            "endpoint" | "base" | "offset" | "size" | "rd" | "route-distinguisher"
        ) && route::attribute(&t.text, &mut words.clone())
            .ok()
            .flatten()
            .is_none()
    }) {
        words.token("")?;
    }
    let mut fields = Vec::new();
    route::fields(words, &mut fields, &mut vpls_keyword)?;
    let route = Route {
        location,
        family: Family::new(crate::protocol::family::Afi::L2VPN, Safi::VPLS),
        kind: RouteKind::Vpls,
        prefix: None,
        fields,
    };
    if complete {
        check(&route)?;
    }
    Ok(route)
}

/// A one-line `vpls ...` route.
pub fn vpls(words: &mut Words<'_>, location: Location) -> Result<Route> {
    vpls_fields(words, location, true)
}

/// The keywords of the VPLS NLRI, read by `nlri`; the others are path attributes.
pub const NLRI_KEYWORDS: &[&str] = &[
    "endpoint",
    "base",
    "offset",
    "size",
    "rd",
    "route-distinguisher",
];

/// The `l2vpn { }` section's schema: the keywords of a `vpls` (its NLRI's, then the route
/// attributes), as ExaBGP lists them, and the `vpls` block taking them.
pub(crate) fn schema() -> Container {
    let nlri: Vec<Keyword> = NLRI_KEYWORDS
        .iter()
        .map(|name| match *name {
            "rd" | "route-distinguisher" => Keyword::new(name, Kind::Rd, "Route distinguisher"),
            _ => Keyword::new(name, Kind::Number, "VPLS NLRI field (RFC 4761)"),
        })
        .collect();
    let vpls = Container::new("vpls [NAME] { keyword value; ... } or vpls keyword value ...;")
        .leaves(&nlri)
        .leaves(route::KEYWORDS);
    Container::new("VPLS routes (RFC 4761)")
        .leaves(&nlri)
        .leaves(route::KEYWORDS)
        .section("vpls", vpls)
}

/// The VPLS NLRI of a checked route (ExaBGP's `VPLS.from_settings`).
pub fn nlri(route: &Route) -> Result<Nlri> {
    let number = |keyword: &str| match route.field(keyword) {
        Some(Value::Number(n)) => Ok(*n),
        _ => Err(Error::new(
            route.location,
            format!("a vpls route needs '{keyword}'"),
        )),
    };
    let field = |keyword: &str| route.fields.iter().find(|f| f.keyword == keyword);
    let small = |keyword: &str| {
        let n = number(keyword)?;
        u16::try_from(n).map_err(|_| {
            Error::new(
                field(keyword).map_or(route.location, |f| f.location),
                format!("the vpls {keyword} is a 16-bit number, not {n}"),
            )
        })
    };
    let rd_field = field("rd")
        .or_else(|| field("route-distinguisher"))
        .ok_or_else(|| Error::new(route.location, "a vpls route needs 'rd'"))?;
    let rd = match &rd_field.value {
        Value::Word(text) => {
            RouteDistinguisher::parse(text).map_err(|why| Error::new(rd_field.location, why))?
        }
        _ => return Err(Error::new(rd_field.location, "invalid route-distinguisher")),
    };
    let size = small("size")?;
    let base = number("base")?;
    // ExaBGP's feedback: the label block must fit the 20-bit label space
    if base > u64::from(0xF_FFFF - u32::from(size)) {
        return Err(Error::new(
            route.location,
            "vpls nlri size inconsistency: base + size exceeds the 20-bit label space",
        ));
    }
    Ok(Nlri::Vpls(Vpls {
        rd,
        endpoint: small("endpoint")?,
        offset: small("offset")?,
        size,
        base: base as u32,
        path_info: PathInfo::Disabled,
    }))
}

fn check(route: &Route) -> Result<()> {
    for needed in ["endpoint", "base", "offset", "size", "rd"] {
        let has = route
            .fields
            .iter()
            .any(|f| f.keyword == needed || (needed == "rd" && f.keyword == "route-distinguisher"));
        if !has {
            return Err(Error::new(
                route.location,
                format!("a vpls route needs '{needed}'"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::bgp::message::open::capability::negotiated::Negotiated;
    use crate::bgp::message::update::{RoutedNlri, Update};
    use crate::configuration::Configuration;
    use crate::protocol::family::{Afi, Family, Safi};
    use std::path::Path;

    #[test]
    fn vpls_block_conf_l2vpn() {
        let text = "neighbor 127.0.0.1 {\n router-id 127.0.0.1;\n local-address 127.0.0.1;\n local-as 54591;\n peer-as 54591;\n \
                    family { l2vpn vpls; }\n l2vpn {\n vpls site5 {\n endpoint 5; base 10732; offset 1; size 8;\n \
                    next-hop 192.168.201.1; origin igp; as-path [ 30740 30740 30740 30740 30740 30740 30740 ];\n \
                    local-preference 1; med 2000; rd 192.168.201.1:124; community [ 54591:123];\n \
                    extended-community [ target:54591:6 l2info:19:0:1500:111]; originator-id 192.168.22.1;\n \
                    cluster-list [ 3.3.3.3 192.168.201.1 ];\n }\n }\n}\n";
        let configuration = Configuration::parse(text, Path::new("test.conf")).unwrap();
        let change = &configuration.neighbors[0].changes[0];
        let negotiated = Negotiated {
            local_as: 54591,
            peer_as: 54591,
            families: vec![Family::new(Afi::L2VPN, Safi::VPLS)],
            ..Negotiated::default()
        };
        let update = Update {
            announces: vec![RoutedNlri {
                nlri: change.nlri.clone(),
                nexthop: change.nexthop,
            }],
            attributes: (*change.attributes).clone(),
            ..Update::default()
        };
        let hex = crate::util::hex::upper(&update.messages(&negotiated, true).concat());
        // conf-l2vpn.ci, second raw line: no NEXT_HOP attribute, MP_REACH with a 4-byte next-hop
        assert_eq!(hex, "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0095020000007E4001010040021E020700007814000078140000781400007814000078140000781400007814800404000007D040050400000001C00804D53F007B800904C0A81601800A0803030303C0A8C901C010100002D53F00000006800A130005DC006F800E1C00194104C0A8C9010000110001C0A8C901007C000500010008029EC1");
    }

    #[test]
    fn vpls_label_block_must_fit() {
        let text = "neighbor 127.0.0.1 {\n router-id 127.0.0.1;\n local-as 1;\n peer-as 1;\n \
                    l2vpn {\n vpls rd 1:1 endpoint 5 base 1048570 offset 1 size 8 next-hop 1.1.1.1;\n }\n}\n";
        let error = Configuration::parse(text, Path::new("x.conf")).unwrap_err();
        assert!(error.to_string().contains("size inconsistency"), "{error}");
    }
}
