package ai.elitea.tokens.plugin

import ai.elitea.tokens.client.StatusClick
import ai.elitea.tokens.plugin.actions.SignInAction
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
    override fun getDisplayName(): String = EliteaBundle.message("statusbar.name")
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

    // Text, tooltip and click come from the client's StatusSummary (tested there): before
    // sign-in "ELITEA: Sign in" and a click signs in; signed in with none in use "ELITEA".
    override fun getTooltipText(): String = tokens.summary().tooltip

    override fun getAlignment(): Float = Component.CENTER_ALIGNMENT

    override fun getClickConsumer(): Consumer<MouseEvent> = Consumer {
        when (tokens.summary().click) {
            StatusClick.SIGN_IN -> SignInAction.signIn(project)
            StatusClick.SHOW_TOKENS -> TokensToolWindowFactory.show(project)
        }
    }

    companion object {
        const val ID = "ai.elitea.tokens.status"
    }
}
