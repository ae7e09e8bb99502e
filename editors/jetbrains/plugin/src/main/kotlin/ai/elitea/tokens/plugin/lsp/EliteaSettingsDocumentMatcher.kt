package ai.elitea.tokens.plugin.lsp

import ai.elitea.tokens.client.SettingsFileKind
import com.intellij.openapi.project.Project
import com.intellij.openapi.vfs.VirtualFile
import com.redhat.devtools.lsp4ij.DocumentMatcher

/**
 * Of a project's XML files, only the ELITEA settings: `.idea/alita.xml` (legacy) and
 * `.idea/elitea.xml` (current). The language server shows their diagnostics, hovers and quick
 * fixes; every other XML file is the leak guard's ([LeakGuardDocumentMatcher]).
 */
class EliteaSettingsDocumentMatcher : DocumentMatcher {
    override fun match(file: VirtualFile, project: Project): Boolean = EliteaFiles.kind(file) == SettingsFileKind.JETBRAINS
}
