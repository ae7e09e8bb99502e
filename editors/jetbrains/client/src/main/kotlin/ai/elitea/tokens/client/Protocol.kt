// GENERATED from schemas/ by editors/jetbrains/client/scripts/gen-protocol.py: do not edit.
// Run `python3 editors/jetbrains/client/scripts/gen-protocol.py` after `cargo run -q -- schemas
// schemas`; ci.sh fails when this file differs from what the script writes. Hand-written
// behaviour for these types lives in ProtocolSupport.kt and Rules.kt.

package ai.elitea.tokens.client

import com.google.gson.annotations.SerializedName

// ---------------------------------------------------------------- enums

/** How the credential fared when status checked it. */
enum class CredentialState {
    /** The server accepted it just now. */
    @SerializedName("valid") VALID,

    /** The server refused it: deleted, expired or wrong. */
    @SerializedName("rejected") REJECTED,

    /** The server could not be asked (unreachable, timed out, failing). */
    @SerializedName("notChecked") NOT_CHECKED,
}

enum class ErrorKind {
    @SerializedName("invalidParams") INVALID_PARAMS,
    @SerializedName("notSignedIn") NOT_SIGNED_IN,
    @SerializedName("credentialRejected") CREDENTIAL_REJECTED,
    @SerializedName("notFound") NOT_FOUND,
    @SerializedName("conflict") CONFLICT,
    @SerializedName("unavailable") UNAVAILABLE,
    @SerializedName("settingsUnavailable") SETTINGS_UNAVAILABLE,
    @SerializedName("fileUnreadable") FILE_UNREADABLE,
    @SerializedName("fileChanged") FILE_CHANGED,
    @SerializedName("keyringUnavailable") KEYRING_UNAVAILABLE,
    @SerializedName("internal") INTERNAL,

    /** A token that a live settings file still holds (`data.files`). */
    @SerializedName("tokenInUse") TOKEN_IN_USE,
}

enum class FileChangeKind {
    @SerializedName("edited") EDITED,
    @SerializedName("created") CREATED,
    @SerializedName("deleted") DELETED,
}

enum class Ide {
    @SerializedName("vscode") VSCODE,
    @SerializedName("jetbrains") JETBRAINS,
}

/**
 * The expiration choices the product offers, as the web UI does. The server also takes
 * `seconds`, which nobody needs for a personal token.
 */
enum class Measure {
    @SerializedName("never") NEVER,
    @SerializedName("days") DAYS,
    @SerializedName("weeks") WEEKS,
    @SerializedName("hours") HOURS,
    @SerializedName("minutes") MINUTES,
}

/**
 * Which generation of the ELITEA plugins the file is for. `current` is what the web UI writes
 * and today's plugins read, hence the default; `legacy` is written on request, and kept up to
 * date in files that already hold it.
 */
enum class SettingsSchema {
    @SerializedName("legacy") LEGACY,
    @SerializedName("current") CURRENT,
}

enum class SortBy {
    @SerializedName("name") NAME,
    @SerializedName("expiration") EXPIRATION,
}

enum class SortOrder {
    @SerializedName("asc") ASC,
    @SerializedName("desc") DESC,
}

enum class StatusKind {
    @SerializedName("never") NEVER,
    @SerializedName("ok") OK,
    @SerializedName("warning") WARNING,
    @SerializedName("expired") EXPIRED,
}

/** Which store the user chose. */
enum class StoreChoice {
    @SerializedName("keyring") KEYRING,
    @SerializedName("file") FILE,

    /**
     * The editor's own secret storage (VSCode's SecretStorage, IntelliJ's PasswordSafe),
     * through the language server's client; the CLI treats it as `keyring`.
     */
    @SerializedName("editor") EDITOR,
}

enum class TargetKind {
    /** VSCode's user settings.json. */
    @SerializedName("user") USER,

    /**
     * A workspace (`.vscode/settings.json`) or a JetBrains project (`.idea/...`); `path` is
     * the folder, else the first workspace folder the editor passed.
     */
    @SerializedName("workspace") WORKSPACE,

    /** The file at `path`. */
    @SerializedName("file") FILE,
}

// ---------------------------------------------------------------- objects

/** "Allow here": the entry written, and where. */
data class AllowLeakResult(
    /** The `.elitea-tokens-ignore` file, at the repository's top (or the scanned folder). */
    val ignoreFile: String,
    /** The line added (`<path>:<uuid>`); unchanged files say so with `added: false`. */
    val entry: String,
    val added: Boolean,
)

data class ApplySettingsParams(
    val uuid: String,
    val ide: Ide,
    val target: SettingsTarget,
    /** Write the token even though it has expired (else `conflict`, reason `tokenExpired`). */
    val allowExpired: Boolean? = null,
    /** Write the token into a file that git tracks or does not ignore. */
    val allowTrackedFile: Boolean? = null,
    /** Put `llmAuthToken` into the JetBrains XML (only old plugin versions read it). */
    val includeTokenInXml: Boolean? = null,
    /**
     * An expired token is first replaced: a new one with the same lifetime, written where the
     * old one was, the old one deleted; the new one is then written (`replacedBy`).
     */
    val replaceExpired: Boolean? = null,
    val schema: SettingsSchema? = null,
    /** Write the settings without the token when its value is not known. */
    val withoutToken: Boolean? = null,
    /** Replace the file even when it is read-only or owned by another user. */
    val writeProtected: Boolean? = null,
)

data class ApplySettingsResult(
    val path: String,
    val changedKeys: List<String>,
    val tokenIncluded: Boolean,
    val backupPath: String? = null,
    /**
     * Others could read the file, which now holds a token: it was made readable by its owner
     * only.
     */
    val madePrivate: Boolean? = null,
    /** The token written instead of the expired one asked for (`replaceExpired`). */
    val replacedBy: TokenRow? = null,
    /**
     * The token keys were added to VSCode's `settingsSync.ignoredSettings`, so that Settings
     * Sync does not upload the token.
     */
    val syncProtected: Boolean? = null,
)

data class DeleteTokenParams(
    val uuid: String,
    /** The token's name, typed by the user; must match exactly. */
    val confirmName: String,
    /** Delete even when a live settings file still holds the token (`tokenInUse` otherwise). */
    val force: Boolean? = null,
)

data class DeleteTokenResult(
    val deleted: String,
)

/** A zero-based line and a character offset in UTF-16 code units, as LSP counts them. */
data class DocPosition(
    val line: Int,
    val character: Int,
)

data class DocRange(
    val start: DocPosition,
    val end: DocPosition,
)

class EmptyParams {
    override fun equals(other: Any?) = other is EmptyParams
    override fun hashCode() = 0
    override fun toString() = "{}"
}

class EmptyResult {
    override fun equals(other: Any?) = other is EmptyResult
    override fun hashCode() = 0
    override fun toString() = "{}"
}

data class ErrorData(
    val kind: ErrorKind,
    /** With `tokenInUse`: the live settings files that hold the token. */
    val files: List<String>? = null,
    /**
     * A finer reason within the kind, for the shims to dispatch on: `valueNotKnown` (a
     * `notFound` about a token's value), `tokenExpired` and `trackedFile` (a `conflict` of
     * `applySettings`: resend with `allowExpired`/`replaceExpired`, or `allowTrackedFile`),
     * `writeProtected` (a `fileUnreadable` file that is read-only or another user's: resend
     * with `writeProtected`).
     */
    val reason: String? = null,
)

data class Expiration(
    val measure: Measure,
    /** A whole number above 0; not used with `never`; 30 when omitted with `days`. */
    val value: Long? = null,
) {
    companion object : ExpirationFactory()
}

data class ExpirationRules(
    val default: Expiration,
    val measures: List<MeasureRule>,
)

data class ExpiryStatus(
    val kind: StatusKind,
    val label: String,
)

data class FileChange(
    val path: String,
    val change: FileChangeKind,
)

data class GenerateTokenParams(
    /** `^[A-Za-z0-9_-]{1,768}$`, not taken by another of your tokens. */
    val name: String,
    /**
     * Required, except with `replaceIn`: then, when it is left out, the server asks the user
     * to choose one (`window/showMessageRequest`).
     */
    val expiration: Expiration? = null,
    /**
     * Write the new value into an open document in place of the token value at this range,
     * through `workspace/applyEdit` (the "Replace with a new token…" quick fix). The other
     * files that hold the old token are left as they are: that is what rotation is for.
     */
    val replaceIn: ReplaceIn? = null,
)

/** A generated token: its row, and the full value, shown this once. */
data class GeneratedToken(
    val uuid: String,
    /** How every view names it: the name, else the masked value. */
    val displayName: String,
    /** What the user types to confirm its delete: the name, else the uuid. */
    val confirmName: String,
    /** `...` plus the last four characters. */
    val masked: String,
    val status: ExpiryStatus,
    /**
     * Whether the full value is held in the keyring, so settings written for this token will
     * authenticate.
     */
    val valueKnown: Boolean,
    /** The live settings files that hold it (filled by a list; empty elsewhere). */
    val usedIn: List<String>,
    /**
     * The same files in the user's words ("your user settings", "workspace settings (app)"),
     * in the same order.
     */
    val usedInPlaces: List<String>,
    val token: String,
    /** RFC 3339, or null for a token that never expires. */
    val expires: String? = null,
    /**
     * Where the value is kept ("OS keyring", "the editor's secret storage", "insecure file
     * ..."), for messages that say so; absent when it could not be kept.
     */
    val keptIn: String? = null,
    val name: String? = null,
    /** Set when the value could not be kept in the keyring. */
    val warning: String? = null,
) : GeneratedTokenSupport {
    override fun toString() = "GeneratedToken(uuid=$uuid, displayName=$displayName, confirmName=$confirmName, masked=$masked, status=$status, valueKnown=$valueKnown, usedIn=$usedIn, usedInPlaces=$usedInPlaces, token=<${token.length} chars>, expires=$expires, keptIn=$keptIn, name=$name, warning=$warning)"
}

/**
 * Options the editor passes in `initialize`, and later under the `elitea` section of
 * `workspace/didChangeConfiguration`.
 */
data class InitializationOptions(
    /** Seconds to wait for a connection to the ELITEA server (10). */
    val connectTimeoutSeconds: Long? = null,
    val jetbrainsProjectPath: String? = null,
    val projectId: Long? = null,
    val publicProjectId: Long? = null,
    /** Seconds to wait for an answer from the ELITEA server (30). */
    val requestTimeoutSeconds: Long? = null,
    /** The settings schema written by default: `current` (the default) or `legacy`. */
    val schema: SettingsSchema? = null,
    /**
     * `keyring` (the default), `editor` (the editor's own secret storage, for a client that
     * offers it) or `file` (the explicit insecure opt-in); `ELITEA_TOKENS_SECRETS_STORE` when
     * not given.
     */
    val secretsStore: StoreChoice? = null,
    val serverUrl: String? = null,
    /**
     * Writing a token into VSCode's user settings adds its keys to
     * `settingsSync.ignoredSettings`, so that Settings Sync does not upload it (true, the
     * default; the VSCode setting `elitea.settingsSync.protect`).
     */
    val settingsSyncProtect: Boolean? = null,
    val verifySsl: Boolean? = null,
    val vscodeUserSettingsPath: String? = null,
    val workspaceFolders: List<String>? = null,
)

/**
 * A leaked token in a file (the `tokenLeaked` fixes): the file's URI and the token's uuid.
 * The file is scanned again: nothing else the client sends back is trusted.
 */
data class LeakParams(
    val uri: String,
    val uuid: String,
)

data class ListModelsParams(
    val projectId: Long? = null,
)

/** Search, sort and paging, all done by the client: the server has none of them. */
data class ListTokensParams(
    val order: SortOrder? = null,
    val page: Int? = null,
    /** 5, 10, 50 or 100. */
    val pageSize: Int? = null,
    val search: String? = null,
    val sortBy: SortBy? = null,
    /** Only the tokens no live settings file holds. */
    val unused: Boolean? = null,
)

data class MeasureRule(
    val measure: Measure,
    val label: String,
    val max: Int? = null,
    /** Absent for `never`, which takes no value. */
    val min: Int? = null,
)

data class MigrateSettingsParams(
    /**
     * The settings file: a `settings.json`, a `.code-workspace` file, `.idea/alita.xml` (or
     * `.idea/elitea.xml`, for the `alita.xml` beside it). A path or a `file:` URI.
     */
    val path: String,
    /** Say what would move, writing nothing. */
    val dryRun: Boolean? = null,
    /** Replace the files even when read-only or owned by another user. */
    val writeProtected: Boolean? = null,
)

data class MigrateSettingsResult(
    /** Nothing was written: `files` and `moves` say what a real run would do. */
    val dryRun: Boolean,
    /** The files changed (or, in a dry run, that would be); empty when nothing is legacy. */
    val files: List<FileChange>,
    /** Every key or option moved, by name (never a value). */
    val moves: List<SettingMove>,
) : MigrateSettingsResultSupport

data class ModelInfo(
    val name: String,
    val displayName: String,
    val projectId: Long,
    val default: Boolean,
    val shared: Boolean,
)

data class ModelsResult(
    val items: List<ModelInfo>,
    val selected: SelectedModel? = null,
)

data class NameRule(
    /** An ECMAScript and Java compatible regular expression for the whole name. */
    val pattern: String,
    val maxLength: Long,
    /** A sentence for a name that does not match. */
    val hint: String,
    /** Names the server keeps for itself: refused whole and exactly as written. */
    val reservedNames: List<String>,
    /** A sentence for a reserved name. */
    val reservedHint: String,
) : NameRuleSupport

data class PreviewSettingsParams(
    val uuid: String,
    val ide: Ide,
    /** `current` (default, what the web UI writes and today's plugins read) or `legacy`. */
    val schema: SettingsSchema? = null,
)

data class PreviewSettingsResult(
    val fileName: String,
    /** Where the file goes inside a project: `.vscode/settings.json`, `.idea/alita.xml`, ... */
    val relativePath: String,
    val language: String,
    val content: String,
    val tokenIncluded: Boolean,
    /** Why the token is left out, when it is. */
    val note: String? = null,
) : PreviewSettingsResultSupport {
    override fun toString() = "PreviewSettingsResult(fileName=$fileName, relativePath=$relativePath, language=$language, content=<${content.length} chars>, tokenIncluded=$tokenIncluded, note=$note)"
}

/** A token value in an open document: its URI and the value's range (LSP positions). */
data class ReplaceIn(
    val uri: String,
    val range: DocRange,
)

data class RotateTokenParams(
    val uuid: String,
    /** Delete the old token once the new one works; when omitted, the user is asked. */
    val deleteOld: Boolean? = null,
    /** The replacement's expiration; by default the old one's. */
    val expiration: Expiration? = null,
    /** The replacement's name; `<old>-<yyyymmdd>` by default. */
    val name: String? = null,
)

data class RotateTokenResult(
    val old: String,
    val new: TokenRow,
    val appliedTo: List<String>,
    val deleted: Boolean,
    /** What happened, in a sentence for the user. */
    val message: String,
)

/**
 * The rules the shims validate with as the user types, sent in `initialize`'s result as
 * `capabilities.experimental.elitea.rules`, so that no shim keeps a copy of its own.
 */
data class Rules(
    val name: NameRule,
    val serverUrl: ServerUrlRule,
    val expiration: ExpirationRules,
    val pageSizes: List<Int>,
    val defaultPageSize: Int,
    /** When expiry warnings fall due, as what is left of the token's life. */
    val warningThresholds: List<WarningThreshold>,
) : RulesSupport {
    companion object : RulesFactory()
}

data class SelectModelParams(
    val name: String,
    /**
     * Keep `name` as typed, unchecked: for a server without the models endpoint. The
     * project is `projectId`, else the one given at sign-in.
     */
    val manual: Boolean? = null,
    val projectId: Long? = null,
)

data class SelectModelResult(
    val selected: SelectedModel,
)

data class SelectedModel(
    val name: String,
    val projectId: Long,
    /** Typed by the user on a server without the models endpoint: not checked against it. */
    val manual: Boolean? = null,
)

/**
 * What a server address may be, as sign-in takes it: `sandbox`, or an `https://` (or
 * `http://`) URL with a host and no query or fragment.
 */
data class ServerUrlRule(
    /** An ECMAScript and Java compatible regular expression for the whole text. */
    val pattern: String,
    /** A sentence for a text that does not match. */
    val hint: String,
)

/**
 * One key (or option) moved: `to` is `None` when it was dropped because today's key was
 * already there (the value today's plugin reads is the one kept).
 */
data class SettingMove(
    val from: String,
    val to: String? = null,
)

data class SettingsTarget(
    val kind: TargetKind,
    val path: String? = null,
) {
    companion object : SettingsTargetFactory()
}

data class SignInParams(
    /** A server URL, or `sandbox` for the embedded sandbox. */
    val serverUrl: String,
    val token: String,
    val projectId: Long? = null,
    val verifySsl: Boolean? = null,
) {
    override fun toString() = "SignInParams(serverUrl=$serverUrl, token=<${token.length} chars>, projectId=$projectId, verifySsl=$verifySsl)"
}

data class SignInResult(
    val user: UserInfo,
    val serverUrl: String,
    val projectId: Long? = null,
)

data class SignOutParams(
    /** The server to sign out of; the current one when omitted. */
    val serverUrl: String? = null,
)

data class StatusResult(
    val signedIn: Boolean,
    val settingsAvailable: Boolean,
    val tokensInUse: List<TokenInUse>,
    /** Where secrets are kept. */
    val secretsStore: String,
    /** Things the user should know: TLS verification off, secrets in a plain file. */
    val warnings: List<String>,
    /**
     * Whether the server accepts the credential, asked with one fast call: `rejected` once
     * the token was deleted or expired on the server, `notChecked` when it cannot be asked.
     */
    val credential: CredentialState? = null,
    /** Why the credential is rejected or was not checked, in a sentence. */
    val credentialNote: String? = null,
    val model: SelectedModel? = null,
    val projectId: Long? = null,
    val serverUrl: String? = null,
    val settingsUnavailableReason: String? = null,
    val user: UserInfo? = null,
    /** False when TLS verification is off for this server. */
    val verifySsl: Boolean? = null,
)

/** A token found in a live settings file (read from its JWT payload, so it works offline). */
data class TokenInUse(
    val uuid: String,
    val status: ExpiryStatus,
    val files: List<String>,
    val expires: String? = null,
    val name: String? = null,
    /** Deleted on the server while still written in a settings file. */
    val revoked: Boolean? = null,
) : TokenInUseSupport

data class TokenPage(
    val total: Long,
    val page: Int,
    val pageSize: Int,
    val items: List<TokenRow>,
)

/** The protocol's `TokenRow` as sent. */
data class TokenRow(
    val uuid: String,
    /** How every view names it: the name, else the masked value. */
    val displayName: String,
    /** What the user types to confirm its delete: the name, else the uuid. */
    val confirmName: String,
    /** `...` plus the last four characters. */
    val masked: String,
    val status: ExpiryStatus,
    /**
     * Whether the full value is held in the keyring, so settings written for this token will
     * authenticate.
     */
    val valueKnown: Boolean,
    /** The live settings files that hold it (filled by a list; empty elsewhere). */
    val usedIn: List<String>,
    /**
     * The same files in the user's words ("your user settings", "workspace settings (app)"),
     * in the same order.
     */
    val usedInPlaces: List<String>,
    /** RFC 3339, or null for a token that never expires. */
    val expires: String? = null,
    val name: String? = null,
)

data class TokenStatusParams(
    val tokensInUse: List<TokenInUse>,
    /**
     * Who is signed in, when anyone is: sent again when the user's name arrives after
     * sign-in (a slow user endpoint).
     */
    val user: UserInfo? = null,
)

data class UserInfo(
    val id: Long,
    val email: String? = null,
    val name: String? = null,
)

data class WarningThreshold(
    /** `week`, `day`, `hour` or `expired`. */
    val name: String,
    /** Seconds left when the warning is due. */
    val seconds: Long,
)
