//! The API's parsing and encoding stay sans-IO (architecture §1, docs/api.md): no sockets,
//! clocks, threads, files or async runtime in `reactor/api/command/` and `reactor/api/response/`.

use std::path::Path;

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
    "std::process",
    "sleep(",
];

#[test]
fn api_commands_and_responses_touch_no_socket_clock_or_runtime() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    let mut files = 0;
    for folder in ["src/reactor/api/command", "src/reactor/api/response"] {
        for entry in std::fs::read_dir(root.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().map_or(true, |e| e != "rs") {
                continue;
            }
            files += 1;
            let text = std::fs::read_to_string(&path).unwrap();
            for (number, line) in text.lines().enumerate() {
                for word in FORBIDDEN {
                    if line.contains(word) {
                        found.push(format!("{}:{}: {word}", path.display(), number + 1));
                    }
                }
            }
        }
    }
    assert!(files >= 5, "only {files} files checked");
    assert!(found.is_empty(), "{}", found.join("\n"));
}
