//! Ports `exabgp/configuration/configuration.py`: reads a configuration file into processes and
//! neighbours.
//!
//! The file is tokenised (`core::format`), grouped into sections (`core::parser`), then each
//! top-level section is checked by its own module, as ExaBGP's `Section` classes do. Routes are
//! kept in a checked, neutral form (`r#static::route::Route`) until the UPDATE types build them.

pub mod announce;
pub mod capability;
pub mod core;
pub mod flow;
pub mod l2vpn;
pub mod neighbor;
pub mod operational;
pub mod process;
pub mod r#static;
pub mod tcpao;

use self::core::parser::{Node, Section};
use self::core::{Error, Result};
use crate::bgp::neighbor::Neighbor;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use self::flow::FlowRoute;
pub use self::neighbor::api::{Api, Direction};
pub use self::operational::Operational;
pub use self::process::{Encoder, Process};
pub use self::r#static::parser::Change;
pub use self::r#static::route::{Field, Route, RouteKind, Value};

#[cfg(test)]
mod tests;

/// One neighbour with what the configuration attaches to it besides its session settings.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PeerConfig {
    pub neighbor: Neighbor,
    /// The merged `api { }` blocks (ExaBGP's `ParseAPI.flatten`).
    pub api: Api,
    /// `static`, `announce` and `l2vpn` routes, in file order, in their checked neutral form.
    pub routes: Vec<Route>,
    /// The routes whose family has NLRI types (IPv4/IPv6 unicast, multicast, mpls-vpn), built for
    /// this neighbour (`next-hop self` resolved, `split` applied), in file order.
    pub changes: Vec<Change>,
    /// `flow { route NAME { } }` rules.
    pub flows: Vec<FlowRoute>,
    pub operational: Vec<Operational>,
}

/// A whole configuration file.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Configuration {
    /// The file it was read from.
    pub path: PathBuf,
    /// `process NAME { }` sections, in file order.
    pub processes: Vec<Process>,
    pub neighbors: Vec<PeerConfig>,
}

impl Configuration {
    /// Reads and checks the configuration at `path`.
    pub fn load(path: &Path) -> Result<Configuration> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::new(
                self::core::Location { line: 0, column: 0 },
                format!("can not read the configuration: {e}"),
            )
            .in_file(&name)
        })?;
        Configuration::parse(&text, path)
    }

    /// Checks `text`, as if read from `path` (`run` programs are resolved from its folder;
    /// errors name it).
    pub fn parse(text: &str, path: &Path) -> Result<Configuration> {
        Configuration::parse_text(text, path).map_err(|e| e.in_file(&path.display().to_string()))
    }

    fn parse_text(text: &str, path: &Path) -> Result<Configuration> {
        let tokens = self::core::format::tokens(text)?;
        let nodes = self::core::parser::tree(&tokens)?;
        let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();

        let mut configuration = Configuration {
            path: path.to_path_buf(),
            ..Configuration::default()
        };
        let mut templates: HashMap<String, &Section> = HashMap::new();
        let mut neighbors: Vec<&Section> = Vec::new();

        for node in &nodes {
            let section = match node {
                Node::Section(section) => section,
                Node::Statement(statement) => {
                    return Err(Error::new(
                        statement.location(),
                        format!(
                            "unknown statement '{}' at the top level: expected process, template or neighbor",
                            statement.keyword()
                        ),
                    ))
                }
            };
            match section.keyword() {
                "process" => {
                    let process = process::parse(section, &folder)?;
                    if configuration
                        .processes
                        .iter()
                        .any(|p| p.name == process.name)
                    {
                        return Err(Error::new(
                            section.location(),
                            format!(
                                "a process section called \"{}\" already exists",
                                process.name
                            ),
                        ));
                    }
                    configuration.processes.push(process);
                }
                "template" => {
                    section.args().finish()?;
                    for inner in &section.body {
                        let template = match inner {
                            Node::Section(template) if template.keyword() == "neighbor" => template,
                            Node::Section(other) => {
                                return Err(Error::new(
                                    other.location(),
                                    format!("unknown section '{}' in template: expected neighbor", other.keyword()),
                                ))
                            }
                            Node::Statement(other) => {
                                return Err(Error::new(
                                    other.location(),
                                    format!("unknown statement '{}' in template: expected a neighbor section", other.keyword()),
                                ))
                            }
                        };
                        let mut args = template.args();
                        let name = args.next("a template name")?;
                        args.finish()?;
                        if templates.insert(name.to_string(), template).is_some() {
                            return Err(Error::new(
                                template.location(),
                                format!("duplicate template '{name}'"),
                            ));
                        }
                        // a template is checked on its own too, so its errors point at it
                        neighbor::check_template(template)?;
                    }
                }
                "neighbor" => neighbors.push(section),
                other => {
                    return Err(Error::new(
                        section.location(),
                        format!(
                            "unknown section '{other}': expected process, template or neighbor"
                        ),
                    ))
                }
            }
        }

        for section in neighbors {
            let peers = neighbor::parse(section, &templates)?;
            for peer in peers {
                let duplicate = configuration.neighbors.iter().any(|p| {
                    p.neighbor.peer_address == peer.neighbor.peer_address
                        && p.neighbor.local_address == peer.neighbor.local_address
                        && p.neighbor.families == peer.neighbor.families
                });
                if duplicate {
                    return Err(Error::new(
                        section.location(),
                        format!("duplicate peer definition {}", peer.neighbor.peer_address),
                    ));
                }
                peer.api
                    .check(&configuration.processes, section.location(), &peer.neighbor)?;
                configuration.neighbors.push(peer);
            }
        }
        Ok(configuration)
    }
}
