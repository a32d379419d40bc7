//! Two real `exabgp-rs` daemons peering over loopback: sessions come up, a TERM stops one with a
//! Cease that the other sees, and a daemon with a connection limit exits once it is used up.
//!
//! Every wait is bounded (the daemons are killed by PID if a test fails), and nothing asserts how
//! long anything took.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Upper bound for any one wait: generous, a loaded 2-core machine must not make the test flaky.
const BOUND: Duration = Duration::from_secs(60);

/// A daemon under test: its process and the lines it logged so far.
struct Daemon {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    name: &'static str,
    /// The configuration file written for it, removed with it.
    config: Option<PathBuf>,
}

impl Daemon {
    fn start(name: &'static str, configuration: &str, env: &[(&str, String)]) -> Daemon {
        let path = write_config(name, configuration);
        let mut daemon = Daemon::spawn(name, &["server", "-d", path.to_str().unwrap()], env);
        daemon.config = Some(path);
        daemon
    }

    fn spawn(name: &'static str, args: &[&str], env: &[(&str, String)]) -> Daemon {
        let mut command = Command::new(env!("CARGO_BIN_EXE_exabgp-rs"));
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("EXABGP_ENVFILE", "/nonexistent")
            .env("exabgp_log_destination", "stderr")
            .env("exabgp_daemon_user", current_user())
            // tests run at once: none of them needs the CLI socket, which only one could own
            .env("exabgp_api_cli", "false")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("the daemon starts");
        let stderr = child.stderr.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Daemon {
            child,
            lines,
            name,
            config: None,
        }
    }

    /// Waits until a logged line contains `text`; panics with the log after the bound, or once
    /// the daemon exited without logging it.
    fn wait_for(&mut self, text: &str) {
        let start = Instant::now();
        let mut exited = false;
        while start.elapsed() < BOUND {
            if self
                .lines
                .lock()
                .unwrap()
                .iter()
                .any(|line| line.contains(text))
            {
                return;
            }
            if exited {
                break;
            }
            // Read the rest of the log once more after an exit before giving up.
            exited = self.child.try_wait().unwrap().is_some();
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "{} never logged {text:?}; its log:\n{}",
            self.name,
            self.log()
        );
    }

    fn log(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status();
        assert!(status.unwrap().success());
    }

    /// Waits for the process to exit by itself; its exit code.
    fn wait_exit(&mut self) -> i32 {
        let start = Instant::now();
        while start.elapsed() < BOUND {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("{} did not exit; its log:\n{}", self.name, self.log());
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(config) = &self.config {
            let _ = std::fs::remove_file(config);
        }
    }
}

/// Waits until `text` was logged `count` times.
fn wait_count(daemon: &Daemon, text: &str, count: usize) {
    let start = Instant::now();
    while daemon.log().matches(text).count() < count {
        assert!(
            start.elapsed() < BOUND,
            "{text:?} not logged {count} times:\n{}",
            daemon.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn current_user() -> String {
    let output = Command::new("id").arg("-un").output().expect("id runs");
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

fn write_config(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("exabgp-rs-{}-{name}.conf", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}
/// A passive daemon at `local` for the neighbour `peer` (AS 65001, router-id 10.0.0.1) with the
/// `extra` statements, listening on `port`; returns once it listens.
fn start_passive(name: &'static str, peer: &str, local: &str, extra: &str, port: u16) -> Daemon {
    start_passive_with(name, peer, local, extra, port, Vec::new())
}

/// `start_passive` with more environment variables.
fn start_passive_with(
    name: &'static str,
    peer: &str,
    local: &str,
    extra: &str,
    port: u16,
    env: Vec<(&str, String)>,
) -> Daemon {
    let mut variables = vec![
        ("exabgp_tcp_bind", local.to_string()),
        ("exabgp_tcp_port", port.to_string()),
    ];
    variables.extend(env);
    let mut daemon = Daemon::start(
        name,
        &neighbor(
            peer,
            local,
            65001,
            65002,
            "10.0.0.1",
            &format!("  passive;\n{extra}"),
        ),
        &variables,
    );
    daemon.wait_for(&format!("listening for BGP session(s) on {local}:{port}"));
    daemon
}

/// An active daemon at `local` (AS 65002, router-id 10.0.0.2) connecting to `peer` on `port`,
/// listening nowhere.
fn start_active(name: &'static str, peer: &str, local: &str, extra: &str, port: u16) -> Daemon {
    Daemon::start(
        name,
        &neighbor(peer, local, 65002, 65001, "10.0.0.2", extra),
        &[
            ("exabgp_tcp_bind", String::new()),
            ("exabgp_tcp_port", port.to_string()),
        ],
    )
}

/// A port free right now on 127.0.0.1 (the kernel picks it).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn neighbor(
    peer: &str,
    local: &str,
    local_as: u32,
    peer_as: u32,
    router_id: &str,
    extra: &str,
) -> String {
    format!(
        "neighbor {peer} {{\n  router-id {router_id};\n  local-address {local};\n  local-as {local_as};\n  \
         peer-as {peer_as};\n  hold-time 30;\n{extra}}}\n"
    )
}

#[test]
fn two_daemons_establish_then_term_sends_cease() {
    let port = free_port();
    // The passive side listens on 127.0.0.1; the active one connects from 127.0.0.2 (source bind).
    let mut passive = start_passive("passive", "127.0.0.2", "127.0.0.1", "", port);
    let mut active = start_active("active", "127.0.0.1", "127.0.0.2", "", port);
    passive.wait_for("session up");
    active.wait_for("session up");

    active.signal("TERM");
    assert_eq!(active.wait_exit(), 0, "active log:\n{}", active.log());
    // The passive side was told why: Cease (6) / Administrative Shutdown (2), RFC 4486.
    passive.wait_for("session down");
    passive.wait_for("notification received (6,2)");
    active.wait_for("performing shutdown");
}

#[test]
fn connection_limit_exits_when_used_up() {
    // Nothing listens on this port: every attempt fails, and with one attempt allowed the daemon
    // exits by itself, as ExaBGP with exabgp_tcp_connections (the functional tests rely on it).
    let port = free_port();
    let mut daemon = Daemon::start(
        "limited",
        &neighbor("127.0.0.1", "127.0.0.1", 65001, 65002, "10.0.0.1", ""),
        &[
            ("exabgp_tcp_bind", String::new()),
            ("exabgp_tcp_port", port.to_string()),
            ("exabgp_tcp_connections", "1".into()),
        ],
    );
    assert_eq!(daemon.wait_exit(), 0, "log:\n{}", daemon.log());
    daemon.wait_for("exiting on peer termination");
}

#[test]
fn unconfigured_peer_is_refused_with_a_notification() {
    let port = free_port();
    let mut daemon = Daemon::start(
        "refusing",
        &neighbor(
            "127.0.0.9",
            "127.0.0.1",
            65001,
            65002,
            "10.0.0.1",
            "  passive;\n",
        ),
        &[
            ("exabgp_tcp_bind", "127.0.0.1".into()),
            ("exabgp_tcp_port", port.to_string()),
        ],
    );
    daemon.wait_for(&format!("listening for BGP session(s) on 127.0.0.1:{port}"));
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(BOUND)).unwrap();
    let mut received = Vec::new();
    std::io::Read::read_to_end(&mut stream, &mut received).unwrap();
    // RFC 4271 §4.5: marker, length 21 + text, type 3, Cease (6) / Peer De-configured (3).
    assert!(received.len() > 21, "{received:?}");
    assert_eq!(&received[..16], &[0xff; 16]);
    assert_eq!(
        u16::from_be_bytes([received[16], received[17]]) as usize,
        received.len()
    );
    assert_eq!(&received[18..21], &[3, 6, 3]);
    assert_eq!(&received[21..], b"no session configured for the peer");
    daemon.signal("TERM");
}

#[test]
fn built_in_example_exchanges_routes_and_stops_by_itself() {
    let port = free_port();
    let mut example = Daemon::spawn(
        "example",
        &["example", "--port", &port.to_string(), "--seconds", "10"],
        &[],
    );
    assert_eq!(example.wait_exit(), 0, "log:\n{}", example.log());
    let log = example.log();
    // Each side received the other's three routes, the End-of-RIB after them.
    for (side, routes) in [("ASN 65002", "10.2."), ("ASN 65001", "10.1.")] {
        let received: Vec<&str> = log
            .lines()
            .filter(|line| line.contains(side) && line.contains("<<"))
            .collect();
        let routes_at: Vec<usize> = (0..3)
            .map(|third| {
                let nlri = format!("\"nlri\": \"{routes}{third}.0/24\"");
                received
                    .iter()
                    .position(|line| line.contains(&nlri))
                    .unwrap_or_else(|| panic!("no {nlri}:\n{log}"))
            })
            .collect();
        let eor = received
            .iter()
            .position(|line| line.contains("\"eor\""))
            .expect("an End-of-RIB");
        assert!(
            routes_at.iter().all(|at| *at < eor),
            "End-of-RIB before the routes:\n{log}"
        );
    }
    assert!(log.contains("run time over, stopping"));
}

#[test]
fn both_active_and_listening_resolve_the_collision() {
    // Each daemon listens on its own address and connects to the other's: connections cross, and
    // the collision handling (RFC 4271 §6.8, ExaBGP's handle_connection) must leave one session.
    let port = free_port();
    let mut one = Daemon::start(
        "collide-1",
        &neighbor("127.0.0.2", "127.0.0.1", 65001, 65002, "10.0.0.1", ""),
        &[
            ("exabgp_tcp_bind", "127.0.0.1".into()),
            ("exabgp_tcp_port", port.to_string()),
        ],
    );
    let mut two = Daemon::start(
        "collide-2",
        &neighbor("127.0.0.1", "127.0.0.2", 65002, 65001, "10.0.0.2", ""),
        &[
            ("exabgp_tcp_bind", "127.0.0.2".into()),
            ("exabgp_tcp_port", port.to_string()),
        ],
    );
    one.wait_for("session up");
    two.wait_for("session up");
    one.signal("TERM");
    two.signal("TERM");
    assert_eq!(one.wait_exit(), 0);
    assert_eq!(two.wait_exit(), 0);
}

#[test]
fn reload_removes_then_adds_a_peer_alarm_restarts_and_record_and_pid_files_work() {
    let port = free_port();
    let mut passive = start_passive("reload-passive", "127.0.0.2", "127.0.0.1", "", port);

    let configured = neighbor("127.0.0.1", "127.0.0.2", 65002, 65001, "10.0.0.2", "");
    let path = write_config("reload-active", &configured);
    let record =
        std::env::temp_dir().join(format!("exabgp-rs-{}-record.jsonl", std::process::id()));
    let pid = std::env::temp_dir().join(format!("exabgp-rs-{}-active.pid", std::process::id()));
    let mut active = Daemon::spawn(
        "reload-active",
        &[
            "server",
            "-d",
            "--record",
            record.to_str().unwrap(),
            path.to_str().unwrap(),
        ],
        &[
            ("exabgp_tcp_bind", String::new()),
            ("exabgp_tcp_port", port.to_string()),
            ("exabgp_daemon_pid", pid.to_str().unwrap().to_string()),
        ],
    );
    active.config = Some(path.clone());
    active.wait_for("session up");
    passive.wait_for("session up");
    assert_eq!(
        std::fs::read_to_string(&pid).unwrap(),
        format!("{}\n", active.child.id())
    );

    // The neighbour leaves the configuration: its session ends with Cease / Peer De-configured.
    std::fs::write(&path, "").unwrap();
    active.signal("USR1");
    active.wait_for("removing peer");
    passive.wait_for("notification received (6,3)");

    // It comes back: a new session.
    std::fs::write(&path, &configured).unwrap();
    active.signal("USR1");
    wait_count(&passive, "session up", 2);

    // ALRM restarts every session.
    active.signal("ALRM");
    active.wait_for("performing restart");
    wait_count(&passive, "notification received (6,3)", 2);
    wait_count(&passive, "session up", 3);

    active.signal("TERM");
    assert_eq!(active.wait_exit(), 0);
    assert!(!pid.exists(), "the pid file is removed on exit");
    // The record is JSON lines of the peer's events and effects, from Start on.
    let lines = std::fs::read_to_string(&record).unwrap();
    let records: Vec<serde_json::Value> = lines
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(records[0]["event"], "start");
    assert_eq!(records[0]["peer"], "127.0.0.1");
    assert!(
        records
            .iter()
            .any(|r| r["effect"]["transition"]["to"] == "ESTABLISHED"),
        "{lines}"
    );
    let _ = std::fs::remove_file(&record);
}

#[test]
fn tcp_md5_signed_session_comes_up() {
    // RFC 2385: both ends sign every segment with the shared key. Linux drops signed segments a
    // socket has no key for (and unsigned ones it has a key for), so the session only comes up if
    // the key is set on the connecting socket and on the listening one for the peer's address.
    let port = free_port();
    let mut passive = start_passive(
        "md5-passive",
        "127.0.0.2",
        "127.0.0.1",
        "  md5-password \"s3cret\";\n",
        port,
    );
    let mut active = start_active(
        "md5-active",
        "127.0.0.1",
        "127.0.0.2",
        "  md5-password \"s3cret\";\n  outgoing-ttl 5;\n",
        port,
    );
    active.wait_for("session up");
    passive.wait_for("session up");
}

#[test]
fn ipv6_session_exchanges_routes() {
    let port = free_port();
    let family = "  family {\n    ipv6 unicast;\n  }\n";
    let mut passive = start_passive(
        "v6-passive",
        "::1",
        "::1",
        &format!("{family}  static {{\n    route 2001:db8:1::/48 next-hop self;\n  }}\n"),
        port,
    );
    let mut active = start_active(
        "v6-active",
        "::1",
        "::1",
        &format!("{family}  static {{\n    route 2001:db8:2::/48 next-hop self;\n  }}\n"),
        port,
    );
    active.wait_for("\"nlri\": \"2001:db8:1::/48\"");
    passive.wait_for("\"nlri\": \"2001:db8:2::/48\"");
}

#[test]
fn recorded_session_replays_through_the_stepper() {
    use exabgp_rs::application::server::{adj_rib_out, peer_settings};
    use exabgp_rs::configuration::Configuration;
    use exabgp_rs::environment::Environment;
    use exabgp_rs::reactor::peer::stepper::{replay, Record, Stepper};

    let port = free_port();
    let routes = "  static {\n    route 10.9.0.0/24 next-hop self med 5;\n    route 10.9.1.0/24 next-hop self;\n  }\n";
    let mut passive = start_passive("replay-passive", "127.0.0.2", "127.0.0.1", "", port);
    let configuration = neighbor("127.0.0.1", "127.0.0.2", 65002, 65001, "10.0.0.2", routes);
    let path = write_config("replay-active", &configuration);
    let record =
        std::env::temp_dir().join(format!("exabgp-rs-{}-replay.jsonl", std::process::id()));
    let mut active = Daemon::spawn(
        "replay-active",
        &[
            "server",
            "--record",
            record.to_str().unwrap(),
            path.to_str().unwrap(),
        ],
        &[
            ("exabgp_tcp_bind", String::new()),
            ("exabgp_tcp_port", port.to_string()),
        ],
    );
    active.config = Some(path.clone());
    passive.wait_for("\"nlri\": \"10.9.1.0/24\"");
    active.signal("TERM");
    assert_eq!(active.wait_exit(), 0);

    // The same neighbour, settings and routes as the daemon had, fed the recorded events, must
    // produce the recorded effects: the coroutine is deterministic and the record complete.
    let peer = Configuration::parse(&configuration, &path)
        .unwrap()
        .neighbors
        .remove(0);
    let settings = peer_settings(&Environment::load(None, &[]).unwrap());
    let mut stepper = Stepper::new(peer.neighbor.clone(), settings, adj_rib_out(&peer));
    let text = std::fs::read_to_string(&record).unwrap();
    let records: Vec<Record> = text
        .lines()
        .map(|line| {
            let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
            let object = value.as_object_mut().unwrap();
            object.remove("peer");
            object.remove("time");
            serde_json::from_value(value).unwrap()
        })
        .collect();
    assert!(records.len() > 10, "{text}");
    replay(&mut stepper, &records).unwrap_or_else(|mismatch| panic!("{mismatch:?}\n{text}"));
    let _ = std::fs::remove_file(&record);
}

#[test]
fn rotate_reloads_the_next_configuration() {
    // exabgp.debug.rotate: several configurations run as one process, each reload takes the next
    // (ExaBGP's functional tests rely on it for api-reload).
    let port = free_port();
    let first = write_config(
        "rotate-1",
        &neighbor(
            "127.0.0.1",
            "127.0.0.1",
            65001,
            65002,
            "10.0.0.1",
            "  passive;\n",
        ),
    );
    let second = write_config(
        "rotate-2",
        &neighbor(
            "127.0.0.3",
            "127.0.0.1",
            65001,
            65003,
            "10.0.0.1",
            "  passive;\n",
        ),
    );
    let mut daemon = Daemon::spawn(
        "rotate",
        &[
            "server",
            "-d",
            first.to_str().unwrap(),
            second.to_str().unwrap(),
        ],
        &[
            ("exabgp_tcp_bind", String::new()),
            ("exabgp_tcp_port", port.to_string()),
            ("exabgp_debug_rotate", "true".into()),
        ],
    );
    daemon.wait_for("new peer: neighbor 127.0.0.1 ");
    daemon.signal("USR1");
    daemon.wait_for("removing peer: neighbor 127.0.0.1 ");
    daemon.wait_for("new peer: neighbor 127.0.0.3 ");
    daemon.signal("USR1");
    wait_count(&daemon, "new peer: neighbor 127.0.0.1 ", 2);
    daemon.signal("TERM");
    assert_eq!(daemon.wait_exit(), 0);
    let _ = std::fs::remove_file(first);
    let _ = std::fs::remove_file(second);
}

#[test]
fn reload_of_routes_keeps_the_session_and_sends_only_the_difference() {
    // As ExaBGP: a neighbour whose only change is its routes keeps its session and sends the
    // difference; a change of its session settings restarts it with Cease / Peer De-configured.
    let port = free_port();
    let mut passive = start_passive("routes-passive", "127.0.0.2", "127.0.0.1", "", port);
    let statics = |routes: &[&str], extra: &str| {
        let routes: String = routes
            .iter()
            .map(|prefix| format!("    route {prefix} next-hop self;\n"))
            .collect();
        format!("{extra}  static {{\n{routes}  }}\n")
    };
    // what start_active writes, with other routes or settings
    let configured = |routes: &[&str], extra: &str| {
        neighbor(
            "127.0.0.1",
            "127.0.0.2",
            65002,
            65001,
            "10.0.0.2",
            &statics(routes, extra),
        )
    };
    let mut active = start_active(
        "routes-active",
        "127.0.0.1",
        "127.0.0.2",
        &statics(&["10.9.0.0/24", "10.9.1.0/24"], ""),
        port,
    );
    let path = active.config.clone().unwrap();
    passive.wait_for("\"nlri\": \"10.9.1.0/24\"");

    // routes only (USR1): 10.9.1.0/24 withdrawn, 10.9.2.0/24 announced, the session stays
    std::fs::write(&path, configured(&["10.9.0.0/24", "10.9.2.0/24"], "")).unwrap();
    active.signal("USR1");
    active.wait_for("keeping the session");
    passive.wait_for("\"nlri\": \"10.9.2.0/24\"");
    passive.wait_for("\"withdraw\"");
    // identical (HUP): nothing happens
    active.signal("HUP");
    wait_count(&active, "loaded new configuration successfully", 3);

    // a session setting (USR1): a new session
    std::fs::write(
        &path,
        configured(
            &["10.9.0.0/24", "10.9.2.0/24"],
            "  capability {\n    route-refresh;\n  }\n",
        ),
    )
    .unwrap();
    active.signal("USR1");
    passive.wait_for("notification received (6,3)");
    wait_count(&passive, "session up", 2);

    // everything before the Cease came from the first session: once each route, one
    // withdraw, and nothing sent again by the reloads
    let log = passive.log();
    let first = log.split("notification received (6,3)").next().unwrap();
    assert_eq!(first.matches("session up").count(), 1, "{log}");
    assert_eq!(first.matches("\"10.9.0.0/24\"").count(), 1, "{log}");
    assert_eq!(first.matches("\"10.9.1.0/24\"").count(), 2, "{log}");
    assert_eq!(first.matches("\"10.9.2.0/24\"").count(), 1, "{log}");
    assert_eq!(first.matches("\"withdraw\"").count(), 1, "{log}");
}

/// RFC 6793 §3 / RFC 4271 §6.2: an OPEN whose ASN4 capability is two bytes long is a malformed
/// optional parameter. The daemon answers its OPEN with NOTIFICATION (2, 0) and closes the
/// connection, instead of leaving the session half open.
#[test]
fn malformed_capability_is_refused_with_an_open_error() {
    use std::io::{Read, Write};
    let port = free_port();
    let daemon = start_passive("malformed-asn4", "127.0.0.1", "127.0.0.1", "", port);
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(BOUND)).unwrap();
    // OPEN: version 4, AS 65002, hold time 30, router-id 10.0.0.9, one parameter holding the
    // ASN4 capability (65) with a two-byte value
    let mut open = vec![0xff; 16];
    open.extend_from_slice(&[0, 35, 1, 4, 0xFD, 0xEA, 0, 30, 10, 0, 0, 9]);
    open.extend_from_slice(&[6, 2, 4, 65, 2, 0xFD, 0xEA]);
    assert_eq!(open.len(), 35);
    stream.write_all(&open).unwrap();
    let mut received = Vec::new();
    stream.read_to_end(&mut received).unwrap();
    // the daemon's OPEN, then the NOTIFICATION, then the end of the connection
    let mut messages = Vec::new();
    let mut rest = &received[..];
    while rest.len() >= 19 {
        let length = usize::from(u16::from_be_bytes([rest[16], rest[17]]));
        assert!(length >= 19 && length <= rest.len(), "{received:?}");
        messages.push(rest[..length].to_vec());
        rest = &rest[length..];
    }
    assert!(rest.is_empty(), "{received:?}");
    let types: Vec<u8> = messages.iter().map(|m| m[18]).collect();
    assert_eq!(types, [1, 3], "{received:?}");
    assert_eq!(&messages[1][19..21], &[2, 0]);
    assert_eq!(
        String::from_utf8_lossy(&messages[1][21..]),
        "AS4 capability must be 4 bytes long, got 2"
    );
    daemon.signal("TERM");
}

/// One HTTP GET on 127.0.0.1:`port`: the status line and the body.
fn scrape(port: u16, path: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("metrics listen");
    stream.set_read_timeout(Some(BOUND)).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").expect("a whole response");
    (head.lines().next().unwrap().to_string(), body.to_string())
}

/// The value of the sample `series` (name and labels) in a Prometheus exposition.
fn sample(body: &str, series: &str) -> Option<f64> {
    body.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// A BMP collector on 127.0.0.1: the port, and what its first connection sent once it closed.
fn bmp_collector() -> (u16, std::sync::mpsc::Receiver<Vec<u8>>) {
    use std::io::Read;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut data = Vec::new();
        let _ = stream.read_to_end(&mut data);
        let _ = sender.send(data);
    });
    (port, receiver)
}

/// BMP messages (RFC 7854 §4.1: version 3, 4-octet length of the whole message, type): each
/// type and whole message.
fn bmp_messages(mut data: &[u8]) -> Vec<(u8, &[u8])> {
    let mut messages = Vec::new();
    while data.len() >= 6 {
        let length = u32::from_be_bytes(data[1..5].try_into().unwrap()) as usize;
        assert_eq!(data[0], 3, "BMP version");
        assert!(length >= 6 && length <= data.len(), "BMP framing");
        messages.push((data[5], &data[..length]));
        data = &data[length..];
    }
    assert!(data.is_empty(), "a partial BMP message at the end");
    messages
}

/// A capture file (pcap, raw IPv4) of `stream` as one TCP connection's data from port 40000 to
/// `port` on 127.0.0.1, for a packet dissector to read back.
fn pcap_of_stream(stream: &[u8], port: u16) -> Vec<u8> {
    let mut out = Vec::new();
    // magic, version 2.4, zone, accuracy, snap length, LINKTYPE_RAW
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    for word in [0u32, 0, 65_535, 101] {
        out.extend_from_slice(&word.to_le_bytes());
    }
    let mut sequence = 1u32;
    for (n, chunk) in stream.chunks(1_000).enumerate() {
        let mut packet = Vec::with_capacity(40 + chunk.len());
        let total = (40 + chunk.len()) as u16;
        packet.extend_from_slice(&[0x45, 0]);
        packet.extend_from_slice(&total.to_be_bytes());
        packet.extend_from_slice(&(n as u16).to_be_bytes());
        packet.extend_from_slice(&[0x40, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1]);
        let checksum = !packet
            .chunks(2)
            .map(|pair| u32::from(u16::from_be_bytes([pair[0], pair[1]])))
            .fold(0u32, |sum, word| {
                let sum = sum + word;
                (sum & 0xffff) + (sum >> 16)
            }) as u16;
        packet[10..12].copy_from_slice(&checksum.to_be_bytes());
        packet.extend_from_slice(&40_000u16.to_be_bytes());
        packet.extend_from_slice(&port.to_be_bytes());
        packet.extend_from_slice(&sequence.to_be_bytes());
        // ack 0, data offset 5 words, PSH|ACK, window, checksum (not checked), urgent
        packet.extend_from_slice(&[0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]);
        packet.extend_from_slice(chunk);
        sequence = sequence.wrapping_add(chunk.len() as u32);
        for word in [n as u32, 0, packet.len() as u32, packet.len() as u32] {
            out.extend_from_slice(&word.to_le_bytes());
        }
        out.extend_from_slice(&packet);
    }
    out
}

/// What tshark reads of a BMP stream: every value of each field, in order.
fn tshark_bmp(stream: &[u8], fields: &[&str]) -> Vec<Vec<String>> {
    let pcap = std::env::temp_dir().join(format!("exabgp-rs-{}-bmp.pcap", std::process::id()));
    std::fs::write(&pcap, pcap_of_stream(stream, 5000)).unwrap();
    let mut command = Command::new("tshark");
    command.args(["-n", "-r"]).arg(&pcap);
    command.args(["-d", "tcp.port==5000,bmp", "-T", "fields"]);
    command.args(["-E", "occurrence=a", "-E", "aggregator=;"]);
    for field in fields {
        command.args(["-e", field]);
    }
    let output = command.output().expect("tshark runs");
    let _ = std::fs::remove_file(&pcap);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut values = vec![Vec::new(); fields.len()];
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        for (column, text) in line.split('\t').enumerate() {
            values[column].extend(text.split(';').filter(|v| !v.is_empty()).map(String::from));
        }
    }
    values
}

#[test]
fn monitoring_mrt_read_by_bgpdump_bmp_to_a_collector_and_prometheus_metrics() {
    let bgpdump = std::path::Path::new("/usr/bin/bgpdump");
    let tshark = std::path::Path::new("/usr/bin/tshark");
    if !bgpdump.exists() || !tshark.exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "bgpdump or tshark is missing (apt-get install bgpdump tshark)"
        );
        eprintln!("skipped: bgpdump or tshark is not installed");
        return;
    }
    let port = free_port();
    let metrics = free_port();
    let (collector, messages) = bmp_collector();
    let mrt = std::env::temp_dir().join(format!("exabgp-rs-{}-monitor.mrt", std::process::id()));
    let _ = std::fs::remove_file(&mrt);
    let mut passive = start_passive_with(
        "monitor-passive",
        "127.0.0.2",
        "127.0.0.1",
        "",
        port,
        vec![
            ("exabgp_metrics_enable", "true".to_string()),
            ("exabgp_metrics_port", metrics.to_string()),
            ("exabgp_mrt_enable", "true".to_string()),
            ("exabgp_mrt_file", mrt.display().to_string()),
            ("exabgp_bmp_enable", "true".to_string()),
            ("exabgp_bmp_port", collector.to_string()),
        ],
    );
    let mut active = start_active(
        "monitor-active",
        "127.0.0.1",
        "127.0.0.2",
        "  static {\n    route 10.1.0.0/24 next-hop self;\n    route 10.2.0.0/24 next-hop self;\n  }\n",
        port,
    );
    passive.wait_for("session up");
    active.wait_for("session up");
    passive.wait_for("\"nlri\": \"10.2.0.0/24\"");

    // the routes are counted once the UPDATEs went through the API
    let labels = "peer=\"127.0.0.2\",local=\"127.0.0.1\",peer_as=\"65002\",local_as=\"65001\"";
    let announced = format!("exabgp_routes_announced_received_total{{{labels}}}");
    let start = Instant::now();
    let body = loop {
        let (status, body) = scrape(metrics, "/metrics");
        assert_eq!(status, "HTTP/1.1 200 OK");
        if sample(&body, &announced) == Some(2.0) || start.elapsed() > BOUND {
            break body;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(sample(&body, &announced), Some(2.0), "{body}");
    assert_eq!(
        sample(&body, &format!("exabgp_peer_state{{{labels}}}")),
        Some(6.0),
        "{body}"
    );
    assert_eq!(
        sample(
            &body,
            &format!("exabgp_messages_received_total{{{labels},type=\"open\"}}")
        ),
        Some(1.0),
        "{body}"
    );
    assert!(scrape(metrics, "/other").0.starts_with("HTTP/1.1 404"));

    passive.signal("TERM");
    assert_eq!(passive.wait_exit(), 0, "{}", passive.log());

    let feed = messages
        .recv_timeout(BOUND)
        .expect("the collector saw the feed end");
    let messages = bmp_messages(&feed);
    let kinds: Vec<u8> = messages.iter().map(|(kind, _)| *kind).collect();
    assert_eq!(kinds.first(), Some(&4), "Initiation first: {kinds:?}");
    assert_eq!(kinds.last(), Some(&5), "Termination last: {kinds:?}");
    let up = kinds.iter().position(|&k| k == 3).expect("a Peer Up");
    let down = kinds.iter().position(|&k| k == 2).expect("a Peer Down");
    let updates: Vec<&[u8]> = messages
        .iter()
        .filter(|(kind, _)| *kind == 0)
        .map(|(_, message)| *message)
        .collect();
    assert!(!updates.is_empty(), "Route Monitoring messages: {kinds:?}");
    assert!(kinds
        .iter()
        .enumerate()
        .all(|(at, &k)| k != 0 || (up < at && at < down)));
    for message in updates {
        // per-peer header (after type, flags, distinguisher): the peer's address (IPv4 in the
        // last 4 of 16 octets) and AS
        assert_eq!(&message[6 + 22..6 + 26], &[127, 0, 0, 2]);
        assert_eq!(&message[6 + 26..6 + 30], &65002u32.to_be_bytes());
        assert_eq!(message[6 + 42 + 18], 2, "the BGP message is an UPDATE");
    }

    // Wireshark's BMP dissector reads the same messages, the peer and the routes
    let read = tshark_bmp(
        &feed,
        &[
            "bmp.type",
            "bmp.peer.ip.addr",
            "bmp.peer.asn",
            "bgp.nlri_prefix",
            "_ws.malformed",
        ],
    );
    let types: Vec<String> = kinds.iter().map(u8::to_string).collect();
    assert_eq!(read[0], types, "message types as tshark reads them");
    assert!(read[1].iter().all(|ip| ip == "127.0.0.2"), "{:?}", read[1]);
    assert!(read[2].iter().all(|asn| asn == "65002"), "{:?}", read[2]);
    for prefix in ["10.1.0.0", "10.2.0.0"] {
        assert!(
            read[3].iter().any(|p| p == prefix),
            "{prefix} in {:?}",
            read[3]
        );
    }
    assert!(
        read[4].is_empty(),
        "tshark found malformed messages: {:?}",
        read[4]
    );

    // a real MRT reader reads what we wrote
    let output = Command::new(bgpdump).arg("-m").arg(&mrt).output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for prefix in ["10.1.0.0/24", "10.2.0.0/24"] {
        assert!(
            text.lines().any(|line| line.contains("|A|127.0.0.2|65002|")
                && line.contains(&format!("|{prefix}|"))),
            "{prefix} not announced in:\n{text}"
        );
    }
    assert!(
        text.lines()
            .any(|line| line.contains("|STATE|127.0.0.2|65002|") && line.ends_with("|6")),
        "no change to Established in:\n{text}"
    );
    let _ = std::fs::remove_file(&mrt);
}
