// The ELITEA Tokens plugin for JetBrains IDEs (IntelliJ Platform 2024.2+), built on LSP4IJ.
// Build it where the IntelliJ Platform SDK can be downloaded: ./gradlew buildPlugin, ./gradlew runIde.
rootProject.name = "elitea-tokens-jetbrains"

pluginManagement {
    repositories {
        gradlePluginPortal()
        mavenCentral()
    }
}
