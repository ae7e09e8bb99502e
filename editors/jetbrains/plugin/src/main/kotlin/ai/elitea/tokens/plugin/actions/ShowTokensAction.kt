package ai.elitea.tokens.plugin.actions

import ai.elitea.tokens.plugin.ui.TokensToolWindowFactory
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.project.Project

/** Tools | ELITEA | Show Tokens: the ELITEA Tokens tool window (`elitea.listTokens`). */
class ShowTokensAction : EliteaAction() {
    // Works signed out: it is how one signs in, or needs no account.
    override val requiresSignIn = false

    override fun perform(project: Project, e: AnActionEvent) = TokensToolWindowFactory.show(project)
}
