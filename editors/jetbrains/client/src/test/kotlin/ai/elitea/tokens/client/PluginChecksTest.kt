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
import org.junit.jupiter.api.Assertions.assertFalse
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
        ExpectedAction("ELITEA.MigrateSettings", "Migrate to Today's ELITEA Settings", "MigrateSettingsAction", listOf(Commands.MIGRATE_SETTINGS), listOf("actions/MigrateSettingsAction.kt")),
        ExpectedAction("ELITEA.RestartServer", "Restart Server", "RestartServerAction", emptyList(), emptyList()),
    )

    private val pluginPackageDir = sourcesRoot.resolve("ai/elitea/tokens/plugin")

    private fun sources(root: Path): Map<Path, String> =
        Files.walk(root).use { s -> s.filter { it.extension == "kt" }.toList() }.associateWith { it.readText() }

    private val pluginSources by lazy { sources(sourcesRoot) }

    private val bundleFile = plugin.resolve("src/main/resources/messages/EliteaBundle.properties")

    /** messages/EliteaBundle.properties, as java.util.Properties reads it (\u escapes decoded). */
    private val bundle: Map<String, String> by lazy {
        val p = java.util.Properties()
        Files.newBufferedReader(bundleFile, Charsets.ISO_8859_1).use { p.load(it) }
        p.stringPropertyNames().associateWith { p.getProperty(it) }
    }
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
        // OSProcessStreamConnectionProvider (LSP4IJ's developer guide): the server's stderr shows in
        // LSP4IJ's console; ProcessStreamConnectionProvider sends it to Redirect.INHERIT, where it is lost.
        assertTrue(factorySource.contains(": OSProcessStreamConnectionProvider()"), "the server is started by an OSProcessStreamConnectionProvider")
        assertFalse(code(factorySource).replace("OSProcessStreamConnectionProvider", "").contains("ProcessStreamConnectionProvider"), "not the ProcessStreamConnectionProvider that loses stderr")
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
            // LSP4IJ 0.17.0, FileNamePatternMappingExtensionPointBean.java.
            "com.redhat.devtools.lsp4ij.fileNamePatternMapping" to setOf("serverId", "patterns", "languageId", "documentMatcher"),
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
            // com.intellij.ide.ui.IconMapperBean (platform, its @Attribute("mappingFile")).
            "com.intellij.iconMapper" to setOf("mappingFile"),
            // Interface extension points (declared with `interface=`): the class is `implementation`.
            "com.intellij.statusBarWidgetFactory" to setOf("implementation"),
            "com.intellij.editorNotificationProvider" to setOf("implementation"),
            "com.intellij.postStartupActivity" to setOf("implementation"),
        )

        /** @RequiredElement attributes of the same sources. */
        val REQUIRED: Map<String, Set<String>> = mapOf(
            "com.redhat.devtools.lsp4ij.server" to setOf("id", "factoryClass"),
            "com.redhat.devtools.lsp4ij.languageMapping" to setOf("serverId", "language"),
            "com.redhat.devtools.lsp4ij.fileNamePatternMapping" to setOf("serverId", "patterns"),
            "com.intellij.notificationGroup" to setOf("id", "displayType"),
            "com.intellij.iconMapper" to setOf("mappingFile"),
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
    fun `callbacks run in the modality the call started in, the public plugin API, and write actions for writes`() {
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
        // The one place that runs callbacks on the EDT captures the modality the call starts in
        // (issue 24, item 1): a call made from a modal dialog answers while the dialog is open.
        val service = pluginPackageDir.resolve("EliteaProjectService.kt").readText()
        val call = service.substring(service.indexOf("fun <T> call("), service.indexOf("/** At project open"))
        val captured = call.indexOf("val modality = ModalityState.current()")
        assertTrue(captured >= 0, "EliteaProjectService.call captures ModalityState.current()")
        assertTrue(captured < call.indexOf("api()"), "captured when the call starts, before anything is sent")
        assertTrue(Regex("""invokeLater\(\{[\s\S]*\}, modality\)""").containsMatchIn(call), "the callback is posted in the captured modality")
    }

    @Test
    fun `restart is one start with forceRestart off the EDT, never stop then start`() {
        val service = pluginPackageDir.resolve("EliteaProjectService.kt").readText()
        val restart = service.substring(service.indexOf("fun restart()"), service.indexOf("fun sendConfiguration()"))
        assertTrue(restart.contains("executeOnPooledThread"), "off the EDT")
        assertTrue(restart.contains(".setForceRestart(true)"), "LSP4IJ restarts a running server itself")
        assertTrue(restart.contains(".setWillEnable(false)"), "a server the user disabled is not enabled behind their back")
        assertTrue(restart.contains("catch (e: LanguageServerException)"), "a disabled server is said, not thrown on a thread")
        val all = pluginSources.values.joinToString("\n")
        assertFalse(Regex("""LanguageServerManager\.getInstance\([^)]*\)\.stop\(|manager\.stop\(""").containsMatchIn(all), "no stop + start")
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
    fun `Tools ELITEA holds the eleven actions, each mapped to commands of the protocol`() {
        val doc = pluginXml()
        val group = doc.all("group").single { it.getAttribute("id") == "ELITEA.Menu" }
        assertEquals("ELITEA", bundle["group.ELITEA.Menu.text"])
        assertEquals("true", group.getAttribute("popup"))
        assertTrue(group.children("add-to-group").any { it.getAttribute("group-id") == "ToolsMenu" }, "under Tools")
        val actions = group.children("action")
        assertEquals(expected.map { it.id }, actions.map { it.getAttribute("id") })

        val protocol = Files.readString(Repo.protocol)
        val apiMethods = EliteaApi::class.java.methods.map { it.name }.toSet()
        for ((want, action) in expected.zip(actions)) {
            // Texts from the message bundle (action.<id>.text), none written in plugin.xml.
            assertEquals("", action.getAttribute("text"), "${want.id}: its text is the bundle's")
            assertEquals(want.text, bundle.getValue("action.${want.id}.text").removeSuffix("…").removeSuffix("..."), want.id)
            assertTrue(bundle["action.${want.id}.description"].orEmpty().isNotBlank(), want.id)
            assertEquals("ai.elitea.tokens.plugin.actions.${want.simpleClass}", action.getAttribute("class"))
            val source = pluginPackageDir.resolve("actions/${want.simpleClass}.kt").readText()
            assertTrue(source.contains("class ${want.simpleClass} : EliteaAction()"), "${want.simpleClass} is an EliteaAction")
            for (command in want.commands) {
                assertTrue(command in Commands.ALL, command)
                // elitea.migrateSettings is in the contract of issue 22 and the schemas, not yet in protocol.md.
                assertTrue(protocol.contains("`$command`") || command == Commands.MIGRATE_SETTINGS, "$command is in protocol.md")
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

    /** Code only: comments may name what is avoided and why. */
    private fun code(text: String) = text.replace(Regex("""/\*[\s\S]*?\*/"""), "").replace(Regex("""(?m)^\s*//.*$|\s//\s.*$"""), "")

    private fun source(rel: String) = pluginPackageDir.resolve(rel).readText()

    @Test
    fun `since-build 242, no until-build cap, Java 21`() {
        val doc = pluginXml()
        val version = doc.all("idea-version").single()
        assertEquals("242", version.getAttribute("since-build"))
        assertFalse(version.hasAttribute("until-build"), "the policy: no cap (build.gradle.kts says why)")
        val build = plugin.resolve("build.gradle.kts").readText()
        assertTrue(build.contains("untilBuild = provider { null }"), "the Gradle plugin does not add a cap either")
        assertTrue(Regex("""^pluginSinceBuild=242$""", RegexOption.MULTILINE).containsMatchIn(plugin.resolve("gradle.properties").readText()))
        // 2024.2+ runs on Java 21.
        assertTrue(build.contains("jvmToolchain(21)") && build.contains("JvmTarget.JVM_21"), "Java 21 target")
        assertFalse(build.contains("JVM_17") || build.contains("jvmToolchain(17)"))
    }

    private fun svgSize(path: Path): Pair<String, String> {
        val doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(path.toFile())
        return doc.documentElement.getAttribute("width") to doc.documentElement.getAttribute("height")
    }

    @Test
    fun `the plugin icon, the tool window icon and their dark twins`() {
        val res = plugin.resolve("src/main/resources")
        for (name in listOf("META-INF/pluginIcon.svg", "META-INF/pluginIcon_dark.svg")) {
            assertEquals("40" to "40", svgSize(res.resolve(name)), "$name: the 40x40 the platform asks for")
        }
        val toolWindow = pluginXml().all("toolWindow").single().getAttribute("icon").removePrefix("/")
        assertEquals("16" to "16", svgSize(res.resolve(toolWindow)), "16x16 for the new UI's stripe")
        assertEquals("16" to "16", svgSize(res.resolve(toolWindow.replace(".svg", "_dark.svg"))), "its dark twin")
    }

    @Test
    fun `the New UI has its own icons, mapped to the classic ones, each with a dark twin`() {
        val res = plugin.resolve("src/main/resources")
        val mappingFile = pluginXml().all("iconMapper").single().getAttribute("mappingFile")
        val mapping = com.google.gson.JsonParser.parseString(Files.readString(res.resolve(mappingFile))).asJsonObject
        // The platform's format: icons/expui/<name> in the New UI replaces the classic path.
        val expui = mapping.getAsJsonObject("icons").getAsJsonObject("expui")
        assertTrue(expui.size() > 0, "nothing mapped")
        for ((name, classic) in expui.entrySet()) {
            val newUi = res.resolve("icons/expui/$name")
            assertEquals("16" to "16", svgSize(newUi), "$newUi")
            assertEquals("16" to "16", svgSize(res.resolve("icons/expui/" + name.replace(".svg", "_dark.svg"))), "$name's dark twin")
            assertTrue(Files.exists(res.resolve(classic.asString)), "the classic icon $classic")
        }
        val toolWindow = pluginXml().all("toolWindow").single().getAttribute("icon").removePrefix("/")
        assertTrue(expui.entrySet().any { it.value.asString == toolWindow }, "the tool window's icon has a New UI twin")
    }

    @Test
    fun `every word of the plugin comes from its message bundle, and every key there is used`() {
        val doc = pluginXml()
        assertEquals("messages.EliteaBundle", doc.all("resource-bundle").single().textContent.trim())
        // No inline text on actions or groups: the platform reads action.<id>.text.
        for (el in doc.all("action") + doc.all("group")) {
            assertFalse(el.hasAttribute("text") || el.hasAttribute("description"), "${el.getAttribute("id")} has its text inline")
            val kind = el.tagName
            assertTrue("$kind.${el.getAttribute("id")}.text" in bundle, "$kind.${el.getAttribute("id")}.text is missing from the bundle")
        }
        val all = pluginSources.values.joinToString("\n") { code(it) }
        val prefixes = bundle.keys.map { it.substringBefore('.') }.toSet() - setOf("action", "group")
        // Every key-shaped literal with a bundle prefix must be a key (a misspelt key shows as !key! at run time).
        val literals = Regex(""""([a-z]+(?:\.[A-Za-z]+)+)"""").findAll(all).map { it.groupValues[1] }
            .filter { it.substringBefore('.') in prefixes && it.substringAfterLast('.') !in setOf("json", "xml") }.toSet()
        assertEquals(emptyList<String>(), literals.filter { it !in bundle }.sorted(), "keys used but not in the bundle")
        val messageKeys = Regex("""EliteaBundle\.message\(\s*"([^"]+)"""").findAll(all).map { it.groupValues[1] }.toSet()
        assertEquals(emptyList<String>(), messageKeys.filter { it !in bundle }.sorted(), "EliteaBundle.message keys not in the bundle")
        // And every key is used: by the sources, by plugin.xml (key=...), or as an action's text.
        val xml = plugin.resolve("src/main/resources/META-INF/plugin.xml").readText()
        val actionIds = (doc.all("action") + doc.all("group")).map { it.getAttribute("id") }.toSet()
        val unused = bundle.keys.filter { key ->
            val actionKey = Regex("""^(action|group)\.(.+)\.(text|description)$""").find(key)?.groupValues?.get(2)
            key !in literals && key !in messageKeys && !xml.contains("key=\"$key\"") && (actionKey == null || actionKey !in actionIds)
        }
        assertEquals(emptyList<String>(), unused.sorted(), "bundle keys nothing uses")
        // MessageFormat: in a value with parameters, a lone ' starts a quoted run and eats {0}.
        val lone = bundle.filter { (_, v) -> v.contains(Regex("""\{\d""")) && Regex("""(^|[^'])'([^']|$)""").containsMatchIn(v) }.keys
        assertEquals(emptyList<String>(), lone.sorted(), "parametrised values with a single quote: write ''")
    }

    @Test
    fun `no API that is deprecated at ERROR level or internal in 2024_3 and later`() {
        val problems = mutableListOf<String>()
        val forbidden = mapOf(
            // Row.textFieldWithBrowseButton(browseDialogTitle = …): DeprecationLevel.ERROR in 2024.3+.
            "textFieldWithBrowseButton(" to "Row.textFieldWithBrowseButton: deprecated at ERROR level; a TextFieldWithBrowseButton with FileChooser.chooseFile",
            "addBrowseFolderListener(" to "addBrowseFolderListener(title, …): deprecated in 2024.3+",
            "TableSpeedSearch(" to "the TableSpeedSearch constructors are deprecated: TableSpeedSearch.installOn",
            "ProcessStreamConnectionProvider()" to "OSProcessStreamConnectionProvider (stderr in the LSP console)",
        )
        for ((path, text) in pluginSources) {
            val name = sourcesRoot.relativize(path).toString()
            val c = code(text).replace("OSProcessStreamConnectionProvider()", "")
            for ((f, why) in forbidden) if (c.contains(f)) problems += "$name: $why"
        }
        assertEquals(emptyList<String>(), problems)
    }

    @Test
    fun `token values never go through CopyPasteManager, whose history keeps them`() {
        val dialogs = code(source("ui/Dialogs.kt"))
        assertFalse(dialogs.contains("CopyPasteManager"), "the token value dialog copies through SecretValues")
        val value = dialogs.substring(dialogs.indexOf("class TokenValueDialog"), dialogs.indexOf("class DeleteTokenDialog"))
        assertTrue(value.contains("SecretValues.clipboard.copy(token.token)"))
        val preview = code(source("ui/Preview.kt"))
        val copy = preview.substring(preview.indexOf("fun copy("))
        val secretBranch = copy.substring(copy.indexOf("if (info.result.tokenIncluded)"), copy.indexOf("} else {"))
        assertTrue(secretBranch.contains("SecretValues.clipboard.copy(") && !secretBranch.contains("CopyPasteManager"), "a preview holding the token")
        // The table copies only what is no secret.
        val table = code(source("ui/TokensToolWindow.kt"))
        assertTrue(table.contains("{ it.uuid }") && table.contains("{ it.masked }"))
    }

    @Test
    fun `warnings are dispatched on action and uuid, never on titles or English text`() {
        val tap = code(Repo.clientSources.resolve("ai/elitea/tokens/client/MessageRequestTap.kt").readText())
        assertFalse(tap.contains("titles") || tap.contains(".title"), "the tap does not compare titles")
        // The server's titles, as words: no source compares with them.
        val english = listOf("Rotate now", "Show tokens", "Remind me tomorrow", "Replace with a new token")
        val clientAndPlugin = (pluginSources + clientSources).mapValues { code(it.value) }
        for ((path, text) in clientAndPlugin) for (w in english) assertFalse(text.contains("\"$w"), "${path.fileName} matches the words '$w'")
        val notifications = code(source("ExpiryNotifications.kt"))
        assertTrue(notifications.contains("when (action.kind)") && notifications.contains("WarningActionKind.REPLACE"), "replace is returned like the others")
        assertTrue(notifications.contains("answer.complete(action.item)"), "the chosen item goes back as it came")
        assertTrue(notifications.contains("ExpirySuppression.shows("), "Don't show again is honoured")
        // Apply's questions: by kind and reason (ApplyFlow), never by the sentence.
        val apply = code(source("actions/ApplySettingsAction.kt"))
        assertTrue(apply.contains("ApplyFlow.question(e, params") && apply.contains("ApplyFlow.next("))
        assertFalse(Regex("""message[^)]*\.contains\(|message\s*==""").containsMatchIn(apply), "no test of the server's sentence")
    }

    @Test
    fun `sign-in and sign-out refresh every open project, and the options leave workspace folders to LSP`() {
        for (f in listOf("actions/SignInAction.kt", "actions/SignOutAction.kt")) {
            assertTrue(code(source(f)).contains("EliteaProjectService.accountChanged()"), "$f refreshes every open project")
        }
        val service = code(source("EliteaProjectService.kt"))
        assertTrue(service.contains("ProjectManager.getInstance().openProjects"))
        val all = pluginSources.values.joinToString("\n") { code(it) }
        assertFalse(all.contains("workspaceFolders"), "LSP4IJ's own workspace folders (every content root, and later changes)")
        assertTrue(code(source("EliteaSettings.kt")).contains("PluginOptions.build("), "the options as the client builds and tests them")
        assertTrue(code(source("EliteaProjectService.kt")).contains("it.changeConfiguration(EliteaSettings.getInstance().options(project))"), "every owned key, nulls included")
    }

    @Test
    fun `actions are greyed out with the reason when signed out, except the ones that need no account`() {
        val base = code(source("actions/EliteaAction.kt"))
        assertTrue(base.contains("Availability.of(requiresSignIn,") && base.contains("e.presentation.description = availability.reason"))
        val free = pluginSources.filter { (_, t) -> code(t).contains("override val requiresSignIn = false") }.keys.map { it.fileName.toString() }.sorted()
        assertEquals(listOf("MigrateSettingsAction.kt", "RestartServerAction.kt", "ShowTokensAction.kt", "SignInAction.kt"), free)
    }

    @Test
    fun `migrate shows a dry run first, and VSCode settings files are mapped to the server`() {
        val migrate = code(source("actions/MigrateSettingsAction.kt"))
        val dry = migrate.indexOf("dryRun = true")
        assertTrue(dry >= 0 && dry < migrate.indexOf("showOkCancelDialog"), "the moves are shown before anything is written")
        val mapping = pluginXml().all("fileNamePatternMapping").single { it.getAttribute("documentMatcher").endsWith(".VscodeSettingsDocumentMatcher") }
        assertEquals(setOf("settings.json", "*.code-workspace"), mapping.getAttribute("patterns").split(';').toSet())
        assertEquals("eliteaTokens", mapping.getAttribute("serverId"))
        val matcher = code(source("lsp/VscodeSettingsDocumentMatcher.kt"))
        assertTrue(matcher.contains("EliteaFiles.kind(file) == SettingsFileKind.VSCODE"), "only VSCode's settings files, by the one rule")
        val rule = code(Repo.clientSources.resolve("ai/elitea/tokens/client/SettingsFiles.kt").readText())
        assertTrue(rule.contains("\".vscode\"") && rule.contains(".code-workspace"))
        // Today's schema by default, legacy still offered.
        val settings = code(source("EliteaSettings.kt"))
        assertTrue(settings.contains("var schema by string(SCHEMA_CURRENT)"))
        val configurable = code(source("EliteaConfigurable.kt"))
        assertTrue(configurable.contains("listOf(EliteaSettings.SCHEMA_CURRENT, EliteaSettings.SCHEMA_LEGACY)"))
        assertTrue(configurable.contains("SecretStoreSetting.entries"), "one secret store choice")
        assertTrue(configurable.contains("testConnection()") && configurable.contains("PersonalTokensPage.url("), "the account part of the page")
    }

    @Test
    fun `the leak guard reaches every other text file, with only diagnostics and quick fixes there`() {
        val doc = pluginXml()
        val lsp4ij = doc.all("extensions").filter { it.getAttribute("defaultExtensionNs") == "com.redhat.devtools.lsp4ij" }
        val mappings = lsp4ij.flatMap { it.children("languageMapping") + it.children("fileNamePatternMapping") + it.children("fileTypeMapping") }
        // Three mappings, each with its own matcher, all to the one server.
        val matchers = mappings.map { it.getAttribute("documentMatcher").substringAfterLast('.') }
        assertEquals(listOf("EliteaSettingsDocumentMatcher", "VscodeSettingsDocumentMatcher", "LeakGuardDocumentMatcher"), matchers)
        assertTrue(mappings.all { it.getAttribute("serverId") == "eliteaTokens" })
        // `*`: FileNameMatcherFactory makes a WildcardFileNameMatcher of it, which accepts every name.
        val leak = mappings.single { it.getAttribute("documentMatcher").endsWith(".LeakGuardDocumentMatcher") }
        assertEquals("fileNamePatternMapping", leak.tagName)
        assertEquals("*", leak.getAttribute("patterns"))
        assertFalse(leak.hasAttribute("languageId"), "no languageId: it would be registered for `*` and win over the settings files' own")
        assertTrue(leak.getAttribute("documentMatcher") in declarations(pluginSources))
        // The matcher: local, no directory, no binary, no settings file, not too large.
        val matcher = code(source("lsp/LeakGuardDocumentMatcher.kt"))
        for (part in listOf(
            "file.isInLocalFileSystem", "!file.isDirectory", "!file.fileType.isBinary", "EliteaFiles.kind(file) == null",
            "!SingleRootFileViewProvider.isTooLargeForIntelligence(file)", "!SingleRootFileViewProvider.isTooLargeForContentLoading(file)",
        )) assertTrue(matcher.contains(part), "LeakGuardDocumentMatcher: $part")
        // One rule for settings files: the three matchers and the features ask EliteaFiles, which asks SettingsFiles.
        assertTrue(code(source("lsp/EliteaSettingsDocumentMatcher.kt")).contains("EliteaFiles.kind(file) == SettingsFileKind.JETBRAINS"))
        assertTrue(code(source("lsp/SettingsFileRule.kt")).contains("SettingsFiles.kind(file.name, file.parent?.name)"))
        val elsewhere = pluginSources.filterKeys { !it.endsWith("SettingsFileRule.kt") }.filterValues { code(it).contains("SettingsFiles.kind(") }.keys
        assertEquals(emptySet<Path>(), elsewhere, "nobody else applies the rule")
        val ruleWords = listOf("\".vscode\"", "\"alita\"", "\"elitea\"", "\"User\"", "\"settings.json\"")
        for ((path, text) in pluginSources) for (w in ruleWords) assertFalse(code(text).contains(w), "${path.fileName} has its own copy of the rule ($w)")
        // The features: set on the features the factory returns, each limited to settings files.
        val factory = code(source("lsp/EliteaLanguageServerFactory.kt"))
        assertTrue(factory.contains("override fun createClientFeatures(): LSPClientFeatures = EliteaClientFeatures()"))
        val features = code(source("lsp/EliteaClientFeatures.kt"))
        for (set in listOf("setCompletionFeature(SettingsOnlyCompletion())", "setHoverFeature(SettingsOnlyHover())", "setCodeActionFeature(QuickFixesEverywhere())")) {
            assertTrue(features.contains(set), "EliteaClientFeatures: $set")
        }
        for (limited in listOf(
            "override fun isEnabled(file: PsiFile): Boolean = EliteaFiles.isSettingsFile(file) && super.isEnabled(file)",
            "override fun isCompletionTriggerCharactersSupported(file: PsiFile, charTyped: String): Boolean",
            "override fun isIntentionActionsEnabled(file: PsiFile): Boolean",
        )) assertTrue(features.contains(limited), "EliteaClientFeatures: $limited")
        assertEquals(2, Regex("""override fun isEnabled\(file: PsiFile\)""").findAll(features).count(), "completion and hover")
        assertFalse(features.contains("isQuickFixesEnabled"), "quick fixes stay on everywhere")
        // The expiry watch and the leak guard outlive the last open file (LSP4IJ 0.17.0 has it).
        assertTrue(features.contains("override fun keepServerAlive(): Boolean = true"), "the server is kept alive")
        // commandOutcome next to secretStorage, in LSP4IJ's own initialize.
        assertTrue(features.contains("super.initializeParams(initializeParams)") && features.contains("EliteaClientCapabilities.announceLsp4ij(initializeParams.capabilities)"))
        val capabilities = code(Repo.clientSources.resolve("ai/elitea/tokens/client/EliteaServerProcess.kt").readText())
        assertTrue(capabilities.contains("announce(capabilities, \"secretStorage\", \"commandOutcome\")"))
    }

    @Test
    fun `a confirmation is a modal dialog in the non-modal state, told by its items' action`() {
        val client = code(source("lsp/EliteaLanguageServerFactory.kt"))
        val request = client.substring(client.indexOf("override fun showMessageRequest("))
        val confirm = request.indexOf("Confirmations.parse(requestParams, raw)")
        assertTrue(confirm >= 0 && confirm < request.indexOf("ExpiryWarnings.parse("), "confirmations first, from the tap's raw items")
        assertTrue(request.contains("ConfirmationDialog.ask(project, it)"))
        val dialog = code(source("ui/ConfirmationDialog.kt"))
        assertTrue(dialog.contains("MessageDialogBuilder.yesNo(") && dialog.contains("confirmation.message"), "the server's sentence in a yes/no dialog")
        assertTrue(dialog.contains(".yesText(confirmation.confirm.title)") && dialog.contains(".noText(confirmation.cancel.title)"), "its items' titles as the buttons")
        assertTrue(dialog.contains("Messages.getWarningIcon()"))
        assertTrue(Regex("""invokeLater\(\{[\s\S]*\.ask\(project\)[\s\S]*\}, ModalityState\.nonModal\(\)\)""").containsMatchIn(dialog), "on the EDT, in the non-modal state")
        assertTrue(dialog.contains("if (confirmed) confirmation.confirm.item else confirmation.cancel.item"), "the chosen item whole; no (or a close) is the cancel item")
        assertFalse(Regex("""title\s*==|\.title\.(contains|startsWith|equals)""").containsMatchIn(dialog + request), "never by the titles")
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
