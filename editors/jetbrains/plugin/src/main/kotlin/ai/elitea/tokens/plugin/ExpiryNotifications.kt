package ai.elitea.tokens.plugin

import ai.elitea.tokens.client.ExpirySuppression
import ai.elitea.tokens.client.ExpiryWarning
import ai.elitea.tokens.client.WarningActionKind
import ai.elitea.tokens.plugin.ui.TokensToolWindowFactory
import com.intellij.notification.Notification
import com.intellij.notification.NotificationAction
import com.intellij.notification.NotificationType
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.application.ApplicationManager
import com.intellij.openapi.application.ModalityState
import com.intellij.openapi.project.Project
import org.eclipse.lsp4j.MessageActionItem
import java.util.concurrent.CompletableFuture

/**
 * A warning of the server (a token about to expire, expired, or deleted on the server while
 * still written in a file) as a sticky balloon with the server's actions. The chosen one is
 * answered back to the server with its `action` and `uuid`: it rotates the token itself for
 * `rotate`, replaces a revoked one for `replace`, snoozes for `snooze`; `showTokens` also opens
 * the token list here. What a button does is told by its `action`, never by its title; an
 * action this plugin does not know is offered and returned like the others. A balloon closed
 * without a choice answers none.
 *
 * The plugin's own links: "Don't show again for this token" (expiry balloons only: a revoked
 * token's warning is always shown) and the settings page.
 */
object ExpiryNotifications {
    fun show(project: Project, warning: ExpiryWarning): CompletableFuture<MessageActionItem?> {
        val answer = CompletableFuture<MessageActionItem?>()
        val settings = EliteaSettings.getInstance()
        if (!ExpirySuppression.shows(warning, settings.state.mutedExpiryTokens)) {
            answer.complete(null)
            return answer
        }
        // The balloon shows whatever dialog is open: it is a notification, not a dialog.
        ApplicationManager.getApplication().invokeLater({
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
                            // The server rotates or replaces; its tokenStatus then reloads the list.
                            WarningActionKind.ROTATE, WarningActionKind.REPLACE, WarningActionKind.SNOOZE -> {}
                        }
                    }
                })
            }
            val uuid = warning.uuid
            if (uuid != null && !warning.isRevoked) {
                n.addAction(object : NotificationAction(EliteaBundle.message("expiry.mute")) {
                    override fun actionPerformed(e: AnActionEvent, notification: Notification) {
                        settings.muteExpiry(uuid)
                        answer.complete(null)
                        notification.expire()
                    }
                })
            }
            n.addAction(NotificationAction.createSimple(EliteaBundle.message("notification.settings")) { Notifier.openSettings(project) })
            n.whenExpired { answer.complete(null) }
            n.notify(project)
        }, ModalityState.nonModal())
        return answer
    }
}
