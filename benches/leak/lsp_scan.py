#!/usr/bin/env python3
"""The language server while the leak guard scans a workspace in the background, measured
against itself idle in the same run, on this machine. Run by hand (not a test: it asserts
nothing):

    cargo build --release
    python3 benches/leak/lsp_scan.py --tree /tmp/lb-full/tree     # or --size-mb/--files to make one

- `elitea.listTokens` answered while a scan of the tree runs  vs  the same call idle
  (medians of --runs calls each; goal: within 1.2x)
- the server's CPU time (user + system, /proc) over 2 s once the scan is done (goal: none)

The server is started on the embedded sandbox with no workspace folder (idle), then the tree is
added as a workspace folder (`workspace/didChangeWorkspaceFolders`), which starts a scan on one
blocking thread; the scan's end is seen in its log line (`leak scan done`, RUST_LOG=debug).
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from ratios import Lsp  # noqa: E402  (benches/ratios.py's minimal client)
import run as leak_run  # noqa: E402  (benches/leak/run.py's generator)


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "elitea-tokens"))
    ap.add_argument("--tree", help="an existing tree to scan (run.py's --work folder/tree)")
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="elitea-lsp-scan-")
    tree = args.tree
    if not tree:
        tree = os.path.join(work, "tree")
        print(f"generating {args.size_mb} MB in {args.files} files ...", flush=True)
        leak_run.gen_tree(tree, args.size_mb, args.files, random.Random(7), b"k" * 32)
    env = dict(os.environ, ELITEA_TOKENS_DATA_DIR=os.path.join(work, "data"),
               RUST_LOG="elitea_tokens::lsp::leaks=debug")
    # ratios.py's client, over a server whose log (the scan's end) goes to a file.
    log_path = os.path.join(work, "server.log")
    log = open(log_path, "wb")
    lsp = Lsp.__new__(Lsp)
    lsp.p = subprocess.Popen([args.bin, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=log, env=env)
    lsp.next = 0
    lsp.request("initialize", {"processId": None, "capabilities": {},
                               "initializationOptions": {"secretsStore": "file"}})
    lsp.notify("initialized", {})
    lsp.execute("elitea.signIn", {"serverUrl": "sandbox", "token": ""})
    for i in range(20):
        lsp.execute("elitea.generateToken", {"name": f"t{i}", "expiration": {"measure": "days", "value": 30}})

    def one_list() -> float:
        t0 = time.perf_counter()
        lsp.execute("elitea.listTokens", {})
        return time.perf_counter() - t0

    for _ in range(5):
        one_list()
    idle = [one_list() for _ in range(args.runs)]

    def scan_done() -> bool:
        with open(log_path, "rb") as f:
            return b"leak scan done" in f.read()

    uri = "file://" + os.path.abspath(tree)
    lsp.notify("workspace/didChangeWorkspaceFolders",
               {"event": {"added": [{"uri": uri, "name": "tree"}], "removed": []}})
    time.sleep(0.6)  # the server waits 500 ms for a burst of changes to end
    started = time.perf_counter()
    during = []
    while not scan_done() and len(during) < args.runs * 20:
        during.append(one_list())
    scan_s = time.perf_counter() - started
    while not scan_done():
        time.sleep(0.05)
    cpu0 = cpu_seconds(lsp.p.pid)
    time.sleep(2)
    cpu_after = cpu_seconds(lsp.p.pid) - cpu0
    lsp.close()
    log.close()

    m_idle, m_during = statistics.median(idle), statistics.median(during) if during else float("nan")
    print(f"machine: {os.cpu_count()} cores; tree: {tree}")
    print(f"listTokens idle           {m_idle * 1000:7.2f} ms  (median of {len(idle)})")
    print(f"listTokens during a scan  {m_during * 1000:7.2f} ms  (median of {len(during)}, "
          f"scan about {scan_s:.1f} s)")
    print(f"ratio                     {m_during / m_idle:7.2f}x  (goal <= 1.2x)")
    print(f"CPU in 2 s after the scan {cpu_after * 1000:7.1f} ms  (goal: none)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
