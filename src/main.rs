//! The `exabgp-rs` binary: ports `exabgp/application/main.py`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(exabgp_rs::application::run(args));
}
