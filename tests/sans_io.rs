//! The sans-IO layers stay sans-IO (architecture §1, docs/architecture.md): the wire layer
//! (`bgp/`, `protocol/`), the RIB (`rib/`), the peer FSM and the API's parsing and encoding use no
//! socket, clock, thread, file, process or async runtime, and no module of the I/O side of the
//! reactor. A grep over the sources is enough.

use std::path::{Path, PathBuf};

/// Folders checked with every file below them, and single files.
const SANS_IO: &[&str] = &[
    "src/bgp",
    "src/protocol",
    "src/rib",
    "src/util",
    "src/reactor/peer",
    "src/reactor/protocol.rs",
    "src/reactor/api/command",
    "src/reactor/api/response",
    "src/reactor/api/execute.rs",
    "src/reactor/api/fanout.rs",
    "src/reactor/api/registry.rs",
    "src/reactor/api/report.rs",
];

const FORBIDDEN: &[&str] = &[
    "async_io",
    "async_executor",
    "async_signal",
    "async_channel",
    "futures_lite",
    "TcpStream",
    "TcpListener",
    "UdpSocket",
    "UnixStream",
    "Instant",
    "SystemTime",
    "std::thread",
    "std::fs",
    "std::process",
    "sleep(",
    // the reactor's I/O side
    "reactor::bridge",
    "reactor::network",
    "reactor::r#loop",
    "reactor::listener",
    "reactor::interrupt",
    "reactor::daemon",
    "api::processes",
];

fn sources(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        entries.sort();
        for entry in entries {
            sources(&entry, files);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        files.push(path.to_path_buf());
    }
}

#[test]
fn sans_io_layers_touch_no_socket_clock_runtime_or_reactor_io() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for entry in SANS_IO {
        let path = root.join(entry);
        assert!(path.exists(), "{entry} is gone: update this list");
        sources(&path, &mut files);
    }
    assert!(files.len() > 100, "only {} files found", files.len());
    let mut found = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        for (number, line) in text.lines().enumerate() {
            for word in FORBIDDEN {
                if line.contains(word) {
                    found.push(format!("{}:{}: {word}", path.display(), number + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
