package ai.elitea.tokens.client

import org.eclipse.lsp4j.DidChangeConfigurationParams
import org.eclipse.lsp4j.MessageActionItem
import org.eclipse.lsp4j.MessageType
import org.eclipse.lsp4j.ShowMessageRequestParams
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException
import org.eclipse.lsp4j.jsonrpc.json.MessageJsonHandler
import org.eclipse.lsp4j.jsonrpc.messages.NotificationMessage
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError
import org.eclipse.lsp4j.jsonrpc.services.ServiceEndpoints
import org.eclipse.lsp4j.services.LanguageServer
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.awt.datatransfer.Clipboard
import java.awt.datatransfer.DataFlavor
import java.awt.datatransfer.StringSelection
import java.io.ByteArrayInputStream
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/** Issue 24 and the JetBrains parts of issue 22, as far as the client holds them. */
class DecisionsTest {
    private fun frame(body: String): ByteArray {
        val bytes = body.toByteArray(Charsets.UTF_8)
        return "Content-Length: ${bytes.size}\r\n\r\n".toByteArray(Charsets.US_ASCII) + bytes
    }

    private fun drain(tap: MessageRequestTap) {
        val buf = ByteArray(7)
        while (tap.read(buf, 0, buf.size) >= 0) Unit
    }

    private fun status(
        signedIn: Boolean = true,
        credential: CredentialState? = CredentialState.VALID,
        note: String? = null,
        warnings: List<String> = emptyList(),
        user: UserInfo? = UserInfo(7, "ada@example.com", "Ada"),
        settingsAvailable: Boolean = true,
        reason: String? = null,
    ) = StatusResult(
        signedIn = signedIn, serverUrl = if (signedIn) "https://elitea.example" else null, user = if (signedIn) user else null,
        settingsAvailable = settingsAvailable, settingsUnavailableReason = reason, tokensInUse = emptyList(),
        secretsStore = "OS keyring", warnings = warnings, credential = credential, credentialNote = note,
    )

    // ------------------------------------------------------------------ issue 22: reserved names

    @Test
    fun `a reserved name is refused as it is typed, with the server's sentence, and never suggested`() {
        val rules = Rules.fromExperimental(Json.parse(TestRules.JSON))
        assertEquals("'sys.x' is ELITEA's own.", rules.nameProblem("sys.x"))
        assertNull(rules.nameProblem("sys.y"), "only the exact name")
        assertNull(rules.nameProblem("sys.", listOf()), "a prefix of it is fine")
        // Case-sensitive, as the server matches it (upper case fails this pattern for its own reason).
        assertEquals("Lower-case letters and dots only.", rules.nameProblem("SYS.X"))
        assertEquals("", rules.suggestName("x", prefix = "sys."), "the only name the base makes is reserved")
        // The list is the server's: with another list, another name is reserved, and this one is not.
        val other = Rules.fromExperimental(Json.parse(TestRules.JSON.replace("[\"sys.x\"]", "[\"ab\"]")))
        assertNull(other.nameProblem("sys.x"))
        assertEquals("'sys.x' is ELITEA's own.", other.nameProblem("ab"), "the server's sentence, whatever the name")
    }

    // ------------------------------------------------------------------ item 8 and the tap

    @Test
    fun `tokenStatus is applied in stream order even when LSP4J hands the copies over newest first`() {
        fun status(name: String) =
            """{"jsonrpc":"2.0","method":"elitea/tokenStatus","params":{"tokensInUse":[{"uuid":"u","name":"$name","status":{"kind":"ok","label":"x"},"files":[]}],"user":{"id":7,"name":"Ada"}}}"""
        val client = EliteaLanguageClient()
        val tap = MessageRequestTap(ByteArrayInputStream(frame(status("older")) + frame(status("newer")))) { client.acceptTokenStatus(it) }
        client.tap = tap
        drain(tap)
        assertEquals("newer", client.tokens.current.single().name)
        assertEquals("Ada", client.tokens.user?.name, "the user a late notification names is kept")
        // What LSP4IJ's runAsync may do: the older copy last. It is ignored: the tap applied both.
        val handler = MessageJsonHandler(ServiceEndpoints.getSupportedMethods(EliteaLanguageClient::class.java))
        val older = handler.parseMessage(status("older")) as NotificationMessage
        client.tokenStatus(older.params)
        assertEquals("newer", client.tokens.current.single().name)
        assertEquals(2, client.tokens.received)
        // Without a tap (another host), LSP4J's copies are taken as they come.
        val plain = EliteaLanguageClient()
        plain.tokenStatus(older.params)
        assertEquals("older", plain.tokens.current.single().name)
    }

    @Test
    fun `the tap finds a request by its message and item count, never by its titles`() {
        fun request(id: Int, message: String, vararg items: Pair<String, String>) =
            """{"jsonrpc":"2.0","id":$id,"method":"window/showMessageRequest","params":{"type":1,"message":"$message","actions":[""" +
                items.joinToString(",") { (title, action) -> """{"title":"$title","action":"$action","uuid":"u-$id"}""" } + "]}}"
        val stream = frame(request(1, "A is revoked.", "Replace" to "replace", "Show" to "showTokens")) +
            frame(request(2, "B is revoked.", "Replace" to "replace", "Show" to "showTokens"))
        val tap = MessageRequestTap(ByteArrayInputStream(stream))
        drain(tap)
        fun decoded(message: String, vararg titles: String) = ShowMessageRequestParams(titles.map { MessageActionItem(it) }).apply {
            this.message = message
            type = MessageType.Error
        }
        // Asked for in the other order (runAsync), and with titles LSP4J might have changed: B's items for B.
        val b = tap.actionsFor(decoded("B is revoked.", "other", "words"))!!
        assertEquals(listOf("u-2", "u-2"), b.map { it.get("uuid").asString })
        assertNull(tap.actionsFor(decoded("A is revoked.", "one item")), "a different number of items is another request")
        val a = ExpiryWarnings.parse(decoded("A is revoked.", "Replace", "Show"), tap.actionsFor(decoded("A is revoked.", "Replace", "Show")))!!
        assertEquals(listOf(WarningActionKind.REPLACE, WarningActionKind.SHOW_TOKENS), a.actions.map { it.kind })
        assertTrue(a.isRevoked && a.isError)
        // The chosen item goes back as the server sent it: action and uuid.
        val item = a.action(WarningActionKind.REPLACE)!!.item as EliteaActionItem
        assertEquals("replace" to "u-1", item.action to item.uuid)
    }

    @Test
    fun `the tap keeps every request of a long mixed stream, read in pieces of any size`() {
        val random = java.util.Random(24)
        val frames = mutableListOf<ByteArray>()
        val expected = mutableListOf<Pair<String, String>>()
        for (i in 0 until 200) {
            when (random.nextInt(4)) {
                0 -> {
                    val message = "The ELITEA token ‘t$i’ … was deleted ✗ (${"x".repeat(random.nextInt(300))})"
                    expected += message to "u-$i"
                    frames += frame(
                        """{"jsonrpc":"2.0","id":$i,"method":"window/showMessageRequest","params":{"type":1,"message":"$message",""" +
                            """"actions":[{"title":"Replace with a new token…","action":"replace","uuid":"u-$i"},{"title":"Show tokens","action":"showTokens","uuid":"u-$i"}]}}""",
                    )
                }
                1 -> frames += frame("""{"jsonrpc":"2.0","method":"elitea/tokenStatus","params":{"tokensInUse":[{"uuid":"s$i","status":{"kind":"ok","label":"…"},"files":[]}]}}""")
                2 -> frames += frame("""{"jsonrpc":"2.0","method":"window/logMessage","params":{"type":3,"message":"window/showMessageRequest ${"é".repeat(random.nextInt(50))}"}}""")
                else -> frames += frame("""{"jsonrpc":"2.0","id":"x$i","result":{"ok":true}}""")
            }
        }
        // Fewer requests than the tap keeps unanswered (64, a bound for requests LSP4J never handed over).
        assertTrue(expected.size in 30..63, expected.size.toString())
        val stream = frames.reduce { a, b -> a + b }
        val seen = mutableListOf<String>()
        val tap = MessageRequestTap(ByteArrayInputStream(stream)) { seen += Json.decode<TokenStatusParams>(it).tokensInUse.single().uuid }
        val out = java.io.ByteArrayOutputStream()
        while (true) {
            // Single bytes and pieces of every size, as readers do.
            if (random.nextInt(5) == 0) {
                val b = tap.read()
                if (b < 0) break
                out.write(b)
            } else {
                val buf = ByteArray(1 + random.nextInt(700))
                val n = tap.read(buf, 0, buf.size)
                if (n < 0) break
                out.write(buf, 0, n)
            }
        }
        assertTrue(stream.contentEquals(out.toByteArray()))
        assertNull(tap.brokenBy)
        assertTrue(tap.deliversTokenStatus)
        assertEquals(frames.count { String(it, Charsets.UTF_8).contains("elitea/tokenStatus") }, seen.size, "every tokenStatus, in order")
        // Asked for in another order than they came: each finds its own items.
        for ((message, uuid) in expected.shuffled(random)) {
            val params = ShowMessageRequestParams(listOf(MessageActionItem("Replace with a new token…"), MessageActionItem("Show tokens"))).apply {
                this.message = message
                type = MessageType.Error
            }
            val items = tap.actionsFor(params)
            assertEquals(listOf(uuid, uuid), items?.map { it.get("uuid").asString }, message)
        }
    }

    // ------------------------------------------------------------------ item 3: status shown

    @Test
    fun `a rejected credential is not shown as signed in, and the warnings and the user are`() {
        val tracker = TokenStatusTracker()
        tracker.updateStatus(status(credential = CredentialState.REJECTED, note = "The token was deleted on the server."))
        val s = tracker.summary()
        assertEquals("ELITEA: Sign in again", s.text)
        assertEquals(StatusClick.SIGN_IN, s.click)
        assertEquals(StatusKind.EXPIRED, s.kind)
        assertTrue(s.tooltip.contains("The token was deleted on the server.") && s.tooltip.contains("https://elitea.example"), s.tooltip)

        tracker.updateStatus(status(warnings = listOf("TLS verification is off for this server.", "Secrets are kept in a plain file.")))
        val ok = tracker.summary()
        assertEquals("ELITEA", ok.text)
        assertTrue(ok.tooltip.contains("⚠ TLS verification is off") && ok.tooltip.contains("⚠ Secrets are kept in a plain file"), ok.tooltip)
        assertTrue(ok.tooltip.contains("Signed in to https://elitea.example as Ada (ada@example.com)"), ok.tooltip)

        tracker.updateStatus(status(signedIn = false, credential = null, note = "No Secret Service is running: set secrets store to file."))
        val out = tracker.summary()
        assertEquals("ELITEA: Sign in", out.text)
        assertTrue(out.tooltip.contains("No Secret Service is running"), "why, from status.credentialNote: ${out.tooltip}")
        assertNull(tracker.user, "no user after sign-out")
    }

    @Test
    fun `the settings page's account view says where, who, how and what is wrong`() {
        val view = AccountView.of(status(warnings = listOf("TLS off."), settingsAvailable = false, reason = "Select a model first."))
        assertEquals("https://elitea.example", view.server)
        assertEquals("Ada (ada@example.com)", view.user)
        assertEquals("OS keyring", view.secretsStore)
        assertEquals("Accepted by the server.", view.credential)
        assertEquals(listOf("TLS off."), view.warnings)
        assertEquals("Select a model first.", view.settingsNote)
        assertEquals("user 9", AccountView.describe(UserInfo(9)))
        assertEquals("Rejected by the server: gone.", AccountView.of(status(credential = CredentialState.REJECTED, note = "gone.")).credential)
        val out = AccountView.of(status(signedIn = false, credential = null))
        assertNull(out.user)
        assertNull(out.signedInAs)
        // A name that arrives later (tokenStatus.user) wins over the status's bare id.
        assertEquals("Ada", AccountView.of(status(user = UserInfo(7)), UserInfo(7, null, "Ada")).user)
    }

    @Test
    fun `actions are disabled with the reason when signed out or rejected, enabled before anything is known`() {
        assertEquals(Availability.ENABLED, Availability.of(true, null))
        assertEquals(Availability.ENABLED, Availability.of(false, status(signedIn = false)))
        val out = Availability.of(true, status(signedIn = false))
        assertFalse(out.enabled)
        assertTrue(out.reason!!.contains("Sign in"), out.reason)
        val rejected = Availability.of(true, status(credential = CredentialState.REJECTED, note = "Token expired."))
        assertEquals(Availability(false, "Token expired."), rejected)
        assertEquals(Availability.ENABLED, Availability.of(true, status()))
    }

    // ------------------------------------------------------------------ items 7 and 22.8: apply's questions

    private fun error(kind: String, reason: String? = null): EliteaException {
        val data = mutableMapOf<String, Any>("kind" to kind)
        reason?.let { data["reason"] = it }
        return EliteaException.from(Commands.APPLY_SETTINGS, ResponseErrorException(ResponseError(-32803, "A sentence for the user.", data)))
    }

    @Test
    fun `apply's refusals are told apart by kind and reason, and each answer sends the flag it names`() {
        val sent = ApplySettingsParams("u", Ide.JETBRAINS, SettingsTarget.WORKSPACE)
        assertEquals(ApplyQuestion.TOKEN_EXPIRED, ApplyFlow.question(error("conflict", "tokenExpired"), sent))
        assertEquals(ApplyQuestion.TRACKED_FILE, ApplyFlow.question(error("conflict", "trackedFile"), sent))
        assertEquals(ApplyQuestion.WRITE_PROTECTED, ApplyFlow.question(error("fileUnreadable", "writeProtected"), sent))
        assertNull(ApplyFlow.question(error("fileUnreadable"), sent), "a file that cannot be read at all: no confirmation helps")
        assertEquals(ApplyQuestion.VALUE_NOT_KNOWN, ApplyFlow.question(error("notFound", "valueNotKnown"), sent))
        assertNull(ApplyFlow.question(error("notFound"), sent), "a token that is gone is a plain failure")
        assertNull(ApplyFlow.question(error("conflict", "somethingNew"), sent), "an unknown reason is not guessed at")
        assertNull(ApplyFlow.question(error("invalidParams"), sent))

        assertEquals(listOf(ApplyChoice.REPLACE, ApplyChoice.PROCEED, ApplyChoice.CANCEL), ApplyFlow.choices(ApplyQuestion.TOKEN_EXPIRED))
        assertEquals(sent.copy(replaceExpired = true), ApplyFlow.next(sent, ApplyQuestion.TOKEN_EXPIRED, ApplyChoice.REPLACE))
        assertEquals(sent.copy(allowExpired = true), ApplyFlow.next(sent, ApplyQuestion.TOKEN_EXPIRED, ApplyChoice.PROCEED))
        assertNull(ApplyFlow.next(sent, ApplyQuestion.TOKEN_EXPIRED, ApplyChoice.CANCEL))
        assertEquals(sent.copy(writeProtected = true), ApplyFlow.next(sent, ApplyQuestion.WRITE_PROTECTED, ApplyChoice.PROCEED))
        assertEquals(sent.copy(allowTrackedFile = true), ApplyFlow.next(sent, ApplyQuestion.TRACKED_FILE, ApplyChoice.PROCEED))
        assertEquals(sent.copy(withoutToken = true), ApplyFlow.next(sent, ApplyQuestion.VALUE_NOT_KNOWN, ApplyChoice.PROCEED))
        assertNull(ApplyFlow.next(sent, ApplyQuestion.TRACKED_FILE, ApplyChoice.REPLACE), "not a choice of that question")

        // Asked once: the same refusal after the answer is shown, not asked again.
        assertNull(ApplyFlow.question(error("fileUnreadable", "writeProtected"), sent.copy(writeProtected = true)))
        assertNull(ApplyFlow.question(error("conflict", "tokenExpired"), sent.copy(allowExpired = true)))
        assertNull(ApplyFlow.question(error("conflict", "trackedFile"), sent.copy(allowTrackedFile = true)))
        assertNull(ApplyFlow.question(error("conflict"), sent), "a conflict without a reason is not guessed at")
        // And the flags go out with their wire names.
        assertEquals(
            Json.parse("""{"uuid":"u","ide":"jetbrains","target":{"kind":"workspace"},"writeProtected":true,"allowExpired":true,"replaceExpired":true}"""),
            Json.encode(sent.copy(writeProtected = true, allowExpired = true, replaceExpired = true)),
        )
    }

    // ------------------------------------------------------------------ items 5, 6, 13: options and settings

    @Test
    fun `the options leave workspace folders to LSP, and clearing a setting sends a null the server merges`() {
        val options = PluginOptions.build(" ", "", true, PluginOptions.schema(null), SecretStoreSetting.AUTO, "/work/p")
        assertNull(options.workspaceFolders, "LSP's own workspace folders, not one forced folder")
        assertEquals("/work/p", options.jetbrainsProjectPath)
        assertNull(options.serverUrl)
        assertNull(options.projectId)
        assertEquals(SettingsSchema.CURRENT, options.schema, "today's schema is the default")
        assertEquals(SettingsSchema.LEGACY, PluginOptions.schema("legacy"))

        // Written by LSP4J's own Gson, as the notification goes out: the cleared keys are there, as null.
        val handler = MessageJsonHandler(ServiceEndpoints.getSupportedMethods(LanguageServer::class.java))
        val message = NotificationMessage().apply {
            method = "workspace/didChangeConfiguration"
            params = DidChangeConfigurationParams(mapOf("elitea" to ConfigurationSection.of(options, PluginOptions.OWNED)))
        }
        val sent = Json.parse(handler.serialize(message)).asJsonObject.getAsJsonObject("params").getAsJsonObject("settings").getAsJsonObject("elitea")
        assertTrue(sent.has("serverUrl") && sent.get("serverUrl").isJsonNull, sent.toString())
        assertTrue(sent.has("projectId") && sent.get("projectId").isJsonNull, sent.toString())
        assertTrue(sent.has("secretsStore") && sent.get("secretsStore").isJsonNull, sent.toString())
        assertEquals("current", sent.get("schema").asString)
        assertFalse(sent.has("workspaceFolders"), "not an option the plugin owns")
        // Elsewhere in the same message nulls stay out, as LSP4J writes them.
        assertFalse(handler.serialize(message).contains("\"id\":null"))
    }

    @Test
    fun `one secret store choice, where the old two checkboxes let the file win silently`() {
        assertEquals(SecretStoreSetting.PLAIN_FILE, SecretStoreSetting.fromCheckboxes(file = true, passwordSafe = true))
        assertEquals(SecretStoreSetting.PASSWORD_SAFE, SecretStoreSetting.fromCheckboxes(file = false, passwordSafe = true))
        assertEquals(SecretStoreSetting.AUTO, SecretStoreSetting.fromCheckboxes(file = false, passwordSafe = false))
        assertEquals(SecretStoreSetting.AUTO, SecretStoreSetting.of("no such choice"))
        assertEquals(StoreChoice.EDITOR, SecretStoreSetting.of("passwordSafe").choice)
        assertEquals(StoreChoice.FILE, PluginOptions.build(null, null, true, SettingsSchema.CURRENT, SecretStoreSetting.PLAIN_FILE, null).secretsStore)
    }

    @Test
    fun `the picker pages with the server's largest page size, the unused filter resets the page`() {
        val rules = Rules.fromExperimental(Json.parse(TestRules.JSON))
        assertEquals(20, AllTokens.pageSize(rules))
        val b = TokenBrowser(rules)
        b.accept(TokenPage(30, 0, 7, emptyList()))
        b.next()
        assertTrue(b.setUnusedOnly(true))
        assertFalse(b.setUnusedOnly(true))
        assertEquals(ListTokensParams(pageSize = 7, page = 0, unused = true), b.query())
        b.accept(TokenPage(0, 0, 7, emptyList()))
        assertEquals("No unused tokens", b.pageLabel())
        b.setUnusedOnly(false)
        assertNull(b.query().unused)
    }

    // ------------------------------------------------------------------ balloons, links, migration

    @Test
    fun `don't show again hides a token's expiry balloons, never a revoked token's`() {
        fun warning(vararg kinds: WarningActionKind) = ExpiryWarning(
            "m", MessageType.Warning, kinds.map { WarningAction(it.wire, it, "u1") }, "u1", null,
        )
        assertFalse(ExpirySuppression.shows(warning(WarningActionKind.ROTATE, WarningActionKind.SNOOZE), setOf("u1")))
        assertTrue(ExpirySuppression.shows(warning(WarningActionKind.ROTATE), setOf("u2")))
        assertTrue(ExpirySuppression.shows(warning(WarningActionKind.REPLACE, WarningActionKind.SHOW_TOKENS), setOf("u1")))
    }

    @Test
    fun `the personal tokens page and the migration's lines`() {
        assertEquals("https://next.elitea.ai/settings/tokens", PersonalTokensPage.url("https://next.elitea.ai/"))
        assertNull(PersonalTokensPage.url("sandbox"), "the embedded sandbox has no web UI")
        assertNull(PersonalTokensPage.url(null))
        val result = MigrateSettingsResult(
            dryRun = true,
            files = listOf(FileChange("/home/u/p/.idea/elitea.xml", FileChangeKind.CREATED), FileChange("/home/u/p/.idea/alita.xml", FileChangeKind.DELETED)),
            moves = listOf(SettingMove("AlitaSettings", "EliteASettings"), SettingMove("alitacode.verifySsl", null)),
        )
        assertEquals(
            listOf(
                "AlitaSettings → EliteASettings",
                "alitacode.verifySsl: removed (today's key already holds a value)",
                "~/p/.idea/elitea.xml: created",
                "~/p/.idea/alita.xml: deleted (nothing else was left in it)",
            ),
            MigrationText.lines(result, home = "/home/u"),
        )
        assertTrue(MigrateSettingsResult(false, emptyList(), emptyList()).isEmpty)
        assertEquals(
            MigrateSettingsResult(true, listOf(FileChange("/a", FileChangeKind.EDITED)), listOf(SettingMove("alitacode.x", "eliteacode.x"))),
            Json.decode<MigrateSettingsResult>(Json.parse("""{"dryRun":true,"files":[{"path":"/a","change":"edited"}],"moves":[{"from":"alitacode.x","to":"eliteacode.x"}]}""")),
        )
    }

    // ------------------------------------------------------------------ item 10: the clipboard

    @Test
    fun `a token value goes on the clipboard and off it again, unless the user copied something since`() {
        val board = Clipboard("test")
        val scheduler = Executors.newSingleThreadScheduledExecutor()
        try {
            val clip = SecretClipboard({ board }, clearAfterSeconds = 1, scheduler = scheduler)
            clip.copy("eyJsecret")
            assertEquals("eyJsecret", board.getData(DataFlavor.stringFlavor))
            assertTrue(clip.holdsSecret)
            assertFalse(clip.toString().contains("eyJ"))
            scheduler.schedule({}, 1500, TimeUnit.MILLISECONDS).get()
            assertEquals("", board.getData(DataFlavor.stringFlavor), "cleared after the delay")
            assertFalse(clip.holdsSecret)

            clip.copy("eyJsecret2")
            board.setContents(StringSelection("the user's own text"), null)
            // The clipboard tells its old owner on the AWT event thread: wait for it.
            java.awt.EventQueue.invokeAndWait {}
            assertFalse(clip.holdsSecret, "another copy takes the clipboard over")
            scheduler.schedule({}, 1500, TimeUnit.MILLISECONDS).get()
            assertEquals("the user's own text", board.getData(DataFlavor.stringFlavor), "what the user copied stays")

            clip.copy("eyJsecret3")
            clip.clearNow()
            assertEquals("", board.getData(DataFlavor.stringFlavor), "cleared when the dialog closes")
        } finally {
            scheduler.shutdownNow()
        }
    }
}
