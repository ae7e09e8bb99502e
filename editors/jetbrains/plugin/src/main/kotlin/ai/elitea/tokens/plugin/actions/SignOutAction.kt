package ai.elitea.tokens.plugin.actions

import ai.elitea.tokens.plugin.EliteaBundle
import ai.elitea.tokens.plugin.EliteaProjectService
import ai.elitea.tokens.plugin.Notifier
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.project.Project
import com.intellij.openapi.ui.Messages

/** Tools | ELITEA | Sign Out: `elitea.signOut`, the credential is forgotten wherever it is kept. */
class SignOutAction : EliteaAction() {
    override fun perform(project: Project, e: AnActionEvent) {
        signOut(project)
    }

    companion object {
        fun signOut(project: Project) {
            val answer = Messages.showYesNoDialog(
                project,
                EliteaBundle.message("signout.confirm"),
                EliteaBundle.message("signout.title"),
                EliteaBundle.message("signout.button"),
                Messages.getCancelButton(),
                Messages.getQuestionIcon(),
            )
            if (answer != Messages.YES) return
            EliteaProjectService.getInstance(project).call({ it.signOut() }) {
                Notifier.info(project, EliteaBundle.message("signout.done"))
                // Every open project showed this account: all of them reload.
                EliteaProjectService.accountChanged()
            }
        }
    }
}
