#!/usr/bin/env python3
"""Drives a foreign build of elitea-tokens through an emulator (Wine, qemu-user) from the host:
the CLI flow, the `sandbox` server over real HTTP, and the language server over stdio.

    drive.py --os windows|linux --binary PATH --version X.Y.Z --home HOST_DIR -- RUNNER...

`--home` is the host folder that the foreign process sees as its profile: the Wine prefix's
`drive_c/users/<user>`, or the HOME given to the qemu process. The data folder and VSCode's user
settings are looked for there, where the platform's conventions put them.

Token values are never printed: every output shown on a failure has them replaced.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

SECRETS = []  # every token value seen, redacted from anything printed
CHECKS = {"passed": 0}


def redact(text):
    for s in SECRETS:
        if s:
            text = text.replace(s, "<token>")
    # A JWT the driver did not capture (one printed in an error) is redacted too.
    return re.sub(r"eyJ[\w-]+\.[\w-]+\.[\w-]+", "<jwt>", text)


def fail(msg, proc=None):
    print(f"FAIL: {redact(msg)}", file=sys.stderr)
    if proc is not None:
        print(f"  exit {proc.returncode}", file=sys.stderr)
        print("  stdout: " + redact(proc.stdout or "")[-2000:], file=sys.stderr)
        print("  stderr: " + redact(proc.stderr or "")[-2000:], file=sys.stderr)
    sys.exit(1)


def check(cond, msg, proc=None):
    if not cond:
        fail(msg, proc)
    CHECKS["passed"] += 1
    print(f"  ok: {msg}")


class Target:
    def __init__(self, args):
        self.os = args.os
        self.runner = args.runner
        self.binary = args.binary
        self.home = args.home
        self.holder = args.holder
        env = {k: v for k, v in os.environ.items()}
        # The foreign process must find its folders by its platform's rules alone.
        for k in list(env):
            if k.startswith(("ELITEA_", "XDG_", "VSCODE_")) or k == "RUST_LOG":
                del env[k]
        if self.os == "linux":
            env["HOME"] = self.home
        self.env = env

    def cmd(self, *args):
        return [*self.runner, self.binary, *args]

    def run(self, *args, stdin=None, timeout=120, cwd=None):
        try:
            return subprocess.run(self.cmd(*args), input=stdin, capture_output=True, text=True,
                                  env=self.env, timeout=timeout, cwd=cwd)
        except subprocess.TimeoutExpired as e:
            fail(f"{' '.join(args)} did not finish within {timeout} s: {e.stderr!r}")

    def host_path(self, *windows_or_unix_parts):
        return os.path.join(self.home, *windows_or_unix_parts)

    def data_dir(self):
        if self.os == "windows":
            return self.host_path("AppData", "Roaming", "elitea-tokens")
        return self.host_path(".local", "share", "elitea-tokens")

    def user_settings(self):
        if self.os == "windows":
            return self.host_path("AppData", "Roaming", "Code", "User", "settings.json")
        return self.host_path(".config", "Code", "User", "settings.json")


SETTINGS_BEFORE = (
    "// My own settings: comments and CRLF line endings are kept\r\n"
    "{\r\n"
    "  // the editor\r\n"
    '  "editor.fontSize": 14, /* keep me */\r\n'
    '  "files.eol": "\\r\\n"\r\n'
    "}\r\n"
)


def names(page):
    return [item.get("name") for item in page.get("items", [])]


def apply_while_held(t, common, name, settings):
    """Another program (an editor, a virus scanner) has settings.json open without delete
    sharing when `apply` replaces it: Windows refuses the rename until it lets go. The write
    must wait the hold out and succeed, not fail with "Access denied"."""
    hold_ms = 2500
    windows_path = "Z:" + os.path.abspath(settings).replace("/", "\\")
    holder = subprocess.Popen([*t.runner, t.holder, windows_path, str(hold_ms)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=t.env)
    lines = []  # (line, when read), by a reader thread: the release is timed as it happens

    def read():
        for raw in holder.stdout:
            lines.append((raw.strip(), time.monotonic()))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 60
    while not lines and time.monotonic() < deadline and holder.poll() is None:
        time.sleep(0.01)
    check(lines[:1] and lines[0][0] == "held",
          f"hold.exe holds settings.json open ({lines[:1]}, {holder.poll()})")
    p = t.run(*common, "apply", name, "--target", "user")
    finished = time.monotonic()
    holder.wait(timeout=30)
    reader.join(timeout=10)
    check(p.returncode == 0, "apply --target user while another program holds settings.json open", p)
    released = [when for line, when in lines if line == "released"]
    # Finished after the release: the rename was tried during the hold and waited it out.
    check(released and finished >= released[0],
          "apply waited for the hold to end"
          + (f" ({finished - released[0]:+.2f} s after the release)" if released else ""))


def cli_flow(t, store_args, name):
    """generate, list --json, apply into a CRLF settings file with comments, delete."""
    common = ["--server", "sandbox", *store_args]
    settings = t.user_settings()
    os.makedirs(os.path.dirname(settings), exist_ok=True)
    with open(settings, "w", newline="") as f:
        f.write(SETTINGS_BEFORE)

    p = t.run(*common, "generate", "--name", name, "--expires", "30d")
    value = (p.stdout or "").strip()
    SECRETS.append(value)
    check(p.returncode == 0 and value.count(".") == 2, f"generate {name}: a JWT printed once", p)

    p = t.run(*common, "--json", "list", "--page-size", "100")
    check(p.returncode == 0, "list --json", p)
    page = json.loads(p.stdout)
    check(name in names(page), f"list --json holds {name}", p)
    check(value not in p.stdout, "list shows no full value", p)

    if t.holder and name == "cross-file-store":
        apply_while_held(t, common, name, settings)
    else:
        p = t.run(*common, "apply", name, "--target", "user")
        check(p.returncode == 0, "apply --target user", p)
    with open(settings, newline="") as f:
        after = f.read()
    check(value in after, f"the token is in the platform's user settings.json ({os.path.relpath(settings, t.home)})")
    check("\n" not in after.replace("\r\n", ""), "every line of settings.json still ends in CRLF")
    check("// My own settings" in after and "/* keep me */" in after and '"editor.fontSize": 14' in after,
          "comments and other keys kept")

    # Written in the user settings: refused (exit 2, the file named as the user knows it), then
    # deleted when forced.
    p = t.run(*common, "delete", name, "--confirm", name)
    check(p.returncode == 2 and "user settings" in p.stderr, f"delete {name} refused while in use", p)
    p = t.run(*common, "delete", name, "--confirm", name, "--force")
    check(p.returncode == 0, f"delete {name} --force", p)
    p = t.run(*common, "--json", "list", "--page-size", "100")
    check(p.returncode == 0 and name not in names(json.loads(p.stdout)), f"{name} is gone from the list", p)
    return value


def sandbox_server(t):
    """`sandbox` on a free port; returns (process, url, bootstrap token)."""
    proc = subprocess.Popen(t.cmd("sandbox", "--port", "0"), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=t.env)
    lines = []

    def read():
        for line in proc.stdout:
            lines.append(line)

    threading.Thread(target=read, daemon=True).start()
    deadline = time.time() + 120
    url = token = None
    while time.time() < deadline and not (url and token):
        for line in lines:
            if line.startswith("listening on "):
                url = line.split(" ", 2)[2].strip()
            if line.startswith("bootstrap token: "):
                token = line.split(": ", 1)[1].strip()
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    if token:
        SECRETS.append(token)
    if not (url and token):
        proc.kill()
        fail(f"sandbox printed no URL and token: {redact(''.join(lines))} {redact(proc.stderr.read())}")
    return proc, url, token


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def http_checks(url, token):
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(url.rstrip("/") + "/api/v2/social/author/", timeout=30)
        fail("a request without a credential was served")
    except urllib.error.HTTPError as e:
        check(e.code == 302 and e.headers.get("Location", "").endswith("/access_denied"),
              f"the sandbox over HTTP: no credential -> 302 to /access_denied (got {e.code})")
    req = urllib.request.Request(url.rstrip("/") + "/api/v2/social/author/",
                                 headers={"Authorization": f"Bearer {token}"})
    with opener.open(req, timeout=30) as r:
        body = json.loads(r.read())
    check(r.status == 200 and body.get("personal_project_id") == 123,
          "the sandbox over HTTP: the bootstrap token -> the author, project 123")


class Lsp:
    def __init__(self, t):
        self.proc = subprocess.Popen(t.cmd("lsp", "--stdio"), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=t.env)
        self.next_id = 1
        self.notifications = []

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def read(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                fail("the language server closed stdout: "
                     + redact(self.proc.stderr.read().decode(errors="replace"))[-2000:])
            line = line.strip()
            if not line:
                break
            k, _, v = line.decode().partition(":")
            if k.lower() == "content-length":
                length = int(v)
        return json.loads(self.proc.stdout.read(length))

    def request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        while True:
            msg = self.read()
            if msg.get("id") == rid and "method" not in msg:
                return msg
            self.other(msg)

    def other(self, msg):
        if "id" in msg and "method" in msg:
            # A request from the server (configuration, progress): answered empty.
            self.send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
        elif "method" in msg:
            self.notifications.append(msg)

    def wait_notification(self, what, pred):
        """The first notification `pred` accepts, kept or still to come (the timer kills a
        server that never sends it, and `read` then fails with its stderr)."""
        seen = 0
        while True:
            for msg in self.notifications[seen:]:
                if pred(msg):
                    return msg
            seen = len(self.notifications)
            msg = self.read()
            if "id" in msg and "method" not in msg:
                fail(f"an answer to no request while waiting for {what}")
            self.other(msg)


def lsp_flow(t, sandbox_url, bootstrap, full):
    lsp = Lsp(t)
    timer = threading.Timer(180, lsp.proc.kill)
    timer.start()
    try:
        # A workspace folder as VSCode sends it: a file: URI, on Windows with the drive letter
        # lower-cased and its colon escaped; a space in the name, escaped too.
        project = os.path.join(t.home, "My Project")
        os.makedirs(project, exist_ok=True)
        # A token left in the project's code: the leak guard's scan at start finds it.
        leaked = os.path.join(project, "app", "config.py")
        if full:
            os.makedirs(os.path.dirname(leaked), exist_ok=True)
            with open(leaked, "w", newline="\n") as f:
                f.write(f'# ünïcode above the line\nAPI_TOKEN = "{bootstrap}"\n')
        if t.os == "windows":
            folder_uri = f"file:///c%3A/users/{os.path.basename(t.home)}/My%20Project"
        else:
            folder_uri = "file://" + urllib.parse.quote(project)
        r = lsp.request("initialize", {"processId": None, "rootUri": None, "capabilities": {},
                                       "initializationOptions": {"secretsStore": "file",
                                                                 "workspaceFolders": [folder_uri]}})
        caps = r.get("result", {}).get("capabilities", {})
        commands = caps.get("executeCommandProvider", {}).get("commands", [])
        check("elitea.listTokens" in commands, "LSP initialize: elitea.listTokens among the commands")
        lsp.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        if full:
            r = lsp.request("workspace/executeCommand",
                            {"command": "elitea.signIn",
                             "arguments": [{"serverUrl": sandbox_url, "token": bootstrap}]})
            check("result" in r, "LSP elitea.signIn against the sandbox"
                  + (f": {redact(json.dumps(r['error']))}" if "error" in r else ""))
            r = lsp.request("workspace/executeCommand",
                            {"command": "elitea.listTokens", "arguments": [{}]})
            page = r.get("result") or {}
            check(page.get("total", 0) >= 1 and len(page.get("items", [])) >= 1,
                  "LSP elitea.listTokens: the sandbox's tokens")
            check(bootstrap not in json.dumps(r), "LSP list shows no full value")
            # The leak guard on this OS: the folder's URI made a path, walked, and the file's
            # diagnostic published on a URI of this OS's path, at the token's place.
            msg = lsp.wait_notification("tokenLeaked on app/config.py", lambda m: (
                m["method"] == "textDocument/publishDiagnostics"
                and m["params"]["uri"].endswith("/app/config.py")
                and any(d.get("code") == "tokenLeaked" for d in m["params"]["diagnostics"])))
            uri = msg["params"]["uri"]
            d = next(d for d in msg["params"]["diagnostics"] if d.get("code") == "tokenLeaked")
            where = urllib.parse.unquote(urllib.parse.urlparse(uri).path)
            expected = ("/c:/users/" + os.path.basename(t.home) if t.os == "windows"
                        else t.home) + "/My Project/app/config.py"
            check(where.lower() == expected.lower() and d["range"]["start"] == {
                "line": 1, "character": len('API_TOKEN = "')},
                f"LSP tokenLeaked published on {uri} at {d['range']['start']}")
            check(bootstrap not in json.dumps(msg), "tokenLeaked carries no value")
            check(d["data"]["fingerprint"].startswith("app/config.py:"),
                  f"its fingerprint uses / on every OS: {d['data']['fingerprint']}")
            # JetBrains settings into the workspace folder: the URI made a path of this OS.
            r = lsp.request("workspace/executeCommand",
                            {"command": "elitea.applySettings",
                             "arguments": [{"uuid": page["items"][0]["uuid"], "ide": "jetbrains",
                                            "schema": "current", "target": {"kind": "workspace"}}]})
            written = os.path.join(project, ".idea", "elitea.xml")
            check("result" in r and os.path.isfile(written),
                  f"LSP elitea.applySettings into the workspace folder {folder_uri}: "
                  f"{(r.get('result') or {}).get('path')}"
                  + (f" {redact(json.dumps(r['error']))}" if "error" in r else ""))
        r = lsp.request("shutdown", None)
        check("error" not in r, "LSP shutdown")
        lsp.send({"jsonrpc": "2.0", "method": "exit"})
        lsp.proc.stdin.close()
        check(lsp.proc.wait(timeout=60) == 0, "the language server exits 0 after exit")
    finally:
        timer.cancel()
        if lsp.proc.poll() is None:
            lsp.proc.kill()


def scan_flow(t, bootstrap):
    """`scan` on this OS, in the folder the language server's flow left a token in: found,
    exit 1, the path relative with /, no value in any output; `--format sarif` too."""
    project = os.path.join(t.home, "My Project")
    p = t.run("scan", "--format", "json", cwd=project)
    check(p.returncode == 1, "scan: exit 1 when a token is found", p)
    leaks = json.loads(p.stdout).get("leaks", [])
    check([x.get("path", "").replace("\\", "/") for x in leaks] == ["app/config.py"]
          and leaks[0].get("line") == 2, f"scan finds the token in app/config.py, line 2", p)
    check(bootstrap not in p.stdout + p.stderr, "scan prints no value")
    p = t.run("scan", "--format", "sarif", "app", "app/config.py", cwd=project)
    results = json.loads(p.stdout)["runs"][0]["results"]
    check(p.returncode == 1 and len(results) == 1 and bootstrap not in p.stdout,
          "scan --format sarif: one result for a file named twice, no value", p)
    clean = t.run("scan", "--format", "json", ".idea", cwd=project)
    check(clean.returncode == 0 and bootstrap not in clean.stdout,
          "scan .idea: the JetBrains settings `applySettings` wrote there, outside git, are in place:"
          " exit 0", clean)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--os", choices=["windows", "linux"], required=True)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--home", required=True)
    ap.add_argument("--try-os-keyring", action="store_true",
                    help="also run the CLI flow with the OS keyring (Windows Credential Manager)")
    ap.add_argument("--holder", help="hold.exe (tests/cross/hold.c), Windows only")
    ap.add_argument("runner", nargs="+")
    args = ap.parse_args()
    t = Target(args)
    label = f"[{args.os}: {' '.join(os.path.basename(r) for r in args.runner)}]"
    print(f"{label} {os.path.basename(args.binary)}")

    p = t.run("--version")
    check(p.returncode == 0 and p.stdout.strip() == f"elitea-tokens {args.version}",
          f"--version prints elitea-tokens {args.version}", p)

    cli_flow(t, ["--insecure-file-store"], "cross-file-store")
    data = t.data_dir()
    for f in ("secrets.json", "sandbox.json"):
        check(os.path.isfile(os.path.join(data, f)),
              f"{f} in the platform's data folder ({os.path.relpath(data, t.home)})")
    with open(os.path.join(data, "secrets.json")) as f:
        kept = f.read()
    check(SECRETS[0] not in kept, "the deleted token's value is gone from secrets.json")

    if args.try_os_keyring:
        # The Credential Manager backend (keyring's windows-native) against Wine's advapi32
        # Cred* functions: no --insecure-file-store.
        before = kept
        value = cli_flow(t, [], "cross-credential-manager")
        with open(os.path.join(data, "secrets.json")) as f:
            check(f.read() == before, "with the Credential Manager nothing went to secrets.json")
        # `apply` ran in a process of its own and wrote the value it read back from the store.
        print(f"  note: under Wine the Credential Manager kept the token ({len(value)} characters) "
              "across processes, gave it back to `apply`, and let `delete` remove it")

    proc, url, bootstrap = sandbox_server(t)
    try:
        http_checks(url, bootstrap)
        lsp_flow(t, url, bootstrap, full=True)
        scan_flow(t, bootstrap)
    finally:
        proc.kill()
        proc.wait()
    print(f"{label} {CHECKS['passed']} checks passed")


if __name__ == "__main__":
    main()
