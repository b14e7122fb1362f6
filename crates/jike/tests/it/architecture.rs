//! The layering of the workspace, read from the sources: no two top-level modules of a crate
//! import each other in a loop (ARCHITECTURE.md), and the domain stays pure (no runtime,
//! database or HTTP crate among its dependencies).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The first path segment of every `crate::…` reference in `text`, `crate::{a, b::c}` included.
fn crate_refs(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        // `$crate::` in a macro refers to the crate too.
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && !c.is_whitespace() => {
                        out.insert(ident(&group[i..]).to_string());
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            out.insert(ident(rest).to_string());
        }
    }
    out
}

/// The modules a crate root declares (`mod x;`, `pub mod x;`, `pub(crate) mod x;`).
fn top_modules(root: &str) -> BTreeSet<String> {
    root.lines()
        .filter_map(|line| {
            let line = line.trim();
            let line = line
                .strip_prefix("pub(crate) ")
                .or_else(|| line.strip_prefix("pub "))
                .unwrap_or(line);
            let name = line.strip_prefix("mod ")?.strip_suffix(';')?;
            Some(name.trim().to_string())
        })
        .collect()
}

/// The import graph of a crate's top-level modules: module → the modules it refers to.
fn graph(src: &Path, root: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let modules = top_modules(&fs::read_to_string(root).unwrap());
    let mut edges = BTreeMap::new();
    for m in &modules {
        let mut files = Vec::new();
        let file = src.join(format!("{m}.rs"));
        if file.exists() {
            files.push(file);
        }
        rust_files(&src.join(m), &mut files);
        let mut to = BTreeSet::new();
        for f in files {
            let text = fs::read_to_string(&f).unwrap();
            to.extend(
                crate_refs(&text)
                    .into_iter()
                    .filter(|r| r != m && modules.contains(r)),
            );
        }
        edges.insert(m.clone(), to);
    }
    edges
}

/// A loop of the graph, as the path `a → b → … → a`, if there is one.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        if let Some(c) = visit(node, edges, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

#[test]
fn no_crate_has_an_import_loop_between_its_modules() {
    let mut checked = 0;
    for entry in fs::read_dir(crates_dir()).unwrap().flatten() {
        let src = entry.path().join("src");
        for root in ["lib.rs", "main.rs"] {
            let root = src.join(root);
            if !root.exists() {
                continue;
            }
            let edges = graph(&src, &root);
            if let Some(cycle) = find_cycle(&edges) {
                panic!(
                    "{}: the modules import each other in a loop: {}",
                    root.display(),
                    cycle.join(" → ")
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 7, "only {checked} crate roots found");
}

#[test]
fn the_store_has_the_modules_it_is_layered_by() {
    // The check above must see the store's modules, or it proves nothing.
    let src = crates_dir().join("jike-store/src");
    let edges = graph(&src, &src.join("lib.rs"));
    for m in ["db", "error", "page", "scope", "audit", "orders"] {
        assert!(edges.contains_key(m), "jike-store has no module {m}");
    }
    // The low layers depend on nothing above them.
    assert_eq!(edges["error"], BTreeSet::new());
    assert_eq!(edges["page"], BTreeSet::new());
    assert!(
        edges["db"].iter().all(|m| m == "error"),
        "{:?}",
        edges["db"]
    );
    assert!(
        edges["scope"].iter().all(|m| m == "db"),
        "{:?}",
        edges["scope"]
    );
    assert!(!edges["audit"].contains("orders"), "{:?}", edges["audit"]);
}

#[test]
fn a_loop_is_found_and_named() {
    let mut edges = BTreeMap::new();
    edges.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    edges.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
    edges.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(find_cycle(&edges).unwrap().join(" → "), "a → b → c → a");
    edges.insert("c".to_string(), BTreeSet::new());
    assert_eq!(find_cycle(&edges), None);
    assert_eq!(
        crate_refs(
            "use crate::{db::{Conn, Val}, error::StoreError, Store};\nx = crate::page::Page"
        ),
        BTreeSet::from(["db", "error", "Store", "page"].map(String::from))
    );
}

/// The manifest of a crate of the workspace.
fn manifest(krate: &str) -> String {
    fs::read_to_string(crates_dir().join(krate).join("Cargo.toml")).unwrap()
}

/// Whether a manifest lists `dependency` (`name = …` or `name.workspace = true`, in any of its
/// dependency tables).
fn lists(manifest: &str, dependency: &str) -> bool {
    manifest.lines().any(|line| {
        let line = line.trim();
        line.starts_with(dependency)
            && line[dependency.len()..]
                .trim_start()
                .starts_with(['=', '.'])
    })
}

/// Every `.rs` file of a crate (sources, tests, benches) that names `path` (`axum::`).
fn sources_naming(krate: &str, path: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    rust_files(&crates_dir().join(krate), &mut files);
    files
        .into_iter()
        .filter(|f| fs::read_to_string(f).unwrap().contains(path))
        .collect()
}

#[test]
fn a_dependency_is_found_in_a_manifest() {
    let text = "[dependencies]\njike-sheets.workspace = true\ncsv = \"1\"\ncsv-core = \"0.1\"\n";
    assert!(lists(text, "jike-sheets") && lists(text, "csv"));
    assert!(!lists(text, "jike") && !lists(text, "zip"));
}

#[test]
fn the_domain_depends_on_no_runtime_database_or_http_crate() {
    let manifest = manifest("jike-domain");
    for forbidden in ["tokio", "sqlx", "axum", "hyper", "reqwest", "rusqlite"] {
        assert!(
            !lists(&manifest, forbidden),
            "jike-domain depends on {forbidden}"
        );
    }
    openapi_only_behind_its_feature("jike-domain");
}

/// The OpenAPI derives are for the HTTP edge: a crate below it names utoipa only as an optional
/// dependency behind its `openapi` feature, never on by default (the server turns it on).
fn openapi_only_behind_its_feature(krate: &str) {
    let manifest = manifest(krate);
    let utoipa = manifest
        .lines()
        .find(|line| line.trim_start().starts_with("utoipa"))
        .unwrap_or_else(|| panic!("{krate} names utoipa (optional)"));
    assert!(utoipa.contains("optional = true"), "{krate}: {utoipa}");
    assert!(
        manifest.contains("openapi = [\"dep:utoipa\""),
        "{krate} has an openapi feature that turns utoipa on"
    );
    assert!(
        !manifest.contains("default = [\"openapi\"]"),
        "{krate}: the openapi feature is not a default"
    );
}

#[test]
fn the_store_knows_no_file_format_and_the_transfer_no_http_or_sql() {
    // Issue 14: the store takes and gives rows; reading and writing files is jike-transfer's.
    // Its read models' OpenAPI schemas are the HTTP edge's, behind its `openapi` feature.
    openapi_only_behind_its_feature("jike-store");
    let store = manifest("jike-store");
    assert!(
        !store
            .lines()
            .any(|l| l.trim_start().starts_with("jike-domain") && l.contains("openapi")),
        "jike-store turns the domain's openapi feature on only through its own"
    );
    for forbidden in [
        "jike-sheets",
        "jike-transfer",
        "calamine",
        "rust_xlsxwriter",
        "csv",
        "zip",
    ] {
        assert!(
            !lists(&store, forbidden),
            "jike-store depends on {forbidden}"
        );
    }
    for path in ["jike_sheets::", "jike_transfer::"] {
        assert_eq!(
            sources_naming("jike-store", path),
            Vec::<PathBuf>::new(),
            "{path}"
        );
    }
    // The server reaches files only through jike-transfer.
    let server = manifest("jike-server");
    assert!(lists(&server, "jike-transfer"));
    assert!(
        !lists(&server, "jike-sheets"),
        "jike-server depends on jike-sheets"
    );
    // jike-transfer knows file formats: no HTTP, no SQL.
    let transfer = manifest("jike-transfer");
    assert!(lists(&transfer, "jike-sheets") && lists(&transfer, "jike-store"));
    for forbidden in [
        "axum",
        "hyper",
        "tower",
        "tower-http",
        "reqwest",
        "utoipa",
        "sqlx",
        "rusqlite",
    ] {
        assert!(
            !lists(&transfer, forbidden),
            "jike-transfer depends on {forbidden}"
        );
    }
    for path in ["axum::", "hyper::", "sqlx::", "rusqlite::"] {
        assert_eq!(
            sources_naming("jike-transfer", path),
            Vec::<PathBuf>::new(),
            "{path}"
        );
    }
}
