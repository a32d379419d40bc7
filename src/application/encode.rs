//! Ports `exabgp/application/encode.py`: `exabgp-rs encode`, route text (a configuration's
//! `route ...` statement or an API command) to the hex UPDATE a neighbour would be sent, the
//! reverse of `decode`. RFC 4271 §4.3 (UPDATE), RFC 4760 (MP_REACH/MP_UNREACH), RFC 7911
//! (ADD-PATH path identifiers with `-i`).

use super::decode::{minimal_neighbor, negotiated};
use crate::bgp::message::open::capability::negotiated::Negotiated;
use crate::bgp::message::update::{RoutedNlri, Update};
use crate::bgp::message::HEADER_LEN;
use crate::bgp::neighbor::Neighbor;
use crate::configuration::Configuration;
use crate::reactor::api::command::{self, announce, Action, Command};
use crate::rib::Change;
use bytes::BytesMut;
use std::net::IpAddr;

pub(crate) const USAGE: &str = "\
usage: exabgp-rs encode [-f \"afi safi\"] [-a LOCAL_AS] [-z PEER_AS] [-i] [-n] [--no-header] ROUTE
       exabgp-rs encode -c CONFIGURATION

ROUTE is a configuration route statement or an API command, for example:
  exabgp-rs encode \"route 10.0.0.0/24 next-hop 192.168.1.1\"
  exabgp-rs encode \"route 10.0.0.0/24 next-hop 1.2.3.4 origin igp as-path [65000 65001]\"
  exabgp-rs encode -f \"ipv6 unicast\" \"route 2001:db8::/32 next-hop 2001:db8::1\"
  exabgp-rs encode \"withdraw route 10.0.0.0/24\"
  exabgp-rs encode -n \"route 10.0.0.0/24 next-hop 1.2.3.4\"  # NLRI only

options:
  -f, --family TEXT        negotiated families, pairs of words or all (default: ipv4 unicast)
  -a, --local-as ASN       local AS number (default: 65533)
  -z, --peer-as ASN        peer AS number (default: 65533)
  -i, --path-information   negotiate ADD-PATH on the families
  -n, --nlri-only          print only the NLRI bytes (no UPDATE around them)
      --no-header          leave out the 19-byte BGP header
  -c, --configuration FILE encode the routes of every neighbour of FILE instead
  -d, --debug, -p, --pdb   accepted for ExaBGP compatibility";

/// Options of the command line, named after ExaBGP's.
#[derive(Debug, PartialEq)]
struct Options {
    route: Option<String>,
    family: String,
    local_as: u32,
    peer_as: u32,
    path_information: bool,
    nlri_only: bool,
    no_header: bool,
    configuration: Option<String>,
}

fn asn(value: Option<&String>, option: &str) -> Result<u32, String> {
    let value = value.ok_or_else(|| format!("{option} needs an AS number"))?;
    value
        .parse()
        .map_err(|_| format!("{option}: invalid AS number '{value}'"))
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        route: None,
        family: "ipv4 unicast".into(),
        local_as: 65533,
        peer_as: 65533,
        path_information: false,
        nlri_only: false,
        no_header: false,
        configuration: None,
    };
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "-f" | "--family" => {
                options.family = words.next().ok_or("-f needs a family")?.clone();
            }
            "-a" | "--local-as" => options.local_as = asn(words.next(), word)?,
            "-z" | "--peer-as" => options.peer_as = asn(words.next(), word)?,
            "-i" | "--path-information" => options.path_information = true,
            "-n" | "--nlri-only" => options.nlri_only = true,
            "--no-header" => options.no_header = true,
            "-c" | "--configuration" => {
                options.configuration =
                    Some(words.next().ok_or("-c needs a configuration file")?.clone());
            }
            "-d" | "--debug" | "-p" | "--pdb" => {}
            other if other.starts_with('-') && other.len() > 1 => {
                return Err(format!("unknown option {other}\n{USAGE}"))
            }
            other => match &mut options.route {
                // words given separately are the same route split by the shell
                Some(route) => {
                    route.push(' ');
                    route.push_str(other);
                }
                None => options.route = Some(other.to_string()),
            },
        }
    }
    Ok(options)
}

/// What one route text asks for.
enum Work {
    Announce(Vec<Change>),
    Withdraw(Vec<Change>),
    Eor(crate::protocol::family::Family),
}

/// The words an API command starts with; anything else is a configuration route statement.
const VERBS: [&str; 5] = ["announce", "withdraw", "neighbor", "peer", "group"];

/// Parses `text` with the API's parser (which reads routes with the configuration's own route
/// code) and builds its routes for `neighbor`.
fn work(text: &str, neighbor: &Neighbor) -> Result<Vec<Work>, String> {
    let text = text.trim().trim_end_matches(';').trim_end();
    let first = text.split_whitespace().next().unwrap_or("");
    // a configuration statement (`route ...`, `vpls ...`) is what `announce` takes in the API
    let (line, shift) = if VERBS.contains(&first) {
        (text.to_string(), 0)
    } else {
        (format!("announce {text}"), "announce ".len() as u32)
    };
    let command = command::parse(&line).map_err(|e| {
        format!(
            "column {}: {}",
            e.column.saturating_sub(shift).max(1),
            e.message
        )
    })?;
    let mut works = Vec::new();
    collect(command, neighbor, &mut works)?;
    if works.is_empty() {
        return Err(format!("no route to encode in: {text}"));
    }
    Ok(works)
}

fn collect(command: Command, neighbor: &Neighbor, works: &mut Vec<Work>) -> Result<(), String> {
    let action = match command {
        Command::Peers { action, .. } => action,
        Command::Group(commands) => {
            for command in commands {
                collect(command, neighbor, works)?;
            }
            return Ok(());
        }
        _ => {
            return Err(
                "not a route: encode takes route statements and announce/withdraw commands".into(),
            )
        }
    };
    let flows = |flows: &[crate::configuration::FlowRoute]| -> Result<Vec<Change>, String> {
        flows
            .iter()
            .map(|flow| crate::configuration::flow::build(flow, neighbor).map_err(|e| e.message))
            .collect()
    };
    works.push(match action {
        Action::Announce(routes) => Work::Announce(announce::changes(&routes, neighbor)?),
        Action::Withdraw(routes) => Work::Withdraw(announce::changes(&routes, neighbor)?),
        Action::AnnounceFlow(rules) => Work::Announce(flows(&rules)?),
        Action::WithdrawFlow(rules) => Work::Withdraw(flows(&rules)?),
        Action::Eor(family) => {
            Work::Eor(family.unwrap_or(crate::protocol::family::Family::IPV4_UNICAST))
        }
        _ => return Err("encode takes routes, flow rules and end-of-rib markers".into()),
    });
    Ok(())
}

/// Checks that the neighbour negotiates each change's family: ExaBGP's encode adds a route only
/// to a neighbour of its family.
fn negotiates(neighbor: &Neighbor, changes: &[Change]) -> Result<(), String> {
    match changes
        .iter()
        .find(|c| !neighbor.families.contains(&c.nlri.family()))
    {
        Some(change) => Err(format!(
            "the route is {} but the families are {} (use -f)",
            change.nlri.family(),
            neighbor
                .families
                .iter()
                .map(|f| f.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        None => Ok(()),
    }
}

/// The hex lines of one change: its UPDATE messages, or its NLRI alone.
fn lines(
    change: &Change,
    withdraw: bool,
    negotiated: &Negotiated,
    options: &Options,
) -> Vec<String> {
    if options.nlri_only {
        let mut packed = BytesMut::new();
        change.nlri.encode(negotiated, &mut packed);
        return vec![hex(&packed)];
    }
    // one UPDATE per route, as ExaBGP's encode: routes are not grouped by attributes
    let update = if withdraw {
        Update {
            withdraws: vec![change.nlri.clone()],
            attributes: announce::withdrawn_attributes(change),
            ..Update::default()
        }
    } else {
        Update {
            announces: vec![RoutedNlri {
                nlri: change.nlri.clone(),
                nexthop: change.nexthop,
            }],
            attributes: (*change.attributes).clone(),
            ..Update::default()
        }
    };
    messages(&update, negotiated, options)
}

fn messages(update: &Update, negotiated: &Negotiated, options: &Options) -> Vec<String> {
    update
        .messages(negotiated, true)
        .iter()
        .map(|message| {
            let skip = if options.no_header { HEADER_LEN } else { 0 };
            hex(message.get(skip..).unwrap_or_default())
        })
        .collect()
}

use crate::util::hex::upper as hex;

/// The lines `encode` prints for a route text, with the options' negotiated session.
fn encode_route(text: &str, options: &Options) -> Result<Vec<String>, String> {
    let neighbor = minimal_neighbor(
        Some(&options.family),
        options.local_as,
        options.peer_as,
        options.path_information,
    )
    .map_err(|e| e.replace("configuration error: ", ""))?;
    let negotiated = negotiated(&neighbor);
    let mut out = Vec::new();
    for work in work(text, &neighbor)? {
        match work {
            Work::Announce(changes) | Work::Withdraw(changes) if changes.is_empty() => {}
            Work::Announce(changes) => {
                negotiates(&neighbor, &changes)?;
                for change in &changes {
                    out.extend(lines(change, false, &negotiated, options));
                }
            }
            Work::Withdraw(changes) => {
                negotiates(&neighbor, &changes)?;
                for change in &changes {
                    out.extend(lines(change, true, &negotiated, options));
                }
            }
            Work::Eor(family) => {
                let update = Update {
                    eor: Some(family),
                    ..Update::default()
                };
                out.extend(messages(&update, &negotiated, options));
            }
        }
    }
    Ok(out)
}

/// The lines for every neighbour of a configuration file, each with its own session settings.
fn encode_configuration(path: &str, options: &Options) -> Result<Vec<String>, String> {
    let configuration =
        Configuration::load(std::path::Path::new(path)).map_err(|e| e.to_string())?;
    if configuration.neighbors.is_empty() {
        return Err("no neighbor defined in configuration".into());
    }
    let mut out = Vec::new();
    for peer in configuration.neighbors {
        let mut neighbor = peer.neighbor;
        // ExaBGP's default router id is the local address
        if neighbor.router_id.is_none() {
            if let Some(IpAddr::V4(local)) = neighbor.local_address {
                neighbor.router_id = Some(local);
            }
        }
        let negotiated = negotiated(&neighbor);
        for change in &peer.changes {
            out.extend(lines(change, change.withdraw, &negotiated, options));
        }
    }
    Ok(out)
}

/// Runs `encode` with its arguments (after the word `encode`); returns the exit code.
pub fn run(args: &[String]) -> i32 {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return 0;
    }
    let options = match parse_args(args) {
        Ok(options) => options,
        Err(error) => {
            eprintln!("{error}");
            return 1;
        }
    };
    let result = match (&options.configuration, &options.route) {
        (Some(path), _) => encode_configuration(path, &options),
        (None, Some(route)) => encode_route(route, &options),
        (None, None) => {
            eprintln!("{USAGE}");
            return 1;
        }
    };
    match result {
        Ok(lines) => {
            for line in lines {
                println!("{line}");
            }
            0
        }
        Err(error) => {
            eprintln!("configuration error: {error}");
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(args: &[&str]) -> Options {
        parse_args(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn options_as_exabgp() {
        let parsed = options(&[
            "-f",
            "ipv6 unicast",
            "-a",
            "1",
            "-z",
            "2",
            "-i",
            "-n",
            "route",
            "::/0",
        ]);
        assert_eq!(parsed.family, "ipv6 unicast");
        assert_eq!((parsed.local_as, parsed.peer_as), (1, 2));
        assert!(parsed.path_information && parsed.nlri_only && !parsed.no_header);
        assert_eq!(parsed.route.as_deref(), Some("route ::/0"));
        assert!(parse_args(&["-a".into(), "x".into()]).is_err());
        assert!(parse_args(&["--bogus".into()]).is_err());
    }

    #[test]
    fn configuration_and_api_forms_encode_alike() {
        let opts = options(&[]);
        let statement = encode_route("route 10.0.0.0/24 next-hop 1.2.3.4;", &opts).unwrap();
        let api = encode_route("announce route 10.0.0.0/24 next-hop 1.2.3.4", &opts).unwrap();
        assert_eq!(statement, api);
        assert_eq!(statement.len(), 1);
        // marker, then the type UPDATE after the length
        assert!(statement[0].starts_with(&"F".repeat(32)));
        assert_eq!(&statement[0][36..38], "02");
    }

    #[test]
    fn nlri_only_and_no_header() {
        let route = "route 10.0.0.0/24 next-hop 1.2.3.4";
        assert_eq!(
            encode_route(route, &options(&["-n"])).unwrap(),
            ["180A0000"]
        );
        assert_eq!(
            encode_route(route, &options(&["-n", "-i"])).unwrap(),
            ["00000000180A0000"]
        );
        let full = encode_route(route, &options(&[])).unwrap();
        let bare = encode_route(route, &options(&["--no-header"])).unwrap();
        assert_eq!(full[0][2 * HEADER_LEN..], bare[0]);
    }

    #[test]
    fn errors_are_clear() {
        let opts = options(&[]);
        let wrong_family = encode_route("route 2001:db8::/32 next-hop 2001:db8::1", &opts);
        assert!(wrong_family.unwrap_err().contains("ipv6 unicast"));
        let bad = encode_route("route 10.0.0.0/24 next-hop 1.2.3.4 bogus 1", &opts).unwrap_err();
        assert!(bad.starts_with("column "), "{bad}");
        assert!(encode_route("show neighbor", &opts).is_err());
        assert!(encode_route("route 1.2.3.4/32", &options(&["-f", "ipv4 nothing"])).is_err());
    }
}
