package ai.elitea.tokens.plugin.actions

import ai.elitea.tokens.client.TokenRow
import com.intellij.openapi.actionSystem.ActionUpdateThread
import com.intellij.openapi.actionSystem.AnAction
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.actionSystem.DataKey
import com.intellij.openapi.project.DumbAware
import com.intellij.openapi.project.Project

/** The Tools | ELITEA actions: available in any open project, also while indexing. */
abstract class EliteaAction : AnAction(), DumbAware {
    override fun getActionUpdateThread(): ActionUpdateThread = ActionUpdateThread.BGT

    override fun update(e: AnActionEvent) {
        e.presentation.isEnabled = e.project != null
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
