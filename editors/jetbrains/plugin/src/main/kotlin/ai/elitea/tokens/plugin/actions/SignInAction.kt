package ai.elitea.tokens.plugin.actions

import ai.elitea.tokens.plugin.EliteaProjectService
import ai.elitea.tokens.plugin.EliteaSettings
import ai.elitea.tokens.plugin.Notifier
import ai.elitea.tokens.plugin.ui.SignInDialog
import ai.elitea.tokens.plugin.ui.TokensToolWindowFactory
import com.intellij.notification.NotificationAction
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.project.Project

/** Tools | ELITEA | Sign In: `elitea.signIn` with a personal token, kept by the server in the OS keyring or the IDE's password safe. */
class SignInAction : EliteaAction() {
    override fun perform(project: Project, e: AnActionEvent) = signIn(project)

    companion object {
        fun signIn(project: Project) {
            val dialog = SignInDialog(project)
            if (!dialog.showAndGet()) return
            val params = dialog.params()
            val service = EliteaProjectService.getInstance(project)
            service.call({ it.signIn(params) }) { result ->
                val settings = EliteaSettings.getInstance().state
                if (settings.serverUrl.isNullOrBlank() && params.serverUrl != "sandbox") settings.serverUrl = params.serverUrl
                val who = result.user.name ?: result.user.email ?: "user ${result.user.id}"
                Notifier.info(
                    project,
                    "Signed in to ${result.serverUrl} as $who.",
                    NotificationAction.createSimpleExpiring("Show Tokens") { TokensToolWindowFactory.show(project) },
                )
                service.tokensChanged()
            }
        }
    }
}
