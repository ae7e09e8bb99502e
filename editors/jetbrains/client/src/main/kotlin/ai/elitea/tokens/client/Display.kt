package ai.elitea.tokens.client

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

/** Paths as the user reads them: the home folder as `~`. */
object UsedIn {
    /** [path] with the home folder as `~`. */
    fun tilde(path: String, home: String? = System.getProperty("user.home")): String {
        if (home.isNullOrEmpty()) return path
        val h = home.trimEnd('/', '\\')
        return if (path == h) "~" else if (path.startsWith("$h/") || path.startsWith("$h\\")) "~" + path.substring(h.length) else path
    }
}
