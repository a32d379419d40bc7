//! `exabgp-rs healthcheck` run as ExaBGP runs it: the built binary, its API lines read from its
//! standard output, acknowledgements written to its standard input, SIGTERM sent by PID.
//! No test touches the host's addresses (always `--no-ip-setup` and `--ip`), except inside a
//! private network namespace.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

/// Only a guard against a hung helper: every wait below normally ends in well under a second.
const HANG: Duration = Duration::from_secs(60);

struct Healthcheck {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
}

impl Healthcheck {
    fn start(args: &[&str]) -> Healthcheck {
        let mut child = Command::new(env!("CARGO_BIN_EXE_exabgp-rs"))
            .arg("healthcheck")
            .args(["--no-syslog", "--no-ip-setup"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start exabgp-rs healthcheck");
        let stdout = child.stdout.take().unwrap();
        let (sender, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        Healthcheck {
            child,
            stdin,
            lines,
        }
    }

    fn line(&self) -> String {
        self.lines
            .recv_timeout(HANG)
            .expect("a line from the healthcheck")
    }

    /// What ExaBGP answers to each command when `exabgp.api.ack` is on.
    fn ack(&mut self) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(b"done\n").unwrap();
        stdin.flush().unwrap();
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// The remaining lines and the exit status, once the helper has ended by itself.
    fn finish(mut self) -> (Vec<String>, i32) {
        let mut rest = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(HANG) {
            rest.push(line);
        }
        drop(self.stdin.take());
        let status = self.child.wait().unwrap();
        (rest, status.code().unwrap_or(-1))
    }
}

impl Drop for Healthcheck {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn up_with_acknowledgements_then_sigterm_withdraws() {
    let mut hc = Healthcheck::start(&[
        "--cmd",
        "true",
        "--rise",
        "1",
        "--interval",
        "30",
        "--ip",
        "192.0.2.1/32",
        "--ip",
        "192.0.2.2",
        "--local-preference",
        "50",
    ]);
    assert_eq!(
        hc.line(),
        "peer * announce route 192.0.2.1/32 next-hop self med 100 local-preference 50"
    );
    hc.ack();
    assert_eq!(
        hc.line(),
        "peer * announce route 192.0.2.2/32 next-hop self med 101 local-preference 50"
    );
    hc.ack();
    hc.signal("TERM");
    assert_eq!(
        hc.line(),
        "peer * withdraw route 192.0.2.1/32 next-hop self"
    );
    hc.ack();
    assert_eq!(
        hc.line(),
        "peer * withdraw route 192.0.2.2/32 next-hop self"
    );
    hc.ack();
    let (rest, status) = hc.finish();
    assert_eq!(rest, Vec::<String>::new());
    assert_eq!(status, 0);
}

#[test]
fn failing_check_goes_down_after_fall_checks_and_debounces() {
    let hc = Healthcheck::start(&[
        "--cmd",
        "false",
        "--fall",
        "2",
        "--fast-interval",
        "0.05",
        "--interval",
        "0.05",
        "--debounce",
        "--no-ack",
        "--ip",
        "2001:db8::1/128",
        "--down-metric",
        "900",
    ]);
    assert_eq!(
        hc.line(),
        "peer * announce route 2001:db8::1/128 next-hop self med 900"
    );
    // Several more failing checks run (interval 0.05 s) without any new line (debounce), until
    // SIGINT, which withdraws like SIGTERM.
    std::thread::sleep(Duration::from_millis(300));
    hc.signal("INT");
    let (rest, status) = hc.finish();
    assert_eq!(
        rest,
        ["peer * withdraw route 2001:db8::1/128 next-hop self"]
    );
    assert_eq!(status, 0);
}

#[test]
fn interval_zero_leaves_after_one_announcement_without_withdrawing() {
    let hc = Healthcheck::start(&[
        "--rise",
        "1",
        "--interval",
        "0",
        "--no-ack",
        "--ip",
        "10.0.0.1",
    ]);
    let (lines, status) = hc.finish();
    assert_eq!(
        lines,
        ["peer * announce route 10.0.0.1/32 next-hop self med 100"]
    );
    assert_eq!(status, 0);
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "exabgp-rs-healthcheck-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn disable_file_and_execute_hooks() {
    let dir = scratch("disable");
    let disable = dir.join("disabled");
    let record = dir.join("record");
    std::fs::write(&disable, "").unwrap();
    let hook = |prefix: &str| format!("echo {prefix}$STATE >> {}", record.display());
    let hc = Healthcheck::start(&[
        "--cmd",
        "false",
        "--disable",
        &disable.to_string_lossy(),
        "--disabled-execute",
        &hook("disabled-"),
        "--up-execute",
        &hook("up-"),
        "--execute",
        &hook("any-"),
        "--disabled-community",
        "65000:666",
        "--interval",
        "0",
        "--no-ack",
        "--ip",
        "10.0.0.1",
    ]);
    let (lines, status) = hc.finish();
    assert_eq!(
        lines,
        ["peer * announce route 10.0.0.1/32 next-hop self med 500 community [ 65000:666 ]"]
    );
    assert_eq!(status, 0);
    assert_eq!(
        std::fs::read_to_string(&record).unwrap(),
        "disabled-DISABLED\nany-DISABLED\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_check_outliving_its_timeout_fails_and_is_killed() {
    let dir = scratch("timeout");
    let marker = dir.join("survived");
    // Its child would create the marker if it were not killed with the whole process group.
    let command = format!("(sleep 3; touch {}) & wait", marker.display());
    let hc = Healthcheck::start(&[
        "--cmd",
        &command,
        "--timeout",
        "1",
        "--fall",
        "1",
        "--interval",
        "0",
        "--no-ack",
        "--ip",
        "10.0.0.1",
    ]);
    let (lines, status) = hc.finish();
    assert_eq!(
        lines,
        ["peer * announce route 10.0.0.1/32 next-hop self med 1000"]
    );
    assert_eq!(status, 0);
    std::thread::sleep(Duration::from_secs(3));
    assert!(!marker.exists(), "the check's children were killed");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn qa_module_case_announces_then_withdraws() {
    // ExaBGP's qa/api/api-healthcheck-module: a check that succeeds once, then fails.
    let dir = scratch("module");
    let marker = dir.join("marker");
    let command = format!("test ! -f {0} && touch {0} || exit 1", marker.display());
    let hc = Healthcheck::start(&[
        "--cmd",
        &command,
        "--withdraw-on-down",
        "--no-ack",
        "--rise",
        "1",
        "--fall",
        "1",
        "--interval",
        "0.05",
        "--fast-interval",
        "0.05",
        "--ip",
        "10.0.0.1/32",
    ]);
    assert_eq!(
        hc.line(),
        "peer * announce route 10.0.0.1/32 next-hop self med 100"
    );
    assert_eq!(hc.line(), "peer * withdraw route 10.0.0.1/32 next-hop self");
    hc.signal("TERM");
    let _ = hc.finish();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn usage_errors_exit_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_exabgp-rs"))
        .args(["healthcheck", "--ip", "10.0.0.1/8"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("invalid ip_network value"));
}

/// Address setup on the loopback, inside a network namespace of its own (`unshare -rn`), so the
/// host is left alone; skipped where namespaces are not allowed.
#[test]
fn ip_setup_in_a_private_network_namespace() {
    let allowed = Command::new("unshare")
        .args(["-rn", "true"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !allowed {
        eprintln!("skipped: unshare -rn is not permitted here");
        return;
    }
    let dir = scratch("netns");
    let out = dir.join("out");
    let script = format!(
        r#"ip link set lo up
"$0" healthcheck --no-syslog --no-ack --cmd true --rise 1 --interval 30 --ip 192.0.2.77 --label web > {out} &
pid=$!
until grep -q announce {out}; do sleep 0.05; done
echo during; ip -o address show dev lo
kill -TERM $pid; wait $pid
echo after; ip -o address show dev lo"#,
        out = out.display()
    );
    let output = Command::new("timeout")
        .args([
            "60",
            "unshare",
            "-rn",
            "sh",
            "-c",
            &script,
            env!("CARGO_BIN_EXE_exabgp-rs"),
        ])
        .stderr(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    let (during, after) = text.split_once("after").expect("both listings");
    assert!(
        during.contains("192.0.2.77/32") && during.contains("lo:web"),
        "{text}"
    );
    assert!(!after.contains("192.0.2.77"), "removed on exit: {text}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "peer * announce route 192.0.2.77/32 next-hop self med 100\n\
         peer * withdraw route 192.0.2.77/32 next-hop self\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
