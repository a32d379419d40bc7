//! Ports `exabgp/application/export.py`: `exabgp-rs export [-o FILE] [-i INDENT] CONFIGURATION`
//! (also spelled `configuration export`, ExaBGP's name) prints the parsed configuration as JSON.

use crate::configuration::encoder::to_dict;
use crate::environment::Environment;
use crate::util::json::{dumps, Layout};

pub(crate) const USAGE: &str = "\
usage: exabgp-rs export [-o|--output FILE] [-i|--indent INDENT] [-p|--pdb] CONFIGURATION

Parses an ExaBGP configuration file as the daemon does and prints it as JSON, with the
structure and key names of ExaBGP's `exabgp configuration export`: its neighbours (by name)
with their session, capabilities, api, families and routes, and its processes. A bad
configuration is reported as file:line:column and the reason (exit 1). Also spelled
`exabgp-rs configuration export`.

options:
  -o, --output FILE    write the JSON to FILE instead of the standard output
  -i, --indent INDENT  spaces per nesting level (default: 2)
  -p, --pdb            accepted for ExaBGP compatibility";

#[derive(Debug, PartialEq)]
struct Options {
    output: Option<String>,
    indent: usize,
    configuration: String,
}

/// The value of `-o FILE`, `-oFILE`, `--output FILE` or `--output=FILE`.
fn value<'a>(
    word: &'a str,
    short: &str,
    long: &str,
    words: &mut impl Iterator<Item = &'a String>,
) -> Result<Option<&'a str>, String> {
    if word == short || word == long {
        return words
            .next()
            .map(|v| Some(v.as_str()))
            .ok_or_else(|| format!("argument {short}/{long}: expected one argument"));
    }
    if let Some(rest) = word.strip_prefix(&format!("{long}=")) {
        return Ok(Some(rest));
    }
    Ok(word.strip_prefix(short).filter(|rest| !rest.is_empty()))
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let (mut output, mut indent, mut configuration) = (None, 2, None);
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let word = word.as_str();
        if matches!(word, "-p" | "--pdb") {
            continue;
        }
        if word.starts_with("-o") || word.starts_with("--output") {
            if let Some(file) = value(word, "-o", "--output", &mut words)? {
                output = Some(file.to_string());
                continue;
            }
        }
        if word.starts_with("-i") || word.starts_with("--indent") {
            if let Some(text) = value(word, "-i", "--indent", &mut words)? {
                // Python's `' ' * indent`: a negative indent is none, lines still break
                indent = text
                    .parse::<i64>()
                    .map_err(|_| format!("argument -i/--indent: invalid int value: '{text}'"))?
                    .max(0) as usize;
                continue;
            }
        }
        if word.starts_with('-') && word.len() > 1 {
            return Err(format!("unknown option {word}"));
        }
        if configuration.is_some() {
            return Err(format!("unrecognized arguments: {word}"));
        }
        configuration = Some(word.to_string());
    }
    let configuration = configuration.ok_or("no configuration file given")?;
    Ok(Options {
        output,
        indent,
        configuration,
    })
}

/// Runs the command with its arguments (after `export`); returns the exit code.
pub fn run(args: &[String]) -> i32 {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return 0;
    }
    let options = match parse_args(args) {
        Ok(options) => options,
        Err(error) => {
            eprintln!("error: {error}\n{USAGE}");
            return 1;
        }
    };
    // the daemon would refuse a bad exabgp_* variable too
    if let Err(error) = Environment::from_process() {
        eprintln!("error: {error}");
        return 1;
    }
    let configuration = match super::validate::load(&options.configuration) {
        Ok(configuration) => configuration,
        Err(error) => {
            eprintln!("error: {error}");
            return 1;
        }
    };
    let mut json = dumps(
        &to_dict(&configuration),
        Layout::Indent(options.indent),
        true,
    );
    json.push('\n');
    match &options.output {
        Some(file) => {
            if let Err(error) = std::fs::write(file, json) {
                eprintln!("error: can not write {file}: {error}");
                return 1;
            }
            0
        }
        None => {
            print!("{json}");
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn options_as_argparse_spells_them() {
        let parsed = parse_args(&args(&["-o", "out.json", "--indent=4", "-p", "x.conf"])).unwrap();
        assert_eq!(
            parsed,
            Options {
                output: Some("out.json".into()),
                indent: 4,
                configuration: "x.conf".into()
            }
        );
        let parsed = parse_args(&args(&["--output=o", "-i0", "x.conf"])).unwrap();
        assert_eq!((parsed.output.as_deref(), parsed.indent), (Some("o"), 0));
        assert_eq!(
            parse_args(&args(&["-i", "-3", "x.conf"])).unwrap().indent,
            0
        );
        assert!(parse_args(&args(&["-i", "two", "x.conf"])).is_err());
        assert!(parse_args(&args(&["a.conf", "b.conf"])).is_err());
        assert!(parse_args(&args(&["-o"])).is_err());
        assert!(parse_args(&args(&[])).is_err());
    }
}
