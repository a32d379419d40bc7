//! Ports `exabgp/configuration/process/` (`__init__.py`, parser.py): `process NAME { run ...;
//! encoder text|json; respawn; }`, the helper programs of the API.

use super::core::parser::{Node, Section};
use super::core::{Error, Location, Result};
use super::schema::{expected, Keyword, Kind};
use std::borrow::Cow;
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Encoder {
    Text,
    Json,
}

/// The statements of a `process` section, as the parser dispatches them.
pub(crate) const KEYWORDS: &[Keyword] = &[
    Keyword::new("run", Kind::Text, "The program to run, then its arguments"),
    Keyword::new(
        "encoder",
        Kind::Choice(Cow::Borrowed(&["text", "json"])),
        "How messages are written to the program (default: text)",
    ),
    Keyword::new(
        "respawn",
        Kind::Boolean { bare: true },
        "Restart the program when it exits (default: true)",
    ),
];

/// Whether a `process` program must exist when the configuration is read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Programs {
    /// Resolved as ExaBGP does and checked to be an executable file (daemon, validate).
    Locate,
    /// Kept as written: nothing will run them (decode needs only the neighbours).
    AsWritten,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Process {
    pub name: String,
    /// The program (resolved to an existing executable file, unless read with
    /// `Programs::AsWritten`) then its arguments.
    pub run: Vec<String>,
    pub encoder: Encoder,
    /// Restart the helper when it exits (ExaBGP's default).
    pub respawn: bool,
    pub location: Location,
}

/// Parses one `process` section; `folder` is the configuration file's folder.
pub fn parse(section: &Section, folder: &Path, programs: Programs) -> Result<Process> {
    let mut args = section.args();
    let name = args.next("a process name")?.to_string();
    args.finish()?;
    let mut process = Process {
        name,
        run: Vec::new(),
        encoder: Encoder::Text,
        respawn: true,
        location: section.location(),
    };
    let mut has_run = false;
    for node in &section.body {
        let statement = match node {
            Node::Statement(statement) => statement,
            Node::Section(inner) => {
                return Err(Error::new(
                    inner.location(),
                    format!(
                        "unknown section '{}' in process: expected {}",
                        inner.keyword(),
                        expected(KEYWORDS.iter().map(|k| k.name))
                    ),
                ))
            }
        };
        let mut args = statement.args();
        match statement.keyword() {
            "run" => {
                let program = args.token("a program to run")?;
                process.run = vec![match programs {
                    Programs::Locate => locate(&program.text, folder)
                        .map_err(|message| Error::new(program.location, message))?
                        .display()
                        .to_string(),
                    Programs::AsWritten => program.text.to_string(),
                }];
                while let Some(token) = args.peek() {
                    process.run.push(token.text.to_string());
                    args.token("")?;
                }
                has_run = true;
            }
            "encoder" => {
                process.encoder = args.parse("'text' or 'json'", |s| match s {
                    "text" => Some(Encoder::Text),
                    "json" => Some(Encoder::Json),
                    _ => None,
                })?;
                args.finish()?;
            }
            "respawn" => {
                process.respawn = args.boolean(true)?;
                args.finish()?;
            }
            other => {
                return Err(Error::new(
                    statement.location(),
                    format!(
                        "unknown statement '{other}' in process: expected {}",
                        expected(KEYWORDS.iter().map(|k| k.name))
                    ),
                ))
            }
        }
    }
    if !has_run {
        return Err(Error::new(
            section.location(),
            "unset process sections: run",
        ));
    }
    Ok(process)
}

/// Python's `os.path.abspath`, which ExaBGP gives the candidates: absolute (from the working
/// directory), `.` and `..` taken out lexically (`./run/x` beside the file is `DIR/run/x`).
fn abspath(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Finds `program` as ExaBGP does (`process/parser.py`): an absolute path as is; otherwise
/// beside the configuration file, under `/etc/exabgp`, then (a bare name) in `$PATH`, the first
/// that exists; the result must be an executable regular file. ExaBGP keeps the last match of
/// the same list, so `$PATH` wins there (see docs/deviations.md).
fn locate(program: &str, folder: &Path) -> std::result::Result<PathBuf, String> {
    let mut chosen = PathBuf::from(program);
    if !program.starts_with('/') {
        let mut options = vec![folder.join(program), Path::new("/etc/exabgp").join(program)];
        if !program.contains('/') {
            if let Some(path) = std::env::var_os("PATH") {
                options.extend(std::env::split_paths(&path).map(|p| p.join(program)));
            }
        }
        if let Some(found) = options
            .into_iter()
            .map(|p| abspath(&p))
            .find(|p| p.exists())
        {
            chosen = found;
        }
    }
    let metadata = std::fs::metadata(&chosen).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!("can not locate the program \"{}\"", chosen.display())
        } else {
            format!("can not access program \"{}\": {e}", chosen.display())
        }
    })?;
    if metadata.is_dir() {
        return Err(format!(
            "can not execute directories \"{}\"",
            chosen.display()
        ));
    }
    let mode = metadata.permissions().mode();
    if mode & 0o4000 != 0 {
        return Err(format!(
            "refusing to run setuid programs \"{}\"",
            chosen.display()
        ));
    }
    if mode & 0o2000 != 0 {
        return Err(format!(
            "refusing to run setgid programs \"{}\"",
            chosen.display()
        ));
    }
    // ExaBGP compares the owner with the running user; without libc we accept any execute bit
    if mode & 0o111 == 0 {
        return Err(format!(
            "exabgp will not be able to run this program \"{}\"",
            chosen.display()
        ));
    }
    if !metadata.is_file() {
        return Err(format!(
            "program must be a regular file \"{}\"",
            chosen.display()
        ));
    }
    Ok(chosen)
}
