//! Ports `exabgp/bgp/message/open/capability/`: BGP capabilities (RFC 5492) and the negotiated session.

pub mod negotiated;

use crate::bgp::neighbor::Neighbor;
use bytes::Bytes;

/// One capability as it appears in an OPEN.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Capability {
    /// A capability ExaBGP does not know, kept as its bytes.
    Unknown { code: u8, data: Bytes },
}

/// The capabilities of an OPEN, in the order they were sent or received.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Capabilities(pub Vec<Capability>);

impl Capabilities {
    /// The capabilities ExaBGP announces for `neighbor`, in ExaBGP's order.
    /// `restarted`: the graceful-restart R bit (RFC 4724 §3).
    pub fn new(_neighbor: &Neighbor, _restarted: bool) -> Capabilities {
        todo!("issue 2: capabilities")
    }
}
