import org.jetbrains.kotlin.gradle.dsl.JvmTarget
import org.jetbrains.kotlin.gradle.dsl.KotlinVersion

plugins {
    id("java")
    // The same Kotlin as editors/jetbrains/client/pom.xml (kotlin.version).
    id("org.jetbrains.kotlin.jvm") version "2.2.21"
    id("org.jetbrains.intellij.platform") version "2.10.5"
}

group = providers.gradleProperty("pluginGroup").get()
version = providers.gradleProperty("pluginVersion").get()

repositories {
    mavenCentral()
    intellijPlatform {
        defaultRepositories()
    }
}

// The IDE-free half (typed calls of the protocol, language client, binary discovery) lives in
// ../client, a Maven module compiled and tested against the real server. It is compiled here
// from the same sources, against LSP4IJ's LSP4J: a plugin must never bundle its own LSP4J
// (LSP4IJ's developer guide: ClassCastException otherwise), nor Gson or the Kotlin stdlib,
// which the IDE has.
sourceSets {
    main {
        kotlin.srcDir("../client/src/main/kotlin")
    }
}

dependencies {
    intellijPlatform {
        create(providers.gradleProperty("platformType"), providers.gradleProperty("platformVersion"))
        plugins(providers.gradleProperty("platformPlugins").map { it.split(',').map(String::trim).filter(String::isNotEmpty) })
        pluginVerifier()
        zipSigner()
    }
}

// IntelliJ 2024.2 and later run on Java 21 (JetBrains Runtime 21): the plugin is built for it.
kotlin {
    jvmToolchain(21)
    compilerOptions {
        jvmTarget.set(JvmTarget.JVM_21)
        apiVersion.set(KotlinVersion.KOTLIN_1_9)
        // The client's result decoder reads constructor parameter names at run time.
        javaParameters.set(true)
        freeCompilerArgs.add("-Xjsr305=strict")
    }
}

intellijPlatform {
    pluginConfiguration {
        ideaVersion {
            sinceBuild = providers.gradleProperty("pluginSinceBuild")
            // The until-build policy: none. The plugin uses public, non-deprecated API only
            // (PluginChecksTest), so it is not capped to the builds that exist today; each new
            // major release is checked with `./gradlew verifyPlugin` (pluginVerification below,
            // the recommended IDEs) before a release names it.
            untilBuild = provider { null }
        }
    }
    pluginVerification {
        ides {
            recommended()
        }
    }
}

// ---------------------------------------------------------------------------------------
// The language server binaries, bundled as bin/<os>-<arch>/elitea-tokens[.exe] in the
// plugin (ServerBinary.kt looks there after ELITEA_TOKENS_SERVER_PATH and the setting).
//  - server-bin/<os>-<arch>/... : release binaries for each platform (CI puts them there);
//  - the building machine's own: -PeliteaServerBinary=PATH, else the repository's
//    target/release/elitea-tokens when it exists (cargo build --release).
// ---------------------------------------------------------------------------------------
fun currentPlatform(): String {
    val os = System.getProperty("os.name").lowercase().let {
        when {
            it.startsWith("windows") -> "windows"
            it.startsWith("mac") || it.contains("darwin") -> "macos"
            else -> "linux"
        }
    }
    val arch = when (System.getProperty("os.arch").lowercase()) {
        "amd64", "x86_64", "x64" -> "x64"
        "aarch64", "arm64" -> "arm64"
        else -> System.getProperty("os.arch").lowercase()
    }
    return "$os-$arch"
}

val exe = if (System.getProperty("os.name").lowercase().startsWith("windows")) ".exe" else ""
val localServer: File = file(
    providers.gradleProperty("eliteaServerBinary").getOrElse("../../../target/release/elitea-tokens$exe"),
)

val collectServerBinaries by tasks.registering(Sync::class) {
    description = "Lays out the elitea-tokens binaries to bundle, per OS and CPU."
    from(layout.projectDirectory.dir("server-bin"))
    if (localServer.isFile) {
        from(localServer) { into(currentPlatform()) }
    }
    into(layout.buildDirectory.dir("server-bin"))
    filePermissions { unix("rwxr-xr-x") }
}

tasks {
    prepareSandbox {
        dependsOn(collectServerBinaries)
        from(collectServerBinaries) {
            into(pluginName.map { "$it/bin" })
        }
    }

    runIde {
        // Lets `./gradlew runIde -PeliteaServerBinary=...` use a debug build without bundling it.
        providers.gradleProperty("eliteaServerBinary").orNull?.let { environment("ELITEA_TOKENS_SERVER_PATH", it) }
    }

    wrapper {
        gradleVersion = "8.14.3"
    }
}
