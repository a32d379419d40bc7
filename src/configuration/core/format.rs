//! Ports `exabgp/configuration/core/format.py`: splits a configuration into tokens, each with
//! its line and column.
//!
//! As in ExaBGP, `;`, `{` and `}` end a statement, `[ ] ( ) ,` are tokens of their own, `#`
//! starts a comment, `"` or `'` quote a word (with `\n`-style escapes), and a `\` at the end of
//! a line continues the statement on the next one. Unlike ExaBGP, a statement may also span
//! lines without the backslash: the terminator, not the line end, closes it.

use super::{Error, Location, Result};
use std::borrow::Cow;

/// What a token is, for the tree builder.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Word,
    /// A quoted string: never a keyword or punctuation, even if it reads like one.
    Quoted,
    /// `;`
    End,
    /// `{`
    Open,
    /// `}`
    Close,
}

/// A token: its text is borrowed from the configuration where it can be (words, punctuation,
/// strings without escapes), so that reading a large configuration allocates nothing per token.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Token<'t> {
    pub text: Cow<'t, str>,
    pub kind: Kind,
    pub location: Location,
}

impl Token<'_> {
    /// The text, if this is an unquoted word (keywords and punctuation are never quoted).
    pub fn word(&self) -> Option<&str> {
        (self.kind == Kind::Word).then_some(&*self.text)
    }

    /// The same token owning its text, to outlive the configuration's text.
    pub fn into_owned(self) -> Token<'static> {
        Token {
            text: Cow::Owned(self.text.into_owned()),
            kind: self.kind,
            location: self.location,
        }
    }
}

fn escape(c: char) -> char {
    match c {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'b' => '\u{8}',
        'f' => '\u{c}',
        other => other,
    }
}

/// Splits `text` into tokens.
pub fn tokens(text: &str) -> Result<Vec<Token<'_>>> {
    let mut out = Vec::new();
    tokenize(text, |token| {
        out.push(token);
        Ok(())
    })?;
    Ok(out)
}

/// The bytes that end an unquoted word (a `\` does too, before whitespace).
fn ends_word(byte: u8) -> bool {
    matches!(
        byte,
        b'\n'
            | b' '
            | b'\t'
            | b'\r'
            | b'#'
            | b';'
            | b'{'
            | b'}'
            | b'['
            | b']'
            | b'('
            | b')'
            | b','
            | b'"'
            | b'\''
    )
}

/// Splits `text` into tokens, handing each to `emit` as soon as it is complete: a large
/// configuration is never held as one list of tokens (its first error stops the split).
/// Every byte that means something is ASCII, so the text is scanned as bytes; columns count
/// characters.
pub fn tokenize<'t>(text: &'t str, mut emit: impl FnMut(Token<'t>) -> Result<()>) -> Result<()> {
    let bytes = text.as_bytes();
    let (mut line, mut column) = (1u32, 1u32);
    let followed_by_whitespace =
        |at: usize| text[at..].chars().next().is_some_and(char::is_whitespace);
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        let here = Location { line, column };
        match byte {
            b'\n' => {
                line += 1;
                column = 1;
                i += 1;
            }
            b' ' | b'\t' | b'\r' => {
                column += 1;
                i += 1;
            }
            // nothing is emitted before the line ends: the column need not follow
            b'#' => {
                i = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |n| i + n)
            }
            b'\\' => {
                // a continuation: only blanks may follow it on its line
                column += 1;
                i += 1;
                while let Some(b' ' | b'\t' | b'\r') = bytes.get(i) {
                    column += 1;
                    i += 1;
                }
                if !matches!(bytes.get(i), Some(b'\n') | None) {
                    return Err(Error::new(here, "a '\\' outside quotes must end its line"));
                }
            }
            b';' | b'{' | b'}' | b'[' | b']' | b'(' | b')' | b',' => {
                let kind = match byte {
                    b';' => Kind::End,
                    b'{' => Kind::Open,
                    b'}' => Kind::Close,
                    _ => Kind::Word,
                };
                emit(Token {
                    text: Cow::Borrowed(&text[i..i + 1]),
                    kind,
                    location: here,
                })?;
                column += 1;
                i += 1;
            }
            b'"' | b'\'' => {
                let quote = char::from(byte);
                column += 1;
                let start = i + 1;
                // owned only once an escape makes it differ from the text
                let mut quoted: Option<String> = None;
                let unterminated =
                    || Error::new(here, format!("unterminated string starting with {quote}"));
                let mut chars = text[start..].char_indices().map(|(at, c)| (start + at, c));
                let text = loop {
                    match chars.next() {
                        Some((end, q)) if q == quote => {
                            column += 1;
                            i = end + 1;
                            break match quoted {
                                Some(owned) => Cow::Owned(owned),
                                None => Cow::Borrowed(&text[start..end]),
                            };
                        }
                        Some((at, '\\')) => {
                            column += 1;
                            let owned = quoted.get_or_insert_with(|| text[start..at].to_string());
                            match chars.next() {
                                Some((_, 'u')) => {
                                    let digits: String = (0..4)
                                        .filter_map(|_| chars.next().map(|(_, d)| d))
                                        .collect();
                                    column += 1 + digits.chars().count() as u32;
                                    let code = u32::from_str_radix(&digits, 16)
                                        .ok()
                                        .and_then(char::from_u32);
                                    match code {
                                        Some(decoded) if digits.len() == 4 => owned.push(decoded),
                                        _ => {
                                            return Err(Error::new(
                                                here,
                                                format!("unicode escape \\u{digits} needs 4 hexadecimal digits"),
                                            ))
                                        }
                                    }
                                }
                                Some((_, '\n')) | None => return Err(unterminated()),
                                Some((_, e)) => {
                                    column += 1;
                                    owned.push(escape(e));
                                }
                            }
                        }
                        Some((_, '\n')) | None => return Err(unterminated()),
                        Some((_, other)) => {
                            column += 1;
                            if let Some(owned) = quoted.as_mut() {
                                owned.push(other);
                            }
                        }
                    }
                };
                emit(Token {
                    text,
                    kind: Kind::Quoted,
                    location: here,
                })?;
            }
            _ => {
                let start = i;
                while let Some(&byte) = bytes.get(i) {
                    if ends_word(byte) || (byte == b'\\' && followed_by_whitespace(i + 1)) {
                        break;
                    }
                    // a character's continuation bytes add no column
                    if byte & 0xC0 != 0x80 {
                        column += 1;
                    }
                    i += 1;
                }
                emit(Token {
                    text: Cow::Borrowed(&text[start..i]),
                    kind: Kind::Word,
                    location: here,
                })?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<(String, u32, u32)> {
        tokens(text)
            .unwrap()
            .into_iter()
            .map(|t| (t.text.into_owned(), t.location.line, t.location.column))
            .collect()
    }

    /// Columns count characters, not bytes; a `\` inside a word is part of it unless blanks
    /// follow it.
    #[test]
    fn columns_count_characters() {
        assert_eq!(
            texts("déjà vu;\na\\b c\\ \n d"),
            vec![
                ("déjà".into(), 1, 1),
                ("vu".into(), 1, 6),
                (";".into(), 1, 8),
                ("a\\b".into(), 2, 1),
                ("c".into(), 2, 5),
                ("d".into(), 3, 2),
            ]
        );
    }

    #[test]
    fn words_punctuation_and_positions() {
        assert_eq!(
            texts("neighbor 10.0.0.1 {\n\tas-path [1,2];\n}"),
            vec![
                ("neighbor".into(), 1, 1),
                ("10.0.0.1".into(), 1, 10),
                ("{".into(), 1, 19),
                ("as-path".into(), 2, 2),
                ("[".into(), 2, 10),
                ("1".into(), 2, 11),
                (",".into(), 2, 12),
                ("2".into(), 2, 13),
                ("]".into(), 2, 14),
                (";".into(), 2, 15),
                ("}".into(), 3, 1),
            ]
        );
    }

    #[test]
    fn comments_are_dropped() {
        assert_eq!(texts("a; # b c;\n# d;\ne;"), texts("a;\n\ne;"));
    }

    #[test]
    fn quoted_strings_keep_punctuation_and_unescape() {
        let tokens = tokens("description \"a; {b} # c\\n\";").unwrap();
        assert_eq!(tokens[1].text, "a; {b} # c\n");
        assert_eq!(tokens[1].kind, Kind::Quoted);
        assert_eq!(tokens[2].kind, Kind::End);
        let tokens = tokens_of("x '\\u00e9';");
        assert_eq!(tokens[1], "\u{e9}");
    }

    fn tokens_of(text: &str) -> Vec<String> {
        tokens(text)
            .unwrap()
            .into_iter()
            .map(|t| t.text.into_owned())
            .collect()
    }

    #[test]
    fn backslash_continues_the_line() {
        assert_eq!(
            tokens_of("vpls \\\n  rd 1:1 \\  \n size 8;"),
            ["vpls", "rd", "1:1", "size", "8", ";"]
        );
        let tokens = tokens("vpls \\\n  rd 1:1;").unwrap();
        assert_eq!(tokens[1].location, Location { line: 2, column: 3 });
    }

    #[test]
    fn broken_strings_and_escapes() {
        let error = tokens("a \"unterminated;\nb;").unwrap_err();
        assert_eq!(
            error.to_string(),
            "1:3: unterminated string starting with \""
        );
        let error = tokens("a 'x\\u12';").unwrap_err();
        assert_eq!(error.location, Location { line: 1, column: 3 });
        let error = tokens("a \\ b;").unwrap_err();
        assert_eq!(
            error.to_string(),
            "1:3: a '\\' outside quotes must end its line"
        );
    }
}
