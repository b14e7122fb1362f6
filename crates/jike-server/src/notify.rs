//! Notifications: where they go (`[notify]` in the configuration), the worker that delivers the
//! outbox by webhook and by e-mail, and `GET /api/v1/notifications`.
//!
//! # Webhooks
//!
//! Each notification is an HTTP `POST` of its payload (a JSON object) to the URL, with:
//!
//! | header | value |
//! | --- | --- |
//! | `Content-Type` | `application/json` |
//! | `X-Jike-Event` | the topic, e.g. `order.breached` |
//! | `X-Jike-Delivery` | the notification's id: the same on every retry, so a receiver can drop duplicates |
//! | `X-Jike-Timestamp` | when this attempt was sent, in Unix seconds |
//! | `X-Jike-Signature` | `sha256=` and the lowercase hex HMAC-SHA256, keyed with the webhook's `secret`, of `<timestamp>.<body>` (only when a secret is configured) |
//!
//! A receiver checks the signature by computing the HMAC of the `X-Jike-Timestamp` value, a
//! dot and the raw body bytes, comparing in constant time, and refusing timestamps more than a
//! few minutes old (which stops replays). Any 2xx answer means delivered; any other status, a
//! refused connection or no answer within 10 s is a failed attempt, retried after
//! `backoff_seconds × 2^(n−1)` (at most one hour) until `max_attempts`. Delivery is at least
//! once: a worker that dies after sending but before recording sends again.
//!
//! # E-mail
//!
//! One message per recipient through the configured relay (plain SMTP by default; `tls =
//! "starttls"` or `"tls"` for an encrypted one). The subject is the payload's `subject` string,
//! else the topic; the body is plain UTF-8 text: the payload's `text` string when it has one,
//! then the notification's particulars and the whole payload.

use std::collections::HashSet;
use std::future::Future;
use std::sync::{Arc, LazyLock};
use std::time::Instant;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use jike_domain::FieldError;
use jike_store::outbox::{
    AttemptResult, Channel, Claimed, DeliveryStatus, NotificationQuery, Recorded, RetryPolicy,
    Target,
};
use jike_store::Store;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::Deserialize;
use sha2::Sha256;
use tokio::sync::Notify;

use crate::error::ApiError;
use crate::AppState;

/// The `[notify]` section of the configuration file.
#[derive(Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct NotifyConfig {
    /// `[[notify.webhooks]]`: each receives the topics it names.
    pub webhooks: Vec<WebhookConfig>,
    /// `[notify.email]`: one relay, its recipients receive the topics it names.
    pub email: Option<EmailConfig>,
    /// Attempts per notification, the first included (default 8).
    pub max_attempts: u32,
    /// The wait after the first failed attempt, in seconds (default 5); it doubles after each
    /// further failure, up to one hour.
    pub backoff_seconds: f64,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        NotifyConfig {
            webhooks: Vec::new(),
            email: None,
            max_attempts: 8,
            backoff_seconds: 5.0,
        }
    }
}

#[derive(Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    /// `http://` or `https://`.
    pub url: String,
    /// Signs each request (`X-Jike-Signature`); none, no signature.
    #[serde(default)]
    pub secret: Option<String>,
    /// The topics sent here; empty, all. `order.*` is every topic that starts with `order.`.
    #[serde(default)]
    pub topics: Vec<String>,
}

#[derive(Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EmailConfig {
    /// The SMTP relay.
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    /// The sender, `jike@example.com` or `集客保障 <jike@example.com>`.
    pub from: String,
    /// The recipients; each gets a message of its own.
    pub to: Vec<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    /// The topics mailed; empty, all.
    #[serde(default)]
    pub topics: Vec<String>,
    /// `none` (default: plain SMTP, for intranet relays), `starttls` (required, usually port
    /// 587) or `tls` (implicit TLS, usually port 465).
    #[serde(default)]
    pub tls: SmtpTls,
}

fn default_smtp_port() -> u16 {
    25
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    #[default]
    None,
    Starttls,
    Tls,
}

// Debug by hand: secrets and passwords must not reach the logs.
impl std::fmt::Debug for NotifyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifyConfig")
            .field("webhooks", &self.webhooks)
            .field("email", &self.email)
            .field("max_attempts", &self.max_attempts)
            .field("backoff_seconds", &self.backoff_seconds)
            .finish()
    }
}

impl std::fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("url", &self.url)
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .field("topics", &self.topics)
            .finish()
    }
}

impl std::fmt::Debug for EmailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("to", &self.to)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("topics", &self.topics)
            .field("tls", &self.tls)
            .finish()
    }
}

/// A setting that cannot work, naming it as the user wrote it (`notify.webhooks[0].url`, or
/// the environment variable).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct NotifyConfigError {
    pub field: String,
    pub reason: String,
}

fn bad(field: impl Into<String>, reason: impl Into<String>) -> NotifyConfigError {
    NotifyConfigError {
        field: field.into(),
        reason: reason.into(),
    }
}

/// Why the delivery worker cannot start.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("invalid notification settings: {0}")]
    Config(#[from] NotifyConfigError),
    #[error("cannot set up the HTTP client for webhooks: {0}")]
    Http(String),
    #[error("cannot set up the SMTP client: {0}")]
    Smtp(String),
}

impl NotifyConfig {
    /// Applies the environment over the file's settings, then checks the result.
    ///
    /// `JIKE_WEBHOOK_URL` replaces the file's webhooks with one that receives every topic,
    /// signed with `JIKE_WEBHOOK_SECRET`; without a URL, `JIKE_WEBHOOK_SECRET` is the secret of
    /// every webhook of the file that names none (so that secrets stay out of files).
    /// `JIKE_SMTP_HOST`, `JIKE_SMTP_PORT`, `JIKE_SMTP_FROM`, `JIKE_SMTP_TO` (comma-separated),
    /// `JIKE_SMTP_USERNAME` and `JIKE_SMTP_PASSWORD` each replace that setting of
    /// `[notify.email]`, or make one. Empty variables count as unset.
    pub fn with_env(
        mut self,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<NotifyConfig, NotifyConfigError> {
        let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let secret = var("JIKE_WEBHOOK_SECRET");
        if let Some(url) = var("JIKE_WEBHOOK_URL") {
            check_url("JIKE_WEBHOOK_URL", url.trim())?;
            self.webhooks = vec![WebhookConfig {
                url: url.trim().to_string(),
                secret,
                topics: Vec::new(),
            }];
        } else if let Some(secret) = secret {
            if self.webhooks.is_empty() {
                return Err(bad(
                    "JIKE_WEBHOOK_SECRET",
                    "is set but no webhook is configured; set JIKE_WEBHOOK_URL too",
                ));
            }
            for w in self.webhooks.iter_mut().filter(|w| w.secret.is_none()) {
                w.secret = Some(secret.clone());
            }
        }

        let host = var("JIKE_SMTP_HOST");
        let port = var("JIKE_SMTP_PORT");
        let from = var("JIKE_SMTP_FROM");
        let to = var("JIKE_SMTP_TO");
        let username = var("JIKE_SMTP_USERNAME");
        let password = var("JIKE_SMTP_PASSWORD");
        let any = [&host, &port, &from, &to, &username, &password]
            .iter()
            .any(|v| v.is_some());
        if any {
            let base = self.email.take();
            let missing = |name: &str| {
                bad(
                    name,
                    "is required to send e-mail (set it, or the matching key of [notify.email])",
                )
            };
            let port = match port {
                Some(p) => p
                    .trim()
                    .parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| bad("JIKE_SMTP_PORT", format!("'{p}' is not a port number")))?,
                None => base.as_ref().map_or(25, |b| b.port),
            };
            if let Some(from) = &from {
                check_mailbox("JIKE_SMTP_FROM", from)?;
            }
            let to = match to {
                Some(list) => {
                    let to: Vec<String> = list
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect();
                    for addr in &to {
                        check_address("JIKE_SMTP_TO", addr)?;
                    }
                    to
                }
                None => base.as_ref().map(|b| b.to.clone()).unwrap_or_default(),
            };
            self.email = Some(EmailConfig {
                host: host
                    .or_else(|| base.as_ref().map(|b| b.host.clone()))
                    .ok_or_else(|| missing("JIKE_SMTP_HOST"))?,
                port,
                from: from
                    .or_else(|| base.as_ref().map(|b| b.from.clone()))
                    .ok_or_else(|| missing("JIKE_SMTP_FROM"))?,
                username: username.or_else(|| base.as_ref().and_then(|b| b.username.clone())),
                password: password.or_else(|| base.as_ref().and_then(|b| b.password.clone())),
                topics: base.as_ref().map(|b| b.topics.clone()).unwrap_or_default(),
                tls: base.as_ref().map_or(SmtpTls::None, |b| b.tls),
                to,
            });
            if self.email.as_ref().is_some_and(|e| e.to.is_empty()) {
                return Err(missing("JIKE_SMTP_TO"));
            }
        }
        self.validate()?;
        Ok(self)
    }

    /// Checks every setting; the error names the first bad one.
    pub fn validate(&self) -> Result<(), NotifyConfigError> {
        for (i, w) in self.webhooks.iter().enumerate() {
            check_url(&format!("notify.webhooks[{i}].url"), &w.url)?;
            if w.secret.as_deref().is_some_and(|s| s.is_empty()) {
                return Err(bad(
                    format!("notify.webhooks[{i}].secret"),
                    "is empty; remove it to send unsigned requests",
                ));
            }
            check_topics(&format!("notify.webhooks[{i}].topics"), &w.topics)?;
        }
        if let Some(e) = &self.email {
            if e.host.trim().is_empty() {
                return Err(bad("notify.email.host", "must name the SMTP relay"));
            }
            if e.port == 0 {
                return Err(bad(
                    "notify.email.port",
                    "must be a port number, 1 to 65535",
                ));
            }
            check_mailbox("notify.email.from", &e.from)?;
            if e.to.is_empty() {
                return Err(bad("notify.email.to", "must list at least one recipient"));
            }
            for (i, to) in e.to.iter().enumerate() {
                check_address(&format!("notify.email.to[{i}]"), to)?;
            }
            if e.username.is_some() != e.password.is_some() {
                return Err(bad(
                    "notify.email.password",
                    "username and password go together: set both or neither",
                ));
            }
            check_topics("notify.email.topics", &e.topics)?;
        }
        if self.max_attempts == 0 || self.max_attempts > 100 {
            return Err(bad("notify.max_attempts", "must be from 1 to 100"));
        }
        if !(self.backoff_seconds.is_finite()
            && self.backoff_seconds >= 0.001
            && self.backoff_seconds <= 3600.0)
        {
            return Err(bad(
                "notify.backoff_seconds",
                "must be from 0.001 to 3600 seconds",
            ));
        }
        Ok(())
    }

    /// Where a notification of `topic` goes: each webhook and each e-mail recipient that takes
    /// the topic, once.
    pub fn targets_for(&self, topic: &str) -> Vec<Target> {
        let mut seen = HashSet::new();
        let webhooks = self
            .webhooks
            .iter()
            .filter(|w| takes(&w.topics, topic))
            .map(|w| Target {
                channel: Channel::Webhook,
                target: w.url.clone(),
            });
        let mails = self
            .email
            .iter()
            .filter(|e| takes(&e.topics, topic))
            .flat_map(|e| e.to.iter())
            .map(|to| Target {
                channel: Channel::Email,
                target: to.trim().to_string(),
            });
        webhooks
            .chain(mails)
            .filter(|t| seen.insert(t.clone()))
            .collect()
    }

    /// When to retry and when to give up.
    pub fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            max_attempts: self.max_attempts.max(1),
            backoff: chrono::Duration::milliseconds(
                (self.backoff_seconds.clamp(0.001, 3600.0) * 1000.0).round() as i64,
            ),
        }
    }
}

/// The store asks this when an order change or a fired timer writes notifications.
impl jike_store::Fanout for NotifyConfig {
    fn targets(&self, topic: &str) -> Vec<Target> {
        self.targets_for(topic)
    }
}

/// Whether a list of topic patterns takes `topic`: empty takes all; `prefix*` takes every topic
/// that starts with `prefix`.
fn takes(patterns: &[String], topic: &str) -> bool {
    patterns.is_empty()
        || patterns.iter().any(|p| match p.strip_suffix('*') {
            Some(prefix) => topic.starts_with(prefix),
            None => p == topic,
        })
}

fn check_url(field: &str, url: &str) -> Result<(), NotifyConfigError> {
    let parsed =
        reqwest::Url::parse(url).map_err(|e| bad(field, format!("'{url}' is not a URL ({e})")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(bad(
            field,
            format!("'{url}' is not an http:// or https:// URL with a host"),
        ));
    }
    Ok(())
}

fn check_mailbox(field: &str, mailbox: &str) -> Result<(), NotifyConfigError> {
    mailbox.trim().parse::<Mailbox>().map(|_| ()).map_err(|e| {
        bad(
            field,
            format!("'{mailbox}' is not an e-mail address ({e}); write a@b.cn or 名字 <a@b.cn>"),
        )
    })
}

fn check_address(field: &str, address: &str) -> Result<(), NotifyConfigError> {
    address
        .trim()
        .parse::<Address>()
        .map(|_| ())
        .map_err(|e| bad(field, format!("'{address}' is not an e-mail address ({e})")))
}

fn check_topics(field: &str, topics: &[String]) -> Result<(), NotifyConfigError> {
    match topics.iter().position(|t| t.trim().is_empty()) {
        Some(i) => Err(bad(format!("{field}[{i}]"), "is empty")),
        None => Ok(()),
    }
}

/// The `X-Jike-Signature` value: `sha256=` and the hex HMAC-SHA256 of `<timestamp>.<body>`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC takes a key of any length; new_from_slice cannot fail for it.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Rows claimed per round; all of them are delivered at once, so that each starts well within
/// its lease.
pub const BATCH: u32 = 16;
/// How long a claimed row stays a worker's. It must outlast the slowest delivery (an e-mail:
/// [`EMAIL_TIMEOUT`]) with room to record it, since after it another worker may send again.
const LEASE: chrono::Duration = chrono::Duration::seconds(90);
const WEBHOOK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
const EMAIL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// The wait when nothing is due; [`wake`] cuts it short.
const IDLE: std::time::Duration = std::time::Duration::from_millis(250);
/// The wait after the database failed, so that an outage is not hammered.
const ON_ERROR: std::time::Duration = std::time::Duration::from_secs(2);

/// Every worker of this process waits on this; see [`wake`].
static WAKE: LazyLock<Arc<Notify>> = LazyLock::new(|| Arc::new(Notify::new()));

/// Tells the delivery workers of this process that rows were enqueued, so they look now rather
/// than after their idle wait. Call it after the enqueuing transaction committed.
pub fn wake() {
    WAKE.notify_waiters();
}

/// What [`wake`] notifies, for code that takes a `Notify` (the scheduler's `fired`):
/// `notify_waiters()` on it is [`wake`].
pub fn waker() -> Arc<Notify> {
    WAKE.clone()
}

/// A name for this process's worker, distinct across hosts and restarts: the lease owner.
pub fn worker_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "jike".to_string());
    format!(
        "{host}/{}/{}",
        std::process::id(),
        Utc::now().timestamp_millis()
    )
}

/// What sends: the HTTP client and the SMTP transport, built once.
struct Sender {
    http: reqwest::Client,
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    config: Arc<NotifyConfig>,
    retry: RetryPolicy,
}

impl Sender {
    fn new(config: Arc<NotifyConfig>) -> Result<Sender, NotifyError> {
        config.validate()?;
        let http = reqwest::Client::builder()
            .timeout(WEBHOOK_TIMEOUT)
            .user_agent(concat!("jike/", env!("CARGO_PKG_VERSION")))
            // A webhook is the URL configured: a redirect would send the payload elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| NotifyError::Http(e.to_string()))?;
        let smtp = match &config.email {
            None => None,
            Some(e) => Some(smtp_transport(e)?),
        };
        Ok(Sender {
            http,
            smtp,
            retry: config.retry_policy(),
            config,
        })
    }

    async fn deliver(&self, row: &Claimed) -> AttemptResult {
        let at = Utc::now();
        let started = Instant::now();
        let (status_code, error) = match row.channel {
            Channel::Webhook => self.webhook(row).await,
            Channel::Email => self.email(row).await,
        };
        AttemptResult {
            at,
            ok: error.is_none(),
            status_code,
            error,
            duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        }
    }

    /// The HTTP status, and the problem when it is not a success.
    async fn webhook(&self, row: &Claimed) -> (Option<i64>, Option<String>) {
        // The secret lives in the configuration, not in the database: a URL that was removed
        // from the configuration is no longer a place to send data to.
        let Some(hook) = self.config.webhooks.iter().find(|w| w.url == row.target) else {
            return (
                None,
                Some("no webhook with this URL is configured any more".into()),
            );
        };
        let timestamp = Utc::now().timestamp();
        let mut request = self
            .http
            .post(&row.target)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-Jike-Event", &row.topic)
            .header("X-Jike-Delivery", row.id.to_string())
            .header("X-Jike-Timestamp", timestamp.to_string());
        if let Some(secret) = &hook.secret {
            request = request.header(
                "X-Jike-Signature",
                signature(secret, timestamp, row.payload.as_bytes()),
            );
        }
        match request.body(row.payload.clone()).send().await {
            Ok(response) => {
                let status = response.status();
                if status.is_success() {
                    (Some(i64::from(status.as_u16())), None)
                } else {
                    // A little of the answer helps whoever reads the attempt log.
                    let text = response.text().await.unwrap_or_default();
                    let excerpt: String = text.chars().take(200).collect();
                    let mut error = format!("HTTP {status}");
                    if !excerpt.trim().is_empty() {
                        error.push_str(": ");
                        error.push_str(excerpt.trim());
                    }
                    (Some(i64::from(status.as_u16())), Some(error))
                }
            }
            Err(e) => (
                e.status().map(|s| i64::from(s.as_u16())),
                Some(error_chain(&e)),
            ),
        }
    }

    /// The SMTP reply code, and the problem when the relay did not take the message.
    async fn email(&self, row: &Claimed) -> (Option<i64>, Option<String>) {
        let (Some(smtp), Some(config)) = (&self.smtp, &self.config.email) else {
            return (None, Some("no [notify.email] relay is configured".into()));
        };
        let message = match email_message(config, row) {
            Ok(m) => m,
            Err(e) => return (None, Some(e)),
        };
        match tokio::time::timeout(EMAIL_TIMEOUT, smtp.send(message)).await {
            Ok(Ok(response)) => (code(&response.code()), None),
            Ok(Err(e)) => (
                e.status().and_then(|c| code(&c)),
                Some(format!("SMTP: {}", error_chain(&e))),
            ),
            Err(_) => (
                None,
                Some(format!(
                    "SMTP: no answer within {} s",
                    EMAIL_TIMEOUT.as_secs()
                )),
            ),
        }
    }
}

fn code(c: &lettre::transport::smtp::response::Code) -> Option<i64> {
    c.to_string().parse().ok()
}

/// An error and its causes, `a: b: c`: reqwest's own message ("error sending request") hides
/// the useful part ("Connection refused") in its sources.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}

fn smtp_transport(e: &EmailConfig) -> Result<AsyncSmtpTransport<Tokio1Executor>, NotifyError> {
    let host = e.host.trim();
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(e.port)
        .timeout(Some(std::time::Duration::from_secs(10)));
    let tls = || TlsParameters::new(host.to_string()).map_err(|e| NotifyError::Smtp(e.to_string()));
    builder = match e.tls {
        SmtpTls::None => builder,
        SmtpTls::Starttls => builder.tls(Tls::Required(tls()?)),
        SmtpTls::Tls => builder.tls(Tls::Wrapper(tls()?)),
    };
    if let (Some(user), Some(password)) = (&e.username, &e.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    // Relays may refuse "localhost", lettre's greeting without its hostname feature.
    if let Some(host) = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty() && h.is_ascii())
    {
        builder = builder.hello_name(ClientId::Domain(host));
    }
    Ok(builder.build())
}

/// The message for one claimed e-mail row.
fn email_message(config: &EmailConfig, row: &Claimed) -> Result<lettre::Message, String> {
    let from: Mailbox = config
        .from
        .trim()
        .parse()
        .map_err(|e| format!("notify.email.from '{}': {e}", config.from))?;
    let to: Mailbox = row
        .target
        .trim()
        .parse()
        .map_err(|e| format!("recipient '{}': {e}", row.target))?;
    let payload: serde_json::Value =
        serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::Null);
    let subject = payload
        .get("subject")
        .and_then(|s| s.as_str())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(&row.topic);
    // The same id on every retry: a mail system that got the message once can drop the copy.
    let domain = from.email.domain().to_string();
    lettre::Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .message_id(Some(format!(
            "<jike.{}.{}@{domain}>",
            row.id,
            row.created_at.timestamp()
        )))
        .header(ContentType::TEXT_PLAIN)
        .body(email_text(row, &payload))
        .map_err(|e| format!("cannot build the message: {e}"))
}

/// The plain-text body: the payload's `text`, the particulars, the whole payload.
fn email_text(row: &Claimed, payload: &serde_json::Value) -> String {
    let mut body = String::new();
    if let Some(text) = payload.get("text").and_then(|t| t.as_str()) {
        body.push_str(text.trim_end());
        body.push_str("\n\n");
    }
    body.push_str(&format!("通知主题 Topic: {}\n", row.topic));
    body.push_str(&format!("通知编号 Delivery: {}\n", row.id));
    if let Some(order) = row.order_id {
        body.push_str(&format!("工单 Order id: {order}\n"));
    }
    body.push_str(&format!(
        "时间 Time: {}\n\n",
        row.created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    ));
    body.push_str("详细内容 Details:\n");
    body.push_str(&serde_json::to_string_pretty(payload).unwrap_or_else(|_| row.payload.clone()));
    body.push('\n');
    body
}

/// Delivers the outbox until `shutdown` completes: claims due rows (leased to `owner`),
/// delivers them at once, records each attempt, and waits [`IDLE`] (or a [`wake`]) when
/// nothing is due. A round in progress is finished before stopping, so nothing is sent without
/// being recorded. Fails only at the start, on settings that cannot work.
pub async fn run_deliveries(
    store: Store,
    config: Arc<NotifyConfig>,
    owner: String,
    shutdown: impl Future<Output = ()>,
) -> Result<(), NotifyError> {
    let sender = Sender::new(config)?;
    run(store, sender, owner, shutdown).await;
    Ok(())
}

async fn run(store: Store, sender: Sender, owner: String, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    tracing::debug!(owner = %owner, "notification delivery started");
    loop {
        // Registered before looking, so that a wake between the look and the wait is kept.
        let woken = WAKE.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        tokio::select! {
            biased;
            _ = &mut shutdown => break,
            _ = std::future::ready(()) => {}
        }
        let pause = match store.claim_outbox(&owner, Utc::now(), LEASE, BATCH).await {
            Ok(rows) if !rows.is_empty() => {
                deliver_all(&store, &sender, &owner, rows).await;
                continue;
            }
            Ok(_) => IDLE,
            Err(e) => {
                tracing::warn!(error = %e, "cannot claim notifications to deliver");
                ON_ERROR
            }
        };
        tokio::select! {
            _ = &mut shutdown => break,
            _ = &mut woken => {}
            _ = tokio::time::sleep(pause) => {}
        }
    }
    tracing::debug!(owner = %owner, "notification delivery stopped");
}

async fn deliver_all(store: &Store, sender: &Sender, owner: &str, rows: Vec<Claimed>) {
    let n = rows.len();
    futures_util::stream::iter(rows)
        .for_each_concurrent(n, |row| async move {
            let result = sender.deliver(&row).await;
            match store
                .record_attempt(&row, owner, &result, sender.retry, Utc::now())
                .await
            {
                Ok(Recorded::Delivered) => tracing::debug!(
                    id = row.id, topic = %row.topic, channel = row.channel.code(),
                    "notification delivered"
                ),
                Ok(Recorded::Retry { next_attempt_at }) => tracing::warn!(
                    id = row.id, topic = %row.topic, target = %row.target,
                    error = result.error.as_deref().unwrap_or_default(),
                    next_attempt_at = %next_attempt_at,
                    "notification not delivered; will retry"
                ),
                Ok(Recorded::Failed) => tracing::error!(
                    id = row.id, topic = %row.topic, target = %row.target,
                    error = result.error.as_deref().unwrap_or_default(),
                    "notification not delivered; giving up after the last attempt"
                ),
                Ok(Recorded::LeaseLost) => tracing::warn!(
                    id = row.id,
                    "notification lease passed to another worker before the attempt was recorded"
                ),
                // Sent but not recorded: the lease runs out and the row is sent again (at least
                // once); receivers drop the copy by its X-Jike-Delivery id.
                Err(e) => tracing::error!(
                    id = row.id, error = %e,
                    "cannot record a delivery attempt"
                ),
            }
        })
        .await;
}

/// The delivery worker of a running service; [`Deliveries::stop`] ends it.
pub struct Deliveries {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Deliveries {
    /// Checks the settings and starts delivering in the background.
    pub fn start(store: Store, config: Arc<NotifyConfig>) -> Result<Deliveries, NotifyError> {
        let sender = Sender::new(config)?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(run(store, sender, worker_name(), async move {
            let _ = stopped.await;
        }));
        Ok(Deliveries { stop, task })
    }

    /// Stops after the round in progress.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        if let Err(e) = self.task.await {
            tracing::error!(error = %e, "the notification worker ended abnormally");
        }
    }
}

/// `GET /api/v1/notifications` for the operator's rooms that watch deliveries.
pub(crate) fn routes() -> crate::routes::Routes {
    use crate::access::{Allow, OPERATIONS_READ};
    crate::routes::Routes::new().route(Allow::Roles(OPERATIONS_READ), utoipa_axum::routes!(list))
}

/// `GET /api/v1/notifications?order_id=&status=&limit=&cursor=`: outbox rows, newest first,
/// with their attempts.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications 通知",
    operation_id = "list_notifications",
    summary = "Notifications (webhook and e-mail), newest first, with their delivery attempts",
    params(
        ("order_id" = inline(Option<crate::openapi::QueryId>), Query,
            description = "only the notifications of this order"),
        ("status" = inline(Option<crate::openapi::DeliveryStatusParam>), Query,
            description = "pending, delivered or failed"),
        ("limit" = inline(Option<crate::openapi::NotificationLimit>), Query, description = format!(
            "rows per page, 1 to {}, default {}",
            jike_store::outbox::MAX_NOTIFICATION_LIMIT,
            jike_store::DEFAULT_LIMIT
        )),
        ("cursor" = Option<String>, Query, description = "the next_cursor of the previous page"),
    ),
    responses(
        (status = 200, description = "one page", body = jike_store::outbox::NotificationPage),
        (status = 422, description = "an unknown parameter, a bad status, limit or cursor"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(pairs) = query?;
    let mut q = NotificationQuery::default();
    for (k, v) in pairs {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        let invalid = |reason: String| ApiError::Invalid(vec![FieldError::new(k.clone(), reason)]);
        match k.as_str() {
            "order_id" => {
                q.order_id = Some(v.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
                    invalid(format!("'{v}' is not an id (a positive whole number)"))
                })?)
            }
            "status" => {
                q.status =
                    Some(DeliveryStatus::parse(v).ok_or_else(|| {
                        invalid(format!("'{v}' is not pending, delivered or failed"))
                    })?)
            }
            "limit" => {
                q.limit = Some(
                    v.parse()
                        .map_err(|_| invalid(format!("'{v}' is not a whole number")))?,
                )
            }
            "cursor" => q.cursor = Some(v.to_string()),
            _ => {
                return Err(invalid(
                    "unknown parameter; use order_id, status, limit or cursor".into(),
                ))
            }
        }
    }
    let page = state.store.list_notifications(&q).await?;
    Ok(axum::Json(page).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // Computed independently with
        // `printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret`.
        assert_eq!(
            signature("secret", 1_700_000_000, br#"{"a":1}"#),
            "sha256=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686"
        );
    }

    #[test]
    fn topics_select_targets() {
        let config: NotifyConfig = toml_like(
            r#"{"webhooks":[{"url":"http://a/x","topics":["order.*"]},{"url":"http://b/y","topics":["order.breached"]},{"url":"http://a/x"}],
               "email":{"host":"mail","from":"jike@example.com","to":["noc@example.com"],"topics":["order.breached"]}}"#,
        );
        let t = config.targets_for("order.breached");
        assert_eq!(t.len(), 3, "{t:?}");
        assert_eq!(t[2].channel, Channel::Email);
        let t = config.targets_for("order.warning");
        assert_eq!(
            t,
            vec![Target {
                channel: Channel::Webhook,
                target: "http://a/x".into()
            }]
        );
        assert!(config.validate().is_ok());
    }

    fn toml_like(json: &str) -> NotifyConfig {
        serde_json::from_str(json).expect("config")
    }

    #[test]
    fn bad_settings_name_their_field() {
        let config = toml_like(r#"{"webhooks":[{"url":"ftp://x/y"}]}"#);
        let e = config.validate().unwrap_err();
        assert_eq!(e.field, "notify.webhooks[0].url");
        let config = toml_like(r#"{"email":{"host":"m","from":"nobody","to":["a@b.cn"]}}"#);
        assert_eq!(config.validate().unwrap_err().field, "notify.email.from");
        let config = toml_like(r#"{"max_attempts":0}"#);
        assert_eq!(config.validate().unwrap_err().field, "notify.max_attempts");
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let file = toml_like(
            r#"{"webhooks":[{"url":"http://file/hook"}],
               "email":{"host":"file-mail","port":2525,"from":"jike@example.com","to":["a@example.com"]}}"#,
        );
        let c = file
            .clone()
            .with_env(env(&[
                ("JIKE_WEBHOOK_URL", "https://env/hook"),
                ("JIKE_WEBHOOK_SECRET", "s"),
                ("JIKE_SMTP_HOST", "env-mail"),
                ("JIKE_SMTP_TO", "x@example.com, y@example.com"),
            ]))
            .unwrap();
        assert_eq!(c.webhooks.len(), 1);
        assert_eq!(c.webhooks[0].url, "https://env/hook");
        assert_eq!(c.webhooks[0].secret.as_deref(), Some("s"));
        let e = c.email.unwrap();
        assert_eq!(e.host, "env-mail");
        assert_eq!(e.port, 2525);
        assert_eq!(e.to, vec!["x@example.com", "y@example.com"]);

        // A secret alone signs the file's webhooks.
        let c = file
            .clone()
            .with_env(env(&[("JIKE_WEBHOOK_SECRET", "s")]))
            .unwrap();
        assert_eq!(c.webhooks[0].secret.as_deref(), Some("s"));

        let e = NotifyConfig::default()
            .with_env(env(&[("JIKE_WEBHOOK_URL", "not a url")]))
            .unwrap_err();
        assert_eq!(e.field, "JIKE_WEBHOOK_URL");
        let e = NotifyConfig::default()
            .with_env(env(&[("JIKE_SMTP_HOST", "mail")]))
            .unwrap_err();
        assert_eq!(e.field, "JIKE_SMTP_FROM");
        let e = NotifyConfig::default()
            .with_env(env(&[("JIKE_SMTP_PORT", "99999")]))
            .unwrap_err();
        assert_eq!(e.field, "JIKE_SMTP_PORT");
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let c = toml_like(
            r#"{"webhooks":[{"url":"http://a/x","secret":"hunter2"}],
               "email":{"host":"m","from":"a@b.cn","to":["a@b.cn"],"username":"u","password":"pw-secret"}}"#,
        );
        let text = format!("{c:?}");
        assert!(
            !text.contains("hunter2") && !text.contains("pw-secret"),
            "{text}"
        );
    }

    #[test]
    fn backoff_seconds_may_be_a_fraction() {
        let c = toml_like(r#"{"backoff_seconds":0.05}"#);
        assert_eq!(c.retry_policy().backoff, chrono::Duration::milliseconds(50));
    }
}
