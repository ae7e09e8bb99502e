package ai.elitea.tokens.client

import java.nio.file.Path
import java.time.OffsetDateTime
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import java.util.Locale

/**
 * Dates are the one thing the editor formats itself (labels such as "in 3 days" are the
 * server's `status.label`): an RFC 3339 expiry in the user's locale and time zone.
 */
object ExpiryDates {
    /** `Dec 30, 2026, 2:05 PM` (by [locale]); null for a token that never expires; the text as sent when it is not RFC 3339. */
    fun format(expires: String?, locale: Locale = Locale.getDefault(), zone: ZoneId = ZoneId.systemDefault()): String? {
        if (expires.isNullOrBlank()) return null
        val at = runCatching { OffsetDateTime.parse(expires) }.getOrNull() ?: return expires
        return at.atZoneSameInstant(zone).format(DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT).withLocale(locale))
    }
}

/**
 * The "Used in" column: where a token is written (`TokenRow.usedIn`), named as the user knows
 * the places (user settings, a workspace, a JetBrains project, other files), paths under the
 * home folder with `~`.
 */
object UsedIn {
    /** "" when the token is written nowhere, or the server does not say (older servers). */
    fun describe(paths: List<String>?, projectBase: String? = null, home: String? = System.getProperty("user.home")): String =
        paths.orEmpty().map { place(it, projectBase, home) }.distinct().joinToString(", ")

    fun place(path: String, projectBase: String? = null, home: String? = System.getProperty("user.home")): String {
        val p = runCatching { Path.of(path).normalize() }.getOrNull() ?: return path
        val parent = p.parent
        val base = projectBase?.let { runCatching { Path.of(it).normalize() }.getOrNull() }
        return when {
            base != null && p.startsWith(base) -> "this project (${base.relativize(p).toString().replace('\\', '/')})"
            parent?.fileName?.toString() == ".idea" -> "JetBrains: ${parent.parent?.fileName ?: parent}"
            p.fileName?.toString() == "settings.json" && parent?.fileName?.toString() == "User" -> "VSCode user settings"
            p.fileName?.toString() == "settings.json" && parent?.fileName?.toString() == ".vscode" -> "workspace: ${parent.parent?.fileName ?: parent}"
            p.fileName?.toString()?.endsWith(".code-workspace") == true -> "workspace: ${p.fileName}"
            else -> tilde(p.toString(), home)
        }
    }

    /** [path] with the home folder as `~`. */
    fun tilde(path: String, home: String? = System.getProperty("user.home")): String {
        if (home.isNullOrEmpty()) return path
        val h = home.trimEnd('/', '\\')
        return if (path == h) "~" else if (path.startsWith("$h/") || path.startsWith("$h\\")) "~" + path.substring(h.length) else path
    }
}
