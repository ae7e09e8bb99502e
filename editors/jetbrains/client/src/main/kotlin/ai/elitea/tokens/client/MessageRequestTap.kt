package ai.elitea.tokens.client

import com.google.gson.JsonArray
import com.google.gson.JsonObject
import com.google.gson.JsonPrimitive
import org.eclipse.lsp4j.ShowMessageRequestParams
import java.io.ByteArrayOutputStream
import java.io.FilterInputStream
import java.io.InputStream

/**
 * The server's output stream, read by LSP4J as it is, with the `actions` of every
 * `window/showMessageRequest` kept as sent.
 *
 * Why: LSP4J decodes action items into `MessageActionItem`, which has only `title`, so the
 * `action` and `uuid` the server adds to expiry warnings (protocol.md) are gone by the time
 * the language client sees the request. Both hosts start the server's process and so own this
 * stream: [EliteaServerProcess] here, the plugin's connection provider under LSP4IJ. The
 * bytes pass through unchanged; a frame this cannot read only stops the tapping.
 */
class MessageRequestTap(input: InputStream) : FilterInputStream(input) {
    private val header = ByteArrayOutputStream()
    private var body: ByteArray? = null
    private var filled = 0

    @Volatile
    private var broken = false

    private class Pending(val message: String, val titles: List<String>, val actions: List<JsonObject>)

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
     * The raw action items of the request [params] was decoded from (the same message and
     * titles), taken out of the tap; null when none was seen.
     */
    fun actionsFor(params: ShowMessageRequestParams): List<JsonObject>? {
        val titles = params.actions.orEmpty().map { it.title }
        val message = params.message.orEmpty()
        synchronized(pending) {
            val i = pending.indexOfFirst { it.message == message && it.titles == titles }
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
            // LSP4J reads the same bytes and reports a broken frame itself.
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
        // Most frames are answers and notifications: skip them without decoding.
        if (!contains(frame, METHOD)) return
        val msg = Json.parse(String(frame, Charsets.UTF_8)) as? JsonObject ?: return
        if ((msg.get("method") as? JsonPrimitive)?.asString != "window/showMessageRequest") return
        val params = msg.get("params") as? JsonObject ?: return
        val actions = (params.get("actions") as? JsonArray)?.map { it as? JsonObject ?: return } ?: return
        val titles = actions.map { (it.get("title") as? JsonPrimitive)?.asString ?: return }
        val message = (params.get("message") as? JsonPrimitive)?.asString.orEmpty()
        synchronized(pending) {
            pending.addLast(Pending(message, titles, actions))
            // Requests that LSP4J never handed to the client (it stopped) are not kept forever.
            while (pending.size > MAX_PENDING) pending.removeFirst()
        }
    }

    private companion object {
        const val MAX_HEADER = 8192
        const val MAX_PENDING = 64
        val METHOD = "\"window/showMessageRequest\"".toByteArray(Charsets.US_ASCII)

        fun contains(haystack: ByteArray, needle: ByteArray): Boolean {
            outer@ for (i in 0..haystack.size - needle.size) {
                for (j in needle.indices) if (haystack[i + j] != needle[j]) continue@outer
                return true
            }
            return false
        }
    }
}
