//! Ports `exabgp/application/run.py` (`exabgp run`, formerly `exabgpcli`): sends one command
//! to a running daemon through its Unix socket (the default) or its named pipes, prints the
//! reply, and stops at ExaBGP's end markers (`done`, `error`, `shutdown`, text or JSON).
//!
//! Unlike ExaBGP, which exits 0 whatever happened once it found the daemon, the exit code says
//! how the command went: 0 for `done`, 1 for an error reply, a daemon shutting down, no daemon,
//! or no end marker within [`COMMAND_RESPONSE_TIMEOUT`].

use crate::reactor::api::pipe::named_pipe;
use crate::reactor::api::response::text::answer;
use crate::reactor::api::unixsocket::unix_socket;
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long to wait for each part of the reply (ExaBGP's `COMMAND_RESPONSE_TIMEOUT`).
pub const COMMAND_RESPONSE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long to read away what an earlier command left in `NAME.out` (`PIPE_CLEAR_TIMEOUT`).
const PIPE_CLEAR_TIMEOUT: Duration = Duration::from_millis(1500);
/// How often to look at the pipe again while nothing is in it.
const PIPE_POLL: Duration = Duration::from_millis(10);

/// How the reply ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum End {
    Done,
    Error,
    Shutdown,
}

/// Which end marker `line` is, if any.
pub fn end_of(line: &str) -> Option<End> {
    match line {
        answer::TEXT_DONE | answer::JSON_DONE => Some(End::Done),
        answer::TEXT_ERROR | answer::JSON_ERROR => Some(End::Error),
        answer::TEXT_SHUTDOWN | answer::JSON_SHUTDOWN => Some(End::Shutdown),
        _ => None,
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Options {
    pipe: bool,
    pipename: Option<String>,
    /// `--batch FILE` (`-` for stdin): one command per line.
    batch: Option<String>,
    command: Vec<String>,
}

pub(crate) fn usage() -> &'static str {
    "usage: exabgp-rs cli [--pipe|--socket] [--pipename NAME] COMMAND...\n\
     \x20      exabgp-rs cli [--pipe|--socket] [--pipename NAME] --batch FILE|-\n\
     \x20      exabgp-rs cli [--pipe|--socket] [--pipename NAME]    (commands from stdin)\n\
     \n\
     Sends COMMAND to the running daemon (through its Unix socket NAME.sock, or with --pipe\n\
     its named pipes NAME.in and NAME.out) and prints the reply. ExaBGP's shortcuts are\n\
     expanded (s n summary: show neighbor summary).\n\
     \n\
     environment: exabgp.api.socketname / exabgp_api_socketname (exabgp),\n\
     exabgp.api.pipename / exabgp_api_pipename (exabgp), exabgp_api_socketpath (the socket's\n\
     path), exabgp_cli_transport (socket or pipe), EXABGP_ROOT (where to look beside /run)."
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        pipe: std::env::var("exabgp_cli_transport").is_ok_and(|t| t.eq_ignore_ascii_case("pipe")),
        ..Options::default()
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if !options.command.is_empty() {
            options.command.push(arg.clone());
            continue;
        }
        match arg.as_str() {
            "--pipe" => options.pipe = true,
            "--socket" => options.pipe = false,
            "--pipename" => {
                let name = args.next().ok_or("--pipename needs a name")?;
                options.pipename = Some(name.clone());
            }
            "--batch" => {
                let file = args
                    .next()
                    .ok_or("--batch needs a file name (- for stdin)")?;
                options.batch = Some(file.clone());
            }
            option if option.starts_with("--") => return Err(format!("unknown option '{option}'")),
            word => options.command.push(word.to_string()),
        }
    }
    Ok(options)
}

/// `exabgp-rs cli ...` (`interactive`: without a command, commands are read from stdin, as
/// ExaBGP's `exabgp cli`) or `exabgp-rs run ...` (a command is needed, as `exabgp run`):
/// returns the process exit code.
pub fn run(args: &[String], interactive: bool) -> i32 {
    if matches!(args.first().map(String::as_str), Some("-h" | "--help")) {
        println!("{}", usage());
        return 0;
    }
    let options = match parse(args) {
        Ok(options) if options.command.is_empty() && options.batch.is_none() && !interactive => {
            eprintln!("exabgp-rs: no command provided\n{}", usage());
            return 1;
        }
        Ok(options) => options,
        Err(error) => {
            eprintln!("exabgp-rs: {error}\n{}", usage());
            return 1;
        }
    };
    let environment = match crate::environment::Environment::from_process() {
        Ok(environment) => environment,
        Err(error) => {
            eprintln!("exabgp-rs: {error}");
            return 1;
        }
    };
    let root = crate::environment::root();
    let send = |command: &str| {
        let outcome = if options.pipe {
            let name = options
                .pipename
                .clone()
                .unwrap_or_else(|| environment.api.pipename.clone());
            pipe(&root, &name, command)
        } else {
            socket(&root, &environment.api.socketname, command)
        };
        match outcome {
            Ok(code) => code,
            Err(message) => {
                eprintln!("{message}");
                1
            }
        }
    };
    match &options.batch {
        Some(file) => batch(file, send),
        None if options.command.is_empty() => prompt(send),
        None => {
            let typed = options.command.join(" ");
            let command = super::shortcuts::expand(&typed);
            if command != typed {
                println!("command: {command}");
            }
            send(&command)
        }
    }
}

/// Commands typed one a line (a prompt when stdin is a terminal) until `exit`, `quit` or the
/// end of input; ExaBGP's interactive CLI without its completion and table display.
fn prompt(send: impl Fn(&str) -> i32) -> i32 {
    use std::io::{BufRead, IsTerminal};
    let stdin = io::stdin();
    let terminal = stdin.is_terminal();
    let mut lines = stdin.lock().lines();
    loop {
        if terminal {
            print!("exabgp> ");
            let _ = io::stdout().flush();
        }
        let Some(Ok(line)) = lines.next() else {
            if terminal {
                println!();
            }
            return 0;
        };
        let typed = line.trim();
        match typed {
            "" => continue,
            "exit" | "quit" | "q" => return 0,
            _ => {}
        }
        let command = super::shortcuts::expand(typed);
        if command != typed {
            println!("command: {command}");
        }
        send(&command);
    }
}

/// ExaBGP's `cmdline_batch`: every line of `file` (`-`: stdin) but comments, each sent on
/// its own; 1 if any failed.
fn batch(file: &str, send: impl Fn(&str) -> i32) -> i32 {
    let text = if file == "-" {
        let mut text = String::new();
        io::stdin().read_to_string(&mut text).map(|_| text)
    } else {
        std::fs::read_to_string(file)
    };
    let text = match text {
        Ok(text) => text,
        Err(error) => {
            eprintln!("Could not open batch file: {error}");
            return 1;
        }
    };
    let source = if file == "-" { "stdin" } else { file };
    println!("Executing commands from {source}...");
    let (mut count, mut errors) = (0, 0);
    for (number, line) in text.lines().enumerate() {
        count = number + 1;
        let command = line.trim();
        if command.is_empty() || command.starts_with('#') {
            continue;
        }
        println!("\n[{count}] {command}");
        if send(&super::shortcuts::expand(command)) != 0 {
            errors += 1;
        }
    }
    println!("\nBatch execution complete: {count} commands, {errors} errors");
    i32::from(errors > 0)
}

fn searched(what: &str, folders: &[PathBuf]) -> String {
    let list: Vec<String> = folders
        .iter()
        .map(|f| format!(" - {}/", f.display()))
        .collect();
    format!(
        "could not find ExaBGP's {what} for the cli\nwe scanned the following folders (the number is your PID):\n{}",
        list.join("\n")
    )
}

/// Prints the reply lines in `buffer` up to an end marker; the end, if one was seen.
fn print_lines(buffer: &mut Vec<u8>, out: &mut impl Write) -> Option<End> {
    while let Some(end) = buffer.iter().position(|&b| b == b'\n') {
        let line: Vec<u8> = buffer.drain(..=end).collect();
        let line = String::from_utf8_lossy(&line[..end]);
        if let Some(end) = end_of(&line) {
            return Some(end);
        }
        let _ = writeln!(out, "{line}");
    }
    let _ = out.flush();
    None
}

/// The exit code for how the reply ended, with ExaBGP's messages.
fn finish(end: End) -> i32 {
    match end {
        End::Done => 0,
        End::Error => {
            eprintln!("ExaBGP returns an error (see ExaBGP's logs for more information)");
            eprintln!("use help for a list of available commands");
            1
        }
        End::Shutdown => {
            eprintln!("ExaBGP is shutting down, command aborted");
            1
        }
    }
}

fn no_end() -> String {
    "warning: no end of command message received\n\
     warning: normal if exabgp.api.ack is set to false otherwise some data may get stuck"
        .to_string()
}

/// ExaBGP's `cmdline_socket` and `send_command_socket`.
fn socket(root: &Path, name: &str, command: &str) -> Result<i32, String> {
    let path = match std::env::var_os("exabgp_api_socketpath").filter(|p| !p.is_empty()) {
        Some(path) => PathBuf::from(path),
        None => unix_socket(root, name)
            .map_err(|folders| searched(&format!("Unix socket ({name}.sock)"), &folders))?
            .join(format!("{name}.sock")),
    };
    let mut client =
        std::os::unix::net::UnixStream::connect(&path).map_err(|error| match error.kind() {
            io::ErrorKind::NotFound => "ExaBGP is not running / Unix socket not found".to_string(),
            io::ErrorKind::ConnectionRefused => {
                "ExaBGP is not accepting connections on Unix socket".to_string()
            }
            _ => format!("could not connect to ExaBGP Unix socket ({error})"),
        })?;
    client
        .set_read_timeout(Some(COMMAND_RESPONSE_TIMEOUT))
        .and_then(|_| client.write_all(format!("{command}\n").as_bytes()))
        .map_err(|error| format!("could not send command to ExaBGP ({error})"))?;
    if command == "reset" {
        return Ok(0);
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match client.read(&mut chunk) {
            Ok(0) => return Err("ExaBGP closed the connection before the end of its reply".into()),
            Ok(read) => {
                buffer.extend_from_slice(&chunk[..read]);
                if let Some(end) = print_lines(&mut buffer, &mut out) {
                    return Ok(finish(end));
                }
            }
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(no_end())
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(format!("could not read response from ExaBGP ({error})")),
        }
    }
}

/// Reads what is in the non-blocking `reader` now: Ok(0) when nothing is.
fn read_now(reader: &mut std::fs::File, chunk: &mut [u8]) -> io::Result<usize> {
    match reader.read(chunk) {
        Err(error) if error.kind() == io::ErrorKind::WouldBlock => Ok(0),
        other => other,
    }
}

/// ExaBGP's `cmdline_pipe`.
fn pipe(root: &Path, name: &str, command: &str) -> Result<i32, String> {
    let folder = named_pipe(root, name).map_err(|folders| {
        searched(&format!("named pipes ({name}.in and {name}.out)"), &folders)
    })?;
    let send = folder.join(format!("{name}.in"));
    let recv = folder.join(format!("{name}.out"));
    let mut reader = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&recv)
        .map_err(|error| format!("could not read answer from ExaBGP ({error})"))?;
    let mut chunk = [0u8; 4096];

    // what an earlier command left unread (its client gave up) is not this command's answer
    let start = Instant::now();
    let mut stale: Vec<u8> = Vec::new();
    while start.elapsed() < PIPE_CLEAR_TIMEOUT {
        let read = read_now(&mut reader, &mut chunk).map_err(|error| {
            format!("could not clear named pipe from potential previous command data ({error})")
        })?;
        if read == 0 {
            break;
        }
        stale.extend_from_slice(&chunk[..read]);
        let text = String::from_utf8_lossy(&stale);
        if text.ends_with('\n')
            && text
                .trim_end_matches('\n')
                .rsplit('\n')
                .next()
                .and_then(end_of)
                .is_some()
        {
            break;
        }
    }

    let mut writer = match std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&send)
    {
        Ok(writer) => writer,
        Err(error) if error.raw_os_error() == Some(libc::ENXIO) => {
            return Err("ExaBGP is not running / using the configured named pipe".into())
        }
        Err(error) => return Err(format!("could not communicate with ExaBGP ({error})")),
    };
    writer
        .write_all(format!("{command}\n").as_bytes())
        .map_err(|error| format!("could not send command to ExaBGP ({error})"))?;
    drop(writer);
    if command == "reset" {
        return Ok(0);
    }

    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut buffer = Vec::new();
    let mut heard = Instant::now();
    loop {
        let read = read_now(&mut reader, &mut chunk)
            .map_err(|error| format!("could not read answer from ExaBGP ({error})"))?;
        if read == 0 {
            // no data, or no writer yet (the daemon opens the pipe when it has something)
            if heard.elapsed() > COMMAND_RESPONSE_TIMEOUT {
                return Err(no_end());
            }
            std::thread::sleep(PIPE_POLL);
            continue;
        }
        heard = Instant::now();
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(end) = print_lines(&mut buffer, &mut out) {
            return Ok(finish(end));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reactor::api::control::locations;

    #[test]
    fn command_line() {
        let args = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        let options = parse(&args(&["--pipe", "--pipename", "x", "show", "neighbor"])).unwrap();
        assert!(options.pipe);
        assert_eq!(options.pipename.as_deref(), Some("x"));
        assert_eq!(options.command, ["show", "neighbor"]);
        // options end where the command starts: the command's own words are not options
        let options = parse(&args(&["announce", "route", "--pipe"])).unwrap();
        assert_eq!(options.command, ["announce", "route", "--pipe"]);
        assert!(parse(&args(&["--pipe"])).unwrap().command.is_empty());
        assert!(parse(&args(&["--bogus", "version"])).is_err());
    }

    #[test]
    fn end_markers_are_exabgps() {
        assert_eq!(end_of("done"), Some(End::Done));
        assert_eq!(end_of("error"), Some(End::Error));
        assert_eq!(end_of("shutdown"), Some(End::Shutdown));
        assert_eq!(
            end_of(r#"{ "answer": "done", "message": "command completed" }"#),
            Some(End::Done)
        );
        assert_eq!(
            end_of(
                r#"{ "answer": "error", "message": "this command does not support json output" }"#
            ),
            Some(End::Error)
        );
        assert_eq!(end_of("done "), None);
        assert_eq!(end_of("exabgp 5.0.0"), None);
    }

    #[test]
    fn lines_are_printed_up_to_the_marker() {
        let mut buffer = b"first\nsecond\ndone\nnext command's\n".to_vec();
        let mut out = Vec::new();
        assert_eq!(print_lines(&mut buffer, &mut out), Some(End::Done));
        assert_eq!(out, b"first\nsecond\n");
        let mut partial = b"a line\nhalf".to_vec();
        let mut out = Vec::new();
        assert_eq!(print_lines(&mut partial, &mut out), None);
        assert_eq!(out, b"a line\n");
        assert_eq!(partial, b"half");
    }

    #[test]
    fn the_folders_searched_are_listed() {
        let folders = locations(Path::new("/opt/x"));
        let message = searched("Unix socket (exabgp.sock)", &folders);
        assert!(
            message.starts_with("could not find ExaBGP's Unix socket (exabgp.sock) for the cli")
        );
        assert!(message.contains(" - /run/exabgp/\n"));
        assert!(message.ends_with(" - /opt/x/var/run/"));
    }
}
