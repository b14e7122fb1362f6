//! R-S5 数据汇聚层 staffing per minimum grid (最小网格): the formula, and which regions are
//! staffed as one unit.
//!
//! Seed (移动网络代维质量管理规范-集客家客分册 2011, 2.2.1): 以下为最小网格最低配置,网元数量不足
//! 按照最低配置执行,当一个县区域的网元数量小于最小网格的基本配置时,按最小网格进行配置 …
//! 技术支撑人员 1人 300站点; 巡检、维护人员 1人 50站点; 网格内网元数量超过基本配置的40%,需增配1人.

use super::tree::Tree;
use crate::vocab::RegionLevel;

/// Slack of the floating-point comparisons of thresholds (shares and per-100 rates are
/// decimals that binary floats do not hold exactly: 0.4 × 50 must stay 20).
pub(super) const EPSILON: f64 = 1e-9;

/// R-S5: people of one job type a grid of `n` elements (sites) requires, one per
/// `per_person` with one more when the remainder exceeds `overflow` × `per_person`, at least 1
/// (网元数量不足按照最低配置执行):
/// `max(1, ⌊n/B⌋ + (n mod B > overflow·B ? 1 : 0))`. A remainder of exactly `overflow·B` adds
/// nobody. `per_person` 0 is read as 1 (the rules refuse it).
pub fn grid_required(n: u32, per_person: u32, overflow: f64) -> u32 {
    let b = per_person.max(1);
    let extra = f64::from(n % b) > overflow * f64::from(b) + EPSILON;
    (n / b + u32::from(extra)).max(1)
}

/// One unit R-S5 staffs: a minimum grid, a county staffed as one minimum grid, or the elements
/// a region holds outside its grids.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Unit {
    /// The region's index in the tree.
    pub node: usize,
    /// The regions whose elements and staff the unit holds.
    pub members: Vec<usize>,
    pub elements: u32,
    /// A county whose elements are fewer than one person's base, staffed as one grid.
    pub county_as_grid: bool,
}

/// The units of one job type (base `per_person`) within `scope` (a region's subtree, in the
/// tree's order): a county with fewer than `per_person` elements in all is one unit (its grids
/// merged); otherwise each of its grids is one, and the elements recorded on the county itself
/// (or on a city or province, outside any county) are one more. A unit with no elements is
/// left out (nothing to staff): `has_staff` tells whether it holds people of the job type, who
/// then count against the minimum of 1.
pub(super) fn units(
    tree: &Tree<'_>,
    scope: &[usize],
    per_person: u32,
    has_staff: &dyn Fn(&[usize]) -> bool,
) -> Vec<Unit> {
    let in_scope = |i: usize| scope.contains(&i);
    let merged = |county: usize| tree.subtree_sum(county, |r| r.aggregation_elements) < per_person;
    let mut out = Vec::new();
    for &i in scope {
        let node = &tree.nodes[i];
        let unit = match node.level {
            RegionLevel::County if merged(i) => Unit {
                node: i,
                members: tree.subtree(i),
                elements: tree.subtree_sum(i, |r| r.aggregation_elements),
                county_as_grid: true,
            },
            RegionLevel::Grid => {
                let county = tree
                    .ancestors(i)
                    .find(|&a| tree.nodes[a].level == RegionLevel::County);
                if county.is_some_and(|c| in_scope(c) && merged(c)) {
                    continue;
                }
                Unit {
                    node: i,
                    members: tree.subtree(i),
                    elements: tree.subtree_sum(i, |r| r.aggregation_elements),
                    county_as_grid: false,
                }
            }
            // A county staffed grid by grid, a city or a province: its own elements.
            _ => Unit {
                node: i,
                members: vec![i],
                elements: node.aggregation_elements,
                county_as_grid: false,
            },
        };
        if unit.elements > 0 || has_staff(&unit.members) {
            out.push(unit);
        }
    }
    out
}
