#!/usr/bin/env python3
"""The leak guard's speed, side by side (issue 23, item 6).

Generates a tree (by default ~1 GB in 100,000 files, text and binary, 50 planted ELITEA tokens
and 50 look-alike JWTs of other issuers) and a repository (by default 5,000 commits, 50 tokens
planted across its history, most removed again, and 50 look-alikes), checks that
`elitea-tokens scan` finds exactly the 50 tokens and none of the look-alikes in each, and
times it against:

  tree:    rg -uuu -a -F -c <prefix> <tree>            (the limit: reading the same bytes)
           gitleaks dir <tree>
  history: git log -p --all | rg -F -c <prefix>
           gitleaks git <repo>

Each command runs once to warm the page cache, then --runs times; the median is kept. Prints
the times and the ratios (ours / theirs; below 1 is faster). Exit 1 when the findings are wrong.

  python3 benches/leak/run.py                         # the full run (release build)
  python3 benches/leak/run.py --size-mb 4 --files 400 --commits 60 --runs 1 --no-gitleaks
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid as uuidlib

PREFIX = "eyJhbGciOiJIUzUxMiIs"  # base64url of {"alg":"HS512",
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(header: dict, payload: dict, key: bytes, alg: str = "sha512", sig_len: int = 64) -> str:
    h = b64(json.dumps(header, separators=(",", ":")).encode())
    p = b64(json.dumps(payload, separators=(",", ":")).encode())
    msg = f"{h}.{p}".encode()
    if alg == "rsa":
        sig = hashlib.sha512(msg).digest() * (sig_len // 64)
    else:
        sig = hmac.new(key, msg, getattr(hashlib, alg)).digest()
    return f"{h}.{p}.{b64(sig)}"


def elitea_token(rng: random.Random, key: bytes) -> tuple[str, str]:
    u = str(uuidlib.UUID(int=rng.getrandbits(128), version=4))
    expires = None if rng.random() < 0.3 else f"2027-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00"
    return jwt({"alg": "HS512", "typ": "JWT"}, {"uuid": u, "expires": expires}, key), u


def look_alike(rng: random.Random, key: bytes, i: int) -> str:
    u = str(uuidlib.UUID(int=rng.getrandbits(128), version=4))
    kind = i % 5
    if kind == 0:  # another algorithm, our payload
        return jwt({"alg": "HS256", "typ": "JWT"}, {"uuid": u, "expires": None}, key, "sha256")
    if kind == 1:
        return jwt({"alg": "RS256", "typ": "JWT"}, {"uuid": u, "expires": None}, key, "rsa", 256)
    if kind == 2:  # HS512 of another issuer
        return jwt({"alg": "HS512", "typ": "JWT"}, {"sub": str(i), "iat": 1516239022, "iss": "auth0"}, key)
    if kind == 3:  # our keys and one more
        return jwt({"alg": "HS512", "typ": "JWT"}, {"uuid": u, "expires": None, "role": "admin"}, key)
    return jwt({"alg": "HS512", "typ": "JWT", "kid": "k1"}, {"uuid": u, "expires": None}, key)


WORDS = ("the config server token value import return function class const let var async await "
         "user name email project model settings json yaml path file error result list map data "
         "http https request response client header body status cache key secret public private").split()


def text_pool(rng: random.Random, size: int) -> bytes:
    lines = []
    total = 0
    while total < size:
        n = rng.randint(2, 14)
        line = "    " * rng.randint(0, 3) + " ".join(rng.choice(WORDS) for _ in range(n)) + "\n"
        lines.append(line)
        total += len(line)
    return "".join(lines).encode()


def gen_tree(root: str, size_mb: int, files: int, rng: random.Random, key: bytes):
    os.makedirs(root)
    target = size_mb * 1024 * 1024
    avg = max(64, target // files)
    text = text_pool(rng, 8 * 1024 * 1024)
    binary = rng.randbytes(16 * 1024 * 1024)
    names = []
    per_dir = 100
    exts_text = [".py", ".js", ".json", ".md", ".txt", ".yaml", ".env", ".ipynb", ".html", ".log"]
    exts_bin = [".bin", ".png", ".so", ".db", ".pyc"]
    for i in range(files):
        d = os.path.join(root, f"d{i // per_dir // 100:02d}", f"s{i // per_dir:04d}")
        if i % per_dir == 0:
            os.makedirs(d, exist_ok=True)
        is_bin = rng.random() < 0.3
        ext = rng.choice(exts_bin if is_bin else exts_text)
        names.append((os.path.join(d, f"f{i:06d}{ext}"), is_bin))
    planted_files = rng.sample(range(files), 100)
    token_at = {i: None for i in planted_files[:50]}
    alike_at = set(planted_files[50:])
    planted = set()
    total = 0
    for i, (path, is_bin) in enumerate(names):
        size = int(rng.expovariate(1 / avg))
        pool = binary if is_bin else text
        size = min(size, 64 * avg, len(pool) - 1)
        start = rng.randrange(0, len(pool) - size)
        body = bytearray(pool[start:start + size])
        if i in token_at or i in alike_at:
            if i in token_at:
                value, u = elitea_token(rng, key)
                planted.add((os.path.relpath(path, root), u))
            else:
                value = look_alike(rng, key, i)
            at = rng.randrange(0, len(body) + 1)
            snippet = (f'\nTOKEN="{value}"\n' if not is_bin else value).encode()
            body[at:at] = snippet
        with open(path, "wb") as f:
            f.write(body)
        total += len(body)
    return planted, total


def gen_repo(root: str, commits: int, rng: random.Random, key: bytes):
    """5,000 commits through git fast-import: each changes one to three of 500 files; 50
    commits bring a token (most removed a few commits later), 50 a look-alike."""
    os.makedirs(root)
    subprocess.run(["git", "init", "-q", "-b", "main", root], check=True)
    text = text_pool(rng, 4 * 1024 * 1024)
    files = [f"src/m{i // 50:02d}/f{i:03d}.{rng.choice(['py', 'js', 'json', 'md'])}" for i in range(500)]
    content = {}
    token_commits = set(rng.sample(range(1, commits), 50))
    alike_commits = set(rng.sample([c for c in range(1, commits) if c not in token_commits], 50))
    pending_removal = []
    planted = set()
    out = []
    mark = 0
    for c in range(commits):
        changes = {}
        for _ in range(rng.randint(1, 3)):
            f = rng.choice(files)
            size = rng.randint(200, 8000)
            s = rng.randrange(0, len(text) - size)
            changes[f] = text[s:s + size]
        if c in token_commits or c in alike_commits:
            f = f"config/c{c:05d}.env"
            if c in token_commits:
                value, u = elitea_token(rng, key)
                planted.add((f, u))
                if rng.random() < 0.8:
                    pending_removal.append((c + rng.randint(1, 20), f))
            else:
                value = look_alike(rng, key, c)
            changes[f] = f"A=1\nTOKEN={value}\nB=2\n".encode()
        removals = [f for (at, f) in pending_removal if at == c]
        pending_removal = [(at, f) for (at, f) in pending_removal if at != c]
        out.append(f"commit refs/heads/main\ncommitter Bench <b@example.com> {1700000000 + c * 60} +0000\n")
        msg = f"change {c}\n".encode()
        out.append(f"data {len(msg)}\n")
        out.append(msg)
        for f, body in changes.items():
            content[f] = body
            out.append(f"M 100644 inline {f}\ndata {len(body)}\n")
            out.append(body)
            out.append(b"\n")
        for f in removals:
            if f not in changes:
                out.append(f"D {f}\n")
        out.append(b"\n")
        mark += 1
    data = b"".join(x if isinstance(x, bytes) else x.encode() for x in out)
    subprocess.run(["git", "-C", root, "fast-import", "--quiet"], input=data, check=True)
    subprocess.run(["git", "-C", root, "checkout", "-q", "main"], check=True)
    subprocess.run(["git", "-C", root, "gc", "-q", "--aggressive"], check=True)
    return planted


def timed(cmd, runs: int, shell=False, env=None, warm=True):
    """The median of `runs` runs, after one that warms the page cache (gitleaks, minutes per
    run, skips it: the runs before it have warmed the cache already)."""
    if warm:
        subprocess.run(cmd, shell=shell, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, shell=shell, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def ours_found(bin_path: str, args: list, cwd: str, env) -> tuple[int, set]:
    p = subprocess.run([bin_path, "scan", "--offline", "--format", "json", *args], cwd=cwd,
                       capture_output=True, env=env)
    j = json.loads(p.stdout)
    return p.returncode, {(f["relPath"], f["uuid"]) for f in j["leaks"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--commits", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "elitea-tokens"))
    ap.add_argument("--work", default=None, help="folder for the generated data (kept when given)")
    ap.add_argument("--no-gitleaks", action="store_true")
    ap.add_argument("--check-only", action="store_true", help="check the findings, time nothing (the tests' smoke run)")
    ap.add_argument("--gitleaks", default=shutil.which("gitleaks") or os.path.expanduser("~/go/bin/gitleaks"))
    ap.add_argument("--seed", type=int, default=23)
    a = ap.parse_args()
    a.bin = os.path.abspath(a.bin)

    work = a.work or tempfile.mkdtemp(prefix="elitea-leak-bench-")
    rng = random.Random(a.seed)
    key = b"bench-secret"
    env = dict(os.environ, ELITEA_TOKENS_DATA_DIR=os.path.join(work, "data"))
    ok = True
    rows = []
    tree = os.path.join(work, "tree")
    repo = os.path.join(work, "repo")
    try:
        if not os.path.isdir(tree):
            t = time.perf_counter()
            planted_tree, total = gen_tree(tree, a.size_mb, a.files, rng, key)
            with open(os.path.join(work, "tree.json"), "w") as f:
                json.dump(sorted(planted_tree), f)
            print(f"tree: {a.files} files, {total / 1e6:.0f} MB, generated in {time.perf_counter() - t:.0f} s", flush=True)
        planted_tree = {tuple(x) for x in json.load(open(os.path.join(work, "tree.json")))}
        if not os.path.isdir(repo):
            t = time.perf_counter()
            planted_repo = gen_repo(repo, a.commits, rng, key)
            with open(os.path.join(work, "repo.json"), "w") as f:
                json.dump(sorted(planted_repo), f)
            print(f"repo: {a.commits} commits, generated in {time.perf_counter() - t:.0f} s", flush=True)
        planted_repo = {tuple(x) for x in json.load(open(os.path.join(work, "repo.json")))}

        code, found = ours_found(a.bin, ["."], tree, env)
        if found != planted_tree or code != 1:
            ok = False
            print(f"TREE WRONG: {len(found & planted_tree)} of {len(planted_tree)} found, "
                  f"{len(found - planted_tree)} extra, exit {code}")
        else:
            print(f"tree: exactly the {len(planted_tree)} tokens found, no look-alike")
        code, found = ours_found(a.bin, ["--history"], repo, env)
        if {u for _, u in found} != {u for _, u in planted_repo} or code != 1:
            ok = False
            print(f"HISTORY WRONG: {len(found)} found, {len(planted_repo)} planted, exit {code}")
        else:
            print(f"history: exactly the {len(planted_repo)} tokens found, no look-alike")

        if a.check_only:
            return 0 if ok else 1
        ours_tree = timed([a.bin, "scan", "--offline", "--format", "json", tree], a.runs, env=env)
        rg_tree = timed(["rg", "-uuu", "-a", "-F", "-c", "--no-messages", PREFIX, tree], a.runs)
        rows.append(("tree: elitea-tokens scan", ours_tree, None))
        rows.append(("tree: rg -uuu -a -F -c <prefix>", rg_tree, f"elitea-tokens takes {ours_tree / rg_tree:.2f}x its time (goal <= 1.5)"))
        if not a.no_gitleaks and os.path.exists(a.gitleaks):
            # Never --report-path /dev/null: gitleaks removes its report path when it fails.
            gl = timed([a.gitleaks, "dir", tree, "--no-banner", "--exit-code", "0", "-l", "error",
                        "-f", "json", "--report-path", os.path.join(work, "gitleaks-tree.json")], 1, warm=False)
            rows.append(("tree: gitleaks dir", gl, f"elitea-tokens is {gl / ours_tree:.0f}x faster (goal >= 10)"))
        ours_hist = timed(f"cd {repo} && {a.bin} scan --offline --history --format json", a.runs, shell=True, env=env)
        base_hist = timed(f"git -C {repo} log -p --all | rg -F -c {PREFIX}", a.runs, shell=True)
        rows.append(("history: elitea-tokens scan --history", ours_hist, None))
        rows.append(("history: git log -p --all | rg -F -c <prefix>", base_hist, f"elitea-tokens takes {ours_hist / base_hist:.2f}x its time (goal <= 2)"))
        if not a.no_gitleaks and os.path.exists(a.gitleaks):
            gl = timed([a.gitleaks, "git", repo, "--no-banner", "--exit-code", "0", "-l", "error",
                        "-f", "json", "--report-path", os.path.join(work, "gitleaks-history.json")], 1, warm=False)
            rows.append(("history: gitleaks git", gl, f"elitea-tokens is {gl / ours_hist:.1f}x faster (goal > 1)"))
    finally:
        if a.work is None:
            shutil.rmtree(work, ignore_errors=True)

    print(f"\nmachine: {os.cpu_count()} cores; median of {a.runs} warm runs (gitleaks: 1 run, cache warm)")
    for name, secs, ratio in rows:
        r = "" if ratio is None else f"   {ratio}"
        print(f"{name:<48} {secs:8.2f} s{r}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
