#!/usr/bin/env python3
"""The PCP emulator against Debian's miniupnpd on the same load, in the same network namespaces.

Both servers run in the gateway namespace of test/integration/pcp/miniupnpd_netns.py (miniupnpd on
10.77.0.1:5351, `pcp-cli server` on 10.77.0.1:5352); the load generator (bench_pcp_server --drive) runs
in the client namespace. For each server: create MAPPINGS UDP mappings one by one, then send MAP refreshes
of them: 50000 to the emulator with 32 in flight, REQUESTS to miniupnpd one at a time (it takes hundreds
of milliseconds per request here, see below; a window would only queue requests in its socket buffer).
Printed per server: refreshes answered per second (wall), and per CPU-second of the server process
(utime+stime from /proc over the refresh phase: the machine is shared, so wall time also counts waiting
for a core). Then the ratio emulator / miniupnpd.
miniupnpd 2.3.1 has no PCP rate limit, but it handles each request synchronously through its nftables
backend (netlink), at a cost that grows with the mappings it holds (measured on the 2-core machine: 57 ms
per refresh with 5 mappings, 160 ms with 25, 570 ms with 100, mostly kernel CPU), so 10,000 mappings (the
emulator's bench load) are out of reach; the namespace comparison uses MAPPINGS (default 100) for both
servers, and the loopback lines before it show the emulator with 10,000.

  bench/pcp_vs_miniupnpd.py [BUILD_DIR] [MAPPINGS] [REQUESTS]    defaults: build 100 50
Needs root, iproute2, nft and miniupnpd; without them it says why and measures the emulator alone.
Benchmarks are not tests: nothing fails on a slow machine, it reports.
"""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(HERE, "..", "test", "integration", "pcp"))
sys.path.insert(0, os.path.join(HERE, "..", "test", "integration"))
import signal_cleanup  # noqa: E402
from miniupnpd_netns import GW_LAN, Gateway, unavailable  # noqa: E402

build = sys.argv[1] if len(sys.argv) > 1 else "build"
mappings = int(sys.argv[2]) if len(sys.argv) > 2 else 100
requests = int(sys.argv[3]) if len(sys.argv) > 3 else 50
bench = os.path.join(build, "bin", "bench_pcp_server")
pcp = os.path.join(build, "bin", "pcp-cli")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(gw, name, pid, port, requests, window):
    """Drives the server at GW_LAN:port; returns a dict of figures."""
    drv = subprocess.Popen(gw.exec_cl(bench, "--drive", f"{GW_LAN}:{port}", str(mappings), str(requests),
                                      str(window), "--wait"),
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    created = drv.stdout.readline().strip()
    cpu0 = cpu_seconds(pid)
    drv.stdin.write("go\n")
    drv.stdin.flush()
    line = drv.stdout.readline().strip()
    cpu1 = cpu_seconds(pid)
    drv.wait(timeout=60)
    f = dict(kv.split("=", 1) for kv in line.split()[1:])
    f["cpu"] = cpu1 - cpu0
    answered = int(f["answered"])
    f["per_cpu"] = answered / f["cpu"] if f["cpu"] > 0 else float("inf")
    print(f"{name:<10} {created}")
    print(f"{name:<10} {answered} answered, {f['lost']} lost in {float(f['seconds']):.2f} s: {float(f['rps']):.0f} "
          f"refreshes/s (wall); server CPU {f['cpu']:.2f} s = {f['per_cpu']:.0f} per CPU-second; "
          f"result codes {f['results']}")
    return f


def main():
    sys.stdout.reconfigure(line_buffering=True)
    for b in (bench, pcp):
        if not os.access(b, os.X_OK):
            print(f"pcp_vs_miniupnpd: {b} missing (build first)", file=sys.stderr)
            return 2
    print("emulator on loopback (bench_pcp_server):")
    subprocess.run([bench, "10000", "400000"], check=True)
    why = unavailable()
    if why:
        print(f"\nminiupnpd comparison skipped: {why}")
        return 0
    signal_cleanup.install()
    print(f"\nnamespaces: {mappings} mappings per server")
    with Gateway(verbose=False, max_lifetime=86400) as gw:
        if not gw.start_miniupnpd():
            print("miniupnpd comparison skipped: miniupnpd did not start:\n" + gw.log())
            return 0
        policy = os.path.join(gw.tmp, "emu.yaml")
        with open(policy, "w") as f:
            f.write("announce: {on_start: false}\n")
        emu = gw.spawn(gw.exec_gw(pcp, "server", "--config", policy, "--listen", f"{GW_LAN}:5352"),
                       stderr=subprocess.DEVNULL)
        time.sleep(0.3)
        e = measure(gw, "emulator", emu.pid, 5352, 50000, 32)
        t0 = time.time()
        m = measure(gw, "miniupnpd", gw.daemon.pid, 5351, requests, 1)
        rules = gw.ruleset().count("dnat")
        print(f"miniupnpd  nft DNAT rules installed: {rules}; run took {time.time() - t0:.1f} s")
        print()
        if int(m["answered"]) == 0:
            print("ratio: miniupnpd answered no refresh within 2 s each: no ratio")
        else:
            print(f"ratio emulator / miniupnpd: {float(e['rps']) / float(m['rps']):.1f}x (wall refreshes/s), "
                  f"{e['per_cpu'] / m['per_cpu']:.1f}x (per server CPU-second)")
        if int(m["lost"]) > 0:
            print(f"note: miniupnpd left {m['lost']} of {requests} refreshes unanswered within 2 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
