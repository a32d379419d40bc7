//! Helper processes: commands read from their stdout, messages written to their stdin,
//! respawn limits and `exabgp.api.terminate`, with small `sh` helpers.

use async_executor::LocalExecutor;
use exabgp_rs::configuration::{Encoder, Process};
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
            )]);
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
            processes.start(&[helper("short", "echo started", true)]);
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
            processes.start(&[helper("once", "exit 0", false)]);
            let Report::Ended { process } = processes.next().await else {
                panic!("a line from a silent helper")
            };
            assert!(processes.ended(&process).is_err());
        }))
    });
}

#[test]
fn a_helper_that_does_not_read_loses_messages_not_the_daemon() {
    run(|executor| {
        let inner = executor.clone();
        async_io::block_on(executor.run(async move {
            let mut processes = Processes::new(SETTINGS, inner);
            processes.start(&[helper("deaf", "sleep 30", false)]);
            let line = "x".repeat(1000);
            // far more than the pipe and the queue hold: every call returns at once
            let accepted = (0..40_000)
                .filter(|_| processes.write("deaf", &line))
                .count();
            assert!(accepted < 40_000, "nothing was dropped");
            assert!(accepted >= exabgp_rs::reactor::api::processes::QUEUE);
            processes.stop().await;
            assert_eq!(processes.running().count(), 0);
        }))
    });
}
