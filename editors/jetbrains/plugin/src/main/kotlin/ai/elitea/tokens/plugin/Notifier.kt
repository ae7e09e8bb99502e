package ai.elitea.tokens.plugin

import ai.elitea.tokens.client.EliteaException
import ai.elitea.tokens.client.ErrorKind
import ai.elitea.tokens.client.ServerBinary
import ai.elitea.tokens.plugin.actions.SignInAction
import com.intellij.notification.Notification
import com.intellij.notification.NotificationAction
import com.intellij.notification.NotificationGroupManager
import com.intellij.notification.NotificationType
import com.intellij.openapi.options.ShowSettingsUtil
import com.intellij.openapi.project.Project
import com.intellij.openapi.util.text.StringUtil

/** Balloons: outcomes, failures (the server's own sentence), and their follow-up actions. */
object Notifier {
    const val GROUP = "ELITEA"
    const val EXPIRY_GROUP = "ELITEA Token Expiry"
    const val TITLE = "ELITEA"

    fun notification(text: String, type: NotificationType, group: String = GROUP): Notification =
        NotificationGroupManager.getInstance().getNotificationGroup(group)
            .createNotification(TITLE, StringUtil.escapeXmlEntities(text).replace("\n", "<br>"), type)

    fun info(project: Project, text: String, vararg actions: NotificationAction) {
        notification(text, NotificationType.INFORMATION).apply { actions.forEach { addAction(it) } }.notify(project)
    }

    fun warn(project: Project, text: String, vararg actions: NotificationAction) {
        notification(text, NotificationType.WARNING).apply { actions.forEach { addAction(it) } }.notify(project)
    }

    fun error(project: Project, e: EliteaException) {
        val n = notification(e.message ?: EliteaBundle.message("error.generic"), NotificationType.ERROR)
        when (e.kind) {
            ErrorKind.NOT_SIGNED_IN, ErrorKind.CREDENTIAL_REJECTED ->
                n.addAction(NotificationAction.createSimpleExpiring(EliteaBundle.message("action.ELITEA.SignIn.text")) { SignInAction.signIn(project) })
            ErrorKind.UNAVAILABLE ->
                if (EliteaProjectService.getInstance(project).binary() is ServerBinary.Resolution.NotFound) {
                    n.addAction(NotificationAction.createSimpleExpiring(EliteaBundle.message("notification.settings")) { openSettings(project) })
                }
            else -> {}
        }
        n.notify(project)
    }

    fun openSettings(project: Project) {
        ShowSettingsUtil.getInstance().showSettingsDialog(project, EliteaConfigurable::class.java)
    }
}
