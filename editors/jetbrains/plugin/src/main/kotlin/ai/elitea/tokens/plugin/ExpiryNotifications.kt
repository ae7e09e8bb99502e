package ai.elitea.tokens.plugin

import ai.elitea.tokens.client.ExpiryWarning
import ai.elitea.tokens.client.WarningActionKind
import ai.elitea.tokens.plugin.ui.TokensToolWindowFactory
import com.intellij.notification.Notification
import com.intellij.notification.NotificationAction
import com.intellij.notification.NotificationType
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.application.ApplicationManager
import com.intellij.openapi.project.Project
import org.eclipse.lsp4j.MessageActionItem
import java.util.concurrent.CompletableFuture

/**
 * An expiry warning as a sticky balloon with the server's actions. The chosen one is answered
 * back to the server (its `action` and `uuid` with it): it rotates the token itself for
 * `rotate` (and says how it went), snoozes for `snooze`; `showTokens` also opens the token list
 * here. What a button does is told by its `action`, never by its title. A balloon closed
 * without a choice answers none.
 */
object ExpiryNotifications {
    fun show(project: Project, warning: ExpiryWarning): CompletableFuture<MessageActionItem?> {
        val answer = CompletableFuture<MessageActionItem?>()
        ApplicationManager.getApplication().invokeLater {
            if (project.isDisposed) {
                answer.complete(null)
                return@invokeLater
            }
            val type = if (warning.isError) NotificationType.ERROR else NotificationType.WARNING
            val n = Notifier.notification(warning.message, type, Notifier.EXPIRY_GROUP)
            for (action in warning.actions) {
                n.addAction(object : NotificationAction(action.title) {
                    override fun actionPerformed(e: AnActionEvent, notification: Notification) {
                        answer.complete(action.item)
                        notification.expire()
                        when (action.kind) {
                            WarningActionKind.SHOW_TOKENS -> TokensToolWindowFactory.show(project)
                            // The server rotates; its tokenStatus then reloads the list.
                            WarningActionKind.ROTATE, WarningActionKind.SNOOZE -> {}
                        }
                    }
                })
            }
            n.whenExpired { answer.complete(null) }
            n.notify(project)
        }
        return answer
    }
}
