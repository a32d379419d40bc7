//! exabgp-rs (or, to validate the tests themselves, ExaBGP) as the BGP speaker under test: the
//! configuration it is given, in ExaBGP's syntax, the process running it, and the routes it
//! reports through an API process (ExaBGP's JSON on the helper's stdin).

use super::daemons::Process;
use super::{
    ci, run, skip, wait_for, Endpoint, ExtraFamily, Neighbor, Originate, Route, TempDir, WAIT,
};
use std::fmt::Write as _;
use std::path::PathBuf;

/// Set to an ExaBGP executable (e.g. `/tmp/exabgp5-venv/bin/exabgp`) to run the exabgp-rs
/// tests against ExaBGP itself: it checks the tests, not exabgp-rs.
pub const SPEAKER_ENV: &str = "EXABGP_INTEROP_SPEAKER";

/// The command that runs a configuration file, or `None` (with the reason printed) when the
/// test must be skipped: exabgp-rs has no `server` command yet. Under `CI=true` a missing
/// command is a failure.
pub fn speaker_command() -> Option<Vec<String>> {
    if let Ok(program) = std::env::var(SPEAKER_ENV) {
        return Some(vec![program]);
    }
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_exabgp-rs"));
    let help = run(&binary, &["help"]).unwrap_or_else(|e| e);
    let has_server = help
        .lines()
        .any(|l| l.split_whitespace().next() == Some("server"));
    if has_server {
        return Some(vec![binary.display().to_string(), "server".into()]);
    }
    if ci() {
        panic!("exabgp-rs has no server command and CI=true; `exabgp-rs help` says:\n{help}");
    }
    skip("exabgp-rs has no `server` command yet (`exabgp-rs help` does not list it)");
    None
}

/// A route for the speaker's `static` section; its next hop is the speaker's own.
#[derive(Clone, Debug)]
pub struct Static {
    pub route: Originate,
    /// Given with `as-path [ ... ]` and sent as it is (ExaBGP does not prepend its AS to a
    /// configured path); empty means none configured, and the speaker sends [local AS].
    pub as_path: Vec<u32>,
}

/// The speaker's configuration: one neighbor (`neighbor.passive` says whether the *speaker*
/// waits for it to connect), its static routes, and an API process writing every received
/// UPDATE (parsed, JSON) to `received.jsonl`, and one feeding it the API commands appended to
/// `commands.txt` (see `Speaker::send`). `families` are negotiated too, and `sections`
/// (ExaBGP configuration text: `flow { }`, `static { }`, ...) is put in the neighbor as it is.
pub fn config(
    dir: &TempDir,
    me: Endpoint,
    neighbor: Neighbor,
    routes: &[Static],
    families: &[ExtraFamily],
    sections: &str,
) -> String {
    let received = dir.join("received.jsonl");
    // ExaBGP hands its helpers a non-blocking stdin, on which cat fails with EAGAIN: retry
    // until cat sees end of file (the speaker is gone), so the helper never outlives it.
    let script = format!(
        "#!/bin/sh\nwhile :; do cat >> {} 2>/dev/null && exit 0; sleep 0.05; done\n",
        received.display()
    );
    let dump = dir.write("dump.sh", &script);
    make_executable(&dump);
    // Writes the lines added to commands.txt since the last look, in the background, until
    // its stdin ends (the speaker asks it to leave) or the speaker is gone.
    let script = format!(
        "#!/bin/sh\n(\n  n=0\n  while kill -0 $PPID 2>/dev/null; do\n    \
         total=$(cat {commands} 2>/dev/null | wc -l)\n    \
         if [ \"$total\" -gt \"$n\" ]; then\n      \
         tail -n +$((n + 1)) {commands} | head -n $((total - n))\n      n=$total\n    fi\n    \
         sleep 0.1\n  done\n) &\n\
         while :; do cat >/dev/null 2>&1 && break; sleep 0.05; done\nkill $!\n",
        commands = dir.join("commands.txt").display()
    );
    let command = dir.write("command.sh", &script);
    make_executable(&command);
    let mut c = format!(
        "process dump {{\n    run {};\n    encoder json;\n}}\n\n\
         process command {{\n    run {};\n    encoder text;\n}}\n\n",
        dump.display(),
        command.display()
    );
    let families: String = families
        .iter()
        .map(|f| format!("        {};\n", f.exabgp()))
        .collect();
    let _ = write!(
        c,
        "neighbor {} {{\n    router-id {};\n    local-address {};\n    local-as {};\n    \
         peer-as {};\n    listen {};\n    connect {};\n    passive {};\n    hold-time 30;\n    \
         family {{\n        ipv4 unicast;\n        ipv6 unicast;\n{families}    }}\n    api {{\n        \
         processes [ dump ];\n        receive {{\n            parsed;\n            update;\n        \
         }}\n    }}\n    api {{\n        processes [ command ];\n    }}\n{sections}    static {{\n",
        neighbor.endpoint.address,
        me.router_id,
        me.address,
        me.asn,
        neighbor.endpoint.asn,
        me.port,
        neighbor.endpoint.port,
        neighbor.passive,
    );
    for s in routes {
        let r = &s.route;
        let next_hop = if r.is_ipv6() {
            me.next_hop6()
        } else {
            me.next_hop4()
        };
        let _ = write!(c, "        route {} next-hop {next_hop}", r.prefix);
        if let Some(med) = r.med {
            let _ = write!(c, " med {med}");
        }
        if !r.communities.is_empty() {
            let list: Vec<String> = r
                .communities
                .iter()
                .map(|(a, v)| format!("{a}:{v}"))
                .collect();
            let _ = write!(c, " community [ {} ]", list.join(" "));
        }
        if !s.as_path.is_empty() {
            let list: Vec<String> = s.as_path.iter().map(u32::to_string).collect();
            let _ = write!(c, " as-path [ {} ]", list.join(" "));
        }
        let _ = writeln!(c, ";");
    }
    c.push_str("    }\n}\n");
    c
}

fn make_executable(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755));
}

/// The speaker under test, running from its own temporary directory.
pub struct Speaker {
    dir: TempDir,
    command: Vec<String>,
    process: Process,
}

impl Speaker {
    /// Starts `command` (from `speaker_command`) with a configuration peering `me` with
    /// `neighbor` (see `config`).
    pub fn start(
        command: Vec<String>,
        me: Endpoint,
        neighbor: Neighbor,
        routes: &[Static],
    ) -> Result<Speaker, String> {
        Speaker::start_with(command, me, neighbor, routes, &[], "")
    }

    /// Starts the speaker negotiating `families` too, with `sections` in its neighbor (see
    /// `config`).
    pub fn start_with(
        command: Vec<String>,
        me: Endpoint,
        neighbor: Neighbor,
        routes: &[Static],
        families: &[ExtraFamily],
        sections: &str,
    ) -> Result<Speaker, String> {
        let dir = TempDir::new("exabgp");
        let text = config(&dir, me, neighbor, routes, families, sections);
        let conf = dir.write("exabgp.conf", &text);
        let process = Speaker::spawn(&dir, &command, &conf)?;
        Ok(Speaker {
            dir,
            command,
            process,
        })
    }

    fn spawn(dir: &TempDir, command: &[String], conf: &std::path::Path) -> Result<Process, String> {
        let (program, args) = command.split_first().ok_or("empty speaker command")?;
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.push(conf.to_str().ok_or("path")?);
        // ExaBGP's environment, read by exabgp-rs too: stay in the foreground, log to the
        // test's file, no CLI pipes in /run, no privilege drop.
        let env = [
            ("exabgp_daemon_daemonize", "false"),
            ("exabgp_daemon_user", "root"),
            ("exabgp_daemon_drop", "false"),
            ("exabgp_api_cli", "false"),
            ("exabgp_log_destination", "stdout"),
            ("exabgp_log_level", "INFO"),
        ];
        Process::spawn_with_env(program.as_ref(), &args, &env, dir.join("speaker.log"))
    }

    /// Kills the speaker and starts it again with the same configuration.
    pub fn restart(&mut self) -> Result<(), String> {
        self.process.stop();
        self.process = Speaker::spawn(&self.dir, &self.command, &self.dir.join("exabgp.conf"))?;
        Ok(())
    }

    pub fn log(&self) -> String {
        self.process.log_text()
    }

    /// The routes announced to the speaker so far, from its API process's JSON once the
    /// speaker runs API processes (the helper creates `received.jsonl`), else from its log.
    pub fn received(&mut self) -> Result<Vec<Route>, String> {
        self.process.check_alive()?;
        if let Ok(text) = std::fs::read_to_string(self.dir.join("received.jsonl")) {
            return Ok(text.lines().flat_map(parse_exabgp_update).collect());
        }
        Ok(self.log().lines().flat_map(parse_logged_update).collect())
    }

    /// Gives the speaker an API command (`announce ...`, `withdraw ...`), through its helper. A
    /// restarted speaker's new helper gives it all the commands sent so far again.
    pub fn send(&self, command: &str) -> Result<(), String> {
        use std::io::Write;
        let path = self.dir.join("commands.txt");
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| format!("open {}: {e}", path.display()))?;
        writeln!(file, "{command}").map_err(|e| e.to_string())
    }

    /// Every UPDATE the speaker's API process was given so far, as ExaBGP's JSON.
    pub fn received_json(&mut self) -> Result<Vec<serde_json::Value>, String> {
        self.process.check_alive()?;
        let text = std::fs::read_to_string(self.dir.join("received.jsonl")).unwrap_or_default();
        Ok(text
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect())
    }

    /// Waits until `prefix` was announced to the speaker with `predicate` true, in one of
    /// the announcements after the first `skip` (to see a route sent again on a new session).
    pub fn wait_received(
        &mut self,
        skip: usize,
        prefix: &str,
        predicate: impl Fn(&Route) -> bool,
    ) -> Route {
        let what = format!("{prefix} received by the speaker");
        wait_for(&what, WAIT, || {
            let routes = self.received()?;
            let fresh = routes.get(skip..).unwrap_or_default();
            match fresh
                .iter()
                .rev()
                .find(|r| r.prefix == prefix && predicate(r))
            {
                Some(route) => Ok(Some(route.clone())),
                None => Err(format!(
                    "{:?}",
                    fresh.iter().map(ToString::to_string).collect::<Vec<_>>()
                )),
            }
        })
        .unwrap_or_else(|e| panic!("{e}\n--- speaker log:\n{}", self.log()))
    }
}

/// Parses a log line where the speaker reports a received UPDATE: `... << { "update": ... }`,
/// the message in the JSON of ExaBGP's API (as ExaBGP logs it with `exabgp.log.packets`).
pub fn parse_logged_update(line: &str) -> Vec<Route> {
    let Some((_, message)) = line.split_once("<< ") else {
        return Vec::new();
    };
    if !message.trim_start().starts_with("{ \"update\"") {
        return Vec::new();
    }
    parse_exabgp_update(&format!("{{\"neighbor\": {{\"message\": {message}}}}}"))
}

/// Parses one line of ExaBGP's JSON API output; yields the announced routes of an UPDATE.
/// Accepts both AS_PATH shapes (ExaBGP 5.0's list, ExaBGP main's segments) and both NLRI
/// shapes (`{"nlri": ...}` and a bare string).
pub fn parse_exabgp_update(line: &str) -> Vec<Route> {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(line) else {
        return Vec::new();
    };
    let update = &json["neighbor"]["message"]["update"];
    let attribute = &update["attribute"];
    let mut as_path = Vec::new();
    match &attribute["as-path"] {
        serde_json::Value::Array(asns) => as_path.extend(asns.iter().filter_map(|a| a.as_u64())),
        serde_json::Value::Object(segments) => {
            for segment in segments.values() {
                let asns = segment["value"].as_array().into_iter().flatten();
                as_path.extend(asns.filter_map(|a| a.as_u64()));
            }
        }
        _ => {}
    }
    let communities: Vec<(u16, u16)> = attribute["community"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| Some((c[0].as_u64()? as u16, c[1].as_u64()? as u16)))
        .collect();
    let mut routes = Vec::new();
    for next_hops in update["announce"]
        .as_object()
        .into_iter()
        .flat_map(|f| f.values())
    {
        for (next_hop, nlris) in next_hops.as_object().into_iter().flatten() {
            for nlri in nlris.as_array().into_iter().flatten() {
                let prefix = nlri["nlri"].as_str().or(nlri.as_str()).unwrap_or_default();
                routes.push(Route {
                    prefix: prefix.to_string(),
                    next_hop: next_hop.parse().ok(),
                    as_path: as_path.iter().map(|a| *a as u32).collect(),
                    med: attribute["med"].as_u64().map(|m| m as u32),
                    local_pref: attribute["local-preference"].as_u64().map(|l| l as u32),
                    communities: communities.clone(),
                });
            }
        }
    }
    routes
}
