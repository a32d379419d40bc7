//! Ports `exabgp/reactor/network/tcp.py`: sockets built by hand so source binding, TCP-MD5
//! (RFC 2385), outgoing TTL and GTSM (RFC 5082) can be set before connecting or listening.

use super::NetworkError;
use crate::reactor::sys;
use async_io::Async;
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::io;
use std::net::{IpAddr, SocketAddr, TcpStream};

/// A TCP socket for `ip`'s family, with address and port reuse as ExaBGP sets them.
pub(crate) fn create(ip: IpAddr) -> Result<Socket, NetworkError> {
    let socket = Socket::new(
        Domain::for_address(SocketAddr::new(ip, 0)),
        Type::STREAM,
        Some(Protocol::TCP),
    )
    .map_err(|error| NetworkError::NotConnected(format!("Could not create socket ({error})")))?;
    // Best effort, as ExaBGP: a failure here does not stop the session.
    let _ = socket.set_reuse_address(true);
    let _ = socket.set_reuse_port(true);
    Ok(socket)
}

/// Binds the source address (`local-address`), any port.
pub(crate) fn bind(socket: &Socket, ip: IpAddr) -> Result<(), NetworkError> {
    socket
        .bind(&SockAddr::from(SocketAddr::new(ip, 0)))
        .map_err(|error| {
            NetworkError::Binding(format!("Could not bind to local ip {ip} - {error}"))
        })
}

/// Sets the TCP-MD5 key for `peer` (none: nothing to do). `base64` keys are decoded first.
pub(crate) fn md5(
    socket: &Socket,
    peer: IpAddr,
    password: Option<&str>,
    base64: bool,
) -> Result<(), NetworkError> {
    let Some(password) = password.filter(|password| !password.is_empty()) else {
        return Ok(());
    };
    let key = if base64 {
        decode_base64(password)
            .ok_or_else(|| NetworkError::Md5("Failed to decode base 64 encoded PSK".to_string()))?
    } else {
        password.as_bytes().to_vec()
    };
    sys::set_md5(socket, peer, &key).map_err(|error| {
        NetworkError::Md5(format!(
            "This linux machine does not support TCP_MD5SIG, you can not use MD5 ({error})"
        ))
    })
}

/// The TTL (IPv4) or hop limit (IPv6) of what we send; `None` or 0 leaves the system default.
pub(crate) fn ttl(socket: &Socket, ip: IpAddr, ttl: Option<u8>) -> Result<(), NetworkError> {
    let Some(ttl) = ttl.filter(|ttl| *ttl != 0) else {
        return Ok(());
    };
    let result = match ip {
        IpAddr::V4(_) => socket.set_ttl(ttl.into()),
        IpAddr::V6(_) => socket.set_unicast_hops_v6(ttl.into()),
    };
    result.map_err(|error| {
        NetworkError::Ttl(format!(
            "This OS does not support IP_TTL (ttl-security) for {ip} ({error})"
        ))
    })
}

/// GTSM: refuse packets that arrive with a TTL under `ttl`, and send with that TTL too (as ExaBGP).
pub(crate) fn min_ttl(socket: &Socket, ip: IpAddr, ttl: Option<u8>) -> Result<(), NetworkError> {
    let Some(value) = ttl.filter(|ttl| *ttl != 0) else {
        return Ok(());
    };
    sys::set_min_ttl(socket, ip.is_ipv6(), value).map_err(|error| {
        NetworkError::Ttl(format!(
            "This OS does not support IP_MINTTL (ttl-security) for {ip} ({error})"
        ))
    })?;
    self::ttl(socket, ip, ttl)
}

/// Starts a non-blocking connect and hands the socket to async-io; the connection is made once
/// [`ready`] returns. Errors other than "in progress" are reported at once.
pub(crate) fn connect(
    socket: Socket,
    peer: SocketAddr,
    md5: bool,
) -> Result<Async<TcpStream>, NetworkError> {
    let failed = |error: io::Error| {
        let hint = if md5 { ", check your MD5 password" } else { "" };
        NetworkError::NotConnected(format!(
            "Could not connect to peer {}:{}{hint} ({error})",
            peer.ip(),
            peer.port()
        ))
    };
    socket.set_nonblocking(true).map_err(failed)?;
    match socket.connect(&SockAddr::from(peer)) {
        Ok(()) => {}
        Err(error) if error.raw_os_error() == Some(libc::EINPROGRESS) => {}
        Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
        Err(error) => return Err(failed(error)),
    }
    Async::new_nonblocking(TcpStream::from(socket)).map_err(failed)
}

/// Waits until a connect started by [`connect`] completed, and says whether it succeeded.
/// Cancel-safe: the socket stays with the caller, waiting again resumes the wait.
pub(crate) async fn ready(stream: &Async<TcpStream>) -> Result<(), NetworkError> {
    let lost =
        |error: io::Error| NetworkError::NotConnected(format!("connect attempt failed ({error})"));
    stream.writable().await.map_err(lost)?;
    match stream.get_ref().take_error() {
        Ok(None) => {}
        Ok(Some(error)) | Err(error) => return Err(lost(error)),
    }
    // A connect refused after writability shows up as a missing peer address.
    stream.get_ref().peer_addr().map(|_| ()).map_err(lost)
}

/// Decodes standard base64 (RFC 4648 §4), padding optional; `None` on any other character.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut accumulator: u32 = 0;
    let mut bits = 0;
    for byte in text.trim_end_matches('=').bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        accumulator = (accumulator << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((accumulator >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, TcpListener};

    #[test]
    fn base64_rfc4648_vectors() {
        // RFC 4648 §10 test vectors.
        assert_eq!(decode_base64("Zm9vYmFy").unwrap(), b"foobar");
        assert_eq!(decode_base64("Zm9vYg==").unwrap(), b"foob");
        assert_eq!(decode_base64("Zm9vYmE").unwrap(), b"fooba");
        assert_eq!(decode_base64("Zg==").unwrap(), b"f");
        assert_eq!(decode_base64("Zm9v!"), None);
    }

    #[test]
    fn connect_with_source_bind_and_ttl() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let target = listener.local_addr().unwrap();
        let local = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let socket = create(target.ip()).unwrap();
        ttl(&socket, target.ip(), Some(1)).unwrap();
        assert_eq!(socket.ttl().unwrap(), 1);
        bind(&socket, local).unwrap();
        let stream = connect(socket, target, false).unwrap();
        async_io::block_on(ready(&stream)).unwrap();
        let (_accepted, from) = listener.accept().unwrap();
        assert_eq!(from, stream.get_ref().local_addr().unwrap());
    }

    #[test]
    fn refused_connect_is_reported() {
        // Bind then drop a listener: its port is (almost certainly) closed for the next instant.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let target = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port);
        let socket = create(target.ip()).unwrap();
        let result =
            connect(socket, target, false).and_then(|stream| async_io::block_on(ready(&stream)));
        assert!(matches!(result, Err(NetworkError::NotConnected(_))));
    }

    #[test]
    fn md5_key_and_min_ttl_accepted_by_the_kernel() {
        let socket = create(IpAddr::V4(Ipv4Addr::LOCALHOST)).unwrap();
        md5(
            &socket,
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            Some("secret"),
            false,
        )
        .unwrap();
        md5(
            &socket,
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            Some("c2VjcmV0"),
            true,
        )
        .unwrap();
        assert!(md5(&socket, IpAddr::V4(Ipv4Addr::LOCALHOST), Some("%%%"), true).is_err());
        min_ttl(&socket, IpAddr::V4(Ipv4Addr::LOCALHOST), Some(254)).unwrap();
        assert_eq!(socket.ttl().unwrap(), 254);
    }
}
