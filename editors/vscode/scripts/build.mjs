// Builds the extension bundle (dist/extension.js) and the JSON schema it contributes
// (dist/schemas/); with --tests also the unit and end-to-end tests (dist-test/).
import { copyFileSync, readdirSync, mkdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const withTests = process.argv.includes("--tests");
const onlyTests = process.argv.includes("--only-tests");

if (!onlyTests) {
  rmSync(join(root, "dist"), { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [join(root, "src/extension.ts")],
    outfile: join(root, "dist/extension.js"),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node18",
    external: ["vscode"],
    sourcemap: false,
    // Minified for a smaller package and a faster activation; names kept so that the stack
    // traces in the output channel still say where.
    minify: true,
    keepNames: true,
    logLevel: "warning",
    legalComments: "none",
  });

  // The Personal Tokens page: its script with the @vscode-elements components, its styles and
  // the codicon font, all served from the extension (the webview loads nothing remote).
  await esbuild.build({
    entryPoints: [join(root, "src/webview/main.ts")],
    outfile: join(root, "dist/webview/tokens.js"),
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "chrome120",
    minify: true,
    logLevel: "warning",
    legalComments: "none",
  });
  const codicons = join(root, "node_modules/@vscode/codicons/dist");
  copyFileSync(join(root, "src/webview/tokens.css"), join(root, "dist/webview/tokens.css"));
  copyFileSync(join(codicons, "codicon.css"), join(root, "dist/webview/codicon.css"));
  copyFileSync(join(codicons, "codicon.ttf"), join(root, "dist/webview/codicon.ttf"));

  // The schema of the ELITEA plugin keys in settings.json, for the jsonValidation contribution.
  mkdirSync(join(root, "dist/schemas"), { recursive: true });
  for (const f of readdirSync(join(root, "schemas"))) {
    if (f.endsWith(".json")) {
      const text = readFileSync(join(root, "schemas", f), "utf8");
      JSON.parse(text); // a broken schema fails the build, not the user's editor
      writeFileSync(join(root, "dist/schemas", f), text);
    }
  }
}

if (withTests || onlyTests) {
  rmSync(join(root, "dist-test"), { recursive: true, force: true });
  for (const kind of ["unit", "e2e"]) {
    const dir = join(root, "test", kind);
    const entries = readdirSync(dir)
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => join(dir, f));
    await esbuild.build({
      entryPoints: entries,
      outdir: join(root, "dist-test", kind),
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      external: ["vscode", "playwright-core"],
      sourcemap: "inline",
      logLevel: "warning",
    });
  }
}
