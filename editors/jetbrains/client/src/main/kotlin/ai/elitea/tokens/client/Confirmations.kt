package ai.elitea.tokens.client

import com.google.gson.JsonObject
import com.google.gson.JsonPrimitive
import org.eclipse.lsp4j.MessageActionItem
import org.eclipse.lsp4j.MessageType
import org.eclipse.lsp4j.ShowMessageRequestParams

/** One button of a confirmation, as the server sent it: its title, its `action`, its `uuid`. */
data class ConfirmationItem(val title: String, val action: String, val uuid: String?) {
    /** The answer as it goes back to the server: the item whole, so that it reads `action` and `uuid`. */
    val item: MessageActionItem get() = EliteaActionItem(title, action, uuid)
}

/**
 * A question the server needs an answer to before it does something that cannot be undone
 * (`elitea.revokeLeak`: "Revoke and replace" / "Cancel"): [confirm] goes ahead, [cancel] (and
 * closing the dialog) does nothing.
 */
data class Confirmation(val message: String, val type: MessageType, val confirm: ConfirmationItem, val cancel: ConfirmationItem)

/**
 * Tells a confirmation from the server's other message requests by the `action` fields of its
 * raw items, never by the message text or the titles: every item carries `action`, there are
 * exactly two, and one of them is [CANCEL]. Expiry warnings (whose items are `rotate`,
 * `showTokens`, `snooze`, `replace`, and never `cancel`) stay [ExpiryWarnings]'.
 *
 * As for [ExpiryWarnings], LSP4J keeps only the titles of the items: the raw ones come from the
 * [MessageRequestTap] on the server's output ([rawActions], null when the tap saw none, e.g. it
 * stopped on a frame it could not read); without them the request is not a confirmation and
 * goes to LSP4IJ's own balloon, whose answer (a title alone) the server matches to the item
 * of that title it offered.
 */
object Confirmations {
    /** The `action` of the item that does nothing. */
    const val CANCEL = "cancel"

    fun parse(params: ShowMessageRequestParams, rawActions: List<JsonObject>?): Confirmation? {
        val items = rawActions ?: return null
        val titles = params.actions.orEmpty().map { it.title }
        // The raw items must be this request's: the same titles in the same order.
        if (items.map { string(it, "title") } != titles) return null
        val parsed = items.map { item ->
            val action = string(item, "action") ?: return null
            ConfirmationItem(string(item, "title") ?: return null, action, string(item, "uuid"))
        }
        if (parsed.size != 2) return null
        val cancel = parsed.singleOrNull { it.action == CANCEL } ?: return null
        val confirm = parsed.single { it !== cancel }
        return Confirmation(params.message.orEmpty(), params.type ?: MessageType.Warning, confirm, cancel)
    }

    private fun string(item: JsonObject, key: String): String? =
        (item.get(key) as? JsonPrimitive)?.takeIf { it.isString }?.asString
}
