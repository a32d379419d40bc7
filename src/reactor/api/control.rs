//! Ports the CLI part of `exabgp/application/server.py` (which endpoints the daemon serves) and
//! the line pumping of the `Control` classes of `application/pipe.py` and
//! `application/unixsocket.py`.
//!
//! ExaBGP serves the CLI through internal helper processes that copy lines between the named
//! pipes or the Unix socket and the API. Here the endpoints are tasks of the reactor's executor
//! on non-blocking file descriptors ([`super::pipe`], [`super::unixsocket`]): each client is
//! attached to the helpers ([`Clients`]) under a name starting with
//! [`super::processes::CLI_PREFIX`], its lines are commands, and its replies end with `done` or
//! `error` as a helper's. An endpoint that cannot be set up is logged and left out: the daemon
//! runs on without it, as ExaBGP's does when its helper exits.

use super::processes::{Clients, Report};
use async_executor::LocalExecutor;
use futures_lite::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use std::path::PathBuf;
use std::rc::Rc;

/// The longest command line: bytes without a newline beyond this end the client (ExaBGP's
/// `MAX_COMMAND_SIZE`).
pub const MAX_COMMAND_SIZE: usize = 1024 * 1024;

/// The CLI settings of the environment.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Settings {
    /// `exabgp.api.pipename`: `NAME.in` and `NAME.out`.
    pub pipename: String,
    /// `exabgp.api.socketname`: `NAME.sock`.
    pub socketname: String,
    /// `exabgp_api_socketpath`: the socket's full path, overriding the search.
    pub socketpath: Option<PathBuf>,
    /// `exabgp_cli_socket` set to the empty string: ExaBGP's way to serve only the pipes.
    pub socket_disabled: bool,
    /// ExaBGP's `ROOT`, under which the run folders are searched.
    pub root: PathBuf,
}

impl Settings {
    /// The settings from the environment (`exabgp.api.pipename`, `exabgp.api.socketname`) and
    /// the process's variables ExaBGP reads directly.
    pub fn new(api: &crate::environment::Api) -> Settings {
        Settings {
            pipename: api.pipename.clone(),
            socketname: api.socketname.clone(),
            socketpath: std::env::var_os("exabgp_api_socketpath")
                .filter(|path| !path.is_empty())
                .map(PathBuf::from),
            socket_disabled: std::env::var_os("exabgp_cli_socket").is_some_and(|v| v.is_empty()),
            root: crate::environment::root(),
        }
    }
}

/// The folders searched for the pipes and the socket, in ExaBGP's order (`named_pipe`,
/// `unix_socket`): the system's run folders first, then those under `root`.
pub fn locations(root: &std::path::Path) -> Vec<PathBuf> {
    let uid = crate::reactor::sys::ids().0;
    let mut folders = Vec::new();
    for base in [PathBuf::from("/"), root.to_path_buf()] {
        for folder in [
            "run/exabgp".to_string(),
            format!("run/{uid}"),
            "run".to_string(),
            "var/run/exabgp".to_string(),
            format!("var/run/{uid}"),
            "var/run".to_string(),
        ] {
            folders.push(base.join(folder));
        }
    }
    folders
}

/// The running endpoints; dropping it stops them and removes the socket file.
pub struct Control {
    _socket: Option<super::unixsocket::Server>,
    _pipe: Option<super::pipe::Server>,
}

/// Starts the endpoints ExaBGP would: the Unix socket unless `exabgp_cli_socket` is set empty
/// (in the folder where one is found, else `ROOT/run/`), and the named pipes when they exist
/// (ExaBGP never creates them; with the socket off, their absence is reported with the
/// commands that create them).
pub fn start(
    settings: &Settings,
    clients: Clients,
    reports: async_channel::Sender<Report>,
    executor: &Rc<LocalExecutor<'static>>,
) -> Control {
    let pipe = match super::pipe::named_pipe(&settings.root, &settings.pipename) {
        Ok(folder) => {
            match super::pipe::Server::start(
                &folder,
                &settings.pipename,
                clients.clone(),
                reports.clone(),
                executor,
            ) {
                Ok(server) => {
                    log::info!(target: "cli", "named pipes {} found", folder.join(&settings.pipename).display());
                    Some(server)
                }
                Err(error) => {
                    log::error!(target: "cli", "could not use the named pipes in {}: {error}", folder.display());
                    None
                }
            }
        }
        Err(searched) => {
            if settings.socket_disabled {
                log::error!(target: "cli", "could not find the named pipes ({0}.in and {0}.out) for the cli", settings.pipename);
                log::error!(target: "cli", "we scanned the following folders (the number is your PID):");
                for folder in &searched {
                    log::error!(target: "cli", " - {}", folder.display());
                }
                let cwd = std::env::current_dir().unwrap_or_default();
                log::error!(target: "cli", "please make them in one of the folders with the following commands:");
                log::error!(target: "cli", "> mkfifo {}/run/{}.{{in,out}}", cwd.display(), settings.pipename);
                log::error!(target: "cli", "> chmod 600 {}/run/{}.{{in,out}}", cwd.display(), settings.pipename);
            }
            None
        }
    };
    let socket = if settings.socket_disabled {
        None
    } else {
        let path = match &settings.socketpath {
            Some(path) => path.clone(),
            None => {
                let name = format!("{}.sock", settings.socketname);
                let folder = super::unixsocket::unix_socket(&settings.root, &settings.socketname)
                    .unwrap_or_else(|_| settings.root.join("run"));
                folder.join(name)
            }
        };
        match super::unixsocket::Server::start(&path, clients, reports, executor) {
            Ok(server) => {
                log::info!(target: "cli", "cli unix socket {}", path.display());
                Some(server)
            }
            Err(error) => {
                log::error!(target: "cli", "could not serve the cli on {}: {error}", path.display());
                None
            }
        }
    };
    Control {
        _socket: socket,
        _pipe: pipe,
    }
}

/// Reads `client`'s lines and reports them as its commands, until it closes, errs, or sends
/// more than [`MAX_COMMAND_SIZE`] bytes without a newline.
pub async fn commands(
    name: &str,
    mut client: impl AsyncRead + Unpin,
    reports: &async_channel::Sender<Report>,
) {
    let mut pending: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let read = match client.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(read) => read,
        };
        pending.extend_from_slice(&chunk[..read]);
        while let Some(end) = pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line[..end])
                .trim_end_matches('\r')
                .to_string();
            if line.trim().is_empty() {
                continue;
            }
            let report = Report::Line {
                process: name.to_string(),
                line,
            };
            if reports.send(report).await.is_err() {
                return;
            }
        }
        if pending.len() > MAX_COMMAND_SIZE {
            log::error!(target: "cli", "{name}: received a command larger than {MAX_COMMAND_SIZE} bytes, closing");
            return;
        }
    }
}

/// Writes the replies queued for a client until the queue closes or the client goes.
pub async fn replies(
    mut client: impl AsyncWrite + Unpin,
    pending: async_channel::Receiver<String>,
) {
    while let Ok(line) = pending.recv().await {
        if client.write_all(line.as_bytes()).await.is_err() {
            return;
        }
        if pending.is_empty() && client.flush().await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_folders_in_exabgp_order() {
        let uid = crate::reactor::sys::ids().0;
        let folders = locations(std::path::Path::new("/opt/exabgp"));
        let expected: Vec<PathBuf> = [
            "/run/exabgp".to_string(),
            format!("/run/{uid}"),
            "/run".to_string(),
            "/var/run/exabgp".to_string(),
            format!("/var/run/{uid}"),
            "/var/run".to_string(),
            "/opt/exabgp/run/exabgp".to_string(),
            format!("/opt/exabgp/run/{uid}"),
            "/opt/exabgp/run".to_string(),
            "/opt/exabgp/var/run/exabgp".to_string(),
            format!("/opt/exabgp/var/run/{uid}"),
            "/opt/exabgp/var/run".to_string(),
        ]
        .into_iter()
        .map(PathBuf::from)
        .collect();
        assert_eq!(folders, expected);
    }

    #[test]
    fn lines_become_commands_and_a_huge_line_ends_the_client() {
        async_io::block_on(async {
            let (sender, receiver) = async_channel::unbounded();
            let input: &[u8] = b"show neighbor summary\r\n\n  \nversion\npartial";
            commands("cli", input, &sender).await;
            let lines: Vec<Report> = std::iter::from_fn(|| receiver.try_recv().ok()).collect();
            assert_eq!(
                lines,
                vec![
                    Report::Line {
                        process: "cli".into(),
                        line: "show neighbor summary".into()
                    },
                    Report::Line {
                        process: "cli".into(),
                        line: "version".into()
                    },
                ]
            );

            let huge = vec![b'a'; MAX_COMMAND_SIZE + 4097];
            let mut then = huge.clone();
            then.extend_from_slice(b"\nversion\n");
            commands("cli", then.as_slice(), &sender).await;
            assert!(
                receiver.try_recv().is_err(),
                "nothing after a too long line"
            );
        });
    }
}
