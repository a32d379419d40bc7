//! Ports `exabgp/environment/` (config.py, parsing.py, base.py): the daemon's settings, from
//! ExaBGP's defaults, an `exabgp.env` file, then environment variables (`exabgp.tcp.port` or
//! `exabgp_tcp_port`, the dotted spelling first), read once at start and passed down.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::path::Path;

#[derive(Clone, PartialEq, Debug)]
pub struct Profile {
    pub enable: bool,
    pub file: String,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Pdb {
    pub enable: bool,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Daemon {
    pub pid: String,
    pub user: String,
    pub daemonize: bool,
    pub drop: bool,
    pub umask: u32,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Log {
    pub enable: bool,
    /// A syslog level name, upper case (`INFO`).
    pub level: String,
    pub destination: String,
    pub all: bool,
    pub configuration: bool,
    pub reactor: bool,
    pub daemon: bool,
    pub processes: bool,
    pub network: bool,
    pub statistics: bool,
    pub packets: bool,
    pub rib: bool,
    pub message: bool,
    pub timers: bool,
    pub routes: bool,
    pub parser: bool,
    pub short: bool,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Tcp {
    pub once: bool,
    /// Connection attempts per peer, 0 unlimited (`exabgp_tcp_connections` is an alias).
    pub attempts: u32,
    pub delay: u32,
    /// Addresses to listen on; empty: do not listen.
    pub bind: Vec<IpAddr>,
    pub port: u16,
    pub acl: bool,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Bgp {
    pub passive: bool,
    pub openwait: u32,
    pub paths_limit_audit: bool,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Cache {
    pub attributes: bool,
    pub nexthops: bool,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Api {
    /// 4 (text or json helpers) or 6 (json only).
    pub version: u8,
    pub ack: bool,
    pub chunk: u32,
    /// `text` or `json`, for API v4.
    pub encoder: String,
    pub compact: bool,
    pub respawn: bool,
    pub terminate: bool,
    pub cli: bool,
    pub pipename: String,
    pub socketname: String,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Reactor {
    pub speed: f64,
}

/// `[exabgp.metrics]` (exabgp-rs only): the Prometheus endpoint.
#[derive(Clone, PartialEq, Debug)]
pub struct Metrics {
    pub enable: bool,
    pub address: IpAddr,
    pub port: u16,
}

/// `[exabgp.mrt]` (exabgp-rs only): the RFC 6396 dump of the sessions' messages.
#[derive(Clone, PartialEq, Debug)]
pub struct Mrt {
    pub enable: bool,
    pub file: String,
    pub sent: bool,
    /// Seconds before the next file starts, 0 never.
    pub rotate: u64,
    /// Bytes before the next file starts, 0 no limit.
    pub size: u64,
}

/// `[exabgp.bmp]` (exabgp-rs only): the RFC 7854 collector.
#[derive(Clone, PartialEq, Debug)]
pub struct Bmp {
    pub enable: bool,
    pub address: IpAddr,
    pub port: u16,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Debug {
    pub pdb: bool,
    pub memory: bool,
    /// Configuration errors are fatal.
    pub configuration: bool,
    pub selfcheck: bool,
    pub route: String,
    pub defensive: bool,
    /// Several configuration files: SIGUSR1 moves to the next one.
    pub rotate: bool,
    pub timing: bool,
}

/// All settings.
#[derive(Clone, PartialEq, Debug)]
pub struct Environment {
    pub profile: Profile,
    pub pdb: Pdb,
    pub daemon: Daemon,
    pub log: Log,
    pub tcp: Tcp,
    pub bgp: Bgp,
    pub cache: Cache,
    pub api: Api,
    pub reactor: Reactor,
    pub metrics: Metrics,
    pub mrt: Mrt,
    pub bmp: Bmp,
    pub debug: Debug,
    /// `exabgp_version`: the version string the software-version capability announces
    /// (`ExaBGP/<version>`); `None`: our own.
    pub version: Option<String>,
}

impl Default for Environment {
    fn default() -> Environment {
        Environment {
            profile: Profile {
                enable: false,
                file: String::new(),
            },
            pdb: Pdb { enable: false },
            daemon: Daemon {
                pid: String::new(),
                user: "nobody".into(),
                daemonize: false,
                drop: true,
                umask: 0o137,
            },
            log: Log {
                enable: true,
                level: "INFO".into(),
                destination: "stdout".into(),
                all: false,
                configuration: true,
                reactor: true,
                daemon: true,
                processes: true,
                network: true,
                statistics: true,
                packets: false,
                rib: false,
                message: false,
                timers: false,
                routes: false,
                parser: false,
                short: true,
            },
            tcp: Tcp {
                once: false,
                attempts: 0,
                delay: 0,
                bind: Vec::new(),
                port: 179,
                acl: false,
            },
            bgp: Bgp {
                passive: false,
                openwait: 60,
                paths_limit_audit: true,
            },
            cache: Cache {
                attributes: true,
                nexthops: true,
            },
            api: Api {
                version: 6,
                ack: true,
                chunk: 1,
                encoder: "json".into(),
                compact: false,
                respawn: true,
                terminate: false,
                cli: true,
                pipename: "exabgp".into(),
                socketname: "exabgp".into(),
            },
            reactor: Reactor { speed: 1.0 },
            metrics: Metrics {
                enable: false,
                address: IpAddr::from([127, 0, 0, 1]),
                port: 9180,
            },
            mrt: Mrt {
                enable: false,
                file: "exabgp.mrt".into(),
                sent: false,
                rotate: 0,
                size: 0,
            },
            bmp: Bmp {
                enable: false,
                address: IpAddr::from([127, 0, 0, 1]),
                port: 5000,
            },
            debug: Debug {
                pdb: false,
                memory: false,
                configuration: false,
                selfcheck: false,
                route: String::new(),
                defensive: false,
                rotate: false,
                timing: false,
            },
            version: None,
        }
    }
}

/// Every option: section, name, help (ExaBGP's wording), in ExaBGP's order.
pub const OPTIONS: &[(&str, &str, &str)] = &[
    ("profile", "enable", "toggle profiling of the code"),
    ("profile", "file", "profiling result file, none means stdout, no overwriting"),
    ("pdb", "enable", "on program fault, start pdb the python interactive debugger"),
    ("daemon", "pid", "where to save the pid if we manage it"),
    ("daemon", "user", "user to run the program as"),
    ("daemon", "daemonize", "should we run in the background"),
    ("daemon", "drop", "drop privileges before forking processes"),
    ("daemon", "umask", "run daemon with this umask, governs perms of logfiles etc."),
    ("log", "enable", "enable logging to file or syslog"),
    ("log", "level", "log message with at least the priority SYSLOG.<level>"),
    ("log", "destination", "where logging should log: syslog, host:<location>, stdout, stderr or <filename>"),
    ("log", "all", "report debug information for everything"),
    ("log", "configuration", "report command parsing"),
    ("log", "reactor", "report signal received, command reload"),
    ("log", "daemon", "report pid change, forking, ..."),
    ("log", "processes", "report handling of forked processes"),
    ("log", "network", "report networking information (TCP/IP, network state,...)"),
    ("log", "statistics", "report packet statistics"),
    ("log", "packets", "report BGP packets sent and received"),
    ("log", "rib", "report change in locally configured routes"),
    ("log", "message", "report changes in route announcement on config reload"),
    ("log", "timers", "report keepalives timers"),
    ("log", "routes", "report received routes"),
    ("log", "parser", "report BGP message parsing details"),
    ("log", "short", "use short log format (not prepended with time,level,pid and source)"),
    ("tcp", "once", "only one tcp connection attempt per peer (for debuging scripts) - deprecated, use tcp.attempts"),
    ("tcp", "attempts", "maximum tcp connection attempts per peer (0 for unlimited)"),
    ("tcp", "delay", "start to announce route when the minutes in the hours is a modulo of this number"),
    ("tcp", "bind", "Space separated list of IPs to bind on when listening (no ip to disable)"),
    ("tcp", "port", "port to bind on when listening"),
    ("tcp", "acl", "(experimental please do not use) unimplemented"),
    ("bgp", "passive", "ignore the peer configuration and make all peers passive"),
    ("bgp", "openwait", "how many seconds we wait for an open once the TCP session is established"),
    ("bgp", "paths_limit_audit", "log a warning when a peer sends more paths per prefix than our advertised PATHS-LIMIT"),
    ("cache", "attributes", "cache all attributes (configuration and wire) for faster parsing"),
    ("cache", "nexthops", "cache routes next-hops (deprecated: next-hops are always cached)"),
    ("api", "version", "API version (4=legacy with text/json, 6=json only)"),
    ("api", "ack", "acknowledge api command(s) and report issues"),
    ("api", "chunk", "maximum lines to print before yielding in show routes api"),
    ("api", "encoder", "default encoder for API v4 (text or json), ignored in v6"),
    ("api", "compact", "shorter JSON encoding for IPv4/IPv6 Unicast NLRI"),
    ("api", "respawn", "should we try to respawn helper processes if they dies"),
    ("api", "terminate", "should we terminate ExaBGP if any helper process dies"),
    ("api", "cli", "should we create a named pipe for the cli"),
    ("api", "pipename", "name to be used for the exabgp pipe"),
    ("api", "socketname", "name to be used for the exabgp Unix socket"),
    ("reactor", "speed", "reactor loop time, use only if you understand the code."),
    ("metrics", "enable", "serve Prometheus metrics over HTTP (exabgp-rs only)"),
    ("metrics", "address", "IP the metrics endpoint listens on"),
    ("metrics", "port", "port the metrics endpoint listens on (GET /metrics)"),
    ("mrt", "enable", "dump the messages of every session to an MRT file, RFC 6396 (exabgp-rs only)"),
    ("mrt", "file", "the MRT file (appended to)"),
    ("mrt", "sent", "dump the messages we send too"),
    ("mrt", "rotate", "seconds before the MRT file is moved aside and a new one starts (0 never)"),
    ("mrt", "size", "bytes before the MRT file is moved aside and a new one starts (0 no limit)"),
    ("bmp", "enable", "send BMP, RFC 7854, to a collector (exabgp-rs only)"),
    ("bmp", "address", "IP of the BMP collector"),
    ("bmp", "port", "port of the BMP collector"),
    ("debug", "pdb", "enable python debugger on errors"),
    ("debug", "memory", "command line option --memory"),
    ("debug", "configuration", "undocumented option: raise when parsing configuration errors"),
    ("debug", "selfcheck", "does a self check on the configuration file"),
    ("debug", "route", "decode the route using the configuration"),
    ("debug", "defensive", "generate random fault in the code in purpose"),
    ("debug", "rotate", "rotate configurations file on reload (signal)"),
    ("debug", "timing", "enable timing instrumentation for reactor performance analysis"),
];

const LEVELS: &[&str] = &[
    "EMERG", "ALERT", "CRIT", "CRITICAL", "ERR", "ERROR", "WARNING", "NOTICE", "INFO", "DEBUG",
];

/// A setting that could not be read.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// ExaBGP's `parsing.boolean`: anything else than these is false.
fn boolean(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "1" | "yes" | "on" | "enable" | "true"
    )
}

fn unquote(value: &str) -> &str {
    value.trim().trim_matches(|c| c == '\'' || c == '"')
}

fn number<T: std::str::FromStr>(value: &str) -> Result<T, String> {
    value.trim().parse().map_err(|_| "not a number".to_string())
}

/// The `[exabgp.SECTION]` tables of an env file, every value as a string.
#[derive(Deserialize)]
struct EnvFile {
    #[serde(default)]
    exabgp: BTreeMap<String, BTreeMap<String, String>>,
}

/// Rewrites an INI-style env file (ExaBGP's, read by Python's ConfigParser) as TOML: values are
/// often unquoted (`level = INFO`, `bind = 127.0.0.1 ::1`), so each becomes a TOML string.
fn ini_to_toml(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if trimmed.starts_with('[') {
            out.push_str(trimmed);
        } else if let Some((key, value)) =
            trimmed.split_once('=').or_else(|| trimmed.split_once(':'))
        {
            let value = unquote(value);
            let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
            out.push_str(&format!("\"{}\" = \"{escaped}\"", key.trim()));
        } else {
            out.push_str(trimmed);
        }
        out.push('\n');
    }
    out
}

/// ExaBGP's `ROOT` (`environment/base.py`): `$EXABGP_ROOT`, else the folder of the program as
/// it was started, without a trailing `bin` or `sbin`. The CLI's run folders are found under it.
pub fn root() -> std::path::PathBuf {
    let given = std::env::var_os("EXABGP_ROOT")
        .filter(|root| !root.is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            let program = std::env::args_os().next().unwrap_or_default();
            Path::new(&program)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default()
        });
    let absolute = if given.is_absolute() {
        given
    } else {
        std::env::current_dir().unwrap_or_default().join(given)
    };
    // normalised as Python's `normpath`: `.` and `..` resolved without following links
    let mut root = std::path::PathBuf::new();
    for part in absolute.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                root.pop();
            }
            other => root.push(other),
        }
    }
    if root.ends_with("bin") || root.ends_with("sbin") {
        root.pop();
    }
    root
}

impl Environment {
    /// Settings from ExaBGP's defaults, the env file at `env_file` (if it exists), then `vars`
    /// (the process environment, read once by the caller).
    pub fn load(env_file: Option<&Path>, vars: &[(String, String)]) -> Result<Environment, Error> {
        let mut env = Environment::default();
        if let Some(path) = env_file.filter(|p| p.exists()) {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error(format!("{}: {e}", path.display())))?;
            env.read_file(&text)
                .map_err(|e| Error(format!("{}: {}", path.display(), e.0)))?;
        }
        env.read_vars(vars)?;
        Ok(env)
    }

    /// Settings for this process: `$EXABGP_ENVFILE` or `/etc/exabgp/exabgp.env`, then the
    /// environment.
    pub fn from_process() -> Result<Environment, Error> {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        let file = vars
            .iter()
            .find(|(k, _)| k == "EXABGP_ENVFILE")
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| "/etc/exabgp/exabgp.env".to_string());
        Environment::load(Some(Path::new(&file)), &vars)
    }

    /// Applies an env file's text (INI as ExaBGP writes it, or TOML).
    pub fn read_file(&mut self, text: &str) -> Result<(), Error> {
        let parsed: EnvFile =
            toml::from_str(&ini_to_toml(text)).map_err(|e| Error(e.message().to_string()))?;
        // as ExaBGP, only known options are read: others are ignored
        for (section, option, _) in OPTIONS {
            if let Some(value) = parsed
                .exabgp
                .get(*section)
                .and_then(|options| options.get(*option))
            {
                self.set(section, option, value)?;
            }
        }
        Ok(())
    }

    /// Applies environment variables, `exabgp.section.option` before `exabgp_section_option`.
    pub fn read_vars(&mut self, vars: &[(String, String)]) -> Result<(), Error> {
        let get = |name: &str| {
            vars.iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        for (section, option, _) in OPTIONS {
            let dotted = format!("exabgp.{section}.{option}");
            if let Some(value) = get(&dotted).or_else(|| get(&dotted.replace('.', "_"))) {
                self.set(section, option, value)?;
            }
        }
        // tcp.connections is the name the functional tests use for tcp.attempts
        let connections = get("exabgp.tcp.connections").or_else(|| get("exabgp_tcp_connections"));
        if let Some(value) = connections {
            self.set("tcp", "attempts", value)?;
        }
        let attempts = get("exabgp.tcp.attempts").or_else(|| get("exabgp_tcp_attempts"));
        let once = get("exabgp.tcp.once").or_else(|| get("exabgp_tcp_once"));
        if once.is_some() && attempts.is_none() && connections.is_none() {
            self.tcp.attempts = u32::from(self.tcp.once);
        }
        if let Some(version) = get("exabgp.version").or_else(|| get("exabgp_version")) {
            self.version = Some(version.to_string());
        }
        Ok(())
    }

    /// Sets one option from its text, as ExaBGP's readers parse it.
    pub fn set(&mut self, section: &str, option: &str, value: &str) -> Result<(), Error> {
        let raw = value;
        let value = unquote(value);
        let bad = |why: String| {
            Error(format!(
                "invalid value for {section}.{option} : {raw} ({why})"
            ))
        };
        let b = boolean(value);
        let string = value.to_string();
        let ip = |value: &str| {
            value
                .parse::<IpAddr>()
                .map_err(|_| bad(format!("ip {value} is invalid")))
        };
        match (section, option) {
            ("profile", "enable") => self.profile.enable = b,
            ("profile", "file") => self.profile.file = string,
            ("pdb", "enable") => self.pdb.enable = b,
            ("daemon", "pid") => self.daemon.pid = string,
            ("daemon", "user") => self.daemon.user = string,
            ("daemon", "daemonize") => self.daemon.daemonize = b,
            ("daemon", "drop") => self.daemon.drop = b,
            ("daemon", "umask") => {
                let digits = value.strip_prefix("0o").unwrap_or(value);
                self.daemon.umask =
                    u32::from_str_radix(digits, 8).map_err(|_| bad("not an octal number".into()))?
            }
            ("log", "enable") => self.log.enable = b,
            ("log", "level") => {
                let level = value.to_ascii_uppercase();
                if !LEVELS.contains(&level.as_str()) {
                    return Err(bad(format!("invalid log level {level}")));
                }
                self.log.level = level;
            }
            ("log", "destination") => self.log.destination = string,
            ("log", "all") => self.log.all = b,
            ("log", "configuration") => self.log.configuration = b,
            ("log", "reactor") => self.log.reactor = b,
            ("log", "daemon") => self.log.daemon = b,
            ("log", "processes") => self.log.processes = b,
            ("log", "network") => self.log.network = b,
            ("log", "statistics") => self.log.statistics = b,
            ("log", "packets") => self.log.packets = b,
            ("log", "rib") => self.log.rib = b,
            ("log", "message") => self.log.message = b,
            ("log", "timers") => self.log.timers = b,
            ("log", "routes") => self.log.routes = b,
            ("log", "parser") => self.log.parser = b,
            ("log", "short") => self.log.short = b,
            ("tcp", "once") => self.tcp.once = b,
            ("tcp", "attempts" | "connections") => {
                self.tcp.attempts = number(value).map_err(bad)?
            }
            ("tcp", "delay") => self.tcp.delay = number(value).map_err(bad)?,
            ("tcp", "bind") => {
                self.tcp.bind = value
                    .split_whitespace()
                    .map(|ip| ip.parse().map_err(|_| bad(format!("ip {ip} is invalid"))))
                    .collect::<Result<_, _>>()?
            }
            ("tcp", "port") => self.tcp.port = number(value).map_err(bad)?,
            ("tcp", "acl") => self.tcp.acl = b,
            ("bgp", "passive") => self.bgp.passive = b,
            ("bgp", "openwait") => self.bgp.openwait = number(value).map_err(bad)?,
            ("bgp", "paths_limit_audit") => self.bgp.paths_limit_audit = b,
            ("cache", "attributes") => self.cache.attributes = b,
            ("cache", "nexthops") => self.cache.nexthops = b,
            ("api", "version") => {
                let version: u8 = number(value).map_err(bad)?;
                if version != 4 && version != 6 {
                    return Err(bad(format!("API version must be 4 or 6, got {version}")));
                }
                self.api.version = version;
            }
            ("api", "ack") => self.api.ack = b,
            ("api", "chunk") => self.api.chunk = number(value).map_err(bad)?,
            ("api", "encoder") => {
                let encoder = value.to_ascii_lowercase();
                if encoder != "text" && encoder != "json" {
                    return Err(bad("invalid encoder".into()));
                }
                self.api.encoder = encoder;
            }
            ("api", "compact") => self.api.compact = b,
            ("api", "respawn") => self.api.respawn = b,
            ("api", "terminate") => self.api.terminate = b,
            ("api", "cli") => self.api.cli = b,
            ("api", "pipename") => self.api.pipename = string,
            ("api", "socketname") => self.api.socketname = string,
            ("reactor", "speed") => self.reactor.speed = number(value).map_err(bad)?,
            ("metrics", "enable") => self.metrics.enable = b,
            ("metrics", "address") => self.metrics.address = ip(value)?,
            ("metrics", "port") => self.metrics.port = number(value).map_err(bad)?,
            ("mrt", "enable") => self.mrt.enable = b,
            ("mrt", "file") => self.mrt.file = string,
            ("mrt", "sent") => self.mrt.sent = b,
            ("mrt", "rotate") => self.mrt.rotate = number(value).map_err(bad)?,
            ("mrt", "size") => self.mrt.size = number(value).map_err(bad)?,
            ("bmp", "enable") => self.bmp.enable = b,
            ("bmp", "address") => self.bmp.address = ip(value)?,
            ("bmp", "port") => self.bmp.port = number(value).map_err(bad)?,
            ("debug", "pdb") => self.debug.pdb = b,
            ("debug", "memory") => self.debug.memory = b,
            ("debug", "configuration") => self.debug.configuration = b,
            ("debug", "selfcheck") => self.debug.selfcheck = b,
            ("debug", "route") => self.debug.route = string,
            ("debug", "defensive") => self.debug.defensive = b,
            ("debug", "rotate") => self.debug.rotate = b,
            ("debug", "timing") => self.debug.timing = b,
            _ => return Err(Error(format!("unknown option exabgp.{section}.{option}"))),
        }
        Ok(())
    }

    /// An option's value as ExaBGP writes it, and whether it is a string (quoted in env form).
    pub fn get(&self, section: &str, option: &str) -> Option<(String, bool)> {
        let flag = |b: bool| Some((b.to_string(), false));
        let text = |s: &str| Some((s.to_string(), true));
        match (section, option) {
            ("profile", "enable") => flag(self.profile.enable),
            ("profile", "file") => text(&self.profile.file),
            ("pdb", "enable") => flag(self.pdb.enable),
            ("daemon", "pid") => text(&self.daemon.pid),
            ("daemon", "user") => text(&self.daemon.user),
            ("daemon", "daemonize") => flag(self.daemon.daemonize),
            ("daemon", "drop") => flag(self.daemon.drop),
            ("daemon", "umask") => Some((format!("'0o{:o}'", self.daemon.umask), false)),
            ("log", "enable") => flag(self.log.enable),
            ("log", "level") => text(&self.log.level),
            ("log", "destination") => text(&self.log.destination),
            ("log", "all") => flag(self.log.all),
            ("log", "configuration") => flag(self.log.configuration),
            ("log", "reactor") => flag(self.log.reactor),
            ("log", "daemon") => flag(self.log.daemon),
            ("log", "processes") => flag(self.log.processes),
            ("log", "network") => flag(self.log.network),
            ("log", "statistics") => flag(self.log.statistics),
            ("log", "packets") => flag(self.log.packets),
            ("log", "rib") => flag(self.log.rib),
            ("log", "message") => flag(self.log.message),
            ("log", "timers") => flag(self.log.timers),
            ("log", "routes") => flag(self.log.routes),
            ("log", "parser") => flag(self.log.parser),
            ("log", "short") => flag(self.log.short),
            ("tcp", "once") => flag(self.tcp.once),
            ("tcp", "attempts") => Some((self.tcp.attempts.to_string(), false)),
            ("tcp", "delay") => Some((self.tcp.delay.to_string(), false)),
            ("tcp", "bind") => {
                let ips: Vec<String> = self.tcp.bind.iter().map(IpAddr::to_string).collect();
                Some((format!("'{}'", ips.join(" ")), false))
            }
            ("tcp", "port") => Some((self.tcp.port.to_string(), false)),
            ("tcp", "acl") => flag(self.tcp.acl),
            ("bgp", "passive") => flag(self.bgp.passive),
            ("bgp", "openwait") => Some((self.bgp.openwait.to_string(), false)),
            ("bgp", "paths_limit_audit") => flag(self.bgp.paths_limit_audit),
            ("cache", "attributes") => flag(self.cache.attributes),
            ("cache", "nexthops") => flag(self.cache.nexthops),
            ("api", "version") => Some((self.api.version.to_string(), false)),
            ("api", "ack") => flag(self.api.ack),
            ("api", "chunk") => Some((self.api.chunk.to_string(), false)),
            ("api", "encoder") => text(&self.api.encoder),
            ("api", "compact") => flag(self.api.compact),
            ("api", "respawn") => flag(self.api.respawn),
            ("api", "terminate") => flag(self.api.terminate),
            ("api", "cli") => flag(self.api.cli),
            ("api", "pipename") => text(&self.api.pipename),
            ("api", "socketname") => text(&self.api.socketname),
            ("reactor", "speed") => Some((format!("{:?}", self.reactor.speed), false)),
            ("metrics", "enable") => flag(self.metrics.enable),
            ("metrics", "address") => text(&self.metrics.address.to_string()),
            ("metrics", "port") => Some((self.metrics.port.to_string(), false)),
            ("mrt", "enable") => flag(self.mrt.enable),
            ("mrt", "file") => text(&self.mrt.file),
            ("mrt", "sent") => flag(self.mrt.sent),
            ("mrt", "rotate") => Some((self.mrt.rotate.to_string(), false)),
            ("mrt", "size") => Some((self.mrt.size.to_string(), false)),
            ("bmp", "enable") => flag(self.bmp.enable),
            ("bmp", "address") => text(&self.bmp.address.to_string()),
            ("bmp", "port") => Some((self.bmp.port.to_string(), false)),
            ("debug", "pdb") => flag(self.debug.pdb),
            ("debug", "memory") => flag(self.debug.memory),
            ("debug", "configuration") => flag(self.debug.configuration),
            ("debug", "selfcheck") => flag(self.debug.selfcheck),
            ("debug", "route") => text(&self.debug.route),
            ("debug", "defensive") => flag(self.debug.defensive),
            ("debug", "rotate") => flag(self.debug.rotate),
            ("debug", "timing") => flag(self.debug.timing),
            _ => None,
        }
    }

    /// ExaBGP's `iter_ini` (`exabgp env`): `[exabgp.SECTION]` headers and `option = value`
    /// lines, without the debug section; `diff`: only what differs from the defaults.
    pub fn ini(&self, diff: bool) -> Vec<String> {
        let defaults = Environment::default();
        let mut lines = Vec::new();
        let mut current = "";
        for (section, option, _) in OPTIONS.iter().filter(|(s, _, _)| *s != "debug") {
            let (value, _) = self.get(section, option).unwrap_or_default();
            if diff
                && defaults
                    .get(section, option)
                    .is_some_and(|(d, _)| d == value)
            {
                continue;
            }
            if *section != current {
                lines.push(String::new());
                lines.push(format!("[exabgp.{section}]"));
                current = section;
            }
            lines.push(format!("{option} = {value}"));
        }
        lines
    }

    /// ExaBGP's `iter_env` (`exabgp env -e`): `exabgp.SECTION.OPTION=value` lines.
    pub fn env(&self, diff: bool) -> Vec<String> {
        let defaults = Environment::default();
        let mut lines = Vec::new();
        for (section, option, _) in OPTIONS.iter().filter(|(s, _, _)| *s != "debug") {
            let (value, quoted) = self.get(section, option).unwrap_or_default();
            if diff
                && defaults
                    .get(section, option)
                    .is_some_and(|(d, _)| d == value)
            {
                continue;
            }
            if quoted {
                lines.push(format!("exabgp.{section}.{option}='{value}'"));
            } else {
                lines.push(format!("exabgp.{section}.{option}={value}"));
            }
        }
        lines
    }

    /// ExaBGP's `default` listing: every option with its help and default.
    pub fn defaults() -> Vec<String> {
        let defaults = Environment::default();
        OPTIONS
            .iter()
            .filter(|(s, _, _)| *s != "debug")
            .map(|(section, option, help)| {
                let (value, quoted) = defaults.get(section, option).unwrap_or_default();
                let value = if quoted { format!("'{value}'") } else { value };
                let pad = " ".repeat(18usize.saturating_sub(section.len() + option.len()));
                format!("exabgp.{section}.{option} {pad} {help}. default ({value})")
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_are_exabgps() {
        let env = Environment::default();
        assert_eq!(env.tcp.port, 179);
        assert_eq!(env.api.version, 6);
        assert_eq!(env.daemon.user, "nobody");
        assert_eq!(env.daemon.umask, 0o137);
        assert!(env.api.cli);
        assert!(env.tcp.bind.is_empty());
    }

    #[test]
    fn the_functional_test_variables() {
        let mut env = Environment::default();
        env.read_vars(&vars(&[
            ("exabgp_tcp_port", "1790"),
            ("exabgp_tcp_bind", ""),
            ("exabgp_tcp_connections", "1"),
            ("exabgp_api_version", "4"),
            ("exabgp_api_cli", "false"),
            ("exabgp_api_socketname", "exaqa-1790"),
            ("exabgp_debug_rotate", "true"),
            ("exabgp_debug_configuration", "true"),
            ("exabgp_log_enable", "false"),
            ("exabgp_version", "5.0.0-0+test"),
            ("exabgp_daemon_user", "root"),
        ]))
        .unwrap();
        assert_eq!(env.tcp.port, 1790);
        assert!(env.tcp.bind.is_empty());
        assert_eq!(env.tcp.attempts, 1);
        assert_eq!(env.api.version, 4);
        assert!(!env.api.cli);
        assert_eq!(env.api.socketname, "exaqa-1790");
        assert!(env.debug.rotate);
        assert!(env.debug.configuration);
        assert!(!env.log.enable);
        assert_eq!(env.version.as_deref(), Some("5.0.0-0+test"));
        assert_eq!(env.daemon.user, "root");
    }

    #[test]
    fn dotted_spelling_wins() {
        let mut env = Environment::default();
        env.read_vars(&vars(&[("exabgp_tcp_port", "1"), ("exabgp.tcp.port", "2")]))
            .unwrap();
        assert_eq!(env.tcp.port, 2);
    }

    #[test]
    fn bad_values_are_refused() {
        let mut env = Environment::default();
        assert!(env
            .read_vars(&vars(&[("exabgp_api_version", "5")]))
            .is_err());
        assert!(env.read_vars(&vars(&[("exabgp_tcp_port", "x")])).is_err());
        assert!(env
            .read_vars(&vars(&[("exabgp_tcp_bind", "1.2.3.4 nope")]))
            .is_err());
        assert!(env
            .read_vars(&vars(&[("exabgp_log_level", "LOUD")]))
            .is_err());
        let error = env
            .read_vars(&vars(&[("exabgp.bmp.address", "collector")]))
            .unwrap_err();
        assert!(error.to_string().contains("bmp.address"), "{error}");
        assert!(env
            .read_vars(&vars(&[("exabgp_metrics_port", "70000")]))
            .is_err());
    }

    #[test]
    fn monitoring_sections_read_and_write_back() {
        let mut env = Environment::default();
        env.read_file(
            "[exabgp.metrics]\nenable = true\nport = 9999\n\
             [exabgp.mrt]\nenable = true\nfile = '/var/lib/exabgp/updates.mrt'\nrotate = 3600\n\
             [exabgp.bmp]\nenable = true\naddress = ::1\n",
        )
        .unwrap();
        assert!(env.metrics.enable && env.mrt.enable && env.bmp.enable);
        assert_eq!(env.metrics.port, 9999);
        assert_eq!(env.mrt.file, "/var/lib/exabgp/updates.mrt");
        assert_eq!(env.mrt.rotate, 3600);
        assert_eq!(env.bmp.address, "::1".parse::<IpAddr>().unwrap());
        let mut again = Environment::default();
        again.read_file(&env.ini(true).join("\n")).unwrap();
        assert_eq!(again, env);
    }

    #[test]
    fn ini_env_file_with_unquoted_values() {
        let mut env = Environment::default();
        env.read_file(
            "[DEFAULT]\nx = 1\n[exabgp.daemon]\nunknown = 2\nuser = 'exa'\numask = '0o22'\n\n[exabgp.log]\nlevel = DEBUG\ndestination = /var/log/exabgp.log\n\
             # a comment\n[exabgp.tcp]\nbind = 127.0.0.1 ::1\nport = 1179\nonce = false\n[exabgp.api]\nencoder = text\n",
        )
        .unwrap();
        assert_eq!(env.daemon.user, "exa");
        assert_eq!(env.daemon.umask, 0o22);
        assert_eq!(env.log.level, "DEBUG");
        assert_eq!(env.log.destination, "/var/log/exabgp.log");
        assert_eq!(
            env.tcp.bind,
            vec![
                "127.0.0.1".parse::<IpAddr>().unwrap(),
                "::1".parse().unwrap()
            ]
        );
        assert_eq!(env.tcp.port, 1179);
        assert_eq!(env.api.encoder, "text");
    }

    #[test]
    fn environment_overrides_the_file() {
        let dir = std::env::temp_dir().join(format!("exabgp-rs-env-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("exabgp.env");
        std::fs::write(&file, "[exabgp.tcp]\nport = 1000\n").unwrap();
        let env = Environment::load(Some(&file), &vars(&[("exabgp_tcp_port", "2000")])).unwrap();
        assert_eq!(env.tcp.port, 2000);
        let env = Environment::load(Some(&file), &[]).unwrap();
        assert_eq!(env.tcp.port, 1000);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn ini_output_lists_sections_and_diff() {
        let mut env = Environment::default();
        env.set("tcp", "port", "1790").unwrap();
        let diff = env.ini(true);
        assert_eq!(
            diff,
            vec!["".to_string(), "[exabgp.tcp]".into(), "port = 1790".into()]
        );
        let all = env.ini(false);
        assert!(all.contains(&"[exabgp.api]".to_string()));
        assert!(all.contains(&"user = nobody".to_string()));
        assert!(!all.iter().any(|l| l.contains("debug")));
        assert!(env.env(true).contains(&"exabgp.tcp.port=1790".to_string()));
    }

    #[test]
    fn ini_output_reads_back() {
        let mut env = Environment::default();
        env.read_vars(&vars(&[
            ("exabgp_tcp_bind", "127.0.0.1 ::1"),
            ("exabgp_daemon_umask", "0o22"),
            ("exabgp_log_destination", "host:10.0.0.1"),
            ("exabgp_reactor_speed", "0.5"),
            ("exabgp_api_version", "4"),
        ]))
        .unwrap();
        let mut read = Environment::default();
        read.read_file(&env.ini(false).join("\n")).unwrap();
        assert_eq!(read, env);
    }
}
