//! Interoperability tests (issue 5): FlowSpec (RFC 8955, RFC 8956) and L3VPN (RFC 4364,
//! RFC 4659) routes announced by exabgp-rs from its configuration and read back from GoBGP and
//! FRR (then withdrawn through the API), and GoBGP's and FRR's routes of these families as
//! exabgp-rs reports them in ExaBGP's JSON.
//!
//! `cargo test --test interop_families`; the daemons and skipping are as in `tests/interop.rs`.
//! The expected values are what each daemon shows for the configured match, action, RD, label
//! and route-target (its own notation), so a wrong byte in our encoding shows as a wrong field.

mod common;

use common::daemons::{wait_established, Daemon, Frr, Gobgp};
use common::exabgp::{speaker_command, Speaker};
use common::{require, wait_for, Endpoint, ExtraFamily, Neighbor, WAIT};
use serde_json::Value;

/// The families every session of these tests negotiates on top of IPv4 and IPv6 unicast.
const FAMILIES: [ExtraFamily; 4] = [
    ExtraFamily::FlowIpv4,
    ExtraFamily::FlowIpv6,
    ExtraFamily::VpnIpv4,
    ExtraFamily::VpnIpv6,
];

/// `FAMILIES` and IPv4 flowspec VPN (RFC 8955 §8), which GoBGP has and FRR 8.4 has not.
const GOBGP_FAMILIES: [ExtraFamily; 5] = [
    ExtraFamily::FlowIpv4,
    ExtraFamily::FlowIpv6,
    ExtraFamily::FlowVpnIpv4,
    ExtraFamily::VpnIpv4,
    ExtraFamily::VpnIpv6,
];

/// The flow VPN route exabgp-rs announces when the family is negotiated.
const FLOW_VPN: &str = "    flow {
        route vpn {
            rd 65000:77;
            match { destination 192.168.11.0/24; }
            then { redirect 65000:99; }
        }
    }
";

/// The flow routes exabgp-rs announces. FRR takes at most five values per component, and GoBGP
/// 3.10 misreads the two-byte length of an NLRI of 240 bytes or more, so the rules stay small.
/// The IPv6 source has an offset: in RFC 8956's layout FRR resets the session and GoBGP
/// misreads the prefix; the default whole-prefix layout is what both read.
const FLOW: &str = "    flow {
        route ports {
            match {
                source 10.0.0.0/24;
                destination 192.168.0.0/24;
                protocol [ tcp udp ];
                port =80;
                destination-port [ >8080&<8088 =3128 ];
                source-port >1024;
            }
            then { rate-limit 9600; }
        }
        route flags {
            match {
                destination 192.168.1.0/24;
                packet-length [ >200&<300 >=400&<=500 ];
                tcp-flags [ syn rst&fin&!=push ];
                fragment [ first-fragment last-fragment ];
                dscp [ 10 20 ];
            }
            then { redirect 65500:12345; mark 10; }
        }
        route icmp {
            match {
                destination 192.168.2.1/32;
                protocol icmp;
                icmp-type echo-request;
                icmp-code 0;
            }
            then { discard; }
        }
        route redirect-as4 {
            match { destination 192.168.4.0/24; }
            then { redirect 4200000000:7; }
        }
        route six {
            match {
                source 2001:db8:1::/48/8;
                destination 2001:db8:2::/64/0;
                next-header udp;
                destination-port =53;
                traffic-class 46;
                flow-label 2013;
            }
            then { discard; }
        }
    }
";

/// One flow route of `FLOW` as a daemon shows it: its components (name, value) in RFC 8955
/// order, and its actions.
struct Flow {
    destination: &'static str,
    components: &'static [(&'static str, &'static str)],
    actions: &'static str,
}

/// The L3VPN routes exabgp-rs announces: RDs of types 0, 1 and 2, next hop the speaker's own.
fn vpn_routes(me: Endpoint) -> String {
    let (v4, v6) = (me.next_hop4(), me.next_hop6());
    format!(
        "    static {{
        route 10.20.0.0/24 rd 65000:1 next-hop {v4} label 1000 extended-community [ target:65000:100 target:1.2.3.4:100 ];
        route 10.21.0.0/24 rd 1.2.3.4:5 next-hop {v4} label 1001 extended-community [ target:65000:101 ];
        route 10.22.0.0/24 rd 4200000000:7 next-hop {v4} label 1002 extended-community [ target:65000:102 ];
        route 2001:db8:20::/48 rd 65000:2 next-hop {v6} label 2000 extended-community [ target:65000:200 ];
        route 2001:db8:21::/48 rd 10.0.0.1:3 next-hop {v6} label 2001 extended-community [ target:10.0.0.1:201 ];
    }}
"
    )
}

/// One route of `vpn_routes`: the RD as (type, text), the label and the route-targets.
struct Vpn {
    prefix: &'static str,
    rd: (u64, &'static str),
    label: u64,
    targets: &'static [&'static str],
}

const VPN: [Vpn; 5] = [
    Vpn {
        prefix: "10.20.0.0/24",
        rd: (0, "65000:1"),
        label: 1000,
        targets: &["65000:100", "1.2.3.4:100"],
    },
    Vpn {
        prefix: "10.21.0.0/24",
        rd: (1, "1.2.3.4:5"),
        label: 1001,
        targets: &["65000:101"],
    },
    Vpn {
        prefix: "10.22.0.0/24",
        rd: (2, "4200000000:7"),
        label: 1002,
        targets: &["65000:102"],
    },
    Vpn {
        prefix: "2001:db8:20::/48",
        rd: (0, "65000:2"),
        label: 2000,
        targets: &["65000:200"],
    },
    Vpn {
        prefix: "2001:db8:21::/48",
        rd: (1, "10.0.0.1:3"),
        label: 2001,
        targets: &["10.0.0.1:201"],
    },
];

impl Vpn {
    fn is_ipv6(&self) -> bool {
        self.prefix.contains(':')
    }
}

/// Starts a daemon (passive) and exabgp-rs announcing `FLOW` (and `FLOW_VPN` when `families`
/// has it) and `vpn_routes` to it, and waits for the session; `None` (the reason printed) when
/// something is not installed outside CI.
fn announce<D: Daemon>(
    installed: bool,
    families: &[ExtraFamily],
    start: impl FnOnce(Endpoint, Neighbor) -> Result<D, String>,
) -> Option<(D, Speaker, Endpoint)> {
    if !installed {
        return None;
    }
    let command = speaker_command()?;
    let me = Endpoint::new(65000);
    let peer_end = Endpoint::new(65010);
    let to_speaker = Neighbor {
        endpoint: me,
        passive: true,
    };
    let mut peer = start(peer_end, to_speaker).unwrap_or_else(|e| panic!("starting the peer: {e}"));
    let to_peer = Neighbor {
        endpoint: peer_end,
        passive: false,
    };
    let flow_vpn = if families.contains(&ExtraFamily::FlowVpnIpv4) {
        FLOW_VPN
    } else {
        ""
    };
    let sections = format!("{FLOW}{flow_vpn}{}", vpn_routes(me));
    let speaker = Speaker::start_with(command, me, to_peer, &[], families, &sections)
        .unwrap_or_else(|e| panic!("starting the speaker: {e}"));
    wait_established(&mut peer, me.address);
    Some((peer, speaker, me))
}

fn gobgp_installed() -> bool {
    require("gobgpd") && require("gobgp")
}

fn frr_installed() -> bool {
    require("/usr/lib/frr/bgpd") && require("vtysh")
}

/// Waits until `probe` finds all of `count` things, failing with what it found and the
/// daemon's log.
fn wait_all<T: std::fmt::Debug>(
    daemon: &dyn Daemon,
    what: &str,
    count: usize,
    mut probe: impl FnMut() -> Result<Vec<T>, String>,
) -> Vec<T> {
    wait_for(what, WAIT, || {
        let found = probe()?;
        if found.len() >= count {
            Ok(Some(found))
        } else {
            Err(format!("{} of {count}: {found:?}", found.len()))
        }
    })
    .unwrap_or_else(|e| panic!("{e}\n--- {} log:\n{}", daemon.name(), daemon.log()))
}

/// Waits until `probe` lists exactly `expected` (in any order), failing with what it listed
/// and the daemon's log.
fn wait_exactly(
    daemon: &dyn Daemon,
    what: &str,
    mut expected: Vec<String>,
    mut probe: impl FnMut() -> Result<Vec<String>, String>,
) {
    expected.sort();
    wait_for(what, WAIT, || {
        let mut listed = probe()?;
        listed.sort();
        if listed == expected {
            Ok(Some(()))
        } else {
            Err(format!("{listed:?}, expecting {expected:?}"))
        }
    })
    .unwrap_or_else(|e| panic!("{e}\n--- {} log:\n{}", daemon.name(), daemon.log()))
}

/// API commands withdrawing two of the flow routes (their index in `GOBGP_FLOW`/`FRR_FLOW`):
/// the peers must drop exactly these.
const FLOW_WITHDRAW: [(usize, &str); 2] = [
    (3, "withdraw flow route destination 192.168.4.0/24"),
    (
        4,
        "withdraw flow route source 2001:db8:1::/48/8 destination 2001:db8:2::/64/0 \
         next-header udp destination-port =53 traffic-class 46 flow-label 2013",
    ),
];

/// Withdraws `FLOW_WITHDRAW` through the speaker's API and waits until the destinations `listed`
/// by the peer are those of the other routes of `flows`.
fn withdraw_flows(
    speaker: &Speaker,
    daemon: &dyn Daemon,
    flows: &[Flow],
    listed: impl FnMut() -> Result<Vec<String>, String>,
) {
    for (_, command) in FLOW_WITHDRAW {
        speaker.send(command).unwrap_or_else(|e| panic!("{e}"));
    }
    let kept = flows
        .iter()
        .enumerate()
        .filter(|(i, _)| FLOW_WITHDRAW.iter().all(|(w, _)| w != i))
        .map(|(_, flow)| flow.destination.to_string())
        .collect();
    let what = format!("the withdrawn flow routes to leave {}", daemon.name());
    wait_exactly(daemon, &what, kept, listed);
}

/// Withdraws two of the VPN routes (RD types 1, IPv4 and IPv6) through the speaker's API and
/// waits until the routes `listed` by the peer, as "RD prefix", are the others of `VPN`.
fn withdraw_vpns(
    speaker: &Speaker,
    me: Endpoint,
    daemon: &dyn Daemon,
    listed: impl FnMut() -> Result<Vec<String>, String>,
) {
    let (v4, v6) = (me.next_hop4(), me.next_hop6());
    for command in [
        format!("withdraw route 10.21.0.0/24 rd 1.2.3.4:5 next-hop {v4} label 1001"),
        format!("withdraw route 2001:db8:21::/48 rd 10.0.0.1:3 next-hop {v6} label 2001"),
    ] {
        speaker.send(&command).unwrap_or_else(|e| panic!("{e}"));
    }
    let kept = VPN
        .iter()
        .filter(|v| v.rd.0 != 1)
        .map(|v| format!("{} {}", v.rd.1, v.prefix))
        .collect();
    let what = format!("the withdrawn VPN routes to leave {}", daemon.name());
    wait_exactly(daemon, &what, kept, listed);
}

// ---------------------------------------------------------------------------------------------
// GoBGP

/// `FLOW` as GoBGP shows it (`gobgp global rib -a ipv4-flowspec`): `==` is "equal" with the
/// OR of the previous value, `&` an AND, `!=` on flags "not match"; S R F P are SYN RST FIN PSH.
const GOBGP_FLOW: [Flow; 6] = [
    Flow {
        destination: "192.168.0.0/24",
        components: &[
            ("destination", "192.168.0.0/24"),
            ("source", "10.0.0.0/24"),
            ("protocol", "==tcp ==udp"),
            ("port", "==80"),
            ("destination-port", ">8080&<8088 ==3128"),
            ("source-port", ">1024"),
        ],
        actions: "rate 9600",
    },
    Flow {
        destination: "192.168.1.0/24",
        components: &[
            ("destination", "192.168.1.0/24"),
            ("tcp-flags", "S R&F&!=P"),
            ("packet-length", ">200&<300 >=400&<=500"),
            ("dscp", "==10 ==20"),
            ("fragment", "first-fragment last-fragment"),
        ],
        actions: "redirect 65500:12345, mark 10",
    },
    Flow {
        destination: "192.168.2.1/32",
        components: &[
            ("destination", "192.168.2.1/32"),
            ("protocol", "==icmp"),
            ("icmp-type", "==8"),
            ("icmp-code", "==0"),
        ],
        actions: "rate 0",
    },
    Flow {
        destination: "192.168.4.0/24",
        components: &[("destination", "192.168.4.0/24")],
        // GoBGP writes a four-byte AS as high.low: 64086 * 65536 + 59904 = 4200000000
        actions: "redirect 64086.59904:7",
    },
    Flow {
        destination: "2001:db8:2::/64/0",
        components: &[
            ("destination", "2001:db8:2::/64/0"),
            ("source", "2001:db8:1::/48/8"),
            ("protocol", "==udp"),
            ("destination-port", "==53"),
            ("dscp", "==46"),
            ("label", "==2013"),
        ],
        actions: "rate 0",
    },
    Flow {
        destination: "192.168.11.0/24",
        components: &[("rd", "65000:77"), ("destination", "192.168.11.0/24")],
        actions: "redirect 65000:99",
    },
];

/// Splits GoBGP's text of a flow NLRI, `[name: value][name: value]...`, into its components.
fn gobgp_components(key: &str) -> Vec<(String, String)> {
    key.trim_start_matches('[')
        .trim_end_matches(']')
        .split("][")
        .filter_map(|c| c.split_once(": "))
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

/// The extended communities of a GoBGP path (attribute 16), each as "kind value".
fn gobgp_extended(path: &Value) -> Vec<String> {
    let attributes = path["attrs"].as_array().into_iter().flatten();
    let extended = attributes.filter(|a| a["type"] == 16);
    let values = extended.flat_map(|a| a["value"].as_array().into_iter().flatten());
    values
        .map(|c| {
            let value = match &c["value"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            match (c["type"].as_u64(), c["subtype"].as_u64()) {
                (Some(0x80), Some(6)) => format!("rate {}", c["rate"]),
                // redirect to a route-target of a two-byte AS, an IPv4 address, a four-byte AS
                (Some(0x80..=0x82), Some(8)) => format!("redirect {value}"),
                (Some(0x80), Some(9)) => format!("mark {value}"),
                (Some(0..=2), Some(2)) => format!("target {value}"),
                _ => c.to_string(),
            }
        })
        .collect()
}

/// The paths of a `gobgp -j global rib -a <family>` table, with their keys.
fn gobgp_paths(gobgp: &Gobgp, family: &str) -> Result<Vec<(String, Value)>, String> {
    let out = gobgp.gobgp(&["-j", "global", "rib", "-a", family])?;
    let table: Value = serde_json::from_str(&out).map_err(|e| format!("{e}: {out}"))?;
    let mut paths = Vec::new();
    for (key, list) in table.as_object().into_iter().flatten() {
        for path in list.as_array().into_iter().flatten() {
            paths.push((key.clone(), path.clone()));
        }
    }
    Ok(paths)
}

#[test]
fn exabgp_flowspec_to_gobgp() {
    let families = &GOBGP_FAMILIES;
    let Some((gobgp, speaker, _me)) = announce(gobgp_installed(), families, |me, neighbor| {
        Gobgp::start_with(me, &[neighbor], &[], families)
    }) else {
        return;
    };
    let flows = || {
        let mut paths = gobgp_paths(&gobgp, "ipv4-flowspec")?;
        paths.extend(gobgp_paths(&gobgp, "ipv6-flowspec")?);
        paths.extend(gobgp_paths(&gobgp, "ipv4-l3vpn-flowspec")?);
        Ok(paths)
    };
    let destination = |key: &str| {
        gobgp_components(key)
            .into_iter()
            .find(|(name, _)| name == "destination")
            .map(|(_, destination)| destination)
    };
    let paths = wait_all(&gobgp, "our flow routes in GoBGP", GOBGP_FLOW.len(), flows);
    for flow in &GOBGP_FLOW {
        let (key, path) = paths
            .iter()
            .find(|(key, _)| destination(key).as_deref() == Some(flow.destination))
            .unwrap_or_else(|| panic!("no flow to {} in GoBGP: {paths:?}", flow.destination));
        let expected: Vec<(String, String)> = flow
            .components
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        assert_eq!(gobgp_components(key), expected, "GoBGP components of {key}");
        assert_eq!(
            gobgp_extended(path).join(", "),
            flow.actions,
            "GoBGP actions of {key}"
        );
    }
    withdraw_flows(&speaker, &gobgp, &GOBGP_FLOW, || {
        let paths = flows()?;
        Ok(paths
            .iter()
            .filter_map(|(key, _)| destination(key))
            .collect())
    });
}

#[test]
fn exabgp_vpn_to_gobgp() {
    let Some((gobgp, speaker, me)) = announce(gobgp_installed(), &FAMILIES, |me, neighbor| {
        Gobgp::start_with(me, &[neighbor], &[], &FAMILIES)
    }) else {
        return;
    };
    let vpns = || {
        let mut paths = gobgp_paths(&gobgp, "vpnv4")?;
        paths.extend(gobgp_paths(&gobgp, "vpnv6")?);
        Ok(paths)
    };
    let paths = wait_all(&gobgp, "our VPN routes in GoBGP", VPN.len(), vpns);
    for vpn in &VPN {
        let (key, path) = paths
            .iter()
            .find(|(_, path)| path["nlri"]["prefix"] == vpn.prefix)
            .unwrap_or_else(|| panic!("no {} in GoBGP: {paths:?}", vpn.prefix));
        let rd = &path["nlri"]["rd"];
        let admin = match &rd["admin"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        assert_eq!(
            (rd["type"].as_u64(), format!("{admin}:{}", rd["assigned"])),
            (Some(vpn.rd.0), vpn.rd.1.to_string()),
            "GoBGP RD of {key}"
        );
        assert_eq!(
            path["nlri"]["labels"],
            serde_json::json!([vpn.label]),
            "{key}"
        );
        let targets: Vec<String> = vpn.targets.iter().map(|t| format!("target {t}")).collect();
        assert_eq!(
            gobgp_extended(path),
            targets,
            "GoBGP route-targets of {key}"
        );
        let attributes = path["attrs"].as_array().into_iter().flatten();
        let reach = attributes
            .clone()
            .find(|a| a["type"] == 14)
            .unwrap_or_else(|| panic!("no MP_REACH_NLRI in {path}"));
        let next_hop = if vpn.is_ipv6() {
            me.next_hop6()
        } else {
            me.next_hop4()
        };
        assert_eq!(
            reach["nexthop"],
            next_hop.to_string(),
            "GoBGP next hop of {key}"
        );
    }
    withdraw_vpns(&speaker, me, &gobgp, || {
        let paths = vpns()?;
        // GoBGP's key is "RD:prefix", with a four-byte AS written high.low: use the NLRI
        Ok(paths
            .iter()
            .map(|(_, path)| {
                let nlri = &path["nlri"];
                let admin = match &nlri["rd"]["admin"] {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let prefix = nlri["prefix"].as_str().unwrap_or_default();
                format!("{admin}:{} {prefix}", nlri["rd"]["assigned"])
            })
            .collect())
    });
}

// ---------------------------------------------------------------------------------------------
// FRR

/// `FLOW` as FRR shows it (`show bgp ipv4 flowspec detail json`): to, from, proto, port, dstp,
/// srcp, type, code, tcp, pktlen, dscp, pktfrag, flwlbl; operators `=` `<` `>=`, flag
/// matches "∋ bits" with `|`/`&`, and actions in `ecomlist` (FS:rate 0 is discard).
const FRR_FLOW: [Flow; 5] = [
    Flow {
        destination: "192.168.0.0/24",
        components: &[
            ("to", "192.168.0.0/24"),
            ("from", "10.0.0.0/24"),
            ("proto", "= 6 , = 17 "),
            ("port", "= 80 "),
            ("dstp", "> 8080 , < 8088 , = 3128 "),
            ("srcp", "> 1024 "),
        ],
        actions: "FS:rate 9600.000000",
    },
    Flow {
        destination: "192.168.1.0/24",
        components: &[
            ("to", "192.168.1.0/24"),
            // SYN (2), or RST (4) and FIN (1) and not exactly PSH (8)
            ("tcp", "∋ 2,|∋ 4,&∋ 1,&= ! 8"),
            ("pktlen", "> 200 , < 300 , >= 400 , <= 500 "),
            ("dscp", "= 10 , = 20 "),
            // first-fragment (4) or last-fragment (8)
            ("pktfrag", "∋ 4,|∋ 8"),
        ],
        actions: "FS:redirect VRF RT:65500:12345 FS:marking 10",
    },
    Flow {
        destination: "192.168.2.1/32",
        components: &[
            ("to", "192.168.2.1/32"),
            ("proto", "= 1 "),
            ("type", "= 8 "),
            ("code", "= 0 "),
        ],
        actions: "FS:rate 0.000000",
    },
    Flow {
        destination: "192.168.4.0/24",
        components: &[("to", "192.168.4.0/24")],
        actions: "FS:redirect VRF RT:4200000000:7",
    },
    Flow {
        destination: "2001:db8:2::/64/off 0",
        components: &[
            ("to", "2001:db8:2::/64/off 0"),
            ("from", "2001:db8:1::/48/off 8"),
            ("proto", "= 17 "),
            ("dstp", "= 53 "),
            ("dscp", "= 46 "),
            ("flwlbl", "= 2013 "),
        ],
        actions: "FS:rate 0.000000",
    },
];

/// A flow route in FRR: its components (name, value) and its actions.
type FrrFlow = (Vec<(String, String)>, String);

/// The entries of `show bgp <afi> flowspec detail json`: FRR prints one JSON array per entry,
/// [components, {"ecomlist": actions}, {"time": ...}], one after the other.
fn frr_flows(frr: &Frr, afi: &str) -> Result<Vec<FrrFlow>, String> {
    let out = frr.vtysh(&format!("show bgp {afi} flowspec detail json"))?;
    let mut flows = Vec::new();
    for entry in serde_json::Deserializer::from_str(&out).into_iter::<Value>() {
        let entry = entry.map_err(|e| format!("{e}: {out}"))?;
        let components = entry[0]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, value)| (name.clone(), value.as_str().unwrap_or("").to_string()))
            .collect();
        let actions = entry[1]["ecomlist"].as_str().unwrap_or("").to_string();
        flows.push((components, actions));
    }
    Ok(flows)
}

#[test]
fn exabgp_flowspec_to_frr() {
    let Some((frr, speaker, _me)) = announce(frr_installed(), &FAMILIES, |me, neighbor| {
        Frr::start_with(me, &[neighbor], &[], &FAMILIES)
    }) else {
        return;
    };
    let all_flows = || {
        let mut flows = frr_flows(&frr, "ipv4")?;
        flows.extend(frr_flows(&frr, "ipv6")?);
        Ok(flows)
    };
    let flows = wait_all(&frr, "our flow routes in FRR", FRR_FLOW.len(), all_flows);
    for flow in &FRR_FLOW {
        let (components, actions) = flows
            .iter()
            .find(|(components, _)| {
                components
                    .iter()
                    .any(|(name, value)| name == "to" && value == flow.destination)
            })
            .unwrap_or_else(|| panic!("no flow to {} in FRR: {flows:?}", flow.destination));
        let mut expected: Vec<(String, String)> = flow
            .components
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        // serde_json's map sorts the names
        expected.sort();
        let mut got = components.clone();
        got.sort();
        assert_eq!(
            got, expected,
            "FRR components of the flow to {}",
            flow.destination
        );
        assert_eq!(
            actions, flow.actions,
            "FRR actions of the flow to {}",
            flow.destination
        );
    }
    withdraw_flows(&speaker, &frr, &FRR_FLOW, || {
        let flows = all_flows()?;
        let components = flows.into_iter().flat_map(|(components, _)| components);
        Ok(components
            .filter(|(name, _)| name == "to")
            .map(|(_, to)| to)
            .collect())
    });
}

/// The (RD, prefix) of each route in FRR's VPN table for `afi`.
fn frr_vpn_routes(frr: &Frr, afi: &str) -> Result<Vec<(String, String)>, String> {
    let table = frr.json(&format!("show bgp {afi} vpn json"))?;
    let by_rd = table["routes"]["routeDistinguishers"].as_object();
    Ok(by_rd
        .into_iter()
        .flatten()
        .flat_map(|(rd, routes)| {
            let prefixes = routes.as_object().into_iter().flat_map(|r| r.keys());
            prefixes.map(move |prefix| (rd.clone(), prefix.clone()))
        })
        .collect())
}

#[test]
fn exabgp_vpn_to_frr() {
    let Some((frr, speaker, me)) = announce(frr_installed(), &FAMILIES, |me, neighbor| {
        Frr::start_with(me, &[neighbor], &[], &FAMILIES)
    }) else {
        return;
    };
    // FRR keeps VPN routes by RD in its VPN table (`show bgp ipv4 vpn`) without importing
    // them into a VRF; the detail of one route has its label and extended communities.
    let mut routes = wait_all(&frr, "our VPN routes in FRR", VPN.len(), || {
        let mut routes = frr_vpn_routes(&frr, "ipv4")?;
        routes.extend(frr_vpn_routes(&frr, "ipv6")?);
        Ok(routes)
    });
    routes.sort();
    let mut expected: Vec<(String, String)> = VPN
        .iter()
        .map(|v| (v.rd.1.to_string(), v.prefix.to_string()))
        .collect();
    expected.sort();
    assert_eq!(routes, expected, "FRR's VPN table (RD, prefix)");
    for vpn in &VPN {
        let afi = if vpn.is_ipv6() { "ipv6" } else { "ipv4" };
        let detail = frr
            .json(&format!(
                "show bgp {afi} vpn rd {} {} json",
                vpn.rd.1, vpn.prefix
            ))
            .unwrap_or_else(|e| panic!("{e}"));
        let route = &detail[vpn.rd.1];
        assert_eq!(route["prefix"], vpn.prefix, "FRR: {detail}");
        let path = &route["paths"][0];
        assert_eq!(path["remoteLabel"], vpn.label, "FRR label: {detail}");
        let targets: Vec<String> = vpn.targets.iter().map(|t| format!("RT:{t}")).collect();
        assert_eq!(
            path["extendedCommunity"]["string"],
            targets.join(" "),
            "FRR route-targets: {detail}"
        );
        let next_hop = if vpn.is_ipv6() {
            me.next_hop6()
        } else {
            me.next_hop4()
        };
        assert_eq!(
            path["nexthops"][0]["ip"],
            next_hop.to_string(),
            "FRR next hop: {detail}"
        );
    }
    withdraw_vpns(&speaker, me, &frr, || {
        let mut routes = frr_vpn_routes(&frr, "ipv4")?;
        routes.extend(frr_vpn_routes(&frr, "ipv6")?);
        Ok(routes
            .into_iter()
            .map(|(rd, prefix)| format!("{rd} {prefix}"))
            .collect())
    });
}

// ---------------------------------------------------------------------------------------------
// GoBGP and FRR to exabgp-rs

/// An NLRI the speaker reported in ExaBGP's JSON: its family, its next hop, the NLRI, and the
/// strings of its UPDATE's extended communities.
type Announced = (String, String, Value, Vec<String>);

/// Waits until the speaker reported `count` announced NLRIs, and returns them.
fn received(speaker: &mut Speaker, count: usize) -> Vec<Announced> {
    wait_for("the peer's routes in the speaker", WAIT, || {
        let mut found = Vec::new();
        for update in speaker.received_json()? {
            let update = &update["neighbor"]["message"]["update"];
            let extended: Vec<String> = update["attribute"]["extended-community"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c["string"].as_str().map(str::to_string))
                .collect();
            for (family, by_next_hop) in update["announce"].as_object().into_iter().flatten() {
                for (next_hop, nlris) in by_next_hop.as_object().into_iter().flatten() {
                    for nlri in nlris.as_array().into_iter().flatten() {
                        let entry = (
                            family.clone(),
                            next_hop.clone(),
                            nlri.clone(),
                            extended.clone(),
                        );
                        found.push(entry);
                    }
                }
            }
        }
        if found.len() >= count {
            Ok(Some(found))
        } else {
            Err(format!("{found:?}"))
        }
    })
    .unwrap_or_else(|e| panic!("{e}\n--- speaker log:\n{}", speaker.log()))
}

/// The NLRI of `family` whose `key` is `value` (or whose `key` list starts with it).
fn find<'a>(announced: &'a [Announced], family: &str, key: &str, value: &str) -> &'a Announced {
    announced
        .iter()
        .find(|(f, _, nlri, _)| f == family && (nlri[key][0] == value || nlri[key] == value))
        .unwrap_or_else(|| panic!("no {family} {key} {value} in {announced:?}"))
}

/// VPN routes FRR originates (`network ... rd ... label ...` in its VPN address families,
/// without a VRF), and what the speaker must report: RD, label, route-targets and FRR's next
/// hop, its own address (IPv4-mapped for IPv6 routes over an IPv4 session).
#[test]
fn frr_vpn_to_exabgp() {
    if !frr_installed() {
        return;
    }
    let Some(command) = speaker_command() else {
        return;
    };
    let me = Endpoint::new(65000);
    let peer_end = Endpoint::new(65010);
    let to_speaker = Neighbor {
        endpoint: me,
        passive: true,
    };
    let frr = Frr::start_with(peer_end, &[to_speaker], &[], &FAMILIES)
        .unwrap_or_else(|e| panic!("starting FRR: {e}"));
    let router = format!("router bgp {}", peer_end.asn);
    frr.configure(&[
        "route-map vpn-rt permit 10",
        "set extcommunity rt 65010:90 1.2.3.4:90",
        "exit",
        &router,
        "address-family ipv4 vpn",
        "network 10.90.0.0/24 rd 65010:9 label 900 route-map vpn-rt",
        "network 10.91.0.0/24 rd 10.0.0.1:9 label 901",
        "network 10.92.0.0/24 rd 4200000000:9 label 902",
        "exit-address-family",
        "address-family ipv6 vpn",
        "network 2001:db8:90::/48 rd 65010:10 label 903 route-map vpn-rt",
    ])
    .unwrap_or_else(|e| panic!("configuring FRR: {e}"));
    let to_peer = Neighbor {
        endpoint: peer_end,
        passive: false,
    };
    let mut speaker = Speaker::start_with(command, me, to_peer, &[], &FAMILIES, "")
        .unwrap_or_else(|e| panic!("starting the speaker: {e}"));
    let announced = received(&mut speaker, 4);
    let v4 = peer_end.address.to_string();
    let v6 = format!("::ffff:{}", peer_end.address);
    let rt: &[&str] = &["target:65010:90", "target:1.2.3.4:90"];
    for (family, prefix, next_hop, label, rd, targets) in [
        ("ipv4 mpls-vpn", "10.90.0.0/24", &v4, 900, "65010:9", rt),
        ("ipv4 mpls-vpn", "10.91.0.0/24", &v4, 901, "10.0.0.1:9", &[]),
        (
            "ipv4 mpls-vpn",
            "10.92.0.0/24",
            &v4,
            902,
            "4200000000:9",
            &[],
        ),
        (
            "ipv6 mpls-vpn",
            "2001:db8:90::/48",
            &v6,
            903,
            "65010:10",
            rt,
        ),
    ] {
        let (_, got_next_hop, nlri, extended) = find(&announced, family, "nlri", prefix);
        assert_eq!(got_next_hop, next_hop, "{prefix}");
        assert_eq!(nlri["rd"], rd, "{prefix}");
        assert_eq!(
            nlri["label"],
            serde_json::json!([[label, label << 4 | 1]]),
            "{prefix}"
        );
        assert_eq!(extended, targets, "{prefix}");
    }
}

#[test]
fn gobgp_flowspec_and_vpn_to_exabgp() {
    if !gobgp_installed() {
        return;
    }
    let Some(command) = speaker_command() else {
        return;
    };
    let me = Endpoint::new(65000);
    let peer_end = Endpoint::new(65010);
    let to_speaker = Neighbor {
        endpoint: me,
        passive: true,
    };
    let gobgp = Gobgp::start_with(peer_end, &[to_speaker], &[], &FAMILIES)
        .unwrap_or_else(|e| panic!("starting GoBGP: {e}"));
    let (v4, v6) = (
        peer_end.next_hop4().to_string(),
        peer_end.next_hop6().to_string(),
    );
    // `gobgp global rib` arguments, one route each
    let add = [
        "-a ipv4-flowspec add match destination 10.30.0.0/24 source 10.31.0.0/16 protocol tcp \
         destination-port ==443 source-port >=1024&<=2048 packet-length >100 tcp-flags S&!A \
         fragment is-fragment dscp 46 then rate-limit 1000"
            .to_string(),
        "-a ipv4-flowspec add match destination 10.32.0.0/24 then redirect 65010:7".to_string(),
        "-a ipv4-flowspec add match destination 10.33.0.0/24 protocol icmp icmp-type ==8 \
         icmp-code ==0 then mark 46"
            .to_string(),
        "-a ipv4-flowspec add match destination 10.34.0.0/24 then action sample".to_string(),
        "-a ipv6-flowspec add match destination 2001:db8:30::/48 protocol udp \
         destination-port ==53 label 1234 then discard"
            .to_string(),
        format!("-a vpnv4 add 10.40.0.0/24 label 400 rd 65010:4 rt 65010:40 nexthop {v4}"),
        format!("-a vpnv4 add 10.41.0.0/24 label 401 rd 10.0.0.1:5 rt 65010:41 nexthop {v4}"),
        format!("-a vpnv6 add 2001:db8:40::/48 label 600 rd 65010:6 rt 65010:60 nexthop {v6}"),
    ];
    for args in &add {
        let mut all = vec!["global", "rib"];
        all.extend(args.split_whitespace());
        gobgp
            .gobgp(&all)
            .unwrap_or_else(|e| panic!("gobgp {all:?}: {e}"));
    }
    let to_peer = Neighbor {
        endpoint: peer_end,
        passive: false,
    };
    let mut speaker = Speaker::start_with(command, me, to_peer, &[], &FAMILIES, "")
        .unwrap_or_else(|e| panic!("starting the speaker: {e}"));

    let announced = received(&mut speaker, add.len());
    let find = |family: &str, key: &str, value: &str| find(&announced, family, key, value);

    let (_, next_hop, nlri, extended) = find("ipv4 flow", "destination-ipv4", "10.30.0.0/24");
    assert_eq!(next_hop, "no-nexthop");
    assert_eq!(
        nlri["string"],
        "flow destination-ipv4 10.30.0.0/24 source-ipv4 10.31.0.0/16 protocol =tcp \
         destination-port =443 source-port [ >=1024&<=2048 ] tcp-flags [ syn&!ack ] \
         packet-length >100 dscp =46 fragment is-fragment"
    );
    assert_eq!(nlri["source-port"], serde_json::json!([">=1024&<=2048"]));
    assert_eq!(extended, &["rate-limit:1000"]);
    let (_, _, _, extended) = find("ipv4 flow", "destination-ipv4", "10.32.0.0/24");
    assert_eq!(extended, &["redirect:65010:7"]);
    let (_, _, nlri, extended) = find("ipv4 flow", "destination-ipv4", "10.33.0.0/24");
    assert_eq!(
        nlri["string"],
        "flow destination-ipv4 10.33.0.0/24 protocol =icmp icmp-type =echo-request icmp-code =0"
    );
    assert_eq!(extended, &["mark 46"]);
    let (_, _, _, extended) = find("ipv4 flow", "destination-ipv4", "10.34.0.0/24");
    assert_eq!(extended, &["action sample"]);
    let (_, _, nlri, extended) = find("ipv6 flow", "destination-ipv6", "2001:db8:30::/48/0");
    assert_eq!(
        nlri["string"],
        "flow destination-ipv6 2001:db8:30::/48/0 next-header =udp destination-port =53 \
         flow-label =1234"
    );
    assert_eq!(extended, &["rate-limit:0"]);

    // ExaBGP's label is [value, raw]: raw = value << 4 | bottom of stack
    for (family, prefix, next_hop, label, rd, target) in [
        (
            "ipv4 mpls-vpn",
            "10.40.0.0/24",
            &v4,
            400,
            "65010:4",
            "target:65010:40",
        ),
        (
            "ipv4 mpls-vpn",
            "10.41.0.0/24",
            &v4,
            401,
            "10.0.0.1:5",
            "target:65010:41",
        ),
        (
            "ipv6 mpls-vpn",
            "2001:db8:40::/48",
            &v6,
            600,
            "65010:6",
            "target:65010:60",
        ),
    ] {
        let (_, got_next_hop, nlri, extended) = find(family, "nlri", prefix);
        assert_eq!(got_next_hop, next_hop, "{prefix}");
        assert_eq!(nlri["rd"], rd, "{prefix}");
        assert_eq!(
            nlri["label"],
            serde_json::json!([[label, label << 4 | 1]]),
            "{prefix}"
        );
        assert_eq!(extended, &[target], "{prefix}");
    }
}
