package ai.elitea.tokens.plugin.actions

import ai.elitea.tokens.plugin.EliteaBundle

import ai.elitea.tokens.client.TokenRow
import ai.elitea.tokens.plugin.EliteaProjectService
import ai.elitea.tokens.plugin.Notifier
import ai.elitea.tokens.plugin.ui.RotateTokenDialog
import ai.elitea.tokens.plugin.ui.TokenPicker
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.project.Project

/**
 * Tools | ELITEA | Rotate Token: `elitea.rotateToken`, a new token written wherever the old one
 * is in use, checked, and the old one deleted (unless the user keeps it).
 */
class RotateTokenAction : EliteaAction() {
    override fun perform(project: Project, e: AnActionEvent) =
        TokenPicker.pick(project, e, EliteaBundle.message("picker.rotate")) { rotate(project, it) }

    companion object {
        fun rotate(project: Project, row: TokenRow) {
            val service = EliteaProjectService.getInstance(project)
            service.call({ api -> java.util.concurrent.CompletableFuture.supplyAsync { api.rules() } }) { rules ->
                val dialog = RotateTokenDialog(project, row, rules)
                if (!dialog.showAndGet()) return@call
                service.call({ it.rotateToken(dialog.params()) }) { result ->
                    val files = if (result.appliedTo.isEmpty()) "" else "\n" + EliteaBundle.message("rotate.writtenTo", result.appliedTo.joinToString(", ") { com.intellij.openapi.util.io.FileUtil.getLocationRelativeToUserHome(it) })
                    Notifier.info(project, result.message + files)
                    service.tokensChanged()
                }
            }
        }
    }
}
