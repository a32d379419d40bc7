//! Ports `exabgp/reactor/api/`: talking to helper processes.

pub mod command;
pub mod processes;
pub mod response;
