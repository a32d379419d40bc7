//! Ports `exabgp/reactor/network/incoming.py`: a connection a peer opened to us.

use super::connection::{Connection, Direction};
use super::NetworkError;
use crate::bgp::message::{message, MessageType};
use async_io::Async;
use futures_lite::FutureExt;
use std::net::TcpStream;
use std::time::Duration;

/// How long a refusal NOTIFICATION may take to leave before the socket is closed anyway.
const NOTIFY_TIMEOUT: Duration = Duration::from_secs(2);

/// Wraps an accepted stream (non-blocking, Nagle off).
pub fn incoming(io: Async<TcpStream>) -> Result<Connection, NetworkError> {
    let connection = Connection::new(Direction::Incoming, io)?;
    log::debug!(target: "network", "connection from {}", connection.peer.ip());
    Ok(connection)
}

/// Refuses a connection: sends NOTIFICATION (code, subcode, text), then closes. Write errors do
/// not matter here (the connection is being refused anyway).
pub async fn notification(connection: Connection, code: u8, subcode: u8, text: &str) {
    let mut body = vec![code, subcode];
    body.extend_from_slice(text.as_bytes());
    let bytes = message(MessageType::NOTIFICATION, &body);
    let _ = connection
        .write_all(&bytes)
        .or(async {
            async_io::Timer::after(NOTIFY_TIMEOUT).await;
            Ok(())
        })
        .await;
    connection.close();
}
