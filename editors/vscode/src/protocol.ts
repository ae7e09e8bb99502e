// generated from schemas/ by editors/vscode/scripts/gen-protocol.mjs, do not edit.
// Regenerate after `cargo run -q -- schemas schemas`: node editors/vscode/scripts/gen-protocol.mjs
// (test/unit/protocol.test.ts fails when this file and schemas/ differ).
// No `vscode` import: the unit tests load this module under plain Node.

/** The server's commands (`workspace/executeCommand`), one per pair of schemas/<command>.{params,result}.json. */
export const Commands = {
  allowLeak: "elitea.allowLeak",
  applySettings: "elitea.applySettings",
  deleteToken: "elitea.deleteToken",
  generateToken: "elitea.generateToken",
  listModels: "elitea.listModels",
  listTokens: "elitea.listTokens",
  migrateSettings: "elitea.migrateSettings",
  previewSettings: "elitea.previewSettings",
  revokeLeak: "elitea.revokeLeak",
  rotateToken: "elitea.rotateToken",
  selectModel: "elitea.selectModel",
  signIn: "elitea.signIn",
  signOut: "elitea.signOut",
  status: "elitea.status",
} as const;

export type ServerCommand = (typeof Commands)[keyof typeof Commands];

/** Params and result types by command, for the typed `execute` of the client. */
export interface CommandMap {
  "elitea.allowLeak": [LeakParams, AllowLeakResult];
  "elitea.applySettings": [ApplySettingsParams, ApplyResult];
  "elitea.deleteToken": [DeleteTokenParams, DeleteTokenResult];
  "elitea.generateToken": [GenerateTokenParams, GeneratedToken];
  "elitea.listModels": [ListModelsParams, ModelsResult];
  "elitea.listTokens": [ListQuery, Page];
  "elitea.migrateSettings": [MigrateSettingsParams, MigrateResult];
  "elitea.previewSettings": [PreviewSettingsParams, PreviewResult];
  "elitea.revokeLeak": [LeakParams, RotateResult];
  "elitea.rotateToken": [RotateTokenParams, RotateResult];
  "elitea.selectModel": [SelectModelParams, SelectModelResult];
  "elitea.signIn": [SignInParams, SignInResult];
  "elitea.signOut": [SignOutParams, EmptyResult];
  "elitea.status": [EmptyParams, StatusResult];
}

/** "Allow here": the entry written, and where. */
export interface AllowLeakResult {
  added: boolean;
  /** The line added (`<path>:<uuid>`); unchanged files say so with `added: false`. */
  entry: string;
  /** The `.elitea-tokens-ignore` file, at the repository's top (or the scanned folder). */
  ignoreFile: string;
}

export interface ApplyResult {
  backupPath?: string | null;
  changedKeys: string[];
  /**
   * Others could read the file, which now holds a token: it was made readable by its owner
   * only.
   * Default: `false`.
   */
  madePrivate?: boolean;
  path: string;
  /** The token written instead of the expired one asked for (`replaceExpired`). */
  replacedBy?: TokenRow | null;
  /**
   * The token keys were added to VSCode's `settingsSync.ignoredSettings`, so that Settings
   * Sync does not upload the token.
   * Default: `false`.
   */
  syncProtected?: boolean;
  tokenIncluded: boolean;
}

export interface ApplySettingsParams {
  /**
   * Write the token even though it has expired (else `conflict`, reason `tokenExpired`).
   * Default: `false`.
   */
  allowExpired?: boolean;
  /**
   * Write the token into a file that git tracks or does not ignore.
   * Default: `false`.
   */
  allowTrackedFile?: boolean;
  ide: Ide;
  /**
   * Put `llmAuthToken` into the JetBrains XML (only old plugin versions read it).
   * Default: `false`.
   */
  includeTokenInXml?: boolean;
  /**
   * An expired token is first replaced: a new one with the same lifetime, written where the
   * old one was, the old one deleted; the new one is then written (`replacedBy`).
   * Default: `false`.
   */
  replaceExpired?: boolean;
  schema?: Schema | null;
  target: Target;
  uuid: string;
  /**
   * Write the settings without the token when its value is not known.
   * Default: `false`.
   */
  withoutToken?: boolean;
  /**
   * Replace the file even when it is read-only or owned by another user.
   * Default: `false`.
   */
  writeProtected?: boolean;
}

export type Change = "edited" | "created" | "deleted";
export const ChangeValues: readonly Change[] = ["edited", "created", "deleted"];

/**
 * How the credential fared when status checked it.
 * - `valid`: The server accepted it just now.
 * - `rejected`: The server refused it: deleted, expired or wrong.
 * - `notChecked`: The server could not be asked (unreachable, timed out, failing).
 */
export type CredentialState = "valid" | "rejected" | "notChecked";
export const CredentialStateValues: readonly CredentialState[] = ["valid", "rejected", "notChecked"];

export interface DeleteTokenParams {
  /** The token's name, typed by the user; must match exactly. */
  confirmName: string;
  /**
   * Delete even when a live settings file still holds the token (`tokenInUse` otherwise).
   * Default: `false`.
   */
  force?: boolean;
  uuid: string;
}

export interface DeleteTokenResult {
  deleted: string;
}

/** A zero-based line and a character offset in UTF-16 code units, as LSP counts them. */
export interface DocPosition {
  character: number;
  line: number;
}

export interface DocRange {
  end: DocPosition;
  start: DocPosition;
}

export type EmptyParams = Record<string, never>;

export type EmptyResult = Record<string, unknown>;

export interface ErrorData {
  /** With `tokenInUse`: the live settings files that hold the token. */
  files?: string[];
  kind: ErrorKind;
  /**
   * A finer reason within the kind, for the shims to dispatch on: `valueNotKnown` (a
   * `notFound` about a token's value), `tokenExpired` and `trackedFile` (a `conflict` of
   * `applySettings`: resend with `allowExpired`/`replaceExpired`, or `allowTrackedFile`),
   * `writeProtected` (a `fileUnreadable` file that is read-only or another user's: resend
   * with `writeProtected`).
   */
  reason?: string | null;
}

/** - `tokenInUse`: A token that a live settings file still holds (`data.files`). */
export type ErrorKind = "invalidParams" | "notSignedIn" | "credentialRejected" | "notFound" | "conflict" | "unavailable" | "settingsUnavailable" | "fileUnreadable" | "fileChanged" | "keyringUnavailable" | "internal" | "tokenInUse";
export const ErrorKindValues: readonly ErrorKind[] = ["invalidParams", "notSignedIn", "credentialRejected", "notFound", "conflict", "unavailable", "settingsUnavailable", "fileUnreadable", "fileChanged", "keyringUnavailable", "internal", "tokenInUse"];

export interface Expiration {
  measure: Measure;
  /** A whole number above 0; not used with `never`; 30 when omitted with `days`. */
  value?: number | null;
}

export interface ExpirationRules {
  default: Expiration;
  measures: MeasureRule[];
}

export interface ExpiryStatus {
  kind: StatusKind;
  label: string;
}

export interface FileChange {
  change: Change;
  path: string;
}

export interface GenerateTokenParams {
  /**
   * Required, except with `replaceIn`: then, when it is left out, the server asks the user
   * to choose one (`window/showMessageRequest`).
   */
  expiration?: Expiration | null;
  /** `^[A-Za-z0-9_-]{1,768}$`, not taken by another of your tokens. */
  name: string;
  /**
   * Write the new value into an open document in place of the token value at this range,
   * through `workspace/applyEdit` (the "Replace with a new token…" quick fix). The other
   * files that hold the old token are left as they are: that is what rotation is for.
   */
  replaceIn?: ReplaceIn | null;
}

/** A generated token: its row, and the full value, shown this once. */
export interface GeneratedToken {
  /** What the user types to confirm its delete: the name, else the uuid. */
  confirmName: string;
  /** How every view names it: the name, else the masked value. */
  displayName: string;
  /** RFC 3339, or null for a token that never expires. */
  expires?: string | null;
  /**
   * Where the value is kept ("OS keyring", "the editor's secret storage", "insecure file
   * ..."), for messages that say so; absent when it could not be kept.
   */
  keptIn?: string | null;
  /** `...` plus the last four characters. */
  masked: string;
  name?: string | null;
  status: ExpiryStatus;
  token: string;
  /** The live settings files that hold it (filled by a list; empty elsewhere). */
  usedIn: string[];
  /**
   * The same files in the user's words ("your user settings", "workspace settings (app)"),
   * in the same order.
   */
  usedInPlaces: string[];
  uuid: string;
  /**
   * Whether the full value is held in the keyring, so settings written for this token will
   * authenticate.
   */
  valueKnown: boolean;
  /** Set when the value could not be kept in the keyring. */
  warning?: string | null;
}

export type Ide = "vscode" | "jetbrains";
export const IdeValues: readonly Ide[] = ["vscode", "jetbrains"];

/**
 * Options the editor passes in `initialize`, and later under the `elitea` section of
 * `workspace/didChangeConfiguration`.
 */
export interface InitializationOptions {
  /** Seconds to wait for a connection to the ELITEA server (10). */
  connectTimeoutSeconds?: number | null;
  jetbrainsProjectPath?: string | null;
  projectId?: number | null;
  publicProjectId?: number | null;
  /** Seconds to wait for an answer from the ELITEA server (30). */
  requestTimeoutSeconds?: number | null;
  /** The settings schema written by default: `current` (the default) or `legacy`. */
  schema?: Schema | null;
  /**
   * `keyring` (the default), `editor` (the editor's own secret storage, for a client that
   * offers it) or `file` (the explicit insecure opt-in); `ELITEA_TOKENS_SECRETS_STORE` when
   * not given.
   */
  secretsStore?: StoreChoice | null;
  serverUrl?: string | null;
  /**
   * Writing a token into VSCode's user settings adds its keys to
   * `settingsSync.ignoredSettings`, so that Settings Sync does not upload it (true, the
   * default; the VSCode setting `elitea.settingsSync.protect`).
   */
  settingsSyncProtect?: boolean | null;
  verifySsl?: boolean | null;
  vscodeUserSettingsPath?: string | null;
  workspaceFolders?: string[] | null;
}

/**
 * A leaked token in a file (the `tokenLeaked` fixes): the file's URI and the token's uuid.
 * The file is scanned again: nothing else the client sends back is trusted.
 */
export interface LeakParams {
  uri: string;
  uuid: string;
}

export interface ListModelsParams {
  projectId?: number | null;
}

/** Search, sort and paging, all done by the client: the server has none of them. */
export interface ListQuery {
  /** Default: `"asc"`. */
  order?: Order;
  /** Default: `0`. */
  page?: number;
  /**
   * 5, 10, 50 or 100.
   * Default: `10`.
   */
  pageSize?: 5 | 10 | 50 | 100;
  search?: string | null;
  sortBy?: SortBy | null;
  /**
   * Only the tokens no live settings file holds.
   * Default: `false`.
   */
  unused?: boolean;
}

/**
 * The expiration choices the product offers, as the web UI does. The server also takes
 * `seconds`, which nobody needs for a personal token.
 */
export type Measure = "never" | "days" | "weeks" | "hours" | "minutes";
export const MeasureValues: readonly Measure[] = ["never", "days", "weeks", "hours", "minutes"];

export interface MeasureRule {
  label: string;
  max?: number | null;
  measure: Measure;
  /** Absent for `never`, which takes no value. */
  min?: number | null;
}

export interface MigrateResult {
  /** Nothing was written: `files` and `moves` say what a real run would do. */
  dryRun: boolean;
  /** The files changed (or, in a dry run, that would be); empty when nothing is legacy. */
  files: FileChange[];
  /** Every key or option moved, by name (never a value). */
  moves: Move[];
}

export interface MigrateSettingsParams {
  /**
   * Say what would move, writing nothing.
   * Default: `false`.
   */
  dryRun?: boolean;
  /**
   * The settings file: a `settings.json`, a `.code-workspace` file, `.idea/alita.xml` (or
   * `.idea/elitea.xml`, for the `alita.xml` beside it). A path or a `file:` URI.
   */
  path: string;
  /**
   * Replace the files even when read-only or owned by another user.
   * Default: `false`.
   */
  writeProtected?: boolean;
}

export interface ModelInfo {
  default: boolean;
  displayName: string;
  name: string;
  projectId: number;
  shared: boolean;
}

export interface ModelsResult {
  items: ModelInfo[];
  selected?: SelectedModel | null;
}

/**
 * One key (or option) moved: `to` is `None` when it was dropped because today's key was
 * already there (the value today's plugin reads is the one kept).
 */
export interface Move {
  from: string;
  to?: string | null;
}

export interface NameRule {
  /** A sentence for a name that does not match. */
  hint: string;
  maxLength: number;
  /** An ECMAScript and Java compatible regular expression for the whole name. */
  pattern: string;
  /** A sentence for a reserved name. */
  reservedHint: string;
  /** Names the server keeps for itself: refused whole and exactly as written. */
  reservedNames: string[];
}

export type Order = "asc" | "desc";
export const OrderValues: readonly Order[] = ["asc", "desc"];

export interface Page {
  items: TokenRow[];
  page: number;
  pageSize: number;
  total: number;
}

export interface PreviewResult {
  content: string;
  fileName: string;
  language: string;
  /** Why the token is left out, when it is. */
  note?: string | null;
  /** Where the file goes inside a project: `.vscode/settings.json`, `.idea/alita.xml`, ... */
  relativePath: string;
  tokenIncluded: boolean;
}

export interface PreviewSettingsParams {
  ide: Ide;
  /** `current` (default, what the web UI writes and today's plugins read) or `legacy`. */
  schema?: Schema | null;
  uuid: string;
}

/** A token value in an open document: its URI and the value's range (LSP positions). */
export interface ReplaceIn {
  range: DocRange;
  uri: string;
}

export interface RotateResult {
  appliedTo: string[];
  deleted: boolean;
  /** What happened, in a sentence for the user. */
  message: string;
  new: TokenRow;
  old: string;
}

export interface RotateTokenParams {
  /** Delete the old token once the new one works; when omitted, the user is asked. */
  deleteOld?: boolean | null;
  /** The replacement's expiration; by default the old one's. */
  expiration?: Expiration | null;
  /** The replacement's name; `<old>-<yyyymmdd>` by default. */
  name?: string | null;
  uuid: string;
}

/**
 * The rules the shims validate with as the user types, sent in `initialize`'s result as
 * `capabilities.experimental.elitea.rules`, so that no shim keeps a copy of its own.
 */
export interface Rules {
  defaultPageSize: number;
  expiration: ExpirationRules;
  name: NameRule;
  pageSizes: number[];
  serverUrl: ServerUrlRule;
  /** When expiry warnings fall due, as what is left of the token's life. */
  warningThresholds: WarningThreshold[];
}

/**
 * Which generation of the ELITEA plugins the file is for. `current` is what the web UI writes
 * and today's plugins read, hence the default; `legacy` is written on request, and kept up to
 * date in files that already hold it.
 */
export type Schema = "legacy" | "current";
export const SchemaValues: readonly Schema[] = ["legacy", "current"];

export interface SelectModelParams {
  /**
   * Keep `name` as typed, unchecked: for a server without the models endpoint. The
   * project is `projectId`, else the one given at sign-in.
   * Default: `false`.
   */
  manual?: boolean;
  name: string;
  projectId?: number | null;
}

export interface SelectModelResult {
  selected: SelectedModel;
}

export interface SelectedModel {
  /** Typed by the user on a server without the models endpoint: not checked against it. */
  manual?: boolean;
  name: string;
  projectId: number;
}

/**
 * What a server address may be, as sign-in takes it: `sandbox`, or an `https://` (or
 * `http://`) URL with a host and no query or fragment.
 */
export interface ServerUrlRule {
  /** A sentence for a text that does not match. */
  hint: string;
  /** An ECMAScript and Java compatible regular expression for the whole text. */
  pattern: string;
}

export interface SignInParams {
  projectId?: number | null;
  /** A server URL, or `sandbox` for the embedded sandbox. */
  serverUrl: string;
  token: string;
  verifySsl?: boolean | null;
}

export interface SignInResult {
  projectId?: number | null;
  serverUrl: string;
  user: UserInfo;
}

export interface SignOutParams {
  /** The server to sign out of; the current one when omitted. */
  serverUrl?: string | null;
}

export type SortBy = "name" | "expiration";
export const SortByValues: readonly SortBy[] = ["name", "expiration"];

export type StatusKind = "never" | "ok" | "warning" | "expired";
export const StatusKindValues: readonly StatusKind[] = ["never", "ok", "warning", "expired"];

export interface StatusResult {
  /**
   * Whether the server accepts the credential, asked with one fast call: `rejected` once
   * the token was deleted or expired on the server, `notChecked` when it cannot be asked.
   */
  credential?: CredentialState | null;
  /** Why the credential is rejected or was not checked, in a sentence. */
  credentialNote?: string | null;
  model?: SelectedModel | null;
  projectId?: number | null;
  /** Where secrets are kept. */
  secretsStore: string;
  serverUrl?: string | null;
  settingsAvailable: boolean;
  settingsUnavailableReason?: string | null;
  signedIn: boolean;
  tokensInUse: TokenInUse[];
  user?: UserInfo | null;
  /** False when TLS verification is off for this server. */
  verifySsl?: boolean | null;
  /** Things the user should know: TLS verification off, secrets in a plain file. */
  warnings: string[];
}

/**
 * Which store the user chose.
 * - `editor`: The editor's own secret storage (VSCode's SecretStorage, IntelliJ's PasswordSafe), through the language server's client; the CLI treats it as `keyring`.
 */
export type StoreChoice = "keyring" | "file" | "editor";
export const StoreChoiceValues: readonly StoreChoice[] = ["keyring", "file", "editor"];

export interface Target {
  kind: TargetKind;
  path?: string | null;
}

/**
 * - `user`: VSCode's user settings.json.
 * - `workspace`: A workspace (`.vscode/settings.json`) or a JetBrains project (`.idea/...`); `path` is the folder, else the first workspace folder the editor passed.
 * - `file`: The file at `path`.
 */
export type TargetKind = "user" | "workspace" | "file";
export const TargetKindValues: readonly TargetKind[] = ["user", "workspace", "file"];

/** A token found in a live settings file (read from its JWT payload, so it works offline). */
export interface TokenInUse {
  expires?: string | null;
  files: string[];
  name?: string | null;
  /**
   * Deleted on the server while still written in a settings file.
   * Default: `false`.
   */
  revoked?: boolean;
  status: ExpiryStatus;
  uuid: string;
}

/** The protocol's `TokenRow` as sent. */
export interface TokenRow {
  /** What the user types to confirm its delete: the name, else the uuid. */
  confirmName: string;
  /** How every view names it: the name, else the masked value. */
  displayName: string;
  /** RFC 3339, or null for a token that never expires. */
  expires?: string | null;
  /** `...` plus the last four characters. */
  masked: string;
  name?: string | null;
  status: ExpiryStatus;
  /** The live settings files that hold it (filled by a list; empty elsewhere). */
  usedIn: string[];
  /**
   * The same files in the user's words ("your user settings", "workspace settings (app)"),
   * in the same order.
   */
  usedInPlaces: string[];
  uuid: string;
  /**
   * Whether the full value is held in the keyring, so settings written for this token will
   * authenticate.
   */
  valueKnown: boolean;
}

export interface TokenStatusParams {
  tokensInUse: TokenInUse[];
  /**
   * Who is signed in, when anyone is: sent again when the user's name arrives after
   * sign-in (a slow user endpoint).
   */
  user?: UserInfo | null;
}

export interface UserInfo {
  email?: string | null;
  id: number;
  name?: string | null;
}

export interface WarningThreshold {
  /** `week`, `day`, `hour` or `expired`. */
  name: string;
  /** Seconds left when the warning is due. */
  seconds: number;
}
