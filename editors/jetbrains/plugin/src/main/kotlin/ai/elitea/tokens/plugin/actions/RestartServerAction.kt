package ai.elitea.tokens.plugin.actions

import ai.elitea.tokens.plugin.EliteaBundle
import ai.elitea.tokens.plugin.EliteaProjectService
import ai.elitea.tokens.plugin.Notifier
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.project.Project

/** Tools | ELITEA | Restart Server: LSP4IJ stops and starts `elitea-tokens lsp`; it stays signed in. */
class RestartServerAction : EliteaAction() {
    // Works signed out: it is how one signs in, or needs no account.
    override val requiresSignIn = false

    override fun perform(project: Project, e: AnActionEvent) {
        EliteaProjectService.getInstance(project).restart()
        Notifier.info(project, EliteaBundle.message("restart.started"))
    }
}
