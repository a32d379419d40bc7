//! Ports `exabgp/bgp/message/update/attribute/community/extended/traffic.py` and the extended-community half of `exabgp/configuration/flow/parser.py`: FlowSpec actions (RFC 8955 §7, RFC 8956, RFC 7674, draft-ietf-idr-flowspec-redirect-ip, draft-simpson-idr-flowspec-redirect).

use super::community::{ipv4, write_truncated};
use super::{ExtendedCommunity, Ipv6ExtendedCommunity, SubType};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// ExaBGP warns below this rate (bytes per second), except for 0 (drop).
const MIN_RATE_LIMIT_BPS: i64 = 9600;
/// ExaBGP caps the rate (bytes per second) here.
const MAX_RATE_LIMIT_BPS: i64 = 1_000_000_000_000;

fn float_at(b: &[u8; 8]) -> f32 {
    f32::from_be_bytes([b[4], b[5], b[6], b[7]])
}

/// traffic-rate in bytes per second (RFC 8955 §7.3), type 0x80 sub-type 0x06: `rate-limit:9600`.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct TrafficRate {
    pub asn: u16,
    pub rate: f32,
}

impl SubType for TrafficRate {
    const NAME: &'static str = "traffic-rate";

    /// Non-finite rates are left undescribed (shown in hexadecimal): ExaBGP fails on them.
    fn from_community(c: &ExtendedCommunity) -> Option<TrafficRate> {
        let rate = float_at(&c.0);
        (c.family() == (0x00, 0x06) && rate.is_finite()).then(|| TrafficRate {
            asn: u16::from_be_bytes([c.0[2], c.0[3]]),
            rate,
        })
    }

    fn to_community(&self) -> ExtendedCommunity {
        let [a, b] = self.asn.to_be_bytes();
        let [r0, r1, r2, r3] = self.rate.to_be_bytes();
        ExtendedCommunity::new(0x80, 0x06, [a, b, r0, r1, r2, r3])
    }
}

impl fmt::Display for TrafficRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("rate-limit:")?;
        write_truncated(f, self.rate)
    }
}

/// traffic-rate in packets per second (RFC 8955 §7.3), type 0x80 sub-type 0x0C: `rate-limit:1000:packets`.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct TrafficRatePackets {
    pub asn: u16,
    pub rate: f32,
}

impl SubType for TrafficRatePackets {
    const NAME: &'static str = "traffic-rate-packets";

    fn from_community(c: &ExtendedCommunity) -> Option<TrafficRatePackets> {
        let rate = float_at(&c.0);
        (c.family() == (0x00, 0x0C) && rate.is_finite()).then(|| TrafficRatePackets {
            asn: u16::from_be_bytes([c.0[2], c.0[3]]),
            rate,
        })
    }

    fn to_community(&self) -> ExtendedCommunity {
        let [a, b] = self.asn.to_be_bytes();
        let [r0, r1, r2, r3] = self.rate.to_be_bytes();
        ExtendedCommunity::new(0x80, 0x0C, [a, b, r0, r1, r2, r3])
    }
}

/// A negative rate is shown as 0, as ExaBGP does.
impl fmt::Display for TrafficRatePackets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("rate-limit:")?;
        write_truncated(f, self.rate.max(0.0))?;
        f.write_str(":packets")
    }
}

/// traffic-action (RFC 8955 §7.4), type 0x80 sub-type 0x07: `action sample-terminal`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct TrafficAction {
    pub sample: bool,
    pub terminal: bool,
}

impl SubType for TrafficAction {
    const NAME: &'static str = "traffic-action";

    fn from_community(c: &ExtendedCommunity) -> Option<TrafficAction> {
        (c.family() == (0x00, 0x07)).then(|| TrafficAction {
            sample: c.0[7] & 0x02 != 0,
            terminal: c.0[7] & 0x01 != 0,
        })
    }

    fn to_community(&self) -> ExtendedCommunity {
        let bits = (u8::from(self.sample) << 1) | u8::from(self.terminal);
        ExtendedCommunity::new(0x80, 0x07, [0, 0, 0, 0, 0, bits])
    }
}

/// `action sample`, `action terminal`, `action sample-terminal` (and `action ` with neither, as ExaBGP).
impl fmt::Display for TrafficAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("action ")?;
        match (self.sample, self.terminal) {
            (true, true) => f.write_str("sample-terminal"),
            (true, false) => f.write_str("sample"),
            (false, true) => f.write_str("terminal"),
            (false, false) => Ok(()),
        }
    }
}

/// rt-redirect with a 2-byte ASN (RFC 8955 §7.5), type 0x80 sub-type 0x08: `redirect:65500:12345`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct TrafficRedirect {
    pub asn: u16,
    pub target: u32,
}

impl SubType for TrafficRedirect {
    const NAME: &'static str = "redirect";

    fn from_community(c: &ExtendedCommunity) -> Option<TrafficRedirect> {
        (c.family() == (0x00, 0x08)).then(|| TrafficRedirect {
            asn: u16::from_be_bytes([c.0[2], c.0[3]]),
            target: u32::from_be_bytes([c.0[4], c.0[5], c.0[6], c.0[7]]),
        })
    }

    fn to_community(&self) -> ExtendedCommunity {
        let [a, b] = self.asn.to_be_bytes();
        let [t0, t1, t2, t3] = self.target.to_be_bytes();
        ExtendedCommunity::new(0x80, 0x08, [a, b, t0, t1, t2, t3])
    }
}

impl fmt::Display for TrafficRedirect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "redirect:{}:{}", self.asn, self.target)
    }
}

/// rt-redirect with a 4-byte ASN (RFC 7674 §3), type 0x82 sub-type 0x08.
///
/// Its text form is `redirect:4200000000:1`, but as in ExaBGP an [`ExtendedCommunity`] of
/// this family is shown (text and JSON) in hexadecimal.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct TrafficRedirectAsn4 {
    pub asn: u32,
    pub target: u16,
}

impl SubType for TrafficRedirectAsn4 {
    const NAME: &'static str = "redirect (4-byte ASN)";

    fn from_community(c: &ExtendedCommunity) -> Option<TrafficRedirectAsn4> {
        (c.family() == (0x02, 0x08)).then(|| TrafficRedirectAsn4 {
            asn: u32::from_be_bytes([c.0[2], c.0[3], c.0[4], c.0[5]]),
            target: u16::from_be_bytes([c.0[6], c.0[7]]),
        })
    }

    fn to_community(&self) -> ExtendedCommunity {
        let [a0, a1, a2, a3] = self.asn.to_be_bytes();
        let [t0, t1] = self.target.to_be_bytes();
        ExtendedCommunity::new(0x82, 0x08, [a0, a1, a2, a3, t0, t1])
    }
}

impl fmt::Display for TrafficRedirectAsn4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "redirect:{}:{}", self.asn, self.target)
    }
}

/// traffic-marking (RFC 8955 §7.6), type 0x80 sub-type 0x09: `mark 10`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct TrafficMark {
    pub dscp: u8,
}

impl SubType for TrafficMark {
    const NAME: &'static str = "traffic-marking";

    fn from_community(c: &ExtendedCommunity) -> Option<TrafficMark> {
        (c.family() == (0x00, 0x09)).then(|| TrafficMark { dscp: c.0[7] })
    }

    fn to_community(&self) -> ExtendedCommunity {
        ExtendedCommunity::new(0x80, 0x09, [0, 0, 0, 0, 0, self.dscp])
    }
}

impl fmt::Display for TrafficMark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mark {}", self.dscp)
    }
}

/// Redirect to an IPv4 next-hop (draft-ietf-idr-flowspec-redirect-ip), type 0x01 sub-type 0x0C.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct TrafficNextHopIpv4Ietf {
    pub ip: Ipv4Addr,
    pub copy: bool,
}

impl SubType for TrafficNextHopIpv4Ietf {
    const NAME: &'static str = "redirect-to-nexthop-ietf";

    fn from_community(c: &ExtendedCommunity) -> Option<TrafficNextHopIpv4Ietf> {
        (c.family() == (0x01, 0x0C)).then(|| TrafficNextHopIpv4Ietf {
            ip: ipv4(&c.0[2..6]),
            copy: c.0[7] & 0x01 != 0,
        })
    }

    fn to_community(&self) -> ExtendedCommunity {
        let [a, b, c, d] = self.ip.octets();
        ExtendedCommunity::new(0x01, 0x0C, [a, b, c, d, 0, u8::from(self.copy)])
    }
}

impl fmt::Display for TrafficNextHopIpv4Ietf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.copy {
            write!(f, "copy-to-nexthop-ietf {} (with copy)", self.ip)
        } else {
            write!(f, "redirect-to-nexthop-ietf {}", self.ip)
        }
    }
}

/// Redirect to the UPDATE's next-hop (draft-simpson-idr-flowspec-redirect), type 0x08 sub-type 0x00.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct TrafficNextHopSimpson {
    pub copy: bool,
}

impl SubType for TrafficNextHopSimpson {
    const NAME: &'static str = "redirect-to-nexthop";

    fn from_community(c: &ExtendedCommunity) -> Option<TrafficNextHopSimpson> {
        (c.family() == (0x08, 0x00)).then(|| TrafficNextHopSimpson {
            copy: c.0[7] & 0x01 != 0,
        })
    }

    fn to_community(&self) -> ExtendedCommunity {
        ExtendedCommunity::new(0x08, 0x00, [0, 0, 0, 0, 0, u8::from(self.copy)])
    }
}

impl fmt::Display for TrafficNextHopSimpson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.copy {
            "copy-to-nexthop"
        } else {
            "redirect-to-nexthop"
        })
    }
}

/// Redirect to an IPv6 next-hop (draft-ietf-idr-flowspec-redirect-ip), IPv6 address specific
/// type 0x00 sub-type 0x0C.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct TrafficNextHopIpv6Ietf {
    pub ip: Ipv6Addr,
    pub copy: bool,
}

impl TrafficNextHopIpv6Ietf {
    pub fn from_community(c: &Ipv6ExtendedCommunity) -> Option<TrafficNextHopIpv6Ietf> {
        (c.family() == (0x00, 0x0C)).then(|| {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(&c.0[2..18]);
            TrafficNextHopIpv6Ietf {
                ip: Ipv6Addr::from(octets),
                copy: c.0[19] & 0x01 != 0,
            }
        })
    }

    pub fn to_community(&self) -> Ipv6ExtendedCommunity {
        Ipv6ExtendedCommunity::new(0x00, 0x0C, self.ip, u16::from(self.copy))
    }
}

impl fmt::Display for TrafficNextHopIpv6Ietf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.copy {
            write!(f, "copy-to-nexthop-ietf {} (with copy)", self.ip)
        } else {
            write!(f, "redirect-to-nexthop-ietf {}", self.ip)
        }
    }
}

/// Redirect to the VRF of an IPv6 route target (RFC 5701 §3, RFC 7674): built as ExaBGP
/// does, an IPv6 address specific route target (type 0x00 sub-type 0x02). ExaBGP also
/// recognises sub-type 0x0B. As in ExaBGP it is shown in hexadecimal.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct TrafficRedirectIpv6 {
    pub ip: Ipv6Addr,
    pub asn: u16,
}

impl TrafficRedirectIpv6 {
    pub fn from_community(c: &Ipv6ExtendedCommunity) -> Option<TrafficRedirectIpv6> {
        matches!(c.family(), (0x00, 0x02) | (0x00, 0x0B)).then(|| {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(&c.0[2..18]);
            TrafficRedirectIpv6 {
                ip: Ipv6Addr::from(octets),
                asn: u16::from_be_bytes([c.0[18], c.0[19]]),
            }
        })
    }

    pub fn to_community(&self) -> Ipv6ExtendedCommunity {
        Ipv6ExtendedCommunity::new(0x00, 0x02, self.ip, self.asn)
    }
}

impl fmt::Display for TrafficRedirectIpv6 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "redirect {}:{}", self.ip, self.asn)
    }
}

/// What a flow `then` action adds: an extended community, or an IPv6 one.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum FlowCommunity {
    Extended(ExtendedCommunity),
    Ipv6(Ipv6ExtendedCommunity),
}

/// `discard`: traffic-rate 0 with ASN 0 (what Juniper and Arbor send, as ExaBGP notes).
pub fn discard() -> ExtendedCommunity {
    TrafficRate { asn: 0, rate: 0.0 }.to_community()
}

/// `rate-limit <n> [bytes|packets]`; `unit` is the following token if it is one of those.
///
/// Rates above 10^12 bytes/s are capped, as ExaBGP. Unlike ExaBGP, a negative rate is an
/// error in both units (RFC 8955 §7.3: it is a rate).
pub fn rate_limit(speed: &str, unit: Option<&str>) -> Result<ExtendedCommunity, String> {
    let value: i64 = speed
        .parse()
        .map_err(|_| format!("'{speed}' is not a valid rate-limit\n  Must be a whole number"))?;
    if value < 0 {
        return Err(format!("rate-limit must not be negative: {value}"));
    }
    match unit {
        Some("packets") => Ok(TrafficRatePackets {
            asn: 0,
            rate: value as f32,
        }
        .to_community()),
        Some("bytes") | None => {
            if value != 0 && value < MIN_RATE_LIMIT_BPS {
                log::warn!("flow.rate_limit.warning reason=too_low min_bps={MIN_RATE_LIMIT_BPS}");
            }
            let value = if value > MAX_RATE_LIMIT_BPS {
                log::warn!("flow.rate_limit.warning reason=too_high max_bps={MAX_RATE_LIMIT_BPS} requested={value}");
                MAX_RATE_LIMIT_BPS
            } else {
                value
            };
            Ok(TrafficRate {
                asn: 0,
                rate: value as f32,
            }
            .to_community())
        }
        Some(other) => Err(format!(
            "'{other}' is not a rate-limit unit\n  Valid options: bytes, packets"
        )),
    }
}

fn ip(value: &str) -> Result<IpAddr, String> {
    value
        .parse()
        .map_err(|_| format!("'{value}' is not a valid IP address"))
}

/// `redirect <target>`: an IP (next-hop redirect, draft-simpson), `[ipv6]`, `[ipv6]:nn`
/// (IPv6 route target), or `asn:nn` (2-byte or 4-byte ASN route target).
///
/// Returns the next-hop to use, if the form gives one, and the community. An IPv6 route
/// target goes in IPV6_EXTENDED_COMMUNITIES; ExaBGP put its twenty bytes in the eight-byte
/// EXTENDED_COMMUNITIES attribute, which no peer can parse.
pub fn redirect(data: &str) -> Result<(Option<IpAddr>, FlowCommunity), String> {
    let simpson = FlowCommunity::Extended(redirect_to_nexthop());
    let count = data.matches(':').count();
    let bracketed = data.contains('[') || data.contains(']');
    if count == 0 || (count > 1 && !bracketed) {
        return Ok((Some(ip(data)?), simpson));
    }
    if let Some(inner) = data.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        return Ok((Some(ip(inner)?), simpson));
    }
    if count > 1 {
        let Some((address, nn)) = data.split_once("]:") else {
            return match ip(data) {
                Ok(address) => Ok((Some(address), simpson)),
                Err(_) => Err(
                    "it looks like you tried to use an IPv6 but did not enclose it in []"
                        .to_string(),
                ),
            };
        };
        let address = address.replacen('[', "", 1);
        let nn: u16 = nn.parse().map_err(|_| {
            format!(
                "Local administrator field is a 16 bits number, value too large or invalid {nn}"
            )
        })?;
        let v6: Ipv6Addr = address
            .parse()
            .map_err(|_| format!("'{address}' is not a valid IPv6 address"))?;
        let community = TrafficRedirectIpv6 { ip: v6, asn: nn }.to_community();
        return Ok((Some(IpAddr::V6(v6)), FlowCommunity::Ipv6(community)));
    }
    let (prefix, suffix) = data.split_once(':').unwrap_or((data, ""));
    if prefix.contains('.') {
        return Err(
            "this format has been deprecated as it does not make sense and it is not supported by other vendors"
                .to_string(),
        );
    }
    let asn: u32 = prefix
        .parse()
        .map_err(|_| format!("asn is invalid, must be 0 to 4294967295 (32 bits): {prefix}"))?;
    let nn: u64 = suffix
        .parse()
        .map_err(|_| format!("invalid redirect local administrator {suffix}"))?;
    if asn > 0xFFFF {
        let target = u16::try_from(nn).map_err(|_| {
            format!("asn is a 32 bits number, local administrator field can only be 16 bit {nn}")
        })?;
        return Ok((
            None,
            FlowCommunity::Extended(TrafficRedirectAsn4 { asn, target }.to_community()),
        ));
    }
    let target = u32::try_from(nn).map_err(|_| {
        format!("Local administrator field is a 32 bits number, value too large {nn}")
    })?;
    Ok((
        None,
        FlowCommunity::Extended(
            TrafficRedirect {
                asn: asn as u16,
                target,
            }
            .to_community(),
        ),
    ))
}

/// `redirect-to-nexthop`: use the UPDATE's next-hop.
pub fn redirect_to_nexthop() -> ExtendedCommunity {
    TrafficNextHopSimpson { copy: false }.to_community()
}

/// `redirect-to-nexthop-ietf <ip>`.
pub fn redirect_to_nexthop_ietf(value: &str) -> Result<FlowCommunity, String> {
    Ok(match ip(value)? {
        IpAddr::V4(ip) => {
            FlowCommunity::Extended(TrafficNextHopIpv4Ietf { ip, copy: false }.to_community())
        }
        IpAddr::V6(ip) => {
            FlowCommunity::Ipv6(TrafficNextHopIpv6Ietf { ip, copy: false }.to_community())
        }
    })
}

/// `copy <ip>`: the next-hop and the copy flavour of redirect-to-nexthop.
pub fn copy(value: &str) -> Result<(IpAddr, ExtendedCommunity), String> {
    Ok((
        ip(value)?,
        TrafficNextHopSimpson { copy: true }.to_community(),
    ))
}

/// `mark <dscp>` with DSCP 0 to 63.
pub fn mark(value: &str) -> Result<ExtendedCommunity, String> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "'{value}' is not a valid DSCP mark value\n  Must be a number 0-63"
        ));
    }
    match value.parse::<u8>() {
        Ok(dscp) if dscp <= 0b11_1111 => Ok(TrafficMark { dscp }.to_community()),
        _ => Err(format!(
            "DSCP value {value} is out of range\n  Must be 0-63"
        )),
    }
}

/// `action sample|terminal|sample-terminal` (ExaBGP looks for either word in the token).
pub fn action(value: &str) -> Result<ExtendedCommunity, String> {
    let sample = value.contains("sample");
    let terminal = value.contains("terminal");
    if !sample && !terminal {
        return Err(format!(
            "'{value}' is not a valid flow action\n  Valid options: sample, terminal, sample-terminal"
        ));
    }
    Ok(TrafficAction { sample, terminal }.to_community())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(c: ExtendedCommunity) -> String {
        let mut out = String::new();
        c.json(&mut out);
        out
    }

    #[test]
    fn rate_limits_from_qa() {
        assert_eq!(discard().0, [0x80, 0x06, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            json(discard()),
            "{ \"value\": 9225060886715039744, \"string\": \"rate-limit:0\" }"
        );
        // 9600.0f32 = 0x46160000
        let c = rate_limit("9600", None).unwrap();
        assert_eq!(c.0, [0x80, 0x06, 0, 0, 0x46, 0x16, 0, 0]);
        assert_eq!(
            json(c),
            "{ \"value\": 9225060887890886656, \"string\": \"rate-limit:9600\" }"
        );
        let c = rate_limit("1250000000", Some("bytes")).unwrap();
        assert_eq!(u64::from_be_bytes(c.0), 9225060888033428217);
        assert_eq!(c.to_string(), "rate-limit:1250000000");
        let c = rate_limit("1000", Some("packets")).unwrap();
        assert_eq!(
            json(c),
            "{ \"value\": 9226749737724149760, \"string\": \"rate-limit:1000:packets\" }"
        );
        assert_eq!(
            TrafficRate::decode(&discard().0),
            Ok(TrafficRate { asn: 0, rate: 0.0 })
        );
        assert!(rate_limit("-1", None).is_err());
        assert!(rate_limit("fast", None).is_err());
        assert!(rate_limit("1", Some("bits")).is_err());
        // capped at 10^12 bytes/s
        let capped =
            TrafficRate::from_community(&rate_limit("9999999999999", None).unwrap()).unwrap();
        assert_eq!(capped.rate, 1e12f32);
    }

    #[test]
    fn non_finite_rates_are_hexadecimal() {
        let nan = ExtendedCommunity([0x80, 0x06, 0, 0, 0x7F, 0xC0, 0, 0]);
        assert_eq!(nan.to_string(), "0x800600007FC00000");
        let negative = ExtendedCommunity([0x80, 0x0C, 0, 0, 0xC0, 0, 0, 0]);
        assert_eq!(negative.to_string(), "rate-limit:0:packets");
        let fraction = ExtendedCommunity([0x80, 0x06, 0, 0, 0x3F, 0xC0, 0, 0]);
        assert_eq!(fraction.to_string(), "rate-limit:1");
    }

    #[test]
    fn actions_marks_redirects_from_qa() {
        let c = action("sample-terminal").unwrap();
        assert_eq!(
            json(c),
            "{ \"value\": 9225342361691750403, \"string\": \"action sample-terminal\" }"
        );
        assert_eq!(action("terminal").unwrap().to_string(), "action terminal");
        assert!(action("nothing").is_err());
        let c = mark("10").unwrap();
        assert_eq!(c.0, [0x80, 0x09, 0, 0, 0, 0, 0, 10]);
        assert_eq!(
            json(c),
            "{ \"value\": 9225905311645171722, \"string\": \"mark 10\" }"
        );
        assert!(mark("64").is_err());
        assert!(mark("x").is_err());
        let (nh, c) = redirect("65001:119").unwrap();
        assert_eq!(nh, None);
        assert_eq!(
            c,
            FlowCommunity::Extended(ExtendedCommunity([0x80, 0x08, 0xFD, 0xE9, 0, 0, 0, 119]))
        );
        let (_, c) = redirect("258:33756718").unwrap();
        let FlowCommunity::Extended(c) = c else {
            panic!("an extended community")
        };
        assert_eq!(
            json(c),
            "{ \"value\": 9225624944803780142, \"string\": \"redirect:258:33756718\" }"
        );
    }

    #[test]
    fn redirect_forms() {
        let simpson = FlowCommunity::Extended(ExtendedCommunity([0x08, 0, 0, 0, 0, 0, 0, 0]));
        assert_eq!(
            redirect("1.2.3.4").unwrap(),
            (Some("1.2.3.4".parse().unwrap()), simpson)
        );
        assert_eq!(
            redirect("2001:db8::1").unwrap(),
            (Some("2001:db8::1".parse().unwrap()), simpson)
        );
        assert_eq!(
            redirect("[2001:db8::1]").unwrap(),
            (Some("2001:db8::1".parse().unwrap()), simpson)
        );
        let (nh, c) = redirect("[2001:db8::1]:10").unwrap();
        assert_eq!(nh, Some("2001:db8::1".parse().unwrap()));
        let FlowCommunity::Ipv6(c) = c else {
            panic!("an IPv6 extended community")
        };
        assert_eq!(&c.0[..4], &[0x00, 0x02, 0x20, 0x01]);
        assert_eq!(&c.0[18..], &[0, 10]);
        assert_eq!(
            TrafficRedirectIpv6::from_community(&c),
            Some(TrafficRedirectIpv6 {
                ip: "2001:db8::1".parse().unwrap(),
                asn: 10
            })
        );
        let (nh, c) = redirect("4200000000:7").unwrap();
        assert_eq!(nh, None);
        let FlowCommunity::Extended(c) = c else {
            panic!("an extended community")
        };
        assert_eq!(c.0, [0x82, 0x08, 0xFA, 0x56, 0xEA, 0x00, 0, 7]);
        assert_eq!(
            TrafficRedirectAsn4::decode(&c.0).unwrap().to_string(),
            "redirect:4200000000:7"
        );
        for bad in [
            "1.2.3.4:5",
            "4200000000:65536",
            "1:4294967296",
            "x:1",
            "[zz]:1",
            "[::1]:70000",
            "nonsense",
        ] {
            assert!(redirect(bad).is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn next_hops_from_qa() {
        let FlowCommunity::Extended(c) = redirect_to_nexthop_ietf("1.2.3.4").unwrap() else {
            panic!("an extended community")
        };
        assert_eq!(
            json(c),
            "{ \"value\": 75436401910611968, \"string\": \"redirect-to-nexthop-ietf 1.2.3.4\" }"
        );
        let FlowCommunity::Ipv6(c) = redirect_to_nexthop_ietf("2A02:B80:0:1::1").unwrap() else {
            panic!("an IPv6 extended community")
        };
        assert_eq!(c.to_string(), "redirect-to-nexthop-ietf 2a02:b80:0:1::1");
        assert_eq!(
            json(redirect_to_nexthop()),
            "{ \"value\": 576460752303423488, \"string\": \"redirect-to-nexthop\" }"
        );
        let (nh, c) = copy("1.2.3.4").unwrap();
        assert_eq!(nh, "1.2.3.4".parse::<IpAddr>().unwrap());
        assert_eq!(
            json(c),
            "{ \"value\": 576460752303423489, \"string\": \"copy-to-nexthop\" }"
        );
        let with_copy = TrafficNextHopIpv4Ietf {
            ip: Ipv4Addr::new(1, 2, 3, 4),
            copy: true,
        };
        assert_eq!(
            with_copy.to_string(),
            "copy-to-nexthop-ietf 1.2.3.4 (with copy)"
        );
        assert_eq!(
            TrafficNextHopIpv4Ietf::decode(&with_copy.to_community().0),
            Ok(with_copy)
        );
    }
}
