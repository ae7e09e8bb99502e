package ai.elitea.tokens.plugin.actions

import ai.elitea.tokens.client.ApplyChoice
import ai.elitea.tokens.client.ApplyFlow
import ai.elitea.tokens.client.ApplyQuestion
import ai.elitea.tokens.client.ApplySettingsParams
import ai.elitea.tokens.client.Ide
import ai.elitea.tokens.client.SettingsSchema
import ai.elitea.tokens.client.SettingsTarget
import ai.elitea.tokens.client.TargetKind
import ai.elitea.tokens.client.TokenRow
import ai.elitea.tokens.plugin.EliteaBundle
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
 * `.idea/elitea.xml` (or `alita.xml` with the legacy schema), keeping everything else in the
 * file. The token goes into the XML only when the user ticks it. What the server refuses until
 * the user confirms: a token headed for a file git would commit (`allowTrackedFile`), a
 * read-only or foreign-owned file (`writeProtected`), an expired token (replaced first, or
 * written anyway), a token whose value is not known here (written without it).
 */
class ApplySettingsAction : EliteaAction() {
    override fun perform(project: Project, e: AnActionEvent) =
        TokenPicker.pick(project, e, EliteaBundle.message("picker.apply")) { row ->
            val dialog = ApplySettingsDialog(project, row)
            if (dialog.showAndGet()) applyToProject(project, row, dialog.schema(), dialog.includeToken())
        }

    companion object {
        /** "this project's .idea/alita.xml", "user settings", or the file with `~` for the home folder. */
        fun describeTarget(project: Project, ide: Ide, target: SettingsTarget, path: String): String {
            val base = project.basePath
            return when {
                ide == Ide.JETBRAINS && base != null && FileUtil.isAncestor(base, path, true) ->
                    EliteaBundle.message("target.project", FileUtil.getRelativePath(base, path, '/') ?: path)
                target.kind == TargetKind.USER -> EliteaBundle.message("target.user")
                target.kind == TargetKind.WORKSPACE -> EliteaBundle.message("target.workspace", FileUtil.getLocationRelativeToUserHome(path))
                else -> FileUtil.getLocationRelativeToUserHome(path)
            }
        }

        fun applyToProject(project: Project, row: TokenRow, schema: SettingsSchema, includeTokenInXml: Boolean) {
            val base = project.basePath
            if (base == null) {
                Notifier.warn(project, EliteaBundle.message("apply.noFolder"))
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
        ) = send(
            project,
            row,
            ApplySettingsParams(
                uuid = row.uuid,
                ide = ide,
                target = target,
                schema = schema,
                includeTokenInXml = includeTokenInXml.takeIf { it },
            ),
        )

        /**
         * One `elitea.applySettings`; a refusal that asks the user something ([ApplyFlow]: told
         * by `data.kind` and `data.reason`, never by the sentence) is asked in a dialog showing
         * the server's sentence, and the answer sent with the flag it names.
         */
        private fun send(project: Project, row: TokenRow, params: ApplySettingsParams) {
            val ide = params.ide
            val target = params.target
            EliteaProjectService.getInstance(project).call({ it.applySettings(params) }, onError = onError@{ e ->
                val question = ApplyFlow.question(e, params, row.valueKnown) ?: return@onError false
                val next = ApplyFlow.next(params, question, ask(project, question, e.message.orEmpty()))
                if (next != null) send(project, row, next)
                true
            }) { result ->
                // On the EDT, in the modality the call started in (EliteaProjectService.call): a
                // write-safe context, which the synchronous refresh needs; it takes its own write action.
                val file = LocalFileSystem.getInstance().refreshAndFindFileByNioFile(Path.of(result.path))
                val where = describeTarget(project, ide, target, result.path)
                val name = result.replacedBy?.displayName ?: row.displayName
                val text = buildString {
                    result.replacedBy?.let { append(EliteaBundle.message("apply.replaced", row.displayName, it.displayName)).append(' ') }
                    if (result.changedKeys.isEmpty()) {
                        append(EliteaBundle.message("apply.unchanged", where))
                    } else {
                        append(EliteaBundle.message(if (result.tokenIncluded) "apply.done.token" else "apply.done", name, where))
                        if (ide == Ide.JETBRAINS) append(' ').append(EliteaBundle.message("apply.reopen"))
                    }
                }
                // One balloon, with the file one click away instead of its absolute path (and the backup's).
                val open = file?.let { f -> NotificationAction.createSimpleExpiring(EliteaBundle.message("apply.openFile")) { FileEditorManager.getInstance(project).openFile(f, true) } }
                Notifier.info(project, text, *listOfNotNull(open).toTypedArray())
                if (result.replacedBy != null) EliteaProjectService.getInstance(project).tokensChanged()
            }
        }

        /**
         * The dialog of [question], with the server's [sentence]. An expired token offers
         * "Replace with a new token…", "Write anyway" and Cancel; the others their one way on.
         */
        fun ask(project: Project, question: ApplyQuestion, sentence: String): ApplyChoice {
            val choices = ApplyFlow.choices(question)
            val labels = choices.map { choice ->
                when (choice) {
                    ApplyChoice.CANCEL -> Messages.getCancelButton()
                    ApplyChoice.REPLACE -> EliteaBundle.message("apply.expired.replace")
                    ApplyChoice.PROCEED -> EliteaBundle.message(
                        when (question) {
                            ApplyQuestion.TOKEN_EXPIRED, ApplyQuestion.TRACKED_FILE -> "apply.writeAnyway"
                            ApplyQuestion.VALUE_NOT_KNOWN -> "apply.withoutToken"
                            ApplyQuestion.WRITE_PROTECTED -> "apply.replaceFile"
                        },
                    )
                }
            }
            val title = EliteaBundle.message(
                when (question) {
                    ApplyQuestion.TOKEN_EXPIRED -> "apply.expired.title"
                    ApplyQuestion.TRACKED_FILE -> "apply.tracked.title"
                    ApplyQuestion.VALUE_NOT_KNOWN -> "apply.unknown.title"
                    ApplyQuestion.WRITE_PROTECTED -> "apply.protected.title"
                },
            )
            val index = Messages.showDialog(project, sentence, title, labels.toTypedArray(), 0, Messages.getWarningIcon())
            return choices.getOrNull(index) ?: ApplyChoice.CANCEL
        }
    }
}
