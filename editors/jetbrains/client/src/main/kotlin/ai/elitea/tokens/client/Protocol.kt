// The editor protocol of `elitea-tokens lsp` (shared/protocol.md), as Kotlin data classes.
//
// Property names are the wire names; `schemas/` (generated from the server's Rust types) is
// the reference, and SchemaMatchTest fails when these classes drift from it. Rules the
// decoder (Json.kt) relies on:
//  - a property the schema requires is non-null and has no default;
//  - an optional one is nullable with `= null` (or a list with a default), never a primitive
//    with a default, so that a missing required number or boolean is an error, not a zero.
package ai.elitea.tokens.client

import com.google.gson.annotations.SerializedName

/** The command names: fixed by the protocol, the server lists the same in `initialize`. */
object Commands {
    const val SIGN_IN = "elitea.signIn"
    const val SIGN_OUT = "elitea.signOut"
    const val STATUS = "elitea.status"
    const val LIST_TOKENS = "elitea.listTokens"
    const val GENERATE_TOKEN = "elitea.generateToken"
    const val DELETE_TOKEN = "elitea.deleteToken"
    const val LIST_MODELS = "elitea.listModels"
    const val SELECT_MODEL = "elitea.selectModel"
    const val PREVIEW_SETTINGS = "elitea.previewSettings"
    const val APPLY_SETTINGS = "elitea.applySettings"
    const val ROTATE_TOKEN = "elitea.rotateToken"

    /** Moves `alitacode.*` keys and `.idea/alita.xml`'s AlitaSettings to today's (issue 22). */
    const val MIGRATE_SETTINGS = "elitea.migrateSettings"

    val ALL: List<String> = listOf(
        SIGN_IN, SIGN_OUT, STATUS, LIST_TOKENS, GENERATE_TOKEN, DELETE_TOKEN,
        LIST_MODELS, SELECT_MODEL, PREVIEW_SETTINGS, APPLY_SETTINGS, ROTATE_TOKEN, MIGRATE_SETTINGS,
    )

    /** The server's own notification for the status bar. */
    const val TOKEN_STATUS_NOTIFICATION = "elitea/tokenStatus"
}

// ---------------------------------------------------------------- enums

enum class StatusKind {
    @SerializedName("never") NEVER,
    @SerializedName("ok") OK,
    @SerializedName("warning") WARNING,
    @SerializedName("expired") EXPIRED,
}

enum class Measure {
    @SerializedName("never") NEVER,
    @SerializedName("days") DAYS,
    @SerializedName("weeks") WEEKS,
    @SerializedName("hours") HOURS,
    @SerializedName("minutes") MINUTES,
}

enum class SortBy {
    @SerializedName("name") NAME,
    @SerializedName("expiration") EXPIRATION,
}

enum class SortOrder {
    @SerializedName("asc") ASC,
    @SerializedName("desc") DESC,
}

enum class Ide {
    @SerializedName("vscode") VSCODE,
    @SerializedName("jetbrains") JETBRAINS,
}

/**
 * Which generation of the ELITEA IDE plugins the settings are for. The server defaults to
 * `current` (what ELITEA's web UI writes today: `.idea/elitea.xml`, `eliteacode.*`); `legacy`
 * (`.idea/alita.xml`, `alitacode.*`) stays selectable for older plugin versions.
 */
enum class SettingsSchema {
    @SerializedName("legacy") LEGACY,
    @SerializedName("current") CURRENT,
}

enum class TargetKind {
    @SerializedName("user") USER,
    @SerializedName("workspace") WORKSPACE,
    @SerializedName("file") FILE,
}

enum class StoreChoice {
    @SerializedName("keyring") KEYRING,
    @SerializedName("file") FILE,

    /** The editor's own secret storage (issue 13): PasswordSafe in the IDE. */
    @SerializedName("editor") EDITOR,
}

/** How the credential fared when `elitea.status` checked it. */
enum class CredentialState {
    @SerializedName("valid") VALID,
    @SerializedName("rejected") REJECTED,
    @SerializedName("notChecked") NOT_CHECKED,
}

/** `data.kind` of every error the server answers. */
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
    @SerializedName("tokenInUse") TOKEN_IN_USE,
    @SerializedName("internal") INTERNAL,
}

// ---------------------------------------------------------------- shared objects

data class UserInfo(
    val id: Long,
    val email: String? = null,
    val name: String? = null,
)

data class SelectedModel(
    val name: String,
    val projectId: Long,
    /** Typed by the user on a server without the models endpoint: not checked against it. */
    val manual: Boolean? = null,
)

data class ExpiryStatus(
    val kind: StatusKind,
    /** `Never`, `in 30 days`, `in 12 hours`, `Expired`, ... */
    val label: String,
)

/**
 * A token as every view shows it. What a view calls it ([displayName]), what delete takes
 * ([confirmName]) and where it is written in the user's words ([usedInPlaces]) are the
 * server's: no shim keeps its own copy of those rules.
 */
data class TokenRow(
    val uuid: String,
    val name: String? = null,
    /** Its name, else its masked form (never "(no name)"). */
    val displayName: String,
    /** What `elitea.deleteToken` takes as `confirmName`: the name, else the uuid. */
    val confirmName: String,
    /** `...` plus the last four characters. */
    val masked: String,
    /** RFC 3339, or null for a token that never expires. */
    val expires: String? = null,
    val status: ExpiryStatus,
    /** Whether the full value is held in the keyring, so settings written for it authenticate. */
    val valueKnown: Boolean,
    /** The live settings files that hold it. */
    val usedIn: List<String>,
    /** The same places in the user's words ("VSCode user settings", "workspace: app", ...). */
    val usedInPlaces: List<String>,
)

/** A token found in a live settings file (read from its JWT payload, so it works offline). */
data class TokenInUse(
    val uuid: String,
    val name: String? = null,
    val expires: String? = null,
    val status: ExpiryStatus,
    val files: List<String>,
    /** Deleted on the server while still written in a settings file. */
    val revoked: Boolean? = null,
    /** `...ab12`, for a token without a name; null from a server that does not send it. */
    val masked: String? = null,
) {
    val isRevoked: Boolean get() = revoked == true

    /** What the status bar calls it: its name, else its masked form, else a short uuid. */
    val displayName: String get() = name?.takeIf { it.isNotBlank() } ?: masked ?: "token ${uuid.take(8)}"
}

/** Never, or a whole number of days, weeks, hours or minutes. */
data class Expiration(
    val measure: Measure,
    val value: Long? = null,
) {
    companion object {
        // What a dialog offers first is the server's `rules.expiration.default`, not a constant here.
        val NEVER = Expiration(Measure.NEVER, null)

        /** `value` is ignored for [Measure.NEVER]. */
        fun of(measure: Measure, value: Long?): Expiration =
            if (measure == Measure.NEVER) NEVER else Expiration(measure, value)
    }
}

// ---------------------------------------------------------------- commands

/** `elitea.signIn`. `serverUrl` may be `sandbox` (the embedded sandbox; an empty token then). */
data class SignInParams(
    val serverUrl: String,
    val token: String,
    val projectId: Long? = null,
    val verifySsl: Boolean? = null,
) {
    override fun toString() =
        "SignInParams(serverUrl=$serverUrl, token=<${token.length} chars>, projectId=$projectId, verifySsl=$verifySsl)"
}

data class SignInResult(
    val user: UserInfo,
    val serverUrl: String,
    val projectId: Long? = null,
)

/** `elitea.signOut`: the current server when `serverUrl` is null. */
data class SignOutParams(
    val serverUrl: String? = null,
)

/** `{}`: the params of `elitea.status`. */
class EmptyParams {
    override fun equals(other: Any?) = other is EmptyParams
    override fun hashCode() = 0
    override fun toString() = "{}"
}

/** `{}`: the result of `elitea.signOut`. */
class EmptyResult {
    override fun equals(other: Any?) = other is EmptyResult
    override fun hashCode() = 0
    override fun toString() = "{}"
}

data class StatusResult(
    val signedIn: Boolean,
    val serverUrl: String? = null,
    val user: UserInfo? = null,
    val projectId: Long? = null,
    val model: SelectedModel? = null,
    val settingsAvailable: Boolean,
    val settingsUnavailableReason: String? = null,
    val tokensInUse: List<TokenInUse>,
    /** False when TLS verification is off for this server. */
    val verifySsl: Boolean? = null,
    /** Where secrets are kept. */
    val secretsStore: String,
    /** Things the user should know: TLS verification off, secrets in a plain file. */
    val warnings: List<String>,
    /** Whether the server accepts the credential, asked with one fast call. */
    val credential: CredentialState? = null,
    /** Why the credential is rejected or was not checked, in a sentence. */
    val credentialNote: String? = null,
)

/** `elitea.listTokens`: search, sort and paging, done by the server (ELITEA has none). */
data class ListTokensParams(
    val search: String? = null,
    val sortBy: SortBy? = null,
    val order: SortOrder? = null,
    /** One of the server's `rules.pageSizes`. */
    val pageSize: Int? = null,
    /** 0-based. */
    val page: Int? = null,
    /** Only the tokens no live settings file holds. */
    val unused: Boolean? = null,
)

data class TokenPage(
    val total: Long,
    val page: Int,
    val pageSize: Int,
    val items: List<TokenRow>,
)

data class GenerateTokenParams(
    /** Matching the server's `rules.name`, not taken by another of your tokens. */
    val name: String,
    /** Required, except with [replaceIn]: then, when it is null, the server asks the user. */
    val expiration: Expiration? = null,
    /**
     * The "Replace with a new token…" quick fix: the new value goes into this open document at
     * this range, through `workspace/applyEdit`.
     */
    val replaceIn: ReplaceIn? = null,
)

/** A token value in an open document: its URI and the value's range (LSP positions). */
data class ReplaceIn(val uri: String, val range: DocRange)

data class DocRange(val start: DocPosition, val end: DocPosition)

/** Zero-based; `character` in UTF-16 code units, as LSP counts them. */
data class DocPosition(val line: Int, val character: Int)

/** A generated token: its row, and the full value, shown this once. */
data class GeneratedToken(
    val uuid: String,
    val name: String? = null,
    val displayName: String,
    val confirmName: String,
    val masked: String,
    val expires: String? = null,
    val status: ExpiryStatus,
    val valueKnown: Boolean,
    val token: String,
    /** Set when the value could not be kept in the keyring. */
    val warning: String? = null,
    /** Where the value is kept ("OS keyring", "the editor's secret storage", ...), for messages. */
    val keptIn: String? = null,
    /** The live settings files that hold it (filled by a list; empty here). */
    val usedIn: List<String>,
    val usedInPlaces: List<String>,
) {
    val row: TokenRow get() = TokenRow(uuid, name, displayName, confirmName, masked, expires, status, valueKnown, usedIn, usedInPlaces)

    override fun toString() =
        "GeneratedToken(uuid=$uuid, name=$name, masked=$masked, expires=$expires, status=$status, " +
            "valueKnown=$valueKnown, token=<hidden>, warning=$warning, keptIn=$keptIn)"
}

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

data class ListModelsParams(
    val projectId: Long? = null,
)

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

data class SelectModelParams(
    val projectId: Long? = null,
    val name: String,
    /** Keep `name` as typed, unchecked (a server without the models endpoint). */
    val manual: Boolean? = null,
)

data class SelectModelResult(
    val selected: SelectedModel,
)

data class PreviewSettingsParams(
    val uuid: String,
    val ide: Ide,
    val schema: SettingsSchema? = null,
)

data class PreviewSettingsResult(
    /** `settings.json`, `alita.xml` or `elitea.xml`. */
    val fileName: String,
    /** Where the file goes inside a project: `.vscode/settings.json`, `.idea/alita.xml`, ... */
    val relativePath: String,
    /** `json` or `xml`, for highlighting. */
    val language: String,
    val content: String,
    val tokenIncluded: Boolean,
    /** Why the token is left out, when it is. */
    val note: String? = null,
) {
    val isXml: Boolean get() = language.equals("xml", ignoreCase = true)

    override fun toString() =
        "PreviewSettingsResult(fileName=$fileName, relativePath=$relativePath, language=$language, " +
            "content=<${content.length} chars>, tokenIncluded=$tokenIncluded, note=$note)"
}

/** Where settings are written: the user's settings, this project's, or one file. */
data class SettingsTarget(
    val kind: TargetKind,
    val path: String? = null,
) {
    companion object {
        val USER = SettingsTarget(TargetKind.USER)
        val WORKSPACE = SettingsTarget(TargetKind.WORKSPACE)
        fun file(path: String) = SettingsTarget(TargetKind.FILE, path)
    }
}

data class ApplySettingsParams(
    val uuid: String,
    val ide: Ide,
    val target: SettingsTarget,
    val schema: SettingsSchema? = null,
    /**
     * The JetBrains files carry no token: only old ELITEA plugin versions read `llmAuthToken`,
     * and it is written only when the user asks for it (true). Left out (null) otherwise.
     */
    val includeTokenInXml: Boolean? = null,
    /** Write the settings without the token when its value is not known here. */
    val withoutToken: Boolean? = null,
    /**
     * Write a token into a file that git tracks or does not ignore; the server refuses
     * (`conflict`) until the user confirms.
     */
    val allowTrackedFile: Boolean? = null,
    /** Replace the file even when it is read-only or owned by another user. */
    val writeProtected: Boolean? = null,
    /** Write an expired token anyway: the user insisted (the server refuses with `tokenExpired` otherwise). */
    val allowExpired: Boolean? = null,
    /**
     * Replace the expired token first (a new token of the same lifetime, written where the old
     * one was, the old one deleted), then apply the new one.
     */
    val replaceExpired: Boolean? = null,
)

data class ApplySettingsResult(
    val path: String,
    /** Our keys whose value changed; empty when the file was already right. */
    val changedKeys: List<String>,
    /** The previous content, kept beside the file. */
    val backupPath: String? = null,
    val tokenIncluded: Boolean,
    /** The new token, when the expired one was replaced first (`replaceExpired`). */
    val replacedBy: TokenRow? = null,
)

/** `elitea.migrateSettings`: one settings file, moved to today's keys / `.idea/elitea.xml`. */
data class MigrateSettingsParams(
    /** A VSCode settings file, a `*.code-workspace`, or a JetBrains `.idea/alita.xml`. */
    val path: String,
    /** Say what would move, change nothing. */
    val dryRun: Boolean? = null,
    /** Replace a read-only or foreign-owned file (the server answers `fileUnreadable` otherwise). */
    val writeProtected: Boolean? = null,
)

enum class FileChangeKind {
    @SerializedName("edited") EDITED,
    @SerializedName("created") CREATED,
    @SerializedName("deleted") DELETED,
}

data class FileChange(
    val path: String,
    val change: FileChangeKind,
)

/** One key or component moved: [to] is null when it was dropped (today's key already held a value). */
data class SettingMove(
    val from: String,
    val to: String? = null,
)

data class MigrateSettingsResult(
    val dryRun: Boolean,
    val files: List<FileChange>,
    val moves: List<SettingMove>,
) {
    /** Nothing to migrate: the file already uses today's settings. */
    val isEmpty: Boolean get() = files.isEmpty() && moves.isEmpty()
}

data class RotateTokenParams(
    val uuid: String,
    /** The replacement's expiration; the old one's when null. */
    val expiration: Expiration? = null,
    /** The replacement's name; `<old>-<yyyymmdd>` when null. */
    val name: String? = null,
    /** Delete the old token once the new one works; when null the server asks the user. */
    val deleteOld: Boolean? = null,
)

data class RotateTokenResult(
    val old: String,
    val new: TokenRow,
    /** The settings files the new value was written into (wherever the old one was in use). */
    val appliedTo: List<String>,
    val deleted: Boolean,
    /** What happened, in a sentence for the user. */
    val message: String,
)

// ---------------------------------------------------------------- server to editor

/** `elitea/tokenStatus`. */
data class TokenStatusParams(
    val tokensInUse: List<TokenInUse>,
    /** Who is signed in, when anyone is (sent again when the user's name arrives late). */
    val user: UserInfo? = null,
)

/** `data` of a JSON-RPC error answered by a command. */
data class ErrorData(
    val kind: ErrorKind,
    /** With `tokenInUse`: the live settings files that hold the token. */
    val files: List<String>? = null,
    /**
     * A finer reason within the kind: `valueNotKnown` (a `notFound` about a token's value),
     * `tokenExpired` (a `conflict` of applySettings: the token has expired).
     */
    val reason: String? = null,
)

/** `initializationOptions`, and the `elitea` section of `workspace/didChangeConfiguration`. */
data class InitializationOptions(
    val serverUrl: String? = null,
    val projectId: Long? = null,
    val verifySsl: Boolean? = null,
    /** The settings schema written by default. */
    val schema: SettingsSchema? = null,
    val publicProjectId: Long? = null,
    val vscodeUserSettingsPath: String? = null,
    val jetbrainsProjectPath: String? = null,
    val workspaceFolders: List<String>? = null,
    /** Seconds to wait for a connection to the ELITEA server (10 when omitted). */
    val connectTimeoutSeconds: Long? = null,
    /** Seconds to wait for an answer from the ELITEA server (30 when omitted). */
    val requestTimeoutSeconds: Long? = null,
    /** `keyring` (the default) or `file`, the explicit insecure opt-in. */
    val secretsStore: StoreChoice? = null,
)
