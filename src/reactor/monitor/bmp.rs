//! exabgp-rs only (ExaBGP has no BMP output): RFC 7854 messages (§4.1 common header, §4.2
//! per-peer header, §4.3 Initiation, §4.5 Termination, §4.6 Route Monitoring, §4.9 Peer Down,
//! §4.10 Peer Up) and the feed that keeps them flowing to one collector.

use async_executor::{LocalExecutor, Task};
use async_io::{Async, Timer};
use bytes::{BufMut, Bytes};
use futures_lite::io::AsyncWriteExt;
use futures_lite::FutureExt;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const VERSION: u8 = 3;
const ROUTE_MONITORING: u8 = 0;
const PEER_DOWN: u8 = 2;
const PEER_UP: u8 = 3;
const INITIATION: u8 = 4;
const TERMINATION: u8 = 5;
/// Initiation information TLVs (§4.4).
const SYS_DESCR: u16 = 1;
const SYS_NAME: u16 = 2;
/// Termination TLV type "reason" and reason "administratively closed" (§4.5).
const REASON: u16 = 1;
const ADMINISTRATIVELY_CLOSED: u16 = 0;
/// Messages queued for the collector at most; more are dropped (and counted) rather than
/// held: a collector that can not keep up must not stall the sessions.
const QUEUE: usize = 65_536;
/// Between two attempts to reach the collector.
const RETRY: Duration = Duration::from_secs(5);
/// What a stopping daemon waits, at most, for the collector to take the Termination.
const FLUSH: Duration = Duration::from_secs(2);

/// The per-peer header's fields (§4.2) that a session knows.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PeerHeader {
    pub(crate) address: IpAddr,
    pub(crate) asn: u32,
    /// The BGP Identifier of the peer's OPEN.
    pub(crate) id: [u8; 4],
    /// The session has 2-octet AS_PATHs (no ASN4): the A flag.
    pub(crate) as2: bool,
}

/// Why a session went down (§4.9).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Down {
    /// We sent this NOTIFICATION (header included): reason 1.
    LocalNotification(Bytes),
    /// The peer sent this NOTIFICATION: reason 3.
    RemoteNotification(Bytes),
    /// The connection closed with no NOTIFICATION: reason 4.
    RemoteClosed,
    /// The neighbour was removed from the configuration: reason 5.
    Deconfigured,
}

fn address(out: &mut Vec<u8>, ip: IpAddr) {
    match ip {
        IpAddr::V4(v4) => {
            out.put_slice(&[0; 12]);
            out.put_slice(&v4.octets());
        }
        IpAddr::V6(v6) => out.put_slice(&v6.octets()),
    }
}

fn message(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(6 + body.len());
    out.put_u8(VERSION);
    out.put_u32((6 + body.len()) as u32);
    out.put_u8(kind);
    out.put_slice(body);
    out
}

fn per_peer(peer: &PeerHeader, time: SystemTime, capacity: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(42 + capacity);
    // peer type 0: a global instance peer
    out.put_u8(0);
    let mut flags = 0;
    if peer.address.is_ipv6() {
        flags |= 0x80;
    }
    if peer.as2 {
        flags |= 0x20;
    }
    out.put_u8(flags);
    out.put_u64(0);
    address(&mut out, peer.address);
    out.put_u32(peer.asn);
    out.put_slice(&peer.id);
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    out.put_u32(since.as_secs() as u32);
    out.put_u32(since.subsec_micros());
    out
}

fn tlv(out: &mut Vec<u8>, kind: u16, value: &[u8]) {
    out.put_u16(kind);
    out.put_u16(value.len() as u16);
    out.put_slice(value);
}

/// The first message to a collector: who we are (sysDescr and sysName are required).
pub(crate) fn initiation(name: &str, description: &str) -> Vec<u8> {
    let mut body = Vec::new();
    tlv(&mut body, SYS_DESCR, description.as_bytes());
    tlv(&mut body, SYS_NAME, name.as_bytes());
    message(INITIATION, &body)
}

/// The last message to a collector.
pub(crate) fn termination() -> Vec<u8> {
    let mut body = Vec::new();
    tlv(&mut body, REASON, &ADMINISTRATIVELY_CLOSED.to_be_bytes());
    message(TERMINATION, &body)
}

/// An UPDATE (header included) the peer sent us.
pub(crate) fn route_monitoring(peer: &PeerHeader, time: SystemTime, update: &[u8]) -> Vec<u8> {
    let mut body = per_peer(peer, time, update.len());
    body.put_slice(update);
    message(ROUTE_MONITORING, &body)
}

/// The session came up: both ends' addresses and the OPENs (headers included) each side sent.
pub(crate) fn peer_up(
    peer: &PeerHeader,
    time: SystemTime,
    local: SocketAddr,
    remote_port: u16,
    sent: &[u8],
    received: &[u8],
) -> Vec<u8> {
    let mut body = per_peer(peer, time, 20 + sent.len() + received.len());
    address(&mut body, local.ip());
    body.put_u16(local.port());
    body.put_u16(remote_port);
    body.put_slice(sent);
    body.put_slice(received);
    message(PEER_UP, &body)
}

pub(crate) fn peer_down(peer: &PeerHeader, time: SystemTime, why: &Down) -> Vec<u8> {
    let mut body = per_peer(peer, time, 32);
    match why {
        Down::LocalNotification(notification) => {
            body.put_u8(1);
            body.put_slice(notification);
        }
        Down::RemoteNotification(notification) => {
            body.put_u8(3);
            body.put_slice(notification);
        }
        Down::RemoteClosed => body.put_u8(4),
        Down::Deconfigured => body.put_u8(5),
    }
    message(PEER_DOWN, &body)
}

/// The messages for one collector. While it is not connected nothing is queued; each time it
/// connects it gets the Initiation, then a Peer Up for each session up at that moment, then
/// what happens next (RFC 7854 §3.3: no routes are replayed, we keep no adj-rib-in for it).
pub(crate) struct Feed {
    address: SocketAddr,
    name: String,
    queue: (async_channel::Sender<Bytes>, async_channel::Receiver<Bytes>),
    connected: Cell<bool>,
    /// The Peer Up of each session up now, by the monitor's peer number.
    up: RefCell<BTreeMap<u64, Bytes>>,
    dropped: Cell<u64>,
    task: RefCell<Option<Task<()>>>,
}

impl Feed {
    pub(crate) fn new(address: SocketAddr) -> Feed {
        let host = crate::reactor::sys::host_name();
        Feed {
            address,
            name: host,
            queue: async_channel::bounded(QUEUE),
            connected: Cell::new(false),
            up: RefCell::default(),
            dropped: Cell::new(0),
            task: RefCell::new(None),
        }
    }

    /// Sends `message` if a collector is there.
    pub(crate) fn send(&self, message: Vec<u8>) {
        if !self.connected.get() {
            return;
        }
        if self.queue.0.try_send(Bytes::from(message)).is_err() {
            let dropped = self.dropped.get() + 1;
            self.dropped.set(dropped);
            if dropped.is_power_of_two() {
                log::warn!(target: "reactor", "bmp: collector {} is behind, {dropped} messages dropped", self.address);
            }
        }
    }

    /// Peer `id`'s session is up (its Peer Up message) or down (`None`).
    pub(crate) fn session(&self, id: u64, up: Option<Vec<u8>>) {
        match up {
            Some(message) => {
                let message = Bytes::from(message);
                self.up.borrow_mut().insert(id, message.clone());
                self.send(message.to_vec());
            }
            None => {
                self.up.borrow_mut().remove(&id);
            }
        }
    }

    pub(crate) fn start(self: &Rc<Feed>, executor: &Rc<LocalExecutor<'static>>) {
        let feed = self.clone();
        *self.task.borrow_mut() = Some(executor.spawn(async move { feed.run().await }));
    }

    async fn run(&self) {
        loop {
            let stream = match Async::<TcpStream>::connect(self.address)
                .or(async {
                    Timer::after(RETRY).await;
                    Err(std::io::ErrorKind::TimedOut.into())
                })
                .await
            {
                Ok(stream) => stream,
                Err(error) => {
                    log::debug!(target: "reactor", "bmp: collector {} unreachable: {error}", self.address);
                    Timer::after(RETRY).await;
                    continue;
                }
            };
            log::info!(target: "reactor", "bmp: connected to collector {}", self.address);
            // queued, synchronously with marking the feed connected: nothing comes between
            let mut first = vec![Bytes::from(initiation(
                &self.name,
                &format!("exabgp-rs {}", env!("CARGO_PKG_VERSION")),
            ))];
            first.extend(self.up.borrow().values().cloned());
            self.connected.set(true);
            if let Err(error) = self.pump(stream, first).await {
                log::warn!(target: "reactor", "bmp: collector {} lost: {error}", self.address);
            }
            self.connected.set(false);
            while self.queue.1.try_recv().is_ok() {}
            if self.queue.1.is_closed() {
                return;
            }
            Timer::after(RETRY).await;
        }
    }

    async fn pump(&self, mut stream: Async<TcpStream>, first: Vec<Bytes>) -> std::io::Result<()> {
        for message in first {
            stream.write_all(&message).await?;
        }
        while let Ok(message) = self.queue.1.recv().await {
            stream.write_all(&message).await?;
            if self.queue.1.is_empty() {
                stream.flush().await?;
            }
        }
        stream.flush().await?;
        // the queue closed: the daemon stops
        let _ = stream.close().await;
        Ok(())
    }

    /// Sends the Termination after what is queued, and waits (briefly) for it to leave.
    pub(crate) async fn stop(&self) {
        if self.connected.get() {
            let _ = self.queue.0.try_send(Bytes::from(termination()));
        }
        self.queue.0.close();
        let Some(task) = self.task.borrow_mut().take() else {
            return;
        };
        if self.connected.get() {
            let _ = async {
                task.await;
            }
            .or(async {
                Timer::after(FLUSH).await;
            })
            .await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> PeerHeader {
        PeerHeader {
            address: "192.0.2.2".parse().unwrap(),
            asn: 65002,
            id: [10, 0, 0, 2],
            as2: false,
        }
    }

    #[test]
    fn route_monitoring_carries_the_per_peer_header_then_the_update() {
        let time = UNIX_EPOCH + Duration::new(1_700_000_000, 250_000_000);
        let update = [[0xff; 16].as_slice(), &[0, 23, 2, 0, 0, 0, 0]].concat();
        let out = route_monitoring(&header(), time, &update);
        assert_eq!(out[0], 3);
        assert_eq!(&out[1..5], &((6 + 42 + 23) as u32).to_be_bytes());
        assert_eq!(out[5], ROUTE_MONITORING);
        let peer = &out[6..48];
        assert_eq!(peer[0], 0);
        assert_eq!(peer[1], 0, "IPv4 and 4-octet AS_PATH: no flag");
        assert_eq!(&peer[2..10], &[0; 8]);
        assert_eq!(
            &peer[10..26],
            &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 2]
        );
        assert_eq!(&peer[26..30], &65002u32.to_be_bytes());
        assert_eq!(&peer[30..34], &[10, 0, 0, 2]);
        assert_eq!(&peer[34..38], &1_700_000_000u32.to_be_bytes());
        assert_eq!(&peer[38..42], &250_000u32.to_be_bytes());
        assert_eq!(&out[48..], &update);
    }

    #[test]
    fn peer_up_and_down_of_an_ipv6_two_octet_session() {
        let mut peer = header();
        peer.address = "2001:db8::2".parse().unwrap();
        peer.as2 = true;
        let open = [
            [0xff; 16].as_slice(),
            &[0, 29, 1, 4, 0xfd, 0xea, 0, 90, 10, 0, 0, 1, 0],
        ]
        .concat();
        let local: SocketAddr = "[2001:db8::1]:40000".parse().unwrap();
        let up = peer_up(&peer, UNIX_EPOCH, local, 179, &open, &open);
        assert_eq!(up[5], PEER_UP);
        assert_eq!(up[7], 0xa0, "V and A flags");
        assert_eq!(
            &up[48..64],
            &local
                .ip()
                .to_string()
                .parse::<std::net::Ipv6Addr>()
                .unwrap()
                .octets()
        );
        assert_eq!(&up[64..68], &[0x9c, 0x40, 0, 179]);
        assert_eq!(&up[68..], &[open.as_slice(), &open].concat());
        let notification = Bytes::from([[0xff; 16].as_slice(), &[0, 21, 3, 6, 2]].concat());
        let down = peer_down(
            &peer,
            UNIX_EPOCH,
            &Down::RemoteNotification(notification.clone()),
        );
        assert_eq!(down[5], PEER_DOWN);
        assert_eq!(down[48], 3);
        assert_eq!(&down[49..], &notification[..]);
        assert_eq!(peer_down(&peer, UNIX_EPOCH, &Down::Deconfigured)[48..], [5]);
    }

    #[test]
    fn initiation_names_us_and_termination_says_why() {
        let out = initiation("router", "exabgp-rs");
        assert_eq!(&out[1..5], &(6 + 4 + 9 + 4 + 6u32).to_be_bytes());
        assert_eq!(out[5], INITIATION);
        assert_eq!(&out[6..10], &[0, 1, 0, 9]);
        assert_eq!(&out[10..19], b"exabgp-rs");
        assert_eq!(&out[19..23], &[0, 2, 0, 6]);
        assert_eq!(&out[23..], b"router");
        assert_eq!(termination(), vec![3, 0, 0, 0, 12, 5, 0, 1, 0, 2, 0, 0]);
    }
}
