package ai.elitea.tokens.client

import com.google.gson.Gson
import com.google.gson.JsonElement
import org.eclipse.lsp4j.jsonrpc.json.MessageJsonHandler
import org.eclipse.lsp4j.jsonrpc.json.MethodProvider
import org.eclipse.lsp4j.jsonrpc.messages.NotificationMessage
import org.eclipse.lsp4j.jsonrpc.messages.ResponseMessage
import org.eclipse.lsp4j.jsonrpc.services.ServiceEndpoints
import org.eclipse.lsp4j.services.LanguageServer
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/**
 * The libraries the client runs with, and how LSP4J hands the server's values over with them.
 *
 * The pom pins the IDE's runtime (LSP4J 0.21.1 as LSP4IJ 0.17.0 bundles it, the Gson of
 * IntelliJ 2024.2); `-Pnewest` the newest. Which Java objects an `Object`-typed value becomes
 * depends on that Gson (`LinkedTreeMap` up to 2.14, `LinkedHashMap` after), so these tests
 * decode real LSP4J messages with the Gson on the class path, in both runs.
 */
class RuntimeTest {
    private fun jarOf(cls: Class<*>): String = Path.of(cls.protectionDomain.codeSource.location.toURI()).fileName.toString()

    @Test
    fun `the tests run with the LSP4J and Gson the pom pins for this run`() {
        val lsp4j = System.getProperty("elitea.expect.lsp4j")
        val gson = System.getProperty("elitea.expect.gson")
        // Run outside Maven (an IDE), the pins are not known: nothing to compare then.
        org.junit.jupiter.api.Assumptions.assumeTrue(lsp4j != null && gson != null, "run by Maven")
        assertEquals("org.eclipse.lsp4j-$lsp4j.jar", jarOf(LanguageServer::class.java))
        assertEquals("org.eclipse.lsp4j.jsonrpc-$lsp4j.jar", jarOf(MessageJsonHandler::class.java))
        assertEquals("gson-$gson.jar", jarOf(Gson::class.java))
    }

    private val handler = MessageJsonHandler(
        ServiceEndpoints.getSupportedMethods(LanguageServer::class.java) + ServiceEndpoints.getSupportedMethods(EliteaLanguageClient::class.java),
    ).apply { methodProvider = MethodProvider { "workspace/executeCommand" } }

    @Test
    fun `a command's result holding a URL is decoded whatever object LSP4J made of it`() {
        val message = handler.parseMessage(
            """{"jsonrpc":"2.0","id":"1","result":{"user":{"id":7,"email":"a@b.c","name":"A = B, {C}"},""" +
                """"serverUrl":"https://elitea.example/api?x=1&y=[2]","projectId":12345678901}}""",
        ) as ResponseMessage
        val result = message.result
        // What this Gson made of it: not JSON text, so toString() would not do.
        assertFalse(result is JsonElement && result.toString().contains("="), result?.javaClass?.name)
        val signIn = Json.decode<SignInResult>(Json.toElement(result))
        assertEquals("https://elitea.example/api?x=1&y=[2]", signIn.serverUrl)
        assertEquals(12345678901L, signIn.projectId)
        assertEquals(UserInfo(7, "a@b.c", "A = B, {C}"), signIn.user)
    }

    @Test
    fun `the tokenStatus notification is decoded, and a malformed one is reported`() {
        val client = EliteaLanguageClient()
        val good = handler.parseMessage(
            """{"jsonrpc":"2.0","method":"elitea/tokenStatus","params":{"tokensInUse":[{"uuid":"u","name":"n","expires":"2030-01-01T00:00:00Z",""" +
                """"status":{"kind":"ok","label":"in 3 years"},"files":["/home/u/.config/Code/User/settings.json"]}]}}""",
        ) as NotificationMessage
        client.tokenStatus(good.params)
        assertEquals("n", client.tokens.current.single().name)
        val bad = handler.parseMessage("""{"jsonrpc":"2.0","method":"elitea/tokenStatus","params":{"tokensInUse":[{"uuid":5}]}}""") as NotificationMessage
        client.tokenStatus(bad.params)
        assertEquals(1, client.malformed.size, client.malformed.toString())
        assertEquals("n", client.tokens.current.single().name, "the last good report stays")
    }

    @Test
    fun `secret storage requests are answered through LSP4J's dispatch`() {
        val storage = InMemorySecretStorage()
        val endpoint = ServiceEndpoints.toEndpoint(EliteaLanguageClient(storage))
        fun request(method: String, json: String): Any? {
            val msg = handler.parseMessage("""{"jsonrpc":"2.0","id":"9","method":"$method","params":$json}""") as org.eclipse.lsp4j.jsonrpc.messages.RequestMessage
            return Json.toElement(endpoint.request(method, msg.params).get(10, TimeUnit.SECONDS))
        }
        assertEquals(Json.parse("""{"value":null}"""), request(SecretStorageMethods.GET, """{"key":"k"}"""))
        assertEquals(Json.parse("{}"), request(SecretStorageMethods.STORE, """{"key":"k","value":"s3cret"}"""))
        assertEquals(Json.parse("""{"value":"s3cret"}"""), request(SecretStorageMethods.GET, """{"key":"k"}"""))
        assertEquals(Json.parse("{}"), request(SecretStorageMethods.DELETE, """{"key":"k"}"""))
        assertNull(storage.get("k"))
        val none = ServiceEndpoints.toEndpoint(EliteaLanguageClient())
        val refused = runCatching { none.request(SecretStorageMethods.GET, mapOf("key" to "k")).get(10, TimeUnit.SECONDS) }
        assertTrue(refused.isFailure, "a client without a storage refuses")
        assertFalse(SecretStoreParams("k", "s3cret").toString().contains("s3cret"))
    }

    @Test
    fun `the secret storage is announced only when there is one, next to LSP4IJ's own entries`() {
        val with = EliteaClientCapabilities.initializeParams(InitializationOptions(), null, secretStorage = true)
        assertEquals(Json.parse("""{"elitea":{"secretStorage":true}}"""), Json.toElement(with.capabilities.experimental))
        assertNull(EliteaClientCapabilities.initializeParams(InitializationOptions(), null).capabilities.experimental)
        val caps = org.eclipse.lsp4j.ClientCapabilities().apply { experimental = Json.parse("""{"other":1,"elitea":{"x":2}}""") }
        EliteaClientCapabilities.announceSecretStorage(caps)
        assertEquals(Json.parse("""{"other":1,"elitea":{"x":2,"secretStorage":true}}"""), Json.toElement(caps.experimental))
    }
}
