#!/usr/bin/env python3
"""Checks that mapdump decodes captures exactly as tshark does.

For every packet that mapdump decodes cleanly, the NSH fields (version, O bit, U/C bit, TTL, length, MD type,
next protocol, SPI, SI, MD1 context, MD2 TLV class/type/length/value), VLAN ids, VXLAN/VXLAN-GPE VNI and next
protocol, PCP fields and captive-portal URIs must equal `tshark -T fields` on the same file, occurrence by
occurrence. Exit 0 on agreement, 1 on any difference, 77 (ctest SKIP) when tshark is missing.
"""
import json
import shutil
import subprocess
import sys

FIELDS = [
    "frame.number",
    "nsh.version", "nsh.Obit", "nsh.CBit", "nsh.ttl", "nsh.length", "nsh.mdtype", "nsh.nextproto",
    "nsh.spi", "nsh.si", "nsh.contextheader",
    "nsh.metadataclass", "nsh.metadatatype", "nsh.metadatalen", "nsh.metadata",
    "vlan.id", "ieee8021ad.id", "vxlan.vni", "vxlan.next_proto",
    "portcontrol.version", "portcontrol.opcode", "portcontrol.result_code", "portcontrol.lifetime_req",
    "portcontrol.lifetime_rsp", "portcontrol.epoch_time", "portcontrol.map.internal_port",
    "portcontrol.map.protocol", "portcontrol.peer.internal_port", "portcontrol.option.code",
    "portcontrol.option.portset.size",
    "dhcp.option.captive_portal", "dhcpv6.captive_portal", "icmpv6.opt.captive_portal",
]


def as_int(text):
    return int(text, 16) if text.startswith("0x") else int(text)


def tshark_rows(path):
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
           "-E", "aggregator=\x1f"]
    for f in FIELDS:
        cmd += ["-e", f]
    res = subprocess.run(cmd, capture_output=True, text=True, errors="replace", check=True)
    rows = {}
    for line in res.stdout.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(FIELDS) - len(cols))
        row = {f: ([v for v in c.split("\x1f")] if c else []) for f, c in zip(FIELDS, cols)}
        rows[int(row["frame.number"][0])] = row
    return rows


def occurrences(pkt, key):
    out = []
    if key in pkt:
        out.append(pkt[key])
    if key in pkt.get("inner", {}):
        out.append(pkt["inner"][key])
    return out


def expected_from_mapdump(pkt):
    """The tshark field values mapdump's JSON implies, in wire order."""
    e = {f: [] for f in FIELDS if f != "frame.number"}
    for n in occurrences(pkt, "nsh"):
        e["nsh.version"].append(n["version"])
        e["nsh.Obit"].append(int(n["oam"]))
        e["nsh.CBit"].append(int(n["u"]))
        e["nsh.ttl"].append(n["ttl"])
        e["nsh.length"].append(n["length"])
        e["nsh.mdtype"].append(n["md_type"])
        e["nsh.nextproto"].append(n["next_proto"])
        e["nsh.spi"].append(n["spi"])
        e["nsh.si"].append(n["si"])
        e["nsh.contextheader"] += n.get("context", [])
        for t in n.get("tlvs", []):
            e["nsh.metadataclass"].append(t["class"])
            e["nsh.metadatatype"].append(t["type"])
            e["nsh.metadatalen"].append(t["len"])
            if t["len"]:
                e["nsh.metadata"].append(t["value"])
    for tags in occurrences(pkt, "vlan"):
        for t in tags:
            (e["ieee8021ad.id"] if t["tpid"] == 0x88A8 else e["vlan.id"]).append(t["vid"])
    for v in occurrences(pkt, "vxlan"):
        e["vxlan.vni"].append(v["vni"])
    for v in occurrences(pkt, "vxlan_gpe"):
        e["vxlan.vni"].append(v["vni"])
        e["vxlan.next_proto"].append(v["next_proto"])
    p = pkt.get("pcp")
    if p is not None and p["version"] in (1, 2):
        e["portcontrol.version"].append(p["version"])
        e["portcontrol.opcode"].append(p["opcode"])
        if p["response"]:
            e["portcontrol.result_code"].append(p["result_code"])
            e["portcontrol.lifetime_rsp"].append(p["lifetime"])
            e["portcontrol.epoch_time"].append(p["epoch"])
        else:
            e["portcontrol.lifetime_req"].append(p["lifetime"])
        if p["opcode"] == 1:
            e["portcontrol.map.internal_port"].append(p["internal_port"])
            e["portcontrol.map.protocol"].append(p["protocol"])
        if p["opcode"] == 2:
            e["portcontrol.peer.internal_port"].append(p["internal_port"])
        for o in p.get("options", []):
            e["portcontrol.option.code"].append(o["code"])
            if o["code"] == 130 and "size" in o:
                e["portcontrol.option.portset.size"].append(o["size"])
    for u in pkt.get("captive_portal", []):
        key = {"dhcpv4-114": "dhcp.option.captive_portal", "dhcpv4-160": "dhcp.option.captive_portal",
               "dhcpv6-103": "dhcpv6.captive_portal", "ra-37": "icmpv6.opt.captive_portal"}[u["source"]]
        e[key].append(u["uri"])
    return e


def normalise(field, values):
    if field in ("nsh.contextheader", "nsh.metadata"):
        return [str(v).replace(":", "").lower() for v in values]
    if field.endswith("captive_portal"):
        return [str(v) for v in values]
    return [as_int(str(v)) if not isinstance(v, int) else v for v in values]


def check(mapdump, path, quiet=False):
    rows = tshark_rows(path)
    res = subprocess.run([mapdump, "-r", path, "-T", "json"], capture_output=True, text=True, check=True)
    compared = skipped = 0
    problems = []
    for line in res.stdout.splitlines():
        pkt = json.loads(line)
        if pkt["status"] != "ok":
            skipped += 1
            continue
        row = rows.get(pkt["frame"])
        if row is None:
            problems.append(f"frame {pkt['frame']}: tshark has no such frame")
            continue
        compared += 1
        for field, want in expected_from_mapdump(pkt).items():
            got = row[field]
            if field == "portcontrol.option.code" and pkt.get("pcp") and pkt["pcp"]["version"] == 0:
                continue
            if normalise(field, want) != normalise(field, got):
                problems.append(f"frame {pkt['frame']}: {field}: mapdump {want} tshark {got}")
    for p in problems[:50]:
        print(f"{path}: {p}")
    if not quiet:
        print(f"{path}: {compared} packets compared, {skipped} not ok in mapdump (skipped), "
              f"{len(problems)} differences")
    return compared, problems


def main():
    if len(sys.argv) < 3:
        print("usage: check_agreement.py MAPDUMP CAPTURE...", file=sys.stderr)
        return 2
    if shutil.which("tshark") is None:
        print("SKIP: tshark is not installed (scripts/install-deps.sh installs it)")
        return 77
    total = 0
    bad = 0
    for path in sys.argv[2:]:
        compared, problems = check(sys.argv[1], path)
        total += compared
        bad += len(problems)
    print(f"{total} packets compared, {bad} differences")
    if total == 0:
        print("no packet was compared: the test would prove nothing")
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
