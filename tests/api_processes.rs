//! Helper processes: commands read from their stdout, messages written to their stdin,
//! respawn limits and `exabgp.api.terminate`, with small `sh` helpers.

use async_executor::LocalExecutor;
use exabgp_rs::configuration::{Encoder, Process};
use exabgp_rs::reactor::api::backlog::HIGH_WATER;
use exabgp_rs::reactor::api::processes::{Processes, Report, Settings, RESPAWN_LIMIT};
use std::rc::Rc;

fn helper(name: &str, script: &str, respawn: bool) -> Process {
    Process {
        name: name.into(),
        run: vec!["/bin/sh".into(), "-c".into(), script.into()],
        encoder: Encoder::Text,
        respawn,
        location: Default::default(),
    }
}

fn run<T>(test: impl FnOnce(Rc<LocalExecutor<'static>>) -> T) -> T {
    let executor = Rc::new(LocalExecutor::new());
    test(executor)
}

const SETTINGS: Settings = Settings {
    respawn: true,
    terminate: false,
    ack: true,
};

#[test]
fn lines_both_ways() {
    run(|executor| {
        let inner = executor.clone();
        async_io::block_on(executor.run(async move {
            let mut processes = Processes::new(SETTINGS, inner);
            processes.start(&[helper(
                "echo",
                "echo 'announce route 10.0.0.0/24 next-hop 1.2.3.4'; read reply; echo \"got $reply\"",
                false,
            )], false);
            assert_eq!(
                processes.next().await,
                Report::Line {
                    process: "echo".into(),
                    line: "announce route 10.0.0.0/24 next-hop 1.2.3.4".into()
                }
            );
            processes.answer("echo", true);
            assert_eq!(
                processes.next().await,
                Report::Line {
                    process: "echo".into(),
                    line: "got done".into()
                }
            );
            assert_eq!(
                processes.next().await,
                Report::Ended {
                    process: "echo".into()
                }
            );
            assert_eq!(processes.ended("echo"), Ok(()));
            assert_eq!(processes.running().count(), 0);
            assert!(!processes.write("echo", "nobody reads this"));
        }))
    });
}

#[test]
fn respawn_gives_up_after_the_limit() {
    run(|executor| {
        let inner = executor.clone();
        async_io::block_on(executor.run(async move {
            let mut processes = Processes::new(SETTINGS, inner);
            processes.start(&[helper("short", "echo started", true)], false);
            let mut starts = 0;
            while processes.running().count() > 0 {
                match processes.next().await {
                    Report::Line { .. } => starts += 1,
                    Report::Ended { process } => processes.ended(&process).unwrap(),
                }
            }
            // the first start and RESPAWN_LIMIT restarts, in one 64 s window (two if the test
            // straddles a window boundary)
            let first = RESPAWN_LIMIT as usize + 1;
            assert!(
                starts == first || (starts > first && starts <= 2 * first),
                "{starts} starts"
            );
        }))
    });
}

#[test]
fn terminate_when_a_helper_is_not_respawned() {
    run(|executor| {
        let inner = executor.clone();
        async_io::block_on(executor.run(async move {
            let settings = Settings {
                terminate: true,
                ..SETTINGS
            };
            let mut processes = Processes::new(settings, inner);
            processes.start(&[helper("once", "exit 0", false)], false);
            let Report::Ended { process } = processes.next().await else {
                panic!("a line from a silent helper")
            };
            assert!(processes.ended(&process).is_err());
        }))
    });
}

/// A helper that does not read for a while loses nothing: every message is taken at once
/// (none blocks the caller), it is marked behind while more than the high-water mark waits, and
/// once it reads again it gets them all, in order, and catches up.
#[test]
fn a_helper_that_stops_reading_for_a_while_gets_every_message_in_order() {
    run(|executor| {
        let inner = executor.clone();
        async_io::block_on(executor.run(async move {
            let mut processes = Processes::new(SETTINGS, inner);
            processes.start(&[helper("late", "sleep 2; cat", false)], false);
            let count = 2 * HIGH_WATER / 1000;
            let line = |i: usize| format!("{i:08} {}", "x".repeat(991));
            for i in 0..count {
                assert!(processes.write("late", &line(i)), "message {i} refused");
            }
            assert!(
                processes.behind("late"),
                "more than the high-water mark waits"
            );
            for i in 0..count {
                match processes.next().await {
                    Report::Line { process, line: got } => {
                        assert_eq!(process, "late");
                        assert!(
                            got == line(i),
                            "message {i} is {:?}",
                            &got[..got.len().min(8)]
                        );
                    }
                    other => panic!("message {i}: {other:?}"),
                }
            }
            assert!(!processes.behind("late"), "it caught up");
            processes.stop().await;
            assert_eq!(processes.running().count(), 0);
        }))
    });
}

/// As ExaBGP's `Processes.start`: a reload (USR1) keeps a helper whose block changed, under
/// its new block; a full reload (USR2, restart) restarts it; a helper no longer configured stops.
#[test]
fn reload_restarts_a_changed_helper_only_when_full() {
    run(|executor| {
        let inner = executor.clone();
        async_io::block_on(executor.run(async move {
            let mut processes = Processes::new(SETTINGS, inner);
            let text = helper(
                "pid",
                "echo \"start $$\"; while read line; do echo \"$$ $line\"; done",
                false,
            );
            let line = |report: Report| match report {
                Report::Line { line, .. } => line,
                other => panic!("{other:?}"),
            };
            processes.start(std::slice::from_ref(&text), false);
            let first = line(processes.next().await);
            let pid = first.strip_prefix("start ").unwrap().to_string();

            // the same block, written elsewhere in the file: nothing changes
            let moved = Process {
                location: exabgp_rs::configuration::core::Location { line: 9, column: 1 },
                ..text.clone()
            };
            processes.start(&[moved], false);
            // changed (JSON now), plain reload: the same helper, under the new block
            let json = Process {
                encoder: Encoder::Json,
                ..text.clone()
            };
            processes.start(&[json], false);
            assert!(processes.json("pid"));
            assert!(processes.write("pid", "one"));
            assert_eq!(line(processes.next().await), format!("{pid} one"));

            // changed again, full reload: a new helper
            processes.start(std::slice::from_ref(&text), true);
            assert!(!processes.json("pid"));
            let second = line(processes.next().await);
            let new_pid = second.strip_prefix("start ").unwrap();
            assert_ne!(new_pid, pid);
            assert!(processes.write("pid", "two"));
            assert_eq!(line(processes.next().await), format!("{new_pid} two"));

            // no longer configured: stopped
            processes.start(&[], false);
            assert_eq!(processes.running().count(), 0);
        }))
    });
}

/// A line that is not UTF-8 is one bad command (its bytes replaced, so that the parser refuses
/// it with an error reply): the helper is not taken for ended and its next lines are read.
#[test]
fn a_line_that_is_not_utf8_does_not_end_the_helper() {
    run(|executor| {
        let inner = executor.clone();
        async_io::block_on(executor.run(async move {
            let mut processes = Processes::new(SETTINGS, inner);
            processes.start(
                &[helper(
                    "binary",
                    r"printf 'announce \377\376\n'; echo 'announce eor'",
                    false,
                )],
                false,
            );
            assert_eq!(
                processes.next().await,
                Report::Line {
                    process: "binary".into(),
                    line: "announce \u{fffd}\u{fffd}".into()
                }
            );
            assert_eq!(
                processes.next().await,
                Report::Line {
                    process: "binary".into(),
                    line: "announce eor".into()
                }
            );
        }))
    });
}

/// ExaBGP's `MAX_COMMAND_SIZE`: a helper writing more than 1 MiB without a newline is not
/// buffered without end; it is taken as broken and ended (then respawned as configured).
#[test]
fn a_helper_writing_an_endless_line_is_ended() {
    run(|executor| {
        let inner = executor.clone();
        async_io::block_on(executor.run(async move {
            let mut processes = Processes::new(SETTINGS, inner);
            processes.start(
                &[helper(
                    "endless",
                    "head -c 3000000 /dev/zero | tr '\\0' a; echo; echo 'announce eor'",
                    false,
                )],
                false,
            );
            // not assert_eq: a failure would print the 3 MB line
            let report = processes.next().await;
            assert!(
                matches!(&report, Report::Ended { process } if process == "endless"),
                "not ended: {}",
                match &report {
                    Report::Line { line, .. } => format!("a line of {} bytes", line.len()),
                    Report::Ended { process } => format!("{process} ended"),
                }
            );
        }))
    });
}
