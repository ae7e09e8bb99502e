package ai.elitea.tokens.client

import java.awt.datatransfer.Clipboard
import java.awt.datatransfer.ClipboardOwner
import java.awt.datatransfer.DataFlavor
import java.awt.datatransfer.StringSelection
import java.awt.datatransfer.Transferable
import java.util.concurrent.Executors
import java.util.concurrent.ScheduledExecutorService
import java.util.concurrent.ScheduledFuture
import java.util.concurrent.TimeUnit

/**
 * A token value on the clipboard, the way a password manager puts one there: straight on the
 * system clipboard, never through the IDE's `CopyPasteManager` (whose history, Paste from
 * History, keeps every string it is given for the rest of the session), and cleared after
 * [clearAfterSeconds] unless something else was copied meanwhile.
 *
 * The IDE still sees the system clipboard when Paste from History is opened while the value
 * is on it; clearing it soon keeps that window short. Only AWT is used, so the plugin and the
 * tests share this class; the tests give it a local [Clipboard].
 */
class SecretClipboard(
    private val clipboard: () -> Clipboard,
    val clearAfterSeconds: Long = 60,
    private val scheduler: ScheduledExecutorService = DEFAULT_SCHEDULER,
) {
    private val lock = Any()
    private var mine: Secret? = null
    private var pending: ScheduledFuture<*>? = null

    /** Ours, until someone copies something else (the clipboard then tells [lostOwnership]). */
    private inner class Secret(value: String) : StringSelection(value), ClipboardOwner {
        override fun lostOwnership(clipboard: Clipboard?, contents: Transferable?) {
            synchronized(lock) { if (mine === this) forget() }
        }

        override fun toString() = "Secret(<hidden>)"
    }

    /** Puts [value] on the clipboard; it is cleared after [clearAfterSeconds] if still there. */
    fun copy(value: String) {
        val secret = Secret(value)
        synchronized(lock) {
            forget()
            mine = secret
            clipboard().setContents(secret, secret)
            pending = scheduler.schedule({ clearIfOurs(secret) }, clearAfterSeconds, TimeUnit.SECONDS)
        }
    }

    /** Clears the clipboard now if it still holds what [copy] put there (a dialog closing, say). */
    fun clearNow() {
        val secret = synchronized(lock) { mine } ?: return
        clearIfOurs(secret)
    }

    /** Whether the clipboard holds a value put there by [copy] and not cleared yet. */
    val holdsSecret: Boolean get() = synchronized(lock) { mine != null }

    private fun clearIfOurs(secret: Secret) {
        synchronized(lock) {
            if (mine !== secret) return
            val board = clipboard()
            // Cleared only when the text there is still ours: what the user copied since stays.
            val now = runCatching { board.getContents(null)?.getTransferData(DataFlavor.stringFlavor) as? String }.getOrNull()
            val ours = runCatching { secret.getTransferData(DataFlavor.stringFlavor) as String }.getOrNull()
            if (now != null && now == ours) board.setContents(StringSelection(""), null)
            forget()
        }
    }

    private fun forget() {
        pending?.cancel(false)
        pending = null
        mine = null
    }

    companion object {
        private val DEFAULT_SCHEDULER: ScheduledExecutorService = Executors.newSingleThreadScheduledExecutor { r ->
            Thread(r, "elitea-clipboard").apply { isDaemon = true }
        }
    }
}
