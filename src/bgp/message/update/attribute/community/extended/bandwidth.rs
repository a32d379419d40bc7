//! Ports `exabgp/bgp/message/update/attribute/community/extended/bandwidth.py`: link bandwidth (draft-ietf-idr-link-bandwidth §3).

use super::{ExtendedCommunity, SubType};
use std::fmt;

/// Link bandwidth, type 0x40 sub-type 0x04 (bytes per second as a float).
///
/// A typed view for library users and configuration only: ExaBGP never registers its
/// Bandwidth class, so a received link bandwidth is described in hexadecimal, and so is it here.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Bandwidth {
    pub asn: u16,
    pub speed: f32,
}

impl SubType for Bandwidth {
    const NAME: &'static str = "bandwidth";

    fn from_community(c: &ExtendedCommunity) -> Option<Bandwidth> {
        (c.family() == (0x00, 0x04)).then(|| Bandwidth {
            asn: u16::from_be_bytes([c.0[2], c.0[3]]),
            speed: f32::from_be_bytes([c.0[4], c.0[5], c.0[6], c.0[7]]),
        })
    }

    fn to_community(&self) -> ExtendedCommunity {
        let [a, b] = self.asn.to_be_bytes();
        let [s0, s1, s2, s3] = self.speed.to_be_bytes();
        ExtendedCommunity::new(0x40, 0x04, [a, b, s0, s1, s2, s3])
    }
}

/// ExaBGP's Bandwidth text, its spelling kept: `bandwith:65000:1000` (speed rounded to a whole
/// number).
impl fmt::Display for Bandwidth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bandwith:{}:", self.asn)?;
        let speed = f64::from(self.speed);
        if speed.is_nan() {
            f.write_str("nan")
        } else {
            write!(f, "{speed:.0}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden() {
        // 1000.0f32 = 0x447A0000
        let c = ExtendedCommunity([0x40, 0x04, 0xFD, 0xE8, 0x44, 0x7A, 0, 0]);
        let bw = Bandwidth {
            asn: 65000,
            speed: 1000.0,
        };
        assert_eq!(Bandwidth::decode(&c.0), Ok(bw));
        assert_eq!(bw.to_community(), c);
        assert_eq!(bw.to_string(), "bandwith:65000:1000");
        assert_eq!(ExtendedCommunity::parse("bandwidth:65000:1000"), Ok(c));
        let infinite = ExtendedCommunity([0x40, 0x04, 0, 1, 0x7F, 0x80, 0, 0]);
        assert_eq!(
            Bandwidth::from_community(&infinite).unwrap().to_string(),
            "bandwith:1:inf"
        );
    }
}
