"""Three network namespaces (sff, proxy, sf) joined by veth pairs, with a kernel SF in the sf namespace.

  sff0 (ns sff) <-> p-sff (ns proxy)      p-l (ns proxy) <-> sf-l (ns sf)      p-r (ns proxy) <-> sf-r (ns sf)

IPv6 is disabled and multicast off everywhere (no DAD, router solicitation, MLD or IGMP frames to confuse
the checks) and no
interface has an address, so the only traffic is the test's. Names are unique per run; destroy() removes
the namespaces (and with them every veth) and is safe to call twice.

A new SF is one function in SF_SETUPS that configures sf-l/sf-r inside the sf namespace (it raises
Unsupported when the kernel lacks what it needs: the test is then skipped).
"""
import os
import random
import subprocess
import time


def sh(*args, check=True):
    return subprocess.run(list(args), check=check, capture_output=True, text=True)


def nft(t, rules):
    subprocess.run(["ip", "netns", "exec", t.sf, "nft", "-f", "-"], input=rules, text=True, check=True)


def setup_bridge(t):
    """An L2-transparent SF: a Linux bridge over the two SF-side veths. The bridge host's own frames (the
    IGMP report br0 sends when it comes up) are dropped, so everything the proxy gets back is forwarded."""
    t.ns(t.sf, "ip", "link", "add", "br0", "type", "bridge", "stp_state", "0")
    t.ns(t.sf, "sysctl", "-qw", "net.ipv6.conf.br0.disable_ipv6=1")
    nft(t, "table bridge pktmap_quiet {\n  chain output { type filter hook output priority 0; policy drop; }\n}\n")
    for dev in ("sf-l", "sf-r"):
        t.ns(t.sf, "ip", "link", "set", dev, "master", "br0")
    t.ns(t.sf, "ip", "link", "set", "br0", "multicast", "off")
    t.ns(t.sf, "ip", "link", "set", "br0", "up")


def setup_firewall(t):
    """The bridge with nftables (bridge family) dropping chosen flows: IPv4 UDP to port 11001."""
    setup_bridge(t)
    rules = ("table bridge pktmap_fw {\n"
             "  chain forward { type filter hook forward priority 0; policy accept;\n"
             "    ip protocol udp udp dport 11001 counter drop\n  }\n}\n")
    nft(t, rules)


def _vlan_bridge(t, protocol):
    """VIDs 1-1024 allowed, tagged, on both ports; untagged frames and other VIDs are dropped. Kernels built
    without CONFIG_BRIDGE_VLAN_FILTERING get the same policy from nftables on a plain bridge."""
    try:
        t.ns(t.sf, "ip", "link", "add", "br0", "type", "bridge", "stp_state", "0", "vlan_filtering", "1",
             "vlan_protocol", protocol)
    except subprocess.CalledProcessError:
        setup_bridge(t)
        etype = "8021q" if protocol == "802.1Q" else "8021ad"
        nft(t, "table bridge pktmap_vlan {\n  chain forward { type filter hook forward priority 0; policy accept;\n"
            f"    ether type != {etype} counter drop\n    vlan id != 1-1024 counter drop\n  }}\n}}\n")
        t.vlan_form = "nftables VLAN policy on a plain bridge (no CONFIG_BRIDGE_VLAN_FILTERING)"
        return
    t.vlan_form = "vlan_filtering bridge"
    t.ns(t.sf, "sysctl", "-qw", "net.ipv6.conf.br0.disable_ipv6=1")
    nft(t, "table bridge pktmap_quiet {\n  chain output { type filter hook output priority 0; policy drop; }\n}\n")
    for dev in ("sf-l", "sf-r"):
        t.ns(t.sf, "ip", "link", "set", dev, "master", "br0")
        # No PVID: untagged frames are dropped, tagged ones keep their tag (VID 1 too).
        t.ns(t.sf, "bridge", "vlan", "del", "dev", dev, "vid", "1")
        t.ns(t.sf, "bridge", "vlan", "add", "dev", dev, "vid", "1-1024")
    t.ns(t.sf, "ip", "link", "set", "br0", "multicast", "off")
    t.ns(t.sf, "ip", "link", "set", "br0", "up")


def setup_vlan_bridge(t):
    """A VLAN-aware bridge (802.1Q): for `vlan` mode."""
    _vlan_bridge(t, "802.1Q")


def setup_vlan_bridge_ad(t):
    """The same with 802.1ad S-tags (TPID 0x88A8): for `qinq` mode's outer tag."""
    _vlan_bridge(t, "802.1ad")


def setup_hairpin(t):
    """A one-armed SF: a bridge over sf-l alone with hairpin mode, so every frame goes back out of sf-l (for
    --sf-if with a single interface). sf-r stays out of the bridge."""
    setup_bridge(t)
    t.ns(t.sf, "ip", "link", "set", "sf-r", "nomaster")
    t.ns(t.sf, "bridge", "link", "set", "dev", "sf-l", "hairpin", "on")


class Unsupported(Exception):
    """The kernel (or nft) lacks what an SF needs: the test prints the reason and is skipped."""


PROXY_MAC = "02:00:00:00:5f:01"  # p-l and p-r in the router case: the router's next hop (the proxy)
ROUTER_MAC = "02:00:00:00:5f:02"  # sf-l and sf-r: what the proxy addresses with --sf-mac

# The router's translation, as nftables rules and as the proxy's `nat:` list (nat_rules.hpp): 10.0.0.0/8
# maps onto 100.0.0.0/8 keeping the host bits (netmap), the source of the forward packets and the
# destination of the reverse ones.
NAT_RULES = """nat:
  - match: {src: 10.0.0.0/8}
    rewrite: {src: 100.0.0.0/8}
  - match: {dst: 10.0.0.0/8}
    rewrite: {dst: 100.0.0.0/8}
"""


def setup_nat_router(t):
    """A non-transparent SF: an IPv4 router between sf-l (10.0.0.0/8) and sf-r (198.51.100.0/24) that
    translates 10.0.0.0/8 to 100.0.0.0/8 (NAT_RULES). Both sides have the MAC the proxy sends to; routes go
    through a next hop with a permanent neighbour entry (the proxy's MAC), so the router sends no ARP. The
    translation is nftables payload rewriting with conntrack off (notrack): the generated reverse packets
    are not addressed to the translated address as real replies would be, so conntrack would see them as
    new flows and re-port the ones that clash; stateless rewriting is a function of the packet alone."""
    for dev in ("sf-l", "sf-r"):
        t.ns(t.sf, "ip", "link", "set", dev, "address", ROUTER_MAC)
    for dev in ("p-l", "p-r"):
        t.ns(t.proxy, "ip", "link", "set", dev, "address", PROXY_MAC)
    t.ns(t.sf, "sysctl", "-qw", "net.ipv4.ip_forward=1")
    for dev, gw, net in (("sf-l", "192.0.2.254", "10.0.0.0/8"), ("sf-r", "192.0.2.253", "198.51.100.0/24")):
        t.ns(t.sf, "ip", "link", "set", dev, "up")
        t.ns(t.sf, "ip", "neigh", "add", gw, "lladdr", PROXY_MAC, "dev", dev, "nud", "permanent")
        t.ns(t.sf, "ip", "route", "add", net, "via", gw, "dev", dev, "onlink")
    rules = ("table ip pktmap_nat {\n"
             "  chain raw { type filter hook prerouting priority -300;\n    notrack\n  }\n"
             "  chain rewrite { type filter hook forward priority 0; policy accept;\n"
             "    ip saddr 10.0.0.0/8 ip saddr set ip saddr & 0.255.255.255 | 100.0.0.0 counter\n"
             "    ip daddr 10.0.0.0/8 ip daddr set ip daddr & 0.255.255.255 | 100.0.0.0 counter\n  }\n}\n")
    r = subprocess.run(["ip", "netns", "exec", t.sf, "nft", "-f", "-"], input=rules, text=True,
                       capture_output=True)
    if r.returncode:
        raise Unsupported("nftables cannot load the NAT rules here (nft payload rewriting or notrack "
                          "missing from the kernel): " + (r.stderr.strip().splitlines() or ["?"])[-1])


VXLAN_VNIS = 24  # the generated capture's paths: --mode vxlan --per path --limit 24 keys them as VNIs 1..24
PROXY_VTEP, SF_VTEP = "198.18.0.1", "198.18.0.2"


def setup_vxlan(t):
    """A VXLAN-capable SF, one-armed on sf-l (VTEP SF_VTEP, MAC ROUTER_MAC): per VNI a kernel vxlan device
    (local SF_VTEP, remote PROXY_VTEP, UDP 4789) alone in a bridge with hairpin on, so each inner frame goes
    back into the tunnel it came from, with the same VNI. The proxy's VTEP is a permanent neighbour (no ARP)
    and the bridges' own frames are dropped, as in setup_bridge."""
    t.ns(t.proxy, "ip", "link", "set", "p-l", "address", PROXY_MAC)
    t.ns(t.sf, "ip", "link", "set", "sf-l", "address", ROUTER_MAC)
    t.ns(t.sf, "ip", "addr", "add", SF_VTEP + "/24", "dev", "sf-l")
    t.ns(t.sf, "ip", "neigh", "add", PROXY_VTEP, "lladdr", PROXY_MAC, "dev", "sf-l", "nud", "permanent")
    probe = subprocess.run(["ip", "netns", "exec", t.sf, "ip", "link", "add", "vx1", "type", "vxlan", "id", "1",
                            "local", SF_VTEP, "remote", PROXY_VTEP, "dev", "sf-l", "dstport", "4789"],
                           capture_output=True, text=True)
    if probe.returncode:
        raise Unsupported("cannot create a vxlan device (vxlan module missing?): " +
                          (probe.stderr.strip().splitlines() or ["?"])[-1])
    nft(t, "table bridge pktmap_quiet {\n  chain output { type filter hook output priority 0; policy drop; }\n}\n")
    batch = []
    for vni in range(1, VXLAN_VNIS + 1):
        if vni > 1:
            batch.append(f"link add vx{vni} type vxlan id {vni} local {SF_VTEP} remote {PROXY_VTEP} dev sf-l "
                         "dstport 4789")
        batch += [f"link add br{vni} type bridge stp_state 0", f"link set vx{vni} master br{vni}",
                  f"link set br{vni} multicast off", f"link set vx{vni} multicast off",
                  f"link set dev vx{vni} type bridge_slave hairpin on",
                  f"link set vx{vni} up", f"link set br{vni} up"]
    subprocess.run(["ip", "netns", "exec", t.sf, "ip", "-batch", "-"], input="\n".join(batch) + "\n", text=True,
                   check=True, capture_output=True)


SF_SETUPS = {
    "vxlan": setup_vxlan,
    "nat-router": setup_nat_router,
    "bridge": setup_bridge,
    "hairpin": setup_hairpin,
    "firewall": setup_firewall,
    "vlan-bridge": setup_vlan_bridge,
    "vlan-bridge-ad": setup_vlan_bridge_ad,
}


class Topology:
    def __init__(self, sf_kind):
        tag = f"{os.getpid()}-{random.randrange(1 << 20):05x}"
        self.sff, self.proxy, self.sf = (f"pktmap-{r}-{tag}" for r in ("sff", "proxy", "sf"))
        self.sf_kind = sf_kind
        self.vlan_form = None

    def ns(self, name, *cmd):
        return sh("ip", "netns", "exec", name, *cmd)

    def create(self):
        for n in (self.sff, self.proxy, self.sf):
            sh("ip", "netns", "add", n)
            self.ns(n, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
            self.ns(n, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1")
            self.ns(n, "ip", "link", "set", "lo", "up")
        for a, na, b, nb in (("sff0", self.sff, "p-sff", self.proxy), ("p-l", self.proxy, "sf-l", self.sf),
                             ("p-r", self.proxy, "sf-r", self.sf)):
            sh("ip", "link", "add", a, "netns", na, "type", "veth", "peer", "name", b, "netns", nb)
        SF_SETUPS[self.sf_kind](self)
        for dev, n in (("sff0", self.sff), ("p-sff", self.proxy), ("p-l", self.proxy), ("p-r", self.proxy),
                       ("sf-l", self.sf), ("sf-r", self.sf)):
            self.ns(n, "ip", "link", "set", dev, "multicast", "off")
            self.ns(n, "ip", "link", "set", dev, "up")

    def tcpdump(self, ns, dev, path):
        """Inbound frames on dev into path; returns once tcpdump is listening."""
        # Immediate mode rings (TPACKET_V2) have one snaplen-sized slot per frame: with -s 0 (262144) the
        # 16 MiB buffer held 62 frames, 15 ms at the test's 4000 pps, and a busy CI host dropped some. The
        # veths carry no frame over 9216 bytes, so 9216 gives about 1,800 slots (0.45 s).
        p = subprocess.Popen(["ip", "netns", "exec", ns, "tcpdump", "-i", dev, "-Q", "in", "-n", "-U",
                              "--immediate-mode", "-B", "16384", "-s", "9216", "-w", path],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        line = p.stderr.readline()
        if "listening" not in line:
            raise RuntimeError(f"tcpdump on {dev}: {line}")
        return p

    def replay(self, pcap, pps=None, topspeed=False):
        rate = ["--topspeed"] if topspeed else ["--pps", str(pps)]
        return self.ns(self.sff, "tcpreplay", "-q", "-i", "sff0", *rate, pcap)

    def destroy(self):
        for n in (self.sff, self.proxy, self.sf):
            sh("ip", "netns", "del", n, check=False)


def stop_tcpdump(p):
    """SIGINT, then wait: tcpdump flushes and closes its file. Returns the frames the kernel dropped."""
    time.sleep(0.2)
    p.send_signal(2)
    try:
        err = p.communicate(timeout=10)[1]
    except subprocess.TimeoutExpired:
        p.kill()
        err = p.communicate()[1]
    dropped = [int(line.split()[0]) for line in err.splitlines() if "dropped by kernel" in line]
    return dropped[0] if dropped else 0
