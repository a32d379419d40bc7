//! Ports `exabgp/reactor/`: the peer FSM coroutine (sans-IO), the API encoders, and the async side
//! that drives them: the event loop, the network, the listener, signals and the daemon.

pub mod api;
pub mod bridge;
pub mod daemon;
pub mod delay;
pub mod interrupt;
pub mod listener;
pub mod r#loop;
pub mod monitor;
pub mod network;
pub mod peer;
pub mod protocol;
pub(crate) mod sys;
