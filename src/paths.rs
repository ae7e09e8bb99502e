//! Where the product keeps its own files, and where the editors keep theirs.
//!
//! Every rule is a pure function of the operating system and the environment (`Os`, `Env`),
//! and builds its paths as text with that system's separator, so that the Windows and macOS
//! rules are unit-tested on Linux too. The functions without `_for` apply them to this process.

use std::path::{Path, PathBuf};

use url::Url;

/// The operating systems the product ships for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[expect(
    clippy::enum_variant_names,
    reason = "MacOs is the platform's own name, not the enum's"
)]
pub(crate) enum Os {
    Linux,
    MacOs,
    Windows,
}

impl Os {
    /// The system this binary was built for (any other Unix follows the Linux rules).
    pub(crate) fn current() -> Os {
        if cfg!(windows) {
            Os::Windows
        } else if cfg!(target_os = "macos") {
            Os::MacOs
        } else {
            Os::Linux
        }
    }

    fn separator(self) -> char {
        match self {
            Os::Windows => '\\',
            _ => '/',
        }
    }
}

/// The environment, as a lookup; an empty variable counts as unset, as the editors do.
pub(crate) struct Env<'a>(&'a dyn Fn(&str) -> Option<String>);

impl<'a> Env<'a> {
    pub(crate) fn new(lookup: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Env(lookup)
    }

    fn get(&self, name: &str) -> Option<String> {
        (self.0)(name).filter(|v| !v.is_empty())
    }
}

fn process_env(name: &str) -> Option<String> {
    std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
}

/// `base` and then `parts`, each of which may hold `/`, with `os`'s separator between them.
pub(crate) fn join(os: Os, base: &str, parts: &str) -> String {
    let sep = os.separator();
    let mut out = base.to_string();
    for part in parts.split('/').filter(|p| !p.is_empty()) {
        // A root (`/`, `C:\`) already ends in a separator; anything else gets one.
        if !(out.ends_with(sep) || (os == Os::Windows && out.ends_with('/'))) {
            out.push(sep);
        }
        out.push_str(part);
    }
    out
}

fn home(os: Os, env: &Env) -> String {
    let home = match os {
        // Windows sets USERPROFILE; HOME only under MSYS or Cygwin shells.
        Os::Windows => env.get("USERPROFILE").or_else(|| env.get("HOME")),
        _ => env.get("HOME"),
    };
    home.unwrap_or_else(|| ".".to_string())
}

/// Where each system keeps per-user application data that roams with the user:
/// `%APPDATA%`, `~/Library/Application Support`, and on Linux `$XDG_DATA_HOME` for data and
/// `$XDG_CONFIG_HOME` for configuration (VSCode's settings live in the latter).
fn app_data(os: Os, env: &Env, xdg: &str, xdg_default: &str) -> String {
    match os {
        Os::Windows => env
            .get("APPDATA")
            .unwrap_or_else(|| join(os, &home(os, env), "AppData/Roaming")),
        Os::MacOs => join(os, &home(os, env), "Library/Application Support"),
        Os::Linux => env
            .get(xdg)
            .unwrap_or_else(|| join(os, &home(os, env), xdg_default)),
    }
}

/// The product's data folder: `ELITEA_TOKENS_DATA_DIR` when set (tests, portable installs),
/// else `%APPDATA%\elitea-tokens`, `~/Library/Application Support/elitea-tokens`, or
/// `$XDG_DATA_HOME/elitea-tokens` (`~/.local/share/elitea-tokens`).
pub(crate) fn data_dir_for(os: Os, env: &Env) -> String {
    if let Some(dir) = env.get("ELITEA_TOKENS_DATA_DIR") {
        return dir;
    }
    join(
        os,
        &app_data(os, env, "XDG_DATA_HOME", ".local/share"),
        "elitea-tokens",
    )
}

pub(crate) fn data_dir() -> PathBuf {
    PathBuf::from(data_dir_for(Os::current(), &Env::new(&process_env)))
}

/// The folder names of the VSCode family under the configuration folder, in the order they
/// are tried.
pub(crate) const VSCODE_FLAVOURS: [&str; 5] =
    ["Code", "Code - Insiders", "VSCodium", "Cursor", "Windsurf"];

/// The user settings.json files VSCode and its forks may use, most likely first. A portable
/// install (`VSCODE_PORTABLE`, which VSCode sets to its data folder) is the only candidate when
/// set; code-server, Linux only, keeps its settings under the data folder.
pub(crate) fn vscode_user_settings_candidates(os: Os, env: &Env) -> Vec<String> {
    if let Some(portable) = env.get("VSCODE_PORTABLE") {
        return vec![join(os, &portable, "user-data/User/settings.json")];
    }
    let config = app_data(os, env, "XDG_CONFIG_HOME", ".config");
    let mut all: Vec<String> = VSCODE_FLAVOURS
        .iter()
        .map(|f| join(os, &join(os, &config, f), "User/settings.json"))
        .collect();
    if os == Os::Linux {
        let data = app_data(os, env, "XDG_DATA_HOME", ".local/share");
        all.push(join(os, &data, "code-server/User/settings.json"));
    }
    all
}

/// VSCode's user settings.json here: the first candidate whose folder exists, else Code's.
pub(crate) fn vscode_user_settings() -> PathBuf {
    let all = vscode_user_settings_candidates(Os::current(), &Env::new(&process_env));
    all.iter()
        .map(PathBuf::from)
        .find(|p| p.parent().is_some_and(Path::is_dir))
        .unwrap_or_else(|| PathBuf::from(&all[0]))
}

/// A file inside a project folder, `relative` written with `/` (`.idea/elitea.xml`).
pub(crate) fn project_file_for(os: Os, folder: &str, relative: &str) -> String {
    join(os, folder, relative)
}

pub(crate) fn project_file(folder: &Path, relative: &str) -> PathBuf {
    PathBuf::from(project_file_for(
        Os::current(),
        &folder.to_string_lossy(),
        relative,
    ))
}

/// The `file:` URI of an absolute path of `os`, as the editors write them. Windows paths may
/// be `C:\dir`, `C:/dir`, or UNC (`\\server\share\dir`, which becomes `file://server/share/dir`).
/// None for a relative path. The product only reads URIs; this is the tests' way to write them
/// as each editor does.
#[cfg(test)]
pub(crate) fn file_uri_for(os: Os, path: &str) -> Option<Url> {
    if os != Os::Windows {
        if !path.starts_with('/') {
            return None;
        }
        let mut url = Url::parse("file:///").ok()?;
        url.set_path(&escape_percent(path));
        return Some(url);
    }
    let slashed = path.replace('\\', "/");
    if let Some(unc) = slashed.strip_prefix("//") {
        let (host, rest) = unc.split_once('/').unwrap_or((unc, ""));
        if host.is_empty() {
            return None;
        }
        let mut url = Url::parse(&format!("file://{host}/")).ok()?;
        url.set_path(&escape_percent(rest));
        return Some(url);
    }
    let bytes = slashed.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if !drive {
        return None;
    }
    let mut url = Url::parse("file:///").ok()?;
    url.set_path(&escape_percent(&format!("/{slashed}")));
    Some(url)
}

/// `set_path` takes `%XX` in its input as already escaped: a `%` of the path itself must be
/// escaped first, or `%41` in a folder name would come back as `A`.
#[cfg(test)]
fn escape_percent(path: &str) -> String {
    path.replace('%', "%25")
}

/// The path of `os` a `file:` URI names; other text is taken as a path already. VSCode writes a
/// Windows drive as `file:///c%3A/dir`: decoded, and the separators made Windows' own.
pub(crate) fn path_from_uri_for(os: Os, text: &str) -> String {
    let Ok(url) = Url::parse(text) else {
        return text.to_string();
    };
    // A single letter "scheme" is a drive (`C:\dir` parses as a URL with scheme `c`).
    if url.scheme() != "file" {
        return text.to_string();
    }
    let decoded: String = url
        .path_segments()
        .map(|segments| {
            segments
                .map(
                    |s| match percent_encoding::percent_decode_str(s).decode_utf8() {
                        Ok(d) => d.into_owned(),
                        Err(_) => s.to_string(),
                    },
                )
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_default();
    if os != Os::Windows {
        return format!("/{decoded}");
    }
    let windows = decoded.replace('/', "\\");
    match url
        .host_str()
        .filter(|h| !h.is_empty() && *h != "localhost")
    {
        Some(host) => format!("\\\\{host}\\{windows}"),
        None => windows,
    }
}

pub(crate) fn path_from_uri(text: &str) -> PathBuf {
    PathBuf::from(path_from_uri_for(Os::current(), text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    const WINDOWS: &[(&str, &str)] = &[
        ("APPDATA", r"C:\Users\Ada Lovelace\AppData\Roaming"),
        ("USERPROFILE", r"C:\Users\Ada Lovelace"),
    ];

    #[test]
    fn data_dir_per_os() {
        let linux = env(&[("HOME", "/home/ada")]);
        assert_eq!(
            data_dir_for(Os::Linux, &Env::new(&linux)),
            "/home/ada/.local/share/elitea-tokens"
        );
        let xdg = env(&[("HOME", "/home/ada"), ("XDG_DATA_HOME", "/data/ada")]);
        assert_eq!(
            data_dir_for(Os::Linux, &Env::new(&xdg)),
            "/data/ada/elitea-tokens"
        );
        // An empty XDG variable is unset, as the XDG spec says.
        let empty = env(&[("HOME", "/home/ada"), ("XDG_DATA_HOME", "")]);
        assert_eq!(
            data_dir_for(Os::Linux, &Env::new(&empty)),
            "/home/ada/.local/share/elitea-tokens"
        );
        let mac = env(&[("HOME", "/Users/ada"), ("XDG_DATA_HOME", "/ignored")]);
        assert_eq!(
            data_dir_for(Os::MacOs, &Env::new(&mac)),
            "/Users/ada/Library/Application Support/elitea-tokens"
        );
        let win = env(WINDOWS);
        assert_eq!(
            data_dir_for(Os::Windows, &Env::new(&win)),
            r"C:\Users\Ada Lovelace\AppData\Roaming\elitea-tokens"
        );
        // Without APPDATA (a stripped service environment): the profile's Roaming folder.
        let no_appdata = env(&[("USERPROFILE", r"D:\profiles\ada")]);
        assert_eq!(
            data_dir_for(Os::Windows, &Env::new(&no_appdata)),
            r"D:\profiles\ada\AppData\Roaming\elitea-tokens"
        );
        let given = env(&[
            ("HOME", "/home/ada"),
            ("ELITEA_TOKENS_DATA_DIR", r"E:\portable"),
        ]);
        assert_eq!(data_dir_for(Os::Windows, &Env::new(&given)), r"E:\portable");
    }

    #[test]
    fn vscode_settings_per_os_and_flavour() {
        let linux = env(&[("HOME", "/home/ada")]);
        assert_eq!(
            vscode_user_settings_candidates(Os::Linux, &Env::new(&linux)),
            [
                "/home/ada/.config/Code/User/settings.json",
                "/home/ada/.config/Code - Insiders/User/settings.json",
                "/home/ada/.config/VSCodium/User/settings.json",
                "/home/ada/.config/Cursor/User/settings.json",
                "/home/ada/.config/Windsurf/User/settings.json",
                "/home/ada/.local/share/code-server/User/settings.json",
            ]
        );
        let xdg = env(&[("HOME", "/home/ada"), ("XDG_CONFIG_HOME", "/cfg")]);
        assert_eq!(
            vscode_user_settings_candidates(Os::Linux, &Env::new(&xdg))[0],
            "/cfg/Code/User/settings.json"
        );
        let mac = env(&[("HOME", "/Users/ada")]);
        assert_eq!(
            vscode_user_settings_candidates(Os::MacOs, &Env::new(&mac)),
            [
                "/Users/ada/Library/Application Support/Code/User/settings.json",
                "/Users/ada/Library/Application Support/Code - Insiders/User/settings.json",
                "/Users/ada/Library/Application Support/VSCodium/User/settings.json",
                "/Users/ada/Library/Application Support/Cursor/User/settings.json",
                "/Users/ada/Library/Application Support/Windsurf/User/settings.json",
            ]
        );
        let win = env(WINDOWS);
        assert_eq!(
            vscode_user_settings_candidates(Os::Windows, &Env::new(&win)),
            [
                r"C:\Users\Ada Lovelace\AppData\Roaming\Code\User\settings.json",
                r"C:\Users\Ada Lovelace\AppData\Roaming\Code - Insiders\User\settings.json",
                r"C:\Users\Ada Lovelace\AppData\Roaming\VSCodium\User\settings.json",
                r"C:\Users\Ada Lovelace\AppData\Roaming\Cursor\User\settings.json",
                r"C:\Users\Ada Lovelace\AppData\Roaming\Windsurf\User\settings.json",
            ]
        );
    }

    #[test]
    fn vscode_portable_mode() {
        let win = env(&[
            ("APPDATA", r"C:\Users\ada\AppData\Roaming"),
            ("VSCODE_PORTABLE", r"E:\VSCode\data"),
        ]);
        assert_eq!(
            vscode_user_settings_candidates(Os::Windows, &Env::new(&win)),
            [r"E:\VSCode\data\user-data\User\settings.json"]
        );
        let mac = env(&[
            ("HOME", "/Users/ada"),
            ("VSCODE_PORTABLE", "/Applications/code-portable-data"),
        ]);
        assert_eq!(
            vscode_user_settings_candidates(Os::MacOs, &Env::new(&mac)),
            ["/Applications/code-portable-data/user-data/User/settings.json"]
        );
        let linux = env(&[
            ("HOME", "/home/ada"),
            ("VSCODE_PORTABLE", "/opt/vscode/data/"),
        ]);
        assert_eq!(
            vscode_user_settings_candidates(Os::Linux, &Env::new(&linux)),
            ["/opt/vscode/data/user-data/User/settings.json"]
        );
    }

    #[test]
    fn project_files_per_os() {
        assert_eq!(
            project_file_for(Os::Linux, "/home/ada/proj", ".idea/elitea.xml"),
            "/home/ada/proj/.idea/elitea.xml"
        );
        assert_eq!(
            project_file_for(Os::MacOs, "/Users/ada/My Project/", ".vscode/settings.json"),
            "/Users/ada/My Project/.vscode/settings.json"
        );
        assert_eq!(
            project_file_for(Os::Windows, r"C:\work\proj", ".idea/alita.xml"),
            r"C:\work\proj\.idea\alita.xml"
        );
        // A drive's root already ends in its separator.
        assert_eq!(
            project_file_for(Os::Windows, r"D:\", ".vscode/settings.json"),
            r"D:\.vscode\settings.json"
        );
        assert_eq!(
            project_file_for(Os::Windows, r"\\fileserver\team\proj", ".idea/elitea.xml"),
            r"\\fileserver\team\proj\.idea\elitea.xml"
        );
    }

    #[test]
    fn file_uris_of_windows_paths() {
        let uri = |p| file_uri_for(Os::Windows, p).map(|u| u.to_string());
        assert_eq!(
            uri(r"C:\Users\Ada Lovelace\proj").as_deref(),
            Some("file:///C:/Users/Ada%20Lovelace/proj")
        );
        assert_eq!(uri("c:/proj#1").as_deref(), Some("file:///c:/proj%231"));
        assert_eq!(
            uri(r"\\fileserver\team\proj").as_deref(),
            Some("file://fileserver/team/proj")
        );
        assert_eq!(uri(r"proj\relative"), None);
        assert_eq!(uri(r"\\"), None);
        assert_eq!(uri("C:"), None);
    }

    #[test]
    fn file_uris_of_unix_paths() {
        for os in [Os::Linux, Os::MacOs] {
            assert_eq!(
                file_uri_for(os, "/Users/ada/My Project/ü").map(|u| u.to_string()),
                Some("file:///Users/ada/My%20Project/%C3%BC".to_string())
            );
            assert_eq!(file_uri_for(os, "relative/dir"), None);
        }
    }

    #[test]
    fn paths_from_uris() {
        // VSCode's own form: lower-case drive, the colon escaped.
        assert_eq!(
            path_from_uri_for(Os::Windows, "file:///c%3A/Users/Ada%20Lovelace/proj"),
            r"c:\Users\Ada Lovelace\proj"
        );
        assert_eq!(
            path_from_uri_for(Os::Windows, "file://fileserver/team/proj"),
            r"\\fileserver\team\proj"
        );
        assert_eq!(
            path_from_uri_for(Os::Linux, "file:///home/ada/My%20Project"),
            "/home/ada/My Project"
        );
        // Plain paths, as JetBrains sends them, are kept: a drive letter is not a scheme here.
        assert_eq!(path_from_uri_for(Os::Windows, r"C:\proj"), r"C:\proj");
        assert_eq!(path_from_uri_for(Os::Linux, "/home/ada"), "/home/ada");
    }

    #[test]
    fn uris_round_trip() {
        for (os, p) in [
            (Os::Windows, r"C:\Users\Ada Lovelace\proj %41 #x"),
            (Os::Windows, r"\\fileserver\team share\proj"),
            (Os::Linux, "/home/ada/proj %41 #x/ü"),
            (Os::MacOs, "/Users/ada/Library/Application Support/Code"),
        ] {
            let uri = file_uri_for(os, p).unwrap();
            assert_eq!(path_from_uri_for(os, uri.as_str()), p, "{uri}");
        }
    }
}
