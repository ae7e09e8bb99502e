package ai.elitea.tokens.client

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.nio.file.Files

/**
 * Issue 13: a client that offers its secret storage (`experimental.elitea.secretStorage`) and
 * chooses it (`secretsStore: editor`) gets the server's secrets there, through
 * the `elitea/secretStorage` requests, and the server writes no secrets file. The storage is the
 * client's in-memory one, as a test stand-in for PasswordSafe; the server and the sandbox are real.
 */
class SecretStorageTest {
    @Test
    fun `sign in, generate and restart with the secrets in the client's storage`() {
        val tmp = Files.createTempDirectory("elitea-jb-secrets")
        val storage = InMemorySecretStorage()
        try {
            Sandbox.start().use { sandbox ->
                val data = tmp.resolve("data")
                Session.start(data, options = InitializationOptions(secretsStore = StoreChoice.EDITOR), secretStorage = storage).use { session ->
                    session.api.signIn(SignInParams(sandbox.url, sandbox.bootstrapToken)).await()
                    assertTrue(storage.keys().isNotEmpty(), "the credential is kept in the client's storage")
                    val t = session.api.generateToken(GenerateTokenParams("kept-by-the-editor", Expiration.NEVER)).await()
                    assertTrue(t.valueKnown, "the generated value is kept (in the editor)")
                    assertTrue(storage.keys().size >= 2, storage.keys().toString())
                    // The values sit in the storage, and nowhere in the data folder.
                    val files = Files.walk(data).use { s -> s.filter { Files.isRegularFile(it) }.toList() }
                    for (f in files) {
                        val text = runCatching { Files.readString(f) }.getOrDefault("")
                        assertFalse(text.contains(t.token), "$f holds the generated value")
                        assertFalse(text.contains(sandbox.bootstrapToken), "$f holds the credential")
                    }
                    assertFalse(files.any { it.fileName.toString() == "secrets.json" }, files.toString())
                    assertTrue(session.client.allMessageTexts().none { it.contains(t.token) })

                    // A new server (an IDE restart) with the same storage is still signed in.
                    session.restart()
                    val status = session.api.status().await()
                    assertTrue(status.signedIn, status.toString())
                    val row = session.api.listTokens(ListTokensParams(search = "kept-by-the-editor")).await().items.single()
                    assertTrue(row.valueKnown)

                    session.api.signOut().await()
                    assertEquals(false, session.api.status().await().signedIn)
                }
            }
        } finally {
            tmp.toFile().deleteRecursively()
        }
    }
}
