//! Ports `exabgp/application/schema.py`: `exabgp-rs schema [export] [SECTION] [--compact]`
//! prints the configuration grammar exabgp-rs parses as JSON Schema (draft-07).

use crate::configuration::schema::{root, section, SECTIONS};
use crate::util::json::{dumps, Json, Layout};

pub(crate) const USAGE: &str = "\
usage: exabgp-rs schema [export] [SECTION] [--compact]

Prints the configuration grammar as JSON Schema (draft-07), built from the keyword tables
the configuration parser reads: every section under one root, or only SECTION (neighbor,
process, template, capability, family, static, flow, l2vpn or operational). `export` is
the only action, and the default.

options:
  --compact   one line, no spaces";

/// Runs the command with its arguments (after `schema`); returns the exit code.
pub fn run(args: &[String]) -> i32 {
    let (mut compact, mut positional) = (false, Vec::new());
    for arg in args {
        match arg.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return 0;
            }
            "--compact" => compact = true,
            other if other.starts_with('-') => {
                eprintln!("error: unknown option {other}\n{USAGE}");
                return 1;
            }
            other => positional.push(other),
        }
    }
    // argparse: the first word is the action, the second the section
    let (action, name) = match positional.as_slice() {
        [] => ("export", None),
        [action] => (*action, None),
        [action, name] => (*action, Some(*name)),
        [_, _, extra, ..] => {
            eprintln!("error: unrecognized arguments: {extra}\n{USAGE}");
            return 1;
        }
    };
    if action != "export" {
        eprintln!("error: unknown action '{action}': expected export\n{USAGE}");
        return 1;
    }
    let container = match name {
        None => root(),
        Some(name) => match section(name) {
            Some(container) => container,
            None => {
                eprintln!("Unknown section: {name}");
                eprintln!("Available sections: {}", SECTIONS.join(", "));
                return 1;
            }
        },
    };
    let Json::Object(mut pairs) = container.json() else {
        unreachable!("a container is an object")
    };
    let title = match name {
        Some(name) => format!("ExaBGP {name} configuration"),
        None => "ExaBGP configuration".to_string(),
    };
    pairs.push((
        "$schema".into(),
        Json::str("http://json-schema.org/draft-07/schema#"),
    ));
    pairs.push((
        "$id".into(),
        Json::str("https://github.com/Exa-Networks/exabgp/schema/config.json"),
    ));
    pairs.push(("title".into(), Json::Str(title)));
    let layout = if compact {
        Layout::Compact
    } else {
        Layout::Indent(2)
    };
    println!("{}", dumps(&Json::Object(pairs), layout, false));
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sections_listed_are_the_sections_known() {
        // ExaBGP's `Available sections:` line
        assert_eq!(
            SECTIONS.join(", "),
            "neighbor, process, template, capability, family, static, flow, l2vpn, operational"
        );
        assert_eq!(run(&["export".into(), "bogus".into()]), 1);
        assert_eq!(run(&["import".into()]), 1);
    }
}
