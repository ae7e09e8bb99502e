package ai.elitea.tokens.client

import com.google.gson.JsonObject
import org.eclipse.lsp4j.ExecuteCommandParams
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException
import org.eclipse.lsp4j.services.LanguageServer
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionException
import java.util.concurrent.ExecutionException
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException

/**
 * A command failed. [message] is the server's sentence, written for the user; [kind] is its
 * `data.kind` (null when the failure did not come from the server's command handling, e.g. the
 * process died or the answer had the wrong shape).
 */
class EliteaException(
    val command: String,
    val kind: ErrorKind?,
    message: String,
    val code: Int? = null,
    cause: Throwable? = null,
    /** With `tokenInUse`: the live settings files that hold the token (`data.files`). */
    val files: List<String> = emptyList(),
    /** `data.reason`: a finer reason within the kind (`valueNotKnown`). */
    val reason: String? = null,
) : RuntimeException(message, cause) {

    companion object {
        /** What a failed call became: the server's error, or what stopped the call. */
        fun from(command: String, error: Throwable): EliteaException {
            val what = command.ifBlank { "the request" }
            var e: Throwable = error
            while ((e is CompletionException || e is ExecutionException) && e.cause != null) e = e.cause!!
            return when (e) {
                is EliteaException -> e
                is ResponseErrorException -> {
                    val err = e.responseError
                    EliteaException(command, kindOf(err.data), err.message ?: "$what failed.", err.code, e, filesOf(err.data), reasonOf(err.data))
                }
                is ProtocolException ->
                    EliteaException(command, null, "The language server's answer to $what was not understood: ${e.message}", null, e)
                is CancellationException ->
                    EliteaException(command, null, "${what.replaceFirstChar { it.uppercase() }} was cancelled.", null, e)
                is TimeoutException ->
                    EliteaException(command, null, "The language server did not answer $what in time.", null, e)
                else ->
                    EliteaException(command, null, "${what.replaceFirstChar { it.uppercase() }} failed: ${e.message ?: e.javaClass.simpleName}", null, e)
            }
        }

        fun reasonOf(data: Any?): String? =
            ((runCatching { Json.toElement(data) }.getOrNull() as? JsonObject)?.get("reason") as? com.google.gson.JsonPrimitive)
                ?.takeIf { it.isString }?.asString

        fun filesOf(data: Any?): List<String> {
            val files = (runCatching { Json.toElement(data) }.getOrNull() as? JsonObject)?.get("files") as? com.google.gson.JsonArray ?: return emptyList()
            return files.mapNotNull { f -> f.takeIf { it.isJsonPrimitive && it.asJsonPrimitive.isString }?.asString }
        }

        fun kindOf(data: Any?): ErrorKind? {
            val json = runCatching { Json.toElement(data) }.getOrNull()
            val kind = (json as? JsonObject)?.get("kind")?.takeIf { it.isJsonPrimitive }?.asString ?: return null
            return ErrorKind.entries.firstOrNull { Json.wireName(it) == kind }
        }
    }
}

/**
 * The typed calls of the protocol: one method per command, each sending exactly one argument
 * object through `workspace/executeCommand` and decoding the answer. Every call the JetBrains
 * plugin makes to the server goes through here.
 *
 * [server] is LSP4J's proxy of the language server: the one LSP4IJ started (plugin) or one
 * launched by [EliteaServerProcess]. Futures complete exceptionally with [EliteaException].
 */
class EliteaApi(
    private val server: LanguageServer,
    /** `capabilities.experimental` of `initialize`'s result, as LSP4J (or LSP4IJ) holds it. */
    private val experimental: Any? = null,
) {
    private val rules: Rules? by lazy { runCatching { Rules.fromExperimental(experimental) }.getOrNull() }

    /**
     * The server's rules for names, expirations and pages. Throws [EliteaException] (kind
     * `unavailable`) with a sentence for the user when the server sent none (too old).
     */
    fun rules(): Rules = rules ?: try {
        Rules.fromExperimental(experimental)
    } catch (e: ProtocolException) {
        throw EliteaException("", ErrorKind.UNAVAILABLE, e.message ?: "The language server sent no rules.", null, e)
    }

    fun signIn(params: SignInParams): CompletableFuture<SignInResult> =
        call(Commands.SIGN_IN, params, SignInResult::class.java)

    fun signOut(params: SignOutParams = SignOutParams()): CompletableFuture<EmptyResult> =
        call(Commands.SIGN_OUT, params, EmptyResult::class.java)

    fun status(params: EmptyParams = EmptyParams()): CompletableFuture<StatusResult> =
        call(Commands.STATUS, params, StatusResult::class.java)

    fun listTokens(params: ListTokensParams = ListTokensParams()): CompletableFuture<TokenPage> =
        call(Commands.LIST_TOKENS, params, TokenPage::class.java)

    fun generateToken(params: GenerateTokenParams): CompletableFuture<GeneratedToken> =
        call(Commands.GENERATE_TOKEN, params, GeneratedToken::class.java)

    fun deleteToken(params: DeleteTokenParams): CompletableFuture<DeleteTokenResult> =
        call(Commands.DELETE_TOKEN, params, DeleteTokenResult::class.java)

    fun listModels(params: ListModelsParams = ListModelsParams()): CompletableFuture<ModelsResult> =
        call(Commands.LIST_MODELS, params, ModelsResult::class.java)

    fun selectModel(params: SelectModelParams): CompletableFuture<SelectModelResult> =
        call(Commands.SELECT_MODEL, params, SelectModelResult::class.java)

    fun previewSettings(params: PreviewSettingsParams): CompletableFuture<PreviewSettingsResult> =
        call(Commands.PREVIEW_SETTINGS, params, PreviewSettingsResult::class.java)

    fun applySettings(params: ApplySettingsParams): CompletableFuture<ApplySettingsResult> =
        call(Commands.APPLY_SETTINGS, params, ApplySettingsResult::class.java)

    fun rotateToken(params: RotateTokenParams): CompletableFuture<RotateTokenResult> =
        call(Commands.ROTATE_TOKEN, params, RotateTokenResult::class.java)

    fun migrateSettings(params: MigrateSettingsParams): CompletableFuture<MigrateSettingsResult> =
        call(Commands.MIGRATE_SETTINGS, params, MigrateSettingsResult::class.java)

    /**
     * The leak guard's "Revoke 'X' and replace it" (a `tokenLeaked` quick fix's command): the
     * server first asks one confirmation (`window/showMessageRequest`, see [Confirmations]);
     * answered with its confirm item, it deletes the token, writes a replacement where the old
     * one was used and empties the value in the leaked file. Refused ([ErrorKind.INVALID_PARAMS])
     * when the answer is anything else.
     */
    fun revokeLeak(params: LeakParams): CompletableFuture<RotateTokenResult> =
        call(Commands.REVOKE_LEAK, params, RotateTokenResult::class.java)

    /** The leak guard's "Allow here": the finding's fingerprint added to `.elitea-tokens-ignore`. */
    fun allowLeak(params: LeakParams): CompletableFuture<AllowLeakResult> =
        call(Commands.ALLOW_LEAK, params, AllowLeakResult::class.java)

    /**
     * Later changes of the options, as `workspace/didChangeConfiguration` (section `elitea`).
     * Every key of [owned] goes out, a cleared one as `null`: the server merges what it gets,
     * so a key left out would keep its old value (Gson leaves nulls out: [ConfigurationSection]).
     */
    fun changeConfiguration(options: InitializationOptions, owned: Collection<String> = PluginOptions.OWNED) {
        val params = org.eclipse.lsp4j.DidChangeConfigurationParams(mapOf("elitea" to ConfigurationSection.of(options, owned)))
        server.workspaceService.didChangeConfiguration(params)
    }

    private fun <T : Any> call(command: String, params: Any, result: Class<T>): CompletableFuture<T> {
        val out = CompletableFuture<T>()
        val sent = try {
            server.workspaceService.executeCommand(ExecuteCommandParams(command, listOf(Json.toPlain(Json.encode(params)))))
        } catch (e: Exception) {
            out.completeExceptionally(EliteaException.from(command, e))
            return out
        }
        sent.whenComplete { value, error ->
            if (error != null) {
                out.completeExceptionally(EliteaException.from(command, error))
                return@whenComplete
            }
            try {
                out.complete(Json.decode(Json.toElement(value), result))
            } catch (e: Exception) {
                out.completeExceptionally(EliteaException.from(command, e))
            }
        }
        // Cancelling the answer cancels the request (LSP4J sends $/cancelRequest).
        out.whenComplete { _, e -> if (e is CancellationException) sent.cancel(true) }
        return out
    }

    companion object {
        /** Waits for a call; throws its [EliteaException] itself, not wrapped. */
        fun <T> await(future: CompletableFuture<T>, timeout: Long = 60, unit: TimeUnit = TimeUnit.SECONDS): T {
            try {
                return future.get(timeout, unit)
            } catch (e: ExecutionException) {
                throw EliteaException.from("", e)
            } catch (e: TimeoutException) {
                future.cancel(true)
                throw EliteaException.from("", e)
            }
        }
    }
}

/**
 * The `elitea` section of `workspace/didChangeConfiguration`, written with its nulls.
 *
 * LSP4J's Gson does not serialize nulls (a JsonNull member is dropped with its name), so a
 * cleared setting would never reach the server. This object is written by its own adapter,
 * named by `@JsonAdapter`, which any Gson honours: it turns null serialization on for this
 * object only. The adapter writes through the JsonWriter it is given, so it works with
 * whichever Gson (and class loader) LSP4J has.
 */
@com.google.gson.annotations.JsonAdapter(ConfigurationSection.Adapter::class)
class ConfigurationSection(val json: com.google.gson.JsonObject) {
    override fun toString(): String = json.keySet().joinToString(prefix = "ConfigurationSection(", postfix = ")")

    class Adapter : com.google.gson.TypeAdapter<ConfigurationSection>() {
        override fun write(out: com.google.gson.stream.JsonWriter, value: ConfigurationSection?) {
            if (value == null) {
                out.nullValue()
                return
            }
            val before = out.serializeNulls
            out.serializeNulls = true
            try {
                write(out, value.json)
            } finally {
                out.serializeNulls = before
            }
        }

        private fun write(out: com.google.gson.stream.JsonWriter, e: com.google.gson.JsonElement) {
            when {
                e.isJsonNull -> out.nullValue()
                e.isJsonObject -> {
                    out.beginObject()
                    for ((k, v) in e.asJsonObject.entrySet()) {
                        out.name(k)
                        write(out, v)
                    }
                    out.endObject()
                }
                e.isJsonArray -> {
                    out.beginArray()
                    for (v in e.asJsonArray) write(out, v)
                    out.endArray()
                }
                else -> {
                    val p = e.asJsonPrimitive
                    when {
                        p.isBoolean -> out.value(p.asBoolean)
                        p.isNumber -> out.value(p.asNumber)
                        else -> out.value(p.asString)
                    }
                }
            }
        }

        override fun read(reader: com.google.gson.stream.JsonReader): ConfigurationSection =
            ConfigurationSection(com.google.gson.JsonParser.parseReader(reader).asJsonObject)
    }

    companion object {
        /** [options] as JSON, with every key of [owned] that [options] leaves null written as null. */
        fun of(options: InitializationOptions, owned: Collection<String>): ConfigurationSection {
            val json = Json.encode(options).asJsonObject
            for (key in owned) if (!json.has(key)) json.add(key, com.google.gson.JsonNull.INSTANCE)
            return ConfigurationSection(json)
        }
    }
}
