//! Ports `exabgp/reactor/api/__init__.py` (`API.process`) with `command/reactor.py`,
//! `command/rib.py`, `command/neighbor.py` and `command/peer.py`: a helper's command line run
//! against the registered peers, their adj-rib-out changed, the reply written, and what the
//! reactor must do queued as [`Request`]s. Sans-IO: the helpers are behind [`Helpers`], the
//! time is given, and the peers act on the requests.

use super::command::{self, announce, Ack, Action, Command};
use super::registry::{Registered, Registry};
use super::report::{self, Daemon};
use super::response::json::ApiVersion;
use super::Request;
use crate::bgp::message::operational::Operational;
use crate::bgp::neighbor::PeerKey;
use crate::configuration::flow::FlowRoute;
use crate::configuration::{PeerConfig, Process};
use crate::protocol::family::{Afi, Family, Safi};
use crate::reactor::peer::event::Command as PeerCommand;
use crate::rib::Change;
use std::collections::{BTreeMap, HashSet, VecDeque};

/// The name prefix of the CLI clients (ExaBGP's `API_PREFIX`): they may command every peer.
pub const CLI_PREFIX: &str = "api-internal-cli";

/// A helper's acknowledgement mode (`enable-ack`, `disable-ack`, `silence-ack`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AckMode {
    On,
    Off,
}

/// The running helpers, as commands and messages reach them.
pub(crate) trait Helpers {
    /// Writes a line (or several, joined) to `process`.
    fn write(&self, process: &str, text: &str);
    /// Acknowledges a command (`done` or `error`), unless `process` silenced it.
    fn answer(&self, process: &str, ok: bool);
    /// Tells `process` why its command failed, before the acknowledgement.
    fn explain(&self, process: &str, why: &str);
    fn set_ack(&mut self, process: &str, ack: AckMode);
    /// Whether `process`'s encoder is JSON.
    fn json(&self, process: &str) -> bool;
}

/// What commands read and change: the peers, the helpers' `process` blocks, the neighbours
/// helpers created, the open `group`s, and the requests for the reactor.
#[derive(Default)]
pub(crate) struct State {
    pub(crate) registry: Registry,
    pub(crate) configured: Vec<Process>,
    /// Neighbours made by `create neighbor`, added to every (re)load of the configuration.
    pub(crate) created: Vec<PeerConfig>,
    /// Helpers inside `group start` ... `group end`, and the route commands they sent since.
    grouping: BTreeMap<String, Vec<Command>>,
    pub(crate) requests: VecDeque<Request>,
    /// The peers the latest `RibUpdated` request wakes (see `notify`).
    last_woken: Vec<PeerKey>,
}

impl State {
    /// Runs one line of `process`; requests for the reactor may be queued.
    pub(crate) fn line(
        &mut self,
        helpers: &mut dyn Helpers,
        daemon: &Daemon,
        process: &str,
        line: &str,
    ) {
        let command = match command::parse(line) {
            Ok(command) => command,
            Err(error) => {
                log::warn!(target: "api", "process {process}: could not parse '{line}': {error}");
                helpers.explain(process, &error.to_string());
                helpers.answer(process, false);
                return;
            }
        };
        log::debug!(target: "api", "process {process}: {line}");
        let Some(command) = self.grouped(helpers, process, command) else {
            return;
        };
        if let Some(ok) = self.execute(helpers, daemon, process, command, line) {
            helpers.answer(process, ok);
        }
    }

    /// `group start` ... `group end` (ExaBGP's multi-line groups): route commands are kept and
    /// acknowledged, then run together at `group end`. Returns the command to run now, if any.
    fn grouped(
        &mut self,
        helpers: &mut dyn Helpers,
        process: &str,
        command: Command,
    ) -> Option<Command> {
        let processes = helpers;
        let grouping = self.grouping.contains_key(process);
        match command {
            Command::GroupStart if grouping => {
                processes.write(
                    process,
                    "error: already in group block (nested groups not allowed)",
                );
                processes.answer(process, false);
                None
            }
            Command::GroupStart => {
                self.grouping.insert(process.to_string(), Vec::new());
                processes.write(process, "group started");
                processes.answer(process, true);
                None
            }
            Command::GroupEnd if !grouping => {
                processes.write(process, "error: not in group block");
                processes.answer(process, false);
                None
            }
            Command::GroupEnd => {
                let commands = self.grouping.remove(process).unwrap_or_default();
                if commands.is_empty() {
                    processes.write(process, "group ended (0 commands)");
                    processes.answer(process, true);
                    return None;
                }
                let (mut announced, mut withdrawn) = (0, 0);
                for command in &commands {
                    let Command::Peers { action, .. } = command else {
                        continue;
                    };
                    match action {
                        Action::Announce(routes) => announced += routes.len(),
                        Action::AnnounceFlow(flows) => announced += flows.len(),
                        Action::Withdraw(routes) => withdrawn += routes.len(),
                        Action::WithdrawFlow(flows) => withdrawn += flows.len(),
                        _ => {}
                    }
                }
                processes.write(
                    process,
                    &format!("group processed: {announced} announced, {withdrawn} withdrawn"),
                );
                Some(Command::Group(commands))
            }
            command @ Command::Peers {
                action:
                    Action::Announce(_)
                    | Action::Withdraw(_)
                    | Action::AnnounceFlow(_)
                    | Action::WithdrawFlow(_),
                ..
            } if grouping => {
                let buffered = self.grouping.entry(process.to_string()).or_default();
                if buffered.len() >= GROUP_LIMIT {
                    // a helper that never ends its group must not exhaust memory
                    self.grouping.remove(process);
                    processes.write(
                        process,
                        "error: group buffer limit reached, group discarded",
                    );
                    processes.answer(process, false);
                    return None;
                }
                buffered.push(command);
                processes.answer(process, true);
                None
            }
            command => Some(command),
        }
    }

    /// Runs a parsed command; the acknowledgement to give, if any.
    fn execute(
        &mut self,
        helpers: &mut dyn Helpers,
        daemon: &Daemon,
        process: &str,
        command: Command,
        line: &str,
    ) -> Option<bool> {
        let ok = match command {
            Command::Comment | Command::GroupStart | Command::GroupEnd => return None,
            Command::Group(commands) => {
                // one acknowledgement for the group: done if every part was
                let mut ok = true;
                for command in commands {
                    ok &= self
                        .execute(helpers, daemon, process, command, line)
                        .unwrap_or(true);
                }
                ok
            }
            Command::Shutdown => {
                self.requests.push_back(Request::Shutdown);
                true
            }
            Command::Reload => {
                self.requests.push_back(Request::Reload);
                true
            }
            Command::Restart => {
                self.requests.push_back(Request::Restart);
                true
            }
            Command::Ack(Ack::Enable) => {
                helpers.set_ack(process, AckMode::On);
                true
            }
            Command::Ack(Ack::Disable) => {
                // acknowledged, then silent
                helpers.answer(process, true);
                helpers.set_ack(process, AckMode::Off);
                return None;
            }
            Command::Ack(Ack::Silence) => {
                helpers.set_ack(process, AckMode::Off);
                return None;
            }
            Command::Version => {
                let version = env!("CARGO_PKG_VERSION");
                // ExaBGP's API version 6 answers JSON
                if daemon.version == ApiVersion::V6 {
                    helpers.write(
                        process,
                        &format!("{{\"version\": \"{version}\", \"application\": \"exabgp\"}}"),
                    );
                } else {
                    helpers.write(process, &format!("exabgp {version}"));
                }
                true
            }
            Command::Ping { text } => {
                let reply = if text {
                    format!("pong {} active=true", daemon.uuid)
                } else {
                    format!("{{\"pong\": \"{}\", \"active\": true}}", daemon.uuid)
                };
                helpers.write(process, &reply);
                true
            }
            Command::Help => {
                helpers.write(process, HELP);
                true
            }
            Command::Bye | Command::Reset => true,
            Command::Status { json } => {
                for line in report::status(&self.registry, daemon, json) {
                    helpers.write(process, &line);
                }
                true
            }
            Command::ShowNeighbor {
                selection,
                view,
                json,
            } => {
                // ExaBGP's API version 6 answers JSON whatever is asked
                let json = json || daemon.version == ApiVersion::V6;
                if let Some(reply) =
                    report::show_neighbor(&self.registry, &selection, view, json, daemon.now)
                {
                    helpers.write(process, &reply);
                }
                true
            }
            Command::ShowAdjRib {
                rib,
                extensive,
                routes,
                json,
                selection,
            } => {
                let json = json || daemon.version == ApiVersion::V6;
                let reply = report::show_adj_rib(
                    &self.registry,
                    &selection,
                    (rib, routes),
                    (extensive, json),
                    daemon.now,
                );
                if let Some(reply) = reply {
                    helpers.write(process, &reply);
                }
                true
            }
            Command::CreateNeighbor { configuration } => {
                match create(&configuration, &self.configured) {
                    Ok(config) => {
                        let key = config.neighbor.key();
                        self.created.retain(|c| c.neighbor.key() != key);
                        self.created.push(config);
                        self.requests.push_back(Request::Reload);
                        true
                    }
                    Err(error) => {
                        log::warn!(target: "api", "process {process}: '{line}': {error}");
                        false
                    }
                }
            }
            Command::DeleteNeighbor { selection } => {
                let before = self.created.len();
                self.created.retain(|c| !selection.matches(&c.neighbor));
                if self.created.len() == before {
                    false
                } else {
                    self.requests.push_back(Request::Reload);
                    true
                }
            }
            Command::FlushAdjRibOut { selection } => {
                let targets = targets(&self.registry, &self.configured, process, &selection);
                // the peer knows whether enhanced route refresh frames the resend
                notify(
                    &mut self.requests,
                    &mut self.last_woken,
                    &targets,
                    PeerCommand::Resend { family: None },
                );
                true
            }
            Command::ClearAdjRib { rib, selection } => {
                let targets = targets(&self.registry, &self.configured, process, &selection);
                if rib == command::Rib::Out {
                    for peer in &targets {
                        // helpers' routes included: nothing of them is left to replay
                        peer.rib.borrow_mut().rib.withdraw(None);
                    }
                    notify(
                        &mut self.requests,
                        &mut self.last_woken,
                        &targets,
                        PeerCommand::RibUpdated,
                    );
                }
                true
            }
            Command::Peers { selection, action } => {
                let targets = targets(&self.registry, &self.configured, process, &selection);
                if targets.is_empty() {
                    log::warn!(target: "api", "process {process}: no neighbour matches '{line}'");
                    false
                } else {
                    match peer_action(&targets, action) {
                        Ok(command) => {
                            notify(&mut self.requests, &mut self.last_woken, &targets, command);
                            true
                        }
                        Err(error) => {
                            log::warn!(target: "api", "process {process}: '{line}': {error}");
                            helpers.explain(process, &error);
                            false
                        }
                    }
                }
            }
        };
        Some(ok)
    }
}

/// Queues `command` for the peers of `targets`.
fn notify(
    requests: &mut VecDeque<Request>,
    last_woken: &mut Vec<PeerKey>,
    targets: &[&Registered],
    command: PeerCommand,
) {
    if command == PeerCommand::RibUpdated {
        // a helper announcing routes one per line would queue a wake-up per route (a
        // million for a full table): a wake of the same peers still last in the queue
        // covers this change too, the adj-rib-out is already updated
        let queued = matches!(
            requests.back(),
            Some(Request::Peers {
                command: PeerCommand::RibUpdated,
                ..
            })
        );
        // compared in place: keys built per command cost a million allocations a table
        let same = last_woken.len() == targets.len()
            && last_woken
                .iter()
                .zip(targets)
                .all(|(key, peer)| key.names(&peer.config.neighbor));
        if queued && same {
            return;
        }
        *last_woken = targets.iter().map(|p| p.config.neighbor.key()).collect();
    }
    let keys: HashSet<PeerKey> = targets.iter().map(|p| p.config.neighbor.key()).collect();
    requests.push_back(Request::Peers {
        select: Box::new(move |n| keys.contains(&n.key())),
        command,
    });
}

/// `create neighbor IP KEY VALUE...` (ExaBGP's `peer create`): the neighbour is written as a
/// configuration (with the helpers' `process` blocks, which its `api` keys name) and checked
/// by the configuration parser.
fn create(line: &str, processes: &[Process]) -> Result<PeerConfig, String> {
    let mut words = line.split_whitespace();
    let (Some("neighbor"), Some(address)) = (words.next(), words.next()) else {
        return Err("expected 'neighbor IP'".into());
    };
    let mut body = String::new();
    let mut apis = Vec::new();
    let mut families = String::new();
    while let Some(key) = words.next() {
        let value = words
            .next()
            .ok_or_else(|| format!("'{key}' needs a value"))?;
        match key {
            "local-address" | "local-ip" => body.push_str(&format!("local-address {value}; ")),
            "local-as" | "peer-as" | "router-id" | "group-updates" => {
                body.push_str(&format!("{key} {value}; "))
            }
            "graceful-restart" => {
                body.push_str(&format!("capability {{ graceful-restart {value}; }} "))
            }
            "family-allowed" => {
                for family in value.split('/') {
                    let (afi, safi) = family
                        .split_once('-')
                        .ok_or_else(|| format!("'{family}' is not AFI-SAFI"))?;
                    families.push_str(&format!("{afi} {safi}; "));
                }
            }
            "api" => apis.push(value.to_string()),
            other => return Err(format!("unknown neighbour setting '{other}'")),
        }
    }
    // ExaBGP's default for a created neighbour, where a configuration's is every family
    if families.is_empty() {
        families.push_str("ipv4 unicast; ");
    }
    body.push_str(&format!("family {{ {families}}} "));
    if !apis.is_empty() {
        body.push_str(&format!("api {{ processes [ {} ]; }} ", apis.join(" ")));
    }
    let mut text = String::new();
    for process in processes {
        let run: Vec<String> = process.run.iter().map(|w| format!("{w:?}")).collect();
        let encoder = match process.encoder {
            crate::configuration::Encoder::Json => "json",
            crate::configuration::Encoder::Text => "text",
        };
        text.push_str(&format!(
            "process {} {{ run {}; encoder {encoder}; }}\n",
            process.name,
            run.join(" ")
        ));
    }
    text.push_str(&format!("neighbor {address} {{ {body}}}\n"));
    let configuration =
        crate::configuration::Configuration::parse(&text, std::path::Path::new("api"))
            .map_err(|e| e.to_string())?;
    configuration
        .neighbors
        .into_iter()
        .next()
        .ok_or_else(|| "no neighbour was defined".to_string())
}

/// The registered peers `process` may command that `selection` picks (ExaBGP's
/// `reactor.peers(service)` then `match_neighbors`).
fn targets<'a>(
    peers: &'a Registry,
    configured: &[Process],
    process: &str,
    selection: &command::Selection,
) -> Vec<&'a Registered> {
    // the CLI's clients command every peer, as ExaBGP's internal CLI helpers
    let cli = process.starts_with(CLI_PREFIX);
    peers
        .iter()
        .filter(|p| cli || p.config.api.sends_to(configured, process))
        .filter(|p| selection.matches(&p.config.neighbor))
        .collect()
}

/// Applies an action to the targets' adj-rib-out; returns the command the peers must run.
fn peer_action(targets: &[&Registered], action: Action) -> Result<PeerCommand, String> {
    match action {
        Action::Announce(routes) | Action::Withdraw(routes) if routes.is_empty() => {
            Err("no route given".into())
        }
        Action::Announce(routes) => {
            for peer in targets {
                peer.announce(announce::changes(&routes, &peer.config.neighbor)?);
            }
            Ok(PeerCommand::RibUpdated)
        }
        Action::Withdraw(routes) => {
            for peer in targets {
                peer.withdraw(announce::changes(&routes, &peer.config.neighbor)?);
            }
            Ok(PeerCommand::RibUpdated)
        }
        Action::Watchdog { announce, name } => {
            for peer in targets {
                let mut rib = peer.rib.borrow_mut();
                if announce {
                    rib.rib.announce_watchdog(&name);
                } else {
                    rib.rib.withdraw_watchdog(&name);
                }
            }
            Ok(PeerCommand::RibUpdated)
        }
        Action::AnnounceFlow(flows) | Action::WithdrawFlow(flows) if flows.is_empty() => {
            Err("no flow rule given".into())
        }
        Action::AnnounceFlow(flows) => {
            // every peer's rule is built before any adj-rib-out changes: a rule refused for
            // one peer changes nothing
            let built = flow_changes(targets, &flows)?;
            for (peer, changes) in targets.iter().zip(built) {
                peer.announce(changes);
            }
            Ok(PeerCommand::RibUpdated)
        }
        Action::WithdrawFlow(flows) => {
            let built = flow_changes(targets, &flows)?;
            for (peer, changes) in targets.iter().zip(built) {
                peer.withdraw(changes);
            }
            Ok(PeerCommand::RibUpdated)
        }
        Action::Eor(family) => Ok(PeerCommand::Eor {
            family: Some(family.unwrap_or(Family::IPV4_UNICAST)),
        }),
        Action::RouteRefresh(family) => Ok(PeerCommand::RouteRefresh { family }),
        Action::Teardown(subcode) => Ok(PeerCommand::Teardown {
            subcode,
            restart: true,
        }),
        Action::Operational(message) => {
            let what = match message.name.as_str() {
                "adm" => 1,
                "asm" => 2,
                _ => return Err(format!("operational {} is not supported", message.name)),
            };
            let advisory = message
                .fields
                .iter()
                .find(|(k, _)| k == "advisory")
                .map(|(_, v)| v.as_str())
                .unwrap_or("");
            let family = if message.family.afi == Afi::UNDEFINED {
                Family::new(Afi::IPV4, Safi::UNICAST)
            } else {
                message.family
            };
            Ok(PeerCommand::Send {
                message: Operational::advisory(what, family, advisory).encode(),
            })
        }
    }
}

/// The changes of flow rules for each target, in order, or why one can not be built.
fn flow_changes(targets: &[&Registered], flows: &[FlowRoute]) -> Result<Vec<Vec<Change>>, String> {
    targets
        .iter()
        .map(|peer| {
            flows
                .iter()
                .map(|flow| {
                    crate::configuration::flow::build(flow, &peer.config.neighbor)
                        .map_err(|e| e.message)
                })
                .collect()
        })
        .collect()
}

/// Route commands one `group start` may hold (ExaBGP's `MAX_GROUP_COMMANDS`).
const GROUP_LIMIT: usize = 100_000;

const HELP: &str = "\
help: available commands (v4 syntax; v6: daemon, session, system, rib, peer)\n\
shutdown | reload | restart | status | version | ping\n\
enable-ack | disable-ack | silence-ack\n\
show neighbor [IP] [summary|extensive|configuration] [json] | show adj-rib in|out [extensive] [json] [IP]\n\
flush adj-rib out | clear adj-rib in|out\n\
[neighbor IP [local-ip IP] [local-as N] [peer-as N] [router-id ID] [, neighbor ...]] \
announce|withdraw route|attributes|ipv4|ipv6|flow|vpls|watchdog ...\n\
[neighbor ...] announce eor [AFI SAFI] | announce route-refresh AFI SAFI | \
announce operational ... | teardown CODE";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rib::outgoing::AdjRibOut;
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::time::Duration;

    /// What the helpers were told, in order: (process, line).
    #[derive(Default)]
    struct Recorder {
        lines: RefCell<Vec<(String, String)>>,
    }

    impl Recorder {
        fn take(&self) -> Vec<String> {
            self.lines
                .take()
                .into_iter()
                .map(|(process, line)| format!("{process}: {line}"))
                .collect()
        }
    }

    impl Helpers for Recorder {
        fn write(&self, process: &str, text: &str) {
            self.lines
                .borrow_mut()
                .push((process.to_string(), text.to_string()));
        }
        fn answer(&self, process: &str, ok: bool) {
            self.write(process, if ok { "done" } else { "error" });
        }
        fn explain(&self, process: &str, why: &str) {
            self.write(process, &format!("error: {why}"));
        }
        fn set_ack(&mut self, _: &str, _: AckMode) {}
        fn json(&self, _: &str) -> bool {
            true
        }
    }

    const CONFIG: &str = "\
process helper { run /bin/cat; encoder json; }
process other { run /bin/cat; encoder json; }
neighbor 192.0.2.1 {
    local-address 192.0.2.254; local-as 65000; peer-as 65001; router-id 192.0.2.254;
    family { ipv4 unicast; }
    api { processes [ helper ]; }
}
";

    /// A state with the one peer of [`CONFIG`] registered, and its adj-rib-out.
    fn state() -> (State, Rc<RefCell<AdjRibOut>>) {
        let configuration =
            crate::configuration::Configuration::parse(CONFIG, std::path::Path::new("test"))
                .unwrap();
        let peer = &configuration.neighbors[0];
        let rib = Rc::new(RefCell::new(AdjRibOut::new(
            peer.neighbor.families.clone(),
            true,
            true,
        )));
        let mut state = State {
            configured: configuration.processes.clone(),
            ..State::default()
        };
        state
            .registry
            .insert(Registered::new(peer, rib.clone(), Duration::ZERO));
        (state, rib)
    }

    const DAEMON: Daemon = Daemon {
        version: ApiVersion::V4,
        uuid: "uuid",
        pid: 1,
        now: Duration::from_secs(3725),
    };

    fn wakes(state: &State) -> usize {
        state
            .requests
            .iter()
            .filter(|r| {
                matches!(
                    r,
                    Request::Peers {
                        command: PeerCommand::RibUpdated,
                        ..
                    }
                )
            })
            .count()
    }

    /// A helper's announce reaches its peer's adj-rib-out and wakes the peer once for many
    /// lines; another helper's command does not reach a peer that did not name it.
    #[test]
    fn announce_changes_the_peers_rib_and_wakes_it_once() {
        let (mut state, rib) = state();
        let mut helpers = Recorder::default();
        for prefix in ["10.0.0.0/24", "10.0.1.0/24"] {
            let line = format!("announce route {prefix} next-hop 192.0.2.254");
            state.line(&mut helpers, &DAEMON, "helper", &line);
        }
        assert_eq!(helpers.take(), ["helper: done", "helper: done"]);
        assert_eq!(rib.borrow().rib.queued_routes().count(), 2);
        assert_eq!(wakes(&state), 1, "one wake-up covers both");
        let Some(Request::Peers { select, .. }) = state.requests.front() else {
            panic!("no request");
        };
        let neighbor = &state.registry.iter().next().unwrap().config.neighbor;
        assert!(select(neighbor));

        state.line(
            &mut helpers,
            &DAEMON,
            "other",
            "announce route 10.0.2.0/24 next-hop 192.0.2.254",
        );
        assert_eq!(helpers.take(), ["other: error"]);
        assert_eq!(rib.borrow().rib.queued_routes().count(), 2);
    }

    /// A line that does not parse is explained and refused, and changes nothing.
    #[test]
    fn a_bad_line_is_explained_and_refused() {
        let (mut state, rib) = state();
        let mut helpers = Recorder::default();
        state.line(
            &mut helpers,
            &DAEMON,
            "helper",
            "announce route 10.0.0.0/33",
        );
        let told = helpers.take();
        assert_eq!(told.len(), 2, "{told:?}");
        assert!(told[0].starts_with("helper: error: "), "{told:?}");
        assert_eq!(told[1], "helper: error");
        assert!(!rib.borrow().pending());
        assert!(state.requests.is_empty());
    }

    /// `group start` ... `group end`: each line acknowledged, the routes applied together.
    #[test]
    fn a_group_is_applied_at_its_end() {
        let (mut state, rib) = state();
        let mut helpers = Recorder::default();
        for line in [
            "group start",
            "announce route 10.0.0.0/24 next-hop 192.0.2.254",
            "withdraw route 10.0.9.0/24 next-hop 192.0.2.254",
        ] {
            state.line(&mut helpers, &DAEMON, "helper", line);
        }
        assert!(!rib.borrow().pending(), "nothing before the end");
        state.line(&mut helpers, &DAEMON, "helper", "group end");
        assert_eq!(
            helpers.take(),
            [
                "helper: group started",
                "helper: done",
                "helper: done",
                "helper: done",
                "helper: group processed: 1 announced, 1 withdrawn",
                "helper: done",
            ]
        );
        assert!(rib.borrow().pending());
        state.line(&mut helpers, &DAEMON, "helper", "group end");
        assert_eq!(
            helpers.take(),
            ["helper: error: not in group block", "helper: error"]
        );
    }

    /// The reports: `show neighbor` lists the peer, `status` the uptime given.
    #[test]
    fn reports_list_the_registered_peers() {
        let (mut state, _) = state();
        let mut helpers = Recorder::default();
        state.line(&mut helpers, &DAEMON, "helper", "show neighbor summary");
        let told = helpers.take();
        assert_eq!(told.len(), 2, "{told:?}");
        assert!(told[0].contains("192.0.2.1"), "{told:?}");
        state.line(&mut helpers, &DAEMON, "helper", "status");
        let told = helpers.take();
        assert!(
            told.contains(&"helper: Uptime: 1h 2m 5s".to_string()),
            "{told:?}"
        );
        assert!(told.contains(&"helper:   - neighbor 192.0.2.1: idle".to_string()));
    }

    /// `create neighbor` keeps the neighbour for the next load and asks for one.
    #[test]
    fn create_neighbor_asks_for_a_reload() {
        let (mut state, _) = state();
        let mut helpers = Recorder::default();
        state.line(
            &mut helpers,
            &DAEMON,
            "helper",
            "create neighbor 192.0.2.7 local-as 65000 peer-as 65007 router-id 192.0.2.254",
        );
        assert_eq!(helpers.take(), ["helper: done"]);
        assert_eq!(state.created.len(), 1);
        assert!(matches!(state.requests.back(), Some(Request::Reload)));
    }

    #[test]
    fn create_neighbor_as_exabgp() {
        let config = create(
            "neighbor 10.0.0.2 local-address 10.0.0.1 local-as 65000 peer-as 65001 router-id 1.1.1.1 family-allowed ipv4-unicast/ipv6-unicast",
            &[],
        )
        .unwrap();
        let neighbor = &config.neighbor;
        assert_eq!(
            neighbor.peer_address,
            "10.0.0.2".parse::<std::net::IpAddr>().unwrap()
        );
        assert_eq!(neighbor.local_address, Some("10.0.0.1".parse().unwrap()));
        assert_eq!((neighbor.local_as, neighbor.peer_as), (65000, 65001));
        assert_eq!(
            neighbor.families,
            vec![Family::IPV4_UNICAST, Family::IPV6_UNICAST]
        );

        let plain = create(
            "neighbor 10.0.0.3 local-as 1 peer-as 1 router-id 1.2.3.4",
            &[],
        )
        .unwrap();
        assert_eq!(plain.neighbor.families, vec![Family::IPV4_UNICAST]);

        assert!(create("neighbor 10.0.0.3 colour blue", &[])
            .unwrap_err()
            .contains("colour"));
        assert!(create("neighbor 10.0.0.3 local-as", &[]).is_err());
        // the helper named must exist
        assert!(create("neighbor 10.0.0.3 local-as 1 peer-as 1 api nobody", &[]).is_err());
    }
}
