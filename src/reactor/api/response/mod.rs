//! Ports `exabgp/reactor/api/response/`: how messages and events are written for helper processes.

pub mod json;
pub mod text;
