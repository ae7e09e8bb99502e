package ai.elitea.tokens.plugin.actions

import ai.elitea.tokens.plugin.EliteaProjectService
import ai.elitea.tokens.plugin.Notifier
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.project.Project
import com.intellij.openapi.ui.Messages

/** Tools | ELITEA | Sign Out: `elitea.signOut`, the credential is forgotten wherever it is kept. */
class SignOutAction : EliteaAction() {
    override fun perform(project: Project, e: AnActionEvent) {
        val answer = Messages.showYesNoDialog(
            project,
            "Sign out of ELITEA? Your credential is forgotten wherever it is kept; your tokens stay on the server.",
            "Sign Out of ELITEA",
            "Sign Out",
            "Cancel",
            Messages.getQuestionIcon(),
        )
        if (answer != Messages.YES) return
        val service = EliteaProjectService.getInstance(project)
        service.call({ it.signOut() }) {
            Notifier.info(project, "Signed out of ELITEA.")
            service.tokensChanged()
        }
    }
}
