package ai.elitea.tokens.client

import org.eclipse.lsp4j.CodeAction
import org.eclipse.lsp4j.CodeActionContext
import org.eclipse.lsp4j.CodeActionParams
import org.eclipse.lsp4j.Command
import org.eclipse.lsp4j.Diagnostic
import org.eclipse.lsp4j.DidOpenTextDocumentParams
import org.eclipse.lsp4j.ExecuteCommandParams
import org.eclipse.lsp4j.MessageActionItem
import org.eclipse.lsp4j.MessageType
import org.eclipse.lsp4j.ShowMessageRequestParams
import org.eclipse.lsp4j.TextDocumentIdentifier
import org.eclipse.lsp4j.TextDocumentItem
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.MethodOrderer
import org.junit.jupiter.api.Order
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.TestMethodOrder
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.CompletableFuture
import java.util.concurrent.ExecutionException
import java.util.concurrent.TimeUnit

/**
 * Issue 23, item 4, on the JetBrains side, against the real `elitea-tokens lsp` and sandbox:
 * a token of the signed-in user written into `app/config.py` (no settings file) gets the
 * leak guard's `tokenLeaked` diagnostic while the file is closed, and its quick fixes are run
 * the way LSP4IJ runs them: `textDocument/codeAction` with the diagnostic the server
 * published, the fix picked by its command id, its command sent with
 * `workspace/executeCommand` (or its edit applied), and the server's one question answered
 * through [Confirmations] (what the plugin's modal dialog is built from). The client announces
 * `commandOutcome`, as the plugin does, so the outcome also comes as `window/showMessage`.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation::class)
class LeakGuardFlowTest {
    private lateinit var tmp: Path
    private lateinit var project: Path
    private lateinit var config: Path
    private lateinit var notes: Path
    private lateinit var extra: Path
    private lateinit var sandbox: Sandbox
    private lateinit var session: Session
    private lateinit var leaky: GeneratedToken
    private lateinit var allowed: GeneratedToken
    private lateinit var commented: GeneratedToken
    private val api get() = session.api
    private val client get() = session.client
    private val secrets = mutableListOf<String>()

    /** How the dialog answers the next confirmation: the confirm item, the cancel item. */
    @Volatile
    private var answerConfirm = false

    /** Every confirmation the server asked, as the plugin parsed it. */
    private val asked = java.util.concurrent.ConcurrentLinkedQueue<Confirmation>()

    @BeforeAll
    fun start() {
        tmp = Files.createTempDirectory("elitea-jb-leak")
        project = Files.createDirectories(tmp.resolve("project")).toRealPath()
        // A repository, as most projects are: `.elitea-tokens-ignore` goes to its top.
        val git = ProcessBuilder("git", "init", "-q", project.toString()).redirectErrorStream(true).start()
        assertTrue(git.waitFor(30, TimeUnit.SECONDS) && git.exitValue() == 0, "git init")
        config = project.resolve("app/config.py")
        notes = project.resolve("docs/notes.md")
        extra = project.resolve("app/extra.py")
        sandbox = Sandbox.start()
        secrets += sandbox.bootstrapToken
        val options = PluginOptions.build(null, null, true, PluginOptions.schema(null), SecretStoreSetting.PLAIN_FILE, project.toString())
            .copy(vscodeUserSettingsPath = tmp.resolve("vscode-user/settings.json").toString())
        session = Session.start(tmp.resolve("data"), workspace = project, options = options, commandOutcome = true)
        api.signIn(SignInParams(sandbox.url, sandbox.bootstrapToken)).await()
        leaky = api.generateToken(GenerateTokenParams("leaky", Expiration(Measure.DAYS, 7))).await().also { secrets += it.token }
        allowed = api.generateToken(GenerateTokenParams("allowed", Expiration(Measure.DAYS, 7))).await().also { secrets += it.token }
        commented = api.generateToken(GenerateTokenParams("commented", Expiration(Measure.DAYS, 7))).await().also { secrets += it.token }
        // Written by hand into files the product never writes, as a user pastes a token.
        Files.createDirectories(config.parent)
        Files.writeString(config, "# settings\nELITEA_TOKEN = \"${leaky.token}\"\nDEBUG = True\n")
        Files.createDirectories(notes.parent)
        Files.writeString(notes, "Use this token: ${allowed.token}\n")
        Files.writeString(extra, "TOKEN = '${commented.token}'\nOTHER = 1\n")
        // A new start scans the workspace, as when the project is opened with the files in it.
        session.restart()
        installDialog()
    }

    /** The plugin's showMessageRequest: a confirmation is answered by the dialog (here, [answerConfirm]). */
    private fun installDialog() {
        client.onShowMessageRequest = { params: ShowMessageRequestParams ->
            val confirmation = client.confirmation(params)
            if (confirmation != null) asked += confirmation
            CompletableFuture.completedFuture<MessageActionItem?>(
                confirmation?.let { if (answerConfirm) it.confirm.item else it.cancel.item },
            )
        }
    }

    @AfterAll
    fun stop() {
        if (::session.isInitialized) {
            val texts = client.allMessageTexts()
            session.close()
            for (s in secrets) assertFalse(texts.any { it.contains(s) }, "a token value in a message of the server")
            assertFalse(Files.readString(session.stderr).let { log -> secrets.any { log.contains(it) } }, "a token value in the server's log")
        }
        if (::sandbox.isInitialized) sandbox.close()
        tmp.toFile().deleteRecursively()
    }

    private fun uri(p: Path): String = p.toUri().toString()

    /** A diagnostic's message: a String in LSP4J 0.21.1, Either<String, MarkupContent> in 1.0.0 (LSP 3.18). */
    private fun text(message: Any?): String = when (message) {
        is String -> message
        is org.eclipse.lsp4j.jsonrpc.messages.Either<*, *> -> text(if (message.isLeft) message.left else message.right)
        is org.eclipse.lsp4j.MarkupContent -> message.value
        else -> message.toString()
    }

    /** The diagnostics of [file] the server last published, by the URI it uses (file:///...). */
    private fun published(file: Path): Pair<String, List<Diagnostic>>? =
        client.diagnostics.entries.firstOrNull { (u, _) -> runCatching { Path.of(java.net.URI(u)) == file }.getOrDefault(false) }?.toPair()

    private fun awaitLeak(file: Path, leaked: Boolean, seconds: Long = 30): Pair<String, List<Diagnostic>> {
        val end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds)
        while (System.nanoTime() < end) {
            val now = published(file)
            if (now != null && now.second.any { it.code?.left == "tokenLeaked" } == leaked) return now
            Thread.sleep(50)
        }
        throw AssertionError("$file: expected leaked=$leaked, last published ${published(file)?.second}")
    }

    /**
     * `textDocument/codeAction` as LSP4IJ's quick fix asks it (LSPLazyCodeActions.createCodeActionParams):
     * the diagnostic's range, the diagnostic in the context, quick fixes only, triggered automatically.
     */
    private fun fixes(uri: String, d: Diagnostic): List<CodeAction> {
        val context = CodeActionContext(listOf(d)).apply {
            only = listOf(org.eclipse.lsp4j.CodeActionKind.QuickFix)
            triggerKind = org.eclipse.lsp4j.CodeActionTriggerKind.Automatic
        }
        val params = CodeActionParams(TextDocumentIdentifier(uri), d.range, context)
        return session.lsp.server.textDocumentService.codeAction(params).get(30, TimeUnit.SECONDS).orEmpty()
            .mapNotNull { if (it.isRight) it.right else null }
    }

    /**
     * The fix whose command is [command] (never told by its title). It carries its command, so
     * LSP4IJ runs it without `codeAction/resolve` (LSPLazyCodeActionIntentionAction.invoke).
     */
    private fun fix(uri: String, d: Diagnostic, command: String): Command =
        fixes(uri, d).single { it.command?.command == command }.also { assertEquals(null, it.edit) }.command

    /** `workspace/executeCommand` with the fix's own command and arguments, as LSP4IJ's CommandExecutor sends it. */
    private fun execute(command: Command): Result<Any?> = runCatching {
        try {
            session.lsp.server.workspaceService.executeCommand(ExecuteCommandParams(command.command, command.arguments)).get(60, TimeUnit.SECONDS)
        } catch (e: ExecutionException) {
            throw EliteaException.from(command.command, e.cause ?: e)
        }
    }

    private fun listed(uuid: String): Boolean = api.listTokens(ListTokensParams(pageSize = 100)).await().items.any { it.uuid == uuid }

    @Test
    @Order(1)
    fun `a token in a file the product never writes gets tokenLeaked while the file is closed, with both fixes`() {
        val (uri, diagnostics) = awaitLeak(config, true)
        val d = diagnostics.single { it.code?.left == "tokenLeaked" }
        assertEquals("elitea", d.source)
        assertEquals(org.eclipse.lsp4j.DiagnosticSeverity.Error, d.severity)
        assertEquals(1, d.range.start.line, "the line of the value")
        val data = Json.toElement(d.data).asJsonObject
        assertEquals(leaky.uuid, data.get("uuid").asString)
        assertEquals("leaky", data.get("name").asString)
        assertFalse(text(d.message).contains(leaky.token), "the value is never in the message")
        val all = fixes(uri, d)
        assertTrue(all.all { it.kind == org.eclipse.lsp4j.CodeActionKind.QuickFix }, "quick fixes: LSP4IJ asks for no other kind")
        val commands = all.mapNotNull { it.command?.command }
        assertEquals(Commands.CODE_ACTIONS, commands, "revoke (first, preferred), then allow in .elitea-tokens-ignore")
        assertTrue(all.first().isPreferred == true)
        assertTrue(commands.all { it in session.lsp.commands }, "the server lists them, so LSP4IJ sends them")
        // And, in a file with line comments, "Allow here" as a comment: an edit, no command.
        val edits = all.filter { it.command == null }
        assertEquals(1, edits.size, all.map { it.title }.toString())
        assertNotNull(edits.single().edit)
    }

    @Test
    @Order(2)
    fun `Cancel in the confirmation deletes and changes nothing`() {
        val (uri, diagnostics) = awaitLeak(config, true)
        val before = Files.readString(config)
        answerConfirm = false
        asked.clear()
        val outcome = execute(fix(uri, diagnostics.single(), Commands.REVOKE_LEAK))
        val confirmation = asked.single()
        assertEquals(MessageType.Warning, confirmation.type)
        assertEquals("revoke", confirmation.confirm.action)
        assertEquals(leaky.uuid, confirmation.confirm.uuid)
        assertEquals(Confirmations.CANCEL, confirmation.cancel.action)
        assertTrue(confirmation.message.contains("leaky"), confirmation.message)
        // The server refuses the command: LSP4IJ shows that error; nothing else happens.
        val refused = outcome.exceptionOrNull() as? EliteaException ?: throw AssertionError("expected a refusal, got $outcome")
        assertEquals(ErrorKind.INVALID_PARAMS, refused.kind, refused.message)
        assertTrue(listed(leaky.uuid), "the token is still on the server")
        assertEquals(before, Files.readString(config), "the file is unchanged")
        assertTrue(published(config)!!.second.any { it.code?.left == "tokenLeaked" }, "the diagnostic stays")
    }

    @Test
    @Order(3)
    fun `Revoke and replace deletes the token, empties the value in the file and clears the diagnostic`() {
        val (uri, diagnostics) = awaitLeak(config, true)
        answerConfirm = true
        asked.clear()
        val shownBefore = client.shownMessages.size
        val result = execute(fix(uri, diagnostics.single(), Commands.REVOKE_LEAK)).getOrThrow()
        assertEquals(1, asked.size, "one confirmation")
        val rotated = Json.decode<RotateTokenResult>(Json.toElement(result))
        assertEquals(leaky.uuid, rotated.old)
        assertTrue(rotated.deleted)
        assertFalse(listed(leaky.uuid), "the leaked token is gone from the server")
        assertTrue(listed(rotated.new.uuid), "its replacement is there")
        val text = Files.readString(config)
        assertFalse(text.contains(leaky.token), "the leaked value is out of the file")
        assertTrue(text.contains("ELITEA_TOKEN = \"\"") && text.contains("DEBUG = True"), text)
        awaitLeak(config, false)
        // commandOutcome: LSP4IJ drops the command's answer, so the server says it (Info).
        val told = awaitShown(shownBefore) { it.type == MessageType.Info && it.message == rotated.message }
        assertNotNull(told, "the outcome as window/showMessage: ${client.shownMessages.map { it.message }}")
    }

    @Test
    @Order(4)
    fun `Allow here adds the finding's fingerprint to elitea-tokens-ignore and clears the diagnostic`() {
        val (uri, diagnostics) = awaitLeak(notes, true)
        val d = diagnostics.single()
        val data = Json.toElement(d.data).asJsonObject
        val fingerprint = data.get("fingerprint").asString
        val ignore = project.resolve(".elitea-tokens-ignore")
        assertEquals(ignore.toString(), data.get("ignoreFile").asString)
        asked.clear()
        val shownBefore = client.shownMessages.size
        val result = Json.decode<AllowLeakResult>(Json.toElement(execute(fix(uri, d, Commands.ALLOW_LEAK)).getOrThrow()))
        assertTrue(asked.isEmpty(), "allowing asks nothing")
        assertEquals(ignore.toString(), result.ignoreFile)
        assertEquals(fingerprint, result.entry)
        assertTrue(result.added)
        assertTrue(Files.readAllLines(ignore).contains(fingerprint), Files.readString(ignore))
        assertFalse(Files.readString(ignore).contains(allowed.token), "a fingerprint, not the value")
        assertTrue(listed(allowed.uuid), "allowing deletes nothing")
        awaitLeak(notes, false)
        assertNotNull(awaitShown(shownBefore) { it.type == MessageType.Info && it.message.contains(fingerprint) }, "the outcome as window/showMessage")
        // Allowed for good: the scan of a new start (the whole workspace) reads the line too.
        // Another token, not allowed, tells when that scan is done.
        val control = api.generateToken(GenerateTokenParams("control", Expiration(Measure.DAYS, 7))).await().also { secrets += it.token }
        val controlFile = project.resolve("docs/control.txt")
        Files.writeString(controlFile, "token ${control.token}\n")
        session.restart()
        installDialog()
        awaitLeak(controlFile, true)
        assertTrue(published(notes)?.second.orEmpty().none { it.code?.left == "tokenLeaked" }, "flagged again after a restart: ${published(notes)}")
    }

    @Test
    @Order(5)
    fun `Allow here as a comment is an edit LSP4IJ applies itself, and the file stays quiet after its save`() {
        val (uri, diagnostics) = awaitLeak(extra, true)
        val action = fixes(uri, diagnostics.single()).single { it.command == null }
        val edits = action.edit.changes.orEmpty()
        assertEquals(setOf(uri), edits.keys, "an edit of this file only")
        // As LSPIJUtils.applyWorkspaceEdit applies it to the document, then the IDE saves it.
        val after = applyEdits(Files.readString(extra), edits.getValue(uri))
        assertEquals(2, after.lines().count { it.isNotEmpty() }, "no line added or removed")
        val line = after.lines().first()
        assertTrue(line.startsWith("TOKEN = '${commented.token}'") && line.endsWith("elitea-tokens:allow"), "the mark ends the token's line")
        assertTrue(line.contains("# "), "in Python's comment syntax")
        Files.writeString(extra, after)
        session.lsp.server.textDocumentService.didSave(org.eclipse.lsp4j.DidSaveTextDocumentParams(TextDocumentIdentifier(uri)))
        awaitLeak(extra, false)
        assertTrue(listed(commented.uuid), "allowing deletes nothing")
    }

    /** [edits] applied to [text]: LSP positions are lines and UTF-16 columns, as Kotlin's strings count. */
    private fun applyEdits(text: String, edits: List<org.eclipse.lsp4j.TextEdit>): String {
        val starts = mutableListOf(0).apply { text.forEachIndexed { i, c -> if (c == '\n') add(i + 1) } }
        fun offset(p: org.eclipse.lsp4j.Position) = starts[p.line] + p.character
        var out = text
        for (e in edits.sortedByDescending { offset(it.range.start) }) {
            out = out.substring(0, offset(e.range.start)) + e.newText + out.substring(offset(e.range.end))
        }
        return out
    }

    @Test
    @Order(6)
    fun `the typed calls reach the same commands, and a file that no longer holds the token is refused`() {
        // After the revoke, app/config.py holds no token: both fixes say so (notFound), and
        // the server asks nothing before it has checked the file.
        asked.clear()
        for (call in listOf<() -> Unit>({ api.revokeLeak(LeakParams(uri(config), leaky.uuid)).await() }, { api.allowLeak(LeakParams(uri(config), leaky.uuid)).await() })) {
            val e = expectError(call)
            assertEquals(ErrorKind.NOT_FOUND, e.kind, e.message)
        }
        assertTrue(asked.isEmpty())
    }

    private fun awaitShown(from: Int, condition: (org.eclipse.lsp4j.MessageParams) -> Boolean): org.eclipse.lsp4j.MessageParams? {
        val end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10)
        while (System.nanoTime() < end) {
            client.shownMessages.drop(from).firstOrNull(condition)?.let { return it }
            Thread.sleep(50)
        }
        return null
    }

    @Test
    @Order(7)
    fun `opening and closing a file that holds a token, as LSP4IJ does, publishes tokenLeaked again`() {
        // LSP4IJ drops the diagnostics it kept for a closed file when it connects the file
        // (LanguageServerWrapper.connect: closedDocuments.remove), and sends didOpen: the
        // server must publish them again, or the editor shows nothing on the open file. On
        // close it clears the file's mark in the Project view (disconnect: clearProblem).
        val other = api.generateToken(GenerateTokenParams("opened", Expiration(Measure.DAYS, 7))).await().also { secrets += it.token }
        val file = project.resolve("scripts/run.sh")
        Files.createDirectories(file.parent)
        Files.writeString(file, "export ELITEA_TOKEN=${other.token}\n")
        session.restart()
        installDialog()
        val (uri, _) = awaitLeak(file, true)
        val count = client.publishedDiagnostics.size
        session.lsp.server.textDocumentService.didOpen(DidOpenTextDocumentParams(TextDocumentItem(uri, "shellscript", 1, Files.readString(file))))
        assertTrue(publishedAgain(uri, count), "no tokenLeaked published for $uri after didOpen")
        val closed = client.publishedDiagnostics.size
        session.lsp.server.textDocumentService.didClose(org.eclipse.lsp4j.DidCloseTextDocumentParams(TextDocumentIdentifier(uri)))
        assertTrue(publishedAgain(uri, closed), "no tokenLeaked published for $uri after didClose")
    }

    private fun publishedAgain(uri: String, after: Int): Boolean {
        val end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10)
        while (System.nanoTime() < end) {
            if (client.publishedDiagnostics.drop(after).any { it.uri == uri && it.diagnostics.any { d -> d.code?.left == "tokenLeaked" } }) return true
            Thread.sleep(50)
        }
        return false
    }
}
