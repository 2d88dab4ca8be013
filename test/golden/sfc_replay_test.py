#!/usr/bin/env python3
"""sfcproxy-replay end-to-end cases: sfc_replay_test.py CASE BIN_DIR SOURCE_DIR.

Inputs are the committed captures/sfc-sample.pcap, SF models in test/data/sfc/, and captures generated here
with pktmap-gencap; every expectation is a property of the modes (which ones keep which key), not a copy of
a previous run's numbers.
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

CASE, BIN, SRC = sys.argv[1], sys.argv[2], sys.argv[3]
REPLAY = os.path.join(BIN, "sfcproxy-replay")
SAMPLE = os.path.join(SRC, "captures", "sfc-sample.pcap")
MODELS = os.path.join(SRC, "test", "data", "sfc")
PAIRS = [a for i in range(12) for a in ("--pair", f"{101 + i}:{201 + i}")]
TMP = tempfile.mkdtemp(prefix="sfc-replay-")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def replay(*args, expect_rc=None):
    p = subprocess.run([REPLAY, *args], capture_output=True, text=True, timeout=100)
    if expect_rc is not None:
        check(p.returncode == expect_rc, f"{' '.join(args)}: exit {p.returncode}, wanted {expect_rc}: {p.stderr}")
    return p


def report(*args, expect_rc=None):
    p = replay(*args, "--json", expect_rc=expect_rc)
    try:
        return json.loads(p.stdout)
    except json.JSONDecodeError:
        failures.append(f"{args}: no JSON report: {p.stdout!r} {p.stderr!r}")
        raise


def gencap(name, *args):
    path = os.path.join(TMP, name)
    subprocess.run([os.path.join(BIN, "pktmap-gencap"), "sfc", "-o", path, *args], check=True)
    return path


def case_transparent():
    # Per-packet keys carry any metadata: every returned packet is restored exactly.
    for mode, per in [("mac", "packet"), ("mac-pair", "packet"), ("vlan", "packet"), ("qinq", "path"),
                      ("qinq", "flow"), ("vxlan", "packet")]:
        r = report("-r", SAMPLE, "--mode", mode, "--per", per, "-w", os.path.join(TMP, "o.pcap"), expect_rc=0)
        a = r["accuracy"]
        check(r["to_sf"] > 1900 and a["exact"] == r["to_sf"] == r["sf_returned"], f"{mode}/{per}: {a}")
        check(r["nsh"]["md1"] + r["nsh"]["md2"] == r["nsh"]["total"], f"{mode}/{per}: md counts")
        check(r["not_nsh_passed"] + r["nsh"]["total"] == r["packets_in"], f"{mode}/{per}: packet accounting")
        check(r["written"] == r["packets_in"], f"{mode}/{per}: every input packet written back")
    # The sample has per-flow and per-packet metadata: coarser keys restore the right path, other metadata.
    for mode, per in [("mac", "path"), ("vlan", "flow"), ("5tuple", "flow")]:
        a = report("-r", SAMPLE, "--mode", mode, "--per", per, expect_rc=0)["accuracy"]
        check(a["exact"] > 0 and a["path_only"] > 0 and a["wrong_path"] == 0 and a["lost"] == 0, f"{mode}/{per}: {a}")
    # Path-only metadata (the benchmark mix): every mode fits at its coarsest granularity.
    md1 = gencap("md1.pcap", "--mix", "md1-eth-ipv4", "--packets", "3000", "--flows", "200", "--paths", "10")
    # nat with rules that touch none of these flows (the SF is transparent) is 5tuple under another name.
    idle_rules = os.path.join(TMP, "sctp-only.yaml")
    with open(idle_rules, "w") as f:
        f.write("nat:\n  - match: {proto: 132}\n    rewrite: {src: 198.18.0.9}\n")
    for mode, per in [("mac", "path"), ("mac-pair", "path"), ("vlan", "path"), ("qinq", "path"), ("5tuple", "flow"),
                      ("vxlan", "path"), ("vxlan", "flow"), ("nat", "flow")]:
        r = report("-r", md1, "--mode", mode, "--per", per, "--config", idle_rules, expect_rc=0)
        check(r["accuracy"]["exact"] == r["to_sf"] == 3000, f"md1 {mode}/{per}: {r['accuracy']}")


def case_rewrite_l2():
    model = os.path.join(MODELS, "rewrite-l2.yaml")
    for mode in ("mac", "mac-pair"):
        r = report("-r", SAMPLE, "--mode", mode, "--per", "packet", "--sf", model, expect_rc=3)
        check(r["accuracy"]["exact"] == 0 and r["accuracy"]["lost"] == r["to_sf"], f"{mode}: {r['accuracy']}")
    # vxlan: the SF's VTEP rewrites the inner frame's L2 only; the VNI comes back.
    for mode, per in [("vlan", "packet"), ("qinq", "flow"), ("vxlan", "packet")]:
        r = report("-r", SAMPLE, "--mode", mode, "--per", per, "--sf", model, expect_rc=0)
        check(r["accuracy"]["exact"] == r["to_sf"], f"{mode}: {r['accuracy']}")


def case_reverse_rst():
    model = os.path.join(MODELS, "reverse-rst.yaml")
    for mode in ("vlan", "mac-pair", "5tuple", "vxlan"):
        r = report("-r", SAMPLE, "--mode", mode, "--per", "flow", "--sf", model, *PAIRS)
        a = r["accuracy"]
        check(r["sf_injected"] > 0 and a["injected_mapped"] > 0 and a["injected_wrong"] == 0, f"{mode}: {a}")
        check(a["injected_mapped"] + a["injected_lost"] == r["sf_injected"], f"{mode}: injected accounting {a}")
        check(set(r["drops"]) <= {"reverse_path_unseen"}, f"{mode}: only unseen reverse paths lost: {r['drops']}")
    r = report("-r", SAMPLE, "--mode", "mac", "--per", "flow", "--sf", model, *PAIRS, expect_rc=3)
    check(r["accuracy"]["injected_mapped"] == 0 and r["accuracy"]["injected_lost"] == r["sf_injected"] > 0,
          f"mac maps no L2-reversed reply: {r['accuracy']}")
    r = report("-r", SAMPLE, "--mode", "vlan", "--per", "flow", "--sf", model, expect_rc=3)
    check(r["accuracy"]["injected_mapped"] == 0 and r["drops"].get("reverse_path_not_configured", 0) > 0,
          f"vlan without --pair: {r['drops']}")


def case_refused():
    for args, names in [(["--mode", "5tuple", "--per", "packet"], ("qinq", "mac")),
                        (["--mode", "vlan", "--per", "packet", "--to-sf", os.path.join(TMP, "x.pcap"),
                          "--state-out", os.path.join(TMP, "x.state")], ("qinq",)),
                        (["--mode", "vlan", "--limit", "5000"], ("4094",))]:
        p = replay("-r", SAMPLE, *args, expect_rc=1)
        check(all(n in p.stderr for n in names), f"{args}: message should name {names}: {p.stderr}")
    for args, names in [(["--mode", "nat", "--per", "flow"], ("nat:", "5tuple")),
                        (["--mode", "nat", "--per", "packet", "--sf", os.path.join(MODELS, "nat.yaml")], ("vxlan",)),
                        (["--mode", "vxlan", "--limit", "16777216"], ("16777215",)),
                        (["--mode", "vxlan", "--per", "packet", "--limit", "4", "--sf", os.path.join(MODELS, "busy.yaml")],
                         ("qinq",))]:
        p = replay("-r", SAMPLE, *args, expect_rc=1)
        check(all(n in p.stderr for n in names), f"{args}: message should name {names}: {p.stderr}")
    check(not os.path.exists(os.path.join(TMP, "x.pcap")), "no output from a refused run")
    p = replay("-r", SAMPLE, "--mode", "nat", "--sf", os.path.join(MODELS, "bad-nat.yaml"), expect_rc=2)
    check("bad-nat.yaml:3:42: nat[0].rewrite.sport: expected a port range" in p.stderr, f"NAT rule error: {p.stderr}")
    p = replay("-r", SAMPLE, "--mode", "vxlan", "--sf-vxlan-addr", "198.18.0.1", expect_rc=1)
    check("must differ" in p.stderr, f"vxlan VTEP addresses: {p.stderr}")
    p = replay("-r", SAMPLE, "--sf", os.path.join(MODELS, "bad-key.yaml"), expect_rc=2)
    check("bad-key.yaml:2:1: colour" in p.stderr, f"SF model error names file:line:col and key: {p.stderr}")


def case_exit_codes():
    replay("--mode", "mac", expect_rc=1)
    replay("-r", os.path.join(TMP, "missing.pcap"), expect_rc=2)
    # Table refusing when full: the packets it refuses are counted by name.
    r = report("-r", SAMPLE, "--mode", "mac", "--per", "flow", "--limit", "8", "--full", "refuse")
    check(r["table"]["refused"] > 0 and r["drops"].get("table_full_refused") == r["table"]["refused"], str(r["table"]))
    r = report("-r", SAMPLE, "--mode", "mac", "--per", "flow", "--limit", "8")
    check(r["table"]["evicted"] > 0 and r["table"]["peak"] == 8, str(r["table"]))
    r = report("-r", SAMPLE, "--mode", "mac", "--per", "flow", "--idle", "0.005")
    check(r["table"]["expired"] > 0, f"idle expiry on capture time: {r['table']}")


def write_pcap(path, frames, corrupt_tail=False):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1767268800 + i, 0, len(fr), len(fr)) + fr)
        if corrupt_tail:
            f.write(struct.pack("<IIII", 1767268900, 0, 0x7FFFFFF0, 0x7FFFFFF0) + b"\x00" * 8)


def case_malformed():
    with open(SAMPLE, "rb") as f:
        raw = f.read()
    # The first Ethernet/NSH frame of the sample.
    off = 24
    nsh = b""
    while off < len(raw) and nsh[12:14] != b"\x89\x4f":
        incl = struct.unpack("<I", raw[off + 8:off + 12])[0]
        nsh = raw[off + 16:off + 16 + incl]
        off += 16 + incl
    check(nsh[12:14] == b"\x89\x4f", "fixture: frame 3 is Ethernet/NSH")
    bad_len = bytearray(nsh)
    bad_len[15] = (bad_len[15] & 0xC0) | 0x01  # NSH Length 1 word
    cases = [nsh[:10], nsh[:20], bytes(bad_len), nsh]
    path = os.path.join(TMP, "bad.pcap")
    write_pcap(path, cases, corrupt_tail=True)
    rej = os.path.join(TMP, "rejected.pcap")
    r = report("-r", path, "--mode", "vlan", "--rejected", rej, expect_rc=2)
    check(sum(r["rejected"].values()) == 3 and r["accuracy"]["exact"] == 1, f"rejected {r['rejected']}")
    check("ethernet_truncated" in r["rejected"] and "nsh_length_too_short" in r["rejected"], str(r["rejected"]))
    check(r["input_error"] is not None and "record" in r["input_error"], f"input error names the record: {r}")
    check(os.path.getsize(rej) == 24 + 3 * 16 + 10 + 20 + len(nsh), "rejected.pcap holds the 3 bad frames")


def case_two_phase():
    to_sf = os.path.join(TMP, "to-sf.pcap")
    state = os.path.join(TMP, "fw.state")
    back = os.path.join(TMP, "back.pcap")
    r1 = report("-r", SAMPLE, "--mode", "vlan", "--per", "flow", "--to-sf", to_sf, "--state-out", state, *PAIRS,
                expect_rc=0)
    with open(state) as f:
        st = json.load(f)
    check(st["pktmap_state"] == 1 and st["tool"] == "sfcproxy-replay" and st["kind"] == "sfc-mapping", "state header")
    check(st["meta"]["mode"] == "vlan" and len(st["entries"]) > 0, "state entries")
    # A transparent "real" SF: what went to it comes back.
    r2 = report("--from-sf", to_sf, "--state-in", state, "-w", back, expect_rc=0)
    check(r2["restored"] == r1["to_sf"] and r2["written"] == r1["to_sf"], f"phase 2 restored {r2['restored']}")
    md = subprocess.run([os.path.join(BIN, "mapdump"), "--state", state], capture_output=True, text=True)
    check(md.returncode == 0 and "vid 1" in md.stdout and "sfc-mapping" in md.stdout, f"mapdump --state: {md.stdout[:200]}")


def tshark_fields(path):
    p = subprocess.run(["tshark", "-r", path, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=;",
                        "-e", "nsh.spi", "-e", "nsh.si", "-e", "nsh.ttl", "-e", "nsh.nextproto", "-e", "nsh.contextheader",
                        "-e", "nsh.metadataclass", "-e", "nsh.metadatatype", "-e", "nsh.metadata", "-e", "ip.src",
                        "-e", "_ws.malformed"], capture_output=True, text=True, check=True)
    return [line.split("\t") for line in p.stdout.splitlines()]


def case_tshark_restore():
    if not shutil.which("tshark"):
        print("SKIP: tshark not installed")
        sys.exit(77)
    # Per-packet keys on the sample (per-packet metadata); flow keys on a capture whose metadata is per path.
    md1 = gencap("md1.pcap", "--mix", "md1-eth-ipv4", "--packets", "2000", "--flows", "100", "--paths", "8")
    rules = os.path.join(TMP, "sctp-only.yaml")
    with open(rules, "w") as f:
        f.write("nat:\n  - match: {proto: 132}\n    rewrite: {src: 198.18.0.9}\n")
    for src, mode, per in [(SAMPLE, "mac", "packet"), (SAMPLE, "mac-pair", "packet"), (SAMPLE, "vlan", "packet"),
                           (SAMPLE, "qinq", "flow"), (SAMPLE, "vxlan", "packet"), (md1, "vxlan", "flow"),
                           (md1, "nat", "flow")]:
        want = tshark_fields(src)
        out = os.path.join(TMP, f"{mode}.pcap")
        replay("-r", src, "--mode", mode, "--per", per, "--config", rules, "-w", out, expect_rc=0)
        got = tshark_fields(out)
        check(len(got) == len(want), f"{mode}: {len(got)} frames, wanted {len(want)}")
        restored = 0
        for n, (w, g) in enumerate(zip(want, got), 1):
            if g[9]:
                check(False, f"{mode}: frame {n} malformed in tshark")
            if not w[0] or w[3] == "0":  # not NSH, or congruent metadata (relayed unchanged)
                check(w == g, f"{mode}: frame {n} relayed unchanged")
                continue
            restored += 1
            ok = g[0] == w[0] and int(g[1]) == int(w[1]) - 1 and g[2] == w[2] and g[3:9] == w[3:9]
            check(ok, f"{mode}: frame {n}: {g} vs {w}")
        check(restored > 1900, f"{mode}/{per}: {restored} restored frames compared")


def case_cache_delay():
    # Copies of the same flow (a cache's own data): every key that stands for a flow or a path maps them to
    # their exemplar's path; per-packet keys cannot (draft-04 §4.1), and the run says so in its exit status.
    cache = os.path.join(MODELS, "cache.yaml")
    for mode, per in [("mac", "path"), ("mac-pair", "flow"), ("vlan", "flow"), ("5tuple", "flow"), ("vxlan", "flow")]:
        r = report("-r", SAMPLE, "--mode", mode, "--per", per, "--sf", cache, expect_rc=0)
        c = r["accuracy"]["injected_copies"]
        check(r["sf_injected"] > 100 and c["mapped"] == r["sf_injected"], f"cache {mode}/{per}: {c}")
        check(r["restored"] == r["to_sf"] + r["sf_injected"], f"cache {mode}/{per}: restored {r['restored']}")
    for mode, per in [("mac", "packet"), ("vlan", "packet"), ("vxlan", "packet"), ("qinq", "path")]:  # qinq: inner VIDs
        r = report("-r", SAMPLE, "--mode", mode, "--per", per, "--sf", cache, expect_rc=3)
        c = r["accuracy"]["injected_copies"]
        check(r["sf_injected"] > 100 and c["lost"] == r["sf_injected"], f"cache {mode}/{per}: {c}")
        check(r["accuracy"]["exact"] == r["to_sf"], f"cache {mode}/{per}: exemplars exact {r['accuracy']}")
    if shutil.which("tshark"):  # each copy is restored right behind its exemplar, with the same NSH
        out = os.path.join(TMP, "cache.pcap")
        r = report("-r", SAMPLE, "--mode", "vlan", "--per", "flow", "--sf", cache, "-w", out, expect_rc=0)
        fields = ["nsh.spi", "nsh.si", "ip.src", "ipv6.src", "tcp.srcport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags",
                  "tcp.len", "ip.id", "_ws.malformed"]
        t = subprocess.run(["tshark", "-r", out, "-T", "fields", "-E", "occurrence=f"] + [x for f in fields for x in ("-e", f)],
                           capture_output=True, text=True, check=True).stdout.splitlines()
        rows = [line.split("\t") for line in t]
        check(len(rows) == r["written"] and not any(row[10] for row in rows), "cache: tshark decodes every frame")

        def is_copy(a, b):  # b repeats a's TCP segment; an IPv4 copy has the next IP ID
            if not a[5] or a[2:9] != b[2:9]:
                return False
            return not a[9] and not b[9] or a[9] and b[9] and int(b[9], 16) == (int(a[9], 16) + 1) % 65536
        pairs = [(a, b) for a, b in zip(rows, rows[1:]) if is_copy(a, b)]
        check(len(pairs) == r["sf_injected"], f"cache: {len(pairs)} copies behind their exemplar, {r['sf_injected']} made")
        check(all(a[:2] == b[:2] for a, b in pairs), "cache: each copy has its exemplar's SPI and SI")
    p = replay("-r", SAMPLE, "--sf", cache, "--compare-modes", expect_rc=0)
    rows = {tuple(line.split()[:2]): line.split() for line in p.stdout.splitlines()[1:]}
    for (mode, per), cols in rows.items():
        mapped, total = map(int, cols[-1].split("/"))
        check(total > 100 and (mapped == 0) == (per == "packet" or mode == "qinq"), f"compare {mode}/{per}: {cols}")
    # A slow SF: returned frames carry the time they leave it (30 +- 10 ms later), in time order.
    slow = os.path.join(MODELS, "slow.yaml")
    out = os.path.join(TMP, "slow.pcap")
    r = report("-r", SAMPLE, "--mode", "vlan", "--per", "flow", "--sf", slow, "-w", out, expect_rc=0)
    check(r["sf_delay_full"] == 0 and r["sf_returned"] == r["to_sf"] == r["accuracy"]["exact"] + r["accuracy"]["path_only"],
          f"slow: {r['sf_returned']} returned {r['accuracy']}")
    if shutil.which("tshark"):
        t = subprocess.run(["tshark", "-r", out, "-T", "fields", "-e", "frame.time_epoch", "-e", "nsh.spi", "-e",
                            "_ws.malformed"], capture_output=True, text=True, check=True).stdout.splitlines()
        times = [float(line.split("\t")[0]) for line in t]
        check(len(t) == r["written"] and not any(line.split("\t")[2] for line in t), "slow: tshark decodes every frame")
        check(all(a <= b for a, b in zip(times, times[1:])), "slow: written in time order")
        check(times[-1] - 1767268800 > 1.999 + 0.019, f"slow: the last frame leaves after the input ends: {times[-1]}")
    # A reordering SF: the contents come out of order, the timestamps in order, as a capture behind it shows.
    out = os.path.join(TMP, "busy.pcap")
    r = report("-r", SAMPLE, "--mode", "vlan", "--per", "flow", "--sf", os.path.join(MODELS, "busy.yaml"), "-w", out)
    if shutil.which("tshark"):
        t = subprocess.run(["tshark", "-r", out, "-T", "fields", "-E", "occurrence=l", "-e", "frame.time_epoch", "-e",
                            "ip.id"], capture_output=True, text=True, check=True).stdout.splitlines()
        times = [float(line.split("\t")[0]) for line in t]
        check(len(t) == r["written"] and all(a <= b for a, b in zip(times, times[1:])), "busy: written in time order")
        ids = [line.split("\t")[1] for line in t if line.split("\t")[1]]  # the inner packet's IP ID (the last)
        sent = subprocess.run(["tshark", "-r", SAMPLE, "-T", "fields", "-E", "occurrence=l", "-e", "ip.id"],
                              capture_output=True, text=True, check=True).stdout.split()  # no empty IDs either
        kept = set(ids)
        check(ids != [i for i in sent if i in kept], "busy: the frames came back in another order than they went")
    # An SF that holds frames past the idle time loses their keys; --expire is --idle by its issue name.
    held = os.path.join(TMP, "held.yaml")
    with open(held, "w") as f:
        f.write("delay: {ms: 1500, limit: 4000}\n")
    by_idle = report("-r", SAMPLE, "--mode", "vlan", "--per", "flow", "--sf", held, "--idle", "1", expect_rc=3)
    by_expire = report("-r", SAMPLE, "--mode", "vlan", "--per", "flow", "--sf", held, "--expire", "1", expect_rc=3)
    never = report("-r", SAMPLE, "--mode", "vlan", "--per", "flow", "--sf", held, "--expire", "0", expect_rc=0)
    check(by_idle["table"]["expired"] > 0 and by_idle["accuracy"]["lost"] > 0, f"held past --idle: {by_idle['table']}")
    check(by_expire["table"] == by_idle["table"] and by_expire["accuracy"] == by_idle["accuracy"], "--expire is --idle")
    check(never["table"]["expired"] == 0 and never["accuracy"]["lost"] == 0, f"--expire 0: {never['table']}")
    # The same SF with room for 5 frames: at 1 packet per ms it drops most, and says why.
    tight = os.path.join(TMP, "tight.yaml")
    with open(tight, "w") as f:
        f.write("delay: {ms: 30, limit: 5}\n")
    r = report("-r", SAMPLE, "--mode", "vlan", "--sf", tight, expect_rc=0)
    check(r["sf_delay_full"] > 1500 and r["sf_dropped"] == r["sf_delay_full"], f"tight: {r['sf_delay_full']}")
    check(r["sf_returned"] + r["sf_dropped"] == r["to_sf"], "tight: every frame returned or dropped")


def case_compare_modes():
    p = replay("-r", SAMPLE, "--sf", os.path.join(MODELS, "reverse-rst.yaml"), *PAIRS, "--compare-modes",
               expect_rc=0)
    rows = {tuple(line.split()[:2]): line for line in p.stdout.splitlines()[1:]}
    check(("5tuple", "packet") not in rows and ("5tuple", "flow") in rows, f"refused rows left out: {list(rows)}")
    check(("vlan", "packet") in rows and ("mac", "path") in rows and ("vxlan", "packet") in rows, f"rows: {list(rows)}")
    check(not any(m == "nat" for m, _ in rows) and len(rows) == 15, f"no nat rows without rules: {list(rows)}")
    # --json: the same runs as reports, in the same order, and the text row's numbers are theirs.
    runs = json.loads(replay("-r", SAMPLE, "--sf", os.path.join(MODELS, "reverse-rst.yaml"), *PAIRS, "--compare-modes",
                             "--json", expect_rc=0).stdout)
    check([(r["mode"], r["per"]) for r in runs] == list(rows), f"--json rows: {[(r['mode'], r['per']) for r in runs]}")
    for r in runs:
        cols = rows.get((r["mode"], r["per"]), "").split()
        want = [str(r["accuracy"]["lost"]), str(r["table"]["inserted"]), str(r["table"]["peak"])]
        check(cols[6:9] == want and r["table"]["inserted"] >= r["table"]["peak"], f"{r['mode']}/{r['per']}: {cols} vs {want}")
    p = replay("-r", SAMPLE, "--sf", os.path.join(MODELS, "nat.yaml"), "--compare-modes", expect_rc=0)
    rows = {tuple(line.split()[:2]): line.split() for line in p.stdout.splitlines()[1:]}
    check(("nat", "flow") in rows and ("nat", "packet") not in rows and len(rows) == 16, f"rows: {list(rows)}")
    # With a routed NAT only nat (and vxlan, through the SF's VTEP) bring packets back: the others lose all.
    for (mode, per), cols in rows.items():
        lost = int(cols[6])  # mode per exact % path-only wrong lost ...
        if mode in ("nat", "vxlan"):
            check(lost == 0, f"{mode}/{per} keeps every flow: {cols}")
        else:
            check(cols[2] == "0.0" and lost > 0, f"{mode}/{per} loses the NATed flows: {cols}")


def case_nat():
    model = os.path.join(MODELS, "nat.yaml")
    r = report("-r", SAMPLE, "--mode", "nat", "--per", "flow", "--sf", model, expect_rc=0)
    a = r["accuracy"]
    check(r["sf_returned"] > 1800 and a["lost"] == 0 and a["wrong_path"] == 0, f"nat keeps the flows: {a}")
    check(a["exact"] + a["path_only"] == r["sf_returned"] and a["exact"] > 0, f"nat: {a}")
    for mode, per in [("mac", "flow"), ("mac-pair", "flow"), ("vlan", "flow"), ("qinq", "flow"), ("5tuple", "flow")]:
        r = report("-r", SAMPLE, "--mode", mode, "--per", per, "--sf", model, expect_rc=3)
        a = r["accuracy"]
        check(a["exact"] == 0 and a["lost"] == r["sf_returned"] > 0, f"{mode}/{per} through a NAT: {a}")
    r = report("-r", SAMPLE, "--mode", "vxlan", "--per", "packet", "--sf", model, expect_rc=0)
    check(r["accuracy"]["exact"] == r["sf_returned"] > 1900, f"vxlan through a VTEP NAT: {r['accuracy']}")


def ip_nat_pcap(src, dst):
    """A stand-in for a real NAT behind the proxy: inner IPv4 10/8 addresses -> 100.64/16 (host bits kept)."""
    with open(src, "rb") as f:
        raw = f.read()
    out = bytearray(raw[:24])
    off = 24
    while off + 16 <= len(raw):
        incl = struct.unpack("<I", raw[off + 8:off + 12])[0]
        fr = bytearray(raw[off + 16:off + 16 + incl])
        l2 = 14
        while fr[l2 - 2:l2] in (b"\x81\x00", b"\x88\xa8"):
            l2 += 4
        if fr[l2 - 2:l2] == b"\x08\x00":
            for a in (l2 + 12, l2 + 16):
                if fr[a] == 10:
                    fr[a:a + 2] = b"\x64\x40"
        out += raw[off:off + 16] + fr
        off += 16 + incl
    with open(dst, "wb") as f:
        f.write(out)


def case_two_phase_new_modes():
    rules = os.path.join(TMP, "netmap.yaml")
    with open(rules, "w") as f:
        f.write("nat:\n  - match: {src: 10.0.0.0/8}\n    rewrite: {src: 100.64.0.0/16}\n"
                "  - match: {dst: 10.0.0.0/8}\n    rewrite: {dst: 100.64.0.0/16}\n")
    for mode, extra in [("vxlan", ["--config", os.path.join(MODELS, "proxy-vxlan.yaml")]), ("nat", ["--config", rules])]:
        to_sf = os.path.join(TMP, f"{mode}-to-sf.pcap")
        state = os.path.join(TMP, f"{mode}.state")
        back = os.path.join(TMP, f"{mode}-back.pcap")
        r1 = report("-r", SAMPLE, "--mode", mode, "--per", "flow", "--to-sf", to_sf, "--state-out", state, *extra,
                    expect_rc=0)
        with open(state) as f:
            st = json.load(f)
        check(st["meta"]["mode"] == mode and len(st["entries"]) > 0, f"{mode}: state entries")
        from_sf = to_sf
        if mode == "vxlan":
            check(st["meta"]["vxlan"]["sf_ip"] == "198.18.10.2", f"vxlan meta {st['meta']}")
            check(any(e["key"].startswith("vni ") for e in st["entries"]), "vxlan keys are VNIs")
        else:
            check(len(st["meta"]["nat"]) == 2, f"nat rules kept in the state: {st['meta']}")
            check(any(e["key"].startswith("tcp 100.64.") for e in st["entries"]), "nat keys are translated tuples")
            # Without the translation, the 10/8 flows are unknown: the key really is the post-NAT tuple.
            r = report("--from-sf", to_sf, "--state-in", state, expect_rc=3)
            check(r["drops"].get("key_unknown", 0) > 0, f"un-NATed frames miss: {r['drops']}")
            from_sf = os.path.join(TMP, "natted.pcap")
            ip_nat_pcap(to_sf, from_sf)
        r2 = report("--from-sf", from_sf, "--state-in", state, "-w", back, expect_rc=0)
        check(r2["restored"] == r1["to_sf"] == r2["written"] > 1800, f"{mode} phase 2: {r2['restored']} of {r1['to_sf']}")
        md = subprocess.run([os.path.join(BIN, "mapdump"), "--state", state], capture_output=True, text=True)
        check(md.returncode == 0 and ("vni 1" in md.stdout if mode == "vxlan" else "tcp 100.64." in md.stdout),
              f"mapdump --state {mode}: {md.stdout[:300]}")


def case_tshark_vxlan():
    if not shutil.which("tshark"):
        print("SKIP: tshark not installed")
        sys.exit(77)
    to_sf = os.path.join(TMP, "to-sf.pcap")
    replay("-r", SAMPLE, "--mode", "vxlan", "--per", "flow", "--to-sf", to_sf, "--state-out",
           os.path.join(TMP, "s"), expect_rc=0)
    p = subprocess.run(["tshark", "-r", to_sf, "-T", "fields", "-E", "occurrence=f", "-e", "udp.dstport",
                        "-e", "vxlan.vni", "-e", "ip.dst", "-e", "_ws.malformed"],
                       capture_output=True, text=True, check=True)
    rows = [line.split("\t") for line in p.stdout.splitlines()]
    check(len(rows) > 1900, f"{len(rows)} frames to the SF")
    for n, row in enumerate(rows, 1):
        ok = row[0] == "4789" and 1 <= int(row[1] or 0) <= 16777215 and row[2] == "198.18.0.2" and not row[3]
        check(ok, f"frame {n} toward the SF: {row}")
    check(len({r[1] for r in rows}) > 50, "one VNI per flow")


try:
    globals()["case_" + CASE]()
finally:
    shutil.rmtree(TMP, ignore_errors=True)
if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("ok")
