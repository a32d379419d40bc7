//! Ports `exabgp/reactor/`: the peer FSM coroutine (sans-IO), the API encoders, and the async side that drives them.

pub mod api;
pub mod keepalive;
pub mod peer;
pub mod protocol;
