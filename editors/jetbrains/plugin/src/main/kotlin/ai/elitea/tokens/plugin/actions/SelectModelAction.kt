package ai.elitea.tokens.plugin.actions

import ai.elitea.tokens.plugin.EliteaBundle

import ai.elitea.tokens.client.ErrorKind
import ai.elitea.tokens.client.ModelInfo
import ai.elitea.tokens.client.SelectModelParams
import ai.elitea.tokens.client.SelectedModel
import ai.elitea.tokens.plugin.EliteaProjectService
import ai.elitea.tokens.plugin.Notifier
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.project.Project
import com.intellij.openapi.ui.InputValidator
import com.intellij.openapi.ui.Messages
import com.intellij.openapi.ui.popup.JBPopupFactory
import com.intellij.ui.SimpleListCellRenderer

/** Tools | ELITEA | Select Model: `elitea.listModels`, then `elitea.selectModel`: the model settings name. */
class SelectModelAction : EliteaAction() {
    override fun perform(project: Project, e: AnActionEvent) {
        val service = EliteaProjectService.getInstance(project)
        // A deployment without the models endpoint: the model can still be named by hand.
        val byHand = { e: ai.elitea.tokens.client.EliteaException ->
            val missing = e.kind == ErrorKind.NOT_FOUND || e.kind == ErrorKind.SETTINGS_UNAVAILABLE
            if (missing) enterByHand(project, e.message ?: EliteaBundle.message("model.none"))
            missing
        }
        service.call({ it.listModels() }, onError = byHand) { models ->
            if (models.items.isEmpty()) {
                enterByHand(project, EliteaBundle.message("model.empty"))
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
                .setTitle(EliteaBundle.message("model.title"))
                .setRenderer(SimpleListCellRenderer.create("") { describe(it) })
                .setNamerForFiltering { it.displayName + " " + it.name }
                .setItemChosenCallback { m ->
                    // `<project>/<name>` picks this very model when two projects have one of that name.
                    service.call({ it.selectModel(SelectModelParams(name = "${m.projectId}/${m.name}")) }) { r ->
                        Notifier.info(project, EliteaBundle.message("model.selected", r.selected.name, r.selected.projectId.toString()))
                        service.refreshStatus()
                    }
                }
                .createPopup()
                .showCenteredInCurrentWindow(project)
        }
    }

    /** Asks for the project id and the model's name; the server keeps them unchecked. */
    private fun enterByHand(project: Project, why: String) {
        val service = EliteaProjectService.getInstance(project)
        val number = object : InputValidator {
            override fun checkInput(text: String?) = text?.trim()?.toLongOrNull()?.let { it > 0 } ?: false
            override fun canClose(text: String?) = checkInput(text)
        }
        val projectId = Messages.showInputDialog(
            project,
            EliteaBundle.message("model.byHand.project", why),
            EliteaBundle.message("model.byHand.title"),
            null,
            "",
            number,
        )?.trim()?.toLongOrNull() ?: return
        val name = Messages.showInputDialog(
            project,
            EliteaBundle.message("model.byHand.name"),
            EliteaBundle.message("model.byHand.title"),
            null,
        )?.trim()?.takeIf { it.isNotEmpty() } ?: return
        service.call({ it.selectModel(SelectModelParams(projectId = projectId, name = name, manual = true)) }) { r ->
            Notifier.info(
                project,
                EliteaBundle.message("model.selected.byHand", r.selected.name, r.selected.projectId.toString()),
            )
            service.refreshStatus()
        }
    }
}
