package ai.elitea.tokens.client

import java.io.BufferedReader
import java.io.InputStreamReader
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.util.Base64
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit
import kotlin.concurrent.thread

/** Where the repository's pieces are, as the pom passes them (with fallbacks for an IDE run). */
object Repo {
    private val module: Path = Paths.get("").toAbsolutePath()

    val schemas: Path = Paths.get(System.getProperty("elitea.schemas") ?: module.resolve("../../../schemas").toString()).normalize()
    val protocol: Path = Paths.get(System.getProperty("elitea.protocol") ?: module.resolve("../../../tests/fixtures/reference/protocol.md").toString()).normalize()
    val plugin: Path = Paths.get(System.getProperty("elitea.plugin") ?: module.resolve("../plugin").toString()).normalize()
    val clientSources: Path = module.resolve("src/main/kotlin").normalize()

    /** The server binary, found the way the plugin finds it: the env var, then the "setting" (-Delitea.server). */
    val server: Path by lazy {
        when (val r = ServerBinary.resolve(setting = System.getProperty("elitea.server") ?: module.resolve("../../../target/debug/elitea-tokens").toString())) {
            is ServerBinary.Resolution.Found -> r.path
            is ServerBinary.Resolution.NotFound -> throw IllegalStateException(r.message + " (build it with `cargo build` in the repository root)")
        }
    }
}

/** `elitea-tokens sandbox --port 0`: a real HTTP ELITEA on 127.0.0.1, in its own process. */
class Sandbox private constructor(private val process: Process, val url: String, val bootstrapToken: String) : AutoCloseable {
    override fun close() {
        process.destroy()
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly()
    }

    companion object {
        fun start(): Sandbox {
            val process = ProcessBuilder(Repo.server.toString(), "sandbox", "--port", "0")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start()
            val reader = BufferedReader(InputStreamReader(process.inputStream, Charsets.UTF_8))
            val found = CompletableFuture<Pair<String, String>>()
            thread(isDaemon = true, name = "sandbox-stdout") {
                var url: String? = null
                var token: String? = null
                try {
                    while (true) {
                        val line = reader.readLine() ?: break
                        line.substringAfter("listening on ", "").trim().ifEmpty { null }?.let { url = it }
                        line.substringAfter("bootstrap token: ", "").trim().ifEmpty { null }?.let { token = it }
                        if (url != null && token != null && !found.isDone) found.complete(url!! to token!!)
                    }
                } catch (_: Exception) {
                }
                if (!found.isDone) found.completeExceptionally(IllegalStateException("the sandbox ended before it was listening"))
            }
            val (url, token) = try {
                found.get(20, TimeUnit.SECONDS)
            } catch (e: Exception) {
                process.destroyForcibly()
                throw e
            }
            return Sandbox(process, url, token)
        }
    }
}

/** A language server over stdio with its own data folder (file secret store: no keyring here). */
class Session(
    val dataDir: Path,
    val options: InitializationOptions,
    val workspace: Path? = null,
    /** The editor's secret storage the client offers (issue 13); none when null. */
    val secretStorage: SecretStorage? = null,
    private val extraEnv: Map<String, String> = emptyMap(),
    /** Announce `commandOutcome` in `initialize`, as the plugin does under LSP4IJ. */
    private val commandOutcome: Boolean = false,
) : AutoCloseable {
    val stderr: Path = dataDir.resolve("lsp-stderr.log")
    var lsp: EliteaServerProcess = launch()
        private set
    val api: EliteaApi get() = lsp.api
    val client: EliteaLanguageClient get() = lsp.client

    private fun launch(): EliteaServerProcess = EliteaServerProcess.start(
        binary = Repo.server,
        options = options,
        client = EliteaLanguageClient(secretStorage),
        env = mapOf("ELITEA_TOKENS_DATA_DIR" to dataDir.toString(), "NO_COLOR" to "1") + extraEnv,
        workspace = workspace,
        stderr = stderr,
        commandOutcome = commandOutcome,
    )

    /** Stops the server and starts a new one on the same data folder (as an IDE restart does). */
    fun restart() {
        lsp.shutdown()
        lsp = launch()
    }

    override fun close() {
        lsp.shutdown()
    }

    companion object {
        fun start(
            dataDir: Path,
            workspace: Path? = null,
            options: InitializationOptions = InitializationOptions(),
            secretStorage: SecretStorage? = null,
            env: Map<String, String> = emptyMap(),
            commandOutcome: Boolean = false,
        ): Session {
            Files.createDirectories(dataDir)
            // The file store unless the test chose one: there is no keyring here.
            val opts = if (options.secretsStore == null) options.copy(secretsStore = StoreChoice.FILE) else options
            return Session(dataDir, opts, workspace, secretStorage, env, commandOutcome)
        }
    }
}

fun <T> CompletableFuture<T>.await(seconds: Long = 60): T = EliteaApi.await(this, seconds)

/** Runs [block], which must fail with an [EliteaException]; returns it. */
fun expectError(block: () -> Unit): EliteaException {
    try {
        block()
    } catch (e: EliteaException) {
        return e
    }
    throw AssertionError("expected the command to fail")
}

/** The `{uuid, expires}` payload of a JWT token value, read without the secret. */
fun jwtPayload(token: String): com.google.gson.JsonObject {
    val parts = token.split('.')
    require(parts.size == 3) { "not a JWT" }
    val json = String(Base64.getUrlDecoder().decode(parts[1].padEnd((parts[1].length + 3) / 4 * 4, '=')), Charsets.UTF_8)
    return Json.parse(json).asJsonObject
}

/** The JWT-shaped strings in [text] (token values written into a settings file). */
fun jwtsIn(text: String): List<String> =
    Regex("eyJ[A-Za-z0-9_-]+\\.eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+").findAll(text).map { it.value }.toList()
