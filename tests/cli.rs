//! `exabgp-rs cli` against real `exabgp-rs` daemons over loopback: through the Unix socket and
//! the named pipes, in a private run folder (`EXABGP_ROOT`) with a socket name of its own, and
//! with no daemon at all. The daemons are killed by PID when a test ends; every wait is bounded
//! and nothing asserts how long anything took.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BOUND: Duration = Duration::from_secs(60);

/// A run folder of the test's own, removed afterwards.
struct Root(PathBuf);

impl Root {
    fn new(label: &str) -> Root {
        let path = std::env::temp_dir().join(format!("xcli-{}-{label}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(path.join("run")).unwrap();
        Root(path)
    }

    fn run(&self) -> PathBuf {
        self.0.join("run")
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A daemon and what it logged so far.
struct Daemon {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Daemon {
    fn start(root: &Root, configuration: &str, env: &[(&str, String)]) -> Daemon {
        let path = root.0.join("exabgp.conf");
        std::fs::write(&path, configuration).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_exabgp-rs"));
        command
            .args(["server", "-d", path.to_str().unwrap()])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("EXABGP_ENVFILE", "/nonexistent")
            .env("EXABGP_ROOT", &root.0)
            .env("exabgp_log_destination", "stderr")
            .env("exabgp_daemon_user", current_user())
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
        Daemon { child, lines }
    }

    fn log(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    fn wait_for(&self, text: &str) {
        let start = Instant::now();
        while !self.log().contains(text) {
            assert!(
                start.elapsed() < BOUND,
                "never logged {text:?}; log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn current_user() -> String {
    let output = Command::new("id").arg("-un").output().expect("id runs");
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `exabgp-rs cli ARGS` with the run folder `root` and the socket and pipe name `name`.
fn cli(root: &Path, name: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_exabgp-rs"));
    command
        .arg("cli")
        .args(args)
        .env_clear()
        .env("EXABGP_ENVFILE", "/nonexistent")
        .env("EXABGP_ROOT", root)
        .env("exabgp_api_socketname", name)
        .env("exabgp_api_pipename", name)
        .stdin(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("the cli runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs the command until its output contains `text`.
fn eventually(what: impl Fn() -> Output, text: &str) -> Output {
    let start = Instant::now();
    loop {
        let output = what();
        if stdout(&output).contains(text) {
            return output;
        }
        assert!(
            start.elapsed() < BOUND,
            "never printed {text:?}; last output:\n{}{}",
            stdout(&output),
            stderr(&output)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn neighbor(peer: &str, local: &str, local_as: u32, peer_as: u32, extra: &str) -> String {
    format!(
        "neighbor {peer} {{\n  router-id {local};\n  local-address {local};\n  local-as {local_as};\n  \
         peer-as {peer_as};\n  hold-time 30;\n  family {{ ipv4 unicast; }}\n{extra}}}\n"
    )
}

/// A passive daemon on 127.0.41.1 and an active one on 127.0.41.2, each with its own run
/// folder and socket name, their session up.
struct Pair {
    passive: Daemon,
    active: Daemon,
    passive_root: Root,
    active_root: Root,
}

fn pair(label: &str, extra_env: &[(&str, String)]) -> Pair {
    let port = free_port();
    let passive_root = Root::new(&format!("{label}-p"));
    let active_root = Root::new(&format!("{label}-a"));
    let mut env = vec![
        ("exabgp_api_socketname", format!("{label}-p")),
        ("exabgp_api_pipename", format!("{label}-p")),
        ("exabgp_tcp_bind", "127.0.41.1".to_string()),
        ("exabgp_tcp_port", port.to_string()),
    ];
    env.extend(extra_env.iter().cloned());
    let passive = Daemon::start(
        &passive_root,
        &neighbor(
            "127.0.41.2",
            "127.0.41.1",
            65001,
            65002,
            "  passive;\n  static { route 10.41.0.0/24 next-hop 127.0.41.1 med 10; }\n",
        ),
        &env,
    );
    passive.wait_for(&format!(
        "listening for BGP session(s) on 127.0.41.1:{port}"
    ));
    let mut env = vec![
        ("exabgp_api_socketname", format!("{label}-a")),
        ("exabgp_tcp_bind", String::new()),
        ("exabgp_tcp_port", port.to_string()),
    ];
    env.extend(extra_env.iter().cloned());
    let active = Daemon::start(
        &active_root,
        &neighbor(
            "127.0.41.1",
            "127.0.41.2",
            65002,
            65001,
            "  adj-rib-in true;\n",
        ),
        &env,
    );
    passive.wait_for("session up");
    active.wait_for("session up");
    Pair {
        passive,
        active,
        passive_root,
        active_root,
    }
}

#[test]
fn cli_commands_through_the_unix_socket() {
    let pair = pair("sock", &[("exabgp_api_version", "4".to_string())]);
    let root = &pair.passive_root.0;
    assert!(pair.passive_root.run().join("sock-p.sock").exists());

    let version = cli(root, "sock-p", &["version"], &[]);
    assert!(version.status.success(), "{}", stderr(&version));
    assert_eq!(
        stdout(&version),
        format!("exabgp {}\n", env!("CARGO_PKG_VERSION"))
    );

    let summary = cli(root, "sock-p", &["show", "neighbor", "summary"], &[]);
    assert!(summary.status.success(), "{}", stderr(&summary));
    let text = stdout(&summary);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("Peer            AS        up/down state"));
    let columns: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(columns[0], "127.0.41.2");
    assert_eq!(columns[1], "65002");
    assert_eq!(columns[3], "established");

    // the peer's routes, received and kept in the adj-rib-in
    let routes = eventually(
        || {
            cli(
                &pair.active_root.0,
                "sock-a",
                &["show", "adj-rib", "in"],
                &[],
            )
        },
        "10.41.0.0/24",
    );
    assert_eq!(stdout(&routes), "127.0.41.1 ipv4 unicast 10.41.0.0/24\n");

    // an announce from the CLI reaches the peer
    let announce = cli(
        root,
        "sock-p",
        &[
            "announce",
            "route",
            "10.41.7.0/24",
            "next-hop",
            "127.0.41.1",
        ],
        &[],
    );
    assert!(announce.status.success(), "{}", stderr(&announce));
    assert_eq!(stdout(&announce), "");
    let extensive = eventually(
        || {
            cli(
                &pair.active_root.0,
                "sock-a",
                &["show", "adj-rib", "in", "extensive"],
                &[],
            )
        },
        "10.41.7.0/24",
    );
    assert!(stdout(&extensive).contains(
        "neighbor 127.0.41.1 local-ip 127.0.41.2 local-as 65002 peer-as 65001 router-id 127.0.41.2 \
         family-allowed in-open ipv4 unicast 10.41.7.0/24 next-hop 127.0.41.1 origin igp as-path ( 65001 )"
    ));

    // JSON when asked, as ExaBGP's API 4
    let json = cli(root, "sock-p", &["show", "neighbor", "json"], &[]);
    let value: serde_json::Value = serde_json::from_str(stdout(&json).trim()).unwrap();
    assert_eq!(value[0]["state"], "up");
    assert_eq!(value[0]["peer"]["address"], "127.0.41.2");
    assert_eq!(value[0]["peer"]["as"], 65002);

    // ExaBGP's shortcuts, told as ExaBGP's `exabgp run` tells them
    let short = cli(root, "sock-p", &["s", "n", "s"], &[]);
    assert!(short.status.success(), "{}", stderr(&short));
    assert!(stdout(&short).starts_with("command: show neighbor summary\nPeer "));

    // several commands, one a line; one fails
    let mut batch = Command::new(env!("CARGO_BIN_EXE_exabgp-rs"))
        .args(["cli", "--batch", "-"])
        .env_clear()
        .env("EXABGP_ENVFILE", "/nonexistent")
        .env("EXABGP_ROOT", root)
        .env("exabgp_api_socketname", "sock-p")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut input = batch.stdin.take().unwrap();
        input.write_all(b"version\n# a comment\nbogus\n").unwrap();
    }
    let batch = batch.wait_with_output().unwrap();
    assert_eq!(batch.status.code(), Some(1));
    let text = stdout(&batch);
    assert!(
        text.contains(&format!(
            "[1] version\nexabgp {}\n",
            env!("CARGO_PKG_VERSION")
        )),
        "{text}"
    );
    assert!(text.contains("[3] bogus\n"), "{text}");
    assert!(
        text.ends_with("Batch execution complete: 3 commands, 1 errors\n"),
        "{text}"
    );

    // without a command, `cli` reads them from stdin until `quit`; `run` wants one
    let mut typed = Command::new(env!("CARGO_BIN_EXE_exabgp-rs"))
        .arg("cli")
        .env_clear()
        .env("EXABGP_ENVFILE", "/nonexistent")
        .env("EXABGP_ROOT", root)
        .env("exabgp_api_socketname", "sock-p")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut input = typed.stdin.take().unwrap();
        input.write_all(b"version\nquit\nversion\n").unwrap();
    }
    let typed = typed.wait_with_output().unwrap();
    assert!(typed.status.success(), "{}", stderr(&typed));
    assert_eq!(
        stdout(&typed),
        format!("exabgp {}\n", env!("CARGO_PKG_VERSION"))
    );
    let mut run = Command::new(env!("CARGO_BIN_EXE_exabgp-rs"));
    let run = run.arg("run").env("EXABGP_ROOT", root).output().unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("no command provided"));

    // a bad command: the reason, ExaBGP's error text, a failing exit code
    let bad = cli(root, "sock-p", &["bogus", "command"], &[]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stdout(&bad).contains("unknown command 'bogus'"),
        "{}",
        stdout(&bad)
    );
    assert!(stderr(&bad).contains("ExaBGP returns an error"));
    drop(pair.active);
    drop(pair.passive);
}

#[test]
fn cli_commands_through_the_named_pipes() {
    let root = Root::new("pipes");
    for end in ["in", "out"] {
        let fifo = root.run().join(format!("pipes.{end}"));
        assert!(Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
    }
    let daemon = Daemon::start(
        &root,
        &neighbor("127.0.42.2", "127.0.42.1", 65001, 65002, "  passive;\n"),
        &[
            ("exabgp_api_pipename", "pipes".to_string()),
            // ExaBGP's way to serve the pipes alone
            ("exabgp_cli_socket", String::new()),
            ("exabgp_tcp_bind", String::new()),
        ],
    );
    daemon.wait_for("named pipes");
    let version = cli(&root.0, "pipes", &["--pipe", "system", "version"], &[]);
    assert!(version.status.success(), "{}", stderr(&version));
    // API version 6 (the default) answers JSON, as ExaBGP main's
    assert_eq!(
        stdout(&version),
        format!(
            "{{\"version\": \"{}\", \"application\": \"exabgp\"}}\n",
            env!("CARGO_PKG_VERSION")
        )
    );
    // the transport may come from the environment too
    let json = cli(
        &root.0,
        "pipes",
        &["show", "neighbor", "summary"],
        &[("exabgp_cli_transport", "pipe")],
    );
    assert!(json.status.success(), "{}", stderr(&json));
    let value: serde_json::Value = serde_json::from_str(stdout(&json).trim()).unwrap();
    assert_eq!(value[0]["state"], "down");
    assert_eq!(value[0]["local"]["as"], 65001);
    assert!(!root.run().join("pipes.sock").exists());

    let bad = cli(&root.0, "pipes", &["--pipe", "show", "nothing"], &[]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("ExaBGP returns an error"));
    drop(daemon);
}

#[test]
fn cli_without_a_daemon_fails_with_a_message() {
    let root = Root::new("none");
    let nothing = cli(&root.0, "none-at-all", &["version"], &[]);
    assert_eq!(nothing.status.code(), Some(1));
    assert!(stderr(&nothing)
        .contains("could not find ExaBGP's Unix socket (none-at-all.sock) for the cli"));
    assert!(stderr(&nothing).contains(&format!(" - {}/run/\n", root.0.display())));

    // a socket left by a daemon that died: nobody accepts
    let stale = root.run().join("stale.sock");
    drop(std::os::unix::net::UnixListener::bind(&stale).unwrap());
    let refused = cli(&root.0, "stale", &["version"], &[]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("ExaBGP is not accepting connections on Unix socket"));

    // pipes nobody reads
    for end in ["in", "out"] {
        let fifo = root.run().join(format!("idle.{end}"));
        assert!(Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
    }
    let idle = cli(&root.0, "idle", &["--pipe", "version"], &[]);
    assert_eq!(idle.status.code(), Some(1));
    assert!(stderr(&idle).contains("ExaBGP is not running / using the configured named pipe"));
}

#[test]
fn no_cli_endpoints_when_disabled() {
    let root = Root::new("off");
    let daemon = Daemon::start(
        &root,
        &neighbor("127.0.43.2", "127.0.43.1", 65001, 65002, "  passive;\n"),
        &[
            ("exabgp_api_cli", "false".to_string()),
            ("exabgp_api_socketname", "off".to_string()),
            ("exabgp_tcp_bind", String::new()),
        ],
    );
    daemon.wait_for("loaded new configuration successfully");
    let entries: Vec<_> = std::fs::read_dir(root.run()).unwrap().collect();
    assert!(entries.is_empty(), "{entries:?}");
    let output = cli(&root.0, "off", &["version"], &[]);
    assert_eq!(output.status.code(), Some(1));
    drop(daemon);
}

#[test]
fn a_neighbour_removed_by_a_reload_is_no_longer_shown() {
    let root = Root::new("reload");
    let both = format!(
        "{}{}",
        neighbor("127.0.44.2", "127.0.44.1", 65001, 65002, "  passive;\n"),
        neighbor("127.0.44.3", "127.0.44.1", 65001, 65003, "  passive;\n")
    );
    let env = [
        ("exabgp_api_socketname", "reload".to_string()),
        ("exabgp_api_version", "4".to_string()),
        ("exabgp_tcp_bind", String::new()),
    ];
    let daemon = Daemon::start(&root, &both, &env);
    daemon.wait_for("loaded new configuration successfully");
    let summary = || cli(&root.0, "reload", &["show", "neighbor", "summary"], &[]);
    let before = eventually(summary, "127.0.44.3");
    assert!(stdout(&before).contains("127.0.44.2"));

    std::fs::write(
        root.0.join("exabgp.conf"),
        neighbor("127.0.44.2", "127.0.44.1", 65001, 65002, "  passive;\n"),
    )
    .unwrap();
    let reload = cli(&root.0, "reload", &["reload"], &[]);
    assert!(reload.status.success(), "{}", stderr(&reload));
    let start = Instant::now();
    loop {
        let text = stdout(&summary());
        if !text.contains("127.0.44.3") {
            assert!(text.contains("127.0.44.2"), "{text}");
            break;
        }
        assert!(
            start.elapsed() < BOUND,
            "still shown:\n{text}\n{}",
            daemon.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(daemon);
}

#[test]
fn the_daemon_runs_on_when_the_run_folder_is_unusable() {
    let root = Root::new("unusable");
    // `run` is a file: no folder can be made there, no socket bound in it
    std::fs::remove_dir(root.run()).unwrap();
    std::fs::write(root.run(), "not a folder").unwrap();
    let mut daemon = Daemon::start(
        &root,
        &neighbor("127.0.45.2", "127.0.45.1", 65001, 65002, "  passive;\n"),
        &[
            ("exabgp_api_socketname", "unusable".to_string()),
            ("exabgp_tcp_bind", String::new()),
        ],
    );
    daemon.wait_for("could not serve the cli");
    daemon.wait_for("loaded new configuration successfully");
    assert!(
        daemon.child.try_wait().unwrap().is_none(),
        "{}",
        daemon.log()
    );
    let output = cli(&root.0, "unusable", &["version"], &[]);
    assert_eq!(output.status.code(), Some(1));
}
