package ai.elitea.tokens.client

import org.eclipse.lsp4j.ClientCapabilities
import org.eclipse.lsp4j.ClientInfo
import org.eclipse.lsp4j.InitializeParams
import org.eclipse.lsp4j.InitializeResult
import org.eclipse.lsp4j.InitializedParams
import org.eclipse.lsp4j.WindowClientCapabilities
import org.eclipse.lsp4j.WindowShowMessageRequestCapabilities
import org.eclipse.lsp4j.WorkspaceClientCapabilities
import org.eclipse.lsp4j.WorkspaceFolder
import org.eclipse.lsp4j.jsonrpc.Launcher
import org.eclipse.lsp4j.launch.LSPLauncher
import org.eclipse.lsp4j.services.LanguageServer
import java.nio.file.Path
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import java.util.concurrent.Future
import java.util.concurrent.TimeUnit

/** What the JetBrains side tells the server about itself in `initialize`. */
object EliteaClientCapabilities {
    const val CLIENT_NAME = "elitea-jetbrains"

    /**
     * [secretStorage]: whether the client answers the `elitea/secretStorage` requests;
     * [commandOutcome]: whether it runs the server's commands from quick fixes without reading
     * their answers (LSP4IJ), so that the server tells their outcome with `window/showMessage`.
     * Announced under `experimental.elitea` (plain maps: any Gson writes them).
     */
    fun create(secretStorage: Boolean = false, commandOutcome: Boolean = false): ClientCapabilities = ClientCapabilities().apply {
        if (secretStorage || commandOutcome) experimental = experimentalCapabilities(secretStorage, commandOutcome)
        window = WindowClientCapabilities().apply {
            workDoneProgress = true
            showMessage = WindowShowMessageRequestCapabilities()
        }
        workspace = WorkspaceClientCapabilities().apply {
            configuration = false
            workspaceFolders = true
        }
    }

    /** `{elitea: {secretStorage: true, commandOutcome: true}}` (each only when true), for `capabilities.experimental`. */
    fun experimentalCapabilities(secretStorage: Boolean, commandOutcome: Boolean = false): Map<String, Any?> =
        mapOf("elitea" to buildMap { if (secretStorage) put("secretStorage", true); if (commandOutcome) put("commandOutcome", true) })

    /**
     * Adds the announcement to capabilities someone else built (LSP4IJ's), keeping any other
     * experimental entries they hold.
     */
    fun announceSecretStorage(capabilities: ClientCapabilities) = announce(capabilities, "secretStorage")

    /**
     * What the plugin announces in LSP4IJ's `initialize`: the secret storage (answered from
     * PasswordSafe) and `commandOutcome`. LSP4IJ runs the quick fixes' commands
     * (`elitea.revokeLeak`, `elitea.allowLeak`) with `workspace/executeCommand` and drops the
     * answer, showing errors only; announced, the server tells the outcome itself.
     */
    fun announceLsp4ij(capabilities: ClientCapabilities) = announce(capabilities, "secretStorage", "commandOutcome")

    private fun announce(capabilities: ClientCapabilities, vararg flags: String) {
        val existing = Json.toElement(capabilities.experimental) as? com.google.gson.JsonObject ?: com.google.gson.JsonObject()
        val merged = Json.toPlain(existing) as MutableMap<String, Any?>
        val elitea = (merged["elitea"] as? Map<*, *>)?.entries?.associateTo(LinkedHashMap<String, Any?>()) { (k, v) -> k.toString() to v } ?: LinkedHashMap()
        for (flag in flags) elitea[flag] = true
        merged["elitea"] = elitea
        capabilities.experimental = merged
    }

    fun initializeParams(options: InitializationOptions, workspace: Path?, secretStorage: Boolean = false, commandOutcome: Boolean = false): InitializeParams =
        InitializeParams().apply {
            processId = ProcessHandle.current().pid().toInt()
            clientInfo = ClientInfo(CLIENT_NAME, "0.1.0")
            capabilities = create(secretStorage, commandOutcome)
            initializationOptions = Json.toPlain(Json.encode(options))
            if (workspace != null) {
                workspaceFolders = listOf(WorkspaceFolder(workspace.toUri().toString(), workspace.fileName?.toString() ?: "project"))
            }
        }
}

/**
 * `elitea-tokens lsp` as a child process, spoken to with LSP4J: for hosts that do not have
 * LSP4IJ (the tests, tools). The plugin lets LSP4IJ start the process instead, with the same
 * command line ([ServerBinary.command]) and `initializationOptions`.
 */
class EliteaServerProcess private constructor(
    val process: Process,
    val server: LanguageServer,
    val client: EliteaLanguageClient,
    val initializeResult: InitializeResult,
    private val listening: Future<Void>,
    private val executor: ExecutorService,
) : AutoCloseable {

    val api = EliteaApi(server, initializeResult.capabilities?.experimental)

    /** The server's rules (`capabilities.experimental.elitea.rules`); throws when it sent none. */
    val rules: Rules get() = api.rules()

    /** The commands the server listed in `initialize`. */
    val commands: List<String> get() = initializeResult.capabilities.executeCommandProvider?.commands.orEmpty()

    /** `shutdown`, `exit`, and the process's end (killed when it does not end in time). */
    fun shutdown(timeoutSeconds: Long = 10): Int? {
        try {
            if (process.isAlive) {
                server.shutdown().get(timeoutSeconds, TimeUnit.SECONDS)
                server.exit()
            }
        } catch (_: Exception) {
            // The process is stopped below either way.
        }
        val ended = process.waitFor(timeoutSeconds, TimeUnit.SECONDS)
        if (!ended) {
            process.destroyForcibly()
            process.waitFor(timeoutSeconds, TimeUnit.SECONDS)
        }
        listening.cancel(true)
        executor.shutdownNow()
        return if (ended) process.exitValue() else null
    }

    override fun close() {
        shutdown()
    }

    companion object {
        /**
         * Starts [binary] `lsp`, sends `initialize` with [options] and `initialized`.
         * [env] is added to this process's environment; stderr goes to [stderr] (discarded when null).
         */
        fun start(
            binary: Path,
            options: InitializationOptions,
            client: EliteaLanguageClient = EliteaLanguageClient(),
            env: Map<String, String> = emptyMap(),
            workspace: Path? = null,
            stderr: Path? = null,
            logLevel: String? = null,
            timeoutSeconds: Long = 30,
            /** Announce `commandOutcome`, as the plugin does under LSP4IJ. */
            commandOutcome: Boolean = false,
        ): EliteaServerProcess {
            val pb = ProcessBuilder(ServerBinary.command(binary, logLevel))
            pb.environment().putAll(env)
            pb.redirectError(if (stderr != null) ProcessBuilder.Redirect.appendTo(stderr.toFile()) else ProcessBuilder.Redirect.DISCARD)
            if (workspace != null) pb.directory(workspace.toFile())
            val process = pb.start()
            val executor = Executors.newCachedThreadPool { r -> Thread(r, "elitea-lsp").apply { isDaemon = true } }
            try {
                val launcher: Launcher<LanguageServer> = LSPLauncher.Builder<LanguageServer>()
                    .setLocalService(client)
                    .setRemoteInterface(LanguageServer::class.java)
                    // The tap applies elitea/tokenStatus in stream order, as the plugin's does.
                    .setInput(MessageRequestTap(process.inputStream) { client.acceptTokenStatus(it) }.also { client.tap = it })
                    .setOutput(process.outputStream)
                    .setExecutorService(executor)
                    .create()
                val listening = launcher.startListening()
                val server = launcher.remoteProxy
                val result = server.initialize(EliteaClientCapabilities.initializeParams(options, workspace, client.secretStorage != null, commandOutcome))
                    .get(timeoutSeconds, TimeUnit.SECONDS)
                server.initialized(InitializedParams())
                return EliteaServerProcess(process, server, client, result, listening, executor)
            } catch (e: Exception) {
                process.destroyForcibly()
                executor.shutdownNow()
                throw e
            }
        }
    }
}
