//! The few system calls ExaBGP's `reactor/network/tcp.py` and `reactor/daemon.py` make that neither
//! std nor socket2 expose: TCP-MD5 (RFC 2385), IP_MINTTL (GTSM, RFC 5082), process identity, and
//! the default SIGPIPE for the one-shot commands.
//!
//! Every `unsafe` block of the crate lives here, each one a single libc call on plain values.
#![allow(unsafe_code)]

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::AsRawFd;

/// Longest TCP-MD5 key Linux accepts (`TCP_MD5SIG_MAXKEYLEN`).
const MD5_MAX_KEY: usize = 80;

/// Linux's `struct tcp_md5sig` (include/uapi/linux/tcp.h): the peer address, the key length, the key.
/// The bytes between them (`tcpm_flags`, `tcpm_prefixlen`, `tcpm_ifindex`) stay zero: no prefix,
/// no interface, as ExaBGP sets them.
#[cfg(target_os = "linux")]
#[repr(C)]
struct TcpMd5Sig {
    addr: libc::sockaddr_storage,
    flags: u8,
    prefixlen: u8,
    keylen: u16,
    ifindex: u32,
    key: [u8; MD5_MAX_KEY],
}

/// Sets (or, with an empty key, removes) the TCP-MD5 key used with `peer` on `socket`.
#[cfg(target_os = "linux")]
pub(crate) fn set_md5(socket: &impl AsRawFd, peer: IpAddr, key: &[u8]) -> io::Result<()> {
    if key.len() > MD5_MAX_KEY {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "TCP-MD5 key longer than 80 bytes",
        ));
    }
    let storage = socket2::SockAddr::from(SocketAddr::new(peer, 0)).as_storage();
    let mut signature = TcpMd5Sig {
        addr: storage,
        flags: 0,
        prefixlen: 0,
        keylen: key.len() as u16,
        ifindex: 0,
        key: [0; MD5_MAX_KEY],
    };
    signature.key[..key.len()].copy_from_slice(key);
    // SAFETY: the pointer and length describe `signature`, alive for the whole call; the kernel
    // only reads it.
    let result = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_MD5SIG,
            &signature as *const TcpMd5Sig as *const libc::c_void,
            std::mem::size_of::<TcpMd5Sig>() as libc::socklen_t,
        )
    };
    if result == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn set_md5(_socket: &impl AsRawFd, _peer: IpAddr, _key: &[u8]) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "TCP-MD5 is only supported on Linux",
    ))
}

/// Drops packets arriving with a TTL (IPv4) or hop limit (IPv6) under `ttl` (GTSM, RFC 5082 §3).
#[cfg(target_os = "linux")]
pub(crate) fn set_min_ttl(socket: &impl AsRawFd, ipv6: bool, ttl: u8) -> io::Result<()> {
    let (level, name) = if ipv6 {
        (libc::IPPROTO_IPV6, libc::IPV6_MINHOPCOUNT)
    } else {
        (libc::IPPROTO_IP, libc::IP_MINTTL)
    };
    let value: libc::c_int = ttl.into();
    // SAFETY: the pointer and length describe `value`, alive for the whole call.
    let result = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            level,
            name,
            &value as *const libc::c_int as *const libc::c_void,
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if result == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn set_min_ttl(_socket: &impl AsRawFd, _ipv6: bool, _ttl: u8) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "IP_MINTTL is only supported on Linux",
    ))
}

/// The real user and group ids of this process.
pub(crate) fn ids() -> (u32, u32) {
    // SAFETY: getuid and getgid cannot fail and touch no memory of ours.
    unsafe { (libc::getuid(), libc::getgid()) }
}

/// Lets SIGPIPE end the process, as it ends `cat`: for the one-shot commands, whose output may
/// go to a reader that stops early (`| head`). Rust ignores SIGPIPE, so such a write would fail
/// and `println!` panic; the daemon keeps it ignored (a helper or peer that goes is an error it
/// handles).
pub(crate) fn default_sigpipe() {
    // SAFETY: signal with SIG_DFL installs no handler of ours and touches no memory.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
}

/// The effective user id.
pub(crate) fn effective_uid() -> u32 {
    // SAFETY: geteuid cannot fail and touches no memory of ours.
    unsafe { libc::geteuid() }
}

/// Changes group then user (the other order would lose the right to change the group).
pub(crate) fn set_ids(uid: u32, gid: u32) -> io::Result<()> {
    // SAFETY: setgid takes a plain integer.
    if unsafe { libc::setgid(gid) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: setuid takes a plain integer.
    if unsafe { libc::setuid(uid) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Whether a process with this id exists (signal 0 checks without sending anything).
pub(crate) fn process_exists(pid: i32) -> bool {
    if pid <= 0 {
        return false;
    }
    // SAFETY: kill with signal 0 only checks permissions and existence.
    if unsafe { libc::kill(pid, 0) } == 0 {
        return true;
    }
    io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Forks; the parent exits at once, the child carries on (the classic double-fork daemon step).
/// Must run before any thread is started.
pub(crate) fn fork_and_exit_parent() -> io::Result<()> {
    // SAFETY: called before the executor, async-io's driver thread or any other thread exists, so
    // the child is a full copy of a single-threaded process.
    match unsafe { libc::fork() } {
        -1 => Err(io::Error::last_os_error()),
        0 => Ok(()),
        _ => std::process::exit(0),
    }
}

/// Starts a new session, detaching from the controlling terminal.
pub(crate) fn new_session() -> io::Result<()> {
    // SAFETY: setsid takes no argument.
    if unsafe { libc::setsid() } == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Sets the file creation mask.
pub(crate) fn set_umask(mask: u32) {
    // SAFETY: umask takes a plain integer and cannot fail.
    unsafe { libc::umask(mask as libc::mode_t) };
}

/// Points standard input, output and error at `/dev/null` (a daemon has no terminal).
pub(crate) fn silence() -> io::Result<()> {
    let null = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")?;
    for target in 0..3 {
        // SAFETY: dup2 on two descriptors we own or that the process was started with; `null`
        // stays open until after the calls.
        if unsafe { libc::dup2(null.as_raw_fd(), target) } == -1 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Sends SIGKILL to a whole process group (a timed-out healthcheck command and its children).
pub(crate) fn kill_process_group(group: u32) {
    let Ok(group) = libc::pid_t::try_from(group) else {
        return;
    };
    if group <= 0 {
        return;
    }
    // SAFETY: killpg takes plain integers; a group that is already gone only yields ESRCH.
    unsafe { libc::killpg(group, libc::SIGKILL) };
}

/// The machine's name, as ExaBGP's `socket.gethostname()` (the JSON `"host"`, BMP's sysName).
pub(crate) fn host_name() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|path| {
            std::fs::read_to_string(path)
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| "localhost".to_string())
}
