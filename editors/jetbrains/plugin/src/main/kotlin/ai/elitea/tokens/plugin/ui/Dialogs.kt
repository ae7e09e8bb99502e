package ai.elitea.tokens.plugin.ui

import ai.elitea.tokens.client.GenerateTokenParams
import ai.elitea.tokens.client.ExpiryDates
import ai.elitea.tokens.client.GeneratedToken
import ai.elitea.tokens.client.Measure
import ai.elitea.tokens.client.RotateTokenParams
import ai.elitea.tokens.client.Rules
import ai.elitea.tokens.client.SettingsSchema
import ai.elitea.tokens.client.SignInParams
import ai.elitea.tokens.client.StatusMarks
import ai.elitea.tokens.client.TokenRow
import ai.elitea.tokens.client.SecretClipboard
import ai.elitea.tokens.plugin.EliteaBundle
import ai.elitea.tokens.plugin.EliteaSettings
import ai.elitea.tokens.plugin.actions.ApplySettingsAction
import com.intellij.openapi.project.Project
import com.intellij.openapi.ui.ComboBox
import com.intellij.openapi.ui.DialogWrapper
import com.intellij.openapi.ui.ValidationInfo
import com.intellij.ui.DocumentAdapter
import com.intellij.ui.SimpleListCellRenderer
import com.intellij.ui.components.JBCheckBox
import com.intellij.ui.components.JBLabel
import com.intellij.ui.components.JBPasswordField
import com.intellij.ui.components.JBTextField
import com.intellij.ui.dsl.builder.AlignX
import com.intellij.ui.dsl.builder.COLUMNS_LARGE
import com.intellij.ui.dsl.builder.COLUMNS_MEDIUM
import com.intellij.ui.dsl.builder.columns
import com.intellij.ui.dsl.builder.panel
import com.intellij.util.ui.JBFont
import java.awt.Font
import java.awt.event.ActionEvent
import javax.swing.Action
import javax.swing.JComponent
import javax.swing.event.DocumentEvent

/** The measures the server offers, in its order, with its labels. */
private fun measureBox(rules: Rules, selected: Measure): ComboBox<Measure> =
    ComboBox(rules.measures.toTypedArray()).apply {
        renderer = SimpleListCellRenderer.create("") { rules.label(it) }
        selectedItem = selected
    }

/** Today's schema first (the default); legacy for older ELITEA plugin versions. */
private fun schemaBox(selected: SettingsSchema): ComboBox<SettingsSchema> =
    ComboBox(arrayOf(SettingsSchema.CURRENT, SettingsSchema.LEGACY)).apply {
        renderer = SimpleListCellRenderer.create("") {
            EliteaBundle.message(if (it == SettingsSchema.CURRENT) "schema.current.short" else "schema.legacy.short")
        }
        selectedItem = selected
    }

/** Sign In: server URL, personal token (never stored by the plugin), project id, TLS check. */
class SignInDialog(project: Project) : DialogWrapper(project) {
    private val options = EliteaSettings.getInstance().state
    private val url = JBTextField(options.serverUrl ?: "https://next.elitea.ai")
    private val token = JBPasswordField()
    private val projectId = JBTextField(options.projectId.orEmpty())
    private val verify = JBCheckBox("Verify TLS certificates", options.verifySsl)

    init {
        title = "Sign In to ELITEA"
        setOKButtonText("Sign In")
        init()
    }

    override fun createCenterPanel(): JComponent = panel {
        row("Server URL:") {
            cell(url).columns(COLUMNS_LARGE)
                .comment("<code>sandbox</code> starts an embedded ELITEA to try things with (leave the token empty).")
        }
        row("Personal token:") {
            cell(token).columns(COLUMNS_LARGE)
                .comment("From the ELITEA web UI (Settings | Tokens). It is checked with the server, then kept in the OS keyring or the IDE's password safe (Settings | Tools | ELITEA).")
        }
        row("Project ID:") { cell(projectId).columns(10).comment("Empty: your personal project.") }
        row { cell(verify) }
    }

    override fun getPreferredFocusedComponent(): JComponent = if (url.text.isBlank()) url else token

    override fun doValidate(): ValidationInfo? {
        val u = url.text.trim()
        val sandbox = u == "sandbox"
        return when {
            u.isEmpty() -> ValidationInfo("Enter the ELITEA server URL.", url)
            !sandbox && !u.startsWith("https://") && !u.startsWith("http://") -> ValidationInfo("The URL starts with https://", url)
            !sandbox && token.password.isEmpty() -> ValidationInfo("Paste your personal token.", token)
            projectId.text.isNotBlank() && projectId.text.trim().toLongOrNull() == null -> ValidationInfo("A project id is a number.", projectId)
            else -> null
        }
    }

    /** The params; the token field is emptied once read. */
    fun params(): SignInParams {
        val chars = token.password
        try {
            return SignInParams(url.text.trim(), String(chars), projectId.text.trim().toLongOrNull(), verify.isSelected)
        } finally {
            chars.fill('\u0000')
            token.text = ""
        }
    }
}

/**
 * Generate: a name validated as it is typed (the server's pattern and length, not one of
 * [taken]) and the expiration (the server's measures and limits, its default first).
 */
class GenerateTokenDialog(project: Project, private val taken: Set<String>, private val rules: Rules) : DialogWrapper(project) {
    private val name = JBTextField(rules.suggestName(project.name, taken))
    private val measure = measureBox(rules, rules.expiration.default.measure)
    private val value = JBTextField(rules.valueText(rules.expiration.default))

    init {
        title = "Generate ELITEA Token"
        setOKButtonText("Generate")
        val sync = { value.isEnabled = rules.measureRule(selectedMeasure())?.let { it.min != null || it.max != null } ?: false }
        measure.addActionListener { sync() }
        sync()
        init()
        initValidation()
    }

    override fun createCenterPanel(): JComponent = panel {
        row(EliteaBundle.message("generate.name")) {
            // The hint and the reserved names are the server's (rules in initialize): checked as typed.
            cell(name).columns(COLUMNS_MEDIUM).comment(rules.name.hint + " " + EliteaBundle.message("generate.name.unique"))
        }
        row("Expires in:") {
            cell(value).columns(6)
            cell(measure)
        }
        row {
            comment("The full value is shown once, right after.")
        }
    }

    override fun getPreferredFocusedComponent(): JComponent = name

    override fun doValidate(): ValidationInfo? {
        rules.nameProblem(name.text, taken)?.let { return ValidationInfo(it, name) }
        rules.parseExpiration(selectedMeasure(), value.text).exceptionOrNull()?.let { return ValidationInfo(it.message ?: "", value) }
        return null
    }

    private fun selectedMeasure(): Measure = measure.selectedItem as? Measure ?: rules.expiration.default.measure

    fun params(): GenerateTokenParams = GenerateTokenParams(name.text, rules.parseExpiration(selectedMeasure(), value.text).getOrThrow())
}

/** The value, shown this once: Copy, and Apply to This Project. */
class TokenValueDialog(private val project: Project, private val token: GeneratedToken) : DialogWrapper(project) {
    private val value = JBTextField(token.token).apply {
        isEditable = false
        font = Font(Font.MONOSPACED, Font.PLAIN, font.size)
    }
    private val includeToken = JBCheckBox("Also write the token into the XML (only older ELITEA plugin versions read it)")
    private val status = JBLabel(" ")

    private val copyAction = object : DialogWrapperAction(EliteaBundle.message("value.copy")) {
        override fun doAction(e: ActionEvent) {
            // Not through CopyPasteManager: its history (Paste from History) would keep the value.
            SecretValues.clipboard.copy(token.token)
            status.text = EliteaBundle.message("value.copied", SecretValues.clipboard.clearAfterSeconds)
        }
    }

    // Started from this modal dialog: EliteaProjectService.call captures its modality, so the
    // result balloon and any confirmation (git-tracked file, expired token) come while it is open.
    private val applyAction = object : DialogWrapperAction(EliteaBundle.message("value.apply")) {
        override fun doAction(e: ActionEvent) {
            ApplySettingsAction.applyToProject(project, token.row, EliteaSettings.getInstance().settingsSchema, includeToken.isSelected)
            status.text = EliteaBundle.message("value.applying")
        }
    }

    init {
        title = "ELITEA Token '${token.displayName}'"
        setOKButtonText("Close")
        init()
    }

    override fun createActions(): Array<Action> = arrayOf(copyAction, applyAction, okAction)

    override fun createCenterPanel(): JComponent = panel {
        row {
            label("Copy the value now: it is not shown again.").applyToComponent { font = JBFont.label().asBold() }
        }
        row("Value:") { cell(value).columns(COLUMNS_LARGE).align(AlignX.FILL) }
        row("Expires:") { label(StatusMarks.describe(token.status) + (ExpiryDates.format(token.expires)?.let { " ($it)" } ?: "")) }
        token.keptIn?.let { row { comment("The value is kept in $it, so that settings written for it work.") } }
        token.warning?.let { row { comment(it) } }
        row { cell(includeToken) }
        row { cell(status) }
    }

    override fun getPreferredFocusedComponent(): JComponent = value

    override fun dispose() {
        value.text = ""
        super.dispose()
    }
}

/** Delete: the user types the token's name (its uuid for a nameless one); OK only when it matches. */
class DeleteTokenDialog(project: Project, private val row: TokenRow) : DialogWrapper(project) {
    private val expected = row.name ?: row.uuid
    private val typed = JBTextField()

    init {
        title = "Delete ELITEA Token"
        setOKButtonText("Delete")
        typed.document.addDocumentListener(object : DocumentAdapter() {
            override fun textChanged(e: DocumentEvent) {
                setOKActionEnabled(typed.text == expected)
            }
        })
        init()
        setOKActionEnabled(false)
    }

    override fun createCenterPanel(): JComponent = panel {
        row { label("Delete '${row.displayName}' (${row.masked}, ${StatusMarks.describe(row.status)}) on the ELITEA server?") }
        row { comment("Anything still using it stops working. This cannot be undone.") }
        row("Type its name to confirm:") { cell(typed).columns(COLUMNS_MEDIUM) }
    }

    override fun getPreferredFocusedComponent(): JComponent = typed

    override fun doValidate(): ValidationInfo? =
        if (typed.text != expected) ValidationInfo("Type '$expected' exactly.", typed) else null

    fun typedName(): String = typed.text
}

/** Rotate: the replacement's expiration and name, and whether the old token is deleted. */
class RotateTokenDialog(project: Project, private val row: TokenRow, private val rules: Rules) : DialogWrapper(project) {
    private val sameExpiry = JBCheckBox("Same expiration as the old token", true)
    private val measure = measureBox(rules, rules.expiration.default.measure)
    private val value = JBTextField(rules.valueText(rules.expiration.default))
    private val name = JBTextField().apply { emptyText.text = "${row.name ?: "token"}-yyyymmdd" }
    private val deleteOld = JBCheckBox("Delete the old token once the new one works", true)

    init {
        title = "Rotate ELITEA Token '${row.displayName}'"
        setOKButtonText("Rotate")
        val sync = {
            measure.isEnabled = !sameExpiry.isSelected
            value.isEnabled = !sameExpiry.isSelected &&
                (rules.measureRule(measure.selectedItem as Measure)?.let { it.min != null || it.max != null } ?: false)
        }
        sameExpiry.addActionListener { sync() }
        measure.addActionListener { sync() }
        sync()
        init()
        initValidation()
    }

    override fun createCenterPanel(): JComponent = panel {
        row { comment("A new token replaces '${row.displayName}' wherever it is written in settings files; it is checked before the old one is deleted.") }
        row { cell(sameExpiry) }
        row("Expires in:") {
            cell(value).columns(6)
            cell(measure)
        }
        row("New name:") { cell(name).columns(COLUMNS_MEDIUM) }
        row { cell(deleteOld) }
    }

    override fun doValidate(): ValidationInfo? {
        val n = name.text.trim()
        if (n.isNotEmpty()) rules.nameProblem(n)?.let { return ValidationInfo(it, name) }
        if (!sameExpiry.isSelected) {
            rules.parseExpiration(measure.selectedItem as Measure, value.text).exceptionOrNull()?.let { return ValidationInfo(it.message ?: "", value) }
        }
        return null
    }

    fun params(): RotateTokenParams = RotateTokenParams(
        uuid = row.uuid,
        expiration = if (sameExpiry.isSelected) null else rules.parseExpiration(measure.selectedItem as Measure, value.text).getOrThrow(),
        name = name.text.trim().ifEmpty { null },
        deleteOld = deleteOld.isSelected,
    )
}

/** Apply to This Project: the schema, and whether the token goes into the XML (off by default). */
class ApplySettingsDialog(project: Project, private val row: TokenRow) : DialogWrapper(project) {
    private val schema = schemaBox(EliteaSettings.getInstance().settingsSchema)
    private val includeToken = JBCheckBox("Also write the token (llmAuthToken): only older ELITEA plugin versions read it")

    init {
        title = "Apply ELITEA Settings to This Project"
        setOKButtonText("Apply")
        init()
    }

    override fun createCenterPanel(): JComponent = panel {
        row { label("The ELITEA plugin settings for '${row.displayName}' go into this project's .idea folder; everything else there is kept.") }
        row("Schema:") { cell(schema) }
        row {
            cell(includeToken).comment("The file then holds a secret: keep it out of version control (the server asks again if git would commit it).")
        }
    }

    fun schema(): SettingsSchema = schema.selectedItem as? SettingsSchema ?: SettingsSchema.CURRENT

    fun includeToken(): Boolean = includeToken.isSelected
}

/**
 * Token values on the clipboard: the system clipboard straight (never the IDE's
 * CopyPasteManager, whose Paste from History would keep them), cleared after a minute.
 */
object SecretValues {
    val clipboard = SecretClipboard({ java.awt.Toolkit.getDefaultToolkit().systemClipboard })
}
