//! `exabgp-rs decode` from the outside: the JSON a helper would get, and one-line errors.

use serde_json::Value;
use std::process::{Command, Output};

fn decode(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_exabgp-rs"))
        .arg("decode")
        .args(args)
        .env("exabgp_api_version", "4")
        .output()
        .expect("the binary runs")
}

fn json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stderr.is_empty());
    serde_json::from_slice(&output.stdout).expect("one JSON document")
}

const MARKER: &str = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF";

#[test]
fn notification_from_neighbor_127_0_0_1() {
    // Cease / Administrative Shutdown, RFC 9003 text "bye", spaces and colons allowed
    let value = json(&decode(&[
        "--update",
        &format!("{MARKER}:0019:03 06 02 03 627965"),
    ]));
    assert_eq!(value["type"], "notification");
    assert_eq!(value["counter"], 1);
    let neighbor = &value["neighbor"];
    assert_eq!(neighbor["address"]["local"], "127.0.0.1");
    assert_eq!(neighbor["address"]["peer"], "127.0.0.1");
    assert_eq!(neighbor["asn"]["local"], 65533);
    assert_eq!(neighbor["asn"]["peer"], 65533);
    assert_eq!(neighbor["router-id"], "127.0.0.1");
    assert_eq!(neighbor["direction"], "in");
    assert_eq!(neighbor["notification"]["code"], 6);
    assert_eq!(neighbor["notification"]["subcode"], 2);
    assert_eq!(
        neighbor["notification"]["message"],
        "Shutdown Communication: \"bye\""
    );
    // API v4 names itself with ExaBGP's frozen version
    assert_eq!(value["exabgp"], "4.0.1");
}

#[test]
fn open_without_marker_with_open_flag() {
    // version 4, AS 65001, hold 90, 10.0.0.1, one parameter: ASN4 capability 65001
    let value = json(&decode(&["--open", "04FDE9005A0A00000108020641040000FDE9"]));
    let open = &value["neighbor"]["open"];
    assert_eq!(open["asn"], 65001);
    assert_eq!(open["hold_time"], 90);
    assert_eq!(open["router_id"], "10.0.0.1");
    assert_eq!(open["capabilities"]["65"]["asn4"], 65001);
}

#[test]
fn route_refresh_and_keepalive() {
    let value = json(&decode(&[&format!("{MARKER}00170500020001")]));
    assert_eq!(value["neighbor"]["route-refresh"]["afi"], "ipv6");
    assert_eq!(value["neighbor"]["route-refresh"]["subtype"], "query");
    let value = json(&decode(&[&format!("{MARKER}001304")]));
    assert_eq!(value["type"], "keepalive");
}

fn refused(output: &Output) -> String {
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    stderr
}

#[test]
fn errors_are_one_line_on_stderr() {
    assert!(refused(&decode(&["--open", "0xZZ"])).starts_with("invalid hexadecimal"));
    assert!(refused(&decode(&["--open", "ABC"])).starts_with("invalid hexadecimal"));
    // OPEN version 3
    let version = refused(&decode(&[
        "--open",
        &format!("{MARKER}001D0103FDE9005A0A00000100"),
    ]));
    assert!(version.contains("Unsupported Version Number"), "{version}");
    // length field says 30, 29 bytes given
    refused(&decode(&[
        "--open",
        &format!("{MARKER}001E0104FDE9005A0A00000100"),
    ]));
    refused(&decode(&[
        "-f",
        "ipv5 unicast",
        "--open",
        &format!("{MARKER}001304"),
    ]));
    refused(&decode(&["--open", &format!("{MARKER}001309")]));
}

#[test]
fn nlri_one_line_each() {
    // 1.2.3.0/24 then 10.0.0.1/32, with path identifiers 1 and 2 under -i
    let output = decode(&[
        "-f",
        "ipv4 unicast",
        "-i",
        "--nlri",
        "000000011801020300000002200A000001",
    ]);
    assert!(output.status.success());
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["nlri"], "1.2.3.0/24");
    assert_eq!(lines[1]["path-information"], "0.0.0.2");
    // a /33 does not exist
    refused(&decode(&["-f", "ipv4 unicast", "--nlri", "21010203"]));
}

#[test]
fn for_each_neighbor_of_a_configuration() {
    let dir = std::env::temp_dir().join(format!("exabgp-rs-decode-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conf = dir.join("two.conf");
    std::fs::write(
        &conf,
        "neighbor 192.0.2.1 { router-id 10.0.0.1; local-address 192.0.2.2; local-as 1; peer-as 2; family { ipv4 unicast; } }\n\
         neighbor 192.0.2.3 { router-id 10.0.0.1; local-address 192.0.2.2; local-as 1; peer-as 3; family { ipv4 unicast; } }\n",
    )
    .unwrap();
    let output = decode(&["-c", conf.to_str().unwrap(), &format!("{MARKER}001304")]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["neighbor"]["address"]["peer"], "192.0.2.1");
    assert_eq!(lines[0]["neighbor"]["address"]["local"], "192.0.2.2");
    assert_eq!(lines[1]["neighbor"]["asn"]["peer"], 3);
    assert_eq!(lines[1]["neighbor"]["router-id"], "10.0.0.1");
}

/// Decoding runs no helper: a configuration naming programs that are not on disk (a
/// configuration copied from another machine) still decodes for its neighbour.
#[test]
fn helpers_of_the_configuration_need_not_exist() {
    let dir = std::env::temp_dir().join(format!("exabgp-rs-decode-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conf = dir.join("api.conf");
    std::fs::write(
        &conf,
        "process watcher { run ./run/missing.run; encoder json; }\n\
         process other { run /nonexistent/helper --flag; }\n\
         neighbor 192.0.2.1 { router-id 10.0.0.1; local-address 192.0.2.2; local-as 1; peer-as 2;\n\
         api { processes [ watcher other ]; receive { parsed; update; } } family { ipv4 unicast } }\n",
    )
    .unwrap();
    // an UPDATE announcing 10.0.0.0/24 with next-hop 10.0.0.1
    let update = format!("{MARKER}0029020000000E400101004002004003040A000001180A0000");
    let output = decode(&["-c", conf.to_str().unwrap(), &update]);
    std::fs::remove_dir_all(&dir).unwrap();
    let value = json(&output);
    assert_eq!(value["neighbor"]["address"]["peer"], "192.0.2.1");
    assert_eq!(
        value["neighbor"]["message"]["update"]["announce"]["ipv4 unicast"]["10.0.0.1"][0]["nlri"],
        "10.0.0.0/24"
    );
}

/// `exabgp-rs env | head -1` and the like: a reader that goes away ends a one-shot command as
/// it ends `cat` (SIGPIPE, 141 in the shell), with no panic about a broken pipe.
#[test]
fn one_shot_commands_end_quietly_when_their_reader_goes() {
    for args in ["env", "decode --open 04FDE9005A0A00000108020641040000FDE9"] {
        // the reader (`true`) is gone before the command writes
        let script = format!("{{ sleep 0.3; \"$0\" {args}; echo \"status $?\" >&2; }} | true");
        let output = Command::new("sh")
            .args(["-c", &script, env!("CARGO_BIN_EXE_exabgp-rs")])
            .output()
            .expect("sh runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args}: {stderr}");
        assert!(stderr.contains("status 141"), "{args}: {stderr}");
    }
}
