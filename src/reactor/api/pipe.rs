//! Ports `exabgp/application/pipe.py`: the CLI's named pipes (`exabgp.in`, `exabgp.out`),
//! made by the user with `mkfifo` in one of ExaBGP's run folders, served by the reactor.
//!
//! As ExaBGP's pipe helper: `NAME.in` is held open for reading and writing (so it never reads
//! an end of file when a client closes it) and every line is a command; replies are written
//! to `NAME.out` opened without blocking when a client holds it open for reading, and kept
//! (bounded, as a helper's) while none does. Every client of the pipes is one CLI client.

use super::control::{self, locations};
use super::processes::{Clients, Report, CLI_PREFIX};
use async_executor::{LocalExecutor, Task};
use async_io::Async;
use futures_lite::AsyncWriteExt;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

/// How long to wait before trying again to open `NAME.out` when no client reads it.
const RETRY: Duration = Duration::from_millis(50);
/// Bytes of replies written per opening of `NAME.out`.
const BATCH: usize = 64 * 1024;

fn is_fifo(path: &Path) -> bool {
    std::fs::metadata(path)
        .map(|m| m.file_type().is_fifo())
        .unwrap_or(false)
}

/// The folder holding both `NAME.in` and `NAME.out` as named pipes, searched as ExaBGP's
/// `named_pipe`; the folders searched when there is none.
pub fn named_pipe(root: &Path, name: &str) -> Result<PathBuf, Vec<PathBuf>> {
    let folders = locations(root);
    let found = folders.iter().find(|folder| {
        is_fifo(&folder.join(format!("{name}.in"))) && is_fifo(&folder.join(format!("{name}.out")))
    });
    match found {
        Some(folder) => Ok(folder.clone()),
        None => Err(folders),
    }
}

/// The pipes being served; dropping it stops serving them.
pub struct Server {
    _reader: Task<()>,
    _writer: Task<()>,
}

impl Server {
    pub fn start(
        folder: &Path,
        name: &str,
        clients: Clients,
        reports: async_channel::Sender<Report>,
        executor: &Rc<LocalExecutor<'static>>,
    ) -> io::Result<Server> {
        let recv = folder.join(format!("{name}.in"));
        let send = folder.join(format!("{name}.out"));
        for path in [&recv, &send] {
            if !is_fifo(path) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "a file exist which is not a named pipe ({})",
                        path.display()
                    ),
                ));
            }
        }
        let input = Async::new(
            OpenOptions::new()
                .read(true)
                .write(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(&recv)?,
        )?;
        let client = format!("{CLI_PREFIX}-pipe");
        let pending = clients.attach(&client);
        let reader = executor.spawn(async move {
            control::commands(&client, &input, &reports).await;
            log::error!(target: "cli", "stopped reading the named pipe {}", recv.display());
        });
        let writer = executor.spawn(replies(send, pending));
        Ok(Server {
            _reader: reader,
            _writer: writer,
        })
    }
}

/// Opens `path` for writing if a client reads it (ENXIO otherwise: nobody to read).
fn open_out(path: &Path) -> io::Result<Async<File>> {
    let file = OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    Async::new(file)
}

/// Writes the replies to `NAME.out`, each batch once a client holds it open; what a client
/// that left did not read is written again to the next one.
async fn replies(path: PathBuf, pending: async_channel::Receiver<String>) {
    let mut unsent: Vec<u8> = Vec::new();
    loop {
        // take from the queue only once the last batch is out: the queue's bound holds
        if unsent.is_empty() {
            match pending.recv().await {
                Ok(line) => unsent.extend_from_slice(line.as_bytes()),
                Err(_) => return,
            }
            while unsent.len() < BATCH {
                match pending.try_recv() {
                    Ok(line) => unsent.extend_from_slice(line.as_bytes()),
                    Err(_) => break,
                }
            }
        }
        let mut out = match open_out(&path) {
            Ok(out) => out,
            Err(_) => {
                async_io::Timer::after(RETRY).await;
                continue;
            }
        };
        while !unsent.is_empty() {
            match out.write(&unsent).await {
                Ok(0) | Err(_) => break,
                Ok(written) => {
                    unsent.drain(..written);
                }
            }
        }
    }
}
