package ai.elitea.tokens.plugin.lsp

import com.intellij.openapi.project.Project
import com.intellij.openapi.vfs.VirtualFile
import com.redhat.devtools.lsp4ij.DocumentMatcher

/**
 * Of a project's XML files, only the ELITEA settings: `.idea/alita.xml` (legacy) and
 * `.idea/elitea.xml` (current). The language server shows their diagnostics, hovers and quick
 * fixes; every other XML file is left to the IDE.
 */
class EliteaSettingsDocumentMatcher : DocumentMatcher {
    override fun match(file: VirtualFile, project: Project): Boolean =
        file.parent?.name == ".idea" && file.extension == "xml" && file.nameWithoutExtension in SETTINGS

    private companion object {
        /** The two schemas' file names, without `.xml`. */
        val SETTINGS = setOf("alita", "elitea")
    }
}
