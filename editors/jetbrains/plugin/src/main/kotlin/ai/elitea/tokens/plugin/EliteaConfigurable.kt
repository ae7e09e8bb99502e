package ai.elitea.tokens.plugin

import ai.elitea.tokens.client.AccountView
import ai.elitea.tokens.client.PersonalTokensPage
import ai.elitea.tokens.client.SecretStoreSetting
import ai.elitea.tokens.client.ServerBinary
import ai.elitea.tokens.client.StatusResult
import ai.elitea.tokens.plugin.actions.SignInAction
import ai.elitea.tokens.plugin.actions.SignOutAction
import com.intellij.ide.BrowserUtil
import com.intellij.openapi.fileChooser.FileChooser
import com.intellij.openapi.fileChooser.FileChooserDescriptorFactory
import com.intellij.openapi.options.BoundConfigurable
import com.intellij.openapi.project.Project
import com.intellij.openapi.project.ProjectManager
import com.intellij.openapi.ui.DialogPanel
import com.intellij.openapi.ui.TextFieldWithBrowseButton
import com.intellij.ui.SimpleListCellRenderer
import com.intellij.ui.components.JBLabel
import com.intellij.ui.dsl.builder.AlignX
import com.intellij.ui.dsl.builder.COLUMNS_LARGE
import com.intellij.ui.dsl.builder.bindItem
import com.intellij.ui.dsl.builder.bindSelected
import com.intellij.ui.dsl.builder.bindText
import com.intellij.ui.dsl.builder.columns
import com.intellij.ui.dsl.builder.panel
import com.intellij.util.ui.JBUI

/**
 * Settings | Tools | ELITEA, as the GitHub and GitLab plugins show their accounts: who is
 * signed in where, where secrets are kept, what is wrong (the server's warnings), Test
 * Connection, the Personal Tokens page in the browser, Sign In / Sign Out; then the server,
 * project, settings schema, secret store and binary.
 */
class EliteaConfigurable : BoundConfigurable(EliteaBundle.message("settings.displayName")) {
    private val options get() = EliteaSettings.getInstance().state

    /** The open project whose server the account is read from (the account is the same in every one). */
    private fun project(): Project? = ProjectManager.getInstance().openProjects.firstOrNull { !it.isDisposed }

    private val account = JBLabel().apply { setCopyable(true) }

    override fun createPanel(): DialogPanel = panel {
        group(EliteaBundle.message("settings.account")) {
            row { cell(account).align(AlignX.FILL) }
            row {
                button(EliteaBundle.message("settings.test")) { testConnection() }
                button(EliteaBundle.message("settings.openTokens")) { openTokensPage() }
                button(EliteaBundle.message("action.ELITEA.SignIn.text")) { project()?.let { SignInAction.signIn(it) } }
                button(EliteaBundle.message("action.ELITEA.SignOut.text")) { project()?.let { SignOutAction.signOut(it) } }
            }
        }
        group(EliteaBundle.message("settings.server")) {
            row(EliteaBundle.message("settings.serverUrl")) {
                textField()
                    .columns(COLUMNS_LARGE)
                    .bindText({ options.serverUrl.orEmpty() }, { options.serverUrl = it.trim().ifEmpty { null } })
                    .comment(EliteaBundle.message("settings.serverUrl.comment"))
            }
            row(EliteaBundle.message("settings.projectId")) {
                textField()
                    .columns(10)
                    .bindText({ options.projectId.orEmpty() }, { options.projectId = it.trim().ifEmpty { null } })
                    .validationOnInput { if (it.text.isNotBlank() && it.text.trim().toLongOrNull() == null) error(EliteaBundle.message("settings.projectId.invalid")) else null }
                    .comment(EliteaBundle.message("settings.projectId.comment"))
            }
            row {
                checkBox(EliteaBundle.message("settings.verifySsl"))
                    .bindSelected({ options.verifySsl }, { options.verifySsl = it })
                    .comment(EliteaBundle.message("settings.verifySsl.comment"))
            }
        }
        group(EliteaBundle.message("settings.files")) {
            row(EliteaBundle.message("settings.schema")) {
                comboBox(
                    // Today's first: it is the default (issue 22); legacy stays selectable.
                    listOf(EliteaSettings.SCHEMA_CURRENT, EliteaSettings.SCHEMA_LEGACY),
                    SimpleListCellRenderer.create("") {
                        EliteaBundle.message(if (it == EliteaSettings.SCHEMA_LEGACY) "schema.legacy.long" else "schema.current.long")
                    },
                ).bindItem({ options.schema ?: EliteaSettings.SCHEMA_CURRENT }, { options.schema = it ?: EliteaSettings.SCHEMA_CURRENT })
            }
        }
        group(EliteaBundle.message("settings.languageServer")) {
            row(EliteaBundle.message("settings.secretStore")) {
                comboBox(
                    SecretStoreSetting.entries,
                    SimpleListCellRenderer.create("") {
                        EliteaBundle.message(
                            when (it) {
                                SecretStoreSetting.AUTO -> "settings.secretStore.auto"
                                SecretStoreSetting.PASSWORD_SAFE -> "settings.secretStore.passwordSafe"
                                SecretStoreSetting.PLAIN_FILE -> "settings.secretStore.file"
                            },
                        )
                    },
                ).bindItem({ SecretStoreSetting.of(options.secretStore) }, { options.secretStore = (it ?: SecretStoreSetting.AUTO).id })
                    .comment(EliteaBundle.message("settings.secretStore.comment"))
            }
            row(EliteaBundle.message("settings.binary")) {
                cell(binaryField())
                    .align(AlignX.FILL)
                    .bindText({ options.serverPath.orEmpty() }, { options.serverPath = it.trim().ifEmpty { null } })
                    .comment(EliteaBundle.message("settings.binary.comment", ServerBinary.ENV))
            }
        }
        showAccount(project()?.let { EliteaProjectService.getInstance(it).tokens.status })
    }

    /**
     * The binary's field: a browse button opening the IDE's file chooser, titled through the
     * descriptor. Not `Row.textFieldWithBrowseButton(browseDialogTitle = …)` nor
     * `addBrowseFolderListener(title, …)`: deprecated at ERROR level in 2024.3+, which the
     * Plugin Verifier reports.
     */
    private fun binaryField(): TextFieldWithBrowseButton = TextFieldWithBrowseButton().apply {
        val descriptor = FileChooserDescriptorFactory.createSingleFileNoJarsDescriptor().withTitle(EliteaBundle.message("settings.binary.choose"))
        addActionListener {
            FileChooser.chooseFile(descriptor, project(), null)?.let { text = it.path }
        }
    }

    /** The account as `elitea.status` last said; "not known yet" before it answered. */
    private fun showAccount(status: StatusResult?) {
        if (status == null) {
            account.text = EliteaBundle.message("settings.account.unknown")
            return
        }
        val view = AccountView.of(status, project()?.let { EliteaProjectService.getInstance(it).tokens.user })
        val rows = buildList {
            add(EliteaBundle.message("settings.account.server") to (view.server ?: EliteaBundle.message("settings.account.none")))
            add(EliteaBundle.message("settings.account.user") to (view.user ?: EliteaBundle.message("settings.account.signedOut")))
            add(EliteaBundle.message("settings.account.secrets") to view.secretsStore)
            add(EliteaBundle.message("settings.account.credential") to view.credential)
            view.settingsNote?.let { add(EliteaBundle.message("settings.account.settings") to it) }
            for (w in view.warnings) add("⚠" to w)
        }
        // An HTML table of plain text: every value escaped (they are the server's sentences).
        account.text = "<html><table>" + rows.joinToString("") { (k, v) ->
            "<tr><td valign='top'>${escape(k)}</td><td>${escape(v)}</td></tr>"
        } + "</table></html>"
        account.border = JBUI.Borders.empty()
    }

    private fun escape(s: String) = com.intellij.openapi.util.text.StringUtil.escapeXmlEntities(s)

    /** `elitea.status` now: the server checks the credential with one fast call. */
    private fun testConnection() {
        val project = project() ?: return
        account.text = EliteaBundle.message("settings.test.running")
        val service = EliteaProjectService.getInstance(project)
        service.call({ it.status() }) { status ->
            service.tokens.updateStatus(status)
            showAccount(status)
        }
    }

    private fun openTokensPage() {
        val server = project()?.let { EliteaProjectService.getInstance(it).tokens.status?.serverUrl } ?: options.serverUrl
        val url = PersonalTokensPage.url(server)
        if (url == null) {
            account.text = EliteaBundle.message("settings.openTokens.none")
            return
        }
        BrowserUtil.browse(url)
    }

    override fun apply() {
        val before = listOf(options.serverPath, options.secretStore)
        super.apply()
        val restart = before != listOf(options.serverPath, options.secretStore)
        for (project in ProjectManager.getInstance().openProjects) {
            if (project.isDisposed) continue
            val service = EliteaProjectService.getInstance(project)
            if (restart) service.restart() else service.sendConfiguration()
        }
    }
}
