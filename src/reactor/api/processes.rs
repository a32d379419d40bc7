//! Ports `exabgp/reactor/api/processes.py`: the helper processes of the API. Each `process`
//! block's `run` program is started with pipes; the lines it writes on stdout are commands, and
//! what it subscribed to is written to its stdin.
//!
//! The children are `async_process` children: their pipes are non-blocking descriptors polled by
//! the reactor's executor, and they are waited for (and reaped) without blocking or polling,
//! by the async-process driver that runs on the same executor.
//!
//! Slow helpers lose nothing: every helper has a queue drained by its own writer task, and when
//! more than [`super::backlog::HIGH_WATER`] bytes wait in it, what feeds the helper pauses until it is
//! back under [`super::backlog::LOW_WATER`] (see [`super::backlog`]): the peers whose messages go to
//! it stop reading their sockets and sending their routes. What still comes meanwhile (state
//! changes, keepalives sent, the replies to its own commands, which are always read) is queued
//! too. ExaBGP instead blocks up to 5 seconds per write, which stalls every session, then drops
//! the message.
//!
//! Respawn, as ExaBGP: a helper that exits is started again when `exabgp.api.respawn` is set and
//! its `process` block did not say `respawn false`; more than [`RESPAWN_LIMIT`] restarts within
//! one 64-second window give up on it. A helper that is not restarted stops the daemon when
//! `exabgp.api.terminate` is set.
//!
//! CLI clients ([`Clients`]): the daemon's own pipe and Unix socket endpoints (ExaBGP runs them
//! as internal helper processes) attach each client here under a name starting with
//! [`CLI_PREFIX`]; it is written to and acknowledged like a helper, but has no child process, is
//! never respawned, commands every peer, and has a bounded queue of [`QUEUE`] replies beyond
//! which replies to it are dropped (a client feeds its queue only with its own commands).

use super::backlog::{Backlog, Flow};
use super::control::MAX_COMMAND_SIZE;
use crate::configuration::process::Process;
use async_executor::{LocalExecutor, Task};
use async_process::{Child, ChildStdin, Stdio};
use futures_lite::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, FutureExt};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use super::execute::CLI_PREFIX;

/// Replies queued for one CLI client before new ones are dropped.
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

pub use super::execute::AckMode;

struct Helper {
    config: Process,
    child: Child,
    queue: async_channel::Sender<String>,
    /// What waits in `queue`: above its high-water mark, what feeds the helper pauses.
    backlog: Rc<Backlog>,
    ack: AckMode,
    _reader: Task<()>,
    writer: Task<()>,
    /// The respawn window and how many starts happened in it.
    window: (u64, u32),
}

/// A CLI client: where its replies are queued (its endpoint's writer drains them).
struct Client {
    queue: async_channel::Sender<String>,
    dropped: Rc<Cell<u64>>,
    ack: AckMode,
}

/// The attached CLI clients, shared with the endpoints that accept them.
#[derive(Clone, Default)]
pub struct Clients(Rc<std::cell::RefCell<BTreeMap<String, Client>>>);

impl Clients {
    /// A client connected: replies to `name` go to the returned queue, bounded as a helper's.
    /// Its commands are acknowledged whatever `exabgp.api.ack` says (ExaBGP's CLI helpers
    /// start with `session ack enable`).
    pub fn attach(&self, name: &str) -> async_channel::Receiver<String> {
        let (queue, pending) = async_channel::bounded(QUEUE);
        let client = Client {
            queue,
            dropped: Rc::new(Cell::new(0)),
            ack: AckMode::On,
        };
        self.0.borrow_mut().insert(name.to_string(), client);
        pending
    }

    /// The client left: what is still queued for it is dropped.
    pub fn detach(&self, name: &str) {
        self.0.borrow_mut().remove(name);
    }
}

/// The helpers and their pipes.
pub struct Processes {
    settings: Settings,
    executor: Rc<LocalExecutor<'static>>,
    helpers: BTreeMap<String, Helper>,
    clients: Clients,
    /// Configured helpers not running (exited without respawn, or failed to start).
    stopped: BTreeMap<String, Process>,
    reports: (
        async_channel::Sender<Report>,
        async_channel::Receiver<Report>,
    ),
    /// Which helpers are behind, for the peers' read gates.
    flow: Rc<Flow>,
    /// async-process's driver: reaps the children that were not waited for, on this executor.
    _reaper: Task<()>,
}

/// Whether two `process` blocks say the same (ExaBGP compares their settings, not where
/// they are written).
fn same_block(a: &Process, b: &Process) -> bool {
    a.name == b.name && a.run == b.run && a.encoder == b.encoder && a.respawn == b.respawn
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
        let mut driver = Box::pin(async_process::driver());
        // polled once now, so that async-process counts this executor as its driver before the
        // first helper starts (it would start a thread of its own otherwise)
        let _ = futures_lite::future::block_on(futures_lite::future::poll_once(&mut driver));
        let reaper = executor.spawn(async move {
            let _ = driver.await;
        });
        Processes {
            settings,
            executor,
            helpers: BTreeMap::new(),
            clients: Clients::default(),
            stopped: BTreeMap::new(),
            reports: async_channel::bounded(REPORTS),
            flow: Rc::default(),
            _reaper: reaper,
        }
    }

    /// Shares `flow` (which helpers are behind) with the peers' gates.
    pub fn with_flow(mut self, flow: Rc<Flow>) -> Processes {
        self.flow = flow;
        self
    }

    /// Whether `process` is behind: what feeds it waits (see [`super::backlog`]).
    pub fn behind(&self, process: &str) -> bool {
        self.flow.behind(process)
    }

    /// Each running helper's queue: lines and bytes not yet written to its stdin.
    pub fn queues(&self) -> Vec<(String, usize, usize)> {
        self.helpers
            .iter()
            .map(|(name, helper)| (name.clone(), helper.queue.len(), helper.backlog.queued()))
            .collect()
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

    /// Follows the configured `process` blocks, as ExaBGP's `Processes.start`: helpers not
    /// running yet start, those no longer configured stop. A helper whose block changed is
    /// restarted only with `restart` (USR2, `restart`); otherwise it keeps running under its
    /// new block (its encoder and respawn settings apply at once, its `run` at its next
    /// start). Where the block sits in the file does not count.
    pub fn start(&mut self, processes: &[Process], restart: bool) {
        let wanted: BTreeMap<&str, &Process> =
            processes.iter().map(|p| (p.name.as_str(), p)).collect();
        let gone: Vec<String> = self
            .helpers
            .iter()
            .filter(|(name, helper)| match wanted.get(name.as_str()) {
                None => true,
                Some(config) => restart && !same_block(config, &helper.config),
            })
            .map(|(name, _)| name.clone())
            .collect();
        for name in gone {
            if let Some(helper) = self.helpers.remove(&name) {
                self.stop_one(name, helper);
            }
        }
        for (name, helper) in self.helpers.iter_mut() {
            if let Some(config) = wanted.get(name.as_str()) {
                if !same_block(config, &helper.config) {
                    log::debug!(target: "processes", "process {name} changed, kept running (not a full reload)");
                    helper.config = (*config).clone();
                }
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
            let mut command = std::process::Command::new(program);
            command.args(args).env("TERM", "dumb").process_group(0);
            async_process::Command::from(command)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
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
            // both were asked for: not reached; the child is reaped when dropped
            let _ = child.kill();
            return;
        };
        log::debug!(target: "processes", "forked process {}", config.name);
        let name = config.name.clone();
        let reports = self.reports.0.clone();
        let backlog = Rc::new(Backlog::new(&config.name, self.flow.clone()));
        let reader = self.executor.spawn(async move {
            // read even while it is behind: a helper that answers what it reads with commands
            // would block on its stdout, stop reading its stdin and never catch up
            if read_lines(&name, stdout, &reports).await {
                let _ = reports.send(Report::Ended { process: name }).await;
            }
        });
        let (queue, pending) = async_channel::unbounded::<String>();
        let writer = self.executor.spawn(write_all(
            config.name.clone(),
            stdin,
            pending,
            backlog.clone(),
        ));
        let helper = Helper {
            ack: if self.settings.ack {
                AckMode::On
            } else {
                AckMode::Off
            },
            config,
            child,
            queue,
            backlog,
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
        // it may still run with its stdout closed; the driver reaps it once it is gone, so
        // nothing waits here (what was queued for it is lost with it)
        let _ = helper.child.kill();
        helper.backlog.retire();
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

    /// Queues `text` (a line, the newline added here) for `process`; false if it is not running,
    /// or it is a CLI client whose queue is full (see the module documentation). A helper's
    /// queue takes every message; above its high-water mark, what feeds it pauses.
    pub fn write(&self, process: &str, text: &str) -> bool {
        let mut line = String::with_capacity(text.len() + 1);
        line.push_str(text);
        if !line.ends_with('\n') {
            line.push('\n');
        }
        if let Some(helper) = self.helpers.get(process) {
            let len = line.len();
            if helper.queue.try_send(line).is_err() {
                return false;
            }
            if helper.backlog.push(len) {
                log::warn!(target: "processes", "process {process} is not reading its input fast enough, pausing the peers that feed it");
            }
            return true;
        }
        let clients = self.clients.0.borrow();
        match clients.get(process) {
            Some(client) => offer(process, &client.queue, &client.dropped, line),
            None => false,
        }
    }

    /// Acknowledges a command of `process` (`done` or `error`, text or JSON per its encoder)
    /// unless it turned acknowledgements off.
    pub fn answer(&self, process: &str, ok: bool) {
        // ExaBGP answers in text whatever the encoder (its `_ackjson` is never set)
        if self.ack(process) == Some(AckMode::On) {
            self.write(process, super::response::text::answer::ack(ok, false));
        }
    }

    /// `error: WHY`, written before the `error` acknowledgement when acknowledgements are on
    /// (ExaBGP's `answer_error` with a message), to helpers and CLI clients alike.
    pub fn explain(&self, process: &str, why: &str) {
        if self.ack(process) == Some(AckMode::On) {
            self.write(process, &format!("error: {why}"));
        }
    }

    /// The acknowledgement mode of a helper or CLI client; `None` for an unknown name.
    fn ack(&self, process: &str) -> Option<AckMode> {
        match self.helpers.get(process) {
            Some(helper) => Some(helper.ack),
            None => self
                .clients
                .0
                .borrow()
                .get(process)
                .map(|client| client.ack),
        }
    }

    pub fn set_ack(&mut self, process: &str, ack: AckMode) {
        if let Some(helper) = self.helpers.get_mut(process) {
            helper.ack = ack;
        } else if let Some(client) = self.clients.0.borrow_mut().get_mut(process) {
            client.ack = ack;
        }
    }

    /// The CLI clients, for the endpoints that accept them.
    pub fn clients(&self) -> Clients {
        self.clients.clone()
    }

    /// Where the CLI endpoints send their clients' commands (read by [`Processes::next`]).
    pub fn reporter(&self) -> async_channel::Sender<Report> {
        self.reports.0.clone()
    }

    /// Closes the helper's stdin (asking it to leave) and kills it if it has not exited after
    /// [`STOP_GRACE`].
    fn retire(&self, name: String, helper: Helper) -> Task<()> {
        log::debug!(target: "processes", "stopping process {name}");
        helper.queue.close();
        // nothing waits for it any more (a successor of the same name has its own queue)
        helper.backlog.retire();
        // no more lines, nor an `Ended` that a successor of the same name would take for its own
        drop(helper._reader);
        let writer = helper.writer;
        let mut child = helper.child;
        self.executor.spawn(async move {
            // let what is queued go out, unless the helper stopped reading; dropping the
            // writer closes stdin
            writer
                .or(async {
                    async_io::Timer::after(STOP_GRACE / 2).await;
                })
                .await;
            let exited = async { child.status().await.is_ok() }
                .or(async {
                    async_io::Timer::after(STOP_GRACE).await;
                    false
                })
                .await;
            if !exited {
                let _ = child.kill();
                let _ = child.status().await;
            }
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

/// Queues `line` for the CLI client `process`, or drops it when the queue is full (warning once
/// per episode).
fn offer(
    process: &str,
    queue: &async_channel::Sender<String>,
    dropped: &Cell<u64>,
    line: String,
) -> bool {
    match queue.try_send(line) {
        Ok(()) => {
            let lost = dropped.replace(0);
            if lost > 0 {
                log::warn!(target: "processes", "process {process} is reading again, {lost} message(s) to it were dropped");
            }
            true
        }
        Err(_) => {
            if dropped.get() == 0 {
                log::warn!(target: "processes", "process {process} is not reading its input, dropping messages to it");
            }
            dropped.set(dropped.get() + 1);
            false
        }
    }
}

/// About how many bytes of queued lines go to a helper in one write.
const WRITE_BATCH: usize = 64 << 10;

/// Drains one helper's queue into its stdin; ends when the queue is closed (then stdin is
/// closed by the drop) or the pipe breaks.
async fn write_all(
    name: String,
    mut stdin: ChildStdin,
    pending: async_channel::Receiver<String>,
    backlog: Rc<Backlog>,
) {
    while let Ok(mut batch) = pending.recv().await {
        // the lines already queued go in one write: one write per line was a tenth of the
        // receive path's CPU
        while batch.len() < WRITE_BATCH {
            let Ok(next) = pending.try_recv() else {
                break;
            };
            batch.push_str(&next);
        }
        if let Err(error) = stdin.write_all(batch.as_bytes()).await {
            log::debug!(target: "processes", "could not write to process {name}: {error}");
            return;
        }
        // the helper sees what was written at once
        if stdin.flush().await.is_err() {
            return;
        }
        let len = batch.len();
        if backlog.pop(len) {
            log::warn!(target: "processes", "process {name} caught up ({} bytes waiting), resuming the peers that feed it", backlog.queued());
        }
    }
}

/// Reports a helper's lines until it closes its stdout (true) or nobody listens (false).
///
/// A line that is not UTF-8 is reported with its bad bytes replaced, so the parser refuses it
/// with an error reply and the helper runs on (the CLI reader does the same). More than ExaBGP's
/// `MAX_COMMAND_SIZE` without a newline ends the helper, as ExaBGP's `_handle_problem` does,
/// instead of buffering without end.
async fn read_lines(
    name: &str,
    stdout: impl AsyncRead + Unpin,
    reports: &async_channel::Sender<Report>,
) -> bool {
    let mut reader = futures_lite::io::BufReader::new(stdout);
    let mut line = Vec::new();
    let limit = MAX_COMMAND_SIZE as u64 + 1;
    loop {
        line.clear();
        match (&mut reader).take(limit).read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return true,
            Ok(_) => {}
        }
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        } else if line.len() > MAX_COMMAND_SIZE {
            log::error!(target: "processes", "process {name} sent a command larger than {MAX_COMMAND_SIZE} bytes");
            return true;
        }
        let report = Report::Line {
            process: name.to_string(),
            line: String::from_utf8_lossy(&line).into_owned(),
        };
        if reports.send(report).await.is_err() {
            return false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_clients_are_written_to_and_acknowledged_as_helpers() {
        let executor = Rc::new(LocalExecutor::new());
        let settings = Settings {
            respawn: false,
            terminate: false,
            // helpers would get no acks; CLI clients still do
            ack: false,
        };
        let mut processes = Processes::new(settings, executor);
        let clients = processes.clients();
        let name = format!("{CLI_PREFIX}-socket-1");
        let replies = clients.attach(&name);
        assert!(processes.write(&name, "exabgp 1.0"));
        processes.answer(&name, true);
        processes.answer(&name, false);
        assert!(!processes.json(&name));
        processes.set_ack(&name, AckMode::Off);
        processes.answer(&name, true);
        let lines: Vec<String> = std::iter::from_fn(|| replies.try_recv().ok()).collect();
        assert_eq!(lines, ["exabgp 1.0\n", "done\n", "error\n"]);
        assert_eq!(
            processes.running().count(),
            0,
            "a client is no helper process"
        );
        clients.detach(&name);
        assert!(!processes.write(&name, "gone"));
    }

    #[test]
    fn a_client_that_does_not_read_loses_replies_not_the_reactor() {
        let executor = Rc::new(LocalExecutor::new());
        let settings = Settings {
            respawn: false,
            terminate: false,
            ack: true,
        };
        let processes = Processes::new(settings, executor);
        let clients = processes.clients();
        let replies = clients.attach("api-internal-cli-pipe");
        for n in 0..QUEUE {
            assert!(processes.write("api-internal-cli-pipe", &n.to_string()));
        }
        assert!(!processes.write("api-internal-cli-pipe", "one too many"));
        assert_eq!(replies.len(), QUEUE);
    }
}
