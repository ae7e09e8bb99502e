package ai.elitea.tokens.client

import org.jetbrains.kotlin.cli.common.messages.MessageCollector
import org.jetbrains.kotlin.cli.jvm.compiler.EnvironmentConfigFiles
import org.jetbrains.kotlin.cli.jvm.compiler.KotlinCoreEnvironment
import org.jetbrains.kotlin.com.intellij.openapi.util.Disposer
import org.jetbrains.kotlin.com.intellij.psi.PsiErrorElement
import org.jetbrains.kotlin.com.intellij.psi.util.PsiTreeUtil
import org.jetbrains.kotlin.config.CommonConfigurationKeys
import org.jetbrains.kotlin.config.CompilerConfiguration
import org.jetbrains.kotlin.psi.KtPsiFactory
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Tag
import org.junit.jupiter.api.Test
import org.w3c.dom.Document
import org.w3c.dom.Element
import java.nio.file.Files
import java.nio.file.Path
import javax.xml.XMLConstants
import javax.xml.parsers.DocumentBuilderFactory
import kotlin.io.path.extension
import kotlin.io.path.readText

/**
 * What can be checked of the IntelliJ plugin without the IntelliJ Platform SDK (which cannot be
 * downloaded here, so the plugin is not compiled): plugin.xml is well-formed and names classes
 * that exist; every Tools | ELITEA action maps to commands of the protocol, and its source
 * calls them through the client's typed API; no plugin source speaks LSP itself; the sources
 * parse as Kotlin and import only what exists; the Gradle build compiles the client's sources.
 * Tagged so that ci.sh runs them as a phase of their own; a plain `mvn verify` runs them too.
 */
@Tag("plugin-checks")
class PluginChecksTest {
    private val plugin = Repo.plugin
    private val sourcesRoot = plugin.resolve("src/main/kotlin")
    private val pluginXml = plugin.resolve("src/main/resources/META-INF/plugin.xml")

    /** The Tools | ELITEA actions the issue asks for, the commands each one runs, and where. */
    private data class ExpectedAction(
        val id: String,
        val text: String,
        val simpleClass: String,
        val commands: List<String>,
        /** Source files (under the plugin package) that must call the commands' typed API. */
        val callers: List<String>,
    )

    private val expected = listOf(
        ExpectedAction("ELITEA.SignIn", "Sign In", "SignInAction", listOf(Commands.SIGN_IN), listOf("actions/SignInAction.kt")),
        ExpectedAction("ELITEA.SignOut", "Sign Out", "SignOutAction", listOf(Commands.SIGN_OUT), listOf("actions/SignOutAction.kt")),
        ExpectedAction("ELITEA.ShowTokens", "Show Tokens", "ShowTokensAction", listOf(Commands.LIST_TOKENS), listOf("ui/TokensToolWindow.kt")),
        ExpectedAction("ELITEA.GenerateToken", "Generate Token", "GenerateTokenAction", listOf(Commands.GENERATE_TOKEN), listOf("actions/GenerateTokenAction.kt")),
        ExpectedAction("ELITEA.DeleteToken", "Delete Token", "DeleteTokenAction", listOf(Commands.DELETE_TOKEN), listOf("actions/DeleteTokenAction.kt")),
        ExpectedAction("ELITEA.PreviewSettings", "Preview Settings", "PreviewSettingsAction", listOf(Commands.PREVIEW_SETTINGS), listOf("actions/PreviewSettingsAction.kt")),
        ExpectedAction("ELITEA.ApplySettings", "Apply Settings to This Project", "ApplySettingsAction", listOf(Commands.APPLY_SETTINGS), listOf("actions/ApplySettingsAction.kt")),
        ExpectedAction("ELITEA.RotateToken", "Rotate Token", "RotateTokenAction", listOf(Commands.ROTATE_TOKEN), listOf("actions/RotateTokenAction.kt")),
        ExpectedAction("ELITEA.SelectModel", "Select Model", "SelectModelAction", listOf(Commands.LIST_MODELS, Commands.SELECT_MODEL), listOf("actions/SelectModelAction.kt")),
        ExpectedAction("ELITEA.RestartServer", "Restart Server", "RestartServerAction", emptyList(), emptyList()),
    )

    private val pluginPackageDir = sourcesRoot.resolve("ai/elitea/tokens/plugin")

    private fun sources(root: Path): Map<Path, String> =
        Files.walk(root).use { s -> s.filter { it.extension == "kt" }.toList() }.associateWith { it.readText() }

    private val pluginSources by lazy { sources(sourcesRoot) }
    private val clientSources by lazy { sources(Repo.clientSources) }

    /** Top-level classes, objects and interfaces by fully qualified name. */
    private fun declarations(files: Map<Path, String>): Set<String> = files.values.flatMap { text ->
        val pkg = Regex("""^package\s+([\w.]+)""", RegexOption.MULTILINE).find(text)?.groupValues?.get(1).orEmpty()
        Regex("""^(?:(?:public|internal|private|abstract|open|data|sealed|enum|annotation|inner|value)\s+)*(?:class|object|interface)\s+(\w+)""", RegexOption.MULTILINE)
            .findAll(text).map { "$pkg.${it.groupValues[1]}" }.toList() +
            // Top-level functions and properties can be imported too.
            Regex("""^(?:(?:public|internal|private|inline|const)\s+)*(?:fun|val|var)\s+(?:<[^>]+>\s+)?(?:[\w.]+\.)?(\w+)""", RegexOption.MULTILINE)
                .findAll(text).map { "$pkg.${it.groupValues[1]}" }.toList()
    }.toSet()

    private fun pluginXml(): Document {
        val factory = DocumentBuilderFactory.newInstance()
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true)
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true)
        return factory.newDocumentBuilder().parse(pluginXml.toFile())
    }

    private fun Element.children(tag: String): List<Element> =
        (0 until childNodes.length).map { childNodes.item(it) }.filterIsInstance<Element>().filter { it.tagName == tag }

    private fun Document.all(tag: String): List<Element> =
        getElementsByTagName(tag).let { nodes -> (0 until nodes.length).map { nodes.item(it) as Element } }

    @Test
    fun `plugin xml is well-formed and declares the server for LSP4IJ`() {
        val doc = pluginXml()
        assertEquals("idea-plugin", doc.documentElement.tagName)
        val depends = doc.all("depends").map { it.textContent.trim() }
        assertTrue("com.redhat.devtools.lsp4ij" in depends, depends.toString())
        val servers = doc.all("extensions").filter { it.getAttribute("defaultExtensionNs") == "com.redhat.devtools.lsp4ij" }.flatMap { it.children("server") }
        assertEquals(1, servers.size)
        val server = servers.single()
        val serviceSource = pluginPackageDir.resolve("EliteaProjectService.kt").readText()
        assertTrue(serviceSource.contains("""const val SERVER_ID = "${server.getAttribute("id")}""""), "the server id in plugin.xml is the one the plugin asks LSP4IJ for")
        // LSP4IJ shows `name` in its Language Servers view and balloons (there is no `label`).
        assertEquals("ELITEA Tokens", server.getAttribute("name"))
        val factory = server.getAttribute("factoryClass")
        assertTrue(factory in declarations(pluginSources), "$factory is not a class of the plugin")
        val factorySource = pluginSources.entries.single { (_, text) -> text.contains("class ${factory.substringAfterLast('.')}") }.value
        assertTrue(factorySource.contains(": LanguageServerFactory"), "the factory implements LSP4IJ's LanguageServerFactory")
        assertTrue(factorySource.contains(": ProcessStreamConnectionProvider()"), "the server is started by a ProcessStreamConnectionProvider")
        assertTrue(factorySource.contains("ServerBinary.resolve") || pluginSources.values.any { it.contains("ServerBinary.resolve") })
    }

    /**
     * The attributes each extension point takes, written down from the sources that declare
     * them, so that a misspelt or invented attribute (the `label` LSP4IJ does not have) fails
     * here rather than being ignored by the IDE at run time.
     */
    object DeclaredAttributes {
        /** Every extension element, whatever its point: read by the platform's descriptor reader (id, order, os). */
        val COMMON = setOf("id", "order", "os")

        val BY_POINT: Map<String, Set<String>> = mapOf(
            // LSP4IJ 0.17.0 (tag 0.17.0), src/main/java/com/redhat/devtools/lsp4ij/server/definition/extension/
            // ServerExtensionPointBean.java: its @Attribute fields (plus the nested <description> tag).
            "com.redhat.devtools.lsp4ij.server" to setOf(
                "id", "bundle", "nameKey", "name", "descriptionKey", "icon", "factoryClass", "singleton",
                "supportsLightEdit", "lastDocumentDisconnectedTimeout",
            ),
            // LSP4IJ 0.17.0, LanguageMappingExtensionPointBean.java.
            "com.redhat.devtools.lsp4ij.languageMapping" to setOf("serverId", "language", "languageId", "documentMatcher"),
            // IntelliJ Platform, com.intellij.openapi.options.ConfigurableEP (intellij-community,
            // platform/ide-core, read at commit 06db2ea9; its @Attribute fields).
            "com.intellij.applicationConfigurable" to setOf(
                "displayName", "key", "bundle", "childrenEPName", "dynamic", "parentId", "id", "groupId", "groupWeight",
                "nonDefaultProject", "implementation", "instance", "provider", "treeRenderer",
            ),
            // com.intellij.openapi.wm.ToolWindowEP (platform/platform-api, read at commit 06595e8d).
            "com.intellij.toolWindow" to setOf(
                "id", "anchor", "side", "icon", "doNotActivateOnStart", "factoryClass", "conditionClass", "secondary", "canCloseContents",
            ),
            // com.intellij.notification.impl.NotificationGroupEP (platform/ide-core).
            "com.intellij.notificationGroup" to setOf(
                "id", "displayType", "isLogByDefault", "toolWindowId", "icon", "bundle", "key", "notificationIds", "hideFromSettings",
            ),
            // Interface extension points (declared with `interface=`): the class is `implementation`.
            "com.intellij.statusBarWidgetFactory" to setOf("implementation"),
            "com.intellij.editorNotificationProvider" to setOf("implementation"),
            "com.intellij.postStartupActivity" to setOf("implementation"),
        )

        /** @RequiredElement attributes of the same sources. */
        val REQUIRED: Map<String, Set<String>> = mapOf(
            "com.redhat.devtools.lsp4ij.server" to setOf("id", "factoryClass"),
            "com.redhat.devtools.lsp4ij.languageMapping" to setOf("serverId", "language"),
            "com.intellij.notificationGroup" to setOf("id", "displayType"),
        )

        /** What is wrong with the extension elements of [doc]: unknown points, attributes they do not declare, missing required ones. */
        fun problems(doc: Document): List<String> {
            val out = mutableListOf<String>()
            val blocks = doc.getElementsByTagName("extensions")
            for (b in 0 until blocks.length) {
                val block = blocks.item(b) as Element
                val ns = block.getAttribute("defaultExtensionNs")
                val children = block.childNodes
                for (c in 0 until children.length) {
                    val el = children.item(c) as? Element ?: continue
                    val point = "$ns.${el.tagName}"
                    val declared = BY_POINT[point]
                    if (declared == null) {
                        out += "<${el.tagName}> ($point): no attribute list written down for this extension point"
                        continue
                    }
                    val attrs = el.attributes
                    for (a in 0 until attrs.length) {
                        val name = attrs.item(a).nodeName
                        if (name !in declared && name !in COMMON) out += "<${el.tagName}> ($point) has '$name', which $point does not declare"
                    }
                    for (req in REQUIRED[point].orEmpty()) if (!el.hasAttribute(req)) out += "<${el.tagName}> ($point) lacks the required '$req'"
                }
            }
            return out
        }
    }

    @Test
    fun `every extension element uses only the attributes its extension point declares`() {
        assertEquals(emptyList<String>(), DeclaredAttributes.problems(pluginXml()))
    }

    @Test
    fun `the attribute check finds a label on the LSP4IJ server and an unknown point`() {
        val factory = DocumentBuilderFactory.newInstance()
        val bad = factory.newDocumentBuilder().parse(
            org.xml.sax.InputSource(
                java.io.StringReader(
                    """<idea-plugin><extensions defaultExtensionNs="com.redhat.devtools.lsp4ij">""" +
                        """<server id="x" label="X" factoryClass="a.B"/></extensions>""" +
                        """<extensions defaultExtensionNs="com.intellij"><notificationGroup id="g"/><madeUp implementation="c"/></extensions></idea-plugin>""",
                ),
            ),
        )
        val problems = DeclaredAttributes.problems(bad)
        assertEquals(3, problems.size, problems.toString())
        assertTrue(problems[0].contains("'label'"), problems.toString())
        assertTrue(problems.any { it.contains("displayType") } && problems.any { it.contains("madeUp") }, problems.toString())
    }

    @Test
    fun `callbacks use the default modality, the public plugin API, and write actions for writes`() {
        val problems = mutableListOf<String>()
        // Files, the VFS and dialogs need a write-safe context: never ModalityState.any().
        val forbidden = mapOf(
            "ModalityState.any(" to "ModalityState.any(): use the default modality (invokeLater without a state)",
            "PluginManagerCore" to "PluginManagerCore: internal in later platforms; use PluginManager.getPluginByClass",
        )
        // Changes through the VFS or documents: only inside a write action.
        val writes = listOf("setBinaryContent(", "VfsUtil.saveText(", ".setText(", "createChildData(", "createChildDirectory(", ".delete(this")
        val writeActions = listOf("WriteAction", "runWriteAction", "WriteCommandAction")
        for ((path, source) in pluginSources) {
            val name = sourcesRoot.relativize(path).toString()
            // Code only: the comments may say what is avoided and why.
            val text = source.replace(Regex("""/\*[\s\S]*?\*/"""), "").replace(Regex("""(?m)^\s*//.*$|\s//\s.*$"""), "")
            for ((f, why) in forbidden) if (text.contains(f)) problems += "$name: $why"
            for (w in writes) {
                if (text.contains(w) && writeActions.none { text.contains(it) }) problems += "$name writes ($w) outside a write action"
            }
        }
        assertEquals(emptyList<String>(), problems)
        // The one place that runs callbacks on the EDT says how.
        val service = pluginPackageDir.resolve("EliteaProjectService.kt").readText()
        assertTrue(Regex("""invokeLater \{""").containsMatchIn(service), "EliteaProjectService.call uses invokeLater with the default modality")
    }

    @Test
    fun `every class plugin xml names exists, and so does every icon file`() {
        val doc = pluginXml()
        val declared = declarations(pluginSources)
        val named = listOf("class", "instance", "implementation", "factoryClass", "implementationClass")
            .flatMap { attr -> doc.all("*").mapNotNull { el -> el.getAttribute(attr).takeIf { it.isNotEmpty() } } }
        assertTrue(named.size >= 15, named.toString())
        assertEquals(emptyList<String>(), named.filter { it !in declared }, "classes named in plugin.xml but not in the plugin's sources")
        val icons = doc.all("*").mapNotNull { it.getAttribute("icon").takeIf { i -> i.isNotEmpty() } }
        for (icon in icons) {
            if (icon.startsWith("AllIcons.")) continue
            assertTrue(Files.exists(plugin.resolve("src/main/resources").resolve(icon.removePrefix("/"))), "icon $icon")
        }
    }

    @Test
    fun `Tools ELITEA holds the ten actions, each mapped to commands of the protocol`() {
        val doc = pluginXml()
        val group = doc.all("group").single { it.getAttribute("id") == "ELITEA.Menu" }
        assertEquals("ELITEA", group.getAttribute("text"))
        assertEquals("true", group.getAttribute("popup"))
        assertTrue(group.children("add-to-group").any { it.getAttribute("group-id") == "ToolsMenu" }, "under Tools")
        val actions = group.children("action")
        assertEquals(expected.map { it.id }, actions.map { it.getAttribute("id") })

        val protocol = Files.readString(Repo.protocol)
        val apiMethods = EliteaApi::class.java.methods.map { it.name }.toSet()
        for ((want, action) in expected.zip(actions)) {
            assertEquals(want.text, action.getAttribute("text").removeSuffix("…").removeSuffix("..."), want.id)
            assertTrue(action.getAttribute("description").isNotBlank(), want.id)
            assertEquals("ai.elitea.tokens.plugin.actions.${want.simpleClass}", action.getAttribute("class"))
            val source = pluginPackageDir.resolve("actions/${want.simpleClass}.kt").readText()
            assertTrue(source.contains("class ${want.simpleClass} : EliteaAction()"), "${want.simpleClass} is an EliteaAction")
            for (command in want.commands) {
                assertTrue(command in Commands.ALL, command)
                assertTrue(protocol.contains("`$command`"), "$command is in protocol.md")
                assertTrue(Files.exists(Repo.schemas.resolve("${command.removePrefix("elitea.")}.params.json")), "$command has a schema")
                val method = command.removePrefix("elitea.")
                assertTrue(method in apiMethods, "EliteaApi.$method")
                val callers = want.callers.map { pluginPackageDir.resolve(it).readText() }
                assertTrue(callers.any { Regex("""\bit\.$method\(|\bapi\.$method\(""").containsMatchIn(it) }, "${want.id} calls $method through the typed API in ${want.callers}")
            }
        }
    }

    @Test
    fun `the plugin uses every command of the protocol, through the typed API only`() {
        val all = pluginSources.values.joinToString("\n")
        for (command in Commands.ALL) {
            val method = command.removePrefix("elitea.")
            assertTrue(Regex("""\bit\.$method\(|\bapi\.$method\(""").containsMatchIn(all), "the plugin never calls $method")
        }
        // One place builds the API over LSP4IJ's server proxy.
        val builders = pluginSources.filterValues { it.contains("EliteaApi(") }.keys.map { it.fileName.toString() }
        assertEquals(listOf("EliteaProjectService.kt"), builders)
    }

    @Test
    fun `no plugin source speaks LSP itself`() {
        val forbidden = listOf(
            "workspace/executeCommand", "executeCommand", "ExecuteCommandParams", "workspaceService", "getWorkspaceService",
            "JsonRequest", "JsonNotification", "org.eclipse.lsp4j.jsonrpc", "org.eclipse.lsp4j.launch", "org.eclipse.lsp4j.services",
            "\"elitea.", "\"elitea/", "sendNotification", "sendRequest",
        )
        // The types LSP4IJ's own API takes (its client's showMessageRequest, LSPClientFeatures.initializeParams).
        val allowedLsp4j = setOf("org.eclipse.lsp4j.MessageActionItem", "org.eclipse.lsp4j.ShowMessageRequestParams", "org.eclipse.lsp4j.InitializeParams")
        val problems = mutableListOf<String>()
        for ((path, text) in pluginSources) {
            val name = sourcesRoot.relativize(path).toString()
            for (f in forbidden) if (text.contains(f)) problems += "$name mentions $f"
            for (m in Regex("""^import\s+(org\.eclipse\.lsp4j[\w.*]*)""", RegexOption.MULTILINE).findAll(text)) {
                if (m.groupValues[1] !in allowedLsp4j) problems += "$name imports ${m.groupValues[1]}"
            }
        }
        assertEquals(emptyList<String>(), problems)
    }

    @Test
    fun `the plugin sources parse as Kotlin and import only what exists`() {
        val problems = mutableListOf<String>()
        val pluginDecl = declarations(pluginSources)
        val clientDecl = declarations(clientSources)
        for ((path, text) in pluginSources + listOf("build.gradle.kts", "settings.gradle.kts").associate { plugin.resolve(it) to plugin.resolve(it).readText() }) {
            problems += KotlinSyntax.errors(path.fileName.toString(), text)
            for (m in Regex("""^import\s+(ai\.elitea\.tokens\.[\w.]+)""", RegexOption.MULTILINE).findAll(text)) {
                val name = m.groupValues[1]
                val known = if (name.startsWith("ai.elitea.tokens.client.")) clientDecl else pluginDecl
                if (name !in known) problems += "${path.fileName} imports $name, which does not exist"
            }
        }
        assertEquals(emptyList<String>(), problems)
    }

    @Test
    fun `the syntax check finds syntax errors`() {
        assertEquals(emptyList<String>(), KotlinSyntax.errors("ok.kt", "package a\nclass A { fun f(x: Int) = x + 1 }\n"))
        assertTrue(KotlinSyntax.errors("bad.kt", "package a\nclass A { fun f(x: Int = }\n").isNotEmpty())
    }

    @Test
    fun `the Gradle build compiles the client's sources with the same Kotlin and LSP4IJ`() {
        val build = plugin.resolve("build.gradle.kts").readText()
        val props = plugin.resolve("gradle.properties").readText()
        val pom = Repo.plugin.resolveSibling("client").resolve("pom.xml").readText()
        assertTrue(build.contains("""id("org.jetbrains.intellij.platform") version "2."""), "IntelliJ Platform Gradle Plugin 2.x")
        assertTrue(build.contains("""kotlin.srcDir("../client/src/main/kotlin")"""))
        assertTrue(build.contains("javaParameters.set(true)"), "the result decoder needs parameter names")
        val kotlin = Regex("""<kotlin\.version>([^<]+)</kotlin\.version>""").find(pom)!!.groupValues[1]
        assertTrue(build.contains("""id("org.jetbrains.kotlin.jvm") version "$kotlin""""), "Kotlin $kotlin in both builds")
        assertTrue(Regex("""^platformPlugins=.*com\.redhat\.devtools\.lsp4ij:""", RegexOption.MULTILINE).containsMatchIn(props))
        assertTrue(Regex("""^pluginSinceBuild=242$""", RegexOption.MULTILINE).containsMatchIn(props), "2024.2+")
        assertTrue(props.contains("kotlin.stdlib.default.dependency=false"))
        assertNotNull(Regex("""distributionUrl=.*gradle-8\.[\d.]+-bin\.zip""").find(plugin.resolve("gradle/wrapper/gradle-wrapper.properties").readText()))
        assertTrue(Files.exists(plugin.resolve("settings.gradle.kts")))
        // LSP4J comes from LSP4IJ at run time: the plugin must not bundle its own.
        assertTrue(!build.contains("org.eclipse.lsp4j"), "no LSP4J dependency in the plugin build")
    }
}

/** The Kotlin compiler's parser (no type checking: the IntelliJ SDK is not here). */
object KotlinSyntax {
    private val project by lazy {
        val configuration = CompilerConfiguration()
        configuration.put(CommonConfigurationKeys.MESSAGE_COLLECTOR_KEY, MessageCollector.NONE)
        KotlinCoreEnvironment.createForProduction(Disposer.newDisposable(), configuration, EnvironmentConfigFiles.JVM_CONFIG_FILES).project
    }

    fun errors(name: String, text: String): List<String> {
        val file = KtPsiFactory(project, false).createFile(name, text.replace("\r\n", "\n"))
        return PsiTreeUtil.collectElementsOfType(file, PsiErrorElement::class.java).map {
            val line = text.substring(0, it.textOffset.coerceAtMost(text.length)).count { c -> c == '\n' } + 1
            "$name:$line: ${it.errorDescription}"
        }
    }
}
