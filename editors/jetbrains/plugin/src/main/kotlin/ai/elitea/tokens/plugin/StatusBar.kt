package ai.elitea.tokens.plugin

import ai.elitea.tokens.client.StatusKind
import ai.elitea.tokens.plugin.ui.TokensToolWindowFactory
import com.intellij.openapi.application.ApplicationManager
import com.intellij.openapi.project.Project
import com.intellij.openapi.wm.StatusBar
import com.intellij.openapi.wm.StatusBarWidget
import com.intellij.openapi.wm.StatusBarWidgetFactory
import com.intellij.util.Consumer
import java.awt.Component
import java.awt.event.MouseEvent

/** The status bar item: the tokens in use (`elitea/tokenStatus`), worst state first. */
class EliteaStatusBarWidgetFactory : StatusBarWidgetFactory {
    override fun getId(): String = EliteaStatusBarWidget.ID
    override fun getDisplayName(): String = "ELITEA Tokens"
    override fun isAvailable(project: Project): Boolean = true
    override fun createWidget(project: Project): StatusBarWidget = EliteaStatusBarWidget(project)
    override fun canBeEnabledOn(statusBar: StatusBar): Boolean = true
}

class EliteaStatusBarWidget(private val project: Project) : StatusBarWidget, StatusBarWidget.TextPresentation {
    private var statusBar: StatusBar? = null
    private var subscription: AutoCloseable? = null
    private val tokens get() = EliteaProjectService.getInstance(project).tokens

    override fun ID(): String = ID

    override fun getPresentation(): StatusBarWidget.WidgetPresentation = this

    override fun install(statusBar: StatusBar) {
        this.statusBar = statusBar
        subscription = tokens.addListener {
            ApplicationManager.getApplication().invokeLater {
                if (!project.isDisposed) this.statusBar?.updateWidget(ID)
            }
        }
    }

    override fun dispose() {
        subscription?.close()
        subscription = null
        statusBar = null
    }

    override fun getText(): String {
        val summary = tokens.summary()
        return summary.text
    }

    override fun getTooltipText(): String {
        val summary = tokens.summary()
        val hint = when (summary.kind) {
            StatusKind.WARNING, StatusKind.EXPIRED -> "\nClick to see your tokens and rotate."
            else -> "\nClick to see your tokens."
        }
        return summary.tooltip + hint
    }

    override fun getAlignment(): Float = Component.CENTER_ALIGNMENT

    override fun getClickConsumer(): Consumer<MouseEvent> = Consumer { TokensToolWindowFactory.show(project) }

    companion object {
        const val ID = "ai.elitea.tokens.status"
    }
}
