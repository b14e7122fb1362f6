//! Interval arithmetic on instants (Unix seconds): outages, suspensions and periods of the KPIs
//! (§7: circuit availability 电路可用率, mean time to restore 平均故障历时).
//!
//! A [`Span`] is half-open, `[start, end)`; it is empty when `end <= start`. A *merged* list is
//! sorted, its spans non-empty and neither overlapping nor touching: what [`merge`] returns, and
//! what [`intersect`] and [`subtract`] take and return. Lengths saturate instead of overflowing,
//! so no input panics.

use serde::Serialize;

/// `[start, end)` in Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Span {
    pub start: i64,
    pub end: i64,
}

impl Span {
    pub const fn new(start: i64, end: i64) -> Span {
        Span { start, end }
    }

    /// Whether the span holds no second.
    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// Its length in seconds, 0 when empty.
    pub fn len(self) -> i64 {
        if self.is_empty() {
            0
        } else {
            self.end.saturating_sub(self.start)
        }
    }

    /// The part of `self` inside `window`, if any.
    pub fn clip(self, window: Span) -> Option<Span> {
        let s = Span::new(self.start.max(window.start), self.end.min(window.end));
        (!s.is_empty()).then_some(s)
    }

    /// Whether the instant `t` is inside.
    pub fn contains(self, t: i64) -> bool {
        self.start <= t && t < self.end
    }
}

/// Merges spans: sorted, empty ones dropped, overlapping or touching ones joined (the union of
/// the input as a merged list). Idempotent and independent of the input's order.
pub fn merge(spans: impl IntoIterator<Item = Span>) -> Vec<Span> {
    let mut v: Vec<Span> = spans.into_iter().filter(|s| !s.is_empty()).collect();
    v.sort_unstable();
    let mut out: Vec<Span> = Vec::with_capacity(v.len());
    for s in v {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// The sum of the spans' lengths (saturating). On a merged list: the seconds covered.
pub fn total(spans: &[Span]) -> i64 {
    spans
        .iter()
        .fold(0i64, |acc, s| acc.saturating_add(s.len()))
}

/// The seconds covered by the union of the spans: `total(&merge(spans))`.
pub fn covered(spans: impl IntoIterator<Item = Span>) -> i64 {
    total(&merge(spans))
}

/// The intersection of two merged lists, merged.
pub fn intersect(a: &[Span], b: &[Span]) -> Vec<Span> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        if let Some(s) = a[i].clip(b[j]) {
            out.push(s);
        }
        if a[i].end <= b[j].end {
            i += 1;
        } else {
            j += 1;
        }
    }
    merge(out)
}

/// `a` without `b` (both merged), merged.
pub fn subtract(a: &[Span], b: &[Span]) -> Vec<Span> {
    let mut out = Vec::with_capacity(a.len());
    let mut j = 0;
    for s in a {
        let mut cur = s.start;
        while j < b.len() && b[j].end <= cur {
            j += 1;
        }
        let mut k = j;
        while k < b.len() && b[k].start < s.end {
            if b[k].start > cur {
                out.push(Span::new(cur, b[k].start));
            }
            cur = cur.max(b[k].end);
            k += 1;
        }
        if cur < s.end {
            out.push(Span::new(cur, s.end));
        }
    }
    merge(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn s(a: i64, b: i64) -> Span {
        Span::new(a, b)
    }

    #[test]
    fn merge_joins_overlapping_and_touching_and_drops_empty() {
        let m = merge([
            s(10, 20),
            s(0, 5),
            s(15, 30),
            s(30, 31),
            s(40, 40),
            s(50, 45),
        ]);
        assert_eq!(m, vec![s(0, 5), s(10, 31)]);
        assert_eq!(total(&m), 26);
        assert_eq!(covered([s(0, 10), s(5, 15)]), 15);
    }

    #[test]
    fn intersect_and_subtract() {
        let a = merge([s(0, 10), s(20, 30)]);
        let b = merge([s(5, 25), s(28, 40)]);
        assert_eq!(intersect(&a, &b), vec![s(5, 10), s(20, 25), s(28, 30)]);
        assert_eq!(subtract(&a, &b), vec![s(0, 5), s(25, 28)]);
        assert_eq!(subtract(&a, &[]), a);
        assert_eq!(subtract(&[], &b), vec![]);
        assert_eq!(intersect(&a, &[]), vec![]);
    }

    #[test]
    fn extreme_instants_do_not_overflow() {
        let big = s(i64::MIN, i64::MAX);
        assert_eq!(big.len(), i64::MAX);
        assert_eq!(total(&[big, big]), i64::MAX);
        assert_eq!(merge([big, s(0, 1)]), vec![big]);
    }

    fn spans() -> impl Strategy<Value = Vec<Span>> {
        proptest::collection::vec((-1000i64..1000, 0i64..300), 0..12)
            .prop_map(|v| v.into_iter().map(|(a, l)| s(a, a + l)).collect())
    }

    proptest! {
        /// Merging is idempotent, independent of the order, and never longer than the sum.
        #[test]
        fn merge_is_idempotent_order_independent_and_bounded(v in spans(), seed in any::<u64>()) {
            let m = merge(v.clone());
            prop_assert_eq!(merge(m.clone()), m.clone());
            let mut shuffled = v.clone();
            // A deterministic shuffle from the seed.
            let n = shuffled.len();
            if n > 1 {
                let mut x = seed;
                for i in (1..n).rev() {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    shuffled.swap(i, (x >> 33) as usize % (i + 1));
                }
            }
            prop_assert_eq!(merge(shuffled), m.clone());
            prop_assert!(total(&m) <= total(&v));
            // Merged: sorted, non-empty, disjoint, not touching.
            for w in m.windows(2) {
                prop_assert!(w[0].end < w[1].start);
            }
            prop_assert!(m.iter().all(|x| !x.is_empty()));
            // Every second of the input is covered, and no other.
            for t in -1000i64..1300 {
                let inside = v.iter().any(|x| x.contains(t));
                prop_assert_eq!(inside, m.iter().any(|x| x.contains(t)));
            }
        }

        /// |a ∩ b| + |a − b| = |a|, and both parts lie inside a.
        #[test]
        fn intersect_and_subtract_partition(a in spans(), b in spans()) {
            let (a, b) = (merge(a), merge(b));
            let i = intersect(&a, &b);
            let d = subtract(&a, &b);
            prop_assert_eq!(total(&i) + total(&d), total(&a));
            prop_assert_eq!(intersect(&i, &d), vec![]);
            prop_assert_eq!(merge(i.iter().chain(&d).copied()), a.clone());
            prop_assert_eq!(intersect(&d, &b), vec![]);
        }
    }
}
