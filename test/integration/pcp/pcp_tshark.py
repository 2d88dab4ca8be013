"""tshark as an oracle for PCP captures: every datagram decodes as Port Control with no malformed packet and no
error-level expert item, and every answer pcp-cli printed (its --json "responses") is in the capture with
the same field values. Shared by emulator_test.py and miniupnpd_test.py.
"""
import os
import signal
import subprocess
import time


def fail(msg):
    print("FAIL: " + msg)
    raise SystemExit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def stop_capture(capture, pcap, bound=8.0):
    """tcpdump -U writes each packet as it gets it, but on a loaded machine (CI, sanitizer builds) it can lag
    by a second or more: wait until the file stops growing (bounded), then stop it."""
    last, deadline = -1, time.time() + bound
    while time.time() < deadline:
        time.sleep(0.5)
        size = os.path.getsize(pcap) if os.path.exists(pcap) else 0
        if size == last and size > 0:
            break
        last = size
    capture.send_signal(signal.SIGINT)
    capture.wait(timeout=5)


def tshark_check(pcap, port, answers, requests=()):
    """answers: pcp-cli --json responses; requests: pcp-cli --json exchanges (their request part)."""
    fields = ["frame.number", "_ws.malformed", "_ws.expert.severity", "portcontrol.r", "portcontrol.opcode",
              "portcontrol.result_code", "portcontrol.map.nonce", "portcontrol.map.internal_port",
              "portcontrol.map.rsp_assigned_external_port", "portcontrol.option.portset.size",
              "portcontrol.option.portset.parity", "portcontrol.epoch_time", "portcontrol.lifetime_rsp", "portcontrol.peer.nonce",
              "portcontrol.peer.internal_port", "portcontrol.lifetime_req"]
    cmd = ["tshark", "-n", "-r", pcap, "-d", f"udp.port=={port},portcontrol", "-T", "fields",
           "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=;"]
    for f in fields:
        cmd += ["-e", f]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    rows = [dict(zip(fields, line.split("\t"))) for line in res.stdout.splitlines()]
    for r in rows:  # PEER has its own field names for the shared MAP-like part
        for k in ("nonce", "internal_port"):
            if not r.get("portcontrol.map." + k):
                r["portcontrol.map." + k] = r.get("portcontrol.peer." + k, "")
    check(len(rows) >= 2 * len(answers), f"capture has {len(rows)} packets, expected at least {2 * len(answers)}")
    for r in rows:
        check(r["_ws.malformed"] == "", f"tshark: frame {r['frame.number']} malformed")
        # PI_ERROR (0x00800000) as -T fields prints _ws.expert.severity
        check("8388608" not in r["_ws.expert.severity"].split(";"),
              f"tshark: frame {r['frame.number']} has an error-level expert item")
        check(r["portcontrol.opcode"] != "", f"tshark: frame {r['frame.number']} not decoded as PCP")
    # Every answer the client reported appears in the capture with the same values.
    def agrees(r, a):
        if r["portcontrol.r"] not in ("1", "True") or r["portcontrol.map.nonce"].replace(":", "") != a["nonce"]:
            return False
        if int(r["portcontrol.result_code"] or -1) != a["result_code"]:
            return False
        if int(r["portcontrol.map.internal_port"] or -1) != a["internal_port"]:
            return False
        if int(r["portcontrol.lifetime_rsp"] or -1) != a["lifetime"] or int(r["portcontrol.epoch_time"]) != a["epoch"]:
            return False
        if a["result"] == "SUCCESS" and a["opcode"] == "MAP":
            size = str(a["port_set"]["size"]) if a["port_set"] else ""
            return (int(r["portcontrol.map.rsp_assigned_external_port"]) == a["external_port"]
                    and r["portcontrol.option.portset.size"] == size)
        return True

    for a in answers:
        check(any(agrees(r, a) for r in rows), f"answer {a} not found in the capture with the same fields")
    # Every request pcp-cli reported sending is in the capture with its nonce, internal port and lifetime.
    def sent(r, q):
        return (r["portcontrol.r"] in ("0", "False") and r["portcontrol.map.nonce"].replace(":", "") == q["nonce"]
                and int(r["portcontrol.map.internal_port"] or -1) == q["request"]["internal_port"]
                and int(r["portcontrol.lifetime_req"] or -1) == q["request"]["lifetime"])

    for q in requests:
        check(any(sent(r, q) for r in rows), f"request {q['nonce']} not found in the capture with the same fields")
    print(f"tshark: {len(rows)} PCP datagrams decode cleanly; {len(answers)} answers and {len(requests)} requests "
          "agree with pcp-cli")
