#!/bin/sh
# UPDATE decode throughput (docs/performance.md): 1,000,000 prefixes by default.
set -e
cd "$(dirname "$0")/.."
exec cargo run --release --example decode_bench -- "${1:-1000000}"
