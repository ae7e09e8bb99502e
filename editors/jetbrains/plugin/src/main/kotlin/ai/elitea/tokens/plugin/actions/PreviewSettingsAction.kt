package ai.elitea.tokens.plugin.actions

import ai.elitea.tokens.plugin.EliteaBundle

import ai.elitea.tokens.client.Ide
import ai.elitea.tokens.client.PreviewSettingsParams
import ai.elitea.tokens.client.SettingsSchema
import ai.elitea.tokens.client.TokenRow
import ai.elitea.tokens.plugin.EliteaProjectService
import ai.elitea.tokens.plugin.EliteaSettings
import ai.elitea.tokens.plugin.ui.PreviewInfo
import ai.elitea.tokens.plugin.ui.SettingsPreview
import ai.elitea.tokens.plugin.ui.TokenPicker
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.project.Project

/**
 * Tools | ELITEA | Preview Settings: `elitea.previewSettings` in an editor tab (the JetBrains
 * XML first), with a switch to the VSCode settings.json, Copy and Save.
 */
class PreviewSettingsAction : EliteaAction() {
    override fun perform(project: Project, e: AnActionEvent) =
        TokenPicker.pick(project, e, EliteaBundle.message("picker.preview")) { preview(project, it, Ide.JETBRAINS) }

    companion object {
        fun preview(
            project: Project,
            row: TokenRow,
            ide: Ide,
            schema: SettingsSchema = EliteaSettings.getInstance().settingsSchema,
            onOpened: () -> Unit = {},
        ) {
            EliteaProjectService.getInstance(project).call({ it.previewSettings(PreviewSettingsParams(row.uuid, ide, schema)) }) { result ->
                SettingsPreview.open(project, PreviewInfo(row, ide, schema, result))
                onOpened()
            }
        }
    }
}
