//! Ports `exabgp/application/main.py`: the command line, dispatching to one module per command.

pub mod cli;
pub mod completion;
pub mod decode;
pub mod encode;
pub mod env;
pub mod export;
pub mod healthcheck;
pub mod schema;
pub mod server;
pub mod shortcuts;
pub mod validate;

/// Runs the command line `args` (without the program name) and returns the process exit code.
pub fn run(args: Vec<String>) -> i32 {
    let Some(command) = args.first() else {
        eprintln!("{}", usage());
        return 1;
    };
    // output meant for a terminal or a pipe: a reader that goes ends the command quietly
    if matches!(
        command.as_str(),
        "version"
            | "--version"
            | "decode"
            | "encode"
            | "help"
            | "--help"
            | "-h"
            | "validate"
            | "export"
            | "schema"
            | "configuration"
            | "env"
            | "completion"
    ) {
        crate::reactor::sys::default_sigpipe();
    }
    match command.as_str() {
        "version" | "--version" => {
            println!("exabgp-rs {}", env!("CARGO_PKG_VERSION"));
            0
        }
        "decode" => decode::run(&args[1..]),
        "encode" => encode::run(&args[1..]),
        // ExaBGP 4's `exabgp cli`/`exabgpcli`, ExaBGP 5's `exabgp run`
        "cli" => cli::run(&args[1..], true),
        "run" => cli::run(&args[1..], false),
        "help" | "--help" | "-h" => match args.get(1) {
            Some(command) => match help(command) {
                Some(text) => {
                    println!("{text}");
                    0
                }
                None => {
                    eprintln!("exabgp-rs: unknown command '{command}'\n{}", usage());
                    1
                }
            },
            None => {
                println!("{}", usage());
                0
            }
        },
        "completion" => completion::run(&args[1..]),
        "validate" => validate::run(&args[1..]),
        "configuration" if args.get(1).map(String::as_str) == Some("validate") => {
            validate::run(&args[2..])
        }
        "export" => export::run(&args[1..]),
        "schema" => schema::run(&args[1..]),
        "configuration" if args.get(1).map(String::as_str) == Some("export") => {
            export::run(&args[2..])
        }
        "env" => env::run(&args[1..]),
        "healthcheck" => healthcheck::run(&args[1..]),
        "server" => server::run(&args[1..]),
        "example" => server::example(&args[1..]),
        // ExaBGP accepts a bare configuration path (and the server's options before it).
        "-d" | "--debug" | "--record" => server::run(&args),
        path if std::path::Path::new(path).is_file() => server::run(&args),
        other => {
            eprintln!("exabgp-rs: unknown command '{other}'\n{}", usage());
            1
        }
    }
}

/// The commands `help` lists, with what each does (also the man page's and the shell
/// completions' list).
pub(crate) const COMMANDS: &[(&str, &str)] = &[
    ("server", "run the BGP daemon on ExaBGP configuration files"),
    (
        "example",
        "two neighbours peering over loopback in one process, announcing routes",
    ),
    ("validate", "check configuration files"),
    (
        "export",
        "print a configuration as JSON, parsed as the daemon reads it",
    ),
    ("schema", "print the configuration grammar as JSON Schema"),
    (
        "decode",
        "print a BGP message given in hexadecimal as ExaBGP's JSON",
    ),
    (
        "encode",
        "print the UPDATE of a route (configuration or API text) in hexadecimal",
    ),
    ("cli", "send a command to the running daemon (also: run)"),
    ("env", "print the environment settings"),
    (
        "healthcheck",
        "announce service IPs as long as a check command succeeds (a process helper)",
    ),
    (
        "completion",
        "print the shell completion script for bash, zsh or fish",
    ),
    ("version", "print the version"),
    ("help", "this text, or a command's: help COMMAND"),
];

/// The help text of `command` (what `exabgp-rs COMMAND --help` prints).
pub(crate) fn help(command: &str) -> Option<String> {
    Some(match command {
        "server" => server::usage().to_string(),
        "example" => server::EXAMPLE_USAGE.to_string(),
        "validate" => validate::USAGE.to_string(),
        "export" => export::USAGE.to_string(),
        "schema" => schema::USAGE.to_string(),
        "decode" => decode::USAGE.to_string(),
        "encode" => encode::USAGE.to_string(),
        "cli" | "run" => cli::usage().to_string(),
        "env" => env::USAGE.to_string(),
        "healthcheck" => healthcheck::options::help(),
        "completion" => completion::USAGE.to_string(),
        "version" => "usage: exabgp-rs version\n\nPrints the version.".to_string(),
        "help" => usage(),
        _ => return None,
    })
}

fn usage() -> String {
    let mut text = String::from("usage: exabgp-rs <command> [options]\n\ncommands:\n");
    for (name, summary) in COMMANDS {
        text.push_str(&format!("  {name:<12} {summary}\n"));
    }
    text.push_str(
        "\nexabgp-rs CONFIGURATION... is exabgp-rs server CONFIGURATION..., as exabgp CONFIGURATION.\n\
         exabgp-rs COMMAND --help tells more about COMMAND.",
    );
    text
}
