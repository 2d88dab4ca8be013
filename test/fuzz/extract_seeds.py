#!/usr/bin/env python3
"""Regenerates the committed fuzz seed corpora from the shared capture corpus.

Run by hand when the shared captures change; the build and the tests only ever read the committed copies
in test/fuzz/corpus/, never the shared folder.

    test/fuzz/extract_seeds.py [SHARED_CORPUS_DIR]   # default: ../shared/corpus beside the repo

Each seed is named <capture>-<frame number> (1-based, as in tshark) or derived-<what> for the few
hand-made variants that reach branches no capture does. Frames are cut to MAX_SEED bytes: the parsers
only look at headers, and small seeds keep libFuzzer fast.
"""
import pathlib
import struct
import sys

MAX_SEED = 128
HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE / "corpus"

VLAN_TPIDS = (0x8100, 0x88A8, 0x9100)


def pcap_frames(path):
    """Yields the captured bytes of each frame of a classic pcap file (either byte order, us or ns)."""
    data = path.read_bytes()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise SystemExit(f"{path}: not a classic pcap file")
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != 1:
        raise SystemExit(f"{path}: linktype {linktype}, expected Ethernet")
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(endian + "IIII", data[off : off + 16])
        off += 16
        yield data[off : off + caplen]
        off += caplen


def ethertype_chain(frame):
    """Returns (list of ethertypes incl. VLAN TPIDs, offset of the payload after the last one)."""
    types = []
    off = 12
    while off + 2 <= len(frame):
        t = struct.unpack(">H", frame[off : off + 2])[0]
        types.append(t)
        off += 2
        if t not in VLAN_TPIDS:
            break
        off += 2  # TCI
    return types, off


def udp_payload(frame):
    """Returns (dst port, payload) for an Ethernet/[VLAN]/IPv4|IPv6/UDP frame, else None."""
    types, off = ethertype_chain(frame)
    if not types:
        return None
    if types[-1] == 0x0800 and off + 20 <= len(frame):
        ihl = (frame[off] & 0x0F) * 4
        if frame[off + 9] != 17:
            return None
        off += ihl
    elif types[-1] == 0x86DD and off + 40 <= len(frame):
        if frame[off + 6] != 17:
            return None
        off += 40
    else:
        return None
    if off + 8 > len(frame):
        return None
    dport = struct.unpack(">H", frame[off + 2 : off + 4])[0]
    return dport, frame[off + 8 :]


class Seeds:
    def __init__(self, target):
        self.dir = CORPUS / target
        self.dir.mkdir(parents=True, exist_ok=True)
        for old in self.dir.iterdir():
            old.unlink()
        self.seen = set()

    def add(self, name, data, cap=MAX_SEED):
        data = bytes(data[:cap])
        if data in self.seen:
            return
        self.seen.add(data)
        (self.dir / name).write_bytes(data)


def main():
    shared = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[2] / "shared" / "corpus"
    cap = lambda name: shared / name  # noqa: E731

    # NSH: the header after Ethernet (0x894F) and after VXLAN-GPE NP=4.
    nsh = Seeds("nsh")
    for i, f in enumerate(pcap_frames(cap("tcpdump-nsh.pcap")), 1):
        types, off = ethertype_chain(f)
        if types and types[-1] == 0x894F:
            nsh.add(f"tcpdump-nsh-{i}", f[off:])
    md2 = None
    for i, f in enumerate(pcap_frames(cap("tcpdump-nsh-over-vxlan-gpe.pcap")), 1):
        udp = udp_payload(f)
        if udp and udp[0] == 4790:
            md2 = udp[1][8:]
            nsh.add(f"tcpdump-nsh-over-vxlan-gpe-{i}", md2)
    if md2:
        # MD2 with no TLVs (Length 2) and MD type 0xF with an opaque context: structure checks differ.
        nsh.add("derived-md2-no-tlvs", bytes([md2[0], 0x02]) + md2[2:8] + md2[24:])
        nsh.add("derived-md-experimental", bytes([0x00, 0x04, 0x0F, 0x03]) + md2[4:16] + md2[24:])

    # Ethernet + VLAN stacks: one frame per distinct ethertype chain (untagged, 802.1Q, 802.1ad, QinQ).
    eth = Seeds("vlan_ethernet")
    for name in (
        "tcpdump-802.1ad_QinQ.pcap",
        "tcpreplay-test.pcap",
        "tcpreplay-test.rewrite_config-vlan45.pcap",
        "tcpreplay-test.rewrite_vlan802.1ad.pcap",
        "tcpdump-nsh.pcap",
    ):
        chains = set()
        for i, f in enumerate(pcap_frames(cap(name)), 1):
            chain = tuple(ethertype_chain(f)[0])
            if chain in chains:
                continue
            chains.add(chain)
            eth.add(f"{name.removesuffix('.pcap')}-{i}", f)

    # VXLAN and VXLAN-GPE: the UDP payloads (header + inner frame), one per distinct header and inner type.
    vx = Seeds("vxlan")
    kinds = set()
    for name in ("tcpdump-vxlan.pcap", "tcpdump-nsh-over-vxlan-gpe.pcap"):
        for i, f in enumerate(pcap_frames(cap(name)), 1):
            udp = udp_payload(f)
            if not udp or udp[0] not in (4789, 4790):
                continue
            kind = (udp[1][:8], udp[1][20:22])
            if kind not in kinds:
                kinds.add(kind)
                vx.add(f"{name.removesuffix('.pcap')}-{i}", udp[1])
                if udp[0] == 4789 and udp[1][20:22] == b"\x08\x06":
                    # VXLAN-GPE NP=3 (Ethernet) carrying the same ARP frame: the GPE -> Ethernet path.
                    vx.add("derived-gpe-ethernet", b"\x0c\x00\x00\x03" + udp[1][4:])

    for s in (nsh, eth, vx):
        print(f"{s.dir.relative_to(HERE.parents[1])}: {len(s.seen)} seeds")


if __name__ == "__main__":
    main()
