// What the plugin decides, kept out of the IntelliJ classes so that it is compiled and tested
// here: which question an answer of the server raises and what is sent after it, which actions
// are enabled, what the settings page says of the account, which options reach the server.
package ai.elitea.tokens.client

/**
 * A question `elitea.applySettings` asks by refusing, told apart by `data.kind` and
 * `data.reason`, never by the sentence (which is the server's, for the user to read).
 */
enum class ApplyQuestion {
    /** `conflict`: a token headed for a file git tracks or does not ignore. */
    TRACKED_FILE,

    /** `notFound` / `valueNotKnown`: the token's value is not kept here. */
    VALUE_NOT_KNOWN,

    /** `fileUnreadable`: a read-only file, or one owned by another user. */
    WRITE_PROTECTED,

    /** `conflict` / `tokenExpired`: the token has expired (issue 22). */
    TOKEN_EXPIRED,
}

/** What the user chose in the dialog of an [ApplyQuestion]. */
enum class ApplyChoice {
    /** Write anyway (tracked file, read-only file, expired token) or without the token. */
    PROCEED,

    /** Only for [ApplyQuestion.TOKEN_EXPIRED]: replace it with a new token first. */
    REPLACE,
    CANCEL,
}

object ApplyFlow {
    const val REASON_VALUE_NOT_KNOWN = "valueNotKnown"
    const val REASON_TOKEN_EXPIRED = "tokenExpired"
    const val REASON_TRACKED_FILE = "trackedFile"
    const val REASON_WRITE_PROTECTED = "writeProtected"

    /**
     * The question [error] asks about [sent], or null when it is a plain failure to show (or
     * the same question was already answered: the second refusal is then the answer). By
     * `data.kind` and `data.reason`: a `fileUnreadable` without `writeProtected` is a file that
     * cannot be read at all, which no confirmation helps.
     */
    fun question(error: EliteaException, sent: ApplySettingsParams, valueKnown: Boolean = true): ApplyQuestion? = when {
        error.kind == ErrorKind.CONFLICT && error.reason == REASON_TOKEN_EXPIRED ->
            ApplyQuestion.TOKEN_EXPIRED.takeIf { sent.allowExpired != true && sent.replaceExpired != true }
        error.kind == ErrorKind.CONFLICT && error.reason == REASON_TRACKED_FILE ->
            ApplyQuestion.TRACKED_FILE.takeIf { sent.allowTrackedFile != true }
        error.kind == ErrorKind.NOT_FOUND && (error.reason == REASON_VALUE_NOT_KNOWN || !valueKnown) ->
            ApplyQuestion.VALUE_NOT_KNOWN.takeIf { sent.withoutToken != true }
        error.kind == ErrorKind.FILE_UNREADABLE && error.reason == REASON_WRITE_PROTECTED ->
            ApplyQuestion.WRITE_PROTECTED.takeIf { sent.writeProtected != true }
        else -> null
    }

    /** What to send after [choice]; null: nothing (cancelled, or a choice [question] does not offer). */
    fun next(sent: ApplySettingsParams, question: ApplyQuestion, choice: ApplyChoice): ApplySettingsParams? {
        if (choice == ApplyChoice.CANCEL) return null
        return when (question) {
            ApplyQuestion.TOKEN_EXPIRED ->
                if (choice == ApplyChoice.REPLACE) sent.copy(replaceExpired = true) else sent.copy(allowExpired = true)
            ApplyQuestion.TRACKED_FILE -> sent.copy(allowTrackedFile = true).takeIf { choice == ApplyChoice.PROCEED }
            ApplyQuestion.VALUE_NOT_KNOWN -> sent.copy(withoutToken = true).takeIf { choice == ApplyChoice.PROCEED }
            ApplyQuestion.WRITE_PROTECTED -> sent.copy(writeProtected = true).takeIf { choice == ApplyChoice.PROCEED }
        }
    }

    /** The choices the dialog of [question] offers, in the order shown (Cancel last). */
    fun choices(question: ApplyQuestion): List<ApplyChoice> = when (question) {
        ApplyQuestion.TOKEN_EXPIRED -> listOf(ApplyChoice.REPLACE, ApplyChoice.PROCEED, ApplyChoice.CANCEL)
        else -> listOf(ApplyChoice.PROCEED, ApplyChoice.CANCEL)
    }
}

/** Whether an action may run now, and why not: shown greyed out with [reason] as its tooltip. */
data class Availability(val enabled: Boolean, val reason: String? = null) {
    companion object {
        val ENABLED = Availability(true)

        /**
         * Token actions need a signed-in user whose credential the server accepts. Until
         * `elitea.status` has answered once ([status] null) they stay enabled: the server says
         * what is wrong when one runs.
         */
        fun of(requiresSignIn: Boolean, status: StatusResult?): Availability = when {
            !requiresSignIn || status == null -> ENABLED
            !status.signedIn -> Availability(false, "Sign in to ELITEA first (Tools | ELITEA | Sign In…).")
            status.credential == CredentialState.REJECTED ->
                Availability(false, status.credentialNote?.takeIf { it.isNotBlank() } ?: "ELITEA no longer accepts your sign-in: sign in again.")
            else -> ENABLED
        }
    }
}

/** The account as Settings | Tools | ELITEA shows it, from `elitea.status`. */
data class AccountView(
    val signedIn: Boolean,
    val server: String?,
    /** `Ada Lovelace (ada@example.com)`, or `user 7` when the name is not known. */
    val user: String?,
    val secretsStore: String,
    val credential: String,
    val warnings: List<String>,
    /** Why settings cannot be written now (no model selected, the Public project), when so. */
    val settingsNote: String?,
) {
    /** `Signed in to https://x as Ada`, for tooltips; null when signed out. */
    val signedInAs: String? get() = if (!signedIn) null else "Signed in to ${server ?: "ELITEA"}" + (user?.let { " as $it" } ?: "")

    companion object {
        fun describe(user: UserInfo?): String? {
            user ?: return null
            val name = user.name?.takeIf { it.isNotBlank() }
            val email = user.email?.takeIf { it.isNotBlank() }
            return when {
                name != null && email != null -> "$name ($email)"
                else -> name ?: email ?: "user ${user.id}"
            }
        }

        /** [user] wins over `status.user` (the name can arrive later through `elitea/tokenStatus`). */
        fun of(status: StatusResult, user: UserInfo? = null): AccountView = AccountView(
            signedIn = status.signedIn,
            server = status.serverUrl,
            user = if (status.signedIn) describe(user ?: status.user) else null,
            secretsStore = status.secretsStore,
            credential = when {
                !status.signedIn -> status.credentialNote?.takeIf { it.isNotBlank() } ?: "Not signed in."
                status.credential == CredentialState.REJECTED -> "Rejected by the server" + (status.credentialNote?.let { ": $it" } ?: ".")
                status.credential == CredentialState.VALID -> "Accepted by the server."
                else -> "Not checked" + (status.credentialNote?.let { ": $it" } ?: ".")
            },
            warnings = status.warnings,
            settingsNote = if (status.settingsAvailable) null else status.settingsUnavailableReason?.takeIf { it.isNotBlank() },
        )
    }
}

/**
 * Where secrets are kept, one choice (issue 24: two checkboxes where "file" silently won).
 * [AUTO]: the OS keyring, the IDE's password safe where no keyring answers.
 */
enum class SecretStoreSetting(val id: String, val choice: StoreChoice?) {
    AUTO("auto", null),
    PASSWORD_SAFE("passwordSafe", StoreChoice.EDITOR),
    PLAIN_FILE("file", StoreChoice.FILE),
    ;

    companion object {
        fun of(id: String?): SecretStoreSetting = entries.firstOrNull { it.id == id } ?: AUTO

        /** The two checkboxes of earlier versions, as they behaved: the file won. */
        fun fromCheckboxes(file: Boolean, passwordSafe: Boolean): SecretStoreSetting = when {
            file -> PLAIN_FILE
            passwordSafe -> PASSWORD_SAFE
            else -> AUTO
        }
    }
}

/** The options the plugin sends, from its settings (plain values, so that this is tested here). */
object PluginOptions {
    /**
     * The options the plugin's settings own. On a change they are all sent, a cleared one as
     * an explicit null: the server merges what it gets, so a key left out keeps its old value.
     * `workspaceFolders` is not one of them: the project's folders are LSP's own (LSP4IJ sends
     * every content root, and `workspace/didChangeWorkspaceFolders` after).
     */
    val OWNED: List<String> = listOf("serverUrl", "projectId", "verifySsl", "schema", "secretsStore")

    fun build(
        serverUrl: String?,
        projectId: String?,
        verifySsl: Boolean,
        schema: SettingsSchema,
        secretStore: SecretStoreSetting,
        projectBase: String?,
    ): InitializationOptions = InitializationOptions(
        serverUrl = serverUrl?.trim()?.ifEmpty { null },
        projectId = projectId?.trim()?.toLongOrNull(),
        verifySsl = verifySsl,
        schema = schema,
        jetbrainsProjectPath = projectBase,
        secretsStore = secretStore.choice,
    )

    /** The schema setting's text: `current` unless it says `legacy` (today's is the default). */
    fun schema(setting: String?): SettingsSchema = if (setting == "legacy") SettingsSchema.LEGACY else SettingsSchema.CURRENT
}

/**
 * Expiry balloons the user asked not to see again, by token: the request is then answered
 * with no choice, as a balloon closed unanswered is.
 */
object ExpirySuppression {
    fun shows(warning: ExpiryWarning, suppressed: Collection<String>): Boolean {
        // A revoked token's warning is always shown: nothing else will tell the user.
        if (warning.isRevoked) return true
        val uuid = warning.uuid ?: return true
        return uuid !in suppressed
    }
}

/** ELITEA's web UI: its Personal Tokens page (EliteaUI's routes: `Settings` + tab `tokens`). */
object PersonalTokensPage {
    /** Null for the embedded sandbox (no web UI) or a server URL that is not http(s). */
    fun url(serverUrl: String?): String? {
        val base = serverUrl?.trim()?.trimEnd('/') ?: return null
        if (!base.startsWith("https://") && !base.startsWith("http://")) return null
        return "$base/settings/tokens"
    }
}

/** What a migration moves, in lines for the preview dialog and the result balloon. */
object MigrationText {
    fun lines(result: MigrateSettingsResult, home: String? = System.getProperty("user.home")): List<String> =
        result.moves.map { m -> if (m.to == null) "${m.from}: removed (today's key already holds a value)" else "${m.from} → ${m.to}" } +
            result.files.map { f ->
                val what = when (f.change) {
                    FileChangeKind.EDITED -> "edited"
                    FileChangeKind.CREATED -> "created"
                    FileChangeKind.DELETED -> "deleted (nothing else was left in it)"
                }
                "${UsedIn.tilde(f.path, home)}: $what"
            }
}

/** Every token, for pickers: pages of the largest size the server takes (its rules, no constant here). */
object AllTokens {
    fun pageSize(rules: Rules): Int = rules.pageSizes.max()
}
