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
    private val row = """{"uuid":"u1","name":"a","displayName":"a","confirmName":"a","masked":"...ab12","expires":null,"status":{"kind":"ok","label":"in 30 days"},"valueKnown":true,"usedIn":[],"usedInPlaces":[]}"""

    @Test
    fun `decodes through the constructor, ignoring unknown fields and applying defaults`() {
        val r = Json.decode<TokenRow>(Json.parse(row.dropLast(1) + ""","futureField":[1,2]}"""))
        val expected = TokenRow(
            uuid = "u1", name = "a", displayName = "a", confirmName = "a", masked = "...ab12", expires = null,
            status = ExpiryStatus(StatusKind.OK, "in 30 days"), valueKnown = true, usedIn = emptyList(), usedInPlaces = emptyList(),
        )
        assertEquals(expected, r)
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
            Json.decode<TokenRow>(Json.parse("""{"uuid":"u1","displayName":"a","confirmName":"a","status":{"kind":"ok","label":"x"},"valueKnown":true,"usedIn":[],"usedInPlaces":[]}"""))
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
        // Compared as JSON objects: the key order is the generated classes' and means nothing on the wire.
        val json = Json.encode(ListTokensParams(sortBy = SortBy.EXPIRATION, order = SortOrder.DESC, pageSize = 5))
        assertEquals(Json.parse("""{"sortBy":"expiration","order":"desc","pageSize":5}"""), json)
        assertEquals("{}", Json.encode(EmptyParams()).toString())
        assertEquals(Json.parse("""{"name":"n","expiration":{"measure":"never"}}"""), Json.encode(GenerateTokenParams("n", Expiration.NEVER)))
        assertEquals(
            Json.parse("""{"uuid":"u","ide":"jetbrains","target":{"kind":"workspace"},"includeTokenInXml":true}"""),
            Json.encode(ApplySettingsParams("u", Ide.JETBRAINS, SettingsTarget.WORKSPACE, includeTokenInXml = true)),
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
        // data.reason and data.files, from the object LSP4J made of `data` (here Gson's maps).
        val inUse = EliteaException.from(Commands.DELETE_TOKEN, ResponseErrorException(ResponseError(-32803, "In use.", mapOf("kind" to "tokenInUse", "files" to listOf("/a", "/b")))))
        assertEquals(ErrorKind.TOKEN_IN_USE, inUse.kind)
        assertEquals(listOf("/a", "/b"), inUse.files)
        val unknown = EliteaException.from(Commands.APPLY_SETTINGS, ResponseErrorException(ResponseError(-32803, "No value.", mapOf("kind" to "notFound", "reason" to "valueNotKnown"))))
        assertEquals("valueNotKnown", unknown.reason)
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
    /**
     * Rules unlike the server's on purpose (other pattern, limits, page sizes): the views
     * must follow whatever the server sends, so nothing here is compared with the real rules.
     */
    private val rules = Rules.fromExperimental(Json.parse(TestRules.JSON))

    private fun page(total: Long, page: Int, size: Int, n: Int) = TokenPage(
        total, page, size,
        List(n) {
            TokenRow(
                uuid = "u$it", name = "t$it", displayName = "t$it", confirmName = "t$it", masked = "...abcd",
                status = ExpiryStatus(StatusKind.NEVER, "Never"), valueKnown = true, usedIn = emptyList(), usedInPlaces = emptyList(),
            )
        },
    )

    @Test
    fun `sorting, searching and page size reset or keep the page as the table expects`() {
        val b = TokenBrowser(rules)
        assertEquals(listOf(3, 7, 20), b.pageSizes)
        assertEquals(ListTokensParams(pageSize = 7, page = 0), b.query())
        b.accept(page(20, 0, 7, 7))
        assertEquals(3, b.pageCount)
        assertTrue(b.next())
        assertTrue(b.next())
        assertFalse(b.next())
        assertEquals(2, b.page)
        b.setPageSize(3) // row 14 stays in view: page 5 of 7
        assertEquals(4, b.page)
        b.toggleSort(SortBy.NAME)
        assertEquals(ListTokensParams(sortBy = SortBy.NAME, order = SortOrder.ASC, pageSize = 3, page = 0), b.query())
        b.toggleSort(SortBy.NAME)
        assertEquals(SortOrder.DESC, b.query().order)
        b.toggleSort(SortBy.EXPIRATION)
        assertEquals(SortOrder.ASC, b.query().order)
        assertTrue(b.setSearch("  ci "))
        assertFalse(b.setSearch("  ci "))
        assertEquals("ci", b.query().search)
        assertThrows(IllegalArgumentException::class.java) { b.setPageSize(10) }
    }

    @Test
    fun `a page past the end after deletions moves to the last page`() {
        val b = TokenBrowser(rules.pageSizes, 3)
        b.accept(page(7, 0, 3, 3))
        b.goTo(2)
        assertFalse(b.accept(page(6, 2, 3, 0)))
        assertEquals(1, b.page)
        assertTrue(b.accept(page(6, 1, 3, 3)))
        assertEquals("Page 2 of 2 · 6 tokens", b.pageLabel())
        b.setSearch("zzz")
        b.accept(page(0, 0, 3, 0))
        assertEquals("No token matches 'zzz'", b.pageLabel())
        assertEquals(1, b.pageCount)
    }

    @Test
    fun `names and expirations are checked with the server's rules as the dialog types`() {
        assertNull(rules.nameProblem("abc.d"))
        assertEquals("Enter a name.", rules.nameProblem(""))
        assertEquals("Lower-case letters and dots only.", rules.nameProblem("ABC"))
        assertTrue(rules.nameProblem("abcdef")!!.contains("at most 5"))
        assertTrue(rules.nameProblem("ab", listOf("ab"))!!.contains("already"))
        assertNull(rules.nameProblem("ab", listOf("AB")), "names are compared exactly")
        // The suggestion keeps what the server's pattern accepts, char by char, within its length.
        assertEquals("jet.e", rules.suggestName("Jet B", prefix = "jet."))
        assertEquals("", rules.suggestName("ab", listOf("ab"), prefix = ""), "no digits in this pattern: no unique name, the user types one")
        assertEquals("", rules.suggestName("!!!", prefix = ""))
        assertEquals(listOf(Measure.NEVER, Measure.HOURS, Measure.DAYS), rules.measures)
        assertEquals("Stunden", rules.label(Measure.HOURS))
        assertEquals(Expiration(Measure.HOURS, 6), rules.expiration.default)
        assertEquals(Expiration(Measure.DAYS, 2), rules.parseExpiration(Measure.DAYS, " 2 ").getOrThrow())
        assertEquals(Expiration(Measure.NEVER, null), rules.parseExpiration(Measure.NEVER, "whatever").getOrThrow())
        assertEquals("Enter a number from 2 to 12 stunden.", rules.parseExpiration(Measure.HOURS, "13").exceptionOrNull()!!.message)
        assertTrue(rules.parseExpiration(Measure.HOURS, "1").isFailure)
        assertTrue(rules.parseExpiration(Measure.HOURS, "1.5").isFailure)
        assertTrue(rules.parseExpiration(Measure.WEEKS, "1").isFailure, "a measure the server does not offer")
        assertEquals(listOf("soon"), rules.warningThresholds.map { it.name })
    }

    @Test
    fun `rules are read from initialize's experimental capabilities, whatever LSP4J made of them`() {
        val asMaps = Json.toPlain(Json.parse(TestRules.JSON))
        assertEquals(rules, Rules.fromExperimental(asMaps))
        val none = assertThrows(ProtocolException::class.java) { Rules.fromExperimental(mapOf("other" to true)) }
        assertTrue(none.message!!.contains("older"), none.message)
        assertThrows(ProtocolException::class.java) { Rules.fromExperimental(null) }
        val badDefault = TestRules.JSON.replace("\"defaultPageSize\": 7", "\"defaultPageSize\": 8")
        assertThrows(ProtocolException::class.java) { Rules.fromExperimental(Json.parse(badDefault)) }
    }
}

/** Made-up rules, in the shape of `capabilities.experimental.elitea.rules`. */
object TestRules {
    const val JSON = """{"elitea": {"rules": {
      "name": {"pattern": "^[a-z.]{1,5}$", "maxLength": 5, "hint": "Lower-case letters and dots only.",
               "reservedNames": ["sys.x"], "reservedHint": "'sys.x' is ELITEA's own."},
      "serverUrl": {"pattern": "^(local|ftp://[a-z]+)$", "hint": "Only local or ftp:// here."},
      "expiration": {"default": {"measure": "hours", "value": 6},
         "measures": [{"measure": "never", "label": "Nie"}, {"measure": "hours", "label": "Stunden", "min": 2, "max": 12},
                      {"measure": "days", "label": "Tage", "min": 1, "max": 3}]},
      "pageSizes": [3, 7, 20], "defaultPageSize": 7,
      "warningThresholds": [{"name": "soon", "seconds": 60}]
    }}}"""
}

class ExpiryWarningsTest {
    private fun inUse(uuid: String, name: String?, kind: StatusKind, revoked: Boolean? = null) = TokenInUse(
        uuid = uuid, name = name, status = ExpiryStatus(kind, if (kind == StatusKind.EXPIRED) "Expired" else "in 3 hours"),
        files = listOf("/home/u/settings.json"), revoked = revoked,
    )

    private fun request(message: String, vararg titles: String) = ShowMessageRequestParams(titles.map { MessageActionItem(it) }).apply {
        this.message = message
        type = MessageType.Warning
    }

    private fun raw(vararg items: Triple<String, String?, String?>) = items.map { (title, action, uuid) ->
        com.google.gson.JsonObject().apply {
            addProperty("title", title)
            action?.let { addProperty("action", it) }
            uuid?.let { addProperty("uuid", it) }
        }
    }

    @Test
    fun `actions are told by their action field and uuid, never by their words`() {
        // Titles in another language, and a message that names no token: only the fields count.
        val params = request("Bald abgelaufen.", "Jetzt erneuern", "Tokens zeigen", "Morgen erinnern")
        val tokens = listOf(inUse("uuid-1", "CI", StatusKind.WARNING), inUse("uuid-2", "other", StatusKind.WARNING))
        val w = ExpiryWarnings.parse(
            params,
            raw(Triple("Jetzt erneuern", "rotate", "uuid-1"), Triple("Tokens zeigen", "showTokens", "uuid-1"), Triple("Morgen erinnern", "snooze", "uuid-1")),
            tokens,
        )!!
        assertEquals(listOf(WarningActionKind.ROTATE, WarningActionKind.SHOW_TOKENS, WarningActionKind.SNOOZE), w.actions.map { it.kind })
        assertEquals("uuid-1", w.uuid)
        assertEquals("CI", w.token?.name)
        val item = w.action(WarningActionKind.ROTATE)!!.item as EliteaActionItem
        assertEquals(listOf("Jetzt erneuern", "rotate", "uuid-1"), listOf(item.title, item.action, item.uuid))
        // The chosen item goes back with its fields (LSP4J writes the object it is given).
        val written = org.eclipse.lsp4j.jsonrpc.json.MessageJsonHandler(emptyMap()).gson.toJsonTree(item).asJsonObject
        assertEquals("rotate", written.get("action").asString)
        assertEquals("uuid-1", written.get("uuid").asString)
    }

    @Test
    fun `requests without action fields, or whose raw items are another request's, are not warnings`() {
        val english = request("The ELITEA token 'CI' expires in 3 hours.", "Rotate now", "Show tokens")
        assertNull(ExpiryWarnings.parse(english, null), "words alone make no warning")
        assertNull(ExpiryWarnings.parse(english, raw(Triple("Rotate now", null, null), Triple("Show tokens", null, null))))
        assertNull(ExpiryWarnings.parse(english, raw(Triple("Delete", "rotate", "u"))), "not this request's items")
        val unknown = ExpiryWarnings.parse(english, raw(Triple("Rotate now", "somethingNew", "u"), Triple("Show tokens", "showTokens", "u")))!!
        assertEquals(listOf(WarningActionKind.SHOW_TOKENS), unknown.actions.map { it.kind })
        assertNull(unknown.token, "a uuid that is not in use")
    }

    @Test
    fun `the tap keeps the raw action items of message requests and passes every byte through`() {
        val request = """{"jsonrpc":"2.0","id":7,"method":"window/showMessageRequest","params":{"type":2,"message":"Soon ✓","actions":[{"title":"A","action":"rotate","uuid":"u-1"},{"title":"B","action":"snooze","uuid":"u-1"}]}}"""
        val other = """{"jsonrpc":"2.0","method":"window/logMessage","params":{"type":3,"message":"window/showMessageRequest"}}"""
        fun frame(body: String): ByteArray {
            val bytes = body.toByteArray(Charsets.UTF_8)
            return ("Content-Length: ${bytes.size}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n").toByteArray(Charsets.US_ASCII) + bytes
        }
        val stream = frame(other) + frame(request) + frame(other)
        val tap = MessageRequestTap(java.io.ByteArrayInputStream(stream))
        // Read in odd-sized pieces, and one byte at a time, as a reader might.
        val out = java.io.ByteArrayOutputStream()
        val buf = ByteArray(13)
        while (true) {
            val one = tap.read()
            if (one < 0) break
            out.write(one)
            val n = tap.read(buf, 0, buf.size)
            if (n < 0) break
            out.write(buf, 0, n)
        }
        assertTrue(stream.contentEquals(out.toByteArray()), "the bytes pass through unchanged")
        val params = request("Soon ✓", "A", "B")
        val items = tap.actionsFor(params)!!
        assertEquals(listOf("rotate", "snooze"), items.map { it.get("action").asString })
        assertNull(tap.actionsFor(params), "taken once")
        assertNull(tap.actionsFor(request("Other", "A", "B")))
    }

    @Test
    fun `the status bar says sign in before sign-in, ELITEA with no token in use, else the worst state`() {
        val signedOut = StatusSummary.of(listOf(inUse("1", "a", StatusKind.EXPIRED)), signedIn = false)
        assertEquals("ELITEA: Sign in", signedOut.text)
        assertNull(signedOut.kind, "no expiry colours after sign-out")
        assertFalse(signedOut.tooltip.contains("a:"), "no token rows after sign-out")
        assertEquals(StatusClick.SIGN_IN, signedOut.click)
        val none = StatusSummary.of(emptyList(), signedIn = true)
        assertEquals("ELITEA", none.text)
        assertTrue(none.tooltip.startsWith("Signed in"), none.tooltip)
        assertEquals(StatusClick.SHOW_TOKENS, none.click)
        assertEquals("ELITEA ✓", StatusSummary.of(listOf(inUse("1", "a", StatusKind.OK))).text)
        val s = StatusSummary.of(listOf(inUse("1", "a", StatusKind.OK), inUse("2", "b", StatusKind.WARNING), inUse("3", "c", StatusKind.EXPIRED)))
        assertEquals(StatusKind.EXPIRED, s.kind)
        assertEquals("ELITEA ✗ 2", s.text)
        assertTrue(s.tooltip.lines().size == 4 && s.tooltip.contains("⚠ b: in 3 hours"), s.tooltip)
        val revoked = StatusSummary.of(listOf(inUse("1", "gone", StatusKind.OK, revoked = true)))
        assertEquals(StatusKind.EXPIRED, revoked.kind)
        assertTrue(revoked.tooltip.contains("deleted on the server"))
        // A token without a name (the server sends no masked form for a token in use): a short
        // uuid, never "(no name)".
        val nameless = StatusSummary.of(listOf(inUse("0123456789", null, StatusKind.OK), inUse("9876543210", "", StatusKind.OK)))
        assertTrue(nameless.tooltip.contains("✓ token 01234567: in 3 hours"), nameless.tooltip)
        assertTrue(nameless.tooltip.contains("✓ token 98765432: "), nameless.tooltip)
        assertFalse(nameless.tooltip.contains("no name"))
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

    @Test
    fun `a malformed notification is reported, and the next one still arrives`() {
        val tracker = TokenStatusTracker()
        val errors = mutableListOf<String>()
        tracker.addListener { throw IllegalStateException("a listener that fails") }
        tracker.accept(listOf(1, 2)) { errors += it.message!! }
        tracker.accept(Any()) { errors += it.message!! }
        tracker.accept(mapOf(1 to "x")) { errors += it.message!! }
        assertEquals(3, errors.size, errors.toString())
        tracker.accept(mapOf("tokensInUse" to emptyList<Any>())) { errors += it.message!! }
        assertEquals(3, errors.size, "a failing listener does not make the notification malformed")
        assertEquals(1, tracker.received)
        assertNull(tracker.signedIn)
        tracker.updateStatus(StatusResult(false, settingsAvailable = false, tokensInUse = emptyList(), secretsStore = "keyring", warnings = emptyList()))
        assertEquals(false, tracker.signedIn)
        assertEquals("ELITEA: Sign in", tracker.summary().text)
    }
}

class DisplayTest {
    @Test
    fun `expiry dates in the user's locale and zone, never for Never`() {
        val utc = java.time.ZoneId.of("UTC")
        // The JDK puts a narrow no-break space before PM: compared as plain spaces.
        val us = ExpiryDates.format("2026-12-30T14:05:00Z", java.util.Locale.US, utc)?.replace('\u202f', ' ')?.replace('\u00a0', ' ')
        assertEquals("Dec 30, 2026, 2:05 PM", us)
        assertEquals("30.12.2026, 15:05", ExpiryDates.format("2026-12-30T14:05:00Z", java.util.Locale.GERMANY, java.time.ZoneId.of("Europe/Berlin")))
        assertNull(ExpiryDates.format(null))
        assertEquals("soon", ExpiryDates.format("soon"), "not RFC 3339: shown as sent")
    }

    @Test
    fun `paths under the home folder are shown with a tilde`() {
        assertEquals("~/notes/elitea.json", UsedIn.tilde("/home/u/notes/elitea.json", home = "/home/u"))
        assertEquals("~", UsedIn.tilde("/home/u", home = "/home/u/"))
        assertEquals("/home/user2/x", UsedIn.tilde("/home/user2/x", home = "/home/u"), "a sibling folder is not under home")
        assertEquals("/work/x", UsedIn.tilde("/work/x", home = null))
    }
}
