//! Ports `exabgp/application/validate.py`: `exabgp-rs validate [-nrv] CONFIG...` (also spelled
//! `configuration validate`) checks configuration files; exit 0 when every one is valid.

use crate::configuration::Configuration;
use crate::environment::Environment;
use std::path::Path;

const USAGE: &str =
    "usage: exabgp-rs validate [-n|--neighbor] [-r|--route] [-v|--verbose] CONFIG...";

/// Runs the command with its arguments (after `validate`); returns the exit code.
pub fn run(args: &[String]) -> i32 {
    let (mut neighbors, mut routes, mut verbose) = (false, false, false);
    let mut files = Vec::new();
    for arg in args {
        match arg.as_str() {
            "-n" | "--neighbor" => neighbors = true,
            "-r" | "--route" => routes = true,
            "-v" | "--verbose" => verbose = true,
            "-p" | "--pdb" => {}
            "-h" | "--help" => {
                println!("{USAGE}");
                return 0;
            }
            flags if flags.starts_with('-') && !flags.starts_with("--") && flags.len() > 1 => {
                for flag in flags[1..].chars() {
                    match flag {
                        'n' => neighbors = true,
                        'r' => routes = true,
                        'v' => verbose = true,
                        'p' => {}
                        other => {
                            eprintln!("error: unknown option -{other}\n{USAGE}");
                            return 1;
                        }
                    }
                }
            }
            other if other.starts_with("--") => {
                eprintln!("error: unknown option {other}\n{USAGE}");
                return 1;
            }
            file => files.push(file.to_string()),
        }
    }
    if files.is_empty() {
        eprintln!("error: no configuration file given\n{USAGE}");
        return 1;
    }
    // the environment is checked too: a bad exabgp_* variable would stop the daemon as well
    if let Err(error) = Environment::from_process() {
        eprintln!("error: {error}");
        return 1;
    }
    for file in &files {
        let path = Path::new(file);
        if !path.is_file() {
            eprintln!("error: {file} is not an exabgp config file (file not found)");
            return 1;
        }
        let configuration = match Configuration::load(path) {
            Ok(configuration) => configuration,
            Err(error) => {
                eprintln!("error: {error}");
                return 1;
            }
        };
        if verbose {
            println!(
                "{file}: valid, {} process(es), {} neighbor(s)",
                configuration.processes.len(),
                configuration.neighbors.len()
            );
        }
        if neighbors || verbose {
            for peer in &configuration.neighbors {
                let families: Vec<String> = peer
                    .neighbor
                    .families
                    .iter()
                    .map(|f| f.to_string())
                    .collect();
                println!(
                    "\u{2713} neighbor  {} ({})",
                    peer.neighbor.peer_address,
                    families.join(", ")
                );
            }
        }
        if routes || verbose {
            for peer in &configuration.neighbors {
                println!(
                    "\u{2713} neighbor  {}: {} route(s), {} flow(s)",
                    peer.neighbor.peer_address,
                    peer.routes.len(),
                    peer.flows.len()
                );
            }
        }
    }
    0
}
