//! Ports `exabgp/application/environ.py`: `exabgp-rs env [-d|--diff] [-e|--env]` prints the
//! effective settings, as an `exabgp.env` file (default) or as environment variables.

use crate::environment::Environment;

pub(crate) const USAGE: &str = "\
usage: exabgp-rs env [-d|--diff] [-e|--env] [--defaults]

Prints the effective settings (exabgp.env file, then exabgp_* variables) as an exabgp.env file.

options:
  -d, --diff       only the settings that differ from the defaults
  -e, --env        as environment variables (exabgp_section_option=value)
  --defaults       every setting with its default and what it does";

/// Runs the command with its arguments (after `env`); returns the exit code.
pub fn run(args: &[String]) -> i32 {
    let (mut diff, mut as_env, mut defaults) = (false, false, false);
    for arg in args {
        match arg.as_str() {
            "-d" | "--diff" => diff = true,
            "-e" | "--env" => as_env = true,
            "--defaults" => defaults = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return 0;
            }
            other => {
                eprintln!("error: unknown option {other}\n{USAGE}");
                return 1;
            }
        }
    }
    if defaults {
        println!("\nEnvironment values are:");
        for line in Environment::defaults() {
            println!("    {line}");
        }
        return 0;
    }
    let env = match Environment::from_process() {
        Ok(env) => env,
        Err(error) => {
            eprintln!("error: {error}");
            return 1;
        }
    };
    let lines = if as_env { env.env(diff) } else { env.ini(diff) };
    for line in lines {
        println!("{line}");
    }
    0
}
