package ai.elitea.tokens.plugin.ui

import ai.elitea.tokens.client.Confirmation
import ai.elitea.tokens.plugin.EliteaBundle
import com.intellij.openapi.application.ApplicationManager
import com.intellij.openapi.application.ModalityState
import com.intellij.openapi.project.Project
import com.intellij.openapi.ui.MessageDialogBuilder
import com.intellij.openapi.ui.Messages
import org.eclipse.lsp4j.MessageActionItem
import java.util.concurrent.CompletableFuture

/**
 * A confirmation of the server ([Confirmation], e.g. "Revoke 'X' and replace it?" of the leak
 * guard's fix) as a modal dialog, not a balloon: what it confirms cannot be undone (a token
 * deleted on the server, a file changed), and the server waits for the answer. The server's
 * sentence is the message and its items' titles are the buttons; the chosen item goes back
 * whole (its `action` and `uuid`), Cancel, Escape and the close button answer the cancel item.
 */
object ConfirmationDialog {
    fun ask(project: Project, confirmation: Confirmation): CompletableFuture<MessageActionItem?> {
        val answer = CompletableFuture<MessageActionItem?>()
        // The question arrives on LSP4IJ's pooled thread, after the quick fix ran in an editor.
        // In the non-modal state it never opens over a dialog the user opened meanwhile (it
        // waits until that one is closed), and it opens in a write-safe context.
        ApplicationManager.getApplication().invokeLater({
            if (project.isDisposed) {
                answer.complete(confirmation.cancel.item)
                return@invokeLater
            }
            var confirmed = false
            try {
                confirmed = MessageDialogBuilder.yesNo(EliteaBundle.message("confirmation.title"), confirmation.message)
                    .yesText(confirmation.confirm.title)
                    .noText(confirmation.cancel.title)
                    .icon(Messages.getWarningIcon())
                    .ask(project)
            } finally {
                // A dialog that failed to show answers no: the server then does nothing.
                answer.complete(if (confirmed) confirmation.confirm.item else confirmation.cancel.item)
            }
        }, ModalityState.nonModal())
        return answer
    }
}
