package ai.elitea.tokens.client

import com.google.gson.JsonObject

/**
 * The behaviour of `rules` (`capabilities.experimental.elitea.rules` of `initialize`'s result,
 * the generated [Rules]): the dialogs validate with these as the user types and the token list
 * offers these page sizes; no copy of them lives in the editor (the server checks every request
 * again anyway).
 */
interface NameRuleSupport {
    /** Whether [candidate] is one of the reserved names (exactly, case and all). */
    fun isReserved(candidate: String): Boolean = candidate in (this as NameRule).reservedNames
}

interface RulesSupport {
    private val self: Rules get() = this as Rules

    /** Null when sign-in takes [text] as a server address; else the server's sentence (`rules.serverUrl`). */
    fun serverUrlProblem(text: String): String? =
        if (RulePatterns.compiled(self.serverUrl.pattern)?.matches(text) ?: true) null else self.serverUrl.hint

    /** Whether the server's pattern takes [candidate] (true when Java cannot compile the pattern: the server still checks). */
    fun matchesName(candidate: String): Boolean = RulePatterns.compiled(self.name.pattern)?.matches(candidate) ?: true

    /** Null when [candidate] can be used as a new name; else the sentence the dialog shows. */
    fun nameProblem(candidate: String, taken: Collection<String> = emptyList()): String? = when {
        candidate.isEmpty() -> "Enter a name."
        candidate.length > self.name.maxLength -> "A name has at most ${self.name.maxLength} characters."
        !matchesName(candidate) -> self.name.hint.ifBlank { "The name must match ${self.name.pattern}." }
        self.name.isReserved(candidate) -> self.name.reservedHint.ifBlank { "'$candidate' is reserved by ELITEA: choose another name." }
        candidate in taken -> "You already have a token named '$candidate'."
        else -> null
    }

    /**
     * A name from [base] (a project's name, say) that the rule accepts and [taken] does not
     * hold, or "" when none can be made. Which characters are kept is asked of the server's
     * pattern, one character at a time, so no copy of the rule is needed here.
     */
    fun suggestName(base: String, taken: Collection<String> = emptyList(), prefix: String = "JetBrains-"): String {
        val allowed = { c: Char -> matchesName(c.toString()) }
        val dash = if (allowed('-')) "-" else ""
        val raw = prefix + base
        val cleaned = buildString {
            for (c in raw) {
                when {
                    allowed(c) -> append(c)
                    dash.isNotEmpty() && !endsWith(dash) -> append(dash)
                }
            }
        }.trim('-').take(self.name.maxLength.coerceAtMost(Int.MAX_VALUE.toLong()).toInt())
        if (cleaned.isEmpty() || !matchesName(cleaned)) return ""
        var candidate = cleaned
        var i = 2
        while (candidate in taken || self.name.isReserved(candidate)) {
            val suffix = "$dash${i++}"
            candidate = cleaned.take(self.name.maxLength.coerceAtMost(Int.MAX_VALUE.toLong()).toInt() - suffix.length) + suffix
        }
        return if (matchesName(candidate)) candidate else ""
    }

    /** The measures offered, in the server's order. */
    val measures: List<Measure> get() = self.expiration.measures.map { it.measure }

    fun measureRule(measure: Measure): MeasureRule? = self.expiration.measures.firstOrNull { it.measure == measure }

    /** The label the server gives [measure] ("Days"); its wire name when the server has none. */
    fun label(measure: Measure): String = measureRule(measure)?.label ?: Json.wireName(measure)

    /**
     * The expiration typed into the dialog, or the sentence saying what is wrong with it: a
     * whole number within the server's `min`..`max` for that measure. A measure with neither
     * (`never`) takes no value.
     */
    fun parseExpiration(measure: Measure, value: String): Result<Expiration> {
        val rule = measureRule(measure)
            ?: return Result.failure(IllegalArgumentException("The server does not offer '${Json.wireName(measure)}'."))
        if (rule.min == null && rule.max == null) return Result.success(Expiration(measure, null))
        val unit = rule.label.lowercase()
        val n = value.trim().toLongOrNull()
            ?: return Result.failure(IllegalArgumentException("Enter a whole number of $unit."))
        if ((rule.min != null && n < rule.min) || (rule.max != null && n > rule.max)) {
            val range = when {
                rule.min != null && rule.max != null -> "from ${rule.min} to ${rule.max}"
                rule.min != null -> "of at least ${rule.min}"
                else -> "of at most ${rule.max}"
            }
            return Result.failure(IllegalArgumentException("Enter a number $range $unit."))
        }
        return Result.success(Expiration(measure, n))
    }

    /** The value field's text for [expiration] (empty for a measure without a value). */
    fun valueText(expiration: Expiration): String = expiration.value?.toString().orEmpty()
}

// Compiled patterns, by pattern: not a field of Rules, which mirrors the wire object.
internal object RulePatterns {
    private val patterns = java.util.concurrent.ConcurrentHashMap<String, java.util.Optional<Regex>>()

    fun compiled(pattern: String): Regex? =
        patterns.getOrPut(pattern) { java.util.Optional.ofNullable(runCatching { Regex(pattern) }.getOrNull()) }.orElse(null)
}

abstract class RulesFactory {
    /**
     * The rules from `initialize`'s result's `capabilities.experimental` (whatever object
     * LSP4J made of it). Throws [ProtocolException] when they are missing or malformed:
     * a server too old to send them is reported, not guessed around.
     */
    fun fromExperimental(experimental: Any?): Rules {
        val root = Json.toElement(experimental) as? JsonObject
        val rules = (root?.get("elitea") as? JsonObject)?.get("rules")
            ?: throw ProtocolException(
                "The language server sent no rules (capabilities.experimental.elitea.rules): it is older than this plugin; update elitea-tokens.",
            )
        val decoded = Json.decode<Rules>(rules)
        if (decoded.pageSizes.isEmpty() || decoded.defaultPageSize !in decoded.pageSizes) {
            throw ProtocolException("rules: defaultPageSize is not one of pageSizes")
        }
        if (decoded.expiration.measures.isEmpty()) throw ProtocolException("rules: no expiration measures")
        return decoded
    }
}
