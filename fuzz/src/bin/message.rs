//! AFL entry point of the `message` target (`targets::message`).

fn main() {
    afl::fuzz!(|data: &[u8]| exabgp_rs_fuzz::targets::message(data));
}
