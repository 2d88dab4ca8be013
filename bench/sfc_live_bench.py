#!/usr/bin/env python3
"""Lossless rate of sfcproxy-replay --live through a Linux bridge SF (see run-sfc-live-bench.sh).

For each mode: one proxy in its namespace, then tcpreplay from the SFF namespace at stepped --pps rates and
at --topspeed, each step the same capture. Sent = tcpreplay's count; back = frames received on the SFF's
veth (its kernel rx counter, so no capture process competes for the 2 cores); loss = 1 - back/sent.
Usage: sfc_live_bench.py SFCPROXY GENCAP PACKETS RATES MODES
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "integration",
                                "sfc_live"))
import topology  # noqa: E402

PER = {"mac": "flow", "mac-pair": "flow", "vlan": "flow", "qinq": "flow", "5tuple": "flow", "vxlan": "path"}


def rx_packets(topo):
    out = topo.ns(topo.sff, "cat", "/sys/class/net/sff0/statistics/rx_packets").stdout
    return int(out.strip())


def step(topo, pcap, rate):
    before = rx_packets(topo)
    args = ["--topspeed"] if rate == "top" else ["--pps", rate]
    res = topo.ns(topo.sff, "tcpreplay", "-i", "sff0", *args, pcap)
    sent = int(re.search(r"Actual: (\d+) packets", res.stdout).group(1))
    pps = float(re.search(r"([\d.]+) pps", res.stdout).group(1))
    time.sleep(0.5)  # returns still in flight
    back = rx_packets(topo) - before
    return sent, back, pps


def bench_mode(proxy_bin, pcap, mode, rates):
    topo = topology.Topology("bridge")
    proxy = None
    try:
        topo.create()
        proxy = subprocess.Popen(["ip", "netns", "exec", topo.proxy, proxy_bin, "--live", "--sff-if", "p-sff",
                                  "--sf-if", "p-l,p-r", "--mode", mode, "--per", PER[mode], "--json",
                                  "--buffer", "16384"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)
        rows = []
        for rate in rates:
            sent, back, pps = step(topo, pcap, rate)
            rows.append((rate, sent, back, pps))
            loss = 100.0 * (sent - back) / sent if sent else 0.0
            label = "topspeed" if rate == "top" else f"--pps {rate}"
            print(f"{mode:9s} {label:13s} offered {pps:10.0f} pps  sent {sent:8d}  back {back:8d}  "
                  f"loss {loss:6.2f} %", flush=True)
        with open(f"/proc/{proxy.pid}/stat") as f:  # `ip netns exec` execs the proxy: same pid
            fields = f.read().rsplit(")", 1)[1].split()
        cpu_s = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        proxy.send_signal(signal.SIGTERM)
        out, _ = proxy.communicate(timeout=10)
        rep = json.loads(out.strip().splitlines()[-1])
        kd = rep["sff"]["kernel_dropped"] + sum(p["kernel_dropped"] for p in rep["sf"])
        print(f"{mode:9s} proxy: to SF {rep['to_sf']}, restored {rep['restored']}, ring drops {kd}, "
              f"tx failed {rep['sff']['tx_failed'] + sum(p['tx_failed'] for p in rep['sf'])}; "
              f"proxy CPU {cpu_s:.2f} s = {1e6 * cpu_s / max(rep['to_sf'] + rep['restored'], 1):.1f} us per "
              f"frame handled (user+sys, including the kernel's veth/bridge work done in its send calls)")
        lossless = [r for r in rows if r[0] != "top" and r[2] >= r[1]]
        best = max((r[3] for r in lossless), default=0)
        top = [r for r in rows if r[0] == "top"]
        top_txt = f", topspeed: {top[0][3]:.0f} pps offered, {100.0 * top[0][2] / top[0][1]:.1f} % back" if top \
            else ""
        print(f"{mode:9s} => lossless up to {best:.0f} pps{top_txt}", flush=True)
        return best
    finally:
        if proxy and proxy.poll() is None:
            proxy.kill()
            proxy.wait()
        topo.destroy()


def main():
    proxy_bin, gencap, packets, rates, modes = sys.argv[1:6]
    work = tempfile.mkdtemp(prefix="pktmap-sfc-live-bench-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    pcap = os.path.join(work, "bench.pcap")
    try:
        subprocess.run([gencap, "sfc", "--mix", "md1-eth-ipv4", "--packets", packets, "--flows", "1000",
                        "--paths", "50", "-o", pcap], check=True, capture_output=True)
        print(f"capture: {packets} packets, NSH MD1 over Ethernet, inner IPv4/UDP, 1000 flows, 50 paths, "
              f"{os.path.getsize(pcap) // int(packets)} bytes/frame on average")
        for mode in modes.split(","):
            bench_mode(proxy_bin, pcap, mode, rates.split(",") + ["top"])
    finally:
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
