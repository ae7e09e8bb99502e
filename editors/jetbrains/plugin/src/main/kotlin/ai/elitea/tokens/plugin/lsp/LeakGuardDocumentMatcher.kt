package ai.elitea.tokens.plugin.lsp

import com.intellij.openapi.project.Project
import com.intellij.openapi.vfs.VirtualFile
import com.intellij.psi.SingleRootFileViewProvider
import com.redhat.devtools.lsp4ij.DocumentMatcher

/**
 * The leak guard's mapping (`fileNamePatternMapping patterns="*"` in plugin.xml): every other
 * text file of the machine's own file system reaches the server, so that the `tokenLeaked`
 * diagnostic the server publishes on a file holding an ELITEA token shows in its editor with
 * its two quick fixes (issue 23, item 4). On these files the client features keep only the
 * diagnostics and the quick fixes ([EliteaClientFeatures]); the server keeps no copy of them.
 *
 * Not matched:
 *  - the settings files, which the two other mappings take (one association per file, or
 *    LSP4IJ would connect a settings file twice);
 *  - directories, files in jars and other non-local file systems (the server reads files from
 *    the disk: a fix could not change them), and binary file types;
 *  - files larger than the IDE's code insight limit (`idea.max.intellisense.filesize`, 2.5 MB
 *    by default) or its content load limit (`idea.max.content.load.filesize`, 20 MB), the
 *    smaller of the two: beyond the first the IDE runs no annotator on the file, so neither
 *    the diagnostic nor its fixes could show, and connecting it would only send its whole
 *    text to the server on open and on each change; beyond the second it is no document.
 */
class LeakGuardDocumentMatcher : DocumentMatcher {
    override fun match(file: VirtualFile, project: Project): Boolean =
        file.isInLocalFileSystem &&
            !file.isDirectory &&
            !file.fileType.isBinary &&
            EliteaFiles.kind(file) == null &&
            !SingleRootFileViewProvider.isTooLargeForIntelligence(file) &&
            !SingleRootFileViewProvider.isTooLargeForContentLoading(file)
}
