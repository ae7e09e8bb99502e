#!/usr/bin/env python3
"""What syncing every document to the language server costs (issue 23: LSP4IJ maps every text
file to the server so that the leak guard's fixes are offered on any file), measured against
the same typing in a 1 KB file, in the same run, on this machine. Run by hand (not a test: it
asserts nothing):

    cargo build --release
    python3 benches/leak/sync_cost.py                 # --size-mb 10 --keys 2000

Typing is what an editor sends for each key: `textDocument/didChange` (one character, a range
edit: the server's sync is incremental) and `textDocument/codeAction` at the caret with no
diagnostic (LSP4IJ's worst case: intentions asked at every caret move). Printed:

- the server's CPU (every thread's, /proc/<pid>/task/*/schedstat) per key in the 10 MB file  vs  in the 1 KB file;
- the answer time of codeAction per key, 10 MB  vs  1 KB (medians);
- the server's resident memory (VmRSS) idle, after opening the 10 MB file, after typing in it,
  and its peak (VmHWM), against the file's size;
- the CPU of opening the 10 MB file (reading 10 MB of JSON once);
- a save of the 10 MB file (the leak guard reads that file again, on its own, on a blocking
  thread)  vs  `rg -F -c <prefix>` over the same file.
"""

import argparse
import base64
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))

from ratios import Lsp  # noqa: E402  (benches/ratios.py's minimal client)

PREFIX = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9"


def cpu_seconds(pid: int) -> float:
    """The CPU time of every thread of the process, in ns (schedstat): /proc/<pid>/stat counts
    in 10 ms ticks, too coarse for one save. A thread that ended takes its time with it; the
    runtime keeps its blocking threads for 10 s, longer than any measurement here."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            pass
    return total / 1e9


def status_kb(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


class RecordingLsp(Lsp):
    """ratios.py's client, keeping the diagnostics the server publishes."""

    def read(self):
        msg = super().read()
        if msg.get("method") == "textDocument/publishDiagnostics":
            self.published = getattr(self, "published", [])
            self.published.append(msg["params"])
        return msg


def a_token() -> str:
    """An ELITEA-shaped value (HS512, payload exactly {uuid, expires}); its signature is not
    checked by the detector, which needs no key."""
    b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()  # noqa: E731
    header = b64(b'{"alg":"HS512","typ":"JWT"}')
    payload = b64(json.dumps({"uuid": "7d2a4c59-3f1e-4b8a-9c6d-2e5f8a1b3c4d", "expires": None}).encode())
    return f"{header}.{payload}.{b64(bytes(range(64)))}"


def source_text(size: int) -> str:
    """Python-looking lines up to `size` bytes, no token in them."""
    line = "    result = compute_something(alpha, beta, gamma)  # a comment of some length\n"
    return "def main():\n" + line * (size // len(line))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "elitea-tokens"))
    ap.add_argument("--size-mb", type=int, default=10)
    ap.add_argument("--keys", type=int, default=2000)
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="elitea-sync-cost-")
    ws = os.path.join(work, "ws")
    os.makedirs(ws)
    small_path, big_path = os.path.join(ws, "small.py"), os.path.join(ws, "big.py")
    small, big = source_text(1024), source_text(args.size_mb << 20)
    for path, text in ((small_path, small), (big_path, big)):
        with open(path, "w") as f:
            f.write(text)
    env = dict(os.environ, ELITEA_TOKENS_DATA_DIR=os.path.join(work, "data"))
    env.pop("RUST_LOG", None)
    lsp = RecordingLsp(args.bin, env, {"secretsStore": "file", "workspaceFolders": [ws]})
    pid = lsp.p.pid
    uri = {p: "file://" + p for p in (small_path, big_path)}
    time.sleep(1.5)  # the scan at start (two files) is done

    def sync():
        """A request answered: everything sent before it was read."""
        lsp.request("textDocument/codeAction", {
            "textDocument": {"uri": uri[small_path]},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": []}})

    def open_doc(path, text):
        lsp.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri[path], "languageId": "python", "version": 1, "text": text}})

    def type_keys(path, line):
        """`--keys` keys typed at the end of `line`; returns (CPU seconds, codeAction times)."""
        times = []
        sync()
        cpu0 = cpu_seconds(pid)
        for i in range(args.keys):
            col = 10 + i
            pos = {"line": line, "character": col}
            lsp.notify("textDocument/didChange", {
                "textDocument": {"uri": uri[path], "version": 2 + i},
                "contentChanges": [{"range": {"start": pos, "end": pos}, "text": "x"}]})
            t = time.perf_counter()
            lsp.request("textDocument/codeAction", {
                "textDocument": {"uri": uri[path]},
                "range": {"start": pos, "end": pos},
                "context": {"diagnostics": [], "triggerKind": 2}})
            times.append(time.perf_counter() - t)
        return cpu_seconds(pid) - cpu0, times

    sync()
    rss_idle = status_kb(pid, "VmRSS")

    open_doc(small_path, small)
    small_cpu, small_times = type_keys(small_path, 5)

    sync()
    cpu0 = cpu_seconds(pid)
    open_doc(big_path, big)
    sync()
    open_cpu = cpu_seconds(pid) - cpu0
    rss_open = status_kb(pid, "VmRSS")
    big_cpu, big_times = type_keys(big_path, big.count("\n") // 2)
    rss_typed = status_kb(pid, "VmRSS")

    # A save: the leak guard reads that one file again (after its short wait). A token put at
    # its end on disk shows that the read happened: its tokenLeaked comes back.
    with open(big_path, "a") as f:
        f.write(f'KEY = "{a_token()}"\n')
    cpu0 = cpu_seconds(pid)
    lsp.notify("textDocument/didSave", {"textDocument": {"uri": uri[big_path]}})
    deadline = time.time() + 10
    while not any(p["uri"] == uri[big_path] and p["diagnostics"] for p in getattr(lsp, "published", [])):
        if time.time() > deadline:
            print("the save did not lead to a read of the file (no tokenLeaked)", file=sys.stderr)
            return 1
        sync()
        time.sleep(0.05)
    save_cpu = cpu_seconds(pid) - cpu0
    rg_times = []
    if shutil.which("rg"):
        for _ in range(5):
            t = time.perf_counter()
            subprocess.run(["rg", "-uuu", "-a", "-F", "-c", PREFIX, big_path], stdout=subprocess.DEVNULL)
            rg_times.append(time.perf_counter() - t)
    hwm = status_kb(pid, "VmHWM")
    lsp.close()
    shutil.rmtree(work, ignore_errors=True)

    n = args.keys
    mb = args.size_mb
    per_small, per_big = small_cpu / n, big_cpu / n
    med_small, med_big = statistics.median(small_times), statistics.median(big_times)
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; {n} keys per file")
    print(f"CPU per key        {mb} MB file {per_big * 1e6:8.1f} us   1 KB file {per_small * 1e6:8.1f} us"
          f"   ratio {per_big / per_small if per_small else float('nan'):.2f}x")
    print(f"codeAction answer  {mb} MB file {med_big * 1e6:8.1f} us   1 KB file {med_small * 1e6:8.1f} us"
          f"   ratio {med_big / med_small:.2f}x  (medians)")
    print(f"memory (VmRSS)     idle {rss_idle / 1024:.1f} MB, after opening {rss_open / 1024:.1f} MB,"
          f" after typing {rss_typed / 1024:.1f} MB, peak {hwm / 1024:.1f} MB; the file is {mb} MB")
    print(f"opening the {mb} MB file: {open_cpu * 1000:.0f} ms of CPU (its text read once, not kept)")
    if rg_times:
        rg = min(rg_times)
        print(f"a save of it: {save_cpu * 1000:.0f} ms of CPU   rg over the same file {rg * 1000:.0f} ms"
              f"   ratio {save_cpu / rg:.2f}x")
    else:
        print(f"a save of it: {save_cpu * 1000:.0f} ms of CPU (rg not found: no anchor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
