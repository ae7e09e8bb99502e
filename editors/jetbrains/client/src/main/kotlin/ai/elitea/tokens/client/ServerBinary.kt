package ai.elitea.tokens.client

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths

/**
 * Where the `elitea-tokens` binary is: the environment variable `ELITEA_TOKENS_SERVER_PATH`,
 * else the path in the plugin's settings, else the binary bundled in the plugin for the
 * running OS and CPU (`bin/<os>-<arch>/elitea-tokens[.exe]` under the plugin's folder).
 *
 * A path the user gave that does not lead to an executable file is an error, not a reason to
 * quietly run another binary.
 */
object ServerBinary {
    const val ENV = "ELITEA_TOKENS_SERVER_PATH"
    const val NAME = "elitea-tokens"

    enum class Source(val description: String) {
        ENVIRONMENT("the environment variable $ENV"),
        SETTING("the server path in Settings | Tools | ELITEA"),
        BUNDLED("the binary bundled with the plugin"),
    }

    data class Platform(val os: String, val arch: String) {
        /** `linux-x64`, `macos-arm64`, `windows-x64`, ... */
        val dirName: String get() = "$os-$arch"
        val executableName: String get() = if (os == "windows") "$NAME.exe" else NAME

        companion object {
            fun of(osName: String, osArch: String): Platform {
                val n = osName.lowercase()
                val os = when {
                    n.startsWith("windows") -> "windows"
                    n.startsWith("mac") || n.contains("darwin") -> "macos"
                    n.startsWith("linux") -> "linux"
                    else -> n.replace(Regex("[^a-z0-9]+"), "")
                }
                val arch = when (osArch.lowercase()) {
                    "amd64", "x86_64", "x64" -> "x64"
                    "aarch64", "arm64" -> "arm64"
                    else -> osArch.lowercase()
                }
                return Platform(os, arch)
            }

            fun current(): Platform = of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""))
        }
    }

    sealed class Resolution {
        data class Found(val path: Path, val source: Source) : Resolution()

        /** [message] says what was looked at and what to do. */
        data class NotFound(val message: String) : Resolution()
    }

    /** The bundled binary's path for [platform] under the plugin's folder. */
    fun bundledPath(pluginRoot: Path, platform: Platform): Path =
        pluginRoot.resolve("bin").resolve(platform.dirName).resolve(platform.executableName)

    fun resolve(
        env: Map<String, String> = System.getenv(),
        setting: String? = null,
        pluginRoot: Path? = null,
        platform: Platform = Platform.current(),
    ): Resolution {
        env[ENV]?.trim()?.takeIf { it.isNotEmpty() }?.let { return check(it, Source.ENVIRONMENT) }
        setting?.trim()?.takeIf { it.isNotEmpty() }?.let { return check(it, Source.SETTING) }
        if (pluginRoot == null) {
            return Resolution.NotFound(
                "No $NAME binary: set its path in Settings | Tools | ELITEA, or the environment variable $ENV.",
            )
        }
        val bundled = bundledPath(pluginRoot, platform)
        if (!Files.isRegularFile(bundled)) {
            return Resolution.NotFound(
                "The plugin has no $NAME binary for ${platform.dirName}. Build it (cargo build --release) and " +
                    "set its path in Settings | Tools | ELITEA, or the environment variable $ENV.",
            )
        }
        // A plugin's zip does not always keep the executable bit.
        if (!Files.isExecutable(bundled)) bundled.toFile().setExecutable(true)
        if (!Files.isExecutable(bundled)) {
            return Resolution.NotFound("The bundled $bundled cannot be run: make it executable.")
        }
        return Resolution.Found(bundled, Source.BUNDLED)
    }

    private fun check(raw: String, source: Source): Resolution {
        val path = try {
            Paths.get(expandHome(raw))
        } catch (e: Exception) {
            return Resolution.NotFound("${source.description.replaceFirstChar { it.uppercase() }} is not a valid path: $raw")
        }
        return when {
            !Files.exists(path) -> Resolution.NotFound(
                "${source.description.replaceFirstChar { it.uppercase() }} points to $path, which does not exist.",
            )
            Files.isDirectory(path) -> Resolution.NotFound(
                "${source.description.replaceFirstChar { it.uppercase() }} points to the folder $path, not to the $NAME binary.",
            )
            !Files.isExecutable(path) -> Resolution.NotFound(
                "${source.description.replaceFirstChar { it.uppercase() }} points to $path, which is not executable.",
            )
            else -> Resolution.Found(path.toAbsolutePath(), source)
        }
    }

    private fun expandHome(raw: String): String =
        if (raw == "~" || raw.startsWith("~/")) System.getProperty("user.home") + raw.substring(1) else raw

    /** The command line LSP4IJ (or [EliteaServerProcess]) starts. */
    fun command(binary: Path, logLevel: String? = null): List<String> =
        buildList {
            add(binary.toString())
            if (logLevel != null) {
                add("--log-level")
                add(logLevel)
            }
            add("lsp")
        }
}
