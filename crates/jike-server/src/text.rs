//! Text that no field may hold, refused at the edge before anything reads it: a NUL character
//! (U+0000; PostgreSQL refuses it in `text`, SQLite would store it and every later reader
//! would be surprised) anywhere in the path, the query or a JSON body, and percent-encoded bytes
//! of the path or query that are not UTF-8. Each refusal is a 422 naming the field.

use axum::extract::Request;
use axum::http::Uri;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jike_domain::FieldError;
use percent_encoding::percent_decode;
use serde_json::Value;

use crate::error::ApiError;

const NUL: &str = "contains a NUL character (U+0000), which no text may hold";
const NOT_UTF8: &str = "is not valid UTF-8 once percent-decoded";

fn refuse(field: &str, reason: &str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(field, reason)])
}

/// The percent-decoded text of one part of the URI, or why it is refused.
fn decoded(raw: &str, plus_is_space: bool) -> Result<String, &'static str> {
    let bytes: Vec<u8> = if plus_is_space {
        raw.bytes()
            .map(|b| if b == b'+' { b' ' } else { b })
            .collect()
    } else {
        raw.as_bytes().to_vec()
    };
    let text = percent_decode(&bytes).decode_utf8().map_err(|_| NOT_UTF8)?;
    if text.contains('\0') {
        return Err(NUL);
    }
    Ok(text.into_owned())
}

/// Checks the path and each query parameter of a URI; the field named is the parameter's name
/// (or `path`).
pub fn check_uri(uri: &Uri) -> Result<(), ApiError> {
    decoded(uri.path(), false).map_err(|why| refuse("path", why))?;
    if let Some(query) = uri.query() {
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let name = decoded(k, true).map_err(|why| refuse("query", why))?;
            decoded(v, true).map_err(|why| refuse(&name, why))?;
        }
    }
    Ok(())
}

/// The middleware: refuses a request whose path or query holds what no text may hold.
pub async fn refuse_bad_uri(request: Request, next: Next) -> Response {
    match check_uri(request.uri()) {
        Ok(()) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

/// Where in a JSON document a string (or a key) holds a NUL: `field`, `events[2].note`.
fn nul_path(value: &Value, at: &str) -> Option<String> {
    match value {
        Value::String(s) if s.contains('\0') => Some(at.to_string()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_path(v, &format!("{at}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            let here = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            if k.contains('\0') {
                // The key itself: name where it is, not the key.
                Some(if at.is_empty() {
                    "body".into()
                } else {
                    at.into()
                })
            } else {
                nul_path(v, &here)
            }
        }),
        _ => None,
    }
}

/// Checks a JSON body for an escaped NUL (`\u0000`: JSON text cannot hold a raw one). The body
/// is only parsed a second time when the escape is there, to name the field.
pub fn check_json(body: &[u8]) -> Result<(), ApiError> {
    let needle = b"\\u0000";
    if !body.windows(needle.len()).any(|w| w == needle) {
        return Ok(());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => match nul_path(&value, "") {
            Some(path) if path.is_empty() => Err(refuse("body", NUL)),
            Some(path) => Err(refuse(&path, NUL)),
            // `\\u0000`: an escaped backslash followed by the text "u0000".
            None => Ok(()),
        },
        // Not JSON: the JSON extractor says so.
        Err(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(e: ApiError) -> String {
        match e {
            ApiError::Invalid(errors) => errors[0].field.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn nul_and_bad_utf8_in_uris_name_their_field() {
        let ok: Uri = "/api/v1/circuits?q=%E5%A4%A9%E6%B2%B3&limit=5"
            .parse()
            .unwrap();
        assert!(check_uri(&ok).is_ok());
        let cases = [
            ("/api/v1/circuits?q=a%00b", "q"),
            ("/api/v1/orders?customer=x&actor=%00", "actor"),
            ("/api/v1/circuits/GD%00-1", "path"),
            ("/api/v1/circuits?q=%FF%FE", "q"),
            ("/api/v1/circuits?%00=1", "query"),
            ("/api/v1/circuits/%C3", "path"),
        ];
        for (uri, want) in cases {
            let uri: Uri = uri.parse().unwrap();
            assert_eq!(field(check_uri(&uri).unwrap_err()), want, "{uri}");
        }
    }

    #[test]
    fn nul_in_json_names_its_path() {
        assert!(check_json(br#"{"name": "zhang", "password": "x"}"#).is_ok());
        assert_eq!(
            field(check_json(br#"{"name": "zh\u0000ang"}"#).unwrap_err()),
            "name"
        );
        assert_eq!(
            field(check_json(br#"{"events": [{"note": "ok"}, {"note": "\u0000"}]}"#).unwrap_err()),
            "events[1].note"
        );
        assert_eq!(field(check_json(br#"{"a\u0000": 1}"#).unwrap_err()), "body");
        assert_eq!(
            field(check_json(br#"{"x": {"a\u0000": 1}}"#).unwrap_err()),
            "x"
        );
        assert_eq!(field(check_json(br#""\u0000""#).unwrap_err()), "body");
        // An escaped backslash before "u0000" is ordinary text.
        assert!(check_json(br#"{"note": "C:\\u0000"}"#).is_ok());
        // Not JSON: left to the JSON extractor.
        assert!(check_json(br#"{"note": "\u0000"#).is_ok());
    }
}
