//! Ports `exabgp/application/healthcheck.py`: `exabgp-rs healthcheck`, a helper run as a
//! `process` that checks a service with a command and announces (or withdraws) its IPs through
//! ExaBGP's text API on standard output.
//!
//! The decisions are pure ([`fsm`]); this module runs them: the check command with its timeout,
//! the execute hooks, the commands written and acknowledged, the pauses, and SIGTERM / SIGINT,
//! which withdraw every route (and remove the set-up addresses) before leaving.

pub mod fsm;
pub mod ip;
pub mod log;
pub mod options;

use async_signal::{Signal, Signals};
use fsm::{Effect, Machine, State};
use futures_lite::{future, StreamExt};
use ip::{IpNetwork, Management, Selection};
use log::Logger;
use options::Options;
use std::future::Future;
use std::io::{BufRead, IsTerminal, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Runs `exabgp-rs healthcheck ARGS`; returns the exit status.
pub fn run(args: &[String]) -> i32 {
    let options = match options::parse(args) {
        Ok(options) => options,
        Err(options::Error::Help) => {
            print!("{}", options::help());
            return 0;
        }
        Err(options::Error::Usage(message)) => {
            eprintln!(
                "usage: exabgp-rs healthcheck [options]\nexabgp-rs healthcheck: error: {message}"
            );
            return 2;
        }
    };
    let mut log = Logger::console(options.debug, !options.silent);
    if !options.no_syslog && !options.debug {
        let Some(facility) = log::facility(&options.syslog_facility) else {
            log.error(&format!(
                "unknown syslog facility {}",
                options.syslog_facility
            ));
            return 1;
        };
        log = log.with_syslog(facility, options.name.as_deref());
    }
    if let Some(pid) = &options.pid {
        if let Err(error) = std::fs::write(pid, format!("{}\n", std::process::id())) {
            log.error(&format!("cannot write the PID to {pid}: {error}"));
            return 1;
        }
    }
    match start(&options, &log) {
        Ok(()) => 0,
        Err(error) if error == NO_IP => {
            log.error(NO_IP);
            1
        }
        Err(error) => {
            log.error(&format!("Uncaught exception: {error}"));
            1
        }
    }
}

/// ExaBGP reports this one alone, not as an uncaught exception.
const NO_IP: &str = "No IP found";

/// Sets up the addresses, drops privileges, then loops until a signal or `--interval 0`.
fn start(options: &Options, log: &Logger) -> Result<(), String> {
    let ips = if options.ips.is_empty() {
        let selection = Selection {
            label: options.label.as_deref(),
            label_only: false,
            label_exact_match: options.label_exact_match,
        };
        ip::system_ips(&[], &selection)
    } else {
        options.ips.clone()
    };
    if ips.is_empty() {
        return Err(NO_IP.into());
    }
    let management = Management {
        ips: &ips,
        ip_ifnames: &options.ip_ifnames,
        label: options.label.as_deref(),
        label_exact_match: options.label_exact_match,
        sudo: options.sudo,
    };
    if options.ip_setup {
        management.setup(log)?;
    }
    drop_privileges(options.user.as_deref(), options.group.as_deref(), log)?;
    let ips = fsm::ordered(&ips, options)?;
    let signals = Signals::new([Signal::Term, Signal::Int]).map_err(|e| e.to_string())?;
    // ExaBGP answers every command with one line unless its acks are off; a terminal answers none.
    let acks = (!options.no_ack && !std::io::stdout().is_terminal()).then(read_acknowledgements);
    let mut runner = Runner {
        options,
        log,
        ips,
        signals,
        acks,
    };
    runner.run()
}

/// Reads standard input on a thread: each line is one acknowledgement; the channel closes at the
/// end of input, which (as ExaBGP's `readline` returning nothing) counts as an answer too.
fn read_acknowledgements() -> async_channel::Receiver<()> {
    let (sender, receiver) = async_channel::unbounded();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            if line.is_err() || sender.send_blocking(()).is_err() {
                break;
            }
        }
    });
    receiver
}

/// What interrupted a wait.
struct Interrupted;

struct Runner<'a> {
    options: &'a Options,
    log: &'a Logger,
    ips: Vec<IpNetwork>,
    signals: Signals,
    acks: Option<async_channel::Receiver<()>>,
}

impl Runner<'_> {
    fn run(&mut self) -> Result<(), String> {
        let mut machine = Machine::default();
        loop {
            let disabled = self
                .options
                .disable
                .as_ref()
                .is_some_and(|file| std::path::Path::new(file).exists());
            let successful = if disabled {
                true
            } else {
                match self.check() {
                    Ok(successful) => successful,
                    Err(Interrupted) => return self.exit(),
                }
            };
            let before = machine.state;
            if let Some(entered) = machine.step(disabled, successful, self.options) {
                self.execute(entered);
            }
            // Sent at every check unless --debounce, in case a peer lost routes it was sent.
            if (!self.options.debounce || machine.state != before)
                && self.announce(machine.state, false)?.is_err()
            {
                return self.exit();
            }
            let Some(pause) = fsm::pause(machine.state, self.options) else {
                self.log
                    .info("interval set to zero, exiting after the announcement");
                return Ok(());
            };
            if wait(&mut self.signals, async_io::Timer::after(pause)).is_err() {
                return self.exit();
            }
        }
    }

    /// Withdraws everything (and removes the set-up addresses) on the way out.
    fn exit(&mut self) -> Result<(), String> {
        let _ = self.announce(State::Exit, true)?;
        Ok(())
    }

    fn execute(&self, state: State) {
        self.log.debug(&format!("Transition to {state}"));
        for command in fsm::hooks(state, self.options) {
            self.log
                .debug(&format!("Transition to {state}, execute `{command}`"));
            let status = Command::new("/bin/sh")
                .arg("-c")
                .arg(&command)
                .env("STATE", state.name())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            if let Err(error) = status {
                self.log
                    .warning(&format!("cannot run `{command}`: {error}"));
            }
        }
    }

    /// Carries out a state's announcement; `Err(Interrupted)` inside when a signal came while
    /// waiting for ExaBGP's answer (while `exiting`, that only stops the waiting).
    fn announce(&mut self, state: State, exiting: bool) -> Result<Result<(), Interrupted>, String> {
        let effects = fsm::announce(state, self.options, &self.ips);
        if effects.is_empty() {
            return Ok(Ok(()));
        }
        let management = Management {
            ips: &self.ips,
            ip_ifnames: &self.options.ip_ifnames,
            label: self.options.label.as_deref(),
            label_exact_match: self.options.label_exact_match,
            sudo: self.options.sudo,
        };
        let mut waiting = true;
        self.log
            .info(&format!("send announces for {state} state to ExaBGP"));
        for effect in effects {
            match effect {
                Effect::SetupIps => {
                    self.log
                        .info("service up, restoring loopback and ip-ifname ips");
                    management.setup(self.log)?;
                }
                Effect::RemoveIps => {
                    self.log.info(if exiting {
                        "exiting, deleting setup ips"
                    } else {
                        "service down, deleting setup ips"
                    });
                    management.remove(self.log);
                }
                Effect::Send(line) => {
                    self.log.debug(&format!("exabgp: {line}"));
                    let mut stdout = std::io::stdout().lock();
                    writeln!(stdout, "{line}")
                        .and_then(|()| stdout.flush())
                        .map_err(|error| format!("cannot write to ExaBGP: {error}"))?;
                    drop(stdout);
                    let Some(acks) = self.acks.as_ref().filter(|_| waiting) else {
                        continue;
                    };
                    if wait(&mut self.signals, acks.recv()).is_err() {
                        if !exiting {
                            return Ok(Err(Interrupted));
                        }
                        waiting = false;
                    }
                }
            }
        }
        Ok(Ok(()))
    }

    /// Runs the check command through `sh -c` in its own process group; false when it fails or
    /// outlives `--timeout` (then the whole group is killed).
    fn check(&mut self) -> Result<bool, Interrupted> {
        let Some(command) = &self.options.command else {
            return Ok(true);
        };
        self.log.debug(&format!("Checking command {command:?}"));
        let spawned = Command::new("/bin/sh")
            .arg("-c")
            .arg(command)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(error) => {
                self.log
                    .warning(&format!("Check command could not start: {error}"));
                return Ok(false);
            }
        };
        let group = child.id();
        let readers: Vec<_> = [
            child
                .stdout
                .take()
                .map(|out| Box::new(out) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|err| Box::new(err) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .flatten()
        .map(|mut pipe| {
            std::thread::spawn(move || {
                let mut output = Vec::new();
                let _ = pipe.read_to_end(&mut output);
                output
            })
        })
        .collect();
        let (sender, exited) = async_channel::bounded(1);
        std::thread::spawn(move || {
            let _ = sender.send_blocking(child.wait());
        });
        let timeout = u64::try_from(self.options.timeout).ok().filter(|t| *t > 0);
        let deadline = timeout.map(|t| Instant::now() + Duration::from_secs(t));
        let outcome = wait(&mut self.signals, async {
            let exited = async { Some(exited.recv().await) };
            match deadline {
                Some(deadline) => {
                    future::or(exited, async {
                        async_io::Timer::at(deadline).await;
                        None
                    })
                    .await
                }
                None => exited.await,
            }
        });
        let status = match outcome {
            Err(Interrupted) => {
                crate::reactor::sys::kill_process_group(group);
                return Err(Interrupted);
            }
            Ok(None) => {
                crate::reactor::sys::kill_process_group(group);
                self.log.warning(&format!(
                    "Timeout ({}) while running check command {command}",
                    self.options.timeout
                ));
                return Ok(false);
            }
            Ok(Some(Ok(Ok(status)))) => status,
            Ok(Some(_)) => {
                self.log.warning("Check command could not be waited for");
                return Ok(false);
            }
        };
        let output: Vec<u8> = readers
            .into_iter()
            .flat_map(|reader| reader.join().unwrap_or_default())
            .collect();
        let output = String::from_utf8_lossy(&output);
        if !status.success() {
            self.log.warning(&format!(
                "Check command was unsuccessful: {}",
                return_code(status)
            ));
            if !output.trim().is_empty() {
                self.log
                    .info(&format!("Output of check command: {}", output.trim_end()));
            }
            return Ok(false);
        }
        self.log.debug(&format!(
            "Command was executed successfully {} {}",
            return_code(status),
            output.trim_end()
        ));
        Ok(true)
    }
}

/// Python's `returncode`: the exit status, or minus the signal that killed the command.
fn return_code(status: ExitStatus) -> i32 {
    status
        .code()
        .or_else(|| status.signal().map(|signal| -signal))
        .unwrap_or_default()
}

/// Drives `work` to completion unless SIGTERM or SIGINT arrives first.
fn wait<T>(signals: &mut Signals, work: impl Future<Output = T>) -> Result<T, Interrupted> {
    async_io::block_on(future::or(async { Ok(work.await) }, async {
        loop {
            match signals.next().await {
                Some(Ok(_)) => return Err(Interrupted),
                Some(Err(_)) => continue,
                None => future::pending::<()>().await,
            }
        }
    }))
}

/// Changes group then user, by name (looked up with `getent`, so NSS sources count).
fn drop_privileges(user: Option<&str>, group: Option<&str>, log: &Logger) -> Result<(), String> {
    if user.is_none() && group.is_none() {
        return Ok(());
    }
    let (mut uid, mut gid) = crate::reactor::sys::ids();
    if let Some(group) = group {
        gid = lookup_id("group", group)?;
        log.debug(&format!("Dropping privileges to group {group}/{gid}"));
    }
    if let Some(user) = user {
        uid = lookup_id("passwd", user)?;
        log.debug(&format!("Dropping privileges to user {user}/{uid}"));
    }
    crate::reactor::sys::set_ids(uid, gid)
        .map_err(|error| format!("cannot drop privileges to {uid}/{gid}: {error}"))
}

/// The numeric id (third field) of `getent DATABASE NAME`.
fn lookup_id(database: &str, name: &str) -> Result<u32, String> {
    let output = Command::new("getent")
        .args([database, name])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(|error| format!("getent {database} {name}: {error}"))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .next()
        .and_then(|line| line.split(':').nth(2))
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| format!("{database} name not found: '{name}'"))
}
