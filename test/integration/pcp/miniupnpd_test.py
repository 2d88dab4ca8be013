#!/usr/bin/env python3
"""pcp-cli against Debian's miniupnpd 2.3.1 (PCP enabled) in network namespaces (miniupnpd_netns.py).

pcp-cli runs in the client namespace with no --server: it finds the gateway from the default route, as
RFC 6887 section 8.1 says. Checked: the start-up ANNOUNCE miniupnpd multicasts (heard by `pcp-cli listen`),
ANNOUNCE, MAP (with the nft DNAT rule it installs), refresh, delete (and the rule removed), PEER, and the
error paths and deviations listed in specs/pcp.md: lifetime clamp, a second nonce replacing a mapping (the
old nonce then gets NOT_AUTHORIZED), PORT_SET and odd-length DESCRIPTION refused with MALFORMED_OPTION (the
option padding bug of 2.3.1), PREFER_FAILURE ignored, THIRD_PARTY -> UNSUPP_OPTION, a wrong client address
-> ADDRESS_MISMATCH, protocol 0 -> MALFORMED_REQUEST. Internal ports below 1024 are not tried: miniupnpd
answers a denied port only after walking all 65535 external ports (about a minute).
When tcpdump and tshark are there, the client side is captured and every datagram must decode in tshark
with no error and with the fields pcp-cli printed. Exit 77 (skip) with a reason without root, namespaces
or miniupnpd. Usage: miniupnpd_test.py PCP_CLI
"""
import json
import os
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import signal_cleanup  # noqa: E402
from miniupnpd_netns import Gateway, WAN_IP, WAN_PEER, unavailable  # noqa: E402
from pcp_tshark import check, stop_capture, tshark_check  # noqa: E402

PCP = sys.argv[1]
FAST = ["--irt", "300", "--mrc", "3", "--settle", "100"]
N1, N2 = "0102030405060708090a0b0c", "0102030405060708090a0bff"


def main():
    reason = unavailable()
    if reason:
        print("SKIP: " + reason)
        return 77
    signal_cleanup.install()  # ctest's timeout: `with Gateway()` still cleans up
    try:
        gw = Gateway()
    except subprocess.CalledProcessError as e:  # e.g. a kernel without nf_tables or veth
        print(f"SKIP: cannot set up the namespaces: {' '.join(e.cmd)}: {e.stderr.strip()}")
        return 77
    with gw:
        exchanges, answers = [], []

        def client(args, expect_rc):
            res = subprocess.run(gw.exec_cl(PCP, *args, *FAST, "--json"), capture_output=True, text=True, timeout=20)
            check(res.returncode == expect_rc,
                  f"{' '.join(args)}: exit {res.returncode}, expected {expect_rc}\n{res.stdout}{res.stderr}\n"
                  f"miniupnpd log:\n{gw.log()[-3000:]}")
            ex = json.loads(res.stdout.strip().splitlines()[-1])
            check(ex["server"] == "10.77.0.1:5351" and ex["server_from_gateway"], f"server not the gateway: {ex}")
            if ex["opcode"] != "ANNOUNCE":
                exchanges.append(ex)
            answers.extend(r for r in ex["responses"] if r["opcode"] != "ANNOUNCE")
            return ex

        def text(args):
            return subprocess.run(gw.exec_cl(PCP, *args, *FAST), capture_output=True, text=True, timeout=20).stdout

        capture, pcap = None, os.path.join(gw.tmp, "client.pcap")
        if shutil.which("tcpdump") and shutil.which("tshark"):
            capture = gw.spawn(gw.exec_cl("tcpdump", "-i", "cllan", "-U", "-w", pcap, "udp port 5351 or udp port 5350"),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            capture.stderr.readline()  # "listening on cllan": capturing before traffic starts
        else:
            print("note: no tcpdump/tshark: the tshark decode check is skipped")
        listener = gw.spawn(gw.exec_cl(PCP, "listen", "-4", "-c", "1", "--timeout", "6", "--json"),
                            stdout=subprocess.PIPE, text=True)
        time.sleep(0.3)
        check(gw.start_miniupnpd(), f"miniupnpd did not start listening on 10.77.0.1:5351:\n{gw.log()}")

        # The unsolicited ANNOUNCE miniupnpd multicasts at start-up (RFC 6887 section 14.1.3).
        heard = json.loads(listener.communicate(timeout=10)[0].strip().splitlines()[-1])
        check(heard["from"].startswith("10.77.0.1:") and heard["message"]["opcode"] == "ANNOUNCE"
              and heard["message"]["result"] == "SUCCESS", f"start-up ANNOUNCE: {heard}")

        a = client(["announce"], 0)
        check(a["responses"][0]["result"] == "SUCCESS" and a["responses"][0]["lifetime"] == 0, f"{a}")

        # MAP: lifetime 30 clamped to min_lifetime 120; the DNAT rule is installed.
        m = client(["map", "--internal-port", "40000", "--lifetime", "30", "--nonce", N1], 0)
        r = m["responses"][0]
        check(r["external_ip"] == WAN_IP and r["external_port"] == 40000 and r["lifetime"] == 120, f"{m}")
        check("dport 40000" in gw.ruleset(), f"no nft rule for 40000:\n{gw.ruleset()}")
        m = client(["map", "--internal-port", "40000", "--lifetime", "600", "--nonce", N1], 0)  # refresh
        check(m["responses"][0]["lifetime"] == 600 and m["responses"][0]["external_port"] == 40000, f"{m}")
        # Deviation: another nonce for the same internal port replaces the mapping (RFC 6887 section 11.3
        # would refuse it); the first nonce then no longer deletes it.
        m = client(["map", "--internal-port", "40000", "--lifetime", "600", "--nonce", N2], 0)
        check(m["responses"][0]["result"] == "SUCCESS", f"{m}")
        d = client(["delete", "--internal-port", "40000", "--nonce", N1], 12)  # 10 + NOT_AUTHORIZED
        check(d["responses"][0]["result"] == "NOT_AUTHORIZED", f"{d}")
        d = client(["delete", "--internal-port", "40000", "--nonce", N2], 0)
        check(d["responses"][0]["lifetime"] == 0, f"{d}")
        check("dport 40000" not in gw.ruleset(), f"rule for 40000 left after delete:\n{gw.ruleset()}")

        # PORT_SET (length 5, padded) and DESCRIPTION of length 5: MALFORMED_OPTION (2.3.1 skips options
        # without their padding); pcp-cli names the likely cause.
        p = client(["map", "--internal-port", "40002", "--port-set", "10"], 16)
        check(p["responses"][0]["result"] == "MALFORMED_OPTION" and "unpadded_option_refused" in p["deviations"], f"{p}")
        check("miniupnpd before 2.3.11" in text(["map", "--internal-port", "40002", "--port-set", "10"]), "no note")
        p = client(["map", "--internal-port", "40004", "--description", "hello"], 16)
        check("unpadded_option_refused" in p["deviations"], f"{p}")
        p = client(["map", "--internal-port", "40004", "--description", "voip"], 0)  # 4 bytes: no padding
        check(p["responses"][0]["description"] == "voip" and p["deviations"] == [], f"echoed description: {p}")

        # PREFER_FAILURE with the suggested port taken: should be CANNOT_PROVIDE_EXTERNAL, is another port.
        client(["map", "--internal-port", "40040", "--external-port", "40040"], 0)
        pf = client(["map", "--internal-port", "40041", "--external-port", "40040", "--prefer-failure"], 0)
        check(pf["responses"][0]["external_port"] != 40040 and pf["deviations"] == ["prefer_failure_ignored"], f"{pf}")
        check("RFC 6887 section 13.2" in text(["map", "--internal-port", "40041", "--external-port", "40040",
                                                 "--prefer-failure", "--nonce", pf["nonce"]]), "no PREFER_FAILURE note")

        # PEER: an outbound TCP flow.
        pe = client(["peer", "--protocol", "tcp", "--internal-port", "40010", "--remote", f"{WAN_PEER}:443"], 0)
        r = pe["responses"][0]
        check(r["remote_peer"] == f"{WAN_PEER}:443" and r["external_ip"] == WAN_IP, f"{pe}")

        # Refusals.
        t = client(["map", "--internal-port", "40020", "--third-party", "10.77.0.9"], 15)  # pcp_allow_thirdparty=no
        check(t["responses"][0]["result"] == "UNSUPP_OPTION", f"{t}")
        t = client(["map", "--internal-port", "40020", "--client-ip", "10.77.0.9"], 22)
        check(t["responses"][0]["result"] == "ADDRESS_MISMATCH", f"{t}")
        t = client(["map", "--internal-port", "0", "--protocol", "all"], 13)
        check(t["responses"][0]["result"] == "MALFORMED_REQUEST", f"{t}")

        check(gw.daemon.poll() is None, f"miniupnpd exited:\n{gw.log()}")
        if capture:
            stop_capture(capture, pcap)
            tshark_check(pcap, 5351, answers, exchanges)
        print(f"ok: pcp-cli against miniupnpd: {len(exchanges)} exchanges")
    return 0


if __name__ == "__main__":
    sys.exit(main())
