//! Ports `exabgp/bgp/neighbor/` (neighbor.py, session.py, capability.py): one configured peer.
//!
//! Filled by the configuration parser, read by the OPEN builder, the FSM and the bridge.

pub mod template;

use crate::bgp::message::update::nlri::flow::OffsetLayout;
use crate::protocol::family::{Afi, Family};
use std::net::{IpAddr, Ipv4Addr};

/// Graceful restart as configured: `None` disabled, `Some(time)` enabled with that restart time.
pub type GracefulRestart = Option<u16>;

/// The `capability { ... }` block of a neighbour.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct NeighborCapability {
    pub asn4: bool,
    pub extended_message: bool,
    pub graceful_restart: GracefulRestart,
    pub multi_session: bool,
    pub operational: bool,
    /// 0 disabled, 1 receive, 2 send, 3 send/receive (RFC 7911 §4).
    pub add_path: u8,
    /// Route refresh announced (RFC 2918), with enhanced route refresh (RFC 7313).
    pub route_refresh: bool,
    /// Extended next-hop (RFC 8950) announced for the `nexthop { }` families.
    pub nexthop: bool,
    pub aigp: bool,
    pub link_local_nexthop: bool,
    /// `software-version`: announce ExaBGP's version string (draft-abraitis-bgp-version-capability).
    pub software_version: bool,
    /// `link-local-prefer`: prefer the link-local next-hop when both are sent.
    pub link_local_prefer: bool,
}

impl Default for NeighborCapability {
    fn default() -> NeighborCapability {
        NeighborCapability {
            asn4: true,
            extended_message: true,
            graceful_restart: None,
            multi_session: false,
            operational: false,
            add_path: 0,
            route_refresh: false,
            nexthop: false,
            aigp: false,
            link_local_nexthop: false,
            software_version: false,
            link_local_prefer: false,
        }
    }
}

/// TCP-AO (RFC 5925) settings of a neighbour.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TcpAo {
    pub keyid: u8,
    /// `hmac-sha-1-96`, `aes-128-cmac-96` or `hmac-sha-256`.
    pub algorithm: String,
    pub password: String,
    /// The password is base64-encoded.
    pub base64: bool,
}

/// One neighbour, with its session settings and capabilities.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Neighbor {
    pub description: String,
    pub peer_address: IpAddr,
    /// `None`: chosen by the kernel when connecting (ExaBGP's auto-discovery).
    pub local_address: Option<IpAddr>,
    pub local_link_local: Option<IpAddr>,
    pub local_as: u32,
    pub peer_as: u32,
    /// `None`: derived from the local address once known.
    pub router_id: Option<Ipv4Addr>,
    pub hold_time: u16,
    pub passive: bool,
    /// Port to connect to (0: the environment's `tcp.port`, else 179).
    pub connect: u16,
    /// Port to listen on for this neighbour (0: none of its own).
    pub listen: u16,
    pub md5_password: Option<String>,
    pub md5_base64: bool,
    pub md5_ip: Option<IpAddr>,
    pub outgoing_ttl: Option<u8>,
    pub incoming_ttl: Option<u8>,
    pub host_name: String,
    pub domain_name: String,
    pub group_updates: bool,
    pub auto_flush: bool,
    pub adj_rib_in: bool,
    pub adj_rib_out: bool,
    pub manual_eor: bool,
    pub rate_limit: u32,
    pub capability: NeighborCapability,
    /// Families to announce in the OPEN, in ExaBGP's (sorted) order.
    pub families: Vec<Family>,
    /// Extended next-hop: (NLRI family, next-hop AFI).
    pub nexthop: Vec<(Family, Afi)>,
    /// Families with ADD-PATH enabled.
    pub addpath: Vec<Family>,
    /// The version sent in the software-version capability after `ExaBGP/` (the environment's
    /// `exabgp_version` when set).
    pub software_version: String,
    /// `neighbor 10.0.0.0/24`: the prefix length of a range of (passive) peers; `None` for one peer.
    pub peer_range: Option<u8>,
    /// `source-interface NAME`: bind outgoing connections to that interface.
    pub source_interface: Option<String>,
    pub tcp_ao: Option<TcpAo>,
    /// ADD-PATH paths limit per family (`add-path { ipv4 unicast limit N; }`).
    pub paths_limit: Vec<(Family, u16)>,
    /// `flow-ipv6-offset whole-prefix|rfc8956`: the wire layout of IPv6 FlowSpec prefixes
    /// with an offset, sent and read (the whole prefix by default, as ExaBGP, FRR, GoBGP).
    pub flow_offset: OffsetLayout,
}

/// A peer's identity: ExaBGP tells neighbours apart by their addresses and families (its
/// `Neighbor.index`), across reloads and between the reactor and the API.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct PeerKey {
    peer_address: IpAddr,
    local_address: Option<IpAddr>,
    families: Vec<Family>,
}

impl PeerKey {
    /// Whether this is `neighbor`'s key, compared without building one.
    pub fn names(&self, neighbor: &Neighbor) -> bool {
        self.peer_address == neighbor.peer_address
            && self.local_address == neighbor.local_address
            && self.families == neighbor.families
    }
}

impl std::fmt::Display for PeerKey {
    /// As ExaBGP names a peer in its logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "neighbor {} local-ip ", self.peer_address)?;
        match self.local_address {
            Some(ip) => write!(f, "{ip}")?,
            None => f.write_str("auto")?,
        }
        let families: Vec<String> = self.families.iter().map(|f| f.name()).collect();
        write!(f, " family [{}]", families.join(" "))
    }
}

impl Neighbor {
    /// The neighbour's identity (see [`PeerKey`]).
    pub fn key(&self) -> PeerKey {
        PeerKey {
            peer_address: self.peer_address,
            local_address: self.local_address,
            families: self.families.clone(),
        }
    }

    /// A neighbour with ExaBGP's defaults for `peer_address`.
    pub fn new(peer_address: IpAddr) -> Neighbor {
        Neighbor {
            description: String::new(),
            peer_address,
            local_address: None,
            local_link_local: None,
            local_as: 0,
            peer_as: 0,
            router_id: None,
            hold_time: 180,
            passive: false,
            connect: 0,
            listen: 0,
            md5_password: None,
            md5_base64: false,
            md5_ip: None,
            outgoing_ttl: None,
            incoming_ttl: None,
            host_name: String::new(),
            domain_name: String::new(),
            group_updates: true,
            auto_flush: true,
            adj_rib_in: false,
            adj_rib_out: true,
            manual_eor: false,
            rate_limit: 0,
            capability: NeighborCapability::default(),
            families: Vec::new(),
            nexthop: Vec::new(),
            addpath: Vec::new(),
            software_version: env!("CARGO_PKG_VERSION").to_string(),
            peer_range: None,
            source_interface: None,
            tcp_ao: None,
            paths_limit: Vec::new(),
            flow_offset: OffsetLayout::WholePrefix,
        }
    }
}
