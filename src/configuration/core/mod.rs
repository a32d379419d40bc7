//! Ports `exabgp/configuration/core/` (format.py, parser.py, error.py, location.py): tokens, the
//! section tree and positioned errors.

pub mod format;
pub mod parser;

use std::fmt;

/// A position in a configuration file, 1-based.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Location {
    pub line: u32,
    pub column: u32,
}

/// A configuration error: where, and what was expected.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Error {
    /// The file as named by the user; empty while the error travels up from the section parsers.
    pub file: String,
    pub location: Location,
    pub message: String,
}

impl Error {
    pub fn new(location: Location, message: impl Into<String>) -> Error {
        Error {
            file: String::new(),
            location,
            message: message.into(),
        }
    }

    /// The same error, attributed to `file`.
    pub fn in_file(mut self, file: &str) -> Error {
        self.file = file.to_string();
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.file.is_empty() {
            write!(
                f,
                "{}:{}: {}",
                self.location.line, self.location.column, self.message
            )
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.location.line, self.location.column, self.message
            )
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;
