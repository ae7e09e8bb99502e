package ai.elitea.tokens.client

import org.eclipse.lsp4j.MessageActionItem
import org.eclipse.lsp4j.MessageType
import org.eclipse.lsp4j.ShowMessageRequestParams
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions
import java.util.concurrent.CompletionException

class JsonTest {
    private val row = """{"uuid":"u1","name":"a","masked":"...ab12","expires":null,"status":{"kind":"ok","label":"in 30 days"},"valueKnown":true}"""

    @Test
    fun `decodes through the constructor, ignoring unknown fields and applying defaults`() {
        val r = Json.decode<TokenRow>(Json.parse(row.dropLast(1) + ""","futureField":[1,2]}"""))
        assertEquals(TokenRow("u1", "a", "...ab12", null, ExpiryStatus(StatusKind.OK, "in 30 days"), true), r)
        val page = Json.decode<TokenPage>(Json.parse("""{"total":1,"page":0,"pageSize":10,"items":[$row]}"""))
        assertEquals(listOf("u1"), page.items.map { it.uuid })
        val inUse = Json.decode<TokenInUse>(Json.parse("""{"uuid":"u","status":{"kind":"warning","label":"in 3 hours"},"files":["/x"]}"""))
        assertNull(inUse.revoked)
        assertFalse(inUse.isRevoked)
        assertEquals(EmptyResult(), Json.decode<EmptyResult>(Json.parse("{}")))
    }

    @Test
    fun `a missing required property is an error naming it`() {
        val e = assertThrows(ProtocolException::class.java) {
            Json.decode<TokenRow>(Json.parse("""{"uuid":"u1","status":{"kind":"ok","label":"x"},"valueKnown":true}"""))
        }
        assertTrue(e.message!!.contains("masked"), e.message)
        val p = assertThrows(ProtocolException::class.java) {
            Json.decode<TokenPage>(Json.parse("""{"page":0,"pageSize":10,"items":[]}"""))
        }
        assertTrue(p.message!!.contains("total"), p.message)
    }

    @Test
    fun `wrong types and unknown enum values are errors that do not repeat the value`() {
        val e = assertThrows(ProtocolException::class.java) {
            Json.decode<GeneratedToken>(Json.parse("""{"uuid":"u","masked":"m","status":{"kind":"ok","label":"x"},"valueKnown":true,"token":42}"""))
        }
        assertTrue(e.message!!.contains("token"), e.message)
        val secret = "eyJhbGciOiJIUzUxMiJ9.e30.sig"
        val f = assertThrows(ProtocolException::class.java) {
            Json.decode<TokenPage>(Json.parse("""{"total":"$secret","page":0,"pageSize":10,"items":[]}"""))
        }
        assertFalse(f.message!!.contains(secret))
        val g = assertThrows(ProtocolException::class.java) {
            Json.decode<ExpiryStatus>(Json.parse("""{"kind":"soon","label":"x"}"""))
        }
        assertTrue(g.message!!.contains("never, ok, warning, expired"), g.message)
        assertThrows(ProtocolException::class.java) { Json.decode<TokenPage>(Json.parse("""{"total":1.5,"page":0,"pageSize":10,"items":[]}""")) }
    }

    @Test
    fun `encodes with the wire names and leaves nulls out`() {
        val json = Json.encode(ListTokensParams(sortBy = SortBy.EXPIRATION, order = SortOrder.DESC, pageSize = 5)).toString()
        assertEquals("""{"sortBy":"expiration","order":"desc","pageSize":5}""", json)
        assertEquals("{}", Json.encode(EmptyParams()).toString())
        assertEquals("""{"name":"n","expiration":{"measure":"never"}}""", Json.encode(GenerateTokenParams("n", Expiration.NEVER)).toString())
        assertEquals(
            """{"uuid":"u","ide":"jetbrains","target":{"kind":"workspace"},"includeTokenInXml":true}""",
            Json.encode(ApplySettingsParams("u", Ide.JETBRAINS, SettingsTarget.WORKSPACE, includeTokenInXml = true)).toString(),
        )
    }

    @Test
    fun `plain values for LSP4J, whichever Gson it has`() {
        val plain = Json.toPlain(Json.encode(ListTokensParams(search = "a", pageSize = 5, order = SortOrder.ASC)))
        assertEquals(mapOf("search" to "a", "order" to "asc", "pageSize" to 5L), plain)
        assertEquals(Json.parse("""{"a":[1,2.5,true,null,"x"]}"""), Json.toElement(Json.toPlain(Json.parse("""{"a":[1,2.5,true,null,"x"]}"""))))
        val page = Json.decode<TokenPage>(Json.toElement(mapOf("total" to 2.0, "page" to 0.0, "pageSize" to 10.0, "items" to emptyList<Any>())))
        assertEquals(2L, page.total)
    }

    @Test
    fun `secrets stay out of toString`() {
        assertFalse(SignInParams("https://x", "eyJsecret").toString().contains("eyJsecret"))
    }

    @Test
    fun `server errors become EliteaException with the kind`() {
        val err = ResponseError(-32803, "You already have a token named 'a'.", Json.parse("""{"kind":"conflict"}"""))
        val e = EliteaException.from(Commands.GENERATE_TOKEN, CompletionException(ResponseErrorException(err)))
        assertEquals(ErrorKind.CONFLICT, e.kind)
        assertEquals(-32803, e.code)
        assertEquals("You already have a token named 'a'.", e.message)
        assertNull(EliteaException.from("x", RuntimeException("boom")).kind)
        assertNull(EliteaException.kindOf(Json.parse("""{"kind":"somethingNew"}""")))
    }
}

class ServerBinaryTest {
    @TempDir
    lateinit var dir: Path

    private fun executable(path: Path): Path {
        Files.createDirectories(path.parent)
        Files.writeString(path, "#!/bin/sh\n")
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"))
        return path
    }

    private val linux = ServerBinary.Platform("linux", "x64")

    @Test
    fun `the environment wins, then the setting, then the bundled binary`() {
        val env = executable(dir.resolve("env/elitea-tokens"))
        val setting = executable(dir.resolve("setting/elitea-tokens"))
        val plugin = dir.resolve("plugin")
        val bundled = executable(ServerBinary.bundledPath(plugin, linux))
        assertEquals(plugin.resolve("bin/linux-x64/elitea-tokens"), bundled)

        fun r(e: Map<String, String>, s: String?) = ServerBinary.resolve(e, s, plugin, linux)
        assertEquals(ServerBinary.Resolution.Found(env, ServerBinary.Source.ENVIRONMENT), r(mapOf(ServerBinary.ENV to env.toString()), setting.toString()))
        assertEquals(ServerBinary.Resolution.Found(setting, ServerBinary.Source.SETTING), r(mapOf(ServerBinary.ENV to "  "), setting.toString()))
        assertEquals(ServerBinary.Resolution.Found(bundled, ServerBinary.Source.BUNDLED), r(emptyMap(), ""))
    }

    @Test
    fun `a path the user gave that does not work is an error, not a fallback`() {
        val plugin = dir.resolve("plugin")
        executable(ServerBinary.bundledPath(plugin, linux))
        val missing = ServerBinary.resolve(mapOf(ServerBinary.ENV to dir.resolve("nope").toString()), null, plugin, linux)
        assertTrue(missing is ServerBinary.Resolution.NotFound && missing.message.contains(ServerBinary.ENV), missing.toString())
        val folder = ServerBinary.resolve(emptyMap(), dir.toString(), plugin, linux)
        assertTrue(folder is ServerBinary.Resolution.NotFound && folder.message.contains("folder"), folder.toString())
        val plain = dir.resolve("plain")
        Files.writeString(plain, "x")
        val notExec = ServerBinary.resolve(emptyMap(), plain.toString(), plugin, linux)
        assertTrue(notExec is ServerBinary.Resolution.NotFound && notExec.message.contains("not executable"), notExec.toString())
    }

    @Test
    fun `a bundled binary without its executable bit gets it, a missing platform is explained`() {
        val plugin = dir.resolve("plugin")
        val bundled = ServerBinary.bundledPath(plugin, linux)
        Files.createDirectories(bundled.parent)
        Files.writeString(bundled, "#!/bin/sh\n")
        assertEquals(ServerBinary.Resolution.Found(bundled, ServerBinary.Source.BUNDLED), ServerBinary.resolve(emptyMap(), null, plugin, linux))
        assertTrue(Files.isExecutable(bundled))
        val other = ServerBinary.resolve(emptyMap(), null, plugin, ServerBinary.Platform("linux", "riscv64"))
        assertTrue(other is ServerBinary.Resolution.NotFound && other.message.contains("linux-riscv64"), other.toString())
    }

    @Test
    fun `os and cpu names map to the bundle's folders`() {
        assertEquals("linux-x64", ServerBinary.Platform.of("Linux", "amd64").dirName)
        assertEquals("macos-arm64", ServerBinary.Platform.of("Mac OS X", "aarch64").dirName)
        assertEquals("macos-x64", ServerBinary.Platform.of("Mac OS X", "x86_64").dirName)
        val win = ServerBinary.Platform.of("Windows 11", "amd64")
        assertEquals("windows-x64", win.dirName)
        assertEquals("elitea-tokens.exe", win.executableName)
        assertEquals(listOf("/b/elitea-tokens", "lsp"), ServerBinary.command(Path.of("/b/elitea-tokens")))
        assertEquals(listOf("/b/elitea-tokens", "--log-level", "debug", "lsp"), ServerBinary.command(Path.of("/b/elitea-tokens"), "debug"))
    }
}

class TokenBrowserTest {
    private fun page(total: Long, page: Int, size: Int, n: Int) = TokenPage(
        total, page, size,
        List(n) { TokenRow("u$it", "t$it", "...abcd", null, ExpiryStatus(StatusKind.NEVER, "Never"), true) },
    )

    @Test
    fun `sorting, searching and page size reset or keep the page as the table expects`() {
        val b = TokenBrowser()
        assertEquals(ListTokensParams(pageSize = 10, page = 0), b.query())
        b.accept(page(23, 0, 10, 10))
        assertEquals(3, b.pageCount)
        assertTrue(b.next())
        assertTrue(b.next())
        assertFalse(b.next())
        assertEquals(2, b.page)
        b.setPageSize(5) // row 20 stays in view: page 4 of 5
        assertEquals(4, b.page)
        b.toggleSort(SortBy.NAME)
        assertEquals(ListTokensParams(sortBy = SortBy.NAME, order = SortOrder.ASC, pageSize = 5, page = 0), b.query())
        b.toggleSort(SortBy.NAME)
        assertEquals(SortOrder.DESC, b.query().order)
        b.toggleSort(SortBy.EXPIRATION)
        assertEquals(SortOrder.ASC, b.query().order)
        assertTrue(b.setSearch("  ci "))
        assertFalse(b.setSearch("  ci "))
        assertEquals("ci", b.query().search)
        assertThrows(IllegalArgumentException::class.java) { b.setPageSize(7) }
    }

    @Test
    fun `a page past the end after deletions moves to the last page`() {
        val b = TokenBrowser(pageSize = 5)
        b.accept(page(11, 0, 5, 5))
        b.goTo(2)
        assertFalse(b.accept(page(10, 2, 5, 0)))
        assertEquals(1, b.page)
        assertTrue(b.accept(page(10, 1, 5, 5)))
        assertEquals("Page 2 of 2 · 10 tokens", b.pageLabel())
        b.setSearch("zzz")
        b.accept(page(0, 0, 5, 0))
        assertEquals("No token matches 'zzz'", b.pageLabel())
        assertEquals(1, b.pageCount)
    }

    @Test
    fun `names and expirations are checked as the dialog types`() {
        assertNull(TokenNames.problem("JetBrains-IDE_2"))
        assertEquals("Enter a name.", TokenNames.problem(""))
        assertTrue(TokenNames.problem("has space")!!.contains("letters"))
        assertTrue(TokenNames.problem("a".repeat(769))!!.contains("768"))
        assertNull(TokenNames.problem("a".repeat(768)))
        assertTrue(TokenNames.problem("taken", listOf("taken"))!!.contains("already"))
        assertNull(TokenNames.problem("Taken", listOf("taken")), "names are compared exactly")
        assertEquals("JetBrains-my-app-v2", TokenNames.suggest("my app (v2)"))
        assertEquals("JetBrains-x-3", TokenNames.suggest("x", listOf("JetBrains-x", "JetBrains-x-2")))
        assertNull(TokenNames.problem(TokenNames.suggest("ü ".repeat(900))))
        assertEquals(Expiration(Measure.DAYS, 30), Expiration.DEFAULT)
        assertEquals(Expiration(Measure.WEEKS, 2), ExpirationInput.parse(Measure.WEEKS, " 2 ").getOrThrow())
        assertEquals(Expiration.NEVER, ExpirationInput.parse(Measure.NEVER, "whatever").getOrThrow())
        assertTrue(ExpirationInput.parse(Measure.HOURS, "-1").isFailure)
        assertTrue(ExpirationInput.parse(Measure.HOURS, "1.5").isFailure)
    }
}

class ExpiryWarningsTest {
    private fun inUse(uuid: String, name: String?, kind: StatusKind, revoked: Boolean? = null) =
        TokenInUse(uuid, name, null, ExpiryStatus(kind, if (kind == StatusKind.EXPIRED) "Expired" else "in 3 hours"), listOf("/home/u/settings.json"), revoked)

    private fun request(message: String, vararg titles: String) = ShowMessageRequestParams(titles.map { MessageActionItem(it) }).apply {
        this.message = message
        type = MessageType.Warning
    }

    @Test
    fun `actions map to what the editor does`() {
        val w = ExpiryWarnings.parse(request("The ELITEA token 'CI' used in settings.json expires in 3 hours.", "Rotate now", "Show tokens", "Remind me tomorrow"), emptyList())!!
        assertEquals(listOf(WarningActionKind.ROTATE, WarningActionKind.SHOW_TOKENS, WarningActionKind.OTHER), w.actions.map { it.kind })
        assertEquals("Rotate now", w.action(WarningActionKind.ROTATE)!!.item.title)
        assertNull(ExpiryWarnings.parse(request("Delete the old token 'x' now?", "Delete old token", "Keep it"), emptyList()))
    }

    @Test
    fun `the token is told by its name as a whole word, else the only one expiring`() {
        val tokens = listOf(inUse("uuid-1", "CI", StatusKind.OK), inUse("uuid-2", "CI-nightly", StatusKind.WARNING), inUse("uuid-3", "old", StatusKind.EXPIRED))
        val byName = ExpiryWarnings.parse(request("The ELITEA token 'CI-nightly' used in settings.json expires in 3 hours.", "Rotate now"), tokens)!!
        assertEquals("uuid-2", byName.token?.uuid)
        assertEquals(listOf("uuid-2", "uuid-3"), byName.candidates.map { it.uuid })
        assertEquals("uuid-3", ExpiryWarnings.parse(request("Token uuid-3 has expired.", "Rotate now"), tokens)!!.token?.uuid)
        val unclear = ExpiryWarnings.parse(request("A token expires soon.", "Rotate now"), tokens)!!
        assertNull(unclear.token)
        val single = ExpiryWarnings.parse(request("A token expires soon.", "Show tokens"), tokens.take(2))!!
        assertEquals("uuid-2", single.token?.uuid)
    }

    @Test
    fun `the status bar summary shows the worst state`() {
        assertEquals("ELITEA", StatusSummary.of(emptyList()).text)
        assertEquals("ELITEA ✓", StatusSummary.of(listOf(inUse("1", "a", StatusKind.OK))).text)
        val s = StatusSummary.of(listOf(inUse("1", "a", StatusKind.OK), inUse("2", "b", StatusKind.WARNING), inUse("3", "c", StatusKind.EXPIRED)))
        assertEquals(StatusKind.EXPIRED, s.kind)
        assertEquals("ELITEA ✗ 2", s.text)
        assertTrue(s.tooltip.lines().size == 3 && s.tooltip.contains("⚠ b: in 3 hours"), s.tooltip)
        val revoked = StatusSummary.of(listOf(inUse("1", "gone", StatusKind.OK, revoked = true)))
        assertEquals(StatusKind.EXPIRED, revoked.kind)
        assertTrue(revoked.tooltip.contains("deleted on the server"))
    }

    @Test
    fun `the tracker decodes the notification and tells its listeners`() {
        val tracker = TokenStatusTracker()
        val seen = mutableListOf<Int>()
        val sub = tracker.addListener { seen += it.size }
        tracker.accept(Json.parse("""{"tokensInUse":[{"uuid":"u","status":{"kind":"ok","label":"in 9 days"},"files":[]}]}""").asJsonObject)
        var error: String? = null
        tracker.accept(Json.parse("""{"tokensInUse":[{"uuid":"u"}]}""").asJsonObject) { error = it.message }
        // As LSP4J hands it over when the parameter is declared as Object: Gson's maps and doubles.
        tracker.accept(mapOf("tokensInUse" to listOf(mapOf("uuid" to "m", "status" to mapOf("kind" to "warning", "label" to "in 1 day"), "files" to listOf("/f")))))
        assertEquals("m", tracker.current.single().uuid)
        tracker.update(tracker.current) // the same list again: no news
        sub.close()
        tracker.update(emptyList())
        assertEquals(listOf(1, 1), seen)
        assertTrue(error!!.contains("status"), error)
        assertEquals(4, tracker.received)
    }
}
