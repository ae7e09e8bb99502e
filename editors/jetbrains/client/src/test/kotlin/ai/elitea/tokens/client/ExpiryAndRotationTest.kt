package ai.elitea.tokens.client

import org.eclipse.lsp4j.MessageActionItem
import org.eclipse.lsp4j.MessageType
import org.eclipse.lsp4j.ShowMessageRequestParams
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.CompletableFuture

/**
 * Tokens in use: a token of a few minutes written into a settings file raises the expiry
 * warning (`window/showMessageRequest`) and shows in `elitea/tokenStatus`; "Rotate now" and
 * `elitea.rotateToken` replace it wherever it is written.
 */
class ExpiryAndRotationTest {
    private lateinit var tmp: Path
    private lateinit var sandbox: Sandbox
    private lateinit var session: Session
    private lateinit var userSettings: Path
    private val api get() = session.api

    @BeforeEach
    fun start() {
        tmp = Files.createTempDirectory("elitea-jb-expiry")
        userSettings = tmp.resolve("vscode-user/settings.json")
        sandbox = Sandbox.start()
        val project = Files.createDirectories(tmp.resolve("project"))
        session = Session.start(
            tmp.resolve("data"),
            workspace = project,
            options = InitializationOptions(
                vscodeUserSettingsPath = userSettings.toString(),
                jetbrainsProjectPath = project.toString(),
                workspaceFolders = listOf(project.toString()),
            ),
        )
        api.signIn(SignInParams(sandbox.url, sandbox.bootstrapToken)).await()
        api.selectModel(SelectModelParams(name = "gpt-5-mini")).await()
    }

    @AfterEach
    fun stop() {
        if (::session.isInitialized) session.close()
        if (::sandbox.isInitialized) sandbox.close()
        tmp.toFile().deleteRecursively()
    }

    private fun generateAndApply(name: String, expiration: Expiration): GeneratedToken {
        val t = api.generateToken(GenerateTokenParams(name, expiration)).await()
        val applied = api.applySettings(ApplySettingsParams(t.uuid, Ide.VSCODE, SettingsTarget.USER)).await()
        assertTrue(applied.tokenIncluded)
        assertEquals(userSettings.toAbsolutePath().normalize(), Path.of(applied.path).toAbsolutePath().normalize())
        assertEquals(listOf(t.uuid), jwtsIn(Files.readString(userSettings)).map { jwtPayload(it).get("uuid").asString }.distinct())
        return t
    }

    @Test
    fun `a token of a few minutes raises the expiry warning and shows in the status bar`() {
        val warnings = mutableListOf<ExpiryWarning>()
        session.client.onShowMessageRequest = { params ->
            session.client.expiryWarning(params)?.let { warnings += it }
            CompletableFuture.completedFuture(null) // dismissed
        }
        val t = generateAndApply("short-lived", Expiration(Measure.MINUTES, 5))

        val inUse = session.client.awaitTokens(20) { list -> list.any { it.uuid == t.uuid } }
        assertNotNull(inUse, "elitea/tokenStatus names the token written in settings.json")
        val mine = inUse!!.single { it.uuid == t.uuid }
        assertEquals(StatusKind.WARNING, mine.status.kind)
        assertEquals("short-lived", mine.name)
        assertTrue(mine.files.any { Path.of(it).toAbsolutePath().normalize() == userSettings.toAbsolutePath().normalize() }, mine.files.toString())
        val summary = session.client.tokens.summary()
        assertEquals(StatusKind.WARNING, summary.kind)
        assertEquals("ELITEA ⚠ 1", summary.text)
        assertTrue(summary.tooltip.contains("short-lived"))

        val request = session.client.awaitMessageRequest(20) { session.client.expiryWarning(it) != null }
        assertNotNull(request, "window/showMessageRequest for the expiry warning, its items carrying action and uuid")
        val warning = session.client.expiryWarning(request!!)!!
        assertEquals(MessageType.Warning, warning.type)
        assertNotNull(warning.action(WarningActionKind.ROTATE), warning.actions.toString())
        assertNotNull(warning.action(WarningActionKind.SHOW_TOKENS), warning.actions.toString())
        assertEquals(t.uuid, warning.uuid, "the items name the short-lived token")
        assertEquals(t.uuid, warning.token?.uuid, "which is the token in use")
        assertFalse(warning.message.contains(t.token))

        // status answers the same list as the notification.
        assertTrue(api.status().await().tokensInUse.any { it.uuid == t.uuid && it.status.kind == StatusKind.WARNING })
    }

    @Test
    fun `answering Rotate now replaces the token in the settings file`() {
        val answered = CompletableFuture<ShowMessageRequestParams>()
        session.client.onShowMessageRequest = { params ->
            val warning = session.client.expiryWarning(params)
            val rotate = warning?.action(WarningActionKind.ROTATE)
            if (rotate != null && !answered.isDone) {
                answered.complete(params)
                CompletableFuture.completedFuture(rotate.item)
            } else {
                CompletableFuture.completedFuture(null)
            }
        }
        val t = generateAndApply("soon-gone", Expiration(Measure.MINUTES, 5))
        answered.get(30, java.util.concurrent.TimeUnit.SECONDS)

        // The server rotates: the settings file gets the new value, the status follows it.
        val after = session.client.awaitTokens(30) { list -> list.isNotEmpty() && list.none { it.uuid == t.uuid } }
        assertNotNull(after, "elitea/tokenStatus after the rotation: ${session.client.tokens.current}")
        val replacement = after!!.single()
        assertNotEquals(t.uuid, replacement.uuid)
        val written = jwtsIn(Files.readString(userSettings)).map { jwtPayload(it).get("uuid").asString }.distinct()
        assertEquals(listOf(replacement.uuid), written)
        assertTrue(api.listTokens(ListTokensParams(pageSize = 100)).await().items.none { it.uuid == t.uuid }, "the old token is deleted")
        assertTrue(
            session.client.shownMessages.any { it.type == MessageType.Info && it.message.isNotBlank() },
            "the outcome is told with window/showMessage",
        )
    }

    @Test
    fun `rotateToken writes the replacement wherever the old one is used`() {
        val t = generateAndApply("rotate-me", Expiration(Measure.DAYS, 30))
        val r = api.rotateToken(
            RotateTokenParams(t.uuid, expiration = Expiration(Measure.WEEKS, 2), name = "rotate-me-2", deleteOld = true),
        ).await()
        assertEquals(t.uuid, r.old)
        assertEquals("rotate-me-2", r.new.name)
        assertEquals("in 14 days", r.new.status.label)
        assertTrue(r.deleted)
        assertTrue(r.message.isNotBlank())
        assertTrue(r.appliedTo.any { Path.of(it).toAbsolutePath().normalize() == userSettings.toAbsolutePath().normalize() }, r.appliedTo.toString())
        val written = jwtsIn(Files.readString(userSettings)).map { jwtPayload(it).get("uuid").asString }.distinct()
        assertEquals(listOf(r.new.uuid), written)
        val list = api.listTokens(ListTokensParams(pageSize = 100)).await().items
        assertTrue(list.none { it.uuid == t.uuid })
        assertTrue(list.any { it.uuid == r.new.uuid && it.valueKnown })
        assertNotNull(session.client.awaitTokens(20) { l -> l.any { it.uuid == r.new.uuid } })
    }

    @Test
    fun `without deleteOld the server asks, and keeping the old token keeps it`() {
        val asked = mutableListOf<ShowMessageRequestParams>()
        session.client.onShowMessageRequest = { params ->
            asked += params
            // Not an expiry warning: the question about the old token. Keep it.
            val keep = params.actions.orEmpty().firstOrNull { !it.title.contains("Delete", ignoreCase = true) }
            CompletableFuture.completedFuture(keep?.let { MessageActionItem(it.title) })
        }
        val t = generateAndApply("keep-me", Expiration(Measure.DAYS, 30))
        val r = api.rotateToken(RotateTokenParams(t.uuid)).await()
        assertFalse(r.deleted)
        assertTrue(asked.any { session.client.expiryWarning(it) == null && it.message.contains("keep-me") }, asked.map { it.message }.toString())
        assertTrue(api.listTokens(ListTokensParams(pageSize = 100)).await().items.any { it.uuid == t.uuid }, "the old token is kept")
    }
}
