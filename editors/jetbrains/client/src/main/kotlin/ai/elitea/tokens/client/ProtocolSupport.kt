// Hand-written companions of the generated Protocol.kt: the command names, and the behaviour
// its types carry (computed properties, factories). The generated classes implement the
// `...Support` interfaces and their companions extend the `...Factory` classes (see MIXINS and
// COMPANIONS in scripts/gen-protocol.py), so callers keep member syntax and need no imports.
package ai.elitea.tokens.client

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

    /** The leak guard's fixes on a `tokenLeaked` diagnostic (types in Protocol.kt: `LeakParams`). */
    const val REVOKE_LEAK = "elitea.revokeLeak"
    const val ALLOW_LEAK = "elitea.allowLeak"

    /**
     * Commands the server lists that only its own code actions carry (LSP4IJ runs them when
     * the user picks the quick fix): the plugin never calls them, so they are not in [ALL].
     */
    val CODE_ACTIONS: List<String> = listOf(REVOKE_LEAK, ALLOW_LEAK)

    /** The server's own notification for the status bar. */
    const val TOKEN_STATUS_NOTIFICATION = "elitea/tokenStatus"
}

interface TokenInUseSupport {
    private val self: TokenInUse get() = this as TokenInUse

    val isRevoked: Boolean get() = self.revoked == true

    /** What the status bar calls it: its name, else a short uuid. */
    val displayName: String get() = self.name?.takeIf { it.isNotBlank() } ?: "token ${self.uuid.take(8)}"
}

interface GeneratedTokenSupport {
    private val self: GeneratedToken get() = this as GeneratedToken

    /** The token as a list shows it (without its value). */
    val row: TokenRow
        get() = with(self) {
            TokenRow(
                uuid = uuid, name = name, displayName = displayName, confirmName = confirmName, masked = masked,
                expires = expires, status = status, valueKnown = valueKnown, usedIn = usedIn, usedInPlaces = usedInPlaces,
            )
        }
}

interface PreviewSettingsResultSupport {
    val isXml: Boolean get() = (this as PreviewSettingsResult).language.equals("xml", ignoreCase = true)
}

interface MigrateSettingsResultSupport {
    /** Nothing to migrate: the file already uses today's settings. */
    val isEmpty: Boolean get() = (this as MigrateSettingsResult).let { it.files.isEmpty() && it.moves.isEmpty() }
}

abstract class ExpirationFactory {
    // What a dialog offers first is the server's `rules.expiration.default`, not a constant here.
    val NEVER: Expiration get() = Expiration(Measure.NEVER, null)

    /** `value` is ignored for [Measure.NEVER]. */
    fun of(measure: Measure, value: Long?): Expiration =
        if (measure == Measure.NEVER) NEVER else Expiration(measure, value)
}

abstract class SettingsTargetFactory {
    val USER: SettingsTarget get() = SettingsTarget(TargetKind.USER)
    val WORKSPACE: SettingsTarget get() = SettingsTarget(TargetKind.WORKSPACE)
    fun file(path: String) = SettingsTarget(TargetKind.FILE, path)
}
