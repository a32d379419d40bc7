//! Ports `exabgp/configuration/capability.py`: the `capability { }` section of a neighbour.

use super::core::parser::{Node, Section};
use super::core::{Error, Result};
use super::schema::{expected, Keyword, Kind};
use crate::bgp::neighbor::NeighborCapability;
use std::borrow::Cow;

/// The statements of a `capability { }` section, as the parser dispatches them.
pub(crate) const KEYWORDS: &[Keyword] = &[
    Keyword::new(
        "asn4",
        Kind::Boolean { bare: true },
        "Four-octet AS numbers (RFC 6793)",
    ),
    Keyword::new(
        "add-path",
        Kind::Choice(Cow::Borrowed(&[
            "send",
            "receive",
            "send/receive",
            "disable",
            "disabled",
        ])),
        "ADD-PATH (RFC 7911) for the add-path families",
    ),
    Keyword::new(
        "aigp",
        Kind::Boolean { bare: true },
        "Accumulated IGP metric attribute (RFC 7311)",
    ),
    Keyword::new(
        "extended-message",
        Kind::Boolean { bare: true },
        "Messages up to 65535 bytes (RFC 8654)",
    ),
    Keyword::new(
        "graceful-restart",
        Kind::Integer { min: 0, max: 4095 },
        "Graceful restart (RFC 4724): the restart time, or a boolean (bare: the hold time)",
    ),
    Keyword::new(
        "link-local-nexthop",
        Kind::Boolean { bare: true },
        "Link-local next-hop capability",
    ),
    Keyword::new(
        "link-local-prefer",
        Kind::Boolean { bare: true },
        "Prefer the link-local next-hop",
    ),
    Keyword::new(
        "multi-session",
        Kind::Boolean { bare: true },
        "One session per family",
    ),
    Keyword::new(
        "nexthop",
        Kind::Boolean { bare: true },
        "Extended next-hop (RFC 8950) for the nexthop families",
    ),
    Keyword::new(
        "operational",
        Kind::Boolean { bare: true },
        "Operational messages",
    ),
    Keyword::new(
        "route-refresh",
        Kind::Boolean { bare: true },
        "Route refresh (RFC 2918, RFC 7313)",
    ),
    Keyword::new(
        "software-version",
        Kind::Boolean { bare: true },
        "Send the software version",
    ),
];

/// What the section set; `None` where it said nothing, so that defaults that depend on other
/// settings (graceful-restart time, extended next-hop) are resolved by the neighbour.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct CapabilitySettings {
    /// `Some(None)`: disabled; `Some(Some(0))`: enabled with the hold time.
    pub graceful_restart: Option<Option<u16>>,
    pub nexthop: Option<bool>,
}

/// Applies a `capability { }` section to `capability`.
pub fn parse(
    section: &Section,
    capability: &mut NeighborCapability,
    settings: &mut CapabilitySettings,
) -> Result<()> {
    section.args().finish()?;
    for node in &section.body {
        let statement = match node {
            Node::Statement(statement) => statement,
            Node::Section(inner) => {
                return Err(Error::new(
                    inner.location(),
                    format!("unexpected section '{}' in capability", inner.keyword()),
                ))
            }
        };
        let mut words = statement.args();
        match statement.keyword() {
            "asn4" => capability.asn4 = words.boolean(true)?,
            "extended-message" => capability.extended_message = words.boolean(true)?,
            "multi-session" => capability.multi_session = words.boolean(true)?,
            "operational" => capability.operational = words.boolean(true)?,
            "route-refresh" => capability.route_refresh = words.boolean(true)?,
            "aigp" => capability.aigp = words.boolean(true)?,
            "software-version" => capability.software_version = words.boolean(true)?,
            "link-local-nexthop" => capability.link_local_nexthop = words.boolean(true)?,
            "link-local-prefer" => capability.link_local_prefer = words.boolean(true)?,
            "nexthop" => settings.nexthop = Some(words.boolean(true)?),
            "add-path" => {
                capability.add_path =
                    words.parse("send, receive, send/receive or disable", |s| {
                        match s.to_ascii_lowercase().as_str() {
                            "disable" | "disabled" => Some(0),
                            "receive" => Some(1),
                            "send" => Some(2),
                            "send/receive" => Some(3),
                            _ => None,
                        }
                    })?
            }
            "graceful-restart" => {
                settings.graceful_restart = Some(if words.is_empty() {
                    Some(0)
                } else if let Some(enabled) = words
                    .peek()
                    .and_then(|t| super::core::parser::parse_boolean(&t.text))
                {
                    words.next("")?;
                    enabled.then_some(0)
                } else {
                    // RFC 4724 §3: the restart time is 12 bits
                    let time: u16 = words.parse("a restart time (0-4095) or a boolean", |s| {
                        super::core::parser::parse_number::<u16>(s).filter(|t| *t <= 4095)
                    })?;
                    Some(time)
                })
            }
            other => {
                return Err(Error::new(
                    statement.location(),
                    format!(
                        "unknown capability '{other}': expected {}",
                        expected(KEYWORDS.iter().map(|k| k.name))
                    ),
                ))
            }
        }
        words.finish()?;
    }
    Ok(())
}
