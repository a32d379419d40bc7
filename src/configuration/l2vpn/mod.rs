//! Ports `exabgp/configuration/l2vpn/` (`__init__.py`, vpls.py): `l2vpn { vpls [NAME] endpoint N
//! base N offset N size N rd RD next-hop IP ...; }` (RFC 4761 §3.2.2).

use super::core::parser::{Node, Section, Words};
use super::core::{Error, Location, Result};
use super::r#static::route::{self, Field, Route, RouteKind, Value};
use crate::protocol::family::{Family, Safi};

pub fn parse(section: &Section, routes: &mut Vec<Route>) -> Result<()> {
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
                        keyword: keyword.to_string(),
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
            t.text.as_str(),
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
