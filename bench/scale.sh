#!/usr/bin/env bash
# Issue 11.4 soak: PEERS passive peers in one exabgp-rs process, each sending ROUTES routes,
# every UPDATE as JSON to one helper; then FLAPS rounds in which every session is dropped and
# comes back. Reported: time to all Established and to every route delivered, the process's CPU,
# RSS and open file descriptors after each round (flat RSS, no fd leak: a count of descriptors
# that differs from the first round's fails the run).
#
# The process under test ("receiver") listens on 127.0.0.1 with one passive neighbour per
# sender address 127.1.X.Y. Its one helper, subscribed to `neighbor-changes` and
# `receive { parsed; update; }`, counts sessions up and `/24"` (each prefix once in the JSON).
# The senders are one other exabgp-rs process with PEERS neighbours, each bound to its own
# 127.1.X.Y (`local-address`), each with ROUTES static routes of its own. A round's flap is a
# SIGKILL of that process: every session of the receiver ends on a closed TCP connection, and
# the senders, restarted, connect again.
#
# usage: bench/scale.sh [-p PEERS] [-n ROUTES] [-f FLAPS]     (defaults 1000, 1000, 2)
#   EXABGP_RS=PATH runs that binary instead of building target/release.
set -euo pipefail

PEERS=1000
ROUTES=1000
FLAPS=2
TIMEOUT=${BENCH_TIMEOUT:-600}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

while getopts "p:n:f:" option; do
    case $option in
    p) PEERS=$OPTARG ;;
    n) ROUTES=$OPTARG ;;
    f) FLAPS=$OPTARG ;;
    *) sed -n '2,16p' "$0" >&2; exit 2 ;;
    esac
done
[ "$PEERS" -ge 1 ] && [ "$PEERS" -le 60000 ] || { echo "PEERS: 1 to 60000" >&2; exit 2; }

# two sockets per session (one in each process), the helpers' pipes, some to spare
ulimit -n $((PEERS * 2 + 1024)) || echo "the descriptor limit stays $(ulimit -n)" >&2

if [ -n "${EXABGP_RS:-}" ]; then
    BIN=$EXABGP_RS
else
    (cd "$ROOT" && cargo build --release --quiet)
    BIN="$ROOT/target/release/exabgp-rs"
fi

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# The sender address of peer i (0-based): 127.1.0.1 onwards, skipping .0 and .255.
address() { echo "127.1.$(($1 / 250)).$(($1 % 250 + 1))"; }

dir=$(mktemp -d /tmp/bench-scale.XXXXXX)
receiver_pid='' sender_pid=''
cleanup() {
    [ -n "$sender_pid" ] && kill -KILL "$sender_pid" 2>/dev/null || true
    [ -n "$receiver_pid" ] && kill -TERM "$receiver_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    [ -n "${BENCH_KEEP:-}" ] && echo "kept $dir" >&2 || rm -rf "$dir"
}
trap cleanup EXIT
port=$(free_port)

cat >"$dir/count.py" <<END
#!/usr/bin/env python3
# counts sessions up and down and prefixes received; rewrites $dir/count every 0.2 s
import os, select, time
up = down = seen = 0
tail, last = b'', 0.0
def write():
    with open('$dir/count.tmp', 'w') as out:
        out.write('%d %d %d\n' % (up, down, seen))
    os.replace('$dir/count.tmp', '$dir/count')
while True:
    if not select.select([0], [], [], 0.2)[0]:
        write()
        continue
    chunk = os.read(0, 1 << 20)
    if not chunk:
        break
    data = tail + chunk
    for word, add in ((b'/24"', 1), (b'"state": "up"', 2), (b'"state": "down"', 3)):
        n = data.count(word) - tail.count(word)
        if add == 1: seen += n
        elif add == 2: up += n
        else: down += n
    tail = data[-16:]
    if time.time() - last >= 0.2:
        last = time.time()
        write()
write()
END
chmod +x "$dir/count.py"

{
    printf 'process count {\n    run %s;\n    encoder json;\n}\n\n' "$dir/count.py"
    printf 'template {\n    neighbor sender {\n        local-address 127.0.0.1;\n'
    printf '        local-as 65000;\n        peer-as 65001;\n        passive;\n'
    printf '        hold-time 180;\n        family {\n            ipv4 unicast;\n        }\n'
    printf '        api {\n            processes [ count ];\n            neighbor-changes;\n'
    printf '            receive {\n                parsed;\n                update;\n            }\n        }\n    }\n}\n\n'
    for ((i = 0; i < PEERS; i++)); do
        printf 'neighbor %s {\n    inherit sender;\n    router-id 127.0.0.1;\n}\n' "$(address $i)"
    done
} >"$dir/receiver.conf"

{
    printf 'template {\n    neighbor receiver {\n        local-as 65001;\n        peer-as 65000;\n'
    printf '        connect %s;\n        hold-time 180;\n        family {\n            ipv4 unicast;\n        }\n    }\n}\n\n' "$port"
    awk -v peers="$PEERS" -v routes="$ROUTES" 'BEGIN {
        for (p = 0; p < peers; p++) {
            a = sprintf("127.1.%d.%d", int(p / 250), p % 250 + 1)
            printf "neighbor 127.0.0.1 {\n    inherit receiver;\n    router-id %s;\n    local-address %s;\n    static {\n", a, a
            for (r = 0; r < routes; r++) {
                g = p * routes + r
                printf "        route %d.%d.%d.0/24 next-hop %s;\n", 16 + int(g / 65536), int(g / 256) % 256, g % 256, a
            }
            printf "    }\n}\n"
        }
    }'
} >"$dir/sender.conf"

common_env=(exabgp_daemon_daemonize=false exabgp_daemon_user=root exabgp_daemon_drop=false
    exabgp_api_cli=false exabgp_log_destination=stdout exabgp_log_level=WARNING)

env "${common_env[@]}" exabgp_tcp_bind=127.0.0.1 exabgp_tcp_port="$port" \
    "$BIN" server "$dir/receiver.conf" >"$dir/receiver.log" 2>&1 &
receiver_pid=$!
start_senders() {
    env "${common_env[@]}" exabgp_tcp_bind= exabgp_tcp_port="$port" \
        "$BIN" server "$dir/sender.conf" >>"$dir/sender.log" 2>&1 &
    sender_pid=$!
}

# the receiver's own CPU (user + system, not its helper's), RSS and open descriptors
cpu() { awk '{ printf "%.1f", ($14 + $15) / 100 }' "/proc/$receiver_pid/stat"; }
rss() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$receiver_pid/status"; }
hwm() { awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$receiver_pid/status"; }
fds() { ls "/proc/$receiver_pid/fd" | wc -l; }
counts() { cat "$dir/count" 2>/dev/null || echo "0 0 0"; }

# waits until the helper has counted UP sessions up and SEEN prefixes; prints the time taken
wait_for() {
    local want_up=$1 want_seen=$2 start=$3 up_at='' deadline
    deadline=$(awk -v s="$start" -v t="$TIMEOUT" 'BEGIN { printf "%.3f", s + t }')
    while :; do
        read -r up down seen < <(counts)
        [ -z "$up_at" ] && [ "$up" -ge "$want_up" ] && up_at=$(now)
        [ -n "$up_at" ] && [ "$seen" -ge "$want_seen" ] && break
        kill -0 "$receiver_pid" 2>/dev/null || { echo "the receiver ended: $(tail -n 5 "$dir/receiver.log")" >&2; exit 1; }
        if awk -v n="$(now)" -v d="$deadline" 'BEGIN { exit !(n > d) }'; then
            echo "timeout: $up of $want_up sessions up, $seen of $want_seen prefixes, $down downs" >&2
            tail -n 5 "$dir/receiver.log" "$dir/sender.log" >&2
            exit 1
        fi
        sleep 0.2
    done
    echo "$(elapsed "$start" "$up_at") $(elapsed "$start" "$(now)")"
}

echo "bench/scale.sh: $PEERS peers x $ROUTES routes, $FLAPS flap rounds, $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
sleep 0.5
before_fds=$(fds)
total=$((PEERS * ROUTES))
printf '%-8s %10s %10s %8s %9s %9s %6s %6s %s\n' round "up s" "routes s" "cpu s" "rss MiB" "peak MiB" fds downs load
for ((round = 0; round <= FLAPS; round++)); do
    start=$(now)
    start_senders
    read -r up_s all_s < <(wait_for $((PEERS * (round + 1))) $((total * (round + 1))) "$start")
    read -r _ downs _ < <(counts)
    open_fds=$(fds)
    printf '%-8s %10s %10s %8s %9s %9s %6s %6s %s\n' "$round" "$up_s" "$all_s" "$(cpu)" "$(rss)" "$(hwm)" "$open_fds" "$downs" \
        "$(cut -d' ' -f1 /proc/loadavg)"
    # the same sessions are up in every round: any other count of descriptors is a leak
    first_fds=${first_fds:-$open_fds}
    if [ "$open_fds" -ne "$first_fds" ]; then
        echo "descriptor leak: $open_fds open after round $round, $first_fds after round 0" >&2
        ls -l "/proc/$receiver_pid/fd" >&2
        exit 1
    fi
    if [ "$round" -lt "$FLAPS" ]; then
        kill -KILL "$sender_pid"
        wait "$sender_pid" 2>/dev/null || true
        sender_pid=''
        # every session of the receiver must see its connection close before the next round
        deadline=$(awk -v s="$(now)" -v t="$TIMEOUT" 'BEGIN { printf "%.3f", s + t }')
        until read -r _ downs _ < <(counts) && [ "$downs" -ge $((PEERS * (round + 1))) ]; do
            kill -0 "$receiver_pid" 2>/dev/null || { echo "the receiver ended" >&2; exit 1; }
            if awk -v n="$(now)" -v d="$deadline" 'BEGIN { exit !(n > d) }'; then
                echo "timeout: $downs of $((PEERS * (round + 1))) sessions seen down" >&2
                exit 1
            fi
            sleep 0.2
        done
    fi
done
echo "descriptors before the first session: $before_fds; after the last round: $(fds) (the $PEERS sessions' sockets open)"
