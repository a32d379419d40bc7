//! Ports `exabgp/util/__init__.py` (`hexstring`) and the hex reading of `application/decode.py`:
//! the one place bytes become hexadecimal text and back, in the cases ExaBGP prints.

use std::fmt::Write;

/// Appends `data` in upper-case hexadecimal (`0A0B`), as ExaBGP prints raw messages and
/// most opaque values.
pub fn push_upper(out: &mut String, data: &[u8]) {
    out.reserve(2 * data.len());
    for byte in data {
        let _ = write!(out, "{byte:02X}");
    }
}

/// Appends `data` in lower-case hexadecimal (`0a0b`), as ExaBGP prints some TLVs and
/// generic attributes.
pub fn push_lower(out: &mut String, data: &[u8]) {
    out.reserve(2 * data.len());
    for byte in data {
        let _ = write!(out, "{byte:02x}");
    }
}

/// `data` in upper-case hexadecimal, without prefix.
pub fn upper(data: &[u8]) -> String {
    let mut out = String::new();
    push_upper(&mut out, data);
    out
}

/// `data` in lower-case hexadecimal, without prefix.
pub fn lower(data: &[u8]) -> String {
    let mut out = String::new();
    push_lower(&mut out, data);
    out
}

/// ExaBGP's `hexstring`: `0x` then upper-case hexadecimal.
pub fn hexstring(data: &[u8]) -> String {
    let mut out = String::from("0x");
    push_upper(&mut out, data);
    out
}

/// `0x` then lower-case hexadecimal, as ExaBGP prints unknown attributes and capabilities.
pub fn hexstring_lower(data: &[u8]) -> String {
    let mut out = String::from("0x");
    push_lower(&mut out, data);
    out
}

/// Reads hexadecimal digits, either case, nothing else (empty is no bytes).
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    if digits.len() % 2 != 0 {
        return None;
    }
    let value = |digit: u8| (digit as char).to_digit(16).map(|v| v as u8);
    digits
        .chunks_exact(2)
        .map(|pair| Some(value(pair[0])? << 4 | value(pair[1])?))
        .collect()
}

/// Reads hexadecimal, either case, ignoring spaces, colons and line breaks (as `decode`
/// accepts what tcpdump and Wireshark print); the error quotes the start of the text.
pub fn unhex(text: &str) -> Result<Vec<u8>, String> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | ':' | '\n' | '\r' | '\t'))
        .collect();
    match from_hex(&digits) {
        Some(bytes) if !bytes.is_empty() => Ok(bytes),
        _ => {
            let shown: String = text.chars().take(50).collect();
            Err(format!("invalid hexadecimal: {shown}"))
        }
    }
}

/// [`unhex`] for tests' literal vectors, which are known good (empty ones included).
#[cfg(test)]
pub(crate) fn test_unhex(text: &str) -> Vec<u8> {
    if text.is_empty() {
        return Vec::new();
    }
    unhex(text).unwrap_or_else(|e| panic!("{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ways_in_every_form_exabgp_prints() {
        let data = [0x00, 0x0a, 0xff, 0x7b];
        assert_eq!(upper(&data), "000AFF7B");
        assert_eq!(lower(&data), "000aff7b");
        assert_eq!(hexstring(&data), "0x000AFF7B");
        assert_eq!(hexstring_lower(&data), "0x000aff7b");
        assert_eq!(hexstring(&[]), "0x");
        assert_eq!(unhex("000AFF7B").unwrap(), data);
        assert_eq!(unhex("00:0a ff\n7b").unwrap(), data);
        assert_eq!(from_hex(""), Some(Vec::new()));
        assert_eq!(from_hex("0A0b"), Some(vec![0x0a, 0x0b]));
    }

    #[test]
    fn bad_hex_is_refused_without_panic() {
        for bad in ["", "0", "0g", "é1", "1é", "0x00", "  ", "abc", "+1"] {
            assert!(unhex(bad).is_err(), "{bad:?}");
            assert_eq!(
                from_hex(bad.trim()).filter(|b| !b.is_empty()),
                None,
                "{bad:?}"
            );
        }
        let long = "z".repeat(200);
        assert!(
            unhex(&long).unwrap_err().len() < 80,
            "the error quotes the start only"
        );
    }
}
