package ai.elitea.tokens.plugin.lsp

import com.intellij.openapi.project.Project
import com.intellij.openapi.vfs.VirtualFile
import com.redhat.devtools.lsp4ij.DocumentMatcher

/**
 * VSCode settings opened in the IDE (issue 24): a workspace's `.vscode/settings.json`, VSCode's
 * user `settings.json` (its `User` folder), and any `*.code-workspace`. The server shows the
 * same diagnostics, hovers and quick fixes on their token values as in VSCode. Other files
 * named settings.json are left to the IDE.
 */
class VscodeSettingsDocumentMatcher : DocumentMatcher {
    override fun match(file: VirtualFile, project: Project): Boolean = when {
        file.name.endsWith(".code-workspace") -> true
        file.name == "settings.json" -> file.parent?.name in SETTINGS_FOLDERS
        else -> false
    }

    private companion object {
        /** `.vscode` of a workspace, `User` of VSCode (and its forks') user settings. */
        val SETTINGS_FOLDERS = setOf(".vscode", "User")
    }
}
