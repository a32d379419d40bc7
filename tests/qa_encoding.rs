//! Runs ExaBGP's encoding conformance cases (`qa/encoding/*.ci`) against the built daemon with the
//! shared `exaqa` runner (its own test peer checks every message byte for byte), and fails when a
//! case this project already passes regresses.

mod qa_support;

/// Cases that must pass; every other case is run and reported but does not fail the test yet.
const MUST_PASS: &[&str] = &[
    "conf-addpath",
    "conf-aggregator",
    "conf-attributes",
    "conf-cap-link-local-nexthop",
    "conf-cap-software-version",
    "conf-ebgp",
    "conf-extended-attributes",
    "conf-flow-redirect",
    "conf-generic-attribute",
    "conf-group",
    "conf-group-limit",
    "conf-hostname",
    "conf-ipself4",
    "conf-ipself6",
    "conf-ipv46routes4family",
    "conf-ipv46routes6family",
    "conf-ipv6grouping",
    "conf-l2vpn",
    "conf-largecommunity",
    "conf-llnh-lla-only",
    "conf-llnh-update",
    "conf-mvpn",
    "conf-name",
    "conf-new-v4",
    "conf-new-v6",
    "conf-no-asn4",
    "conf-parity",
    "conf-path-information",
    "conf-prefix-sid",
    "conf-split",
    "conf-srv6-mup",
    "conf-srv6-mup-v3",
    "conf-template",
    "conf-unknowncap",
    "conf-vpn",
    "conf-watchdog",
    "extended-nexthop",
];

#[test]
fn exabgp_encoding_cases() {
    qa_support::run_daemon_suite("encoding", MUST_PASS);
}
