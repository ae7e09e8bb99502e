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
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException
import javax.xml.parsers.DocumentBuilderFactory

/**
 * The whole product as the JetBrains plugin drives it: the real `elitea-tokens lsp`, launched
 * with LSP4J, against a real HTTP sandbox, through the typed API only. The steps share one
 * server and run in order; each is its own test so that one failing does not hide the others.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation::class)
class FullFlowTest {
    private lateinit var tmp: Path
    private lateinit var project: Path
    private lateinit var sandbox: Sandbox
    private lateinit var session: Session
    private val api get() = session.api

    /** Every full token value seen, to check that none leaks into a message or a log. */
    private val secrets = mutableListOf<String>()
    private val generated = mutableMapOf<String, GeneratedToken>()

    @BeforeAll
    fun start() {
        tmp = Files.createTempDirectory("elitea-jb-flow")
        project = Files.createDirectories(tmp.resolve("my-project"))
        Files.createDirectories(project.resolve(".idea"))
        sandbox = Sandbox.start()
        secrets += sandbox.bootstrapToken
        session = Session.start(
            tmp.resolve("data"),
            workspace = project,
            options = InitializationOptions(
                jetbrainsProjectPath = project.toString(),
                workspaceFolders = listOf(project.toString()),
                vscodeUserSettingsPath = tmp.resolve("vscode-user/settings.json").toString(),
            ),
        )
    }

    private fun listTokensNamed(name: String): TokenRow =
        api.listTokens(ListTokensParams(search = name, pageSize = 100)).await().items.single { it.name == name }

    @AfterAll
    fun stop() {
        if (::session.isInitialized) session.close()
        if (::sandbox.isInitialized) sandbox.close()
        tmp.toFile().deleteRecursively()
    }

    @Test
    @Order(1)
    fun `initialize lists exactly the protocol's commands and the server reports the tokens in use`() {
        assertEquals((Commands.ALL + Commands.CODE_ACTIONS).toSet(), session.lsp.commands.toSet())
        // The rules the dialogs and the token list use come with initialize (decoded and checked there).
        val rules = session.lsp.rules
        assertTrue(rules.expiration.default.measure in rules.measures, rules.toString())
        assertNotNull(session.client.awaitTokens(10) { true }, "elitea/tokenStatus after start-up")
        assertTrue(session.client.malformed.isEmpty(), session.client.malformed.toString())
    }

    @Test
    @Order(2)
    fun `before sign-in status says so and token commands answer notSignedIn`() {
        val status = api.status().await()
        assertFalse(status.signedIn)
        assertFalse(status.settingsAvailable)
        // The status bar item, fed as the plugin feeds it: "ELITEA: Sign in", a click signs in.
        session.client.tokens.updateStatus(status)
        assertEquals("ELITEA: Sign in", session.client.tokens.summary().text)
        assertEquals(StatusClick.SIGN_IN, session.client.tokens.summary().click)
        assertTrue(status.secretsStore.contains("file", ignoreCase = true), status.secretsStore)
        val e = expectError { api.listTokens().await() }
        assertEquals(ErrorKind.NOT_SIGNED_IN, e.kind, e.message)
    }

    @Test
    @Order(3)
    fun `a wrong token is rejected in words`() {
        val e = expectError { api.signIn(SignInParams(sandbox.url, sandbox.bootstrapToken.dropLast(4) + "AAAA")).await() }
        assertEquals(ErrorKind.CREDENTIAL_REJECTED, e.kind, e.message)
        assertTrue(e.message!!.isNotBlank())
        assertFalse(e.message!!.contains(sandbox.bootstrapToken.dropLast(4)), "the token came back in the error")
    }

    @Test
    @Order(4)
    fun `sign in with the sandbox's token`() {
        val result = api.signIn(SignInParams(serverUrl = sandbox.url, token = sandbox.bootstrapToken)).await()
        assertEquals(1L, result.user.id)
        assertEquals("dev@example.com", result.user.email)
        assertEquals(sandbox.url.trimEnd('/'), result.serverUrl.trimEnd('/'))
        val status = api.status().await()
        assertTrue(status.signedIn)
        assertEquals(1L, status.user?.id)
        assertTrue(status.warnings.isNotEmpty(), "the file secret store is reported as a warning")
    }

    @Test
    @Order(5)
    fun `generate tokens of each measure, the value once`() {
        val cases = listOf(
            GenerateTokenParams("JetBrains-IDE", Expiration(Measure.DAYS, 30)) to StatusKind.OK,
            GenerateTokenParams("PyCharm", Expiration(Measure.WEEKS, 2)) to StatusKind.OK,
            GenerateTokenParams("CI-nightly", Expiration(Measure.HOURS, 12)) to StatusKind.WARNING,
            GenerateTokenParams("Scratch", Expiration(Measure.MINUTES, 45)) to StatusKind.WARNING,
            GenerateTokenParams("Forever", Expiration.NEVER) to StatusKind.NEVER,
        )
        for ((params, kind) in cases) {
            val t = api.generateToken(params).await()
            secrets += t.token
            generated[params.name] = t
            assertEquals(params.name, t.name)
            assertEquals(kind, t.status.kind, "${params.name}: ${t.status}")
            assertEquals("..." + t.token.takeLast(4), t.masked)
            assertTrue(t.valueKnown, "the value is kept (file store)")
            assertEquals(t.uuid, jwtPayload(t.token).get("uuid").asString)
            assertFalse(t.toString().contains(t.token), "toString hides the value")
            if (kind == StatusKind.NEVER) assertNull(t.expires) else assertNotNull(t.expires)
        }
        assertEquals("in 30 days", generated.getValue("JetBrains-IDE").status.label)
        assertEquals("in 14 days", generated.getValue("PyCharm").status.label)
        assertEquals("Never", generated.getValue("Forever").status.label)
    }

    @Test
    @Order(6)
    fun `a taken or invalid name is refused, by the dialog's rule and by the server`() {
        val taken = expectError { api.generateToken(GenerateTokenParams("PyCharm", Expiration.NEVER)).await() }
        assertEquals(ErrorKind.CONFLICT, taken.kind, taken.message)
        // The dialogs' checks use the server's own rules (from initialize), and agree with it.
        val rules = session.lsp.rules
        assertNotNull(rules.nameProblem("PyCharm", listOf("PyCharm")))

        val bad = expectError { api.generateToken(GenerateTokenParams("my token!", Expiration(Measure.DAYS, 30))).await() }
        assertEquals(ErrorKind.INVALID_PARAMS, bad.kind, bad.message)
        assertNotNull(rules.nameProblem("my token!"))
        val tooLong = "a".repeat(rules.name.maxLength.toInt() + 1)
        assertNotNull(rules.nameProblem(tooLong))
        assertEquals(ErrorKind.INVALID_PARAMS, expectError { api.generateToken(GenerateTokenParams(tooLong, Expiration.NEVER)).await() }.kind)
        // A name the dialog suggests from a project's name is one the server takes.
        val suggested = rules.suggestName("my project (v2)", taken = listOf("PyCharm"))
        assertNull(rules.nameProblem(suggested))
        secrets += api.generateToken(GenerateTokenParams(suggested, rules.expiration.default)).await().token
        assertNotNull(api.deleteToken(DeleteTokenParams(listTokensNamed(suggested).uuid, suggested)).await())

        val badExpiry = expectError { api.generateToken(GenerateTokenParams("zero-days", Expiration(Measure.DAYS, 0))).await() }
        assertEquals(ErrorKind.INVALID_PARAMS, badExpiry.kind, badExpiry.message)
        assertTrue(rules.parseExpiration(Measure.DAYS, "0").isFailure)
        // Each measure's limits, as the server sends them, are the server's: the max is taken, one more is not.
        for (m in rules.expiration.measures.filter { it.max != null }) {
            assertTrue(rules.parseExpiration(m.measure, m.max.toString()).isSuccess, m.toString())
            assertTrue(rules.parseExpiration(m.measure, (m.max!!.toLong() + 1).toString()).isFailure, m.toString())
            val over = expectError { api.generateToken(GenerateTokenParams("over-${Json.wireName(m.measure)}", Expiration(m.measure, m.max!!.toLong() + 1))).await() }
            assertEquals(ErrorKind.INVALID_PARAMS, over.kind, over.message)
        }
    }

    @Test
    @Order(7)
    fun `list with search, both sorts, both orders, every page size and paging`() {
        for (i in 1..7) {
            val t = api.generateToken(GenerateTokenParams("bulk-0$i", Expiration(Measure.DAYS, 10L + i))).await()
            secrets += t.token
        }
        // bootstrap + 5 + 7
        val all = api.listTokens(ListTokensParams(pageSize = 100)).await()
        assertEquals(13L, all.total)
        assertEquals(13, all.items.size)

        val byExpiry = api.listTokens(ListTokensParams(sortBy = SortBy.EXPIRATION, order = SortOrder.ASC, pageSize = 5)).await()
        assertEquals(listOf("Scratch", "CI-nightly", "bulk-01", "bulk-02", "bulk-03"), byExpiry.items.map { it.name })
        val byExpiryDesc = api.listTokens(ListTokensParams(sortBy = SortBy.EXPIRATION, order = SortOrder.DESC, pageSize = 100)).await()
        assertEquals(listOf("CI-nightly", "Scratch"), byExpiryDesc.items.takeLast(2).map { it.name })
        assertTrue(byExpiryDesc.items.take(2).all { it.expires == null }, "Never sorts after every date (ascending), first descending")

        val byName = api.listTokens(ListTokensParams(sortBy = SortBy.NAME, order = SortOrder.ASC, pageSize = 100)).await()
        val names = byName.items.map { it.name!! }
        assertEquals(names.sortedWith(String.CASE_INSENSITIVE_ORDER), names)
        val byNameDesc = api.listTokens(ListTokensParams(sortBy = SortBy.NAME, order = SortOrder.DESC, pageSize = 100)).await()
        assertEquals(names.reversed(), byNameDesc.items.map { it.name })

        // The tool window's state object drives the paging, as the table does.
        val browser = TokenBrowser(session.lsp.rules.pageSizes, 5)
        browser.toggleSort(SortBy.NAME)
        val seen = mutableListOf<String>()
        do {
            assertTrue(browser.accept(api.listTokens(browser.query()).await()))
            assertTrue(browser.items.size <= 5)
            seen += browser.items.map { it.name!! }
        } while (browser.next())
        assertEquals(3, browser.pageCount)
        assertEquals(names, seen)
        assertEquals("Page 3 of 3 · 13 tokens", browser.pageLabel())

        for (size in session.lsp.rules.pageSizes) {
            val first = api.listTokens(ListTokensParams(pageSize = size, page = 0)).await()
            assertEquals(size, first.pageSize)
            assertEquals(minOf(size, 13), first.items.size)
            assertEquals(13L, first.total)
        }
        val past = api.listTokens(ListTokensParams(pageSize = 10, page = 5)).await()
        assertEquals(13L, past.total)
        assertTrue(past.items.isEmpty())

        // Search is case-insensitive, on the name, and pages too.
        browser.setSearch("BULK")
        browser.setSort(SortBy.NAME)
        assertTrue(browser.accept(api.listTokens(browser.query()).await()))
        assertEquals(7L, browser.total)
        assertEquals(listOf("bulk-01", "bulk-02", "bulk-03", "bulk-04", "bulk-05"), browser.items.map { it.name })
        assertTrue(browser.next())
        assertTrue(browser.accept(api.listTokens(browser.query()).await()))
        assertEquals(listOf("bulk-06", "bulk-07"), browser.items.map { it.name })
        val ide = api.listTokens(ListTokensParams(search = "ide")).await()
        assertEquals(listOf("JetBrains-IDE"), ide.items.map { it.name })
        val none = api.listTokens(ListTokensParams(search = "no-such-token")).await()
        assertEquals(0L, none.total)

        // Rows carry what the table shows: name, ...ab12 and the expiry mark.
        val row = all.items.first { it.name == "CI-nightly" }
        assertEquals(generated.getValue("CI-nightly").masked, row.masked)
        assertEquals("⚠ in 12 hours", StatusMarks.describe(row.status))
        assertEquals("✓ Never", StatusMarks.describe(all.items.first { it.name == "Forever" }.status))
        assertTrue(all.items.filter { it.name != "bootstrap" }.all { it.valueKnown })
    }

    @Test
    @Order(8)
    fun `models of the project and the one settings name`() {
        val models = api.listModels().await()
        val mine = models.items.firstOrNull { it.name == "gpt-5-mini" }
        assertNotNull(mine, models.toString())
        assertEquals(123L, mine!!.projectId)
        assertTrue(mine.default)
        val selected = api.selectModel(SelectModelParams(name = "gpt-5-mini")).await()
        assertEquals(SelectedModel("gpt-5-mini", 123L), selected.selected)
        val status = api.status().await()
        assertEquals(SelectedModel("gpt-5-mini", 123L), status.model)
        assertTrue(status.settingsAvailable, status.settingsUnavailableReason)

        val unknown = expectError { api.selectModel(SelectModelParams(name = "no-such-model")).await() }
        assertTrue(unknown.kind == ErrorKind.NOT_FOUND || unknown.kind == ErrorKind.INVALID_PARAMS, unknown.kind.toString())
    }

    @Test
    @Order(9)
    fun `preview the JetBrains XML without the token, and the VSCode JSON with it`() {
        val t = generated.getValue("JetBrains-IDE")
        // Today's schema is the default (issue 22): .idea/elitea.xml, as ELITEA's web UI writes it.
        val xml = api.previewSettings(PreviewSettingsParams(t.uuid, Ide.JETBRAINS)).await()
        assertEquals("elitea.xml", xml.fileName)
        assertEquals(".idea/elitea.xml", xml.relativePath)
        assertEquals("xml", xml.language)
        assertFalse(xml.tokenIncluded)
        assertFalse(xml.content.contains(t.token), "the JetBrains file carries no token unless asked")
        val options = alitaOptions(xml.content, "EliteASettings")
        assertEquals("gpt-5-mini", options["llmCustomModelName"])
        assertEquals("123", options["projectId"])
        assertEquals("123_gpt-5-mini", options["integrationUid"])
        assertEquals("ELITEA_EYE", options["provider"])
        assertFalse(options.containsKey("llmAuthToken"))

        // The legacy schema stays selectable, for older ELITEA plugin versions.
        val legacy = api.previewSettings(PreviewSettingsParams(t.uuid, Ide.JETBRAINS, SettingsSchema.LEGACY)).await()
        assertEquals("alita.xml", legacy.fileName)
        assertEquals("ALITA_EYE", alitaOptions(legacy.content, "AlitaSettings")["provider"])

        val json = api.previewSettings(PreviewSettingsParams(t.uuid, Ide.VSCODE)).await()
        assertEquals("settings.json", json.fileName)
        assertEquals("json", json.language)
        assertTrue(json.tokenIncluded)
        val settings = Json.parse(json.content).asJsonObject
        assertEquals(t.token, settings.get("eliteacode.LLMAuthToken").asString)
        assertEquals(t.token, settings.get("eliteacode.authToken").asString)
        assertEquals(123L, settings.get("eliteacode.projectId").asLong)
        assertTrue(settings.keySet().none { it.startsWith("alitacode.") }, "today's keys only: ${settings.keySet()}")
        assertEquals("gpt-5-mini", settings.get("eliteacode.LLMModelName").asString)
        assertFalse(json.toString().contains(t.token), "toString hides the content")
    }

    @Test
    @Order(10)
    fun `apply to this project's idea elitea xml, the token only when asked`() {
        val t = generated.getValue("JetBrains-IDE")
        val file = project.resolve(".idea/elitea.xml")
        val first = api.applySettings(ApplySettingsParams(t.uuid, Ide.JETBRAINS, SettingsTarget.WORKSPACE)).await()
        assertEquals(file.toRealPath(), Path.of(first.path).toRealPath())
        assertTrue(first.changedKeys.isNotEmpty())
        assertNull(first.backupPath, "no previous file, no backup")
        val text = Files.readString(file)
        val options = alitaOptions(text, "EliteASettings")
        assertEquals("gpt-5-mini", options["llmCustomModelName"])
        assertFalse(options.containsKey("llmAuthToken"))
        assertFalse(text.contains(t.token))

        val again = api.applySettings(ApplySettingsParams(t.uuid, Ide.JETBRAINS, SettingsTarget.WORKSPACE)).await()
        assertTrue(again.changedKeys.isEmpty(), "applying twice changes nothing: ${again.changedKeys}")

        val withToken = api.applySettings(
            ApplySettingsParams(t.uuid, Ide.JETBRAINS, SettingsTarget.WORKSPACE, includeTokenInXml = true),
        ).await()
        assertTrue("llmAuthToken" in withToken.changedKeys, withToken.changedKeys.toString())
        assertNotNull(withToken.backupPath)
        assertTrue(Files.exists(Path.of(withToken.backupPath!!)))
        assertEquals(t.token, alitaOptions(Files.readString(file), "EliteASettings")["llmAuthToken"])
        // The Used in column: the live settings files holding the token, and the same places in
        // the user's words, both the server's.
        val row = api.listTokens(ListTokensParams(search = t.name, pageSize = 100)).await().items.single { it.uuid == t.uuid }
        assertTrue(row.usedIn.any { Path.of(it).toAbsolutePath().normalize() == file.toAbsolutePath().normalize() }, row.usedIn.toString())
        assertEquals(row.usedIn.size, row.usedInPlaces.size, row.usedInPlaces.toString())
        assertTrue(row.usedInPlaces.all { it.isNotBlank() && !it.contains(t.token) }, row.usedInPlaces.toString())
        assertEquals(t.name, row.displayName)
        assertEquals(t.name, row.confirmName)

        // The explicit file target, as "Save" of the preview does with a chosen path.
        val elsewhere = tmp.resolve("elsewhere/.idea/elitea.xml")
        val saved = api.applySettings(ApplySettingsParams(t.uuid, Ide.JETBRAINS, SettingsTarget.file(elsewhere.toString()))).await()
        assertEquals(elsewhere.toAbsolutePath().normalize().toString(), Path.of(saved.path).toAbsolutePath().normalize().toString())
        assertFalse(Files.readString(elsewhere).contains(t.token))
    }

    @Test
    @Order(10)
    fun `a token into a file git would commit needs the user's confirmation`() {
        val t = generated.getValue("JetBrains-IDE")
        val repo = Files.createDirectories(tmp.resolve("git-project"))
        val git = ProcessBuilder("git", "init", "-q", repo.toString()).redirectErrorStream(true).start()
        assertEquals(0, git.waitFor())
        // An IDE project has its .idea folder already.
        Files.createDirectories(repo.resolve(".idea"))
        val file = repo.resolve(".idea/elitea.xml").toString()
        val params = ApplySettingsParams(t.uuid, Ide.JETBRAINS, SettingsTarget.file(file), includeTokenInXml = true)
        val refused = expectError { api.applySettings(params).await() }
        assertEquals(ErrorKind.CONFLICT, refused.kind, refused.message)
        assertFalse(Files.exists(Path.of(file)), "nothing written before the user confirms")
        val confirmed = api.applySettings(params.copy(allowTrackedFile = true)).await()
        assertTrue(confirmed.tokenIncluded)
        // Without the token, nothing to confirm.
        val plain = api.applySettings(ApplySettingsParams(t.uuid, Ide.JETBRAINS, SettingsTarget.file(repo.resolve(".idea/other.xml").toString()))).await()
        assertFalse(plain.tokenIncluded)
    }

    @Test
    @Order(11)
    fun `delete asks for the name, a wrong one deletes nothing, the right one deletes`() {
        val t = generated.getValue("PyCharm")
        val wrong = expectError { api.deleteToken(DeleteTokenParams(t.uuid, "pycharm")).await() }
        assertEquals(ErrorKind.INVALID_PARAMS, wrong.kind, wrong.message)
        assertTrue(wrong.message!!.contains("PyCharm"), wrong.message)
        assertTrue(api.listTokens(ListTokensParams(search = "PyCharm")).await().items.any { it.uuid == t.uuid })

        val done = api.deleteToken(DeleteTokenParams(t.uuid, "PyCharm")).await()
        assertEquals(t.uuid, done.deleted)
        assertTrue(api.listTokens(ListTokensParams(search = "PyCharm")).await().items.isEmpty())

        val gone = expectError { api.deleteToken(DeleteTokenParams(t.uuid, "PyCharm")).await() }
        assertEquals(ErrorKind.NOT_FOUND, gone.kind, gone.message)

        // A token written in a live settings file: refused with the files, until forced (the
        // plugin asks "Delete Anyway").
        val used = api.generateToken(GenerateTokenParams("written-somewhere", Expiration.NEVER)).await()
        secrets += used.token
        val applied = api.applySettings(ApplySettingsParams(used.uuid, Ide.VSCODE, SettingsTarget.USER)).await()
        val inUse = expectError { api.deleteToken(DeleteTokenParams(used.uuid, "written-somewhere")).await() }
        assertEquals(ErrorKind.TOKEN_IN_USE, inUse.kind, inUse.message)
        assertEquals(listOf(Path.of(applied.path).toAbsolutePath().normalize()), inUse.files.map { Path.of(it).toAbsolutePath().normalize() })
        assertEquals(used.uuid, api.deleteToken(DeleteTokenParams(used.uuid, "written-somewhere", force = true)).await().deleted)
    }

    @Test
    @Order(12)
    fun `bad params answer invalidParams naming the field`() {
        // Straight through LSP4J, as a buggy caller would: the typed API cannot send these.
        val raw = session.lsp.server.workspaceService.executeCommand(
            org.eclipse.lsp4j.ExecuteCommandParams(Commands.DELETE_TOKEN, listOf<Any>(Json.parse("""{"uuid": 5}"""))),
        )
        val e = expectError { EliteaApi.await(raw) }
        assertEquals(ErrorKind.INVALID_PARAMS, e.kind)
        assertTrue(e.cause is ResponseErrorException)
        assertEquals(-32602, e.code)
    }

    @Test
    @Order(13)
    fun `progress is reported and no secret is in any message or log line`() {
        assertTrue(session.client.progress.isNotEmpty(), "\$/progress around calls to the ELITEA server")
        val texts = session.client.allMessageTexts()
        assertTrue(texts.isNotEmpty(), "failures are also logged")
        val stderr = if (Files.exists(session.stderr)) Files.readString(session.stderr) else ""
        for (s in secrets) {
            assertTrue(texts.none { it.contains(s) }, "a token value was in a message")
            assertFalse(stderr.contains(s), "a token value was in the server's log")
        }
    }

    @Test
    @Order(14)
    fun `sign out forgets the credential`() {
        val before = api.status().await()
        session.client.tokens.updateStatus(before)
        assertTrue(before.signedIn)
        assertTrue(session.client.tokens.summary().text.startsWith("ELITEA"))
        assertFalse(session.client.tokens.summary().text.contains("Sign in"))
        api.signOut().await()
        val after = api.status().await()
        assertFalse(after.signedIn)
        // After sign-out: no expiry colours, no token rows, whatever files still hold.
        session.client.tokens.updateStatus(after)
        val summary = session.client.tokens.summary()
        assertEquals("ELITEA: Sign in", summary.text)
        assertNull(summary.kind)
        val e = expectError { api.listTokens().await() }
        assertEquals(ErrorKind.NOT_SIGNED_IN, e.kind, e.message)
    }

    private fun alitaOptions(xml: String, component: String): Map<String, String> {
        val doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.byteInputStream())
        val comps = doc.getElementsByTagName("component")
        for (i in 0 until comps.length) {
            val c = comps.item(i) as org.w3c.dom.Element
            if (c.getAttribute("name") != component) continue
            val opts = c.getElementsByTagName("option")
            return (0 until opts.length).associate {
                val o = opts.item(it) as org.w3c.dom.Element
                o.getAttribute("name") to o.getAttribute("value")
            }
        }
        throw AssertionError("no component $component in the file")
    }
}
