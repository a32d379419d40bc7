//! Ports `exabgp/application/validate.py`: `exabgp-rs validate [-nrv] CONFIG...` (also spelled
//! `configuration validate`) checks configuration files; exit 0 when every one is valid.

use crate::bgp::message::open::capability::negotiated::{AddPath, Negotiated};
use crate::bgp::message::update::attribute::{Attribute, Attributes};
use crate::bgp::message::update::nlri::{Nlri, PathInfo};
use crate::bgp::message::update::{RoutedNlri, Update};
use crate::bgp::message::HEADER_LEN;
use crate::configuration::Configuration;
use crate::environment::Environment;
use std::path::Path;

pub(crate) const USAGE: &str = "\
usage: exabgp-rs validate [-n|--neighbor] [-r|--route] [-v|--verbose] CONFIG...

Checks ExaBGP configuration files (and the exabgp_* environment); an error is reported as
file:line:column and the reason. Exit 0 when every file is valid. Also spelled
`exabgp-rs configuration validate`.

options:
  -n, --neighbor   print each neighbour's parsed configuration
  -r, --route      print each route, then encode and decode its UPDATE
  -v, --verbose    say what is checked
  -p, --pdb        accepted for ExaBGP compatibility";

/// Runs the command with its arguments (after `validate`); returns the exit code.
/// `file` read as a configuration: an error names it when it is not there (as ExaBGP), else
/// the parser's `file:line:column: reason`. Shared by `validate` and `export`.
pub(crate) fn load(file: &str) -> Result<Configuration, String> {
    let path = Path::new(file);
    if !path.is_file() {
        return Err(format!(
            "{file} is not an exabgp config file (file not found)"
        ));
    }
    Configuration::load(path).map_err(|error| error.to_string())
}

pub fn run(args: &[String]) -> i32 {
    let (mut neighbors, mut routes, mut verbose) = (false, false, false);
    let mut files = Vec::new();
    for arg in args {
        match arg.as_str() {
            "-n" | "--neighbor" => neighbors = true,
            "-r" | "--route" => routes = true,
            "-v" | "--verbose" => verbose = true,
            "-p" | "--pdb" => {}
            "-h" | "--help" => {
                println!("{USAGE}");
                return 0;
            }
            flags if flags.starts_with('-') && !flags.starts_with("--") && flags.len() > 1 => {
                for flag in flags[1..].chars() {
                    match flag {
                        'n' => neighbors = true,
                        'r' => routes = true,
                        'v' => verbose = true,
                        'p' => {}
                        other => {
                            eprintln!("error: unknown option -{other}\n{USAGE}");
                            return 1;
                        }
                    }
                }
            }
            other if other.starts_with("--") => {
                eprintln!("error: unknown option {other}\n{USAGE}");
                return 1;
            }
            file => files.push(file.to_string()),
        }
    }
    if files.is_empty() {
        eprintln!("error: no configuration file given\n{USAGE}");
        return 1;
    }
    // the environment is checked too: a bad exabgp_* variable would stop the daemon as well
    if let Err(error) = Environment::from_process() {
        eprintln!("error: {error}");
        return 1;
    }
    for file in &files {
        let configuration = match load(file) {
            Ok(configuration) => configuration,
            Err(error) => {
                eprintln!("error: {error}");
                return 1;
            }
        };
        if verbose {
            println!(
                "{file}: valid, {} process(es), {} neighbor(s)",
                configuration.processes.len(),
                configuration.neighbors.len()
            );
        }
        if neighbors || verbose {
            for peer in &configuration.neighbors {
                let families: Vec<String> = peer
                    .neighbor
                    .families
                    .iter()
                    .map(|f| f.to_string())
                    .collect();
                println!(
                    "\u{2713} neighbor  {} ({})",
                    peer.neighbor.peer_address,
                    families.join(", ")
                );
            }
        }
        if routes {
            if let Err(error) = check_generation(&configuration) {
                eprintln!("error: {file} has an invalid route: {error}");
                return 1;
            }
        }
        if routes || verbose {
            for peer in &configuration.neighbors {
                println!(
                    "\u{2713} neighbor  {}: {} route(s), {} flow(s)",
                    peer.neighbor.peer_address,
                    routes_of(peer),
                    peer.flows.len()
                );
            }
        }
    }
    0
}

/// How many routes the configuration gives `peer`: its changes but the flow rules' (last), a
/// route split (`split /N`) in several counting once (they share its location).
fn routes_of(peer: &crate::configuration::PeerConfig) -> usize {
    let routes = &peer.changes[..peer.changes.len().saturating_sub(peer.flows.len())];
    routes
        .iter()
        .enumerate()
        .filter(|(index, change)| *index == 0 || routes[index - 1].location != change.location)
        .count()
}

/// ExaBGP's `check_generation` (`-r`): every built route is encoded into UPDATE messages for a
/// session negotiating the neighbour's own settings (ADD-PATH both ways on its add-path
/// families), decoded back, and must give the same NLRI.
fn check_generation(configuration: &Configuration) -> Result<(), String> {
    for peer in &configuration.neighbors {
        let neighbor = &peer.neighbor;
        let both = AddPath {
            send: true,
            receive: true,
        };
        let negotiated = Negotiated {
            asn4: neighbor.capability.asn4,
            local_as: neighbor.local_as,
            peer_as: neighbor.peer_as,
            families: neighbor.families.clone(),
            addpath: neighbor.addpath.iter().map(|f| (*f, both)).collect(),
            nexthop: neighbor.nexthop.clone(),
            flow_offset: neighbor.flow_offset,
            ..Negotiated::default()
        };
        for change in &peer.changes {
            let at = format!("{}:{}", change.location.line, change.location.column);
            let update = Update {
                announces: vec![RoutedNlri {
                    nlri: change.nlri.clone(),
                    nexthop: change.nexthop,
                }],
                attributes: Attributes::clone(&change.attributes),
                ..Update::default()
            };
            // a generic attribute is sent as written, even one a receiver must refuse (ExaBGP's
            // conf-generic-attribute sends type 0x99 without the optional bit): only its
            // encoding can be checked
            let generic = change
                .attributes
                .iter()
                .any(|a| matches!(a, Attribute::Generic(_)));
            let mut back = Vec::new();
            for message in update.messages(&negotiated, true) {
                let body = message.get(HEADER_LEN..).unwrap_or_default();
                match Update::decode_slice(body, &negotiated) {
                    Ok(decoded) => back.extend(decoded.announces.into_iter().map(|r| r.nlri)),
                    Err(_) if generic => back.push(change.nlri.clone()),
                    Err(notification) => {
                        return Err(format!(
                            "{at}: the UPDATE does not decode: {notification:?}"
                        ))
                    }
                }
            }
            let addpath = negotiated.addpath_send(change.nlri.family());
            let expected = without_unsent_path(&change.nlri, addpath);
            let back: Vec<Nlri> = back
                .iter()
                .map(|n| without_unsent_path(n, addpath))
                .collect();
            if back != [expected] {
                return Err(format!(
                    "{at}: the route does not survive encoding ({} NLRI back)",
                    back.len()
                ));
            }
        }
    }
    Ok(())
}

/// The NLRI as the peer sees it: without ADD-PATH no path identifier goes on the wire, and with
/// it a route without one is sent with identifier 0.
fn without_unsent_path(nlri: &Nlri, addpath: bool) -> Nlri {
    let path_info = match (addpath, nlri.path_info()) {
        (false, _) => PathInfo::Disabled,
        (true, PathInfo::Disabled) => PathInfo::Id(0),
        (true, id) => id,
    };
    nlri.with_path_info(path_info)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_routes_survive_encoding() {
        let text = "neighbor 127.0.0.1 {\n router-id 1.2.3.4; local-address 127.0.0.1; local-as 1; peer-as 2;\n \
                    capability { add-path send/receive; }\n family { ipv4 unicast; ipv6 unicast; }\n static {\n  \
                    route 10.0.0.0/8 next-hop 1.1.1.1 path-information 7 as-path [ 70000 2 ] community no-export;\n  \
                    route 11.0.0.0/8 next-hop 1.1.1.1 attribute [ 0x99 0x60 0x01 ];\n  \
                    route 2001:db8::/32 next-hop 2001:db8::1 large-community 1:2:3 split /33;\n }\n}\n";
        let configuration = Configuration::parse(text, Path::new("x.conf")).unwrap();
        assert_eq!(configuration.neighbors[0].changes.len(), 4);
        assert_eq!(check_generation(&configuration), Ok(()));
    }

    /// qa extended-nexthop: IPv4 routes with an IPv6 next-hop need the neighbour's extended
    /// next-hop (RFC 8950) in the session they are checked with.
    #[test]
    fn extended_next_hop_routes_survive_encoding() {
        let text = "neighbor 127.0.0.1 {\n router-id 1.2.3.4; local-address 127.0.0.1; local-as 1; peer-as 1;\n \
                    family { ipv4 unicast; ipv6 unicast; }\n nexthop { ipv4 unicast ipv6; }\n static {\n  \
                    route 153.153.153.153 next-hop bad:cafe::1;\n }\n}\n";
        let configuration = Configuration::parse(text, Path::new("x.conf")).unwrap();
        assert_eq!(check_generation(&configuration), Ok(()));
    }
}
