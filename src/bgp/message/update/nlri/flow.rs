//! Ports `exabgp/bgp/message/update/nlri/flow.py`: FlowSpec NLRI for IPv4, IPv6 and VPN
//! (RFC 8955 §4, RFC 8956 §3, SAFI 133 and 134), with the value names of
//! `exabgp/protocol/ip/{fragment,icmp,tcp/flag}.py` and `exabgp/protocol/__init__.py`.

use super::cidr::Cidr;
use super::qualifier::RouteDistinguisher;
use crate::bgp::message::Notification;
use crate::protocol::family::{Afi, Family, Safi};
use crate::util::json;
use bytes::{BufMut, Bytes, BytesMut};
use std::fmt::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Component types (RFC 8955 §4.2.2, RFC 8956 §3).
pub const DESTINATION: u8 = 1;
pub const SOURCE: u8 = 2;
pub const PROTOCOL: u8 = 3;
pub const PORT: u8 = 4;
pub const DESTINATION_PORT: u8 = 5;
pub const SOURCE_PORT: u8 = 6;
pub const ICMP_TYPE: u8 = 7;
pub const ICMP_CODE: u8 = 8;
pub const TCP_FLAGS: u8 = 9;
pub const PACKET_LENGTH: u8 = 10;
pub const DSCP: u8 = 11;
pub const FRAGMENT: u8 = 12;
pub const FLOW_LABEL: u8 = 13;

/// Operator byte bits (RFC 8955 §4.2.1.1, §4.2.1.2).
pub const EOL: u8 = 0x80;
pub const AND: u8 = 0x40;
const LEN: u8 = 0x30;
pub const LT: u8 = 0x04;
pub const GT: u8 = 0x02;
pub const EQ: u8 = 0x01;
pub const NOT: u8 = 0x02;
pub const MATCH: u8 = 0x01;

/// How an IPv6 prefix with an offset is laid out on the wire (only an offset other than 0
/// tells them apart).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum OffsetLayout {
    /// Length, offset, then the prefix's leading bytes up to its length, as for an offset of
    /// 0: what ExaBGP, FRR and GoBGP send and read.
    #[default]
    WholePrefix,
    /// RFC 8956 §3.1: length, offset, then only the bits from the offset to the length.
    Rfc8956,
}

/// A source or destination prefix; `offset` (RFC 8956) is always 0 for IPv4.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct FlowPrefix {
    pub cidr: Cidr,
    pub offset: u8,
}

/// One operator and value. `operator` is the byte as sent, without its end-of-list bit (set
/// on the last of a component when encoding): AND, value length and comparison bits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Operation {
    pub operator: u8,
    pub value: u64,
}

impl Operation {
    /// An operation of component `id` with the length bits ExaBGP chooses: the smallest of the
    /// widths the component encodes (protocol, ICMP and DSCP one byte; ports, lengths and
    /// flags one or two; the flow label up to four). `None` when the value does not fit.
    pub fn new(id: u8, operator: u8, value: u64) -> Option<Operation> {
        let widest = match id {
            PROTOCOL | ICMP_TYPE | ICMP_CODE | DSCP => 1,
            FLOW_LABEL => 4,
            _ => 2,
        };
        let (bits, width) = if value < 1 << 8 {
            (0, 1)
        } else if value < 1 << 16 {
            (0x10, 2)
        } else if value < 1 << 32 {
            (0x20, 4)
        } else {
            return None;
        };
        (width <= widest).then_some(Operation {
            operator: (operator & !(EOL | LEN)) | bits,
            value,
        })
    }

    /// Bytes of the value, from the operator's length bits.
    fn width(&self) -> usize {
        1 << ((self.operator & LEN) >> 4)
    }

    /// The operator without the end-of-list and length bits, as ExaBGP keeps and prints it.
    fn bits(&self) -> u8 {
        self.operator & !(EOL | LEN)
    }
}

/// What a component holds.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Rules {
    Prefixes(Vec<FlowPrefix>),
    Operations(Vec<Operation>),
}

/// All the rules of one component type. A type seen twice on the wire is merged, as ExaBGP.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Component {
    pub id: u8,
    pub rules: Rules,
}

/// A FlowSpec rule: components in type order, and the RD of a flow-vpn route.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Flow {
    pub family: Family,
    pub rd: Option<RouteDistinguisher>,
    pub components: Vec<Component>,
}

fn invalid() -> Notification {
    Notification::new(3, 10, Bytes::new())
}

/// Whether component `id` exists for `afi` (flow label is IPv6 only).
fn known(afi: Afi, id: u8) -> bool {
    match id {
        1..=12 => true,
        FLOW_LABEL => afi == Afi::IPV6,
        _ => false,
    }
}

/// Whether the component's values are bitmasks (tcp-flags, fragment) rather than numbers.
fn binary(id: u8) -> bool {
    matches!(id, TCP_FLAGS | FRAGMENT)
}

/// ExaBGP's component name for the family.
pub fn name(afi: Afi, id: u8) -> &'static str {
    let v6 = afi == Afi::IPV6;
    match id {
        DESTINATION if v6 => "destination-ipv6",
        DESTINATION => "destination-ipv4",
        SOURCE if v6 => "source-ipv6",
        SOURCE => "source-ipv4",
        PROTOCOL if v6 => "next-header",
        PROTOCOL => "protocol",
        PORT => "port",
        DESTINATION_PORT => "destination-port",
        SOURCE_PORT => "source-port",
        ICMP_TYPE => "icmp-type",
        ICMP_CODE => "icmp-code",
        TCP_FLAGS => "tcp-flags",
        PACKET_LENGTH => "packet-length",
        DSCP if v6 => "traffic-class",
        DSCP => "dscp",
        FRAGMENT => "fragment",
        _ => "flow-label",
    }
}

/// IP protocol names (ExaBGP's `Protocol`).
pub const PROTOCOLS: &[(u64, &str)] = &[
    (1, "icmp"),
    (2, "igmp"),
    (6, "tcp"),
    (8, "egp"),
    (17, "udp"),
    (46, "rsvp"),
    (47, "gre"),
    (50, "esp"),
    (51, "ah"),
    (89, "ospf"),
    (94, "ipip"),
    (103, "pim"),
    (132, "sctp"),
];

/// ICMP type names (ExaBGP's `ICMPType`).
pub const ICMP_TYPES: &[(u64, &str)] = &[
    (0, "echo-reply"),
    (3, "unreachable"),
    (5, "redirect"),
    (8, "echo-request"),
    (9, "router-advertisement"),
    (10, "router-solicit"),
    (11, "time-exceeded"),
    (12, "parameter-problem"),
    (13, "timestamp"),
    (14, "timestamp-reply"),
    (40, "photuris"),
    (41, "experimental-mobility"),
    (42, "extended-echo-request"),
    (43, "extended-echo-reply"),
    (253, "experimental-one"),
    (254, "experimental-two"),
];

/// ICMP code names (ExaBGP's `ICMPCode`): parsed, never printed, as several share a value.
pub const ICMP_CODES: &[(u64, &str)] = &[
    (0, "network-unreachable"),
    (1, "host-unreachable"),
    (2, "protocol-unreachable"),
    (3, "port-unreachable"),
    (4, "fragmentation-needed"),
    (5, "source-route-failed"),
    (6, "destination-network-unknown"),
    (7, "destination-host-unknown"),
    (8, "source-host-isolated"),
    (9, "destination-network-prohibited"),
    (10, "destination-host-prohibited"),
    (11, "network-unreachable-for-tos"),
    (12, "host-unreachable-for-tos"),
    (13, "communication-prohibited-by-filtering"),
    (14, "host-precedence-violation"),
    (15, "precedence-cutoff-in-effect"),
    (0, "redirect-for-network"),
    (1, "redirect-for-host"),
    (2, "redirect-for-tos-and-net"),
    (3, "redirect-for-tos-and-host"),
    (0, "ttl-eq-zero-during-transit"),
    (1, "ttl-eq-zero-during-reassembly"),
    (1, "required-option-missing"),
    (2, "ip-header-bad"),
];

/// TCP flag bits (ExaBGP's `TCPFlag`, `urgent` being another name for `urg`).
pub const TCP_FLAG_NAMES: &[(u64, &str)] = &[
    (0x01, "fin"),
    (0x02, "syn"),
    (0x04, "rst"),
    (0x08, "push"),
    (0x10, "ack"),
    (0x20, "urg"),
    (0x40, "ece"),
    (0x80, "cwr"),
    (0x100, "ns"),
    (0x20, "urgent"),
];

/// Fragment bits (RFC 8955 §4.2.2.12).
pub const FRAGMENT_NAMES: &[(u64, &str)] = &[
    (0x01, "dont-fragment"),
    (0x02, "is-fragment"),
    (0x04, "first-fragment"),
    (0x08, "last-fragment"),
];

fn lookup(table: &[(u64, &'static str)], value: u64) -> Option<&'static str> {
    table.iter().find(|(v, _)| *v == value).map(|(_, n)| *n)
}

impl Flow {
    pub fn new(family: Family) -> Flow {
        Flow {
            family,
            rd: None,
            components: Vec::new(),
        }
    }

    /// Adds a prefix to the source or destination component.
    pub fn add_prefix(&mut self, id: u8, prefix: FlowPrefix) {
        match &mut self.component(id, || Rules::Prefixes(Vec::new())).rules {
            Rules::Prefixes(list) => list.push(prefix),
            Rules::Operations(_) => {}
        }
    }

    /// Adds an operation to component `id`.
    pub fn add_operation(&mut self, id: u8, operation: Operation) {
        match &mut self.component(id, || Rules::Operations(Vec::new())).rules {
            Rules::Operations(list) => list.push(operation),
            Rules::Prefixes(_) => {}
        }
    }

    /// The component of type `id`, created in type order when missing.
    fn component(&mut self, id: u8, empty: impl FnOnce() -> Rules) -> &mut Component {
        let index = match self.components.binary_search_by_key(&id, |c| c.id) {
            Ok(index) => index,
            Err(index) => {
                self.components
                    .insert(index, Component { id, rules: empty() });
                index
            }
        };
        &mut self.components[index]
    }

    /// Decodes one flow NLRI at the front of `data`, returning it and the bytes used; `layout`
    /// is how IPv6 prefixes carry their offset. Any fault is (3, 10) Invalid Network Field:
    /// ExaBGP drops such an NLRI as INVALID and keeps the session; here the whole UPDATE is
    /// refused.
    pub fn decode(
        family: Family,
        data: &[u8],
        layout: OffsetLayout,
    ) -> Result<(Flow, usize), Notification> {
        let (&first, rest) = data.split_first().ok_or_else(invalid)?;
        // RFC 8955 §4.1: lengths of 240 and more take two bytes, 0xfnnn
        let (length, header) = if first & 0xF0 == 0xF0 {
            let &second = rest.first().ok_or_else(invalid)?;
            ((usize::from(first & 0x0F) << 8) | usize::from(second), 2)
        } else {
            (usize::from(first), 1)
        };
        let mut body = data.get(header..header + length).ok_or_else(invalid)?;
        let mut flow = Flow::new(family);
        if family.safi == Safi::FLOW_VPN {
            flow.rd = Some(RouteDistinguisher::decode(body).ok_or_else(invalid)?);
            body = &body[RouteDistinguisher::LEN..];
        }
        let v6 = family.afi == Afi::IPV6;
        while let Some((&id, rest)) = body.split_first() {
            if !known(family.afi, id) {
                return Err(invalid());
            }
            body = rest;
            if id == DESTINATION || id == SOURCE {
                let (prefix, used) = if v6 {
                    decode_prefix6(body, layout)?
                } else {
                    let (cidr, used) = Cidr::decode(false, body).map_err(|_| invalid())?;
                    (FlowPrefix { cidr, offset: 0 }, used)
                };
                flow.add_prefix(id, prefix);
                body = &body[used..];
                continue;
            }
            loop {
                let (&operator, rest) = body.split_first().ok_or_else(invalid)?;
                let operation = Operation {
                    operator: operator & !EOL,
                    value: 0,
                };
                let raw = rest.get(..operation.width()).ok_or_else(invalid)?;
                let value = raw.iter().fold(0u64, |v, b| v << 8 | u64::from(*b));
                flow.add_operation(id, Operation { value, ..operation });
                body = &rest[raw.len()..];
                if operator & EOL != 0 {
                    break;
                }
            }
        }
        Ok((flow, header + length))
    }

    /// The components (and RD) without the length prefix.
    fn body(&self, layout: OffsetLayout) -> BytesMut {
        let mut out = BytesMut::new();
        if let Some(rd) = &self.rd {
            out.put_slice(&rd.0);
        }
        let v6 = self.family.afi == Afi::IPV6;
        for component in &self.components {
            match &component.rules {
                Rules::Prefixes(prefixes) => {
                    for prefix in prefixes {
                        out.put_u8(component.id);
                        if v6 {
                            encode_prefix6(prefix, layout, &mut out);
                        } else {
                            prefix.cidr.encode(&mut out);
                        }
                    }
                }
                Rules::Operations(operations) if !operations.is_empty() => {
                    out.put_u8(component.id);
                    for (i, operation) in operations.iter().enumerate() {
                        let eol = if i + 1 == operations.len() { EOL } else { 0 };
                        out.put_u8(operation.operator | eol);
                        let bytes = operation.value.to_be_bytes();
                        out.put_slice(&bytes[8 - operation.width()..]);
                    }
                }
                Rules::Operations(_) => {}
            }
        }
        out
    }

    /// Writes the NLRI with its one or two byte length, IPv6 prefixes in `layout`. A rule
    /// longer than 4095 bytes cannot be encoded (RFC 8955 §4.1); the configuration cannot
    /// build one.
    pub fn encode(&self, layout: OffsetLayout, out: &mut BytesMut) {
        let body = self.body(layout);
        if body.len() < 0xF0 {
            out.put_u8(body.len() as u8);
        } else {
            out.put_u16(0xF000 | (body.len() as u16 & 0x0FFF));
        }
        out.put_slice(&body);
    }

    pub fn encoded_len(&self, layout: OffsetLayout) -> usize {
        let len = self.body(layout).len();
        len + if len < 0xF0 { 1 } else { 2 }
    }

    /// The value of an operation as ExaBGP prints it (names for protocols, ICMP types and
    /// bitmasks, JSON and text alike).
    fn value(&self, id: u8, value: u64, out: &mut String) {
        let named = match id {
            PROTOCOL => lookup(PROTOCOLS, value),
            ICMP_TYPE => lookup(ICMP_TYPES, value),
            TCP_FLAGS => return bits(TCP_FLAG_NAMES, "tcp flag", value, out),
            FRAGMENT => return bits(FRAGMENT_NAMES, "fragment", value, out),
            _ => None,
        };
        match named {
            Some(name) => out.push_str(name),
            None => {
                let _ = write!(out, "{value}");
            }
        }
    }

    /// One operation as ExaBGP's `NumericString`/`BinaryString` `short()`: the operator's
    /// symbol (hexadecimal when reserved bits are set), then the value; a numeric `true` or
    /// `false` alone has no value.
    fn operation(&self, id: u8, operation: &Operation, out: &mut String) {
        let op = operation.bits();
        let symbol = if binary(id) {
            match op & !AND {
                0 => Some(""),
                NOT => Some("!"),
                MATCH => Some("="),
                0x03 => Some("!="),
                _ => None,
            }
        } else {
            if op == LT | GT | EQ || op == 0 {
                out.push_str(if op == 0 { "false" } else { "true" });
                return;
            }
            match op & !AND {
                0x07 => Some("true"),
                LT => Some("<"),
                GT => Some(">"),
                EQ => Some("="),
                0x05 => Some("<="),
                0x03 => Some(">="),
                0x06 => Some("!="),
                0x00 => Some("false"),
                _ => None,
            }
        };
        match symbol {
            Some(symbol) => {
                if op & AND != 0 {
                    out.push('&');
                }
                out.push_str(symbol);
            }
            None => {
                let _ = write!(out, "{op:02X}");
            }
        }
        self.value(id, operation.value, out);
    }

    fn prefix(&self, prefix: &FlowPrefix, out: &mut String) {
        prefix.cidr.write(out);
        if self.family.afi == Afi::IPV6 {
            let _ = write!(out, "/{}", prefix.offset);
        }
    }

    /// The rules of a component as separate strings: an operation joined by AND belongs to
    /// the string before it.
    fn elements(&self, component: &Component) -> Vec<String> {
        let mut elements: Vec<String> = Vec::new();
        match &component.rules {
            Rules::Prefixes(prefixes) => {
                for prefix in prefixes {
                    let mut text = String::new();
                    self.prefix(prefix, &mut text);
                    elements.push(text);
                }
            }
            Rules::Operations(operations) => {
                for (i, operation) in operations.iter().enumerate() {
                    let mut text = String::new();
                    self.operation(component.id, operation, &mut text);
                    match elements.last_mut() {
                        Some(last) if i > 0 && operation.operator & AND != 0 => {
                            last.push_str(&text)
                        }
                        _ => elements.push(text),
                    }
                }
            }
        }
        elements
    }

    /// ExaBGP's `extensive()`: `flow destination-ipv4 10.0.0.2/32 protocol [ =tcp =udp ] rd 1:1`;
    /// a component with several rules is bracketed.
    pub fn text(&self, out: &mut String) {
        out.push_str("flow");
        for component in &self.components {
            let count = match &component.rules {
                Rules::Prefixes(p) => p.len(),
                Rules::Operations(o) => o.len(),
            };
            if count == 0 {
                continue;
            }
            out.push(' ');
            out.push_str(name(self.family.afi, component.id));
            out.push(' ');
            if count > 1 {
                out.push_str("[ ");
            }
            out.push_str(&self.elements(component).join(" "));
            if count > 1 {
                out.push_str(" ]");
            }
        }
        if let Some(rd) = &self.rd {
            let _ = write!(out, " rd {rd}");
        }
    }

    /// ExaBGP's `json()`: `{"source-ipv4": [ "10.0.0.1/32" ], "rd": "1:1", "string": "flow ..." }`.
    pub fn json(&self, out: &mut String) {
        self.json_v4(None, out)
    }

    /// API version 4 repeats the next-hop before the string (ExaBGP's `v4_json`).
    pub fn json_v4(&self, nexthop: Option<IpAddr>, out: &mut String) {
        out.push('{');
        for component in &self.components {
            let elements = self.elements(component);
            if elements.is_empty() {
                continue;
            }
            json::key(out, name(self.family.afi, component.id));
            out.push_str("[ ");
            let mut items = json::Members::new(out);
            for element in &elements {
                items.quoted(element);
            }
            out.push_str(" ], ");
        }
        if let Some(rd) = &self.rd {
            rd.json(out);
            out.push_str(", ");
        }
        if let Some(nexthop) = nexthop {
            json::key(out, "next-hop");
            out.push('"');
            super::cidr::write_ip(out, nexthop);
            out.push_str("\", ");
        }
        json::key(out, "string");
        out.push('"');
        self.text(out);
        out.push_str("\" }");
    }

    /// Bytes for ordering and indexing (in the whole-prefix layout, which keeps every bit).
    pub fn packed(&self) -> BytesMut {
        let mut out = BytesMut::new();
        self.encode(OffsetLayout::WholePrefix, &mut out);
        out
    }
}

/// Bit names joined by `+`, as ExaBGP's `BitResource.named_bits`: each known bit set, then
/// `unknown NAME type N` (N the whole value) when bits no name covers remain.
fn bits(table: &[(u64, &'static str)], what: &str, value: u64, out: &mut String) {
    let mut rest = value;
    let mut names = Vec::new();
    for &(bit, name) in table {
        if rest & bit != 0 {
            names.push(name.to_string());
            rest &= !bit;
        }
    }
    if rest != 0 {
        names.push(
            lookup(table, value)
                .map(str::to_string)
                .unwrap_or_else(|| format!("unknown {what} type {value}")),
        );
    }
    out.push_str(&names.join("+"));
}

/// An IPv6 prefix: length, offset, then the prefix in `layout` (see [`OffsetLayout`]).
fn decode_prefix6(data: &[u8], layout: OffsetLayout) -> Result<(FlowPrefix, usize), Notification> {
    let [length, offset, ref rest @ ..] = *data else {
        return Err(invalid());
    };
    // RFC 8956 §3.1: offset < length < 129, unless both are 0 (any address)
    if length > 128 || (offset >= length && length != 0) {
        return Err(invalid());
    }
    if layout == OffsetLayout::WholePrefix {
        let size = Cidr::size(length);
        let prefix = rest.get(..size).ok_or_else(invalid)?;
        let mut raw = [0u8; 16];
        raw[..size].copy_from_slice(prefix);
        let cidr = Cidr::new(IpAddr::V6(Ipv6Addr::from(raw)), length).ok_or_else(invalid)?;
        return Ok((FlowPrefix { cidr, offset }, 2 + size));
    }
    // the address bits from the offset to the length, in as few bytes as hold them
    let bits = u32::from(length - offset);
    let size = (bits as usize).div_ceil(8);
    let pattern = rest.get(..size).ok_or_else(invalid)?;
    let mut raw = [0u8; 16];
    raw[16 - size..].copy_from_slice(pattern);
    // the pattern is left-aligned in its bytes: drop the padding, then move its last bit to
    // bit `length` of the address
    let value = u128::from_be_bytes(raw) >> (size as u32 * 8 - bits);
    let address = value.checked_shl(128 - u32::from(length)).unwrap_or(0);
    let cidr = Cidr::new(IpAddr::V6(Ipv6Addr::from(address)), length).ok_or_else(invalid)?;
    Ok((FlowPrefix { cidr, offset }, 2 + size))
}

fn encode_prefix6(prefix: &FlowPrefix, layout: OffsetLayout, out: &mut BytesMut) {
    let length = prefix.cidr.mask();
    let offset = prefix.offset.min(length);
    let address = match prefix.cidr.addr() {
        IpAddr::V6(a) => u128::from(a),
        IpAddr::V4(a) => u128::from(a.to_ipv6_mapped()),
    };
    if layout == OffsetLayout::WholePrefix {
        out.put_u8(length);
        out.put_u8(offset);
        out.put_slice(&address.to_be_bytes()[..Cidr::size(length)]);
        return;
    }
    let bits = u32::from(length - offset);
    let size = (bits as usize).div_ceil(8);
    let value = address.checked_shr(128 - u32::from(length)).unwrap_or(0)
        & 1u128.checked_shl(bits).map_or(u128::MAX, |v| v - 1);
    let aligned = value << (size as u32 * 8 - bits);
    out.put_u8(length);
    out.put_u8(offset);
    out.put_slice(&aligned.to_be_bytes()[16 - size..]);
}

/// An IPv4 prefix for a flow rule.
pub fn prefix4(address: Ipv4Addr, mask: u8) -> Option<FlowPrefix> {
    Some(FlowPrefix {
        cidr: Cidr::new(IpAddr::V4(address), mask)?,
        offset: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn family(afi: Afi, safi: Safi) -> Family {
        Family::new(afi, safi)
    }

    use crate::util::hex::test_unhex as hex;

    fn both_ways(family: Family, wire: &str, text: &str) -> Flow {
        let bytes = hex(wire);
        let (flow, used) = Flow::decode(family, &bytes, OffsetLayout::WholePrefix).unwrap();
        assert_eq!(used, bytes.len());
        let mut out = String::new();
        flow.text(&mut out);
        assert_eq!(out, text);
        assert_eq!(&flow.packed()[..], &bytes[..]);
        flow
    }

    #[test]
    fn rfc8955_examples() {
        // RFC 8955 §4.3 example 1: to 192.0.2.0/24, TCP, port 25
        both_ways(
            family(Afi::IPV4, Safi::FLOW_IP),
            "0b0118c00002038106048119",
            "flow destination-ipv4 192.0.2.0/24 protocol =tcp port =25",
        );
        // example 2: to 192.0.2.0/24 from 203.0.113.0/24, port in [137, 139] or 8080
        both_ways(
            family(Afi::IPV4, Safi::FLOW_IP),
            "120118c000020218cb0071040389458b911f90",
            "flow destination-ipv4 192.0.2.0/24 source-ipv4 203.0.113.0/24 port [ >=137&<=139 =8080 ]",
        );
    }

    #[test]
    fn qa_flow_tcp_flags_and_fragment() {
        // bgp-flow-3: four tcp-flags rules, two of them joined by AND
        let flow = both_ways(
            family(Afi::IPV4, Safi::FLOW_IP),
            "0909001000804201C240",
            "flow tcp-flags [ ack cwr&!fin&!ece ]",
        );
        let mut json = String::new();
        flow.json(&mut json);
        assert_eq!(
            json,
            r#"{"tcp-flags": [ "ack", "cwr&!fin&!ece" ], "string": "flow tcp-flags [ ack cwr&!fin&!ece ]" }"#
        );
        // bgp-flow-2 and 4
        both_ways(
            family(Afi::IPV4, Safi::FLOW_IP),
            "050901048109",
            "flow tcp-flags [ =rst =fin+push ]",
        );
        both_ways(
            family(Afi::IPV4, Safi::FLOW_IP),
            "05090090C241",
            "flow tcp-flags [ ack+cwr&!fin+ece ]",
        );
    }

    /// Decodes `wire` in `layout`, checks the text and that it encodes back the same.
    fn in_layout(layout: OffsetLayout, wire: &str, text: &str) {
        let v6 = family(Afi::IPV6, Safi::FLOW_IP);
        let bytes = hex(wire);
        let (flow, used) = Flow::decode(v6, &bytes, layout).unwrap();
        assert_eq!(used, bytes.len());
        let mut out = String::new();
        flow.text(&mut out);
        assert_eq!(out, text);
        let mut again = BytesMut::new();
        flow.encode(layout, &mut again);
        assert_eq!(&again[..], &bytes[..]);
        assert_eq!(flow.encoded_len(layout), bytes.len());
    }

    #[test]
    fn ipv6_prefix_offset_layouts() {
        use OffsetLayout::{Rfc8956, WholePrefix};
        // bgp-flow-1: the offsets are 0, so both layouts are the leading bytes of the prefix
        for layout in [WholePrefix, Rfc8956] {
            in_layout(
                layout,
                "280180002A0229B8192500000000000000002E69024000BEEFF00E000000000381060C000400028008",
                "flow destination-ipv6 2a02:29b8:1925::2e69/128/0 source-ipv6 beef:f00e::/64/0 \
                 next-header =tcp fragment [ first-fragment is-fragment last-fragment ]",
            );
            in_layout(layout, "03010000", "flow destination-ipv6 ::/0/0");
            for bad in ["0402107801", "03018080", "0301818100"] {
                assert!(
                    Flow::decode(family(Afi::IPV6, Safi::FLOW_IP), &hex(bad), layout).is_err(),
                    "{bad}"
                );
            }
        }
        // ::1/128/120, ExaBGP / FRR / GoBGP: the whole sixteen bytes of the prefix
        in_layout(
            WholePrefix,
            "1302807800000000000000000000000000000001",
            "flow source-ipv6 ::1/128/120",
        );
        // RFC 8956: only the eight bits from 120 to 128
        in_layout(Rfc8956, "0402807801", "flow source-ipv6 ::1/128/120");
        // 0abc::/16/4: two bytes of prefix, or the 12 bits from 4 to 16 left-aligned
        in_layout(
            WholePrefix,
            "050110040ABC",
            "flow destination-ipv6 abc::/16/4",
        );
        in_layout(Rfc8956, "05011004ABC0", "flow destination-ipv6 abc::/16/4");
    }

    #[test]
    fn vpn_rd_and_extended_length() {
        // conf-flow: flow source-ipv4 10.0.0.1/32 rd 65535:65536
        let flow = both_ways(
            family(Afi::IPV4, Safi::FLOW_VPN),
            "0E0000FFFF0001000002200A000001",
            "flow source-ipv4 10.0.0.1/32 rd 65535:65536",
        );
        let mut json = String::new();
        flow.json(&mut json);
        assert_eq!(
            json,
            r#"{"source-ipv4": [ "10.0.0.1/32" ], "rd": "65535:65536", "string": "flow source-ipv4 10.0.0.1/32 rd 65535:65536" }"#
        );
        // 0xF0 0xF5: 245 bytes of packet-length rules
        let mut flow = Flow::new(family(Afi::IPV4, Safi::FLOW_IP));
        for n in 0..81 {
            flow.add_operation(
                PACKET_LENGTH,
                Operation::new(PACKET_LENGTH, EQ, 1000 + n).unwrap(),
            );
        }
        let packed = flow.packed();
        assert_eq!(&packed[..3], &[0xF0, 0xF4, PACKET_LENGTH]);
        assert_eq!(packed.len(), 2 + 244);
        assert_eq!(
            Flow::decode(flow.family, &packed, OffsetLayout::WholePrefix)
                .unwrap()
                .0,
            flow
        );
    }

    #[test]
    fn api_v4_json_repeats_the_next_hop() {
        // the jsv4 line of conf-flow: flow source-ipv4 10.0.0.2/32 next-hop 1.2.3.4
        let flow = both_ways(
            family(Afi::IPV4, Safi::FLOW_IP),
            "0602200A000002",
            "flow source-ipv4 10.0.0.2/32",
        );
        let mut json = String::new();
        flow.json_v4(Some(IpAddr::V4(Ipv4Addr::new(1, 2, 3, 4))), &mut json);
        assert_eq!(
            json,
            r#"{"source-ipv4": [ "10.0.0.2/32" ], "next-hop": "1.2.3.4", "string": "flow source-ipv4 10.0.0.2/32" }"#
        );
    }

    #[test]
    fn numeric_operators_print_as_exabgp() {
        // packet-length [ >200&<300 >400&<500 ] of the conf-flow qa case
        let flow = both_ways(
            family(Afi::IPV4, Safi::FLOW_IP),
            "0C0A02C854012C120190D401F4",
            "flow packet-length [ >200&<300 >400&<500 ]",
        );
        let mut json = String::new();
        flow.json(&mut json);
        assert!(json.starts_with(r#"{"packet-length": [ ">200&<300", ">400&<500" ], "#));
        both_ways(
            family(Afi::IPV4, Safi::FLOW_IP),
            "03038701",
            "flow protocol true",
        );
        both_ways(
            family(Afi::IPV4, Safi::FLOW_IP),
            "030B8601",
            "flow dscp !=1",
        );
        both_ways(
            family(Afi::IPV4, Safi::FLOW_IP),
            "03078108",
            "flow icmp-type =echo-request",
        );
        both_ways(
            family(Afi::IPV4, Safi::FLOW_IP),
            "03088303",
            "flow icmp-code >=3",
        );
    }

    #[test]
    fn malformed_is_invalid_network_field() {
        let v4 = family(Afi::IPV4, Safi::FLOW_IP);
        for bad in ["", "05", "020D81", "0203", "03030106", "020121", "F0"] {
            let error = Flow::decode(v4, &hex(bad), OffsetLayout::WholePrefix).unwrap_err();
            assert_eq!((error.code, error.subcode), (3, 10), "{bad}");
        }
        assert!(Flow::decode(
            family(Afi::IPV4, Safi::FLOW_VPN),
            &hex("0400000000"),
            OffsetLayout::WholePrefix
        )
        .is_err());
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..64), v6 in any::<bool>(), vpn in any::<bool>(), strict in any::<bool>()) {
            let layout = if strict { OffsetLayout::Rfc8956 } else { OffsetLayout::WholePrefix };
            let family = family(if v6 { Afi::IPV6 } else { Afi::IPV4 }, if vpn { Safi::FLOW_VPN } else { Safi::FLOW_IP });
            if let Ok((flow, _)) = Flow::decode(family, &data, layout) {
                let mut text = String::new();
                flow.json(&mut text);
                // what decodes re-encodes to something that decodes the same
                let again = Flow::decode(family, &flow.packed(), OffsetLayout::WholePrefix).unwrap().0;
                prop_assert_eq!(again, flow);
            }
        }

        #[test]
        fn built_rules_round_trip(ports in proptest::collection::vec((any::<u16>(), 0u8..8, any::<bool>()), 1..6), mask in 0u8..=32, addr in any::<u32>()) {
            let mut flow = Flow::new(family(Afi::IPV4, Safi::FLOW_IP));
            let prefix = Cidr::decode(false, &[&[mask][..], &addr.to_be_bytes()].concat()).unwrap().0;
            flow.add_prefix(DESTINATION, FlowPrefix { cidr: prefix, offset: 0 });
            for (port, op, and) in ports {
                flow.add_operation(DESTINATION_PORT, Operation::new(DESTINATION_PORT, op | if and { AND } else { 0 }, port.into()).unwrap());
            }
            let (decoded, used) = Flow::decode(flow.family, &flow.packed(), OffsetLayout::WholePrefix).unwrap();
            prop_assert_eq!(used, flow.encoded_len(OffsetLayout::WholePrefix));
            prop_assert_eq!(decoded, flow);
        }
    }
}
