#!/usr/bin/env python3
"""Generates Protocol.kt, the JetBrains client's protocol types, from the repository's schemas/.

schemas/ is itself generated from the server's Rust types (`cargo run -q -- schemas schemas`),
so the server stays the one source of the shapes and no Kotlin class is typed by hand.

  python3 editors/jetbrains/client/scripts/gen-protocol.py           writes Protocol.kt
  python3 editors/jetbrains/client/scripts/gen-protocol.py --check   exits 1 when it differs
  python3 editors/jetbrains/client/scripts/gen-protocol.py --stdout  prints it

Each schema definition becomes one Kotlin type, emitted once under its Kotlin name (RENAMES);
a definition that differs between two files fails the generation, and so does any keyword
this generator does not know, rather than becoming a silent `Any`.

The decoder (Json.kt) goes through the constructors, so the declarations follow its rules:
 - a property the schema requires is non-null and has no default;
 - an optional one is nullable with `= null`, never a primitive with a default, so that a
   missing required number or boolean is an error, not a zero.

Behaviour (computed properties, factories, secret-hiding toString) is not written here: the
hand-written ProtocolSupport.kt and Rules.kt hold it, attached through MIXINS (interfaces with
default members, so call sites keep member syntax) and COMPANIONS.
"""
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLIENT = HERE.parent
ROOT = CLIENT.parent.parent.parent
SCHEMAS = ROOT / "schemas"
OUT = CLIENT / "src/main/kotlin/ai/elitea/tokens/client/Protocol.kt"

# Rust name (schema title or $defs key) -> Kotlin name, where the Kotlin API says it better or
# the Rust name is too generic for a flat Kotlin package (`Schema`, `Target`, `Page`, `Change`).
RENAMES = {
    "ApplyResult": "ApplySettingsResult",
    "Change": "FileChangeKind",
    "ListQuery": "ListTokensParams",
    "MigrateResult": "MigrateSettingsResult",
    "Move": "SettingMove",
    "Order": "SortOrder",
    "Page": "TokenPage",
    "PreviewResult": "PreviewSettingsResult",
    "RotateResult": "RotateTokenResult",
    "Schema": "SettingsSchema",
    "Target": "SettingsTarget",
}

# Kotlin class -> the hand-written interface it implements (members with default bodies).
MIXINS = {
    "GeneratedToken": "GeneratedTokenSupport",
    "MigrateSettingsResult": "MigrateSettingsResultSupport",
    "NameRule": "NameRuleSupport",
    "PreviewSettingsResult": "PreviewSettingsResultSupport",
    "Rules": "RulesSupport",
    "TokenInUse": "TokenInUseSupport",
}

# Kotlin class -> the hand-written abstract class its companion object extends (factories).
COMPANIONS = {
    "Expiration": "ExpirationFactory",
    "Rules": "RulesFactory",
    "SettingsTarget": "SettingsTargetFactory",
}

# Properties whose value must never reach a log: toString() shows their length only.
SECRETS = {
    "GeneratedToken": {"token"},
    "PreviewSettingsResult": {"content"},
    "SignInParams": {"token"},
}

IGNORED = {"$schema", "title", "description", "format", "minimum", "maximum", "default",
           "maxLength", "minLength", "pattern", "additionalProperties"}
KNOWN = IGNORED | {"type", "properties", "required", "items", "$ref", "enum", "const", "anyOf", "oneOf", "$defs"}
KOTLIN_KEYWORDS = {"as", "break", "class", "continue", "do", "else", "false", "for", "fun", "if", "in",
                   "interface", "is", "null", "object", "package", "return", "super", "this", "throw",
                   "true", "try", "typealias", "typeof", "val", "var", "when", "while"}


class GenError(Exception):
    pass


def fail(where, why):
    raise GenError(f"gen-protocol: {where}: {why}")


def check_keywords(s, where):
    for k in s:
        if k not in KNOWN:
            fail(where, f"the keyword '{k}' is not one this generator knows")


def kname(rust):
    return RENAMES.get(rust, rust)


def kdoc(text, indent):
    if not text or not text.strip():
        return ""
    lines = text.strip().replace("*/", "*&#47;").split("\n")
    if len(lines) == 1:
        return f"{indent}/** {lines[0]} */\n"
    body = "\n".join(f"{indent} * {l}".rstrip() for l in lines)
    return f"{indent}/**\n{body}\n{indent} */\n"


def enum_values(s):
    """[(wire value, description)] of a string enum (`enum`, `const`, or a `oneOf` of those), else None."""
    if isinstance(s.get("enum"), list) and all(isinstance(v, str) for v in s["enum"]):
        return [(v, None) for v in s["enum"]]
    if isinstance(s.get("const"), str):
        return [(s["const"], s.get("description"))]
    alts = s.get("oneOf")
    if isinstance(alts, list) and "properties" not in s:
        parts = [enum_values(a) for a in alts]
        if all(p is not None for p in parts):
            return [v for p in parts for v in p]
    return None


def constant(wire):
    """`notChecked` -> `NOT_CHECKED`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", wire).upper()


def nullable_inner(s, where):
    """The schema without its null alternative, and whether null was allowed."""
    check_keywords(s, where)
    t = s.get("type")
    if isinstance(t, list):
        rest = [x for x in t if x != "null"]
        if len(rest) != 1:
            fail(where, f"type {t} is not one type or one type and null")
        return {**s, "type": rest[0]}, "null" in t
    any_of = s.get("anyOf")
    if any_of is not None:
        real = [a for a in any_of if a.get("type") != "null"]
        if len(real) != 1 or len(any_of) != 2:
            fail(where, "an anyOf that is not [X, null]")
        return real[0], True
    return s, False


def kotlin_type(s, where):
    """The Kotlin type of a property's schema, without nullability."""
    check_keywords(s, where)
    if "$ref" in s:
        return kname(s["$ref"].split("/")[-1])
    if enum_values(s) is not None:
        fail(where, "an inline enum: give it a name on the Rust side (a $defs entry)")
    t = s.get("type")
    if t == "string":
        return "String"
    if t == "boolean":
        return "Boolean"
    if t == "number":
        return "Double"
    if t == "integer":
        # uint32 fits an Int; everything else (int64, uint64, usize as `uint`) needs a Long.
        return "Int" if s.get("format") in ("uint32", "int32") else "Long"
    if t == "array":
        items, null = nullable_inner(s["items"], where + "[]")
        if null:
            fail(where, "an array of nullable items")
        return f"List<{kotlin_type(items, where + '[]')}>"
    fail(where, f"schema {json.dumps(s)[:120]} has no Kotlin type here")


def gen_enum(name, s, values):
    out = kdoc(s.get("description"), "")
    out += f"enum class {name} {{\n"
    for i, (wire, doc) in enumerate(values):
        if i:
            out += "\n" if doc else ""
        out += kdoc(doc, "    ")
        out += f'    @SerializedName("{wire}") {constant(wire)},\n'
    return out + "}\n"


def gen_class(name, s, where):
    props = s.get("properties", {})
    required = set(s.get("required", []))
    unknown = required - set(props)
    if unknown:
        fail(where, f"required {sorted(unknown)} are not properties")
    out = kdoc(s.get("description"), "")
    if not props:
        # `{}`: a class without fields, equal to every other instance.
        out += f"class {name} {{\n"
        out += f"    override fun equals(other: Any?) = other is {name}\n"
        out += "    override fun hashCode() = 0\n"
        out += '    override fun toString() = "{}"\n'
        return out + "}\n"
    out += f"data class {name}(\n"
    # Required first, in the schema's `required` order, then the optional ones by name: a
    # positional call then never needs an optional argument before a required one.
    order = [p for p in s.get("required", [])] + sorted(p for p in props if p not in required)
    for p in order:
        ps = props[p]
        inner, null = nullable_inner(ps, f"{where}.{p}")
        kt = kotlin_type(inner, f"{where}.{p}")
        pname = f"`{p}`" if p in KOTLIN_KEYWORDS else p
        doc = ps.get("description") or inner.get("description")
        out += kdoc(doc, "    ")
        if p in required:
            if null:
                # Required but nullable: the key must be there, null allowed; Json.kt cannot tell
                # the two apart, so it reads like an optional property.
                out += f"    val {pname}: {kt}? = null,\n"
            else:
                out += f"    val {pname}: {kt},\n"
        else:
            out += f"    val {pname}: {kt}? = null,\n"
    out += ")"
    supers = MIXINS.get(name)
    if supers:
        out += f" : {supers}"
    body = []
    if name in COMPANIONS:
        body.append(f"    companion object : {COMPANIONS[name]}()")
    if name in SECRETS:
        parts = []
        for p in order:
            if p in SECRETS[name]:
                parts.append(f"{p}=<${{{p}?.length}} chars>" if p not in required else f"{p}=<${{{p}.length}} chars>")
            else:
                parts.append(f"{p}=${p}")
        body.append(f'    override fun toString() = "{name}({", ".join(parts)})"')
    if body:
        out += " {\n" + "\n\n".join(body) + "\n}"
    return out + "\n"


def collect():
    """Every named definition (Kotlin name -> (schema, first file)), once; conflicts fail."""
    defs = {}
    files = sorted(SCHEMAS.glob("*.json"))
    if not files:
        fail(str(SCHEMAS), "no schema files")

    def add(rust, s, where):
        name = kname(rust)
        stripped = json.dumps({k: v for k, v in s.items() if k not in ("$schema", "title", "$defs")}, sort_keys=True)
        if name in defs:
            if defs[name][2] != stripped:
                fail(where, f"{name} differs from its definition in {defs[name][1]}")
            return
        defs[name] = (s, where, stripped)

    for f in files:
        s = json.loads(f.read_text())
        title = s.get("title") or fail(f.name, "no title")
        for k, d in sorted(s.get("$defs", {}).items()):
            add(k, d, f"{f.name}#/$defs/{k}")
        add(title, s, f.name)
    return defs


def generate():
    defs = collect()
    enums, classes = [], []
    for name in sorted(defs):
        s, where, _ = defs[name]
        check_keywords(s, where)
        values = enum_values(s)
        if values is not None:
            enums.append(gen_enum(name, s, values))
        elif s.get("type") == "object":
            classes.append(gen_class(name, s, where))
        else:
            fail(where, "neither an object nor a string enum")
    for k in list(MIXINS) + list(COMPANIONS) + list(SECRETS):
        if k not in defs:
            fail("configuration", f"{k} is not a type of schemas/")
    head = (
        "// GENERATED from schemas/ by editors/jetbrains/client/scripts/gen-protocol.py: do not edit.\n"
        "// Run `python3 editors/jetbrains/client/scripts/gen-protocol.py` after `cargo run -q -- schemas\n"
        "// schemas`; ci.sh fails when this file differs from what the script writes. Hand-written\n"
        "// behaviour for these types lives in ProtocolSupport.kt and Rules.kt.\n"
        "\n"
        "package ai.elitea.tokens.client\n\n"
        "import com.google.gson.annotations.SerializedName\n\n"
        "// ---------------------------------------------------------------- enums\n\n"
    )
    body = "\n".join(enums) + "\n// ---------------------------------------------------------------- objects\n\n" + "\n".join(classes)
    return head + body


def main(argv):
    try:
        text = generate()
    except GenError as e:
        print(e, file=sys.stderr)
        return 2
    if "--stdout" in argv:
        sys.stdout.write(text)
        return 0
    if "--check" in argv:
        current = OUT.read_text() if OUT.exists() else ""
        if current != text:
            print(f"{OUT.relative_to(ROOT)} differs from what schemas/ generate: run "
                  "python3 editors/jetbrains/client/scripts/gen-protocol.py", file=sys.stderr)
            return 1
        print(f"{OUT.relative_to(ROOT)}: up to date with schemas/")
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
