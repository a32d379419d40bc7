//! Ports `exabgp/bgp/message/update/nlri/qualifier/`: the parts NLRI are built from (path identifier, later labels, RD, ...).

pub mod path;
pub mod rd;

pub use path::PathInfo;
pub use rd::RouteDistinguisher;
