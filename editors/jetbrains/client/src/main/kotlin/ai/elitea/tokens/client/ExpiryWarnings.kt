package ai.elitea.tokens.client

import com.google.gson.JsonObject
import com.google.gson.JsonPrimitive
import org.eclipse.lsp4j.MessageActionItem
import org.eclipse.lsp4j.MessageType
import org.eclipse.lsp4j.ShowMessageRequestParams

/**
 * What an action of a warning does, from the item's `action` field (protocol.md, "Server to
 * editor"). Every chosen action is answered back to the server: it rotates the token itself
 * for `rotate`, replaces a revoked token for `replace` (a new token written where the old one
 * was; issue 22), and tells the outcome with `window/showMessage`; it snoozes for `snooze`;
 * `showTokens` is the editor's to do.
 */
enum class WarningActionKind(val wire: String) {
    ROTATE("rotate"),
    SHOW_TOKENS("showTokens"),
    SNOOZE("snooze"),
    REPLACE("replace"),
    ;

    companion object {
        fun of(wire: String?): WarningActionKind? = entries.firstOrNull { it.wire == wire }
    }
}

/**
 * The chosen item as it goes back to the server: LSP4J's `MessageActionItem` (which has only
 * `title`) plus the fields the server put in it, so that the server can tell the choice by its
 * `action` and `uuid` too.
 */
class EliteaActionItem(title: String, val action: String, val uuid: String?) : MessageActionItem(title)

data class WarningAction(val title: String, val kind: WarningActionKind, val uuid: String?) {
    val item: MessageActionItem get() = EliteaActionItem(title, kind.wire, uuid)
}

/**
 * An expiry warning: a `window/showMessageRequest` whose action items carry `action`. [uuid]
 * is the token it is about (the items' `uuid`); [token] is that token among the tokens in use,
 * when it is one of them (for its name in the balloon).
 */
data class ExpiryWarning(
    val message: String,
    val type: MessageType,
    val actions: List<WarningAction>,
    val uuid: String?,
    val token: TokenInUse?,
) {
    fun action(kind: WarningActionKind): WarningAction? = actions.firstOrNull { it.kind == kind }

    /** An expired or revoked token (an error), rather than one about to expire (a warning). */
    val isError: Boolean get() = type == MessageType.Error

    /** A token deleted on the server while still written in a file: its warning offers `replace`. */
    val isRevoked: Boolean get() = action(WarningActionKind.REPLACE) != null || token?.isRevoked == true
}

/**
 * Tells expiry warnings from other message requests by the `action` fields of their items;
 * never by the message text or the titles.
 *
 * LSP4J decodes the items as `MessageActionItem`, which keeps only `title`; the fields the
 * server added are read from the raw message by a [MessageRequestTap] on the server's output
 * and handed in as [rawActions] (the request's `actions`, as sent).
 */
object ExpiryWarnings {
    /** The warning, or null when [params] is some other question from the server. */
    fun parse(params: ShowMessageRequestParams, rawActions: List<JsonObject>?, tokensInUse: List<TokenInUse> = emptyList()): ExpiryWarning? {
        val items = rawActions ?: return null
        val titles = params.actions.orEmpty().map { it.title }
        // The raw items must be this request's: the same titles in the same order.
        if (items.map { (it.get("title") as? JsonPrimitive)?.takeIf { p -> p.isString }?.asString } != titles) return null
        val actions = items.mapNotNull { item ->
            val kind = WarningActionKind.of((item.get("action") as? JsonPrimitive)?.takeIf { it.isString }?.asString) ?: return@mapNotNull null
            val uuid = (item.get("uuid") as? JsonPrimitive)?.takeIf { it.isString }?.asString
            WarningAction(item.get("title").asString, kind, uuid)
        }
        if (actions.isEmpty()) return null
        val uuid = actions.firstNotNullOfOrNull { it.uuid }
        return ExpiryWarning(
            message = params.message.orEmpty(),
            type = params.type ?: MessageType.Warning,
            actions = actions,
            uuid = uuid,
            token = uuid?.let { u -> tokensInUse.firstOrNull { it.uuid == u } },
        )
    }
}
