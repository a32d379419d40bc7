//! Ports `exabgp/bgp/message/update/attribute/community/initial/community.py`: one community (RFC 1997 §3, RFC 3765, RFC 7999).

use super::super::{hex_digits, parse_number, CommunityError};
use bytes::{BufMut, BytesMut};
use std::fmt::{self, Write};

/// One standard community, `asn:value` packed in 32 bits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Community(pub u32);

impl Community {
    pub const NO_EXPORT: Community = Community(0xFFFF_FF01);
    pub const NO_ADVERTISE: Community = Community(0xFFFF_FF02);
    pub const NO_EXPORT_SUBCONFED: Community = Community(0xFFFF_FF03);
    pub const NO_PEER: Community = Community(0xFFFF_FF04);
    pub const BLACKHOLE: Community = Community(0xFFFF_029A);

    /// Builds `asn:value`.
    pub fn new(asn: u16, value: u16) -> Community {
        Community((u32::from(asn) << 16) | u32::from(value))
    }

    pub fn asn(&self) -> u16 {
        (self.0 >> 16) as u16
    }

    pub fn value(&self) -> u16 {
        self.0 as u16
    }

    /// Decodes exactly four bytes.
    pub fn decode(data: &[u8]) -> Result<Community, CommunityError> {
        let bytes: [u8; 4] = data.try_into().map_err(|_| CommunityError::Length {
            what: "community",
            expected: 4,
            got: data.len(),
        })?;
        Ok(Community(u32::from_be_bytes(bytes)))
    }

    pub fn encode(&self, out: &mut BytesMut) {
        out.put_u32(self.0);
    }

    /// ExaBGP's JSON: `[ 65000, 1 ]`.
    pub fn json(&self, out: &mut String) {
        let _ = write!(out, "[ {}, {} ]", self.asn(), self.value());
    }

    /// Parses one configuration value: `65000:1`, a well-known name, `0x...` or a 32-bit decimal.
    ///
    /// Unlike ExaBGP, each half of `a:b` must fit 16 bits (RFC 1997); ExaBGP accepted
    /// `1:70000` and silently carried the overflow into the ASN half.
    pub fn parse(value: &str) -> Result<Community, String> {
        if let Some((prefix, suffix)) = value.split_once(':') {
            if !prefix.is_empty() {
                let what = "community";
                let asn = parse_number(prefix, 0xFFFF, what)
                    .map_err(|e| format!("{e} in {value} (the ASN part is 16 bits)"))?;
                let low = parse_number(suffix, 0xFFFF, what)
                    .map_err(|e| format!("{e} in {value} (the value part is 16 bits)"))?;
                return Ok(Community::new(asn as u16, low as u16));
            }
        }
        if let Some(digits) = hex_digits(value) {
            return u32::from_str_radix(digits, 16).map(Community).map_err(|_| {
                format!("invalid community {value} (not a 32-bit hexadecimal number)")
            });
        }
        match value.to_ascii_lowercase().as_str() {
            "no-export" | "no_export" => return Ok(Community::NO_EXPORT),
            "no-advertise" | "no_advertise" => return Ok(Community::NO_ADVERTISE),
            "no-export-subconfed" => return Ok(Community::NO_EXPORT_SUBCONFED),
            "nopeer" | "no-peer" => return Ok(Community::NO_PEER),
            "blackhole" => return Ok(Community::BLACKHOLE),
            _ => {}
        }
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            return parse_number(value, u64::from(u32::MAX), "community")
                .map(|n| Community(n as u32));
        }
        Err(format!("invalid community name {value}"))
    }
}

/// ExaBGP's text form: well-known names, else `asn:value`.
impl fmt::Display for Community {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Community::NO_EXPORT => f.write_str("no-export"),
            Community::NO_ADVERTISE => f.write_str("no-advertise"),
            Community::NO_EXPORT_SUBCONFED => f.write_str("no-export-subconfed"),
            Community::NO_PEER => f.write_str("no-peer"),
            Community::BLACKHOLE => f.write_str("blackhole"),
            _ => write!(f, "{}:{}", self.asn(), self.value()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn golden_bytes() {
        // 65000:1 = 0xFDE8 0x0001
        let c = Community::decode(&[0xFD, 0xE8, 0x00, 0x01]).unwrap();
        assert_eq!(c, Community::new(65000, 1));
        let mut out = BytesMut::new();
        c.encode(&mut out);
        assert_eq!(&out[..], &[0xFD, 0xE8, 0x00, 0x01]);
        assert_eq!(
            Community::decode(&[1, 2, 3]),
            Err(CommunityError::Length {
                what: "community",
                expected: 4,
                got: 3
            })
        );
    }

    #[test]
    fn text_and_json() {
        assert_eq!(Community::new(65000, 1).to_string(), "65000:1");
        assert_eq!(Community(0xFFFF_FF01).to_string(), "no-export");
        assert_eq!(Community(0xFFFF_FF02).to_string(), "no-advertise");
        assert_eq!(Community(0xFFFF_FF03).to_string(), "no-export-subconfed");
        assert_eq!(Community(0xFFFF_FF04).to_string(), "no-peer");
        assert_eq!(Community(0xFFFF_029A).to_string(), "blackhole");
        let mut json = String::new();
        Community::new(30740, 30740).json(&mut json);
        assert_eq!(json, "[ 30740, 30740 ]");
    }

    #[test]
    fn parse_forms() {
        assert_eq!(Community::parse("65000:1"), Ok(Community(0xFDE8_0001)));
        assert_eq!(Community::parse("NO-EXPORT"), Ok(Community::NO_EXPORT));
        assert_eq!(
            Community::parse("no_advertise"),
            Ok(Community::NO_ADVERTISE)
        );
        assert_eq!(Community::parse("nopeer"), Ok(Community::NO_PEER));
        assert_eq!(Community::parse("blackhole"), Ok(Community::BLACKHOLE));
        assert_eq!(
            Community::parse("0xFFFFFF03"),
            Ok(Community::NO_EXPORT_SUBCONFED)
        );
        assert_eq!(Community::parse("4294967295"), Ok(Community(u32::MAX)));
        assert!(Community::parse("4294967296").is_err());
        assert!(Community::parse("1:70000").is_err());
        assert!(Community::parse("70000:1").is_err());
        assert!(Community::parse("a:1").is_err());
        assert!(Community::parse("bogus").is_err());
        assert!(Community::parse("0x1FFFFFFFF").is_err());
        assert!(Community::parse("").is_err());
        // a multi-byte character where the `0x` would be
        assert!(Community::parse("0é").is_err());
        assert!(Community::parse("0x").is_err());
    }

    proptest! {
        #[test]
        fn decode_never_panics(data in proptest::collection::vec(any::<u8>(), 0..8)) {
            let _ = Community::decode(&data);
        }

        #[test]
        fn text_parses_back(value in any::<u32>()) {
            let c = Community(value);
            prop_assert_eq!(Community::parse(&c.to_string()), Ok(c));
        }
    }
}
