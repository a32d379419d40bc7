//! Ports the JSON side of `exabgp/reactor/api/response/json.py` and `configuration/encoder.py`:
//! the layout of ExaBGP's message JSON (its `"key": value` members joined by `", "`, strings
//! escaped as Python's `json.dumps` does), written straight into one `String` so that every
//! encoder spells it the same way, and `json.dumps` of a whole document for `export`/`schema`.

use std::fmt::{Display, Write};

/// Writes `text` as a JSON string the way Python's `json.dumps` does (ASCII only, `\uXXXX`
/// escapes), since ExaBGP's JSON is built with it.
pub(crate) fn string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

/// `"key": ` — the value is written next by the caller.
pub(crate) fn key(out: &mut String, key: &str) {
    out.push('"');
    out.push_str(key);
    out.push_str("\": ");
}

/// `"key": value`, the value written as it displays (a number, `true`, `null`, a nested value).
pub(crate) fn field(out: &mut String, name: &str, value: impl Display) {
    key(out, name);
    let _ = write!(out, "{value}");
}

/// `value` in decimal, without `fmt`: message headers, AS numbers and MEDs are written for
/// every message.
pub(crate) fn number(out: &mut String, value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = value;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for digit in &digits[at..] {
        out.push(*digit as char);
    }
}

/// `"key": value` for a number.
pub(crate) fn number_field(out: &mut String, name: &str, value: u64) {
    key(out, name);
    number(out, value);
}

/// `"key": "value"`, for values whose text needs no escaping (addresses, numbers, names from a
/// fixed table); free text goes through [`string`].
pub(crate) fn text(out: &mut String, name: &str, value: impl Display) {
    key(out, name);
    let _ = write!(out, "\"{value}\"");
}

/// The members of an object (or the items of a list) being written: each after the first is
/// preceded by `", "`.
pub(crate) struct Members<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Members<'a> {
    /// Members written at the end of `out` (inside braces the caller wrote, or none).
    pub(crate) fn new(out: &'a mut String) -> Members<'a> {
        Members { out, first: true }
    }

    /// Members after those already written at the end of `out`.
    pub(crate) fn after(out: &'a mut String) -> Members<'a> {
        Members { out, first: false }
    }

    /// Where the next member goes, the separator written.
    pub(crate) fn next(&mut self) -> &mut String {
        if !self.first {
            self.out.push_str(", ");
        }
        self.first = false;
        self.out
    }

    pub(crate) fn field(&mut self, name: &str, value: impl Display) {
        field(self.next(), name, value);
    }

    pub(crate) fn text(&mut self, name: &str, value: impl Display) {
        text(self.next(), name, value);
    }

    /// A list item written as it displays.
    pub(crate) fn item(&mut self, value: impl Display) {
        let _ = write!(self.next(), "{value}");
    }

    /// A list item `"value"` (needing no escape, as [`text`]).
    pub(crate) fn quoted(&mut self, value: impl Display) {
        let _ = write!(self.next(), "\"{value}\"");
    }
}

// Python's `json.dumps` of a whole document (what `export` and `schema` print), beside the
// message layout above.

/// A JSON value; objects keep their keys in insertion order (the schema is printed so).
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    List(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    pub(crate) fn str(text: impl Into<String>) -> Json {
        Json::Str(text.into())
    }

    pub(crate) fn object<'k>(pairs: impl IntoIterator<Item = (&'k str, Json)>) -> Json {
        Json::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }
}

/// How `dumps` lays the text out, as `json.dumps`'s `indent` and `separators`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Layout {
    /// One value per line, nested values indented by this many spaces.
    Indent(usize),
    /// `separators=(',', ':')`: one line, no space.
    Compact,
    /// `json.dumps`'s default: one line, `", "` and `": "`.
    Line,
}

/// Python's `json.dumps(value, indent=..., sort_keys=...)` with its default `ensure_ascii`.
pub(crate) fn dumps(value: &Json, layout: Layout, sort_keys: bool) -> String {
    let mut out = String::new();
    write_value(&mut out, value, layout, sort_keys, 0);
    out
}

fn newline(out: &mut String, layout: Layout, depth: usize) {
    if let Layout::Indent(width) = layout {
        out.push('\n');
        out.extend(std::iter::repeat(' ').take(width * depth));
    }
}

fn write_value(out: &mut String, value: &Json, layout: Layout, sort_keys: bool, depth: usize) {
    let (comma, colon) = match layout {
        Layout::Indent(_) => (",", ": "),
        Layout::Compact => (",", ":"),
        Layout::Line => (", ", ": "),
    };
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Json::Str(s) => string(out, s),
        // Python writes empty containers as `[]` and `{}` whatever the indent
        Json::List(items) if items.is_empty() => out.push_str("[]"),
        Json::Object(pairs) if pairs.is_empty() => out.push_str("{}"),
        Json::List(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(comma);
                }
                newline(out, layout, depth + 1);
                write_value(out, item, layout, sort_keys, depth + 1);
            }
            newline(out, layout, depth);
            out.push(']');
        }
        Json::Object(pairs) => {
            let mut pairs: Vec<&(String, Json)> = pairs.iter().collect();
            if sort_keys {
                // Python compares str by code point, as Rust's str order does
                pairs.sort_by(|a, b| a.0.cmp(&b.0));
            }
            out.push('{');
            for (index, (key, item)) in pairs.iter().enumerate() {
                if index > 0 {
                    out.push_str(comma);
                }
                newline(out, layout, depth + 1);
                string(out, key);
                out.push_str(colon);
                write_value(out, item, layout, sort_keys, depth + 1);
            }
            newline(out, layout, depth);
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_decimal_text() {
        for value in [0, 7, 10, 99, 100, 65535, 4294967295, u64::MAX] {
            let mut out = String::from("x");
            number(&mut out, value);
            assert_eq!(out, format!("x{value}"));
        }
    }

    #[test]
    fn strings_as_python_writes_them() {
        let mut out = String::new();
        string(&mut out, "a\"b\\c\nd\u{e9}\u{1f600}");
        assert_eq!(out, r#""a\"b\\c\nd\u00e9\ud83d\ude00""#);
    }

    #[test]
    fn members_are_joined_as_exabgp_joins_them() {
        let mut out = String::from("{ ");
        let mut members = Members::new(&mut out);
        members.text("rd", "1:1");
        members.field("ethernet-tag", 100);
        key(members.next(), "label");
        out.push_str("[ 1 ]");
        out.push_str(" }");
        assert_eq!(
            out,
            r#"{ "rd": "1:1", "ethernet-tag": 100, "label": [ 1 ] }"#
        );
    }
}
