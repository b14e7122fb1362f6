//! What the integration tests share: the real `jike serve` as a child process.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Runs `jike ARGS --database DB`; its standard output, or a panic with its error output.
pub fn jike(db: &str, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_jike"))
        .args(args)
        .args(["--database", db, "--log", "warn"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run jike");
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A bearer token of a user of the database, made with the real `jike user add` (when the user
/// is missing) and `jike token create`. `extra` are `user add`'s role flags.
pub fn token_of(db: &str, name: &str, role: &str, extra: &[&str]) -> String {
    let mut add = vec!["user", "add", "--name", name, "--role", role];
    add.extend_from_slice(extra);
    let (ok, _, err) = jike(db, &add, None);
    assert!(
        ok || err.contains("taken") || err.contains("already"),
        "{err}"
    );
    let (ok, out, err) = jike(db, &["token", "create", "--user", name], None);
    assert!(ok, "{err}");
    out.trim().to_string()
}

/// An HTTP client that sends `token` with every request.
pub fn client_with(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap()
}

/// A `jike serve` child on a free port; killed when dropped. `token` is an administrator's.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub db: String,
    pub token: String,
}

impl Server {
    pub fn start(db: &str, extra: &[&str]) -> Server {
        let token = token_of(db, "admin", "admin", &[]);
        let mut child = Command::new(env!("CARGO_BIN_EXE_jike"))
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--database",
                db,
                "--log",
                "warn",
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start jike serve");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let start = line
            .find("http://")
            .unwrap_or_else(|| panic!("no URL printed: {line:?}"));
        let url = line[start..]
            .split_whitespace()
            .next()
            .unwrap()
            .trim_end_matches('/')
            .to_string();
        Server {
            child,
            base: url,
            db: db.to_string(),
            token,
        }
    }

    /// A client authenticated as the administrator.
    pub fn client(&self) -> reqwest::Client {
        client_with(&self.token)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GETs `url` and returns its JSON body, asserting 200.
pub async fn get_json(client: &reqwest::Client, url: String) -> serde_json::Value {
    let response = client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200, "GET {url}");
    response.json().await.unwrap()
}
