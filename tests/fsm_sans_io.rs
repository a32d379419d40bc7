//! The peer FSM stays sans-IO (docs/fsm.md, architecture §1): no sockets, clocks, threads or
//! async runtime in its modules. A grep over the sources is enough.

use std::path::Path;

const SANS_IO: &[&str] = &[
    "src/bgp/fsm.rs",
    "src/bgp/timer.rs",
    "src/reactor/keepalive.rs",
    "src/reactor/protocol.rs",
    "src/reactor/peer/mod.rs",
    "src/reactor/peer/event.rs",
    "src/reactor/peer/stepper.rs",
];

const FORBIDDEN: &[&str] = &[
    "async_io",
    "async_executor",
    "futures_lite",
    "TcpStream",
    "TcpListener",
    "UdpSocket",
    "Instant",
    "SystemTime",
    "std::thread",
    "std::fs",
    "sleep(",
];

#[test]
fn fsm_modules_touch_no_socket_clock_or_runtime() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for file in SANS_IO {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        for (number, line) in text.lines().enumerate() {
            for word in FORBIDDEN {
                if line.contains(word) {
                    found.push(format!("{file}:{}: {word}", number + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
