//! Shared by the qa conformance tests: finds ExaBGP's qa data and the `exaqa` runner, and runs
//! one of its suites (encoding, api, json) against the built binary.
#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};
use std::process::Command;

/// `$EXABGP_QA_DIR`, else `shared/exabgp-qa` beside the crate root or beside one of its parents.
pub fn qa_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("EXABGP_QA_DIR") {
        let dir = PathBuf::from(dir);
        return dir.join("qa/encoding").is_dir().then_some(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .skip(1)
        .map(|parent| parent.join("shared/exabgp-qa"))
        .find(|dir| dir.join("qa/encoding").is_dir())
}

/// The `exaqa` runner, shipped in `shared/tools/exaqa` beside the test data.
pub fn exaqa() -> Option<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .skip(1)
        .map(|parent| parent.join("shared/tools/exaqa/exaqa"))
        .find(|path| path.is_file())
}

/// Whether `exaqa --netns` can work here (needs `unshare -n`, or `-rn` with user namespaces).
pub fn netns_available() -> bool {
    Command::new("unshare")
        .args(["-rn", "true"])
        .status()
        .is_ok_and(|status| status.success())
}

/// Runs `exaqa SUITE` (`encoding` or `api`) over every case, prints each verdict and a
/// `SUITE: N passed, N failed` line, and panics when a case of `must_pass` did not pass.
/// Without the qa data or the runner it skips with a message, except under `CI=true`.
pub fn run_daemon_suite(suite: &str, must_pass: &[&str]) {
    let daemon = format!("{} {{conf}}", env!("CARGO_BIN_EXE_exabgp-rs"));
    let Some((passed, _)) = run_suite(suite, &["--daemon", &daemon, "--timeout", "20"]) else {
        return;
    };
    let regressed: Vec<&&str> = must_pass
        .iter()
        .filter(|case| !passed.iter().any(|name| name == *case))
        .collect();
    assert!(regressed.is_empty(), "regressed: {regressed:?}");
}

/// Runs `exaqa json` (every `json:` line of the encoding and api cases against `decode -c`),
/// and panics when a case fails that is not one of the `deviations` (each documented in
/// docs/deviations.md). Skips as [`run_daemon_suite`] does.
pub fn run_json_suite(deviations: &[&str]) {
    let decoder = format!(
        "{} decode -c {{conf}} {{hex}}",
        env!("CARGO_BIN_EXE_exabgp-rs")
    );
    let Some((_, failed)) = run_suite("json", &["--decoder", &decoder]) else {
        return;
    };
    let unexpected: Vec<&String> = failed
        .iter()
        .filter(|case| !deviations.contains(&case.as_str()))
        .collect();
    assert!(unexpected.is_empty(), "failed: {unexpected:?}");
}

/// Runs one exaqa suite with `args`; the names of the cases that passed and failed (without the
/// `SUITE/` prefix), or None when skipped.
fn run_suite(suite: &str, args: &[&str]) -> Option<(Vec<String>, Vec<String>)> {
    let ci = std::env::var("CI").as_deref() == Ok("true");
    let (Some(cases), Some(exaqa)) = (qa_dir(), exaqa()) else {
        assert!(
            !ci,
            "CI=true but ExaBGP's qa data or the exaqa runner is missing"
        );
        eprintln!("skipped: no ExaBGP qa data ($EXABGP_QA_DIR or ../shared/exabgp-qa) or exaqa");
        return None;
    };
    let run_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("qa/run");
    let mut command = Command::new("python3");
    command
        .arg(&exaqa)
        .arg(suite)
        .args(args)
        .arg("--cases")
        .arg(&cases);
    if run_dir.is_dir() {
        command.arg("--run-dir").arg(&run_dir);
    }
    if suite != "json" && netns_available() {
        command.arg("--netns");
    }
    let output = command.output().expect("python3 runs exaqa");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut passed = Vec::new();
    let mut failed = Vec::new();
    let prefix = format!("{suite}/");
    for line in stdout.lines() {
        println!("{line}");
        let mut words = line.split_whitespace();
        let (Some(verdict), Some(case)) = (words.next(), words.next()) else {
            continue;
        };
        let name = case.trim_start_matches(prefix.as_str()).to_string();
        match verdict {
            "PASS" => passed.push(name),
            "FAIL" => failed.push(name),
            _ => {}
        }
    }
    println!("{suite}: {} passed, {} failed", passed.len(), failed.len());
    assert!(
        !passed.is_empty() || !failed.is_empty(),
        "exaqa reported no case: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some((passed, failed))
}
