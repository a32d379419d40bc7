//! `exabgp-rs export` and `exabgp-rs schema`, run as a user would: the JSON parses, has
//! ExaBGP's structure and key names, and says what the configuration (or the parser) has.

mod qa_support;

use exabgp_rs::configuration::Configuration;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn exabgp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_exabgp-rs"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the output is JSON")
}

fn folder(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("exabgp-rs-{label}-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("run")).unwrap();
    dir
}

fn executable(path: &Path) {
    std::fs::write(path, "").unwrap();
    let mut permissions = std::fs::metadata(path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(path, permissions).unwrap();
}

/// The keys ExaBGP's `_neighbor_to_dict` writes.
const NEIGHBOR_KEYS: &[&str] = &[
    "addpaths",
    "adj_rib_in",
    "adj_rib_out",
    "api",
    "auto_flush",
    "capability",
    "description",
    "domain_name",
    "families",
    "group_updates",
    "hold_time",
    "host_name",
    "manual_eor",
    "nexthops",
    "rate_limit",
    "routes",
    "session",
];

const SMALL: &str = "\
process watcher {
  run ./run/helper --flag;
  encoder json;
}
neighbor 192.0.2.1 {
  description \"caf\u{e9} peer\";
  router-id 10.0.0.1;
  local-address 192.0.2.2;
  local-as 65000;
  peer-as 4200000000;
  hold-time 30;
  capability { graceful-restart 120; add-path send/receive; route-refresh; }
  family { ipv4 unicast; ipv6 unicast; }
  api { processes [ watcher ]; neighbor-changes; receive { parsed; update; } }
  static {
    route 10.0.0.0/24 next-hop 192.0.2.9 origin igp med 5 community [ 1:1 2:2 ];
  }
}
";

#[test]
fn a_small_configuration_exports_exabgps_structure() {
    let dir = folder("export-small");
    executable(&dir.join("run/helper"));
    let conf = dir.join("small.conf");
    std::fs::write(&conf, SMALL).unwrap();
    let output = exabgp(&["export", conf.to_str().unwrap()]);
    let text = String::from_utf8(output.stdout.clone()).unwrap();
    let export = json(&output);

    // json.dumps(sort_keys=True, indent=2): sorted keys, two spaces, ASCII only
    assert!(text.starts_with("{\n  \"neighbors\": {\n    \"neighbor 192.0.2.1 "));
    assert!(text.contains("\"caf\\u00e9 peer\""), "{text}");
    assert!(text.ends_with("}\n"));

    let neighbors = export["neighbors"].as_object().unwrap();
    assert_eq!(neighbors.len(), 1);
    let (name, n) = neighbors.iter().next().unwrap();
    assert_eq!(
        name,
        "neighbor 192.0.2.1 local-ip 192.0.2.2 local-as 65000 peer-as 4200000000 router-id 10.0.0.1 family-allowed in-open"
    );
    let keys: Vec<&str> = n.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, NEIGHBOR_KEYS);
    assert_eq!(n["description"], "caf\u{e9} peer");
    assert_eq!(
        n["hold_time"],
        serde_json::json!({"_type": "HoldTime", "value": 30})
    );

    let session = &n["session"];
    assert_eq!(session["_type"], "Session");
    assert_eq!(
        session["peer_address"],
        serde_json::json!({"_type": "IPRange", "ip": "192.0.2.1", "mask": 32})
    );
    assert_eq!(session["local_address"]["value"], "192.0.2.2");
    assert_eq!(session["md5_ip"]["value"], "192.0.2.2");
    assert_eq!(
        session["peer_as"],
        serde_json::json!({"_type": "ASN", "value": 4200000000u32})
    );
    assert_eq!(session["router_id"]["value"], "10.0.0.1");
    assert_eq!(session["md5_password"], Value::Null);

    let capability = &n["capability"];
    assert_eq!(capability["_type"], "NeighborCapability");
    assert_eq!(capability["asn4"], "TRUE");
    assert_eq!(capability["add_path"], 3);
    assert_eq!(capability["route_refresh"], 2);
    assert_eq!(
        capability["graceful_restart"],
        serde_json::json!({"_type": "GracefulRestartConfig", "state": "TRUE", "time": 120})
    );

    let family = |afi: &str, safi: &str| serde_json::json!([{"_type": "AFI", "value": afi}, {"_type": "SAFI", "value": safi}]);
    let both = serde_json::json!([family("ipv4", "unicast"), family("ipv6", "unicast")]);
    assert_eq!(n["families"], both);
    assert_eq!(n["addpaths"], both);
    assert_eq!(n["nexthops"], serde_json::json!([]));

    assert_eq!(
        n["routes"],
        serde_json::json!([{
            "_type": "Route",
            "nlri": "10.0.0.0/24",
            "attributes": " origin igp med 5 community [ 1:1 2:2 ]"
        }])
    );

    // ParseAPI.flatten: every key, the section's processes under what it subscribed to
    let api = n["api"].as_object().unwrap();
    assert_eq!(api.len(), 24);
    assert_eq!(api["processes"], serde_json::json!(["watcher"]));
    assert_eq!(api["neighbor-changes"], serde_json::json!(["watcher"]));
    assert_eq!(api["receive-update"], serde_json::json!(["watcher"]));
    assert_eq!(api["send-update"], serde_json::json!([]));
    assert_eq!(api["fsm"], serde_json::json!([]));

    // the process as parsed, then what _link adds from the neighbour's api
    let process = &export["processes"]["watcher"];
    let run = dir.join("run/helper").display().to_string();
    assert_eq!(process["run"], serde_json::json!([run, "--flag"]));
    assert_eq!(process["encoder"], "json");
    assert_eq!(process["respawn"], true);
    assert_eq!(process["neighbor-changes"], serde_json::json!(["watcher"]));
    let router_id = serde_json::json!([{"_type": "IP", "value": "10.0.0.1"}]);
    assert_eq!(process["receive-parsed"], router_id);
    assert_eq!(process["receive-update"], router_id);
    assert!(process.get("send-update").is_none());

    // -i and -o: the same JSON, laid out with the indent asked for, in the file
    let out = dir.join("out.json");
    let written = exabgp(&[
        "configuration",
        "export",
        "-i",
        "4",
        "-o",
        out.to_str().unwrap(),
        conf.to_str().unwrap(),
    ]);
    assert!(written.status.success() && written.stdout.is_empty());
    let file = std::fs::read_to_string(&out).unwrap();
    assert!(
        file.starts_with("{\n    \"neighbors\": {\n        \"neighbor"),
        "{file}"
    );
    assert_eq!(serde_json::from_str::<Value>(&file).unwrap(), export);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_configuration_says_where_and_fails() {
    let dir = folder("export-bad");
    let conf = dir.join("bad.conf");
    std::fs::write(
        &conf,
        "neighbor 192.0.2.1 {\n  local-as 1;\n  peer-as 1;\n  colour blue;\n}\n",
    )
    .unwrap();
    let output = exabgp(&["export", conf.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.conf:4:3: unknown neighbor statement 'colour'"),
        "{stderr}"
    );
    let missing = exabgp(&["export", dir.join("missing.conf").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The `route A.B.C.D/N` prefixes a configuration file has in its `static` routes.
fn static_prefixes(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.split('#').next())
        .filter_map(|line| line.trim().strip_prefix("route "))
        .filter_map(|rest| rest.split_whitespace().next())
        .filter_map(|prefix| {
            let (ip, len) = prefix.trim_end_matches(';').split_once('/')?;
            // as Python and Rust print an address: IPv6 lower case, compressed
            let ip: std::net::IpAddr = ip.parse().ok()?;
            Some(format!("{ip}/{len}"))
        })
        .collect()
}

#[test]
fn qa_configurations_export_what_they_configure() {
    let Some(etc) = qa_support::qa_dir().map(|root| root.join("etc/exabgp")) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the ExaBGP qa data is missing (set EXABGP_QA_DIR)"
        );
        eprintln!("export: skipped, no ExaBGP qa data (set EXABGP_QA_DIR)");
        return;
    };
    let stage = folder("export-qa");
    let mut checked = 0;
    for name in [
        "parse-simple-v4",
        "parse-simple-v6",
        "parse-multiple-process",
        "parse-dual-neighbor",
        "conf-addpath",
        "conf-flow",
        "conf-l2vpn",
        "conf-template",
        "api-multi-neighbor",
    ] {
        let source = etc.join(format!("{name}.conf"));
        let text = std::fs::read_to_string(&source).unwrap();
        for line in text.lines() {
            if let Some(rest) = line.trim().strip_prefix("run ./run/") {
                let program = rest
                    .trim_end_matches(';')
                    .split_whitespace()
                    .next()
                    .unwrap();
                executable(&stage.join("run").join(program));
            }
        }
        let conf = stage.join(format!("{name}.conf"));
        std::fs::write(&conf, &text).unwrap();
        let export = json(&exabgp(&["export", conf.to_str().unwrap()]));
        let parsed = Configuration::load(&conf).unwrap();

        let neighbors = export["neighbors"].as_object().unwrap();
        assert_eq!(neighbors.len(), parsed.neighbors.len(), "{name}");
        let mut nlri = Vec::new();
        for (key, peer) in parsed
            .neighbors
            .iter()
            .map(|p| (exabgp_rs::bgp::neighbor::template::name(&p.neighbor), p))
        {
            let n = &neighbors[&key];
            let keys: Vec<&str> = n.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, NEIGHBOR_KEYS, "{name}");
            assert_eq!(
                n["session"]["peer_address"]["ip"],
                peer.neighbor.peer_address.to_string(),
                "{name}"
            );
            let families: Vec<String> = n["families"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    format!(
                        "{} {}",
                        f[0]["value"].as_str().unwrap(),
                        f[1]["value"].as_str().unwrap()
                    )
                })
                .collect();
            let expected: Vec<String> = peer
                .neighbor
                .families
                .iter()
                .map(|f| f.to_string())
                .collect();
            assert_eq!(families, expected, "{name}");
            let routes = n["routes"].as_array().unwrap();
            assert_eq!(routes.len(), peer.changes.len(), "{name}");
            for route in routes {
                assert_eq!(route["_type"], "Route", "{name}");
                assert!(route["attributes"].is_string(), "{name}");
                nlri.push(route["nlri"].as_str().unwrap().to_string());
            }
        }
        // what the file says, read from its text rather than through the parser
        for prefix in static_prefixes(&text) {
            assert!(
                nlri.iter().any(|n| n.starts_with(&prefix)),
                "{name}: {prefix} not exported"
            );
        }
        let processes = export["processes"].as_object().unwrap();
        for line in text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("process "))
        {
            let process = line.trim_end_matches('{').trim();
            assert!(
                processes[process]["run"][0]
                    .as_str()
                    .unwrap()
                    .starts_with('/'),
                "{name}: {process}"
            );
        }
        assert_eq!(processes.len(), parsed.processes.len(), "{name}");
        checked += 1;
    }
    std::fs::remove_dir_all(&stage).unwrap();
    println!("export: {checked} qa configurations checked");
}

#[test]
fn schema_is_json_schema_of_what_the_parser_reads() {
    let schema = json(&exabgp(&["schema"]));
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["title"], "ExaBGP configuration");
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["additionalProperties"], false);
    let mut sections: Vec<&str> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    sections.sort_unstable();
    assert_eq!(
        sections,
        [
            "capability",
            "family",
            "flow",
            "l2vpn",
            "neighbor",
            "operational",
            "process",
            "static",
            "template",
        ]
    );
    // printed in ExaBGP's order (json.dumps keeps insertion order there)
    let text = String::from_utf8(exabgp(&["schema"]).stdout).unwrap();
    let at = |section: &str| text.find(&format!("\n    \"{section}\": {{")).unwrap();
    let order = [
        "neighbor",
        "process",
        "template",
        "capability",
        "family",
        "static",
        "flow",
        "l2vpn",
        "operational",
    ];
    assert!(order.windows(2).all(|w| at(w[0]) < at(w[1])), "{order:?}");
    // every value a JSON Schema type, every object with properties
    fn walk(node: &Value, path: &str) {
        let kind = node["type"]
            .as_str()
            .unwrap_or_else(|| panic!("{path}: no type"));
        assert!(
            ["object", "string", "integer", "boolean", "array"].contains(&kind),
            "{path}"
        );
        assert!(node["description"].is_string(), "{path}: no description");
        if kind == "object" {
            for (name, child) in node["properties"].as_object().unwrap() {
                walk(child, &format!("{path}/{name}"));
            }
        }
    }
    walk(&schema, "");

    let neighbor = &schema["properties"]["neighbor"];
    assert_eq!(
        neighbor["required"],
        serde_json::json!(["local-as", "peer-as"])
    );
    // each keyword and section listed is one the parser takes: it may want a value, but it
    // never says the keyword is unknown
    for (keyword, child) in neighbor["properties"].as_object().unwrap() {
        let text = if child["type"] == "object" {
            format!("neighbor 192.0.2.1 {{\n {keyword} {{\n }}\n}}\n")
        } else {
            format!("neighbor 192.0.2.1 {{\n {keyword};\n}}\n")
        };
        if let Err(error) = Configuration::parse(&text, Path::new("x.conf")) {
            let error = error.to_string();
            assert!(!error.contains("unknown neighbor"), "{keyword}: {error}");
        }
    }
    for keyword in schema["properties"]["capability"]["properties"]
        .as_object()
        .unwrap()
        .keys()
    {
        let text = format!("neighbor 192.0.2.1 {{\n capability {{\n  {keyword};\n }}\n}}\n");
        if let Err(error) = Configuration::parse(&text, Path::new("x.conf")) {
            assert!(
                !error.to_string().contains("unknown capability"),
                "{keyword}: {error}"
            );
        }
    }
    // and a keyword the parser does not take is not listed
    let unknown = Configuration::parse("neighbor 192.0.2.1 {\n colour;\n}\n", Path::new("x.conf"))
        .unwrap_err();
    assert!(
        neighbor["properties"].get("colour").is_none()
            && unknown.to_string().contains("unknown neighbor")
    );

    // one section, on one line with --compact
    let compact = exabgp(&["schema", "export", "process", "--compact"]);
    assert_eq!(compact.stdout.iter().filter(|&&b| b == b'\n').count(), 1);
    let process = json(&compact);
    assert_eq!(process["title"], "ExaBGP process configuration");
    assert_eq!(process["required"], serde_json::json!(["run"]));
    assert_eq!(
        process["properties"]["encoder"]["enum"],
        serde_json::json!(["text", "json"])
    );

    let bad = exabgp(&["schema", "export", "colour"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("Available sections: neighbor, process"));
}
