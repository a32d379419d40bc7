//! AFL entry point of the `configuration` target (`targets::configuration`).

fn main() {
    afl::fuzz!(|data: &[u8]| exabgp_rs_fuzz::targets::configuration(data));
}
