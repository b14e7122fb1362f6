//! Derivations of a new work order from what the inventory says (decisions here, facts read by
//! the store): who maintains it (R-MD).
//!
//! The store reads the facts — the first circuit's path with each hop's contractor and
//! maintenance domain, the contracts that cover a domain in the circuit's region, the first
//! element's contractor — and asks [`contractor`] which contractor the order goes to and by which
//! rule; it writes the answer.

use serde::Serialize;

/// One hop of the first circuit's path as the derivation sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HopFacts<C> {
    /// The hop's own contractor, else its element's.
    pub contractor: Option<C>,
    /// The hop's maintenance domain (its own, else its element's), as stored.
    pub domain: Option<String>,
}

/// What the contractor of a new order is derived from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractorFacts<C> {
    /// The contractor the creator named.
    pub given: Option<C>,
    /// The failed hop of the first circuit (from 1).
    pub failed_hop: Option<u32>,
    /// The first circuit's path.
    pub hops: Vec<HopFacts<C>>,
    /// For each maintenance domain of the path, the contractor whose contract covers it in the
    /// circuit's region or a region above (none when no contract does).
    pub contracts: Vec<(String, Option<C>)>,
    /// The contractor of the order's first element.
    pub element: Option<C>,
}

/// By which rule the contractor was chosen; `code` is kept with the order and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContractorBasis {
    /// Named by whoever created or dispatched the order.
    Given,
    /// R-MD: the failed hop's contractor (its own, else its element's).
    FailedHop,
    /// R-MD: the contract covering the failed hop's maintenance domain in the circuit's region.
    FailedHopContract,
    /// R-MD: the only contractor on the first circuit's path.
    PathSingleContractor,
    /// R-MD: the only contractor whose contract covers the path's domains in the circuit's
    /// region.
    RegionContract,
    /// The contractor of the order's first element.
    Element,
    /// Seed 6.4.1: the first circuit has not passed final acceptance (未终验), so a fault or
    /// complaint on it goes to the engineering department (工程建设部门), through the project's
    /// builder, and to no contractor.
    Engineering,
}

impl ContractorBasis {
    pub const ALL: [ContractorBasis; 7] = [
        ContractorBasis::Given,
        ContractorBasis::FailedHop,
        ContractorBasis::FailedHopContract,
        ContractorBasis::PathSingleContractor,
        ContractorBasis::RegionContract,
        ContractorBasis::Element,
        ContractorBasis::Engineering,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ContractorBasis::Given => "given",
            ContractorBasis::FailedHop => "failed_hop",
            ContractorBasis::FailedHopContract => "failed_hop_contract",
            ContractorBasis::PathSingleContractor => "path_single_contractor",
            ContractorBasis::RegionContract => "region_contract",
            ContractorBasis::Element => "element",
            ContractorBasis::Engineering => "engineering",
        }
    }

    pub fn parse(code: &str) -> Option<ContractorBasis> {
        Self::ALL.into_iter().find(|b| b.code() == code)
    }

    /// What the rule says, in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            ContractorBasis::Given => "指定",
            ContractorBasis::FailedHop => "故障段的代维单位（R-MD）",
            ContractorBasis::FailedHopContract => "故障段专业在本区域的代维合同（R-MD）",
            ContractorBasis::PathSingleContractor => "电路路由上唯一的代维单位（R-MD）",
            ContractorBasis::RegionContract => "电路所在区域唯一的代维合同（R-MD）",
            ContractorBasis::Element => "网元的代维单位",
            ContractorBasis::Engineering => "未终验，由工程建设部门处理",
        }
    }
}

/// Why no contractor could be derived from a failed hop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeriveError {
    /// The failed hop is not on the first circuit's path.
    NoSuchHop { hop: u32, hops: usize },
}

impl std::fmt::Display for DeriveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeriveError::NoSuchHop { hop, hops } => write!(
                f,
                "the first circuit's path has no hop {hop} (it has {hops})"
            ),
        }
    }
}

/// Seed 6.4.1 (工程建设部门…负责…未终验业务的故障处理): whether a new order goes to the
/// engineering department instead of a contractor: a fault or complaint whose first circuit has
/// not passed final acceptance.
pub fn to_engineering(
    kind: crate::vocab::OrderKind,
    first_circuit: Option<crate::vocab::Acceptance>,
) -> bool {
    kind.is_incident() && first_circuit == Some(crate::vocab::Acceptance::NotFinalAccepted)
}

/// Why a contractor may not be named for an order routed to the engineering department (at
/// creation, dispatch or reassignment); `None` when it may.
pub fn contractor_refused(basis: Option<ContractorBasis>) -> Option<&'static str> {
    (basis == Some(ContractorBasis::Engineering)).then_some(
        "must not be given: the order's circuit is not finally accepted (未终验), so its fault goes to the engineering department through the project's builder, not to a contractor (seed 6.4.1)",
    )
}

/// The distinct values, in first-seen order.
fn distinct<C: PartialEq + Copy>(values: impl Iterator<Item = C>) -> Vec<C> {
    let mut out = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// R-MD: the contractor of a new order and the rule that chose it, or `None` when nothing
/// decides (several contractors could, and no hop is named): the dispatcher must then choose.
///
/// In order: the one given; the failed hop's own contractor, else the contract covering its
/// domain in the region; without a failed hop, the path's only contractor, else the only
/// contractor whose contract covers the path's domains; the first element's.
pub fn contractor<C: PartialEq + Copy>(
    facts: &ContractorFacts<C>,
) -> Result<Option<(C, ContractorBasis)>, DeriveError> {
    use ContractorBasis as B;
    // A failed hop that is not on the path is a wrong input, whoever is named.
    let failed = match facts.failed_hop {
        Some(n) => Some(
            usize::try_from(n)
                .ok()
                .and_then(|i| i.checked_sub(1))
                .and_then(|i| facts.hops.get(i))
                .ok_or(DeriveError::NoSuchHop {
                    hop: n,
                    hops: facts.hops.len(),
                })?,
        ),
        None => None,
    };
    if let Some(c) = facts.given {
        return Ok(Some((c, B::Given)));
    }
    let contract_of = |domain: &str| {
        facts
            .contracts
            .iter()
            .find(|(d, _)| d == domain)
            .and_then(|(_, c)| *c)
    };
    if let Some(hop) = failed {
        if let Some(c) = hop.contractor {
            return Ok(Some((c, B::FailedHop)));
        }
        if let Some(c) = hop.domain.as_deref().and_then(contract_of) {
            return Ok(Some((c, B::FailedHopContract)));
        }
    } else {
        let on_path = distinct(facts.hops.iter().filter_map(|h| h.contractor));
        if let [only] = on_path[..] {
            return Ok(Some((only, B::PathSingleContractor)));
        }
        if on_path.is_empty() {
            let domains = distinct(facts.hops.iter().filter_map(|h| h.domain.as_deref()));
            let by_contract = distinct(domains.iter().filter_map(|d| contract_of(d)));
            if let [only] = by_contract[..] {
                return Ok(Some((only, B::RegionContract)));
            }
        }
    }
    Ok(facts.element.map(|c| (c, B::Element)))
}

/// What a new order's first circuit says of the rest (R-BT): its customer, its business type,
/// its region. `I` is the store's row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstCircuit<I> {
    pub customer: I,
    pub business_type: crate::vocab::BusinessType,
    pub region: Option<I>,
}

/// Where a new order's region comes from: known now, or the customer's region (a fact the
/// store reads only when this asks for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionFrom<I> {
    Known(Option<I>),
    CustomersRegion(I),
}

/// Where a new order's grade comes from: given, or the grade the customer had when the fault
/// occurred (R-SL3: the grade in force at `occurred_at`, never today's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GradeFrom<I> {
    Given(crate::vocab::Grade),
    InForceAt(I),
}

/// The customer, business type and region of a new order: what the caller gave wins; the rest
/// comes from the first circuit; a region still unknown is the customer's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderLine<I> {
    pub customer: Option<I>,
    pub business_type: Option<crate::vocab::BusinessType>,
    pub region: RegionFrom<I>,
}

/// Derives [`OrderLine`] from what was given and the first circuit (R-BT).
pub fn order_line<I: Copy>(
    customer: Option<I>,
    business_type: Option<crate::vocab::BusinessType>,
    region: Option<I>,
    first: Option<FirstCircuit<I>>,
) -> OrderLine<I> {
    let customer = customer.or(first.map(|c| c.customer));
    let business_type = business_type.or(first.map(|c| c.business_type));
    let region = match (region.or(first.and_then(|c| c.region)), customer) {
        (Some(r), _) => RegionFrom::Known(Some(r)),
        (None, Some(cu)) => RegionFrom::CustomersRegion(cu),
        (None, None) => RegionFrom::Known(None),
    };
    OrderLine {
        customer,
        business_type,
        region,
    }
}

/// Where the grade of a new order comes from (R-SL3); an order with neither a grade nor a
/// customer cannot have one.
pub fn order_grade<I>(
    given: Option<crate::vocab::Grade>,
    customer: Option<I>,
) -> Result<GradeFrom<I>, crate::values::FieldError> {
    match (given, customer) {
        (Some(g), _) => Ok(GradeFrom::Given(g)),
        (None, Some(cu)) => Ok(GradeFrom::InForceAt(cu)),
        (None, None) => Err(crate::values::FieldError::new(
            "grade",
            "is needed: the order names no customer",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ContractorBasis as B;

    fn hop(contractor: Option<i64>, domain: Option<&str>) -> HopFacts<i64> {
        HopFacts {
            contractor,
            domain: domain.map(str::to_string),
        }
    }

    fn facts(hops: Vec<HopFacts<i64>>) -> ContractorFacts<i64> {
        ContractorFacts {
            given: None,
            failed_hop: None,
            hops,
            contracts: vec![],
            element: None,
        }
    }

    #[test]
    fn the_given_contractor_wins() {
        let mut f = facts(vec![hop(Some(1), None)]);
        f.given = Some(9);
        f.failed_hop = Some(1);
        assert_eq!(contractor(&f), Ok(Some((9, B::Given))));
        // A failed hop off the path is still a wrong input.
        f.failed_hop = Some(2);
        assert!(contractor(&f).is_err());
    }

    /// R-MD: the failed hop's contractor, else the contract of its domain in the region.
    #[test]
    fn the_failed_hop_decides() {
        let mut f = facts(vec![
            hop(Some(1), Some("aggregation")),
            hop(None, Some("enterprise_access")),
        ]);
        f.failed_hop = Some(1);
        assert_eq!(contractor(&f), Ok(Some((1, B::FailedHop))));
        f.failed_hop = Some(2);
        assert_eq!(contractor(&f), Ok(None));
        f.contracts = vec![("enterprise_access".into(), Some(7))];
        assert_eq!(contractor(&f), Ok(Some((7, B::FailedHopContract))));
        f.failed_hop = Some(3);
        assert_eq!(
            contractor(&f),
            Err(DeriveError::NoSuchHop { hop: 3, hops: 2 })
        );
        f.failed_hop = Some(0);
        assert!(contractor(&f).is_err());
    }

    /// Without a failed hop: the path's only contractor; two on the path decide nothing.
    #[test]
    fn a_path_with_one_contractor_decides_without_a_failed_hop() {
        let f = facts(vec![
            hop(Some(4), None),
            hop(None, None),
            hop(Some(4), None),
        ]);
        assert_eq!(contractor(&f), Ok(Some((4, B::PathSingleContractor))));
        let mut f = facts(vec![hop(Some(4), None), hop(Some(5), None)]);
        assert_eq!(contractor(&f), Ok(None));
        f.element = Some(5);
        assert_eq!(contractor(&f), Ok(Some((5, B::Element))));
    }

    /// Without a failed hop and no contractor on the path: the contract of the region, when
    /// the path's domains lead to one contractor only.
    #[test]
    fn the_region_contract_decides_when_it_is_the_only_one() {
        let mut f = facts(vec![
            hop(None, Some("aggregation")),
            hop(None, Some("enterprise_access")),
        ]);
        f.contracts = vec![
            ("aggregation".into(), Some(3)),
            ("enterprise_access".into(), Some(3)),
        ];
        assert_eq!(contractor(&f), Ok(Some((3, B::RegionContract))));
        f.contracts[1].1 = Some(8);
        assert_eq!(
            contractor(&f),
            Ok(None),
            "two contracts: the dispatcher chooses"
        );
        f.contracts[1].1 = None;
        assert_eq!(contractor(&f), Ok(Some((3, B::RegionContract))));
    }

    /// Seed 6.4.1: only an incident on a line not finally accepted goes to engineering, and a
    /// contractor is refused for it alone.
    #[test]
    fn faults_on_lines_not_finally_accepted_go_to_engineering() {
        use crate::vocab::{Acceptance as A, OrderKind as K};
        assert!(to_engineering(K::Fault, Some(A::NotFinalAccepted)));
        assert!(to_engineering(K::Complaint, Some(A::NotFinalAccepted)));
        assert!(!to_engineering(K::Fault, Some(A::FinalAccepted)));
        assert!(!to_engineering(K::Fault, None));
        assert!(!to_engineering(K::Inspection, Some(A::NotFinalAccepted)));
        assert!(contractor_refused(Some(B::Engineering)).is_some());
        for b in ContractorBasis::ALL
            .into_iter()
            .filter(|b| *b != B::Engineering)
        {
            assert_eq!(contractor_refused(Some(b)), None);
        }
        assert_eq!(contractor_refused(None), None);
    }

    #[test]
    fn basis_codes_round_trip() {
        for b in ContractorBasis::ALL {
            assert_eq!(ContractorBasis::parse(b.code()), Some(b));
            assert!(!b.zh().is_empty());
        }
        assert_eq!(ContractorBasis::parse("guess"), None);
    }

    proptest! {
        /// Whatever the facts, a derived contractor is one the facts name, and the rule that
        /// chose it names where it came from.
        #[test]
        fn a_derived_contractor_comes_from_the_facts(
            given in proptest::option::of(0i64..5),
            failed in proptest::option::of(0u32..6),
            hops in proptest::collection::vec((proptest::option::of(0i64..5), proptest::option::of(0usize..3)), 0..6),
            contracts in proptest::collection::vec(proptest::option::of(0i64..5), 3),
            element in proptest::option::of(0i64..5),
        ) {
            const DOMAINS: [&str; 3] = ["aggregation", "enterprise_access", "home_access"];
            let f = ContractorFacts {
                given,
                failed_hop: failed,
                hops: hops.iter().map(|(c, d)| HopFacts { contractor: *c, domain: d.map(|i| DOMAINS[i].to_string()) }).collect(),
                contracts: DOMAINS.iter().zip(&contracts).map(|(d, c)| (d.to_string(), *c)).collect(),
                element,
            };
            match contractor(&f) {
                Err(DeriveError::NoSuchHop { hop, hops: n }) => {
                    prop_assert!(hop == 0 || hop as usize > n);
                }
                Ok(None) => prop_assert!(given.is_none() && element.is_none()),
                Ok(Some((c, basis))) => {
                    let hop_contractors: Vec<i64> = f.hops.iter().filter_map(|h| h.contractor).collect();
                    match basis {
                        B::Given => prop_assert_eq!(Some(c), given),
                        B::FailedHop => prop_assert_eq!(f.hops[failed.unwrap() as usize - 1].contractor, Some(c)),
                        B::FailedHopContract | B::RegionContract => prop_assert!(contracts.contains(&Some(c))),
                        B::PathSingleContractor => prop_assert!(hop_contractors.iter().all(|h| *h == c) && !hop_contractors.is_empty()),
                        B::Element => prop_assert_eq!(Some(c), element),
                        B::Engineering => prop_assert!(false, "contractor() never routes to engineering"),
                    }
                }
            }
        }
    }

    #[test]
    fn the_first_circuit_gives_what_the_caller_did_not() {
        use crate::vocab::BusinessType as B;
        let circuit = FirstCircuit {
            customer: 7,
            business_type: B::DataLine,
            region: Some(3),
        };
        let first = Some(circuit);
        let all = order_line(None, None, None, first);
        assert_eq!(
            all,
            OrderLine {
                customer: Some(7),
                business_type: Some(B::DataLine),
                region: RegionFrom::Known(Some(3))
            }
        );
        let given = order_line(Some(8), Some(B::InternetLine), Some(4), first);
        assert_eq!(
            given,
            OrderLine {
                customer: Some(8),
                business_type: Some(B::InternetLine),
                region: RegionFrom::Known(Some(4))
            }
        );
        let no_region = order_line(
            None,
            None,
            None,
            Some(FirstCircuit {
                region: None,
                ..circuit
            }),
        );
        assert_eq!(no_region.region, RegionFrom::CustomersRegion(7));
        let nothing = order_line::<i64>(None, None, None, None);
        assert_eq!(
            nothing,
            OrderLine {
                customer: None,
                business_type: None,
                region: RegionFrom::Known(None)
            }
        );
        assert_eq!(
            order_line(Some(9), None, None, None).region,
            RegionFrom::CustomersRegion(9)
        );
    }

    #[test]
    fn the_grade_is_given_or_the_one_in_force_when_the_fault_occurred() {
        use crate::vocab::Grade;
        assert_eq!(
            order_grade(Some(Grade::Gold), Some(1)),
            Ok(GradeFrom::Given(Grade::Gold))
        );
        assert_eq!(order_grade(None, Some(1)), Ok(GradeFrom::InForceAt(1)));
        let err = order_grade::<i64>(None, None).unwrap_err();
        assert_eq!(err.field, "grade");
    }
}
