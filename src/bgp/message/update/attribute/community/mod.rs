//! Ports `exabgp/bgp/message/update/attribute/community/`: standard, extended and large communities.

pub mod extended;
pub mod initial;
pub mod large;

use std::fmt;

/// Why a community value could not be decoded. The UPDATE decoder maps it to RFC 7606
/// treat-as-withdraw (RFC 7606 §7.8, §7.14; RFC 8092 §6).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CommunityError {
    /// A single value of fixed size had another length.
    Length {
        what: &'static str,
        expected: usize,
        got: usize,
    },
    /// An attribute body was not a whole number of values.
    NotMultiple {
        what: &'static str,
        unit: usize,
        got: usize,
    },
    /// The bytes are an extended community, but not of the sub-type asked for.
    SubType { what: &'static str },
}

impl fmt::Display for CommunityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommunityError::Length {
                what,
                expected,
                got,
            } => {
                write!(f, "{what} must be {expected} bytes, got {got}")
            }
            CommunityError::NotMultiple { what, unit, got } => {
                write!(
                    f,
                    "could not decode {what}: {got} bytes is not a multiple of {unit}"
                )
            }
            CommunityError::SubType { what } => write!(f, "extended community is not a {what}"),
        }
    }
}

impl std::error::Error for CommunityError {}

/// ExaBGP's JSON list of values: `[ a, b ]`, each written by `json`.
pub(crate) fn json_list<T>(list: &[T], out: &mut String, json: impl Fn(&T, &mut String)) {
    out.push_str("[ ");
    for (i, value) in list.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        json(value, out);
    }
    out.push_str(" ]");
}

/// ExaBGP's text form of a community attribute: one value alone, several as `[ a b ]` sorted,
/// nothing when empty.
pub(crate) fn write_list<T: Ord + Clone + fmt::Display>(
    list: &[T],
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    match list {
        [] => Ok(()),
        [one] => write!(f, "{one}"),
        many => {
            let mut sorted = many.to_vec();
            sorted.sort();
            f.write_str("[")?;
            for value in sorted {
                write!(f, " {value}")?;
            }
            f.write_str(" ]")
        }
    }
}

/// Checks a configuration token list: `[ a b ]` or a single `a`, yielding the values.
///
/// The brackets may come as their own tokens or glued to the first and last value
/// (`[2914:0:666`), as ExaBGP's tokeniser hands both.
pub(crate) fn list_values<'a>(tokens: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut values = Vec::new();
    for token in tokens {
        let token = token.trim_start_matches('[').trim_end_matches(']');
        for value in token.split_whitespace() {
            values.push(value);
        }
    }
    values
}

/// Writes the big-endian unsigned integer `bytes` in decimal (ExaBGP prints extended
/// communities, up to 160 bits for the IPv6 ones, as one JSON number).
pub(crate) fn write_decimal(bytes: &[u8], out: &mut String) {
    let mut number: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    if number.is_empty() {
        out.push('0');
        return;
    }
    let mut digits = Vec::with_capacity(bytes.len() * 3);
    while !number.is_empty() {
        let mut remainder: u32 = 0;
        for byte in number.iter_mut() {
            let current = (remainder << 8) | u32::from(*byte);
            *byte = (current / 10) as u8;
            remainder = current % 10;
        }
        digits.push(b'0' + remainder as u8);
        let zeros = number.iter().take_while(|b| **b == 0).count();
        number.drain(..zeros);
    }
    out.extend(digits.iter().rev().map(|d| char::from(*d)));
}

/// The digits after a `0x` / `0X` prefix, if `value` has one and something after it.
pub(crate) fn hex_digits(value: &str) -> Option<&str> {
    let digits = value
        .strip_prefix("0x")
        .or_else(|| value.strip_prefix("0X"))?;
    (!digits.is_empty()).then_some(digits)
}

/// Parses a decimal number that must fit `max`, with ExaBGP-like messages.
pub(crate) fn parse_number(value: &str, max: u64, what: &str) -> Result<u64, String> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("invalid {what} {value}: not a decimal number"));
    }
    match value.parse::<u64>() {
        Ok(number) if number <= max => Ok(number),
        _ => Err(format!("invalid {what} {value} (too large)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_of_big_values() {
        let mut out = String::new();
        write_decimal(&[0u8; 8], &mut out);
        assert_eq!(out, "0");
        out.clear();
        write_decimal(&u64::MAX.to_be_bytes(), &mut out);
        assert_eq!(out, "18446744073709551615");
        out.clear();
        // 2^128, beyond u128
        let mut bytes = [0u8; 20];
        bytes[3] = 1;
        write_decimal(&bytes, &mut out);
        assert_eq!(out, "340282366920938463463374607431768211456");
    }

    #[test]
    fn list_values_accepts_both_bracket_styles() {
        assert_eq!(list_values(["[", "1:2", "3:4", "]"]), vec!["1:2", "3:4"]);
        assert_eq!(list_values(["[1:2", "3:4]"]), vec!["1:2", "3:4"]);
        assert_eq!(list_values(["1:2"]), vec!["1:2"]);
    }
}
