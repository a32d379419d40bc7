//! Ports `exabgp/bgp/`: the BGP wire format, the FSM states, timers and neighbour settings.

pub mod fsm;
pub mod message;
pub mod neighbor;
pub mod timer;
