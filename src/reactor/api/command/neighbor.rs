//! Ports `exabgp/reactor/api/command/limit.py`: the neighbour selectors in front of a command
//! (`neighbor IP [local-ip IP] [local-as N] [peer-as N] [router-id IP] [family-allowed F]`, several
//! joined by `,`, `*` for all; ExaBGP 6's `peer IP ...` and `peer [ IP ..., IP ]`).

use super::{Cursor, ParseError};
use crate::bgp::neighbor::Neighbor;
use std::net::{IpAddr, Ipv4Addr};

/// One `neighbor ...` description; every field given must match.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Selector {
    /// `None` for `*`.
    pub peer: Option<IpAddr>,
    pub local_ip: Option<IpAddr>,
    pub local_as: Option<u32>,
    pub peer_as: Option<u32>,
    pub router_id: Option<Ipv4Addr>,
    /// ExaBGP's `family-allowed`: the families as its peer name spells them (`ipv4-unicast/ipv6-unicast`).
    pub family_allowed: Option<String>,
}

/// Which peers a command is for.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Selection {
    /// No selector (a v4 command without `neighbor`): every peer of the helper.
    All,
    /// Peers matching any of the selectors.
    Any(Vec<Selector>),
}

impl Selection {
    /// Whether `neighbor` is selected.
    pub fn matches(&self, neighbor: &Neighbor) -> bool {
        match self {
            Selection::All => true,
            Selection::Any(selectors) => selectors.iter().any(|s| s.matches(neighbor)),
        }
    }
}

impl Selector {
    pub fn matches(&self, neighbor: &Neighbor) -> bool {
        let families = || {
            neighbor
                .families
                .iter()
                .map(|f| format!("{}-{}", f.afi.name(), f.safi.name()))
                .collect::<Vec<_>>()
                .join("/")
        };
        self.peer.map_or(true, |ip| ip == neighbor.peer_address)
            && self
                .local_ip
                .map_or(true, |ip| neighbor.local_address == Some(ip))
            && self.local_as.map_or(true, |asn| asn == neighbor.local_as)
            && self.peer_as.map_or(true, |asn| asn == neighbor.peer_as)
            && self
                .router_id
                .map_or(true, |id| neighbor.router_id == Some(id))
            && self
                .family_allowed
                .as_ref()
                .map_or(true, |f| *f == families())
    }
}

fn value<T: std::str::FromStr>(
    cursor: &mut Cursor<'_>,
    key: &str,
    what: &str,
) -> Result<T, ParseError> {
    let word = cursor.next(&format!("{what} after '{key}'"))?;
    word.parse().map_err(|_| {
        cursor.error_at_previous(format!("expected {what} after '{key}', got '{word}'"))
    })
}

/// One selector: `IP|* [key value]...`, the `neighbor`/`peer` keyword already consumed.
fn selector(cursor: &mut Cursor<'_>) -> Result<Selector, ParseError> {
    let address = cursor.next("a neighbour address or '*'")?;
    let mut selector = Selector::default();
    if address != "*" {
        selector.peer = Some(address.parse().map_err(|_| {
            cursor.error_at_previous(format!(
                "expected a neighbour address or '*', got '{address}'"
            ))
        })?);
    }
    loop {
        match cursor.peek() {
            Some("local-ip") => {
                cursor.skip();
                selector.local_ip = Some(value(cursor, "local-ip", "an IP address")?);
            }
            Some("local-as") => {
                cursor.skip();
                selector.local_as = Some(value(cursor, "local-as", "an AS number")?);
            }
            Some("peer-as") => {
                cursor.skip();
                selector.peer_as = Some(value(cursor, "peer-as", "an AS number")?);
            }
            Some("router-id") => {
                cursor.skip();
                selector.router_id = Some(value(cursor, "router-id", "an IPv4 router id")?);
            }
            Some("family-allowed") => {
                cursor.skip();
                selector.family_allowed =
                    Some(cursor.next("families after 'family-allowed'")?.to_string());
            }
            _ => return Ok(selector),
        }
    }
}

/// The selectors after a leading `neighbor` or `peer` (already consumed): `neighbor A x y ,
/// neighbor B action` (v4) or `peer [ A x y , B ] action` (v6).
pub(super) fn selection(cursor: &mut Cursor<'_>) -> Result<Selection, ParseError> {
    let mut selectors = Vec::new();
    if cursor.accept("[") {
        loop {
            selectors.push(selector(cursor)?);
            if cursor.accept(",") {
                continue;
            }
            if cursor.accept("]") {
                break;
            }
            return Err(cursor.expected("',' or ']' in the peer list"));
        }
    } else {
        selectors.push(selector(cursor)?);
        while cursor.accept(",") {
            if !(cursor.accept("neighbor") || cursor.accept("peer")) {
                return Err(cursor.expected("'neighbor' after ','"));
            }
            selectors.push(selector(cursor)?);
        }
    }
    Ok(Selection::Any(selectors))
}
