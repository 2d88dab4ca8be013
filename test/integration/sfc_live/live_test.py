#!/usr/bin/env python3
"""sfcproxy-replay --live between network namespaces, with the Linux kernel as the legacy SF.

  ns sff:   tcpreplay of a generated NSH capture out of sff0; tcpdump -Q in on sff0 (what comes back)
  ns proxy: sfcproxy-replay --live --sff-if p-sff --sf-if p-l,p-r
  ns sf:    sf-l and sf-r joined by a kernel SF (see SF_SETUPS); tcpdump -Q in on both (what the SF is sent)

Checks: every frame back at the SFF is NSH with SI-1 and the metadata it entered with (or, at flow
granularity, the metadata of the first packet of its scope: the mode's documented "first seen" rule), on
the transport it came in; each input packet comes back at most once; the packets missing are exactly those
the SF dropped on purpose plus those the proxy counted as dropped; no NSH reaches the SF; no frame reaches
the SFF without NSH; the proxy's counters agree. Rewriting SFs (the NAT router) are fed only what they
can take (Case keep=), pair packets by key= and must show their rewrite (returned=).
Usage: live_test.py SFCPROXY GENCAP CASE [--keep]
Exit 77 (skipped, reason printed) without root, ip netns, tcpreplay or tcpdump, or when the kernel lacks
what the SF needs (a vxlan device, the nftables rules).

A new case is a function in topology.SF_SETUPS, one CASES line here (key= when the SF rewrites the inner
packet) and its name in CMakeLists.txt.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import nsh_pcap  # noqa: E402
import signal_cleanup  # noqa: E402
import topology  # noqa: E402

PAIRS = [f"{101 + i}:{201 + i}" for i in range(12)]  # the generator's forward/reverse SPIs


class Case:
    def __init__(self, sf, mode, per, scope, dropped=None, args=(), key=None, sf_ifs="p-l,p-r", keep=None,
                 config=None, returned=None):
        self.sf = sf            # key of topology.SF_SETUPS
        self.mode = mode
        self.per = per
        self.scope = scope      # whose metadata a returned packet carries: packet, flow (spi+tuple), tuple, path
        self.dropped = dropped  # predicate over (nsh, five_tuple): packets the SF drops on purpose
        self.args = list(args)
        self.sf_ifs = sf_ifs
        # (ethertype, inner L3 bytes) -> what pairs a returned packet with its input. Default: the L3 bytes,
        # which a transparent SF leaves alone; an SF that rewrites (NAT) needs a key that survives it.
        self.key = key or (lambda _et, l3: l3)
        self.keep = keep        # frame -> bool: the part of the generated capture this SF can take
        self.config = config    # text of the proxy's --config file
        self.returned = returned  # (ethertype, L3) -> bool: what every returned packet shows the SF did


def ipv4_l3_payload(frame):
    """NSH frames whose payload is a bare IPv4 packet (NP 1), and congruent metadata: what a router takes."""
    n = nsh_pcap.parse_nsh(frame)
    return n is not None and (not n["payload"] or n["np"] == 1)


def netmap_10_to_100(a):
    return bytes([100]) + a[1:] if a[0] == 10 else a


def translated(et, l3):
    """The router translated the packet: no 10.0.0.0/8 address is left in it."""
    return et == 0x0800 and len(l3) >= 20 and l3[12] != 10 and l3[16] != 10


def nat_key(et, l3):
    """The same for a packet before and after topology.setup_nat_router: addresses translated, then the
    IP ID, protocol and the L4 bytes without the checksum (the router rewrote it with the addresses; TTL
    and the header checksum change too and are left out)."""
    if et != 0x0800 or len(l3) < 20:
        return l3
    ihl = (l3[0] & 0x0F) * 4
    l4 = bytearray(l3[ihl:])
    cks = {6: 16, 17: 6}.get(l3[9])
    if cks is not None and len(l4) >= cks + 2:
        l4[cks:cks + 2] = b"\0\0"
    return (netmap_10_to_100(l3[12:16]), netmap_10_to_100(l3[16:20]), l3[4:6], l3[9], bytes(l4))


def fw_dropped(_nsh, tup):
    """topology.setup_firewall drops IPv4 UDP to port 11001 (pair 1's forward path)."""
    if tup is None or len(tup[0]) != 4:
        return False
    return tup[2] == 17 and tup[4] == 11001


CASES = {
    "bridge-mac": Case("bridge", "mac", "packet", "packet"),
    "bridge-mac-pair": Case("bridge", "mac-pair", "packet", "packet"),
    # Keys expire by the clock: idle 1 s, the replay takes 0.5 s, then 1.8 s of silence.
    "bridge-vlan": Case("bridge", "vlan", "flow", "flow", args=["--idle", "1"]),
    "bridge-qinq": Case("bridge", "qinq", "flow", "packet"),
    # Stops by itself: 2000 frames from the SFF, then 1.5 s for the last returns.
    "bridge-5tuple": Case("bridge", "5tuple", "flow", "tuple", args=["--count", "2000", "--linger", "1.5"]),
    "firewall-mac": Case("firewall", "mac", "packet", "packet", dropped=fw_dropped),
    "vlan-bridge-vlan": Case("vlan-bridge", "vlan", "flow", "flow"),
    "vlan-bridge-qinq": Case("vlan-bridge-ad", "qinq", "flow", "packet"),
    # Privilege drop and SIGUSR1 on the plain bridge.
    "bridge-mac-user": Case("bridge", "mac", "packet", "packet", args=["--user", "nobody"]),
    # A router with nftables address translation (IPv4 payloads): nat mode keys on the translated tuple.
    "nat-router-nat": Case("nat-router", "nat", "flow", "flow", key=nat_key, keep=ipv4_l3_payload,
                           config=topology.NAT_RULES, returned=translated, args=["--sf-mac", topology.ROUTER_MAC]),
    # VXLAN devices: the proxy's tunnel (one VNI per path) ends in the SF namespace and comes back.
    "vxlan-vxlan": Case("vxlan", "vxlan", "path", "path", sf_ifs="p-l",
                        args=["--limit", str(topology.VXLAN_VNIS), "--sf-mac", topology.ROUTER_MAC,
                              "--proxy-mac", topology.PROXY_MAC, "--sf-vxlan-addr", topology.SF_VTEP,
                              "--proxy-vxlan-addr", topology.PROXY_VTEP]),
    # One SF interface: frames go out and come back on p-l, without a direction.
    "hairpin-mac-pair": Case("hairpin", "mac-pair", "packet", "packet", sf_ifs="p-l"),
}


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def skip_reason():
    if os.geteuid() != 0:
        return "needs root for network namespaces (CI runs as root)"
    for tool in ("ip", "tcpreplay", "tcpdump", "nft"):
        if shutil.which(tool) is None:
            return f"{tool} not installed (scripts/install-deps.sh)"
    if subprocess.run(["ip", "netns", "add", "pktmap-probe-%d" % os.getpid()], capture_output=True).returncode:
        return "ip netns add failed (no namespace support here)"
    subprocess.run(["ip", "netns", "del", "pktmap-probe-%d" % os.getpid()], capture_output=True)
    return None


def expected_headers(frames, scope, key):
    """Input NSH packets with payload: list of (index, info, key, expected NSH header)."""
    first = {}
    out = []
    for i, f in enumerate(frames):
        n = nsh_pcap.parse_nsh(f)
        if n is None or not n["payload"]:
            continue
        et, l3 = nsh_pcap.inner_l3(n["np"], n["payload"])
        tup = nsh_pcap.five_tuple(et, l3)
        if scope == "path":
            exp = first.setdefault((n["spi"], n["si"]), n["nsh"])
        elif scope == "packet" or tup is None:
            exp = n["nsh"]
        else:
            sk = tup if scope == "tuple" else (n["spi"], n["si"], tup)
            exp = first.setdefault(sk, n["nsh"])
        out.append((i, n, key(et, l3), exp, tup))
    return out


def check(case, tmp, report, infile, back_file, sf_files):
    frames = nsh_pcap.read_pcap(infile)
    inputs = expected_headers(frames, case.scope, case.key)
    congruent = [nsh_pcap.parse_nsh(f) for f in frames]
    congruent = [bytes(n["nsh"]) for n in congruent if n is not None and not n["payload"]]
    by_l3 = {}
    for rec in inputs:
        by_l3.setdefault(rec[2], []).append(rec)
    problems = {}

    def problem(kind, detail):
        problems.setdefault(kind, []).append(detail)

    back = nsh_pcap.read_pcap(back_file)
    matched = set()
    back_congruent = 0
    for k, f in enumerate(back):
        n = nsh_pcap.parse_nsh(f)
        if n is None:
            problem("frame without NSH toward the SFF", f"#{k + 1} {bytes(f[:20]).hex()}")
            continue
        if not n["payload"]:
            back_congruent += 1
            if bytes(n["nsh"]) not in congruent:
                problem("congruent metadata changed", f"#{k + 1}")
            continue
        et, l3 = nsh_pcap.inner_l3(n["np"], n["payload"])
        cands = [r for r in by_l3.get(case.key(et, l3), []) if r[0] not in matched]
        if not cands:
            problem("returned packet not in the input (or returned twice)", f"#{k + 1}")
            continue
        i, src, _, exp, _ = cands[0]
        if case.returned and not case.returned(et, l3):
            problem("returned packet not rewritten by the SF", f"#{k + 1} {l3[:20].hex()}")
        matched.add(i)
        got = n["nsh"]
        if got[:7] != src["nsh"][:7] or got[8:] != exp[8:] or len(got) != len(exp):
            problem("NSH differs from what it entered with", f"input #{i + 1} spi {src['spi']}: "
                    f"in {bytes(exp).hex()} back {bytes(got).hex()}")
        if n["si"] != (src["si"] - 1) & 0xFF:
            problem("SI not decremented by 1", f"input #{i + 1}: in {src['si']} back {n['si']}")
        if n["transport"] != src["transport"]:
            problem("transport changed", f"input #{i + 1}: {src['transport']} -> {n['transport']}")
        if f[0:6] != frames[i][6:12]:
            problem("not addressed to the SFF", f"input #{i + 1}")
    missing = [r for r in inputs if r[0] not in matched]
    want_missing = [r for r in inputs if case.dropped and case.dropped(r[1], r[4])]
    proxy_dropped = sum(report["drops"].values()) + sum(report["rejected"].values())
    if case.dropped:
        got_ids = {r[0] for r in missing}
        want_ids = {r[0] for r in want_missing}
        if got_ids != want_ids:
            problem("missing packets are not exactly the flows the firewall dropped",
                    f"missing {len(got_ids)}, dropped by rule {len(want_ids)}, "
                    f"unexpected {sorted(got_ids - want_ids)[:10]}, came back {sorted(want_ids - got_ids)[:10]}")
        if not want_ids:
            problem("the firewall rule matched nothing", "the test would prove nothing")
    elif len(missing) != proxy_dropped:
        problem("packets lost", f"{len(missing)} missing, the proxy counted {proxy_dropped} dropped: "
                f"{report['drops']} (first missing input #{missing[0][0] + 1 if missing else 0})")
    if case.mode != "5tuple" and proxy_dropped:
        problem("the proxy dropped packets", json.dumps(report["drops"]))
    if report["sf_unmapped"]:
        problem("frames from the SF not restored", json.dumps(report["sf_unmapped"]))
    if back_congruent != len(congruent):
        problem("congruent metadata not all sent back", f"{back_congruent} of {len(congruent)}")
    # What reached the SF: bare frames only, as many as the proxy sent.
    sf_frames = 0
    for path in sf_files:
        for f in nsh_pcap.read_pcap(path):
            sf_frames += 1
            if nsh_pcap.parse_nsh(f) is not None:
                problem("NSH toward the SF", f"{os.path.basename(path)}")
            if case.sf.startswith("vlan-bridge") and not nsh_pcap.is_vlan_tagged(f):
                problem("untagged frame toward the VLAN-aware bridge", os.path.basename(path))
            if case.mode == "vxlan" and nsh_pcap.vxlan_vni(f) is None:
                problem("frame toward the VTEP without VXLAN", os.path.basename(path))
    if sf_frames != report["to_sf"]:
        problem("the SF side saw other frames than the proxy sent", f"{sf_frames} seen, {report['to_sf']} sent")
    if report["restored"] != len(matched):
        problem("restored counter", f"report {report['restored']}, captured back {len(matched)}")
    for kind, items in problems.items():
        print(f"  {kind}: {len(items)}, e.g. {items[:3]}")
    print(f"{len(inputs)} NSH packets in, {len(matched)} back with SI-1 and their metadata, "
          f"{len(missing)} missing ({len(want_missing)} dropped by the SF, {proxy_dropped} by the proxy), "
          f"{back_congruent} congruent sent back; {sf_frames} bare frames at the SF")
    if problems:
        fail(f"{sum(len(v) for v in problems.values())} problems")


def run_case(name, case, proxy_bin, gencap, keep):
    tmp = tempfile.mkdtemp(prefix="pktmap-sfc-live-")
    topo = topology.Topology(case.sf)
    procs = []
    try:
        infile = os.path.join(tmp, "in.pcap")
        subprocess.run([gencap, "sfc", "-o", infile, "--packets", "2000", "--seed", "3"], check=True,
                       capture_output=True)
        if case.keep:
            whole = infile
            infile = os.path.join(tmp, "in-kept.pcap")
            print(f"{name}: {nsh_pcap.filter_pcap(whole, infile, case.keep)} frames of the capture fit this SF")
        try:
            topo.create()
        except topology.Unsupported as e:
            print("SKIP: " + str(e))
            return 77
        if topo.vlan_form:
            print(f"{name}: SF is a {topo.vlan_form}")
        back = os.path.join(tmp, "back.pcap")
        sf_l, sf_r = os.path.join(tmp, "sf-l.pcap"), os.path.join(tmp, "sf-r.pcap")
        procs.append(topo.tcpdump(topo.sff, "sff0", back))
        procs.append(topo.tcpdump(topo.sf, "sf-l", sf_l))
        procs.append(topo.tcpdump(topo.sf, "sf-r", sf_r))
        cmd = ["ip", "netns", "exec", topo.proxy, proxy_bin, "--live", "--sff-if", "p-sff", "--sf-if", case.sf_ifs,
               "--mode", case.mode, "--per", case.per, "--json", "--stats-interval", "0.2", "--duration", "40"]
        for p in PAIRS:
            cmd += ["--pair", p]
        cmd += case.args
        if case.config:
            with open(os.path.join(tmp, "proxy.yaml"), "w") as f:
                f.write(case.config)
            cmd += ["--config", os.path.join(tmp, "proxy.yaml")]
        err_path = os.path.join(tmp, "proxy.err")
        err = open(err_path, "w")
        proxy = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True)
        procs.append(proxy)
        deadline = time.time() + 10
        while time.time() < deadline and os.path.getsize(err_path) == 0 and proxy.poll() is None:
            time.sleep(0.05)  # the first stats line: the handles are open
        if proxy.poll() is not None or os.path.getsize(err_path) == 0:
            fail("proxy did not start: " + open(err_path).read() + (proxy.stdout.read() if proxy.poll() else ""))
        if "--user" in case.args:
            status = open(f"/proc/{proxy.pid}/status").read()
            uid = next(line.split()[1] for line in status.splitlines() if line.startswith("Uid:"))
            nobody = subprocess.run(["id", "-u", "nobody"], capture_output=True, text=True).stdout.strip()
            if uid != nobody:
                fail(f"--user nobody: the proxy runs as uid {uid}")
        topo.replay(infile, pps=4000)
        time.sleep(0.8)  # the SF's last returns
        if "--idle" in case.args:
            time.sleep(1.0)
        if "--user" in case.args:
            size = os.path.getsize(err_path)
            proxy.send_signal(signal.SIGUSR1)
            time.sleep(0.3)
            line = open(err_path).read()[size:]
            if '"restored"' not in line:
                fail("SIGUSR1 printed no counters")
        stop = "count" if "--count" in case.args else "signal"
        if stop == "signal":
            proxy.send_signal(signal.SIGTERM)
        out, _ = proxy.communicate(timeout=10)
        if proxy.returncode != 0:
            fail(f"proxy exit {proxy.returncode}: {open(err_path).read()[-2000:]}")
        report = json.loads(out.strip().splitlines()[-1])
        if report["stopped_by"] != stop:
            fail(f"stopped by {report['stopped_by']}, expected {stop}")
        if "--idle" in case.args and (report["table"]["size"] != 0 or report["table"]["expired"] == 0):
            fail(f"--idle: keys did not expire by the clock: {report['table']}")
        capture_drops = [topology.stop_tcpdump(p) for p in procs[:3]]
        if any(capture_drops):
            fail(f"tcpdump lost frames (kernel drops sff0, sf-l, sf-r: {capture_drops}): the machine is too loaded")
        print(f"{name}: proxy report: sff_frames {report['sff_frames']} to_sf {report['to_sf']} "
              f"restored {report['restored']} drops {report['drops']} sf_unmapped {report['sf_unmapped']} "
              f"kernel dropped {report['sff']['kernel_dropped']}/{[p['kernel_dropped'] for p in report['sf']]}")
        check(case, tmp, report, infile, back, [sf_l, sf_r])
        print(f"{name}: ok")
        return 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        topo.destroy()
        if keep:
            print("kept " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main():
    if len(sys.argv) < 4 or sys.argv[3] not in CASES:
        print(__doc__ + "\ncases: " + " ".join(CASES))
        return 2
    reason = skip_reason()
    if reason:
        print("SKIP: " + reason)
        return 77

    signal_cleanup.install()  # a stopped run still removes its namespaces (run_case's `finally`)
    return run_case(sys.argv[3], CASES[sys.argv[3]], sys.argv[1], sys.argv[2], "--keep" in sys.argv)


if __name__ == "__main__":
    sys.exit(main())
