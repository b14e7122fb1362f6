//! Prometheus metrics: HTTP requests by route and status, their durations, and the inventory's
//! size, served as text at `/metrics`.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::error::ApiError;
use crate::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: String,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram>,
    inventory: Family<KindLabels, Gauge>,
    group_commits: Gauge,
    group_commit_requests: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("jike");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        let durations = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to answer HTTP requests",
            durations.clone(),
        );
        let inventory = Family::<KindLabels, Gauge>::default();
        registry.register("inventory_rows", "Rows stored, by kind", inventory.clone());
        let group_commits = Gauge::default();
        registry.register(
            "sqlite_group_commits",
            "SQLite commits of request groups since the service started",
            group_commits.clone(),
        );
        let group_commit_requests = Gauge::default();
        registry.register(
            "sqlite_group_commit_requests",
            "Requests those group commits held (divided by the commits: requests per commit)",
            group_commit_requests.clone(),
        );
        Metrics {
            registry,
            requests,
            durations,
            inventory,
            group_commits,
            group_commit_requests,
        }
    }
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.into(),
                route: route.into(),
                status,
            })
            .inc();
        self.durations
            .get_or_create(&RouteLabels {
                method: method.into(),
                route: route.into(),
            })
            .observe(seconds);
    }

    fn encode(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// Counts and times every request under its route template (not its raw path, so ids do not
/// explode the label space).
pub async fn track(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let start = Instant::now();
    let response = next.run(req).await;
    metrics.observe(
        &method,
        &route,
        response.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    response
}

/// `GET /metrics`
#[utoipa::path(get, path = "/metrics", tag = "operations 运维", operation_id = "metrics",
    summary = "Prometheus metrics (OpenMetrics text)",
    responses((status = 200, description = "metrics")))]
pub async fn serve(State(state): State<AppState>) -> Result<Response, ApiError> {
    let counts = state.store.counts().await?;
    for (kind, n) in counts.iter() {
        state
            .metrics
            .inventory
            .get_or_create(&KindLabels {
                kind: kind.code().into(),
            })
            .set(n);
    }
    if let Some((commits, requests)) = state.store.db().group_commits() {
        let gauge = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        state.metrics.group_commits.set(gauge(commits));
        state.metrics.group_commit_requests.set(gauge(requests));
    }
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(),
    )
        .into_response())
}
