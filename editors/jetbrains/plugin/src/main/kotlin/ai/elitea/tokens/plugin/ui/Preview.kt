package ai.elitea.tokens.plugin.ui

import ai.elitea.tokens.client.Ide
import ai.elitea.tokens.client.PreviewSettingsResult
import ai.elitea.tokens.client.SettingsSchema
import ai.elitea.tokens.client.SettingsTarget
import ai.elitea.tokens.client.TokenRow
import ai.elitea.tokens.plugin.EliteaBundle
import ai.elitea.tokens.plugin.Notifier
import ai.elitea.tokens.plugin.actions.ApplySettingsAction
import ai.elitea.tokens.plugin.actions.PreviewSettingsAction
import com.intellij.openapi.fileChooser.FileChooserFactory
import com.intellij.openapi.fileChooser.FileSaverDescriptor
import com.intellij.openapi.fileEditor.FileEditor
import com.intellij.openapi.fileEditor.FileEditorManager
import com.intellij.openapi.fileTypes.FileTypeManager
import com.intellij.openapi.ide.CopyPasteManager
import com.intellij.openapi.project.DumbAware
import com.intellij.openapi.project.Project
import com.intellij.openapi.project.guessProjectDir
import com.intellij.openapi.util.Key
import com.intellij.openapi.vfs.VirtualFile
import com.intellij.testFramework.LightVirtualFile
import com.intellij.ui.EditorNotificationPanel
import com.intellij.ui.EditorNotificationProvider
import java.awt.datatransfer.StringSelection
import java.util.function.Function
import javax.swing.JComponent

/** What a preview tab shows: the settings file of [token] for [ide], as the server rendered it. */
data class PreviewInfo(
    val token: TokenRow,
    val ide: Ide,
    val schema: SettingsSchema,
    val result: PreviewSettingsResult,
)

/** The preview: a read-only editor tab with the XML or JSON (highlighted as such). */
object SettingsPreview {
    val KEY: Key<PreviewInfo> = Key.create("ai.elitea.tokens.preview")

    fun open(project: Project, info: PreviewInfo) {
        val type = FileTypeManager.getInstance().getFileTypeByExtension(if (info.result.isXml) "xml" else "json")
        val file = LightVirtualFile(info.result.fileName, type, info.result.content)
        file.isWritable = false
        file.putUserData(KEY, info)
        FileEditorManager.getInstance(project).openFile(file, true)
    }

    /** Save: into a file the user picks, merged by the server (everything else in it kept). */
    fun save(project: Project, info: PreviewInfo) {
        val extension = if (info.result.isXml) "xml" else "json"
        val descriptor = FileSaverDescriptor(
            EliteaBundle.message("preview.save.title"),
            EliteaBundle.message("preview.save.description"),
            extension,
        )
        val chosen = FileChooserFactory.getInstance().createSaveFileDialog(descriptor, project)
            .save(project.guessProjectDir(), info.result.fileName) ?: return
        ApplySettingsAction.applyTo(project, info.token, info.ide, SettingsTarget.file(chosen.file.absolutePath), info.schema)
    }

    fun copy(project: Project, info: PreviewInfo) {
        if (info.result.tokenIncluded) {
            // A file holding the token: kept out of Paste from History, cleared after a minute.
            SecretValues.clipboard.copy(info.result.content)
            Notifier.info(project, EliteaBundle.message("preview.copied.token", info.result.fileName, SecretValues.clipboard.clearAfterSeconds))
        } else {
            CopyPasteManager.getInstance().setContents(StringSelection(info.result.content))
            Notifier.info(project, EliteaBundle.message("preview.copied", info.result.fileName))
        }
    }
}

/** The bar above a preview tab: JetBrains / VSCode switch, Copy, Save. */
class PreviewNotificationProvider : EditorNotificationProvider, DumbAware {
    override fun collectNotificationData(project: Project, file: VirtualFile): Function<in FileEditor, out JComponent?>? {
        val info = file.getUserData(SettingsPreview.KEY) ?: return null
        return Function { editor ->
            EditorNotificationPanel(editor, EditorNotificationPanel.Status.Info).apply {
                val name = info.token.name ?: info.token.uuid
                val what = EliteaBundle.message(if (info.ide == Ide.JETBRAINS) "preview.jetbrains" else "preview.vscode", info.result.relativePath)
                text = EliteaBundle.message(if (info.result.tokenIncluded) "preview.bar.token" else "preview.bar", name, what) + (info.result.note?.let { " $it" } ?: "")
                val other = if (info.ide == Ide.JETBRAINS) Ide.VSCODE else Ide.JETBRAINS
                createActionLabel(EliteaBundle.message(if (other == Ide.VSCODE) "preview.showVscode" else "preview.showJetbrains")) {
                    PreviewSettingsAction.preview(project, info.token, other, info.schema) {
                        FileEditorManager.getInstance(project).closeFile(file)
                    }
                }
                createActionLabel(EliteaBundle.message("value.copy")) { SettingsPreview.copy(project, info) }
                createActionLabel(EliteaBundle.message("preview.save")) { SettingsPreview.save(project, info) }
            }
        }
    }
}
