//! Ports `exabgp/configuration/static/__init__.py`: `static { route PREFIX ...; route PREFIX {
//! ... } sr-policy ...; }`.

pub mod parser;
pub mod route;
pub mod sr_policy;

use self::parser::{Prepared, Table};
use self::route::{Field, Route, RouteKind};
use super::core::parser::{Node, Section, Words};
use super::core::{Error, Location, Result};

/// Where the routes of a section go.
pub enum Sink<'a> {
    /// A configuration's: built into the neighbour's table as they come, with the route
    /// statements read straight from the token stream (`Section::routes`, `own` as
    /// `Prepared::take`).
    Table {
        table: &'a mut Table,
        prepared: &'a mut Prepared,
        own: bool,
    },
    /// An API command's: kept in their neutral form.
    Neutral(&'a mut Vec<Route>),
}

impl Sink<'_> {
    pub fn push(&mut self, route: Route) {
        match self {
            Sink::Table {
                table, prepared, ..
            } => table.add(route, &mut prepared.interned),
            Sink::Neutral(routes) => routes.push(route),
        }
    }

    /// The groups of route statements of `section` read before its node `before` (every
    /// one left with `usize::MAX`), from `*next` on (advanced past them).
    pub fn groups(&mut self, section: &Section, next: &mut usize, before: usize) -> Result<()> {
        while let Some(&(at, group)) = section.routes.get(*next) {
            if at > before {
                break;
            }
            *next += 1;
            match self {
                Sink::Table {
                    table,
                    prepared,
                    own,
                } => prepared.take(group, *own, table)?,
                // the sections of an API command are built from its words: they have none
                Sink::Neutral(_) => {}
            }
        }
        Ok(())
    }
}

/// Parses a `static` section into routes.
pub fn parse(section: &Section, routes: &mut Sink<'_>) -> Result<()> {
    section.args().finish()?;
    let mut next = 0;
    for (index, node) in section.body.iter().enumerate() {
        routes.groups(section, &mut next, index)?;
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
                        keyword: route::keyword(statement.keyword()),
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
    routes.groups(section, &mut next, usize::MAX)
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
