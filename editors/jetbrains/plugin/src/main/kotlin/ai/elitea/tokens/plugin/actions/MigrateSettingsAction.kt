package ai.elitea.tokens.plugin.actions

import ai.elitea.tokens.client.ApplyFlow
import ai.elitea.tokens.client.ErrorKind
import ai.elitea.tokens.client.MigrateSettingsParams
import ai.elitea.tokens.client.MigrateSettingsResult
import ai.elitea.tokens.client.MigrationText
import ai.elitea.tokens.plugin.EliteaBundle
import ai.elitea.tokens.plugin.EliteaProjectService
import ai.elitea.tokens.plugin.Notifier
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.project.Project
import com.intellij.openapi.ui.Messages
import com.intellij.openapi.vfs.LocalFileSystem
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.CompletableFuture

/**
 * Tools | ELITEA | Migrate to Today's ELITEA Settings: `elitea.migrateSettings` on this
 * project's old settings (`.idea/alita.xml`, `alitacode.*` keys in `.vscode/settings.json` and
 * `*.code-workspace`). First a dry run of every file, whose moves are shown; then, once the
 * user agrees, the real run. Values, comments and everything else in the files are kept by the
 * server. Works signed out: it only moves settings.
 */
class MigrateSettingsAction : EliteaAction() {
    override val requiresSignIn = false

    override fun perform(project: Project, e: AnActionEvent) = migrate(project)

    companion object {
        /** The files of [project] that may hold settings of the older ELITEA plugins. */
        fun candidates(project: Project): List<Path> {
            val base = project.basePath?.let { Path.of(it) } ?: return emptyList()
            val workspaces = runCatching {
                Files.list(base).use { s -> s.filter { it.fileName.toString().endsWith(".code-workspace") }.toList() }
            }.getOrDefault(emptyList())
            return (listOf(base.resolve(".idea/alita.xml"), base.resolve(".vscode/settings.json")) + workspaces).filter { Files.isRegularFile(it) }
        }

        fun migrate(project: Project) {
            val files = candidates(project)
            if (files.isEmpty()) {
                Notifier.info(project, EliteaBundle.message("migrate.nothing"))
                return
            }
            val service = EliteaProjectService.getInstance(project)
            service.call({ api ->
                val runs = files.map { f -> api.migrateSettings(MigrateSettingsParams(f.toString(), dryRun = true)) }
                CompletableFuture.allOf(*runs.toTypedArray()).thenApply { runs.map { it.join() } }
            }) { previews ->
                val moving = files.zip(previews).filter { (_, r) -> !r.isEmpty }
                if (moving.isEmpty()) {
                    Notifier.info(project, EliteaBundle.message("migrate.nothing"))
                    return@call
                }
                val lines = moving.flatMap { (_, r) -> MigrationText.lines(r) }
                val ok = Messages.showOkCancelDialog(
                    project,
                    EliteaBundle.message("migrate.preview", lines.joinToString("\n")),
                    EliteaBundle.message("migrate.title"),
                    EliteaBundle.message("migrate.button"),
                    Messages.getCancelButton(),
                    Messages.getQuestionIcon(),
                )
                if (ok != Messages.OK) return@call
                for ((file, _) in moving) run(project, file, writeProtected = false)
            }
        }

        /** The real run of one file; a read-only or foreign-owned one is replaced only after the user confirms. */
        private fun run(project: Project, file: Path, writeProtected: Boolean) {
            val params = MigrateSettingsParams(file.toString(), writeProtected = writeProtected.takeIf { it })
            EliteaProjectService.getInstance(project).call({ it.migrateSettings(params) }, onError = onError@{ e ->
                // A read-only or foreign-owned file (reason writeProtected), asked once; any other failure is shown.
                if (e.kind != ErrorKind.FILE_UNREADABLE || e.reason != ApplyFlow.REASON_WRITE_PROTECTED || writeProtected) return@onError false
                val yes = Messages.showYesNoDialog(
                    project, e.message.orEmpty(), EliteaBundle.message("apply.protected.title"),
                    EliteaBundle.message("apply.replaceFile"), Messages.getCancelButton(), Messages.getWarningIcon(),
                )
                if (yes == Messages.YES) run(project, file, writeProtected = true)
                true
            }) { result: MigrateSettingsResult ->
                // The editor shows the files as they are now (a synchronous refresh: this runs
                // in a write-safe context, see EliteaProjectService.call).
                for (change in result.files) LocalFileSystem.getInstance().refreshAndFindFileByNioFile(Path.of(change.path))
                Notifier.info(project, EliteaBundle.message("migrate.done", MigrationText.lines(result).joinToString("\n")))
                EliteaProjectService.getInstance(project).tokensChanged()
            }
        }
    }
}
