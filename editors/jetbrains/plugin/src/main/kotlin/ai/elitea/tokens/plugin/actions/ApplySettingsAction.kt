package ai.elitea.tokens.plugin.actions

import ai.elitea.tokens.client.ApplySettingsParams
import ai.elitea.tokens.client.ErrorKind
import ai.elitea.tokens.client.Ide
import ai.elitea.tokens.client.SettingsSchema
import ai.elitea.tokens.client.SettingsTarget
import ai.elitea.tokens.client.TargetKind
import ai.elitea.tokens.client.TokenRow
import ai.elitea.tokens.plugin.EliteaProjectService
import ai.elitea.tokens.plugin.Notifier
import ai.elitea.tokens.plugin.ui.ApplySettingsDialog
import ai.elitea.tokens.plugin.ui.TokenPicker
import com.intellij.notification.NotificationAction
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.fileEditor.FileEditorManager
import com.intellij.openapi.project.Project
import com.intellij.openapi.ui.Messages
import com.intellij.openapi.vfs.LocalFileSystem
import com.intellij.openapi.util.io.FileUtil
import java.nio.file.Path

/**
 * Tools | ELITEA | Apply Settings to This Project: `elitea.applySettings` into this project's
 * `.idea/alita.xml` (or `elitea.xml`), keeping everything else in the file. The token goes into
 * the XML only when the user ticks it; a token headed for a file git would commit needs a second
 * confirmation (the server refuses until `allowTrackedFile`).
 */
class ApplySettingsAction : EliteaAction() {
    override fun perform(project: Project, e: AnActionEvent) =
        TokenPicker.pick(project, e, "Apply ELITEA Settings for") { row ->
            val dialog = ApplySettingsDialog(project, row)
            if (dialog.showAndGet()) applyToProject(project, row, dialog.schema(), dialog.includeToken())
        }

    companion object {
        /** "this project's .idea/alita.xml", "user settings", or the file with `~` for the home folder. */
        fun describeTarget(project: Project, ide: Ide, target: SettingsTarget, path: String): String {
            val base = project.basePath
            return when {
                ide == Ide.JETBRAINS && base != null && FileUtil.isAncestor(base, path, true) ->
                    "this project's ${FileUtil.getRelativePath(base, path, '/') ?: path}"
                target.kind == TargetKind.USER -> "VSCode user settings"
                target.kind == TargetKind.WORKSPACE -> "the workspace settings (${FileUtil.getLocationRelativeToUserHome(path)})"
                else -> FileUtil.getLocationRelativeToUserHome(path)
            }
        }

        fun applyToProject(project: Project, row: TokenRow, schema: SettingsSchema, includeTokenInXml: Boolean) {
            val base = project.basePath
            if (base == null) {
                Notifier.warn(project, "This project has no folder on disk to write .idea settings into.")
                return
            }
            applyTo(project, row, Ide.JETBRAINS, SettingsTarget(TargetKind.WORKSPACE, base), schema, includeTokenInXml)
        }

        /** Writes the settings for [row] to [target]; also Save of the preview (a file target). */
        fun applyTo(
            project: Project,
            row: TokenRow,
            ide: Ide,
            target: SettingsTarget,
            schema: SettingsSchema,
            includeTokenInXml: Boolean = false,
            allowTrackedFile: Boolean = false,
            withoutToken: Boolean = false,
        ) {
            val params = ApplySettingsParams(
                uuid = row.uuid,
                ide = ide,
                target = target,
                schema = schema,
                includeTokenInXml = includeTokenInXml.takeIf { it },
                withoutToken = withoutToken.takeIf { it },
                allowTrackedFile = allowTrackedFile.takeIf { it },
            )
            fun again(tracked: Boolean = allowTrackedFile, noToken: Boolean = withoutToken) =
                applyTo(project, row, ide, target, schema, includeTokenInXml, tracked, noToken)

            EliteaProjectService.getInstance(project).call({ it.applySettings(params) }, onError = { e ->
                when {
                    e.kind == ErrorKind.CONFLICT && !allowTrackedFile -> {
                        val yes = Messages.showYesNoDialog(
                            project, e.message.orEmpty(), "Token in a File Git Would Commit", "Write Anyway", "Cancel", Messages.getWarningIcon(),
                        )
                        if (yes == Messages.YES) again(tracked = true)
                        true
                    }
                    e.kind == ErrorKind.NOT_FOUND && (e.reason == "valueNotKnown" || !row.valueKnown) && !withoutToken -> {
                        val yes = Messages.showYesNoDialog(
                            project, e.message.orEmpty(), "Token Value Not Known Here", "Write Without the Token", "Cancel", Messages.getWarningIcon(),
                        )
                        if (yes == Messages.YES) again(noToken = true)
                        true
                    }
                    else -> false
                }
            }) { result ->
                // On the EDT, default modality (EliteaProjectService.call): the synchronous refresh
                // needs a write-safe context; it takes its own write action.
                val file = LocalFileSystem.getInstance().refreshAndFindFileByNioFile(Path.of(result.path))
                val where = describeTarget(project, ide, target, result.path)
                val text = buildString {
                    if (result.changedKeys.isEmpty()) {
                        append("$where already has these ELITEA settings.")
                    } else {
                        append("Wrote the ELITEA settings for '${row.displayName}' to $where")
                        append(if (result.tokenIncluded) ", with the token." else ".")
                        if (ide == Ide.JETBRAINS) append(" Reopen the project for the ELITEA plugin to read them.")
                    }
                }
                // One balloon, with the file one click away instead of its absolute path (and the backup's).
                val open = file?.let { f -> NotificationAction.createSimpleExpiring("Open File") { FileEditorManager.getInstance(project).openFile(f, true) } }
                Notifier.info(project, text, *listOfNotNull(open).toTypedArray())
            }
        }
    }
}
