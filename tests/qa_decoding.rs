//! Runs ExaBGP's decoding conformance cases (`qa/decoding/*`) through `exabgp-rs decode`, judged as
//! ExaBGP's own runner judges them: nothing on stderr, stdout one JSON document equal to the
//! expected one once the top-level keys `exabgp host pid ppid time version` are dropped (objects
//! compare without order, lists in order).

mod qa_support;

use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// Cases that must pass; the others are reported but do not fail the test yet.
const MUST_PASS: &[&str] = &[
    "bgp-evpn-1",
    "bgp-flow-1",
    "bgp-ls-1",
    "bgp-ls-10",
    "bgp-ls-2",
    "bgp-ls-3",
    "bgp-ls-4",
    "bgp-ls-5",
    "bgp-ls-6",
    "bgp-ls-7",
    "bgp-ls-8",
    "bgp-ls-9",
    "bgp-flow-2",
    "bgp-flow-3",
    "bgp-flow-4",
    "bgp-flow-5",
    "bgp-open-sofware-version",
    "bgp-sr-policy-1",
    "bgp-sr-policy-2",
    "ipv4-unicast-1",
    "ipv4-unicast-2",
    "vpnv4-extended-nexthop-1",
];

/// Keys that differ from run to run.
const DROPPED: &[&str] = &["exabgp", "host", "pid", "ppid", "time", "version"];

/// Why the case failed, or `None` when it passed.
fn run_case(path: &Path) -> Option<String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => return Some(format!("unreadable: {e}")),
    };
    let mut lines = text.lines();
    let (Some(first), Some(hex), Some(expected)) = (lines.next(), lines.next(), lines.next())
    else {
        return Some("case file needs three lines".into());
    };
    let mut words = first.split_whitespace();
    let kind = words.next().unwrap_or("update");
    let family: Vec<&str> = words.collect();
    let mut command = Command::new(env!("CARGO_BIN_EXE_exabgp-rs"));
    command.arg("decode");
    if !family.is_empty() {
        command.arg("-f").arg(family.join(" "));
    }
    command
        .arg(format!("--{kind}"))
        .arg(hex.replace(' ', ""))
        .env("exabgp_log_enable", "false")
        .env("exabgp_api_version", "4");
    let output = match command.output() {
        Ok(output) => output,
        Err(e) => return Some(format!("cannot run the decoder: {e}")),
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !stderr.trim().is_empty() {
        return Some(format!(
            "stderr: {}",
            stderr.lines().take(2).collect::<Vec<_>>().join(" | ")
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut got: Value = match serde_json::from_str(stdout.trim()) {
        Ok(value) => value,
        Err(e) => {
            return Some(format!(
                "stdout is not one JSON document ({e}): {}",
                stdout.trim()
            ))
        }
    };
    let mut want: Value = match serde_json::from_str(expected) {
        Ok(value) => value,
        Err(e) => return Some(format!("expected JSON does not parse: {e}")),
    };
    for value in [&mut got, &mut want] {
        if let Some(object) = value.as_object_mut() {
            for key in DROPPED {
                object.remove(*key);
            }
        }
    }
    (got != want).then(|| format!("JSON differs\n  got:  {got}\n  want: {want}"))
}

#[test]
fn qa_decoding() {
    let Some(dir) = qa_support::qa_dir().map(|root| root.join("qa/decoding")) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "ExaBGP's qa/decoding cases are missing (set EXABGP_QA_DIR)"
        );
        println!("decoding: skipped, no qa/decoding directory (set EXABGP_QA_DIR)");
        return;
    };
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("qa/decoding is readable")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let (mut passed, mut failed) = (0, 0);
    let mut must_fail = Vec::new();
    for name in &names {
        match run_case(&dir.join(name)) {
            None => {
                passed += 1;
                println!("PASS {name}");
            }
            Some(reason) => {
                failed += 1;
                println!("FAIL {name}: {reason}");
                if MUST_PASS.contains(&name.as_str()) {
                    must_fail.push(name.clone());
                }
            }
        }
    }
    for name in MUST_PASS {
        if !names.iter().any(|n| n == name) {
            must_fail.push(format!("{name} (missing)"));
        }
    }
    println!("decoding: {passed} passed, {failed} failed");
    assert!(
        must_fail.is_empty(),
        "cases that must pass failed: {must_fail:?}"
    );
}
