//! Ports `exabgp/configuration/neighbor/__init__.py` and `template/neighbor.py`: `neighbor IP {
//! ... }` and `template { neighbor NAME { ... } }` with `inherit`, into `Neighbor`s.

pub mod api;
pub mod family;

use super::capability::CapabilitySettings;
use super::core::parser::{parse_asn, parse_prefix, Node, Section, Statement, Words};
use super::core::{Error, Location, Result};
use super::r#static::parser::{Prepared, Table};
use super::r#static::Sink;
use super::schema::{expected, Container, Keyword, Kind};
use super::PeerConfig;
use crate::bgp::message::update::nlri::flow::OffsetLayout;
use crate::bgp::neighbor::Neighbor;
use crate::protocol::family::{Afi, Family};
use std::borrow::Cow;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

/// The statements of a neighbour (or template) section, as the parser dispatches them.
pub(crate) const KEYWORDS: &[Keyword] = &[
    Keyword::new(
        "description",
        Kind::Text,
        "Free text describing the neighbour",
    ),
    Keyword::new(
        "router-id",
        Kind::Ip,
        "BGP identifier (default: the IPv4 local address)",
    ),
    Keyword::new(
        "local-address",
        Kind::Ip,
        "Local address of the session, or auto",
    ),
    Keyword::new(
        "local-link-local",
        Kind::Ip,
        "IPv6 link-local address sent as next-hop (fe80::/10)",
    ),
    Keyword::new("local-as", Kind::Asn, "Local AS number, or auto"),
    Keyword::new("peer-as", Kind::Asn, "Peer AS number, or auto"),
    Keyword::new(
        "hold-time",
        Kind::Integer { min: 0, max: 65535 },
        "Hold time in seconds: 0, or 3 and more",
    ),
    Keyword::new(
        "rate-limit",
        Kind::Number,
        "Messages per second sent at most, or disable",
    ),
    Keyword::new(
        "passive",
        Kind::Boolean { bare: true },
        "Wait for the peer to connect",
    ),
    Keyword::new(
        "listen",
        Kind::Integer { min: 1, max: 65535 },
        "TCP port to listen on (bare: 179)",
    ),
    Keyword::new(
        "connect",
        Kind::Integer { min: 1, max: 65535 },
        "TCP port to connect to (bare: 179)",
    ),
    Keyword::new(
        "source-interface",
        Kind::Text,
        "Interface outgoing connections are bound to",
    ),
    Keyword::new(
        "outgoing-ttl",
        Kind::Integer { min: 0, max: 255 },
        "TTL of the packets sent, or disable",
    ),
    Keyword::new(
        "incoming-ttl",
        Kind::Integer { min: 0, max: 255 },
        "Lowest TTL accepted (GTSM), or disable",
    ),
    Keyword::new(
        "md5-password",
        Kind::Text,
        "TCP MD5 signature password (RFC 2385)",
    ),
    Keyword::new(
        "md5-base64",
        Kind::Boolean { bare: true },
        "The MD5 password is base64, or auto",
    ),
    Keyword::new("md5-ip", Kind::Ip, "Local address the MD5 key is bound to"),
    Keyword::new(
        "group-updates",
        Kind::Boolean { bare: true },
        "Pack routes sharing attributes in one UPDATE",
    ),
    Keyword::new(
        "auto-flush",
        Kind::Boolean { bare: true },
        "Send API routes without waiting for flush",
    ),
    Keyword::new(
        "adj-rib-in",
        Kind::Boolean { bare: true },
        "Keep the routes received",
    ),
    Keyword::new(
        "adj-rib-out",
        Kind::Boolean { bare: true },
        "Keep the routes sent, to resend them",
    ),
    Keyword::new(
        "manual-eor",
        Kind::Boolean { bare: true },
        "Send End-of-RIB only when the API asks",
    ),
    Keyword::new("host-name", Kind::Text, "Host name of the FQDN capability"),
    Keyword::new(
        "domain-name",
        Kind::Text,
        "Domain name of the FQDN capability",
    ),
    Keyword::new(
        "flow-ipv6-offset",
        Kind::Choice(Cow::Borrowed(&["whole-prefix", "rfc8956"])),
        "Wire layout of IPv6 FlowSpec prefixes with an offset",
    ),
    Keyword::new(
        "inherit",
        Kind::List("template-name"),
        "Templates whose settings apply first",
    ),
];

/// The sections of a neighbour section, as the parser dispatches them.
pub(crate) const SECTIONS: &[(&str, &str)] = &[
    ("family", "Families announced in the OPEN"),
    ("capability", "Capabilities announced in the OPEN"),
    ("add-path", "ADD-PATH families and path limits"),
    ("nexthop", "Extended next-hop families (RFC 8950)"),
    ("tcp-ao", "TCP authentication option (RFC 5925)"),
    ("api", "What the processes are sent"),
    ("static", "Routes to announce"),
    ("announce", "Routes to announce, by family"),
    ("l2vpn", "VPLS routes to announce"),
    ("flow", "FlowSpec rules to announce"),
    ("operational", "Operational messages to send"),
];

/// A neighbour section's schema: its statements, then its sections (named only: each has its
/// own top-level schema, as ExaBGP's).
pub(crate) fn schema(description: &'static str) -> Container {
    let mut container = Container::new(description).leaves(KEYWORDS);
    for (name, about) in SECTIONS {
        container = container.section(name, Container::new(about));
    }
    container.require(&["local-as", "peer-as"])
}

/// How deep templates may inherit from templates, to stop loops.
const MAX_INHERIT_DEPTH: usize = 16;

/// What a neighbour section accumulates before the neighbour is finished.
struct Builder {
    peer: PeerConfig,
    local_as: bool,
    peer_as: bool,
    families: Vec<Family>,
    addpath: Vec<(Family, u16)>,
    addpath_section: bool,
    nexthop: Vec<(Family, Afi)>,
    nexthop_section: bool,
    settings: CapabilitySettings,
    /// The routes of its `static`, `announce` and `l2vpn` sections.
    table: Table,
}

impl Builder {
    fn new(peer_address: IpAddr) -> Builder {
        Builder {
            peer: PeerConfig {
                neighbor: Neighbor::new(peer_address),
                api: api::Api::default(),
                changes: Vec::new(),
                flows: Vec::new(),
                operational: Vec::new(),
            },
            local_as: false,
            peer_as: false,
            families: Vec::new(),
            addpath: Vec::new(),
            addpath_section: false,
            nexthop: Vec::new(),
            nexthop_section: false,
            settings: CapabilitySettings::default(),
            table: Table::default(),
        }
    }

    /// Applies the statements and sections of a neighbour (or template) body, in order;
    /// `own` as `Prepared::take`.
    fn apply(
        &mut self,
        body: &[Node],
        templates: &HashMap<String, &Section>,
        depth: usize,
        prepared: &mut Prepared,
        own: bool,
    ) -> Result<()> {
        for node in body {
            match node {
                Node::Statement(statement) if statement.keyword() == "inherit" => {
                    let mut words = statement.args();
                    for name in words.list("a template name")? {
                        let template = templates.get(&*name.text).ok_or_else(|| {
                            Error::new(
                                name.location,
                                format!("unknown template '{}' in inherit", name.text),
                            )
                        })?;
                        if depth >= MAX_INHERIT_DEPTH {
                            return Err(Error::new(
                                name.location,
                                "templates inherit from each other in a loop",
                            ));
                        }
                        self.apply(&template.body, templates, depth + 1, prepared, false)?;
                    }
                    words.finish()?;
                }
                Node::Statement(statement) => self.statement(statement)?,
                Node::Section(section) => self.section(section, prepared, own)?,
            }
        }
        Ok(())
    }

    fn statement(&mut self, statement: &Statement) -> Result<()> {
        let neighbor = &mut self.peer.neighbor;
        let mut words = statement.args();
        match statement.keyword() {
            "description" => {
                let mut parts = vec![words.next("a description")?.to_string()];
                while let Some(token) = words.peek() {
                    parts.push(token.text.to_string());
                    words.next("")?;
                }
                neighbor.description = parts.join(" ");
            }
            "router-id" => neighbor.router_id = Some(words.ipv4()?),
            "local-address" => {
                neighbor.local_address = if words.accept("auto") {
                    None
                } else {
                    Some(words.ip()?)
                };
            }
            "local-link-local" => {
                let at = words.location();
                let ip = words.ip()?;
                let link_local =
                    matches!(ip, IpAddr::V6(v6) if v6.segments()[0] & 0xffc0 == 0xfe80);
                if !link_local {
                    return Err(Error::new(
                        at,
                        "local-link-local must be an IPv6 link-local address (fe80::/10)",
                    ));
                }
                neighbor.local_link_local = Some(ip);
            }
            "local-as" | "peer-as" => {
                // `auto`: learnt from the peer's OPEN; kept as 0
                let asn = if words.accept("auto") {
                    0
                } else {
                    words.parse("an AS number or 'auto'", parse_asn)?
                };
                if statement.keyword() == "local-as" {
                    neighbor.local_as = asn;
                    self.local_as = true;
                } else {
                    neighbor.peer_as = asn;
                    self.peer_as = true;
                }
            }
            "hold-time" => {
                let at = words.location();
                let hold: u16 = words.number("a hold time in seconds (0 or 3-65535)")?;
                // RFC 4271 §4.2: zero or at least three seconds
                if hold != 0 && hold < 3 {
                    return Err(Error::new(
                        at,
                        "the hold time must be zero or at least three seconds (RFC 4271 §4.2)",
                    ));
                }
                neighbor.hold_time = hold;
            }
            "rate-limit" => {
                neighbor.rate_limit = if words.accept("disable") {
                    0
                } else {
                    words.number("a number of messages per second or 'disable'")?
                };
            }
            "passive" => neighbor.passive = words.boolean(true)?,
            // a bare `listen;` or `connect;` is BGP's port, as ExaBGP's schema default
            "listen" => {
                neighbor.listen = if words.is_empty() {
                    179
                } else {
                    words.number("a TCP port (1-65535)")?
                }
            }
            "connect" => {
                neighbor.connect = if words.is_empty() {
                    179
                } else {
                    words.number("a TCP port (1-65535)")?
                }
            }
            "source-interface" => {
                neighbor.source_interface = Some(words.next("an interface name")?.to_string())
            }
            "outgoing-ttl" | "incoming-ttl" => {
                let disabled = ["false", "disable", "disabled"]
                    .iter()
                    .any(|w| words.accept(w));
                let ttl = if disabled {
                    None
                } else {
                    Some(words.number::<u8>("a TTL (0-255), disable, disabled or false")?)
                };
                if statement.keyword() == "outgoing-ttl" {
                    neighbor.outgoing_ttl = ttl;
                } else {
                    neighbor.incoming_ttl = ttl;
                }
            }
            "md5-password" => neighbor.md5_password = Some(words.next("a password")?.to_string()),
            "md5-base64" => {
                // `auto`: decide from the password's form; kept as false, the reactor checks
                neighbor.md5_base64 = if words.accept("auto") {
                    false
                } else {
                    words.boolean(true)?
                };
            }
            "md5-ip" => neighbor.md5_ip = Some(words.ip()?),
            "group-updates" => neighbor.group_updates = words.boolean(true)?,
            "auto-flush" => neighbor.auto_flush = words.boolean(true)?,
            "adj-rib-out" => neighbor.adj_rib_out = words.boolean(true)?,
            "adj-rib-in" => neighbor.adj_rib_in = words.boolean(true)?,
            "manual-eor" => neighbor.manual_eor = words.boolean(true)?,
            // not ExaBGP's: the RFC 8956 layout of IPv6 FlowSpec prefixes, for peers that use it
            "flow-ipv6-offset" => {
                neighbor.flow_offset = words.parse("'whole-prefix' or 'rfc8956'", |s| match s {
                    "whole-prefix" => Some(OffsetLayout::WholePrefix),
                    "rfc8956" => Some(OffsetLayout::Rfc8956),
                    _ => None,
                })?;
            }
            "host-name" => neighbor.host_name = host_name(&mut words, "hostname")?,
            "domain-name" => neighbor.domain_name = host_name(&mut words, "domain name")?,
            other => {
                return Err(Error::new(
                    statement.location(),
                    format!(
                        "unknown neighbor statement '{other}': expected {}",
                        expected(KEYWORDS.iter().map(|k| k.name))
                    ),
                ))
            }
        }
        words.finish()
    }

    fn section(&mut self, section: &Section, prepared: &mut Prepared, own: bool) -> Result<()> {
        let mut routes = Sink::Table {
            table: &mut self.table,
            prepared,
            own,
        };
        match section.keyword() {
            "family" => family::parse_family(section, &mut self.families),
            "capability" => super::capability::parse(
                section,
                &mut self.peer.neighbor.capability,
                &mut self.settings,
            ),
            "add-path" => {
                self.addpath_section = true;
                family::parse_addpath(section, &mut self.addpath)
            }
            "nexthop" => {
                self.nexthop_section = true;
                family::parse_nexthop(section, &mut self.nexthop)
            }
            "tcp-ao" => {
                self.peer.neighbor.tcp_ao = Some(super::tcpao::parse(section)?);
                Ok(())
            }
            "api" => self.peer.api.parse(section),
            "static" => super::r#static::parse(section, &mut routes),
            "announce" => super::announce::parse(section, &mut routes, &mut self.peer.flows),
            "l2vpn" => super::l2vpn::parse(section, &mut routes),
            "flow" => super::flow::parse(section, &mut self.peer.flows),
            "operational" => super::operational::parse(section, &mut self.peer.operational),
            other => Err(Error::new(
                section.location(),
                format!(
                    "unknown neighbor section '{other}': expected {}",
                    expected(SECTIONS.iter().map(|s| s.0))
                ),
            )),
        }
    }

    /// ExaBGP's `post()`: defaults that depend on other settings, then consistency checks.
    fn finish(mut self, at: Location) -> Result<Vec<PeerConfig>> {
        let mut missing = Vec::new();
        if !self.local_as {
            missing.push("local-as");
        }
        if !self.peer_as {
            missing.push("peer-as");
        }
        if !missing.is_empty() {
            return Err(Error::new(
                at,
                format!("incomplete neighbor, missing {}", missing.join(", ")),
            ));
        }
        let neighbor = &mut self.peer.neighbor;
        let mut families = if self.families.is_empty() {
            family::all()
        } else {
            self.families.clone()
        };
        families.sort();
        neighbor.families = families.clone();

        if let Some(graceful) = self.settings.graceful_restart {
            // 0: use the hold time (ExaBGP's GracefulRestartConfig.with_time(0))
            neighbor.capability.graceful_restart =
                graceful.map(|t| if t == 0 { neighbor.hold_time } else { t });
        }

        if neighbor.capability.add_path != 0 {
            if self.addpath_section {
                for (family, limit) in &self.addpath {
                    if families.contains(family) {
                        neighbor.addpath.push(*family);
                        if *limit > 0 {
                            neighbor.paths_limit.push((*family, *limit));
                        }
                    }
                }
                // ExaBGP keeps them sorted, as the families
                neighbor.addpath.sort();
                neighbor.paths_limit.sort();
            } else {
                neighbor.addpath = families.clone();
            }
        }

        neighbor.capability.nexthop = self.settings.nexthop.unwrap_or(self.nexthop_section);
        if neighbor.capability.nexthop {
            for (family, afi) in &self.nexthop {
                if families.contains(family) && families.contains(&Family::new(*afi, family.safi)) {
                    neighbor.nexthop.push((*family, *afi));
                }
            }
        }

        // route refresh needs the adj-rib-out to resend from
        if neighbor.capability.route_refresh {
            neighbor.adj_rib_out = true;
        }

        if neighbor.router_id.is_none() {
            if let Some(IpAddr::V4(local)) = neighbor.local_address {
                neighbor.router_id = Some(local);
            }
        }
        match neighbor.local_address {
            None => neighbor.md5_ip = None,
            Some(local) => {
                neighbor.md5_ip.get_or_insert(local);
            }
        }
        // ExaBGP's `Session.missing`
        let missing = if neighbor.listen > 0 && neighbor.local_address.is_none() {
            Some("local-address")
        } else if neighbor.router_id.is_none()
            && (neighbor.local_address.is_none() || neighbor.peer_address.is_ipv6())
        {
            Some("router-id")
        } else {
            None
        };
        if let Some(missing) = missing {
            return Err(Error::new(at, format!("{missing} must be set")));
        }
        if let Some(local) = neighbor.local_address {
            if local.is_ipv4() != neighbor.peer_address.is_ipv4() {
                return Err(Error::new(
                    at,
                    "local-address and peer-address must be of the same family",
                ));
            }
        }
        if neighbor.peer_range.is_some() && !neighbor.passive {
            return Err(Error::new(
                at,
                "can only use ip ranges for the peer address with passive neighbors",
            ));
        }
        if let Some(password) = &neighbor.md5_password {
            if neighbor.tcp_ao.is_some() {
                return Err(Error::new(
                    at,
                    "MD5 and TCP-AO are mutually exclusive - cannot use both",
                ));
            }
            let key = if neighbor.md5_base64 {
                decode_base64(password)
                    .map_err(|e| Error::new(at, format!("Invalid MD5 password: {e}")))?
            } else {
                password.as_bytes().to_vec()
            };
            // the kernel's TCP_MD5SIG_MAXKEYLEN
            if key.len() > 80 {
                return Err(Error::new(
                    at,
                    "MD5 password must be no larger than 80 characters",
                ));
            }
        }
        if let Some(ao) = &neighbor.tcp_ao {
            let key = if ao.base64 {
                decode_base64(&ao.password)
                    .map_err(|e| Error::new(at, format!("Invalid TCP-AO key: {e}")))?
            } else {
                ao.password.as_bytes().to_vec()
            };
            if key.len() > 80 {
                return Err(Error::new(at, "TCP-AO key must be no larger than 80 bytes"));
            }
        }

        self.table.check_families(&families)?;
        for flow in &self.peer.flows {
            if !families.contains(&flow.family) {
                return Err(Error::new(
                    flow.location,
                    format!("trying to announce a route of type {} when we are not announcing the family to our peer", flow.family),
                ));
            }
        }

        self.peer.changes = self.table.finish(neighbor)?;
        // exact room: the table may be a million routes
        self.peer.changes.reserve_exact(self.peer.flows.len());
        for flow in &self.peer.flows {
            self.peer.changes.push(super::flow::build(flow, neighbor)?);
        }
        self.peer.changes.shrink_to_fit();

        // multi-session: one neighbour per family (ExaBGP's `post`)
        if neighbor.capability.multi_session && families.len() > 1 {
            let peers = families
                .iter()
                .map(|family| {
                    let mut peer = self.peer.clone();
                    peer.neighbor.families = vec![*family];
                    peer.neighbor.addpath.retain(|f| f == family);
                    peer.neighbor.nexthop.retain(|(f, _)| f == family);
                    peer.changes.retain(|c| c.nlri.family() == *family);
                    peer.flows.retain(|r| r.family == *family);
                    peer
                })
                .collect();
            return Ok(peers);
        }
        Ok(vec![self.peer])
    }
}

/// A host or domain name as ExaBGP's `hostname` accepts it (RFC 1123 characters, at most 255).
fn host_name(words: &mut Words<'_>, what: &str) -> Result<String> {
    let at = words.location();
    let value = words.next(&format!("a {what}"))?;
    let why = if !value.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        Some("must start with an alphanumeric character")
    } else if !value.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        Some("must end with an alphanumeric character")
    } else if value.contains("..") {
        Some("can not contain consecutive periods (..)")
    } else if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    {
        Some("allowed characters: a-z, A-Z, 0-9, '.', '-'")
    } else if value.len() > 255 {
        Some("the maximum length is 255 characters")
    } else {
        None
    };
    match why {
        Some(why) => Err(Error::new(
            at,
            format!("'{value}' is not a valid {what}: {why}"),
        )),
        None => Ok(value.to_string()),
    }
}

/// Parses a `neighbor IP[/LEN] { }` section (one neighbour, or one per family with multi-session).
pub fn parse(
    section: Section,
    templates: &HashMap<String, &Section>,
    prepared: &mut Prepared,
) -> Result<Vec<PeerConfig>> {
    let mut args = section.args();
    let (address, len) = args.parse("an IP address or prefix for the neighbor", |s| {
        if s.contains('/') {
            parse_prefix(s).map(|(ip, len)| (ip, Some(len)))
        } else {
            s.parse::<IpAddr>().ok().map(|ip| (ip, None))
        }
    })?;
    args.finish()?;
    let mut builder = Builder::new(address);
    let host = if address.is_ipv4() { 32 } else { 128 };
    builder.peer.neighbor.peer_range = len.filter(|l| *l != host);
    builder.apply(&section.body, templates, 0, prepared, true)?;
    let location = section.location();
    // its statements were read: they go before the routes are finished
    drop(section);
    builder.finish(location)
}

/// Checks a template's body on its own (its statements, not completeness).
pub fn check_template(section: &Section, prepared: &mut Prepared) -> Result<()> {
    let mut builder = Builder::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    for node in &section.body {
        match node {
            // inherit in a template is resolved when a neighbour uses it
            Node::Statement(statement) if statement.keyword() == "inherit" => {}
            Node::Statement(statement) => builder.statement(statement)?,
            Node::Section(inner) => builder.section(inner, prepared, false)?,
        }
    }
    Ok(())
}

/// Strict base64 (RFC 4648 §4, padded), as ExaBGP's `decode_base64`: any character outside the
/// alphabet is refused rather than skipped, and an empty key is refused.
fn decode_base64(text: &str) -> std::result::Result<Vec<u8>, String> {
    fn value(c: u8) -> Option<u32> {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        Some(u32::from(v))
    }
    let bytes = text.as_bytes();
    if bytes.len() % 4 != 0 {
        return Err("not valid base64 (incorrect padding)".into());
    }
    let mut out = Vec::new();
    let groups = bytes.len() / 4;
    for (index, chunk) in bytes.chunks(4).enumerate() {
        let padding = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if padding > 2 || (padding > 0 && index + 1 != groups) {
            return Err("not valid base64 (incorrect padding)".into());
        }
        let mut group = 0u32;
        for &c in &chunk[..4 - padding] {
            group = (group << 6) | value(c).ok_or("not valid base64 (invalid character)")?;
        }
        group <<= 6 * padding;
        let decoded = group.to_be_bytes();
        out.extend_from_slice(&decoded[1..4 - padding]);
    }
    if out.is_empty() {
        return Err("decodes to an empty key".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::decode_base64;

    #[test]
    fn base64_is_strict() {
        // RFC 4648 §10 test vectors
        assert_eq!(decode_base64("Zm9vYmFy").unwrap(), b"foobar");
        assert_eq!(decode_base64("Zm9vYg==").unwrap(), b"foob");
        assert_eq!(decode_base64("Zm9vYmE=").unwrap(), b"fooba");
        assert!(decode_base64("Zm9v YmFy").is_err());
        assert!(decode_base64("Zm9vYmE").is_err());
        assert!(decode_base64("").is_err());
        assert!(decode_base64("Zg==Zg==").is_err());
    }
}
