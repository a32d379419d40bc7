//! AFL entry point of the `api_command` target (`targets::api_command`).

fn main() {
    afl::fuzz!(|data: &[u8]| exabgp_rs_fuzz::targets::api_command(data));
}
