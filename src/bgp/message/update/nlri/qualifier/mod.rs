//! Ports `exabgp/bgp/message/update/nlri/qualifier/`: the parts NLRI are built from (path identifier, labels, RD, ESI, Ethernet tag, MAC).

pub mod esi;
pub mod etag;
pub mod labels;
pub mod mac;
pub mod path;
pub mod rd;

pub use esi::Esi;
pub use etag::EthernetTag;
pub use labels::Labels;
pub use mac::MacAddress;
pub use path::PathInfo;
pub use rd::RouteDistinguisher;
