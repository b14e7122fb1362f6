//! `jike serve` refuses notification settings that cannot work, before touching the database,
//! naming the setting.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `jike serve` and expects it to stop by itself (a refusal), returning its exit code and
/// standard error. A server that starts instead is killed and the test fails.
fn serve_refused(dir: &std::path::Path, extra: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let db = format!("sqlite://{}", dir.join("data/jike.db").display());
    let mut command = Command::new(env!("CARGO_BIN_EXE_jike"));
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--database", &db])
        .args(extra)
        .env_remove("JIKE_DATABASE")
        .env_remove("JIKE_CONFIG")
        // No ./jike.toml of the developer's is picked up.
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for var in [
        "JIKE_WEBHOOK_URL",
        "JIKE_WEBHOOK_SECRET",
        "JIKE_SMTP_HOST",
        "JIKE_SMTP_PORT",
        "JIKE_SMTP_FROM",
        "JIKE_SMTP_TO",
    ] {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    let mut child = command.spawn().expect("start jike serve");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for jike") {
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
            return (status.code().unwrap_or(-1), stderr);
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("jike serve started with settings it should refuse");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("jike-notify-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_bad_webhook_url_in_the_file_is_refused_naming_the_field() {
    let dir = temp_dir("file");
    let config = dir.join("jike.toml");
    std::fs::write(
        &config,
        "[[notify.webhooks]]\nurl = \"https://noc.example.com/ok\"\n\n\
         [[notify.webhooks]]\nurl = \"noc.example.com/hook\"\nsecret = \"s\"\n",
    )
    .unwrap();
    let (code, stderr) = serve_refused(&dir, &["--config", config.to_str().unwrap()], &[]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("notify.webhooks[1].url"), "{stderr}");
    assert!(stderr.contains("noc.example.com/hook"), "{stderr}");
    assert!(
        !dir.join("data").exists(),
        "refused before the database was created"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_notification_environment_is_refused_naming_the_variable() {
    let dir = temp_dir("env");
    let (code, stderr) = serve_refused(&dir, &[], &[("JIKE_WEBHOOK_URL", "ftp://noc.example.com")]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("JIKE_WEBHOOK_URL"), "{stderr}");
    let (_, stderr) = serve_refused(&dir, &[], &[("JIKE_SMTP_HOST", "smtp.intranet")]);
    assert!(stderr.contains("JIKE_SMTP_FROM"), "{stderr}");
    let (_, stderr) = serve_refused(
        &dir,
        &[],
        &[
            ("JIKE_SMTP_HOST", "smtp.intranet"),
            ("JIKE_SMTP_FROM", "jike@example.com"),
            ("JIKE_SMTP_TO", "noc@example.com, not-an-address"),
        ],
    );
    assert!(stderr.contains("JIKE_SMTP_TO"), "{stderr}");
    assert!(stderr.contains("not-an-address"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
