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
pub mod scheduler;
pub mod text;
mod transfer;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Router;
use jike_store::{Store, StoreError};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use error::{ApiError, Problem};

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
    openapi: Arc<String>,
}

/// Lists the inventory kinds once: each is routed and documented from this list.
macro_rules! for_each_resource {
    ($f:ident, $acc:expr $(, $arg:expr)*) => {{
        let acc = $acc;
        let acc = $f::<jike_store::Regions>(acc $(, $arg)*);
        let acc = $f::<jike_store::Sites>(acc $(, $arg)*);
        let acc = $f::<jike_store::Elements>(acc $(, $arg)*);
        let acc = $f::<jike_store::Customers>(acc $(, $arg)*);
        let acc = $f::<jike_store::Circuits>(acc $(, $arg)*);
        let acc = $f::<jike_store::Contractors>(acc $(, $arg)*);
        let acc = $f::<jike_store::StaffMembers>(acc $(, $arg)*);
        let acc = $f::<jike_store::Instruments>(acc $(, $arg)*);
        $f::<jike_store::Vehicles>(acc $(, $arg)*)
    }};
}

fn merge_routes<R: resources::Resource>(router: Router<AppState>) -> Router<AppState> {
    router.merge(resources::routes::<R>())
}

/// The OpenAPI document of this service.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut schemas = Vec::new();
    let paths = utoipa::openapi::PathsBuilder::new();
    let paths = for_each_resource!(add_doc, paths, &mut schemas);
    let paths = openapi::add_other(paths, &mut schemas);
    let paths = openapi::add_orders(paths, &mut schemas);
    let paths = openapi::add_dashboard(paths, &mut schemas);
    let paths = openapi::add_configs(paths, &mut schemas);
    let paths = openapi::add_notifications(paths, &mut schemas);
    let paths = audit::add_audit(paths, &mut schemas);
    let paths = openapi::add_accounts(paths, &mut schemas);
    openapi::document(paths, schemas)
}

fn add_doc<R: resources::Resource>(
    paths: utoipa::openapi::PathsBuilder,
    schemas: &mut Vec<(
        String,
        utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
    )>,
) -> utoipa::openapi::PathsBuilder {
    openapi::add_resource::<R>(paths, schemas)
}

/// The whole service as a router, ready for `axum::serve` or for `oneshot` in tests.
pub fn router(store: Store, config: ServerConfig) -> Router {
    let metrics = Arc::new(metrics::Metrics::default());
    let openapi = openapi().to_pretty_json().unwrap_or_else(|_| "{}".into());
    // Order changes and fired timers write their notifications for these targets.
    store.set_fanout(Arc::new(config.notify.clone()));
    let state = AppState {
        store,
        metrics: metrics.clone(),
        config: Arc::new(config.clone()),
        openapi: Arc::new(openapi),
    };
    let api = for_each_resource!(merge_routes, Router::new())
        .route(
            "/api/v1/customers/{id}/grade-history",
            get(resources::grade_history),
        )
        .route("/api/v1/export/{kind}", get(transfer::export))
        .merge(orders::routes())
        .route("/api/v1/notifications", get(notify::list))
        .route("/api/v1/audit", get(audit::list))
        .route("/api/v1/auth/login", post(accounts::login))
        .route("/api/v1/auth/logout", post(accounts::logout))
        .route("/api/v1/auth/me", get(accounts::me))
        .route(
            "/api/v1/users",
            get(accounts::list_users).post(accounts::add_user),
        )
        .route(
            "/api/v1/users/{name}",
            get(accounts::get_user).patch(accounts::change_user),
        )
        .route(
            "/api/v1/tokens",
            get(accounts::list_tokens).post(accounts::create_token),
        )
        .route("/api/v1/tokens/{id}", delete(accounts::revoke_token))
        .route("/api/v1/access/rules", get(access::list_rules))
        .route("/api/v1/elements/{id}/config/text", get(configs::text))
        .route(
            "/api/v1/elements/{id}/config/history",
            get(configs::history),
        )
        .route("/api/v1/config-findings", get(configs::findings))
        .route("/api/v1/config-findings/rules", get(configs::rules))
        .layer(DefaultBodyLimit::max(config.max_json_bytes));
    let import = Router::new()
        .route("/api/v1/import/{kind}", post(transfer::import))
        .route(
            "/api/v1/elements/{id}/config",
            post(configs::upload).get(configs::latest),
        )
        .layer(DefaultBodyLimit::max(config.max_upload_bytes));
    Router::new()
        .merge(api)
        .merge(import)
        .merge(console::routes())
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::serve))
        // Every route passes its access rule (`access.rs`) before its handler runs.
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

async fn openapi_json(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.openapi.as_str().to_owned(),
    )
        .into_response()
}

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
