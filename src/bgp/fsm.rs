//! Ports `exabgp/bgp/fsm.py`: the six states of the BGP finite state machine (RFC 4271 §8.2.2).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A state of the peer FSM, with ExaBGP's names and codes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum State {
    Idle,
    Active,
    Connect,
    OpenSent,
    OpenConfirm,
    Established,
}

impl State {
    pub const ALL: [State; 6] = [
        State::Idle,
        State::Active,
        State::Connect,
        State::OpenSent,
        State::OpenConfirm,
        State::Established,
    ];

    /// The upper-case name ExaBGP prints (`"OPENCONFIRM"`), also the JSON `"state"` of the `fsm` API message.
    pub fn name(self) -> &'static str {
        match self {
            State::Idle => "IDLE",
            State::Active => "ACTIVE",
            State::Connect => "CONNECT",
            State::OpenSent => "OPENSENT",
            State::OpenConfirm => "OPENCONFIRM",
            State::Established => "ESTABLISHED",
        }
    }

    /// ExaBGP's one-bit code for the state.
    pub fn code(self) -> u8 {
        match self {
            State::Idle => 0x01,
            State::Active => 0x02,
            State::Connect => 0x04,
            State::OpenSent => 0x08,
            State::OpenConfirm => 0x10,
            State::Established => 0x20,
        }
    }

    pub fn from_name(name: &str) -> Option<State> {
        State::ALL
            .into_iter()
            .find(|state| state.name().eq_ignore_ascii_case(name))
    }

    /// Whether an OPEN was exchanged on the current connection, so that an error must be
    /// reported with a NOTIFICATION (RFC 4271 §6: a NOTIFICATION is only sent once the OPEN went out).
    pub fn open_sent(self) -> bool {
        matches!(
            self,
            State::OpenSent | State::OpenConfirm | State::Established
        )
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes() {
        for state in State::ALL {
            assert_eq!(State::from_name(state.name()), Some(state));
        }
        assert_eq!(State::OpenConfirm.name(), "OPENCONFIRM");
        assert_eq!(State::Established.code(), 0x20);
        assert_eq!(State::from_name("bogus"), None);
    }
}
