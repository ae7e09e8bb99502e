package ai.elitea.tokens.plugin.lsp

import ai.elitea.tokens.client.Commands
import ai.elitea.tokens.client.Confirmations
import ai.elitea.tokens.client.EliteaClientNotifications
import ai.elitea.tokens.client.EliteaSecretStorageRequests
import ai.elitea.tokens.client.ExpiryWarnings
import ai.elitea.tokens.client.Json
import ai.elitea.tokens.client.MessageRequestTap
import ai.elitea.tokens.client.SecretStorageMethods
import ai.elitea.tokens.client.ServerBinary
import ai.elitea.tokens.plugin.EliteaProjectService
import ai.elitea.tokens.plugin.EliteaSettings
import ai.elitea.tokens.plugin.ExpiryNotifications
import ai.elitea.tokens.plugin.PasswordSafeSecretStorage
import ai.elitea.tokens.plugin.ui.ConfirmationDialog
import com.intellij.openapi.diagnostic.logger
import com.intellij.openapi.project.Project
import com.intellij.openapi.vfs.VirtualFile
import com.redhat.devtools.lsp4ij.LanguageServerFactory
import com.redhat.devtools.lsp4ij.client.LanguageClientImpl
import com.redhat.devtools.lsp4ij.client.features.LSPClientFeatures
import com.intellij.execution.configurations.GeneralCommandLine
import com.redhat.devtools.lsp4ij.server.CannotStartProcessException
import com.redhat.devtools.lsp4ij.server.OSProcessStreamConnectionProvider
import com.redhat.devtools.lsp4ij.server.StreamConnectionProvider
import org.eclipse.lsp4j.MessageActionItem
import org.eclipse.lsp4j.ShowMessageRequestParams
import java.io.InputStream
import java.util.concurrent.CompletableFuture

/** Declared in plugin.xml as the `com.redhat.devtools.lsp4ij.server` extension `eliteaTokens`. */
class EliteaLanguageServerFactory : LanguageServerFactory {
    override fun createConnectionProvider(project: Project): StreamConnectionProvider = EliteaConnectionProvider(project)

    override fun createLanguageClient(project: Project): LanguageClientImpl = EliteaLsp4ijClient(project)

    // What `initialize` announces, and which features reach the server on which files.
    override fun createClientFeatures(): LSPClientFeatures = EliteaClientFeatures()
}

/**
 * Starts `elitea-tokens lsp`: the binary from ELITEA_TOKENS_SERVER_PATH, the setting, or the
 * plugin's bundle ([ServerBinary]), with the project's options as `initializationOptions`.
 *
 * An [OSProcessStreamConnectionProvider] (IntelliJ's OSProcessHandler), as LSP4IJ's developer
 * guide recommends: the server's stderr (its log, a panic) shows in LSP4IJ's console instead
 * of going to the IDE's own stderr (`Redirect.INHERIT` of ProcessStreamConnectionProvider),
 * where nobody sees it.
 */
class EliteaConnectionProvider(private val project: Project) : OSProcessStreamConnectionProvider() {
    override fun start() {
        when (val binary = EliteaProjectService.getInstance(project).binary()) {
            is ServerBinary.Resolution.NotFound -> throw CannotStartProcessException(binary.message)
            is ServerBinary.Resolution.Found -> {
                val command = ServerBinary.command(binary.path)
                commandLine = GeneralCommandLine(command).withWorkDirectory(project.basePath).withCharset(Charsets.UTF_8)
            }
        }
        super.start()
    }

    // Plain maps and lists: LSP4J writes them with its own Gson, whichever class loader that is.
    override fun getInitializationOptions(rootUri: VirtualFile?): Any? =
        Json.toPlain(Json.encode(EliteaSettings.getInstance().options(project)))

    // The server's output, read by LSP4J through a tap that keeps the raw action items of
    // message requests (MessageActionItem drops `action` and `uuid`) and applies
    // elitea/tokenStatus in stream order. One tap per process.
    private var tapped: Pair<InputStream, MessageRequestTap>? = null

    @Synchronized
    override fun getInputStream(): InputStream? {
        val raw = super.getInputStream() ?: return null
        tapped?.let { (source, tap) -> if (source === raw) return tap }
        val tap = EliteaProjectService.getInstance(project).tapOn(raw)
        tapped = raw to tap
        return tap
    }

    override fun toString(): String = "elitea-tokens lsp (${project.name})"
}

/**
 * LSP4IJ's language client, plus the server's own notification, its secret storage requests
 * (answered from PasswordSafe), its confirmations (a modal dialog) and the expiry warnings:
 * those become ELITEA balloons whose actions answer the server (which rotates or snoozes) and
 * open the token list for `showTokens`. Any other question goes to LSP4IJ's default balloon.
 */
class EliteaLsp4ijClient(project: Project) : LanguageClientImpl(project), EliteaClientNotifications, EliteaSecretStorageRequests {
    private val secrets = PasswordSafeSecretStorage()

    override fun secretStorageGet(params: Any?): CompletableFuture<Any?> = SecretStorageMethods.get(secrets, params)

    override fun secretStorageStore(params: Any?): CompletableFuture<Any?> = SecretStorageMethods.store(secrets, params)

    override fun secretStorageDelete(params: Any?): CompletableFuture<Any?> = SecretStorageMethods.delete(secrets, params)

    override fun tokenStatus(params: Any?) {
        val service = EliteaProjectService.getInstance(project)
        // With the tap on the stream the report was applied already, in stream order
        // (LSP4IJ hands this copy over through runAsync: it may come after a newer one).
        if (service.tap?.deliversTokenStatus == true) return
        service.tokens.accept(params) { LOG.warn("${Commands.TOKEN_STATUS_NOTIFICATION}: ${it.message}") }
    }

    /**
     * Told by the `action` fields of the raw items, never by words: a confirmation (two items,
     * one `cancel`: "Revoke and replace" of the leak guard) is a modal dialog, answered with the
     * chosen item whole; a warning whose items carry `action` (expiry, a revoked token) is an
     * ELITEA balloon; any other question goes to LSP4IJ's default balloon.
     */
    override fun showMessageRequest(requestParams: ShowMessageRequestParams): CompletableFuture<MessageActionItem?> {
        val service = EliteaProjectService.getInstance(project)
        val raw = service.tap?.actionsFor(requestParams)
        Confirmations.parse(requestParams, raw)?.let { return ConfirmationDialog.ask(project, it) }
        val warning = ExpiryWarnings.parse(requestParams, raw, service.tokens.current) ?: return super.showMessageRequest(requestParams)
        return ExpiryNotifications.show(project, warning)
    }

    private companion object {
        val LOG = logger<EliteaLsp4ijClient>()
    }
}
