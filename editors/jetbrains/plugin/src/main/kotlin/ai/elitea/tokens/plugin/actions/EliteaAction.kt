package ai.elitea.tokens.plugin.actions

import ai.elitea.tokens.client.Availability
import ai.elitea.tokens.client.TokenRow
import ai.elitea.tokens.plugin.EliteaProjectService
import com.intellij.openapi.actionSystem.ActionUpdateThread
import com.intellij.openapi.actionSystem.AnAction
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.actionSystem.DataKey
import com.intellij.openapi.project.DumbAware
import com.intellij.openapi.project.Project

/**
 * The Tools | ELITEA actions: available in any open project, also while indexing. One that
 * needs a signed-in user ([requiresSignIn]) is greyed out when the last `elitea.status` says
 * nobody is signed in or the credential is rejected, with the reason as its description (the
 * tooltip and the status bar text of a disabled action), as the GitHub and GitLab plugins do.
 */
abstract class EliteaAction : AnAction(), DumbAware {
    /** Whether the action needs a signed-in user whose credential the server accepts. */
    protected open val requiresSignIn: Boolean = true

    override fun getActionUpdateThread(): ActionUpdateThread = ActionUpdateThread.BGT

    override fun update(e: AnActionEvent) {
        val project = e.project
        if (project == null || project.isDisposed) {
            e.presentation.isEnabled = false
            return
        }
        val availability = Availability.of(requiresSignIn, EliteaProjectService.getInstance(project).tokens.status)
        e.presentation.isEnabled = availability.enabled
        // The template's description (from the bundle) when enabled; the reason when not.
        e.presentation.description = availability.reason ?: templatePresentation.description
    }

    override fun actionPerformed(e: AnActionEvent) {
        val project = e.project ?: return
        perform(project, e)
    }

    protected abstract fun perform(project: Project, e: AnActionEvent)
}

object EliteaDataKeys {
    /** The row selected in the ELITEA Tokens tool window: the token its row actions act on. */
    val SELECTED_TOKEN: DataKey<TokenRow> = DataKey.create("ai.elitea.tokens.selectedToken")
}
