//! Ports `exabgp/bgp/message/update/attribute/pmsi.py`: the PMSI Tunnel attribute, code 22 (RFC 6514 §5, RFC 7432 §11).

use super::Malformed;
use crate::bgp::message::reader::Reader;
use bytes::{BufMut, BytesMut};
use std::fmt;
use std::net::Ipv4Addr;

/// Flags, tunnel type, the raw three label bytes and the tunnel identifier.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Pmsi {
    pub flags: u8,
    pub tunnel_type: u8,
    /// Label (20 bits) shifted left by four, as on the wire.
    pub raw_label: u32,
    pub tunnel: Vec<u8>,
}

impl Pmsi {
    const INGRESS_REPLICATION: u8 = 6;

    /// RFC 6514 §5: at least flags, type and label. Shorter is treat-as-withdraw (ExaBGP).
    pub fn decode(data: &[u8]) -> Result<Pmsi, Malformed> {
        let mut r = Reader::new(data);
        let (Some(flags), Some(tunnel_type), Some(raw_label)) = (r.u8(), r.u8(), r.u24()) else {
            return Err(Malformed(5));
        };
        Ok(Pmsi {
            flags,
            tunnel_type,
            raw_label,
            tunnel: r.rest().to_vec(),
        })
    }

    pub fn encode(&self, out: &mut BytesMut) {
        out.put_u8(self.flags);
        out.put_u8(self.tunnel_type);
        out.put_slice(&self.raw_label.to_be_bytes()[1..]);
        out.put_slice(&self.tunnel);
    }

    /// ExaBGP's tunnel type names, spaces removed and lower-cased in the text.
    fn name(&self) -> &'static str {
        match self.tunnel_type {
            0 => "notunnel",
            1 => "rsvp-tep2mplsp",
            2 => "mldpp2mplsp",
            3 => "pim-ssmtree",
            4 => "pim-smtree",
            5 => "bidir-pimtree",
            6 => "ingressreplication",
            7 => "mldpmp2mplsp",
            _ => "unknown",
        }
    }
}

/// ExaBGP's form, used in JSON and text: `pmsi:ingressreplication:0:100:10.0.0.1`; the label
/// shows its raw value in parentheses when the low bits are set, an unknown tunnel is
/// hexadecimal.
impl fmt::Display for Pmsi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = self.raw_label >> 4;
        write!(f, "pmsi:{}:{}:", self.name(), self.flags)?;
        if self.raw_label != label << 4 {
            write!(f, "{label}({})", self.raw_label)?;
        } else {
            write!(f, "{label}")?;
        }
        f.write_str(":")?;
        match (self.tunnel_type, self.tunnel.as_slice()) {
            (Pmsi::INGRESS_REPLICATION, &[a, b, c, d]) => {
                write!(f, "{}", Ipv4Addr::new(a, b, c, d))
            }
            (0, _) | (_, []) => Ok(()),
            (_, tunnel) => f.write_str(&crate::util::hex::hexstring(tunnel)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ingress_replication_both_ways() {
        // RFC 7432 §11 by hand: flags 0, type 6, label 100 (0x000640), tunnel 10.0.0.1
        let bytes = [0, 6, 0x00, 0x06, 0x40, 10, 0, 0, 1];
        let pmsi = Pmsi::decode(&bytes).unwrap();
        assert_eq!(pmsi.to_string(), "pmsi:ingressreplication:0:100:10.0.0.1");
        let mut out = BytesMut::new();
        pmsi.encode(&mut out);
        assert_eq!(&out[..], &bytes);
        let other = Pmsi::decode(&[1, 3, 0, 0x06, 0x41, 0xAB]).unwrap();
        assert_eq!(other.to_string(), "pmsi:pim-ssmtree:1:100(1601):0xAB");
        assert!(Pmsi::decode(&[0, 6, 0, 0]).is_err());
    }

    proptest! {
        #[test]
        fn round_trip(data in proptest::collection::vec(any::<u8>(), 0..24)) {
            if let Ok(pmsi) = Pmsi::decode(&data) {
                let mut out = BytesMut::new();
                pmsi.encode(&mut out);
                prop_assert_eq!(&out[..], &data[..]);
                let _ = pmsi.to_string();
            }
        }
    }
}
