package ai.elitea.tokens.client

import org.eclipse.lsp4j.jsonrpc.services.JsonRequest
import java.util.concurrent.CompletableFuture
import java.util.concurrent.ConcurrentHashMap

/**
 * The editor's own secret storage, which the server may keep its secrets in (the credential,
 * generated values) where no OS keyring answers: Remote hosts, containers, WSL (issue 13).
 * Keys are the server's (the ones the keyring uses); values are secrets and are never logged.
 * The plugin implements it on IntelliJ's PasswordSafe; [InMemorySecretStorage] is for tests
 * and hosts without one.
 */
interface SecretStorage {
    /** The value under [key], or null. */
    fun get(key: String): String?

    fun store(key: String, value: String)

    fun delete(key: String)
}

/** A map: nothing outlives the process. */
class InMemorySecretStorage : SecretStorage {
    private val values = ConcurrentHashMap<String, String>()

    override fun get(key: String): String? = values[key]

    override fun store(key: String, value: String) {
        values[key] = value
    }

    override fun delete(key: String) {
        values.remove(key)
    }

    /** The keys held (not the values): what tests look at. */
    fun keys(): Set<String> = values.keys.toSet()
}

data class SecretKeyParams(val key: String)

data class SecretStoreParams(val key: String, val value: String) {
    override fun toString() = "SecretStoreParams(key=$key, value=<${value.length} chars>)"
}

/**
 * The server-to-client requests `elitea/secretStorage/get|store|delete` (protocol.md), sent only
 * to a client that announced `capabilities.experimental.elitea.secretStorage: true`. A language
 * client object implements this next to LSP4J's `LanguageClient`, as for [EliteaClientNotifications],
 * by calling [SecretStorageMethods] (the methods stay abstract here: LSP4J counts an annotated
 * method twice when Kotlin gives the interface a body too). Params come as whatever LSP4J made
 * of them; answers are plain maps, which any Gson writes as the same JSON.
 */
interface EliteaSecretStorageRequests {
    @JsonRequest(SecretStorageMethods.GET)
    fun secretStorageGet(params: Any?): CompletableFuture<Any?>

    @JsonRequest(SecretStorageMethods.STORE)
    fun secretStorageStore(params: Any?): CompletableFuture<Any?>

    @JsonRequest(SecretStorageMethods.DELETE)
    fun secretStorageDelete(params: Any?): CompletableFuture<Any?>
}

object SecretStorageMethods {
    const val GET = "elitea/secretStorage/get"
    const val STORE = "elitea/secretStorage/store"
    const val DELETE = "elitea/secretStorage/delete"

    fun get(storage: SecretStorage?, params: Any?): CompletableFuture<Any?> = answer(GET) {
        val key = Json.decode<SecretKeyParams>(Json.toElement(params)).key
        mapOf("value" to it.get(key))
    }.invoke(storage)

    fun store(storage: SecretStorage?, params: Any?): CompletableFuture<Any?> = answer(STORE) {
        val p = Json.decode<SecretStoreParams>(Json.toElement(params))
        it.store(p.key, p.value)
        emptyMap<String, Any?>()
    }.invoke(storage)

    fun delete(storage: SecretStorage?, params: Any?): CompletableFuture<Any?> = answer(DELETE) {
        it.delete(Json.decode<SecretKeyParams>(Json.toElement(params)).key)
        emptyMap<String, Any?>()
    }.invoke(storage)

    /**
     * Runs [block] on [storage], off LSP4J's reader thread (PasswordSafe may block on the OS
     * keychain). A failure answers a JSON-RPC error whose message names the method, never a value.
     */
    private fun answer(method: String, block: (SecretStorage) -> Any?): (SecretStorage?) -> CompletableFuture<Any?> = { storage ->
        if (storage == null) {
            CompletableFuture.failedFuture(
                org.eclipse.lsp4j.jsonrpc.ResponseErrorException(
                    org.eclipse.lsp4j.jsonrpc.messages.ResponseError(
                        org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode.MethodNotFound,
                        "This client keeps no secrets ($method).",
                        null,
                    ),
                ),
            )
        } else {
            CompletableFuture.supplyAsync {
                try {
                    block(storage)
                } catch (e: ProtocolException) {
                    throw org.eclipse.lsp4j.jsonrpc.ResponseErrorException(
                        org.eclipse.lsp4j.jsonrpc.messages.ResponseError(
                            org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode.InvalidParams, "$method: ${e.message}", null,
                        ),
                    )
                } catch (e: RuntimeException) {
                    throw org.eclipse.lsp4j.jsonrpc.ResponseErrorException(
                        org.eclipse.lsp4j.jsonrpc.messages.ResponseError(
                            org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode.InternalError,
                            "The editor's secret storage failed ($method): ${e.javaClass.simpleName}",
                            null,
                        ),
                    )
                }
            }
        }
    }
}
