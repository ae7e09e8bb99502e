package ai.elitea.tokens.plugin.lsp

import ai.elitea.tokens.client.EliteaClientCapabilities
import com.intellij.psi.PsiFile
import com.redhat.devtools.lsp4ij.client.features.LSPClientFeatures
import com.redhat.devtools.lsp4ij.client.features.LSPCodeActionFeature
import com.redhat.devtools.lsp4ij.client.features.LSPCompletionFeature
import com.redhat.devtools.lsp4ij.client.features.LSPHoverFeature
import org.eclipse.lsp4j.InitializeParams

/**
 * LSP4IJ's client features for the server, built by [EliteaLanguageServerFactory.createClientFeatures].
 *
 * `initialize`: LSP4IJ builds it; this adds `experimental.elitea.secretStorage` (the client
 * answers from PasswordSafe) and `experimental.elitea.commandOutcome` (LSP4IJ runs a quick
 * fix's command and drops its answer, so the server tells the outcome with
 * `window/showMessage`), keeping what LSP4IJ put there.
 *
 * Every text file reaches the server for the leak guard ([LeakGuardDocumentMatcher]). On the
 * files that are no settings file ([EliteaFiles]) only the diagnostics and their quick fixes
 * are kept: the server's completion (`"` is its trigger character), hover and code actions
 * at the caret are about settings keys, and would only cost a request on every keystroke,
 * hover and caret move in every other file.
 */
class EliteaClientFeatures : LSPClientFeatures() {
    init {
        setCompletionFeature(SettingsOnlyCompletion())
        setHoverFeature(SettingsOnlyHover())
        setCodeActionFeature(QuickFixesEverywhere())
    }

    // The server watches the tokens' expiry and guards the workspace against leaks for the
    // whole project, whichever files are open: LSP4IJ would stop it once the last connected
    // file closes (LanguageServerWrapper.maybeShutdown), and with it the warnings and the scan.
    override fun keepServerAlive(): Boolean = true

    override fun initializeParams(initializeParams: InitializeParams) {
        super.initializeParams(initializeParams)
        EliteaClientCapabilities.announceLsp4ij(initializeParams.capabilities)
    }

    /** Completion in the settings files only; nor is `"` a trigger character elsewhere. */
    private class SettingsOnlyCompletion : LSPCompletionFeature() {
        override fun isEnabled(file: PsiFile): Boolean = EliteaFiles.isSettingsFile(file) && super.isEnabled(file)

        // Read by LSP4IJ's typed handler without isEnabled: typing `"` in any file would open
        // the completion popup (and stop the other handlers) otherwise.
        override fun isCompletionTriggerCharactersSupported(file: PsiFile, charTyped: String): Boolean =
            EliteaFiles.isSettingsFile(file) && super.isCompletionTriggerCharactersSupported(file, charTyped)
    }

    /** Hover (and Quick Documentation) in the settings files only. */
    private class SettingsOnlyHover : LSPHoverFeature() {
        override fun isEnabled(file: PsiFile): Boolean = EliteaFiles.isSettingsFile(file) && super.isEnabled(file)
    }

    /**
     * The quick fixes of a diagnostic (`Alt+Enter` on `tokenLeaked`) everywhere; the code
     * actions LSP4IJ asks for at the caret (intentions) in the settings files only. The leak
     * guard's fixes come with its diagnostic, and the server offers nothing else elsewhere.
     */
    private class QuickFixesEverywhere : LSPCodeActionFeature() {
        override fun isIntentionActionsEnabled(file: PsiFile): Boolean =
            EliteaFiles.isSettingsFile(file) && super.isIntentionActionsEnabled(file)
    }
}
