//! Ports `exabgp/application/main.py`: the command line, dispatching to one module per command.

pub mod cli;
pub mod decode;
pub mod encode;
pub mod env;
pub mod healthcheck;
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
            | "configuration"
            | "env"
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
        "help" | "--help" | "-h" => {
            println!("{}", usage());
            0
        }
        "validate" => validate::run(&args[1..]),
        "configuration" if args.get(1).map(String::as_str) == Some("validate") => {
            validate::run(&args[2..])
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

fn usage() -> String {
    "usage: exabgp-rs <command> [options]\n\ncommands:\n  server     run the BGP daemon: server [-d] [--record FILE] CONFIG...\n  example    two neighbours peering over loopback in one process, announcing routes\n  version    print the version\n  cli        send a command to the running daemon: cli [--pipe] COMMAND... (also: run)\n  decode     print a BGP message as ExaBGP's JSON: decode [-f \"afi safi\"] [--open|--update|--nlri] HEX\n  validate   check configuration files\n  env        print the environment settings\n  healthcheck  announce service IPs as long as a check command succeeds (a process helper)\n  help       this text".to_string()
}
