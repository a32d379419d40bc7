//! Ports the syslog side of `exabgp/logger/handler.py`: RFC 3164 datagrams as Python's
//! `SysLogHandler` writes them, to the local syslog socket or a remote host over UDP.

use std::net::UdpSocket;
use std::os::unix::net::UnixDatagram;

/// Facility `daemon` (3), as ExaBGP's SysLogHandler uses.
pub(crate) const FACILITY_DAEMON: u8 = 3;

/// Severity codes (RFC 5424 §6.2.1) of the levels we log at.
pub(crate) const ERROR: u8 = 3;
pub(crate) const WARNING: u8 = 4;
pub(crate) const INFO: u8 = 6;
pub(crate) const DEBUG: u8 = 7;

/// The syslog facility codes (RFC 5424 §6.2.1) under the names Python's `SysLogHandler` knows.
pub(crate) fn facility(name: &str) -> Option<u8> {
    Some(match name.to_ascii_lowercase().as_str() {
        "kern" => 0,
        "user" => 1,
        "mail" => 2,
        "daemon" => 3,
        "auth" => 4,
        "syslog" => 5,
        "lpr" => 6,
        "news" => 7,
        "uucp" => 8,
        "cron" => 9,
        "authpriv" => 10,
        "ftp" => 11,
        "local0" => 16,
        "local1" => 17,
        "local2" => 18,
        "local3" => 19,
        "local4" => 20,
        "local5" => 21,
        "local6" => 22,
        "local7" => 23,
        _ => return None,
    })
}

/// A syslog datagram (RFC 3164 §4.1.1) as `SysLogHandler` writes it: `<PRI>`, the text, a NUL.
pub(crate) fn datagram(facility: u8, severity: u8, text: &str) -> String {
    format!(
        "<{}>{text}\0",
        u16::from(facility) * 8 + u16::from(severity)
    )
}

/// Where syslog datagrams go.
pub(crate) enum Syslog {
    Local(UnixDatagram),
    Remote(UdpSocket),
}

impl Syslog {
    /// The local syslog daemon's socket.
    pub(crate) fn local() -> std::io::Result<Syslog> {
        let socket = UnixDatagram::unbound()?;
        socket.connect(local_address())?;
        Ok(Syslog::Local(socket))
    }

    /// `NAME[:PORT]` (port 514 by default; `[v6]:port` for an IPv6 literal), over UDP.
    pub(crate) fn remote(location: &str) -> std::io::Result<Syslog> {
        let address = if location.parse::<std::net::SocketAddr>().is_ok()
            || location
                .rsplit_once(':')
                .is_some_and(|(host, port)| !host.contains(':') && port.parse::<u16>().is_ok())
        {
            location.to_string()
        } else {
            let host = location.trim_start_matches('[').trim_end_matches(']');
            if host.contains(':') {
                format!("[{host}]:514")
            } else {
                format!("{host}:514")
            }
        };
        let target = std::net::ToSocketAddrs::to_socket_addrs(&address)?
            .next()
            .ok_or_else(|| std::io::Error::other("the host has no address"))?;
        let local: std::net::SocketAddr = if target.is_ipv4() {
            ([0, 0, 0, 0], 0).into()
        } else {
            (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
        };
        let socket = UdpSocket::bind(local)?;
        socket.connect(target)?;
        Ok(Syslog::Remote(socket))
    }

    /// Sends one record. A full or restarted syslog daemon must not stop the caller: errors
    /// are dropped, as `SysLogHandler` does.
    pub(crate) fn send(&self, facility: u8, severity: u8, text: &str) {
        let record = datagram(facility, severity, text);
        let _ = match self {
            Syslog::Local(socket) => socket.send(record.as_bytes()),
            Syslog::Remote(socket) => socket.send(record.as_bytes()),
        };
    }
}

fn local_address() -> &'static str {
    if cfg!(target_os = "macos") {
        "/var/run/syslog"
    } else if cfg!(any(target_os = "freebsd", target_os = "netbsd")) {
        "/var/run/log"
    } else {
        "/dev/log"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datagram_is_pri_text_nul() {
        // daemon.info = 3 * 8 + 6
        assert_eq!(datagram(FACILITY_DAEMON, INFO, "x y"), "<30>x y\0");
        assert_eq!(datagram(facility("local7").unwrap(), DEBUG, ""), "<191>\0");
        assert_eq!(facility("LOCAL0"), Some(16));
        assert_eq!(facility("bogus"), None);
    }

    #[test]
    fn remote_syslog_reaches_the_host() {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = server.local_addr().unwrap().port();
        let client = Syslog::remote(&format!("127.0.0.1:{port}")).unwrap();
        client.send(FACILITY_DAEMON, ERROR, "x");
        let mut buffer = [0u8; 16];
        let read = server.recv(&mut buffer).unwrap();
        assert_eq!(&buffer[..read], b"<27>x\0");
    }

    #[test]
    fn remote_needs_a_host() {
        assert!(Syslog::remote("").is_err());
    }
}
