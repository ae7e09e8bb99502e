package ai.elitea.tokens.plugin.ui

import ai.elitea.tokens.client.EliteaException
import ai.elitea.tokens.client.ExpiryDates
import ai.elitea.tokens.client.ErrorKind
import ai.elitea.tokens.client.Ide
import ai.elitea.tokens.client.SortBy
import ai.elitea.tokens.client.SortOrder
import ai.elitea.tokens.client.StatusKind
import ai.elitea.tokens.client.StatusMarks
import ai.elitea.tokens.client.TokenBrowser
import ai.elitea.tokens.client.TokenRow
import ai.elitea.tokens.plugin.EliteaBundle
import ai.elitea.tokens.plugin.EliteaProjectService
import ai.elitea.tokens.plugin.actions.EliteaDataKeys
import ai.elitea.tokens.plugin.actions.PreviewSettingsAction
import ai.elitea.tokens.plugin.actions.SignInAction
import com.intellij.icons.AllIcons
import com.intellij.openapi.Disposable
import com.intellij.openapi.actionSystem.ActionManager
import com.intellij.openapi.actionSystem.ActionUpdateThread
import com.intellij.openapi.actionSystem.AnAction
import com.intellij.openapi.actionSystem.AnActionEvent
import com.intellij.openapi.actionSystem.DataProvider
import com.intellij.openapi.actionSystem.DefaultActionGroup
import com.intellij.openapi.actionSystem.ToggleAction
import com.intellij.openapi.application.ApplicationManager
import com.intellij.openapi.ide.CopyPasteManager
import com.intellij.openapi.project.DumbAware
import com.intellij.openapi.project.Project
import com.intellij.openapi.ui.ComboBox
import com.intellij.openapi.util.Disposer
import com.intellij.openapi.wm.ToolWindow
import com.intellij.openapi.wm.ToolWindowFactory
import com.intellij.openapi.wm.ToolWindowManager
import com.intellij.ui.ColoredTableCellRenderer
import com.intellij.ui.DocumentAdapter
import com.intellij.ui.DoubleClickListener
import com.intellij.ui.PopupHandler
import com.intellij.ui.ScrollPaneFactory
import com.intellij.ui.SearchTextField
import com.intellij.ui.TableSpeedSearch
import com.intellij.ui.SimpleTextAttributes
import com.intellij.ui.components.JBLabel
import com.intellij.ui.content.ContentFactory
import com.intellij.ui.table.JBTable
import com.intellij.util.Alarm
import com.intellij.util.containers.Convertor
import java.awt.BorderLayout
import java.awt.FlowLayout
import java.awt.datatransfer.StringSelection
import java.awt.event.MouseAdapter
import java.awt.event.MouseEvent
import javax.swing.JPanel
import javax.swing.JTable
import javax.swing.ListSelectionModel
import javax.swing.event.DocumentEvent
import javax.swing.table.AbstractTableModel

/** The ELITEA Tokens tool window (Show Tokens). */
class TokensToolWindowFactory : ToolWindowFactory, DumbAware {
    override fun createToolWindowContent(project: Project, toolWindow: ToolWindow) {
        val panel = TokensPanel(project, toolWindow.disposable)
        toolWindow.contentManager.addContent(ContentFactory.getInstance().createContent(panel, null, false))
    }

    companion object {
        const val ID = "ELITEA Tokens"

        fun show(project: Project) {
            ToolWindowManager.getInstance(project).getToolWindow(ID)?.show()
        }
    }
}

/**
 * Name, `...ab12`, the expiry (✓/⚠/✗, the server's label and the date) and where the token is
 * used, for one page of tokens.
 */
class TokenTableModel : AbstractTableModel() {
    var rows: List<TokenRow> = emptyList()
        private set

    fun setRows(rows: List<TokenRow>) {
        this.rows = rows
        fireTableDataChanged()
    }

    override fun getRowCount(): Int = rows.size
    override fun getColumnCount(): Int = COLUMNS.size
    override fun getColumnName(column: Int): String = COLUMNS[column]
    override fun getColumnClass(columnIndex: Int): Class<*> = if (columnIndex == EXPIRES) TokenRow::class.java else String::class.java

    override fun getValueAt(rowIndex: Int, columnIndex: Int): Any = rows[rowIndex].let {
        when (columnIndex) {
            NAME -> it.displayName
            TOKEN -> it.masked
            EXPIRES -> it
            // The places in the user's words are the server's (`usedInPlaces`), as every shim shows them.
            else -> it.usedInPlaces.joinToString(", ")
        }
    }

    companion object {
        const val NAME = 0
        const val TOKEN = 1
        const val EXPIRES = 2
        const val USED_IN = 3
        val COLUMNS = listOf(
            EliteaBundle.message("tokens.column.name"),
            EliteaBundle.message("tokens.column.token"),
            EliteaBundle.message("tokens.column.expires"),
            EliteaBundle.message("tokens.column.usedIn"),
        )
    }
}

private class ExpiryRenderer : ColoredTableCellRenderer() {
    override fun customizeCellRenderer(table: JTable, value: Any?, selected: Boolean, hasFocus: Boolean, row: Int, column: Int) {
        val row = value as? TokenRow ?: return
        val status = row.status
        icon = when (status.kind) {
            StatusKind.NEVER, StatusKind.OK -> AllIcons.General.InspectionsOK
            StatusKind.WARNING -> AllIcons.General.Warning
            StatusKind.EXPIRED -> AllIcons.General.Error
        }
        val attributes = when (status.kind) {
            StatusKind.EXPIRED -> SimpleTextAttributes.ERROR_ATTRIBUTES
            else -> SimpleTextAttributes.REGULAR_ATTRIBUTES
        }
        append(StatusMarks.describe(status), attributes)
        ExpiryDates.format(row.expires)?.let { append("  $it", SimpleTextAttributes.GRAYED_ATTRIBUTES) }
    }
}

/**
 * The table of tokens: a search field filtering as the user types, Name and Expires sorted by
 * a click on their header (again to flip the order), a page size (the server's choices) and paging, and
 * the row actions preview / apply / rotate / delete (toolbar, context menu, double-click).
 * Searching, sorting and paging are the server's (`elitea.listTokens`); [TokenBrowser] keeps
 * what to ask for.
 */
class TokensPanel(private val project: Project, parent: Disposable) : JPanel(BorderLayout()), DataProvider {
    private val service = EliteaProjectService.getInstance(project)
    // Made once the server's rules (page sizes, default page size) are known: see reload().
    private var browser: TokenBrowser? = null
    private val model = TokenTableModel()
    private val table = JBTable(model)
    private val search = SearchTextField(false)
    private val pageSize = ComboBox<Int>()
    private val pageLabel = JBLabel()
    private val alarm = Alarm(Alarm.ThreadToUse.SWING_THREAD, parent)
    private var generation = 0

    init {
        table.autoCreateRowSorter = false
        table.setShowGrid(false)
        table.selectionModel.selectionMode = ListSelectionModel.SINGLE_SELECTION
        table.columnModel.getColumn(TokenTableModel.EXPIRES).cellRenderer = ExpiryRenderer()
        table.tableHeader.reorderingAllowed = false
        table.tableHeader.addMouseListener(object : MouseAdapter() {
            override fun mouseClicked(e: MouseEvent) {
                val column = table.convertColumnIndexToModel(table.columnAtPoint(e.point))
                val sortBy = when (column) {
                    TokenTableModel.NAME -> SortBy.NAME
                    TokenTableModel.EXPIRES -> SortBy.EXPIRATION
                    else -> return
                }
                val b = browser ?: return
                b.toggleSort(sortBy)
                reload()
            }
        })
        object : DoubleClickListener() {
            override fun onDoubleClick(event: MouseEvent): Boolean {
                val row = selected() ?: return false
                PreviewSettingsAction.preview(project, row, Ide.JETBRAINS)
                return true
            }
        }.installOn(table)

        // Speed search over the rows shown (type in the table); the search field asks the server.
        TableSpeedSearch.installOn(table, Convertor<Any?, String> { value -> (value as? TokenRow)?.let { StatusMarks.describe(it.status) } ?: value?.toString().orEmpty() })

        search.textEditor.emptyText.text = EliteaBundle.message("tokens.search")
        search.addDocumentListener(object : DocumentAdapter() {
            override fun textChanged(e: DocumentEvent) {
                if (browser?.setSearch(search.text) == true) {
                    alarm.cancelAllRequests()
                    alarm.addRequest({ reload() }, 250)
                }
            }
        })

        pageSize.addActionListener {
            val b = browser ?: return@addActionListener
            val size = pageSize.selectedItem as? Int ?: return@addActionListener
            if (size != b.pageSize) {
                b.setPageSize(size)
                reload()
            }
        }
        val actions = ActionManager.getInstance()
        val rowActions = DefaultActionGroup().apply {
            listOf("ELITEA.PreviewSettings", "ELITEA.ApplySettings", "ELITEA.RotateToken", "ELITEA.DeleteToken")
                .mapNotNull { actions.getAction(it) }.forEach { add(it) }
            addSeparator()
            add(CopyAction(EliteaBundle.message("tokens.copyUuid")) { it.uuid })
            add(CopyAction(EliteaBundle.message("tokens.copyMasked")) { it.masked })
        }
        val toolbarActions = DefaultActionGroup().apply {
            add(RefreshAction())
            actions.getAction("ELITEA.GenerateToken")?.let { add(it) }
            addSeparator()
            addAll(rowActions)
            addSeparator()
            add(UnusedOnlyAction())
            add(PageAction(previous = true))
            add(PageAction(previous = false))
        }
        PopupHandler.installPopupMenu(table, rowActions, "ELITEA.Tokens.Popup")
        val toolbar = actions.createActionToolbar("ELITEA.Tokens", toolbarActions, true)
        toolbar.targetComponent = this

        val top = JPanel(BorderLayout())
        top.add(toolbar.component, BorderLayout.WEST)
        top.add(search, BorderLayout.CENTER)
        val bottom = JPanel(FlowLayout(FlowLayout.LEFT))
        bottom.add(JBLabel(EliteaBundle.message("tokens.pageSize")))
        bottom.add(pageSize)
        bottom.add(pageLabel)
        add(top, BorderLayout.NORTH)
        add(ScrollPaneFactory.createScrollPane(table), BorderLayout.CENTER)
        add(bottom, BorderLayout.SOUTH)

        service.onTokensChanged(parent) { reload() }
        // A token in use changed state (expiry, rotation by the server): the list follows.
        val subscription = service.tokens.addListener { ApplicationManager.getApplication().invokeLater { if (!project.isDisposed) reload() } }
        Disposer.register(parent) { subscription.close() }

        updateControls()
        reload()
    }

    fun selected(): TokenRow? = table.selectedRow.takeIf { it >= 0 }?.let { model.rows.getOrNull(table.convertRowIndexToModel(it)) }

    override fun getData(dataId: String): Any? = if (EliteaDataKeys.SELECTED_TOKEN.`is`(dataId)) selected() else null

    fun reload() {
        val b = browser
        if (b == null) {
            // First the rules, with the server started: page sizes are the server's.
            service.call({ api -> java.util.concurrent.CompletableFuture.supplyAsync { api.rules() } }, onError = { e ->
                showError(e)
                true
            }) { rules ->
                if (browser == null) {
                    val made = TokenBrowser(rules)
                    made.setSearch(search.text)
                    browser = made
                    pageSize.model = javax.swing.DefaultComboBoxModel(rules.pageSizes.toTypedArray())
                    pageSize.selectedItem = made.pageSize
                }
                reload()
            }
            return
        }
        val browser = b
        val mine = ++generation
        table.emptyText.text = EliteaBundle.message("tokens.loading")
        service.call({ it.listTokens(browser.query()) }, onError = { e ->
            if (mine == generation) showError(e)
            true
        }) { page ->
            if (mine != generation) return@call
            if (!browser.accept(page)) {
                reload() // the page was past the end (tokens deleted meanwhile): ask for the last one
                return@call
            }
            val keep = selected()?.uuid
            model.setRows(browser.items)
            table.emptyText.text = when {
                browser.search.isNotBlank() -> EliteaBundle.message("tokens.noMatch", browser.search.trim())
                browser.unusedOnly -> EliteaBundle.message("tokens.noUnused")
                else -> EliteaBundle.message("tokens.none")
            }
            keep?.let { uuid -> model.rows.indexOfFirst { it.uuid == uuid }.takeIf { it >= 0 }?.let { table.setRowSelectionInterval(it, it) } }
            updateControls()
        }
    }

    private fun showError(e: EliteaException) {
        model.setRows(emptyList())
        table.emptyText.clear()
        table.emptyText.appendText(e.message ?: EliteaBundle.message("tokens.failed"))
        if (e.kind == ErrorKind.NOT_SIGNED_IN || e.kind == ErrorKind.CREDENTIAL_REJECTED) {
            table.emptyText.appendSecondaryText(EliteaBundle.message("action.ELITEA.SignIn.text"), SimpleTextAttributes.LINK_PLAIN_ATTRIBUTES) { SignInAction.signIn(project) }
        }
        pageLabel.text = ""
    }

    private fun updateControls() {
        val browser = browser ?: return
        val arrow = if (browser.order == SortOrder.ASC) " ▲" else " ▼"
        for ((index, name) in TokenTableModel.COLUMNS.withIndex()) {
            val sorted = (index == TokenTableModel.NAME && browser.sortBy == SortBy.NAME) ||
                (index == TokenTableModel.EXPIRES && browser.sortBy == SortBy.EXPIRATION)
            table.columnModel.getColumn(table.convertColumnIndexToView(index)).headerValue = if (sorted) name + arrow else name
        }
        table.tableHeader.repaint()
        pageLabel.text = browser.pageLabel()
    }

    private inner class RefreshAction : AnAction(EliteaBundle.message("tokens.refresh"), EliteaBundle.message("tokens.refresh.description"), AllIcons.Actions.Refresh), DumbAware {
        override fun getActionUpdateThread(): ActionUpdateThread = ActionUpdateThread.EDT
        override fun actionPerformed(e: AnActionEvent) = reload()
    }

    /** Previous / next page, as toolbar buttons: enabled as the server's total allows. */
    private inner class PageAction(private val previous: Boolean) : AnAction(
        EliteaBundle.message(if (previous) "tokens.previous" else "tokens.next"),
        null,
        if (previous) AllIcons.Actions.Back else AllIcons.Actions.Forward,
    ), DumbAware {
        override fun getActionUpdateThread(): ActionUpdateThread = ActionUpdateThread.EDT
        override fun update(e: AnActionEvent) {
            val b = browser
            e.presentation.isEnabled = b != null && (if (previous) b.hasPrevious else b.hasNext)
        }
        override fun actionPerformed(e: AnActionEvent) {
            val b = browser ?: return
            if (if (previous) b.previous() else b.next()) reload()
        }
    }

    /** Only the tokens no live settings file holds (`unused`): candidates for clean-up. */
    private inner class UnusedOnlyAction : ToggleAction(EliteaBundle.message("tokens.unused"), EliteaBundle.message("tokens.unused.description"), AllIcons.General.Filter), DumbAware {
        override fun getActionUpdateThread(): ActionUpdateThread = ActionUpdateThread.EDT
        override fun isSelected(e: AnActionEvent): Boolean = browser?.unusedOnly == true
        override fun setSelected(e: AnActionEvent, state: Boolean) {
            if (browser?.setUnusedOnly(state) == true) reload()
        }
    }

    /** Copies a field of the selected row that is no secret (uuid, masked value). */
    private inner class CopyAction(text: String, private val field: (TokenRow) -> String) : AnAction(text, null, AllIcons.Actions.Copy), DumbAware {
        override fun getActionUpdateThread(): ActionUpdateThread = ActionUpdateThread.EDT
        override fun update(e: AnActionEvent) {
            e.presentation.isEnabled = selected() != null
        }
        override fun actionPerformed(e: AnActionEvent) {
            val row = selected() ?: return
            CopyPasteManager.getInstance().setContents(StringSelection(field(row)))
        }
    }
}
