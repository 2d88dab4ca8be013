#!/usr/bin/env bash
# mapdump -i on an idle interface: --duration and Ctrl-C end the capture on time although no packet arrives
# (a veth in a namespace of this test, with a filter nothing matches, so not even IPv6 chatter wakes it).
# Needs root and ip netns; skips with the reason otherwise. Sends nothing.
set -euo pipefail
mapdump="$1"
if [[ $(id -u) -ne 0 ]]; then
  echo "SKIP: live capture in a network namespace needs root; CI runs as root"
  exit 77
fi
command -v ip >/dev/null || { echo "SKIP: ip (iproute2) not installed"; exit 77; }
ns="pktmap-idle-$$"
out=$(mktemp)
cleanup() {
  ip netns del "$ns" 2>/dev/null || true
  rm -f "$out"
}
trap cleanup EXIT
ip netns add "$ns" || { echo "SKIP: cannot create a network namespace"; exit 77; }
ip -n "$ns" link add idle0 type veth peer name idle1
ip -n "$ns" link set idle0 up
ip -n "$ns" link set idle1 up

now() { date +%s%N; }
# elapsed_ms START: milliseconds since START (from now()).
elapsed_ms() { echo $((($(now) - $1) / 1000000)); }

# 1. --duration 1: exits 0 after about a second, not when a packet comes (none will).
start=$(now)
rc=0
timeout 10 ip netns exec "$ns" "$mapdump" -i idle0 --duration 1 -q --stats --json 'udp port 9' >"$out" || rc=$?
ms=$(elapsed_ms "$start")
[[ $rc -eq 0 ]] || { echo "FAIL: mapdump --duration 1 exited $rc after $ms ms (124: still running at 10 s)"; exit 1; }
((ms >= 900 && ms < 4000)) || { echo "FAIL: mapdump --duration 1 took $ms ms"; exit 1; }
grep -q '"packets":0' "$out" || { echo "FAIL: expected a 0-packet report, got: $(cat "$out")"; exit 1; }
echo "ok: --duration 1 on an idle veth ended after $ms ms with status 0"

# 2. Ctrl-C (SIGINT) without any bound: ends promptly with the interrupted message.
start=$(now)
ip netns exec "$ns" "$mapdump" -i idle0 'udp port 9' >"$out" 2>&1 &
pid=$!
sleep 0.5
kill -INT "$pid"
rc=0
for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
  kill -KILL "$pid"
  echo "FAIL: mapdump still running 4 s after SIGINT on an idle interface"
  exit 1
fi
wait "$pid" || rc=$?
ms=$(elapsed_ms "$start")
grep -q "interrupted after 0 packets" "$out" || { echo "FAIL: no interrupted message (status $rc): $(cat "$out")"; exit 1; }
echo "ok: SIGINT on an idle veth ended the capture after $ms ms (status $rc)"
