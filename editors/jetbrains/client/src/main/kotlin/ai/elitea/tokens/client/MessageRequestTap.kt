package ai.elitea.tokens.client

import com.google.gson.JsonArray
import com.google.gson.JsonElement
import com.google.gson.JsonNull
import com.google.gson.JsonObject
import com.google.gson.JsonPrimitive
import org.eclipse.lsp4j.ShowMessageRequestParams
import java.io.ByteArrayOutputStream
import java.io.FilterInputStream
import java.io.InputStream

/**
 * The server's output stream, read by LSP4J as it is, with two things taken from it on the way,
 * on the reader's own thread and so in the order the server wrote them:
 *
 *  - the `actions` of every `window/showMessageRequest`, kept as sent. LSP4J decodes action
 *    items into `MessageActionItem`, which has only `title`, so the `action` and `uuid` the
 *    server adds (expiry warnings, the revoked-token warning) are gone by the time the language
 *    client sees the request;
 *  - every `elitea/tokenStatus`, handed to [onTokenStatus] at once. LSP4IJ hands each incoming
 *    message to `CompletableFuture.runAsync`, so two notifications in a row may reach the
 *    client in either order; read here, the newest is always applied last.
 *
 * Both hosts start the server's process and so own this stream: [EliteaServerProcess] here,
 * the plugin's connection provider under LSP4IJ. The bytes pass through unchanged; a frame
 * this cannot read only stops the tapping ([isTapping] turns false, and the language client
 * then takes `elitea/tokenStatus` as LSP4J hands it over).
 */
class MessageRequestTap(
    input: InputStream,
    /** `elitea/tokenStatus` params, in stream order; null: not tapped (LSP4J's dispatch is used). */
    private val onTokenStatus: ((JsonElement) -> Unit)? = null,
) : FilterInputStream(input) {
    private val header = ByteArrayOutputStream()
    private var body: ByteArray? = null
    private var filled = 0

    @Volatile
    private var broken = false

    /** Why the tapping stopped (an exception's class), for diagnostics; null while it works. */
    @Volatile
    var brokenBy: String? = null
        private set

    /** Whether `elitea/tokenStatus` comes from here (so the language client ignores LSP4J's copy). */
    val deliversTokenStatus: Boolean get() = onTokenStatus != null && !broken

    /** A request as the server sent it: what LSP4J keeps of it ([type], [message], the number of items), and the items whole. */
    private class Pending(val type: Int?, val message: String, val count: Int, val actions: List<JsonObject>)

    private val pending = ArrayDeque<Pending>()

    override fun read(): Int {
        val b = super.read()
        if (b >= 0) feed(byteArrayOf(b.toByte()), 0, 1)
        return b
    }

    override fun read(b: ByteArray, off: Int, len: Int): Int {
        val n = super.read(b, off, len)
        if (n > 0) feed(b, off, n)
        return n
    }

    /**
     * The raw action items of the request [params] was decoded from, taken out of the tap; null
     * when none was seen. The request is found by what LSP4J keeps of it besides the titles:
     * its type, its message (which names the token it is about) and its number of items; the
     * oldest such request first. The titles are never compared: what an item does is its
     * `action`, read from the raw item, whatever its words.
     */
    fun actionsFor(params: ShowMessageRequestParams): List<JsonObject>? {
        val count = params.actions.orEmpty().size
        val message = params.message.orEmpty()
        val type = params.type?.value
        synchronized(pending) {
            val i = pending.indexOfFirst { it.message == message && it.count == count && (it.type == null || type == null || it.type == type) }
            if (i < 0) return null
            return pending.removeAt(i).actions
        }
    }

    private fun feed(bytes: ByteArray, off: Int, len: Int) {
        if (broken) return
        try {
            var i = off
            val end = off + len
            while (i < end) {
                val b = body
                if (b == null) {
                    header.write(bytes[i].toInt())
                    i++
                    if (header.size() > MAX_HEADER) throw IllegalStateException("header too long")
                    if (endsWithBlankLine()) startBody()
                } else {
                    val n = minOf(end - i, b.size - filled)
                    System.arraycopy(bytes, i, b, filled, n)
                    filled += n
                    i += n
                    if (filled == b.size) {
                        body = null
                        onFrame(b)
                    }
                }
            }
        } catch (e: Exception) {
            // LSP4J reads the same bytes and reports a broken frame itself. Only the exception's
            // class is kept (its message may quote the frame, which may hold a token).
            brokenBy = e.javaClass.name
            broken = true
        }
    }

    private fun endsWithBlankLine(): Boolean {
        val n = header.size()
        if (n < 4) return false
        val h = header.toByteArray()
        return h[n - 4] == '\r'.code.toByte() && h[n - 3] == '\n'.code.toByte() && h[n - 2] == '\r'.code.toByte() && h[n - 1] == '\n'.code.toByte()
    }

    private fun startBody() {
        val text = header.toString(Charsets.US_ASCII.name())
        header.reset()
        val length = text.lineSequence()
            .map { it.trim() }
            .firstOrNull { it.startsWith("content-length:", ignoreCase = true) }
            ?.substringAfter(':')?.trim()?.toIntOrNull()
            ?: throw IllegalStateException("no Content-Length")
        if (length < 0) throw IllegalStateException("negative Content-Length")
        if (length == 0) return
        body = ByteArray(length)
        filled = 0
    }

    private fun onFrame(frame: ByteArray) {
        // Most frames are answers and other notifications: skip them without decoding.
        val request = contains(frame, METHOD)
        val status = onTokenStatus != null && contains(frame, TOKEN_STATUS)
        if (!request && !status) return
        val msg = Json.parse(String(frame, Charsets.UTF_8)) as? JsonObject ?: return
        when ((msg.get("method") as? JsonPrimitive)?.takeIf { it.isString }?.asString) {
            "window/showMessageRequest" -> onRequest(msg)
            Commands.TOKEN_STATUS_NOTIFICATION -> onTokenStatus?.let { deliver ->
                // The listener's own failure is its own: it must not stop the tapping.
                try {
                    deliver(msg.get("params") ?: JsonNull.INSTANCE)
                } catch (_: RuntimeException) {
                }
            }
        }
    }

    private fun onRequest(msg: JsonObject) {
        val params = msg.get("params") as? JsonObject ?: return
        val actions = (params.get("actions") as? JsonArray)?.map { it as? JsonObject ?: return } ?: return
        val message = (params.get("message") as? JsonPrimitive)?.asString.orEmpty()
        val type = (params.get("type") as? JsonPrimitive)?.takeIf { it.isNumber }?.asInt
        synchronized(pending) {
            pending.addLast(Pending(type, message, actions.size, actions))
            // Requests that LSP4J never handed to the client (it stopped) are not kept forever.
            while (pending.size > MAX_PENDING) pending.removeFirst()
        }
    }

    private companion object {
        const val MAX_HEADER = 8192
        const val MAX_PENDING = 64
        val METHOD = "\"window/showMessageRequest\"".toByteArray(Charsets.US_ASCII)
        val TOKEN_STATUS = "\"${Commands.TOKEN_STATUS_NOTIFICATION}\"".toByteArray(Charsets.US_ASCII)

        fun contains(haystack: ByteArray, needle: ByteArray): Boolean {
            outer@ for (i in 0..haystack.size - needle.size) {
                for (j in needle.indices) if (haystack[i + j] != needle[j]) continue@outer
                return true
            }
            return false
        }
    }
}
