//! Ports `setup_logging` of `exabgp/application/healthcheck.py`: `LEVEL[healthcheck] message` on
//! standard error unless `--silent`, and syslog (RFC 3164 framing on `/dev/log`) unless
//! `--no-syslog` or `--debug`.

use crate::logger::handler;
use std::io::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Debug = handler::DEBUG as isize,
    Info = handler::INFO as isize,
    Warning = handler::WARNING as isize,
    Error = handler::ERROR as isize,
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

pub(crate) use crate::logger::handler::facility;

struct Syslog {
    handler: handler::Syslog,
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
        match handler::Syslog::local() {
            Ok(handler) => {
                self.syslog = Some(Syslog {
                    handler,
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
            syslog.handler.send(
                syslog.facility,
                level as u8,
                &format!("{}{message}", syslog.ident),
            );
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
