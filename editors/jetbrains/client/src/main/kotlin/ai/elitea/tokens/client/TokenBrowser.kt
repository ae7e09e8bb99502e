package ai.elitea.tokens.client

/**
 * The state of a token list view: search text, sort column and order, page size and page. The
 * server does the searching, sorting and paging; this keeps what to ask for and what the
 * answer means for the controls (page count, previous/next). The tool window holds one.
 */
class TokenBrowser(
    /** The page sizes the server takes (its rules' `pageSizes`). */
    val pageSizes: List<Int>,
    pageSize: Int,
) {
    /** A browser with the server's page sizes and its default page size. */
    constructor(rules: Rules) : this(rules.pageSizes, rules.defaultPageSize)

    init {
        require(pageSizes.isNotEmpty()) { "No page sizes" }
        require(pageSize in pageSizes) { "Page size must be one of $pageSizes" }
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

    /** Only the tokens no live settings file holds (`unused`). */
    var unusedOnly: Boolean = false
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
        unused = unusedOnly.takeIf { it },
    )

    /** The "unused" filter starts at the first page. Returns whether anything changed. */
    fun setUnusedOnly(on: Boolean): Boolean {
        if (on == unusedOnly) return false
        unusedOnly = on
        page = 0
        return true
    }

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
        require(size in pageSizes) { "Page size must be one of $pageSizes" }
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
        if (t == 0L) {
            val unused = if (unusedOnly) " unused" else ""
            return if (search.isBlank()) (if (unusedOnly) "No unused tokens" else "No tokens") else "No$unused token matches '${search.trim()}'"
        }
        val noun = if (t == 1L) "token" else "tokens"
        return "Page ${page + 1} of $pageCount · $t $noun"
    }
}
