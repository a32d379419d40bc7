//! Ports `exabgp/configuration/static/__init__.py`: `static { route PREFIX ...; route PREFIX {
//! ... } sr-policy ...; }`.

pub mod parser;
pub mod route;
pub mod sr_policy;

use self::route::{Field, Route, RouteKind};
use super::core::parser::{Node, Section, Words};
use super::core::{Error, Location, Result};

/// Parses a `static` section into routes.
pub fn parse(section: &Section, routes: &mut Vec<Route>) -> Result<()> {
    section.args().finish()?;
    for node in &section.body {
        match node {
            Node::Statement(statement) => match statement.keyword() {
                "route" => {
                    let mut words = statement.args();
                    routes.push(ip_route(&mut words, statement.location(), None)?);
                }
                "sr-policy" => {
                    let mut words = statement.args();
                    routes.push(sr_policy::parse(&mut words, statement.location(), None)?);
                }
                other => {
                    return Err(Error::new(
                        statement.location(),
                        format!(
                            "unknown statement '{other}' in static: expected route or sr-policy"
                        ),
                    ))
                }
            },
            Node::Section(inner) if inner.keyword() == "route" => {
                let mut words = inner.args();
                let prefix = route::prefix(&mut words)?;
                let mut fields = Vec::new();
                route::fields(&mut words, &mut fields, &mut |_, _| Ok(None))?;
                for node in &inner.body {
                    let statement = match node {
                        Node::Statement(statement) => statement,
                        Node::Section(nested) => {
                            return Err(Error::new(
                                nested.location(),
                                format!("unexpected section '{}' in route", nested.keyword()),
                            ))
                        }
                    };
                    let mut words = statement.args();
                    let value =
                        route::attribute(statement.keyword(), &mut words)?.ok_or_else(|| {
                            Error::new(
                                statement.location(),
                                format!("unknown route keyword '{}'", statement.keyword()),
                            )
                        })?;
                    words.finish()?;
                    fields.push(Field {
                        keyword: statement.keyword().to_string(),
                        value,
                        location: statement.location(),
                    });
                }
                fields.shrink_to_fit();
                let family = route::ip_family(prefix.0, &fields, None);
                routes.push(Route {
                    location: inner.location(),
                    family,
                    kind: RouteKind::Ip,
                    prefix: Some(prefix),
                    fields,
                });
            }
            Node::Section(inner) => {
                return Err(Error::new(
                    inner.location(),
                    format!(
                        "unknown section '{}' in static: expected route",
                        inner.keyword()
                    ),
                ))
            }
        }
    }
    Ok(())
}

/// `PREFIX keyword value ...` of an IP route; `safi` forces the family (announce sections).
pub fn ip_route(
    words: &mut Words<'_>,
    location: Location,
    safi: Option<crate::protocol::family::Safi>,
) -> Result<Route> {
    let prefix = route::prefix(words)?;
    let mut fields = Vec::new();
    route::fields(words, &mut fields, &mut |_, _| Ok(None))?;
    let family = route::ip_family(prefix.0, &fields, safi);
    Ok(Route {
        location,
        family,
        kind: RouteKind::Ip,
        prefix: Some(prefix),
        fields,
    })
}
