package ai.elitea.tokens.client

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.MethodOrderer
import org.junit.jupiter.api.Order
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.TestMethodOrder
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions
import java.util.concurrent.CompletableFuture

/**
 * Issue 22 (and 24's read-only files and cleared settings) against the real `elitea-tokens lsp`
 * and sandbox, through the decisions the plugin makes ([ApplyFlow], [Rules], [PluginOptions]).
 * The last test waits a little over a minute, once, for a token to expire and for the
 * server's token list to be old enough to be read again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation::class)
class TodaysSettingsFlowTest {
    private lateinit var tmp: Path
    private lateinit var project: Path
    private lateinit var userSettings: Path
    private lateinit var sandbox: Sandbox
    private lateinit var session: Session
    private val api get() = session.api
    private val secrets = mutableListOf<String>()

    @BeforeAll
    fun start() {
        tmp = Files.createTempDirectory("elitea-jb-today")
        project = Files.createDirectories(tmp.resolve("project"))
        Files.createDirectories(project.resolve(".idea"))
        userSettings = tmp.resolve("vscode-user/settings.json")
        sandbox = Sandbox.start()
        secrets += sandbox.bootstrapToken
        // The options as the plugin builds them: no workspaceFolders of its own (issue 24, item 6).
        val options = PluginOptions.build(null, null, true, PluginOptions.schema(null), SecretStoreSetting.PLAIN_FILE, project.toString())
            .copy(vscodeUserSettingsPath = userSettings.toString())
        session = Session.start(tmp.resolve("data"), workspace = project, options = options)
        api.signIn(SignInParams(sandbox.url, sandbox.bootstrapToken)).await()
        api.selectModel(SelectModelParams(name = "gpt-5-mini")).await()
    }

    @AfterAll
    fun stop() {
        if (::session.isInitialized) session.close()
        if (::sandbox.isInitialized) sandbox.close()
        tmp.toFile().deleteRecursively()
    }

    private fun generate(name: String, expiration: Expiration): GeneratedToken =
        api.generateToken(GenerateTokenParams(name, expiration)).await().also { secrets += it.token }

    /** Applies [params] the way the plugin does: each question the server asks answered with [choose]. */
    private fun applyAsThePluginDoes(params: ApplySettingsParams, asked: MutableList<ApplyQuestion>, choose: (ApplyQuestion) -> ApplyChoice): ApplySettingsResult? {
        var sent = params
        while (true) {
            try {
                return api.applySettings(sent).await()
            } catch (e: EliteaException) {
                val question = ApplyFlow.question(e, sent) ?: throw e
                asked += question
                assertFalse(e.message.orEmpty().contains("eyJ"), "no token value in the sentence")
                sent = ApplyFlow.next(sent, question, choose(question)) ?: return null
            }
        }
    }

    @Test
    @Order(1)
    fun `the reserved name comes with the rules and is refused as typed and by the server`() {
        val rules = session.lsp.rules
        assertTrue("elitea-system" in rules.name.reservedNames, rules.name.toString())
        assertEquals(rules.name.reservedHint, rules.nameProblem("elitea-system"))
        assertNull(rules.nameProblem("Elitea-System"), "exact and case-sensitive, as the server matches it")
        val refused = expectError { api.generateToken(GenerateTokenParams("elitea-system", Expiration.NEVER)).await() }
        assertEquals(ErrorKind.INVALID_PARAMS, refused.kind, refused.message)
        assertTrue(api.listTokens(ListTokensParams(search = "elitea-system")).await().items.isEmpty(), "the hidden token is not listed")
    }

    @Test
    @Order(2)
    fun `today's schema is the default, legacy stays selectable, and a cleared setting reaches the server`() {
        val t = generate("today-schema", Expiration(Measure.DAYS, 3))
        assertEquals("elitea.xml", api.previewSettings(PreviewSettingsParams(t.uuid, Ide.JETBRAINS)).await().fileName)
        val legacy = PluginOptions.build(null, null, true, SettingsSchema.LEGACY, SecretStoreSetting.PLAIN_FILE, project.toString())
            .copy(vscodeUserSettingsPath = userSettings.toString())
        api.changeConfiguration(legacy)
        awaitPreview(t, "alita.xml")
        // Left out, as Gson alone would leave a cleared setting: the server keeps the old value.
        api.changeConfiguration(legacy.copy(schema = null), owned = emptyList())
        Thread.sleep(500)
        assertEquals("alita.xml", api.previewSettings(PreviewSettingsParams(t.uuid, Ide.JETBRAINS)).await().fileName)
        // Sent as null, as the plugin sends it: cleared, the server's default (current) again.
        api.changeConfiguration(legacy.copy(schema = null))
        awaitPreview(t, "elitea.xml")
        // The plugin's own settings always name a schema (current unless legacy is chosen).
        api.changeConfiguration(PluginOptions.build(null, null, true, PluginOptions.schema("current"), SecretStoreSetting.PLAIN_FILE, project.toString()).copy(vscodeUserSettingsPath = userSettings.toString()))
    }

    private fun awaitPreview(t: GeneratedToken, fileName: String) {
        // A notification has no answer: the next command is read after it, but give it a moment.
        val end = System.nanoTime() + 5_000_000_000
        var last = ""
        while (System.nanoTime() < end) {
            last = api.previewSettings(PreviewSettingsParams(t.uuid, Ide.JETBRAINS)).await().fileName
            if (last == fileName) return
            Thread.sleep(100)
        }
        throw AssertionError("the preview is $last, not $fileName")
    }

    @Test
    @Order(3)
    fun `a read-only file is replaced only after the user confirms (writeProtected)`() {
        val t = generate("read-only-target", Expiration(Measure.DAYS, 3))
        val file = tmp.resolve("elsewhere/.idea/elitea.xml")
        Files.createDirectories(file.parent)
        Files.writeString(file, "<project version=\"4\">\n  <component name=\"Other\" />\n</project>\n")
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"))
        val asked = mutableListOf<ApplyQuestion>()
        val params = ApplySettingsParams(t.uuid, Ide.JETBRAINS, SettingsTarget.file(file.toString()))
        assertNull(applyAsThePluginDoes(params, asked) { ApplyChoice.CANCEL })
        assertEquals(listOf(ApplyQuestion.WRITE_PROTECTED), asked)
        assertFalse(Files.readString(file).contains("EliteASettings"), "nothing written before the user confirms")
        asked.clear()
        val done = applyAsThePluginDoes(params, asked) { ApplyChoice.PROCEED }!!
        assertEquals(listOf(ApplyQuestion.WRITE_PROTECTED), asked)
        assertTrue(done.changedKeys.isNotEmpty())
        val text = Files.readString(file)
        assertTrue(text.contains("EliteASettings") && text.contains("name=\"Other\""), text)
    }

    @Test
    @Order(4)
    fun `migrate shows the moves in a dry run, then moves alita xml into elitea xml keeping the rest`() {
        val idea = Files.createDirectories(tmp.resolve("old-project/.idea"))
        val alita = idea.resolve("alita.xml")
        Files.writeString(
            alita,
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <project version="4">
              <component name="AlitaSettings">
                <option name="llmServerUrl" value="https://old.example" />
                <option name="projectId" value="42" />
                <option name="provider" value="ALITA_EYE" />
              </component>
              <component name="SomethingElse">
                <option name="keep" value="me" />
              </component>
            </project>
            """.trimIndent() + "\n",
        )
        val before = Files.readString(alita)
        val preview = api.migrateSettings(MigrateSettingsParams(alita.toString(), dryRun = true)).await()
        assertTrue(preview.dryRun)
        assertFalse(preview.isEmpty)
        assertTrue(preview.moves.isNotEmpty(), preview.toString())
        assertEquals(before, Files.readString(alita), "a dry run changes nothing")
        assertFalse(Files.exists(idea.resolve("elitea.xml")))
        val lines = MigrationText.lines(preview)
        assertTrue(lines.any { it.contains("elitea.xml") }, lines.toString())

        val done = api.migrateSettings(MigrateSettingsParams(alita.toString())).await()
        assertFalse(done.dryRun)
        assertEquals(preview.moves, done.moves, "what the preview showed is what moved")
        val elitea = Files.readString(idea.resolve("elitea.xml"))
        assertTrue(elitea.contains("EliteASettings") && elitea.contains("ELITEA_EYE") && elitea.contains("https://old.example"), elitea)
        val rest = Files.readString(alita)
        assertTrue(rest.contains("SomethingElse") && !rest.contains("AlitaSettings"), rest)

        // Nothing left to migrate: an empty answer, not an error.
        val again = api.migrateSettings(MigrateSettingsParams(alita.toString(), dryRun = true)).await()
        assertTrue(again.isEmpty, again.toString())
    }

    @Test
    @Order(5)
    fun `a revoked token's warning is answered with its replace item, and an expired token is replaced or written as the user chooses`() {
        // Answered as the plugin answers, from the start: the server warns about a token once.
        val warnings = java.util.concurrent.ConcurrentLinkedQueue<ExpiryWarning>()
        val revokedUuid = java.util.concurrent.atomic.AtomicReference<String>()
        session.client.onShowMessageRequest = { params ->
            val w = session.client.expiryWarning(params)
            if (w != null) warnings += w
            // The plugin returns the chosen item as it came; the server replaces the token itself.
            CompletableFuture.completedFuture(w?.takeIf { it.uuid == revokedUuid.get() }?.action(WarningActionKind.REPLACE)?.item)
        }
        // A token in use, deleted behind this server's back (another client, the web UI).
        val revoked = generate("deleted-elsewhere", Expiration.NEVER)
        revokedUuid.set(revoked.uuid)
        api.applySettings(ApplySettingsParams(revoked.uuid, Ide.VSCODE, SettingsTarget.USER)).await()
        val expiring = generate("short-lived", Expiration(Measure.MINUTES, 1))
        val listedAt = System.nanoTime()
        Session.start(tmp.resolve("other-data"), options = InitializationOptions(vscodeUserSettingsPath = tmp.resolve("other-user/settings.json").toString())).use { other ->
            other.api.signIn(SignInParams(sandbox.url, sandbox.bootstrapToken)).await()
            other.api.deleteToken(DeleteTokenParams(revoked.uuid, revoked.name!!)).await()
        }

        // The token list is read again when a settings file changes, once it is a minute old;
        // the short-lived token has expired by then too.
        val wait = 65_000L - (System.nanoTime() - listedAt) / 1_000_000
        if (wait > 0) Thread.sleep(wait)
        // A change on disk, as an editor saving the file makes; again every few seconds until the
        // server has read the list (it reads at most once a minute per server, and a change the
        // watcher sees while a read is under way is not a new one).
        var replacedIn: String? = null
        for (attempt in 1..8) {
            Files.writeString(userSettings, Files.readString(userSettings) + "\n")
            replacedIn = awaitJwtOtherThan(revoked.uuid, 5)
            if (replacedIn != null) break
        }
        val warning = warnings.firstOrNull { it.uuid == revoked.uuid }
        assertNotNull(
            warning,
            "a warning about the revoked token: $warnings; requests seen: ${session.client.messageRequests.map { it.message }}; " +
                "tokens in use: ${session.client.tokens.current.map { it.name to it.isRevoked }}; tap broken by: ${session.client.tap?.brokenBy}",
        )
        assertEquals(setOf(WarningActionKind.REPLACE, WarningActionKind.SHOW_TOKENS), warning!!.actions.map { it.kind }.toSet())
        assertTrue(warning.isRevoked && warning.isError)
        assertNotNull(replacedIn, "the server wrote a new token where the revoked one was")
        assertTrue(api.listTokens(ListTokensParams(search = "deleted-elsewhere", pageSize = 100)).await().items.none { it.uuid == revoked.uuid })

        // The expired token: refused with reason tokenExpired; Write anyway, then Replace.
        val asked = mutableListOf<ApplyQuestion>()
        val anyway = tmp.resolve("anyway/.vscode/settings.json")
        val written = applyAsThePluginDoes(ApplySettingsParams(expiring.uuid, Ide.VSCODE, SettingsTarget.file(anyway.toString())), asked) { ApplyChoice.PROCEED }!!
        assertEquals(listOf(ApplyQuestion.TOKEN_EXPIRED), asked)
        assertNull(written.replacedBy)
        assertEquals(listOf(expiring.uuid), jwtsIn(Files.readString(anyway)).map { jwtPayload(it).get("uuid").asString }.distinct())

        asked.clear()
        val fresh = tmp.resolve("fresh/.vscode/settings.json")
        val replaced = applyAsThePluginDoes(ApplySettingsParams(expiring.uuid, Ide.VSCODE, SettingsTarget.file(fresh.toString())), asked) { ApplyChoice.REPLACE }!!
        assertEquals(listOf(ApplyQuestion.TOKEN_EXPIRED), asked)
        val newRow = assertNotNull(replaced.replacedBy, "replacedBy names the new token").let { replaced.replacedBy!! }
        assertTrue(newRow.uuid != expiring.uuid)
        assertEquals(listOf(newRow.uuid), jwtsIn(Files.readString(fresh)).map { jwtPayload(it).get("uuid").asString }.distinct())
        // "Written where the old one was": the file that held the expired token holds the new one.
        assertEquals(listOf(newRow.uuid), jwtsIn(Files.readString(anyway)).map { jwtPayload(it).get("uuid").asString }.distinct())

        val stderr = if (Files.exists(session.stderr)) Files.readString(session.stderr) else ""
        for (s in secrets) {
            assertTrue(session.client.allMessageTexts().none { it.contains(s) }, "a token value was in a message")
            assertFalse(stderr.contains(s), "a token value was in the server's log")
        }
    }

    /** Waits until the user settings hold a token other than [old]; returns its uuid. */
    private fun awaitJwtOtherThan(old: String, seconds: Long): String? {
        val end = System.nanoTime() + seconds * 1_000_000_000
        while (System.nanoTime() < end) {
            val uuids = jwtsIn(Files.readString(userSettings)).map { jwtPayload(it).get("uuid").asString }.distinct()
            if (uuids.isNotEmpty() && old !in uuids) return uuids.first()
            Thread.sleep(200)
        }
        return null
    }
}
