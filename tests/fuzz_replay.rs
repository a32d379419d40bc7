//! The fuzz targets (`fuzz/src/targets.rs`) without the fuzzer: every seed built from ExaBGP's qa
//! data and every past crash kept in `fuzz/regressions/TARGET/` must go through its target
//! without a panic. Without the qa data the seeds are skipped with a message, except under
//! `CI=true`; the regressions are always replayed.

mod qa_support;

#[allow(dead_code)] // the AFL binaries use the flags, the replay only the targets
#[path = "../fuzz/src/targets.rs"]
mod targets;

#[path = "../fuzz/src/seeds.rs"]
mod seeds;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

/// The inputs of `target` kept in `fuzz/regressions/`, by name.
fn regressions(target: &str) -> Vec<(String, Vec<u8>)> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut inputs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&folder)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.is_file())
                .map(|path| {
                    let name = path.file_name().unwrap().to_string_lossy().into_owned();
                    (
                        name,
                        std::fs::read(&path).expect("a regression input is readable"),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    inputs.sort();
    inputs
}

/// Runs every seed and regression of `target` through `run`; panics naming those that panicked.
fn replay(target: &str, run: fn(&[u8])) {
    assert!(
        seeds::TARGETS.contains(&target),
        "{target} is not a fuzz target"
    );
    let mut inputs = regressions(target);
    let kept = inputs.len();
    match qa_support::qa_dir() {
        Some(qa) => {
            let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
            let seeds = seeds::corpus(target, &qa, repo);
            assert!(!seeds.is_empty(), "no {target} seed in {}", qa.display());
            inputs.extend(seeds);
        }
        None => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but ExaBGP's qa data is missing"
            );
            eprintln!("seeds skipped: no ExaBGP qa data ($EXABGP_QA_DIR or ../shared/exabgp-qa)");
        }
    }
    let panicked: Vec<&str> = inputs
        .iter()
        .filter(|(_, input)| catch_unwind(AssertUnwindSafe(|| run(input))).is_err())
        .map(|(name, _)| name.as_str())
        .collect();
    println!(
        "{target}: {} inputs ({kept} regressions), {} panicked",
        inputs.len(),
        panicked.len()
    );
    assert!(panicked.is_empty(), "{target} panicked on {panicked:?}");
}

#[test]
fn message_seeds_and_regressions() {
    replay("message", targets::message);
}

#[test]
fn configuration_seeds_and_regressions() {
    replay("configuration", targets::configuration);
}

#[test]
fn api_command_seeds_and_regressions() {
    replay("api_command", targets::api_command);
}
