package ai.elitea.tokens.plugin

import com.intellij.openapi.project.Project
import com.intellij.openapi.startup.ProjectActivity

/** Starts the project's language server, so that expiry warnings and the status bar work. */
class EliteaStartupActivity : ProjectActivity {
    override suspend fun execute(project: Project) {
        EliteaProjectService.getInstance(project).start()
    }
}
