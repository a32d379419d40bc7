//! API commands against ExaBGP's own expectations: every `cmd:` line of `qa/encoding/*.ci` and
//! `qa/api/*.ci` followed by `raw:` lines is parsed as a helper's command and, for routes of the
//! families that have NLRI types (IPv4/IPv6 unicast, multicast, mpls-vpn ...) and IPv4/IPv6
//! unicast End-of-RIB, encoded for a default session with the route's family added; the UPDATEs
//! must be the `raw:` bytes. The qa data is read from `$EXABGP_QA_DIR` or `shared/exabgp-qa` beside the crate.

use exabgp_rs::bgp::message::open::capability::negotiated::{AddPath, Negotiated};
use exabgp_rs::bgp::message::update::attribute::Attribute;
use exabgp_rs::bgp::message::update::eor;
use exabgp_rs::bgp::message::update::nlri::Nlri;
use exabgp_rs::bgp::neighbor::Neighbor;
use exabgp_rs::configuration::{flow, Configuration};
use exabgp_rs::protocol::family::{Afi, Family, Safi};
use exabgp_rs::reactor::api::command::{self, announce, Action, Command};
use exabgp_rs::rib::outgoing::OutgoingRib;
use exabgp_rs::rib::route::Route;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn qa_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("EXABGP_QA_DIR") {
        return Some(PathBuf::from(dir));
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .skip(1)
        .map(|parent| parent.join("shared/exabgp-qa"))
        .find(|dir| dir.join("qa/encoding").is_dir())
}

fn unhex(text: &str) -> Vec<u8> {
    exabgp_rs::util::hex::unhex(text).unwrap_or_else(|e| panic!("{e}"))
}

use exabgp_rs::util::hex::upper as hex;

/// A `cmd:` line, the `raw:` messages after it, and the AS numbers its `json:` lines show.
struct Case {
    file: String,
    command: String,
    raws: Vec<Vec<u8>>,
    asn: u32,
}

fn cases(qa: &Path) -> Vec<Case> {
    let mut files: Vec<PathBuf> = ["qa/encoding", "qa/api"]
        .iter()
        .filter_map(|sub| std::fs::read_dir(qa.join(sub)).ok())
        .flat_map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())))
        .filter(|f| f.extension().is_some_and(|e| e == "ci"))
        .collect();
    files.sort();
    let mut cases: Vec<Case> = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let mut current: Option<Case> = None;
        for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
            let mut parts = line.splitn(3, ':');
            let (_, kind, content) = (
                parts.next(),
                parts.next().unwrap_or(""),
                parts.next().unwrap_or(""),
            );
            match kind {
                "cmd" => {
                    cases.extend(current.take().filter(|c| !c.raws.is_empty()));
                    current = Some(Case {
                        file: name.clone(),
                        command: content.to_string(),
                        raws: Vec::new(),
                        asn: 1,
                    });
                }
                "raw" => {
                    // ROUTE-REFRESH and others come from the session, not the command
                    let raw = unhex(content);
                    if let Some(case) = current.as_mut().filter(|_| raw.get(18) == Some(&2)) {
                        case.raws.push(raw);
                    }
                }
                "json" => {
                    if let (Some(case), Ok(json)) = (
                        current.as_mut(),
                        serde_json::from_str::<serde_json::Value>(content),
                    ) {
                        if let Some(asn) = json["neighbor"]["asn"]["local"].as_u64() {
                            case.asn = asn as u32;
                        }
                    }
                }
                _ => {}
            }
        }
        cases.extend(current.take().filter(|c| !c.raws.is_empty()));
    }
    cases
}

fn neighbor(asn: u32) -> Neighbor {
    let text = format!(
        "neighbor 127.0.0.1 {{ router-id 1.2.3.4; local-address 127.0.0.1; local-as {asn}; \
         peer-as {asn}; family {{ ipv4 unicast; ipv6 unicast; }} }}"
    );
    let configuration = Configuration::parse(&text, Path::new("test.conf")).unwrap();
    configuration.neighbors[0].neighbor.clone()
}

fn negotiated(asn: u32, addpath: bool) -> Negotiated {
    let mut negotiated = Negotiated {
        local_as: asn,
        peer_as: asn,
        families: vec![Family::IPV4_UNICAST, Family::IPV6_UNICAST],
        ..Negotiated::default()
    };
    if addpath {
        for family in negotiated.families.clone() {
            negotiated.addpath.insert(
                family,
                AddPath {
                    send: true,
                    receive: true,
                },
            );
        }
    }
    negotiated
}

/// Cases whose session is not the default one (so the bytes differ for reasons other than the
/// command): eBGP, 2-byte AS numbers, link-local and extended next-hops, every family's EoR.
const OTHER_SESSION: &[&str] = &[
    "conf-ebgp.ci",
    "conf-no-asn4.ci",
    "conf-llnh-update.ci",
    "extended-nexthop.ci",
    "conf-path-information.ci",
];

/// `cmd:` lines that name what ExaBGP sent rather than a command: api-flow's attribute-only
/// UPDATE is what ExaBGP sends for a withdrawal it drops at the start of a session.
const NOT_COMMANDS: &[(&str, &str)] =
    &[("api-flow.ci", "attributes origin igp local-preference 100")];

const UNICAST: [Family; 2] = [Family::IPV4_UNICAST, Family::IPV6_UNICAST];

/// The FlowSpec families (RFC 8955, RFC 8956), whose commands are checked as strictly as
/// unicast ones.
const FLOW: [Family; 4] = [
    Family::new(Afi::IPV4, Safi::FLOW_IP),
    Family::new(Afi::IPV6, Safi::FLOW_IP),
    Family::new(Afi::IPV4, Safi::FLOW_VPN),
    Family::new(Afi::IPV6, Safi::FLOW_VPN),
];

/// The messages a command makes on a fresh session, or `None` when it is not about the
/// families checked here.
fn encode(command: &Command, asn: u32) -> Option<Result<Vec<Vec<u8>>, String>> {
    // a group of one route change (`group attributes ... ; withdraw ...`) is that change
    let command = match command {
        Command::Group(parts) if parts.len() == 1 => &parts[0],
        other => other,
    };
    let Command::Peers { action, .. } = command else {
        return None;
    };
    let neighbor = neighbor(asn);
    let (announce, changes, families, addpath) = match action {
        Action::Eor(family) => {
            let family = family.unwrap_or(Family::IPV4_UNICAST);
            return (UNICAST.contains(&family) || FLOW.contains(&family))
                .then(|| Ok(vec![eor::message(family).to_vec()]));
        }
        Action::Announce(routes) | Action::Withdraw(routes) => {
            if routes.iter().any(|r| !Nlri::supported(r.family)) {
                return None;
            }
            let changes = match announce::changes(routes, &neighbor) {
                Ok(changes) => changes,
                Err(error) => return Some(Err(error)),
            };
            let addpath = routes
                .iter()
                .any(|r| r.fields.iter().any(|f| f.keyword == "path-information"));
            let families: Vec<Family> = routes.iter().map(|r| r.family).collect();
            (
                matches!(action, Action::Announce(_)),
                changes,
                families,
                addpath,
            )
        }
        Action::AnnounceFlow(flows) | Action::WithdrawFlow(flows) => {
            let changes: Result<Vec<_>, _> = flows
                .iter()
                .map(|flow| flow::build(flow, &neighbor).map_err(|e| e.message))
                .collect();
            let changes = match changes {
                Ok(changes) => changes,
                Err(error) => return Some(Err(error)),
            };
            let families = flows.iter().map(|f| f.family).collect();
            (
                matches!(action, Action::AnnounceFlow(_)),
                changes,
                families,
                false,
            )
        }
        _ => return None,
    };
    let mut rib: OutgoingRib = OutgoingRib::new(families.iter().copied(), true);
    for change in changes {
        if announce {
            rib.add_to_rib(
                Route::new(change.nlri, change.nexthop, change.attributes),
                false,
            );
        } else {
            let attributes = announce::withdrawn_attributes(&change);
            rib.del_nlri_from_rib(change.nlri, Some(Arc::new(attributes)));
        }
    }
    let mut negotiated = negotiated(asn, addpath);
    negotiated
        .families
        .extend(families.iter().filter(|f| !UNICAST.contains(f)));
    if addpath {
        for family in &families {
            negotiated.addpath.insert(
                *family,
                AddPath {
                    send: true,
                    receive: true,
                },
            );
        }
    }
    let messages = rib.messages(&negotiated, true, true);
    Some(Ok(messages.iter().map(|m| m.to_vec()).collect()))
}

#[test]
fn qa_commands_encode_to_exabgp_bytes() {
    let Some(qa) = qa_dir() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but ExaBGP's qa data is missing"
        );
        eprintln!("skipped: no ExaBGP qa data ($EXABGP_QA_DIR or ../shared/exabgp-qa)");
        return;
    };
    let cases = cases(&qa);
    assert!(!cases.is_empty());
    let (mut passed, mut other, mut failures) = (0, 0, Vec::new());
    let (mut unicast_passed, mut flow_passed, mut others_failed) = (0, 0, Vec::new());
    let mut unparsed = Vec::new();
    for case in &cases {
        if OTHER_SESSION.contains(&case.file.as_str()) {
            other += 1;
            continue;
        }
        let listed = |list: &[(&str, &str)]| {
            list.iter()
                .any(|(file, text)| case.file == *file && case.command.contains(text))
        };
        if listed(NOT_COMMANDS) {
            assert!(command::parse(&case.command).is_err(), "{}", case.command);
            continue;
        }
        let command = match command::parse(&case.command) {
            Ok(command) => command,
            Err(error) => {
                unparsed.push(format!("{}: {}: {error}", case.file, case.command));
                continue;
            }
        };
        match encode(&command, case.asn) {
            None => other += 1,
            Some(Err(error)) => failures.push(format!("{}: {}: {error}", case.file, case.command)),
            Some(Ok(mut messages)) => {
                let mut expected = case.raws.clone();
                messages.sort();
                expected.sort();
                // unicast, flow and End-of-RIB commands must all pass; the other families
                // are counted and reported
                let strict = strict(&command);
                if messages == expected {
                    passed += 1;
                    match strict {
                        Some(true) => flow_passed += 1,
                        Some(false) => unicast_passed += 1,
                        None => {}
                    }
                } else if strict.is_none() {
                    others_failed.push(format!("{}: {}", case.file, case.command));
                } else {
                    failures.push(format!(
                        "{}: {}\n  got      {:?}\n  expected {:?}",
                        case.file,
                        case.command,
                        messages.iter().map(|m| hex(m)).collect::<Vec<_>>(),
                        expected.iter().map(|m| hex(m)).collect::<Vec<_>>()
                    ));
                }
            }
        }
    }
    eprintln!(
        "qa commands: {passed} passed ({unicast_passed} IPv4/IPv6 unicast and EoR, {flow_passed} \
         flow), {} failed in IPv4/IPv6 unicast or flow, {} failed in other families, {} not \
         parsed, {other} of families without NLRI types or sessions unlike the default",
        failures.len(),
        others_failed.len(),
        unparsed.len()
    );
    for line in &others_failed {
        eprintln!("  other family, not the API's: {line}");
    }
    assert!(failures.is_empty(), "failed:\n{}", failures.join("\n"));
    assert!(unparsed.is_empty(), "not parsed:\n{}", unparsed.join("\n"));
    assert!(
        unicast_passed > 50,
        "only {unicast_passed} commands checked"
    );
    assert!(flow_passed > 40, "only {flow_passed} flow commands checked");
}

/// Whether a command must encode to the qa bytes: `Some(true)` for flow rules and flow
/// End-of-RIB, `Some(false)` for unicast routes and the other End-of-RIB, `None` for the
/// families still counted only.
fn strict(command: &Command) -> Option<bool> {
    let command = match command {
        Command::Group(parts) if parts.len() == 1 => &parts[0],
        other => other,
    };
    match command {
        Command::Peers {
            action: Action::AnnounceFlow(_) | Action::WithdrawFlow(_),
            ..
        } => Some(true),
        Command::Peers {
            action: Action::Eor(family),
            ..
        } => Some(family.is_some_and(|f| FLOW.contains(&f))),
        Command::Peers {
            action: Action::Announce(routes) | Action::Withdraw(routes),
            ..
        } if routes.iter().all(|r| UNICAST.contains(&r.family)) => Some(false),
        _ => None,
    }
}

/// The rule of a flow command, built for the default neighbour: its text and its extended
/// communities, as ExaBGP prints them (the `string`s of the qa `json:` lines).
fn flow_rule(line: &str) -> (String, String, Option<std::net::IpAddr>) {
    let Ok(Command::Peers {
        action: Action::AnnounceFlow(flows),
        ..
    }) = command::parse(line)
    else {
        panic!("{line}: {:?}", command::parse(line));
    };
    let change = flow::build(&flows[0], &neighbor(1)).unwrap();
    let Nlri::Flow(rule) = &change.nlri else {
        panic!("{:?}", change.nlri)
    };
    let mut text = String::new();
    rule.text(&mut text);
    let communities = change
        .attributes
        .iter()
        .find_map(|a| match a {
            Attribute::ExtendedCommunities(list) => Some(list.to_string()),
            _ => None,
        })
        .unwrap_or_default();
    (text, communities, change.nexthop)
}

#[test]
fn every_flow_match_and_action_from_the_api() {
    let (text, communities, _) = flow_rule(
        "announce flow route { match { destination 192.168.0.1/32; source 10.0.0.1/32; \
         protocol [ =tcp =udp ]; port [ =80 =8080 ]; destination-port [ >8080&<8088 =3128 ]; \
         source-port >1024; icmp-type [ =unreachable =echo-request =echo-reply ]; icmp-code [ =1 =0 ]; \
         tcp-flags [ urg rst ]; packet-length [ >200&<300 >400&<500 ]; dscp [ =10 =20 ]; \
         fragment [ first-fragment last-fragment ]; } \
         then { rate-limit 9600; redirect 65500:12345; mark 10; action sample-terminal; } }",
    );
    assert_eq!(
        text,
        "flow destination-ipv4 192.168.0.1/32 source-ipv4 10.0.0.1/32 protocol [ =tcp =udp ] \
         port [ =80 =8080 ] destination-port [ >8080&<8088 =3128 ] source-port >1024 \
         icmp-type [ =unreachable =echo-request =echo-reply ] icmp-code [ =1 =0 ] \
         tcp-flags [ urg rst ] packet-length [ >200&<300 >400&<500 ] dscp [ =10 =20 ] \
         fragment [ first-fragment last-fragment ]"
    );
    for action in [
        "rate-limit:9600",
        "redirect:65500:12345",
        "mark 10",
        "action sample-terminal",
    ] {
        assert!(
            communities.contains(action),
            "{action} not in {communities}"
        );
    }

    // IPv6 from the prefix; ExaBGP shows an IPv6 prefix with its offset
    let (text, _, _) = flow_rule(
        "announce flow route { match { destination 2a02:b80:15:0:7aca:39ff:feae:a87a/128; \
         next-header =udp; traffic-class =101; flow-label =2013; } then { discard; } }",
    );
    assert_eq!(
        text,
        "flow destination-ipv6 2a02:b80:15:0:7aca:39ff:feae:a87a/128/0 next-header =udp \
         traffic-class =101 flow-label =2013"
    );

    for (then, community, nexthop) in [
        ("rate-limit 0;", "rate-limit:0", None),
        ("discard;", "rate-limit:0", None),
        ("rate-limit 1000 packets;", "rate-limit:1000:packets", None),
        ("redirect 1.2.3.4;", "redirect-to-nexthop", Some("1.2.3.4")),
        ("redirect-to-nexthop;", "redirect-to-nexthop", None),
        (
            "redirect-to-nexthop-ietf 1.2.3.4;",
            "redirect-to-nexthop-ietf 1.2.3.4",
            None,
        ),
        ("copy 1.2.3.4;", "copy-to-nexthop", Some("1.2.3.4")),
        (
            "extended-community [ origin:2345:6.7.8.9 ];",
            "origin:2345:6.7.8.9",
            None,
        ),
    ] {
        let (_, communities, hop) = flow_rule(&format!(
            "announce flow route {{ match {{ source 10.0.0.2/32; }} then {{ {then} }} }}"
        ));
        assert!(communities.contains(community), "{then}: {communities}");
        assert_eq!(hop, nexthop.map(|ip| ip.parse().unwrap()), "{then}");
    }

    // accept adds no action; a scope's interface-set is an extended community
    let (_, communities, _) = flow_rule(
        "announce flow route { match { source 10.0.0.2/32; } then { accept; } \
         scope { interface-set [ transitive:input:1234:10 ]; } }",
    );
    assert_eq!(communities, "interface-set:input:1234:10");
}
