package ai.elitea.tokens.plugin

import ai.elitea.tokens.client.InitializationOptions
import ai.elitea.tokens.client.PluginOptions
import ai.elitea.tokens.client.SecretStoreSetting
import ai.elitea.tokens.client.SettingsSchema
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

        /** `current` (`.idea/elitea.xml`, what ELITEA's web UI writes today) or `legacy` (`.idea/alita.xml`). */
        var schema by string(SCHEMA_CURRENT)

        /** The elitea-tokens binary; empty: the one bundled with the plugin. */
        var serverPath by string()

        var verifySsl by property(true)

        /** Where secrets are kept: one of [SecretStoreSetting]'s ids; null until chosen (then read from the two old checkboxes). */
        var secretStore by string()

        /** Earlier versions' checkbox: the insecure file store. Read once into [secretStore]. */
        var fileSecretStore by property(false)

        /** Earlier versions' checkbox: the IDE's password safe first. Read once into [secretStore]. */
        var ideSecretStore by property(false)

        /** Tokens whose expiry balloons the user asked not to see again ("Don't show again for this token"). */
        var mutedExpiryTokens by stringSet()
    }

    override fun loadState(state: Options) {
        super.loadState(state)
        // Settings of earlier versions: two checkboxes, where "file" won silently.
        if (state.secretStore == null && (state.fileSecretStore || state.ideSecretStore)) {
            state.secretStore = SecretStoreSetting.fromCheckboxes(state.fileSecretStore, state.ideSecretStore).id
            state.fileSecretStore = false
            state.ideSecretStore = false
        }
    }

    val settingsSchema: SettingsSchema get() = PluginOptions.schema(state.schema)

    val secretStore: SecretStoreSetting get() = SecretStoreSetting.of(state.secretStore)

    /**
     * `initializationOptions` (and later `workspace/didChangeConfiguration`) for [project]. No
     * `workspaceFolders`: LSP4IJ sends the project's folders as LSP's own workspace folders.
     */
    fun options(project: Project): InitializationOptions =
        PluginOptions.build(state.serverUrl, state.projectId, state.verifySsl, settingsSchema, secretStore, project.basePath)

    fun muteExpiry(uuid: String) {
        state.mutedExpiryTokens.add(uuid)
        state.intIncrementModificationCount()
    }

    companion object {
        const val SCHEMA_LEGACY = "legacy"
        const val SCHEMA_CURRENT = "current"

        fun getInstance(): EliteaSettings = service()
    }
}
