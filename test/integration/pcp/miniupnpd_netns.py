"""Debian's miniupnpd (PCP enabled) as a gateway in throw-away network namespaces.

Three namespaces, named with the process id so parallel runs do not meet:
  client  cllan 10.77.0.2/24  --veth--  gwlan 10.77.0.1/24  gateway  wan0 100.128.0.1/24  --veth--  wan
The fake WAN address must not be "reserved" (miniupnpd refuses RFC 1918, 100.64/10, the RFC 5737 nets...),
so 100.128.0.1 is used, on a veth whose peer sits in an isolated third namespace: nothing leaves the host.
The nftables skeleton is made here because Debian's /etc/miniupnpd/nft_init.sh sources the iptables helper
script and fails ("Can't find iptables"). Everything is removed on close(), also after a failure.
Used by miniupnpd_test.py and bench/pcp_vs_miniupnpd.py. Needs root, iproute2, nft and miniupnpd.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

GW_LAN, CLIENT, WAN_IP, WAN_PEER = "10.77.0.1", "10.77.0.2", "100.128.0.1", "100.128.0.2"
MINIUPNPD = "/usr/sbin/miniupnpd"

SKELETON = """table inet filter {
  chain forward {
    type filter hook forward priority 0; policy accept;
    jump miniupnpd
  }
  chain miniupnpd {
  }
  chain prerouting {
    type nat hook prerouting priority -100; policy accept;
    jump prerouting_miniupnpd
  }
  chain postrouting {
    type nat hook postrouting priority 100; policy accept;
    jump postrouting_miniupnpd
  }
  chain prerouting_miniupnpd {
  }
  chain postrouting_miniupnpd {
  }
}
"""


def unavailable():
    """Why the namespaces cannot be made here, or None."""
    if os.geteuid() != 0:
        return "not root (network namespaces and miniupnpd need root)"
    for tool in ("ip", "nft"):
        if not shutil.which(tool):
            return f"{tool} not installed"
    if not os.access(MINIUPNPD, os.X_OK):
        return f"{MINIUPNPD} not installed (scripts/install-deps.sh installs miniupnpd)"
    name = f"pcpprobe{os.getpid()}"
    res = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True)
    if res.returncode != 0:
        return "cannot create a network namespace: " + res.stderr.strip()
    subprocess.run(["ip", "netns", "del", name], capture_output=True)
    return None


def run(*args, check=True):
    return subprocess.run(list(args), capture_output=True, text=True, check=check, timeout=20)


class Gateway:
    """The three namespaces; start_miniupnpd() runs the daemon in the gateway one."""

    def __init__(self, min_lifetime=120, max_lifetime=86400, verbose=True):
        tag = str(os.getpid())
        self.gw, self.cl, self.wan = f"pcpgw{tag}", f"pcpcl{tag}", f"pcpwan{tag}"
        self.tmp = tempfile.mkdtemp(prefix="pcp-miniupnpd-")
        self.procs = []
        self.daemon = None
        self.log_path = os.path.join(self.tmp, "miniupnpd.log")
        self.min_lifetime, self.max_lifetime, self.verbose = min_lifetime, max_lifetime, verbose
        self.made = []
        try:
            for ns in (self.gw, self.cl, self.wan):
                run("ip", "netns", "add", ns)
                self.made.append(ns)
            run("ip", "-n", self.gw, "link", "add", "gwlan", "type", "veth", "peer", "name", "cllan", "netns", self.cl)
            run("ip", "-n", self.gw, "link", "add", "wan0", "type", "veth", "peer", "name", "wanpeer", "netns", self.wan)
            run("ip", "-n", self.gw, "addr", "add", GW_LAN + "/24", "dev", "gwlan")
            run("ip", "-n", self.cl, "addr", "add", CLIENT + "/24", "dev", "cllan")
            run("ip", "-n", self.gw, "addr", "add", WAN_IP + "/24", "dev", "wan0")
            run("ip", "-n", self.wan, "addr", "add", WAN_PEER + "/24", "dev", "wanpeer")
            for ns, dev in ((self.gw, "gwlan"), (self.gw, "wan0"), (self.gw, "lo"), (self.cl, "cllan"),
                            (self.cl, "lo"), (self.wan, "wanpeer"), (self.wan, "lo")):
                run("ip", "-n", ns, "link", "set", dev, "up")
            run("ip", "-n", self.gw, "route", "add", "default", "via", WAN_PEER)
            run("ip", "-n", self.cl, "route", "add", "default", "via", GW_LAN)
            skel = os.path.join(self.tmp, "skeleton.nft")
            with open(skel, "w") as f:
                f.write(SKELETON)
            run("ip", "netns", "exec", self.gw, "nft", "-f", skel)
        except BaseException:
            self.close()
            raise

    def exec_cl(self, *args):
        return ["ip", "netns", "exec", self.cl] + list(args)

    def exec_gw(self, *args):
        return ["ip", "netns", "exec", self.gw] + list(args)

    def spawn(self, argv, **kw):
        p = subprocess.Popen(argv, **kw)
        self.procs.append(p)
        return p

    def start_miniupnpd(self, timeout=5.0):
        conf = os.path.join(self.tmp, "miniupnpd.conf")
        with open(conf, "w") as f:
            f.write(f"""ext_ifname=wan0
listening_ip=gwlan
ipv6_disable=yes
enable_natpmp=yes
enable_upnp=no
min_lifetime={self.min_lifetime}
max_lifetime={self.max_lifetime}
secure_mode=yes
lease_file={self.tmp}/upnp.leases
uuid=3b2f2a6e-1c5d-4f1e-9a57-0a3c1d2e4f50
allow 1024-65535 10.77.0.0/24 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
""")
        argv = [MINIUPNPD, "-f", conf, "-d", "-P", os.path.join(self.tmp, "miniupnpd.pid")]
        if self.verbose:
            argv.append("-v")
        log = open(self.log_path, "w")
        self.daemon = self.spawn(self.exec_gw(*argv), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            res = run("ip", "netns", "exec", self.gw, "ss", "-lun", check=False)
            if f"{GW_LAN}:5351" in res.stdout:
                return True
            if self.daemon.poll() is not None:
                break
            time.sleep(0.05)
        return False

    def log(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except OSError:
            return ""

    def ruleset(self):
        return run("ip", "netns", "exec", self.gw, "nft", "list", "ruleset", check=False).stdout

    def daemon_cpu_seconds(self):
        """utime+stime of miniupnpd (the child of `ip netns exec`, which execs it: same pid)."""
        with open(f"/proc/{self.daemon.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    p.kill()  # miniupnpd can be busy for a minute walking ports (denied mappings)
                    p.wait(timeout=5)
        self.procs = []
        for ns in reversed(self.made):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        self.made = []
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
