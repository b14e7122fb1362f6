//! Notification delivery against real receivers on 127.0.0.1: an axum HTTP server for webhooks
//! and a small SMTP server for e-mail, on SQLite and PostgreSQL. Nothing is mocked: the worker
//! claims rows from the database, sends over TCP, and records what happened.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use chrono::Utc;
use jike_server::notify::{self, EmailConfig, NotifyConfig, SmtpTls, WebhookConfig};
use jike_store::outbox::{self, Channel, DeliveryStatus, Notification, NotificationQuery, Target};
use jike_store::testing::{on_both, TestDb};
use jike_store::Store;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// One request as the webhook receiver saw it.
#[derive(Clone, Debug)]
struct Received {
    headers: HeaderMap,
    body: Bytes,
    at: Instant,
}

#[derive(Clone)]
struct Receiver {
    requests: Arc<Mutex<Vec<Received>>>,
    /// Answer 500 to this many requests first.
    fail_first: usize,
    seen: Arc<AtomicUsize>,
    /// A pause before answering, so that concurrent workers overlap.
    delay: Duration,
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let n = r.seen.fetch_add(1, Ordering::SeqCst);
    r.requests.lock().unwrap().push(Received {
        headers,
        body,
        at: Instant::now(),
    });
    if !r.delay.is_zero() {
        tokio::time::sleep(r.delay).await;
    }
    if n < r.fail_first {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

/// A real HTTP server on a free port; returns its URL and what it receives.
async fn webhook_receiver(fail_first: usize, delay: Duration) -> (String, Receiver) {
    let receiver = Receiver {
        requests: Arc::default(),
        fail_first,
        seen: Arc::default(),
        delay,
    };
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (url, receiver)
}

/// A message as the SMTP sink received it.
#[derive(Clone, Debug)]
struct Mail {
    from: String,
    to: Vec<String>,
    data: String,
}

/// A minimal SMTP server (RFC 5321: greeting, EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) on
/// a free port; returns the port and the messages it accepted.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<Mail>>>) {
    let mails: Arc<Mutex<Vec<Mail>>> = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let sink = mails.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let sink = sink.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read);
                write.write_all(b"220 sink ESMTP ready\r\n").await.unwrap();
                let (mut from, mut to) = (String::new(), Vec::new());
                let mut line = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let command = line.trim_end().to_string();
                    let verb = command
                        .split([' ', ':'])
                        .next()
                        .unwrap_or_default()
                        .to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" => b"250-sink greets you\r\n250 8BITMIME\r\n",
                        "HELO" | "NOOP" => b"250 OK\r\n",
                        "RSET" => {
                            from.clear();
                            to.clear();
                            b"250 OK\r\n"
                        }
                        "MAIL" => {
                            from = angle(&command);
                            b"250 OK\r\n"
                        }
                        "RCPT" => {
                            to.push(angle(&command));
                            b"250 OK\r\n"
                        }
                        "DATA" => {
                            write.write_all(b"354 end with .\r\n").await.unwrap();
                            let mut data = String::new();
                            loop {
                                line.clear();
                                if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                                    return;
                                }
                                if line == ".\r\n" {
                                    break;
                                }
                                // Dot-stuffing: a line starting with "." was sent as "..".
                                data.push_str(line.strip_prefix('.').unwrap_or(&line));
                            }
                            sink.lock().unwrap().push(Mail {
                                from: from.clone(),
                                to: std::mem::take(&mut to),
                                data,
                            });
                            b"250 OK queued\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        }
                        _ => b"502 command not implemented\r\n",
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, mails)
}

/// The address between `<` and `>`.
fn angle(command: &str) -> String {
    let start = command.find('<').map_or(0, |i| i + 1);
    let end = command.rfind('>').unwrap_or(command.len());
    command[start..end].to_string()
}

/// Runs a delivery worker until the returned sender is dropped or used.
fn start_worker(
    store: &Store,
    config: NotifyConfig,
    owner: &str,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<Result<(), notify::NotifyError>>,
) {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(notify::run_deliveries(
        store.clone(),
        Arc::new(config),
        owner.to_string(),
        async move {
            let _ = stopped.await;
        },
    ));
    (stop, task)
}

async fn stop_worker(
    worker: (
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<Result<(), notify::NotifyError>>,
    ),
) {
    let _ = worker.0.send(());
    worker.1.await.unwrap().unwrap();
}

/// Writes notifications the way the scheduler does: in a transaction of their own here.
async fn enqueue(
    store: &Store,
    topic: &str,
    order_id: Option<i64>,
    payload: &Value,
    targets: &[Target],
) -> usize {
    let mut tx = store.db().begin().await.unwrap();
    let n = outbox::enqueue(
        &mut tx.conn(),
        topic,
        order_id,
        None,
        payload,
        targets,
        Utc::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    notify::wake();
    n
}

async fn all(store: &Store, status: Option<DeliveryStatus>) -> Vec<Notification> {
    store
        .list_notifications(&NotificationQuery {
            status,
            limit: Some(500),
            ..Default::default()
        })
        .await
        .unwrap()
        .items
}

/// Polls until `done` holds for the stored notifications, or fails after `within`.
async fn wait_for<F>(store: &Store, within: Duration, what: &str, done: F) -> Vec<Notification>
where
    F: Fn(&[Notification]) -> bool,
{
    let start = Instant::now();
    loop {
        let rows = all(store, None).await;
        if done(&rows) {
            return rows;
        }
        assert!(
            start.elapsed() < within,
            "timed out waiting for {what}: {rows:#?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn webhook(url: &str, secret: Option<&str>) -> WebhookConfig {
    WebhookConfig {
        url: url.to_string(),
        secret: secret.map(str::to_string),
        topics: Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_webhook_is_retried_after_the_backoff_and_signed() {
    on_both(|store| async move {
        let (url, receiver) = webhook_receiver(1, Duration::ZERO).await;
        let config = NotifyConfig {
            webhooks: vec![webhook(&url, Some("s3cret"))],
            max_attempts: 5,
            backoff_seconds: 0.3,
            ..Default::default()
        };
        let payload =
            json!({"subject": "工单 GZ-0001 即将超时", "code": "GZ-0001", "clock": "repair"});
        let targets = config.targets_for("order.warning");
        assert_eq!(
            enqueue(&store, "order.warning", None, &payload, &targets).await,
            1
        );
        let worker = start_worker(&store, config, "worker-1");
        let rows = wait_for(&store, Duration::from_secs(20), "delivery", |rows| {
            rows.iter().all(|r| r.status == DeliveryStatus::Delivered)
        })
        .await;
        stop_worker(worker).await;

        let row = &rows[0];
        assert_eq!(row.channel, Channel::Webhook);
        assert_eq!(row.target, url);
        assert_eq!(row.attempts, 2);
        assert!(row.delivered_at.is_some());
        assert_eq!(row.last_error, None);
        let attempts = &row.delivery_attempts;
        assert_eq!(attempts.len(), 2, "{attempts:?}");
        assert_eq!(attempts[0].attempt, 1);
        assert!(!attempts[0].ok);
        assert_eq!(attempts[0].status_code, Some(500));
        assert!(
            attempts[0]
                .error
                .as_deref()
                .unwrap_or_default()
                .contains("500"),
            "{attempts:?}"
        );
        assert!(attempts[1].ok);
        assert_eq!(attempts[1].status_code, Some(200));
        assert_eq!(attempts[1].error, None);
        // The second attempt waited for the backoff (0.3 s after the first failure).
        let waited = attempts[1].at - attempts[0].at;
        assert!(
            waited >= chrono::Duration::milliseconds(300),
            "retried after {waited}"
        );

        let requests = receiver.requests.lock().unwrap().clone();
        assert_eq!(requests.len(), 2);
        assert!(requests[1].at - requests[0].at >= Duration::from_millis(300));
        for r in &requests {
            let h = |name: &str| r.headers.get(name).unwrap().to_str().unwrap().to_string();
            assert_eq!(h("content-type"), "application/json");
            assert_eq!(h("x-jike-event"), "order.warning");
            assert_eq!(h("x-jike-delivery"), row.id.to_string());
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            assert_eq!(body, payload);
            // Verify the signature the way a receiver would, from the raw bytes.
            let timestamp: i64 = h("x-jike-timestamp").parse().unwrap();
            assert!((Utc::now().timestamp() - timestamp).abs() < 60);
            let expected = {
                use hmac::{Hmac, Mac};
                let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"s3cret").unwrap();
                mac.update(format!("{timestamp}.").as_bytes());
                mac.update(&r.body);
                format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
            };
            assert_eq!(h("x-jike-signature"), expected);
            assert_eq!(
                notify::signature("s3cret", timestamp, &r.body),
                expected,
                "the documented scheme"
            );
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_receiver_fails_after_max_attempts() {
    on_both(|store| async move {
        // A port that was just free and is closed now: connections are refused.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        drop(listener);
        let config = NotifyConfig {
            webhooks: vec![webhook(&url, None)],
            max_attempts: 3,
            backoff_seconds: 0.05,
            ..Default::default()
        };
        let targets = config.targets_for("order.breached");
        enqueue(
            &store,
            "order.breached",
            None,
            &json!({"code": "GZ-0002"}),
            &targets,
        )
        .await;
        let worker = start_worker(&store, config, "worker-1");
        let rows = wait_for(&store, Duration::from_secs(20), "failure", |rows| {
            rows.iter().all(|r| r.status == DeliveryStatus::Failed)
        })
        .await;
        stop_worker(worker).await;

        let row = &rows[0];
        assert_eq!(row.attempts, 3);
        assert_eq!(row.delivered_at, None);
        assert_eq!(row.delivery_attempts.len(), 3);
        for (i, a) in row.delivery_attempts.iter().enumerate() {
            assert_eq!(a.attempt, i as i64 + 1);
            assert!(!a.ok);
            assert_eq!(a.status_code, None);
            let error = a.error.as_deref().unwrap_or_default().to_lowercase();
            assert!(
                error.contains("connect") || error.contains("refused"),
                "{error}"
            );
        }
        assert_eq!(row.last_error, row.delivery_attempts[2].error);
        // Failed rows are not claimed again.
        let again = store
            .claim_outbox("worker-2", Utc::now(), chrono::Duration::seconds(60), 10)
            .await
            .unwrap();
        assert!(again.is_empty());
    })
    .await;
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`) of an unfolded header.
fn decode_header(value: &str) -> String {
    let mut out = String::new();
    let mut previous: Option<bool> = None;
    for word in value.split_whitespace() {
        let decoded = word
            .strip_prefix("=?")
            .and_then(|w| w.strip_suffix("?="))
            .and_then(|w| {
                let mut parts = w.splitn(3, '?');
                let (_charset, enc, text) = (parts.next()?, parts.next()?, parts.next()?);
                match enc.to_ascii_lowercase().as_str() {
                    "b" => base64::engine::general_purpose::STANDARD.decode(text).ok(),
                    "q" => Some(decode_qp(&text.replace('_', " "))),
                    _ => None,
                }
            });
        // White space between two encoded words is not part of the text.
        match (previous, decoded.is_some()) {
            (Some(true), true) | (None, _) => {}
            _ => out.push(' '),
        }
        previous = Some(decoded.is_some());
        match decoded {
            Some(bytes) => out.push_str(&String::from_utf8(bytes).unwrap()),
            None => out.push_str(word),
        }
    }
    out
}

fn decode_qp(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'=' {
            out.push(bytes[i]);
            i += 1;
        } else if bytes[i + 1..].starts_with(b"\r\n") {
            i += 3; // a soft line break
        } else if bytes[i + 1..].starts_with(b"\n") {
            i += 2;
        } else {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        }
    }
    out
}

/// The headers (unfolded, names lowercased) and the decoded body of a received message.
fn parse_mail(data: &str) -> (HashMap<String, String>, String) {
    let (head, body) = data.split_once("\r\n\r\n").unwrap();
    let mut headers: HashMap<String, String> = HashMap::new();
    let mut last = String::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            headers.get_mut(&last).unwrap().push_str(line);
        } else {
            let (name, value) = line.split_once(':').unwrap();
            last = name.trim().to_ascii_lowercase();
            headers.insert(last.clone(), value.trim().to_string());
        }
    }
    let encoding = headers
        .get("content-transfer-encoding")
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    let body = match encoding.as_str() {
        "base64" => {
            let joined: String = body.split_whitespace().collect();
            String::from_utf8(
                base64::engine::general_purpose::STANDARD
                    .decode(joined)
                    .unwrap(),
            )
            .unwrap()
        }
        "quoted-printable" => String::from_utf8(decode_qp(body)).unwrap(),
        _ => body.to_string(),
    };
    (headers, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_email_reaches_the_smtp_server() {
    on_both(|store| async move {
        let (port, mails) = smtp_sink().await;
        let config = NotifyConfig {
            email: Some(EmailConfig {
                host: "127.0.0.1".into(),
                port,
                from: "集客保障 <jike@example.com>".into(),
                to: vec!["noc@example.com".into(), "duty@example.com".into()],
                username: None,
                password: None,
                topics: vec!["order.*".into()],
                tls: SmtpTls::None,
            }),
            ..Default::default()
        };
        assert!(config.targets_for("inventory.changed").is_empty());
        let targets = config.targets_for("order.breached");
        assert_eq!(targets.len(), 2);
        let subject = "【超时】工单 GZ-0003 修复时限已过";
        let payload = json!({
            "subject": subject,
            "text": "客户 华南银行 的专线 SDH-0001 中断，修复已超时。",
            "code": "GZ-0003",
        });
        enqueue(&store, "order.breached", None, &payload, &targets).await;
        let worker = start_worker(&store, config, "worker-1");
        let rows = wait_for(&store, Duration::from_secs(20), "e-mail", |rows| {
            rows.iter().all(|r| r.status == DeliveryStatus::Delivered)
        })
        .await;
        stop_worker(worker).await;

        for row in &rows {
            assert_eq!(row.channel, Channel::Email);
            assert_eq!(row.delivery_attempts.len(), 1);
            let a = &row.delivery_attempts[0];
            assert!(a.ok, "{a:?}");
            assert_eq!(a.status_code, Some(250));
        }
        let mails = mails.lock().unwrap().clone();
        assert_eq!(mails.len(), 2, "{mails:?}");
        let mut recipients: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
        recipients.sort();
        assert_eq!(recipients, ["duty@example.com", "noc@example.com"]);
        for mail in &mails {
            assert_eq!(mail.from, "jike@example.com");
            assert_eq!(mail.to.len(), 1, "one message per recipient");
            let (headers, body) = parse_mail(&mail.data);
            assert_eq!(decode_header(&headers["subject"]), subject, "{headers:?}");
            assert_eq!(decode_header(&headers["to"]), mail.to[0]);
            assert!(
                headers["content-type"]
                    .to_ascii_lowercase()
                    .contains("charset=utf-8"),
                "{headers:?}"
            );
            assert!(headers["message-id"].starts_with("<jike."), "{headers:?}");
            assert!(body.contains("GZ-0003"), "{body}");
            assert!(body.contains("华南银行"), "{body}");
            assert!(body.contains("order.breached"), "{body}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_recipient_is_a_failed_attempt_with_the_smtp_code() {
    on_both(|store| async move {
        // Nothing listens: the relay is down.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let config = NotifyConfig {
            email: Some(EmailConfig {
                host: "127.0.0.1".into(),
                port,
                from: "jike@example.com".into(),
                to: vec!["noc@example.com".into()],
                username: None,
                password: None,
                topics: Vec::new(),
                tls: SmtpTls::None,
            }),
            max_attempts: 2,
            backoff_seconds: 0.05,
            ..Default::default()
        };
        let targets = config.targets_for("order.breached");
        enqueue(
            &store,
            "order.breached",
            None,
            &json!({"code": "X"}),
            &targets,
        )
        .await;
        let worker = start_worker(&store, config, "worker-1");
        let rows = wait_for(&store, Duration::from_secs(20), "failure", |rows| {
            rows.iter().all(|r| r.status == DeliveryStatus::Failed)
        })
        .await;
        stop_worker(worker).await;
        let row = &rows[0];
        assert_eq!(row.delivery_attempts.len(), 2);
        let error = row.last_error.as_deref().unwrap_or_default();
        assert!(error.starts_with("SMTP"), "{error}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_deliver_every_row_exactly_once() {
    on_both(|store| async move {
        let (url, receiver) = webhook_receiver(0, Duration::from_millis(3)).await;
        // Each worker signs with its own secret, so the receiver can tell who sent what.
        let config = |secret: &str| NotifyConfig {
            webhooks: vec![webhook(&url, Some(secret))],
            ..Default::default()
        };
        let targets = config("a").targets_for("order.hourly");
        {
            let mut tx = store.db().begin().await.unwrap();
            for i in 0..200 {
                outbox::enqueue(
                    &mut tx.conn(),
                    "order.hourly",
                    None,
                    None,
                    &json!({"n": i}),
                    &targets,
                    Utc::now(),
                )
                .await
                .unwrap();
            }
            tx.commit().await.unwrap();
        }
        // Two workers with their own names, as two `jike serve` would be.
        let a = start_worker(&store, config("a"), "host-a/1");
        let b = start_worker(&store, config("b"), "host-b/1");
        let rows = wait_for(&store, Duration::from_secs(60), "200 deliveries", |rows| {
            rows.len() == 200 && rows.iter().all(|r| r.status == DeliveryStatus::Delivered)
        })
        .await;
        stop_worker(a).await;
        stop_worker(b).await;

        let mut by_id: HashMap<String, usize> = HashMap::new();
        let mut by_worker: HashMap<&str, usize> = HashMap::new();
        for r in receiver.requests.lock().unwrap().iter() {
            let id = r.headers["x-jike-delivery"].to_str().unwrap().to_string();
            *by_id.entry(id).or_default() += 1;
            let timestamp: i64 = r.headers["x-jike-timestamp"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            let signed = r.headers["x-jike-signature"].to_str().unwrap();
            let worker = ["a", "b"]
                .into_iter()
                .find(|k| notify::signature(k, timestamp, &r.body) == signed)
                .expect("signed by one of the workers");
            *by_worker.entry(worker).or_default() += 1;
        }
        eprintln!("deliveries per worker: {by_worker:?}");
        assert!(
            by_worker.len() == 2,
            "both workers should have delivered: {by_worker:?}"
        );
        let duplicates: Vec<_> = by_id.iter().filter(|(_, n)| **n > 1).collect();
        assert!(
            duplicates.is_empty(),
            "delivered more than once: {duplicates:?}"
        );
        assert_eq!(by_id.len(), 200);
        for row in &rows {
            assert!(by_id.contains_key(&row.id.to_string()));
            assert_eq!(row.attempts, 1);
            assert_eq!(row.delivery_attempts.len(), 1);
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lease_keeps_a_row_from_other_workers_until_it_runs_out() {
    on_both(|store| async move {
        let targets = [Target {
            channel: Channel::Webhook,
            target: "http://127.0.0.1:9/hook".into(),
        }];
        enqueue(&store, "order.warning", None, &json!({}), &targets).await;
        let now = Utc::now();
        let lease = chrono::Duration::seconds(30);
        let a = store.claim_outbox("a", now, lease, 10).await.unwrap();
        assert_eq!(a.len(), 1);
        assert!(store
            .claim_outbox("b", now, lease, 10)
            .await
            .unwrap()
            .is_empty());
        // After the lease, another worker takes the row; the first may no longer record.
        let later = now + lease + chrono::Duration::seconds(1);
        let b = store.claim_outbox("b", later, lease, 10).await.unwrap();
        assert_eq!(b.len(), 1);
        let result = outbox::AttemptResult {
            at: now,
            ok: true,
            status_code: Some(200),
            error: None,
            duration_ms: 5,
        };
        let retry = NotifyConfig::default().retry_policy();
        assert_eq!(
            store
                .record_attempt(&a[0], "a", &result, retry, later)
                .await
                .unwrap(),
            outbox::Recorded::LeaseLost
        );
        assert_eq!(
            store
                .record_attempt(&b[0], "b", &result, retry, later)
                .await
                .unwrap(),
            outbox::Recorded::Delivered
        );
        let rows = all(&store, None).await;
        assert_eq!(rows[0].delivery_attempts.len(), 1);
    })
    .await;
}

/// An order row, for the order filter: the smallest the schema accepts.
async fn insert_order(store: &Store, code: &str) -> i64 {
    let mut tx = store.db().begin().await.unwrap();
    let mut conn = tx.conn();
    let now = jike_store::Val::Time(Some(Utc::now()));
    let policy: Vec<(i64,)> = conn
        .fetch_all("SELECT id FROM sla_policies WHERE version = 'test'", &[])
        .await
        .unwrap();
    let policy = match policy.first() {
        Some((id,)) => *id,
        None => {
            let (id,): (i64,) = conn
                .fetch_one(
                    "INSERT INTO sla_policies (version, valid_from, source, loaded_at, loaded_by) \
                     VALUES ('test', $1, '', $2, 'test') RETURNING id",
                    &[now.clone(), now.clone()],
                )
                .await
                .unwrap();
            id
        }
    };
    let (id,): (i64,) = conn
        .fetch_one(
            "INSERT INTO orders (code, kind, title, state, grade, occurred_at, policy_id, \
             created_by, created_at, updated_at) VALUES ($1, 'fault', 't', 'new', 'gold', $2, $3, \
             'test', $4, $5) RETURNING id",
            &[
                jike_store::Val::text(code),
                now.clone(),
                jike_store::Val::int(policy),
                now.clone(),
                now,
            ],
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_lists_notifications_by_order_and_status_in_pages() {
    use tower::ServiceExt;
    on_both(|store| async move {
        let order = insert_order(&store, "GZ-0009").await;
        let targets = [
            Target {
                channel: Channel::Webhook,
                target: "http://127.0.0.1:9/hook".into(),
            },
            Target {
                channel: Channel::Email,
                target: "noc@example.com".into(),
            },
        ];
        enqueue(
            &store,
            "order.created",
            Some(order),
            &json!({"code": "GZ-0009"}),
            &targets,
        )
        .await;
        enqueue(
            &store,
            "order.warning",
            Some(order),
            &json!({"code": "GZ-0009"}),
            &targets[..1],
        )
        .await;
        enqueue(&store, "system.test", None, &json!({}), &targets[..1]).await;

        let token = jike_store::testing::admin_token(&store).await;
        let app = jike_server::router(store.clone(), jike_server::ServerConfig::default());
        let get = |uri: String| {
            let app = app.clone();
            let token = token.clone();
            async move {
                let response = app
                    .oneshot(
                        axum::http::Request::get(uri)
                            .header("authorization", format!("Bearer {token}"))
                            .body(axum::body::Body::empty())
                            .unwrap(),
                    )
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                    .await
                    .unwrap();
                (status, serde_json::from_slice::<Value>(&bytes).unwrap())
            }
        };
        let (status, page) = get(format!("/api/v1/notifications?order_id={order}")).await;
        assert_eq!(status, 200, "{page}");
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 3);
        // Newest first.
        assert_eq!(items[0]["topic"], "order.warning");
        assert_eq!(items[0]["status"], "pending");
        assert_eq!(items[0]["payload"]["code"], "GZ-0009");
        assert_eq!(items[0]["delivery_attempts"], json!([]));
        assert!(page["next_cursor"].is_null());

        let (_, first) = get("/api/v1/notifications?limit=2".into()).await;
        assert_eq!(first["items"].as_array().unwrap().len(), 2);
        assert_eq!(first["items"][0]["topic"], "system.test");
        let cursor = first["next_cursor"].as_str().unwrap().to_string();
        let (_, second) = get(format!("/api/v1/notifications?limit=2&cursor={cursor}")).await;
        assert_eq!(second["items"].as_array().unwrap().len(), 2);
        assert!(second["next_cursor"].is_null());

        let (_, delivered) = get("/api/v1/notifications?status=delivered".into()).await;
        assert_eq!(delivered["items"], json!([]));

        for (query, field) in [
            ("status=sent", "status"),
            ("limit=501", "limit"),
            ("order_id=x", "order_id"),
            ("cursor=abc", "cursor"),
            ("colour=red", "colour"),
        ] {
            let (status, problem) = get(format!("/api/v1/notifications?{query}")).await;
            assert_eq!(status, 422, "{query}: {problem}");
            assert_eq!(problem["errors"][0]["field"], field, "{query}: {problem}");
        }
        let (_, doc) = get("/api/v1/openapi.json".into()).await;
        assert!(doc["paths"]["/api/v1/notifications"]["get"].is_object());
    })
    .await;
}

#[tokio::test]
async fn a_bad_webhook_url_is_refused_at_startup() {
    let db = TestDb::sqlite();
    let store = Store::open(&db.url).await.unwrap();
    let config = NotifyConfig {
        webhooks: vec![
            webhook("http://ok.example.com/a", None),
            webhook("hooks.example.com/b", None),
        ],
        ..Default::default()
    };
    let error =
        notify::run_deliveries(store.clone(), Arc::new(config.clone()), "w".into(), async {
        })
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(text.contains("notify.webhooks[1].url"), "{text}");
    assert!(text.contains("hooks.example.com/b"), "{text}");
    assert!(notify::Deliveries::start(store.clone(), Arc::new(config)).is_err());
    let error = jike_server::serve(
        store.clone(),
        jike_server::ServerConfig {
            notify: NotifyConfig {
                webhooks: vec![webhook("ftp://files.example.com/", None)],
                ..Default::default()
            },
            ..Default::default()
        },
        "127.0.0.1:0".parse().unwrap(),
        |_| panic!("must not start serving"),
    )
    .await
    .unwrap_err();
    assert!(
        error.to_string().contains("notify.webhooks[0].url"),
        "{error}"
    );
    store.close().await;
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_created_through_the_api_is_announced_by_webhook() {
    use tower::ServiceExt;
    on_both(|store| async move {
        let (url, receiver) = webhook_receiver(0, Duration::ZERO).await;
        let notify = NotifyConfig {
            webhooks: vec![WebhookConfig {
                url: url.clone(),
                secret: Some("k".into()),
                topics: vec!["order.*".into()],
            }],
            ..Default::default()
        };
        // The router hands the settings to the store, which writes the outbox rows.
        let app = jike_server::router(
            store.clone(),
            jike_server::ServerConfig {
                notify: notify.clone(),
                ..Default::default()
            },
        );
        let token = jike_store::testing::admin_token(&store).await;
        let body = json!({"kind": "故障", "title": "专线中断", "grade": "gold"});
        let response = app
            .oneshot(
                axum::http::Request::post("/api/v1/orders")
                    .header("authorization", format!("Bearer {token}"))
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from(body.to_string()))
                    .unwrap(),
            )
            .await
            .unwrap();
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let order: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(status, 201, "{order}");
        let worker = start_worker(&store, notify, "worker-1");
        let rows = wait_for(&store, Duration::from_secs(20), "order.created", |rows| {
            rows.iter()
                .any(|r| r.topic == "order.created" && r.status == DeliveryStatus::Delivered)
        })
        .await;
        stop_worker(worker).await;
        let row = rows.iter().find(|r| r.topic == "order.created").unwrap();
        assert_eq!(row.order_id, order["id"].as_i64());
        let requests = receiver.requests.lock().unwrap().clone();
        let request = requests
            .iter()
            .find(|r| r.headers["x-jike-event"] == "order.created")
            .expect("order.created posted");
        let sent: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(sent["order"]["code"], order["code"], "{sent}");
    })
    .await;
}

/// R-F4, R-F5: when an ordinary customer's fault goes to joint handling, each room that joins
/// it (the specialist rooms but the lead) is told on its own topic, in the transaction that
/// fires the escalation; a room's receiver that takes only its topic gets only its own, and an
/// important customer's fault, worked by every room from the start, tells no room.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joint_handling_notifies_each_room_it_adds() {
    on_both(|store| async move {
        let (data_url, data_room) = webhook_receiver(0, Duration::ZERO).await;
        let (all_url, every_room) = webhook_receiver(0, Duration::ZERO).await;
        let notify = NotifyConfig {
            webhooks: vec![
                WebhookConfig {
                    topics: vec!["order.room_joined.data".into()],
                    ..webhook(&data_url, None)
                },
                WebhookConfig {
                    topics: vec!["order.room_joined*".into()],
                    ..webhook(&all_url, None)
                },
            ],
            ..Default::default()
        };
        store.set_fanout(Arc::new(notify.clone()));
        let now = Utc::now();
        let order = |grade: &str| {
            serde_json::from_value::<jike_domain::OrderCreate>(json!({
                "kind": "fault", "title": "专线中断", "grade": grade, "lead_room": "transport",
                // Silver escalates after 3 hours unsolved (R-F5), gold after 1 (R-F4).
                "occurred_at": (now - chrono::Duration::hours(4)).to_rfc3339(),
            }))
            .unwrap()
        };
        let silver = store
            .system()
            .create_order(&order("silver"), None, now)
            .await
            .unwrap()
            .order;
        let gold = store
            .system()
            .create_order(&order("gold"), None, now)
            .await
            .unwrap()
            .order;
        assert!(silver.joint_handling_at.is_some() && gold.joint_handling_at.is_some());
        let later = now + chrono::Duration::seconds(1);
        let claimed = store
            .claim_timers("test", 100, later, later + chrono::Duration::seconds(30))
            .await
            .unwrap();
        for c in &claimed {
            store.fire_timer(c.id, "test", later).await.unwrap();
        }
        let rows = all(&store, None).await;
        let mut topics: Vec<(&str, Option<i64>)> = rows
            .iter()
            .map(|r| (r.topic.as_str(), r.order_id))
            .collect();
        topics.sort();
        let s = Some(silver.id);
        // The data room's receiver takes its own; the other takes all three.
        assert_eq!(
            topics,
            [
                ("order.room_joined.core", s),
                ("order.room_joined.data", s),
                ("order.room_joined.data", s),
                ("order.room_joined.power", s),
            ],
            "{rows:#?}"
        );
        let worker = start_worker(&store, notify, "worker-1");
        wait_for(&store, Duration::from_secs(20), "room notices", |rows| {
            rows.len() == 4 && rows.iter().all(|r| r.status == DeliveryStatus::Delivered)
        })
        .await;
        stop_worker(worker).await;
        let sent = |r: &Receiver| -> Vec<Value> {
            let mut v: Vec<Value> = r
                .requests
                .lock()
                .unwrap()
                .iter()
                .map(|q| serde_json::from_slice(&q.body).unwrap())
                .collect();
            v.sort_by_key(|p| p["room"].as_str().unwrap_or_default().to_string());
            v
        };
        let data = sent(&data_room);
        assert_eq!(data.len(), 1);
        assert_eq!(data[0]["room"], "data");
        assert_eq!(data[0]["lead_room"], "transport");
        assert_eq!(data[0]["order"]["code"], silver.code.as_str());
        assert!(
            data[0]["subject"].as_str().unwrap().contains("数据室"),
            "{}",
            data[0]
        );
        let rooms: Vec<Value> = sent(&every_room)
            .iter()
            .map(|p| p["room"].clone())
            .collect();
        assert_eq!(rooms, [json!("core"), json!("data"), json!("power")]);
    })
    .await;
}

/// Issue 14: assigning an order (派单 to a person, 指派) tells the person on its own topic,
/// `order.assigned.<staff code>`, in the event's transaction: a technician's receiver that takes
/// only its topic gets only its own, one on `order.assigned.*` gets every assignment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assignment_is_told_to_the_person_assigned() {
    on_both(|store| async move {
        let (own_url, own) = webhook_receiver(0, Duration::ZERO).await;
        let (all_url, every) = webhook_receiver(0, Duration::ZERO).await;
        let notify = NotifyConfig {
            webhooks: vec![
                WebhookConfig {
                    topics: vec!["order.assigned.S1".into()],
                    ..webhook(&own_url, Some("k"))
                },
                WebhookConfig {
                    topics: vec!["order.assigned.*".into()],
                    ..webhook(&all_url, None)
                },
            ],
            ..Default::default()
        };
        store.set_fanout(Arc::new(notify.clone()));
        store
            .system().create::<jike_store::Regions>(
                &serde_json::from_value(json!({"code": "GZ", "name": "广东省", "level": "province"}))
                    .unwrap(),
            )
            .await
            .unwrap();
        store
            .system().create::<jike_store::Contractors>(
                &serde_json::from_value(json!({"code": "CT01", "name": "广州代维",
                    "contract_start": "2020-01-01", "contract_end": "2030-12-31", "region_codes": ["GZ"]}))
                .unwrap(),
            )
            .await
            .unwrap();
        for (code, name) in [("S1", "张强"), ("S2", "李明")] {
            store
                .system().create::<jike_store::StaffMembers>(
                    &serde_json::from_value(json!({"code": code, "name": name,
                        "contractor_code": "CT01", "region_code": "GZ", "education": "本科",
                        "training_level": "初级"}))
                    .unwrap(),
                )
                .await
                .unwrap();
        }
        let now = Utc::now();
        let order = store
            .system().create_order(
                &serde_json::from_value(json!({"kind": "fault", "title": "专线中断", "grade": "gold",
                    "contractor_code": "CT01"}))
                .unwrap(),
                None,
                now,
            )
            .await
            .unwrap()
            .order;
        let event = |v: Value| serde_json::from_value::<jike_domain::EventCreate>(v).unwrap();
        store
            .system().record_event(order.id, &event(json!({"type": "dispatched", "assignee_code": "S1"})), now)
            .await
            .unwrap();
        store
            .system().record_event(order.id, &event(json!({"type": "assigned", "assignee_code": "S2"})), now)
            .await
            .unwrap();
        let rows = all(&store, None).await;
        let mut topics: Vec<&str> = rows.iter().map(|r| r.topic.as_str()).collect();
        topics.sort();
        assert_eq!(
            topics,
            ["order.assigned.S1", "order.assigned.S1", "order.assigned.S2"],
            "{rows:#?}"
        );
        let worker = start_worker(&store, notify, "worker-1");
        wait_for(&store, Duration::from_secs(20), "assignment notices", |rows| {
            rows.len() == 3 && rows.iter().all(|r| r.status == DeliveryStatus::Delivered)
        })
        .await;
        stop_worker(worker).await;
        let requests = own.requests.lock().unwrap().clone();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].headers["x-jike-event"], "order.assigned.S1");
        assert!(requests[0].headers.contains_key("x-jike-signature"));
        let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
        assert_eq!(sent["assignee"], json!({"code": "S1", "name": "张强"}));
        assert_eq!(sent["order"]["code"], order.code.as_str());
        assert_eq!(sent["event"], "dispatched");
        assert_eq!(
            sent["subject"],
            format!("【派单】{} 金牌故障 专线中断 派单给 张强（S1）", order.code)
        );
        let everyone: Vec<Value> = every
            .requests
            .lock()
            .unwrap()
            .iter()
            .map(|q| serde_json::from_slice(&q.body).unwrap())
            .collect();
        let mut names: Vec<&str> = everyone
            .iter()
            .map(|p| p["assignee"]["name"].as_str().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["张强", "李明"]);
        let s2 = everyone.iter().find(|p| p["assignee"]["code"] == "S2").unwrap();
        assert!(s2["subject"].as_str().unwrap().contains("指派给 李明（S2）"), "{s2}");
    })
    .await;
}
