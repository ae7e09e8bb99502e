package ai.elitea.tokens.client

/** Which of the product's settings files a file is, for the plugin's three LSP4IJ mappings. */
enum class SettingsFileKind {
    /** `.idea/elitea.xml` (today's schema) or `.idea/alita.xml` (legacy). */
    JETBRAINS,

    /** A workspace's `.vscode/settings.json`, VSCode's user `settings.json` (its `User` folder), any `*.code-workspace`. */
    VSCODE,
}

/**
 * The one rule that tells a settings file from any other file, by its name and its folder's
 * name (what LSP4IJ's document matchers have at hand, without reading the file). The plugin's
 * three mappings use it so that a file has exactly one association with the server: the XML
 * mapping takes [SettingsFileKind.JETBRAINS], the file name mapping [SettingsFileKind.VSCODE],
 * and the leak guard's `*` mapping every other text file; the client features use it to keep
 * completion, hover and intentions to the settings files.
 */
object SettingsFiles {
    /** The two schemas' file names in `.idea`. */
    private val JETBRAINS_FILES = setOf("elitea.xml", "alita.xml")

    /** `.vscode` of a workspace, `User` of VSCode (and its forks') user settings. */
    private val VSCODE_FOLDERS = setOf(".vscode", "User")

    /** [name] is the file's name, [parent] its folder's name (null at a root). */
    fun kind(name: String, parent: String?): SettingsFileKind? = when {
        parent == ".idea" && name in JETBRAINS_FILES -> SettingsFileKind.JETBRAINS
        name.endsWith(".code-workspace") -> SettingsFileKind.VSCODE
        name == "settings.json" && parent in VSCODE_FOLDERS -> SettingsFileKind.VSCODE
        else -> null
    }

    fun isSettingsFile(name: String, parent: String?): Boolean = kind(name, parent) != null
}
