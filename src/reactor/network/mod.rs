//! Ports `exabgp/reactor/network/` (error.py and the package): TCP connections to and from peers.

pub mod connection;
pub mod incoming;
pub mod outgoing;
pub mod tcp;

use std::fmt;

/// Why a network operation failed, as ExaBGP's `network/error.py` classes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetworkError {
    /// The socket could not be created or the peer could not be reached.
    NotConnected(String),
    /// The local address could not be bound.
    Binding(String),
    /// TCP-MD5 could not be set up.
    Md5(String),
    /// TTL or GTSM could not be set up.
    Ttl(String),
    /// The peer went away or the socket failed while reading or writing.
    LostConnection(String),
}

impl fmt::Display for NetworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetworkError::NotConnected(text)
            | NetworkError::Binding(text)
            | NetworkError::Md5(text)
            | NetworkError::Ttl(text)
            | NetworkError::LostConnection(text) => f.write_str(text),
        }
    }
}

impl std::error::Error for NetworkError {}
