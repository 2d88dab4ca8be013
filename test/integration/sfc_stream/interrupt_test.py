#!/usr/bin/env python3
"""sfcproxy-replay stopped by SIGINT or SIGTERM still writes its outputs and report.

A generated capture (20,000 packets) is written into the proxy's standard input, which then stays open and
silent, so the proxy is blocked reading when the signal comes. For each signal, checks: exit status 2 (the
run did not reach the end of its input); the JSON report on stdout says interrupted, with every packet sent
counted in, restored and written; the -w output (a temporary file renamed into place, its records written by
the writer's second thread) is a whole pcap holding exactly those records, each the length the transparent SF
gives back; and no temporary file is left beside it.
Usage: interrupt_test.py SFCPROXY GENCAP
"""
import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time

PACKETS = 20_000
FRAME = 128  # md1-eth-ipv4 frame length: the restored frame is the same length
PCAP_HEADER, RECORD_HEADER = 24, 16


def pcap_records(path):
    """(record count, caplens) of a classic little-endian pcap file, failing on a torn record."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < PCAP_HEADER or struct.unpack_from("<I", data)[0] not in (0xA1B2C3D4, 0xA1B23C4D):
        raise AssertionError(f"{path}: not a pcap file")
    off, caplens = PCAP_HEADER, []
    while off < len(data):
        if off + RECORD_HEADER > len(data):
            raise AssertionError(f"{path}: record header torn at byte {off}")
        caplen = struct.unpack_from("<I", data, off + 8)[0]
        off += RECORD_HEADER + caplen
        if off > len(data):
            raise AssertionError(f"{path}: record data torn, ends past byte {len(data)}")
        caplens.append(caplen)
    return len(caplens), caplens


def run(proxy, capture, sig, tmp):
    out = os.path.join(tmp, f"out-{sig.name}.pcap")
    px = subprocess.Popen([proxy, "-r", "-", "--mode", "vlan", "--per", "flow", "-w", out, "--json"],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with open(capture, "rb") as f:
        px.stdin.write(f.read())  # blocks until the proxy has read all but the pipe's last buffer
    px.stdin.flush()
    time.sleep(1.0)  # the proxy takes well under 0.1 s for these; then it waits on the silent pipe
    if px.poll() is not None:
        raise AssertionError(f"{sig.name}: the proxy exited before the signal: {px.stderr.read().decode()}")
    px.send_signal(sig)
    try:
        stdout, stderr = px.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        px.kill()
        raise AssertionError(f"{sig.name}: the proxy did not stop within 20 s of the signal")
    problems = []
    if px.returncode != 2:
        problems.append(f"exit status {px.returncode}, expected 2: {stderr.decode().strip()}")
    report = json.loads(stdout)
    want = {"interrupted": True, "packets_in": PACKETS, "restored": PACKETS, "written": PACKETS}
    for key, value in want.items():
        if report.get(key) != value:
            problems.append(f"report {key} = {report.get(key)!r}, expected {value!r}")
    count, caplens = pcap_records(out)
    if count != PACKETS or any(c != FRAME for c in caplens):
        problems.append(f"{out}: {count} records (lengths {sorted(set(caplens))}), expected {PACKETS} of {FRAME}")
    left = [n for n in os.listdir(tmp) if ".tmp." in n]
    if left:
        problems.append(f"temporary files left: {left}")
    for p in problems:
        print(f"FAIL {sig.name}: {p}")
    if not problems:
        print(f"ok {sig.name}: exit 2, {PACKETS} packets in, restored and written; {out} whole")
    return not problems


def main():
    proxy, gencap = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="pktmap-sfc-interrupt-") as tmp:
        capture = os.path.join(tmp, "in.pcap")
        subprocess.run([gencap, "sfc", "--mix", "md1-eth-ipv4", "--packets", str(PACKETS), "--flows", "1000",
                        "--paths", "10", "-o", capture], check=True, stderr=subprocess.DEVNULL)
        ok = all([run(proxy, capture, signal.SIGINT, tmp), run(proxy, capture, signal.SIGTERM, tmp)])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
