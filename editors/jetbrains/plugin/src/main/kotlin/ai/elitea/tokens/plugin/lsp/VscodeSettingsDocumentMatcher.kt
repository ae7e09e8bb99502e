package ai.elitea.tokens.plugin.lsp

import ai.elitea.tokens.client.SettingsFileKind
import com.intellij.openapi.project.Project
import com.intellij.openapi.vfs.VirtualFile
import com.redhat.devtools.lsp4ij.DocumentMatcher

/**
 * VSCode settings opened in the IDE (issue 24): a workspace's `.vscode/settings.json`, VSCode's
 * user `settings.json` (its `User` folder), and any `*.code-workspace`. The server shows the
 * same diagnostics, hovers and quick fixes on their token values as in VSCode. Other files
 * named settings.json are the leak guard's ([LeakGuardDocumentMatcher]).
 */
class VscodeSettingsDocumentMatcher : DocumentMatcher {
    override fun match(file: VirtualFile, project: Project): Boolean = EliteaFiles.kind(file) == SettingsFileKind.VSCODE
}
