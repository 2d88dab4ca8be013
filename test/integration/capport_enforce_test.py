#!/usr/bin/env python3
"""capport-probe enforce over captures/capport-ue-sample.pcap with test/data/capport-enforce.yaml.

Checks the outputs with independent readers: a small pcap/IP reader here, tshark (no malformed packets or
expert errors with checksum validation on; ICMP quotes read by its dissector) and mapdump (every packet
decodes cleanly). Then: notifications go only to clients and quote the 5-tuple of the packet just before
them; nothing is ever written toward the Internet side for a blocked client; the per-client rate limit
holds in every window; allowed clients' packets are byte-identical, in order; `capport-probe -r` finds the
enforcement signals (and the canary redirect) in the output, and none in the input. Bad configuration and a
corrupt input give exit 2 with a one-line message. Exit 0 pass, 1 fail.
"""
import ipaddress
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

PROBE, MAPDUMP, CAPTURE, CONFIG = sys.argv[1:5]
RATE, BURST = 2.0, 2.0
CLIENT_NETS = [ipaddress.ip_network("192.0.2.0/24"), ipaddress.ip_network("2001:db8::/64")]
MAC_B = bytes.fromhex("02000000e014")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def read_pcap(path):
    """[(ts_ns, bytes)] of a classic pcap (micro- or nanosecond)."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    nano = magic == 0xA1B23C4D
    assert magic in (0xA1B2C3D4, 0xA1B23C4D), path
    out, off = [], 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        out.append((sec * 10**9 + (frac if nano else frac * 1000), data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return out


def parse(frame):
    """Ethernet (+VLAN) / IPv4|IPv6 / first transport bytes -> dict, or None for non-IP."""
    off, etype = 14, struct.unpack("!H", frame[12:14])[0]
    while etype in (0x8100, 0x88A8):
        etype = struct.unpack("!H", frame[off + 2:off + 4])[0]
        off += 4
    p = {"dst_mac": frame[0:6], "src_mac": frame[6:12]}
    if etype == 0x0800:
        ihl = (frame[off] & 15) * 4
        p.update(v=4, proto=frame[off + 9], src=ipaddress.ip_address(frame[off + 12:off + 16]),
                 dst=ipaddress.ip_address(frame[off + 16:off + 20]), l4=frame[off + ihl:], ip=frame[off:])
    elif etype == 0x86DD:
        p.update(v=6, proto=frame[off + 6], src=ipaddress.ip_address(frame[off + 8:off + 24]),
                 dst=ipaddress.ip_address(frame[off + 24:off + 40]), l4=frame[off + 40:], ip=frame[off:])
    else:
        return None
    if p["proto"] in (6, 17) and len(p["l4"]) >= 4:
        p["ports"] = struct.unpack("!HH", p["l4"][:4])
    return p


def five_tuple(p):
    return (p["v"], p["proto"], str(p["src"]), str(p["dst"]), p.get("ports"))


def quoted(p):
    """The 5-tuple quoted by an ICMP 3/13 or ICMPv6 1/1 notification, else None."""
    if not p or len(p["l4"]) < 8:
        return None
    t, c = p["l4"][0], p["l4"][1]
    if not ((p["proto"] == 1 and (t, c) == (3, 13)) or (p["proto"] == 58 and (t, c) == (1, 1))):
        return None
    inner = p["l4"][8:]
    fake = b"\0" * 12 + (b"\x08\x00" if p["v"] == 4 else b"\x86\xdd") + inner
    return five_tuple(parse(fake))


def is_client(addr):
    return any(addr in n for n in CLIENT_NETS)


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, **kw)


def main():
    d = tempfile.mkdtemp(prefix="capport-enforce-")
    try:
        out, up, rej = (os.path.join(d, n) for n in ("out.pcap", "up.pcap", "rej.pcap"))
        r = run(PROBE, "enforce", "--config", CONFIG, "-r", CAPTURE, "-w", out, "--internet-out", up,
                "--rejected", rej, "--json")
        check(r.returncode == 3, f"enforce exits 3 (done, a packet rejected): {r.returncode} {r.stderr.strip()}")
        rep = json.loads(r.stdout)
        tot = rep["totals"]
        check(rep["rejected"] == {"enforce_no_client_side": 1}, f"the transit packet is rejected by name: {rep['rejected']}")
        check(len(read_pcap(rej)) == 1, "--rejected holds that packet")
        inp, outp, upp = read_pcap(CAPTURE), read_pcap(out), read_pcap(up)
        check(tot["packets"] == len(inp), "every input packet is counted")
        check(tot["client_side"] == len(outp) and tot["to_internet"] == len(upp), "report counts match the files")

        # Notifications: only to clients, right after the packet they quote, never toward the Internet.
        notes = []
        for i, (ts, fr) in enumerate(outp):
            p = parse(fr)
            q = quoted(p)
            if q is None:
                continue
            notes.append((str(p["dst"]), ts))
            prev = parse(outp[i - 1][1])
            check(is_client(p["dst"]) and p["dst_mac"] == prev["src_mac"] and q == five_tuple(prev),
                  f"notification #{i + 1} to client {p['dst']} quotes {q[2]}:{q[4]} > {q[3]}")
        check(tot["notifications"] == len(notes) and len(notes) > 0, f"{len(notes)} notifications")
        check(all(quoted(parse(fr)) is None for _, fr in upp), "no notification toward the Internet side")
        v6 = [n for n in notes if ":" in n[0]]
        check(len(v6) == 2, f"IPv6 client: burst of 2 ICMPv6 1/1 for 3 SYNs 10 ms apart ({len(v6)})")
        # Rate limit: in any window of T seconds at most burst + rate*T per client.
        ok = True
        for client in {c for c, _ in notes}:
            ts = sorted(t for c, t in notes if c == client)
            for i in range(len(ts)):
                for j in range(i, len(ts)):
                    if j - i + 1 > BURST + RATE * (ts[j] - ts[i]) / 1e9 + 1e-9:
                        ok = False
        check(ok, "rate limit holds for every client in every window")
        per = {c["address"]: c for c in rep["clients"]}
        check(per["192.0.2.10"]["suppressed"] > 0, "client A: some notifications suppressed")

        # tshark: no malformed packets or expert errors (checksums validated); its view of the quotes.
        if shutil.which("tshark"):
            t = run("tshark", "-n", "-r", out, "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                    "-o", "udp.check_checksum:TRUE", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=;",
                    "-e", "frame.number", "-e", "_ws.malformed", "-e", "_ws.expert.severity")
            bad = [ln for ln in t.stdout.splitlines()
                   if ln.split("\t")[1] or "8388608" in ln.split("\t")[2].split(";")]
            check(t.returncode == 0 and not bad, f"tshark decodes out.pcap cleanly ({len(bad)} bad)")
            q = run("tshark", "-n", "-r", out, "-Y", "icmp.type==3 && icmp.code==13", "-T", "fields",
                    "-e", "ip.dst", "-e", "tcp.srcport", "-e", "tcp.dstport")
            rows = [ln.split("\t") for ln in q.stdout.splitlines()]
            v4 = [n for n in notes if ":" not in n[0]]
            check(len(rows) == len(v4), f"tshark sees {len(rows)} ICMP 3/13 notifications")
            # ip.dst lists the outer then the quoted destination; tcp ports are the quoted ones.
            mine = [(n[0],) for n in v4]
            theirs = [(r[0].split(",")[0],) for r in rows]
            check(mine == theirs and all(r[0].split(",")[1] == "203.0.113.5" and r[2] == "443" for r in rows),
                  "tshark reads the same destinations and quoted 203.0.113.5:443")
            check(all(r[0].split(",")[0].startswith("192.0.2.") and r[0].split(",")[0] != "192.0.2.1"
                      for r in rows), "tshark: every 3/13 goes to a client")
            h = run("tshark", "-n", "-r", out, "-Y", "http.response.code == 302", "-T", "fields",
                    "-e", "http.location")
            check(h.stdout.strip().splitlines() == ["https://portal.example.net/portal"],
                  f"tshark reads one 302 to the portal: {h.stdout.strip()!r}")
        else:
            print("skip tshark checks: tshark not installed")

        # mapdump: every packet decodes cleanly.
        mrej = os.path.join(d, "mapdump-rejected.pcap")
        m = run(MAPDUMP, "-r", out, "-q", "--rejected", mrej)
        check(m.returncode == 0 and len(read_pcap(mrej)) == 0,
              f"mapdump decodes every packet of out.pcap ({m.returncode} {m.stderr.strip()})")

        # Allowed client B: byte-identical, same order, in both outputs where due.
        b_in = [fr for _, fr in inp if MAC_B in (fr[0:6], fr[6:12])]
        b_out = [fr for _, fr in outp if MAC_B in (fr[0:6], fr[6:12])]
        b_up = [fr for _, fr in upp if fr[6:12] == MAC_B]
        check(len(b_in) == 6 and b_in == b_out, "client B's packets pass byte-identical")
        check(b_up == [fr for fr in b_in if fr[6:12] == MAC_B], "client B's own packets go to the Internet side")
        # Blocked: the scanner's SYN toward A never reaches the client side; A's SYNs to :443 before
        # acceptance never reach the Internet side.
        scanner = [fr for _, fr in outp if parse(fr) and str(parse(fr)["src"]) == "203.0.113.66"]
        check(not scanner, "unsolicited inbound to a blocked client is dropped")
        early = [fr for _, fr in upp if parse(fr) and str(parse(fr)["src"]) == "192.0.2.10"
                 and parse(fr).get("ports", (0, 0))[1] == 443 and parse(fr)["ports"][0] < 40400]
        check(not early, "blocked HTTPS attempts are not forwarded")
        check(per["192.0.2.10"].get("accepted_packet", 0) > 0 and per["192.0.2.10"]["allowed_out"] > 0,
              "client A accepts the portal, then passes")
        check(per["192.0.2.40"]["blocked_out"] == 1 and per["192.0.2.40"]["allowed_out"] == 1,
              "client D (VLAN 10): blocked before its time, allowed after")
        check(tot["redirects"] == 1 and per["192.0.2.10"]["redirects"] == 1, "one HTTP redirect (A's canary)")

        # The offline analysis reads the result as a client would.
        a = json.loads(run(PROBE, "-r", out, "--json").stdout)
        sig = [s for s in a["signals"] if s["quotes_seen_flow"]]
        check(len(sig) == len(notes), f"capport-probe -r out.pcap: {len(sig)} enforcement signals quoting seen flows")
        canary = [c for c in a["canaries"] if c["result"] == "redirect"]
        check(len(canary) == 1, "capport-probe -r out.pcap: the canary was redirected")
        b = json.loads(run(PROBE, "-r", CAPTURE, "--json").stdout)
        check(not b["signals"], "capport-probe -r on the input: no signals")

        # Bad inputs: one line, exit 2.
        badcfg = os.path.join(d, "bad.yaml")
        with open(badcfg, "w") as f:
            f.write("enforce:\n  client_networks: [192.0.2.0/24]\n  notify: {rate: fast}\n")
        r = run(PROBE, "enforce", "--config", badcfg, "-r", CAPTURE, "-w", out)
        check(r.returncode == 2 and r.stderr.strip() == f"capport-probe: {badcfg}:3:18: notify.rate: wrong type",
              f"bad config: {r.returncode} {r.stderr.strip()}")
        cut = os.path.join(d, "cut.pcap")
        with open(CAPTURE, "rb") as f, open(cut, "wb") as g:
            g.write(f.read()[:1000])
        out2 = os.path.join(d, "out2.pcap")
        r = run(PROBE, "enforce", "--config", CONFIG, "-r", cut, "-w", out2)
        check(r.returncode == 2 and "cut.pcap" in r.stderr and r.stderr.count("\n") == 1,
              f"corrupt input: exit 2, one line: {r.stderr.strip()}")
        check(os.path.exists(out2) and len(read_pcap(out2)) > 0, "corrupt input: the packets before it are written")
        check(not [n for n in os.listdir(d) if ".tmp" in n], "no temporary files left")
    finally:
        shutil.rmtree(d, ignore_errors=True)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
