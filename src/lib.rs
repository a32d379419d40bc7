//! exabgp-rs: an independent Rust port of ExaBGP, the BGP swiss army knife.
//!
//! The module tree mirrors ExaBGP's package tree; see `docs/module-map.md`.

pub mod application;
pub mod bgp;
pub mod configuration;
pub mod environment;
pub(crate) mod logger;
pub mod protocol;
pub mod reactor;
pub mod rib;
pub mod util;
