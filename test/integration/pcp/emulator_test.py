#!/usr/bin/env python3
"""pcp-cli client against `pcp-cli server` on 127.0.0.1 with non-default ports.

exchange: start-up ANNOUNCE heard by `pcp-cli listen`; MAP with PORT_SET 100 and parity against a 32-port
quota (JSON checked: granted ports, parity, quota error on the next request, delete by nonce, PEER,
ANNOUNCE); the state file read back with `mapdump --state`; when root with tcpdump and tshark, the
exchange is captured on lo and every request/response must decode in tshark (-d udp.port==P,portcontrol)
with no malformed packet or expert error and with the field values the client printed.
flood: thousands of random datagrams at the server; a valid request is still answered afterwards.
Usage: emulator_test.py PCP_CLI MAPDUMP exchange|flood
"""
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from pcp_tshark import stop_capture, tshark_check

PCP, MAPDUMP, MODE = sys.argv[1], sys.argv[2], sys.argv[3]
FAST = ["--irt", "100", "--mrc", "4", "--settle", "150"]


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def client(args, expect_rc):
    res = subprocess.run([PCP] + args + FAST + ["--json"], capture_output=True, text=True, timeout=20)
    check(res.returncode == expect_rc,
          f"{' '.join(args)}: exit {res.returncode}, expected {expect_rc}\n{res.stdout}{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def wait_for_server(port):
    deadline = time.time() + 5
    while time.time() < deadline:
        res = subprocess.run([PCP, "announce", "--server", f"127.0.0.1:{port}", "--irt", "100", "--mrc", "1"],
                             capture_output=True, text=True)
        if res.returncode == 0:
            return
        time.sleep(0.05)
    fail("server did not answer ANNOUNCE")


def run_exchange(tmp):
    port, lport = free_port(), free_port()
    policy = os.path.join(tmp, "cgn.yaml")
    with open(policy, "w") as f:
        f.write(f"""external:
  addresses: [192.0.2.3]
  ports: 37056-37999
port_set: {{quota: 32, max_size: 1000}}
announce: {{on_start: true, targets: ["127.0.0.1:{lport}"]}}
""")
    capture = None
    pcap = os.path.join(tmp, "pcp.pcap")
    if os.geteuid() == 0 and shutil.which("tcpdump") and shutil.which("tshark"):
        capture = subprocess.Popen(["tcpdump", "-i", "lo", "-U", "-w", pcap, f"udp port {port} or udp port {lport}"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        capture.stderr.readline()  # "listening on lo ...": the capture is running before traffic starts
    else:
        print("note: not root or no tcpdump/tshark: the tshark decode check is skipped")
    listener = subprocess.Popen([PCP, "listen", "--port", str(lport), "-4", "-c", "1", "--timeout", "10", "--json"],
                                stdout=subprocess.PIPE, text=True)
    time.sleep(0.3)
    state = os.path.join(tmp, "cgn.state")
    server = subprocess.Popen([PCP, "server", "--config", policy, "--listen", f"127.0.0.1:{port}",
                               "--state-out", state], stderr=subprocess.PIPE, text=True)
    answers, exchanges = [], []
    try:
        wait_for_server(port)
        heard = json.loads(listener.communicate(timeout=10)[0].strip())
        check(heard["message"]["opcode"] == "ANNOUNCE" and heard["message"]["result"] == "SUCCESS",
              f"listen: {heard}")
        srv = ["--server", f"127.0.0.1:{port}"]
        m = client(["map"] + srv + ["--protocol", "udp", "--internal-port", "50000", "--port-set", "100",
                                    "--parity", "--lifetime", "3600", "--description", "sip"], 0)
        rsp = m["responses"]
        check(len(rsp) == 1, f"one answer expected: {m}")
        a = rsp[0]
        check(m["granted_ports"] == 32 and a["granted_ports"] == 32, f"quota of 32 expected: {m}")
        check(a["port_set"]["size"] == 32 and a["port_set"]["first_internal_port"] == 50000, f"{a}")
        check(a["port_set"]["parity"] and a["external_port"] % 2 == 0, f"parity not kept: {a}")
        check(37056 <= a["external_port"] <= 37999 - 31, f"external port outside the range: {a}")
        check(a["lifetime"] == 3600 and a["external_ip"] == "192.0.2.3", f"{a}")
        answers += rsp
        exchanges.append(m)
        q = client(["map"] + srv + ["--internal-port", "6000"], 20)  # 10 + USER_EX_QUOTA
        check(q["responses"][0]["result"] == "USER_EX_QUOTA", f"{q}")
        answers += q["responses"]
        exchanges.append(q)
        d = client(["delete"] + srv + ["--internal-port", "50000", "--port-set", "32", "--nonce", m["nonce"]], 0)
        check(d["responses"][0]["lifetime"] == 0, f"{d}")
        answers += d["responses"]
        exchanges.append(d)
        m2 = client(["map"] + srv + ["--internal-port", "6000", "--port-set", "16"], 0)
        check(m2["granted_ports"] == 16, f"quota free again after delete: {m2}")
        answers += m2["responses"]
        exchanges.append(m2)
        p = client(["peer"] + srv + ["--protocol", "tcp", "--internal-port", "40000", "--remote", "203.0.113.9:443"], 0)
        answers += p["responses"]
        exchanges.append(p)
        bad = client(["map"] + srv + ["--internal-port", "6000", "--client-ip", "10.9.9.9"], 22)  # ADDRESS_MISMATCH
        answers += bad["responses"]
        exchanges.append(bad)
        client(["announce"] + srv, 0)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
        if listener.poll() is None:
            listener.kill()
        if capture:
            stop_capture(capture, pcap)
    check(server.returncode == 0, f"server exit {server.returncode}: {server.stderr.read()}")
    res = subprocess.run([MAPDUMP, "--state", state, "--json"], capture_output=True, text=True, check=True)
    doc = json.loads(res.stdout)
    check(doc["kind"] == "pcp-mappings" and doc["tool"] == "pcp-cli", f"{doc}")
    kinds = sorted((e["opcode"], e["ports"]) for e in doc["entries"])
    check(kinds == [("MAP", 16), ("PEER", 1)], f"state entries: {kinds}")
    text = subprocess.run([MAPDUMP, "--state", state], capture_output=True, text=True, check=True).stdout
    check("pcp-mappings state from pcp-cli" in text, text)
    if capture:
        tshark_check(pcap, port, answers, exchanges)
    print("ok: pcp-cli exchange against the emulator")


def run_flood(tmp):
    port = free_port()
    policy = os.path.join(tmp, "p.yaml")
    with open(policy, "w") as f:
        f.write("announce: {on_start: false}\n")
    server = subprocess.Popen([PCP, "server", "--config", policy, "--listen", f"127.0.0.1:{port}"],
                              stderr=subprocess.PIPE, text=True)
    try:
        wait_for_server(port)
        rng = random.Random(1)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setblocking(False)
        sent = 0
        for i in range(5000):
            kind = i % 4
            if kind == 0:
                data = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 1200)))
            else:  # version 2 headers with random opcodes/options, so the parse goes deeper
                body = bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 36, 56, 60, 100, 400]) ))
                data = bytes([2, rng.choice([0, 1, 2, 3, 0x81])]) + bytes(2) + bytes(rng.getrandbits(8) for _ in range(20)) + body
            try:
                s.sendto(data, ("127.0.0.1", port))
                sent += 1
            except BlockingIOError:
                time.sleep(0.001)
            if i % 200 == 0:  # drain answers so our receive buffer never blocks anything
                try:
                    while s.recv(2048):
                        pass
                except BlockingIOError:
                    pass
        check(server.poll() is None, "server died under the flood")
        a = client(["map", "--server", f"127.0.0.1:{port}", "--internal-port", "5060"], 0)
        check(a["responses"][0]["result"] == "SUCCESS", f"{a}")
        print(f"ok: server answered after {sent} random datagrams")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=5)
    stderr = server.stderr.read()
    check(server.returncode == 0, f"server exit {server.returncode}: {stderr}")


with tempfile.TemporaryDirectory(prefix="pcp-it-") as tmp:
    run_exchange(tmp) if MODE == "exchange" else run_flood(tmp)
