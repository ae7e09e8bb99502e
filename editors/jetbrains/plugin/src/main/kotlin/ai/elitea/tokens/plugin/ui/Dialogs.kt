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
class SignInDialog(project: Project, private val rules: Rules) : DialogWrapper(project) {
    private val options = EliteaSettings.getInstance().state
    private val url = JBTextField(options.serverUrl ?: "https://next.elitea.ai")
    private val token = JBPasswordField()
    private val projectId = JBTextField(options.projectId.orEmpty())
    private val verify = JBCheckBox(EliteaBundle.message("settings.verifySsl"), options.verifySsl)

    init {
        title = EliteaBundle.message("signin.title")
        setOKButtonText(EliteaBundle.message("signin.button"))
        init()
    }

    override fun createCenterPanel(): JComponent = panel {
        row(EliteaBundle.message("settings.serverUrl")) {
            cell(url).columns(COLUMNS_LARGE)
                .comment(EliteaBundle.message("signin.url.comment"))
        }
        row(EliteaBundle.message("signin.token")) {
            cell(token).columns(COLUMNS_LARGE)
                .comment(EliteaBundle.message("signin.token.comment"))
        }
        row(EliteaBundle.message("settings.projectId")) { cell(projectId).columns(10).comment(EliteaBundle.message("settings.projectId.comment")) }
        row { cell(verify) }
    }

    init {
        initValidation()
    }

    override fun getPreferredFocusedComponent(): JComponent = if (url.text.isBlank()) url else token

    override fun doValidate(): ValidationInfo? {
        val u = url.text.trim()
        val sandbox = u == "sandbox"
        return when {
            u.isEmpty() -> ValidationInfo(EliteaBundle.message("signin.url.empty"), url)
            // What sign-in takes is the server's rule (`rules.serverUrl`), with its sentence.
            rules.serverUrlProblem(u) != null -> ValidationInfo(rules.serverUrlProblem(u)!!, url)
            !sandbox && token.password.isEmpty() -> ValidationInfo(EliteaBundle.message("signin.token.empty"), token)
            projectId.text.isNotBlank() && projectId.text.trim().toLongOrNull() == null -> ValidationInfo(EliteaBundle.message("settings.projectId.invalid"), projectId)
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
        title = EliteaBundle.message("generate.title")
        setOKButtonText(EliteaBundle.message("generate.button"))
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
        row(EliteaBundle.message("generate.expires")) {
            cell(value).columns(6)
            cell(measure)
        }
        row {
            comment(EliteaBundle.message("generate.once"))
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
    private val includeToken = JBCheckBox(EliteaBundle.message("value.includeToken"))
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
        title = EliteaBundle.message("value.title", token.displayName)
        setOKButtonText(EliteaBundle.message("value.close"))
        init()
    }

    override fun createActions(): Array<Action> = arrayOf(copyAction, applyAction, okAction)

    override fun createCenterPanel(): JComponent = panel {
        row {
            label(EliteaBundle.message("value.once")).applyToComponent { font = JBFont.label().asBold() }
        }
        row(EliteaBundle.message("value.value")) { cell(value).columns(COLUMNS_LARGE).align(AlignX.FILL) }
        row(EliteaBundle.message("value.expires")) { label(StatusMarks.describe(token.status) + (ExpiryDates.format(token.expires)?.let { " ($it)" } ?: "")) }
        token.keptIn?.let { row { comment(EliteaBundle.message("value.keptIn", it)) } }
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
    // What delete takes is the server's (`confirmName`: the name, else the uuid), not a copy here.
    private val expected = row.confirmName
    private val typed = JBTextField()

    init {
        title = EliteaBundle.message("delete.title")
        setOKButtonText(EliteaBundle.message("delete.button"))
        typed.document.addDocumentListener(object : DocumentAdapter() {
            override fun textChanged(e: DocumentEvent) {
                setOKActionEnabled(typed.text == expected)
            }
        })
        init()
        setOKActionEnabled(false)
    }

    override fun createCenterPanel(): JComponent = panel {
        row { label(EliteaBundle.message("delete.question", row.displayName, row.masked, StatusMarks.describe(row.status))) }
        row { comment(EliteaBundle.message("delete.warning")) }
        row(EliteaBundle.message("delete.type")) { cell(typed).columns(COLUMNS_MEDIUM) }
    }

    override fun getPreferredFocusedComponent(): JComponent = typed

    override fun doValidate(): ValidationInfo? =
        if (typed.text != expected) ValidationInfo(EliteaBundle.message("delete.exactly", expected), typed) else null

    fun typedName(): String = typed.text
}

/** Rotate: the replacement's expiration and name, and whether the old token is deleted. */
class RotateTokenDialog(project: Project, private val row: TokenRow, private val rules: Rules) : DialogWrapper(project) {
    private val sameExpiry = JBCheckBox(EliteaBundle.message("rotate.sameExpiry"), true)
    private val measure = measureBox(rules, rules.expiration.default.measure)
    private val value = JBTextField(rules.valueText(rules.expiration.default))
    private val name = JBTextField().apply { emptyText.text = "${row.name ?: "token"}-yyyymmdd" }
    private val deleteOld = JBCheckBox(EliteaBundle.message("rotate.deleteOld"), true)

    init {
        title = EliteaBundle.message("rotate.title", row.displayName)
        setOKButtonText(EliteaBundle.message("rotate.button"))
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
        row { comment(EliteaBundle.message("rotate.comment", row.displayName)) }
        row { cell(sameExpiry) }
        row(EliteaBundle.message("generate.expires")) {
            cell(value).columns(6)
            cell(measure)
        }
        row(EliteaBundle.message("rotate.name")) { cell(name).columns(COLUMNS_MEDIUM) }
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
    private val includeToken = JBCheckBox(EliteaBundle.message("applyDialog.includeToken"))

    init {
        title = EliteaBundle.message("applyDialog.title")
        setOKButtonText(EliteaBundle.message("applyDialog.button"))
        init()
    }

    override fun createCenterPanel(): JComponent = panel {
        row { label(EliteaBundle.message("applyDialog.label", row.displayName)) }
        row(EliteaBundle.message("settings.schema")) { cell(schema) }
        row {
            cell(includeToken).comment(EliteaBundle.message("applyDialog.comment"))
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
