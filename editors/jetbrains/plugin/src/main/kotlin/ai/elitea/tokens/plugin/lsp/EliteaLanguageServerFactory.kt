package ai.elitea.tokens.plugin.lsp

import ai.elitea.tokens.client.Commands
import ai.elitea.tokens.client.EliteaClientNotifications
import ai.elitea.tokens.client.ExpiryWarnings
import ai.elitea.tokens.client.Json
import ai.elitea.tokens.client.ServerBinary
import ai.elitea.tokens.plugin.EliteaProjectService
import ai.elitea.tokens.plugin.EliteaSettings
import ai.elitea.tokens.plugin.ExpiryNotifications
import com.intellij.openapi.diagnostic.logger
import com.intellij.openapi.project.Project
import com.intellij.openapi.vfs.VirtualFile
import com.redhat.devtools.lsp4ij.LanguageServerFactory
import com.redhat.devtools.lsp4ij.client.LanguageClientImpl
import com.redhat.devtools.lsp4ij.server.CannotStartProcessException
import com.redhat.devtools.lsp4ij.server.ProcessStreamConnectionProvider
import com.redhat.devtools.lsp4ij.server.StreamConnectionProvider
import org.eclipse.lsp4j.MessageActionItem
import org.eclipse.lsp4j.ShowMessageRequestParams
import java.util.concurrent.CompletableFuture

/** Declared in plugin.xml as the `com.redhat.devtools.lsp4ij.server` extension `eliteaTokens`. */
class EliteaLanguageServerFactory : LanguageServerFactory {
    override fun createConnectionProvider(project: Project): StreamConnectionProvider = EliteaConnectionProvider(project)

    override fun createLanguageClient(project: Project): LanguageClientImpl = EliteaLsp4ijClient(project)
}

/**
 * Starts `elitea-tokens lsp`: the binary from ELITEA_TOKENS_SERVER_PATH, the setting, or the
 * plugin's bundle ([ServerBinary]), with the project's options as `initializationOptions`.
 */
class EliteaConnectionProvider(private val project: Project) : ProcessStreamConnectionProvider() {
    init {
        workingDirectory = project.basePath
    }

    override fun start() {
        when (val binary = EliteaProjectService.getInstance(project).binary()) {
            is ServerBinary.Resolution.NotFound -> throw CannotStartProcessException(binary.message)
            is ServerBinary.Resolution.Found -> commands = ServerBinary.command(binary.path)
        }
        super.start()
    }

    // Plain maps and lists: LSP4J writes them with its own Gson, whichever class loader that is.
    override fun getInitializationOptions(rootUri: VirtualFile?): Any? =
        Json.toPlain(Json.encode(EliteaSettings.getInstance().options(project)))

    override fun toString(): String = "elitea-tokens lsp (${project.name})"
}

/**
 * LSP4IJ's language client, plus the server's own notification and the expiry warnings: those
 * become ELITEA balloons whose actions answer the server (which rotates or snoozes) and open
 * the token list for "Show tokens". Any other question goes to LSP4IJ's default balloon.
 */
class EliteaLsp4ijClient(project: Project) : LanguageClientImpl(project), EliteaClientNotifications {

    override fun tokenStatus(params: Any?) {
        EliteaProjectService.getInstance(project).tokens.accept(params) { LOG.warn("${Commands.TOKEN_STATUS_NOTIFICATION}: ${it.message}") }
    }

    override fun showMessageRequest(requestParams: ShowMessageRequestParams): CompletableFuture<MessageActionItem?> {
        val tokens = EliteaProjectService.getInstance(project).tokens.current
        val warning = ExpiryWarnings.parse(requestParams, tokens) ?: return super.showMessageRequest(requestParams)
        return ExpiryNotifications.show(project, warning)
    }

    private companion object {
        val LOG = logger<EliteaLsp4ijClient>()
    }
}
