# Shared by the bench/ scripts (sourced): time stamps, ports, the speakers under test, BIRD.
# Expects ROOT (the crate) and VENV (ExaBGP 5's virtualenv) to be set.

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The command line running a configuration file for a speaker, or nothing if unavailable.
speaker_command() {
    case $1 in
    exabgp-rs)
        local bin="$ROOT/target/release/exabgp-rs"
        (cd "$ROOT" && cargo build --release --quiet) >&2 || return 0
        if "$bin" help 2>&1 | awk '$1 == "server" { found = 1 } END { exit !found }'; then
            echo "$bin server"
        else
            echo "exabgp-rs has no server command yet" >&2
        fi
        ;;
    exabgp5)
        if [ ! -x "$VENV/bin/exabgp" ]; then
            (python3 -m venv "$VENV" && "$VENV/bin/pip" install -q exabgp==5.0.15) >&2 || return 0
        fi
        echo "$VENV/bin/exabgp"
        ;;
    exabgp4)
        if [ -x /usr/sbin/exabgp ]; then
            echo /usr/sbin/exabgp
        else
            echo "Debian's exabgp is not installed (apt-get install exabgp)" >&2
        fi
        ;;
    *) echo "unknown speaker $1" >&2 ;;
    esac
}

# Starts a speaker in the background under /usr/bin/time -v (report in $dir/time.txt, output in
# $dir/speaker.log) with ExaBGP's environment (read by exabgp-rs too): foreground, no CLI
# pipes, no privilege drop. Sets time_pid.
start_speaker() {
    local dir=$1 command=$2 conf=$3
    env exabgp_daemon_daemonize=false exabgp_daemon_user=root exabgp_daemon_drop=false \
        exabgp_api_cli=false exabgp_log_destination=stdout exabgp_log_level=WARNING \
        /usr/bin/time -v -o "$dir/time.txt" $command "$conf" >"$dir/speaker.log" 2>&1 &
    time_pid=$!
}

# Stops the speaker started by start_speaker, by PID: /usr/bin/time reports once its child
# (the speaker) exits. Sets rss, the speaker's peak RSS in MiB, and cpu, its user + system
# time in seconds (its helpers' included). (Not to be run in a subshell,
# which could not reap the speaker.)
stop_speaker() {
    local dir=$1 speaker_pid
    speaker_pid=$(ps -o pid= --ppid "$time_pid" | tr -d ' ' || true)
    [ -n "$speaker_pid" ] && kill -TERM "$speaker_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$time_pid" 2>/dev/null || break; sleep 0.1; done
    [ -n "$speaker_pid" ] && kill -KILL "$speaker_pid" 2>/dev/null || true
    wait "$time_pid" 2>/dev/null || true
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$dir/time.txt" 2>/dev/null || true)
    cpu=$(awk -F': ' '/(User|System) time/ { t += $2 } END { printf "%.1f", t }' "$dir/time.txt" 2>/dev/null || true)
}

# Starts BIRD on $dir/bird.conf and waits until it answers birdc. Sets bird_pid.
start_bird() {
    local dir=$1
    bird -f -c "$dir/bird.conf" -s "$dir/bird.ctl" -P "$dir/bird.pid" 2>"$dir/bird.log" &
    bird_pid=$!
    until birdc -s "$dir/bird.ctl" show status >/dev/null 2>&1; do
        kill -0 "$bird_pid" 2>/dev/null || { echo "BIRD did not start: $(cat "$dir/bird.log")" >&2; return 1; }
        sleep 0.05
    done
}

# Stops a background process of ours (TERM) and reaps it.
stop_pid() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

stop_bird() {
    stop_pid "$bird_pid"
}

# Polls BIRD's protocol `speaker` until the session is Established (true) or the speaker exits
# or TIMEOUT seconds pass (false). Sets established, the moment of Established from BIRD's own
# "since" time stamp: birdc answers only between BIRD's own work, so a poll can be late.
wait_established() {
    local dir=$1 start=$2 since
    while :; do
        if birdc -s "$dir/bird.ctl" show protocols speaker 2>/dev/null | awk '$1 == "speaker" && /Established/ { up = 1 } END { exit !up }'; then
            since=$(birdc -s "$dir/bird.ctl" show protocols speaker | awk '$1 == "speaker" { print $5 }')
            established=$(date -d "today $since" +%s.%N 2>/dev/null || now)
            return 0
        fi
        kill -0 "$time_pid" 2>/dev/null || { echo "speaker exited" >&2; return 1; }
        [ "$(elapsed "$start" "$(now)" | cut -d. -f1)" -ge "$TIMEOUT" ] && { echo "timed out" >&2; return 1; }
        sleep 0.1
    done
}

check_tools() {
    for binary in bird birdc python3 /usr/bin/time; do
        command -v "$binary" >/dev/null || { echo "missing $binary (apt-get install bird2 python3 time)" >&2; exit 1; }
    done
}

# Polls BIRD's imported route count until it reaches $2. Returns 1 when the speaker exits or the
# count has not moved for STALL seconds, 2 when CAP seconds (0: none) passed since $3. Sets
# count (and reached, the time of the last poll).
wait_routes() {
    local dir=$1 target=$2 start=$3 last=-1 moved
    moved=$(now)
    while :; do
        count=$(birdc -s "$dir/bird.ctl" show protocols all speaker 2>/dev/null |
            awk '$1 == "Routes:" { print $2; exit }')
        count=${count:-0}
        reached=$(now)
        [ "$count" -ge "$target" ] && return 0
        if [ "$count" != "$last" ]; then
            last=$count
            moved=$reached
        elif [ "$(elapsed "$moved" "$reached" | cut -d. -f1)" -ge "$STALL" ]; then
            echo "stalled at $count routes" >&2
            return 1
        fi
        if [ "${CAP:-0}" -gt 0 ] && [ "$(elapsed "$start" "$reached" | cut -d. -f1)" -ge "$CAP" ]; then
            return 2
        fi
        if ! kill -0 "$time_pid" 2>/dev/null; then
            echo "speaker exited at $count routes" >&2
            return 1
        fi
        sleep 0.1
    done
}
