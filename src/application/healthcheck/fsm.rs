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

#[cfg(test)]
mod tests {
    use super::*;

    fn options(args: &[&str]) -> Options {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        super::super::options::parse(&args).unwrap()
    }

    /// Feeds check results (true = success) and collects the states entered.
    fn run(machine: &mut Machine, results: &[bool], options: &Options) -> Vec<Option<State>> {
        results
            .iter()
            .map(|ok| machine.step(false, *ok, options))
            .collect()
    }

    #[test]
    fn rises_after_rise_successes() {
        let options = options(&["--rise", "3"]);
        let mut machine = Machine::default();
        let entered = run(&mut machine, &[true, true, true, true], &options);
        assert_eq!(entered, [Some(State::Rising), None, Some(State::Up), None]);
        assert_eq!(machine.state, State::Up);
    }

    #[test]
    fn falls_after_fall_failures() {
        let options = options(&["--fall", "2", "--rise", "1"]);
        let mut machine = Machine::default();
        let entered = run(&mut machine, &[true, false, false, false], &options);
        assert_eq!(
            entered,
            [
                Some(State::Up),
                Some(State::Falling),
                Some(State::Down),
                None
            ]
        );
    }

    #[test]
    fn a_failure_while_rising_starts_falling_and_back() {
        let options = options(&[]);
        let mut machine = Machine::default();
        let entered = run(
            &mut machine,
            &[true, true, false, true, true, true],
            &options,
        );
        assert_eq!(
            entered,
            [
                Some(State::Rising),
                None,
                Some(State::Falling),
                Some(State::Rising),
                None,
                Some(State::Up)
            ]
        );
        // The count restarted at the flip: the third success in a row makes it UP.
        assert_eq!(machine.checks, 3);
    }

    #[test]
    fn first_failure_goes_down_at_once_with_fall_one() {
        let options = options(&["--fall", "1"]);
        let mut machine = Machine::default();
        assert_eq!(machine.step(false, false, &options), Some(State::Down));
        // DOWN -> RISING on success, not straight UP with rise 3.
        assert_eq!(machine.step(false, true, &options), Some(State::Rising));
        assert_eq!(machine.step(false, false, &options), Some(State::Down));
    }

    #[test]
    fn disabled_file_overrides_and_returns_through_init() {
        let options = options(&["--rise", "1"]);
        let mut machine = Machine::default();
        assert_eq!(machine.step(false, true, &options), Some(State::Up));
        assert_eq!(machine.step(true, false, &options), Some(State::Disabled));
        assert_eq!(machine.step(true, false, &options), None);
        assert_eq!(machine.step(false, false, &options), Some(State::Init));
        assert_eq!(machine.step(false, false, &options), Some(State::Falling));
    }

    #[test]
    fn hooks_per_state() {
        let options = options(&[
            "--up-execute",
            "u",
            "--down-execute",
            "d",
            "--disabled-execute",
            "x",
            "--execute",
            "all",
        ]);
        assert_eq!(hooks(State::Up, &options), ["u", "all"]);
        assert_eq!(hooks(State::Down, &options), ["d", "all"]);
        assert_eq!(hooks(State::Disabled, &options), ["x", "all"]);
        assert_eq!(hooks(State::Rising, &options), ["all"]);
        assert_eq!(hooks(State::Init, &options), ["all"]);
    }

    fn lines(state: State, options: &Options) -> Vec<String> {
        let ips = ordered(&options.ips, options).unwrap();
        announce(state, options, &ips)
            .into_iter()
            .map(|effect| match effect {
                Effect::Send(line) => line,
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn metrics_follow_the_state_and_increase_per_ip() {
        let options = options(&[
            "--ip",
            "192.0.2.1",
            "--ip",
            "2001:db8::/64",
            "--up-metric",
            "10",
            "--down-metric",
            "20",
            "--disabled-metric",
            "30",
            "--increase",
            "5",
            "--no-ip-setup",
        ]);
        assert_eq!(
            lines(State::Up, &options),
            [
                "peer * announce route 192.0.2.1/32 next-hop self med 10",
                "peer * announce route 2001:db8::/64 next-hop self med 15"
            ]
        );
        assert_eq!(
            lines(State::Down, &options)[0],
            "peer * announce route 192.0.2.1/32 next-hop self med 20"
        );
        assert_eq!(
            lines(State::Disabled, &options)[1],
            "peer * announce route 2001:db8::/64 next-hop self med 35"
        );
        assert!(lines(State::Rising, &options).is_empty());
        assert!(lines(State::Falling, &options).is_empty());
        assert!(lines(State::Init, &options).is_empty());
        assert!(lines(State::End, &options).is_empty());
        assert_eq!(
            lines(State::Exit, &options),
            [
                "peer * withdraw route 192.0.2.1/32 next-hop self",
                "peer * withdraw route 2001:db8::/64 next-hop self"
            ]
        );
    }

    #[test]
    fn withdraw_on_down_withdraws_instead_of_raising_the_metric() {
        let options = options(&[
            "--ip",
            "10.0.0.1/32",
            "--withdraw-on-down",
            "--path-id",
            "7",
            "--no-ip-setup",
        ]);
        assert_eq!(
            lines(State::Up, &options),
            ["peer * announce route 10.0.0.1/32 next-hop self med 100 path-information 7"]
        );
        for state in [State::Down, State::Disabled, State::Exit] {
            assert_eq!(
                lines(state, &options),
                ["peer * withdraw route 10.0.0.1/32 next-hop self path-information 7"]
            );
        }
    }

    #[test]
    fn attributes_and_disabled_ones() {
        let options = options(&[
            "--ip",
            "10.0.0.1",
            "--next-hop",
            "192.0.2.254",
            "--local-preference",
            "0",
            "--community",
            "65000:1",
            "--disabled-community",
            "65000:666",
            "--extended-community",
            "target:65000:1",
            "--large-community",
            "65000:1:2",
            "--as-path",
            "65001",
            "--down-as-path",
            "65001 65001",
            "--neighbor",
            "192.0.2.1",
            "--neighbor",
            "2001:db8::1",
        ]);
        let head =
            "peer 192.0.2.1, peer 2001:db8::1 announce route 10.0.0.1/32 next-hop 192.0.2.254";
        let tail = "extended-community [ target:65000:1 ] large-community [ 65000:1:2 ]";
        assert_eq!(
            lines(State::Up, &options),
            [format!(
                "{head} med 100 local-preference 0 community [ 65000:1 ] {tail} as-path [ 65001 ]"
            )]
        );
        assert_eq!(
            lines(State::Down, &options),
            [format!(
                "{head} med 1000 local-preference 0 community [ 65000:666 ] {tail} as-path [ 65001 65001 ]"
            )]
        );
        assert_eq!(
            lines(State::Disabled, &options),
            [format!(
                "{head} med 500 local-preference 0 community [ 65000:666 ] {tail} as-path [ 65001 ]"
            )]
        );
    }

    #[test]
    fn a_star_neighbor_means_every_peer_and_path_id_zero_none() {
        let options = options(&[
            "--ip",
            "10.0.0.1",
            "--neighbor",
            "10.1.1.1",
            "--neighbor",
            "*",
            "--path-id",
            "0",
        ]);
        assert_eq!(
            lines(State::Up, &options),
            ["peer * announce route 10.0.0.1/32 next-hop self med 100"]
        );
    }

    #[test]
    fn address_management_around_the_announcements() {
        let dynamic = options(&["--ip", "10.0.0.1", "--dynamic-ip-setup"]);
        let up = lines(State::Up, &dynamic);
        assert_eq!(up.first().map(String::as_str), Some("SetupIps"));
        assert_eq!(
            lines(State::Down, &dynamic).last().map(String::as_str),
            Some("RemoveIps")
        );
        assert_eq!(
            lines(State::Disabled, &dynamic).last().map(String::as_str),
            Some("RemoveIps")
        );
        // Without --dynamic-ip-setup only leaving removes them, and only if they were set up.
        let static_setup = options(&["--ip", "10.0.0.1"]);
        assert_eq!(lines(State::Down, &static_setup).len(), 1);
        assert_eq!(
            lines(State::Exit, &static_setup).last().map(String::as_str),
            Some("RemoveIps")
        );
        let none = options(&["--ip", "10.0.0.1", "--no-ip-setup"]);
        assert_eq!(lines(State::Exit, &none).len(), 1);
    }

    #[test]
    fn start_ip_rotates_and_networks_deaggregate() {
        let options = options(&[
            "--ip",
            "10.0.0.1",
            "--ip",
            "10.0.0.8/31",
            "--deaggregate-networks",
            "--start-ip",
            "1",
        ]);
        let routes: Vec<String> = lines(State::Up, &options)
            .iter()
            .map(|line| line.split(' ').nth(4).unwrap_or_default().to_string())
            .collect();
        assert_eq!(routes, ["10.0.0.8/32", "10.0.0.9/32", "10.0.0.1/32"]);
    }

    #[test]
    fn pauses() {
        let options = options(&["--interval", "7", "--fast-interval", "0.5"]);
        assert_eq!(
            pause(State::Rising, &options),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            pause(State::Falling, &options),
            Some(Duration::from_millis(500))
        );
        assert_eq!(pause(State::Up, &options), Some(Duration::from_secs(7)));
        let once = super::super::options::parse(&["--interval".into(), "0".into()]).unwrap();
        assert_eq!(pause(State::Up, &once), None);
        assert_eq!(pause(State::Rising, &once), Some(Duration::from_secs(1)));
    }
}
