//! Ports `exabgp/bgp/message/update/nlri/qualifier/esi.py`: the Ethernet Segment Identifier (RFC 7432 §5).

use std::fmt;

/// Ten bytes; all zeros is "no segment" (single-homed).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct Esi(pub [u8; 10]);

impl Esi {
    pub const LEN: usize = 10;

    pub fn decode(data: &[u8]) -> Option<Esi> {
        Some(Esi(data.get(..Self::LEN)?.try_into().ok()?))
    }
}

/// `-` for the zero ESI, else lower-case hexadecimal bytes joined by `:`, as ExaBGP.
impl fmt::Display for Esi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == [0; 10] {
            return f.write_str("-");
        }
        for (n, b) in self.0.iter().enumerate() {
            if n > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text() {
        assert_eq!(Esi::default().to_string(), "-");
        assert_eq!(
            Esi([0, 1, 2, 3, 4, 5, 6, 7, 8, 0xab]).to_string(),
            "00:01:02:03:04:05:06:07:08:ab"
        );
        assert_eq!(Esi::decode(&[0; 9]), None);
    }
}
