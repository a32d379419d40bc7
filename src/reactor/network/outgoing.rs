//! Ports `exabgp/reactor/network/outgoing.py`: connecting to a peer with its socket options.

use super::connection::{Connection, Direction};
use super::{tcp, NetworkError};
use crate::bgp::neighbor::Neighbor;
use async_io::Async;
use std::net::{SocketAddr, TcpStream};

/// BGP's port (RFC 4271 §8.2.1).
pub const BGP_PORT: u16 = 179;

/// A connect in progress: the socket is kept here so racing the wait against timers loses nothing.
#[derive(Debug)]
pub struct Outgoing {
    io: Async<TcpStream>,
}

impl Outgoing {
    /// Builds the socket as ExaBGP's `_setup` (MD5, TTL, source address), then starts connecting
    /// to `port` on the neighbour's peer address.
    pub fn start(neighbor: &Neighbor, port: u16) -> Result<Outgoing, NetworkError> {
        let peer = SocketAddr::new(neighbor.peer_address, port);
        let socket = tcp::create(peer.ip())?;
        tcp::md5(
            &socket,
            peer.ip(),
            neighbor.md5_password.as_deref(),
            neighbor.md5_base64,
        )?;
        tcp::ttl(&socket, peer.ip(), neighbor.outgoing_ttl)?;
        if let Some(local) = neighbor.local_address {
            tcp::bind(&socket, local)?;
        }
        log::debug!(
            target: "network", "attempting connection to {}:{}",
            peer.ip(),
            peer.port()
        );
        let io = tcp::connect(socket, peer, neighbor.md5_password.is_some())?;
        Ok(Outgoing { io })
    }

    /// Waits for the connect to complete. Cancel-safe (see [`tcp::ready`]).
    pub async fn ready(&self) -> Result<(), NetworkError> {
        tcp::ready(&self.io).await
    }

    /// The connection, once [`Outgoing::ready`] succeeded.
    pub fn established(self) -> Result<Connection, NetworkError> {
        Connection::new(Direction::Outgoing, self.io)
    }
}
