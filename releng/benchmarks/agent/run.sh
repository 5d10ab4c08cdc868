#!/bin/sh
# Builds a graph of 2,000 trivial derivations with one local Kiln agent of the built products (coordinator and agent
# on loopback) and, before and after, with nix-store --realise, given the same number of parallel builds; prints
# builds per second for each (the rate of Nix is the mean of its two runs, as it moves from run to run), and the CPU
# time the coordinator and the agent used. Both build in a store whose files are where its paths say, without a
# sandbox. The coordinator and the agent are long-running services, measured in their steady state: before the
# measured graph they build warm-up graphs of other derivations, one after the other, at least MIN ROUNDS and until
# two graphs in a row go no more than 5% faster than the best before them (the JIT compilers have done most of their
# work), at most WARM-UP ROUNDS graphs; the rate of each is printed, the first being the cold one.
#   releng/benchmarks/agent/run.sh [DERIVATIONS] [PARALLEL] [WARM-UP DERIVATIONS, default 1000]
#       [WARM-UP ROUNDS, at most, default 8] [MIN ROUNDS, default 5]
# Needs nix-bin, curl, python3 and the products (./mvnw -B -DskipTests verify). KILN_AGENT_JAVA_OPTS adds JVM options
# to the agent only, for example a flight recording: -XX:StartFlightRecording=filename=/tmp/agent.jfr,settings=profile
set -eu

count=${1:-2000}
jobs=${2:-2}
warmup=${3:-1000}
rounds=${4:-8}
min_rounds=${5:-5}
root=$(cd "$(dirname "$0")/../../.." && pwd)
products="$root/products/target/products"
work=$(mktemp -d /tmp/kiln-agent-benchmark.XXXXXX)
pids=""
cleanup() {
    for pid in $pids; do kill "$pid" 2>/dev/null || true; done
    for pid in $pids; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

now() { date +%s.%N; }
cpu() { awk -v tick="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / tick }' "/proc/$1/stat"; }
rate() { echo "$1 $2 $3" | awk '{ printf "%.1f", $1 / ($3 - $2) }'; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

mkdir -p "$work/conf" "$work/home"
printf 'sandbox = false\nbuild-users-group =\nsubstituters =\nexperimental-features = nix-command\n' > "$work/conf/nix.conf"
export NIX_CONF_DIR="$work/conf" NIX_REMOTE= HOME="$work/home" XDG_CACHE_HOME="$work/home/cache"

# Derivation i depends on derivation (i - 1) / 2: a binary tree, 11 levels deep for 2,000, plenty of parallelism.
cat > "$work/graph.nix" <<'NIX'
{ prefix, count }:
let
  node = i: derivation {
    name = "${prefix}-${toString i}"; system = "x86_64-linux"; builder = "/bin/sh";
    args = [ "-c" (if i == 0 then "/bin/echo 0 > $out" else "/bin/echo ${toString i} | /bin/cat - ${node ((i - 1) / 2)} > $out") ];
  };
in builtins.genList node count
NIX

instantiate() { # STORE-DIR [PREFIX COUNT]: the .drv paths in STORE-DIR.PREFIX.drvs
    nix-instantiate --store "local?store=$1&state=$1.state&log=$1.state/log" --argstr prefix "${2:-node}" \
        --arg count "${3:-$count}" "$work/graph.nix" > "$1.${2:-node}.drvs"
}

# Nix, on two copies of the graph: one built before Kiln and one after, as its rate moves from run to run.
nix_build() { # STORE-DIR: builds the graph instantiated there; sets nix_rate
    start=$(now)
    nix-store --store "local?store=$1&state=$1.state&log=$1.state/log" \
        --max-jobs "$jobs" --realise $(cat "$1.node.drvs") > /dev/null 2> "$work/nix.err"
    end=$(now)
    nix_rate=$(rate "$count" "$start" "$end")
    echo "nix-store --realise: $count builds in $(echo "$start $end" | awk '{ printf "%.1f", $2 - $1 }') s, $nix_rate builds/s"
}
mkdir -p "$work/nix/store" "$work/nix-after/store"
instantiate "$work/nix/store"
instantiate "$work/nix-after/store"
nix_build "$work/nix/store"
nix_before=$nix_rate

# Kiln: a coordinator and one agent
tar --warning=no-unknown-keyword -xzf "$products/kiln-coordinator-linux.gtk.x86_64.tar.gz" -C "$work"
tar --warning=no-unknown-keyword -xzf "$products/kiln-agent-linux.gtk.x86_64.tar.gz" -C "$work"
client=$(free_port)
agent=$(free_port)
kiln="$work/kiln-coordinator/bin/kiln"
"$work/kiln-coordinator/bin/kiln" coordinator --state-dir "$work/coordinator" --client-listen "127.0.0.1:$client" \
    --agent-listen "127.0.0.1:$agent" > "$work/coordinator.log" 2>&1 &
coordinator_pid=$!
pids="$pids $coordinator_pid"
tries=0
until curl -sf "http://127.0.0.1:$client/healthz" > /dev/null; do
    tries=$((tries + 1)); [ "$tries" -lt 600 ] || { echo "the coordinator did not start" >&2; cat "$work/coordinator.log" >&2; exit 1; }
    sleep 0.2
done
credentials=$("$kiln" agent new --name benchmark --coordinator "http://127.0.0.1:$client")
echo "$credentials" | sed -n 's/^password: *//p' > "$work/password"
id=$(echo "$credentials" | sed -n 's/^id: *//p')
mkdir -p "$work/kiln/store"
instantiate "$work/kiln/store"
KILN_JAVA_OPTS="${KILN_JAVA_OPTS:-} ${KILN_AGENT_JAVA_OPTS:-}" "$work/kiln-agent/bin/kiln-agent" --coordinator "http://127.0.0.1:$agent" --id "$id" --password-file "$work/password" \
    --state-dir "$work/agent" --store-dir "$work/kiln/store" --sandbox no --max-parallel-builds "$jobs" \
    --idle-poll-millis 50 > "$work/agent.log" 2>&1 &
agent_pid=$!
pids="$pids $agent_pid"

# Done when the metrics show no pending build (a page of the build list holds at most a limited number). One process
# asks ten times a second on one connection: a command started for each question would take CPU from the builds.
wait_done() {
    python3 - "$client" <<'PY'
import http.client, sys, time
connection = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=30)
deadline = time.monotonic() + 600
while time.monotonic() < deadline:
    connection.request("GET", "/metrics")
    lines = connection.getresponse().read().decode().splitlines()
    if sum(float(line.split()[-1]) for line in lines if line.startswith("kiln_builds{")) == 0:
        sys.exit(0)
    time.sleep(0.1)
sys.exit("the builds did not finish within 10 minutes")
PY
}

build() { # PREFIX: submits that graph and waits until no build is pending; sets start, submitted, end, first_build
    start=$(now)
    "$kiln" build submit --coordinator "http://127.0.0.1:$client" --store-dir "$work/kiln/store" \
        $(cat "$work/kiln/store.$1.drvs") > /dev/null
    submitted=$(now)
    wait_done || { tail -20 "$work/agent.log" >&2; exit 1; }
    end=$(now)
    first_build=$(date -d "$(grep -m 1 " Building .*-$1-[0-9]*\.drv" "$work/agent.log" | cut -c 1-23)" +%s.%N)
}
seconds() { echo "$1 $2" | awk '{ printf "%.1f", $2 - $1 }'; }

round=0
best=0
flat=0
while [ "$warmup" -gt 0 ] && [ "$round" -lt "$rounds" ] && { [ "$round" -lt "$min_rounds" ] || [ "$flat" -lt 2 ]; }; do
    round=$((round + 1))
    instantiate "$work/kiln/store" "warm$round" "$warmup"
    build "warm$round"
    warm_rate=$(rate "$warmup" "$start" "$end")
    echo "kiln, one agent, warm-up graph $round$([ "$round" -eq 1 ] && echo ' (cold)'): $warmup builds in" \
        "$(seconds "$start" "$end") s from submission, $warm_rate builds/s; from the first build's start" \
        "$(rate "$warmup" "$first_build" "$end") builds/s"
    # Steady once two graphs in a row go no more than 5% faster than the best before them.
    if echo "$warm_rate $best" | awk '{ exit !($1 <= $2 * 1.05) }'; then
        flat=$((flat + 1))
    else
        flat=0
    fi
    best=$(echo "$warm_rate $best" | awk '{ print ($1 > $2 ? $1 : $2) }')
done
coordinator_cpu=$(cpu "$coordinator_pid")
agent_cpu=$(cpu "$agent_pid")
build node
coordinator_cpu=$(echo "$(cpu "$coordinator_pid") $coordinator_cpu" | awk '{ printf "%.1f", $1 - $2 }')
agent_cpu=$(echo "$(cpu "$agent_pid") $agent_cpu" | awk '{ printf "%.1f", $1 - $2 }')
kiln_rate=$(rate "$count" "$start" "$end")
build_rate=$(rate "$count" "$first_build" "$end")
submit_seconds=$(seconds "$start" "$submitted")
kiln_seconds=$(seconds "$start" "$end")
build_seconds=$(seconds "$first_build" "$end")
load=$(cut -d ' ' -f 1-3 /proc/loadavg)
nix_build "$work/nix-after/store"
nix_rate=$(echo "$nix_before $nix_rate" | awk '{ printf "%.1f", ($1 + $2) / 2 }')
echo "nix-store --realise, mean of the runs before and after Kiln: $nix_rate builds/s"
echo "kiln, one agent: $count builds in $kiln_seconds s from submission, $kiln_rate builds/s ($submit_seconds s of it to submit); $(echo "$kiln_rate $nix_rate" | awk '{ printf "%.2f", $1 / $2 }') times Nix's rate"
echo "kiln, one agent, from the first build's start: $count builds in $build_seconds s, $build_rate builds/s; $(echo "$build_rate $nix_rate" | awk '{ printf "%.2f", $1 / $2 }') times Nix's rate"
echo "CPU from submission to the end: coordinator $coordinator_cpu s, agent $agent_cpu s (builders not counted); load average $load"
