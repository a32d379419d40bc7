//! Ports `exabgp/logger/` (`__init__.py`, `format.py`, `handler.py`): ExaBGP's log lines,
//! `HH:MM:SS PID    source          message`, or with `exabgp.log.short`
//! `source          message`, to `exabgp.log.destination`: stdout, stderr, a file name, `syslog`
//! (the local syslog socket) or `host:NAME[:PORT]` (remote syslog over UDP, RFC 3164).

pub(crate) mod handler;

use handler::Syslog;
use std::io::Write;
use std::sync::Mutex;

enum Output {
    Stdout,
    Stderr,
    File(Mutex<std::fs::File>),
    Syslog(Syslog),
}

struct Logger {
    output: Output,
    short: bool,
}

/// The syslog severity of a record of `level`.
fn severity(level: log::Level) -> u8 {
    match level {
        log::Level::Error => handler::ERROR,
        log::Level::Warn => handler::WARNING,
        log::Level::Info => handler::INFO,
        log::Level::Debug | log::Level::Trace => handler::DEBUG,
    }
}

/// The short line: `source          message`.
fn short_line(record: &log::Record) -> String {
    format!("{:<15} {}", record.target(), record.args())
}

impl log::Log for Logger {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &log::Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        // Syslog stamps time and pid itself: ExaBGP sends it the short line.
        if let Output::Syslog(syslog) = &self.output {
            syslog.send(
                handler::FACILITY_DAEMON,
                severity(record.level()),
                &short_line(record),
            );
            return;
        }
        let line = if self.short {
            format!("{}\n", short_line(record))
        } else {
            let seconds = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            let (hours, minutes, seconds) =
                ((seconds / 3600) % 24, (seconds / 60) % 60, seconds % 60);
            format!(
                "{hours:02}:{minutes:02}:{seconds:02} {:<6} {:<15} {}\n",
                std::process::id(),
                record.target(),
                record.args()
            )
        };
        // One write per line so lines of concurrent processes do not interleave.
        let _ = match &self.output {
            Output::Stdout => std::io::stdout().lock().write_all(line.as_bytes()),
            Output::File(file) => match file.lock() {
                Ok(mut file) => file.write_all(line.as_bytes()),
                Err(_) => Ok(()),
            },
            _ => std::io::stderr().lock().write_all(line.as_bytes()),
        };
    }

    fn flush(&self) {}
}

/// Whether logs to `destination` go to the terminal (ExaBGP then refuses to daemonise).
pub(crate) fn on_terminal(destination: &str) -> bool {
    matches!(destination, "stdout" | "stderr" | "")
}

fn open(destination: &str) -> std::io::Result<Output> {
    Ok(match destination {
        "stdout" | "" => Output::Stdout,
        "stderr" => Output::Stderr,
        "syslog" => Output::Syslog(Syslog::local()?),
        host if host.starts_with("host:") => Output::Syslog(Syslog::remote(&host[5..])?),
        path => Output::File(Mutex::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path.strip_prefix("file:").unwrap_or(path))?,
        )),
    })
}

/// Installs the logger (once per process).
pub(crate) fn init(level: log::LevelFilter, destination: &str, short: bool) {
    let (output, problem) = match open(destination) {
        Ok(output) => (output, None),
        Err(error) => (
            Output::Stderr,
            Some(format!(
                "can not log to {destination} ({error}), using stderr"
            )),
        ),
    };
    let _ = log::set_logger(Box::leak(Box::new(Logger { output, short })));
    log::set_max_level(level);
    if let Some(problem) = problem {
        log::error!(target: "daemon", "{problem}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_goes_to_syslog_as_its_short_line() {
        let record = log::Record::builder()
            .level(log::Level::Info)
            .target("reactor")
            .args(format_args!("connected"))
            .build();
        assert_eq!(
            handler::datagram(
                handler::FACILITY_DAEMON,
                severity(record.level()),
                &short_line(&record)
            ),
            "<30>reactor         connected\0"
        );
        assert_eq!(severity(log::Level::Error), 3);
        assert_eq!(severity(log::Level::Trace), 7);
    }

    #[test]
    fn remote_syslog_reaches_the_host() {
        let server = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = server.local_addr().unwrap().port();
        let Output::Syslog(client) = open(&format!("host:127.0.0.1:{port}")).unwrap() else {
            panic!("host: destination is not remote syslog");
        };
        client.send(handler::FACILITY_DAEMON, handler::INFO, "x");
        let mut buffer = [0u8; 16];
        let read = server.recv(&mut buffer).unwrap();
        assert_eq!(&buffer[..read], b"<30>x\0");
    }

    #[test]
    fn destinations() {
        assert!(matches!(open("stderr").unwrap(), Output::Stderr));
        assert!(matches!(open("stdout").unwrap(), Output::Stdout));
        assert!(open("host:").is_err());
        assert!(on_terminal("stderr") && !on_terminal("syslog") && !on_terminal("/tmp/x"));
    }
}
