#!/usr/bin/env python3
"""What a user waits on, as ratios against anchors measured in the same run, on this machine.

Run by hand (not a test: it asserts nothing), inside a real Secret Service:

    cargo build --release && cargo bench --bench core -- merge_json
    bash tests/with-keyring.sh python3 benches/ratios.py --bin target/release/elitea-tokens

It starts the sandbox, fills an account with --tokens tokens of which --stored have their value
kept by the product (in gnome-keyring, and in a file store), and prints each measurement, its
anchor, the ratio and the goal:

- elitea.listTokens over LSP, keyring store  vs  curl's time for the same GET (time_total)
- elitea.listTokens over LSP, file store     vs  the same curl anchor
- `elitea-tokens list --json` (a process)    vs  `curl` (a process)
- spawn to `initialize` answered             vs  spawn to `--version` done
- the JSONC merge of a 1 MB settings.json    vs  npm jsonc-parser modify + applyEdits
  (the Rust figure is criterion's median from target/criterion; the npm package is installed
  in a temporary folder)
"""

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Lsp:
    """A minimal LSP client over the server's stdio."""

    def __init__(self, binary, env, options, storage=False):
        self.p = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, env=env)
        self.next = 0
        caps = {"experimental": {"elitea": {"secretStorage": True}}} if storage else {}
        self.request("initialize", {"processId": None, "capabilities": caps,
                                    "initializationOptions": options})
        self.notify("initialized", {})

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def read(self):
        length = 0
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise RuntimeError("the server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.p.stdout.read(length))

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        self.next += 1
        my = self.next
        self.send({"jsonrpc": "2.0", "id": my, "method": method, "params": params})
        while True:
            msg = self.read()
            if "method" in msg and "id" in msg:  # a request from the server: accept it
                self.send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
            elif msg.get("id") == my:
                if "error" in msg:
                    raise RuntimeError(msg["error"]["message"])
                return msg["result"]

    def execute(self, command, arg):
        return self.request("workspace/executeCommand", {"command": command, "arguments": [arg]})

    def close(self):
        self.p.kill()
        self.p.wait()


def median_time(fn, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def curl_time_total(url, token):
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{time_total}", "-H",
                          f"Authorization: Bearer {token}", f"{url}/api/v2/auth/token/"],
                         capture_output=True, text=True, check=True).stdout
    return float(out)


def paired(ours, anchor, runs):
    """Medians of `ours` and of `anchor`, timed in turn: a machine that slows down or speeds up
    during the run moves both, not one of them (blocks of one then the other did, by 1.5x)."""
    mine, theirs = [], []
    for _ in range(runs):
        theirs.append(anchor())
        t = time.perf_counter()
        ours()
        mine.append(time.perf_counter() - t)
    return statistics.median(mine), statistics.median(theirs)


def criterion_merge_json():
    """criterion's median for the JSONC merge bench, in seconds, if it was run."""
    base = os.path.join(REPO, "target", "criterion")
    for root, _dirs, files in os.walk(base):
        if "merge_json" in root and root.endswith(os.path.join("new")) and "estimates.json" in files:
            with open(os.path.join(root, "estimates.json")) as f:
                return json.load(f)["median"]["point_estimate"] / 1e9
    return None


NODE_MERGE = r"""
const { modify, applyEdits } = require('jsonc-parser');
let big = '{\n  // user settings\n';
let i = 0;
while (Buffer.byteLength(big) < (1 << 20)) {
  big += `  "ext${i}.option": "${'v'.repeat(40)}", // note ${i}\n`; i++;
}
big += '  "editor.tabSize": 2\n}\n';
const entries = JSON.parse(process.argv[2]);
const opts = { formattingOptions: { insertSpaces: true, tabSize: 2 } };
function once() {
  let text = big;
  for (const [k, v] of entries) text = applyEdits(text, modify(text, [k], v, opts));
  return text;
}
for (let w = 0; w < 3; w++) once();
const times = [];
for (let r = 0; r < 15; r++) { const t = process.hrtime.bigint(); once(); times.push(Number(process.hrtime.bigint() - t) / 1e9); }
times.sort((a, b) => a - b);
console.log(times[Math.floor(times.length / 2)]);
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "elitea-tokens"))
    ap.add_argument("--tokens", type=int, default=10_000)
    ap.add_argument("--stored", type=int, default=1_000)
    ap.add_argument("--runs", type=int, default=20)
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    work = tempfile.mkdtemp(prefix="elitea-ratios-")
    env = dict(os.environ, ELITEA_TOKENS_DATA_DIR=os.path.join(work, "keyring-data"))
    port = free_port()
    sandbox = subprocess.Popen([binary, "sandbox", "--port", str(port)], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    rows = []
    try:
        url, boot = None, None
        while boot is None:
            line = sandbox.stdout.readline()
            if line.startswith("listening on "):
                url = line.split()[-1]
            if line.startswith("bootstrap token: "):
                boot = line.split()[-1]

        # 1. The values the product keeps: generated through the language server, so that
        #    they go into the real keyring as a user's would.
        lsp = Lsp(binary, env, {})
        lsp.execute("elitea.signIn", {"serverUrl": url, "token": boot})
        stored = []
        for i in range(a.stored):
            made = lsp.execute("elitea.generateToken",
                               {"name": f"kept-{i:05d}", "expiration": {"measure": "days", "value": 30}})
            stored.append((made["uuid"], made["token"]))
        # 2. The rest of the account, straight through the HTTP API.
        conn = http.client.HTTPConnection("127.0.0.1", port)
        for i in range(a.tokens - a.stored - 1):
            body = json.dumps({"name": f"other-{i:05d}", "expires": {"measure": "days", "value": 1 + i % 90}})
            conn.request("POST", "/api/v2/auth/token/", body,
                         {"Authorization": f"Bearer {boot}", "Content-Type": "application/json"})
            conn.getresponse().read()

        known = lsp.execute("elitea.listTokens", {"pageSize": 100, "search": "kept-0000"})
        assert all(r["valueKnown"] for r in known["items"]), "stored values are known"
        t, anchor = paired(lambda: lsp.execute("elitea.listTokens", {"pageSize": 10}),
                           lambda: curl_time_total(url, boot), a.runs)
        rows.append(("elitea.listTokens, keyring store", t, "curl GET (time_total)", anchor, 1.2))
        lsp.close()

        # 3. The file store, holding the same values.
        file_data = os.path.join(work, "file-data")
        os.makedirs(file_data, mode=0o700)
        fenv = dict(os.environ, ELITEA_TOKENS_DATA_DIR=file_data)
        flsp = Lsp(binary, fenv, {"secretsStore": "file"})
        flsp.execute("elitea.signIn", {"serverUrl": url, "token": boot})
        secrets_path = os.path.join(file_data, "secrets.json")
        with open(secrets_path) as f:
            secrets = json.load(f)
        server = url.rstrip("/")
        for uuid, value in stored:
            secrets[f"token:{uuid}@{server}"] = value
        with open(secrets_path, "w") as f:
            json.dump(secrets, f)
        t, anchor = paired(lambda: flsp.execute("elitea.listTokens", {"pageSize": 10}),
                           lambda: curl_time_total(url, boot), a.runs)
        rows.append(("elitea.listTokens, file store", t, "curl GET (time_total)", anchor, 1.1))
        flsp.close()

        # 4. The CLI as a process against curl as a process.
        cli = [binary, "--server", url, "--insecure-file-store", "--json", "list"]
        curl = ["curl", "-s", "-o", "/dev/null", "-H", f"Authorization: Bearer {boot}",
                f"{url}/api/v2/auth/token/"]
        t, c = paired(lambda: subprocess.run(cli, env=fenv, capture_output=True, check=True),
                      lambda: median_time(lambda: subprocess.run(curl, check=True), 1), a.runs)
        rows.append(("list --json (process)", t, "curl (process)", c, 1.2))

        # 5. Spawn to initialize answered, against spawn to --version. The clock stops at the
        #    answer; killing the server afterwards is not part of what an editor waits for.
        def spawn_init():
            start = time.perf_counter()
            s = Lsp(binary, fenv, {"secretsStore": "file"})
            answered = time.perf_counter() - start
            s.close()
            return answered
        pairs = [(median_time(lambda: subprocess.run([binary, "--version"], capture_output=True,
                                                     check=True), 1), spawn_init())
                 for _ in range(a.runs)]
        v = statistics.median(p[0] for p in pairs)
        t = statistics.median(p[1] for p in pairs)
        rows.append(("spawn to initialize answered", t, "--version", v, 1.5))
    finally:
        sandbox.kill()

    # 6. The JSONC merge against npm's jsonc-parser.
    rust = criterion_merge_json()
    if rust and shutil.which("node") and shutil.which("npm"):
        npm_dir = os.path.join(work, "npm")
        os.makedirs(npm_dir)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "jsonc-parser"],
                       cwd=npm_dir, check=True, capture_output=True)
        script = os.path.join(npm_dir, "merge.js")
        with open(script, "w") as f:
            f.write(NODE_MERGE)
        entries = [[f"alitacode.key{i}", f"value-{i}"] for i in range(18)]
        js = float(subprocess.run(["node", script, json.dumps(entries)], cwd=npm_dir, capture_output=True,
                                  text=True, check=True).stdout)
        # Here the anchor is the slower one: the goal is a speed-up, printed as anchor / ours.
        rows.append(("merge_json, 1 MB settings.json", rust, "jsonc-parser modify+applyEdits", js, None))
    else:
        print("(merge: run `cargo bench --bench core -- merge_json` first, and have node and npm)")

    print(f"\n{a.tokens} tokens, {a.stored} values kept; medians of {a.runs} runs\n")
    print(f"| measurement | ours | anchor | anchor time | ratio | goal |")
    print(f"|---|---|---|---|---|---|")
    for name, ours, anchor_name, anchor_t, goal in rows:
        if goal is None:
            ratio = anchor_t / ours
            print(f"| {name} | {ours*1000:.2f} ms | {anchor_name} | {anchor_t*1000:.2f} ms | {ratio:.0f}x faster | >= 50x faster |")
        else:
            ratio = ours / anchor_t
            print(f"| {name} | {ours*1000:.2f} ms | {anchor_name} | {anchor_t*1000:.2f} ms | {ratio:.2f}x | <= {goal}x |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
