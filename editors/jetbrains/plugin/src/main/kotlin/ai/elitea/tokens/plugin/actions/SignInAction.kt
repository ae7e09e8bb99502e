package ai.elitea.tokens.plugin.actions

import ai.elitea.tokens.client.AccountView
import ai.elitea.tokens.plugin.EliteaBundle
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
    // Works signed out: it is how one signs in, or needs no account.
    override val requiresSignIn = false

    override fun perform(project: Project, e: AnActionEvent) = signIn(project)

    companion object {
        fun signIn(project: Project) {
            val service = EliteaProjectService.getInstance(project)
            // The rules (from initialize) first: the dialog checks the server URL with the server's.
            service.call({ api -> java.util.concurrent.CompletableFuture.supplyAsync { api.rules() } }) { rules ->
                val dialog = SignInDialog(project, rules)
                if (dialog.showAndGet()) send(project, dialog.params())
            }
        }

        private fun send(project: Project, params: ai.elitea.tokens.client.SignInParams) {
            val service = EliteaProjectService.getInstance(project)
            service.call({ it.signIn(params) }) { result ->
                val settings = EliteaSettings.getInstance().state
                if (settings.serverUrl.isNullOrBlank() && params.serverUrl != "sandbox") settings.serverUrl = params.serverUrl
                val who = AccountView.describe(result.user) ?: ""
                Notifier.info(
                    project,
                    EliteaBundle.message("signin.done", result.serverUrl, who),
                    NotificationAction.createSimpleExpiring(EliteaBundle.message("action.ELITEA.ShowTokens.text")) { TokensToolWindowFactory.show(project) },
                )
                // Every open project's server reads the same credential: all of them reload.
                EliteaProjectService.accountChanged()
            }
        }
    }
}
