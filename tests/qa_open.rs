//! The OPENs ExaBGP's qa encoding cases byte-check (`option:open:inspect-open-message`): each
//! case's configuration, parsed, must produce exactly the OPEN of its `raw:` line.

mod qa_support;

use exabgp_rs::bgp::message::open::capability::Capabilities;
use exabgp_rs::bgp::message::open::Open;
use exabgp_rs::configuration::Configuration;

fn unhex(text: &str) -> Vec<u8> {
    exabgp_rs::util::hex::unhex(text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn inspected_opens() {
    let Some(root) = qa_support::qa_dir() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "ExaBGP's qa data is missing (set EXABGP_QA_DIR)"
        );
        println!("open: skipped, no qa/encoding directory (set EXABGP_QA_DIR)");
        return;
    };
    let mut checked = 0;
    for case in [
        "conf-hostname",
        "conf-cap-software-version",
        "conf-cap-link-local-nexthop",
    ] {
        let ci = std::fs::read_to_string(root.join(format!("qa/encoding/{case}.ci"))).unwrap();
        assert!(
            ci.contains("option:open:inspect-open-message"),
            "{case} checks its OPEN"
        );
        let conf = ci
            .lines()
            .find_map(|l| l.strip_prefix("option:file:"))
            .unwrap();
        let raw = ci.lines().find_map(|l| l.strip_prefix("1:raw:")).unwrap();
        let configuration =
            Configuration::load(&root.join("etc/exabgp").join(conf.trim())).unwrap();
        let mut neighbor = configuration.neighbors[0].neighbor.clone();
        // what the runner's exabgp_version=5.0.0-0+test gives
        neighbor.software_version = "5.0.0-0+test".into();
        let router_id = neighbor
            .router_id
            .expect("the qa configurations set router-id");
        let open = Open::new(
            neighbor.local_as,
            neighbor.hold_time,
            router_id,
            Capabilities::new(&neighbor, false),
        );
        assert_eq!(open.encode()[..], unhex(raw)[..], "{case}");
        checked += 1;
    }
    assert_eq!(checked, 3);
}
