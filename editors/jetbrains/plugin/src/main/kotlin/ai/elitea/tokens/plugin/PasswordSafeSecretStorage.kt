package ai.elitea.tokens.plugin

import ai.elitea.tokens.client.SecretStorage
import com.intellij.credentialStore.CredentialAttributes
import com.intellij.credentialStore.Credentials
import com.intellij.credentialStore.generateServiceName
import com.intellij.ide.passwordSafe.PasswordSafe

/**
 * The server's secrets in IntelliJ's PasswordSafe (issue 13): the OS keychain where the IDE
 * has one, its own encrypted KeePass file otherwise, as the user set it up in Settings |
 * Passwords. One entry per key, under the service name `IntelliJ Platform ELITEA Tokens — <key>`.
 * Called off the EDT (the language client answers from a pool thread): PasswordSafe may block.
 */
class PasswordSafeSecretStorage : SecretStorage {
    private fun attributes(key: String) = CredentialAttributes(generateServiceName(SUBSYSTEM, key))

    override fun get(key: String): String? = PasswordSafe.instance.getPassword(attributes(key))

    override fun store(key: String, value: String) {
        PasswordSafe.instance.set(attributes(key), Credentials(key, value))
    }

    override fun delete(key: String) {
        PasswordSafe.instance.set(attributes(key), null)
    }

    companion object {
        const val SUBSYSTEM = "ELITEA Tokens"
    }
}
