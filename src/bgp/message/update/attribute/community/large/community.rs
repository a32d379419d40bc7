//! Ports `exabgp/bgp/message/update/attribute/community/large/community.py`: one large community (RFC 8092 §3).

use super::super::{hex_digits, parse_number, CommunityError};
use crate::bgp::message::reader::Reader;
use bytes::{BufMut, BytesMut};
use std::fmt::{self, Write};

/// One large community: global administrator, two local data parts.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct LargeCommunity {
    pub global_admin: u32,
    pub local_data1: u32,
    pub local_data2: u32,
}

impl LargeCommunity {
    pub fn new(global_admin: u32, local_data1: u32, local_data2: u32) -> LargeCommunity {
        LargeCommunity {
            global_admin,
            local_data1,
            local_data2,
        }
    }

    /// Decodes exactly twelve bytes.
    pub fn decode(data: &[u8]) -> Result<LargeCommunity, CommunityError> {
        let mut r = Reader::new(data);
        match (r.u32(), r.u32(), r.u32()) {
            (Some(global_admin), Some(local_data1), Some(local_data2)) if r.is_empty() => {
                Ok(LargeCommunity::new(global_admin, local_data1, local_data2))
            }
            _ => Err(CommunityError::Length {
                what: "large community",
                expected: 12,
                got: data.len(),
            }),
        }
    }

    pub fn encode(&self, out: &mut BytesMut) {
        out.put_u32(self.global_admin);
        out.put_u32(self.local_data1);
        out.put_u32(self.local_data2);
    }

    /// ExaBGP's JSON, odd spacing included: `[ 2914, 0 , 666 ]`.
    pub fn json(&self, out: &mut String) {
        let _ = write!(
            out,
            "[ {}, {} , {} ]",
            self.global_admin, self.local_data1, self.local_data2
        );
    }

    /// Parses one configuration value: `a:b:c`, or a 96-bit number in decimal or `0x` hexadecimal.
    ///
    /// Each part of `a:b:c` must fit 32 bits (RFC 8092); ExaBGP checked them against 96 bits.
    pub fn parse(value: &str) -> Result<LargeCommunity, String> {
        if value.contains(':') {
            let parts: Vec<&str> = value.split(':').collect();
            let [a, b, c] = parts.as_slice() else {
                return Err(format!(
                    "invalid large community {value} (expecting three parts a:b:c)"
                ));
            };
            let part =
                |p: &str| parse_number(p, u64::from(u32::MAX), "large community").map(|n| n as u32);
            return Ok(LargeCommunity::new(part(a)?, part(b)?, part(c)?));
        }
        let number = if let Some(digits) = hex_digits(value) {
            u128::from_str_radix(digits, 16).ok()
        } else if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            value.parse::<u128>().ok()
        } else {
            return Err(format!("invalid large community name {value}"));
        };
        match number {
            Some(n) if n >> 96 == 0 => Ok(LargeCommunity::new(
                (n >> 64) as u32,
                (n >> 32) as u32,
                n as u32,
            )),
            _ => Err(format!("invalid large community {value} (too large)")),
        }
    }
}

/// ExaBGP's text form: `2914:0:666`.
impl fmt::Display for LargeCommunity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            self.global_admin, self.local_data1, self.local_data2
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn golden_bytes() {
        // conf-largecommunity.ci: 2914:0:666 = 00000B62 00000000 0000029A
        let bytes = [0, 0, 0x0B, 0x62, 0, 0, 0, 0, 0, 0, 0x02, 0x9A];
        let lc = LargeCommunity::decode(&bytes).unwrap();
        assert_eq!(lc, LargeCommunity::new(2914, 0, 666));
        let mut out = BytesMut::new();
        lc.encode(&mut out);
        assert_eq!(&out[..], &bytes);
        let mut json = String::new();
        lc.json(&mut json);
        assert_eq!(json, "[ 2914, 0 , 666 ]");
        assert_eq!(lc.to_string(), "2914:0:666");
        assert!(LargeCommunity::decode(&bytes[..11]).is_err());
    }

    #[test]
    fn parse_forms() {
        assert_eq!(
            LargeCommunity::parse("1:2:3"),
            Ok(LargeCommunity::new(1, 2, 3))
        );
        assert_eq!(
            LargeCommunity::parse("0x000000010000000200000003"),
            Ok(LargeCommunity::new(1, 2, 3))
        );
        assert_eq!(
            LargeCommunity::parse("4294967297"),
            Ok(LargeCommunity::new(0, 1, 1))
        );
        assert!(LargeCommunity::parse("1:2").is_err());
        assert!(LargeCommunity::parse("1:2:4294967296").is_err());
        assert!(LargeCommunity::parse("x:2:3").is_err());
        assert!(LargeCommunity::parse("0x1000000000000000000000000").is_err());
        assert!(LargeCommunity::parse("name").is_err());
    }

    proptest! {
        #[test]
        fn text_parses_back(a in any::<u32>(), b in any::<u32>(), c in any::<u32>()) {
            let lc = LargeCommunity::new(a, b, c);
            prop_assert_eq!(LargeCommunity::parse(&lc.to_string()), Ok(lc));
        }
    }
}
