//! jike's HTTP service: the JSON API under `/api/v1`, its OpenAPI document, `/healthz` and
//! `/metrics`. The only crate that knows HTTP.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod configs;
pub mod console;
pub mod error;
pub mod metrics;
pub mod notify;
pub mod openapi;
pub mod orders;
pub mod resources;
pub mod routes;
pub mod scheduler;
pub mod text;
mod transfer;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Router;
use jike_store::{Store, StoreError};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::routes;

use access::Allow;
pub use error::{ApiError, Problem};
use routes::Routes;

/// Settings of the HTTP service.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The largest JSON body accepted, in bytes.
    pub max_json_bytes: usize,
    /// The largest import file accepted, in bytes.
    pub max_upload_bytes: usize,
    /// Where notifications go (`[notify]`); the worker that delivers them runs with `serve`.
    pub notify: notify::NotifyConfig,
    /// Login throttling and cookies (`[auth]`).
    pub auth: accounts::AuthConfig,
    /// Serve the console's files from this folder instead of the binary (for working on the
    /// console without rebuilding; `jike serve --console-dir`).
    pub console_dir: Option<std::path::PathBuf>,
    /// The rules and site conventions uploaded configurations are checked with (`lint_config`,
    /// the TOML file of `jike lint-config --config`).
    pub lint: Arc<jike_lint::LintConfig>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_json_bytes: 1 << 20,
            max_upload_bytes: 64 << 20,
            notify: notify::NotifyConfig::default(),
            auth: accounts::AuthConfig::default(),
            console_dir: None,
            lint: Arc::new(jike_lint::LintConfig::default()),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub metrics: Arc<metrics::Metrics>,
    pub config: Arc<ServerConfig>,
    /// Every route's access rule, as the routes were declared.
    pub rules: Arc<access::RuleTable>,
    openapi: Arc<String>,
}

/// Every route of the service, each declared once in its area's `routes()` with its handler,
/// its access rule and (the handler's `#[utoipa::path]`) its OpenAPI operation.
pub(crate) fn api() -> Routes {
    Routes::new()
        .merge(resources::routes())
        .merge(transfer::routes())
        .merge(orders::routes())
        .merge(configs::routes())
        .merge(notify::routes())
        .merge(audit::routes())
        .merge(accounts::routes())
        .merge(access::routes())
        .merge(console::routes())
        .route(Allow::Public, routes!(openapi_json))
        .route(Allow::Public, routes!(healthz))
        .route(Allow::Public, routes!(metrics::serve))
}

/// The OpenAPI document of this service.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, doc, rules) = api().into_parts();
    openapi::document(doc, &rules)
}

/// The whole service as a router, ready for `axum::serve` or for `oneshot` in tests.
pub fn router(store: Store, config: ServerConfig) -> Router {
    let metrics = Arc::new(metrics::Metrics::default());
    let (api, doc, rules) = api().into_parts();
    let openapi = openapi::document(doc, &rules)
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".into());
    // Order changes and fired timers write their notifications for these targets.
    store.set_fanout(Arc::new(config.notify.clone()));
    let state = AppState {
        store,
        metrics: metrics.clone(),
        config: Arc::new(config.clone()),
        rules: Arc::new(rules),
        openapi: Arc::new(openapi),
    };
    Router::new()
        .merge(api)
        // Every route passes its access rule (`access.rs`) before its handler runs; the rule
        // also sets how large a body the route reads.
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            access::authorize,
        ))
        .fallback(not_found)
        .with_state(state)
        // Before anything reads them: the path and query hold no NUL and decode as UTF-8.
        .layer(axum::middleware::from_fn(text::refuse_bad_uri))
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::track,
        ))
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::custom(|_| {
            Problem::simple(
                500,
                "internal",
                "Internal error",
                "the service failed to handle the request; the log has the details",
            )
            .into_response()
        }))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
}

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "access 权限", operation_id = "openapi",
    summary = "This OpenAPI document",
    responses((status = 200, description = "the OpenAPI 3.1 document", body = Object)))]
async fn openapi_json(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.openapi.as_str().to_owned(),
    )
        .into_response()
}

#[utoipa::path(get, path = "/healthz", tag = "operations 运维", operation_id = "healthz",
    summary = "Liveness and database reachability",
    responses(
        (status = 200, description = "the service and its database answer"),
        (status = 503, description = "the database does not answer"),
    ))]
async fn healthz(State(state): State<AppState>) -> Response {
    // Its own short timeout: a health check must answer, and quickly, when the database does not.
    let ping = tokio::time::timeout(Duration::from_secs(2), state.store.ping()).await;
    match ping.unwrap_or_else(|_| {
        Err(StoreError::Config(
            "the database did not answer within 2 s".into(),
        ))
    }) {
        Ok(()) => axum::Json(serde_json::json!({
            "status": "ok",
            "database": state.store.backend().name(),
            "version": env!("CARGO_PKG_VERSION"),
        }))
        .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database does not answer");
            let mut response = Problem::simple(
                503,
                "unavailable",
                "Service unavailable",
                "the database does not answer",
            )
            .into_response();
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(error::RETRY_AFTER_SECS),
            );
            response
        }
    }
}

async fn not_found() -> ApiError {
    ApiError::NotFound("no such endpoint; the API is described at /api/v1/openapi.json".into())
}

/// Serves until Ctrl-C or SIGTERM; `ready` is told the bound address first.
pub async fn serve(
    store: Store,
    config: ServerConfig,
    listen: SocketAddr,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    serve_on(store, config, listener, ready).await
}

/// [`serve`] on a listener already bound: `jike serve` binds its port before it touches the
/// database, so that a port taken is said at once, not after the demo has been loaded.
pub async fn serve_on(
    store: Store,
    config: ServerConfig,
    listener: tokio::net::TcpListener,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let deliveries = notify::Deliveries::start(store.clone(), Arc::new(config.notify.clone()))
        .map_err(std::io::Error::other)?;
    ready(listener.local_addr()?);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let stopped = move || {
        let mut rx = stop_rx.clone();
        async move {
            let _ = rx.wait_for(|s| *s).await;
        }
    };
    // The router first: it gives the store its notification targets, which a timer due at
    // start-up (fallen due while no process ran) needs before the scheduler's first round.
    // The peer's address reaches the handlers, for the audit log.
    let app = router(store.clone(), config).into_make_service_with_connect_info::<SocketAddr>();
    // The delivery worker listens: what a timer writes to the outbox goes out at once.
    let fired = notify::waker();
    let owner = scheduler::instance_name();
    tracing::info!(instance = %owner, "scheduler starting");
    let timers = tokio::spawn(scheduler::run(
        store.clone(),
        scheduler::SchedulerConfig::default(),
        owner,
        fired,
        stopped(),
    ));
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown().await;
            let _ = stop_tx.send(true);
        })
        .await;
    let _ = timers.await;
    deliveries.stop().await;
    served
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
