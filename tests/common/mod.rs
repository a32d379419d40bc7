//! Test support for the interoperability suite (issue 3): temporary directories, loopback
//! addresses and ports, polling, skipping, and the route shape every daemon is read into.
//!
//! Everything a test starts lives in its own temporary directory and on its own 127.x.y.z
//! address and high port, so tests run in parallel and never touch system-wide state.
#![allow(dead_code)] // each test binary uses a different part of this module

pub mod daemons;
pub mod exabgp;

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// How long any single wait (session up, route present) may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(30);

/// True when running under CI, where a missing daemon or command is a failure, not a skip.
pub fn ci() -> bool {
    std::env::var("CI").map(|v| v == "true").unwrap_or(false)
}

/// Skips (returns `false` and says why) when `binary` is missing; under `CI=true` panics instead.
pub fn require(binary: &str) -> bool {
    if which(binary).is_some() {
        return true;
    }
    if ci() {
        panic!("{binary} is not installed and CI=true: install bird2, gobgpd and frr");
    }
    skip(&format!(
        "{binary} is not installed (apt-get install -y bird2 gobgpd frr)"
    ));
    false
}

/// Says why a test is skipped (see `notice`).
pub fn skip(why: &str) {
    notice(&format!("SKIP: {why}"));
}

/// Writes a line for the reader, naming the test. Written to stderr directly, not with
/// `eprintln!`, so the test harness does not capture it and it is seen even when the test
/// "passes".
pub fn notice(message: &str) {
    use std::io::Write;
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("test");
    let _ = writeln!(std::io::stderr(), "{test}: {message}");
}

/// The full path of `binary` (absolute, or looked up in `PATH`), if it exists.
pub fn which(binary: &str) -> Option<PathBuf> {
    let path = Path::new(binary);
    if path.is_absolute() {
        return path.is_file().then(|| path.to_path_buf());
    }
    let dirs = std::env::var_os("PATH")?;
    std::env::split_paths(&dirs)
        .chain(["/usr/sbin", "/sbin"].iter().map(PathBuf::from))
        .map(|dir| dir.join(binary))
        .find(|candidate| candidate.is_file())
}

/// A directory removed (with its content) when dropped.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        // Unix socket paths are limited to 108 bytes, so the directory name stays short.
        let path = std::env::temp_dir().join(format!("xbgp-{}-{n}-{label}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create the test's temporary directory");
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Writes `name` in the directory and returns its path.
    pub fn write(&self, name: &str, content: &str) -> PathBuf {
        let path = self.join(name);
        std::fs::write(&path, content).expect("write a file in the test's temporary directory");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // INTEROP_KEEP=1 keeps a failed test's directory (configurations, logs) to inspect;
        // otherwise the failure message already carries the daemon's log.
        if std::thread::panicking() && std::env::var_os("INTEROP_KEEP").is_some() {
            notice(&format!("kept {} for inspection", self.path.display()));
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// A loopback address no other test of this process uses, and unlikely to be used by another
/// test process: 127.P.N.M where P comes from the process id and N.M from a counter.
pub fn loopback() -> Ipv4Addr {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let p = (std::process::id() % 250) as u8 + 1;
    Ipv4Addr::new(127, p, (n / 250) as u8, (n % 250) as u8 + 2)
}

/// A TCP port free on `address` right now (bound to port 0, read, released).
pub fn free_port(address: IpAddr) -> u16 {
    let listener = TcpListener::bind((address, 0)).expect("bind a loopback address to port 0");
    listener.local_addr().expect("read the bound port").port()
}

/// Where a BGP speaker of a test listens: a loopback address and high port of its own, and a
/// router-id of its own (which also numbers its next hops).
#[derive(Clone, Copy, Debug)]
pub struct Endpoint {
    pub address: IpAddr,
    pub router_id: Ipv4Addr,
    pub port: u16,
    pub asn: u32,
}

impl Endpoint {
    /// An endpoint on its own 127.x.y.z address.
    pub fn new(asn: u32) -> Endpoint {
        let router_id = loopback();
        let address = IpAddr::V4(router_id);
        Endpoint {
            address,
            router_id,
            port: free_port(address),
            asn,
        }
    }

    /// An endpoint on ::1 (the only IPv6 loopback address), told apart by its port.
    pub fn new6(asn: u32) -> Endpoint {
        let address = IpAddr::V6(std::net::Ipv6Addr::LOCALHOST);
        Endpoint {
            address,
            router_id: loopback(),
            port: free_port(address),
            asn,
        }
    }

    /// The IPv4 next hop this speaker puts on the routes it originates. It is not a loopback
    /// address because GoBGP treats 127/8 next hops as invalid and withdraws the route.
    pub fn next_hop4(&self) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, self.router_id.octets()[3]))
    }

    /// The IPv6 next hop this speaker puts on the routes it originates (documentation prefix).
    pub fn next_hop6(&self) -> IpAddr {
        let o = self.router_id.octets();
        IpAddr::V6(std::net::Ipv6Addr::new(
            0x2001,
            0xdb8,
            0,
            0,
            0,
            0,
            o[2] as u16,
            o[3] as u16,
        ))
    }
}

/// The other side of a session, as configured on a speaker.
#[derive(Clone, Copy, Debug)]
pub struct Neighbor {
    pub endpoint: Endpoint,
    /// A passive side waits for the other to connect.
    pub passive: bool,
}

/// A route a speaker originates. The next hop is the speaker's own (see `Endpoint::next_hop4`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Originate {
    pub prefix: String,
    pub med: Option<u32>,
    pub communities: Vec<(u16, u16)>,
}

impl Originate {
    pub fn new(prefix: &str) -> Originate {
        Originate {
            prefix: prefix.to_string(),
            med: None,
            communities: Vec::new(),
        }
    }

    pub fn med(mut self, med: u32) -> Originate {
        self.med = Some(med);
        self
    }

    pub fn community(mut self, asn: u16, value: u16) -> Originate {
        self.communities.push((asn, value));
        self
    }

    pub fn is_ipv6(&self) -> bool {
        self.prefix.contains(':')
    }
}

/// The address family of a table read from a daemon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Ipv4,
    Ipv6,
}

impl Family {
    pub fn of(prefix: &str) -> Family {
        if prefix.contains(':') {
            Family::Ipv6
        } else {
            Family::Ipv4
        }
    }
}

/// A family negotiated on top of IPv4 and IPv6 unicast (which every session of the suite
/// carries), named as each speaker's configuration names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtraFamily {
    FlowIpv4,
    FlowIpv6,
    FlowVpnIpv4,
    VpnIpv4,
    VpnIpv6,
}

impl ExtraFamily {
    /// The name in ExaBGP's `family { }` block.
    pub fn exabgp(self) -> &'static str {
        match self {
            ExtraFamily::FlowIpv4 => "ipv4 flow",
            ExtraFamily::FlowIpv6 => "ipv6 flow",
            ExtraFamily::FlowVpnIpv4 => "ipv4 flow-vpn",
            ExtraFamily::VpnIpv4 => "ipv4 mpls-vpn",
            ExtraFamily::VpnIpv6 => "ipv6 mpls-vpn",
        }
    }

    /// GoBGP's `afi-safi-name`.
    pub fn gobgp(self) -> &'static str {
        match self {
            ExtraFamily::FlowIpv4 => "ipv4-flowspec",
            ExtraFamily::FlowIpv6 => "ipv6-flowspec",
            ExtraFamily::FlowVpnIpv4 => "l3vpn-ipv4-flowspec",
            ExtraFamily::VpnIpv4 => "l3vpn-ipv4-unicast",
            ExtraFamily::VpnIpv6 => "l3vpn-ipv6-unicast",
        }
    }

    /// FRR's `address-family` name; `None` for a family FRR does not have (flowspec VPN), which
    /// an FRR started with it leaves out.
    pub fn frr(self) -> Option<&'static str> {
        match self {
            ExtraFamily::FlowIpv4 => Some("ipv4 flowspec"),
            ExtraFamily::FlowIpv6 => Some("ipv6 flowspec"),
            ExtraFamily::FlowVpnIpv4 => None,
            ExtraFamily::VpnIpv4 => Some("ipv4 vpn"),
            ExtraFamily::VpnIpv6 => Some("ipv6 vpn"),
        }
    }
}

/// A route as a daemon holds it, with the attributes the tests check.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Route {
    pub prefix: String,
    pub next_hop: Option<IpAddr>,
    pub as_path: Vec<u32>,
    pub med: Option<u32>,
    pub local_pref: Option<u32>,
    pub communities: Vec<(u16, u16)>,
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} nh {:?} as-path {:?}",
            self.prefix, self.next_hop, self.as_path
        )?;
        write!(
            f,
            " med {:?} lp {:?} comm {:?}",
            self.med, self.local_pref, self.communities
        )
    }
}

/// Polls `probe` until it returns `Some` or `timeout` passes; the error names what was awaited
/// and the last thing seen, so a failing test says why.
pub fn wait_for<T>(
    what: &str,
    timeout: Duration,
    mut probe: impl FnMut() -> Result<Option<T>, String>,
) -> Result<T, String> {
    let start = Instant::now();
    let mut delay = Duration::from_millis(50);
    let mut last = String::from("nothing yet");
    loop {
        match probe() {
            Ok(Some(value)) => {
                eprintln!("{what}: {:?}", start.elapsed());
                return Ok(value);
            }
            Ok(None) => {}
            Err(seen) => last = seen,
        }
        if start.elapsed() > timeout {
            return Err(format!(
                "timed out after {timeout:?} waiting for {what}; last seen: {last}"
            ));
        }
        std::thread::sleep(delay);
        delay = (delay * 2).min(Duration::from_millis(500));
    }
}

/// Runs a short command (a daemon's CLI) bounded in time; returns stdout, or the output as the
/// error when it fails. Output is drained by threads so a large table cannot block the child.
pub fn run(program: &Path, args: &[&str]) -> Result<String, String> {
    use std::io::Read;
    let mut child = Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = pipe.read_to_end(&mut text);
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > Duration::from_secs(20) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{} {args:?} did not finish in 20s",
                    program.display()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(e.to_string()),
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    if status.success() {
        Ok(stdout)
    } else {
        Err(format!(
            "{} {args:?} failed ({status}): {stdout}{stderr}",
            program.display()
        ))
    }
}
