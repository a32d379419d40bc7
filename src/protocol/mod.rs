//! Ports `exabgp/protocol/`: address families and IP helpers shared by every layer.

pub mod family;
