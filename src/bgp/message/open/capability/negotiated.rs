//! Ports `exabgp/bgp/message/open/capability/negotiated.py`: what both OPENs agreed (RFC 4271 §4.2, RFC 5492).
//!
//! Every encoder and decoder takes a `&Negotiated`: nothing about a session is global.

use crate::bgp::message::open::Open;
use crate::bgp::message::Notification;
use crate::bgp::neighbor::Neighbor;
use crate::protocol::family::{Afi, Family};
use std::collections::BTreeMap;

/// ADD-PATH direction bits for one family (RFC 7911 §4: 1 receive, 2 send, 3 both).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct AddPath {
    /// We may send path identifiers (we announced send, the peer announced receive).
    pub send: bool,
    /// The peer sends path identifiers (we announced receive, the peer announced send).
    pub receive: bool,
}

/// How route refresh was agreed.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Refresh {
    #[default]
    Absent,
    Normal,
    Enhanced,
}

/// The negotiated session: what encoders and decoders must know about the peer.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Negotiated {
    /// Four-octet AS numbers in AS_PATH and AGGREGATOR (RFC 6793).
    pub asn4: bool,
    pub local_as: u32,
    pub peer_as: u32,
    /// Negotiated hold time in seconds (0 or at least 3).
    pub hold_time: u16,
    /// Families both sides announced, in the order we announced them.
    pub families: Vec<Family>,
    /// ADD-PATH per family.
    pub addpath: BTreeMap<Family, AddPath>,
    /// Largest message: 4096, or 65535 with extended message (RFC 8654).
    pub msg_size: usize,
    /// Extended next-hop (RFC 8950): NLRI family → next-hop AFI allowed.
    pub nexthop: Vec<(Family, Afi)>,
    pub refresh: Refresh,
    pub operational: bool,
    pub aigp: bool,
    pub linklocal_nexthop: bool,
}

impl Default for Negotiated {
    /// A session before any OPEN: ASN4, IPv4 unicast, no ADD-PATH, 4096-byte messages.
    fn default() -> Negotiated {
        Negotiated {
            asn4: true,
            local_as: 0,
            peer_as: 0,
            hold_time: 180,
            families: vec![Family::IPV4_UNICAST],
            addpath: BTreeMap::new(),
            msg_size: crate::bgp::message::MAX_LEN,
            nexthop: Vec::new(),
            refresh: Refresh::Absent,
            operational: false,
            aigp: false,
            linklocal_nexthop: false,
        }
    }
}

impl Negotiated {
    /// Whether path identifiers are present in NLRI we receive for `family`.
    pub fn addpath_receive(&self, family: Family) -> bool {
        self.addpath.get(&family).is_some_and(|a| a.receive)
    }

    /// Whether path identifiers must be written in NLRI we send for `family`.
    pub fn addpath_send(&self, family: Family) -> bool {
        self.addpath.get(&family).is_some_and(|a| a.send)
    }
}

impl Negotiated {
    /// Agrees the session from the OPEN we sent and the one we received, checking the received
    /// one against the neighbour's settings (peer AS, hold time, router id: RFC 4271 §6.2).
    pub fn new(
        _neighbor: &Neighbor,
        _sent: &Open,
        _received: &Open,
    ) -> Result<Negotiated, Notification> {
        todo!("issue 2: capability negotiation")
    }
}
