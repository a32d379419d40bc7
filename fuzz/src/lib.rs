//! The fuzz targets of exabgp-rs and their seed corpora (see `run.sh` and docs/robustness.md).
//!
//! The same two files are compiled into the main crate's `tests/fuzz_replay.rs`, which replays
//! the seeds and `regressions/` through the targets without a fuzzer.

pub mod seeds;
pub mod targets;
