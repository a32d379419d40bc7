//! Ports the argument handling of `exabgp/application/healthcheck.py` (`setargs`, `parse`):
//! argparse's rules as far as users rely on them (long options and their unique prefixes,
//! `--option=value`, short option clusters such as `-ds` and `-i5`) and the `--config` file whose
//! lines `name = value` stand for `--name value`.

use super::ip::IpNetwork;
use std::fmt;
use std::net::IpAddr;

/// Every setting of one healthcheck, with ExaBGP's defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    pub silent: bool,
    pub syslog_facility: String,
    pub no_syslog: bool,
    pub debug: bool,
    pub no_ack: bool,
    pub sudo: bool,
    pub name: Option<String>,
    pub config: Option<String>,
    pub pid: Option<String>,
    pub user: Option<String>,
    pub group: Option<String>,
    pub interval: f64,
    pub fast: f64,
    pub timeout: i64,
    pub rise: i64,
    pub fall: i64,
    pub disable: Option<String>,
    pub command: Option<String>,
    pub next_hop: Option<IpAddr>,
    pub ips: Vec<IpNetwork>,
    /// `--ip-ifname IP%IFNAME` pairs, checked against `ips` by [`parse`].
    pub ip_ifnames: Vec<(IpNetwork, String)>,
    pub local_preference: i64,
    pub deaggregate_networks: bool,
    pub ip_setup: bool,
    pub ip_dynamic: bool,
    pub label: Option<String>,
    pub label_exact_match: bool,
    pub start_ip: i64,
    pub up_metric: i64,
    pub down_metric: i64,
    pub disabled_metric: i64,
    pub increase: i64,
    pub community: Option<String>,
    pub extended_community: Option<String>,
    pub large_community: Option<String>,
    pub disabled_community: Option<String>,
    pub as_path: Option<String>,
    pub up_as_path: Option<String>,
    pub down_as_path: Option<String>,
    pub disabled_as_path: Option<String>,
    pub withdraw_on_down: bool,
    pub path_id: Option<i64>,
    /// `None` when no `--neighbor` was given; `*` is kept as the string `*`.
    pub neighbors: Option<Vec<String>>,
    pub debounce: bool,
    pub execute: Vec<String>,
    pub up_execute: Vec<String>,
    pub down_execute: Vec<String>,
    pub disabled_execute: Vec<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            silent: false,
            syslog_facility: "daemon".into(),
            no_syslog: false,
            debug: false,
            no_ack: false,
            sudo: false,
            name: None,
            config: None,
            pid: None,
            user: None,
            group: None,
            interval: 5.0,
            fast: 1.0,
            timeout: 5,
            rise: 3,
            fall: 3,
            disable: None,
            command: None,
            next_hop: None,
            ips: Vec::new(),
            ip_ifnames: Vec::new(),
            local_preference: -1,
            deaggregate_networks: false,
            ip_setup: true,
            ip_dynamic: false,
            label: None,
            label_exact_match: false,
            start_ip: 0,
            up_metric: 100,
            down_metric: 1000,
            disabled_metric: 500,
            increase: 1,
            community: None,
            extended_community: None,
            large_community: None,
            disabled_community: None,
            as_path: None,
            up_as_path: None,
            down_as_path: None,
            disabled_as_path: None,
            withdraw_on_down: false,
            path_id: None,
            neighbors: None,
            debounce: false,
            execute: Vec::new(),
            up_execute: Vec::new(),
            down_execute: Vec::new(),
            disabled_execute: Vec::new(),
        }
    }
}

/// Why the command line was refused (argparse exits with status 2 on these).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// `-h` / `--help`: not an error, the caller prints [`help`] and exits 0.
    Help,
    Usage(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Help => write!(f, "help requested"),
            Error::Usage(message) => write!(f, "{message}"),
        }
    }
}

fn usage(message: impl Into<String>) -> Error {
    Error::Usage(message.into())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Arity {
    Flag,
    Value,
    /// `nargs='?'`: the value may be left out, the constant is used then.
    Optional(&'static str),
}

/// An option's strings (the first one names it), whether it takes a value, its help.
type Spec = (&'static [&'static str], Arity, &'static str);

const SPECS: &[Spec] = &[
    (
        &["--help", "-h"],
        Arity::Flag,
        "show this help message and exit",
    ),
    (&["--silent", "-s"], Arity::Flag, "don't log to console"),
    (
        &["--syslog-facility", "-sF"],
        Arity::Optional("daemon"),
        "log to syslog using FACILITY, default FACILITY is daemon",
    ),
    (&["--no-syslog"], Arity::Flag, "disable syslog logging"),
    (&["--debug", "-d"], Arity::Flag, "enable debugging"),
    (
        &["--no-ack", "-a"],
        Arity::Flag,
        "set for exabgp 3.4 or 4.x when exabgp.api.ack=false",
    ),
    (&["--sudo"], Arity::Flag, "use sudo to setup ip addresses"),
    (
        &["--name", "-n"],
        Arity::Value,
        "name for this healthchecker",
    ),
    (
        &["--config", "-F"],
        Arity::Value,
        "read configuration from a file",
    ),
    (
        &["--pid", "-p"],
        Arity::Value,
        "write PID to the provided file",
    ),
    (
        &["--user"],
        Arity::Value,
        "set user after setting ip addresses",
    ),
    (
        &["--group"],
        Arity::Value,
        "set group after setting ip addresses",
    ),
    (
        &["--interval", "-i"],
        Arity::Value,
        "wait N seconds between each healthcheck (zero to exit after first announcement)",
    ),
    (
        &["--fast-interval", "-f"],
        Arity::Value,
        "when a state change is about to occur, wait N seconds between each healthcheck",
    ),
    (
        &["--timeout", "-t"],
        Arity::Value,
        "wait N seconds for the check command to execute",
    ),
    (
        &["--rise"],
        Arity::Value,
        "check N times before considering the service up",
    ),
    (
        &["--fall"],
        Arity::Value,
        "check N times before considering the service down",
    ),
    (
        &["--disable"],
        Arity::Value,
        "if FILE exists, the service is considered disabled",
    ),
    (
        &["--command", "--cmd", "-c"],
        Arity::Value,
        "command to use for healthcheck",
    ),
    (
        &["--next-hop", "-N"],
        Arity::Value,
        "self IP address to use as next hop",
    ),
    (
        &["--ip"],
        Arity::Value,
        "advertise this IP address or network (CIDR notation)",
    ),
    (
        &["--ip-ifname"],
        Arity::Value,
        "bind this IP address or network (CIDR) to the given interface (i.e. 192.165.14.1%eth0)",
    ),
    (
        &["--local-preference"],
        Arity::Value,
        "advertise with local preference P",
    ),
    (
        &["--deaggregate-networks"],
        Arity::Flag,
        "deaggregate networks specified in --ip",
    ),
    (
        &["--no-ip-setup"],
        Arity::Flag,
        "don't setup missing IP addresses",
    ),
    (
        &["--dynamic-ip-setup"],
        Arity::Flag,
        "delete setup ips on state down and disabled, then restore them when up",
    ),
    (
        &["--label"],
        Arity::Value,
        "use the provided label to match setup ip addresses",
    ),
    (
        &["--label-exact-match"],
        Arity::Flag,
        "use the provided label to exactly match setup ip addresses, not a prefix match",
    ),
    (
        &["--start-ip"],
        Arity::Value,
        "index of the first IP in the list of IP addresses",
    ),
    (
        &["--up-metric"],
        Arity::Value,
        "first IP get the metric M when the service is up",
    ),
    (
        &["--down-metric"],
        Arity::Value,
        "first IP get the metric M when the service is down",
    ),
    (
        &["--disabled-metric"],
        Arity::Value,
        "first IP get the metric M when the service is disabled",
    ),
    (
        &["--increase"],
        Arity::Value,
        "for each additional IP address, increase metric value by M",
    ),
    (
        &["--community"],
        Arity::Value,
        "announce IPs with the supplied community",
    ),
    (
        &["--extended-community"],
        Arity::Value,
        "announce IPs with the supplied extended community",
    ),
    (
        &["--large-community"],
        Arity::Value,
        "announce IPs with the supplied large community",
    ),
    (
        &["--disabled-community"],
        Arity::Value,
        "announce IPs with the supplied community when disabled",
    ),
    (
        &["--as-path"],
        Arity::Value,
        "announce IPs with the supplied as-path",
    ),
    (
        &["--up-as-path"],
        Arity::Value,
        "announce IPs with the supplied as-path when the service is up",
    ),
    (
        &["--down-as-path"],
        Arity::Value,
        "announce IPs with the supplied as-path when the service is down",
    ),
    (
        &["--disabled-as-path"],
        Arity::Value,
        "announce IPs with the supplied as-path when the service is disabled",
    ),
    (
        &["--withdraw-on-down"],
        Arity::Flag,
        "instead of increasing the metric on health failure, withdraw the route",
    ),
    (
        &["--path-id"],
        Arity::Value,
        "path ID to advertise for the route",
    ),
    (
        &["--neighbor"],
        Arity::Value,
        "advertise the route to the selected neighbors (* for all)",
    ),
    (
        &["--debounce"],
        Arity::Flag,
        "announce only on state changes, instead of every iteration",
    ),
    (&["--execute"], Arity::Value, "execute CMD on state change"),
    (
        &["--up-execute"],
        Arity::Value,
        "execute CMD when the service becomes available",
    ),
    (
        &["--down-execute"],
        Arity::Value,
        "execute CMD when the service becomes unavailable",
    ),
    (
        &["--disabled-execute"],
        Arity::Value,
        "execute CMD when the service is disabled",
    ),
];

/// The `--help` text.
pub fn help() -> String {
    let mut text = String::from(
        "usage: exabgp-rs healthcheck [options]\n\n\
         Healthchecker for exabgp: run as an exabgp process, it announces the IPs\n\
         (--ip, or those found on the loopback) with a metric that follows the result\n\
         of the check command. A --config FILE holds `option = value` lines, one long\n\
         option per line (without the dashes).\n\noptions:\n",
    );
    for (names, arity, description) in SPECS {
        let value = match arity {
            Arity::Flag => "",
            Arity::Value => " VALUE",
            Arity::Optional(_) => " [VALUE]",
        };
        text.push_str(&format!(
            "  {}{value}\n      {description}\n",
            names.join(", ")
        ));
    }
    text
}

/// Parses the command line as ExaBGP does: the arguments alone first, then, when `--config` names
/// a file, that file's lines followed by the arguments again (so the command line wins).
pub fn parse(args: &[String]) -> Result<Options, Error> {
    let mut options = parse_args(args)?;
    if let Some(path) = options.config.clone() {
        let text = std::fs::read_to_string(&path).map_err(|error| {
            usage(format!(
                "argument --config/-F: can't open '{path}': {error}"
            ))
        })?;
        let mut combined = config_arguments(&text);
        combined.extend(args.iter().cloned());
        options = parse_args(&combined)?;
    }
    check_ip_ifnames(&options)?;
    Ok(options)
}

/// The command line a configuration file stands for: `name = value` is `--name value`, a line
/// without `=` a flag, `#` starts a comment line.
pub fn config_arguments(text: &str) -> Vec<String> {
    let mut arguments = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let option = format!("--{line}");
        match option.split_once('=') {
            Some((name, value)) => {
                arguments.push(name.trim().to_string());
                arguments.push(value.trim().to_string());
            }
            None => arguments.push(option),
        }
    }
    arguments
}

fn check_ip_ifnames(options: &Options) -> Result<(), Error> {
    for (ip, ifname) in &options.ip_ifnames {
        if !options.ips.contains(ip) {
            return Err(usage(format!(
                "No 'ip' parameter has been defined for the ip_ifname pair '{ip}%{ifname}'"
            )));
        }
    }
    Ok(())
}

/// Finds the option an argument names: exactly, or as the unique prefix of a long option.
fn lookup(name: &str) -> Result<Option<&'static Spec>, Error> {
    if let Some(spec) = SPECS.iter().find(|(names, _, _)| names.contains(&name)) {
        return Ok(Some(spec));
    }
    if !name.starts_with("--") {
        return Ok(None);
    }
    let matches: Vec<_> = SPECS
        .iter()
        .filter(|(names, _, _)| {
            names
                .iter()
                .any(|n| n.starts_with("--") && n.starts_with(name))
        })
        .collect();
    match matches.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => {
            let names: Vec<&str> = many
                .iter()
                .flat_map(|(names, _, _)| names.iter().copied())
                .filter(|n| n.starts_with(name))
                .collect();
            Err(usage(format!(
                "ambiguous option: {name} could match {}",
                names.join(", ")
            )))
        }
    }
}

/// Whether argparse would read the word as an option rather than as a value.
fn looks_like_option(word: &str) -> bool {
    word.len() > 1
        && word.starts_with('-')
        && word[1..].parse::<f64>().is_err()
        && !word.contains(' ')
}

fn parse_args(args: &[String]) -> Result<Options, Error> {
    let mut options = Options::default();
    let mut exclusive: Option<&str> = None;
    let mut index = 0;
    while index < args.len() {
        let word = &args[index];
        index += 1;
        if !looks_like_option(word) {
            return Err(usage(format!("unrecognized arguments: {word}")));
        }
        // (option string, value glued to it, whether more flags follow in a short cluster)
        let mut pending: Vec<String> = vec![word.clone()];
        while let Some(word) = pending.pop() {
            let (spec, inline) = match lookup(&word)? {
                Some(spec) => (spec, None),
                None => match word.split_once('=').filter(|_| word.starts_with("--")) {
                    Some((name, value)) => match lookup(name)? {
                        Some(spec) => (spec, Some(value.to_string())),
                        None => return Err(usage(format!("unrecognized arguments: {word}"))),
                    },
                    None if !word.starts_with("--") && word.len() > 2 => {
                        let (short, rest) = word.split_at(2);
                        match lookup(short)? {
                            Some(spec) if spec.1 == Arity::Flag => {
                                pending.push(format!("-{rest}"));
                                (spec, None)
                            }
                            Some(spec) => (spec, Some(rest.to_string())),
                            None => return Err(usage(format!("unrecognized arguments: {word}"))),
                        }
                    }
                    None => return Err(usage(format!("unrecognized arguments: {word}"))),
                },
            };
            let (names, arity, _) = spec;
            let shown = names.join("/");
            let value = match arity {
                Arity::Flag => {
                    if inline.is_some() {
                        return Err(usage(format!(
                            "argument {shown}: ignored explicit argument '{}'",
                            inline.unwrap_or_default()
                        )));
                    }
                    None
                }
                Arity::Value => match inline {
                    Some(value) => Some(value),
                    None => match args.get(index) {
                        Some(next) if !looks_like_option(next) => {
                            index += 1;
                            Some(next.clone())
                        }
                        _ => return Err(usage(format!("argument {shown}: expected one argument"))),
                    },
                },
                Arity::Optional(constant) => match inline {
                    Some(value) => Some(value),
                    None => match args.get(index) {
                        Some(next) if !looks_like_option(next) => {
                            index += 1;
                            Some(next.clone())
                        }
                        _ => Some(constant.to_string()),
                    },
                },
            };
            if names[0] == "--help" {
                return Err(Error::Help);
            }
            if matches!(names[0], "--silent" | "--syslog-facility" | "--no-syslog") {
                match exclusive {
                    Some(other) if other != names[0] => {
                        return Err(usage(format!(
                            "argument {shown}: not allowed with argument {other}"
                        )))
                    }
                    _ => exclusive = Some(names[0]),
                }
            }
            apply(&mut options, names[0], value.unwrap_or_default())
                .map_err(|reason| usage(format!("argument {shown}: {reason}")))?;
        }
    }
    Ok(options)
}

fn number<T: std::str::FromStr>(value: &str, kind: &str) -> Result<T, String> {
    value
        .trim()
        .parse()
        .map_err(|_| format!("invalid {kind} value: '{value}'"))
}

/// ExaBGP refuses control characters in the raw attribute text spliced into API commands: a
/// newline would turn one announce into several commands.
fn attribute(value: String) -> Result<Option<String>, String> {
    match value.chars().find(|c| *c != '\t' && c.is_control()) {
        Some(c) => Err(format!("{value:?} contains the control character {c:?}")),
        None => Ok(Some(value)),
    }
}

fn seconds(value: &str) -> Result<f64, String> {
    let seconds: f64 = number(value, "float")?;
    if seconds.is_finite() && seconds >= 0.0 {
        Ok(seconds)
    } else {
        Err(format!(
            "invalid float value: '{value}' (seconds must be positive)"
        ))
    }
}

fn apply(options: &mut Options, name: &str, value: String) -> Result<(), String> {
    match name {
        "--silent" => options.silent = true,
        "--syslog-facility" => options.syslog_facility = value,
        "--no-syslog" => options.no_syslog = true,
        "--debug" => options.debug = true,
        "--no-ack" => options.no_ack = true,
        "--sudo" => options.sudo = true,
        "--name" => options.name = Some(value),
        "--config" => options.config = Some(value),
        "--pid" => options.pid = Some(value),
        "--user" => options.user = Some(value),
        "--group" => options.group = Some(value),
        "--interval" => options.interval = seconds(&value)?,
        "--fast-interval" => options.fast = seconds(&value)?,
        "--timeout" => options.timeout = number(&value, "int")?,
        "--rise" => options.rise = number(&value, "int")?,
        "--fall" => options.fall = number(&value, "int")?,
        "--disable" => options.disable = Some(value),
        "--command" => options.command = Some(value),
        "--next-hop" => options.next_hop = Some(number(&value, "ip_address")?),
        "--ip" => options.ips.push(
            IpNetwork::parse(&value).map_err(|_| format!("invalid ip_network value: '{value}'"))?,
        ),
        "--ip-ifname" => options.ip_ifnames.push(ip_ifname(&value)?),
        "--local-preference" => options.local_preference = number(&value, "int")?,
        "--deaggregate-networks" => options.deaggregate_networks = true,
        "--no-ip-setup" => options.ip_setup = false,
        "--dynamic-ip-setup" => options.ip_dynamic = true,
        "--label" => options.label = Some(value),
        "--label-exact-match" => options.label_exact_match = true,
        "--start-ip" => options.start_ip = number(&value, "int")?,
        "--up-metric" => options.up_metric = number(&value, "int")?,
        "--down-metric" => options.down_metric = number(&value, "int")?,
        "--disabled-metric" => options.disabled_metric = number(&value, "int")?,
        "--increase" => options.increase = number(&value, "int")?,
        "--community" => options.community = attribute(value)?,
        "--extended-community" => options.extended_community = attribute(value)?,
        "--large-community" => options.large_community = attribute(value)?,
        "--disabled-community" => options.disabled_community = attribute(value)?,
        "--as-path" => options.as_path = attribute(value)?,
        "--up-as-path" => options.up_as_path = attribute(value)?,
        "--down-as-path" => options.down_as_path = attribute(value)?,
        "--disabled-as-path" => options.disabled_as_path = attribute(value)?,
        "--withdraw-on-down" => options.withdraw_on_down = true,
        "--path-id" => options.path_id = Some(number(&value, "int")?),
        "--neighbor" => {
            let neighbor = if value.trim() == "*" {
                "*".to_string()
            } else {
                number::<IpAddr>(&value, "neighbor_address")?.to_string()
            };
            options
                .neighbors
                .get_or_insert_with(Vec::new)
                .push(neighbor);
        }
        "--debounce" => options.debounce = true,
        "--execute" => options.execute.push(value),
        "--up-execute" => options.up_execute.push(value),
        "--down-execute" => options.down_execute.push(value),
        "--disabled-execute" => options.disabled_execute.push(value),
        other => return Err(format!("unknown option {other}")),
    }
    Ok(())
}

/// Longest interface name Linux accepts (IFNAMSIZ - 1).
const IFNAME_MAX_LENGTH: usize = 15;

fn ip_ifname(value: &str) -> Result<(IpNetwork, String), String> {
    let parts: Vec<&str> = value.split('%').collect();
    let [ip, ifname] = parts.as_slice() else {
        return Err(format!(
            "Expected IP to IFNAME parameter: <ip_address>%<ifname>, got '{value}'"
        ));
    };
    let ip = IpNetwork::parse(ip).map_err(|_| format!("invalid ip_network value: '{ip}'"))?;
    let valid = (1..=IFNAME_MAX_LENGTH).contains(&ifname.len())
        && ifname
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-'));
    if !valid {
        return Err(format!("Expected NIC interface name but got '{ifname}'"));
    }
    Ok((ip, ifname.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(words: &[&str]) -> Result<Options, Error> {
        let args: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        parse(&args)
    }

    #[test]
    fn defaults_are_exabgps() {
        let options = parse_words(&[]).unwrap();
        assert_eq!(
            (options.interval, options.fast, options.timeout),
            (5.0, 1.0, 5)
        );
        assert_eq!((options.rise, options.fall), (3, 3));
        assert_eq!(
            (
                options.up_metric,
                options.down_metric,
                options.disabled_metric,
                options.increase
            ),
            (100, 1000, 500, 1)
        );
        assert_eq!(options.local_preference, -1);
        assert!(options.ip_setup && !options.ip_dynamic && !options.withdraw_on_down);
        assert_eq!(options.syslog_facility, "daemon");
        assert_eq!(options.neighbors, None);
    }

    #[test]
    fn qa_module_invocation() {
        // The arguments of ExaBGP's etc/exabgp/run/api-healthcheck-module.run.
        let options = parse_words(&[
            "--cmd",
            "test ! -f /tmp/m && touch /tmp/m || exit 1",
            "--withdraw-on-down",
            "--no-ip-setup",
            "--no-syslog",
            "--no-ack",
            "--rise",
            "1",
            "--fall",
            "1",
            "--interval",
            "1",
            "--fast-interval",
            "0.5",
            "--ip",
            "10.0.0.1/32",
        ])
        .unwrap();
        assert_eq!(
            options.command.as_deref(),
            Some("test ! -f /tmp/m && touch /tmp/m || exit 1")
        );
        assert!(
            options.withdraw_on_down && !options.ip_setup && options.no_syslog && options.no_ack
        );
        assert_eq!(
            (options.rise, options.fall, options.interval, options.fast),
            (1, 1, 1.0, 0.5)
        );
        assert_eq!(options.ips, [IpNetwork::parse("10.0.0.1/32").unwrap()]);
    }

    #[test]
    fn argparse_spellings() {
        let options = parse_words(&[
            "-ds",
            "-i2.5",
            "--fast=0.25",
            "-c",
            "true",
            "--local-preference",
            "-1",
            "-sF",
        ]);
        // -s and -sF are mutually exclusive in ExaBGP.
        assert!(matches!(options, Err(Error::Usage(_))));
        let options = parse_words(&[
            "-d",
            "-i2.5",
            "--fast=0.25",
            "--cmd",
            "-x y",
            "--local-pref",
            "-1",
            "-sF",
            "local3",
        ])
        .unwrap();
        assert!(options.debug);
        assert_eq!((options.interval, options.fast), (2.5, 0.25));
        assert_eq!(options.command.as_deref(), Some("-x y"));
        assert_eq!(options.local_preference, -1);
        assert_eq!(options.syslog_facility, "local3");
        assert_eq!(
            parse_words(&["-sF", "-d"]).unwrap().syslog_facility,
            "daemon"
        );
        assert_eq!(parse_words(&["--help"]), Err(Error::Help));
    }

    #[test]
    fn refusals() {
        for words in [
            &["--rise"][..],
            &["--rise", "x"],
            &["--ip", "10.0.0.1/24"],
            &["--next-hop", "self"],
            &["--neighbor", "peer1"],
            &["--debug=yes"],
            &["--no"],
            &["--interval", "-1"],
            &["stray"],
            &[
                "--community",
                "65000:1\nannounce route 0.0.0.0/0 next-hop self",
            ],
            &["--ip-ifname", "10.0.0.1%eth0"],
            &[
                "--ip",
                "10.0.0.1",
                "--ip-ifname",
                "10.0.0.1%this-is-far-too-long",
            ],
            &["--ip", "10.0.0.1", "--ip-ifname", "10.0.0.1"],
        ] {
            assert!(
                matches!(parse_words(words), Err(Error::Usage(_))),
                "{words:?}"
            );
        }
        let options =
            parse_words(&["--ip", "10.0.0.1", "--ip-ifname", "10.0.0.1%eth0.100"]).unwrap();
        assert_eq!(options.ip_ifnames[0].1, "eth0.100");
        let star = parse_words(&["--neighbor", " * ", "--neighbor", "192.0.2.1"]).unwrap();
        assert_eq!(
            star.neighbors,
            Some(vec!["*".to_string(), "192.0.2.1".to_string()])
        );
    }

    #[test]
    fn configuration_file_then_command_line() {
        // The example of ExaBGP's healthcheck.py documentation.
        let text = "debug\nname = haproxy\ninterval = 10\n# comment\n\nfast-interval = 1\ncommand = curl -sf http://127.0.0.1/healthcheck\nip = 192.0.2.1\n";
        assert_eq!(
            config_arguments(text),
            [
                "--debug",
                "--name",
                "haproxy",
                "--interval",
                "10",
                "--fast-interval",
                "1",
                "--command",
                "curl -sf http://127.0.0.1/healthcheck",
                "--ip",
                "192.0.2.1"
            ]
        );
        let path = std::env::temp_dir().join(format!("healthcheck-config-{}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        let file = path.to_string_lossy().to_string();
        let options = parse_words(&["--config", &file, "--interval", "3", "--ip", "192.0.2.2"]);
        std::fs::remove_file(&path).unwrap();
        let options = options.unwrap();
        assert!(options.debug);
        assert_eq!(options.name.as_deref(), Some("haproxy"));
        assert_eq!(
            options.command.as_deref(),
            Some("curl -sf http://127.0.0.1/healthcheck")
        );
        assert_eq!(
            options.interval, 3.0,
            "the command line comes last and wins"
        );
        assert_eq!(options.ips.len(), 2, "lists gather both");
        assert!(matches!(
            parse_words(&["-F", "/nonexistent/healthcheck.conf"]),
            Err(Error::Usage(_))
        ));
    }
}
