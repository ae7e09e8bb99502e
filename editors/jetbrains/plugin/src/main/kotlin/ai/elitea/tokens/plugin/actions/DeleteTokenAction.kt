package ai.elitea.tokens.plugin.actions

import ai.elitea.tokens.plugin.EliteaBundle

import ai.elitea.tokens.client.DeleteTokenParams
import ai.elitea.tokens.client.ErrorKind
import ai.elitea.tokens.client.TokenRow
import ai.elitea.tokens.plugin.EliteaProjectService
import ai.elitea.tokens.plugin.Notifier
import ai.elitea.tokens.plugin.ui.DeleteTokenDialog
import ai.elitea.tokens.plugin.ui.TokenPicker
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.project.Project
import com.intellij.openapi.ui.Messages

/** Tools | ELITEA | Delete Token: type the token's name to confirm, then `elitea.deleteToken`. */
class DeleteTokenAction : EliteaAction() {
    override fun perform(project: Project, e: AnActionEvent) =
        TokenPicker.pick(project, e, EliteaBundle.message("picker.delete")) { delete(project, it) }

    companion object {
        fun delete(project: Project, row: TokenRow) {
            val dialog = DeleteTokenDialog(project, row)
            if (!dialog.showAndGet()) return
            send(project, row, dialog.typedName(), force = false)
        }

        /** A token still written in a live settings file is refused (`tokenInUse`) until the user confirms. */
        private fun send(project: Project, row: TokenRow, typedName: String, force: Boolean) {
            val service = EliteaProjectService.getInstance(project)
            service.call({ it.deleteToken(DeleteTokenParams(row.uuid, typedName, force.takeIf { f -> f })) }, onError = onError@{ e ->
                if (e.kind != ErrorKind.TOKEN_IN_USE || force) return@onError false
                val yes = Messages.showYesNoDialog(
                    project, e.message.orEmpty(), EliteaBundle.message("delete.inUse.title"), EliteaBundle.message("delete.anyway"), Messages.getCancelButton(), Messages.getWarningIcon(),
                )
                if (yes == Messages.YES) send(project, row, typedName, force = true)
                true
            }) {
                Notifier.info(
                    project,
                    EliteaBundle.message("delete.done", row.displayName),
                )
                service.tokensChanged()
            }
        }
    }
}
