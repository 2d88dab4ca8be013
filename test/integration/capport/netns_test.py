#!/usr/bin/env python3
"""capport-probe's live discovery and verdicts in two network namespaces joined by a veth pair.

Gateway namespace: dnsmasq (DHCPv4 option 114 answered to DHCPINFORM, DHCPv6 option 103 answered to an
Information-Request, DNS that resolves the canary name to the portal while captive), capport_ra_sender (RAs
with option 37, which dnsmasq cannot send) and `capport-probe serve` on ports 443/80 with a certificate from a
throw-away CA. Client namespace: `capport-probe -i c0`, whose resolver is dnsmasq (/etc/netns/NAME/resolv.conf).
Canaries point at connectivity.capport.test, a name only this dnsmasq knows. Nothing leaves the namespaces.

1. captive (captured with tcpdump; `capport-probe -r` on the capture is cross-checked with tshark by
   test/tshark/check_capport.py): the URI is discovered from dhcpv4-114 (DHCPINFORM), dhcpv6-103 (Information-Request), ra-37 and a
   networkd state file; the verdict is captive (API, canary redirect, DNS hijack). Passive discovery sends
   nothing and still hears the RA. A lease file with another URI is reported as a configuration error.
2. open after the portal is accepted (POST from the client namespace; DNS no longer hijacked).
3. a network without a portal: 114 = urn:ietf:params:capport:unrestricted, canaries answer 204: open.
Namespaces, /etc/netns entries and processes are removed even when a check fails. Exit 0 pass, 1 fail,
77 skip (not root, no namespaces, no dnsmasq or openssl).
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
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import signal_cleanup  # noqa: E402

PROBE, RA_SENDER = sys.argv[1], sys.argv[2]
TAG = f"cpd{os.getpid()}"
CLI, GW = TAG + "c", TAG + "g"
API_HOST = "capport.test"
CANARY_HOST = "connectivity.capport.test"
API = f"https://{API_HOST}/api"
UNRESTRICTED = "urn:ietf:params:capport:unrestricted"
GW4, CLI4, NET_HOST = "10.99.0.1", "10.99.0.2", "198.51.100.10"  # NET_HOST: the "Internet" canary host
OTHER_HOST = "198.51.100.20"  # the canary host of the network without a portal
failures = []

SERVER_204 = r"""
import http.server, ssl, sys, threading
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(204)
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
    def log_message(self, *a):
        pass
cert, key, addr = sys.argv[1:4]
plain = http.server.ThreadingHTTPServer((addr, 80), H)
tls = http.server.ThreadingHTTPServer((addr, 443), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
threading.Thread(target=plain.serve_forever, daemon=True).start()
print("serving", flush=True)
tls.serve_forever()
"""

ACCEPT = r"""
import http.client, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
c = http.client.HTTPSConnection(sys.argv[2], 443, context=ctx, timeout=5)
c.request("POST", "/portal", body="accept=1", headers={"Content-Type": "application/x-www-form-urlencoded"})
print(c.getresponse().status)
"""


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def sh(*args, ns=None, timeout=10):
    cmd = (["ip", "netns", "exec", ns] if ns else []) + [str(a) for a in args]
    return subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=timeout)


class Net:
    def __init__(self, d):
        self.d = d
        self.procs = {}
        self.namespaces = []

    def up(self):
        for ns in (CLI, GW):
            sh("ip", "netns", "add", ns)
            self.namespaces.append(ns)
            sh("sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", ns=ns)
            sh("sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0", ns=ns)
            sh("ip", "link", "set", "lo", "up", ns=ns)
        sh("ip", "link", "add", "c0", "netns", CLI, "type", "veth", "peer", "name", "g0", "netns", GW)
        sh("ip", "addr", "add", f"{GW4}/24", "dev", "g0", ns=GW)
        sh("ip", "addr", "add", "fd99::1/64", "dev", "g0", "nodad", ns=GW)
        sh("ip", "addr", "add", f"{NET_HOST}/32", "dev", "lo", ns=GW)
        sh("ip", "addr", "add", f"{OTHER_HOST}/32", "dev", "lo", ns=GW)
        sh("ip", "addr", "add", f"{CLI4}/24", "dev", "c0", ns=CLI)
        sh("ip", "link", "set", "g0", "up", ns=GW)
        sh("ip", "link", "set", "c0", "up", ns=CLI)
        sh("ip", "route", "add", "default", "via", GW4, ns=CLI)
        os.makedirs(f"/etc/netns/{CLI}", exist_ok=True)
        with open(f"/etc/netns/{CLI}/resolv.conf", "w") as f:
            f.write(f"nameserver {GW4}\n")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            c = sh("ip", "-6", "addr", "show", "dev", "c0", "scope", "link", ns=CLI).stdout
            g = sh("ip", "-6", "addr", "show", "dev", "g0", "scope", "link", ns=GW).stdout
            if "fe80" in c and "fe80" in g and "tentative" not in c + g:
                return
            time.sleep(0.05)
        raise RuntimeError("no IPv6 link-local addresses on the veth pair")

    def start(self, name, cmd, ns, ready=None):
        p = subprocess.Popen(["ip", "netns", "exec", ns] + [str(c) for c in cmd], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        self.procs[name] = p
        if ready:
            line = p.stdout.readline()
            if not line.startswith(ready):
                print(sh("ss", "-H", "-lntap", ns=ns).stdout)
                raise RuntimeError(f"{name} did not start: {line}{p.stderr.read()}")
        return p

    def stop(self, name):
        p = self.procs.pop(name, None)
        if p is None:
            return
        p.terminate()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

    def dnsmasq(self, *options):
        self.stop("dnsmasq")
        name = f"dnsmasq{len(os.listdir(self.d))}"
        # Options go through a file: dnsmasq strips the quotes of a "string" option value only there.
        with open(f"{self.d}/{name}.conf", "w") as f:
            f.write("\n".join(o.lstrip("-") for o in options) + "\n")
        self.start("dnsmasq", ["dnsmasq", "--keep-in-foreground", f"--conf-file={self.d}/{name}.conf", "--no-resolv",
                               "--no-hosts", "--interface=g0", "--bind-interfaces", "--user=root", "--group=root",
                               f"--pid-file={self.d}/{name}.pid", f"--dhcp-leasefile={self.d}/{name}.leases",
                               f"--log-facility={self.d}/{name}.log", "--log-dhcp",
                               "--dhcp-range=10.99.0.50,10.99.0.150,255.255.255.0,1h",
                               "--dhcp-range=fd99::100,fd99::1ff,64,1h", f"--host-record={API_HOST},{GW4}"], GW)
        deadline = time.monotonic() + 5  # listening on DNS, DHCPv4 and DHCPv6
        while time.monotonic() < deadline:
            out = sh("ss", "-H", "-lnu", ns=GW).stdout
            if all(f":{port} " in out for port in (53, 67, 547)):
                return
            time.sleep(0.05)
        raise RuntimeError("dnsmasq did not start: " + open(f"{self.d}/{name}.log").read())

    def down(self):
        for name in list(self.procs):
            self.stop(name)
        for ns in self.namespaces:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        shutil.rmtree(f"/etc/netns/{CLI}", ignore_errors=True)


def make_certs(d):
    def ossl(*args):
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)

    ossl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
         "-out", "ca.pem", "-days", "1", "-subj", "/CN=capport-probe netns test CA")
    ossl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key",
         "-out", "server.csr", "-subj", f"/CN={API_HOST}")
    with open(os.path.join(d, "san.ext"), "w") as f:
        f.write(f"subjectAltName=DNS:{API_HOST},DNS:{CANARY_HOST}\n")
    ossl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
         "-out", "server.pem", "-days", "1", "-extfile", "san.ext")


def probe(d, *extra):
    args = ["ip", "netns", "exec", CLI, PROBE, "-i", "c0", "--json", "--ca-file", f"{d}/ca.pem",
            "--canary", f"http://{CANARY_HOST}/generate_204", "--canary", f"https://{CANARY_HOST}/generate_204",
            "--networkd-dir", f"{d}/links", "--lease-file", f"{d}/client.leases", "--timeout", "6", *extra]
    start = time.monotonic()
    res = subprocess.run(args, capture_output=True, text=True, timeout=30)
    elapsed = time.monotonic() - start
    rep = json.loads(res.stdout) if res.stdout.startswith("{") else None
    if rep is None:
        print(res.stdout + res.stderr)
    return res, rep, elapsed


def wait_for_capture(p):
    line = p.stderr.readline()  # "listening on c0, ..." once the capture is open
    if "listening on" not in line:
        raise RuntimeError("tcpdump did not start: " + line)


def cross_check(pcap):
    """The discovery exchange as captured: `capport-probe -r` reads it as tshark does."""
    res = subprocess.run([PROBE, "-r", pcap, "--json"], capture_output=True, text=True, timeout=30)
    rep = json.loads(res.stdout)
    got = {p["source"] for p in rep["provisioning"] if p["uri"] == API}
    check({"dhcpv4-114", "dhcpv6-103", "ra-37"} <= got, f"offline analysis of the capture finds {sorted(got)}")
    check(any(t["server_name"] == API_HOST for t in rep["tls_to_api"]), "the capture shows TLS to the API host")
    check(len(rep["option_requests"]) == 3, "the capture shows our requests for 114, 160 and 103")
    checker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tshark", "check_capport.py")
    res = subprocess.run([sys.executable, checker, PROBE, pcap], capture_output=True, text=True, timeout=60)
    check(res.returncode == 0, "tshark agrees with the offline analysis of the capture: " + res.stdout.strip())


# From the gateway namespace: ICMP 3/13 to the client quoting a TCP SYN the probe never sent.
FORGED_ICMP = r"""
import socket, struct, sys
cli, host = sys.argv[1], sys.argv[2]
def csum(b):
    b += b"\0" * (len(b) % 2)
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 1, 0, 64, 6, 0, socket.inet_aton(cli), socket.inet_aton(host))
quote = ip + struct.pack("!HHI", 1, 443, 0)  # tcp CLI:1 -> HOST:443
msg = struct.pack("!BBHI", 3, 13, 0, 0) + quote
msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP).sendto(msg, (cli, 0))
"""


def signals_step(net, d):
    """While captive, the gateway rejects the HTTPS canary with ICMP 3/13 (a real kernel answer); a forged
    ICMP quoting someone else's flow arrives during the probe too."""
    if not shutil.which("nft"):
        print("nft not found: the ICMP signal step is skipped")
        return
    sh("nft", "add table inet capport_test", ns=GW)
    sh("nft", "add chain inet capport_test input { type filter hook input priority 0 ; }", ns=GW)
    sh("nft", f"add rule inet capport_test input ip saddr {CLI4} ip daddr {NET_HOST} tcp dport 443 "
       "reject with icmp type admin-prohibited", ns=GW)
    # The HTTPS canary pinned to the "Internet" host behind the rule; HTTP is still hijacked to the portal.
    args = ["ip", "netns", "exec", CLI, PROBE, "-i", "c0", "--json", "--ca-file", f"{d}/ca.pem",
            "--canary", f"http://{CANARY_HOST}/generate_204", "--canary", f"https://{CANARY_HOST}/generate_204",
            "--resolve", f"{CANARY_HOST}:443:{NET_HOST}", "--api", API, "--discovery", "off",
            "--signal-time", "1.5", "--timeout", "4"]
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    sh("python3", "-c", FORGED_ICMP, CLI4, NET_HOST, ns=GW)
    out, err = p.communicate(timeout=15)
    rep = json.loads(out) if out.startswith("{") else None
    if rep is None:
        check(False, "signals probe printed JSON: " + out + err)
        return
    sig = rep["signals"]
    check(sig["listened"] is True, "the probe listened for signals (root)")
    ok = [m for m in sig["messages"] if m["accepted"]]
    bad = [m for m in sig["messages"] if not m["accepted"]]
    check(any(m["type"] == 3 and m["code"] == 13 and m["sender"] == NET_HOST
              and m["quoted_flow"].startswith(f"tcp {CLI4}:") and m["quoted_flow"].endswith(f"{NET_HOST}:443")
              and m["probe_flow"].startswith("HTTPS canary") for m in ok),
          f"ICMP 3/13 from the kernel quoting the probe's HTTPS canary flow is accepted: {ok}")
    check(any(m["quoted_flow"] == f"tcp {CLI4}:1 -> {NET_HOST}:443"
              and m["ignored_reason"] == "quotes a flow the probe did not send" for m in bad),
          f"the forged ICMP quoting another flow is ignored: {bad}")
    check(p.returncode == 10 and rep["verdict"] == "captive", f"with the signal: verdict captive (exit {p.returncode})")
    check(any("administratively prohibited" in r and "HTTPS canary" in r for r in rep["reasons"]),
          "the signal is among the reasons")
    sh("nft", "delete table inet capport_test", ns=GW)


def sources(rep):
    return {f["source"] for f in rep["discovery"]["found"] if f["usable"]}


def found(rep, source):
    return [f for f in rep["discovery"]["found"] if f["source"] == source]


def run(net, d):
    make_certs(d)
    os.makedirs(f"{d}/links")
    open(f"{d}/client.leases", "w").close()
    net.up()
    ifindex = sh("cat", "/sys/class/net/c0/ifindex", ns=CLI).stdout.strip()
    with open(f"{d}/links/{ifindex}", "w") as f:
        f.write(f"ADMIN_STATE=configured\nOPER_STATE=routable\nCAPTIVE_PORTAL={API}\n")
    with open(f"{d}/portal.yaml", "w") as f:
        f.write(f"hostname: {API_HOST}\nlisten: 0.0.0.0\nhttps_port: 443\nhttp_port: 80\ncert: server.pem\n"
                "key: server.key\nsession_seconds: 300\n")

    # 1. Captive network.
    net.dnsmasq(f'--dhcp-option=114,"{API}"', f'--dhcp-option=option6:103,"{API}"',
                f"--address=/{CANARY_HOST}/{GW4}")
    net.start("ra", [RA_SENDER, "g0", API, 60], GW, ready="sending")
    net.start("serve", [PROBE, "serve", "--config", f"{d}/portal.yaml"], GW, ready="serving")
    pcap = f"{d}/client.pcap"
    capture = shutil.which("tcpdump") and shutil.which("tshark")
    if capture:
        # -s 9216: immediate mode gives each frame a snaplen-sized ring slot (8 slots with the defaults).
        tcpdump = net.start("tcpdump", ["tcpdump", "-i", "c0", "-n", "-U", "--immediate-mode", "-s", "9216",
                                        "-B", "4096", "-w", pcap], CLI)
        wait_for_capture(tcpdump)
    res, rep, elapsed = probe(d)
    if capture:
        time.sleep(0.3)  # let the last packets reach the file
        net.procs.pop("tcpdump").send_signal(signal.SIGINT)
        tcpdump.wait(5)
    disc = rep["discovery"]
    check(res.returncode == 10 and rep["verdict"] == "captive", f"captive network: verdict captive (exit {res.returncode})")
    check(disc["api_uri"] == API, f"discovered API URI {disc['api_uri']}")
    check({"dhcpv4-114", "dhcpv6-103", "ra-37", "networkd"} <= sources(rep),
          f"URI sources {sorted(sources(rep))} include dhcpv4-114, dhcpv6-103, ra-37, networkd")
    check(set(disc["api_source"].split(", ")) == sources(rep), f"api_source lists them: {disc['api_source']}")
    check(any("DHCPINFORM" in f["how"] and f["origin"] == GW4 for f in found(rep, "dhcpv4-114")),
          "option 114 came in the DHCPACK to our DHCPINFORM, from the gateway")
    check(any("Information-Request" in f["how"] for f in found(rep, "dhcpv6-103")),
          "option 103 came in the reply to our Information-Request")
    check(any(f["origin"].startswith("fe80:") for f in found(rep, "ra-37")), "option 37 from a link-local router")
    check(len(disc["sent"]) == 3 and disc["config_errors"] == [], f"three requests sent, no configuration error")
    check(rep["api"]["body"]["captive"] is True, "the discovered API says captive")
    http_canary = rep["canaries"][0]
    check(http_canary["result"] == "redirect" and http_canary["dns_hijacked"] is True,
          "HTTP canary redirected and its name hijacked to the portal's private address")
    check(elapsed < 7, f"probe finished in {elapsed:.2f} s (limit 6 s)")
    if capture:
        cross_check(pcap)
    else:
        print("tcpdump or tshark not found: the capture cross-check is skipped")

    res, rep, _ = probe(d, "--discovery", "passive")
    disc = rep["discovery"]
    check(disc["sent"] == [] and "ra-37" in sources(rep) and "dhcpv4-114" not in sources(rep),
          f"passive discovery sends nothing and hears the RA: {sorted(sources(rep))}")
    check(res.returncode == 10, f"passive discovery still finds the API: captive (exit {res.returncode})")

    with open(f"{d}/client.leases", "w") as f:
        f.write('lease {\n  interface "c0";\n  fixed-address 10.99.0.2;\n'
                '  option default-url "https://other.capport.test/api";\n  expire never;\n}\n')
    res, rep, _ = probe(d)
    errors = rep["discovery"]["config_errors"]
    check(len(errors) == 1 and "other.capport.test" in errors[0] and "dhclient" in errors[0]
          and any("RFC 8910 §3" in r for r in rep["reasons"]),
          "a lease with another URI is reported as a network configuration error (RFC 8910 §3)")
    check(rep["discovery"]["api_uri"] == API, "the network's URI still wins over the lease")
    open(f"{d}/client.leases", "w").close()
    signals_step(net, d)

    # 2. The portal accepted from the client; the portal stops hijacking the canary name.
    acc = sh("python3", "-c", ACCEPT, f"{d}/ca.pem", API_HOST, ns=CLI).stdout.strip()
    check(acc == "200", f"portal accepted from the client namespace (HTTP {acc})")
    net.dnsmasq(f'--dhcp-option=114,"{API}"', f'--dhcp-option=option6:103,"{API}"',
                f"--host-record={CANARY_HOST},{NET_HOST}")
    res, rep, _ = probe(d)
    check(res.returncode == 0 and rep["verdict"] == "open", f"after the portal: verdict open (exit {res.returncode})")
    check(rep["api"]["body"]["captive"] is False and rep["api"]["body"]["seconds-remaining"] > 0,
          "the API says not captive, with seconds-remaining")
    check(all(c["result"] == "open" and not c["dns_hijacked"] for c in rep["canaries"]), "canaries answer 204")
    check(rep["signals"]["listened"] and not any(m["accepted"] for m in rep["signals"]["messages"]),
          f"after the portal: no signals ({rep['signals']['messages']})")

    # 3. A network without a portal that says so.
    for name in ("serve", "ra"):
        net.stop(name)
    os.remove(f"{d}/links/{ifindex}")
    # Another address: the emulator's connections still in TIME_WAIT on NET_HOST:443 were made with
    # SO_REUSEPORT (cpp-httplib), which a SO_REUSEADDR bind to the same address cannot share.
    net.dnsmasq(f'--dhcp-option=114,"{UNRESTRICTED}"', f"--host-record={CANARY_HOST},{OTHER_HOST}")
    net.start("web", ["python3", "-c", SERVER_204, f"{d}/server.pem", f"{d}/server.key", OTHER_HOST], GW,
              ready="serving")
    res, rep, elapsed = probe(d)
    disc = rep["discovery"]
    check(res.returncode == 0 and rep["verdict"] == "open", f"no portal: verdict open (exit {res.returncode})")
    check(disc["unrestricted"] is True and disc["api_uri"] is None and disc["api_source"] == "dhcpv4-114"
          and "api" not in rep, "114 = unrestricted URN: the network says not captive, no API asked")
    check(any("not captive" in r for r in rep["reasons"]), "the reason says the network is not captive")
    check(any("Router Advertisement" in s for s in disc["not_used"]), "the missing RA is reported")
    check(elapsed < 7, f"probe finished in {elapsed:.2f} s with discovery waiting its whole window")


def main():
    if os.geteuid() != 0:
        print("not root: network namespaces need root; skipped")
        return 77
    for tool in ("ip", "dnsmasq", "openssl", "ss"):
        if shutil.which(tool) is None:
            print(f"{tool} not found: skipped")
            return 77
    probe_ns = subprocess.run(["ip", "netns", "add", TAG + "x"], capture_output=True, text=True)
    if probe_ns.returncode != 0:
        print("cannot create network namespaces (" + probe_ns.stderr.strip() + "): skipped")
        return 77
    subprocess.run(["ip", "netns", "del", TAG + "x"], capture_output=True)
    signal_cleanup.install()  # a stopped run (ctest's timeout) still removes its namespaces in `finally`
    with tempfile.TemporaryDirectory() as d:
        net = Net(d)
        try:
            run(net, d)
        except Exception as e:  # a set-up failure is a test failure, after cleaning up
            check(False, f"{type(e).__name__}: {e}")
        finally:
            net.down()
            for name in os.listdir(d):
                if name.endswith(".log") and failures:
                    print(f"--- {name}\n" + open(os.path.join(d, name)).read()[-3000:])
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
