package ai.elitea.tokens.client

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path

/** `serverUrl: "sandbox"` (the sandbox inside the language server), and Restart Server. */
class EmbeddedSandboxTest {
    @TempDir
    lateinit var tmp: Path

    @Test
    fun `sign in to the embedded sandbox, restart the server, still signed in`() {
        Session.start(tmp.resolve("data")).use { session ->
            val result = session.api.signIn(SignInParams(serverUrl = "sandbox", token = "")).await()
            assertEquals(1L, result.user.id)
            val made = session.api.generateToken(GenerateTokenParams("survives-restart", Expiration(Measure.DAYS, 30))).await()

            session.restart()
            val status = session.api.status().await()
            assertTrue(status.signedIn, status.toString())
            val names = session.api.listTokens(ListTokensParams(search = "survives")).await().items.map { it.uuid }
            assertEquals(listOf(made.uuid), names)
        }
    }
}
