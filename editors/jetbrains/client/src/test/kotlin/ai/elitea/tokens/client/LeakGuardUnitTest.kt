package ai.elitea.tokens.client

import com.google.gson.JsonObject
import org.eclipse.lsp4j.ClientCapabilities
import org.eclipse.lsp4j.MessageActionItem
import org.eclipse.lsp4j.MessageType
import org.eclipse.lsp4j.ShowMessageRequestParams
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The leak guard's pure parts: which question is a confirmation, which file a settings file, what is announced. */
class LeakGuardUnitTest {
    private fun request(message: String, vararg titles: String, type: MessageType = MessageType.Warning) =
        ShowMessageRequestParams(titles.map { MessageActionItem(it) }).apply {
            this.message = message
            this.type = type
        }

    private fun raw(vararg items: Triple<String, String?, String?>) = items.map { (title, action, uuid) ->
        JsonObject().apply {
            addProperty("title", title)
            action?.let { addProperty("action", it) }
            uuid?.let { addProperty("uuid", it) }
        }
    }

    @Test
    fun `a question whose two items carry action, one of them cancel, is a confirmation, whatever its words`() {
        // Another language, and the cancel item first: only the fields count.
        val params = request("'ci' widerrufen und ersetzen?", "Abbrechen", "Widerrufen und ersetzen")
        val c = Confirmations.parse(params, raw(Triple("Abbrechen", "cancel", null), Triple("Widerrufen und ersetzen", "revoke", "uuid-1")))!!
        assertEquals(ConfirmationItem("Widerrufen und ersetzen", "revoke", "uuid-1"), c.confirm)
        assertEquals(ConfirmationItem("Abbrechen", "cancel", null), c.cancel)
        assertEquals("'ci' widerrufen und ersetzen?", c.message)
        assertEquals(MessageType.Warning, c.type)
        // The chosen item goes back whole: LSP4J writes the object it is given, action and uuid included.
        val written = org.eclipse.lsp4j.jsonrpc.json.MessageJsonHandler(emptyMap()).gson.toJsonTree(c.confirm.item).asJsonObject
        assertEquals(Json.parse("""{"title":"Widerrufen und ersetzen","action":"revoke","uuid":"uuid-1"}"""), written)
        val cancel = org.eclipse.lsp4j.jsonrpc.json.MessageJsonHandler(emptyMap()).gson.toJsonTree(c.cancel.item).asJsonObject
        assertEquals("cancel", cancel.get("action").asString)
    }

    @Test
    fun `the server's own confirmation is recognised`() {
        // As elitea.revokeLeak sends it (src/lsp/commands/revoke_leak.rs).
        val params = request("Revoke 'leaky' and replace it? ...", "Revoke and replace", "Cancel")
        val c = Confirmations.parse(params, raw(Triple("Revoke and replace", "revoke", "u-1"), Triple("Cancel", "cancel", null)))
        assertEquals("revoke", c?.confirm?.action)
        assertEquals("u-1", c?.confirm?.uuid)
        assertEquals("cancel", c?.cancel?.action)
    }

    @Test
    fun `titles alone, items without action, or no cancel item make no confirmation`() {
        val params = request("Revoke 'leaky' and replace it?", "Revoke and replace", "Cancel")
        assertNull(Confirmations.parse(params, null), "a title-only answer list (no raw items: the tap saw none)")
        assertNull(Confirmations.parse(params, raw(Triple("Revoke and replace", null, null), Triple("Cancel", null, null))), "items without action")
        assertNull(Confirmations.parse(params, raw(Triple("Revoke and replace", "revoke", "u"), Triple("Cancel", null, null))), "one item without action")
        assertNull(Confirmations.parse(params, raw(Triple("Revoke and replace", "revoke", "u"), Triple("Cancel", "keep", null))), "no cancel item")
        assertNull(Confirmations.parse(params, raw(Triple("Revoke and replace", "cancel", "u"), Triple("Cancel", "cancel", null))), "two cancel items")
        assertNull(Confirmations.parse(params, raw(Triple("Delete", "revoke", "u"), Triple("Cancel", "cancel", null))), "another request's items")
        val three = request("?", "A", "B", "Cancel")
        assertNull(Confirmations.parse(three, raw(Triple("A", "a", null), Triple("B", "b", null), Triple("Cancel", "cancel", null))), "a yes/no question has two answers")
        // A non-string action is no action.
        val odd = listOf(JsonObject().apply { addProperty("title", "Revoke and replace"); addProperty("action", 1) }) + raw(Triple("Cancel", "cancel", null))
        assertNull(Confirmations.parse(params, odd))
    }

    @Test
    fun `an expiry warning still goes to ExpiryWarnings, and a confirmation is no warning`() {
        val warning = request("The ELITEA token 'CI' expires in 3 hours.", "Rotate now", "Show tokens", "Remind me tomorrow")
        val items = raw(Triple("Rotate now", "rotate", "u"), Triple("Show tokens", "showTokens", "u"), Triple("Remind me tomorrow", "snooze", "u"))
        assertNull(Confirmations.parse(warning, items))
        assertNotNull(ExpiryWarnings.parse(warning, items))
        val revoked = request("The ELITEA token 'CI' was deleted.", "Replace with a new token…", "Show tokens", type = MessageType.Error)
        val revokedItems = raw(Triple("Replace with a new token…", "replace", "u"), Triple("Show tokens", "showTokens", "u"))
        assertNull(Confirmations.parse(revoked, revokedItems))
        assertTrue(ExpiryWarnings.parse(revoked, revokedItems)!!.isRevoked)
        val confirm = request("Revoke 'leaky' and replace it?", "Revoke and replace", "Cancel")
        val confirmItems = raw(Triple("Revoke and replace", "revoke", "u"), Triple("Cancel", "cancel", null))
        assertNull(ExpiryWarnings.parse(confirm, confirmItems), "revoke and cancel are no warning actions")
        assertNotNull(Confirmations.parse(confirm, confirmItems))
    }

    @Test
    fun `settings files by name and folder, one rule for the three mappings`() {
        assertEquals(SettingsFileKind.JETBRAINS, SettingsFiles.kind("elitea.xml", ".idea"))
        assertEquals(SettingsFileKind.JETBRAINS, SettingsFiles.kind("alita.xml", ".idea"))
        assertNull(SettingsFiles.kind("workspace.xml", ".idea"))
        assertNull(SettingsFiles.kind("elitea.xml", "config"), "only in .idea")
        assertEquals(SettingsFileKind.VSCODE, SettingsFiles.kind("settings.json", ".vscode"))
        assertEquals(SettingsFileKind.VSCODE, SettingsFiles.kind("settings.json", "User"))
        assertEquals(SettingsFileKind.VSCODE, SettingsFiles.kind("team.code-workspace", "anywhere"))
        assertEquals(SettingsFileKind.VSCODE, SettingsFiles.kind("team.code-workspace", null))
        assertNull(SettingsFiles.kind("settings.json", "app"), "another settings.json is any file")
        assertNull(SettingsFiles.kind("config.py", "app"))
        assertNull(SettingsFiles.kind(".env", null))
        assertFalse(SettingsFiles.isSettingsFile("package.json", "web"))
        assertTrue(SettingsFiles.isSettingsFile("elitea.xml", ".idea"))
    }

    @Test
    fun `the plugin announces commandOutcome next to secretStorage, keeping LSP4IJ's entries`() {
        val caps = ClientCapabilities().apply { experimental = Json.parse("""{"other":1,"elitea":{"x":2}}""") }
        EliteaClientCapabilities.announceLsp4ij(caps)
        assertEquals(Json.parse("""{"other":1,"elitea":{"x":2,"secretStorage":true,"commandOutcome":true}}"""), Json.toElement(caps.experimental))
        val empty = ClientCapabilities()
        EliteaClientCapabilities.announceLsp4ij(empty)
        assertEquals(Json.parse("""{"elitea":{"secretStorage":true,"commandOutcome":true}}"""), Json.toElement(empty.experimental))
        // The test host reads the answers itself: it announces commandOutcome only when asked.
        assertNull(EliteaClientCapabilities.initializeParams(InitializationOptions(), null).capabilities.experimental)
        val asked = EliteaClientCapabilities.initializeParams(InitializationOptions(), null, commandOutcome = true)
        assertEquals(Json.parse("""{"elitea":{"commandOutcome":true}}"""), Json.toElement(asked.capabilities.experimental))
    }
}
