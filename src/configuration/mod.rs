//! Ports `exabgp/configuration/configuration.py`: reads a configuration file into processes and
//! neighbours.
//!
//! The file is tokenised (`core::format`), grouped into sections (`core::parser`), then each
//! top-level section is checked by its own module, as ExaBGP's `Section` classes do. Route
//! statements are checked (`r#static::route::Route`) and built into `Change`s as they are read
//! (`Reader`, `r#static::parser::Table`): a table of a million routes is never held as tokens,
//! statements or neutral routes.

pub mod announce;
pub mod capability;
pub mod core;
pub(crate) mod encoder;
pub mod flow;
pub mod l2vpn;
pub mod neighbor;
pub mod operational;
pub mod process;
pub(crate) mod schema;
pub mod r#static;
pub mod tcpao;

use self::core::format::{Kind, Token};
use self::core::parser::{Node, Section, Tree, Words};
use self::core::{Error, Result};
use self::r#static::parser::Prepared;
use crate::bgp::neighbor::Neighbor;
use crate::protocol::family::Afi;
use crate::rib::Change;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

pub use self::flow::FlowRoute;
pub use self::neighbor::api::{Api, Direction};
pub use self::operational::Operational;
pub use self::process::{Encoder, Process, Programs};
pub use self::r#static::route::{Field, Route, RouteKind, Value};

#[cfg(test)]
mod tests;

/// One neighbour with what the configuration attaches to it besides its session settings.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PeerConfig {
    pub neighbor: Neighbor,
    /// The merged `api { }` blocks (ExaBGP's `ParseAPI.flatten`).
    pub api: Api,
    /// The `static`, `announce` and `l2vpn` routes built for this neighbour (`next-hop self`
    /// resolved, `split` applied), in file order, then the `flow` rules.
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
    /// Reads and checks the configuration at `path`, its `process` programs included.
    pub fn load(path: &Path) -> Result<Configuration> {
        Configuration::load_with(path, Programs::Locate)
    }

    /// Reads and checks the configuration at `path`, `programs` saying whether the `process`
    /// programs must exist.
    pub fn load_with(path: &Path, programs: Programs) -> Result<Configuration> {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| {
            Error::new(
                self::core::Location { line: 0, column: 0 },
                format!("can not read the configuration: {e}"),
            )
            .in_file(&name)
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            // where the first bad byte is, as any other error is located
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let line = valid.split('\n').count();
            let column = valid
                .rsplit('\n')
                .next()
                .unwrap_or_default()
                .chars()
                .count()
                + 1;
            Error::new(
                self::core::Location {
                    line: u32::try_from(line).unwrap_or(u32::MAX),
                    column: u32::try_from(column).unwrap_or(u32::MAX),
                },
                "the configuration is not UTF-8 text".to_string(),
            )
            .in_file(&name)
        })?;
        // the tree owns its words: the file is not kept while the neighbours are read
        let (nodes, prepared) = Configuration::nodes(&text).map_err(|e| e.in_file(&name))?;
        drop(text);
        Configuration::from_nodes(nodes, prepared, path, programs).map_err(|e| e.in_file(&name))
    }

    /// Checks `text`, as if read from `path` (`run` programs are resolved from its folder;
    /// errors name it).
    pub fn parse(text: &str, path: &Path) -> Result<Configuration> {
        Configuration::nodes(text)
            .and_then(|(nodes, prepared)| {
                Configuration::from_nodes(nodes, prepared, path, Programs::Locate)
            })
            .map_err(|e| e.in_file(&path.display().to_string()))
    }

    /// The section tree of `text`, and the routes read beside it.
    fn nodes(text: &str) -> Result<(Vec<Node>, Prepared)> {
        let mut reader = Reader::default();
        self::core::format::tokenize(text, |token| reader.push(token))?;
        reader.finish()
    }

    fn from_nodes(
        nodes: Vec<Node>,
        mut prepared: Prepared,
        path: &Path,
        programs: Programs,
    ) -> Result<Configuration> {
        let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();

        let mut configuration = Configuration {
            path: path.to_path_buf(),
            ..Configuration::default()
        };
        // sections are moved out of the tree so that a neighbour's statements (a million
        // routes' tokens) can be dropped as soon as it is read
        let mut template_names: HashSet<String> = HashSet::new();
        let mut template_blocks: Vec<Section> = Vec::new();
        let mut neighbors: Vec<Section> = Vec::new();

        for node in nodes {
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
            let keyword = section.keyword().to_string();
            match keyword.as_str() {
                "process" => {
                    let process = process::parse(&section, &folder, programs)?;
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
                        if !template_names.insert(name.to_string()) {
                            return Err(Error::new(
                                template.location(),
                                format!("duplicate template '{name}'"),
                            ));
                        }
                        // a template is checked on its own too, so its errors point at it
                        neighbor::check_template(template, &mut prepared)?;
                    }
                    template_blocks.push(section);
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

        let mut templates: HashMap<String, &Section> = HashMap::new();
        for block in &template_blocks {
            for inner in &block.body {
                if let Node::Section(template) = inner {
                    let name = template.args().next("a template name")?;
                    templates.insert(name.to_string(), template);
                }
            }
        }

        for section in neighbors {
            let location = section.location();
            let peers = neighbor::parse(section, &templates, &mut prepared)?;
            for peer in peers {
                let duplicate = configuration.neighbors.iter().any(|p| {
                    p.neighbor.peer_address == peer.neighbor.peer_address
                        && p.neighbor.local_address == peer.neighbor.local_address
                        && p.neighbor.families == peer.neighbor.families
                });
                if duplicate {
                    return Err(Error::new(
                        location,
                        format!("duplicate peer definition {}", peer.neighbor.peer_address),
                    ));
                }
                peer.api
                    .check(&configuration.processes, location, &peer.neighbor)?;
                configuration.neighbors.push(peer);
            }
        }
        Ok(configuration)
    }
}

/// What a section reads straight from the token stream.
#[derive(Clone, Copy)]
enum Streams {
    /// `route PREFIX ...;` in `static`.
    Static,
    /// `unicast PREFIX ...;` (and the other `announce::IP_ANNOUNCEMENTS`) in
    /// `announce { ipv4 { } }` or `ipv6`.
    Announce(Afi),
}

/// Reads tokens into the section tree (`core::parser::Tree`), except route statements of
/// `static` and of `announce { ipv4|ipv6 { } }` sections: those are checked and built as they
/// are read, their words borrowed from the file, into groups beside the tree (`Prepared`)
/// that their section names (`Section::routes`).
#[derive(Default)]
struct Reader<'t> {
    tree: Tree,
    prepared: Prepared,
    /// What the section being read streams, if anything.
    streams: Option<Streams>,
    /// The words of the statement being read in such a section.
    words: Vec<Token<'t>>,
}

impl<'t> Reader<'t> {
    fn push(&mut self, token: Token<'t>) -> Result<()> {
        let streams = match self.streams {
            Some(_) if matches!(token.kind, Kind::Word | Kind::Quoted) => {
                self.words.push(token);
                return Ok(());
            }
            // a route may end at its section's '}' as at ';' (`core::parser::Tree`)
            Some(streams)
                if matches!(token.kind, Kind::End | Kind::Close) && !self.words.is_empty() =>
            {
                streams
            }
            _ => return self.tree_reads(token),
        };
        let keyword = &*self.words[0].text;
        let streamed = match streams {
            Streams::Static => keyword == "route",
            Streams::Announce(_) => announce::IP_ANNOUNCEMENTS.contains(&keyword),
        };
        if !streamed {
            return self.tree_reads(token);
        }
        let group = match self.tree.route_group() {
            Some(group) => group,
            None => {
                let group = self.prepared.start();
                self.tree.add_route_group(group);
                group
            }
        };
        // after an error its section is not read further: nothing needs building
        if !self.prepared.failed(group) {
            let at = self.words[0].location;
            let mut words = Words::new(&self.words, token.location);
            let route = match streams {
                Streams::Static => r#static::ip_route(&mut words, at, None),
                Streams::Announce(afi) => announce::ip_announcement(afi, keyword, &mut words, at),
            };
            self.prepared.add(group, route);
        }
        self.words.clear();
        if token.kind == Kind::Close {
            return self.tree_reads(token);
        }
        Ok(())
    }

    /// Hands the words read so far and `token` to the tree.
    fn tree_reads(&mut self, token: Token<'t>) -> Result<()> {
        for word in self.words.drain(..) {
            self.tree.push(word)?;
        }
        let structure = matches!(token.kind, Kind::Open | Kind::Close);
        self.tree.push(token)?;
        if structure {
            let mut path = self.tree.path().rev();
            self.streams = match (path.next(), path.next()) {
                (Some("static"), _) => Some(Streams::Static),
                (Some("ipv4"), Some("announce")) => Some(Streams::Announce(Afi::IPV4)),
                (Some("ipv6"), Some("announce")) => Some(Streams::Announce(Afi::IPV6)),
                _ => None,
            };
        }
        Ok(())
    }

    fn finish(mut self) -> Result<(Vec<Node>, Prepared)> {
        for word in self.words.drain(..) {
            self.tree.push(word)?;
        }
        Ok((self.tree.finish()?, self.prepared))
    }
}
