//! The shape docs/architecture.md describes, held: the top-level modules of `src/` depend on
//! one another without a circle (each `crate::<module>` a file names counts as a dependency of
//! the module the file is in).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every module `text` names as `crate::<name>` or inside `use crate::{...}`.
fn named_modules(text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let words = |s: &str| {
        s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| modules.contains(*w))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            out.extend(words(&group[..end]));
        } else {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            out.extend(words(&rest[..end]));
        }
    }
    out
}

#[test]
fn the_module_graph_has_no_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules: BTreeSet<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_string()))
        .filter(|m| m != "lib" && m != "main")
        .collect();
    let mut files = vec![];
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_str()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        if !modules.contains(&top) {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let mut deps = named_modules(&text, &modules);
        deps.remove(&top);
        graph.entry(top).or_default().extend(deps);
    }
    // Depth-first search for a back edge.
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, bool>,
        path: &mut Vec<String>,
    ) {
        state.insert(m.to_string(), false);
        path.push(m.to_string());
        for d in graph.get(m).into_iter().flatten() {
            match state.get(d) {
                Some(false) => {
                    let from = path.iter().position(|p| p == d).unwrap();
                    panic!(
                        "a circle between modules: {} -> {d}\nthe graph: {graph:#?}",
                        path[from..].join(" -> ")
                    );
                }
                Some(true) => {}
                None => visit(d, graph, state, path),
            }
        }
        path.pop();
        state.insert(m.to_string(), true);
    }
    let mut state = BTreeMap::new();
    for m in graph.keys() {
        if !state.contains_key(m) {
            visit(m, &graph, &mut state, &mut vec![]);
        }
    }
    // The core sits above the protocol and below both front ends.
    assert!(graph["service"].contains("protocol"));
    assert!(!graph["protocol"].contains("service"));
    assert!(!graph["service"].contains("lsp") && !graph["service"].contains("cli"));
}
