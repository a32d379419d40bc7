//! Ports `exabgp/bgp/message/update/attribute/community/extended/community.py`: one extended community (RFC 4360 §2, RFC 5701 §2).

use super::super::{hex_digits, write_decimal, CommunityError};
use super::{
    chso, encapsulation, flowspec_scope, l2info, mac_mobility, mup, origin, rt, rt_record, traffic,
};
use crate::util::json;
use bytes::{BufMut, BytesMut};
use std::fmt;
use std::net::Ipv4Addr;

/// One extended community: type, sub-type and six bytes of value, as on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct ExtendedCommunity(pub [u8; 8]);

/// One IPv6 address specific extended community (RFC 5701): 20 bytes as on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Ipv6ExtendedCommunity(pub [u8; 20]);

/// A typed view of one sub-type family of extended community.
///
/// ExaBGP recognises a family by the low four bits of the type and the sub-type (so the
/// IANA and transitive bits do not matter); `from_community` does the same. Families whose
/// constructors can clear the transitive bit keep the type's high bits (`flags`); the others
/// are written back with their canonical type byte. The attribute itself keeps raw bytes, so
/// a received value is never rewritten.
pub trait SubType: Sized + fmt::Display {
    /// The family's name in errors.
    const NAME: &'static str;

    /// The typed view, if `community` belongs to this family.
    fn from_community(community: &ExtendedCommunity) -> Option<Self>;

    /// The wire value.
    fn to_community(&self) -> ExtendedCommunity;

    /// Decodes eight bytes of this family.
    fn decode(data: &[u8]) -> Result<Self, CommunityError> {
        let community = ExtendedCommunity::decode(data)?;
        Self::from_community(&community).ok_or(CommunityError::SubType { what: Self::NAME })
    }

    /// Writes the eight value bytes.
    fn encode(&self, out: &mut BytesMut) {
        self.to_community().encode(out);
    }

    /// ExaBGP's JSON object for this value.
    fn json(&self, out: &mut String) {
        self.to_community().json(out);
    }
}

/// Renders a four-byte float as Python's `'%d' % value` does (truncated toward zero).
pub(crate) fn write_truncated(f: &mut fmt::Formatter<'_>, value: f32) -> fmt::Result {
    let truncated = f64::from(value).trunc();
    if truncated == 0.0 {
        f.write_str("0")
    } else {
        write!(f, "{truncated:.0}")
    }
}

impl ExtendedCommunity {
    /// Builds a value from its type byte, sub-type and six value bytes.
    pub fn new(kind: u8, subtype: u8, value: [u8; 6]) -> ExtendedCommunity {
        let mut bytes = [kind, subtype, 0, 0, 0, 0, 0, 0];
        bytes[2..].copy_from_slice(&value);
        ExtendedCommunity(bytes)
    }

    /// Decodes exactly eight bytes.
    pub fn decode(data: &[u8]) -> Result<ExtendedCommunity, CommunityError> {
        data.try_into()
            .map(ExtendedCommunity)
            .map_err(|_| CommunityError::Length {
                what: "extended community",
                expected: 8,
                got: data.len(),
            })
    }

    pub fn encode(&self, out: &mut BytesMut) {
        out.put_slice(&self.0);
    }

    /// The key ExaBGP dispatches on: low four bits of the type, and the sub-type.
    pub fn family(&self) -> (u8, u8) {
        (self.0[0] & 0x0F, self.0[1])
    }

    /// The high four bits of the type (IANA authority and transitive bits).
    pub fn flags(&self) -> u8 {
        self.0[0] & 0xF0
    }

    /// RFC 4360 §2: the T bit set means non-transitive.
    pub fn transitive(&self) -> bool {
        self.0[0] & 0x40 == 0
    }

    /// The six value bytes.
    pub fn value(&self) -> [u8; 6] {
        let mut value = [0u8; 6];
        value.copy_from_slice(&self.0[2..]);
        value
    }

    /// Writes ExaBGP's description of a known family; false when ExaBGP has none.
    fn describe(&self, f: &mut fmt::Formatter<'_>) -> Option<fmt::Result> {
        macro_rules! as_family {
            ($($family:ty),*) => {
                $(if let Some(typed) = <$family>::from_community(self) {
                    return Some(write!(f, "{typed}"));
                })*
            };
        }
        as_family!(
            rt::RouteTarget,
            origin::Origin,
            rt_record::RtRecord,
            traffic::TrafficRate,
            traffic::TrafficRatePackets,
            traffic::TrafficAction,
            traffic::TrafficRedirect,
            traffic::TrafficMark,
            traffic::TrafficNextHopIpv4Ietf,
            traffic::TrafficNextHopSimpson,
            encapsulation::Encapsulation,
            l2info::L2Info,
            mac_mobility::MacMobility,
            chso::ConsistentHashSortOrder,
            flowspec_scope::InterfaceSet,
            mup::MupExtendedCommunity
        );
        // ExaBGP's redirect with a 4-byte ASN has no description of its own, and its link
        // bandwidth class is never registered (nothing imports it): both are shown as
        // hexadecimal, like every unknown family.
        None
    }

    /// ExaBGP's JSON: `{ "value": <the 64 bits as a number>, "string": "<text form>" }`,
    /// with `"transitive"` added for interface-set.
    pub fn json(&self, out: &mut String) {
        out.push_str("{ \"value\": ");
        write_decimal(&self.0, out);
        // the descriptions are ASCII without quotes or backslashes: no escaping needed
        json::Members::after(out).text("string", self);
        if flowspec_scope::InterfaceSet::from_community(self).is_some() {
            out.push_str(if self.transitive() {
                ", \"transitive\": true"
            } else {
                ", \"transitive\": false"
            });
        }
        out.push_str(" }");
    }

    /// Parses one value of `extended-community [ ... ]` as ExaBGP's configuration does:
    /// `target:65000:1`, `65000:1` (a target), `target:1.2.3.4:5`, `origin:...`,
    /// `redirect:65000:1`, `l2info:a:b:c:d`, `bandwidth:asn:speed`, `mup:a:b`,
    /// `redirect-to-nexthop`, or sixteen hexadecimal digits after `0x`.
    ///
    /// As in ExaBGP, `target`/`origin` with a first part above 65535, dotted, or suffixed `L`
    /// use type 0x01 (IPv4 address as global administrator), so a 4-byte ASN reads back as
    /// an address (`target:70000:1` is shown `target:0.1.17.112:1`).
    pub fn parse(value: &str) -> Result<ExtendedCommunity, String> {
        if !value.contains(':') {
            if let Some(digits) = hex_digits(value) {
                return parse_hex(value, digits);
            }
            if value == "redirect-to-nexthop" {
                return Ok(ExtendedCommunity::new(0x08, 0x00, [0; 6]));
            }
            return Err(format!(
                "invalid extended community {value}: expecting type:admin:value or 0x..."
            ));
        }
        let mut parts: Vec<&str> = value.split(':').collect();
        let mut command = if parts.len() == 2 {
            "target".to_string()
        } else {
            parts.remove(0).to_string()
        };
        let mut components = Vec::with_capacity(parts.len());
        for part in &parts {
            components.push(component(part, value)?);
        }
        let first = parts[0];
        if (command == "target" || command == "origin")
            && (components[0] > 0xFFFF || first.contains('.') || first.ends_with('L'))
        {
            command.push('4');
        }
        let (kind, subtype, sizes): (u8, u8, &[u8]) = match command.as_str() {
            "target" => (0x00, 0x02, b"HL"),
            "target4" => (0x01, 0x02, b"LH"),
            "origin" => (0x00, 0x03, b"HL"),
            "origin4" => (0x01, 0x03, b"LH"),
            "redirect" => (0x80, 0x08, b"HL"),
            "l2info" => (0x80, 0x0A, b"BBHH"),
            "bandwidth" => (0x40, 0x04, b"Hf"),
            "mup" => (0x0C, 0x00, b"HL"),
            _ => {
                return Err(format!(
                    "invalid extended community type {command} in {value}"
                ))
            }
        };
        if components.len() != sizes.len() {
            return Err(format!(
                "invalid extended community {value}: {command} expects {} fields, got {}",
                sizes.len(),
                components.len()
            ));
        }
        let mut bytes = Vec::with_capacity(6);
        for (size, number) in sizes.iter().zip(components) {
            let max = match size {
                b'B' => 0xFF,
                b'H' => 0xFFFF,
                _ => 0xFFFF_FFFF,
            };
            if number > max {
                return Err(format!(
                    "invalid extended community {value}: {number} is too large"
                ));
            }
            match size {
                b'B' => bytes.push(number as u8),
                b'H' => bytes.extend_from_slice(&(number as u16).to_be_bytes()),
                b'L' => bytes.extend_from_slice(&(number as u32).to_be_bytes()),
                _ => bytes.extend_from_slice(&(number as f32).to_be_bytes()),
            }
        }
        let mut six = [0u8; 6];
        six.copy_from_slice(&bytes);
        Ok(ExtendedCommunity::new(kind, subtype, six))
    }
}

/// One `:`-separated part: a decimal number (a trailing `L` is allowed, it forces the
/// 4-byte form), or a dotted IPv4 address taken as a 32-bit number.
fn component(part: &str, value: &str) -> Result<u64, String> {
    let digits = part.strip_suffix('L').unwrap_or(part);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return digits
            .parse::<u64>()
            .map_err(|_| format!("invalid extended community {value}: {part} is too large"));
    }
    let parts: Vec<&str> = part.split('.').collect();
    if parts.len() != 4 {
        return Err(format!(
            "invalid extended community: {value}\n  Expecting 4 dotted decimal parts, got {}",
            parts.len()
        ));
    }
    let mut number: u64 = 0;
    for p in parts {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "invalid extended community: {value}\n  \"{p}\" is not a decimal number"
            ));
        }
        match p.parse::<u8>() {
            Ok(byte) => number = (number << 8) | u64::from(byte),
            Err(_) => {
                return Err(format!(
                    "invalid extended community: {value}\n  \"{p}\" is larger than 255"
                ))
            }
        }
    }
    Ok(number)
}

fn parse_hex(value: &str, digits: &str) -> Result<ExtendedCommunity, String> {
    if digits.len() != 16 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "invalid extended community {value}: expecting 0x and 16 hexadecimal digits"
        ));
    }
    let mut bytes = [0u8; 8];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&digits[i * 2..i * 2 + 2], 16)
            .map_err(|_| format!("invalid extended community {value}"))?;
    }
    Ok(ExtendedCommunity(bytes))
}

fn write_hex(bytes: &[u8], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(&crate::util::hex::hexstring(bytes))
}

/// ExaBGP's text form: the family's description (`target:65000:1`, `rate-limit:9600`, ...),
/// else the bytes in hexadecimal (`0x0006000000000000`).
impl fmt::Display for ExtendedCommunity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.describe(f) {
            Some(result) => result,
            None => write_hex(&self.0, f),
        }
    }
}

impl Ipv6ExtendedCommunity {
    /// Builds a value from type, sub-type, global administrator address and local administrator.
    pub fn new(
        kind: u8,
        subtype: u8,
        address: std::net::Ipv6Addr,
        local: u16,
    ) -> Ipv6ExtendedCommunity {
        let mut bytes = [0u8; 20];
        bytes[0] = kind;
        bytes[1] = subtype;
        bytes[2..18].copy_from_slice(&address.octets());
        bytes[18..].copy_from_slice(&local.to_be_bytes());
        Ipv6ExtendedCommunity(bytes)
    }

    /// Decodes exactly twenty bytes.
    pub fn decode(data: &[u8]) -> Result<Ipv6ExtendedCommunity, CommunityError> {
        data.try_into()
            .map(Ipv6ExtendedCommunity)
            .map_err(|_| CommunityError::Length {
                what: "ipv6 extended community",
                expected: 20,
                got: data.len(),
            })
    }

    pub fn encode(&self, out: &mut BytesMut) {
        out.put_slice(&self.0);
    }

    /// The key ExaBGP dispatches on: low four bits of the type, and the sub-type.
    pub fn family(&self) -> (u8, u8) {
        (self.0[0] & 0x0F, self.0[1])
    }

    pub fn transitive(&self) -> bool {
        self.0[0] & 0x40 == 0
    }

    /// ExaBGP's JSON: `{ "value": <160-bit number>, "string": "<text form>" }`.
    pub fn json(&self, out: &mut String) {
        out.push_str("{ \"value\": ");
        write_decimal(&self.0, out);
        json::Members::after(out).text("string", self);
        out.push_str(" }");
    }
}

/// ExaBGP's text form: `redirect-to-nexthop-ietf <ipv6>` for the one family it describes,
/// else the twenty bytes in hexadecimal.
impl fmt::Display for Ipv6ExtendedCommunity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match traffic::TrafficNextHopIpv6Ietf::from_community(self) {
            Some(typed) => write!(f, "{typed}"),
            None => write_hex(&self.0, f),
        }
    }
}

/// An IPv4 address from four bytes of a value.
pub(crate) fn ipv4(bytes: &[u8]) -> Ipv4Addr {
    let mut octets = [0u8; 4];
    octets.copy_from_slice(&bytes[..4]);
    Ipv4Addr::from(octets)
}

#[cfg(test)]
mod tests {
    use super::super::bandwidth;
    use super::*;
    use proptest::prelude::*;

    fn json(c: ExtendedCommunity) -> String {
        let mut out = String::new();
        c.json(&mut out);
        out
    }

    fn parsed(value: &str) -> [u8; 8] {
        ExtendedCommunity::parse(value).unwrap().0
    }

    #[test]
    fn unknown_families_are_hexadecimal() {
        let c = ExtendedCommunity([0x06, 0x04, 0, 0, 0, 0, 0, 0x10]);
        assert_eq!(c.to_string(), "0x0604000000000010");
        assert_eq!(
            json(c),
            "{ \"value\": 433471464134410256, \"string\": \"0x0604000000000010\" }"
        );
        // redirect with a 4-byte ASN: ExaBGP has no description for it either
        let c = ExtendedCommunity([0x82, 0x08, 0, 1, 0x11, 0x70, 0, 1]);
        assert_eq!(c.to_string(), "0x8208000111700001");
    }

    /// ExaBGP main's decode of an UPDATE carrying link bandwidth 65000:1000 (type 0x40,
    /// sub-type 0x04) shows its bytes: main's Bandwidth class is never registered.
    #[test]
    fn link_bandwidth_is_hexadecimal_as_exabgp_main() {
        let c = ExtendedCommunity::parse("bandwidth:65000:1000").unwrap();
        assert_eq!(
            json(c),
            "{ \"value\": 4613091092357316608, \"string\": \"0x4004FDE8447A0000\" }"
        );
        let transitive = ExtendedCommunity([0x00, 0x04, 0xFD, 0xE8, 0x44, 0x7A, 0, 0]);
        assert_eq!(transitive.to_string(), "0x0004FDE8447A0000");
    }

    #[test]
    fn parse_targets_and_origins() {
        // qa json: target:65000:1 = 842122827661313 = 0x0002FDE800000001
        assert_eq!(
            parsed("target:65000:1"),
            [0x00, 0x02, 0xFD, 0xE8, 0, 0, 0, 1]
        );
        assert_eq!(parsed("65000:1"), [0x00, 0x02, 0xFD, 0xE8, 0, 0, 0, 1]);
        assert_eq!(
            u64::from_be_bytes(parsed("target:65000:1")),
            842122827661313
        );
        // 4-byte ASN: type 0x01 as ExaBGP (qa: target:0.1.19.200:6000)
        assert_eq!(
            parsed("target:70600:6000"),
            [0x01, 0x02, 0, 1, 19, 200, 0x17, 0x70]
        );
        assert_eq!(
            ExtendedCommunity::parse("target:70600:6000")
                .unwrap()
                .to_string(),
            "target:0.1.19.200:6000"
        );
        assert_eq!(parsed("target:10L:1"), [0x01, 0x02, 0, 0, 0, 10, 0, 1]);
        assert_eq!(
            parsed("target:8.8.8.8:8000"),
            [0x01, 0x02, 8, 8, 8, 8, 0x1F, 0x40]
        );
        assert_eq!(
            parsed("origin:2345:6.7.8.9"),
            [0x00, 0x03, 0x09, 0x29, 6, 7, 8, 9]
        );
        assert_eq!(
            parsed("origin:2.3.4.5:6789"),
            [0x01, 0x03, 2, 3, 4, 5, 0x1A, 0x85]
        );
        // qa json values for those two
        assert_eq!(
            u64::from_be_bytes(parsed("origin:2345:6.7.8.9")),
            854496729565193
        );
        assert_eq!(
            u64::from_be_bytes(parsed("origin:2.3.4.5:6789")),
            72904230943660677
        );
    }

    #[test]
    fn parse_other_types() {
        assert_eq!(
            parsed("redirect:65500:12345"),
            [0x80, 0x08, 0xFF, 0xDC, 0, 0, 0x30, 0x39]
        );
        assert_eq!(
            u64::from_be_bytes(parsed("redirect:65500:12345")),
            9225905157026361401
        );
        assert_eq!(
            parsed("l2info:19:0:1500:111"),
            [0x80, 0x0A, 19, 0, 0x05, 0xDC, 0, 111]
        );
        assert_eq!(
            u64::from_be_bytes(parsed("l2info:19:0:1500:111")),
            9226207677441114223
        );
        assert_eq!(parsed("mup:10:10"), [0x0C, 0x00, 0, 10, 0, 0, 0, 10]);
        assert_eq!(u64::from_be_bytes(parsed("mup:10:10")), 864691171404808202);
        // 1000.0 as f32 is 0x447A0000
        assert_eq!(
            parsed("bandwidth:65000:1000"),
            [0x40, 0x04, 0xFD, 0xE8, 0x44, 0x7A, 0, 0]
        );
        assert_eq!(parsed("redirect-to-nexthop"), [0x08, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            parsed("0x0002FDE800000001"),
            [0x00, 0x02, 0xFD, 0xE8, 0, 0, 0, 1]
        );
    }

    /// Configuration values of qa conf-extended-attributes and the eight value bytes of the
    /// C0 10 08 attribute in the matching raw lines of conf-extended-attributes.ci.
    #[test]
    fn parse_matches_qa_raw_lines() {
        for (value, hex) in [
            ("origin:100:1000", "00030064000003E8"),
            ("target:200:2000", "000200C8000007D0"),
            ("origin:300:73000", "0003012C00011D28"),
            ("target:400:74000", "0002019000012110"),
            ("origin:70500:5000", "0103000113641388"),
            ("target:70600:6000", "0102000113C81770"),
            ("origin:7.7.7.7:7000", "0103070707071B58"),
            ("target:8.8.8.8:8000", "0102080808081F40"),
            ("origin:9000:9.9.9.9", "0003232809090909"),
            ("target:1000:10.10.10.10", "000203E80A0A0A0A"),
            ("origin4:71100:11000", "0103000115BC2AF8"),
            ("target4:71200:12000", "0102000116202EE0"),
            ("redirect:1300:83000", "8008051400014438"),
            ("redirect:1400:84000", "8008057800014820"),
            ("l2info:1:2:13398:30864", "800A010234567890"),
        ] {
            let bytes = parsed(value);
            let text: String = crate::util::hex::upper(&bytes);
            assert_eq!(text, hex, "{value}");
        }
    }

    #[test]
    fn parse_errors() {
        for bad in [
            "target:65000:4294967296",
            "target:1.2.3:4",
            "target:1.2.3.256:4",
            "redirect:70000:1",
            "l2info:256:0:0:0",
            "l2info:1:2:3",
            "bogus:1:2",
            "nonsense",
            "0x00",
            "0x0002FDE80000000G",
            "target:",
            ":",
            "redirect-to-nexthop:1:2",
        ] {
            assert!(
                ExtendedCommunity::parse(bad).is_err(),
                "{bad} should not parse"
            );
        }
    }

    #[test]
    fn ipv6_json_matches_qa() {
        // qa: redirect-to-nexthop-ietf 2a02:b80:0:1::1 in IPV6_EXTENDED_COMMUNITIES
        let c = Ipv6ExtendedCommunity::new(0x00, 0x0C, "2a02:b80:0:1::1".parse().unwrap(), 0);
        let mut out = String::new();
        c.json(&mut out);
        assert_eq!(
            out,
            "{ \"value\": 271268354242357201462255214013497395816497152, \
             \"string\": \"redirect-to-nexthop-ietf 2a02:b80:0:1::1\" }"
        );
        assert!(Ipv6ExtendedCommunity::decode(&[0; 19]).is_err());
        let unknown = Ipv6ExtendedCommunity([
            0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        ]);
        assert_eq!(
            unknown.to_string(),
            "0x0002000000000000000000000000000000000001"
        );
    }

    proptest! {
        #[test]
        fn any_eight_bytes_describe_and_round_trip(bytes in any::<[u8; 8]>()) {
            let c = ExtendedCommunity::decode(&bytes).unwrap();
            let text = c.to_string();
            prop_assert!(!text.is_empty());
            prop_assert!(!text.contains('"') && !text.contains('\\'), "JSON-safe text {}", text);
            let mut out = String::new();
            c.json(&mut out);
            prop_assert!(out.starts_with("{ \"value\": "), "json {}", out);
            let mut wire = BytesMut::new();
            c.encode(&mut wire);
            prop_assert_eq!(&wire[..], &bytes[..]);
        }

        /// Every typed view gives back a value with the same view (its own round trip),
        /// and keeps the transitive bit where the family can clear it.
        #[test]
        fn typed_views_round_trip(bytes in any::<[u8; 8]>()) {
            let c = ExtendedCommunity(bytes);
            macro_rules! check {
                ($($family:ty),*) => {
                    $(if let Some(typed) = <$family>::from_community(&c) {
                        let again = <$family>::from_community(&typed.to_community());
                        prop_assert_eq!(again, Some(typed));
                        prop_assert_eq!(typed.to_community().family(), c.family());
                    })*
                };
            }
            check!(
                rt::RouteTarget,
                origin::Origin,
                rt_record::RtRecord,
                traffic::TrafficAction,
                traffic::TrafficRedirect,
                traffic::TrafficRedirectAsn4,
                traffic::TrafficMark,
                traffic::TrafficNextHopIpv4Ietf,
                traffic::TrafficNextHopSimpson,
                encapsulation::Encapsulation,
                l2info::L2Info,
                mac_mobility::MacMobility,
                chso::ConsistentHashSortOrder,
                flowspec_scope::InterfaceSet,
                mup::MupExtendedCommunity
            );
            // float-carrying families compare by bits (NaN is not equal to itself)
            if let Some(rate) = traffic::TrafficRate::from_community(&c) {
                prop_assert_eq!(&rate.to_community().0[2..], &c.0[2..]);
            }
            if let Some(rate) = traffic::TrafficRatePackets::from_community(&c) {
                prop_assert_eq!(&rate.to_community().0[2..], &c.0[2..]);
            }
            if let Some(bandwidth) = bandwidth::Bandwidth::from_community(&c) {
                prop_assert_eq!(&bandwidth.to_community().0[2..], &c.0[2..]);
            }
            // families that keep the type's high bits give back the very same bytes
            let exact = [
                rt::RouteTarget::from_community(&c).map(|t| t.to_community()),
                origin::Origin::from_community(&c).map(|t| t.to_community()),
                rt_record::RtRecord::from_community(&c).map(|t| t.to_community()),
                mup::MupExtendedCommunity::from_community(&c).map(|t| t.to_community()),
            ];
            for back in exact.into_iter().flatten() {
                prop_assert_eq!(back, c);
            }
            if let Some(set) = flowspec_scope::InterfaceSet::from_community(&c) {
                prop_assert_eq!(set.to_community().transitive(), c.transitive());
            }
        }

        #[test]
        fn any_twenty_bytes_describe(bytes in any::<[u8; 20]>()) {
            let c = Ipv6ExtendedCommunity::decode(&bytes).unwrap();
            let mut out = String::new();
            c.json(&mut out);
            prop_assert!(out.ends_with(" }"), "json {}", out);
        }

        #[test]
        fn parse_never_panics(value in "[a-z0-9:.xL-]{0,24}", any_text in "\\PC{0,24}") {
            let _ = ExtendedCommunity::parse(&value);
            let _ = ExtendedCommunity::parse(&any_text);
            let _ = super::super::super::initial::Community::parse(&any_text);
            let _ = super::super::super::large::LargeCommunity::parse(&any_text);
            let _ = super::super::traffic::redirect(&any_text);
            let _ = super::super::flowspec_scope::InterfaceSet::parse(&any_text);
        }
    }
}
