//! Ports `exabgp/configuration/operational/`: `operational { asm afi ipv4 safi unicast advisory
//! "text"; ... }` (draft-ietf-idr-operational-message).

use super::core::parser::{Node, Section};
use super::core::{Error, Location, Result};
use super::schema::{Container, Keyword, Kind};
use crate::protocol::family::{Afi, Family, Safi};

const MESSAGES: &[&str] = &["asm", "adm", "rpcq", "rpcp", "apcq", "apcp", "lpcq", "lpcp"];

/// The `operational { }` section's schema: one statement per message of `MESSAGES`.
pub(crate) fn schema() -> Container {
    let messages: Vec<Keyword> = MESSAGES
        .iter()
        .map(|name| {
            Keyword::new(
                name,
                Kind::Text,
                "afi AFI safi SAFI then the message's fields (draft-ietf-idr-operational-message)",
            )
        })
        .collect();
    Container::new("Operational messages sent once the session is up").leaves(&messages)
}

/// One operational message to send once the session is up.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Operational {
    pub name: String,
    pub family: Family,
    /// `advisory` text, `sequence`, `counter`, `prefix`: the remaining keywords as written.
    pub fields: Vec<(String, String)>,
    pub location: Location,
}

pub fn parse(section: &Section, messages: &mut Vec<Operational>) -> Result<()> {
    section.args().finish()?;
    for node in &section.body {
        let Node::Statement(statement) = node else {
            return Err(Error::new(
                section.location(),
                "unexpected section in operational",
            ));
        };
        let name = statement.keyword();
        if !MESSAGES.contains(&name) {
            return Err(Error::new(
                statement.location(),
                format!(
                    "unknown operational message '{name}': expected {}",
                    MESSAGES.join(", ")
                ),
            ));
        }
        let mut words = statement.args();
        if !words.accept("afi") {
            return Err(words.expected("'afi'"));
        }
        let afi = words.parse("an AFI", Afi::from_name)?;
        if !words.accept("safi") {
            return Err(words.expected("'safi'"));
        }
        let safi = words.parse("a SAFI", Safi::from_name)?;
        let mut fields = Vec::new();
        while let Some(token) = words.peek() {
            words.token("")?;
            let keyword = token.text.to_string();
            let value = words.next("a value")?.to_string();
            fields.push((keyword, value));
        }
        messages.push(Operational {
            name: name.to_string(),
            family: Family::new(afi, safi),
            fields,
            location: statement.location(),
        });
    }
    Ok(())
}
