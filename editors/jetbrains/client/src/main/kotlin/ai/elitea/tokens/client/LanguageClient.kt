package ai.elitea.tokens.client

import org.eclipse.lsp4j.ConfigurationParams
import org.eclipse.lsp4j.MessageActionItem
import org.eclipse.lsp4j.MessageParams
import org.eclipse.lsp4j.ProgressParams
import org.eclipse.lsp4j.PublishDiagnosticsParams
import org.eclipse.lsp4j.ShowMessageRequestParams
import org.eclipse.lsp4j.WorkDoneProgressCreateParams
import org.eclipse.lsp4j.jsonrpc.services.JsonNotification
import org.eclipse.lsp4j.services.LanguageClient
import java.util.concurrent.CompletableFuture
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

/**
 * The server's own notification. A language client object implements this interface next to
 * LSP4J's `LanguageClient` (the plugin's LSP4IJ client does, and so does
 * [EliteaLanguageClient]); LSP4J finds the annotation on the interface.
 */
interface EliteaClientNotifications {
    /**
     * `elitea/tokenStatus`: hand the params to a [TokenStatusTracker]. They are taken as they
     * come (a JsonElement or the map Gson made), so that no Gson class crosses class loaders.
     */
    @JsonNotification(Commands.TOKEN_STATUS_NOTIFICATION)
    fun tokenStatus(params: Any?)
}


/**
 * The tokens in use as last reported by the server, whether the user is signed in (from
 * `elitea.status`), the account as `elitea.status` last described it, and who wants to know
 * when any of it changes.
 *
 * The order reports are applied in is the order they arrive here: the plugin feeds it from
 * the [MessageRequestTap], on the stream's reader thread, so that two `elitea/tokenStatus` in a
 * row are never applied newest first (LSP4IJ dispatches each message with `runAsync`).
 */
class TokenStatusTracker {
    @Volatile
    var current: List<TokenInUse> = emptyList()
        private set

    /** Null until `elitea.status` has answered once. */
    @Volatile
    var signedIn: Boolean? = null
        private set

    /** The last answer of `elitea.status`: the account, the credential's state, the warnings. */
    @Volatile
    var status: StatusResult? = null
        private set

    /** Who is signed in: from `elitea.status`, or from `elitea/tokenStatus` when the name arrives late. */
    @Volatile
    var user: UserInfo? = null
        private set

    private val count = AtomicInteger()

    /** How many reports arrived; tests and the status bar use it to tell a first report. */
    val received: Int get() = count.get()

    private val listeners = CopyOnWriteArrayList<(List<TokenInUse>) -> Unit>()

    fun addListener(listener: (List<TokenInUse>) -> Unit): AutoCloseable {
        listeners += listener
        return AutoCloseable { listeners -= listener }
    }

    /**
     * Decodes `elitea/tokenStatus` params, whatever object LSP4J made of them. A malformed one
     * is reported to [onError] and changes nothing: it must not escape into LSP4J's reader,
     * and the tracker keeps working for the next one.
     */
    fun accept(params: Any?, onError: (ProtocolException) -> Unit = {}) {
        val decoded = try {
            Json.decode<TokenStatusParams>(Json.toElement(params))
        } catch (e: ProtocolException) {
            onError(e)
            return
        } catch (e: RuntimeException) {
            // Whatever else a foreign value may throw while it is read (Gson's own exceptions).
            onError(ProtocolException("${Commands.TOKEN_STATUS_NOTIFICATION} could not be read (${e.javaClass.simpleName})"))
            return
        }
        val userChanged = decoded.user != null && decoded.user != user
        if (decoded.user != null) user = decoded.user
        update(decoded.tokensInUse, userChanged)
    }

    /** Also fed by `elitea.status`, whose answer carries the same list. Listeners hear of changes only. */
    fun update(tokens: List<TokenInUse>) = update(tokens, false)

    private fun update(tokens: List<TokenInUse>, otherChange: Boolean) {
        val changed = count.getAndIncrement() == 0 || tokens != current || otherChange
        current = tokens
        if (changed) tell()
    }

    /** What `elitea.status` answered: the sign-in state, the account and the tokens in use. */
    fun updateStatus(status: StatusResult) {
        val accountChanged = this.status?.let { AccountView.of(it) } != AccountView.of(status)
        signedIn = status.signedIn
        this.status = status
        user = if (status.signedIn) status.user ?: user else null
        val changed = count.getAndIncrement() == 0 || status.tokensInUse != current || accountChanged
        current = status.tokensInUse
        if (changed) tell()
    }

    private fun tell() {
        for (l in listeners) {
            // One listener's failure must not keep the others from hearing.
            try {
                l(current)
            } catch (_: RuntimeException) {
            }
        }
    }

    /** What the status bar shows now. */
    fun summary(): StatusSummary = StatusSummary.of(current, signedIn, status, user)
}

/** What the status bar widget shows: its text, tooltip, and what a click does. */
data class StatusSummary(val kind: StatusKind?, val text: String, val tooltip: String, val click: StatusClick) {
    companion object {
        /**
         * Before sign-in (or after sign-out): "ELITEA: Sign in", no expiry colours, no token rows,
         * a click signs in (the server's `credentialNote`, e.g. why no secret store answers, in
         * the tooltip). Signed in but the credential rejected: "ELITEA: Sign in again", an
         * error, a click signs in. Signed in with no token in use: "ELITEA". Else the worst
         * state first: `ELITEA ✓`, `ELITEA ⚠ 1`, `ELITEA ✗ 2`. [signedIn] null: not known yet,
         * the tokens alone are shown. [status]'s warnings (TLS off, secrets in a plain file)
         * and who is signed in where go into the tooltip.
         */
        fun of(tokens: List<TokenInUse>, signedIn: Boolean? = true, status: StatusResult? = null, user: UserInfo? = null): StatusSummary {
            val note = status?.credentialNote?.takeIf { it.isNotBlank() }
            if (signedIn == false) {
                val why = note?.let { "\n$it" }.orEmpty()
                return StatusSummary(null, "ELITEA: Sign in", "Not signed in to ELITEA.$why\nClick to sign in.", StatusClick.SIGN_IN)
            }
            val account = status?.let { AccountView.of(it, user) }
            if (status?.credential == CredentialState.REJECTED) {
                val where = status.serverUrl?.let { " on $it" }.orEmpty()
                val lines = listOfNotNull("ELITEA no longer accepts your sign-in$where.", note, "Click to sign in again.")
                return StatusSummary(StatusKind.EXPIRED, "ELITEA: Sign in again", lines.joinToString("\n"), StatusClick.SIGN_IN)
            }
            val header = account?.signedInAs?.let { listOf(it) }.orEmpty()
            val warnings = status?.warnings.orEmpty().map { "⚠ $it" }
            if (tokens.isEmpty()) {
                val text = if (signedIn == true) "Signed in to ELITEA; no ELITEA token is written in a settings file." else "No ELITEA token is written in a settings file."
                return StatusSummary(null, "ELITEA", (listOf(text) + header + warnings + "Click to see your tokens.").joinToString("\n"), StatusClick.SHOW_TOKENS)
            }
            val worst = tokens.maxBy { severity(it) }
            val kind = if (worst.isRevoked) StatusKind.EXPIRED else worst.status.kind
            val bad = tokens.count { severity(it) >= severity(StatusKind.WARNING) }
            val text = if (bad == 0) "ELITEA ${StatusMarks.mark(kind)}" else "ELITEA ${StatusMarks.mark(kind)} $bad"
            val rows = tokens.map { t ->
                val state = if (t.isRevoked) "deleted on the server" else t.status.label
                "${StatusMarks.mark(if (t.isRevoked) StatusKind.EXPIRED else t.status.kind)} ${t.displayName}: $state (${t.files.joinToString(", ")})"
            }
            val hint = if (bad > 0) "Click to see your tokens and rotate." else "Click to see your tokens."
            return StatusSummary(kind, text, (rows + header + warnings + hint).joinToString("\n"), StatusClick.SHOW_TOKENS)
        }

        private fun severity(t: TokenInUse): Int = if (t.isRevoked) 3 else severity(t.status.kind)

        private fun severity(kind: StatusKind): Int = when (kind) {
            StatusKind.NEVER, StatusKind.OK -> 0
            StatusKind.WARNING -> 2
            StatusKind.EXPIRED -> 3
        }
    }
}

/** Where a click on the status bar item leads: where its text says. */
enum class StatusClick { SIGN_IN, SHOW_TOKENS }

/** The marks every view puts before an expiry: ✓, ⚠, ✗. */
object StatusMarks {
    fun mark(kind: StatusKind): String = when (kind) {
        StatusKind.NEVER, StatusKind.OK -> "✓"
        StatusKind.WARNING -> "⚠"
        StatusKind.EXPIRED -> "✗"
    }

    /** `✓ in 30 days`, `⚠ in 3 hours`, `✗ Expired`, `✓ Never`. */
    fun describe(status: ExpiryStatus): String = "${mark(status.kind)} ${status.label}"
}

/**
 * An LSP4J language client for hosts without LSP4IJ: the tests, a command-line tool. It records
 * what the server says, keeps the tokens in use, accepts progress, and hands expiry warnings
 * to [onShowMessageRequest] (the default answers none of the actions).
 */
open class EliteaLanguageClient(
    /** Offered to the server in `initialize` when given (`experimental.elitea.secretStorage`). */
    val secretStorage: SecretStorage? = null,
) : LanguageClient, EliteaClientNotifications, EliteaSecretStorageRequests {
    val tokens = TokenStatusTracker()
    val logMessages = ConcurrentLinkedQueue<MessageParams>()
    val shownMessages = ConcurrentLinkedQueue<MessageParams>()
    val messageRequests = ConcurrentLinkedQueue<ShowMessageRequestParams>()
    val progress = ConcurrentLinkedQueue<ProgressParams>()
    val malformed = ConcurrentLinkedQueue<String>()

    @Volatile
    var onShowMessageRequest: (ShowMessageRequestParams) -> CompletableFuture<MessageActionItem?> =
        { CompletableFuture.completedFuture(null) }

    override fun secretStorageGet(params: Any?) = SecretStorageMethods.get(secretStorage, params)

    override fun secretStorageStore(params: Any?) = SecretStorageMethods.store(secretStorage, params)

    override fun secretStorageDelete(params: Any?) = SecretStorageMethods.delete(secretStorage, params)

    override fun tokenStatus(params: Any?) {
        // With a tap on the stream the notification was already applied, in stream order.
        if (tap?.deliversTokenStatus == true) return
        acceptTokenStatus(params)
    }

    /** Applies `elitea/tokenStatus` params (from the tap, in stream order, or from LSP4J). */
    fun acceptTokenStatus(params: Any?) {
        tokens.accept(params) { malformed += "${Commands.TOKEN_STATUS_NOTIFICATION}: ${it.message}" }
    }

    /** Set by [EliteaServerProcess]: the raw action items of the server's message requests. */
    @Volatile
    var tap: MessageRequestTap? = null

    /** The raw action items of each request, by request, for [expiryWarning]. */
    private val rawActions = java.util.concurrent.ConcurrentHashMap<ShowMessageRequestParams, List<com.google.gson.JsonObject>>()

    override fun showMessageRequest(requestParams: ShowMessageRequestParams): CompletableFuture<MessageActionItem?> {
        tap?.actionsFor(requestParams)?.let { rawActions[requestParams] = it }
        messageRequests += requestParams
        return onShowMessageRequest(requestParams)
    }

    /** [params] as a confirmation (null for any other question), read from its raw action items. */
    fun confirmation(params: ShowMessageRequestParams): Confirmation? = Confirmations.parse(params, rawActions[params])

    /** [params] as an expiry warning (null for any other question), read from its raw action items. */
    fun expiryWarning(params: ShowMessageRequestParams): ExpiryWarning? =
        ExpiryWarnings.parse(params, rawActions[params], tokens.current)

    override fun showMessage(messageParams: MessageParams) {
        shownMessages += messageParams
    }

    override fun logMessage(message: MessageParams) {
        logMessages += message
    }

    override fun telemetryEvent(`object`: Any?) {}

    /** The diagnostics last published for each document URI (as LSP4IJ keeps them, open or not). */
    val diagnostics = java.util.concurrent.ConcurrentHashMap<String, List<org.eclipse.lsp4j.Diagnostic>>()

    /** Every `textDocument/publishDiagnostics`, in the order LSP4J handed them over. */
    val publishedDiagnostics = ConcurrentLinkedQueue<PublishDiagnosticsParams>()

    override fun publishDiagnostics(diagnostics: PublishDiagnosticsParams) {
        this.diagnostics[diagnostics.uri] = diagnostics.diagnostics.orEmpty()
        publishedDiagnostics += diagnostics
    }

    /** Waits until the diagnostics of [uri] satisfy [condition]; returns them (null when the time is up). */
    fun awaitDiagnostics(uri: String, timeoutSeconds: Long, condition: (List<org.eclipse.lsp4j.Diagnostic>) -> Boolean): List<org.eclipse.lsp4j.Diagnostic>? {
        val end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds)
        while (System.nanoTime() < end) {
            diagnostics[uri]?.let { if (condition(it)) return it }
            Thread.sleep(50)
        }
        return null
    }

    override fun createProgress(params: WorkDoneProgressCreateParams): CompletableFuture<Void?> =
        CompletableFuture.completedFuture(null)

    override fun notifyProgress(params: ProgressParams) {
        progress += params
    }

    override fun configuration(configurationParams: ConfigurationParams): CompletableFuture<List<Any?>> =
        CompletableFuture.completedFuture(configurationParams.items.map { null })

    /** Every message text the server sent on its own, for checks that no secret is in one. */
    fun allMessageTexts(): List<String> =
        logMessages.map { it.message } + shownMessages.map { it.message } + messageRequests.map { it.message }

    /** Waits until [condition] holds for the tokens in use (or the time is up); returns them. */
    fun awaitTokens(timeoutSeconds: Long, condition: (List<TokenInUse>) -> Boolean): List<TokenInUse>? {
        val end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds)
        while (System.nanoTime() < end) {
            val now = tokens.current
            if (tokens.received > 0 && condition(now)) return now
            Thread.sleep(50)
        }
        return null
    }

    /** Waits for a `window/showMessageRequest` matching [condition]. */
    fun awaitMessageRequest(timeoutSeconds: Long, condition: (ShowMessageRequestParams) -> Boolean = { true }): ShowMessageRequestParams? {
        val end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds)
        while (System.nanoTime() < end) {
            messageRequests.firstOrNull(condition)?.let { return it }
            Thread.sleep(50)
        }
        return null
    }
}
