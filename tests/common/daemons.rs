//! Real BGP daemons for the interoperability tests: BIRD 2, GoBGP and FRR's bgpd, each started
//! in the foreground with a generated configuration, its own control socket and pid file in a
//! temporary directory, and stopped by PID when dropped.

use super::{
    run, wait_for, which, Endpoint, ExtraFamily, Family, Neighbor, Originate, Route, TempDir, WAIT,
};
use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process stopped by PID when dropped (SIGTERM, then SIGKILL), its output in a log file.
pub struct Process {
    child: Option<Child>,
    pub log: PathBuf,
}

impl Process {
    pub fn spawn(program: &Path, args: &[&str], log: PathBuf) -> Result<Process, String> {
        Process::spawn_with_env(program, args, &[], log)
    }

    pub fn spawn_with_env(
        program: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        log: PathBuf,
    ) -> Result<Process, String> {
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .map_err(|e| format!("open {}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let child = Command::new(program)
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        Ok(Process {
            child: Some(child),
            log,
        })
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Whether the process is still running; the error carries its log when it exited.
    pub fn check_alive(&mut self) -> Result<(), String> {
        let Some(child) = self.child.as_mut() else {
            return Err("process was stopped".into());
        };
        match child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(format!("exited ({status}); log:\n{}", self.log_text())),
            Err(e) => Err(e.to_string()),
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Asks the process to stop (SIGTERM, so a daemon may send its NOTIFICATION), then kills it
    /// if it is still there after a few seconds. Always by PID.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        if let Ok(None) = child.try_wait() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .stderr(Stdio::null())
                .status();
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(5) {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
        }
        let _ = child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.stop();
    }
}

/// What every daemon under test offers.
pub trait Daemon {
    fn name(&self) -> &'static str;
    fn endpoint(&self) -> Endpoint;
    /// `Some(marker)` when the session with `neighbor` is Established; the marker changes with
    /// every new session, so a test can tell a re-established session from the old one.
    fn session(&mut self, neighbor: IpAddr) -> Result<Option<String>, String>;
    /// The routes in the daemon's table for `family`, its own included.
    fn routes(&mut self, family: Family) -> Result<Vec<Route>, String>;
    /// Resets the session with `neighbor`: the daemon sends a NOTIFICATION (Cease) and reconnects.
    fn reset(&mut self, neighbor: IpAddr) -> Result<(), String>;
    /// Stops the process (SIGTERM) and starts it again with the same configuration.
    fn restart(&mut self) -> Result<(), String>;
    fn log(&self) -> String;
}

/// Waits until the session with `neighbor` is Established and returns its marker.
pub fn wait_established(daemon: &mut dyn Daemon, neighbor: IpAddr) -> String {
    let what = format!("{} session with {neighbor} Established", daemon.name());
    wait_for(&what, WAIT, || daemon.session(neighbor)).unwrap_or_else(|e| {
        panic!("{e}\n--- {} log:\n{}", daemon.name(), daemon.log());
    })
}

/// Waits until the session with `neighbor` is Established again, with a marker other than
/// `before`.
pub fn wait_reestablished(daemon: &mut dyn Daemon, neighbor: IpAddr, before: &str) -> String {
    let what = format!("{} session with {neighbor} re-established", daemon.name());
    wait_for(&what, WAIT, || {
        Ok(daemon.session(neighbor)?.filter(|marker| marker != before))
    })
    .unwrap_or_else(|e| panic!("{e}\n--- {} log:\n{}", daemon.name(), daemon.log()))
}

/// Waits until `prefix` is in the daemon's table with `predicate` true, and returns that route.
pub fn wait_route(
    daemon: &mut dyn Daemon,
    prefix: &str,
    predicate: impl Fn(&Route) -> bool,
) -> Route {
    let what = format!("{prefix} in {}'s table", daemon.name());
    let family = Family::of(prefix);
    wait_for(&what, WAIT, || {
        let routes = daemon.routes(family)?;
        let found = routes
            .iter()
            .find(|r| r.prefix == prefix && predicate(r))
            .cloned();
        match found {
            Some(route) => Ok(Some(route)),
            None => Err(format!(
                "{:?}",
                routes.iter().map(ToString::to_string).collect::<Vec<_>>()
            )),
        }
    })
    .unwrap_or_else(|e| panic!("{e}\n--- {} log:\n{}", daemon.name(), daemon.log()))
}

fn no_neighbor_yet(state: &str) -> Result<Option<String>, String> {
    Err(format!("state {state}"))
}

// ---------------------------------------------------------------------------------------------
// BIRD 2

/// BIRD 2 (`bird -f`), controlled through `birdc -s <socket>`.
pub struct Bird {
    dir: TempDir,
    endpoint: Endpoint,
    neighbors: Vec<Neighbor>,
    process: Process,
    birdc: PathBuf,
}

impl Bird {
    pub fn start(
        endpoint: Endpoint,
        neighbors: &[Neighbor],
        routes: &[Originate],
    ) -> Result<Bird, String> {
        let bird = which("bird").ok_or("bird is not installed")?;
        let birdc = which("birdc").ok_or("birdc is not installed")?;
        let dir = TempDir::new("bird");
        let config = dir.write("bird.conf", &Bird::config(endpoint, neighbors, routes));
        let process = Bird::spawn(&bird, &dir, &config)?;
        let mut daemon = Bird {
            dir,
            endpoint,
            neighbors: neighbors.to_vec(),
            process,
            birdc,
        };
        daemon.wait_ready()?;
        Ok(daemon)
    }

    fn spawn(bird: &Path, dir: &TempDir, config: &Path) -> Result<Process, String> {
        let socket = dir.join("bird.ctl");
        let pid = dir.join("bird.pid");
        let args = [
            "-f",
            "-c",
            config.to_str().ok_or("path")?,
            "-s",
            socket.to_str().ok_or("path")?,
            "-P",
            pid.to_str().ok_or("path")?,
        ];
        Process::spawn(bird, &args, dir.join("bird.log"))
    }

    fn config(endpoint: Endpoint, neighbors: &[Neighbor], routes: &[Originate]) -> String {
        let mut c = String::new();
        let _ = writeln!(
            c,
            "router id {};\nlog stderr all;\nprotocol device {{}}",
            endpoint.router_id
        );
        for (name, v6) in [("static4", false), ("static6", true)] {
            let _ = writeln!(
                c,
                "protocol static {name} {{\n  {};",
                if v6 { "ipv6" } else { "ipv4" }
            );
            for route in routes.iter().filter(|r| r.is_ipv6() == v6) {
                let _ = write!(c, "  route {} blackhole {{", route.prefix);
                for (asn, value) in &route.communities {
                    let _ = write!(c, " bgp_community.add(({asn},{value}));");
                }
                let _ = writeln!(c, " }};");
            }
            let _ = writeln!(c, "}}");
        }
        // BIRD drops a MED set by another protocol when exporting to an eBGP peer (RFC 4271
        // §5.1.4), so the MED of our own routes is set by the export filter.
        let mut export = String::new();
        for route in routes {
            if let Some(med) = route.med {
                let _ = write!(export, "if net = {} then bgp_med = {med}; ", route.prefix);
            }
        }
        for (i, n) in neighbors.iter().enumerate() {
            // Loopback addresses are not "directly connected" for BIRD, hence multihop; short
            // retry and error-wait timers so reset and restart tests re-establish within seconds.
            let _ = writeln!(
                c,
                "protocol bgp peer{i} {{\n  local {} port {} as {};\n  neighbor {} port {} as {};\n  \
                 multihop;\n  strict bind yes;\n  passive {};\n  connect delay time 1;\n  \
                 connect retry time 1;\n  error wait time 1, 2;\n  error forget time 1;\n  \
                 ipv4 {{ import all; export filter {{ {export}accept; }}; next hop address {}; }};\n  \
                 ipv6 {{ import all; export filter {{ {export}accept; }}; next hop address {}; }};\n}}",
                endpoint.address,
                endpoint.port,
                endpoint.asn,
                n.endpoint.address,
                n.endpoint.port,
                n.endpoint.asn,
                if n.passive { "on" } else { "off" },
                endpoint.next_hop4(),
                endpoint.next_hop6(),
            );
        }
        c
    }

    fn birdc(&self, command: &str) -> Result<String, String> {
        let socket = self.dir.join("bird.ctl");
        let mut args = vec!["-s", socket.to_str().ok_or("path")?];
        args.extend(command.split(' '));
        run(&self.birdc, &args)
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        wait_for("BIRD control socket", WAIT, || {
            self.process.check_alive()?;
            Ok(self
                .birdc("show status")
                .ok()
                .filter(|s| s.contains("Daemon is up")))
        })
        .map(drop)
    }

    fn protocol(&self, neighbor: IpAddr) -> Result<String, String> {
        self.neighbors
            .iter()
            .position(|n| n.endpoint.address == neighbor)
            .map(|i| format!("peer{i}"))
            .ok_or_else(|| format!("{neighbor} is not a neighbor of this BIRD"))
    }
}

impl Daemon for Bird {
    fn name(&self) -> &'static str {
        "BIRD"
    }

    fn endpoint(&self) -> Endpoint {
        self.endpoint
    }

    fn session(&mut self, neighbor: IpAddr) -> Result<Option<String>, String> {
        self.process.check_alive()?;
        let protocol = self.protocol(neighbor)?;
        let out = self.birdc(&format!("show protocols {protocol}"))?;
        // "peer0      BGP        ---        up     05:30:50.410  Established"
        let line = out
            .lines()
            .find(|l| l.split_whitespace().next() == Some(protocol.as_str()))
            .ok_or_else(|| format!("no {protocol} in {out}"))?;
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.get(3) == Some(&"up") && line.contains("Established") {
            // The "since" time stamp changes with every new session.
            let pid = self.process.pid().unwrap_or_default();
            Ok(fields.get(4).map(|since| format!("{pid}/{since}")))
        } else {
            no_neighbor_yet(line)
        }
    }

    fn routes(&mut self, family: Family) -> Result<Vec<Route>, String> {
        let table = match family {
            Family::Ipv4 => "master4",
            Family::Ipv6 => "master6",
        };
        Ok(parse_bird_routes(
            &self.birdc(&format!("show route all table {table}"))?,
        ))
    }

    fn reset(&mut self, neighbor: IpAddr) -> Result<(), String> {
        let protocol = self.protocol(neighbor)?;
        self.birdc(&format!("restart {protocol}")).map(drop)
    }

    fn restart(&mut self) -> Result<(), String> {
        self.process.stop();
        let bird = which("bird").ok_or("bird is not installed")?;
        self.process = Bird::spawn(&bird, &self.dir, &self.dir.join("bird.conf"))?;
        self.wait_ready()
    }

    fn log(&self) -> String {
        self.process.log_text()
    }
}

/// Parses `birdc show route all`: a route starts on a line with a prefix (or, for further paths
/// of the same prefix, an indented line with `[protocol ...]`); its attributes follow on lines
/// starting with a tab.
pub fn parse_bird_routes(text: &str) -> Vec<Route> {
    let mut routes: Vec<Route> = Vec::new();
    let mut prefix = String::new();
    for line in text.lines() {
        if line.is_empty() || line.starts_with("BIRD ") || line.starts_with("Table ") {
            continue;
        }
        if let Some(attribute) = line.strip_prefix('\t') {
            let Some(route) = routes.last_mut() else {
                continue;
            };
            let Some((name, value)) = attribute.split_once(": ") else {
                continue;
            };
            let value = value.trim();
            match name {
                "BGP.next_hop" => {
                    // An IPv6 next hop may be followed by its link-local address.
                    route.next_hop = value.split_whitespace().next().and_then(|v| v.parse().ok());
                }
                "BGP.as_path" => {
                    route.as_path = value
                        .split_whitespace()
                        .filter_map(|a| a.parse().ok())
                        .collect();
                }
                "BGP.med" => route.med = value.parse().ok(),
                "BGP.local_pref" => route.local_pref = value.parse().ok(),
                "BGP.community" => {
                    route.communities = value
                        .split(") (")
                        .filter_map(|c| {
                            let c = c.trim_matches(|ch| ch == '(' || ch == ')');
                            let (a, v) = c.split_once(',')?;
                            Some((a.trim().parse().ok()?, v.trim().parse().ok()?))
                        })
                        .collect();
                }
                _ => {}
            }
            continue;
        }
        if !line.starts_with(' ') {
            prefix = line
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
        } else if !line.contains('[') {
            continue; // a "via ..." continuation of the current path
        }
        routes.push(Route {
            prefix: prefix.clone(),
            ..Route::default()
        });
    }
    routes
}

// ---------------------------------------------------------------------------------------------
// GoBGP

/// GoBGP (`gobgpd`), controlled through `gobgp --target unix://<socket>`.
pub struct Gobgp {
    dir: TempDir,
    endpoint: Endpoint,
    neighbors: Vec<Neighbor>,
    routes: Vec<Originate>,
    families: Vec<ExtraFamily>,
    process: Process,
    gobgp: PathBuf,
}

impl Gobgp {
    pub fn start(
        endpoint: Endpoint,
        neighbors: &[Neighbor],
        routes: &[Originate],
    ) -> Result<Gobgp, String> {
        Gobgp::start_with(endpoint, neighbors, routes, &[])
    }

    /// Starts GoBGP negotiating `families` too with every neighbor.
    pub fn start_with(
        endpoint: Endpoint,
        neighbors: &[Neighbor],
        routes: &[Originate],
        families: &[ExtraFamily],
    ) -> Result<Gobgp, String> {
        let gobgp = which("gobgp").ok_or("gobgp is not installed")?;
        let dir = TempDir::new("gobgp");
        dir.write("gobgpd.toml", &Gobgp::config(endpoint, neighbors, families));
        let process = Gobgp::spawn(&dir)?;
        let mut daemon = Gobgp {
            dir,
            endpoint,
            neighbors: neighbors.to_vec(),
            routes: routes.to_vec(),
            families: families.to_vec(),
            process,
            gobgp,
        };
        daemon.wait_ready()?;
        daemon.originate()?;
        Ok(daemon)
    }

    fn spawn(dir: &TempDir) -> Result<Process, String> {
        let gobgpd = which("gobgpd").ok_or("gobgpd is not installed")?;
        let config = dir.join("gobgpd.toml");
        let api = format!("--api-hosts=unix://{}", dir.join("gobgp.sock").display());
        let args = [
            "-f",
            config.to_str().ok_or("path")?,
            &api,
            "--pprof-disable",
            "-p",
        ];
        Process::spawn(&gobgpd, &args, dir.join("gobgpd.log"))
    }

    fn config(endpoint: Endpoint, neighbors: &[Neighbor], families: &[ExtraFamily]) -> String {
        let mut c = format!(
            "[global.config]\n  as = {}\n  router-id = \"{}\"\n  port = {}\n  \
             local-address-list = [\"{}\"]\n",
            endpoint.asn, endpoint.router_id, endpoint.port, endpoint.address
        );
        for n in neighbors {
            let _ = write!(
                c,
                "[[neighbors]]\n  [neighbors.config]\n    neighbor-address = \"{}\"\n    \
                 peer-as = {}\n  [neighbors.transport.config]\n    local-address = \"{}\"\n    \
                 remote-port = {}\n    passive-mode = {}\n  [neighbors.timers.config]\n    \
                 connect-retry = 1\n    idle-hold-time-after-reset = 1\n",
                n.endpoint.address, n.endpoint.asn, endpoint.address, n.endpoint.port, n.passive
            );
            let extra = families.iter().map(|f| f.gobgp());
            for family in ["ipv4-unicast", "ipv6-unicast"].into_iter().chain(extra) {
                let _ = write!(
                    c,
                    "  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n      \
                     afi-safi-name = \"{family}\"\n"
                );
            }
        }
        c
    }

    /// Runs the `gobgp` CLI against this daemon.
    pub fn gobgp(&self, args: &[&str]) -> Result<String, String> {
        let target = format!("unix://{}", self.dir.join("gobgp.sock").display());
        let mut all = vec!["--target", target.as_str()];
        all.extend_from_slice(args);
        run(&self.gobgp, &all)
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        wait_for("GoBGP API", WAIT, || {
            self.process.check_alive()?;
            Ok(self.gobgp(&["global"]).ok())
        })
        .map(drop)
    }

    /// Rewrites the configuration with `neighbors` and asks gobgpd to reload it (SIGHUP).
    fn reload(&mut self, neighbors: &[Neighbor]) -> Result<(), String> {
        self.dir.write(
            "gobgpd.toml",
            &Gobgp::config(self.endpoint, neighbors, &self.families),
        );
        let pid = self.process.pid().ok_or("gobgpd is not running")?;
        run(Path::new("/bin/kill"), &["-HUP", &pid.to_string()]).map(drop)
    }

    /// `gobgp global rib add`: GoBGP's routes come from the API, not the configuration.
    fn originate(&self) -> Result<(), String> {
        for route in &self.routes {
            let next_hop = if route.is_ipv6() {
                self.endpoint.next_hop6()
            } else {
                self.endpoint.next_hop4()
            }
            .to_string();
            let family = if route.is_ipv6() { "ipv6" } else { "ipv4" };
            let mut args = vec!["global", "rib", "-a", family, "add", &route.prefix];
            args.extend(["nexthop", &next_hop]);
            let med = route.med.map(|m| m.to_string());
            if let Some(med) = &med {
                args.extend(["med", med]);
            }
            let communities: Vec<String> = route
                .communities
                .iter()
                .map(|(a, v)| format!("{a}:{v}"))
                .collect();
            let communities = communities.join(",");
            if !communities.is_empty() {
                args.extend(["community", &communities]);
            }
            self.gobgp(&args)?;
        }
        Ok(())
    }
}

impl Daemon for Gobgp {
    fn name(&self) -> &'static str {
        "GoBGP"
    }

    fn endpoint(&self) -> Endpoint {
        self.endpoint
    }

    fn session(&mut self, neighbor: IpAddr) -> Result<Option<String>, String> {
        self.process.check_alive()?;
        let out = self.gobgp(&["-j", "neighbor", &neighbor.to_string()])?;
        let json: serde_json::Value =
            serde_json::from_str(&out).map_err(|e| format!("{e}: {out}"))?;
        // session_state 6 is Established in GoBGP's API.
        let state = &json["state"]["session_state"];
        if state.as_u64() == Some(6) {
            let uptime = &json["timers"]["state"]["uptime"];
            let established = &json["state"]["messages"]["received"]["open"];
            let pid = self.process.pid().unwrap_or_default();
            Ok(Some(format!("{pid}/{uptime}/{established}")))
        } else {
            no_neighbor_yet(&state.to_string())
        }
    }

    fn routes(&mut self, family: Family) -> Result<Vec<Route>, String> {
        let family = match family {
            Family::Ipv4 => "ipv4",
            Family::Ipv6 => "ipv6",
        };
        let out = self.gobgp(&["-j", "global", "rib", "-a", family])?;
        parse_gobgp_routes(&out)
    }

    fn reset(&mut self, neighbor: IpAddr) -> Result<(), String> {
        // `gobgp neighbor X reset` (and disable/enable) leaves the peer idle for 30 s: gobgpd
        // 3.10 ignores idle-hold-time-after-reset from its configuration file. Removing the
        // neighbor from the configuration and reloading (SIGHUP) sends a Cease NOTIFICATION;
        // putting it back and reloading again makes a fresh peer that connects at once.
        let others: Vec<Neighbor> = self
            .neighbors
            .iter()
            .copied()
            .filter(|n| n.endpoint.address != neighbor)
            .collect();
        self.reload(&others)?;
        let address = neighbor.to_string();
        wait_for("GoBGP to drop the neighbor", WAIT, || {
            Ok(self.gobgp(&["neighbor", &address]).is_err().then_some(()))
        })?;
        self.reload(&self.neighbors.clone())?;
        wait_for("GoBGP to add the neighbor back", WAIT, || {
            Ok(self.gobgp(&["neighbor", &address]).ok())
        })
        .map(drop)
    }

    fn restart(&mut self) -> Result<(), String> {
        self.process.stop();
        self.process = Gobgp::spawn(&self.dir)?;
        self.wait_ready()?;
        self.originate()
    }

    fn log(&self) -> String {
        self.process.log_text()
    }
}

/// Parses `gobgp -j global rib`: prefix → paths, each with a list of typed attributes.
pub fn parse_gobgp_routes(text: &str) -> Result<Vec<Route>, String> {
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("{e}: {text}"))?;
    let table = json
        .as_object()
        .ok_or_else(|| format!("not a table: {text}"))?;
    let mut routes = Vec::new();
    for (prefix, paths) in table {
        for path in paths.as_array().into_iter().flatten() {
            let mut route = Route {
                prefix: prefix.clone(),
                ..Route::default()
            };
            for attribute in path["attrs"].as_array().into_iter().flatten() {
                match attribute["type"].as_u64() {
                    Some(2) => {
                        for segment in attribute["as_paths"].as_array().into_iter().flatten() {
                            let asns = segment["asns"].as_array().into_iter().flatten();
                            route
                                .as_path
                                .extend(asns.filter_map(|a| a.as_u64()).map(|a| a as u32));
                        }
                    }
                    Some(3) | Some(14) => {
                        route.next_hop = attribute["nexthop"].as_str().and_then(|n| n.parse().ok());
                    }
                    Some(4) => route.med = attribute["metric"].as_u64().map(|m| m as u32),
                    Some(5) => route.local_pref = attribute["value"].as_u64().map(|v| v as u32),
                    Some(8) => {
                        let values = attribute["communities"].as_array().into_iter().flatten();
                        route.communities = values
                            .filter_map(|c| c.as_u64())
                            .map(|c| ((c >> 16) as u16, (c & 0xffff) as u16))
                            .collect();
                    }
                    _ => {}
                }
            }
            routes.push(route);
        }
    }
    Ok(routes)
}

// ---------------------------------------------------------------------------------------------
// FRR

/// FRR's bgpd alone (no zebra, `-Z`), controlled through `vtysh --vty_socket <dir> -d bgpd`.
pub struct Frr {
    dir: TempDir,
    endpoint: Endpoint,
    process: Process,
    vtysh: PathBuf,
}

const FRR_BGPD: &str = "/usr/lib/frr/bgpd";

impl Frr {
    pub fn start(
        endpoint: Endpoint,
        neighbors: &[Neighbor],
        routes: &[Originate],
    ) -> Result<Frr, String> {
        Frr::start_with(endpoint, neighbors, routes, &[])
    }

    /// Starts FRR with `families` activated too for every neighbor.
    pub fn start_with(
        endpoint: Endpoint,
        neighbors: &[Neighbor],
        routes: &[Originate],
        families: &[ExtraFamily],
    ) -> Result<Frr, String> {
        let vtysh = which("vtysh").ok_or("vtysh is not installed")?;
        let dir = TempDir::new("frr");
        dir.write(
            "bgpd.conf",
            &Frr::config(endpoint, neighbors, routes, families),
        );
        let process = Frr::spawn(&dir, endpoint)?;
        let mut daemon = Frr {
            dir,
            endpoint,
            process,
            vtysh,
        };
        daemon.wait_ready()?;
        Ok(daemon)
    }

    fn spawn(dir: &TempDir, endpoint: Endpoint) -> Result<Process, String> {
        let bgpd = which(FRR_BGPD).ok_or("FRR's bgpd is not installed")?;
        let config = dir.join("bgpd.conf");
        let pid = dir.join("bgpd.pid");
        let port = endpoint.port.to_string();
        let address = endpoint.address.to_string();
        let args = [
            "-Z", // no zebra: nothing is installed in the kernel
            "-S", // no capability changes
            "-u",
            "root",
            "-g",
            "root",
            "-f",
            config.to_str().ok_or("path")?,
            "-i",
            pid.to_str().ok_or("path")?,
            "--vty_socket",
            dir.path().to_str().ok_or("path")?,
            "-P",
            "0", // no TCP vty port
            "-p",
            &port,
            "-l",
            &address,
            "--log",
            "stdout",
        ];
        Process::spawn(&bgpd, &args, dir.join("bgpd.log"))
    }

    fn config(
        endpoint: Endpoint,
        neighbors: &[Neighbor],
        routes: &[Originate],
        families: &[ExtraFamily],
    ) -> String {
        let mut c = format!(
            "hostname frr-{}\nlog stdout informational\nrouter bgp {}\n bgp router-id {}\n \
             no bgp ebgp-requires-policy\n no bgp default ipv4-unicast\n \
             no bgp network import-check\n",
            endpoint.router_id, endpoint.asn, endpoint.router_id
        );
        for n in neighbors {
            let a = n.endpoint.address;
            let _ = write!(
                c,
                " neighbor {a} remote-as {}\n neighbor {a} port {}\n neighbor {a} update-source {}\n \
                 neighbor {a} disable-connected-check\n neighbor {a} timers connect 1\n \
                 neighbor {a} advertisement-interval 0\n",
                n.endpoint.asn, n.endpoint.port, endpoint.address
            );
            if n.passive {
                let _ = writeln!(c, " neighbor {a} passive");
            }
        }
        for (family, v6) in [("ipv4", false), ("ipv6", true)] {
            let _ = writeln!(c, " address-family {family} unicast");
            for (i, route) in routes.iter().enumerate().filter(|(_, r)| r.is_ipv6() == v6) {
                let _ = writeln!(c, "  network {} route-map originate{i}", route.prefix);
            }
            for n in neighbors {
                let a = n.endpoint.address;
                let _ = writeln!(
                    c,
                    "  neighbor {a} activate\n  neighbor {a} route-map next-hop-{family} out"
                );
            }
            let _ = writeln!(c, " exit-address-family");
        }
        // FRR keeps VPN routes in its VPN table without importing them into a VRF, and holds
        // flowspec routes without installing them (there is no zebra), which is all the tests read.
        for family in families.iter().filter_map(|f| f.frr()) {
            let _ = writeln!(c, " address-family {family}");
            for n in neighbors {
                let _ = writeln!(c, "  neighbor {} activate", n.endpoint.address);
            }
            let _ = writeln!(c, " exit-address-family");
        }
        for (i, route) in routes.iter().enumerate() {
            let _ = writeln!(c, "route-map originate{i} permit 10");
            if let Some(med) = route.med {
                let _ = writeln!(c, " set metric {med}");
            }
            if !route.communities.is_empty() {
                let list: Vec<String> = route
                    .communities
                    .iter()
                    .map(|(a, v)| format!("{a}:{v}"))
                    .collect();
                let _ = writeln!(c, " set community {}", list.join(" "));
            }
        }
        let _ = writeln!(
            c,
            "route-map next-hop-ipv4 permit 10\n set ip next-hop {}\n\
             route-map next-hop-ipv6 permit 10\n set ipv6 next-hop global {}",
            endpoint.next_hop4(),
            endpoint.next_hop6()
        );
        c
    }

    /// Runs a `vtysh` command against this daemon.
    pub fn vtysh(&self, command: &str) -> Result<String, String> {
        let args = [
            "--vty_socket",
            self.dir.path().to_str().ok_or("path")?,
            "-d",
            "bgpd",
            "-c",
            command,
        ];
        run(&self.vtysh, &args)
    }

    /// Applies configuration `lines`, as typed after `configure terminal`.
    pub fn configure(&self, lines: &[&str]) -> Result<(), String> {
        let mut args = vec![
            "--vty_socket",
            self.dir.path().to_str().ok_or("path")?,
            "-d",
            "bgpd",
            "-c",
            "configure terminal",
        ];
        for line in lines {
            args.extend(["-c", line]);
        }
        run(&self.vtysh, &args).map(drop)
    }

    /// Runs a `vtysh` command whose output is one JSON value.
    pub fn json(&self, command: &str) -> Result<serde_json::Value, String> {
        let out = self.vtysh(command)?;
        serde_json::from_str(&out).map_err(|e| format!("{e}: {out}"))
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        wait_for("FRR vty socket", WAIT, || {
            self.process.check_alive()?;
            Ok(self.vtysh("show bgp summary json").ok())
        })
        .map(drop)
    }
}

/// FRR keeps a per-process directory in /var/tmp/frr (compiled in, not configurable) that it
/// removes on SIGTERM; remove it ourselves in case the daemon had to be killed.
fn remove_frr_tmpdir(pid: Option<u32>) {
    if let Some(pid) = pid {
        let _ = std::fs::remove_dir_all(format!("/var/tmp/frr/bgpd.{pid}"));
    }
}

impl Drop for Frr {
    fn drop(&mut self) {
        let pid = self.process.pid();
        self.process.stop();
        remove_frr_tmpdir(pid);
    }
}

impl Daemon for Frr {
    fn name(&self) -> &'static str {
        "FRR"
    }

    fn endpoint(&self) -> Endpoint {
        self.endpoint
    }

    fn session(&mut self, neighbor: IpAddr) -> Result<Option<String>, String> {
        self.process.check_alive()?;
        let json = self.json("show bgp summary json")?;
        let key = neighbor.to_string();
        let peer = ["ipv4Unicast", "ipv6Unicast"]
            .iter()
            .map(|family| &json[family]["peers"][&key])
            .find(|peer| peer.is_object())
            .ok_or_else(|| format!("{key} not in {json}"))?;
        if peer["state"].as_str() == Some("Established") {
            let pid = self.process.pid().unwrap_or_default();
            Ok(Some(format!("{pid}/{}", peer["connectionsEstablished"])))
        } else {
            no_neighbor_yet(&peer["state"].to_string())
        }
    }

    fn routes(&mut self, family: Family) -> Result<Vec<Route>, String> {
        let family = match family {
            Family::Ipv4 => "ipv4",
            Family::Ipv6 => "ipv6",
        };
        let table = self.json(&format!("show bgp {family} unicast json"))?;
        let prefixes: Vec<String> = table["routes"]
            .as_object()
            .map(|routes| routes.keys().cloned().collect())
            .unwrap_or_default();
        // The table view has no communities: read each prefix in detail.
        let mut routes = Vec::new();
        for prefix in prefixes {
            let detail = self.json(&format!("show bgp {family} unicast {prefix} json"))?;
            routes.extend(parse_frr_route(&prefix, &detail));
        }
        Ok(routes)
    }

    fn reset(&mut self, neighbor: IpAddr) -> Result<(), String> {
        self.vtysh(&format!("clear bgp {neighbor}")).map(drop)
    }

    fn restart(&mut self) -> Result<(), String> {
        let pid = self.process.pid();
        self.process.stop();
        remove_frr_tmpdir(pid);
        self.process = Frr::spawn(&self.dir, self.endpoint)?;
        self.wait_ready()
    }

    fn log(&self) -> String {
        self.process.log_text()
    }
}

/// Parses `show bgp <afi> unicast <prefix> json`: the prefix's paths with their attributes.
pub fn parse_frr_route(prefix: &str, json: &serde_json::Value) -> Vec<Route> {
    let mut routes = Vec::new();
    for path in json["paths"].as_array().into_iter().flatten() {
        let mut route = Route {
            prefix: prefix.to_string(),
            ..Route::default()
        };
        for segment in path["aspath"]["segments"].as_array().into_iter().flatten() {
            let asns = segment["list"].as_array().into_iter().flatten();
            route
                .as_path
                .extend(asns.filter_map(|a| a.as_u64()).map(|a| a as u32));
        }
        route.next_hop = path["nexthops"][0]["ip"]
            .as_str()
            .and_then(|n| n.parse().ok());
        route.med = path["metric"].as_u64().map(|m| m as u32);
        route.local_pref = path["locPrf"]
            .as_u64()
            .or(path["localpref"].as_u64())
            .map(|v| v as u32);
        route.communities = path["community"]["string"]
            .as_str()
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|c| {
                let (a, v) = c.split_once(':')?;
                Some((a.parse().ok()?, v.parse().ok()?))
            })
            .collect();
        routes.push(route);
    }
    routes
}
