//! Ports `exabgp/util/`: small helpers shared by every layer, with no I/O.

pub(crate) mod hash;
pub mod hex;
pub(crate) mod json;
pub(crate) mod time;
