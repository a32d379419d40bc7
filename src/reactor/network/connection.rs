//! Ports `exabgp/reactor/network/connection.py`: one established TCP connection to a peer.
//!
//! Unlike ExaBGP's generators, reads and writes here are single async calls, each cancel-safe:
//! the buffers live with the caller (the bridge), so a read or write raced against a timer and
//! dropped loses nothing.

use super::NetworkError;
use async_io::Async;
use bytes::BytesMut;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicU32, Ordering};

/// Who opened the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    Outgoing,
    Incoming,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::Outgoing => "outgoing",
            Direction::Incoming => "incoming",
        }
    }

    fn counter(self) -> &'static AtomicU32 {
        // One counter per direction, as ExaBGP numbers its connections in logs.
        static OUTGOING: AtomicU32 = AtomicU32::new(1);
        static INCOMING: AtomicU32 = AtomicU32::new(1);
        match self {
            Direction::Outgoing => &OUTGOING,
            Direction::Incoming => &INCOMING,
        }
    }
}

/// Bytes asked of the kernel per read: a few full-size messages.
const READ_CHUNK: usize = 16 * 1024;

/// An established TCP connection.
#[derive(Debug)]
pub struct Connection {
    pub direction: Direction,
    pub id: u32,
    pub peer: SocketAddr,
    pub local: SocketAddr,
    io: Async<TcpStream>,
}

impl Connection {
    /// Wraps a connected non-blocking stream.
    pub fn new(direction: Direction, io: Async<TcpStream>) -> Result<Connection, NetworkError> {
        let lost = |error: io::Error| {
            NetworkError::NotConnected(format!("connection without address ({error})"))
        };
        let peer = io.get_ref().peer_addr().map_err(lost)?;
        let local = io.get_ref().local_addr().map_err(lost)?;
        let _ = io.get_ref().set_nodelay(true);
        let id = direction.counter().fetch_add(1, Ordering::Relaxed);
        Ok(Connection {
            direction,
            id,
            peer,
            local,
            io,
        })
    }

    /// `outgoing-1 127.0.0.1-127.0.0.2`, as ExaBGP names connections in logs.
    pub fn name(&self) -> String {
        format!(
            "{}-{} {}-{}",
            self.direction.name(),
            self.id,
            self.local.ip(),
            self.peer.ip()
        )
    }

    /// Appends what the peer sent to `buffer`, waiting until something arrives. Returns the number
    /// of bytes read; a closed connection is an error. Cancel-safe.
    pub async fn read_into(&self, buffer: &mut BytesMut) -> Result<usize, NetworkError> {
        let read = self
            .io
            .read_with(|mut stream| {
                let start = buffer.len();
                buffer.resize(start + READ_CHUNK, 0);
                let result = stream.read(&mut buffer[start..]);
                buffer.truncate(start + *result.as_ref().unwrap_or(&0));
                result
            })
            .await
            .map_err(|error| {
                NetworkError::LostConnection(format!("issue reading on the socket: {error}"))
            })?;
        if read == 0 {
            return Err(NetworkError::LostConnection(
                "the TCP connection was closed by the remote end".to_string(),
            ));
        }
        Ok(read)
    }

    /// Whether the peer sent something not read yet (bytes, an end of stream or an error),
    /// without reading it.
    pub fn has_input(&self) -> bool {
        match self.io.get_ref().peek(&mut [0u8; 1]) {
            Ok(_) => true,
            Err(error) => error.kind() != io::ErrorKind::WouldBlock,
        }
    }

    /// Writes some of `data` once the socket accepts it; returns how much went. Cancel-safe.
    pub async fn write_some(&self, data: &[u8]) -> Result<usize, NetworkError> {
        let written = self
            .io
            .write_with(|mut stream| stream.write(data))
            .await
            .map_err(|error| {
                NetworkError::LostConnection(format!(
                    "Problem while writing data to the network ({error})"
                ))
            })?;
        if written == 0 && !data.is_empty() {
            return Err(NetworkError::LostConnection(
                "lost the TCP connection".to_string(),
            ));
        }
        Ok(written)
    }

    /// Writes what the socket takes of `parts`, in order, in one system call.
    pub async fn write_vectored(
        &self,
        parts: &[std::io::IoSlice<'_>],
    ) -> Result<usize, NetworkError> {
        let written = self
            .io
            .write_with(|mut stream| stream.write_vectored(parts))
            .await
            .map_err(|error| {
                NetworkError::LostConnection(format!(
                    "Problem while writing data to the network ({error})"
                ))
            })?;
        if written == 0 && parts.iter().any(|part| !part.is_empty()) {
            return Err(NetworkError::LostConnection(
                "lost the TCP connection".to_string(),
            ));
        }
        Ok(written)
    }

    /// Writes all of `data`.
    pub async fn write_all(&self, mut data: &[u8]) -> Result<(), NetworkError> {
        while !data.is_empty() {
            let written = self.write_some(data).await?;
            data = &data[written..];
        }
        Ok(())
    }

    /// Closes the connection (both directions), logging as ExaBGP.
    pub fn close(self) {
        log::info!(target: "network", "{}, closing connection", self.name());
        let _ = self.io.get_ref().shutdown(Shutdown::Both);
        log::info!(target: "network", "connection to {} closed", self.peer.ip());
    }
}
