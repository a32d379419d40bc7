//! Ports the state machine of `exabgp/application/healthcheck.py` (`loop`: `one`, `trigger`,
//! `exabgp`) as pure functions: the next state from (state, check result), the hooks a transition
//! runs, and the API commands (and address changes) each state asks for.

use super::ip::IpNetwork;
use super::options::Options;
use std::fmt;
use std::time::Duration;

/// The healthcheck's states, named as ExaBGP names them (`$STATE` of the execute hooks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Init,
    Disabled,
    /// Checks are succeeding, not yet `rise` times in a row.
    Rising,
    /// Checks are failing, not yet `fall` times in a row.
    Falling,
    Up,
    Down,
    /// Leaving on a signal: routes withdrawn, set-up addresses removed.
    Exit,
    /// Leaving after one announcement (`--interval 0`): routes and addresses stay.
    End,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Init => "INIT",
            State::Disabled => "DISABLED",
            State::Rising => "RISING",
            State::Falling => "FALLING",
            State::Up => "UP",
            State::Down => "DOWN",
            State::Exit => "EXIT",
            State::End => "END",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The state and how many checks in a row agreed with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Machine {
    pub state: State,
    pub checks: i64,
}

impl Default for Machine {
    fn default() -> Machine {
        Machine {
            state: State::Init,
            checks: 0,
        }
    }
}

/// The state a transition lands in: with `--rise 1` (`--fall 1`) there is no RISING (FALLING).
pub fn resolve(target: State, options: &Options) -> State {
    match target {
        State::Rising if options.rise <= 1 => State::Up,
        State::Falling if options.fall <= 1 => State::Down,
        other => other,
    }
}

impl Machine {
    /// One check's outcome; returns the state entered, if any (its hooks must then run).
    /// `successful` is ignored while `disabled` (ExaBGP does not even run the check then).
    pub fn step(&mut self, disabled: bool, successful: bool, options: &Options) -> Option<State> {
        let successful = disabled || successful;
        let enter = |target: State| Some(resolve(target, options));
        let entered = match self.state {
            state if state != State::Disabled && disabled => enter(State::Disabled),
            State::Init if successful && options.rise <= 1 => enter(State::Up),
            State::Init => {
                self.checks = 1;
                enter(if successful {
                    State::Rising
                } else {
                    State::Falling
                })
            }
            State::Disabled if !disabled => enter(State::Init),
            State::Rising if successful => {
                self.checks += 1;
                (self.checks >= options.rise).then_some(State::Up)
            }
            State::Falling if !successful => {
                self.checks += 1;
                (self.checks >= options.fall).then_some(State::Down)
            }
            State::Rising | State::Up if !successful => {
                self.checks = 1;
                enter(State::Falling)
            }
            State::Falling | State::Down if successful => {
                self.checks = 1;
                enter(State::Rising)
            }
            _ => None,
        };
        if let Some(state) = entered {
            self.state = state;
        }
        entered
    }
}

/// The commands run (through `sh -c`, with `STATE` set) when `state` is entered: its own
/// `--up/down/disabled-execute`, then every `--execute`.
pub fn hooks(state: State, options: &Options) -> Vec<String> {
    let own: &[String] = match state {
        State::Up => &options.up_execute,
        State::Down => &options.down_execute,
        State::Disabled => &options.disabled_execute,
        _ => &[],
    };
    own.iter().chain(&options.execute).cloned().collect()
}

/// One thing to do for a state's announcement, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Put the service addresses back on the interface (`--dynamic-ip-setup`, entering UP).
    SetupIps,
    /// Write this API command to ExaBGP (then wait for its acknowledgement).
    Send(String),
    /// Take the set-up addresses off the interface.
    RemoveIps,
}

/// What announcing `state` to ExaBGP means: one command per IP, the first IP with the state's
/// metric, each next one `--increase` more, and the address management around them.
pub fn announce(state: State, options: &Options, ips: &[IpNetwork]) -> Vec<Effect> {
    if !matches!(
        state,
        State::Up | State::Down | State::Disabled | State::Exit
    ) {
        return Vec::new();
    }
    let mut effects = Vec::new();
    if state == State::Up && options.ip_dynamic {
        effects.push(Effect::SetupIps);
    }
    let (mut metric, as_path) = match state {
        State::Up => (options.up_metric, &options.up_as_path),
        State::Down => (options.down_metric, &options.down_as_path),
        State::Disabled => (options.disabled_metric, &options.disabled_as_path),
        _ => (0, &None),
    };
    let as_path = as_path.as_ref().or(options.as_path.as_ref());
    let prefix = match &options.neighbors {
        Some(neighbors) if !neighbors.iter().any(|n| n == "*") => neighbors
            .iter()
            .map(|neighbor| format!("peer {neighbor}"))
            .collect::<Vec<_>>()
            .join(", "),
        _ => "peer *".to_string(),
    };
    let next_hop = options
        .next_hop
        .map_or_else(|| "self".to_string(), |ip| ip.to_string());
    for ip in ips {
        let withdraw = (options.withdraw_on_down || state == State::Exit) && state != State::Up;
        let action = if withdraw { "withdraw" } else { "announce" };
        let mut line = format!("{prefix} {action} route {ip} next-hop {next_hop}");
        if !withdraw {
            line.push_str(&format!(" med {metric}"));
            if options.local_preference >= 0 {
                line.push_str(&format!(" local-preference {}", options.local_preference));
            }
            let community = match state {
                State::Down | State::Disabled => options
                    .disabled_community
                    .as_ref()
                    .or(options.community.as_ref()),
                _ => options.community.as_ref(),
            };
            for (name, value) in [
                ("community", community),
                ("extended-community", options.extended_community.as_ref()),
                ("large-community", options.large_community.as_ref()),
                ("as-path", as_path),
            ] {
                if let Some(value) = value.filter(|v| !v.is_empty()) {
                    line.push_str(&format!(" {name} [ {value} ]"));
                }
            }
        }
        // ExaBGP tests the path ID for truth: 0 means none.
        if let Some(path_id) = options.path_id.filter(|id| *id != 0) {
            line.push_str(&format!(" path-information {path_id}"));
        }
        metric += options.increase;
        effects.push(Effect::Send(line));
    }
    let remove = match state {
        State::Exit => options.ip_dynamic || options.ip_setup,
        State::Down | State::Disabled => options.ip_dynamic,
        _ => false,
    };
    if remove {
        effects.push(Effect::RemoveIps);
    }
    effects
}

/// How long to wait before the next check, or `None` to leave (END) after `--interval 0`.
pub fn pause(state: State, options: &Options) -> Option<Duration> {
    match state {
        State::Rising | State::Falling => Some(Duration::from_secs_f64(options.fast)),
        _ if options.interval == 0.0 => None,
        _ => Some(Duration::from_secs_f64(options.interval)),
    }
}

/// The addresses in announcement order: each address of the networks with
/// `--deaggregate-networks`, then rotated left by `--start-ip`.
pub fn ordered(ips: &[IpNetwork], options: &Options) -> Result<Vec<IpNetwork>, String> {
    let mut ordered = Vec::new();
    for network in ips {
        if options.deaggregate_networks {
            ordered.extend(network.addresses()?);
        } else {
            ordered.push(*network);
        }
    }
    if !ordered.is_empty() {
        let len = ordered.len() as i64;
        // The remainder of a division by a Vec's length fits usize.
        ordered.rotate_left(options.start_ip.rem_euclid(len) as usize);
    }
    Ok(ordered)
}
