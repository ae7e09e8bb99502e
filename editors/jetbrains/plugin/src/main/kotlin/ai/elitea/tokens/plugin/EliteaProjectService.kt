package ai.elitea.tokens.plugin

import ai.elitea.tokens.client.EliteaApi
import ai.elitea.tokens.client.EliteaException
import ai.elitea.tokens.client.ErrorKind
import ai.elitea.tokens.client.ServerBinary
import ai.elitea.tokens.client.TokenStatusTracker
import com.intellij.ide.plugins.PluginManager
import com.intellij.openapi.Disposable
import com.intellij.openapi.application.ApplicationManager
import com.intellij.openapi.application.ModalityState
import com.intellij.openapi.components.Service
import com.intellij.openapi.components.service
import com.intellij.openapi.diagnostic.logger
import com.intellij.openapi.project.Project
import com.intellij.openapi.project.ProjectManager
import com.intellij.openapi.util.Disposer
import com.redhat.devtools.lsp4ij.LanguageServerManager
import com.redhat.devtools.lsp4ij.server.LanguageServerException
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
     * LSP4J's MessageActionItem drops, and `elitea/tokenStatus` in stream order (see
     * MessageRequestTap). Set by the connection provider.
     */
    @Volatile
    var tap: ai.elitea.tokens.client.MessageRequestTap? = null

    /** A tap on [input] that feeds [tokens] in the order the server wrote its reports. */
    fun tapOn(input: java.io.InputStream): ai.elitea.tokens.client.MessageRequestTap =
        ai.elitea.tokens.client.MessageRequestTap(input) { params ->
            tokens.accept(params) { LOG.warn("${ai.elitea.tokens.client.Commands.TOKEN_STATUS_NOTIFICATION}: ${it.message}") }
        }.also { tap = it }

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
                EliteaBundle.message("server.notStarted"),
            )
            // The rules come with initialize's result: the capabilities LSP4IJ keeps.
            EliteaApi(server, item.serverCapabilities?.experimental)
        }
    }

    /**
     * Calls the server; [onSuccess] or the failure handling then runs on the EDT in the
     * modality the call was started in (captured here, `ModalityState.current()`): a call made
     * from a modal dialog (Apply to This Project in the token value dialog) answers while that
     * dialog is still open, one made from a frame waits for any dialog opened meanwhile. Never
     * `ModalityState.any()`: callbacks open dialogs and refresh the VFS, which need a write-safe
     * context. A failure [onError] does not take (returns false) is shown as a notification
     * with the server's sentence.
     */
    fun <T> call(
        block: (EliteaApi) -> CompletableFuture<T>,
        onError: (EliteaException) -> Boolean = { false },
        onSuccess: (T) -> Unit,
    ) {
        val modality = ModalityState.current()
        api().thenCompose { block(it) }.whenComplete { value, error ->
            ApplicationManager.getApplication().invokeLater({
                if (project.isDisposed) return@invokeLater
                if (error != null) {
                    val e = EliteaException.from("", error)
                    if (!onError(e)) Notifier.error(project, e)
                } else {
                    onSuccess(value)
                }
            }, modality)
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

    /**
     * Restart Server, and a change of the binary or the secret store: one start with
     * `forceRestart` (LSP4IJ restarts a running server, starts a stopped one), off the EDT.
     * Not stop + start: with the server disabled in LSP4IJ's Language Servers view, start
     * throws `LanguageServerException`; that is said in a balloon instead, and the server is
     * not enabled behind the user's back (`willEnable` false).
     */
    fun restart() {
        ApplicationManager.getApplication().executeOnPooledThread {
            try {
                LanguageServerManager.getInstance(project).start(
                    SERVER_ID,
                    LanguageServerManager.StartOptions().setForceStart(true).setForceRestart(true).setWillEnable(false),
                )
                refreshStatus()
            } catch (e: LanguageServerException) {
                ApplicationManager.getApplication().invokeLater({
                    if (!project.isDisposed) Notifier.warn(project, EliteaBundle.message("restart.disabled"))
                }, ModalityState.nonModal())
            }
        }
    }

    /**
     * The settings changed: `workspace/didChangeConfiguration`, every option the settings own
     * (a cleared Server URL or Project ID as null, so that the running server forgets it).
     */
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
        private val LOG = logger<EliteaProjectService>()

        /**
         * Sign-in and sign-out change the account of every open project (one credential per
         * server, kept by the server where every project's server reads it): all of them reload.
         */
        fun accountChanged() {
            for (p in ProjectManager.getInstance().openProjects) {
                if (!p.isDisposed) getInstance(p).tokensChanged()
            }
        }

        /** The id of the `com.redhat.devtools.lsp4ij.server` extension in plugin.xml. */
        const val SERVER_ID = "eliteaTokens"
        const val PLUGIN_ID = "ai.elitea.tokens"

        fun getInstance(project: Project): EliteaProjectService = project.service()
    }
}
