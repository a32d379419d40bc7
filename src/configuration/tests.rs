//! Configurations as users write them: what they build, and the exact errors of broken ones.

use super::neighbor::family;
use super::*;
use crate::protocol::family::{Afi, Family, Safi};
use std::net::IpAddr;

fn parse(text: &str) -> Result<Configuration> {
    Configuration::parse(text, Path::new("conf.conf"))
}

fn error(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

const MINIMAL: &str =
    "neighbor 10.0.0.1 {\n  local-address 10.0.0.2;\n  local-as 65000;\n  peer-as 65001;\n}\n";

#[test]
fn minimal_neighbor_gets_exabgps_defaults() {
    let configuration = parse(MINIMAL).unwrap();
    let [peer] = configuration.neighbors.as_slice() else {
        panic!()
    };
    let n = &peer.neighbor;
    assert_eq!(n.peer_address, ip("10.0.0.1"));
    assert_eq!(n.local_address, Some(ip("10.0.0.2")));
    assert_eq!((n.local_as, n.peer_as), (65000, 65001));
    // router-id defaults to the IPv4 local address
    assert_eq!(n.router_id, Some("10.0.0.2".parse().unwrap()));
    assert_eq!(n.hold_time, 180);
    assert!(!n.passive);
    // no family section: every family ExaBGP knows
    assert!(n.families.contains(&Family::IPV4_UNICAST));
    assert!(n.families.contains(&Family::new(Afi::L2VPN, Safi::VPLS)));
    assert!(n.families.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn session_statements() {
    let configuration = parse(
        "neighbor 2001:db8::1 {\n description \"two words\";\n router-id 1.2.3.4;\n local-address 2001:db8::2;\n \
         local-as 1.10;\n peer-as 4200000000;\n hold-time 30;\n passive;\n listen 1179;\n connect 1180;\n \
         md5-password secret;\n md5-ip 2001:db8::2;\n outgoing-ttl 1;\n incoming-ttl 255;\n group-updates false;\n \
         auto-flush disable;\n adj-rib-in false;\n manual-eor true;\n host-name router;\n domain-name example.net;\n \
         rate-limit 10;\n local-link-local fe80::1;\n family { ipv6 unicast; ipv4 unicast; }\n}\n",
    )
    .unwrap();
    let n = &configuration.neighbors[0].neighbor;
    assert_eq!(n.description, "two words");
    assert_eq!(n.local_as, 65546);
    assert_eq!(n.peer_as, 4_200_000_000);
    assert_eq!(n.hold_time, 30);
    assert!(n.passive);
    assert_eq!((n.listen, n.connect), (1179, 1180));
    assert_eq!(n.md5_password.as_deref(), Some("secret"));
    assert_eq!(n.md5_ip, Some(ip("2001:db8::2")));
    assert_eq!((n.outgoing_ttl, n.incoming_ttl), (Some(1), Some(255)));
    assert!(!n.group_updates && !n.auto_flush && !n.adj_rib_in && n.manual_eor);
    assert_eq!(
        (n.host_name.as_str(), n.domain_name.as_str()),
        ("router", "example.net")
    );
    assert_eq!(n.rate_limit, 10);
    assert_eq!(n.local_link_local, Some(ip("fe80::1")));
    // sorted as ExaBGP announces them
    assert_eq!(n.families, vec![Family::IPV4_UNICAST, Family::IPV6_UNICAST]);
}

#[test]
fn capabilities_addpath_and_nexthop() {
    let configuration = parse(
        "neighbor 10.0.0.1 {\n local-address 10.0.0.2; local-as 1; peer-as 1; router-id 9.9.9.9; hold-time 90;\n \
         capability { graceful-restart; add-path send/receive; route-refresh; asn4 disable; }\n \
         family { ipv4 unicast; ipv4 mpls-vpn; ipv6 unicast; }\n \
         add-path { ipv4 unicast limit 10; ipv6 mpls-vpn; }\n \
         nexthop { ipv4 unicast ipv6; ipv4 mpls-vpn ipv6; }\n}\n",
    )
    .unwrap();
    let n = &configuration.neighbors[0].neighbor;
    assert_eq!(
        n.capability.graceful_restart,
        Some(90),
        "a bare graceful-restart takes the hold time"
    );
    assert_eq!(n.capability.add_path, 3);
    assert!(!n.capability.asn4);
    assert!(n.capability.route_refresh && n.adj_rib_out);
    // ipv6 mpls-vpn is not negotiated, so not an add-path family
    assert_eq!(n.addpath, vec![Family::IPV4_UNICAST]);
    assert_eq!(n.paths_limit, vec![(Family::IPV4_UNICAST, 10)]);
    // a nexthop section enables the capability; ipv6 mpls-vpn is not negotiated
    assert!(n.capability.nexthop);
    assert_eq!(n.nexthop, vec![(Family::IPV4_UNICAST, Afi::IPV6)]);
}

#[test]
fn templates_are_inherited_then_overridden() {
    let configuration = parse(
        "template {\n neighbor base {\n  local-as 1;\n  peer-as 2;\n  hold-time 30;\n  family { ipv4 unicast; }\n  \
         static { route 10.0.0.0/8 next-hop 1.1.1.1; }\n }\n}\n\
         neighbor 10.0.0.1 {\n inherit base;\n local-address 10.0.0.2;\n hold-time 60;\n}\n",
    )
    .unwrap();
    let peer = &configuration.neighbors[0];
    assert_eq!(
        (
            peer.neighbor.local_as,
            peer.neighbor.peer_as,
            peer.neighbor.hold_time
        ),
        (1, 2, 60)
    );
    assert_eq!(peer.neighbor.families, vec![Family::IPV4_UNICAST]);
    assert_eq!(peer.changes.len(), 1);
    assert_eq!(peer.changes[0].nlri.to_string(), "10.0.0.0/8");
    assert_eq!(peer.changes[0].nexthop, Some(ip("1.1.1.1")));
}

#[test]
fn processes_and_api() {
    let folder = std::env::temp_dir().join(format!("exabgp-rs-conf-{}", std::process::id()));
    std::fs::create_dir_all(folder.join("run")).unwrap();
    let program = folder.join("run/helper");
    std::fs::write(&program, "").unwrap();
    let mut permissions = std::fs::metadata(&program).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&program, permissions).unwrap();

    let text = "process add-remove {\n run ./run/helper --flag;\n encoder json;\n}\n\
                neighbor 10.0.0.1 {\n local-as 1; peer-as 1; router-id 9.9.9.9;\n api {\n  processes-match [ \"^add\" ];\n  neighbor-changes;\n  \
                receive { parsed; update; }\n  send { packets; }\n }\n}\n";
    let configuration = Configuration::parse(text, &folder.join("x.conf")).unwrap();
    let process = &configuration.processes[0];
    assert_eq!(process.name, "add-remove");
    assert_eq!(
        process.run,
        vec![
            folder.join("run/helper").display().to_string(),
            "--flag".into()
        ]
    );
    assert_eq!(process.encoder, Encoder::Json);
    assert!(process.respawn);
    let api = &configuration.neighbors[0].api;
    assert!(api.neighbor_changes && api.receive.parsed && api.receive.update && api.send.packets);
    assert!(!api.receive.open && !api.send.parsed);
    assert_eq!(
        api.targets(&configuration.processes),
        vec!["add-remove".to_string()]
    );
    assert!(api.sends_to(&configuration.processes, "add-remove"));
    assert!(!api.sends_to(&configuration.processes, "add"));

    let missing = Configuration::parse(
        "process p {\n  run ./run/absent;\n}\n",
        &folder.join("x.conf"),
    )
    .unwrap_err();
    assert_eq!(missing.location, core::Location { line: 2, column: 7 });
    assert!(
        missing.message.starts_with("can not locate the program"),
        "{missing}"
    );
    std::fs::remove_dir_all(&folder).unwrap();
}

/// Routes are built in file order whether read straight from the token stream (`route`
/// statements of `static`, `unicast` of `announce`) or from the section tree.
#[test]
fn routes_built_in_file_order() {
    let configuration = parse(
        "neighbor 10.0.0.1 {\n local-as 1; peer-as 1; router-id 9.9.9.9;\n family { ipv4 unicast; ipv4 mpls-vpn; ipv4 flow; l2vpn vpls; }\n \
         static {\n  route 10.0.0.0/24 next-hop self med 10 community [ 1:1 no-export ] split /25;\n  \
         route 10.1.0.0/24 {\n   rd 65000:1;\n   label 100;\n   next-hop 1.1.1.1;\n  }\n  route 10.3.0.0/16 next-hop 3.3.3.3;\n }\n \
         flow { route drop { match { source 10.0.0.0/24; destination-port [ =80 >8080&<8088 ]; } then { discard; } } }\n \
         l2vpn { vpls site endpoint 5 base 10702 offset 1 size 8 rd 1.1.1.1:1 next-hop 1.1.1.1; }\n \
         announce { ipv4 { unicast 10.2.0.0/24 next-hop 2.2.2.2 med 10 community [ 1:1 no-export ]; } }\n}\n",
    )
    .unwrap();
    let peer = &configuration.neighbors[0];
    let families: Vec<Family> = peer.changes.iter().map(|c| c.nlri.family()).collect();
    let unicast = Family::IPV4_UNICAST;
    assert_eq!(
        families,
        [
            unicast,
            unicast,
            Family::new(Afi::IPV4, Safi::MPLS_VPN),
            unicast,
            Family::new(Afi::L2VPN, Safi::VPLS),
            unicast,
            Family::new(Afi::IPV4, Safi::FLOW_IP),
        ]
    );
    let split: Vec<String> = peer.changes[..2]
        .iter()
        .map(|c| c.nlri.to_string())
        .collect();
    assert_eq!(split, ["10.0.0.0/25", "10.0.0.128/25"]);
    // next-hop self: the router-id, there being no local address
    assert_eq!(peer.changes[0].nexthop, Some(ip("9.9.9.9")));
    assert_eq!(peer.changes[1].nexthop, Some(ip("9.9.9.9")));
    assert_eq!(peer.changes[3].nlri.to_string(), "10.3.0.0/16");
    assert_eq!(peer.changes[5].nexthop, Some(ip("2.2.2.2")));
    // the same attributes, one shared set
    assert!(std::sync::Arc::ptr_eq(
        &peer.changes[0].attributes,
        &peer.changes[5].attributes
    ));
    assert_eq!(peer.changes[0].attributes.iter().count(), 2);
    let flow = &peer.flows[0];
    assert_eq!(flow.name, "drop");
    assert_eq!(flow.family, Family::new(Afi::IPV4, Safi::FLOW_IP));
    assert_eq!(
        flow.matches[1].value,
        Value::Words(vec!["=80".into(), ">8080&<8088".into()])
    );
    assert_eq!(flow.then[0].keyword, "discard");
}

/// ExaBGP's tokeniser ends a statement at a `}` as at a `;` (its qa tools write
/// `family { all }`): the last statement of any section may omit its `;`.
#[test]
fn last_statement_may_end_at_the_closing_brace() {
    let configuration = parse(
        "neighbor 10.0.0.1 {\n local-as 1; peer-as 1; router-id 9.9.9.9;\n \
         family { ipv4 unicast; ipv4 flow }\n \
         static {\n  route 10.0.0.0/24 next-hop 1.1.1.1; route 10.1.0.0/24 next-hop 1.1.1.2 }\n \
         flow { route drop { match { source 10.0.0.0/24 } then { discard } } }\n \
         announce { ipv4 { unicast 10.2.0.0/24 next-hop 2.2.2.2 } }\n}\n\
         neighbor 10.0.0.2 { local-as 1; peer-as 1; router-id 9.9.9.9; family { all } }\n",
    )
    .unwrap();
    let peer = &configuration.neighbors[0];
    assert_eq!(peer.neighbor.router_id, Some("9.9.9.9".parse().unwrap()));
    assert_eq!(
        peer.neighbor.families,
        [Family::IPV4_UNICAST, Family::new(Afi::IPV4, Safi::FLOW_IP)]
    );
    let routes: Vec<String> = peer.changes.iter().map(|c| c.nlri.to_string()).collect();
    assert_eq!(
        routes,
        [
            "10.0.0.0/24",
            "10.1.0.0/24",
            "10.2.0.0/24",
            "flow source-ipv4 10.0.0.0/24"
        ]
    );
    assert_eq!(peer.changes[1].nexthop, Some(ip("1.1.1.2")));
    assert_eq!(peer.flows[0].then[0].keyword, "discard");
    let all = &configuration.neighbors[1].neighbor.families;
    assert!(
        all.contains(&Family::IPV4_UNICAST) && all.contains(&Family::new(Afi::L2VPN, Safi::VPLS))
    );
    // a value missing before the '}' is reported where the '}' is
    assert_eq!(
        error("neighbor 10.0.0.1 { local-as 1; peer-as 1; hold-time }\n"),
        "conf.conf:1:54: expected a hold time in seconds (0 or 3-65535) after 'hold-time', got the end of the statement"
    );
}

/// `flow-ipv6-offset`: the whole prefix by default (ExaBGP, FRR, GoBGP), RFC 8956 on request;
/// the session's negotiated layout follows the neighbour.
#[test]
fn flow_ipv6_offset_layout_is_a_neighbor_setting() {
    use crate::bgp::message::update::nlri::OffsetLayout;
    let configuration = parse(
        "neighbor 10.0.0.1 { local-as 1; peer-as 1; router-id 9.9.9.9; }\n\
         neighbor 10.0.0.2 { local-as 1; peer-as 1; router-id 9.9.9.9; flow-ipv6-offset rfc8956; }\n\
         neighbor 10.0.0.3 { local-as 1; peer-as 1; router-id 9.9.9.9; flow-ipv6-offset whole-prefix; }\n",
    )
    .unwrap();
    let layouts: Vec<OffsetLayout> = configuration
        .neighbors
        .iter()
        .map(|peer| peer.neighbor.flow_offset)
        .collect();
    assert_eq!(
        layouts,
        [
            OffsetLayout::WholePrefix,
            OffsetLayout::Rfc8956,
            OffsetLayout::WholePrefix
        ]
    );
    assert_eq!(
        error("neighbor 10.0.0.1 { local-as 1; peer-as 1; flow-ipv6-offset strict; }\n"),
        "conf.conf:1:61: expected 'whole-prefix' or 'rfc8956' after 'flow-ipv6-offset', got 'strict'"
    );
}

#[test]
fn multi_session_splits_per_family() {
    let configuration = parse(
        "neighbor 10.0.0.1 {\n local-as 1; peer-as 1; router-id 9.9.9.9;\n capability { multi-session; }\n family { ipv4 unicast; ipv6 unicast; }\n}\n",
    )
    .unwrap();
    let families: Vec<Vec<Family>> = configuration
        .neighbors
        .iter()
        .map(|p| p.neighbor.families.clone())
        .collect();
    assert_eq!(
        families,
        vec![vec![Family::IPV4_UNICAST], vec![Family::IPV6_UNICAST]]
    );
}

#[test]
fn errors_name_file_line_column_and_expectation() {
    let cases: &[(&str, &str)] = &[
        (
            "neighbor 10.0.0.1 {\n    local-address foo;\n}\n",
            "conf.conf:2:19: expected an IP address after 'local-address', got 'foo'",
        ),
        ("neighbor 10.0.0.1 {\n  local-as 1;\n}\n", "conf.conf:1:1: incomplete neighbor, missing peer-as"),
        ("neighbor nope {\n}\n", "conf.conf:1:10: expected an IP address or prefix for the neighbor after 'neighbor', got 'nope'"),
        (
            "neighbor 10.0.0.1 {\n  local-as 1; peer-as 1; router-id 9.9.9.9;\n  hold-time 2;\n}\n",
            "conf.conf:3:13: the hold time must be zero or at least three seconds (RFC 4271 §4.2)",
        ),
        (
            "neighbor 10.0.0.1 {\n  local-as 1; peer-as 1; router-id 9.9.9.9;\n  peer-address 1.1.1.1;\n}\n",
            "conf.conf:3:3: unknown neighbor statement 'peer-address': expected description, router-id, local-address, \
             local-link-local, local-as, peer-as, hold-time, rate-limit, passive, listen, connect, source-interface, \
             outgoing-ttl, incoming-ttl, md5-password, md5-base64, md5-ip, group-updates, auto-flush, adj-rib-in, \
             adj-rib-out, manual-eor, host-name, domain-name, flow-ipv6-offset or inherit",
        ),
        (
            "neighbor 10.0.0.1 {\n  local-as 1; peer-as 1; router-id 9.9.9.9;\n  family {\n    ipv4 unicorn;\n  }\n}\n",
            "conf.conf:4:10: expected a subsequent family (unicast, multicast, nlri-mpls, labeled-unicast, mpls-vpn, \
             mcast-vpn, flow, flow-vpn, mup, sr-policy) after 'ipv4', got 'unicorn'",
        ),
        (
            "neighbor 10.0.0.1 {\n  local-as 1; peer-as 1; router-id 9.9.9.9;\n  capability { add-path both; }\n}\n",
            "conf.conf:3:25: expected send, receive, send/receive or disable after 'add-path', got 'both'",
        ),
        (
            "neighbor 10.0.0.1 {\n  local-as 1; peer-as 1; router-id 9.9.9.9;\n  static {\n    route 10.0.0.0/24 next-hop 1.1.1.1 med;\n  }\n}\n",
            "conf.conf:4:43: expected a 32-bit number after 'med', got the end of the statement",
        ),
        (
            "neighbor 10.0.0.1 {\n  local-as 1; peer-as 1; router-id 9.9.9.9;\n  static {\n    route 10.0.0.0/24 next-hop 1.1.1.1 colour red;\n  }\n}\n",
            "conf.conf:4:40: unknown route keyword 'colour'",
        ),
        (
            "neighbor 10.0.0.1 {\n  local-as 1; peer-as 1; router-id 9.9.9.9;\n  inherit missing;\n}\n",
            "conf.conf:3:11: unknown template 'missing' in inherit",
        ),
        (
            "neighbor 10.0.0.1 {\n  local-as 1; peer-as 1; router-id 9.9.9.9;\n  passive true false;\n}\n",
            "conf.conf:3:16: unexpected 'false' after 'true'",
        ),
        ("neighbor 10.0.0.0/24 {\n  local-as 1; peer-as 1; router-id 9.9.9.9;\n}\n", "conf.conf:1:1: can only use ip ranges for the peer address with passive neighbors"),
        (
            "neighbor 10.0.0.1 {\n  local-address 2001:db8::1; local-as 1; peer-as 1; router-id 9.9.9.9;\n}\n",
            "conf.conf:1:1: local-address and peer-address must be of the same family",
        ),
        (
            "neighbor 10.0.0.1 { local-as 1; peer-as 1; router-id 9.9.9.9; }\nneighbor 10.0.0.1 { local-as 1; peer-as 1; router-id 9.9.9.9; }\n",
            "conf.conf:2:1: duplicate peer definition 10.0.0.1",
        ),
        (
            "neighbor 10.0.0.1 {\n  local-as 1; peer-as 1; router-id 9.9.9.9;\n  announce {\n    ipv4 {\n      unicast 2001:db8::/32 next-hop 1.1.1.1;\n    }\n  }\n}\n",
            "conf.conf:5:7: the prefix is not an ipv4 prefix",
        ),
        (
            "neighbor 10.0.0.1 {\n  local-as 1; peer-as 1; router-id 9.9.9.9;\n  static {\n    sr-policy distinguisher 0 color 1 endpoint 10.0.0.1 next-hop 1.1.1.1 segment-list weight 1 segment type-c algorithm 0;\n  }\n}\n",
            "conf.conf:4:96: segment type-c needs 'ipv4'",
        ),
        ("bogus {\n}\n", "conf.conf:1:1: unknown section 'bogus': expected process, template or neighbor"),
        (
            "neighbor 10.0.0.1 {\n  local-as 1; peer-as 1; router-id 9.9.9.9;\n  host-name -router;\n}\n",
            "conf.conf:3:13: '-router' is not a valid hostname: must start with an alphanumeric character",
        ),
        (
            "neighbor 10.0.0.1 {\n  local-as 1; peer-as 1; router-id 9.9.9.9;\n  outgoing-ttl 256;\n}\n",
            "conf.conf:3:16: expected a TTL (0-255), disable, disabled or false after 'outgoing-ttl', got '256'",
        ),
        (
            "neighbor 10.0.0.1 {\n  local-as 1\n  peer-as 1;\n}\n",
            "conf.conf:3:3: unexpected 'peer-as' after '1'",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(&error(text), expected, "for:\n{text}");
    }
}

#[test]
fn session_checks_of_exabgp() {
    let cases: &[(&str, &str)] = &[
        ("neighbor 10.0.0.1 {\n local-as 1; peer-as 1;\n}\n", "conf.conf:1:1: router-id must be set"),
        (
            "neighbor 2001:db8::1 {\n local-address 2001:db8::2; local-as 1; peer-as 1;\n}\n",
            "conf.conf:1:1: router-id must be set",
        ),
        (
            "neighbor 10.0.0.1 {\n local-as 1; peer-as 1; router-id 1.1.1.1; listen 179;\n}\n",
            "conf.conf:1:1: local-address must be set",
        ),
        (
            "neighbor 10.0.0.1 {\n local-address 10.0.0.2; local-as 1; peer-as 1;\n md5-password abc;\n \
             tcp-ao { keyid 1; algorithm hmac-sha-256; password x; }\n}\n",
            "conf.conf:1:1: MD5 and TCP-AO are mutually exclusive - cannot use both",
        ),
        (
            "neighbor 10.0.0.1 {\n local-address 10.0.0.2; local-as 1; peer-as 1;\n md5-password a*b;\n md5-base64;\n}\n",
            "conf.conf:1:1: Invalid MD5 password: not valid base64 (incorrect padding)",
        ),
        (
            "neighbor 10.0.0.1 {\n local-address 10.0.0.2; local-as 1; peer-as 1;\n tcp-ao { keyid 1; password x; }\n}\n",
            "conf.conf:3:2: incomplete tcp-ao, missing algorithm",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(&error(text), expected, "for:\n{text}");
    }
    // md5-ip defaults to the local address
    let configuration =
        parse("neighbor 10.0.0.1 {\n local-address 10.0.0.2; local-as 1; peer-as 1;\n md5-password abc;\n}\n").unwrap();
    assert_eq!(
        configuration.neighbors[0].neighbor.md5_ip,
        Some(ip("10.0.0.2"))
    );
}

#[test]
fn family_sections_refuse_duplicates_and_mixing_all() {
    let cases: &[(&str, &str)] = &[
        (
            "neighbor 10.0.0.1 {\n local-as 1; peer-as 1; router-id 9.9.9.9;\n family {\n  ipv4 unicast;\n  ipv4 unicast;\n }\n}\n",
            "conf.conf:5:3: Duplicate entry: ipv4 unicast",
        ),
        (
            "neighbor 10.0.0.1 {\n local-as 1; peer-as 1; router-id 9.9.9.9;\n family {\n  ipv4 unicast;\n  all;\n }\n}\n",
            "conf.conf:5:3: all cannot be used with any other options",
        ),
        (
            "neighbor 10.0.0.1 {\n local-as 1; peer-as 1; router-id 9.9.9.9;\n family {\n  all;\n  ipv6 unicast;\n }\n}\n",
            "conf.conf:5:3: cannot add any family once family all is set",
        ),
        (
            "neighbor 10.0.0.1 {\n local-as 1; peer-as 1; router-id 9.9.9.9;\n nexthop {\n  ipv4 unicast ipv6;\n  ipv4 unicast ipv6;\n }\n}\n",
            "conf.conf:5:3: Duplicate entry: ipv4 unicast ipv6",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(&error(text), expected, "for:\n{text}");
    }
    // `all` (like no family section) is every family ExaBGP has NLRI for
    let configuration = parse(
        "neighbor 10.0.0.1 {\n local-as 1; peer-as 1; router-id 9.9.9.9;\n family { all; }\n}\n",
    )
    .unwrap();
    let families = &configuration.neighbors[0].neighbor.families;
    assert_eq!(families, &family::all());
    assert!(families.contains(&Family::IPV6_MULTICAST));
    assert!(families.contains(&Family::new(Afi::IPV4, Safi::RTC)));
    assert_eq!(families.len(), 23);
}

mod robustness {
    use super::*;
    use proptest::prelude::*;

    const WORDS: &[&str] = &[
        "neighbor",
        "10.0.0.1",
        "2001:db8::1",
        "template",
        "process",
        "inherit",
        "static",
        "route",
        "announce",
        "ipv4",
        "ipv6",
        "unicast",
        "flow",
        "match",
        "then",
        "scope",
        "family",
        "capability",
        "api",
        "processes",
        "next-hop",
        "self",
        "as-path",
        "community",
        "attribute",
        "split",
        "/24",
        "10.0.0.0/8",
        "0x",
        "0xzz",
        "é",
        "local-as",
        "peer-as",
        "1",
        "65536",
        "[",
        "]",
        "(",
        ")",
        ",",
        "{",
        "}",
        ";",
        "\"",
        "\\",
        "#",
        "\n",
        "sr-policy",
        "segment-list",
        "segment",
        "type-a",
        "mpls",
        "mup",
        "mup-t1st",
        "mcast-vpn",
        "vpls",
        "l2vpn",
        "tcp-ao",
        "add-path",
        "nexthop",
        "run",
        "encoder",
        "json",
        "operational",
        "asm",
        "afi",
        "safi",
    ];

    proptest! {
        /// Any sequence of configuration words parses or fails with an error, never panics.
        #[test]
        fn never_panics(picks in proptest::collection::vec(0..WORDS.len(), 0..80)) {
            let text: Vec<&str> = picks.iter().map(|&i| WORDS[i]).collect();
            let _ = Configuration::parse(&text.join(" "), Path::new("fuzz.conf"));
        }

        /// Arbitrary text too.
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
            let _ = Configuration::parse(&text, Path::new("fuzz.conf"));
        }
    }

    const ROUTE_WORDS: &[&str] = &[
        "next-hop",
        "self",
        "1.1.1.1",
        "::1",
        "origin",
        "igp",
        "med",
        "100",
        "local-preference",
        "as-path",
        "[",
        "]",
        "(",
        ")",
        ",",
        "community",
        "1:1",
        "no-export",
        "large-community",
        "1:2:3",
        "extended-community",
        "target:1:1",
        "0x0002fde800000001",
        "originator-id",
        "cluster-list",
        "aggregator",
        "1:1.1.1.1",
        "atomic-aggregate",
        "aigp",
        "path-information",
        "0.0.0.1",
        "label",
        "rd",
        "65000:1",
        "attribute",
        "0x01",
        "0x40",
        "0x00",
        "0xé",
        "split",
        "/0",
        "/9",
        "/32",
        "/129",
        "watchdog",
        "withdraw",
        "name",
        "x",
        "bgp-prefix-sid-srv6",
        "l3-service",
        "bgp-prefix-sid",
        "distinguisher",
        "color",
        "endpoint",
        "preference",
        "binding-sid",
        "mpls",
        "segment-list",
        "weight",
        "segment",
        "type-a",
        "type-b",
        "type-f",
        "srv6",
        "endpoint-behavior",
        "local",
        "remote",
        "sid",
        "teid",
        "qfi",
        "mup-t1st",
        "mup-isd",
        "source",
        "group",
        "rp",
        "source-as",
        "shared-join",
        "discard",
        "rate-limit",
        "redirect",
        "destination-port",
        "=80",
        ">1&<2",
        "protocol",
        "tcp",
        "source-port",
        "10.0.0.0/8",
        "::1/128/0",
        "interface-set",
        "transitive:input:1:1",
        "endpoint",
        "base",
        "offset",
        "size",
        "4294967296",
        "",
    ];

    proptest! {
        /// Route lines of every family with arbitrary keyword soup: errors, never panics.
        #[test]
        fn route_lines_never_panic(kind in 0usize..8, picks in proptest::collection::vec(0..ROUTE_WORDS.len(), 0..30)) {
            let words: Vec<&str> = picks.iter().map(|&i| ROUTE_WORDS[i]).collect();
            let words = words.join(" ");
            let body = match kind {
                0 => format!("static {{ route 10.0.0.0/8 {words}; }}"),
                1 => format!("static {{ route 10.0.0.0/8 {{ {words}; }} }}"),
                2 => format!("static {{ sr-policy {words}; }}"),
                3 => format!("announce {{ ipv4 {{ mup {words}; }} }}"),
                4 => format!("announce {{ ipv6 {{ mcast-vpn {words}; }} }}"),
                5 => format!("announce {{ ipv4 {{ flow {words}; }} }}"),
                6 => format!("flow {{ route {{ match {{ {words}; }} then {{ {words}; }} }} }}"),
                _ => format!("l2vpn {{ vpls {words}; }}"),
            };
            let text = format!(
                "neighbor 10.0.0.1 {{ local-address 10.0.0.2; local-as 1; peer-as 1; {body} }}"
            );
            let _ = Configuration::parse(&text, Path::new("fuzz.conf"));
        }
    }
}

#[test]
fn a_file_that_is_not_utf8_is_refused_at_the_bad_byte() {
    let folder = std::env::temp_dir().join(format!("exabgp-rs-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join("latin1.conf");
    std::fs::write(
        &path,
        b"neighbor 127.0.0.1 {\n  local-as 1;\n  description \"caf\xe9\";\n}\n",
    )
    .unwrap();
    let error = Configuration::load_with(&path, Programs::AsWritten)
        .unwrap_err()
        .to_string();
    std::fs::remove_dir_all(&folder).unwrap();
    assert_eq!(
        error,
        format!(
            "{}:3:19: the configuration is not UTF-8 text",
            path.display()
        )
    );
}
