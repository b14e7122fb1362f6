//! Configuration in one place: command-line flags win over `JIKE_*` environment variables (clap
//! reads both), which win over the TOML file (`--config`, `JIKE_CONFIG`, or `./jike.toml` when it
//! exists), which wins over the defaults.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Deserialize;

pub const DEFAULT_DATABASE: &str = "sqlite://jike-data/jike.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_CONFIG_FILE: &str = "jike.toml";

/// The TOML file. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database: Option<String>,
    pub listen: Option<String>,
    pub log: Option<String>,
    /// The largest import upload, in MiB.
    pub max_upload_mb: Option<usize>,
    /// `[notify]`: webhooks and e-mail (see `jike_server::notify`).
    #[serde(default)]
    pub notify: jike_server::notify::NotifyConfig,
    /// `[auth]`: login throttling, sessions and cookies.
    #[serde(default)]
    pub auth: AuthFile,
    /// The rules and site conventions uploaded device configurations are checked with: the
    /// TOML file of `jike lint-config --config` (`serve --lint-config` wins).
    pub lint_config: Option<PathBuf>,
}

/// `[auth]` of the file; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthFile {
    /// Failed logins in a row after which answers slow down [default: 3].
    pub slow_after: Option<u32>,
    /// Failed logins in a row that lock the account [default: 5].
    pub lock_after: Option<u32>,
    /// How long a lock lasts, in minutes [default: 15].
    pub lock_minutes: Option<u32>,
    /// How long a session lasts, in hours [default: 12].
    pub session_hours: Option<u32>,
    /// Mark cookies Secure even without `X-Forwarded-Proto: https` [default: false].
    pub secure_cookies: Option<bool>,
}

impl AuthFile {
    fn resolve(&self) -> anyhow::Result<jike_server::accounts::AuthConfig> {
        let d = jike_store::users::LoginPolicy::default();
        let login = jike_store::users::LoginPolicy {
            slow_after: self.slow_after.unwrap_or(d.slow_after),
            lock_after: self.lock_after.unwrap_or(d.lock_after),
            lock_minutes: self.lock_minutes.unwrap_or(d.lock_minutes),
            session_hours: self.session_hours.unwrap_or(d.session_hours),
        };
        for (key, value, min) in [
            ("auth.lock_after", login.lock_after, 1),
            ("auth.lock_minutes", login.lock_minutes, 1),
            ("auth.session_hours", login.session_hours, 1),
        ] {
            if value < min {
                bail!("{key} must be at least {min}");
            }
        }
        Ok(jike_server::accounts::AuthConfig {
            login,
            secure_cookies: self.secure_cookies.unwrap_or(false),
        })
    }
}

impl FileConfig {
    /// Reads the file named, or `./jike.toml` when none is named and it exists.
    pub fn load(named: Option<&Path>) -> anyhow::Result<FileConfig> {
        let path: PathBuf = match named {
            Some(p) => p.to_path_buf(),
            None => {
                let default = PathBuf::from(DEFAULT_CONFIG_FILE);
                if !default.exists() {
                    return Ok(FileConfig::default());
                }
                default
            }
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
        let config: FileConfig = toml::from_str(&text)
            .with_context(|| format!("the configuration file {} is not valid", path.display()))?;
        if config.max_upload_mb == Some(0) {
            bail!("{}: max_upload_mb must be at least 1", path.display());
        }
        config
            .auth
            .resolve()
            .with_context(|| format!("the configuration file {} is not valid", path.display()))?;
        Ok(config)
    }
}

/// The resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database: String,
    pub log: String,
    pub max_upload_bytes: usize,
    pub listen: String,
    /// The file's `[notify]`; `serve` applies the `JIKE_WEBHOOK_*` and `JIKE_SMTP_*`
    /// environment over it and checks it (`NotifyConfig::with_env`).
    pub notify: jike_server::notify::NotifyConfig,
    /// `[auth]`, checked when the file was read.
    pub auth: jike_server::accounts::AuthConfig,
    /// The file's `lint_config`.
    pub lint_config: Option<PathBuf>,
}

impl Settings {
    pub fn resolve(
        database: Option<String>,
        log: Option<String>,
        listen: Option<String>,
        file: FileConfig,
    ) -> Settings {
        Settings {
            database: database
                .or(file.database)
                .unwrap_or_else(|| DEFAULT_DATABASE.to_string()),
            log: log.or(file.log).unwrap_or_else(|| "info".to_string()),
            listen: listen
                .or(file.listen)
                .unwrap_or_else(|| DEFAULT_LISTEN.to_string()),
            max_upload_bytes: file.max_upload_mb.unwrap_or(64) << 20,
            auth: file.auth.resolve().unwrap_or_default(),
            notify: file.notify,
            lint_config: file.lint_config,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let file = FileConfig {
            database: Some("sqlite://file.db".into()),
            listen: None,
            log: Some("debug".into()),
            max_upload_mb: Some(8),
            ..Default::default()
        };
        let s = Settings::resolve(Some("sqlite://flag.db".into()), None, None, file);
        assert_eq!(s.database, "sqlite://flag.db");
        assert_eq!(s.log, "debug");
        assert_eq!(s.listen, DEFAULT_LISTEN);
        assert_eq!(s.max_upload_bytes, 8 << 20);
    }

    #[test]
    fn unknown_keys_in_the_file_are_refused() {
        let dir = std::env::temp_dir().join(format!("jike-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("jike.toml");
        std::fs::write(&path, "databse = \"x\"\n").unwrap();
        let err = FileConfig::load(Some(&path)).unwrap_err();
        assert!(
            format!("{err:#}").contains("unknown field `databse`"),
            "{err:#}"
        );
    }

    #[test]
    fn the_notify_section_is_read_and_checked() {
        let dir = std::env::temp_dir().join(format!("jike-config-notify-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("jike.toml");
        std::fs::write(
            &path,
            "[notify]\nmax_attempts = 3\nbackoff_seconds = 2\n\n[[notify.webhooks]]\nurl = \"https://noc.example.com/hook\"\nsecret = \"s\"\ntopics = [\"order.*\"]\n\n[notify.email]\nhost = \"smtp.intranet\"\nfrom = \"集客 <jike@example.com>\"\nto = [\"noc@example.com\"]\n",
        )
        .unwrap();
        let file = FileConfig::load(Some(&path)).unwrap();
        let notify = file.notify.with_env(|_| None).unwrap();
        assert_eq!(notify.max_attempts, 3);
        assert_eq!(notify.webhooks[0].topics, vec!["order.*"]);
        assert_eq!(notify.email.as_ref().map(|e| e.port), Some(25));

        std::fs::write(&path, "[[notify.webhooks]]\nurl = \"hooks.example.com\"\n").unwrap();
        let file = FileConfig::load(Some(&path)).unwrap();
        let err = file.notify.with_env(|_| None).unwrap_err();
        assert_eq!(err.field, "notify.webhooks[0].url", "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
