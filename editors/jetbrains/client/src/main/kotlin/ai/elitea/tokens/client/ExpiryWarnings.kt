package ai.elitea.tokens.client

import org.eclipse.lsp4j.MessageActionItem
import org.eclipse.lsp4j.MessageType
import org.eclipse.lsp4j.ShowMessageRequestParams

/**
 * What an action of an expiry warning means for the editor. Every chosen action is answered
 * back to the server; the server itself rotates the token for "Rotate now" (and tells the
 * outcome with `window/showMessage`) and snoozes for "Remind me tomorrow". "Show tokens" is
 * the editor's to do.
 */
enum class WarningActionKind {
    /** The server rotates the token in use (`elitea.rotateToken`, old one deleted) once answered. */
    ROTATE,

    /** The editor opens its token list; the server does nothing more. */
    SHOW_TOKENS,

    /** Anything else ("Remind me tomorrow"): only answered back to the server. */
    OTHER,
}

data class WarningAction(val title: String, val kind: WarningActionKind) {
    val item: MessageActionItem get() = MessageActionItem(title)
}

/**
 * An expiry warning: a `window/showMessageRequest` whose actions include "Rotate now" or "Show
 * tokens". [token] is the token in use it is about, when that can be told: its name or uuid
 * in the message, else the only token in use that is expiring, expired or deleted.
 * [candidates] are the tokens it may be about, for the editor to ask when [token] is null.
 */
data class ExpiryWarning(
    val message: String,
    val type: MessageType,
    val actions: List<WarningAction>,
    val token: TokenInUse?,
    val candidates: List<TokenInUse>,
) {
    fun action(kind: WarningActionKind): WarningAction? = actions.firstOrNull { it.kind == kind }

    /** An expired token (an error), rather than one about to expire (a warning). */
    val isError: Boolean get() = type == MessageType.Error
}

/** Tells expiry warnings from other message requests and maps their actions to commands. */
object ExpiryWarnings {
    const val ROTATE_NOW = "Rotate now"
    const val SHOW_TOKENS = "Show tokens"
    const val REMIND_TOMORROW = "Remind me tomorrow"

    fun kindOf(title: String): WarningActionKind {
        val t = title.trim().lowercase()
        return when {
            t == ROTATE_NOW.lowercase() || t.startsWith("rotate") -> WarningActionKind.ROTATE
            t == SHOW_TOKENS.lowercase() || t.startsWith("show token") -> WarningActionKind.SHOW_TOKENS
            else -> WarningActionKind.OTHER
        }
    }

    /** The warning, or null when [params] is some other question from the server. */
    fun parse(params: ShowMessageRequestParams, tokensInUse: List<TokenInUse>): ExpiryWarning? {
        val actions = params.actions.orEmpty().map { WarningAction(it.title, kindOf(it.title)) }
        if (actions.none { it.kind != WarningActionKind.OTHER }) return null
        val message = params.message.orEmpty()
        val candidates = tokensInUse.filter { it.isRevoked || it.status.kind == StatusKind.WARNING || it.status.kind == StatusKind.EXPIRED }
        val token = tokensInUse.firstOrNull { message.contains(it.uuid) }
            ?: tokensInUse.filter { !it.name.isNullOrEmpty() && mentions(message, it.name!!) }.maxByOrNull { it.name!!.length }
            ?: candidates.singleOrNull()
        return ExpiryWarning(message, params.type ?: MessageType.Warning, actions, token, candidates)
    }

    /** [name] as a whole word of [message] (`ci` does not match inside `CI-nightly`). */
    private fun mentions(message: String, name: String): Boolean {
        var from = 0
        while (true) {
            val i = message.indexOf(name, from)
            if (i < 0) return false
            val before = if (i == 0) ' ' else message[i - 1]
            val after = if (i + name.length >= message.length) ' ' else message[i + name.length]
            if (!isNameChar(before) && !isNameChar(after)) return true
            from = i + 1
        }
    }

    private fun isNameChar(c: Char) = c.isLetterOrDigit() || c == '_' || c == '-'
}
