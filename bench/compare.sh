#!/usr/bin/env bash
# Issue 10 benchmark: exabgp-rs against BIRD 2 (and ExaBGP 4.2 where installed) on loopback, the
# four jobs of the issue (receive in two forms) in one run, then a table with the ratios.
#
#   receive  examples/sender.rs (target/release/examples/sender, built first), listening where
#            the other BIRD would, sends N routes pre-encoded; the speaker under test hands
#            every UPDATE as JSON to a helper (`receive { parsed; update; }`) counting the
#            prefixes. BIRD under test just imports them into its RIB (it has no helpers).
#            The sender's Established time stamp -> all seen.
#   receive-bird  the same with a BIRD exporting the routes instead of the sender, as issue 10
#            first measured (BIRD's export, ~2.5 s for 1M, can be slower than the receiver).
#            Established (the sending BIRD's) -> all seen. Only run when named in -j.
#   inject   a helper prints N `announce route P next-hop 192.0.2.1 med M` lines; a BIRD
#            receiver counts them. Start -> all in BIRD. (BIRD has no API: not run.)
#   static   N routes in the speaker's configuration (BIRD: a `protocol static`) to a BIRD
#            receiver. Start -> all in BIRD.
#   idle     one session, no route: the speaker's RSS 2 s after Established.
#
# Every job uses varied attributes as issue 10 measured them: route i is 16+i/65536 .
# i/256%256 . i%256 . 0/24 with MED i/3, so a million routes carry 333,334 attribute sets.
# Reported per run: wall time, routes/s, the speaker's peak RSS and CPU time (user + system,
# helpers included; /usr/bin/time -v), the load average, and for inject / static the bytes the
# receiver read per prefix (the kernel's bytes_received of its socket, `ss -ti`).
#
# usage: bench/compare.sh [-n ROUTES] [-c CAP] [-j JOBS] [SPEAKER...]
#   SPEAKER: exabgp-rs (target/release, built first), bird, exabgp4 (Debian's /usr/sbin/exabgp).
#            Default: all three.
#   -j JOBS  a comma-separated list of receive,receive-bird,inject,static,idle (default:
#            receive,inject,static,idle).
#   EXABGP_RS=PATH runs that exabgp-rs binary instead of building target/release.
#   SENDER=PATH runs that sender instead of building target/release/examples/sender.
#   -c CAP   stop an ExaBGP 4 run CAP seconds (default 120) after its start and extrapolate
#            (it injects ~5k routes/s: 1M would take minutes).
set -euo pipefail

ROUTES=1000000
CAP=120
JOBS=receive,inject,static,idle
ALL_JOBS=receive,receive-bird,inject,static,idle
TIMEOUT=${BENCH_TIMEOUT:-600}
STALL=${BENCH_STALL:-60}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV=/tmp/exabgp5-venv
SPEAKER_AS=65000
BIRD_AS=65001
TEST_ADDRESS=127.0.5.2   # the speaker under test
BIRD_ADDRESS=127.0.5.1   # the BIRD on the other side

# shellcheck source=bench/common.sh
. "$ROOT/bench/common.sh"

ROUTE_AWK='function prefix(i) { return sprintf("%d.%d.%d.0/24", 16 + int(i / 65536), int(i / 256) % 256, i % 256) }
function med(i) { return int(i / 3) }'

inject_helper() {
    printf '#!/bin/sh\nexec 3<&0\ncat <&3 >/dev/null &\n'
    printf "awk -v n=%s '%s\nBEGIN { for (i = 0; i < n; i++) printf \"announce route %%s next-hop 192.0.2.1 med %%d\\\\n\", prefix(i), med(i) }'\n" \
        "$1" "$ROUTE_AWK"
    printf 'wait\n'
}

# Counts `/24"` (each prefix once in the JSON of exabgp-rs and ExaBGP); writes the time it saw
# the N-th to $2, its running count to $2.count every second, and the time it started reading
# to $2.ready (Python takes 0.05-0.3 s to start: the session can be up before).
count_helper() {
    cat <<END
#!/usr/bin/env python3
import os, time
with open('$2.ready', 'w') as out:
    out.write('%.6f\n' % time.time())
n, seen, last = $1, 0, 0.0
# one buffer read into again and again: a new 1 MiB object per read cost more page faults
# than the speaker's own work (the last 3 bytes are kept: a match may straddle two reads,
# and '/24"' cannot overlap itself, so none is counted twice)
buf = bytearray(1 << 20)
view = memoryview(buf)
kept = 0
while True:
    got = os.readv(0, [view[kept:]])
    if not got:
        break
    end = kept + got
    seen += buf.count(b'/24"', 0, end)
    kept = min(3, end)
    buf[:kept] = buf[end - kept:end]
    if seen >= n:
        with open('$2', 'w') as out:
            out.write('%.6f\n' % time.time())
        n = float('inf')
    if time.time() - last >= 1:
        last = time.time()
        with open('$2.count', 'w') as out:
            out.write('%d\n' % seen)
END
}

# The speaker's ExaBGP configuration for a job; static routes for `static`.
speaker_config() {
    local job=$1 port=$2 helper=$3
    if [ "$job" = inject ] || [ "$job" = receive ] || [ "$job" = receive-bird ]; then
        printf 'process bench {\n    run %s;\n    encoder json;\n}\n\n' "$helper"
    fi
    cat <<END
neighbor $BIRD_ADDRESS {
    router-id $TEST_ADDRESS;
    local-address $TEST_ADDRESS;
    local-as $SPEAKER_AS;
    peer-as $BIRD_AS;
    connect $port;
    passive false;
    hold-time 180;
    family {
        ipv4 unicast;
    }
END
    case $job in
    inject) printf '    api {\n        processes [ bench ];\n    }\n' ;;
    receive | receive-bird) printf '    api {\n        processes [ bench ];\n        receive {\n            parsed;\n            update;\n        }\n    }\n' ;;
    static)
        printf '    static {\n'
        awk -v n="$ROUTES" "$ROUTE_AWK"'
            BEGIN { for (i = 0; i < n; i++) printf "        route %s next-hop 192.0.2.1 med %d;\n", prefix(i), med(i) }'
        printf '    }\n'
        ;;
    esac
    printf '}\n'
}

# N static routes for a BIRD `protocol static`, with the same MEDs.
bird_static() {
    printf 'protocol static feed {\n    ipv4;\n'
    awk -v n="$ROUTES" "$ROUTE_AWK"'
        BEGIN { for (i = 0; i < n; i++) printf "    route %s blackhole { bgp_med = %d; };\n", prefix(i), med(i) }'
    printf '}\n'
}

# The BIRD on the other side of the session (passive), named `speaker` as common.sh expects:
# it exports the routes for `receive-bird`, imports everything otherwise.
peer_bird_config() {
    local job=$1 port=$2 filters='import all; export none;'
    printf 'router id %s;\nlog stderr { warning, error, fatal };\nprotocol device {}\n' $BIRD_ADDRESS
    if [ "$job" = receive-bird ]; then
        filters='import none; export all;'
        bird_static
    fi
    cat <<END
protocol bgp speaker {
    local $BIRD_ADDRESS port $port as $BIRD_AS;
    neighbor $TEST_ADDRESS as $SPEAKER_AS;
    multihop;
    strict bind yes;
    passive on;
    hold time 240;
    ipv4 { $filters };
}
END
}

# BIRD as the speaker under test: connects to the peer BIRD (or the sender); imports all for
# `receive` and `receive-bird`, exports its static routes for `static`.
test_bird_config() {
    local job=$1 port=$2 filters='import none; export none;'
    printf 'router id %s;\nlog stderr { warning, error, fatal };\nprotocol device {}\n' $TEST_ADDRESS
    case $job in
    receive | receive-bird) filters='import all; export none;' ;;
    static)
        filters='import none; export all;'
        bird_static
        ;;
    esac
    cat <<END
protocol bgp speaker {
    local $TEST_ADDRESS as $SPEAKER_AS;
    neighbor $BIRD_ADDRESS port $port as $BIRD_AS;
    multihop;
    strict bind yes;
    hold time 180;
    ipv4 { $filters };
}
END
}

# Starts the BIRD under test under /usr/bin/time -v, as start_speaker does. Sets time_pid.
start_test_bird() {
    local dir=$1
    /usr/bin/time -v -o "$dir/time.txt" bird -f -c "$dir/test/bird.conf" -s "$dir/test/bird.ctl" \
        -P "$dir/test/bird.pid" >"$dir/speaker.log" 2>&1 &
    time_pid=$!
}

# The sender on the other side for `receive` (examples/sender.rs), in BIRD's place: passive on
# BIRD_ADDRESS:port, as the BIRD there would be, with the same AS and router id (its NEXT_HOP
# is that address too, as BIRD's export had it). Waits until it listens. Sets sender_pid.
start_sender() {
    local dir=$1 port=$2
    "$SENDER" --listen "$BIRD_ADDRESS:$port" --local-as $BIRD_AS --peer-as $SPEAKER_AS \
        --router-id $BIRD_ADDRESS --routes "$ROUTES" --hold-time 240 2>"$dir/sender.log" &
    sender_pid=$!
    until grep -q '^listening ' "$dir/sender.log"; do
        kill -0 "$sender_pid" 2>/dev/null || { echo "the sender did not start: $(cat "$dir/sender.log")" >&2; return 1; }
        sleep 0.02
    done
}

stop_sender() {
    stop_pid "$sender_pid"
}

# As wait_established, from the sender's `established <epoch>` line: its own time stamp of the
# moment it reads the speaker's KEEPALIVE, just before it starts writing the routes.
wait_sender_established() {
    local dir=$1 start=$2
    while :; do
        established=$(awk '$1 == "established" { print $2; exit }' "$dir/sender.log")
        [ -n "$established" ] && return 0
        kill -0 "$sender_pid" 2>/dev/null || { echo "the sender exited: $(tail -1 "$dir/sender.log")" >&2; return 1; }
        kill -0 "$time_pid" 2>/dev/null || { echo "speaker exited" >&2; return 1; }
        [ "$(elapsed "$start" "$(now)" | cut -d. -f1)" -ge "$TIMEOUT" ] && { echo "timed out" >&2; return 1; }
        sleep 0.02
    done
}

# Waits for the counting helper's time stamp (receive, receive-bird). Sets count and reached; 2 when CAP
# passed, 1 on a stall or exit.
wait_helper() {
    local dir=$1 start=$2 cap=$3 last=-1 moved
    moved=$(now)
    while :; do
        [ -s "$dir/seen" ] && { reached=$(cat "$dir/seen"); count=$ROUTES; return 0; }
        count=$(cat "$dir/seen.count" 2>/dev/null || echo 0)
        reached=$(now)
        if [ "$count" != "$last" ]; then
            last=$count
            moved=$reached
        elif [ "$(elapsed "$moved" "$reached" | cut -d. -f1)" -ge "$STALL" ]; then
            echo "stalled at $count routes" >&2
            return 1
        fi
        if [ "$cap" -gt 0 ] && [ "$(elapsed "$start" "$reached" | cut -d. -f1)" -ge "$cap" ]; then
            return 2
        fi
        kill -0 "$time_pid" 2>/dev/null || { echo "speaker exited at $count routes" >&2; return 1; }
        sleep 0.1
    done
}

# Bytes the peer BIRD read on the session so far (its socket is the one on $port).
wire_bytes() {
    ss -tinH state established "( sport = :$1 )" 2>/dev/null |
        awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^bytes_received:/) { split($i, a, ":"); print a[2]; exit } }'
}

RESULTS=()

run_one() {
    local job=$1 name=$2 command=
    case $name in
    bird) [ "$job" = inject ] && return 0 ;;
    exabgp-rs)
        # EXABGP_RS: a given build (e.g. an older commit's) instead of building target/release
        if [ -n "${EXABGP_RS:-}" ]; then command="$EXABGP_RS server"; else command=$(speaker_command "$name"); fi
        ;;
    *)
        command=$(speaker_command "$name")
        if [ -z "$command" ]; then
            printf '%-12s %-10s skipped\n' "$job" "$name" >&2
            return 0
        fi
        ;;
    esac
    local dir port helper cap=0
    dir=$(mktemp -d /tmp/bench-compare.XXXXXX)
    port=$(free_port)
    helper="$dir/helper"
    [ "$name" = exabgp4 ] && cap=$CAP
    case $job in
    inject) inject_helper "$ROUTES" >"$helper" ;;
    receive | receive-bird) count_helper "$ROUTES" "$dir/seen" >"$helper" ;;
    esac
    [ -e "$helper" ] && chmod +x "$helper"
    # on the other side of the session: the sender for `receive`, a BIRD otherwise
    local up=wait_established
    if [ "$job" = receive ]; then
        start_sender "$dir" "$port"
        up=wait_sender_established
    else
        peer_bird_config "$job" "$port" >"$dir/bird.conf"
        start_bird "$dir"
    fi

    local start established= outcome=0 status=ok load count=0 reached= wire= idle_rss=
    local sent='' # the sender's summary line (receive)
    if [ "$name" = bird ]; then
        mkdir -p "$dir/test"
        test_bird_config "$job" "$port" >"$dir/test/bird.conf"
    else
        speaker_config "$job" "$port" "$helper" >"$dir/exabgp.conf"
    fi
    start=$(now)
    if [ "$name" = bird ]; then
        start_test_bird "$dir"
    else
        start_speaker "$dir" "$command" "$dir/exabgp.conf"
    fi
    if "$up" "$dir" "$start"; then
        case $job in
        receive | receive-bird)
            if [ "$name" = bird ]; then
                wait_routes "$dir/test" "$ROUTES" "$start" || outcome=$?
            else
                wait_helper "$dir" "$start" "$cap" || outcome=$?
            fi
            ;;
        inject | static)
            CAP=$cap wait_routes "$dir" "$ROUTES" "$start" || outcome=$?
            wire=$(wire_bytes "$port")
            ;;
        idle)
            sleep 2
            local pid
            pid=$(ps -o pid= --ppid "$time_pid" | tr -d ' ' || true)
            idle_rss=$(awk '$1 == "VmRSS:" { printf "%.1f", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null || true)
            count=0
            reached=$(now)
            ;;
        esac
        case $outcome in
        0) ;;
        2) status=capped ;;
        *) status="routes not all received" ;;
        esac
    else
        status="no session"
    fi
    load=$(awk '{ print $1 }' /proc/loadavg)
    local rss cpu
    stop_speaker "$dir"
    if [ "$job" = receive ]; then
        stop_sender
        sent=$(grep '^sent ' "$dir/sender.log" || true)
    else
        stop_bird
    fi
    [ "$name" = bird ] && [ -s "$dir/test/bird.pid" ] && kill -TERM "$(cat "$dir/test/bird.pid")" 2>/dev/null || true

    local from=$start took rate per= all
    case $job in receive | receive-bird) from=$established ;; esac
    case $status in
    ok | capped)
        took=$(elapsed "$from" "$reached")
        [ "$job" = idle ] && took=0
        rate=$(awk -v n="$count" -v t="$took" 'BEGIN { printf "%.0f", (t > 0 ? n / t : 0) }')
        all=$took
        if [ "$status" = capped ]; then
            all=$(awk -v n="$ROUTES" -v c="$count" -v t="$took" 'BEGIN { printf "%.1f", (c > 0 ? n * t / c : 0) }')
        fi
        [ -n "$wire" ] && [ "$count" -gt 0 ] && per=$(awk -v b="$wire" -v c="$count" 'BEGIN { printf "%.1f", b / c }')
        [ "$job" = idle ] && rss=$idle_rss
        RESULTS+=("$job|$name|$all|$status|$rate|${rss:-?}|${cpu:-?}|${per:--}|$load")
        printf '%-12s %-10s %s: %s routes in %ss (all: %ss), %s routes/s, rss %s MiB, cpu %ss, wire %s B/prefix, load %s\n' \
            "$job" "$name" "$status" "$count" "$took" "$all" "$rate" "${rss:-?}" "${cpu:-?}" "${per:--}" "$load" >&2
        [ -n "$sent" ] && printf '%-12s %-10s (the sender: %s)\n' "$job" "$name" "$sent" >&2
        if [ -s "$dir/seen.ready" ] && [ -n "$established" ]; then
            local lag
            lag=$(elapsed "$established" "$(cat "$dir/seen.ready")")
            case $lag in
            -*) ;;
            *) printf '%-12s %-10s (its helper started reading %ss after Established)\n' "$job" "$name" "$lag" >&2 ;;
            esac
        fi
        rm -rf "$dir"
        ;;
    *)
        printf '%-12s %-10s FAILED: %s (logs in %s)\n' "$job" "$name" "$status" "$dir" >&2
        RESULTS+=("$job|$name|-|$status|-|${rss:-?}|${cpu:-?}|-|$load")
        ;;
    esac
}

# The table: one row per job and speaker, then exabgp-rs's time and memory over the others'.
report() {
    printf '\n%-12s %-10s %10s %10s %10s %8s %9s %6s  %s\n' job speaker "time s" routes/s "rss MiB" "cpu s" "B/prefix" load note
    local row job name all status rate rss cpu per load
    for row in "${RESULTS[@]}"; do
        IFS='|' read -r job name all status rate rss cpu per load <<<"$row"
        local note=
        [ "$status" = capped ] && note="capped at ${CAP}s, time extrapolated"
        [ "$status" != ok ] && [ "$status" != capped ] && note=$status
        [ "$job" = idle ] && all=- && rate=-
        printf '%-12s %-10s %10s %10s %10s %8s %9s %6s  %s\n' "$job" "$name" "$all" "$rate" "$rss" "$cpu" "$per" "$load" "$note"
    done
    printf '\nratios (exabgp-rs / other: below 1 means exabgp-rs is faster or smaller)\n'
    for job in ${JOBS//,/ }; do
        local ours= other
        for row in "${RESULTS[@]}"; do
            IFS='|' read -r j name all status rate rss cpu per load <<<"$row"
            [ "$j" = "$job" ] && [ "$name" = exabgp-rs ] && ours="$all|$rss|$cpu"
        done
        [ -z "$ours" ] && continue
        for row in "${RESULTS[@]}"; do
            IFS='|' read -r j name all status rate rss cpu per load <<<"$row"
            [ "$j" = "$job" ] && [ "$name" != exabgp-rs ] || continue
            other="$all|$rss|$cpu"
            awk -v a="$ours" -v b="$other" -v job="$job" -v name="$name" 'BEGIN {
                split(a, x, "|"); split(b, y, "|")
                t = (y[1] + 0 > 0 && job != "idle") ? sprintf("%.2f", x[1] / y[1]) : "-"
                m = (y[2] + 0 > 0) ? sprintf("%.2f", x[2] / y[2]) : "-"
                c = (y[3] + 0 > 0 && job != "idle") ? sprintf("%.2f", x[3] / y[3]) : "-"
                printf "%-12s vs %-10s time %6s  rss %6s  cpu %6s\n", job, name, t, m, c
            }'
        done
    done
}

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case $1 in
    -n) ROUTES=$2; shift 2 ;;
    -c) CAP=$2; shift 2 ;;
    -j) JOBS=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
    *) break ;;
    esac
done
for job in ${JOBS//,/ }; do
    case ",$ALL_JOBS," in
    *",$job,"*) ;;
    *) echo "unknown job $job (jobs: $ALL_JOBS)" >&2; exit 2 ;;
    esac
done
check_tools
# the sender for `receive`: a given build, or target/release/examples/sender built now
if [[ ",$JOBS," == *,receive,* ]]; then
    if [ -z "${SENDER:-}" ]; then
        SENDER="$ROOT/target/release/examples/sender"
        (cd "$ROOT" && cargo build --release --quiet --example sender) >&2 || { echo "could not build the sender" >&2; exit 1; }
    fi
    [ -x "$SENDER" ] || { echo "no sender at $SENDER" >&2; exit 1; }
fi
command -v ss >/dev/null || { echo "missing ss (apt-get install iproute2)" >&2; exit 1; }
printf 'bench/compare.sh: %s routes, %s, load %s\n' "$ROUTES" "$(date -u +%FT%TZ)" "$(cut -d' ' -f1-3 /proc/loadavg)" >&2
for job in ${JOBS//,/ }; do
    for speaker in ${*:-exabgp-rs bird exabgp4}; do
        run_one "$job" "$speaker"
    done
done
report
