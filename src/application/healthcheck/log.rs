//! Ports `setup_logging` of `exabgp/application/healthcheck.py`: `LEVEL[healthcheck] message` on
//! standard error unless `--silent`, and syslog (RFC 3164 framing on `/dev/log`) unless
//! `--no-syslog` or `--debug`.

use std::io::Write;
use std::os::unix::net::UnixDatagram;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Debug = 7,
    Info = 6,
    Warning = 4,
    Error = 3,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warning => "WARNING",
            Level::Error => "ERROR",
        }
    }
}

/// The syslog facility codes (RFC 5424 §6.2.1) under the names Python's `SysLogHandler` knows.
pub fn facility(name: &str) -> Option<u8> {
    Some(match name.to_ascii_lowercase().as_str() {
        "kern" => 0,
        "user" => 1,
        "mail" => 2,
        "daemon" => 3,
        "auth" => 4,
        "syslog" => 5,
        "lpr" => 6,
        "news" => 7,
        "uucp" => 8,
        "cron" => 9,
        "authpriv" => 10,
        "ftp" => 11,
        "local0" => 16,
        "local1" => 17,
        "local2" => 18,
        "local3" => 19,
        "local4" => 20,
        "local5" => 21,
        "local6" => 22,
        "local7" => 23,
        _ => return None,
    })
}

struct Syslog {
    socket: UnixDatagram,
    facility: u8,
    ident: String,
}

/// Where the healthcheck's messages go.
pub struct Logger {
    debug: bool,
    console: bool,
    syslog: Option<Syslog>,
}

impl Logger {
    /// A logger writing nowhere but, when `console`, standard error.
    pub fn console(debug: bool, console: bool) -> Logger {
        Logger {
            debug,
            console,
            syslog: None,
        }
    }

    /// Adds syslog; a system without `/dev/log` only loses the syslog copy.
    pub fn with_syslog(mut self, facility: u8, name: Option<&str>) -> Logger {
        let ident = match name {
            Some(name) => format!("healthcheck-{name}[{}]: ", std::process::id()),
            None => format!("healthcheck[{}]: ", std::process::id()),
        };
        let socket = UnixDatagram::unbound().and_then(|socket| {
            socket.connect(syslog_address())?;
            Ok(socket)
        });
        match socket {
            Ok(socket) => {
                self.syslog = Some(Syslog {
                    socket,
                    facility,
                    ident,
                })
            }
            Err(error) => self.warning(&format!("syslog unavailable: {error}")),
        }
        self
    }

    fn log(&self, level: Level, message: &str) {
        if level == Level::Debug && !self.debug {
            return;
        }
        if self.console {
            let _ = writeln!(std::io::stderr(), "{}[healthcheck] {message}", level.name());
        }
        if let Some(syslog) = &self.syslog {
            let priority = u16::from(syslog.facility) << 3 | level as u16;
            let record = format!("<{priority}>{}{message}\0", syslog.ident);
            // A full or restarted syslog daemon must not stop the healthcheck.
            let _ = syslog.socket.send(record.as_bytes());
        }
    }

    pub fn debug(&self, message: &str) {
        self.log(Level::Debug, message)
    }

    pub fn info(&self, message: &str) {
        self.log(Level::Info, message)
    }

    pub fn warning(&self, message: &str) {
        self.log(Level::Warning, message)
    }

    pub fn error(&self, message: &str) {
        self.log(Level::Error, message)
    }
}

fn syslog_address() -> &'static str {
    if cfg!(target_os = "macos") {
        "/var/run/syslog"
    } else if cfg!(any(target_os = "freebsd", target_os = "netbsd")) {
        "/var/run/log"
    } else {
        "/dev/log"
    }
}
