// The editor protocol (shared/protocol.md), as the shim sees it. The shapes follow the JSON
// schemas in the repository's schemas/ folder, which are generated from the Rust types;
// test/unit/protocol.test.ts checks the names below against those files.
// No `vscode` import here: the unit tests load this module under plain Node.

export const Commands = {
  signIn: "elitea.signIn",
  signOut: "elitea.signOut",
  status: "elitea.status",
  listTokens: "elitea.listTokens",
  generateToken: "elitea.generateToken",
  deleteToken: "elitea.deleteToken",
  listModels: "elitea.listModels",
  selectModel: "elitea.selectModel",
  previewSettings: "elitea.previewSettings",
  applySettings: "elitea.applySettings",
  rotateToken: "elitea.rotateToken",
  migrateSettings: "elitea.migrateSettings",
} as const;

export type ServerCommand = (typeof Commands)[keyof typeof Commands];

/** The custom notification the status bar item shows. */
export const TOKEN_STATUS = "elitea/tokenStatus";

export type ErrorKind =
  | "invalidParams"
  | "notSignedIn"
  | "credentialRejected"
  | "notFound"
  | "conflict"
  | "unavailable"
  | "settingsUnavailable"
  | "fileUnreadable"
  | "fileChanged"
  | "keyringUnavailable"
  | "tokenInUse"
  | "internal";

export const ERROR_KINDS: readonly ErrorKind[] = [
  "invalidParams",
  "notSignedIn",
  "credentialRejected",
  "notFound",
  "conflict",
  "unavailable",
  "settingsUnavailable",
  "fileUnreadable",
  "fileChanged",
  "keyringUnavailable",
  "tokenInUse",
  "internal",
];

export type StatusKind = "never" | "ok" | "warning" | "expired";

export interface ExpiryStatus {
  kind: StatusKind;
  label: string;
}

export interface TokenRow {
  uuid: string;
  name?: string | null;
  masked: string;
  expires?: string | null;
  status: ExpiryStatus;
  valueKnown: boolean;
  /** The live settings files that hold this token (absent from older servers). */
  usedIn?: string[];
}

export interface GeneratedToken extends TokenRow {
  token: string;
  warning?: string | null;
  /** Where the server keeps the value ("OS keyring", "the editor's secret storage", …); absent when it could not. */
  keptIn?: string | null;
}

export interface TokenInUse {
  uuid: string;
  name?: string | null;
  expires?: string | null;
  status: ExpiryStatus;
  files: string[];
  revoked?: boolean;
  /** `...ab12`, when the server sends it: what a nameless token is called. */
  masked?: string | null;
}

export interface UserInfo {
  id: number;
  email?: string | null;
  name?: string | null;
}

export interface SelectedModel {
  name: string;
  projectId: number;
  /** Named by hand on a server without the models endpoint: not checked. */
  manual?: boolean;
}

export type Measure = "never" | "days" | "weeks" | "hours" | "minutes";

export interface Expiration {
  measure: Measure;
  value?: number | null;
}

export type SortBy = "name" | "expiration";
export type Order = "asc" | "desc";
/** One of the server's `rules.pageSizes`. */
export type PageSize = number;
export type Ide = "vscode" | "jetbrains";
export type SettingsSchema = "legacy" | "current";
export type TargetKind = "user" | "workspace" | "file";

export interface SignInParams {
  serverUrl: string;
  token: string;
  projectId?: number | null;
  verifySsl?: boolean | null;
}

export interface SignInResult {
  user: UserInfo;
  serverUrl: string;
  projectId?: number | null;
}

export interface SignOutParams {
  serverUrl?: string | null;
}

export interface StatusResult {
  signedIn: boolean;
  serverUrl?: string | null;
  user?: UserInfo | null;
  projectId?: number | null;
  model?: SelectedModel | null;
  settingsAvailable: boolean;
  settingsUnavailableReason?: string | null;
  tokensInUse: TokenInUse[];
  verifySsl?: boolean | null;
  secretsStore: string;
  warnings: string[];
  /** Why the credential cannot be read (no usable secret store) and what to do; also in `warnings`. */
  credentialNote?: string | null;
}

export interface ListQuery {
  search?: string | null;
  sortBy?: SortBy | null;
  order?: Order;
  pageSize?: PageSize;
  page?: number;
  unused?: boolean;
}

export interface Page<T> {
  total: number;
  page: number;
  pageSize: number;
  items: T[];
}

export interface GenerateTokenParams {
  name: string;
  /** Required, except with `replaceIn`: then, when left out, the server asks the user. */
  expiration?: Expiration;
  /** The "Replace with a new token…" quick fix: the value goes here, through applyEdit. */
  replaceIn?: ReplaceIn;
}

/** A token value in an open document: its URI and the value's range (LSP positions). */
export interface ReplaceIn {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

export interface DeleteTokenParams {
  uuid: string;
  confirmName: string;
  force?: boolean;
}

export interface DeleteTokenResult {
  deleted: string;
}

export interface ModelInfo {
  name: string;
  displayName: string;
  projectId: number;
  default: boolean;
  shared: boolean;
}

export interface ListModelsParams {
  projectId?: number | null;
}

export interface ModelsResult {
  items: ModelInfo[];
  selected?: SelectedModel | null;
}

export interface SelectModelParams {
  projectId?: number | null;
  name: string;
  /** Keep the name as typed, unchecked (a server without the models endpoint). */
  manual?: boolean;
}

export interface SelectModelResult {
  selected: SelectedModel;
}

export interface PreviewSettingsParams {
  uuid: string;
  ide: Ide;
  schema?: SettingsSchema | null;
}

export interface PreviewResult {
  fileName: string;
  relativePath: string;
  language: string;
  content: string;
  tokenIncluded: boolean;
  note?: string | null;
}

export interface Target {
  kind: TargetKind;
  path?: string | null;
}

export interface ApplySettingsParams {
  uuid: string;
  ide: Ide;
  target: Target;
  schema?: SettingsSchema | null;
  withoutToken?: boolean;
  allowTrackedFile?: boolean;
  includeTokenInXml?: boolean;
  /** Write an expired token anyway: the user insisted. */
  allowExpired?: boolean;
  /** Replace an expired token first (same lifetime, written where the old one was), then apply the new one. */
  replaceExpired?: boolean;
}

export interface ApplyResult {
  path: string;
  changedKeys: string[];
  backupPath?: string | null;
  tokenIncluded: boolean;
  /** The new token written instead of the expired one (`replaceExpired`). */
  replacedBy?: TokenRow | null;
}

/** `elitea.migrateSettings`: legacy `alitacode.*` keys / `.idea/alita.xml` to today's. */
export interface MigrateSettingsParams {
  path: string;
  dryRun?: boolean;
  writeProtected?: boolean;
}

export type FileChange = "edited" | "created" | "deleted";

export interface MigrateSettingsResult {
  dryRun: boolean;
  files: { path: string; change: FileChange }[];
  /** `to: null`: the legacy key was dropped, today's key already held a value. */
  moves: { from: string; to: string | null }[];
}

export interface RotateTokenParams {
  uuid: string;
  expiration?: Expiration | null;
  name?: string | null;
  deleteOld?: boolean | null;
}

export interface RotateResult {
  old: string;
  new: TokenRow;
  appliedTo: string[];
  deleted: boolean;
  message: string;
}

export interface TokenStatusParams {
  tokensInUse: TokenInUse[];
  /** The signed-in user, once the server knows the name (sign-in answers before it does). */
  user?: UserInfo | null;
}

/** `initializationOptions`, and the `elitea` section of `workspace/didChangeConfiguration`. */
export interface InitializationOptions {
  serverUrl?: string | null;
  projectId?: number | null;
  verifySsl?: boolean | null;
  schema?: SettingsSchema | null;
  publicProjectId?: number | null;
  vscodeUserSettingsPath?: string | null;
  jetbrainsProjectPath?: string | null;
  workspaceFolders?: string[] | null;
  secretsStore?: SecretsStore | null;
}

export type SecretsStore = "keyring" | "file" | "editor";
export const SECRETS_STORES: readonly SecretsStore[] = ["keyring", "file", "editor"];

/** Server-to-client requests answered from the editor's SecretStorage (announced in `initialize`). */
export const SECRET_STORAGE = {
  get: "elitea/secretStorage/get",
  store: "elitea/secretStorage/store",
  delete: "elitea/secretStorage/delete",
} as const;

/** What an expiry warning's button asks for; the server names it, the shim never reads titles. */
export type WarningAction = "rotate" | "replace" | "showTokens" | "snooze";

/** One expiration measure the server accepts, with its limits (`initialize` rules). */
export interface MeasureRule {
  measure: Measure;
  label: string;
  min?: number;
  max?: number;
}

/** `initialize`'s `capabilities.experimental.elitea.rules`: the only copy of the rules the shim uses. */
export interface Rules {
  name: {
    pattern: string;
    maxLength: number;
    hint: string;
    /** Names ELITEA keeps for itself (whole name, case-sensitive); absent from older servers. */
    reservedNames?: string[];
    /** Why a reserved name is refused, in the server's words. */
    reservedHint?: string;
  };
  expiration: { default: Expiration; measures: MeasureRule[] };
  pageSizes: number[];
  defaultPageSize: number;
  warningThresholds: { name: string; seconds: number }[];
}

/** Params and result types by command, for the typed `execute` of the client. */
export interface CommandMap {
  "elitea.signIn": [SignInParams, SignInResult];
  "elitea.signOut": [SignOutParams, Record<string, never>];
  "elitea.status": [Record<string, never>, StatusResult];
  "elitea.listTokens": [ListQuery, Page<TokenRow>];
  "elitea.generateToken": [GenerateTokenParams, GeneratedToken];
  "elitea.deleteToken": [DeleteTokenParams, DeleteTokenResult];
  "elitea.listModels": [ListModelsParams, ModelsResult];
  "elitea.selectModel": [SelectModelParams, SelectModelResult];
  "elitea.previewSettings": [PreviewSettingsParams, PreviewResult];
  "elitea.applySettings": [ApplySettingsParams, ApplyResult];
  "elitea.rotateToken": [RotateTokenParams, RotateResult];
  "elitea.migrateSettings": [MigrateSettingsParams, MigrateSettingsResult];
}

/** A failed command: the server's sentence and its `data.kind`. */
export class ServerError extends Error {
  readonly kind: ErrorKind;
  readonly code: number | undefined;
  /** `data.reason`: a finer reason within the kind, such as `valueNotKnown`. */
  readonly reason: string | undefined;
  constructor(message: string, kind: ErrorKind, code?: number, reason?: string) {
    super(message);
    this.name = "ServerError";
    this.kind = kind;
    this.code = code;
    this.reason = reason;
  }
}

/** Turns whatever a request rejected with into a `ServerError`. */
export function toServerError(e: unknown): ServerError {
  if (e instanceof ServerError) {
    return e;
  }
  const any = e as { message?: unknown; data?: { kind?: unknown }; code?: unknown } | undefined;
  const message =
    typeof any?.message === "string" && any.message.length > 0 ? any.message : String(e);
  const kindRaw = any?.data?.kind;
  const kind: ErrorKind =
    typeof kindRaw === "string" && (ERROR_KINDS as readonly string[]).includes(kindRaw)
      ? (kindRaw as ErrorKind)
      : "internal";
  const code = typeof any?.code === "number" ? any.code : undefined;
  const reasonRaw = (any?.data as { reason?: unknown } | undefined)?.reason;
  return new ServerError(message, kind, code, typeof reasonRaw === "string" ? reasonRaw : undefined);
}
