#!/usr/bin/env python3
"""sfcproxy-replay streams a capture through a pipe in memory bounded by its mapping table.

  pktmap-gencap sfc --mix md1-eth-ipv4 ... -o - | sfcproxy-replay -r - --mode vlan --per flow -w - --json | reader

for a small and a 10x larger capture (same 10000 flows, 50 paths). The reader counts the bytes that come out.
Checks, per run: every process exits 0; the JSON report (on stderr, since stdout carries the capture) counts
every generated packet in, to the SF, restored and written; the bytes out are exactly a pcap header plus one
record per written packet (the transparent SF hands back each 128-byte frame as it came). Across runs: the
proxy's peak RSS (VmHWM of its /proc status, sampled while it runs: wait4's ru_maxrss would include the RSS
of this Python process the proxy was forked from) of the larger run is within SLACK_KIB of the smaller one's,
though the capture is ten times the size. Sampling can miss a peak reached in the last moments of a run (a
sanitizer's exit-time work, on a loaded machine), which would understate the smaller run's peak and fail the
check falsely: the smaller capture runs SMALL_RUNS times and its highest peak counts.
Usage: stream_test.py SFCPROXY GENCAP
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

SIZES = (200_000, 2_000_000)
SMALL_RUNS = 3
FRAME = 128  # md1-eth-ipv4 frame length
PCAP_HEADER, RECORD_HEADER = 24, 16
SLACK_KIB = 2048


def watch_hwm(pid, peak, done):
    """Keeps peak[0] at the largest VmHWM (KiB) read from /proc/PID/status until done is set."""
    while not done.is_set():
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak[0] = max(peak[0], int(line.split()[1]))
        except OSError:
            return
        time.sleep(0.002)


def run(proxy, gencap, packets, tmp):
    gen = subprocess.Popen(
        [gencap, "sfc", "--mix", "md1-eth-ipv4", "--packets", str(packets), "--flows", "10000", "--paths", "50",
         "-o", "-"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    report_path = os.path.join(tmp, f"report-{packets}.json")
    with open(report_path, "wb") as report:
        px = subprocess.Popen([proxy, "-r", "-", "--mode", "vlan", "--per", "flow", "-w", "-", "--json"],
                              stdin=gen.stdout, stdout=subprocess.PIPE, stderr=report)
    gen.stdout.close()  # the proxy holds the only read end: gencap sees EPIPE if the proxy dies
    peak, done = [0], threading.Event()
    watcher = threading.Thread(target=watch_hwm, args=(px.pid, peak, done))
    watcher.start()
    out_bytes = 0
    while chunk := px.stdout.read(1 << 20):
        out_bytes += len(chunk)
    px.stdout.close()
    done.set()
    watcher.join()
    px.wait()
    gen_rc = gen.wait()
    assert gen_rc == 0, f"pktmap-gencap exited {gen_rc}"
    text = open(report_path).read()
    assert px.returncode == 0, f"sfcproxy-replay exited {px.returncode}: {text}"
    rep = json.loads(text)
    for key in ("packets_in", "to_sf", "restored", "written"):
        assert rep[key] == packets, f"{packets} packets: report {key} = {rep[key]}"
    assert rep["accuracy"]["exact"] == packets, rep["accuracy"]
    want = PCAP_HEADER + packets * (RECORD_HEADER + FRAME)
    assert out_bytes == want, f"{packets} packets: {out_bytes} bytes out, expected {want}"
    assert peak[0] > 0, "no VmHWM sample of the proxy"
    return peak[0]


def main():
    proxy, gencap = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        rss = [max(run(proxy, gencap, SIZES[0], tmp) for _ in range(SMALL_RUNS)), run(proxy, gencap, SIZES[1], tmp)]
    for n, r in zip(SIZES, rss):
        print(f"{n} packets streamed: proxy peak RSS {r} KiB")
    assert rss[1] <= rss[0] + SLACK_KIB, (
        f"peak RSS grew with the input: {rss[0]} KiB for {SIZES[0]} packets, {rss[1]} KiB for {SIZES[1]}")
    print(f"memory bounded: {SIZES[1] // SIZES[0]}x the packets, {rss[1] - rss[0]:+d} KiB peak RSS")


if __name__ == "__main__":
    main()
