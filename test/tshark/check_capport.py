#!/usr/bin/env python3
"""Checks the fields capport-probe's capture analysis relies on against tshark.

For each capture: every captive-portal URI tshark shows (dhcp.option.captive_portal, dhcpv6.captive_portal,
icmpv6.opt.captive_portal) is in the probe's provisioning list for that packet and vice versa; each canary and
API exchange's status and Location equal http.response.code / http.location at its response packet; each DNS
finding's addresses equal dns.a + dns.aaaa; each signal's type/code equal icmp.type/icmp.code (or icmpv6.*).
Option requests: the first packet whose PRL asks for 114 / 160 or whose ORO asks for 103
(dhcp.option.request_list_item, dhcpv6.requested_option_code) is the one the probe names. TLS: the ClientHellos
whose SNI (tls.handshake.extensions_server_name) is a provisioned API host are exactly the probe's tls_to_api.
Also checks the verdict and exit status agree. Exit 0 on agreement, 1 on a difference, 77 (ctest SKIP) when
tshark is missing.
"""
import json
import shutil
import subprocess
import sys

FIELDS = ["frame.number", "dhcp.option.captive_portal", "dhcpv6.captive_portal", "icmpv6.opt.captive_portal",
          "http.response.code", "http.location", "http.content_type", "dns.a", "dns.aaaa", "icmp.type",
          "icmp.code", "icmpv6.type", "icmpv6.code", "dhcp.option.request_list_item",
          "dhcpv6.requested_option_code", "tls.handshake.type", "tls.handshake.extensions_server_name"]
# The probe's option_requests "what" for each request tshark shows (field, code).
REQUESTS = {"dhcpv4 parameter request list asks for 114": ("dhcp.option.request_list_item", "114"),
            "dhcpv4 parameter request list asks for 160 (legacy)": ("dhcp.option.request_list_item", "160"),
            "dhcpv6 option request option asks for 103": ("dhcpv6.requested_option_code", "103")}
EXIT = {"open": 0, "captive": 10, "partial": 11, "unknown": 12}


def tshark(path):
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
           "-E", "aggregator=\x1f"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, errors="replace", check=True).stdout
    rows = {}
    for line in out.splitlines():
        cols = line.split("\t") + [""] * len(FIELDS)
        row = {f: (c.split("\x1f") if c else []) for f, c in zip(FIELDS, cols)}
        rows[int(row["frame.number"][0])] = row
    return rows


def main():
    if shutil.which("tshark") is None:
        print("tshark not found: skipped")
        return 77
    probe, captures = sys.argv[1], sys.argv[2:]
    errors = []
    checked = 0
    for path in captures:
        res = subprocess.run([probe, "-r", path, "--json"], capture_output=True, text=True)
        rep = json.loads(res.stdout)
        if res.returncode != EXIT[rep["verdict"]] or rep["exit_status"] != res.returncode:
            errors.append(f"{path}: exit {res.returncode} for verdict {rep['verdict']}")
        rows = tshark(path)

        def err(n, what):
            errors.append(f"{path} #{n}: {what}")

        for n, row in rows.items():
            ts = sorted(row["dhcp.option.captive_portal"] + row["dhcpv6.captive_portal"] +
                        row["icmpv6.opt.captive_portal"])
            ours = sorted(p["uri"] for p in rep["provisioning"] if p["packet"] == n)
            if ts != ours:
                err(n, f"captive-portal URIs tshark {ts} probe {ours}")
            checked += len(ts)
        for ex in rep["canaries"] + rep["api"]:
            n = ex["response_packet"]
            if not n:
                continue
            row = rows[n]
            if [str(ex["status"])] != row["http.response.code"]:
                err(n, f"status {ex['status']} tshark {row['http.response.code']}")
            if ex.get("location", "") != "".join(row["http.location"]):
                err(n, f"location {ex.get('location')!r} tshark {row['http.location']}")
            if "content_type" in ex and ex["content_type"] != "".join(row["http.content_type"]):
                err(n, f"content type {ex['content_type']!r} tshark {row['http.content_type']}")
            checked += 1
        for d in rep["dns"]:
            row = rows[d["packet"]]
            if d["addresses"] != row["dns.a"] + row["dns.aaaa"]:
                err(d["packet"], f"dns {d['addresses']} tshark {row['dns.a'] + row['dns.aaaa']}")
            checked += 1
        for what, (field, code) in REQUESTS.items():
            first = next((n for n in sorted(rows) if code in rows[n][field]), None)
            ours = [q["packet"] for q in rep["option_requests"] if q["what"] == what]
            if (ours[0] if ours else None) != first:
                errors.append(f"{path}: {what}: probe packet {ours} tshark first packet {first}")
            checked += first is not None
        api_hosts = {p["uri"].split("://", 1)[-1].split("/", 1)[0].split(":")[0].lower()
                     for p in rep["provisioning"] if "://" in p["uri"]}
        hellos = {n: row["tls.handshake.extensions_server_name"][0] for n, row in rows.items()
                  if "1" in row["tls.handshake.type"] and row["tls.handshake.extensions_server_name"]
                  and row["tls.handshake.extensions_server_name"][0].lower() in api_hosts}
        ours = {t["packet"]: t["server_name"] for t in rep["tls_to_api"]}
        if hellos != ours:
            errors.append(f"{path}: ClientHellos to the API host: tshark {hellos} probe {ours}")
        checked += len(hellos)
        for s in rep["signals"]:
            row = rows[s["packet"]]
            fam, tc = s["kind"].split()[0], s["kind"].split()[1]
            t, c = (tc.split("/") + [None])[:2]
            # tshark lists the quoted packet's ICMP fields too; the first occurrence is the signal itself.
            if row[f"{fam}.type"][:1] != [t] or (c is not None and row[f"{fam}.code"][:1] != [c]):
                err(s["packet"], f"signal {s['kind']} tshark {row[fam + '.type']}/{row[fam + '.code']}")
            checked += 1
    for e in errors:
        print(e)
    print(f"{len(captures)} captures, {checked} fields checked, {len(errors)} differences")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
