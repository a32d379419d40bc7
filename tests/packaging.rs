//! What a packager installs beside the binary (issue 13): the man page generated from the help
//! texts (`docs/man/generate.sh`), the systemd unit (`etc/systemd/exabgp-rs.service`) and the
//! shell completions (`exabgp-rs completion SHELL`).

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_exabgp-rs");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("exabgp-rs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|output| output.status.success())
}

/// Skips with a message, or fails under CI=true, when a tool is missing.
fn require(program: &str) -> bool {
    if have(program) {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but {program} is not installed"
    );
    eprintln!("skipped: {program} is not installed");
    false
}

#[test]
fn the_man_page_is_what_the_help_texts_make() {
    let output = Command::new("bash")
        .arg(root().join("docs/man/generate.sh"))
        .arg(BIN)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let committed = std::fs::read_to_string(root().join("docs/man/exabgp-rs.1")).unwrap();
    assert!(
        String::from_utf8_lossy(&output.stdout) == committed,
        "docs/man/exabgp-rs.1 is out of date: run \
         docs/man/generate.sh target/debug/exabgp-rs > docs/man/exabgp-rs.1"
    );
    // every command has its section, with its options
    for command in ["server", "decode", "encode", "healthcheck", "completion"] {
        assert!(committed.contains(&format!(".SS {command}\n")), "{command}");
    }
    assert!(
        committed.contains("\\-\\-path\\-information") || committed.contains("--path-information")
    );
}

#[test]
fn the_man_page_renders() {
    if !require("man") {
        return;
    }
    let output = Command::new("man")
        .args(["-l", "-P", "cat"])
        .arg(root().join("docs/man/exabgp-rs.1"))
        .env("MANWIDTH", "100")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        text.contains("EXABGP-RS(1)") && text.contains("COMMANDS"),
        "{text}"
    );
    // the help texts come through roff as written
    assert!(
        text.contains("usage: exabgp-rs decode [-c CONFIGURATION | -f \"afi safi\"]"),
        "{text}"
    );
    assert!(
        text.contains(r#"exabgp-rs encode "route 10.0.0.0/24 next-hop 192.168.1.1""#),
        "{text}"
    );
}

#[test]
fn the_systemd_unit_verifies_and_runs_what_the_binary_has() {
    let unit = std::fs::read_to_string(root().join("etc/systemd/exabgp-rs.service")).unwrap();
    // the variables it sets are settings the binary knows
    let known = Command::new(BIN).args(["env", "-e"]).output().unwrap();
    let known = String::from_utf8_lossy(&known.stdout);
    for line in unit.lines().filter_map(|l| l.strip_prefix("Environment=")) {
        let (name, _) = line.split_once('=').unwrap();
        let dotted = name.replacen('_', ".", 2);
        assert!(
            known.contains(&format!("{dotted}=")),
            "{name} is no exabgp-rs setting"
        );
    }
    // its commands are the binary's
    for line in unit.lines().filter(|l| l.starts_with("ExecStart")) {
        let words: Vec<&str> = line.split_once('=').unwrap().1.split_whitespace().collect();
        assert_eq!(words[0], "/usr/local/bin/exabgp-rs", "{line}");
        assert!(["server", "validate"].contains(&words[1]), "{line}");
    }
    // the reload signal is one the server documents
    let help = Command::new(BIN)
        .args(["server", "--help"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("USR1"));
    assert!(unit.contains("ExecReload=/bin/kill -USR1 $MAINPID"));

    if !require("systemd-analyze") {
        return;
    }
    let dir = temp_dir("systemd");
    std::fs::create_dir_all(dir.join("man/man1")).unwrap();
    std::fs::copy(
        root().join("docs/man/exabgp-rs.1"),
        dir.join("man/man1/exabgp-rs.1"),
    )
    .unwrap();
    let local = dir.join("exabgp-rs.service");
    std::fs::write(&local, unit.replace("/usr/local/bin/exabgp-rs", BIN)).unwrap();
    let output = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&local)
        .env("MANPATH", dir.join("man"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stderr.trim().is_empty(),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs bash completion for `words` (the last one being completed) and returns the candidates.
fn bash_complete(script: &Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; _exabgp_rs; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1
    );
    let output = Command::new("bash")
        .args(["-c", &program])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_commands_options_and_values() {
    let dir = temp_dir("completion");
    let script = dir.join("exabgp-rs.bash");
    let output = Command::new(BIN)
        .args(["completion", "bash"])
        .output()
        .unwrap();
    assert!(output.status.success());
    std::fs::write(&script, &output.stdout).unwrap();
    assert_eq!(bash_complete(&script, &["exabgp-rs", "dec"]), ["decode"]);
    assert_eq!(
        bash_complete(&script, &["exabgp-rs", "decode", "--nl"]),
        ["--nlri"]
    );
    assert_eq!(
        bash_complete(&script, &["exabgp-rs", "healthcheck", "--withdraw-"]),
        ["--withdraw-on-down"]
    );
    assert_eq!(
        bash_complete(&script, &["exabgp-rs", "completion", ""]),
        ["bash", "zsh", "fish"]
    );
    // after a command, a word that is not an option is a file
    std::fs::write(dir.join("peers.conf"), "").unwrap();
    let file = dir.join("pee").display().to_string();
    assert_eq!(
        bash_complete(&script, &["exabgp-rs", "validate", &file]),
        [dir.join("peers.conf").display().to_string()]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn completion_refuses_an_unknown_shell() {
    let output = Command::new(BIN)
        .args(["completion", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown shell 'tcsh'"));
    for shell in ["zsh", "fish"] {
        let output = Command::new(BIN)
            .args(["completion", shell])
            .output()
            .unwrap();
        assert!(output.status.success());
        assert!(String::from_utf8_lossy(&output.stdout).contains("exabgp-rs"));
    }
}
