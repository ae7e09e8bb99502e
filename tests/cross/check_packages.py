#!/usr/bin/env python3
"""Checks what scripts/release.sh packed: one .vsix per VSCode platform, each made for that
platform (its manifest's TargetPlatform and server/platform.json) and holding exactly its own
binary, byte for byte; and the JetBrains plugin's server-bin/<os>-<arch>/ with every binary.

    check_packages.py DIST SERVER_BIN BINARIES
"""

import hashlib
import os
import re
import sys
import zipfile

dist, server_bin, binaries = sys.argv[1:4]
EXPECTED = {
    "linux-x64": ("x86_64-unknown-linux-gnu", "elitea-tokens", "linux-x64"),
    "linux-arm64": ("aarch64-unknown-linux-gnu", "elitea-tokens", "linux-arm64"),
    "win32-x64": ("x86_64-pc-windows-gnu", "elitea-tokens.exe", "windows-x64"),
}
failures = []


def digest(data):
    return hashlib.sha256(data).hexdigest()


def file_digest(path):
    with open(path, "rb") as f:
        return digest(f.read())


found = sorted(f for f in os.listdir(dist) if f.endswith(".vsix"))
want = sorted(f"elitea-tokens-{v}.vsix" for v in EXPECTED)
if found != want:
    failures.append(f"the .vsix files are {found}, not {want}")

for vscode, (rust, exe, jetbrains) in EXPECTED.items():
    path = os.path.join(dist, f"elitea-tokens-{vscode}.vsix")
    if not os.path.isfile(path):
        continue
    before = len(failures)
    z = zipfile.ZipFile(path)
    server = sorted(n for n in z.namelist() if n.startswith("extension/server/"))
    if server != sorted([f"extension/server/{exe}", "extension/server/platform.json"]):
        failures.append(f"{vscode}: server/ holds {server}")
        continue
    m = re.search(r'TargetPlatform="([^"]+)"', z.read("extension.vsixmanifest").decode())
    if not m or m.group(1) != vscode:
        failures.append(f"{vscode}: the manifest's TargetPlatform is {m and m.group(1)}")
    if f'"target": "{vscode}"' not in z.read("extension/server/platform.json").decode():
        failures.append(f"{vscode}: server/platform.json names another platform")
    source = os.path.join(binaries, rust, exe)
    if digest(z.read(f"extension/server/{exe}")) != file_digest(source):
        failures.append(f"{vscode}: the packed binary is not {rust}'s")
    laid = os.path.join(server_bin, jetbrains, exe)
    if not os.path.isfile(laid) or file_digest(laid) != file_digest(source):
        failures.append(f"JetBrains server-bin/{jetbrains}/{exe} is missing or not {rust}'s")
    elif not os.access(laid, os.X_OK):
        failures.append(f"JetBrains server-bin/{jetbrains}/{exe} is not executable")
    if len(failures) == before:
        print(f"  ok: elitea-tokens-{vscode}.vsix holds {rust}'s {exe} alone; server-bin/{jetbrains}/ too")

if failures:
    for f in failures:
        print(f"FAIL: {f}", file=sys.stderr)
    sys.exit(1)
