#!/usr/bin/env python3
"""capport-probe against its own portal emulator, over real HTTPS on 127.0.0.1.

A throw-away CA and a server certificate for capport.test are made with openssl; `capport-probe serve` runs
with them on free ports; the probe pins capport.test and the canary name to 127.0.0.1 with --resolve, so
nothing leaves loopback. Checks: captive before the portal is accepted, open after (seconds-remaining
counting down), captive again when the session expires; and bad inputs: a non-https API URI, an unverifiable
certificate (unknown unless --insecure), oversized / invalid / wrong-type answers, a silent server (the probe
still returns within its time limit). Exit 0 pass, 1 fail, 77 skip (no openssl CLI).
"""
import http.client
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time

PROBE = sys.argv[1]
HOST = "capport.test"
CANARY_HOST = "connectivitycheck.gstatic.com"
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def make_certs(d):
    def ossl(*args):
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)

    ossl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
         "-out", "ca.pem", "-days", "1", "-subj", "/CN=capport-probe test CA")
    ossl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key",
         "-out", "server.csr", "-subj", f"/CN={HOST}")
    with open(os.path.join(d, "san.ext"), "w") as f:
        f.write(f"subjectAltName=DNS:{HOST},IP:127.0.0.1\n")
    ossl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
         "-out", "server.pem", "-days", "1", "-extfile", "san.ext")


class Portal:
    def __init__(self, d, name, **settings):
        self.cfg = os.path.join(d, name + ".yaml")
        base = {"hostname": HOST, "listen": "127.0.0.1", "https_port": 0, "http_port": 0, "cert": "server.pem",
                "key": "server.key"}
        base.update(settings)
        with open(self.cfg, "w") as f:
            for k, v in base.items():
                f.write(f"{k}: {v}\n")
        self.proc = subprocess.Popen([PROBE, "serve", "--config", self.cfg], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("serving"):
            raise RuntimeError("serve did not start: " + line + self.proc.stderr.read())
        words = line.split()
        self.api = words[words.index("api") + 1]
        self.https_port = int(self.api.split(":")[2].split("/")[0])
        canaries = words[words.index("canaries") + 1]
        self.http_port = int(canaries.rstrip("/").split(":")[-1])

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def probe(portal, *extra, ca=None, timeout=None, http_canary=True):
    args = [PROBE, "--json", "--api", portal.api, "--resolve", f"{HOST}:127.0.0.1",
            "--resolve", f"{CANARY_HOST}:127.0.0.1",
            "--canary", f"https://{HOST}:{portal.https_port}/generate_204"]
    if http_canary:
        args += ["--canary", f"http://{CANARY_HOST}:{portal.http_port}/generate_204"]
    if ca:
        args += ["--ca-file", ca]
    if timeout:
        args += ["--timeout", str(timeout)]
    start = time.monotonic()
    res = subprocess.run(list(args) + list(extra), capture_output=True, text=True, timeout=30)
    elapsed = time.monotonic() - start
    rep = json.loads(res.stdout) if res.stdout.startswith("{") else None
    return res, rep, elapsed


def accept(portal, ca):
    ctx = ssl.create_default_context(cafile=ca)
    conn = http.client.HTTPSConnection("127.0.0.1", portal.https_port, context=ctx, timeout=5)
    conn.request("POST", "/portal", body="accept=1", headers={"Host": HOST,
                                                               "Content-Type": "application/x-www-form-urlencoded"})
    status = conn.getresponse().status
    conn.close()
    return status


def main():
    if shutil.which("openssl") is None:
        print("openssl CLI not found: skipped")
        return 77
    with tempfile.TemporaryDirectory() as d:
        make_certs(d)
        ca = os.path.join(d, "ca.pem")
        portals = []
        try:
            p = Portal(d, "normal", session_seconds=2)
            portals.append(p)
            res, rep, _ = probe(p, ca=ca)
            check(res.returncode == 10 and rep["verdict"] == "captive", f"captive before login (exit {res.returncode})")
            check(rep["api"]["body"]["captive"] is True and rep["api"]["body"]["user-portal-url"].endswith("/portal"),
                  "API says captive with a user-portal-url")
            check(rep["api"]["cache_control"] == "private, no-store", "Cache-Control reported")
            check(rep["canaries"][1]["status"] == 302 and rep["canaries"][1]["result"] == "redirect",
                  "HTTP canary redirected while captive")
            check(accept(p, ca) == 200, "portal accepted with a POST")
            res, rep, _ = probe(p, ca=ca)
            check(res.returncode == 0 and rep["verdict"] == "open", f"open after login (exit {res.returncode})")
            check(rep["api"]["body"]["captive"] is False and 0 < rep["api"]["body"]["seconds-remaining"] <= 2,
                  "seconds-remaining counts down from the session length")
            check(all(c["result"] == "open" for c in rep["canaries"]), "canaries answer 204 once open")
            time.sleep(2.2)
            res, rep, _ = probe(p, ca=ca)
            check(res.returncode == 10, f"captive again when the session expired (exit {res.returncode})")

            # Without the CA nothing over TLS can be trusted (the HTTP canary is left out: it would show the portal).
            res, rep, _ = probe(p, http_canary=False)
            check(res.returncode == 12 and rep["verdict"] == "unknown", f"untrusted certificate -> unknown (exit {res.returncode})")
            check(rep["api"]["fetch"] == "tls-untrusted" and any("does not verify" in r for r in rep["reasons"]),
                  "the reason says the certificate does not verify")
            check(any("TLS intercepted" in r and HOST in r for r in rep["reasons"]),
                  "the HTTPS canary is reported as TLS intercepted, naming the certificate's host")
            res, rep, _ = probe(p, "--insecure", http_canary=False)
            check(res.returncode == 10 and rep["api"]["verified"] is False and "--insecure" in res.stderr,
                  "--insecure is an explicit choice, with a warning")
            res = subprocess.run([PROBE, "--api", f"http://{HOST}:{p.https_port}/api"], capture_output=True, text=True)
            check(res.returncode == 1 and "not an https URI" in res.stderr, "non-https API URI refused (exit 1)")

            for behaviour, want in [("oversized", "too-large"), ("invalid-json", "invalid"),
                                    ("no-captive", "invalid"), ("wrong-type", "wrong-type")]:
                q = Portal(d, behaviour, api_behaviour=behaviour)
                portals.append(q)
                res, rep, _ = probe(q, ca=ca)
                api = rep["api"]
                if want == "too-large":
                    ok = api["fetch"] == "too-large" and "4096" in api.get("error", "")
                elif want == "invalid":
                    ok = api["body"]["valid"] is False
                else:
                    ok = "body" not in api and any("not application/captive+json" in x for x in api["problems"])
                # The canaries still see the portal, so the verdict stays captive.
                check(ok and res.returncode == 10, f"API {behaviour}: flagged ({api.get('fetch')}), canaries decide")

            s = Portal(d, "silent", api_behaviour="silent")
            portals.append(s)
            res, rep, elapsed = probe(s, ca=ca, timeout=1)
            check(rep["api"]["fetch"] == "timeout" and elapsed < 3.0,
                  f"silent API: probe returned in {elapsed:.2f} s with a timeout")
        finally:
            for p in portals:
                p.stop()
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
