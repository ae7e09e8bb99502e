package ai.elitea.tokens.client

/**
 * The state of a token list view: search text, sort column and order, page size and page. The
 * server does the searching, sorting and paging; this keeps what to ask for and what the
 * answer means for the controls (page count, previous/next). The tool window holds one.
 */
class TokenBrowser(pageSize: Int = DEFAULT_PAGE_SIZE) {
    companion object {
        val PAGE_SIZES = listOf(5, 10, 50, 100)
        const val DEFAULT_PAGE_SIZE = 10
    }

    init {
        require(pageSize in PAGE_SIZES) { "Page size must be one of $PAGE_SIZES" }
    }

    var search: String = ""
        private set
    var sortBy: SortBy? = null
        private set
    var order: SortOrder = SortOrder.ASC
        private set
    var pageSize: Int = pageSize
        private set
    var page: Int = 0
        private set

    /** The total of the last answer (matching the search), or null before the first. */
    var total: Long? = null
        private set
    var items: List<TokenRow> = emptyList()
        private set

    /** What to send: `elitea.listTokens`'s params. */
    fun query(): ListTokensParams = ListTokensParams(
        search = search.trim().ifEmpty { null },
        sortBy = sortBy,
        order = if (sortBy == null) null else order,
        pageSize = pageSize,
        page = page,
    )

    /** A new search starts at the first page. Returns whether anything changed. */
    fun setSearch(text: String): Boolean {
        if (text == search) return false
        search = text
        page = 0
        return true
    }

    /** A click on a column header: a new column sorts ascending, the same one flips the order. */
    fun toggleSort(column: SortBy) {
        if (sortBy == column) {
            order = if (order == SortOrder.ASC) SortOrder.DESC else SortOrder.ASC
        } else {
            sortBy = column
            order = SortOrder.ASC
        }
        page = 0
    }

    fun setSort(column: SortBy?, order: SortOrder = SortOrder.ASC) {
        sortBy = column
        this.order = order
        page = 0
    }

    /** A new page size keeps the first row of the current page in view. */
    fun setPageSize(size: Int) {
        require(size in PAGE_SIZES) { "Page size must be one of $PAGE_SIZES" }
        if (size == pageSize) return
        val firstRow = page.toLong() * pageSize
        pageSize = size
        page = (firstRow / size).toInt()
    }

    val pageCount: Int
        get() {
            val t = total ?: return 1
            return maxOf(1, ((t + pageSize - 1) / pageSize).toInt())
        }

    val hasPrevious: Boolean get() = page > 0
    val hasNext: Boolean get() = page + 1 < pageCount

    fun previous(): Boolean {
        if (!hasPrevious) return false
        page--
        return true
    }

    fun next(): Boolean {
        if (!hasNext) return false
        page++
        return true
    }

    fun goTo(index: Int) {
        page = index.coerceIn(0, pageCount - 1)
    }

    /**
     * Takes an answer. Returns false when the page is past the end (tokens were deleted
     * meanwhile): the page is then moved to the last one and the caller asks again.
     */
    fun accept(answer: TokenPage): Boolean {
        total = answer.total
        if (answer.items.isEmpty() && answer.page > 0 && answer.total > 0) {
            page = pageCount - 1
            items = emptyList()
            return false
        }
        page = answer.page
        items = answer.items
        return true
    }

    /** `Page 2 of 3 · 23 tokens`, or `No tokens` / `No token matches 'x'`. */
    fun pageLabel(): String {
        val t = total ?: return ""
        if (t == 0L) return if (search.isBlank()) "No tokens" else "No token matches '${search.trim()}'"
        val noun = if (t == 1L) "token" else "tokens"
        return "Page ${page + 1} of $pageCount · $t $noun"
    }
}

/** The rules a token name follows before it is sent (the server checks them again). */
object TokenNames {
    val PATTERN = Regex("^[A-Za-z0-9_-]{1,768}$")
    const val MAX_LENGTH = 768

    /** Null when [name] can be used; else the sentence the dialog shows. */
    fun problem(name: String, taken: Collection<String> = emptyList()): String? = when {
        name.isEmpty() -> "Enter a name."
        name.length > MAX_LENGTH -> "A name has at most $MAX_LENGTH characters."
        !PATTERN.matches(name) -> "Use only letters, digits, '-' and '_' (no spaces)."
        name in taken -> "You already have a token named '$name'."
        else -> null
    }

    /** A valid name from [base] (a project's name, say) that is not in [taken]: `JetBrains-my-app`. */
    fun suggest(base: String, taken: Collection<String> = emptyList(), prefix: String = "JetBrains-"): String {
        val cleaned = (prefix + base).replace(Regex("[^A-Za-z0-9_-]+"), "-").trim('-').take(MAX_LENGTH - 8).ifEmpty { "token" }
        var name = cleaned
        var i = 2
        while (name in taken) name = "$cleaned-${i++}"
        return name
    }
}

/** The expiration fields of the Generate dialog: a measure and a whole number. */
object ExpirationInput {
    /** The choices, in the order the web UI offers them. */
    val MEASURES = listOf(Measure.NEVER, Measure.DAYS, Measure.WEEKS, Measure.HOURS, Measure.MINUTES)

    fun label(measure: Measure): String = when (measure) {
        Measure.NEVER -> "Never"
        Measure.DAYS -> "Days"
        Measure.WEEKS -> "Weeks"
        Measure.HOURS -> "Hours"
        Measure.MINUTES -> "Minutes"
    }

    /** The expiration, or the sentence saying what is wrong with [value]. */
    fun parse(measure: Measure, value: String): Result<Expiration> {
        if (measure == Measure.NEVER) return Result.success(Expiration.NEVER)
        val n = value.trim().toLongOrNull()
            ?: return Result.failure(IllegalArgumentException("Enter a whole number of ${label(measure).lowercase()}."))
        if (n < 1) return Result.failure(IllegalArgumentException("Enter a number above 0."))
        return Result.success(Expiration(measure, n))
    }
}
