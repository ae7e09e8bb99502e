package ai.elitea.tokens.plugin.lsp

import ai.elitea.tokens.client.SettingsFileKind
import ai.elitea.tokens.client.SettingsFiles
import com.intellij.openapi.vfs.VirtualFile
import com.intellij.psi.PsiFile

/**
 * The IDE's files put to the client's one rule ([SettingsFiles]): the three document matchers
 * of plugin.xml and the client features ([EliteaClientFeatures]) ask here, so that a file has
 * exactly one association with the server and the same files get completion and hover.
 */
object EliteaFiles {
    fun kind(file: VirtualFile): SettingsFileKind? = SettingsFiles.kind(file.name, file.parent?.name)

    /**
     * A PSI file's kind by its virtual file; for completion's copy of the file, the original's
     * (the copy lives in memory). A file with no virtual file is no settings file.
     */
    fun kind(file: PsiFile): SettingsFileKind? = (file.originalFile.virtualFile ?: file.virtualFile)?.let { kind(it) }

    fun isSettingsFile(file: PsiFile): Boolean = kind(file) != null
}
