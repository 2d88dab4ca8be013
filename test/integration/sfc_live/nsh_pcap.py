"""Reading pcap files and taking NSH frames apart, for the live proxy tests (independent of the C++ code).

Outer forms (specs: RFC 8300, VXLAN-GPE draft): Ethernet [802.1Q/802.1ad tags] then 0x894F; IPv4/UDP 4790
VXLAN-GPE with NP=4 (NSH) or NP=3 (Ethernet then 0x894F); IPv4 GRE protocol 0x894F.
"""
import struct


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        endian = "<"
    else:
        endian = ">"
    off = 24
    frames = []
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


def be16(b, o):
    return (b[o] << 8) | b[o + 1]


def skip_tags(b, off):
    """Offset of the ethertype after MACs and any 802.1Q/802.1ad tags, and the ethertype."""
    et = be16(b, off)
    while et in (0x8100, 0x88A8) and off + 6 <= len(b):
        off += 4
        et = be16(b, off)
    return off, et


def _nsh_at(b, off, transport):
    if off + 8 > len(b):
        return None
    length = (b[off + 1] & 0x3F) * 4
    if length < 8 or off + length > len(b):
        return None
    return {"transport": transport, "outer": b[:off], "nsh": b[off:off + length], "payload": b[off + length:],
            "np": b[off + 3], "spi": int.from_bytes(b[off + 4:off + 7], "big"), "si": b[off + 7]}


def parse_nsh(b):
    """The NSH of a frame as an SFF sends it, or None when the frame carries no NSH."""
    if len(b) < 14:
        return None
    off, et = skip_tags(b, 12)
    off += 2
    if et == 0x894F:
        return _nsh_at(b, off, "ethernet")
    if et != 0x0800 or off + 20 > len(b):
        return None
    ihl = (b[off] & 0x0F) * 4
    proto = b[off + 9]
    l4 = off + ihl
    if proto == 17 and l4 + 16 <= len(b) and be16(b, l4 + 2) == 4790:
        gpe = l4 + 8
        np = b[gpe + 3]
        if np == 4:
            return _nsh_at(b, gpe + 8, "vxlan-gpe")
        if np == 3 and gpe + 8 + 14 <= len(b) and be16(b, gpe + 8 + 12) == 0x894F:
            return _nsh_at(b, gpe + 8 + 14, "vxlan-gpe-eth")
    if proto == 47 and l4 + 4 <= len(b) and be16(b, l4 + 2) == 0x894F:
        flags = b[l4]
        hl = 4 + 4 * bool(flags & 0x80) + 4 * bool(flags & 0x20) + 4 * bool(flags & 0x10)
        return _nsh_at(b, l4 + hl, "gre")
    return None


def inner_l3(np, payload):
    """(ethertype, L3 bytes trimmed to the IP length) of an NSH payload (NP 1 IPv4, 2 IPv6, 3 Ethernet)."""
    if np == 3:
        if len(payload) < 14:
            return None, payload
        off, et = skip_tags(payload, 12)
        l3 = payload[off + 2:]
    else:
        et = {1: 0x0800, 2: 0x86DD}.get(np)
        l3 = payload
    if et == 0x0800 and len(l3) >= 20:
        l3 = l3[:be16(l3, 2)]
    elif et == 0x86DD and len(l3) >= 40:
        l3 = l3[:40 + be16(l3, 4)]
    return et, bytes(l3)


def five_tuple(et, l3):
    """(src, dst, proto, sport, dport) of an IPv4/IPv6 packet (no extension headers), or None."""
    if et == 0x0800 and len(l3) >= 20:
        ihl = (l3[0] & 0x0F) * 4
        proto, src, dst, l4 = l3[9], l3[12:16], l3[16:20], l3[ihl:]
    elif et == 0x86DD and len(l3) >= 40:
        proto, src, dst, l4 = l3[6], l3[8:24], l3[24:40], l3[40:]
    else:
        return None
    ports = (be16(l4, 0), be16(l4, 2)) if proto in (6, 17) and len(l4) >= 4 else (0, 0)
    return (bytes(src), bytes(dst), proto) + ports


def is_vlan_tagged(b):
    return len(b) >= 14 and be16(b, 12) in (0x8100, 0x88A8)


def filter_pcap(src, dst, keep):
    """Copies the global header and the records whose frame passes keep(frame) from src to dst."""
    with open(src, "rb") as f:
        data = f.read()
    endian = "<" if struct.unpack("<I", data[:4])[0] in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    out = [data[:24]]
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(endian + "IIII", data[off:off + 16])[2]
        if keep(data[off + 16:off + 16 + incl]):
            out.append(data[off:off + 16 + incl])
        off += 16 + incl
    with open(dst, "wb") as f:
        f.write(b"".join(out))
    return len(out) - 1


def vxlan_vni(b):
    """The VNI of an Ethernet/IPv4/UDP 4789/VXLAN frame with the I flag (RFC 7348 §5), else None."""
    if len(b) < 34 or be16(b, 12) != 0x0800 or b[23] != 17:
        return None
    l4 = 14 + (b[14] & 0x0F) * 4
    if l4 + 16 > len(b) or be16(b, l4 + 2) != 4789 or not b[l4 + 8] & 0x08:
        return None
    return int.from_bytes(b[l4 + 12:l4 + 15], "big")
