//! Runs ExaBGP's API conformance cases (`qa/api/*.ci`) against the built daemon with the shared
//! `exaqa` runner and this project's own helper scripts (`qa/run/`), and fails when a case this
//! project already passes regresses.

mod qa_support;

/// Cases that must pass; every other case is run and reported but does not fail the test yet.
const MUST_PASS: &[&str] = &[
    "api-ack-control",
    "api-add-remove",
    "api-announce",
    "api-announce-processes-match",
    "api-announce-star",
    "api-announcement",
    "api-api",
    "api-attributes",
    "api-attributes-path",
    "api-attributes-vpn",
    "api-broken-flow",
    "api-check",
    "api-eor",
    "api-fast",
    "api-flow-merge",
    "api-health",
    "api-healthcheck-module",
    "api-healthcheck-withdraw",
    "api-ipv4",
    "api-ipv6",
    "api-manual-eor",
    "api-multi-neighbor",
    "api-multiple-api",
    "api-multisession",
    "api-mvpn",
    "api-nexthop",
    "api-nexthop-self",
    "api-no-respawn",
    "api-notification",
    "api-open",
    "api-peer-lifecycle",
    "api-reload",
    "api-rib",
    "api-rr",
    "api-rr-rib",
    "api-silence-ack",
    "api-teardown",
    "api-vpls",
    "api-vpnv4",
];

#[test]
fn exabgp_api_cases() {
    qa_support::run_daemon_suite("api", MUST_PASS);
}
