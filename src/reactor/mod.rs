//! Ports `exabgp/reactor/`: the event loop, the peers, the network and the helper processes.

pub mod daemon;
pub mod delay;
pub mod interrupt;
pub mod listener;
pub mod network;
mod sys;
