package ai.elitea.tokens.plugin

import com.intellij.DynamicBundle
import org.jetbrains.annotations.Nls
import org.jetbrains.annotations.NonNls
import org.jetbrains.annotations.PropertyKey

@NonNls
const val BUNDLE = "messages.EliteaBundle"

/**
 * The plugin's own words (messages/EliteaBundle.properties; action texts are read from it by
 * the platform too, `action.<id>.text`). The server's sentences are shown as the server wrote them.
 */
object EliteaBundle : DynamicBundle(BUNDLE) {
    @Nls
    fun message(@PropertyKey(resourceBundle = BUNDLE) key: String, vararg params: Any): String = getMessage(key, *params)
}
