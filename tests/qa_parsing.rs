//! ExaBGP's `functional parsing` suite: every configuration of ExaBGP's functional tests
//! (`etc/exabgp/*.conf`, from `$EXABGP_QA_DIR` or a `shared/exabgp-qa` beside the crate or one of
//! its parents) must be accepted.
//!
//! The configurations are staged in a temporary folder beside a `run/` folder holding empty
//! executables named as their `run ./run/NAME;` statements expect, as ExaBGP's runner does.

mod qa_support;

use exabgp_rs::configuration::Configuration;
use std::path::PathBuf;

/// The `./run/NAME` programs a configuration names.
fn helpers(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.split('#').next())
        .filter_map(|line| line.trim().strip_prefix("run ./run/"))
        .map(|rest| {
            rest.trim_end_matches(';')
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[test]
fn every_qa_configuration_is_accepted() {
    let Some(etc) = qa_support::qa_dir().map(|root| root.join("etc/exabgp")) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the ExaBGP qa data is missing (set EXABGP_QA_DIR)"
        );
        eprintln!("parsing: skipped, no ExaBGP qa data (set EXABGP_QA_DIR)");
        return;
    };
    let stage = std::env::temp_dir().join(format!("exabgp-rs-qa-parsing-{}", std::process::id()));
    let run = stage.join("run");
    std::fs::create_dir_all(&run).unwrap();

    let mut files: Vec<PathBuf> = std::fs::read_dir(&etc)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "conf"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no configuration in {}", etc.display());

    let (mut passed, mut failed) = (0, 0);
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for helper in helpers(&text) {
            let program = run.join(helper);
            std::fs::write(&program, "").unwrap();
            let mut permissions = std::fs::metadata(&program).unwrap().permissions();
            std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
            std::fs::set_permissions(&program, permissions).unwrap();
        }
        let staged = stage.join(file.file_name().unwrap());
        std::fs::write(&staged, &text).unwrap();
        match Configuration::load(&staged) {
            Ok(_) => passed += 1,
            Err(error) => {
                failed += 1;
                println!("FAIL {}: {error}", file.display());
            }
        }
    }
    std::fs::remove_dir_all(&stage).unwrap();
    println!("parsing: {passed} passed, {failed} failed");
    assert_eq!(failed, 0, "parsing: {passed} passed, {failed} failed");
}

/// `exaqa parsing --run-dir qa/run` needs each program the configurations name to exist, as an
/// executable, among our own helpers.
#[test]
fn qa_run_has_every_named_helper() {
    let Some(etc) = qa_support::qa_dir().map(|root| root.join("etc/exabgp")) else {
        eprintln!("qa/run: skipped, no ExaBGP qa data (set EXABGP_QA_DIR)");
        return;
    };
    let run = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("qa/run");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&etc).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "conf") {
            continue;
        }
        for helper in helpers(&std::fs::read_to_string(&path).unwrap()) {
            let executable = std::fs::metadata(run.join(&helper)).is_ok_and(|m| {
                std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o111 != 0
            });
            if !executable {
                missing.push(format!("{helper} ({})", path.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "not in qa/run or not executable: {missing:?}"
    );
}
