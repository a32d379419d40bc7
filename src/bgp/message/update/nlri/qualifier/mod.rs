//! Ports `exabgp/bgp/message/update/nlri/qualifier/`: the parts NLRI are built from (path identifier, labels, RD, ...).

pub mod labels;
pub mod path;
pub mod rd;

pub use labels::Labels;
pub use path::PathInfo;
pub use rd::Rd;
