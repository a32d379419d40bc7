//! Ports `exabgp/reactor/api/processes.py`: the helper processes of the API. Each `process`
//! block's `run` program is started with pipes; the lines it writes on stdout are commands, and
//! what it subscribed to is written to its stdin.
//!
//! The pipes are `async_io::Async` around std's `ChildStdout`/`ChildStdin` (non-blocking file
//! descriptors polled by the reactor's executor), so no extra dependency is needed and nothing
//! ever blocks the reactor thread.
//!
//! Slow helpers: every helper has a bounded queue of [`QUEUE`] messages drained by its own
//! writer task. When the queue is full, new messages for that helper are dropped (never the
//! BGP sessions' work: keepalives, reads and the other helpers go on) and a warning names the
//! helper, once per episode, with the count dropped once it drains again. ExaBGP instead blocks
//! up to 5 seconds per write, which stalls every session.
//!
//! Respawn, as ExaBGP: a helper that exits is started again when `exabgp.api.respawn` is set and
//! its `process` block did not say `respawn false`; more than [`RESPAWN_LIMIT`] restarts within
//! one 64-second window give up on it. A helper that is not restarted stops the daemon when
//! `exabgp.api.terminate` is set.

use crate::configuration::process::Process;
use async_executor::{LocalExecutor, Task};
use async_io::Async;
use futures_lite::{AsyncBufReadExt, AsyncWriteExt, StreamExt};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Messages queued for one helper before new ones are dropped.
pub const QUEUE: usize = 16 * 1024;
/// Lines read from the helpers and not yet handled. Beyond that the readers wait, the pipes
/// fill and a helper writing faster than its commands are applied blocks on its own writes,
/// instead of the daemon holding its whole output (a million routes: ~150 MB).
const REPORTS: usize = 1024;
/// Restarts allowed within one window (ExaBGP's `respawn_number`).
pub const RESPAWN_LIMIT: u32 = 5;
/// ExaBGP groups restarts by `time & ~0b111111`: windows of 64 seconds.
const RESPAWN_WINDOW: u64 = 64;
/// How long a helper has to exit once its stdin is closed, before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// The `exabgp.api.*` settings the helpers use.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Settings {
    pub respawn: bool,
    pub terminate: bool,
    /// Acknowledge commands (`done`/`error`) unless the helper says otherwise.
    pub ack: bool,
}

/// What a helper did.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Report {
    /// A line written on its stdout (without the newline).
    Line { process: String, line: String },
    /// Its stdout closed: it exited (or closed it).
    Ended { process: String },
}

/// A helper's acknowledgement mode (`enable-ack`, `disable-ack`, `silence-ack`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AckMode {
    On,
    Off,
}

struct Helper {
    config: Process,
    child: Child,
    queue: async_channel::Sender<String>,
    dropped: Rc<Cell<u64>>,
    ack: AckMode,
    _reader: Task<()>,
    writer: Task<()>,
    /// The respawn window and how many starts happened in it.
    window: (u64, u32),
}

/// The helpers and their pipes.
pub struct Processes {
    settings: Settings,
    executor: Rc<LocalExecutor<'static>>,
    helpers: BTreeMap<String, Helper>,
    /// Configured helpers not running (exited without respawn, or failed to start).
    stopped: BTreeMap<String, Process>,
    reports: (
        async_channel::Sender<Report>,
        async_channel::Receiver<Report>,
    ),
}

fn window() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / RESPAWN_WINDOW)
}

/// Why the daemon must stop.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Terminate(pub String);

impl Processes {
    pub fn new(settings: Settings, executor: Rc<LocalExecutor<'static>>) -> Processes {
        Processes {
            settings,
            executor,
            helpers: BTreeMap::new(),
            stopped: BTreeMap::new(),
            reports: async_channel::bounded(REPORTS),
        }
    }

    /// Names of the running helpers.
    pub fn running(&self) -> impl Iterator<Item = &str> {
        self.helpers.keys().map(String::as_str)
    }

    /// Whether `process` asked for JSON.
    pub fn json(&self, process: &str) -> bool {
        self.helpers
            .get(process)
            .is_some_and(|h| h.config.encoder == crate::configuration::Encoder::Json)
    }

    /// Starts the configured helpers that are not running yet and stops those no longer
    /// configured (a reload); a helper whose definition changed is restarted.
    pub fn start(&mut self, processes: &[Process]) {
        let wanted: BTreeMap<&str, &Process> =
            processes.iter().map(|p| (p.name.as_str(), p)).collect();
        let gone: Vec<String> = self
            .helpers
            .iter()
            .filter(|(name, helper)| wanted.get(name.as_str()) != Some(&&helper.config))
            .map(|(name, _)| name.clone())
            .collect();
        for name in gone {
            if let Some(helper) = self.helpers.remove(&name) {
                self.stop_one(name, helper);
            }
        }
        self.stopped
            .retain(|name, _| wanted.contains_key(name.as_str()));
        for process in processes {
            if !self.helpers.contains_key(&process.name) {
                self.spawn(process.clone(), (window(), 0));
            }
        }
    }

    fn spawn(&mut self, config: Process, previous: (u64, u32)) {
        let now = window();
        let starts = if previous.0 == now { previous.1 + 1 } else { 1 };
        if starts > RESPAWN_LIMIT + 1 {
            log::error!(target: "processes", "process {} respawned more than {RESPAWN_LIMIT} times in a minute, giving up", config.name);
            self.stopped.insert(config.name.clone(), config);
            return;
        }
        let Some((program, args)) = config.run.split_first() else {
            return;
        };
        // TERM=dumb keeps terminal libraries from writing escape codes into the pipe (as ExaBGP);
        // a process group of its own keeps a terminal's Ctrl-C for the daemon
        let spawned = {
            use std::os::unix::process::CommandExt;
            Command::new(program)
                .args(args)
                .env("TERM", "dumb")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .process_group(0)
                .spawn()
        };
        let mut child = match spawned {
            Ok(child) => child,
            Err(error) => {
                log::error!(target: "processes", "could not start process {}: {error}", config.name);
                self.stopped.insert(config.name.clone(), config);
                return;
            }
        };
        let (Some(stdout), Some(stdin)) = (child.stdout.take(), child.stdin.take()) else {
            return;
        };
        let (stdout, stdin) = match (Async::new(stdout), Async::new(stdin)) {
            (Ok(stdout), Ok(stdin)) => (stdout, stdin),
            (Err(error), _) | (_, Err(error)) => {
                log::error!(target: "processes", "could not poll the pipes of process {}: {error}", config.name);
                let _ = child.kill();
                let _ = child.wait();
                self.stopped.insert(config.name.clone(), config);
                return;
            }
        };
        log::debug!(target: "processes", "forked process {}", config.name);
        let name = config.name.clone();
        let reports = self.reports.0.clone();
        let reader = self.executor.spawn(async move {
            let mut lines = futures_lite::io::BufReader::new(stdout).lines();
            while let Some(Ok(line)) = lines.next().await {
                let process = name.clone();
                if reports.send(Report::Line { process, line }).await.is_err() {
                    return;
                }
            }
            let _ = reports.send(Report::Ended { process: name }).await;
        });
        let (queue, pending) = async_channel::bounded::<String>(QUEUE);
        let writer = self
            .executor
            .spawn(write_all(config.name.clone(), stdin, pending));
        let helper = Helper {
            ack: if self.settings.ack {
                AckMode::On
            } else {
                AckMode::Off
            },
            config,
            child,
            queue,
            dropped: Rc::new(Cell::new(0)),
            _reader: reader,
            writer,
            window: (now, starts),
        };
        self.stopped.remove(&helper.config.name);
        self.helpers.insert(helper.config.name.clone(), helper);
    }

    /// Where the helpers' lines and exits arrive (what [`Processes::next`] reads).
    pub fn reports(&self) -> async_channel::Receiver<Report> {
        self.reports.1.clone()
    }

    /// The next line or exit of a helper.
    pub async fn next(&self) -> Report {
        match self.reports.1.recv().await {
            Ok(report) => report,
            Err(_) => futures_lite::future::pending().await,
        }
    }

    /// A helper's stdout closed: reap it, and respawn it or stop the daemon as configured.
    pub fn ended(&mut self, process: &str) -> Result<(), Terminate> {
        let Some(mut helper) = self.helpers.remove(process) else {
            return Ok(());
        };
        let _ = helper.child.kill();
        let _ = helper.child.wait();
        if self.settings.respawn && helper.config.respawn {
            log::warn!(target: "processes", "process {process} ended, restarting it");
            self.spawn(helper.config, helper.window);
            if self.helpers.contains_key(process) {
                return Ok(());
            }
        } else {
            log::warn!(target: "processes", "process {process} ended");
            self.stopped
                .insert(process.to_string(), helper.config.clone());
        }
        if self.settings.terminate {
            return Err(Terminate(format!("process {process} ended")));
        }
        Ok(())
    }

    /// Queues `text` (a line, the newline added here) for `process`; false if it is not running
    /// or its queue is full (the message is dropped, see the module documentation).
    pub fn write(&self, process: &str, text: &str) -> bool {
        let Some(helper) = self.helpers.get(process) else {
            return false;
        };
        let mut line = String::with_capacity(text.len() + 1);
        line.push_str(text);
        if !line.ends_with('\n') {
            line.push('\n');
        }
        match helper.queue.try_send(line) {
            Ok(()) => {
                let dropped = helper.dropped.replace(0);
                if dropped > 0 {
                    log::warn!(target: "processes", "process {process} is reading again, {dropped} message(s) to it were dropped");
                }
                true
            }
            Err(_) => {
                if helper.dropped.get() == 0 {
                    log::warn!(target: "processes", "process {process} is not reading its input, dropping messages to it");
                }
                helper.dropped.set(helper.dropped.get() + 1);
                false
            }
        }
    }

    /// Acknowledges a command of `process` (`done` or `error`, text or JSON per its encoder)
    /// unless it turned acknowledgements off.
    pub fn answer(&self, process: &str, ok: bool) {
        let Some(helper) = self.helpers.get(process) else {
            return;
        };
        // ExaBGP answers in text whatever the encoder (its `_ackjson` is never set)
        if helper.ack == AckMode::On {
            self.write(process, super::response::text::answer::ack(ok, false));
        }
    }

    pub fn set_ack(&mut self, process: &str, ack: AckMode) {
        if let Some(helper) = self.helpers.get_mut(process) {
            helper.ack = ack;
        }
    }

    /// Closes the helper's stdin (asking it to leave) and kills it if it has not exited after
    /// [`STOP_GRACE`].
    fn retire(&self, name: String, mut helper: Helper) -> Task<()> {
        log::debug!(target: "processes", "stopping process {name}");
        helper.queue.close();
        let writer = helper.writer;
        self.executor.spawn(async move {
            // let what is queued go out, unless the helper stopped reading; dropping the
            // writer closes stdin
            futures_lite::FutureExt::or(writer, async {
                async_io::Timer::after(STOP_GRACE / 2).await;
            })
            .await;
            let deadline = std::time::Instant::now() + STOP_GRACE;
            while std::time::Instant::now() < deadline {
                if let Ok(Some(_)) = helper.child.try_wait() {
                    return;
                }
                async_io::Timer::after(Duration::from_millis(20)).await;
            }
            let _ = helper.child.kill();
            let _ = helper.child.wait();
        })
    }

    fn stop_one(&self, name: String, helper: Helper) {
        self.retire(name, helper).detach();
    }

    /// Stops every helper (daemon shutdown); returns once they all exited.
    pub async fn stop(&mut self) {
        let helpers = std::mem::take(&mut self.helpers);
        let waits: Vec<Task<()>> = helpers
            .into_iter()
            .map(|(name, helper)| self.retire(name, helper))
            .collect();
        for wait in waits {
            wait.await;
        }
    }
}

/// Drains one helper's queue into its stdin; ends when the queue is closed (then stdin is
/// closed by the drop) or the pipe breaks.
async fn write_all(
    name: String,
    mut stdin: Async<ChildStdin>,
    pending: async_channel::Receiver<String>,
) {
    while let Ok(line) = pending.recv().await {
        if let Err(error) = stdin.write_all(line.as_bytes()).await {
            log::debug!(target: "processes", "could not write to process {name}: {error}");
            return;
        }
        // a shared stdin across lines: flush each so the helper sees it at once
        if stdin.flush().await.is_err() {
            return;
        }
    }
}
