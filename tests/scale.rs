//! Issue 11.4 in `cargo test`: `bench/scale.sh` at a small scale. 50 passive peers in one
//! process, 100 routes each as JSON to one helper, then three rounds in which every session
//! is dropped (the senders' process killed) and comes back: every session must come up again
//! and every route be delivered each round, with as many descriptors open after each round as
//! after the first (the script checks both and fails otherwise). The figures at 1,000 peers
//! are in docs/robustness.md; nothing here is timed.

use std::process::Command;

#[test]
fn fifty_peers_flapping_deliver_every_route_and_leak_no_descriptor() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/scale.sh");
    let output = Command::new("bash")
        .args([script, "-p", "50", "-n", "100", "-f", "3"])
        .env("EXABGP_RS", env!("CARGO_BIN_EXE_exabgp-rs"))
        // generous: a loaded CI machine, not a speed check
        .env("BENCH_TIMEOUT", "300")
        .output()
        .expect("bash runs bench/scale.sh");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "bench/scale.sh failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    // one line per round: round 0 and the three flaps, each after every session came back
    let rounds: Vec<&str> = stdout
        .lines()
        .filter(|line| {
            line.split_whitespace()
                .next()
                .is_some_and(|w| w.parse::<u32>().is_ok())
        })
        .collect();
    assert_eq!(rounds.len(), 4, "{stdout}");
    // the downs column: every session of the round before went down, and no other
    for (round, line) in rounds.iter().enumerate() {
        let downs: usize = line.split_whitespace().nth(7).unwrap().parse().unwrap();
        assert_eq!(downs, 50 * round, "{line}");
    }
}
