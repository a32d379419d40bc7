//! Ports `exabgp/reactor/`: the daemon side (this crate so far holds the API response encoders).

pub mod api;
