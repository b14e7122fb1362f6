//! The web console (issue 5): a Chinese-first single-page application whose pages, scripts and
//! styles are embedded in the binary (operator intranets have no internet: no CDN, nothing
//! fetched at run time). It talks to the same `/api/v1` as every other client, with the session
//! cookie and the CSRF header, so what a page shows follows the caller's role and scope exactly
//! as the API does (the store scopes the rows).
//!
//! `/` redirects to `/console/`; `/console/` is the application; `/console/{*path}` its assets.
//! Pages are addressed by the fragment (`/console/#/orders/12`), so the server never needs to
//! know the console's own routes.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use utoipa_axum::routes;

use crate::access::Allow;
use crate::routes::Routes;
use crate::AppState;

/// The console's files, from `crates/jike-server/console/`, embedded at compile time (in debug
/// builds too, so that the tests exercise what ships).
#[derive(rust_embed::RustEmbed)]
#[folder = "console/"]
struct Assets;

/// The console's pages and assets: public, as a login page must be; everything they show comes
/// from the API, under its rules.
pub(crate) fn routes() -> Routes {
    Routes::new()
        .route(Allow::Public, routes!(root))
        .route(Allow::Public, routes!(console_bare))
        .route(Allow::Public, routes!(index))
        .route(Allow::Public, routes!(asset))
}

const TAG: &str = "console 控制台";

#[utoipa::path(get, path = "/", tag = TAG, operation_id = "root", summary = "The console's address",
    responses((status = 303, description = "redirect to /console/")))]
async fn root() -> Redirect {
    Redirect::to("/console/")
}

#[utoipa::path(get, path = "/console", tag = TAG, operation_id = "console_bare",
    summary = "The console's address",
    responses((status = 303, description = "redirect to /console/")))]
async fn console_bare() -> Redirect {
    Redirect::to("/console/")
}

#[utoipa::path(get, path = "/console/", tag = TAG, operation_id = "console",
    summary = "The web console (embedded single-page application, zh-CN by default)",
    responses((status = 200, description = "the console's page")))]
async fn index(State(state): State<AppState>, headers: HeaderMap) -> Response {
    serve(&state, &headers, "index.html")
}

#[utoipa::path(get, path = "/console/{*path}", tag = TAG, operation_id = "console_asset",
    summary = "One of the console's embedded scripts, styles or images",
    responses(
        (status = 200, description = "the file (404 when there is none)"),
        (status = 404, description = "no such file"),
    ))]
async fn asset(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(path): Path<String>,
) -> Response {
    serve(&state, &headers, &path)
}

/// One file: from the development folder when `jike serve --console-dir` names one, else from
/// the binary. Revalidated on every load (`no-cache` with an ETag), so a new release's console
/// is picked up at once and an unchanged file costs a 304.
fn serve(state: &AppState, headers: &HeaderMap, path: &str) -> Response {
    if path.split('/').any(|part| part == ".." || part.is_empty()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let content_type = content_type(path);
    if let Some(dir) = &state.config.console_dir {
        return from_dir(dir, path, content_type);
    }
    let Some(file) = Assets::get(path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..16]));
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        file.data.into_owned().into_response()
    };
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    response
}

fn from_dir(dir: &std::path::Path, path: &str, content_type: &'static str) -> Response {
    match std::fs::read(dir.join(path)) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "no-store"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_console_is_embedded_with_its_entry_page() {
        let index = Assets::get("index.html").expect("index.html is embedded");
        let text = String::from_utf8_lossy(&index.data);
        assert!(text.contains("lang=\"zh-CN\""), "Chinese by default");
        // No asset from elsewhere: the intranet has no internet.
        for file in Assets::iter() {
            let data = Assets::get(&file).unwrap().data;
            let text = String::from_utf8_lossy(&data);
            for outside in ["http://", "https://"] {
                for (at, _) in text.match_indices(outside) {
                    let rest = &text[at..(at + 40).min(text.len())];
                    assert!(
                        rest.contains("www.w3.org"),
                        "{file} refers to something outside the binary: {rest}"
                    );
                }
            }
        }
    }

    /// The console's modules import in one direction: pages import the shared helpers
    /// (`nav.js`, `session.js`, `i18n.js`, `dom.js`, `api.js`), and nothing imports the shell
    /// (`app.js`), which only wires pages together.
    #[test]
    fn no_module_imports_the_shell() {
        let mut modules = 0;
        for file in Assets::iter().filter(|f| f.ends_with(".js")) {
            let data = Assets::get(&file).unwrap().data;
            let text = String::from_utf8_lossy(&data);
            for line in text
                .lines()
                .filter(|l| l.trim_start().starts_with("import "))
            {
                assert!(
                    !line.contains("app.js'"),
                    "{file} imports the shell: {line}"
                );
            }
            modules += 1;
        }
        assert!(
            modules >= 10,
            "the pages and helpers are embedded: {modules}"
        );
    }

    /// The console names every kind of the inventory, and only those: the import page offers
    /// the kinds of `import_kind` (`i18n.js`), which must be the domain's table of kinds
    /// (`jike_domain::kinds`).
    #[test]
    fn the_console_names_every_kind_and_no_other() {
        let data = Assets::get("i18n.js").unwrap().data;
        let text = String::from_utf8_lossy(&data);
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with("import_kind:"))
            .expect("i18n.js has import_kind");
        let body = line
            .split_once('{')
            .and_then(|(_, rest)| rest.rsplit_once('}'))
            .map(|(body, _)| body)
            .unwrap_or_default();
        let mut named: Vec<&str> = body
            .split("],")
            .filter_map(|entry| entry.split_once(':'))
            .map(|(key, _)| key.trim())
            .collect();
        named.sort_unstable();
        let mut kinds: Vec<&str> = jike_domain::Kind::ALL.iter().map(|k| k.code()).collect();
        kinds.sort_unstable();
        assert_eq!(named, kinds, "{line}");
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("app.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("x"), "application/octet-stream");
    }
}
