package ai.elitea.tokens.plugin.ui

import ai.elitea.tokens.client.AllTokens
import ai.elitea.tokens.client.EliteaApi
import ai.elitea.tokens.client.ListTokensParams
import ai.elitea.tokens.client.SortBy
import ai.elitea.tokens.client.StatusMarks
import ai.elitea.tokens.client.TokenRow
import ai.elitea.tokens.plugin.EliteaBundle
import ai.elitea.tokens.plugin.EliteaProjectService
import ai.elitea.tokens.plugin.Notifier
import ai.elitea.tokens.plugin.actions.EliteaDataKeys
import ai.elitea.tokens.plugin.actions.GenerateTokenAction
import com.intellij.notification.NotificationAction
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.project.Project
import com.intellij.openapi.ui.popup.JBPopupFactory
import com.intellij.ui.SimpleListCellRenderer
import java.util.concurrent.CompletableFuture

/** Which token an action is for: the row selected in the tool window, else one the user picks. */
object TokenPicker {
    fun pick(project: Project, e: AnActionEvent?, title: String, onChosen: (TokenRow) -> Unit) {
        e?.getData(EliteaDataKeys.SELECTED_TOKEN)?.let {
            onChosen(it)
            return
        }
        EliteaProjectService.getInstance(project).call({ allTokens(it) }) { rows ->
            if (rows.isEmpty()) {
                Notifier.info(
                    project,
                    EliteaBundle.message("picker.none"),
                    NotificationAction.createSimpleExpiring(EliteaBundle.message("action.ELITEA.GenerateToken.text")) { GenerateTokenAction.generate(project) },
                )
                return@call
            }
            JBPopupFactory.getInstance()
                .createPopupChooserBuilder(rows)
                .setTitle(title)
                .setRenderer(SimpleListCellRenderer.create("") { describe(it) })
                .setNamerForFiltering { it.displayName }
                .setItemChosenCallback { onChosen(it) }
                .createPopup()
                .showCenteredInCurrentWindow(project)
        }
    }

    /** `CI-nightly   ...ab12   ⚠ in 12 hours` */
    fun describe(row: TokenRow): String = "${row.displayName}   ${row.masked}   ${StatusMarks.describe(row.status)}"

    /** Every token, by name, in pages of the largest size the server takes (its rules, no constant here). */
    fun allTokens(api: EliteaApi, page: Int = 0, before: List<TokenRow> = emptyList()): CompletableFuture<List<TokenRow>> {
        val size = AllTokens.pageSize(api.rules())
        return api.listTokens(ListTokensParams(sortBy = SortBy.NAME, pageSize = size, page = page)).thenCompose { p ->
            val all = before + p.items
            if (p.items.isEmpty() || all.size >= p.total) CompletableFuture.completedFuture(all) else allTokens(api, page + 1, all)
        }
    }
}
