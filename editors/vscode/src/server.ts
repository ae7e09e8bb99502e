// The language server process and the client that speaks to it: finds the binary, starts
// `elitea-tokens lsp`, sends the configuration, forwards commands, and hands the server's
// messages to the UI.

import * as fs from "node:fs";
import * as os from "node:os";
import * as readline from "node:readline";
import type { Readable } from "node:stream";

import * as vscode from "vscode";
import {
  CodeActionRequest,
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type MessageActionItem,
  MessageType,
  type ServerOptions,
  ShowMessageRequest,
  type ShowMessageRequestParams,
  State,
  type StaticFeature,
  type ClientCapabilities,
  type FeatureState,
  TransportKind,
} from "vscode-languageclient/node";

import { type ActionItem, answerFor } from "./actions";
import { findServerBinary, notFoundMessage } from "./binary";
import { activeProfileSettingsPath, buildOptions, DOCUMENT_SELECTOR, parseServerLogLine, RESTART_SETTINGS, serverArgs, userSettingsPath, type EliteaSettings } from "./options";
import { rulesFrom } from "./rules";
import type { CommandMap, InitializationOptions, Rules, TokenStatusParams } from "./protocol";
import { SECRET_STORAGE, ServerError, TOKEN_STATUS, toServerError } from "./serverError";

/**
 * A LanguageClient that does not turn the server's commands into VSCode commands: the shim
 * registers its own `elitea.*` commands (which ask the user first) and sends
 * `workspace/executeCommand` itself.
 */
class EliteaLanguageClient extends LanguageClient {
  override registerFeature(feature: Parameters<LanguageClient["registerFeature"]>[0]): void {
    const method = (feature as { registrationType?: { method?: string } }).registrationType?.method;
    if (method === ExecuteCommandRequest.method) {
      return;
    }
    super.registerFeature(feature);
  }
}

export type ServerState = "starting" | "running" | "stopped" | "notFound";

/**
 * Announces `capabilities.experimental.elitea.secretStorage`: the server may keep its secrets in
 * VSCode's SecretStorage (which works over Remote-SSH, in WSL, containers and code-server).
 */
class SecretStorageFeature implements StaticFeature {
  fillClientCapabilities(capabilities: ClientCapabilities): void {
    const experimental = (capabilities.experimental ?? {}) as Record<string, unknown>;
    const elitea = (experimental.elitea ?? {}) as Record<string, unknown>;
    capabilities.experimental = { ...experimental, elitea: { ...elitea, secretStorage: true } };
  }
  initialize(): void {}
  getState(): FeatureState {
    return { kind: "static" };
  }
  clear(): void {}
}

/** A warning action the shim carries out after answering the server. */
export interface LocalAction {
  action: "showTokens";
  uuid?: string;
}

export class Server implements vscode.Disposable {
  private client: EliteaLanguageClient | undefined;
  private state: ServerState = "stopped";
  private readonly disposables: vscode.Disposable[] = [];
  private readonly stateEmitter = new vscode.EventEmitter<ServerState>();
  private readonly statusEmitter = new vscode.EventEmitter<TokenStatusParams>();
  private readonly actionEmitter = new vscode.EventEmitter<LocalAction>();
  private serverRules: Rules | undefined;
  /** Why the running server's rules cannot be used (none, or malformed), for every view that needs them. */
  private rulesProblem: string | undefined;
  private starting: Promise<void> | undefined;

  /** Fires when the server starts, stops, or cannot be found. */
  readonly onDidChangeState = this.stateEmitter.event;
  /** `elitea/tokenStatus` from the server. */
  readonly onTokenStatus = this.statusEmitter.event;
  /** A warning's action that is the shim's to do (show the tokens). */
  readonly onLocalAction = this.actionEmitter.event;

  /**
   * The rules the server announced in `initialize`, once it has started (as `execute` waits).
   * The shim has no copy of its own: from a server that sent none, or none running, this
   * rejects with a sentence to show instead.
   */
  async rules(): Promise<Rules> {
    await this.starting?.catch(() => undefined);
    if (this.serverRules) {
      return this.serverRules;
    }
    throw new Error(
      this.rulesProblem ??
        "The ELITEA language server is not running, and the checks of what you type come from it: see ELITEA: Show Logs, or run ELITEA: Restart Server.",
    );
  }

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly output: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.stateEmitter,
      this.statusEmitter,
      this.actionEmitter,
      vscode.workspace.onDidChangeConfiguration((e) => this.configurationChanged(e)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.sendConfiguration()),
    );
  }

  get currentState(): ServerState {
    return this.state;
  }

  private setState(s: ServerState): void {
    if (this.state !== s) {
      this.state = s;
      this.stateEmitter.fire(s);
    }
  }

  /** The options sent at start-up and on every change. */
  options(): InitializationOptions {
    const c = vscode.workspace.getConfiguration("elitea");
    const settings: EliteaSettings = {
      serverUrl: c.get<string>("serverUrl"),
      projectId: c.get<number | null>("projectId"),
      verifySsl: c.get<boolean>("verifySsl"),
      settingsSchema: c.get<string>("settingsSchema"),
      secretsStore: c.get<string>("secrets.store"),
      settingsSyncProtect: c.get<boolean>("settingsSync.protect"),
    };
    const folders = (vscode.workspace.workspaceFolders ?? [])
      .filter((f) => f.uri.scheme === "file")
      .map((f) => f.uri.fsPath);
    const storage = this.context.globalStorageUri;
    const defaultPath = storage.scheme === "file" ? userSettingsPath(storage.fsPath) : undefined;
    // The active profile's settings.json: a non-default profile keeps its own file.
    const settingsPath = defaultPath ? activeProfileSettingsPath(defaultPath, this.workspaceKey(), readJson) : undefined;
    return buildOptions(settings, settingsPath, folders);
  }

  /** The key VSCode's profile associations use for this window. */
  private workspaceKey(): string | undefined {
    const ws = vscode.workspace.workspaceFile ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    return ws?.toString();
  }

  /** Starts the server; resolves once it answered `initialize` (or could not start). */
  start(): Promise<void> {
    this.starting ??= this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const search = findServerBinary({
      env: process.env,
      setting: vscode.workspace.getConfiguration("elitea").get<string>("server.path"),
      extensionPath: this.context.extensionPath,
      platform: process.platform,
      arch: process.arch,
      readText: (p) => {
        try {
          return fs.readFileSync(p, "utf8");
        } catch {
          return undefined;
        }
      },
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      homeDir: os.homedir(),
      isFile: (p) => {
        try {
          return fs.statSync(p).isFile();
        } catch {
          return false;
        }
      },
    });
    for (const m of search.missing) {
      const text = `${m.source} names ${m.path}, which does not exist${search.found ? `; using ${search.found.source} instead` : ""}.`;
      this.output.warn(text);
      void vscode.window.showWarningMessage(`ELITEA Tokens: ${text}`);
    }
    if (!search.found?.path) {
      const message = notFoundMessage(search);
      this.output.error(message);
      this.setState("notFound");
      void vscode.window
        .showErrorMessage(message, "Open Settings", "Show Logs")
        .then((choice) => {
          if (choice === "Open Settings") {
            void vscode.commands.executeCommand("workbench.action.openSettings", "elitea.server.path");
          } else if (choice === "Show Logs") {
            this.output.show();
          }
        });
      return;
    }
    const binary = search.found.path;
    try {
      fs.accessSync(binary, fs.constants.X_OK);
    } catch {
      // An unzip that dropped the executable bit; the bundled binary is ours to fix.
      try {
        fs.chmodSync(binary, 0o755);
      } catch (e) {
        this.output.warn(`${binary} is not executable: ${String(e)}`);
      }
    }
    this.output.info(`Starting ${binary} (from ${search.found.source}).`);
    const config = vscode.workspace.getConfiguration("elitea");
    const serverOptions: ServerOptions = {
      command: binary,
      args: serverArgs(config.get<string>("logLevel")),
      transport: TransportKind.stdio,
      // NO_COLOR: the log channel shows text, not terminal colours.
      options: { env: { ...process.env, NO_COLOR: "1" } },
    };
    const output = this.output;
    const toChannel = (input: Readable, stream: "stdout" | "stderr") => {
      readline.createInterface({ input, crlfDelay: Infinity, terminal: false }).on("line", (line) => {
        const { level, message } = parseServerLogLine(line);
        output[level](stream === "stdout" ? `(stdout) ${message}` : message);
      });
    };
    const clientOptions: LanguageClientOptions = {
      // The ELITEA settings files, so that the server sees them as they are edited.
      documentSelector: DOCUMENT_SELECTOR,
      outputChannel: this.output,
      stdioOptions: {
        stdout: (input) => toChannel(input, "stdout"),
        stderr: (input) => toChannel(input, "stderr"),
      },
      initializationOptions: () => {
        const o = this.options();
        this.output.info(
          `User settings: ${o.vscodeUserSettingsPath ?? "(unknown)"}; workspace folders: ${(o.workspaceFolders ?? []).join(", ") || "(none)"}.`,
        );
        return o;
      },
      // A crash restarts the server, up to the client's limit (4 times in 3 minutes).
      connectionOptions: { maxRestartCount: 4 },
    };
    const client = new EliteaLanguageClient("elitea", "ELITEA Tokens", serverOptions, clientOptions);
    this.client = client;
    client.onNotification(TOKEN_STATUS, (params: TokenStatusParams) => {
      this.statusEmitter.fire(params);
    });
    client.registerFeature(new SecretStorageFeature());
    client.onRequest(ShowMessageRequest.type, (params) => this.showMessageRequest(params));
    // The server's secrets in VSCode's SecretStorage; values never reach a log.
    const secrets = this.context.secrets;
    client.onRequest(SECRET_STORAGE.get, async (p: { key: string }) => ({ value: (await secrets.get(p.key)) ?? null }));
    client.onRequest(SECRET_STORAGE.store, async (p: { key: string; value: string }) => {
      await secrets.store(p.key, p.value);
      return {};
    });
    client.onRequest(SECRET_STORAGE.delete, async (p: { key: string }) => {
      await secrets.delete(p.key);
      return {};
    });
    client.onDidChangeState((e) => {
      if (this.client !== client) {
        return;
      }
      if (e.newState === State.Running) {
        const rules = rulesFrom(client.initializeResult);
        if ("error" in rules) {
          // An error state, not a fallback: the server is older than this extension, or not
          // elitea-tokens at all. Commands still reach it; the views that check input say so.
          this.serverRules = undefined;
          this.rulesProblem = `The ELITEA language server (${binary}) is older than this extension: ${rules.error}. Update it, or point elitea.server.path to a current elitea-tokens.`;
          this.output.error(this.rulesProblem);
          void vscode.window.showErrorMessage(`ELITEA Tokens: ${this.rulesProblem}`, "Show Logs").then((c) => c && this.output.show());
        } else {
          this.serverRules = rules;
          this.rulesProblem = undefined;
        }
        this.setState("running");
      } else if (e.newState === State.Starting) {
        this.setState("starting");
      } else {
        this.setState("stopped");
      }
    });
    this.setState("starting");
    try {
      await client.start();
    } catch (e) {
      this.output.error(`The language server did not start: ${String(e)}`);
      this.setState("stopped");
      void vscode.window
        .showErrorMessage(`ELITEA Tokens: the language server did not start (${binary}).`, "Show Logs")
        .then((c) => c && this.output.show());
    }
  }

  /** Stops the server and starts it again with the current settings. Works in any state. */
  async restart(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const old = this.client;
    this.client = undefined;
    if (old) {
      try {
        await old.dispose(3000);
      } catch (e) {
        this.output.warn(`Stopping the language server: ${String(e)}`);
      }
    }
    this.setState("stopped");
    await this.start();
  }

  /**
   * The server's fixes of its `tokenLeaked` diagnostics in a file outside the document
   * selector (any text file: `app/config.py`, `.env`). The file is not synced to the server:
   * the fixes need only the diagnostics, which go with the request.
   */
  async leakActions(
    document: vscode.TextDocument,
    range: vscode.Range,
    context: vscode.CodeActionContext,
  ): Promise<(vscode.CodeAction | vscode.Command)[]> {
    const client = this.client;
    if (!client?.isRunning()) {
      return [];
    }
    const c2p = client.code2ProtocolConverter;
    const result = await client.sendRequest(CodeActionRequest.type, {
      textDocument: c2p.asTextDocumentIdentifier(document),
      range: c2p.asRange(range),
      context: await c2p.asCodeActionContext(context),
    });
    return (await client.protocol2CodeConverter.asCodeActionResult(result ?? [])) ?? [];
  }

  /** Runs one of the server's commands; a failure is a `ServerError` with its kind. */
  async execute<C extends keyof CommandMap>(command: C, params: CommandMap[C][0]): Promise<CommandMap[C][1]> {
    if (this.starting) {
      await this.starting;
    }
    const client = this.client;
    if (!client || this.state === "notFound") {
      throw new ServerError(
        "The ELITEA language server is not running: see ELITEA: Show Logs, or run ELITEA: Restart Server.",
        "unavailable",
      );
    }
    if (!client.isRunning()) {
      // Between a crash and the client's automatic restart, or after it gave up.
      if (client.state === State.Stopped && this.state !== "starting") {
        throw new ServerError(
          "The ELITEA language server stopped: run ELITEA: Restart Server (ELITEA: Show Logs says why).",
          "unavailable",
        );
      }
    }
    try {
      return (await client.sendRequest(ExecuteCommandRequest.type, {
        command,
        arguments: [params],
      })) as CommandMap[C][1];
    } catch (e) {
      throw toServerError(e);
    }
  }

  /**
   * The server's questions (expiry warnings with "Rotate now", "Show tokens", "Remind me
   * tomorrow"; a revoked token's "Replace with a new token…"; "Delete the old token?"). The answer always goes back to the server; an action
   * that is the shim's own to do runs after answering.
   */
  private async showMessageRequest(params: ShowMessageRequestParams): Promise<MessageActionItem | null> {
    const actions = (params.actions ?? []) as ActionItem[];
    const show =
      params.type === MessageType.Error
        ? vscode.window.showErrorMessage
        : params.type === MessageType.Warning
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
    const chosen = await show<ActionItem>(params.message, ...actions);
    const { answer, local } = answerFor(chosen);
    if (local) {
      setTimeout(() => this.actionEmitter.fire(local), 0);
    }
    return answer as MessageActionItem | null;
  }

  /** Sends the `elitea` section as the server names its options. */
  sendConfiguration(): void {
    const client = this.client;
    if (!client?.isRunning()) {
      return;
    }
    const options = this.options();
    this.output.info(
      `Settings changed: server ${options.serverUrl ?? "(none)"}, project ${options.projectId ?? "(personal)"}, schema ${options.schema ?? "(default)"}, ${options.workspaceFolders?.length ?? 0} workspace folder(s).`,
    );
    void client
      .sendNotification(DidChangeConfigurationNotification.type, { settings: { elitea: options } })
      .catch((e) => this.output.warn(`Sending the configuration: ${String(e)}`));
  }

  private configurationChanged(e: vscode.ConfigurationChangeEvent): void {
    if (!e.affectsConfiguration("elitea")) {
      return;
    }
    this.sendConfiguration();
    const needsRestart = RESTART_SETTINGS.some((k) =>
      e.affectsConfiguration(k),
    );
    if (needsRestart) {
      void vscode.window
        .showInformationMessage("ELITEA Tokens: this setting takes effect when the language server restarts.", "Restart Server")
        .then((c) => c && vscode.commands.executeCommand("elitea.restartServer"));
    }
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  /** Stops the server when the extension deactivates. */
  async stop(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) {
      await c.dispose(2000).catch(() => undefined);
    }
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}
