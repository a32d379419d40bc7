//! Ports `exabgp/reactor/`: the peer FSM coroutine (sans-IO) and, later, the async side that drives it.

pub mod keepalive;
pub mod peer;
pub mod protocol;
