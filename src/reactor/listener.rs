//! Ports `exabgp/reactor/listener.py`: listening sockets, and matching accepted connections to the
//! configured neighbours.

use crate::bgp::neighbor::Neighbor;
use crate::reactor::network::connection::Connection;
use crate::reactor::network::{incoming, tcp, NetworkError};
use async_io::Async;
use socket2::{SockAddr, SockRef};
use std::future::poll_fn;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::task::Poll;

/// Connections waiting to be accepted per socket (ExaBGP's default).
const BACKLOG: i32 = 200;
/// How long to wait before accepting again after an error such as running out of descriptors.
const ACCEPT_RETRY: std::time::Duration = std::time::Duration::from_millis(100);

struct Listening {
    local: IpAddr,
    port: u16,
    io: Async<TcpListener>,
}

/// The listening sockets of the reactor.
#[derive(Default)]
pub struct Listener {
    sockets: Vec<Listening>,
}

impl Listener {
    pub fn new() -> Listener {
        Listener::default()
    }

    /// Listens on `local`:`port` for `peer` (any peer when `None`), with the peer's MD5 key and
    /// GTSM minimum TTL. A second call for the same address and port only adds the key and TTL.
    pub fn listen_on(
        &mut self,
        local: IpAddr,
        peer: Option<IpAddr>,
        port: u16,
        md5: Option<&str>,
        md5_base64: bool,
        ttl_in: Option<u8>,
    ) -> Result<(), NetworkError> {
        let peer = peer.unwrap_or(match local {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        });
        if let Some(existing) = self
            .sockets
            .iter()
            .find(|s| s.local == local && s.port == port)
        {
            let socket = SockRef::from(existing.io.get_ref());
            tcp::md5(&socket, peer, md5, md5_base64)?;
            return tcp::min_ttl(&socket, peer, ttl_in);
        }
        let result = self.bind(local, peer, port, md5, md5_base64, ttl_in);
        match &result {
            Ok(()) => {
                let with = if md5.is_some() { " with MD5" } else { "" };
                log::info!(target: "network", "listening for BGP session(s) on {local}:{port}{with}");
            }
            Err(error) => {
                if super::sys::effective_uid() != 0 && port <= 1024 {
                    log::error!(target: "network", "can not bind to {local}:{port}, you may need to run ExaBGP as root");
                } else {
                    log::error!(target: "network", "can not bind to {local}:{port} ({error})");
                }
                log::error!(target: "network", "unset exabgp.tcp.bind if you do not want listen for incoming connections");
                log::error!(
                    target: "network", "and check that no other daemon is already binding to port {port}"
                );
            }
        }
        result
    }

    fn bind(
        &mut self,
        local: IpAddr,
        peer: IpAddr,
        port: u16,
        md5: Option<&str>,
        md5_base64: bool,
        ttl_in: Option<u8>,
    ) -> Result<(), NetworkError> {
        let socket = tcp::create(local)?;
        // The key belongs to the peer's end of the TCP connection, not ours.
        tcp::md5(&socket, peer, md5, md5_base64)?;
        tcp::min_ttl(&socket, peer, ttl_in)?;
        if local.is_ipv6() {
            let _ = socket.set_only_v6(true);
        }
        let address = SocketAddr::new(local, port);
        let failed = |error: io::Error| {
            match error.raw_os_error() {
            Some(libc::EADDRINUSE) => NetworkError::Binding(format!(
                "could not listen on {local}:{port}, the port may already be in use by another application"
            )),
            Some(libc::EADDRNOTAVAIL) => {
                NetworkError::Binding(format!("could not listen on {local}:{port}, this is an invalid address"))
            }
            _ => NetworkError::Binding(error.to_string()),
        }
        };
        socket.bind(&SockAddr::from(address)).map_err(failed)?;
        socket.listen(BACKLOG).map_err(failed)?;
        socket.set_nonblocking(true).map_err(failed)?;
        let io = Async::new_nonblocking(TcpListener::from(socket)).map_err(failed)?;
        // Port 0 asks the kernel for one: remember the port it chose.
        let port = io.get_ref().local_addr().map(|a| a.port()).unwrap_or(port);
        self.sockets.push(Listening { local, port, io });
        Ok(())
    }

    /// The addresses listened on (with the ports the kernel chose for port 0).
    pub fn addresses(&self) -> Vec<SocketAddr> {
        self.sockets
            .iter()
            .map(|s| SocketAddr::new(s.local, s.port))
            .collect()
    }

    /// Waits for the next connection on any socket. Cancel-safe: nothing is accepted until a
    /// connection is returned. Never completes when not listening.
    pub async fn accept(&self) -> Connection {
        loop {
            match poll_fn(|cx| self.poll_accept(cx)).await {
                Some(connection) => return connection,
                // A persistent error (no file descriptor left, ...) would spin: retry a bit later.
                None => {
                    async_io::Timer::after(ACCEPT_RETRY).await;
                }
            }
        }
    }

    /// Accepts one connection from any socket; `Ready(None)` after an error that readiness will
    /// not clear.
    fn poll_accept(&self, cx: &mut std::task::Context<'_>) -> Poll<Option<Connection>> {
        for socket in &self.sockets {
            loop {
                if socket.io.poll_readable(cx).is_pending() {
                    break;
                }
                match socket.io.get_ref().accept() {
                    Ok((stream, _)) => {
                        let accepted = stream
                            .set_nonblocking(true)
                            .and_then(|_| Async::new_nonblocking(stream))
                            .map_err(|error| NetworkError::NotConnected(error.to_string()))
                            .and_then(incoming::incoming);
                        match accepted {
                            Ok(connection) => return Poll::Ready(Some(connection)),
                            Err(error) => log::error!(target: "network", "{error}"),
                        }
                    }
                    // Clears async-io's readiness so poll_readable registers the waker.
                    Err(error) if error.kind() == io::ErrorKind::WouldBlock => continue,
                    // The client gave up before we accepted: try the next one.
                    Err(error) if error.kind() == io::ErrorKind::ConnectionAborted => continue,
                    Err(error) => {
                        log::error!(target: "network", "{error}");
                        return Poll::Ready(None);
                    }
                }
            }
        }
        Poll::Pending
    }

    /// Closes every listening socket.
    pub fn stop(&mut self) {
        for socket in self.sockets.drain(..) {
            log::info!(
                target: "network", "stopped listening on {}:{}",
                socket.local,
                socket.port
            );
        }
    }
}

/// Whether an accepted connection belongs to `neighbor`: it comes from the peer address and
/// reached our configured local address (any local address when none is configured).
pub fn matches(neighbor: &Neighbor, connection: &Connection) -> bool {
    if connection.peer.ip() != neighbor.peer_address {
        return false;
    }
    match neighbor.local_address {
        None => true,
        Some(local) => local == connection.local.ip(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reactor::network::connection::Direction;

    #[test]
    fn accepts_and_matches_the_neighbour() {
        let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let mut listener = Listener::new();
        listener
            .listen_on(localhost, None, 0, None, false, None)
            .unwrap();
        // Same address and port again: reuses the socket.
        let port = listener.addresses()[0].port();
        listener
            .listen_on(localhost, Some(localhost), port, None, false, Some(1))
            .unwrap();
        assert_eq!(listener.addresses().len(), 1);

        let client = std::net::TcpStream::connect(listener.addresses()[0]).unwrap();
        let connection = async_io::block_on(listener.accept());
        assert_eq!(connection.direction, Direction::Incoming);
        assert_eq!(connection.peer, client.local_addr().unwrap());

        let mut neighbor = Neighbor::new(localhost);
        assert!(matches(&neighbor, &connection));
        neighbor.local_address = Some(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)));
        assert!(!matches(&neighbor, &connection));
        neighbor.local_address = Some(localhost);
        neighbor.peer_address = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 3));
        assert!(!matches(&neighbor, &connection));
    }

    #[test]
    fn port_in_use_is_a_binding_error() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut listener = Listener::new();
        let port = taken.local_addr().unwrap().port();
        let error = listener.listen_on(
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            None,
            port,
            None,
            false,
            None,
        );
        assert!(matches!(error, Err(NetworkError::Binding(_))), "{error:?}");
    }
}
