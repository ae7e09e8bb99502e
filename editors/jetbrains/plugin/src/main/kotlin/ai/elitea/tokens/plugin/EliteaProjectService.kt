package ai.elitea.tokens.plugin

import ai.elitea.tokens.client.EliteaApi
import ai.elitea.tokens.client.EliteaException
import ai.elitea.tokens.client.ErrorKind
import ai.elitea.tokens.client.ServerBinary
import ai.elitea.tokens.client.TokenStatusTracker
import com.intellij.ide.plugins.PluginManager
import com.intellij.openapi.Disposable
import com.intellij.openapi.application.ApplicationManager
import com.intellij.openapi.components.Service
import com.intellij.openapi.components.service
import com.intellij.openapi.project.Project
import com.intellij.openapi.util.Disposer
import com.redhat.devtools.lsp4ij.LanguageServerManager
import java.nio.file.Path
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CopyOnWriteArrayList

/**
 * The plugin's side of one project's language server: the typed API to it (through LSP4IJ,
 * which starts `elitea-tokens lsp` on first use), the tokens in use it reports, and who wants
 * to know when tokens change. Every call to the server goes through [call] and the client's
 * [EliteaApi]; nothing here speaks LSP itself.
 */
@Service(Service.Level.PROJECT)
class EliteaProjectService(private val project: Project) : Disposable {
    /** Fed by `elitea/tokenStatus` and by `elitea.status`; the status bar widget shows it. */
    val tokens = TokenStatusTracker()

    private val changeListeners = CopyOnWriteArrayList<() -> Unit>()

    /** Where the server binary is (the environment, the setting, the bundle), or why none. */
    fun binary(): ServerBinary.Resolution =
        ServerBinary.resolve(setting = EliteaSettings.getInstance().state.serverPath, pluginRoot = pluginRoot())

    // PluginManager's public API, by one of the plugin's own classes (PluginManagerCore.getPlugin
    // is internal in later platforms, and the Marketplace verifier flags it).
    private fun pluginRoot(): Path? = PluginManager.getPluginByClass(EliteaProjectService::class.java)?.pluginPath

    /**
     * The raw side of the server's output: the action items of its message requests, which
     * LSP4J's MessageActionItem drops (see MessageRequestTap). Set by the connection provider.
     */
    @Volatile
    var tap: ai.elitea.tokens.client.MessageRequestTap? = null

    /** The typed API of this project's server, started by LSP4IJ when it is not running. */
    fun api(): CompletableFuture<EliteaApi> {
        val binary = binary()
        if (binary is ServerBinary.Resolution.NotFound) {
            return CompletableFuture.failedFuture(EliteaException("", ErrorKind.UNAVAILABLE, binary.message))
        }
        return LanguageServerManager.getInstance(project).getLanguageServer(SERVER_ID).thenApply { item ->
            val server = item?.server ?: throw EliteaException(
                "",
                ErrorKind.UNAVAILABLE,
                "The ELITEA language server did not start: see its log in the Language Servers tool window, or Restart Server.",
            )
            // The rules come with initialize's result: the capabilities LSP4IJ keeps.
            EliteaApi(server, item.serverCapabilities?.experimental)
        }
    }

    /**
     * Calls the server; [onSuccess] or the failure handling then runs on the EDT with the default
     * modality: callbacks open dialogs and refresh the VFS, which need a write-safe context, so
     * they wait for any modal dialog to close (never `ModalityState.any()`). A failure [onError]
     * does not take (returns false) is shown as a notification with the server's sentence.
     */
    fun <T> call(
        block: (EliteaApi) -> CompletableFuture<T>,
        onError: (EliteaException) -> Boolean = { false },
        onSuccess: (T) -> Unit,
    ) {
        api().thenCompose { block(it) }.whenComplete { value, error ->
            ApplicationManager.getApplication().invokeLater {
                if (project.isDisposed) return@invokeLater
                if (error != null) {
                    val e = EliteaException.from("", error)
                    if (!onError(e)) Notifier.error(project, e)
                } else {
                    onSuccess(value)
                }
            }
        }
    }

    /** At project open: start the server, so that expiry warnings and the status bar work. */
    fun start() {
        if (binary() is ServerBinary.Resolution.NotFound) return // said when the user first asks for something
        refreshStatus()
    }

    fun refreshStatus() {
        call({ it.status() }, onError = { true }) { tokens.updateStatus(it) }
    }

    /** Restart Server, and a change of the binary or the secret store. */
    fun restart() {
        val manager = LanguageServerManager.getInstance(project)
        manager.stop(SERVER_ID, LanguageServerManager.StopOptions().setWillDisable(false))
        manager.start(SERVER_ID, LanguageServerManager.StartOptions().setForceStart(true))
        refreshStatus()
    }

    /** The settings changed: `workspace/didChangeConfiguration`. */
    fun sendConfiguration() {
        api().thenAccept { it.changeConfiguration(EliteaSettings.getInstance().options(project)) }
    }

    fun onTokensChanged(parent: Disposable, listener: () -> Unit) {
        changeListeners += listener
        Disposer.register(parent) { changeListeners -= listener }
    }

    /** A token was generated, deleted or rotated, or the account changed: views reload. */
    fun tokensChanged() {
        for (l in changeListeners) l()
        refreshStatus()
    }

    override fun dispose() {
        changeListeners.clear()
    }

    companion object {
        /** The id of the `com.redhat.devtools.lsp4ij.server` extension in plugin.xml. */
        const val SERVER_ID = "eliteaTokens"
        const val PLUGIN_ID = "ai.elitea.tokens"

        fun getInstance(project: Project): EliteaProjectService = project.service()
    }
}
