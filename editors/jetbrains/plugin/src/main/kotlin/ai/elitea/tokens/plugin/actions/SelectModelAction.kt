package ai.elitea.tokens.plugin.actions

import ai.elitea.tokens.client.ModelInfo
import ai.elitea.tokens.client.SelectModelParams
import ai.elitea.tokens.client.SelectedModel
import ai.elitea.tokens.plugin.EliteaProjectService
import ai.elitea.tokens.plugin.Notifier
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.project.Project
import com.intellij.openapi.ui.popup.JBPopupFactory
import com.intellij.ui.SimpleListCellRenderer

/** Tools | ELITEA | Select Model: `elitea.listModels`, then `elitea.selectModel`: the model settings name. */
class SelectModelAction : EliteaAction() {
    override fun perform(project: Project, e: AnActionEvent) {
        val service = EliteaProjectService.getInstance(project)
        service.call({ it.listModels() }) { models ->
            if (models.items.isEmpty()) {
                Notifier.warn(project, "The ELITEA project has no model configurations.")
                return@call
            }
            fun describe(m: ModelInfo) = buildString {
                append(m.displayName)
                if (m.displayName != m.name) append(" (${m.name})")
                append(" · project ${m.projectId}")
                if (m.shared) append(" · shared")
                if (m.default) append(" · default")
                if (models.selected == SelectedModel(m.name, m.projectId)) append("   ✓")
            }
            JBPopupFactory.getInstance()
                .createPopupChooserBuilder(models.items)
                .setTitle("Select the ELITEA Model Settings Name")
                .setRenderer(SimpleListCellRenderer.create("") { describe(it) })
                .setNamerForFiltering { it.displayName + " " + it.name }
                .setItemChosenCallback { m ->
                    // `<project>/<name>` picks this very model when two projects have one of that name.
                    service.call({ it.selectModel(SelectModelParams(name = "${m.projectId}/${m.name}")) }) { r ->
                        Notifier.info(project, "Settings will name the model ${r.selected.name} (project ${r.selected.projectId}).")
                        service.refreshStatus()
                    }
                }
                .createPopup()
                .showCenteredInCurrentWindow(project)
        }
    }
}
