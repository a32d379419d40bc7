//! Seed corpora for the fuzz targets, read at run time from ExaBGP's qa data (never copied into
//! the repository): the `raw:` messages and `cmd:` commands of `qa/encoding` and `qa/api`, the
//! hex of `qa/decoding`, the configurations of `etc/exabgp`, and the commands our own
//! `qa/run` helpers print.

use std::fs;
use std::path::Path;

/// The targets, as `targets` names them.
pub const TARGETS: [&str; 3] = ["message", "configuration", "api_command"];

/// The message target's session prefix for the seeds: ASN4, extended message and next hop, every
/// family (see `targets::context`); with and without ADD-PATH, which the qa messages use or not.
const CONTEXTS: [[u8; 4]; 2] = [[0x13, 0x7F, 0xFF, 0xFF], [0x1F, 0x7F, 0xFF, 0xFF]];
/// Negotiate from the stream's OPEN (`targets::flag::NEGOTIATE`), then read the rest.
const STREAM_CONTEXT: [u8; 4] = [0x93, 0x7F, 0xFF, 0xFF];

/// The seeds of `target` as (name, bytes): from `qa` (ExaBGP's qa folder, the one holding
/// `qa/` and `etc/`) and `repo` (this repository, for `qa/run`). Files that cannot be read are
/// skipped: the seeds are a starting point, not a test of the qa data.
pub fn corpus(target: &str, qa: &Path, repo: &Path) -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    match target {
        "message" => {
            for (name, text) in files(&qa.join("qa/encoding"), "ci")
                .into_iter()
                .chain(files(&qa.join("qa/api"), "ci"))
            {
                let messages: Vec<Vec<u8>> =
                    fields(&text, "raw").filter_map(|hex| unhex(&hex)).collect();
                for (index, raw) in messages.iter().enumerate() {
                    for (variant, context) in CONTEXTS.iter().enumerate() {
                        seeds.push((
                            format!("{name}-{index}-{variant}"),
                            [&context[..], raw].concat(),
                        ));
                    }
                }
                if messages.len() > 1 {
                    seeds.push((
                        format!("{name}-stream"),
                        [&STREAM_CONTEXT[..], &messages.concat()].concat(),
                    ));
                }
            }
            for (name, text) in files(&qa.join("qa/decoding"), "") {
                let mut lines = text.lines();
                let (Some(kind), Some(hex)) = (lines.next(), lines.next()) else {
                    continue;
                };
                let Some(body) = unhex(hex) else { continue };
                let kind = match kind.split_whitespace().next() {
                    Some("open") => 1,
                    Some("update") => 2,
                    _ => continue,
                };
                let mut raw = vec![0xFF; 16];
                raw.extend_from_slice(&((19 + body.len()) as u16).to_be_bytes());
                raw.push(kind);
                raw.extend_from_slice(&body);
                for (variant, context) in CONTEXTS.iter().enumerate() {
                    seeds.push((format!("{name}-{variant}"), [&context[..], &raw].concat()));
                }
            }
        }
        "configuration" => {
            for (name, text) in files(&qa.join("etc/exabgp"), "conf") {
                seeds.push((name, text.into_bytes()));
            }
        }
        "api_command" => {
            for (name, text) in files(&qa.join("qa/encoding"), "ci")
                .into_iter()
                .chain(files(&qa.join("qa/api"), "ci"))
            {
                for (index, command) in fields(&text, "cmd").enumerate() {
                    seeds.push((format!("{name}-{index}"), command.into_bytes()));
                }
            }
            for (name, text) in files(&repo.join("qa/run"), "run") {
                for (index, command) in quoted_commands(&text).enumerate() {
                    seeds.push((format!("{name}-{index}"), command.into_bytes()));
                }
            }
        }
        _ => {}
    }
    seeds.sort();
    seeds.dedup_by(|a, b| a.1 == b.1);
    seeds
}

/// The readable files of `folder` ending in `.ext` (any when `ext` is empty), by name.
fn files(folder: &Path, ext: &str) -> Vec<(String, String)> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut files: Vec<(String, String)> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .filter(|path| ext.is_empty() || path.extension().is_some_and(|e| e == ext))
        .filter_map(|path| {
            let name = path.file_name()?.to_string_lossy().into_owned();
            Some((name, fs::read_to_string(&path).ok()?))
        })
        .collect();
    files.sort();
    files
}

/// The values of the `N:key:value` lines of a `.ci` file.
fn fields<'a>(text: &'a str, key: &'a str) -> impl Iterator<Item = String> + 'a {
    text.lines().filter_map(move |line| {
        let (_, rest) = line.split_once(':')?;
        let (found, value) = rest.split_once(':')?;
        (found == key).then(|| value.to_string())
    })
}

/// Hex with `:` and spaces allowed between digits.
fn unhex(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b":  \t".contains(b)).collect();
    if digits.len() % 2 != 0 {
        return None;
    }
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

/// The string literals of a helper script that look like API commands.
fn quoted_commands(text: &str) -> impl Iterator<Item = String> + '_ {
    const VERBS: [&str; 8] = [
        "announce ",
        "withdraw ",
        "neighbor ",
        "peer ",
        "show ",
        "flush ",
        "clear ",
        "rib ",
    ];
    text.split(['\'', '"'])
        .skip(1)
        .step_by(2)
        .filter(|literal| VERBS.iter().any(|verb| literal.starts_with(verb)))
        .map(str::to_string)
}
