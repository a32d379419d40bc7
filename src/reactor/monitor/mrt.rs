//! exabgp-rs only (ExaBGP has no MRT output): RFC 6396 §4.4 BGP4MP records of a session's
//! messages and state changes, written to a file that can be rotated by age or size.

use bytes::{BufMut, Bytes};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// RFC 6396 §4.4: the BGP4MP type and its subtypes.
const BGP4MP: u16 = 16;
const STATE_CHANGE: u16 = 0;
const MESSAGE: u16 = 1;
const MESSAGE_AS4: u16 = 4;
const STATE_CHANGE_AS4: u16 = 5;
const MESSAGE_LOCAL: u16 = 6;
const MESSAGE_AS4_LOCAL: u16 = 7;
/// What a 2-octet AS field holds for a larger AS (RFC 6793 §9).
const AS_TRANS: u16 = 23456;

/// Who the record is about: RFC 6396 §4.4.1's peer and local fields.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Endpoints {
    pub(crate) peer_as: u32,
    pub(crate) local_as: u32,
    pub(crate) peer: IpAddr,
    pub(crate) local: IpAddr,
}

impl Endpoints {
    /// The fields after the AS numbers: interface index (0: unknown), AFI and both addresses,
    /// in the peer's family (an IPv4 local address of an IPv6 peer is written mapped).
    fn put_addresses(&self, out: &mut Vec<u8>) {
        out.put_u16(0);
        match self.peer {
            IpAddr::V4(peer) => {
                out.put_u16(1);
                out.put_slice(&peer.octets());
                out.put_slice(&match self.local {
                    IpAddr::V4(local) => local.octets(),
                    IpAddr::V6(local) => local.to_ipv4_mapped().map_or([0; 4], |v4| v4.octets()),
                });
            }
            IpAddr::V6(peer) => {
                out.put_u16(2);
                out.put_slice(&peer.octets());
                out.put_slice(&match self.local {
                    IpAddr::V4(local) => local.to_ipv6_mapped().octets(),
                    IpAddr::V6(local) => local.octets(),
                });
            }
        }
    }

    fn put_as(&self, out: &mut Vec<u8>, as4: bool) {
        if as4 {
            out.put_u32(self.peer_as);
            out.put_u32(self.local_as);
        } else {
            let two = |asn: u32| u16::try_from(asn).unwrap_or(AS_TRANS);
            out.put_u16(two(self.peer_as));
            out.put_u16(two(self.local_as));
        }
    }
}

/// The MRT common header (§2) around `body`.
fn record(time: SystemTime, subtype: u16, body: &[u8]) -> Vec<u8> {
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as u32);
    let mut out = Vec::with_capacity(12 + body.len());
    out.put_u32(seconds);
    out.put_u16(BGP4MP);
    out.put_u16(subtype);
    out.put_u32(body.len() as u32);
    out.put_slice(body);
    out
}

/// A BGP4MP_MESSAGE record of `message` (header included). `as4`: the session negotiated
/// 4-octet AS numbers, so its AS_PATHs are 4-octet and the AS4 subtype says so (§4.4.3);
/// `local`: we sent it (§4.4.6).
pub(crate) fn message(
    time: SystemTime,
    endpoints: &Endpoints,
    as4: bool,
    local: bool,
    message: &[u8],
) -> Vec<u8> {
    let subtype = match (as4, local) {
        (false, false) => MESSAGE,
        (true, false) => MESSAGE_AS4,
        (false, true) => MESSAGE_LOCAL,
        (true, true) => MESSAGE_AS4_LOCAL,
    };
    let mut body = Vec::with_capacity(44 + message.len());
    endpoints.put_as(&mut body, as4);
    endpoints.put_addresses(&mut body);
    body.put_slice(message);
    record(time, subtype, &body)
}

/// A BGP4MP_STATE_CHANGE_AS4 record (§4.4.4; the 2-octet form when both AS fit); states are
/// RFC 6396's codes (1 Idle ... 6 Established).
pub(crate) fn state_change(time: SystemTime, endpoints: &Endpoints, old: u16, new: u16) -> Vec<u8> {
    let as4 = endpoints.peer_as > 0xffff || endpoints.local_as > 0xffff;
    let mut body = Vec::with_capacity(48);
    endpoints.put_as(&mut body, as4);
    endpoints.put_addresses(&mut body);
    body.put_u16(old);
    body.put_u16(new);
    record(
        time,
        if as4 { STATE_CHANGE_AS4 } else { STATE_CHANGE },
        &body,
    )
}

/// `[exabgp.mrt]`: where to write, whether sent messages go too, and when to start a new file.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub file: PathBuf,
    pub sent: bool,
    /// Seconds a file is written before the next one starts (0: never).
    pub rotate: u64,
    /// Bytes a file may hold before the next one starts (0: no limit).
    pub size: u64,
}

/// Writes records on a thread of its own: file I/O never waits on the reactor's thread.
pub(crate) struct Writer {
    /// The file, opened but not yet handed to the thread ([`Writer::run`]).
    opened: Option<(Settings, BufWriter<File>)>,
    records: Option<mpsc::Sender<Bytes>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Writer {
    /// Opens (appends to) the file now, so that a bad path is said at start.
    pub(crate) fn open(settings: Settings) -> std::io::Result<Writer> {
        let file = open(&settings.file)?;
        Ok(Writer {
            opened: Some((settings, file)),
            records: None,
            thread: None,
        })
    }

    /// Starts the writing thread: after the daemon forked, which only the calling thread
    /// survives.
    pub(crate) fn run(&mut self) -> std::io::Result<()> {
        let Some((settings, file)) = self.opened.take() else {
            return Ok(());
        };
        let (records, receiver) = mpsc::channel::<Bytes>();
        self.thread = Some(
            std::thread::Builder::new()
                .name("mrt".into())
                .spawn(move || write_all(settings, file, receiver))?,
        );
        self.records = Some(records);
        Ok(())
    }

    pub(crate) fn write(&self, record: Vec<u8>) {
        if let Some(records) = &self.records {
            // the thread only ends when this sender goes
            let _ = records.send(Bytes::from(record));
        }
    }

    /// Writes what is queued and closes the file.
    pub(crate) fn close(&mut self) {
        self.records = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.close();
    }
}

fn open(path: &Path) -> std::io::Result<BufWriter<File>> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    Ok(BufWriter::with_capacity(64 << 10, file))
}

/// The name a full or old file is given: the path with the UTC time of the rotation, and `.N`
/// when that name is taken (several rotations in one second).
pub(crate) fn rotated_name(path: &Path, time: SystemTime) -> PathBuf {
    let stamp =
        crate::util::time::utc_compact(time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()));
    let base = format!("{}.{stamp}", path.display());
    let mut name = PathBuf::from(&base);
    let mut n = 1;
    while name.exists() {
        name = PathBuf::from(format!("{base}.{n}"));
        n += 1;
    }
    name
}

fn write_all(settings: Settings, mut file: BufWriter<File>, records: mpsc::Receiver<Bytes>) {
    let mut started = SystemTime::now();
    let mut size = std::fs::metadata(&settings.file).map_or(0, |m| m.len());
    let mut failed = false;
    loop {
        // flushed whenever the queue is empty, so a reader sees whole records soon
        let record = match records.try_recv() {
            Ok(record) => record,
            Err(mpsc::TryRecvError::Empty) => {
                let _ = file.flush();
                match records.recv() {
                    Ok(record) => record,
                    Err(_) => break,
                }
            }
            Err(mpsc::TryRecvError::Disconnected) => break,
        };
        let now = SystemTime::now();
        let old = settings.rotate > 0
            && now.duration_since(started).unwrap_or(Duration::ZERO)
                >= Duration::from_secs(settings.rotate);
        let full = settings.size > 0 && size > 0 && size + record.len() as u64 > settings.size;
        if old || full {
            let _ = file.flush();
            let name = rotated_name(&settings.file, now);
            match std::fs::rename(&settings.file, &name).and_then(|_| open(&settings.file)) {
                Ok(next) => {
                    log::info!(target: "reactor", "mrt: {} rotated to {}", settings.file.display(), name.display());
                    file = next;
                    size = 0;
                }
                Err(error) => {
                    log::error!(target: "reactor", "mrt: can not rotate {}: {error}", settings.file.display())
                }
            }
            started = now;
        }
        match file.write_all(&record) {
            Ok(()) => {
                size += record.len() as u64;
                failed = false;
            }
            Err(error) if !failed => {
                // said once per run of failures, not once per record
                log::error!(target: "reactor", "mrt: can not write {}: {error}", settings.file.display());
                failed = true;
            }
            Err(_) => {}
        }
    }
    let _ = file.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoints() -> Endpoints {
        Endpoints {
            peer_as: 65002,
            local_as: 4_200_000_000,
            peer: "192.0.2.2".parse().unwrap(),
            local: "192.0.2.1".parse().unwrap(),
        }
    }

    #[test]
    fn message_record_as_rfc_6396_lays_it_out() {
        let time = UNIX_EPOCH + Duration::from_secs(0x5f5e_1000);
        let keepalive = [[0xff; 16].as_slice(), &[0, 19, 4]].concat();
        let out = message(time, &endpoints(), true, false, &keepalive);
        assert_eq!(&out[..4], &0x5f5e_1000u32.to_be_bytes());
        assert_eq!(&out[4..8], &[0, 16, 0, 4]);
        // AS 4+4, ifindex 2, AFI 2, addresses 4+4, then the message
        assert_eq!(&out[8..12], &(20 + 19u32).to_be_bytes());
        assert_eq!(&out[12..16], &65002u32.to_be_bytes());
        assert_eq!(&out[16..20], &4_200_000_000u32.to_be_bytes());
        assert_eq!(&out[20..24], &[0, 0, 0, 1]);
        assert_eq!(&out[24..32], &[192, 0, 2, 2, 192, 0, 2, 1]);
        assert_eq!(&out[32..], &keepalive);
        let sent = message(time, &endpoints(), false, true, &keepalive);
        assert_eq!(&sent[6..8], &[0, 6]);
        // a 2-octet record writes AS_TRANS for the local AS that does not fit
        assert_eq!(&sent[12..16], &[0xfd, 0xea, 0x5b, 0xa0]);
    }

    #[test]
    fn state_change_of_an_ipv6_peer() {
        let mut ends = endpoints();
        ends.peer = "2001:db8::2".parse().unwrap();
        let out = state_change(UNIX_EPOCH, &ends, 1, 6);
        assert_eq!(&out[4..8], &[0, 16, 0, 5]);
        assert_eq!(&out[8..12], &(12 + 32 + 4u32).to_be_bytes());
        assert_eq!(&out[20..22], &[0, 0]);
        assert_eq!(&out[22..24], &[0, 2]);
        // the IPv4 local address of an IPv6 session is written mapped
        assert_eq!(
            &out[40..56],
            &"::ffff:192.0.2.1"
                .parse::<std::net::Ipv6Addr>()
                .unwrap()
                .octets()
        );
        assert_eq!(&out[56..], &[0, 1, 0, 6]);
    }

    #[test]
    fn rotated_names_carry_the_utc_time_and_never_overwrite() {
        let dir = std::env::temp_dir().join(format!("exabgp-rs-mrt-name-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("u.mrt");
        // 2026-12-07 23:59:58 UTC
        let time = UNIX_EPOCH + Duration::from_secs(1_796_687_998);
        let first = rotated_name(&file, time);
        assert_eq!(first, dir.join("u.mrt.20261207235958"));
        std::fs::write(&first, b"").unwrap();
        assert_eq!(
            rotated_name(&file, time),
            dir.join("u.mrt.20261207235958.1")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_full_file_moves_aside_and_a_new_one_starts() {
        let dir = std::env::temp_dir().join(format!("exabgp-rs-mrt-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("updates.mrt");
        let mut writer = Writer::open(Settings {
            file: file.clone(),
            sent: false,
            rotate: 0,
            size: 100,
        })
        .unwrap();
        writer.run().unwrap();
        for _ in 0..3 {
            writer.write(vec![7; 60]);
        }
        writer.close();
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        // three records of 60 bytes, at most 100 per file: three files, none split
        assert_eq!(names.len(), 3, "{names:?}");
        for name in &names {
            assert_eq!(std::fs::metadata(name).unwrap().len(), 60, "{name:?}");
        }
        assert!(names.contains(&file));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
