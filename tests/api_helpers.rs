//! The API helpers of a real daemon (issue 4): `exabgp-rs` under test peers over loopback with a
//! second `exabgp-rs` that sends it routes; its helpers are small `sh` scripts.
//!
//! - A helper subscribed to received UPDATEs that stops reading for several hold times, while the
//!   peer sends tens of thousands of them: the daemon names it and pauses the peer feeding it,
//!   the session stays Established (keepalives keep flowing both ways), the API still answers,
//!   and once it reads again it and a second helper get every UPDATE in order.
//! - A helper that keeps exiting is restarted up to the respawn limit, then given up on while
//!   the daemon and its session go on (as ExaBGP main; 4.2 and 5.0 stop the daemon there); with
//!   `exabgp.api.respawn` off it runs once; with `exabgp.api.terminate` a helper that is not
//!   restarted stops the daemon, which tells its peer.
//!
//! Daemons and helpers run in a temporary directory on their own 127.x.y.z addresses and high
//! ports, and are stopped by PID. Every wait is bounded; nothing asserts how long anything took.

mod common;

use common::daemons::Process;
use common::{free_port, loopback, wait_for, TempDir};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Upper bound for one wait: a debug build on a loaded 2-core machine is slow.
const BOUND: Duration = Duration::from_secs(120);
/// The hold time both daemons offer: keepalives every second.
const HOLD: u32 = 3;
/// Several times the JSON a helper's queue takes before the peers feeding it pause
/// (`api::backlog::HIGH_WATER`).
const ROUTES: u32 = 25_000;
/// How the JSON of an UPDATE and of a KEEPALIVE (one per line) say what they are.
const UPDATE: &str = "\"type\": \"update\"";
const KEEPALIVE: &str = "\"type\": \"keepalive\"";

/// A daemon under test, its log in its directory.
struct Daemon {
    process: Process,
    name: &'static str,
}

impl Daemon {
    fn start(dir: &TempDir, name: &'static str, config: &str, env: &[(&str, String)]) -> Daemon {
        let conf = dir.write(&format!("{name}.conf"), config);
        let user = std::process::Command::new("id")
            .arg("-un")
            .output()
            .expect("id runs");
        let user = String::from_utf8_lossy(&user.stdout).trim().to_string();
        let mut vars: Vec<(&str, String)> = vec![
            ("EXABGP_ENVFILE", "/nonexistent".into()),
            ("exabgp_log_destination", "stderr".into()),
            ("exabgp_log_level", "WARNING".into()),
            ("exabgp_daemon_user", user),
            ("exabgp_api_cli", "false".into()),
        ];
        vars.extend(env.iter().cloned());
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let process = Process::spawn_with_env(
            Path::new(env!("CARGO_BIN_EXE_exabgp-rs")),
            &["server", conf.to_str().unwrap()],
            &vars,
            dir.join(&format!("{name}.log")),
        )
        .expect("the daemon starts");
        Daemon { process, name }
    }

    fn log(&self) -> String {
        self.process.log_text()
    }

    /// Waits until the log holds `text` at least `count` times.
    fn wait_log(&mut self, text: &str, count: usize) {
        let name = self.name;
        let process = &mut self.process;
        wait_for(&format!("{name} logging {text:?}"), BOUND, || {
            let log = process.log_text();
            if log.matches(text).count() >= count {
                return Ok(Some(()));
            }
            process.check_alive()?;
            Err(log.lines().last().unwrap_or_default().to_string())
        })
        .unwrap_or_else(|e| panic!("{e}\n{name} log:\n{}", self.log()));
    }

    fn alive(&mut self) -> bool {
        self.process.check_alive().is_ok()
    }
}

/// Writes an executable `sh` script. A script that only reads keeps its stdout open (no `exec`
/// with a redirected stdout): the daemon takes a helper's stdout closing as its end.
fn script(dir: &TempDir, name: &str, body: &str) -> PathBuf {
    let path = dir.write(name, &format!("#!/bin/sh\n{body}\n"));
    let mut permissions = std::fs::metadata(&path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&path, permissions).unwrap();
    path
}

/// How many times `needle` occurs in the file (0 if it does not exist yet).
fn occurrences(path: &Path, needle: &str) -> usize {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .matches(needle)
        .count()
}

/// Where the two daemons of a test live.
struct Pair {
    /// The daemon under test: passive, listening on its address.
    tested: IpAddr,
    /// Its peer: active, connecting from its own address.
    peer: IpAddr,
    port: u16,
}

impl Pair {
    fn new() -> Pair {
        let tested = IpAddr::V4(loopback());
        Pair {
            tested,
            peer: IpAddr::V4(loopback()),
            port: free_port(tested),
        }
    }

    /// `neighbor` block of the daemon under test, with `body` (api blocks).
    fn tested_config(&self, processes: &str, body: &str) -> String {
        format!(
            "{processes}neighbor {peer} {{\n  router-id 10.0.0.1;\n  local-address {tested};\n  \
             local-as 65001;\n  peer-as 65002;\n  hold-time {HOLD};\n  passive;\n  \
             family {{ ipv4 unicast; }}\n{body}}}\n",
            peer = self.peer,
            tested = self.tested,
        )
    }

    fn start_tested(&self, dir: &TempDir, config: &str, env: &[(&str, String)]) -> Daemon {
        let mut env = env.to_vec();
        env.push(("exabgp_tcp_bind", self.tested.to_string()));
        env.push(("exabgp_tcp_port", self.port.to_string()));
        // not waiting for it to listen: the active peer retries until it does
        Daemon::start(dir, "tested", config, &env)
    }

    /// The peer: sends `routes` routes (10.a.b.0/24, each with its own MED, so one UPDATE
    /// each) and writes what it receives, keepalives included, to `peer.jsonl`.
    fn start_peer(&self, dir: &TempDir, routes: u32) -> Daemon {
        let dump = script(
            dir,
            "peer-dump.sh",
            &format!("cat > {}", dir.join("peer.jsonl").display()),
        );
        let mut config = format!(
            "process dump {{\n  run {};\n  encoder json;\n}}\n\
             neighbor {tested} {{\n  router-id 10.0.0.2;\n  local-address {peer};\n  \
             local-as 65002;\n  peer-as 65001;\n  hold-time {HOLD};\n  \
             family {{ ipv4 unicast; }}\n  api {{\n    processes [ dump ];\n    \
             receive {{ parsed; update; keepalive; }}\n  }}\n  static {{\n",
            dump.display(),
            tested = self.tested,
            peer = self.peer,
        );
        for i in 0..routes {
            config.push_str(&format!(
                "    route {} next-hop 192.0.2.2 med {i};\n",
                prefix(i)
            ));
        }
        config.push_str("  }\n}\n");
        Daemon::start(
            dir,
            "peer",
            &config,
            &[
                ("exabgp_tcp_bind", String::new()),
                ("exabgp_tcp_port", self.port.to_string()),
            ],
        )
    }
}

/// The i-th route the peer sends.
fn prefix(i: u32) -> String {
    format!("10.{}.{}.0/24", i / 256, i % 256)
}

/// Waits until `path` holds `needle` at least `count` times, the daemon staying alive.
fn wait_file(daemon: &mut Daemon, path: &Path, needle: &str, count: usize) {
    let what = format!("{count} x {needle:?} in {}", path.display());
    wait_for(&what, BOUND, || {
        let seen = occurrences(path, needle);
        if seen >= count {
            return Ok(Some(()));
        }
        daemon.process.check_alive()?;
        Err(format!("{seen} so far"))
    })
    .unwrap_or_else(|e| panic!("{e}\n{} log:\n{}", daemon.name, daemon.log()));
}

/// Issue 11.1: a helper that stops reading for longer than several hold times, then reads
/// again. The peers feeding it pause (TCP pushes back on the sender), the sessions stay up
/// (keepalives keep going both ways), the API still answers, and once it reads again every
/// UPDATE reaches both helpers, in the order the peer sent them, none twice.
#[test]
fn a_helper_that_stops_reading_loses_nothing_and_stalls_no_session() {
    let dir = TempDir::new("api-slow");
    let pair = Pair::new();
    // `late` sleeps through four hold times then keeps every line; `reader` keeps every line
    // at once; `commander` waits for the test's go, then announces a route and asks for the
    // neighbours, keeping the answers
    let late = script(
        &dir,
        "late.sh",
        &format!(
            "sleep {}
cat > {}",
            4 * HOLD,
            dir.join("late.jsonl").display()
        ),
    );
    let reader = script(
        &dir,
        "reader.sh",
        &format!("cat > {}", dir.join("reader.jsonl").display()),
    );
    let go = dir.join("go");
    let commander = script(
        &dir,
        "commander.sh",
        &format!(
            "while [ ! -e {go} ]; do sleep 0.1; done\n\
             echo 'announce route 192.0.2.128/25 next-hop 192.0.2.1'\n\
             echo 'show neighbor summary'\n\
             cat > {answers}",
            go = go.display(),
            answers = dir.join("answers.txt").display(),
        ),
    );
    let processes = format!(
        "process late {{ run {}; encoder json; }}\n\
         process reader {{ run {}; encoder json; }}\n\
         process commander {{ run {}; encoder text; }}\n",
        late.display(),
        reader.display(),
        commander.display()
    );
    let body = "  api updates {\n    processes [ late reader ];\n    \
                receive { parsed; update; }\n  }\n  \
                api commands {\n    processes [ commander ];\n  }\n";
    let mut tested = pair.start_tested(&dir, &pair.tested_config(&processes, body), &[]);
    let mut peer = pair.start_peer(&dir, ROUTES);
    tested.wait_log("session up", 1);
    peer.wait_log("session up", 1);

    // the slow helper is named, the other is not
    tested.wait_log(
        "process late is not reading its input fast enough, pausing",
        1,
    );
    assert!(!tested.log().contains("process reader is not reading"));
    // the API answers while the peers are paused, and what it is told reaches the peer once
    // they resume
    std::fs::write(&go, "").unwrap();
    let answers = dir.join("answers.txt");
    wait_file(&mut tested, &answers, "done", 2);
    assert!(
        std::fs::read_to_string(&answers)
            .unwrap()
            .contains(&pair.peer.to_string()),
        "show neighbor summary names the peer"
    );
    tested.wait_log("process late caught up", 1);

    // every UPDATE reaches both helpers, in order, none twice
    let peer_sent: Vec<String> = (0..ROUTES).map(prefix).collect();
    for helper in ["reader", "late"] {
        let received = dir.join(&format!("{helper}.jsonl"));
        wait_file(&mut tested, &received, UPDATE, ROUTES as usize);
        let text = std::fs::read_to_string(&received).unwrap();
        let prefixes: Vec<String> = text
            .lines()
            .map(|line| serde_json::from_str::<serde_json::Value>(line).expect("JSON lines"))
            .filter_map(|json| {
                let announce = &json["neighbor"]["message"]["update"]["announce"];
                let routes = announce["ipv4 unicast"]["192.0.2.2"].as_array()?;
                Some(
                    routes
                        .iter()
                        .map(|r| r["nlri"].as_str().unwrap().to_string())
                        .collect::<Vec<_>>(),
                )
            })
            .flatten()
            .collect();
        assert!(
            prefixes == peer_sent,
            "{helper} got {} routes, not the {ROUTES} sent in order",
            prefixes.len()
        );
    }
    wait_file(&mut peer, &dir.join("peer.jsonl"), "\"192.0.2.128/25\"", 1);

    // keepalives went out while the peer was paused, and the sessions never dropped: our pause
    // did not fire either side's Hold timer
    let keepalives = occurrences(&dir.join("peer.jsonl"), KEEPALIVE);
    assert!(
        keepalives >= 4 * HOLD as usize,
        "{keepalives} keepalives reached the peer"
    );
    for daemon in [&mut tested, &mut peer] {
        assert!(daemon.alive(), "{} exited:\n{}", daemon.name, daemon.log());
        let log = daemon.log();
        assert_eq!(log.matches("session up").count(), 1, "{log}");
        assert!(!log.contains("session down"), "{log}");
    }
}

/// Waits, if needed, until a 64-second respawn window has at least 20 seconds left, so that a
/// burst of restarts is counted in one window (see `processes::RESPAWN_WINDOW`).
fn wait_for_a_fresh_window() {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let into = now.as_secs() % 64;
    if into > 44 {
        std::thread::sleep(Duration::from_secs(64 - into));
    }
}

#[test]
fn a_helper_that_keeps_exiting_is_respawned_up_to_the_limit_then_given_up() {
    let dir = TempDir::new("api-respawn");
    let pair = Pair::new();
    let starts = dir.join("starts");
    let crashing = script(
        &dir,
        "crashing.sh",
        &format!("echo started >> {}\nexit 1", starts.display()),
    );
    let go = dir.join("go");
    let commander = script(
        &dir,
        "commander.sh",
        &format!(
            "while [ ! -e {go} ]; do sleep 0.1; done\n\
             echo 'announce route 192.0.2.128/25 next-hop 192.0.2.1'\n\
             cat > {answers}",
            go = go.display(),
            answers = dir.join("answers.txt").display(),
        ),
    );
    let processes = format!(
        "process crashing {{ run {}; encoder json; }}\n\
         process commander {{ run {}; encoder text; }}\n",
        crashing.display(),
        commander.display()
    );
    let body = "  api {\n    processes [ crashing commander ];\n  }\n";
    let mut peer = pair.start_peer(&dir, 1);
    wait_for_a_fresh_window();
    let mut tested = pair.start_tested(
        &dir,
        &pair.tested_config(&processes, body),
        &[("exabgp_api_respawn", "true".into())],
    );
    tested.wait_log("process crashing respawned more than 5 times", 1);
    // started once, then restarted five times (ExaBGP's respawn_number) within the window
    assert_eq!(occurrences(&starts, "started"), 6, "{}", tested.log());
    assert_eq!(
        tested
            .log()
            .matches("process crashing ended, restarting it")
            .count(),
        6
    );

    // given up on, the daemon goes on: its session comes up and the API still works
    tested.wait_log("session up", 1);
    std::fs::write(&go, "").unwrap();
    wait_file(&mut tested, &dir.join("answers.txt"), "done", 1);
    wait_file(&mut peer, &dir.join("peer.jsonl"), "\"192.0.2.128/25\"", 1);
    assert!(tested.alive());
    assert_eq!(occurrences(&starts, "started"), 6, "not started again");
}

#[test]
fn without_respawn_a_helper_that_exits_stays_gone() {
    let dir = TempDir::new("api-norespawn");
    let pair = Pair::new();
    let starts = dir.join("starts");
    let once = script(
        &dir,
        "once.sh",
        &format!("echo started >> {}\nexit 0", starts.display()),
    );
    let processes = format!("process once {{ run {}; encoder json; }}\n", once.display());
    let body = "  api {\n    processes [ once ];\n  }\n";
    let _peer = pair.start_peer(&dir, 1);
    let mut tested = pair.start_tested(
        &dir,
        &pair.tested_config(&processes, body),
        &[("exabgp_api_respawn", "false".into())],
    );
    tested.wait_log("process once ended", 1);
    tested.wait_log("session up", 1);
    assert!(tested.alive());
    assert_eq!(occurrences(&starts, "started"), 1);
    assert!(!tested.log().contains("restarting it"));
}

#[test]
fn with_terminate_a_helper_that_is_not_restarted_stops_the_daemon() {
    let dir = TempDir::new("api-terminate");
    let pair = Pair::new();
    // the helper leaves once the session is up (it is told of it), so the peer sees the stop
    let leaving = script(
        &dir,
        "leaving.sh",
        "while read line; do case \"$line\" in *'\"up\"'*) exit 0;; esac; done",
    );
    let processes = format!(
        "process leaving {{ run {}; encoder json; respawn false; }}\n",
        leaving.display()
    );
    let body = "  api {\n    processes [ leaving ];\n    neighbor-changes;\n  }\n";
    let mut peer = pair.start_peer(&dir, 1);
    let mut tested = pair.start_tested(
        &dir,
        &pair.tested_config(&processes, body),
        &[("exabgp_api_terminate", "true".into())],
    );
    tested.wait_log("session up", 1);
    tested.wait_log("exabgp.api.terminate is set: stopping", 1);
    wait_for("the daemon to exit", BOUND, || {
        Ok((!tested.alive()).then_some(()))
    })
    .unwrap_or_else(|e| panic!("{e}\n{}", tested.log()));
    // it stopped as on a signal: the peer was told (Cease, Administrative Shutdown)
    peer.wait_log("session down", 1);
    assert!(peer.log().contains("(6,2)"), "{}", peer.log());
}
