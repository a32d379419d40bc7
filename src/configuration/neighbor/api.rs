//! Ports `exabgp/configuration/neighbor/api.py`: the `api { }` sections of a neighbour, merged
//! as ExaBGP's `ParseAPI.flatten` does.

use crate::bgp::neighbor::Neighbor;
use crate::configuration::core::parser::{Node, Section};
use crate::configuration::core::{Error, Location, Result};
use crate::configuration::process::Process;

/// Which messages go to the helpers, in one direction.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Direction {
    pub parsed: bool,
    pub packets: bool,
    pub consolidate: bool,
    pub open: bool,
    pub update: bool,
    pub notification: bool,
    pub keepalive: bool,
    pub refresh: bool,
    pub operational: bool,
}

/// What a neighbour's helpers receive.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Api {
    pub processes: Vec<String>,
    /// Regular expressions matched against process names (ExaBGP's `re.match`: anchored at the start).
    pub processes_match: Vec<String>,
    pub neighbor_changes: bool,
    pub negotiated: bool,
    pub fsm: bool,
    pub signal: bool,
    pub send: Direction,
    pub receive: Direction,
    /// Where the first `processes` statement was, for errors found later.
    pub location: Location,
    /// Each `api { }` section on its own: ExaBGP sends a message only to the processes of the
    /// sections that subscribed to it.
    pub sections: Vec<Api>,
}

impl Api {
    /// Merges one `api [NAME] { }` section into this one, and keeps it in `sections`.
    pub fn parse(&mut self, section: &Section) -> Result<()> {
        self.merge(section)?;
        let mut alone = Api::default();
        alone.merge(section)?;
        self.sections.push(alone);
        Ok(())
    }

    fn merge(&mut self, section: &Section) -> Result<()> {
        let mut args = section.args();
        if !args.is_empty() {
            args.next("an api name")?;
        }
        args.finish()?;
        for node in &section.body {
            match node {
                Node::Section(inner) => {
                    let direction = match inner.keyword() {
                        "send" => &mut self.send,
                        "receive" => &mut self.receive,
                        other => {
                            return Err(Error::new(
                                inner.location(),
                                format!(
                                    "unknown section '{other}' in api: expected send or receive"
                                ),
                            ))
                        }
                    };
                    inner.args().finish()?;
                    parse_direction(inner, direction)?;
                }
                Node::Statement(statement) => {
                    let mut words = statement.args();
                    match statement.keyword() {
                        "processes" | "processes-match" => {
                            if self.processes.is_empty() && self.processes_match.is_empty() {
                                self.location = statement.location();
                            }
                            let items = words.list("a process name")?;
                            let target = if statement.keyword() == "processes" {
                                &mut self.processes
                            } else {
                                &mut self.processes_match
                            };
                            target.extend(items.iter().map(|t| t.text.to_string()));
                        }
                        "neighbor-changes" => self.neighbor_changes = words.boolean(true)?,
                        "negotiated" => self.negotiated = words.boolean(true)?,
                        "fsm" => self.fsm = words.boolean(true)?,
                        "signal" => self.signal = words.boolean(true)?,
                        other => {
                            return Err(Error::new(
                                statement.location(),
                                format!(
                                    "unknown statement '{other}' in api: expected processes, processes-match, \
                                     neighbor-changes, negotiated, fsm, signal, send or receive"
                                ),
                            ))
                        }
                    }
                    words.finish()?;
                }
            }
        }
        Ok(())
    }

    /// Checks the processes named exist (ExaBGP's `configuration.py` `_reload`).
    pub fn check(&self, processes: &[Process], at: Location, neighbor: &Neighbor) -> Result<()> {
        let at = if self.location == Location::default() {
            at
        } else {
            self.location
        };
        if !self.processes.is_empty() && !self.processes_match.is_empty() {
            return Err(Error::new(
                at,
                format!(
                    "processes and processes-match are mutually exclusive, verify neighbor '{}' configuration",
                    neighbor.peer_address
                ),
            ));
        }
        for name in &self.processes {
            if !processes.iter().any(|p| &p.name == name) {
                return Err(Error::new(
                    at,
                    format!(
                        "an api called '{name}' is used by neighbor '{}' but not defined",
                        neighbor.peer_address
                    ),
                ));
            }
        }
        for pattern in &self.processes_match {
            if !processes.iter().any(|p| regex_match(pattern, &p.name)) {
                return Err(Error::new(
                    at,
                    format!(
                        "no process matches the regex '{pattern}' for neighbor '{}'",
                        neighbor.peer_address
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Whether this api sends to `process` (`targets` contains it), without building the list:
    /// asked for every command a helper sends.
    pub fn sends_to(&self, processes: &[Process], process: &str) -> bool {
        self.target_names(processes).any(|name| name == process)
    }

    /// The process names this api sends to.
    pub fn targets(&self, processes: &[Process]) -> Vec<String> {
        self.target_names(processes).map(str::to_string).collect()
    }

    /// `targets`, borrowed: asked for every message a helper gets.
    pub fn target_names<'a>(&'a self, processes: &'a [Process]) -> impl Iterator<Item = &'a str> {
        let named = self.processes.iter().map(String::as_str);
        let matched = processes
            .iter()
            .filter(|p| self.processes_match.iter().any(|m| regex_match(m, &p.name)))
            .map(|p| p.name.as_str());
        // a list of names, else the processes the regexes match (never both: `check`)
        let by_name = !self.processes.is_empty();
        named.chain(matched.filter(move |_| !by_name))
    }
}

fn parse_direction(section: &Section, direction: &mut Direction) -> Result<()> {
    for node in &section.body {
        let statement = match node {
            Node::Statement(statement) => statement,
            Node::Section(inner) => {
                return Err(Error::new(
                    inner.location(),
                    format!(
                        "unexpected section '{}' in {}",
                        inner.keyword(),
                        section.keyword()
                    ),
                ))
            }
        };
        let mut words = statement.args();
        let flag = match statement.keyword() {
            "parsed" => &mut direction.parsed,
            "packets" => &mut direction.packets,
            "consolidate" => &mut direction.consolidate,
            "open" => &mut direction.open,
            "update" => &mut direction.update,
            "notification" => &mut direction.notification,
            "keepalive" => &mut direction.keepalive,
            "refresh" => &mut direction.refresh,
            "operational" => &mut direction.operational,
            other => {
                return Err(Error::new(
                    statement.location(),
                    format!(
                        "unknown message '{other}' in {}: expected parsed, packets, consolidate, open, update, \
                         notification, keepalive, refresh or operational",
                        section.keyword()
                    ),
                ))
            }
        };
        *flag = words.boolean(true)?;
        words.finish()?;
    }
    Ok(())
}

/// The subset of Python's `re.match` that process names need: literals, `.`, `*`, `+`, `?`,
/// `^`, `$` and `\` escapes, anchored at the start.
pub fn regex_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern
        .strip_prefix('^')
        .unwrap_or(pattern)
        .chars()
        .collect();
    let text: Vec<char> = text.chars().collect();
    matches_here(&pattern, &text)
}

fn matches_here(pattern: &[char], text: &[char]) -> bool {
    let Some(&first) = pattern.first() else {
        return true;
    };
    if first == '$' && pattern.len() == 1 {
        return text.is_empty();
    }
    let (atom, rest) = if first == '\\' && pattern.len() > 1 {
        (Some(pattern[1]), &pattern[2..])
    } else {
        (None, &pattern[1..])
    };
    let matches_one = |c: char| match atom {
        Some(escaped) => c == escaped,
        None => first == '.' || c == first,
    };
    match rest.first() {
        Some(&quantifier @ ('*' | '+' | '?')) => {
            let rest = &rest[1..];
            let min = usize::from(quantifier == '+');
            let max = if quantifier == '?' { 1 } else { usize::MAX };
            let mut count = 0;
            while count < text.len() && count < max && matches_one(text[count]) {
                count += 1;
            }
            (min..=count).rev().any(|n| matches_here(rest, &text[n..]))
        }
        _ => text.first().is_some_and(|&c| matches_one(c)) && matches_here(rest, &text[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::regex_match;

    #[test]
    fn regex_subset() {
        assert!(regex_match("^add", "add-remove"));
        assert!(!regex_match("^add", "remove-add"));
        assert!(regex_match("a.*e$", "add-remove"));
        assert!(!regex_match("a.*x$", "add-remove"));
        assert!(regex_match("ad+-", "add-remove"));
        assert!(regex_match("a\\.b", "a.b"));
        assert!(!regex_match("a\\.b", "axb"));
    }
}
