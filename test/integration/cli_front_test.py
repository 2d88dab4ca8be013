#!/usr/bin/env python3
"""The four front ends as a user meets them: --version, --help with examples, and a man page that
documents every option --help lists (each subcommand's too).

usage: cli_front_test.py BIN_DIR SOURCE_DIR VERSION
"""
import re
import subprocess
import sys

TOOLS = {
    "sfcproxy-replay": [],
    "mapdump": [],
    "capport-probe": ["serve", "enforce"],
    "pcp-cli": ["map", "peer", "delete", "announce", "listen", "server"],
}
# An option line of CLI11's help: "  -r,--read FILE   ..." or "  --json   ...".
OPTION = re.compile(r"^\s+((?:-[A-Za-z#],)*)(--[a-z0-9-]+)((?:,--[a-z0-9-]+)*)")

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def run(args):
    p = subprocess.run(args, capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def man_text(source, tool):
    """The man page with roff escapes removed, so "\\-\\-read" reads as "--read"."""
    with open(f"{source}/man/{tool}.1", encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"\\f[BIRP]", "", text)
    return text.replace("\\-", "-")


def documented(man, short_forms, long_form):
    if re.search(re.escape(long_form) + r"(?![a-z0-9-])", man):
        return True
    # tcpdump-style pages name some options by their short form only ("-r FILE").
    return any(re.search(r"(?<![A-Za-z0-9-])" + re.escape(s) + r"(?![A-Za-z0-9-])", man) for s in short_forms)


def check_version(bindir, tool, version):
    rc, out, err = run([f"{bindir}/{tool}", "--version"])
    lines = out.splitlines()
    if rc != 0:
        fail(f"{tool} --version: exit {rc}, stderr {err.strip()!r}")
        return
    want = f"{tool} {version} (pktmap)"
    if not lines or lines[0] != want:
        fail(f"{tool} --version: first line {lines[:1]!r}, want {want!r}")
    if len(lines) < 2 or not lines[1].startswith("libpcap version "):
        fail(f"{tool} --version: no libpcap line in {lines!r}")
    if tool == "capport-probe" and (len(lines) < 3 or not lines[2].startswith("libcurl/")):
        fail(f"{tool} --version: no libcurl line in {lines!r}")


def check_help(bindir, source, tool, sub):
    args = [f"{bindir}/{tool}"] + ([sub] if sub else []) + ["--help"]
    name = " ".join([tool] + ([sub] if sub else []))
    rc, out, err = run(args)
    if rc != 0:
        fail(f"{name} --help: exit {rc}, stderr {err.strip()!r}")
        return 0
    if not sub:
        # Real examples: lines under "Examples:" that run one of the tools.
        if "\nExamples:\n" not in out:
            fail(f"{name} --help: no Examples section")
        else:
            tail = out.split("\nExamples:\n", 1)[1]
            examples = [l for l in tail.splitlines() if re.match(r"^\s+(" + "|".join(TOOLS) + r") ", l)]
            if len(examples) < 3:
                fail(f"{name} --help: {len(examples)} example command lines, want 3 or more")
    man = man_text(source, tool)
    options = 0
    for line in out.splitlines():
        m = OPTION.match(line)
        if not m:
            continue
        options += 1
        shorts = [s for s in m.group(1).split(",") if s]
        if not documented(man, shorts, m.group(2)):
            fail(f"{name}: {m.group(2)} is in --help but not in man/{tool}.1")
        for alias in [a for a in m.group(3).split(",") if a]:  # "--idle,--expire": each name is documented
            if not documented(man, [], alias):
                fail(f"{name}: {alias} is in --help but not in man/{tool}.1")
    if options < 2:
        fail(f"{name} --help: only {options} options parsed; has CLI11's help format changed?")
    return options


def main():
    bindir, source, version = sys.argv[1:4]
    total = 0
    for tool, subs in TOOLS.items():
        check_version(bindir, tool, version)
        for sub in [None] + subs:
            total += check_help(bindir, source, tool, sub)
    # A bad option is a usage error (exit 1 everywhere), said on stderr.
    # (CLI11 names a missing required option or subcommand first, so pcp-cli is asked through `announce`.)
    for tool in TOOLS:
        args = [f"{bindir}/{tool}"] + (["announce"] if tool == "pcp-cli" else []) + ["--no-such-option"]
        rc, out, err = run(args)
        if rc != 1 or "--no-such-option" not in err:
            fail(f"{' '.join(args[1:])}: exit {rc}, stderr {err.strip()!r}")
    print(f"checked {len(TOOLS)} tools, {total} options against their man pages")
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
