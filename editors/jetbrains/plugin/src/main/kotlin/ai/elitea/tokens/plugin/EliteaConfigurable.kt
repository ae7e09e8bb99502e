package ai.elitea.tokens.plugin

import ai.elitea.tokens.client.ServerBinary
import com.intellij.openapi.options.BoundConfigurable
import com.intellij.openapi.project.ProjectManager
import com.intellij.openapi.ui.DialogPanel
import com.intellij.ui.SimpleListCellRenderer
import com.intellij.ui.dsl.builder.AlignX
import com.intellij.ui.dsl.builder.COLUMNS_LARGE
import com.intellij.ui.dsl.builder.bindItem
import com.intellij.ui.dsl.builder.bindSelected
import com.intellij.ui.dsl.builder.bindText
import com.intellij.ui.dsl.builder.columns
import com.intellij.ui.dsl.builder.panel

/** Settings | Tools | ELITEA: server URL, project id, settings schema, server binary, TLS. */
class EliteaConfigurable : BoundConfigurable("ELITEA") {
    private val options get() = EliteaSettings.getInstance().state

    override fun createPanel(): DialogPanel = panel {
        group("ELITEA Server") {
            row("Server URL:") {
                textField()
                    .columns(COLUMNS_LARGE)
                    .bindText({ options.serverUrl.orEmpty() }, { options.serverUrl = it.trim().ifEmpty { null } })
                    .comment("For example https://next.elitea.ai; Sign In offers it first. <code>sandbox</code> starts an embedded one to try things.")
            }
            row("Project ID:") {
                textField()
                    .columns(10)
                    .bindText({ options.projectId.orEmpty() }, { options.projectId = it.trim().ifEmpty { null } })
                    .validationOnInput { if (it.text.isNotBlank() && it.text.trim().toLongOrNull() == null) error("A project id is a number.") else null }
                    .comment("Empty: your personal project.")
            }
            row {
                checkBox("Verify TLS certificates")
                    .bindSelected({ options.verifySsl }, { options.verifySsl = it })
                    .comment("Turn off only for a server with a self-signed certificate: the connection is then not protected against impersonation.")
            }
        }
        group("Settings Files") {
            row("Schema:") {
                comboBox(
                    listOf(EliteaSettings.SCHEMA_LEGACY, EliteaSettings.SCHEMA_CURRENT),
                    SimpleListCellRenderer.create("") {
                        if (it == EliteaSettings.SCHEMA_CURRENT) {
                            "Current: .idea/elitea.xml, eliteacode.* (newest ELITEA plugins)"
                        } else {
                            "Legacy: .idea/alita.xml, alitacode.* and eliteacode.* (most installs)"
                        }
                    },
                ).bindItem({ options.schema ?: EliteaSettings.SCHEMA_LEGACY }, { options.schema = it ?: EliteaSettings.SCHEMA_LEGACY })
            }
        }
        group("Language Server") {
            row("elitea-tokens binary:") {
                textFieldWithBrowseButton(browseDialogTitle = "Choose the elitea-tokens Binary")
                    .align(AlignX.FILL)
                    .bindText({ options.serverPath.orEmpty() }, { options.serverPath = it.trim().ifEmpty { null } })
                    .comment("Empty: the binary bundled with the plugin. The environment variable ${ServerBinary.ENV}, when set, wins.")
            }
            row {
                checkBox("Keep secrets in the IDE's password safe rather than the OS keyring")
                    .bindSelected({ options.ideSecretStore }, { options.ideSecretStore = it })
                    .comment("Without it, the password safe is used only where no OS keyring answers (remote hosts, containers).")
            }
            row {
                checkBox("Keep secrets in a plain file instead of the OS keyring (insecure)")
                    .bindSelected({ options.fileSecretStore }, { options.fileSecretStore = it })
                    .comment("Only where no keyring runs. The file is private (mode 0600), but not encrypted.")
            }
        }
    }

    override fun apply() {
        val before = listOf(options.serverPath, options.fileSecretStore, options.ideSecretStore)
        super.apply()
        val restart = before != listOf(options.serverPath, options.fileSecretStore, options.ideSecretStore)
        for (project in ProjectManager.getInstance().openProjects) {
            if (project.isDisposed) continue
            val service = EliteaProjectService.getInstance(project)
            if (restart) service.restart() else service.sendConfiguration()
        }
    }
}
