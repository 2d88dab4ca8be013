#!/usr/bin/env python3
"""Regenerates the seed corpora of the per-layer fuzz targets from the repo's own captures.

Run by hand when the captures change (needs tshark); the build and the tests only read the committed
copies in test/fuzz/corpus/.

    test/fuzz/extract_layer_seeds.py

tshark (PDML) says where each protocol starts in each frame; a seed is the frame from there on, cut to the
target's size limit. Seeds are named <capture>-<frame number>[-<layer instance>]; a target keeps one seed
per distinct "kind" (what makes the parser take another path: type, flags, lengths), at most MAX_SEEDS.
derived-* seeds are hand-made from captured ones to reach paths no capture does (IPv6 extension headers,
GRE optional fields, a DHCPv6 relay chain, ...). The dissect target's seeds are whole frames behind one
selector byte that picks the link type (see fuzz_dissect.cpp).
"""
import pathlib
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]
CORPUS = HERE / "corpus"
MAX_SEEDS = 16

CAPTURES = sorted(REPO.glob("captures/*.pcap")) + sorted(REPO.glob("test/data/*.pcap*"))

# fuzz_dissect.cpp kLinkTypes order: the selector byte for a link type.
SELECTOR = {1: 0, 101: 1, 228: 2, 229: 3, 0: 4, 9: 5, 50: 6, 113: 7, 276: 8}


def b(d, i):
    return d[i] if len(d) > i else -1


def be16(d, o):
    return struct.unpack(">H", d[o : o + 2])[0] if len(d) >= o + 2 else -1


# target -> (tshark protocol name, byte limit, kind function)
TARGETS = {
    "ipv4": ("ip", 256, lambda d: (b(d, 0), b(d, 6) & 0xE0, b(d, 9), len(d) > 60)),
    "ipv6": ("ipv6", 256, lambda d: (b(d, 6), len(d) > 100)),
    "udp": ("udp", 128, lambda d: (be16(d, 2), min(len(d), 64) // 16)),
    "tcp": ("tcp", 128, lambda d: (b(d, 12) >> 4, b(d, 13), len(d) > 60)),
    "icmp": ("icmp", 600, lambda d: (b(d, 0), b(d, 1), b(d, 5), len(d) > 140)),
    "icmpv6": ("icmpv6", 300, lambda d: (b(d, 0), b(d, 1), len(d) // 32)),
    "gre": ("gre", 128, lambda d: (b(d, 0), b(d, 1), be16(d, 2))),
    "mpls": ("mpls", 128, lambda d: (b(d, 2) & 1, len(d) // 32)),
    "pcp": ("portcontrol", 1100, lambda d: (b(d, 0), b(d, 1), b(d, 3) if len(d) > 3 else 0, len(d))),
    "dhcpv4": ("dhcp", 600, lambda d: (b(d, 0), len(d), bytes(d[240:246]))),
    "dhcpv6": ("dhcpv6", 600, lambda d: (b(d, 0), len(d))),
}


def read_pcap(path):
    """(linktype, [frame bytes]) of a classic pcap file; pcapng is converted with editcap first."""
    data = path.read_bytes()
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        with tempfile.NamedTemporaryFile(suffix=".pcap") as tmp:
            subprocess.run(["editcap", "-F", "pcap", str(path), tmp.name], check=True)
            data = pathlib.Path(tmp.name).read_bytes()
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    frames, off = [], 24
    while off + 16 <= len(data):
        caplen = struct.unpack(endian + "I", data[off + 8 : off + 12])[0]
        off += 16
        frames.append(data[off : off + caplen])
        off += caplen
    return linktype, frames


def layers(path):
    """For each frame: (frame.protocols, [(tshark proto name, pos)] in wire order)."""
    pdml = subprocess.run(["tshark", "-r", str(path), "-T", "pdml"], check=True, capture_output=True).stdout
    out = []
    for pkt in ET.fromstring(pdml).iter("packet"):
        chain, protos = "", []
        for proto in pkt.findall("proto"):
            name = proto.get("name")
            if name == "frame":
                f = proto.find("field[@name='frame.protocols']")
                chain = f.get("show") if f is not None else ""
            elif name not in ("geninfo", "fake-field-wrapper") and proto.get("pos") is not None:
                protos.append((name, int(proto.get("pos"))))
        out.append((chain, protos))
    return out


class Seeds:
    def __init__(self, target, max_seeds=MAX_SEEDS):
        self.max_seeds = max_seeds
        self.dir = CORPUS / target
        self.dir.mkdir(parents=True, exist_ok=True)
        for old in self.dir.iterdir():
            old.unlink()
        self.kinds = set()
        self.seen = set()

    def add(self, name, data, kind=None, force=False):
        data = bytes(data)
        if not data or data in self.seen:
            return
        if not force and (kind in self.kinds or len(self.kinds) >= self.max_seeds):
            return
        self.kinds.add(kind)
        self.seen.add(data)
        (self.dir / name).write_bytes(data)


def derived(seeds, first):
    """Hand-made variants from captured seeds (first[target] = the first captured seed of a target)."""
    udp = first["udp"]
    ip6 = bytearray(first["ipv6"][:40])
    # IPv6: Hop-by-Hop (PadN) -> Routing (type 4, empty) -> Destination Options -> Fragment -> UDP.
    hbh = bytes([43, 0, 1, 4, 0, 0, 0, 0])
    rh = bytes([60, 0, 4, 0, 0, 0, 0, 0])
    dst = bytes([44, 0, 1, 4, 0, 0, 0, 0])
    frag = bytes([17, 0, 0, 1, 0, 0, 0x12, 0x34])  # offset 0, M set: a first fragment
    body = hbh + rh + dst + frag + udp[:16]
    ip6[4:6] = struct.pack(">H", len(body))
    ip6[6] = 0
    seeds["ipv6"].add("derived-ext-chain", bytes(ip6) + body, force=True)
    later = bytes([17, 0, 0x05, 0x38, 0, 0, 0x12, 0x34]) + udp[:16]  # offset 167, M clear
    ip6[4:6] = struct.pack(">H", len(later))
    ip6[6] = 44
    seeds["ipv6"].add("derived-later-fragment", bytes(ip6) + later, force=True)
    ah = bytes([17, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2])  # AH: Payload Len 1 -> 12 bytes
    ip6[4:6] = struct.pack(">H", len(ah) + 16)
    ip6[6] = 51
    seeds["ipv6"].add("derived-ah", bytes(ip6) + ah + udp[:16], force=True)
    # IPv4 with options (Router Alert + NOP + EOL) and a later fragment.
    ip4 = bytearray(first["ipv4"][:20])
    opts = bytes([148, 4, 0, 0, 1, 0, 0, 0])
    ip4[0] = 0x47
    ip4[2:4] = struct.pack(">H", 28 + 8)
    seeds["ipv4"].add("derived-options", bytes(ip4) + opts + udp[:8], force=True)
    ip4 = bytearray(first["ipv4"][:20])
    ip4[6:8] = struct.pack(">H", 0x2000 | 100)
    seeds["ipv4"].add("derived-fragment", bytes(ip4) + udp[:16], force=True)
    # TCP SYN with MSS, SACK-permitted, timestamps, NOP, window scale.
    tcp = bytearray(first["tcp"][:20])
    opts = bytes([2, 4, 5, 0xB4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7])
    tcp[12] = (20 + len(opts)) // 4 << 4
    tcp[13] = 0x02
    seeds["tcp"].add("derived-syn-options", bytes(tcp) + opts, force=True)
    # GRE with checksum, key and sequence number (RFC 2890) carrying NSH.
    gre = first["gre"]
    seeds["gre"].add("derived-csum-key-seq", bytes([0xB0, 0]) + gre[2:4] + bytes(4) + bytes([0, 0, 0, 7, 0, 0, 0, 1]) + gre[4:], force=True)
    # MPLS: three labels, the last with S set, then IPv4.
    seeds["mpls"].add("derived-three-labels", bytes([0, 0x01, 0x00, 64, 0, 0x02, 0x00, 64, 0, 0x03, 0x01, 64]) + first["ipv4"][:28], force=True)
    # DHCPv6 RELAY-FORW around a captured client message, and that relay inside another one.
    msg = first["dhcpv6"]
    relay = bytes([12, 0]) + bytes(32) + struct.pack(">HH", 9, len(msg)) + msg
    seeds["dhcpv6"].add("derived-relay-forw", relay, force=True)
    relay2 = bytes([12, 1]) + bytes(32) + struct.pack(">HH", 9, len(relay)) + relay
    seeds["dhcpv6"].add("derived-relay-relay", relay2, force=True)
    # ICMPv6 Router Advertisement with a captive-portal option (RFC 8910 §2.3).
    uri = b"https://portal.example/api"
    opt = bytes([37, (2 + len(uri) + 7) // 8]) + uri
    opt += bytes((-len(opt)) % 8)
    seeds["icmpv6"].add("derived-ra-captive-portal", bytes([134, 0, 0, 0, 64, 0, 0x07, 0x08]) + bytes(8) + opt, force=True)


def main():
    seeds = {t: Seeds(t) for t in TARGETS}
    seeds["dissect"] = Seeds("dissect", max_seeds=64)  # one per protocol chain and capture
    first = {}
    for path in CAPTURES:
        linktype, frames = read_pcap(path)
        stem = path.name.split(".pcap")[0]
        for i, ((chain, protos), frame) in enumerate(zip(layers(path), frames), 1):
            seeds["dissect"].add(f"{stem}-{i}", bytes([SELECTOR[linktype]]) + frame[:512], kind=(stem, chain))
            count = {}
            for name, pos in protos:
                count[name] = count.get(name, 0) + 1
                for target, (tname, limit, kind) in TARGETS.items():
                    if name != tname:
                        continue
                    data = frame[pos : pos + limit]
                    if len(data) < 4:
                        continue
                    first.setdefault(target, data)
                    n = count[name]
                    seeds[target].add(f"{stem}-{i}" + (f"-{n}" if n > 1 else ""), data, kind=kind(data))
    derived(seeds, first)
    for t, s in seeds.items():
        print(f"corpus/{t}: {len(s.seen)} seeds")


if __name__ == "__main__":
    sys.exit(main())
