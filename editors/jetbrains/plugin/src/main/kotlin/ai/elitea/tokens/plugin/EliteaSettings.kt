package ai.elitea.tokens.plugin

import ai.elitea.tokens.client.InitializationOptions
import ai.elitea.tokens.client.SettingsSchema
import ai.elitea.tokens.client.StoreChoice
import com.intellij.openapi.components.BaseState
import com.intellij.openapi.components.Service
import com.intellij.openapi.components.SimplePersistentStateComponent
import com.intellij.openapi.components.State
import com.intellij.openapi.components.Storage
import com.intellij.openapi.components.service
import com.intellij.openapi.project.Project

/**
 * Settings | Tools | ELITEA, kept per IDE. No secret is stored here: the credential and the
 * generated values live in the OS keyring, or the IDE's password safe, held by the language server.
 */
@State(name = "EliteaTokensSettings", storages = [Storage("elitea-tokens.xml")])
@Service(Service.Level.APP)
class EliteaSettings : SimplePersistentStateComponent<EliteaSettings.Options>(Options()) {

    class Options : BaseState() {
        /** The ELITEA server Sign In offers first, e.g. https://next.elitea.ai. */
        var serverUrl by string()

        /** The project settings are written for; empty: the personal project. */
        var projectId by string()

        /** `legacy` (alita.xml, what most installs read) or `current` (elitea.xml). */
        var schema by string(SCHEMA_LEGACY)

        /** The elitea-tokens binary; empty: the one bundled with the plugin. */
        var serverPath by string()

        var verifySsl by property(true)

        /** The insecure opt-in: secrets in a 0600 file instead of the OS keyring. */
        var fileSecretStore by property(false)

        /**
         * Secrets in the IDE's password safe first (`secretsStore: editor`). Without it the OS
         * keyring is used when it answers, the password safe otherwise (the plugin always offers it).
         */
        var ideSecretStore by property(false)
    }

    val settingsSchema: SettingsSchema
        get() = if (state.schema == SCHEMA_CURRENT) SettingsSchema.CURRENT else SettingsSchema.LEGACY

    /** `initializationOptions` (and later `workspace/didChangeConfiguration`) for [project]. */
    fun options(project: Project): InitializationOptions {
        val base = project.basePath
        return InitializationOptions(
            serverUrl = state.serverUrl?.trim()?.ifEmpty { null },
            projectId = state.projectId?.trim()?.toLongOrNull(),
            verifySsl = state.verifySsl,
            schema = settingsSchema,
            jetbrainsProjectPath = base,
            workspaceFolders = listOfNotNull(base),
            secretsStore = when {
                state.fileSecretStore -> StoreChoice.FILE
                state.ideSecretStore -> StoreChoice.EDITOR
                else -> null
            },
        )
    }

    companion object {
        const val SCHEMA_LEGACY = "legacy"
        const val SCHEMA_CURRENT = "current"

        fun getInstance(): EliteaSettings = service()
    }
}
