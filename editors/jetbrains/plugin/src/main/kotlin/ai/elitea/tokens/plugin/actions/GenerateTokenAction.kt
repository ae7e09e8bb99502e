package ai.elitea.tokens.plugin.actions

import ai.elitea.tokens.plugin.EliteaProjectService
import ai.elitea.tokens.plugin.ui.GenerateTokenDialog
import ai.elitea.tokens.plugin.ui.TokenPicker
import ai.elitea.tokens.plugin.ui.TokenValueDialog
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.project.Project

/**
 * Tools | ELITEA | Generate Token: a name (checked as it is typed, against your other tokens'
 * names too) and an expiration (30 days unless changed), then `elitea.generateToken` and the
 * value, shown this once, with Copy and Apply to This Project.
 */
class GenerateTokenAction : EliteaAction() {
    override fun perform(project: Project, e: AnActionEvent) = generate(project)

    companion object {
        fun generate(project: Project) {
            val service = EliteaProjectService.getInstance(project)
            // The rules (from initialize) come with the API; a server too old to send them is reported.
            service.call({ api -> TokenPicker.allTokens(api).thenApply { rows -> rows to api.rules() } }) { (rows, rules) ->
                val dialog = GenerateTokenDialog(project, rows.mapNotNull { it.name }.toSet(), rules)
                if (!dialog.showAndGet()) return@call
                val params = dialog.params()
                service.call({ it.generateToken(params) }) { token ->
                    service.tokensChanged()
                    TokenValueDialog(project, token).show()
                }
            }
        }
    }
}
