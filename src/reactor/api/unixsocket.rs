//! Ports `exabgp/application/unixsocket.py`: the CLI's Unix socket (`exabgp.sock`), found in
//! ExaBGP's run folders, served by the reactor itself.
//!
//! Each connection is a client of its own (ExaBGP's multi-client mode; its single-client
//! default refuses a second connection): its lines are commands and the replies to them,
//! ended by `done` or `error`, go back on the same connection, never to another client.

use super::control::{self, locations};
use super::processes::{Clients, Report, CLI_PREFIX};
use async_executor::{LocalExecutor, Task};
use async_io::Async;
use futures_lite::AsyncWriteExt;
use std::cell::Cell;
use std::io;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Clients served at once (ExaBGP's `exabgp.api.max_clients` default).
pub const MAX_CLIENTS: usize = 10;

/// The folder holding `NAME.sock` (a socket, not merely a file), searched as ExaBGP's
/// `unix_socket` (after `exabgp_api_socketpath`, when it names a socket); the folders searched
/// when there is none.
pub fn unix_socket(root: &Path, name: &str) -> Result<PathBuf, Vec<PathBuf>> {
    let is_socket = |path: &Path| {
        std::fs::metadata(path)
            .map(|m| m.file_type().is_socket())
            .unwrap_or(false)
    };
    if let Some(explicit) = std::env::var_os("exabgp_api_socketpath").filter(|p| !p.is_empty()) {
        let explicit = PathBuf::from(explicit);
        if is_socket(&explicit) {
            if let Some(folder) = explicit.parent() {
                return Ok(folder.to_path_buf());
            }
        }
    }
    let folders = locations(root);
    let file = format!("{name}.sock");
    match folders.iter().find(|folder| is_socket(&folder.join(&file))) {
        Some(folder) => Ok(folder.clone()),
        None => Err(folders),
    }
}

/// The socket being served; dropping it stops accepting, ends the clients and removes the file.
pub struct Server {
    path: PathBuf,
    _accept: Task<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl Server {
    /// Listens on `path` as ExaBGP does: a stale socket (nobody accepting) is replaced, a live
    /// one or another kind of file is an error, and a missing folder is made (mode 0700).
    pub fn start(
        path: &Path,
        clients: Clients,
        reports: async_channel::Sender<Report>,
        executor: &Rc<LocalExecutor<'static>>,
    ) -> io::Result<Server> {
        let listener = Async::new(bind(path)?)?;
        let inner = executor.clone();
        let accept = executor.spawn(async move {
            let connected = Rc::new(Cell::new(0usize));
            let mut number = 0u64;
            loop {
                let stream = match listener.accept().await {
                    Ok((stream, _)) => stream,
                    Err(error) => {
                        log::error!(target: "cli", "cli socket: accept failed: {error}");
                        async_io::Timer::after(std::time::Duration::from_millis(100)).await;
                        continue;
                    }
                };
                if connected.get() >= MAX_CLIENTS {
                    inner.spawn(refuse(stream)).detach();
                    continue;
                }
                number += 1;
                let name = format!("{CLI_PREFIX}-socket-{number}");
                log::debug!(target: "cli", "{name} connected");
                inner
                    .spawn(serve(
                        name,
                        stream,
                        clients.clone(),
                        reports.clone(),
                        connected.clone(),
                    ))
                    .detach();
            }
        });
        Ok(Server {
            path: path.to_path_buf(),
            _accept: accept,
        })
    }
}

fn bind(path: &Path) -> io::Result<UnixListener> {
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.file_type().is_socket() => {
            if UnixStream::connect(path).is_ok() {
                return Err(io::Error::new(
                    io::ErrorKind::AddrInUse,
                    "socket already exists and is active",
                ));
            }
            std::fs::remove_file(path)?;
        }
        Ok(_) => {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "a file exists which is not a socket",
            ))
        }
        Err(_) => {}
    }
    if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty()) {
        if !folder.exists() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(folder)?;
            log::info!(target: "cli", "created socket directory: {}", folder.display());
        }
    }
    UnixListener::bind(path)
}

/// One client: its commands go to the API, its replies come back, until it closes.
async fn serve(
    name: String,
    stream: Async<UnixStream>,
    clients: Clients,
    reports: async_channel::Sender<Report>,
    connected: Rc<Cell<usize>>,
) {
    connected.set(connected.get() + 1);
    let pending = clients.attach(&name);
    let stream = Rc::new(stream);
    let reading = control::commands(&name, &*stream, &reports);
    let writing = control::replies(&*stream, pending);
    futures_lite::FutureExt::or(reading, writing).await;
    clients.detach(&name);
    connected.set(connected.get() - 1);
    log::debug!(target: "cli", "{name} disconnected");
}

/// Too many clients: told so (ExaBGP's words, and its `done`), then closed.
async fn refuse(mut stream: Async<UnixStream>) {
    let _ = futures_lite::FutureExt::or(
        async {
            let _ = stream
                .write_all(b"error: maximum concurrent clients reached\ndone\n")
                .await;
        },
        async {
            async_io::Timer::after(std::time::Duration::from_secs(1)).await;
        },
    )
    .await;
}
