//! The scheduler's sweep: evaluating the clocks of 1,000,000 open orders (target: under 1 s on
//! one core). Run with `cargo bench -p jike-domain --bench sweep`.
//!
//! Setup builds a deterministic mix of open orders in one flat array of events, as a scheduler
//! would hold them: faults and complaints of every grade on 24x7 clocks at various stages (some
//! suspended and resumed, some suspended now, some escalated), handover orders waiting for their
//! documents on the cn-workday calendar, and provisioning orders with business-hours and
//! working-day clocks. One pass looks up each order's rule and evaluates it at one instant,
//! keeping the earliest next due instant.

use std::hint::black_box;
use std::ops::Range;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use jike_domain::calendar::Workdays;
use jike_domain::order::EventAt;
use jike_domain::policy::Policy;
use jike_domain::sla::evaluate;
use jike_domain::sla::ClockState;
use jike_domain::{BusinessType, EventType as E, Grade, OrderKind, Vocabulary};

const ORDERS: usize = 1_000_000;

struct Order {
    kind: OrderKind,
    grade: Grade,
    business_type: Option<BusinessType>,
    events: Range<u32>,
}

/// A small deterministic generator (xorshift).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> i64 {
        (self.next() % n) as i64
    }
}

fn build(now: i64) -> (Vec<Order>, Vec<EventAt>) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut orders = Vec::with_capacity(ORDERS);
    let mut events: Vec<EventAt> = Vec::with_capacity(ORDERS * 7);
    let ev = |events: &mut Vec<EventAt>, kind, at| events.push(EventAt { kind, at });
    for _ in 0..ORDERS {
        let first = events.len() as u32;
        let grade = Grade::ALL[rng.below(5) as usize];
        let business_type = Some(BusinessType::ALL[rng.below(10) as usize]);
        let roll = rng.below(100);
        let kind = if roll < 85 {
            // A fault or complaint that occurred up to 30 h ago, at some stage of handling.
            let kind = if roll < 75 {
                OrderKind::Fault
            } else {
                OrderKind::Complaint
            };
            let mut t = now - rng.below(30 * 3600);
            ev(&mut events, E::Occurred, t);
            t += rng.below(600);
            ev(&mut events, E::Dispatched, t);
            let stage = rng.below(6);
            if stage >= 1 {
                t += rng.below(1800);
                ev(&mut events, E::Accepted, t);
            }
            if stage >= 2 {
                t += rng.below(3600);
                ev(&mut events, E::CustomerContacted, t);
            }
            if stage >= 3 && rng.below(3) == 0 {
                // A suspension, resumed (R-C3).
                t += rng.below(3600);
                ev(&mut events, E::Suspended, t);
                t += rng.below(7200);
                ev(&mut events, E::Resumed, t);
            }
            if stage >= 4 {
                t += rng.below(7200);
                ev(&mut events, E::OnSite, t);
            }
            if stage == 5 && rng.below(4) == 0 {
                // Suspended now.
                t += rng.below(3600);
                ev(&mut events, E::Suspended, t.min(now));
            }
            kind
        } else if roll < 95 {
            // A handover passed in the last weeks, documents due in 3 working days (R-W1).
            let mut t = now - 20 * 86_400 + rng.below(19 * 86_400);
            ev(&mut events, E::Dispatched, t);
            t += rng.below(4 * 3600);
            ev(&mut events, E::Accepted, t);
            t += rng.below(86_400);
            ev(&mut events, E::OnSite, t);
            t += rng.below(4 * 3600);
            ev(&mut events, E::Passed, t.min(now));
            OrderKind::Handover
        } else {
            // Provisioning in progress: business hours and working days.
            let mut t = now - rng.below(25 * 86_400);
            ev(&mut events, E::Dispatched, t);
            if rng.below(2) == 0 {
                t += rng.below(8 * 3600);
                ev(&mut events, E::Accepted, t.min(now));
            }
            OrderKind::Provisioning
        };
        orders.push(Order {
            kind,
            grade,
            business_type,
            events: first..events.len() as u32,
        });
    }
    (orders, events)
}

fn sweep(c: &mut Criterion) {
    let policy = Policy::default_policy();
    let days = Workdays::builtin();
    // Monday 2025-10-13 15:00 +08:00: just after the National Day holidays.
    let now = 1_760_338_800;
    let (orders, events) = build(now);
    let mut group = c.benchmark_group("sweep");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    group.throughput(Throughput::Elements(ORDERS as u64));
    group.bench_function("evaluate 1M open orders", |b| {
        b.iter(|| {
            let mut earliest = i64::MAX;
            let mut breached = 0u32;
            for o in &orders {
                let Ok(rule) = policy.lookup(o.kind, o.grade, o.business_type) else {
                    continue;
                };
                let evs = &events[o.events.start as usize..o.events.end as usize];
                let e = evaluate(rule, &days, evs, black_box(now));
                if let Some(d) = e.next_due() {
                    earliest = earliest.min(d.at);
                }
                breached += e
                    .clocks()
                    .iter()
                    .filter(|c| c.state == ClockState::Breached)
                    .count() as u32;
            }
            black_box((earliest, breached))
        })
    });
    group.finish();
}

criterion_group!(benches, sweep);
criterion_main!(benches);
