//! Ports `exabgp/bgp/message/update/nlri/cidr.py`: a prefix as mask and leading address bytes (RFC 4271 §4.3).

use crate::protocol::family::Afi;
use bytes::{BufMut, BytesMut};
use std::fmt::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An IP prefix. The address keeps whatever bits the peer sent after the mask inside the last
/// byte, as ExaBGP does, so what is printed is what was received.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Cidr {
    addr: IpAddr,
    mask: u8,
}

/// Why a prefix could not be decoded (RFC 4271 §6.3 Invalid Network Field).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CidrError {
    NoData,
    MaskTooLong(u8),
    Truncated,
}

impl Cidr {
    /// A prefix, or None when the mask is longer than the address.
    pub fn new(addr: IpAddr, mask: u8) -> Option<Cidr> {
        let bits = if addr.is_ipv4() { 32 } else { 128 };
        (mask <= bits).then_some(Cidr { addr, mask })
    }

    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    pub fn mask(&self) -> u8 {
        self.mask
    }

    pub fn afi(&self) -> Afi {
        if self.addr.is_ipv4() {
            Afi::IPV4
        } else {
            Afi::IPV6
        }
    }

    /// Address bytes on the wire for a mask.
    pub fn size(mask: u8) -> usize {
        (mask as usize).div_ceil(8)
    }

    /// Bytes on the wire: mask and the significant address bytes.
    pub fn len(&self) -> usize {
        1 + Cidr::size(self.mask)
    }

    /// Never true: a prefix always has its mask byte; here for clippy's `len` convention.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Decodes `mask prefix...` at the front of `data` for an IPv4 (`v6` false) or IPv6 prefix.
    /// Returns the prefix and the bytes used.
    pub fn decode(v6: bool, data: &[u8]) -> Result<(Cidr, usize), CidrError> {
        let (&mask, rest) = data.split_first().ok_or(CidrError::NoData)?;
        let bits = if v6 { 128 } else { 32 };
        if mask > bits {
            return Err(CidrError::MaskTooLong(mask));
        }
        let size = Cidr::size(mask);
        let prefix = rest.get(..size).ok_or(CidrError::Truncated)?;
        let addr = if v6 {
            let mut raw = [0u8; 16];
            raw[..size].copy_from_slice(prefix);
            IpAddr::V6(Ipv6Addr::from(raw))
        } else {
            let mut raw = [0u8; 4];
            raw[..size].copy_from_slice(prefix);
            IpAddr::V4(Ipv4Addr::from(raw))
        };
        Ok((Cidr { addr, mask }, 1 + size))
    }

    pub fn encode(&self, out: &mut BytesMut) {
        let size = Cidr::size(self.mask);
        out.put_u8(self.mask);
        match self.addr {
            IpAddr::V4(a) => out.put_slice(&a.octets()[..size]),
            IpAddr::V6(a) => out.put_slice(&a.octets()[..size]),
        }
    }

    /// Wire bytes after the mask, for ordering as ExaBGP does (by packed bytes).
    pub(crate) fn packed(&self) -> ([u8; 16], usize) {
        let mut raw = [0u8; 16];
        match self.addr {
            IpAddr::V4(a) => raw[..4].copy_from_slice(&a.octets()),
            IpAddr::V6(a) => raw = a.octets(),
        }
        (raw, Cidr::size(self.mask))
    }

    /// `10.0.0.0/24` into `out`.
    pub fn write(&self, out: &mut String) {
        write_ip(out, self.addr);
        out.push('/');
        push_u8(out, self.mask);
    }
}

/// An address as ExaBGP prints it (Python's `socket.inet_ntop`, i.e. the C library's): IPv6
/// with the longest run of two or more zero groups as `::` and an address whose first 96 bits
/// are zero (or that is IPv4-mapped) ending in dotted IPv4. Written by hand: addresses are
/// most of the JSON an UPDATE produces, and the formatting machinery costs several times more.
pub fn write_ip(out: &mut String, addr: IpAddr) {
    match addr {
        IpAddr::V4(a) => write_ipv4(out, a.octets()),
        IpAddr::V6(a) => write_ipv6(out, a),
    }
}

fn write_ipv4(out: &mut String, [b0, b1, b2, b3]: [u8; 4]) {
    push_u8(out, b0);
    out.push('.');
    push_u8(out, b1);
    out.push('.');
    push_u8(out, b2);
    out.push('.');
    push_u8(out, b3);
}

fn write_ipv6(out: &mut String, addr: Ipv6Addr) {
    let words = addr.segments();
    // the longest run of zero groups, the first one on a tie, only if two or more long
    let (mut best, mut best_len, mut run, mut run_len) = (0, 0, 0, 0);
    for (i, word) in words.iter().enumerate() {
        if *word == 0 {
            if run_len == 0 {
                run = i;
            }
            run_len += 1;
            if run_len > best_len {
                (best, best_len) = (run, run_len);
            }
        } else {
            run_len = 0;
        }
    }
    if best_len < 2 {
        best_len = 0;
    }
    let embedded_ipv4 = best == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff));
    let mut i = 0;
    while i < 8 {
        if best_len > 0 && i == best {
            out.push_str(if i == 0 { "::" } else { ":" });
            i += best_len;
            continue;
        }
        if embedded_ipv4 && i == 6 {
            let [.., a, b, c, d] = addr.octets();
            write_ipv4(out, [a, b, c, d]);
            break;
        }
        let _ = write!(out, "{:x}", words[i]);
        if i < 7 {
            out.push(':');
        }
        i += 1;
    }
}

fn push_u8(out: &mut String, value: u8) {
    if value >= 100 {
        out.push((b'0' + value / 100) as char);
    }
    if value >= 10 {
        out.push((b'0' + value / 10 % 10) as char);
    }
    out.push((b'0' + value % 10) as char);
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::with_capacity(43);
        self.write(&mut text);
        f.write_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_encodes_rfc4271_prefixes() {
        // 10.1.0.0/16: mask 16, two address bytes
        let (cidr, used) = Cidr::decode(false, &[16, 10, 1, 99]).unwrap();
        assert_eq!((cidr.to_string(), used), ("10.1.0.0/16".to_string(), 3));
        let mut out = BytesMut::new();
        cidr.encode(&mut out);
        assert_eq!(&out[..], &[16, 10, 1]);

        let (cidr, used) = Cidr::decode(false, &[0]).unwrap();
        assert_eq!((cidr.to_string(), used), ("0.0.0.0/0".to_string(), 1));

        // 2001:db8::/32
        let (cidr, used) = Cidr::decode(true, &[32, 0x20, 0x01, 0x0d, 0xb8]).unwrap();
        assert_eq!((cidr.to_string(), used), ("2001:db8::/32".to_string(), 5));

        // bits past the mask in the last byte are kept, as ExaBGP prints them
        let (cidr, _) = Cidr::decode(false, &[25, 10, 0, 0, 255]).unwrap();
        assert_eq!(cidr.to_string(), "10.0.0.255/25");
        let mut text = String::new();
        cidr.write(&mut text);
        assert_eq!(text, "10.0.0.255/25");
        let mut text = String::new();
        Cidr::decode(false, &[32, 100, 9, 0, 249])
            .unwrap()
            .0
            .write(&mut text);
        assert_eq!(text, "100.9.0.249/32");
    }

    #[test]
    fn addresses_print_as_inet_ntop() {
        let text = |a: &str| {
            let mut out = String::new();
            write_ip(&mut out, a.parse().unwrap());
            out
        };
        for (given, printed) in [
            ("2001:db8::", "2001:db8::"),
            ("::", "::"),
            ("::1", "::1"),
            ("1::", "1::"),
            ("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"),
            ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
            ("2001:db8:1:1:1:1:1:0", "2001:db8:1:1:1:1:1:0"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
            ("::ffff:10.0.0.1", "::ffff:10.0.0.1"),
            ("::10.0.0.1", "::10.0.0.1"),
            ("fe80::1:2:3:4", "fe80::1:2:3:4"),
            ("10.0.0.1", "10.0.0.1"),
            ("255.255.255.255", "255.255.255.255"),
        ] {
            assert_eq!(text(given), printed, "{given}");
        }
    }

    #[test]
    fn rejects_bad_prefixes() {
        assert_eq!(Cidr::decode(false, &[]), Err(CidrError::NoData));
        assert_eq!(
            Cidr::decode(false, &[33, 1, 2, 3, 4, 5]),
            Err(CidrError::MaskTooLong(33))
        );
        assert_eq!(Cidr::decode(false, &[24, 10, 0]), Err(CidrError::Truncated));
        assert!(Cidr::decode(true, &[128, 0]).is_err());
        assert!(Cidr::new("10.0.0.0".parse().unwrap(), 33).is_none());
    }
}
