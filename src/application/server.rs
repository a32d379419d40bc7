//! Ports `exabgp/application/server.py`: `exabgp-rs server CONFIG...` (and `exabgp-rs CONFIG...`)
//! runs the BGP daemon, and `exabgp-rs example` runs a self-contained two-neighbour demonstration.

use crate::bgp::message::update::attribute::Attributes;
use crate::bgp::message::update::nlri::Nlri;
use crate::bgp::neighbor::Neighbor;
use crate::configuration::core::Location;
use crate::configuration::{Configuration, PeerConfig};
use crate::reactor::api::dispatch::Api;
use crate::reactor::bridge::Recorder;
use crate::reactor::daemon::Daemon;
use crate::reactor::monitor::Monitor;
use crate::reactor::peer::{self, Settings as PeerSettings};
use crate::reactor::r#loop::{Configured, Reactor, Settings};
use crate::rib::change::Tags;
use crate::rib::outgoing::AdjRibOut;
use crate::rib::Change;
use crate::rib::Route;
use crate::util::hash::HashMap;
use std::cell::RefCell;
use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

impl Configured for PeerConfig {
    fn neighbor(&self) -> &Neighbor {
        &self.neighbor
    }
}

/// A neighbour's configuration as the daemon keeps it for the life of its peer. The built
/// routes are handed to the peer's adj-rib-out when it starts; what stays is their compact
/// form, enough for a reload to compare and to send the difference, and to load an
/// adj-rib-out again (a million routes would otherwise be held in full twice: here and in the
/// adj-rib-out).
#[derive(Clone, Debug)]
struct Kept {
    /// Without its `changes`.
    config: PeerConfig,
    compact: Rc<Compact>,
    /// The `changes`, until a peer starts with them.
    changes: Rc<RefCell<Option<Vec<Change>>>>,
}

impl Kept {
    fn new(mut config: PeerConfig) -> Kept {
        let changes = std::mem::take(&mut config.changes);
        Kept {
            compact: Rc::new(Compact::new(&changes)),
            config,
            changes: Rc::new(RefCell::new(Some(changes))),
        }
    }

    /// The changes: handed over the first time, rebuilt from the compact form afterwards.
    fn take_changes(&self) -> Vec<Change> {
        let changes = self.changes.borrow_mut().take();
        changes.unwrap_or_else(|| self.compact.changes())
    }

    /// The configuration with its changes (rebuilt: where they were written is not kept).
    fn with_changes(&self) -> PeerConfig {
        PeerConfig {
            changes: self.take_changes(),
            ..self.config.clone()
        }
    }
}

/// As comparing the configurations with their changes, but where routes were written.
impl PartialEq for Kept {
    fn eq(&self, other: &Kept) -> bool {
        self.config == other.config
            && (Rc::ptr_eq(&self.compact, &other.compact) || self.compact == other.compact)
    }
}

impl Configured for Kept {
    fn neighbor(&self) -> &Neighbor {
        &self.config.neighbor
    }
}

/// Changes without their location, each route an NLRI and the index of the rest of it among
/// the few distinct ones (a table of routes sharing a next-hop and attributes: 40 bytes a
/// route instead of 80).
#[derive(PartialEq, Eq, Debug)]
struct Compact {
    routes: Vec<(Nlri, u32)>,
    rest: Vec<Rest>,
}

/// What a change holds beside its NLRI and location.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
struct Rest {
    nexthop: Option<IpAddr>,
    attributes: Arc<Attributes>,
    withdraw: bool,
    tags: Option<Box<Tags>>,
}

impl Compact {
    fn new(changes: &[Change]) -> Compact {
        let mut rest: Vec<Rest> = Vec::new();
        let mut index: HashMap<Rest, u32> = HashMap::default();
        let mut routes = Vec::with_capacity(changes.len());
        for change in changes {
            let same = |r: &Rest| {
                Arc::ptr_eq(&r.attributes, &change.attributes)
                    && r.nexthop == change.nexthop
                    && r.withdraw == change.withdraw
                    && r.tags == change.tags
            };
            // routes mostly share the rest with the one before
            let at = match routes.last() {
                Some(&(_, at)) if same(&rest[at as usize]) => at,
                _ => {
                    let this = Rest {
                        nexthop: change.nexthop,
                        attributes: Arc::clone(&change.attributes),
                        withdraw: change.withdraw,
                        tags: change.tags.clone(),
                    };
                    *index.entry(this.clone()).or_insert_with(|| {
                        rest.push(this);
                        rest.len() as u32 - 1
                    })
                }
            };
            routes.push((change.nlri.clone(), at));
        }
        Compact { routes, rest }
    }

    /// The changes again, at no location.
    fn changes(&self) -> Vec<Change> {
        self.routes
            .iter()
            .map(|(nlri, at)| {
                let rest = &self.rest[*at as usize];
                Change {
                    nlri: nlri.clone(),
                    nexthop: rest.nexthop,
                    attributes: Arc::clone(&rest.attributes),
                    withdraw: rest.withdraw,
                    tags: rest.tags.clone(),
                    location: Location::default(),
                }
            })
            .collect()
    }
}

/// The command line of `server`.
#[derive(Debug, Default, PartialEq, Eq)]
struct Options {
    configurations: Vec<PathBuf>,
    debug: bool,
    record: Option<PathBuf>,
}

pub(crate) const EXAMPLE_USAGE: &str = "\
usage: exabgp-rs example [-d|--debug] [--port PORT] [--seconds SECONDS]

Runs the daemon on a built-in configuration (printed first): two neighbours of one process
peer over loopback (127.0.0.1 and 127.0.0.2), each announces three routes, and every UPDATE
received is logged as ExaBGP's JSON; it stops by itself.

options:
  -d, --debug      log everything
  --port PORT      the port the passive neighbour listens on (default 17900)
  --seconds N      stop after N seconds (default 5)";

pub(crate) fn usage() -> &'static str {
    "usage: exabgp-rs server [-d|--debug] [--record FILE] CONFIGURATION...\n\
     \n\
     Runs the BGP daemon with the given ExaBGP configuration file(s).\n\
     \n\
     options:\n  \
       -d, --debug      log everything (exabgp.log.level=DEBUG)\n  \
       --record FILE    write every peer's FSM events and effects to FILE as JSON lines\n\
     \n\
     signals: TERM and INT stop (peers get a Cease), HUP, USR1 and USR2 reload the\n\
     configuration, ALRM restarts every session."
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-d" | "--debug" => options.debug = true,
            "--record" => {
                let file = args.next().ok_or("--record needs a file name")?;
                options.record = Some(PathBuf::from(file));
            }
            option if option.starts_with('-') => return Err(format!("unknown option '{option}'")),
            path => options.configurations.push(PathBuf::from(path)),
        }
    }
    if options.configurations.is_empty() {
        return Err("no configuration file given".into());
    }
    Ok(options)
}

/// `exabgp-rs server ...`: returns the process exit code.
pub fn run(args: &[String]) -> i32 {
    if args.iter().any(|arg| arg == "-h" || arg == "--help") {
        println!("{}", usage());
        return 0;
    }
    let options = match parse(args) {
        Ok(options) => options,
        Err(error) => {
            eprintln!("exabgp-rs: {error}\n{}", usage());
            return 1;
        }
    };
    let environment = match crate::environment::Environment::from_process() {
        Ok(environment) => Environment::new(&environment),
        Err(error) => {
            eprintln!("exabgp-rs: {error}");
            return 1;
        }
    };
    crate::logger::init(
        if options.debug {
            log::LevelFilter::Debug
        } else {
            environment.level
        },
        &environment.destination,
        environment.short,
    );
    if environment.refused_fork {
        log::error!(target: "daemon", "exabgp-rs can not fork when logs are going to the terminal");
    }
    let record = match &options.record {
        None => None,
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => Some(Rc::new(RefCell::new(Box::new(file) as Box<dyn Write>)) as Recorder),
            Err(error) => {
                eprintln!("exabgp-rs: can not write {}: {error}", path.display());
                return 1;
            }
        },
    };
    if options.configurations.len() > 1 && !environment.rotate {
        return one_process_each(args, &options.configurations);
    }
    // With `debug.rotate`, each load takes the next file, round robin (ExaBGP's FIFO of files).
    let paths = options.configurations.clone();
    let next = std::cell::Cell::new(0);
    let mut api = Api::new(environment.api, environment.api_version);
    if let Some(cli) = environment.cli.clone() {
        api = api.with_cli(cli);
    }
    if environment.monitor.metrics.is_some() {
        api = api.with_sent_routes();
    }
    let api = Rc::new(api);
    let monitor = if environment.monitor.any() {
        match Monitor::new(&environment.monitor, api.clone()) {
            Ok(monitor) => Some(Rc::new(monitor)),
            Err(error) => {
                eprintln!("exabgp-rs: {error}");
                log::error!(target: "reactor", "{error}");
                return 1;
            }
        }
    } else {
        None
    };
    let helpers = api.clone();
    let load = Box::new(move || {
        let path = &paths[next.get() % paths.len()];
        next.set(next.get() + 1);
        log::info!(target: "configuration", "loading {}", path.display());
        Configuration::load(path)
            .map(|configuration| {
                helpers.configure(configuration.processes);
                let mut neighbors = configuration.neighbors;
                neighbors.extend(helpers.created());
                neighbors.into_iter().map(Kept::new).collect()
            })
            .map_err(|error| error.to_string())
    });
    let peer_settings = environment.peer.clone();
    let version = environment.version;
    let ribs = api.clone();
    let factory = Box::new(move |kept: &Kept| {
        let config = &kept.config;
        let rib = configured_rib(&config.neighbor, kept.take_changes());
        // the API changes the adj-rib-out the peer sends from
        let rib = ribs.register(config, rib);
        peer::daemon(
            with_version(&config.neighbor, version.as_deref()),
            peer_settings.clone(),
            rib,
        )
    });
    let settings = Settings {
        bind: environment.bind,
        port: environment.port,
        attempts: environment.peer.attempts,
        daemon: environment.daemon,
        record,
        delay: environment.delay,
        run_for: None,
    };
    let routes = api.clone();
    let reconfigure = Box::new(move |previous: &Kept, next: &Kept| {
        routes.reconfigure(&previous.with_changes(), &next.with_changes())
    });
    Reactor::new(settings, load, factory)
        .with_api(api)
        .with_monitor(monitor)
        .with_reconfigure(reconfigure)
        .run()
}

/// As ExaBGP with several configurations and no `debug.rotate`: one daemon process each (here
/// the same binary run again with one configuration), waited for; ^C is left to them.
fn one_process_each(args: &[String], configurations: &[PathBuf]) -> i32 {
    let options: Vec<&String> = args
        .iter()
        .filter(|arg| !configurations.iter().any(|c| c.as_os_str() == arg.as_str()))
        .collect();
    let program = match std::env::current_exe() {
        Ok(program) => program,
        Err(error) => {
            eprintln!("exabgp-rs: can not find this program to run it again: {error}");
            return 1;
        }
    };
    let mut children = Vec::new();
    for configuration in configurations {
        let child = std::process::Command::new(&program)
            .arg("server")
            .args(&options)
            .arg(configuration)
            .spawn();
        match child {
            Ok(child) => children.push(child),
            Err(error) => {
                eprintln!(
                    "exabgp-rs: can not start a daemon for {}: {error}",
                    configuration.display()
                );
                return 1;
            }
        }
    }
    let mut code = 0;
    for mut child in children {
        if !matches!(child.wait(), Ok(status) if status.success()) {
            code = 1;
        }
    }
    code
}

/// The built-in example's configuration: one process, two neighbours talking to each other over
/// loopback. `PORT` is replaced by the port chosen on the command line.
const EXAMPLE: &str = "\
# The passive side: we are AS 65001 on 127.0.0.1, waiting for 127.0.0.2.
neighbor 127.0.0.2 {
    description \"example passive side\";
    router-id 10.0.0.1;
    local-address 127.0.0.1;
    local-as 65001;
    peer-as 65002;
    hold-time 30;
    passive;
    family {
        ipv4 unicast;
    }
    static {
        route 10.1.0.0/24 next-hop self;
        route 10.1.1.0/24 next-hop self med 10;
        route 10.1.2.0/24 next-hop self community [ 65001:1 no-export ];
    }
}

# The active side: we are AS 65002 on 127.0.0.2, connecting to 127.0.0.1 on PORT.
neighbor 127.0.0.1 {
    description \"example active side\";
    router-id 10.0.0.2;
    local-address 127.0.0.2;
    local-as 65002;
    peer-as 65001;
    hold-time 30;
    connect PORT;
    family {
        ipv4 unicast;
    }
    static {
        route 10.2.0.0/24 next-hop self;
        route 10.2.1.0/24 next-hop self med 20;
        route 10.2.2.0/24 next-hop self as-path [ 64512 ];
    }
}
";

/// `exabgp-rs example [-d] [--port N] [--seconds N]`: two neighbours in one process peer over
/// loopback, each announces a few routes, each logs what it receives, then it stops by itself.
pub fn example(args: &[String]) -> i32 {
    let mut port: u16 = 17900;
    let mut seconds: u64 = 5;
    let mut debug = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "-h" | "--help" => {
                println!("{EXAMPLE_USAGE}");
                return 0;
            }
            "-d" | "--debug" => {
                debug = true;
                continue;
            }
            "--port" | "--seconds" => args.next().and_then(|value| value.parse::<u64>().ok()),
            _ => None,
        };
        match (arg.as_str(), value) {
            ("--port", Some(value)) if (1..=65535).contains(&value) => port = value as u16,
            ("--seconds", Some(value)) => seconds = value,
            _ => {
                eprintln!("{EXAMPLE_USAGE}");
                return 1;
            }
        }
    }
    let environment = match crate::environment::Environment::from_process() {
        Ok(environment) => Environment::new(&environment),
        Err(error) => {
            eprintln!("exabgp-rs: {error}");
            return 1;
        }
    };
    crate::logger::init(
        if debug {
            log::LevelFilter::Debug
        } else {
            log::LevelFilter::Info
        },
        &environment.destination,
        environment.short,
    );
    let text = EXAMPLE.replace("PORT", &port.to_string());
    log::info!(target: "configuration", "the example's configuration:\n{text}");
    let load = Box::new(move || {
        Configuration::parse(&text, std::path::Path::new("example.conf"))
            .map(|configuration| configuration.neighbors)
            .map_err(|error| error.to_string())
    });
    let factory = Box::new(|config: &PeerConfig| {
        peer::daemon(
            config.neighbor.clone(),
            PeerSettings::default(),
            adj_rib_out(config),
        )
    });
    let settings = Settings {
        bind: vec![IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)],
        port,
        attempts: 0,
        daemon: environment.daemon,
        record: None,
        delay: 0,
        run_for: Some(std::time::Duration::from_secs(seconds)),
    };
    Reactor::new(settings, load, factory).run()
}

/// The neighbour as its peer runs it: `exabgp_version` is daemon-wide in ExaBGP, so it replaces
/// the version every neighbour announces in the software-version capability.
fn with_version(neighbor: &Neighbor, version: Option<&str>) -> Neighbor {
    let mut neighbor = neighbor.clone();
    if let Some(version) = version {
        neighbor.software_version = version.to_string();
    }
    neighbor
}

/// A neighbour's adj-rib-out, loaded with the routes its configuration gives it.
pub fn adj_rib_out(config: &PeerConfig) -> AdjRibOut {
    configured_rib(&config.neighbor, config.changes.clone())
}

/// A neighbour's adj-rib-out, loaded with `changes`. Their memory is given back as they are
/// queued, so that a large table is not held twice meanwhile.
fn configured_rib(neighbor: &Neighbor, mut changes: Vec<Change>) -> AdjRibOut {
    /// How many changes are queued between two releases of the memory they used.
    const RELEASE: usize = 1 << 16;
    let mut rib = AdjRibOut::new(
        neighbor.families.iter().copied(),
        neighbor.adj_rib_out,
        neighbor.group_updates,
    );
    rib.rib.reserve(changes.len());
    // taken from the end, in file order
    changes.reverse();
    while let Some(change) = changes.pop() {
        let watchdog = change.tags.and_then(|tags| tags.watchdog);
        let route = Route::new(change.nlri, change.nexthop, change.attributes);
        rib.rib
            .add_to_rib_watchdog(route, watchdog.as_deref(), change.withdraw);
        if changes.len() % RELEASE == 0 {
            changes.shrink_to_fit();
        }
    }
    rib
}

/// The `exabgp.*` settings the server uses.
struct Environment {
    /// `daemon.daemonize` was asked while logging to the terminal.
    refused_fork: bool,
    /// `debug.rotate`: several configurations are one process, reloads take the next one.
    rotate: bool,
    /// `log.destination` and `log.short`.
    destination: String,
    short: bool,
    bind: Vec<IpAddr>,
    port: u16,
    /// `tcp.delay`, in minutes.
    delay: u32,
    level: log::LevelFilter,
    daemon: Daemon,
    peer: PeerSettings,
    /// `exabgp_version`, for the software-version capability.
    version: Option<String>,
    /// `api.respawn`, `api.terminate`, `api.ack`.
    api: crate::reactor::api::processes::Settings,
    /// `api.version`.
    api_version: u8,
    /// `api.cli`, `api.pipename`, `api.socketname`: the CLI endpoints, when served.
    cli: Option<crate::reactor::api::control::Settings>,
    /// `[exabgp.metrics]`, `[exabgp.mrt]`, `[exabgp.bmp]`.
    monitor: crate::reactor::monitor::Settings,
}

impl Environment {
    fn new(environment: &crate::environment::Environment) -> Environment {
        let pid =
            (!environment.daemon.pid.is_empty()).then(|| PathBuf::from(&environment.daemon.pid));
        let terminal_logs =
            environment.log.enable && crate::logger::on_terminal(&environment.log.destination);
        Environment {
            refused_fork: environment.daemon.daemonize && terminal_logs,
            rotate: environment.debug.rotate,
            destination: environment.log.destination.clone(),
            short: environment.log.short,
            bind: environment.tcp.bind.clone(),
            port: environment.tcp.port,
            delay: environment.tcp.delay,
            level: level(environment.log.enable, &environment.log.level),
            daemon: Daemon::new(
                pid,
                environment.daemon.user.clone(),
                // Forking would lose logs going to the terminal: ExaBGP does not fork then.
                environment.daemon.daemonize && !terminal_logs,
                environment.daemon.umask,
            ),
            peer: peer_settings(environment),
            version: environment.version.clone(),
            api: crate::reactor::api::processes::Settings {
                respawn: environment.api.respawn,
                terminate: environment.api.terminate,
                ack: environment.api.ack,
            },
            api_version: environment.api.version,
            cli: environment
                .api
                .cli
                .then(|| crate::reactor::api::control::Settings::new(&environment.api)),
            monitor: crate::reactor::monitor::Settings::from_environment(environment),
        }
    }
}

/// The peer settings the server derives from the environment (also what a replay of a
/// `--record`ed session needs).
pub fn peer_settings(environment: &crate::environment::Environment) -> PeerSettings {
    PeerSettings {
        open_wait: std::time::Duration::from_secs(environment.bgp.openwait.into()),
        attempts: environment.tcp.attempts,
        passive: environment.bgp.passive,
        ..PeerSettings::default()
    }
}

/// `exabgp.log.level` (syslog names, as ExaBGP) as a `log` filter.
fn level(enable: bool, name: &str) -> log::LevelFilter {
    if !enable {
        return log::LevelFilter::Off;
    }
    match name.to_ascii_uppercase().as_str() {
        "DEBUG" => log::LevelFilter::Debug,
        "INFO" | "NOTICE" => log::LevelFilter::Info,
        "WARNING" | "WARN" => log::LevelFilter::Warn,
        _ => log::LevelFilter::Error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line() {
        let args: Vec<String> = ["-d", "a.conf", "--record", "out.jsonl", "b.conf"]
            .map(String::from)
            .to_vec();
        let options = parse(&args).unwrap();
        assert!(options.debug);
        assert_eq!(
            options.configurations,
            [PathBuf::from("a.conf"), PathBuf::from("b.conf")]
        );
        assert_eq!(options.record, Some(PathBuf::from("out.jsonl")));
        assert!(parse(&[]).is_err());
        assert!(parse(&["--bogus".to_string(), "a.conf".to_string()]).is_err());
        assert!(parse(&["a.conf".to_string(), "--record".to_string()]).is_err());
    }

    /// What the daemon keeps of a neighbour's routes gives them back but where they were
    /// written, and tells two tables apart as comparing them did.
    #[test]
    fn compact_changes() {
        let table = |routes: &str| {
            let text = format!(
                "neighbor 127.0.0.1 {{ router-id 10.0.0.2; local-as 1; peer-as 1; family {{ ipv4 unicast; }}\n\
                 static {{\n{routes}\n}} }}"
            );
            Configuration::parse(&text, std::path::Path::new("test.conf"))
                .unwrap()
                .neighbors
                .remove(0)
        };
        let routes = "route 10.0.0.0/24 next-hop 1.1.1.1; route 10.0.1.0/24 next-hop 1.1.1.1 med 5;\n\
                      route 10.0.2.0/24 next-hop 1.1.1.1 watchdog dog withdraw; route 10.0.3.0/24 next-hop 1.1.1.1;";
        let config = table(routes);
        let kept = Kept::new(config.clone());
        let rebuilt = kept.compact.changes();
        let mut written = config.changes.clone();
        for change in &mut written {
            change.location = Location::default();
        }
        assert_eq!(rebuilt, written);
        assert_eq!(kept.compact.rest.len(), 3);
        // handed over once, rebuilt afterwards
        assert_eq!(kept.take_changes(), config.changes);
        assert_eq!(kept.take_changes(), written);
        // the same routes elsewhere in the file: the same; another route: not
        assert!(kept == Kept::new(table(&format!("\n\n{routes}"))));
        assert!(kept != Kept::new(table(&routes.replace("med 5", "med 6"))));
        assert!(kept != Kept::new(table(&routes.replace("dog withdraw", "dog"))));
    }

    /// The software-version capability of a neighbour as the server runs it, from the
    /// environment as ExaBGP's functional tests set it (qa conf-cap-software-version).
    #[test]
    fn software_version_from_environment() {
        use crate::bgp::message::open::capability::{Capabilities, Capability, CapabilityCode};
        let text = "neighbor 127.0.0.1 { router-id 10.0.0.2; local-as 65533; peer-as 65533; \
                    capability { software-version enable; } family { ipv4 unicast; } }";
        let configured = Configuration::parse(text, std::path::Path::new("test.conf"))
            .unwrap()
            .neighbors
            .remove(0)
            .neighbor;
        let announced = |vars: &[(String, String)]| {
            let environment =
                Environment::new(&crate::environment::Environment::load(None, vars).unwrap());
            let neighbor = with_version(&configured, environment.version.as_deref());
            match Capabilities::new(&neighbor, false).get(CapabilityCode::SOFTWARE_VERSION) {
                Some(Capability::Software(software)) => software.0.clone(),
                other => panic!("no software-version capability: {other:?}"),
            }
        };
        let test = [("exabgp_version".to_string(), "5.0.0-0+test".to_string())];
        assert_eq!(announced(&test), "ExaBGP/5.0.0-0+test");
        assert_eq!(
            announced(&[]),
            format!("ExaBGP/{}", env!("CARGO_PKG_VERSION"))
        );
    }
}
