package ai.elitea.tokens.plugin.actions

import ai.elitea.tokens.client.DeleteTokenParams
import ai.elitea.tokens.client.TokenRow
import ai.elitea.tokens.plugin.EliteaProjectService
import ai.elitea.tokens.plugin.Notifier
import ai.elitea.tokens.plugin.ui.DeleteTokenDialog
import ai.elitea.tokens.plugin.ui.TokenPicker
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.project.Project

/** Tools | ELITEA | Delete Token: type the token's name to confirm, then `elitea.deleteToken`. */
class DeleteTokenAction : EliteaAction() {
    override fun perform(project: Project, e: AnActionEvent) =
        TokenPicker.pick(project, e, "Delete ELITEA Token") { delete(project, it) }

    companion object {
        fun delete(project: Project, row: TokenRow) {
            val dialog = DeleteTokenDialog(project, row)
            if (!dialog.showAndGet()) return
            val service = EliteaProjectService.getInstance(project)
            service.call({ it.deleteToken(DeleteTokenParams(row.uuid, dialog.typedName())) }) {
                Notifier.info(
                    project,
                    "Deleted the token '${row.displayName}'. The server may still accept it for up to a minute (its cache).",
                )
                service.tokensChanged()
            }
        }
    }
}
