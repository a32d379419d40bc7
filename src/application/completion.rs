//! `exabgp-rs completion bash|zsh|fish` (not in ExaBGP): a shell completion script for the
//! commands of `help` and the options their `--help` texts name, so the two never disagree.

use super::{help, COMMANDS};

pub(crate) const USAGE: &str = "\
usage: exabgp-rs completion bash|zsh|fish

Prints a completion script for the shell: commands, their options, files, and the values
of `completion` and `help`. For example:
  exabgp-rs completion bash > /etc/bash_completion.d/exabgp-rs
  exabgp-rs completion zsh > \"${fpath[1]}/_exabgp-rs\"
  exabgp-rs completion fish > ~/.config/fish/completions/exabgp-rs.fish";

/// Runs the command with its arguments (after `completion`); returns the exit code.
pub fn run(args: &[String]) -> i32 {
    let script = match args.first().map(String::as_str) {
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return 0;
        }
        Some("bash") => bash(),
        Some("zsh") => zsh(),
        Some("fish") => fish(),
        Some(other) => {
            eprintln!("exabgp-rs completion: unknown shell '{other}'\n{USAGE}");
            return 1;
        }
        None => {
            eprintln!("{USAGE}");
            return 1;
        }
    };
    print!("{script}");
    0
}

/// The options a help text names: words such as `-f`, `-sF` or `--path-information`,
/// wherever they appear (usage lines, option lists), each once, in order.
pub(crate) fn options(help: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for word in help.split(|c: char| c.is_whitespace() || "[]|,()=".contains(c)) {
        let word = word.trim_end_matches(['.', ':', ';']);
        let name = word.trim_start_matches('-');
        let dashes = word.len() - name.len();
        let valid = match dashes {
            1 => (1..=2).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphabetic()),
            2 => {
                name.starts_with(|c: char| c.is_ascii_lowercase())
                    && name.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            }
            _ => false,
        };
        if valid && !found.iter().any(|known| known == word) {
            found.push(word.to_string());
        }
    }
    found
}

/// What completes after a command word: fixed values (`completion`, `help`) or its options
/// and files.
fn values(command: &str) -> Option<Vec<&'static str>> {
    match command {
        "completion" => Some(vec!["bash", "zsh", "fish"]),
        "help" => Some(COMMANDS.iter().map(|(name, _)| *name).collect()),
        "version" => Some(Vec::new()),
        // no file to complete: the action, a section, the one option
        "schema" => Some(
            std::iter::once("export")
                .chain(crate::configuration::schema::SECTIONS.iter().copied())
                .chain(["--compact"])
                .collect(),
        ),
        _ => None,
    }
}

fn command_options(command: &str) -> Vec<String> {
    help(command).map(|text| options(&text)).unwrap_or_default()
}

fn names() -> String {
    COMMANDS
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(" ")
}

fn bash() -> String {
    let mut cases = String::new();
    for (name, _) in COMMANDS {
        match values(name) {
            Some(values) => cases.push_str(&format!(
                "        {name}) COMPREPLY=($(compgen -W \"{}\" -- \"$cur\")); return ;;\n",
                values.join(" ")
            )),
            None => cases.push_str(&format!(
                "        {name}) options=\"{}\" ;;\n",
                command_options(name).join(" ")
            )),
        }
    }
    format!(
        "# bash completion for exabgp-rs (exabgp-rs completion bash)\n\
         _exabgp_rs() {{\n\
         \x20   local cur=${{COMP_WORDS[COMP_CWORD]}} options=\n\
         \x20   if [ \"$COMP_CWORD\" -eq 1 ]; then\n\
         \x20       # a bare configuration file runs the server, as `exabgp FILE`\n\
         \x20       COMPREPLY=($(compgen -W \"{}\" -- \"$cur\") $(compgen -f -- \"$cur\"))\n\
         \x20       return\n\
         \x20   fi\n\
         \x20   case ${{COMP_WORDS[1]}} in\n\
         {cases}\
         \x20   esac\n\
         \x20   if [[ $cur == -* ]]; then\n\
         \x20       COMPREPLY=($(compgen -W \"$options\" -- \"$cur\"))\n\
         \x20   else\n\
         \x20       COMPREPLY=($(compgen -f -- \"$cur\"))\n\
         \x20   fi\n\
         }}\n\
         complete -o filenames -F _exabgp_rs exabgp-rs\n",
        names()
    )
}

/// A zsh single-quoted word.
fn zsh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

fn zsh() -> String {
    let described: Vec<String> = COMMANDS
        .iter()
        .map(|(name, summary)| zsh_quote(&format!("{name}:{}", summary.replace(':', "\\:"))))
        .collect();
    let mut cases = String::new();
    for (name, _) in COMMANDS {
        match values(name) {
            Some(values) => cases.push_str(&format!(
                "        {name}) compadd -- {}; return ;;\n",
                values.join(" ")
            )),
            None => cases.push_str(&format!(
                "        {name}) options=({}) ;;\n",
                command_options(name).join(" ")
            )),
        }
    }
    format!(
        "#compdef exabgp-rs\n\
         # zsh completion for exabgp-rs (exabgp-rs completion zsh)\n\
         _exabgp_rs() {{\n\
         \x20   local -a commands options\n\
         \x20   commands=({})\n\
         \x20   if (( CURRENT == 2 )); then\n\
         \x20       _describe 'command' commands\n\
         \x20       _files\n\
         \x20       return\n\
         \x20   fi\n\
         \x20   case $words[2] in\n\
         {cases}\
         \x20   esac\n\
         \x20   if [[ $PREFIX == -* ]]; then\n\
         \x20       compadd -a options\n\
         \x20   else\n\
         \x20       _files\n\
         \x20   fi\n\
         }}\n\
         if [ \"$funcstack[1]\" = \"_exabgp_rs\" ]; then\n\
         \x20   _exabgp_rs \"$@\"\n\
         else\n\
         \x20   compdef _exabgp_rs exabgp-rs\n\
         fi\n",
        described.join(" ")
    )
}

/// A fish single-quoted word.
fn fish_quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn fish() -> String {
    let mut script = String::from(
        "# fish completion for exabgp-rs (exabgp-rs completion fish)\n\
         complete -c exabgp-rs -f\n",
    );
    for (name, summary) in COMMANDS {
        script.push_str(&format!(
            "complete -c exabgp-rs -n __fish_use_subcommand -a {name} -d {}\n",
            fish_quote(summary)
        ));
    }
    // a bare configuration file runs the server
    script.push_str("complete -c exabgp-rs -n __fish_use_subcommand -F\n");
    for (name, _) in COMMANDS {
        let when = format!("-n '__fish_seen_subcommand_from {name}'");
        if let Some(values) = values(name) {
            if !values.is_empty() {
                script.push_str(&format!(
                    "complete -c exabgp-rs {when} -a {}\n",
                    fish_quote(&values.join(" "))
                ));
            }
            continue;
        }
        script.push_str(&format!("complete -c exabgp-rs {when} -F\n"));
        for option in command_options(name) {
            let flag = match option.strip_prefix("--") {
                Some(long) => format!("-l {long}"),
                None if option.len() == 2 => format!("-s {}", &option[1..]),
                // argparse's two-letter short options (healthcheck -sF)
                None => format!("-o {}", &option[1..]),
            };
            script.push_str(&format!("complete -c exabgp-rs {when} {flag}\n"));
        }
    }
    script
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_the_words_of_the_help_that_look_like_options() {
        let text = "usage: x [-d|--debug] [--record FILE] [-c FILE | -f \"afi safi\"] HEX\n\
                    \x20 --syslog-facility, -sF [VALUE]\n  -n   (given with -f) a-b --X -- - -abc";
        assert_eq!(
            options(text),
            [
                "-d",
                "--debug",
                "--record",
                "-c",
                "-f",
                "--syslog-facility",
                "-sF",
                "-n"
            ]
        );
    }

    #[test]
    fn every_command_has_a_help_and_the_options_its_parser_takes() {
        for (name, _) in COMMANDS {
            assert!(help(name).is_some(), "{name} has no help text");
        }
        for (command, option) in [
            ("server", "--record"),
            ("decode", "--nlri"),
            ("decode", "-c"),
            ("encode", "--no-header"),
            ("validate", "--route"),
            ("export", "--indent"),
            ("env", "--defaults"),
            ("cli", "--batch"),
            ("healthcheck", "--ip"),
            ("healthcheck", "-sF"),
            ("example", "--seconds"),
        ] {
            assert!(
                command_options(command).iter().any(|o| o == option),
                "{command}: {option} not in {:?}",
                command_options(command)
            );
        }
    }

    #[test]
    fn scripts_name_every_command() {
        for script in [bash(), zsh(), fish()] {
            for (name, _) in COMMANDS {
                assert!(script.contains(name), "{name} missing");
            }
        }
        assert!(fish().contains("-n '__fish_seen_subcommand_from healthcheck' -o sF"));
    }
}
