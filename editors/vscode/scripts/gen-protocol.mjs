// Generates src/protocol.ts, the shim's protocol types, from the JSON schemas in the
// repository's schemas/ folder (themselves generated from the server's Rust types by
// `cargo run -q -- schemas schemas`), so that the server stays the one source of the shapes.
//
//   node scripts/gen-protocol.mjs            writes src/protocol.ts
//   node scripts/gen-protocol.mjs --stdout   prints it (test/unit/protocol.test.ts compares)
//
// A small generator rather than json-schema-to-typescript: the schemas repeat their shared
// `$defs` in every file (TokenRow is in four), which that tool turns into TokenRow1, TokenRow2…
// Here each definition is emitted once, by its Rust name, and a definition that differs between
// two files fails the generation. The vocabulary is what schemars emits (type, properties,
// required, items, $ref, enum, const, anyOf, oneOf, additionalProperties); anything else fails
// too, rather than becoming a silent `unknown`.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const extension = join(here, "..");
const schemasDir = join(extension, "../../schemas");
const outFile = join(extension, "src/protocol.ts");

/** Keywords that only document or constrain a value: no part of its TypeScript type. */
const IGNORED = new Set(["$schema", "title", "description", "format", "minimum", "maximum", "default", "maxLength", "minLength", "pattern"]);
const KNOWN = new Set([...IGNORED, "type", "properties", "required", "items", "$ref", "enum", "const", "anyOf", "oneOf", "additionalProperties", "$defs"]);

function fail(where, why) {
  throw new Error(`gen-protocol: ${where}: ${why}`);
}

function checkKeywords(s, where) {
  for (const k of Object.keys(s)) {
    if (!KNOWN.has(k)) {
      fail(where, `the keyword '${k}' is not one this generator knows`);
    }
  }
}

/** A JSDoc block at `indent`, or nothing. */
function doc(lines, indent) {
  const text = lines.filter((l) => l !== undefined && l !== "").join("\n").trim();
  if (!text) {
    return "";
  }
  const body = text.replace(/\*\//g, "*\\/").split("\n");
  if (body.length === 1) {
    return `${indent}/** ${body[0]} */\n`;
  }
  return `${indent}/**\n${body.map((l) => (l ? `${indent} * ${l}` : `${indent} *`)).join("\n")}\n${indent} */\n`;
}

function defaultNote(s) {
  // A `null` default says no more than the `?` and the `| null` already do.
  return s.default === undefined || s.default === null ? undefined : `Default: \`${JSON.stringify(s.default)}\`.`;
}

function literal(v) {
  return JSON.stringify(v);
}

/** The string values of a string enum (`enum`, `const`, or a `oneOf`/`anyOf` of those), else undefined. */
function stringValues(s) {
  if (Array.isArray(s.enum) && s.enum.every((v) => typeof v === "string")) {
    return s.enum;
  }
  if (typeof s.const === "string") {
    return [s.const];
  }
  const alts = s.oneOf ?? s.anyOf;
  if (Array.isArray(alts) && !s.properties) {
    const parts = alts.map(stringValues);
    return parts.every(Boolean) ? parts.flat() : undefined;
  }
  return undefined;
}

/** The TypeScript type of a schema, inline. */
function typeOf(s, where, indent) {
  if (s === true || (typeof s === "object" && Object.keys(s).length === 0)) {
    return "unknown";
  }
  checkKeywords(s, where);
  if (s.$ref) {
    const m = /^#\/\$defs\/([A-Za-z_][A-Za-z0-9_]*)$/.exec(s.$ref);
    if (!m) {
      fail(where, `a $ref outside this file's $defs: ${s.$ref}`);
    }
    return m[1];
  }
  if (s.const !== undefined) {
    return literal(s.const);
  }
  if (s.enum) {
    return s.enum.map(literal).join(" | ");
  }
  const alts = s.oneOf ?? s.anyOf;
  if (alts) {
    return union(alts.map((a, i) => typeOf(a, `${where}/${s.oneOf ? "oneOf" : "anyOf"}/${i}`, indent)));
  }
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : fail(where, "no type");
  return union(types.map((t) => typeOfKind(t, s, where, indent)));
}

function union(parts) {
  return [...new Set(parts)].join(" | ");
}

function typeOfKind(t, s, where, indent) {
  switch (t) {
    case "string":
      return "string";
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array": {
      if (!s.items) {
        return "unknown[]";
      }
      const item = typeOf(s.items, `${where}/items`, indent);
      return item.includes(" ") && !item.startsWith("{") ? `(${item})[]` : `${item}[]`;
    }
    case "object":
      if (s.properties) {
        return `{\n${members(s, where, `${indent}  `)}${indent}}`;
      }
      if (s.additionalProperties === false) {
        return "Record<string, never>";
      }
      if (s.additionalProperties && typeof s.additionalProperties === "object") {
        return `Record<string, ${typeOf(s.additionalProperties, `${where}/additionalProperties`, indent)}>`;
      }
      return "Record<string, unknown>";
    default:
      return fail(where, `the type '${t}'`);
  }
}

/** The members of an object schema, one per line, each with its description. */
function members(s, where, indent) {
  const required = new Set(s.required ?? []);
  for (const r of required) {
    if (!s.properties[r]) {
      fail(where, `'${r}' is required but not a property`);
    }
  }
  let out = "";
  for (const [name, p] of Object.entries(s.properties)) {
    const key = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : literal(name);
    const opt = required.has(name) ? "" : "?";
    out += doc([p.description, defaultNote(p)], indent);
    out += `${indent}${key}${opt}: ${typeOf(p, `${where}/properties/${name}`, indent)};\n`;
  }
  return out;
}

/** One named type: an interface for an object with properties, else a type alias. */
function declaration(name, s, where) {
  checkKeywords(s, where);
  const isObject = s.type === "object" && s.properties && !s.oneOf && !s.anyOf;
  let out = "";
  const values = stringValues(s);
  const variants = (s.oneOf ?? s.anyOf ?? [])
    .filter((a) => a.description && typeof a.const === "string")
    .map((a) => `- \`${a.const}\`: ${a.description.replace(/\n/g, " ")}`);
  out += doc([s.description, ...variants, defaultNote(s)], "");
  if (isObject) {
    out += `export interface ${name} {\n${members(s, where, "  ")}}\n`;
  } else {
    out += `export type ${name} = ${typeOf(s, where, "")};\n`;
  }
  if (values) {
    // The values at run time too, for the shim's checks of what it receives.
    out += `export const ${name}Values: readonly ${name}[] = [${values.map(literal).join(", ")}];\n`;
  }
  return out;
}

/** Drops the documentation, so that two copies of a definition compare by their shape. */
function shape(s) {
  if (Array.isArray(s)) {
    return s.map(shape);
  }
  if (s && typeof s === "object") {
    return Object.fromEntries(
      Object.entries(s)
        .filter(([k]) => k !== "description")
        .map(([k, v]) => [k, k === "properties" ? Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, shape(pv)])) : shape(v)]),
    );
  }
  return s;
}

export function generate(dir = schemasDir) {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort();
  /** name -> { schema, from } */
  const types = new Map();
  const add = (name, schema, from) => {
    const before = types.get(name);
    if (!before) {
      types.set(name, { schema, from });
      return;
    }
    if (JSON.stringify(shape(before.schema)) !== JSON.stringify(shape(schema))) {
      fail(from, `'${name}' differs from the one in ${before.from}`);
    }
  };
  /** stem ("listTokens.result") -> the name of its top-level type */
  const roots = new Map();
  for (const f of files) {
    const s = JSON.parse(readFileSync(join(dir, f), "utf8"));
    const stem = f.replace(/\.json$/, "");
    if (typeof s.title !== "string" || !/^[A-Z][A-Za-z0-9]*$/.test(s.title)) {
      fail(f, "no type name in `title`");
    }
    for (const [name, def] of Object.entries(s.$defs ?? {})) {
      add(name, def, `${f}#/$defs/${name}`);
    }
    const { $defs: _defs, $schema: _schema, ...root } = s;
    add(s.title, root, f);
    roots.set(stem, s.title);
  }

  // A command is a stem with both params and result (tokenStatus is a notification).
  const commands = [...roots.keys()]
    .filter((k) => k.endsWith(".params") && roots.has(k.replace(/\.params$/, ".result")))
    .map((k) => k.replace(/\.params$/, ""));

  let out = "";
  out += "// generated from schemas/ by editors/vscode/scripts/gen-protocol.mjs, do not edit.\n";
  out += "// Regenerate after `cargo run -q -- schemas schemas`: node editors/vscode/scripts/gen-protocol.mjs\n";
  out += "// (test/unit/protocol.test.ts fails when this file and schemas/ differ).\n";
  out += "// No `vscode` import: the unit tests load this module under plain Node.\n\n";

  out += "/** The server's commands (`workspace/executeCommand`), one per pair of schemas/<command>.{params,result}.json. */\n";
  out += "export const Commands = {\n";
  for (const c of commands) {
    out += `  ${c}: ${literal(`elitea.${c}`)},\n`;
  }
  out += "} as const;\n\n";
  out += "export type ServerCommand = (typeof Commands)[keyof typeof Commands];\n\n";
  out += "/** Params and result types by command, for the typed `execute` of the client. */\n";
  out += "export interface CommandMap {\n";
  for (const c of commands) {
    out += `  ${literal(`elitea.${c}`)}: [${roots.get(`${c}.params`)}, ${roots.get(`${c}.result`)}];\n`;
  }
  out += "}\n";

  for (const name of [...types.keys()].sort()) {
    const { schema, from } = types.get(name);
    out += `\n${declaration(name, schema, from)}`;
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  // --schemas DIR: another folder of schemas (the unit tests feed it broken ones).
  const at = process.argv.indexOf("--schemas");
  const text = generate(at > 0 && process.argv[at + 1] ? resolve(process.argv[at + 1]) : schemasDir);
  if (process.argv.includes("--stdout")) {
    process.stdout.write(text);
  } else {
    writeFileSync(outFile, text);
    console.log(`wrote ${outFile}`);
  }
}
