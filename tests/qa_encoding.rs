//! Runs ExaBGP's encoding conformance cases (`qa/encoding/*.ci`) against the built daemon with the
//! shared `exaqa` runner (its own test peer checks every message byte for byte), and fails when a
//! case this project already passes regresses.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Cases that must pass; every other case is run and reported but does not fail the test yet.
const MUST_PASS: &[&str] = &[
    "conf-addpath",
    "conf-aggregator",
    "conf-attributes",
    "conf-cap-link-local-nexthop",
    "conf-cap-software-version",
    "conf-ebgp",
    "conf-extended-attributes",
    "conf-generic-attribute",
    "conf-group-limit",
    "conf-group",
    "conf-hostname",
    "conf-ipself4",
    "conf-ipself6",
    "conf-ipv46routes4family",
    "conf-ipv46routes6family",
    "conf-ipv6grouping",
    "conf-largecommunity",
    "conf-llnh-lla-only",
    "conf-llnh-update",
    "conf-mvpn",
    "conf-name",
    "conf-new-v4",
    "conf-new-v6",
    "conf-no-asn4",
    "conf-parity",
    "conf-path-information",
    "conf-prefix-sid",
    "conf-split",
    "conf-srv6-mup",
    "conf-srv6-mup-v3",
    "conf-template",
    "conf-unknowncap",
    "conf-vpn",
    "extended-nexthop",
];

/// `$EXABGP_QA_DIR`, else `shared/exabgp-qa` beside the crate root or beside one of its parents.
fn qa_dir() -> Option<PathBuf> {
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
fn exaqa() -> Option<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .skip(1)
        .map(|parent| parent.join("shared/tools/exaqa/exaqa"))
        .find(|path| path.is_file())
}

/// Whether `exaqa --netns` can work here (needs `unshare -n`, or `-rn` with user namespaces).
fn netns_available() -> bool {
    Command::new("unshare")
        .args(["-rn", "true"])
        .status()
        .is_ok_and(|status| status.success())
}

#[test]
fn exabgp_encoding_cases() {
    let ci = std::env::var("CI").as_deref() == Ok("true");
    let (Some(cases), Some(exaqa)) = (qa_dir(), exaqa()) else {
        assert!(
            !ci,
            "CI=true but ExaBGP's qa data or the exaqa runner is missing"
        );
        eprintln!("skipped: no ExaBGP qa data ($EXABGP_QA_DIR or ../shared/exabgp-qa) or exaqa");
        return;
    };
    let run_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("qa/run");
    let daemon = format!("{} {{conf}}", env!("CARGO_BIN_EXE_exabgp-rs"));
    let mut command = Command::new("python3");
    command
        .arg(&exaqa)
        .arg("encoding")
        .arg("--daemon")
        .arg(&daemon)
        .arg("--cases")
        .arg(&cases)
        .args(["--timeout", "20"]);
    if run_dir.is_dir() {
        command.arg("--run-dir").arg(&run_dir);
    }
    if netns_available() {
        command.arg("--netns");
    }
    let output = command.output().expect("python3 runs exaqa");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut passed = Vec::new();
    let mut failed = Vec::new();
    for line in stdout.lines() {
        println!("{line}");
        let mut words = line.split_whitespace();
        let (Some(verdict), Some(case)) = (words.next(), words.next()) else {
            continue;
        };
        let name = case.trim_start_matches("encoding/").to_string();
        match verdict {
            "PASS" => passed.push(name),
            "FAIL" => failed.push(name),
            _ => {}
        }
    }
    println!("encoding: {} passed, {} failed", passed.len(), failed.len());
    assert!(
        !passed.is_empty() || !failed.is_empty(),
        "exaqa reported no case: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let regressed: Vec<&&str> = MUST_PASS
        .iter()
        .filter(|case| !passed.iter().any(|name| name == *case))
        .collect();
    assert!(regressed.is_empty(), "regressed: {regressed:?}");
}
