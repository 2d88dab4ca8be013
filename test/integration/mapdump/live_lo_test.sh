#!/usr/bin/env bash
# mapdump -i: a live capture on loopback with a BPF filter sees exactly the datagrams this test sends.
# Needs root (CAP_NET_RAW); skips with the reason otherwise. Traffic goes to 127.0.0.1 only, bounded in count
# and time.
set -euo pipefail
mapdump="$1"
if [[ $(id -u) -ne 0 ]]; then
  echo "SKIP: live capture needs root (CAP_NET_RAW); CI runs as root"
  exit 77
fi
out=$(mktemp)
trap 'rm -f "$out"; kill "$pid" 2>/dev/null || true' EXIT
port=$((40000 + RANDOM % 10000))
timeout 10 "$mapdump" -i lo -c 3 -T json "udp dst port $port" >"$out" &
pid=$!
sleep 1  # let the handle open before sending
python3 - "$port" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3):
    s.sendto(b"pktmap-live-%d" % i, ("127.0.0.1", int(sys.argv[1])))
    time.sleep(0.05)
PY
wait "$pid"
python3 - "$out" "$port" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
pkts = [json.loads(l) for l in lines]
assert len(pkts) == 3, f"expected 3 packets, got {len(pkts)}"
for p in pkts:
    assert p["udp"]["dport"] == int(sys.argv[2]), p
    assert p["ipv4"]["dst"] == "127.0.0.1", p
print("live capture: 3 of 3 datagrams decoded")
PY
