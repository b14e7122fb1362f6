//! Unit tests per rule with hand-computed figures, and property tests of R-S5's formula and of
//! the what-if.

use super::*;
use crate::vocab::{AssetStatus as A, Certificate as C, Education as E, InstrumentKind as K};
use proptest::prelude::*;

// ---- fixtures --------------------------------------------------------------------------------

fn region(code: &str, level: RegionLevel, parent: Option<&str>) -> RegionFacts {
    RegionFacts {
        code: code.into(),
        name: String::new(),
        level,
        parent_code: parent.map(str::to_string),
        enterprise_sites: 0,
        aggregation_elements: 0,
        maintenance_stations: 0,
    }
}

fn sites(mut r: RegionFacts, enterprise: u32, elements: u32) -> RegionFacts {
    r.enterprise_sites = enterprise;
    r.aggregation_elements = elements;
    r
}

/// A bachelor technician with 3 years of experience, no core network, no certificate.
fn person(code: &str, region: &str, role: StaffRole) -> StaffFacts {
    StaffFacts {
        code: code.into(),
        name: format!("{code}工"),
        region_code: region.into(),
        role,
        technician: true,
        education: E::Bachelor,
        major: "通信工程".into(),
        years_experience: 3,
        years_core_network: 0,
        certificates: vec![],
        training_level: TrainingLevel::Junior,
    }
}

fn people(n: usize, region: &str, role: StaffRole) -> Vec<StaffFacts> {
    (0..n)
        .map(|i| person(&format!("{region}-{i}"), region, role))
        .collect()
}

fn instrument(code: &str, kind: K, region: &str, holder: Option<&str>) -> InstrumentFacts {
    InstrumentFacts {
        code: code.into(),
        kind,
        region_code: region.into(),
        holder_code: holder.map(str::to_string),
        status: A::InService,
    }
}

fn facts(regions: Vec<RegionFacts>, contract: &[&str], staff: Vec<StaffFacts>) -> ComplianceFacts {
    ComplianceFacts {
        contractor_code: "CT01".into(),
        domains: vec![
            MaintenanceDomain::Aggregation,
            MaintenanceDomain::EnterpriseAccess,
        ],
        contract_regions: contract.iter().map(|s| s.to_string()).collect(),
        regions,
        staff,
        instruments: vec![],
        vehicles: vec![],
    }
}

/// A city GZ with one county and no grids.
fn one_county(enterprise: u32, elements: u32, staff: Vec<StaffFacts>) -> ComplianceFacts {
    facts(
        vec![
            region("GZ", RegionLevel::City, None),
            sites(
                region("TH", RegionLevel::County, Some("GZ")),
                enterprise,
                elements,
            ),
        ],
        &["GZ"],
        staff,
    )
}

fn report(f: &ComplianceFacts) -> ComplianceReport {
    evaluate(f, &ComplianceRules::default()).unwrap()
}

fn checks<'a>(
    r: &'a ComplianceReport,
    requirement: Requirement,
    region: Option<&str>,
) -> Vec<&'a Check> {
    r.checks
        .iter()
        .filter(|c| c.requirement == requirement && c.region.as_deref() == region)
        .collect()
}

fn check<'a>(r: &'a ComplianceReport, requirement: Requirement, region: Option<&str>) -> &'a Check {
    let found = checks(r, requirement, region);
    assert_eq!(found.len(), 1, "{requirement:?} in {region:?}: {found:#?}");
    found[0]
}

fn figures(c: &Check) -> (u32, u32, bool, u32) {
    (c.required, c.actual, c.passed, c.shortfall)
}

fn share_detail(c: &Check) -> &ShareDetail {
    match &c.detail {
        Some(Detail::Share(d)) => d,
        other => panic!("not a share: {other:?}"),
    }
}

fn grid_check<'a>(r: &'a ComplianceReport, role: StaffRole, grid: &str) -> &'a Check {
    r.checks
        .iter()
        .find(|c| c.rule == RuleId::S5 && c.role == Some(role) && c.grid.as_deref() == Some(grid))
        .unwrap_or_else(|| panic!("no R-S5 {role} check for {grid}"))
}

fn grid_units(r: &ComplianceReport, role: StaffRole) -> Vec<(String, u32)> {
    r.checks
        .iter()
        .filter(|c| c.rule == RuleId::S5 && c.role == Some(role))
        .map(|c| (c.grid.clone().unwrap(), c.required))
        .collect()
}

// ---- R-S1 ------------------------------------------------------------------------------------

#[test]
fn r_s1_needs_two_and_a_half_people_per_hundred_sites() {
    // 200 sites × 2.5 / 100 = 5 people; 4 on the staff: 1 short, rate 0.8.
    let r = report(&one_county(200, 0, people(4, "TH", StaffRole::ClientSide)));
    let c = check(&r, Requirement::StaffPerSites, Some("GZ"));
    assert_eq!(figures(c), (5, 4, false, 1));
    assert_eq!(c.rate, Some(0.8));
    assert_eq!(c.unit, Unit::People);
    assert!(!r.passed);

    // 40 sites: exactly 1.0 (no float ceiling to 2); 41 sites: 1.025 → 2.
    let r = report(&one_county(40, 0, people(1, "TH", StaffRole::ClientSide)));
    assert_eq!(
        figures(check(&r, Requirement::StaffPerSites, Some("GZ"))),
        (1, 1, true, 0)
    );
    let r = report(&one_county(41, 0, people(1, "TH", StaffRole::ClientSide)));
    assert_eq!(
        figures(check(&r, Requirement::StaffPerSites, Some("GZ"))),
        (2, 1, false, 1)
    );
}

#[test]
fn r_s1_with_no_sites_requires_nobody() {
    let r = report(&one_county(0, 0, vec![]));
    let c = check(&r, Requirement::StaffPerSites, Some("GZ"));
    assert_eq!(figures(c), (0, 0, true, 0));
    assert_eq!(c.rate, None);
}

#[test]
fn r_s1_for_the_whole_contractor_counts_every_region_and_person() {
    // GZ 100 sites → 3 (2.5 → 3), FS 41 sites → 2; whole: 141 × 2.5 / 100 = 3.525 → 4.
    let mut staff = people(3, "GZ", StaffRole::ClientSide);
    staff.push(person("HQ", "GD", StaffRole::Manager)); // the province: in no contract region
    let f = facts(
        vec![
            region("GD", RegionLevel::Province, None),
            sites(region("GZ", RegionLevel::City, Some("GD")), 100, 0),
            sites(region("FS", RegionLevel::City, Some("GD")), 41, 0),
        ],
        &["GZ", "FS"],
        staff,
    );
    let r = report(&f);
    assert_eq!(
        figures(check(&r, Requirement::StaffPerSites, None)),
        (4, 4, true, 0)
    );
    assert_eq!(
        figures(check(&r, Requirement::StaffPerSites, Some("GZ"))),
        (3, 3, true, 0)
    );
    assert_eq!(
        figures(check(&r, Requirement::StaffPerSites, Some("FS"))),
        (2, 0, false, 2)
    );
    assert_eq!(r.unplaced_staff, ["HQ"]);
    // The whole contractor comes first.
    assert_eq!(r.checks[0].region, None);
}

// ---- R-S2 ------------------------------------------------------------------------------------

#[test]
fn r_s2_two_technicians_one_of_them_certified() {
    let mut staff = people(2, "TH", StaffRole::ClientSide);
    staff[0].certificates = vec![C::EnterpriseClient];
    let mut clerk = person("CLERK", "TH", StaffRole::Manager);
    clerk.technician = false;
    clerk.certificates = vec![C::EnterpriseClient];
    staff.push(clerk);
    let r = report(&one_county(0, 0, staff.clone()));
    assert_eq!(
        figures(check(&r, Requirement::Technicians, Some("GZ"))),
        (2, 2, true, 0)
    );
    assert_eq!(
        figures(check(&r, Requirement::CertifiedTechnicians, Some("GZ"))),
        (1, 1, true, 0)
    );
    // R-S2 is per region only.
    assert!(checks(&r, Requirement::Technicians, None).is_empty());

    // One certified technician only: a technician short, the certificate there.
    let r = report(&one_county(0, 0, vec![staff[0].clone()]));
    assert_eq!(
        figures(check(&r, Requirement::Technicians, Some("GZ"))),
        (2, 1, false, 1)
    );
    assert_eq!(
        figures(check(&r, Requirement::CertifiedTechnicians, Some("GZ"))),
        (1, 1, true, 0)
    );
    // Two technicians, none certified (the clerk's certificate does not count).
    let r = report(&one_county(
        0,
        0,
        vec![staff[1].clone(), staff[1].clone(), staff[2].clone()],
    ));
    assert_eq!(
        figures(check(&r, Requirement::CertifiedTechnicians, Some("GZ"))),
        (1, 0, false, 1)
    );
}

#[test]
fn r_s2_counted_separately_asks_for_three() {
    let mut staff = people(2, "TH", StaffRole::ClientSide);
    staff[0].certificates = vec![C::EnterpriseClient];
    let mut rules = ComplianceRules::default();
    rules.r_s2.certified_counted_separately = true;
    let r = evaluate(&one_county(0, 0, staff), &rules).unwrap();
    assert_eq!(
        figures(check(&r, Requirement::Technicians, Some("GZ"))),
        (3, 2, false, 1)
    );
    assert_eq!(
        figures(check(&r, Requirement::CertifiedTechnicians, Some("GZ"))),
        (1, 1, true, 0)
    );
}

// ---- R-S3 ------------------------------------------------------------------------------------

#[test]
fn r_s3_five_percent_with_core_network_experience() {
    // 30 staff × 5 % = 1.5 → 2; one has 2 years: 1 short; one such hire (31 × 5 % = 1.55 → 2).
    let mut staff = people(30, "TH", StaffRole::Maintenance);
    staff[0].years_core_network = 2;
    staff[1].years_core_network = 1; // not enough
    let r = report(&one_county(0, 0, staff));
    let c = check(&r, Requirement::CoreNetworkExperience, Some("GZ"));
    assert_eq!(figures(c), (2, 1, false, 1));
    assert_eq!(share_detail(c).hires_needed, Some(1));
    assert_eq!(share_detail(c).base, 30);

    // 20 × 5 % = 1 exactly; 3 staff: 0.15, at least 1 (如不满1人,计1人).
    let mut staff = people(20, "TH", StaffRole::Maintenance);
    staff[0].years_core_network = 2;
    let r = report(&one_county(0, 0, staff));
    assert_eq!(
        figures(check(&r, Requirement::CoreNetworkExperience, Some("GZ"))),
        (1, 1, true, 0)
    );
    let r = report(&one_county(0, 0, people(3, "TH", StaffRole::Maintenance)));
    assert_eq!(
        figures(check(&r, Requirement::CoreNetworkExperience, Some("GZ"))),
        (1, 0, false, 1)
    );
}

#[test]
fn r_s3_ten_percent_of_client_side_staff_with_a_data_certificate() {
    // 12 client-side × 10 % = 1.2 → 2; one CCNA, one HCIE; the maintenance man's CCNA does not
    // count; the enterprise-client certificate is no data certificate.
    let mut staff = people(12, "TH", StaffRole::ClientSide);
    staff[0].certificates = vec![C::Ccna];
    staff[1].certificates = vec![C::EnterpriseClient];
    let mut m = person("M", "TH", StaffRole::Maintenance);
    m.certificates = vec![C::Ccna];
    staff.push(m);
    let r = report(&one_county(0, 0, staff.clone()));
    let c = check(&r, Requirement::DataCertificate, Some("GZ"));
    assert_eq!(figures(c), (2, 1, false, 1));
    assert_eq!(share_detail(c).base, 12);
    staff[2].certificates = vec![C::Hcie];
    let r = report(&one_county(0, 0, staff));
    assert_eq!(
        figures(check(&r, Requirement::DataCertificate, Some("GZ"))),
        (2, 2, true, 0)
    );

    // No client-side staff: still 1 (如不满1人,计1人), one hire.
    let r = report(&one_county(0, 0, people(2, "TH", StaffRole::Maintenance)));
    let c = check(&r, Requirement::DataCertificate, Some("GZ"));
    assert_eq!(figures(c), (1, 0, false, 1));
    assert_eq!(share_detail(c).hires_needed, Some(1));
}

// ---- R-S4 ------------------------------------------------------------------------------------

#[test]
fn r_s4_sixty_percent_bachelors_and_hires_raise_the_base() {
    // 10 staff, 4 bachelors (one a master): 6 required, 2 short; hiring, 5 bachelors are
    // needed: 9 of 15 = 60 %, while 8 of 14 is 57 %.
    let mut staff = people(10, "TH", StaffRole::ClientSide);
    for (i, p) in staff.iter_mut().enumerate() {
        p.technician = false;
        p.education = match i {
            0 => E::Master,
            1..=3 => E::Bachelor,
            4..=7 => E::College,
            _ => E::Secondary,
        };
    }
    let r = report(&one_county(0, 0, staff));
    let c = check(&r, Requirement::Degree, Some("GZ"));
    assert_eq!(figures(c), (6, 4, false, 2));
    assert_eq!(share_detail(c).hires_needed, Some(5));
    assert_eq!(share_detail(c).min_people, 0);
    // Nobody at all: 60 % of nobody is nobody.
    let r = report(&one_county(0, 0, vec![]));
    assert_eq!(
        figures(check(&r, Requirement::Degree, Some("GZ"))),
        (0, 0, true, 0)
    );
}

#[test]
fn r_s4_every_technician_college_and_a_year_lists_who_fails() {
    let ok = person("OK", "TH", StaffRole::ClientSide);
    let mut college = person("COL", "TH", StaffRole::ClientSide);
    college.education = E::College;
    let mut school = person("SCH", "TH", StaffRole::ClientSide);
    school.education = E::Secondary;
    let mut new = person("NEW", "TH", StaffRole::ClientSide);
    new.years_experience = 0;
    let mut both = person("BOTH", "TH", StaffRole::ClientSide);
    both.education = E::Other;
    both.years_experience = 0;
    let mut clerk = person("CLERK", "TH", StaffRole::Manager);
    clerk.technician = false;
    clerk.education = E::Secondary; // not a technician: not asked
    let r = report(&one_county(
        0,
        0,
        vec![ok, college, school, new, both, clerk],
    ));
    let c = check(&r, Requirement::TechnicianQualification, Some("GZ"));
    assert_eq!(figures(c), (5, 2, false, 3));
    let Some(Detail::Qualification(d)) = &c.detail else {
        panic!("{c:?}")
    };
    let failing: Vec<(&str, &[Shortcoming])> = d
        .failing
        .iter()
        .map(|p| (p.code.as_str(), p.reasons.as_slice()))
        .collect();
    assert_eq!(
        failing,
        [
            ("SCH", &[Shortcoming::Education][..]),
            ("NEW", &[Shortcoming::Experience][..]),
            (
                "BOTH",
                &[Shortcoming::Education, Shortcoming::Experience][..]
            ),
        ]
    );
}

#[test]
fn r_s4_related_majors_when_configured() {
    let mut p = person("P", "TH", StaffRole::ClientSide);
    p.major = "市场营销".into();
    let q = person("Q", "TH", StaffRole::ClientSide); // 通信工程
    let f = one_county(0, 0, vec![p, q]);
    assert!(
        report(&f)
            .checks
            .iter()
            .find(|c| c.requirement == Requirement::TechnicianQualification)
            .unwrap()
            .passed
    );
    let mut rules = ComplianceRules::default();
    rules.r_s4.related_majors = vec!["通信".into(), "电子".into()];
    let r = evaluate(&f, &rules).unwrap();
    let c = check(&r, Requirement::TechnicianQualification, Some("GZ"));
    assert_eq!(figures(c), (2, 1, false, 1));
    let Some(Detail::Qualification(d)) = &c.detail else {
        panic!()
    };
    assert_eq!(d.failing[0].reasons, [Shortcoming::Major]);
}

// ---- R-S5 ------------------------------------------------------------------------------------

#[test]
fn r_s5_formula_by_hand() {
    // B = 50, 40 % of B = 20: a remainder of exactly 20 adds nobody, 21 adds one.
    for (n, want) in [
        (0, 1),
        (1, 1),
        (20, 1),
        (21, 1),
        (49, 1),
        (50, 1),
        (70, 1),
        (71, 2),
        (100, 2),
        (120, 2),
        (121, 3),
        (149, 3),
        (150, 3),
    ] {
        assert_eq!(grid_required(n, 50, 0.4), want, "n = {n}, B = 50");
    }
    // B = 300, 40 % = 120.
    for (n, want) in [
        (0, 1),
        (299, 1),
        (300, 1),
        (420, 1),
        (421, 2),
        (720, 2),
        (721, 3),
    ] {
        assert_eq!(grid_required(n, 300, 0.4), want, "n = {n}, B = 300");
    }
    // A base of 0 (refused by the rules) does not divide by zero.
    assert_eq!(grid_required(3, 0, 0.4), 3);
}

/// City GZ; county TH with grids G1 (30) and G2 (10): 40 elements, below 50; county PY with
/// grids G3 (71), G4 (120) and an empty G5: 191 elements; county HD with grid G6 (421).
fn grids() -> ComplianceFacts {
    let mut staff = people(1, "G3", StaffRole::Maintenance);
    staff.extend(people(2, "G4", StaffRole::Maintenance));
    staff.push(person("TS-PY", "PY", StaffRole::TechSupport));
    staff.push(person("TS-G6", "G6", StaffRole::TechSupport));
    staff.push(person("M-G2", "G2", StaffRole::Maintenance));
    facts(
        vec![
            region("GZ", RegionLevel::City, None),
            region("TH", RegionLevel::County, Some("GZ")),
            sites(region("G1", RegionLevel::Grid, Some("TH")), 0, 30),
            sites(region("G2", RegionLevel::Grid, Some("TH")), 0, 10),
            region("PY", RegionLevel::County, Some("GZ")),
            sites(region("G3", RegionLevel::Grid, Some("PY")), 0, 71),
            sites(region("G4", RegionLevel::Grid, Some("PY")), 0, 120),
            region("G5", RegionLevel::Grid, Some("PY")),
            region("HD", RegionLevel::County, Some("GZ")),
            sites(region("G6", RegionLevel::Grid, Some("HD")), 0, 421),
        ],
        &["GZ"],
        staff,
    )
}

#[test]
fn r_s5_per_minimum_grid_with_small_counties_as_one_grid() {
    let r = report(&grids());
    // Maintenance (B = 50): TH has 40 < 50, staffed as one grid: 1; PY grid by grid: G3 71 →
    // 2, G4 120 → 2, G5 empty and unstaffed: not a unit; HD's G6 421 → 8 + (21 > 20) = 9.
    assert_eq!(
        grid_units(&r, StaffRole::Maintenance),
        [
            ("TH".into(), 1),
            ("G3".into(), 2),
            ("G4".into(), 2),
            ("G6".into(), 9)
        ]
    );
    let th = grid_check(&r, StaffRole::Maintenance, "TH");
    assert_eq!(figures(th), (1, 1, true, 0)); // M-G2 works in a grid of the county
    let Some(Detail::Grid(d)) = &th.detail else {
        panic!()
    };
    assert!(d.county_as_grid);
    assert_eq!(
        (d.elements, d.base, d.remainder, d.extra),
        (40, 0, 40, true)
    );
    assert_eq!(
        figures(grid_check(&r, StaffRole::Maintenance, "G3")),
        (2, 1, false, 1)
    );
    assert_eq!(
        figures(grid_check(&r, StaffRole::Maintenance, "G4")),
        (2, 2, true, 0)
    );
    assert_eq!(
        figures(grid_check(&r, StaffRole::Maintenance, "G6")),
        (9, 0, false, 9)
    );
    // Tech support (B = 300): TH 40 and PY 191 are below 300, each one grid: 1 each; HD has
    // 421 ≥ 300: its grid G6 → 1 + (121 > 120) = 2.
    assert_eq!(
        grid_units(&r, StaffRole::TechSupport),
        [("TH".into(), 1), ("PY".into(), 1), ("G6".into(), 2)]
    );
    assert_eq!(
        figures(grid_check(&r, StaffRole::TechSupport, "TH")),
        (1, 0, false, 1)
    );
    assert_eq!(
        figures(grid_check(&r, StaffRole::TechSupport, "PY")),
        (1, 1, true, 0)
    );
    assert_eq!(
        figures(grid_check(&r, StaffRole::TechSupport, "G6")),
        (2, 1, false, 1)
    );
    assert!(r
        .checks
        .iter()
        .filter(|c| c.rule == RuleId::S5)
        .all(|c| c.region.as_deref() == Some("GZ")));
}

#[test]
fn r_s5_counts_elements_outside_grids_and_staff_of_empty_grids() {
    // A county with 60 elements on itself and none in grids: one unit of the county (60 → 1);
    // an empty grid with a maintenance man: a unit requiring the minimum 1.
    let f = facts(
        vec![
            region("GZ", RegionLevel::City, None),
            sites(region("TH", RegionLevel::County, Some("GZ")), 0, 60),
            region("G1", RegionLevel::Grid, Some("TH")),
        ],
        &["GZ"],
        people(1, "G1", StaffRole::Maintenance),
    );
    let r = report(&f);
    assert_eq!(
        grid_units(&r, StaffRole::Maintenance),
        [("TH".into(), 1), ("G1".into(), 1)]
    );
    assert_eq!(
        figures(grid_check(&r, StaffRole::Maintenance, "TH")),
        (1, 0, false, 1)
    );
    assert_eq!(
        figures(grid_check(&r, StaffRole::Maintenance, "G1")),
        (1, 1, true, 0)
    );
}

#[test]
fn r_s5_and_r_s6_only_for_an_aggregation_contract() {
    let mut f = grids();
    f.domains = vec![MaintenanceDomain::EnterpriseAccess];
    let r = report(&f);
    assert!(!r
        .checks
        .iter()
        .any(|c| matches!(c.rule, RuleId::S5 | RuleId::S6)));
    let mut rules = ComplianceRules::default();
    rules.r_s5.domains = vec![];
    let r = evaluate(&f, &rules).unwrap();
    assert!(r.checks.iter().any(|c| c.rule == RuleId::S5));
    assert!(!r.checks.iter().any(|c| c.rule == RuleId::S6));
}

// ---- R-S6 ------------------------------------------------------------------------------------

#[test]
fn r_s6_instruments_per_person_with_spares_and_to_buy() {
    let staff = vec![
        person("A", "TH", StaffRole::Maintenance),
        person("B", "TH", StaffRole::TechSupport),
        person("C", "TH", StaffRole::ClientSide), // carries the R-S7 kit, not R-S6's
    ];
    let mut f = one_county(0, 100, staff);
    f.instruments = vec![
        instrument("L1", K::Laptop, "TH", Some("A")),
        instrument("L2", K::Laptop, "TH", Some("A")), // a second one covers nobody else
        instrument("L3", K::Laptop, "TH", None),      // spare, to issue to B
        instrument("P1", K::OpticalPowerMeter, "TH", Some("A")),
        InstrumentFacts {
            status: A::UnderRepair,
            ..instrument("P2", K::OpticalPowerMeter, "TH", Some("B"))
        },
        instrument("X", K::Crimper, "ELSEWHERE", None), // not in the region
    ];
    let r = report(&f);
    let kit = |kind: K| {
        r.checks
            .iter()
            .find(|c| {
                c.requirement == Requirement::InstrumentPerPerson && c.instrument == Some(kind)
            })
            .unwrap()
    };
    let detail = |c: &Check| match &c.detail {
        Some(Detail::Kit(d)) => d.clone(),
        _ => panic!(),
    };
    let laptop = kit(K::Laptop);
    assert_eq!(figures(laptop), (2, 1, false, 1));
    assert_eq!(laptop.unit, Unit::Instruments);
    let d = detail(laptop);
    assert_eq!(
        (d.lacking.as_slice(), d.spare, d.to_buy),
        (&["B".to_string()][..], 1, 0)
    );
    let meter = detail(kit(K::OpticalPowerMeter));
    assert_eq!(
        (meter.lacking.as_slice(), meter.to_buy),
        (&["B".to_string()][..], 1)
    );
    let crimper = kit(K::Crimper);
    assert_eq!(figures(crimper), (2, 0, false, 2));
    assert_eq!(detail(crimper).to_buy, 2);
    // Every kind of the default list, in its order.
    let kinds: Vec<K> = r
        .checks
        .iter()
        .filter(|c| c.requirement == Requirement::InstrumentPerPerson)
        .filter_map(|c| c.instrument)
        .collect();
    assert_eq!(kinds, K::PER_PERSON_AGGREGATION);
}

#[test]
fn r_s6_one_emergency_repair_vehicle_per_city() {
    // Contract regions: county TH of GZ and county NH of FS, and city SZ; GZ's vehicle is
    // registered in another county of GZ, FS's is under repair, SZ has a maintenance van only.
    let mut f = facts(
        vec![
            region("GD", RegionLevel::Province, None),
            region("GZ", RegionLevel::City, Some("GD")),
            region("TH", RegionLevel::County, Some("GZ")),
            region("BY", RegionLevel::County, Some("GZ")),
            region("FS", RegionLevel::City, Some("GD")),
            region("NH", RegionLevel::County, Some("FS")),
            region("SZ", RegionLevel::City, Some("GD")),
        ],
        &["TH", "NH", "SZ"],
        vec![],
    );
    let v = |code: &str, kind, region: &str, status| VehicleFacts {
        code: code.into(),
        kind,
        region_code: region.into(),
        status,
    };
    f.vehicles = vec![
        v("粤A1", VehicleKind::EmergencyRepair, "BY", A::InService),
        v("粤E1", VehicleKind::EmergencyRepair, "NH", A::UnderRepair),
        v("粤B1", VehicleKind::Maintenance, "SZ", A::InService),
    ];
    let r = report(&f);
    let got: Vec<(String, (u32, u32, bool, u32))> = r
        .checks
        .iter()
        .filter(|c| c.requirement == Requirement::VehiclePerCity)
        .map(|c| (c.region.clone().unwrap(), figures(c)))
        .collect();
    assert_eq!(
        got,
        [
            ("GZ".into(), (1, 1, true, 0)),
            ("FS".into(), (1, 0, false, 1)),
            ("SZ".into(), (1, 0, false, 1)),
        ]
    );
    assert!(r
        .checks
        .iter()
        .filter(|c| c.requirement == Requirement::VehiclePerCity)
        .all(|c| c.vehicle == Some(VehicleKind::EmergencyRepair) && c.unit == Unit::Vehicles));
}

// ---- R-S7 ------------------------------------------------------------------------------------

#[test]
fn r_s7_on_site_kit_and_a_stations_equipment() {
    let mut f = one_county(0, 0, vec![person("C", "TH", StaffRole::ClientSide)]);
    f.regions[1].maintenance_stations = 1;
    f.instruments = vec![
        instrument("M1", K::Multimeter, "TH", Some("C")),
        instrument("O1", K::Otdr, "TH", None),
        instrument("S1", K::LightSource, "TH", None), // the station's light source, no spare
    ];
    let r = report(&f);
    let on_site: Vec<(K, bool)> = r
        .checks
        .iter()
        .filter(|c| c.requirement == Requirement::OnSiteKit)
        .map(|c| (c.instrument.unwrap(), c.passed))
        .collect();
    assert_eq!(on_site.len(), 11);
    assert!(on_site.contains(&(K::Multimeter, true)));
    assert!(on_site.contains(&(K::LightSource, false)));
    let light = r
        .checks
        .iter()
        .find(|c| c.requirement == Requirement::OnSiteKit && c.instrument == Some(K::LightSource))
        .unwrap();
    let Some(Detail::Kit(d)) = &light.detail else {
        panic!()
    };
    assert_eq!((d.spare, d.to_buy), (0, 1));
    let station = |kind: K| {
        r.checks
            .iter()
            .find(|c| c.requirement == Requirement::StationKit && c.instrument == Some(kind))
            .unwrap()
    };
    assert_eq!(figures(station(K::Otdr)), (1, 1, true, 0));
    assert_eq!(figures(station(K::LightSource)), (1, 1, true, 0));
    assert_eq!(figures(station(K::FusionSplicer)), (1, 0, false, 1));
    assert_eq!(
        r.checks
            .iter()
            .filter(|c| c.requirement == Requirement::StationKit)
            .count(),
        12
    );
    // No station: no station checks.
    f.regions[1].maintenance_stations = 0;
    assert!(!report(&f)
        .checks
        .iter()
        .any(|c| c.requirement == Requirement::StationKit));
}

// ---- R-S8 ------------------------------------------------------------------------------------

#[test]
fn r_s8_counts_technicians_per_level() {
    let mut staff = people(4, "TH", StaffRole::ClientSide);
    staff[1].training_level = TrainingLevel::Senior;
    staff[2].training_level = TrainingLevel::Senior;
    staff[3].technician = false;
    let f = facts(
        vec![
            region("GZ", RegionLevel::City, None),
            region("TH", RegionLevel::County, Some("GZ")),
            region("FS", RegionLevel::City, None),
        ],
        &["GZ", "FS"],
        staff,
    );
    let r = report(&f);
    let counts = |t: &TrainingCount| -> Vec<u32> { t.levels.iter().map(|l| l.count).collect() };
    assert_eq!(r.training.len(), 3);
    assert_eq!(
        (r.training[0].region.as_deref(), counts(&r.training[0])),
        (None, vec![1, 0, 2])
    );
    assert_eq!(
        (r.training[1].region.as_deref(), counts(&r.training[1])),
        (Some("GZ"), vec![1, 0, 2])
    );
    assert_eq!(counts(&r.training[2]), [0, 0, 0]);
    let mut rules = ComplianceRules::default();
    rules.r_s8.technicians_only = false;
    assert_eq!(
        counts(&evaluate(&f, &rules).unwrap().training[0]),
        [2, 0, 2]
    );
}

// ---- rules, facts, JSON ----------------------------------------------------------------------

#[test]
fn default_rules_text_is_the_default() {
    assert_eq!(
        ComplianceRules::parse(DEFAULT_RULES_TOML).unwrap(),
        ComplianceRules::default()
    );
    // A file gives only what it changes.
    let r = ComplianceRules::parse(
        "version = 2\n[r_s2]\ncertified_counted_separately = true\n[r_s5]\noverflow = 0.5\n",
    )
    .unwrap();
    assert_eq!(r.version, 2);
    assert!(r.r_s2.certified_counted_separately);
    assert_eq!(r.r_s2.min_technicians, 2);
    assert_eq!(r.r_s5.overflow, 0.5);
    assert_eq!(r.r_s5.roles, GridRule::default().roles);
    // Chinese names are accepted.
    let r = ComplianceRules::parse("[r_s6]\nper_person = [\"笔记本电脑\", \"光源\"]\n").unwrap();
    assert_eq!(r.r_s6.per_person, [K::Laptop, K::LightSource]);
}

#[test]
fn rules_errors_name_the_field() {
    let err = ComplianceRules::parse(
        "version = 0\n[r_s1]\npeople_per_100_sites = 0\n[r_s3]\ncore_network_share = 1.5\ndata_certificates = []\n[r_s5]\noverflow = 1\nroles = [{ role = \"maintenance\", sites_per_person = 0 }, { role = \"maintenance\", sites_per_person = 50 }]\n[r_s6]\nper_person = [\"laptop\", \"笔记本\"]\n",
    )
    .unwrap_err();
    let RulesError::Invalid(problems) = &err else {
        panic!("{err}")
    };
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "version",
            "r_s1.people_per_100_sites",
            "r_s3.core_network_share",
            "r_s3.data_certificates",
            "r_s5.overflow",
            "r_s5.roles[0].sites_per_person",
            "r_s5.roles[1].role",
            "r_s6.per_person[1]",
        ]
    );
    assert!(
        err.to_string()
            .contains("r_s3.core_network_share: 1.5 is not a share"),
        "{err}"
    );

    let err =
        ComplianceRules::parse("[r_s2]\nmin_technicians = 1\nmin_certified = 2\n").unwrap_err();
    assert!(err.to_string().contains("r_s2.min_certified"), "{err}");
    assert!(ComplianceRules::parse(
        "[r_s2]\nmin_technicians = 1\nmin_certified = 2\ncertified_counted_separately = true\n"
    )
    .is_ok());

    let err = ComplianceRules::parse("[r_s1]\npeople = 3\n").unwrap_err();
    assert!(
        matches!(err, RulesError::Toml(ref m) if m.contains("unknown field `people`")),
        "{err}"
    );
    assert!(matches!(
        ComplianceRules::parse("[r_s1]\npeople_per_100_sites = nan\n"),
        Err(RulesError::Invalid(_))
    ));
    // evaluate checks rules it is given.
    let mut bad = ComplianceRules::default();
    bad.r_s4.degree_share = -0.1;
    assert!(matches!(
        evaluate(&one_county(0, 0, vec![]), &bad),
        Err(ComplianceError::Rules(_))
    ));
}

#[test]
fn facts_errors_name_the_field() {
    let mut f = one_county(0, 0, vec![]);
    f.contract_regions = vec!["GZ".into(), "XX".into(), "GZ".into()];
    let Err(ComplianceError::Facts(p)) = evaluate(&f, &ComplianceRules::default()) else {
        panic!()
    };
    let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["contract_regions[1]", "contract_regions[2]"]);

    let f = facts(
        vec![
            region("A", RegionLevel::City, Some("B")),
            region("B", RegionLevel::County, Some("A")),
            region("A", RegionLevel::City, None),
        ],
        &["A"],
        vec![],
    );
    let Err(ComplianceError::Facts(p)) = evaluate(&f, &ComplianceRules::default()) else {
        panic!()
    };
    let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "regions[2].code",
            "regions[0].parent_code",
            "regions[1].parent_code"
        ]
    );
}

#[test]
fn checks_are_plain_json() {
    let r = report(&one_county(200, 0, people(4, "TH", StaffRole::ClientSide)));
    let json = serde_json::to_value(check(&r, Requirement::StaffPerSites, Some("GZ"))).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "rule": "R-S1", "requirement": "staff_per_sites", "region": "GZ", "grid": null,
            "required": 5, "actual": 4, "passed": false, "shortfall": 1, "unit": "people",
            "rate": 0.8, "detail": {"sites": 200, "people_per_100_sites": 2.5}
        })
    );
    let r = report(&grids());
    let json = serde_json::to_value(grid_check(&r, StaffRole::Maintenance, "G3")).unwrap();
    assert_eq!(json["role"], "maintenance");
    assert_eq!(json["grid"], "G3");
    assert_eq!(json["detail"]["county_as_grid"], false);
    assert!(json.get("instrument").is_none());
    // Facts read back from JSON, roles by Chinese name.
    let p: StaffFacts = serde_json::from_value(serde_json::json!({
        "code": "S1", "region_code": "TH", "role": "巡检、维护人员", "technician": true,
        "education": "大专", "training_level": "初级"
    }))
    .unwrap();
    assert_eq!(p.role, StaffRole::Maintenance);
}

#[test]
fn staff_role_vocabulary_round_trips() {
    let mut seen = std::collections::HashSet::new();
    for r in StaffRole::ALL {
        assert_eq!(StaffRole::parse(r.code()).unwrap(), *r);
        assert!(seen.insert(r.code()));
        for a in r.aliases() {
            assert_eq!(StaffRole::parse(a).unwrap(), *r);
            assert!(seen.insert(a));
        }
    }
}

#[test]
fn facts_come_from_inventory_rows() {
    let input = StaffInput {
        code: "S1".into(),
        name: "李工".into(),
        contractor_code: "CT01".into(),
        region_code: "TH".into(),
        education: E::College,
        major: "通信".into(),
        years_experience: 4,
        years_core_network: 2,
        certificates: vec![C::Hcne],
        training_level: TrainingLevel::Intermediate,
        phone: String::new(),
    };
    let s = StaffFacts::from_input(&input, StaffRole::ClientSide, true);
    assert_eq!(
        (
            s.code.as_str(),
            s.years_core_network,
            s.certificates.as_slice()
        ),
        ("S1", 2, &[C::Hcne][..])
    );
    let i = InstrumentFacts::from(&InstrumentInput {
        code: "I1".into(),
        kind: K::Otdr,
        contractor_code: "CT01".into(),
        region_code: "TH".into(),
        holder_code: Some("S1".into()),
        status: A::InService,
    });
    assert_eq!(i.holder_code.as_deref(), Some("S1"));
}

// ---- what-if ---------------------------------------------------------------------------------

#[test]
fn what_if_sites_split_a_small_county_into_grids() {
    // 35 more elements in G2: TH has 75 ≥ 50, staffed grid by grid: G1 30 → 1, G2 45 → 1; the
    // county's unit is gone. M-G2 now counts for G2 only, so G1 is 1 short.
    let f = grids();
    let ask = WhatIf {
        sites: vec![SiteChange {
            region_code: "G2".into(),
            enterprise_sites: 0,
            aggregation_elements: 35,
            maintenance_stations: 0,
        }],
        rules: None,
    };
    let a = what_if(&f, &ComplianceRules::default(), &ask).unwrap();
    let maint: Vec<(Option<&str>, u32, u32, i64)> = a
        .changes
        .iter()
        .filter(|c| c.role == Some(StaffRole::Maintenance))
        .map(|c| {
            (
                c.grid.as_deref(),
                c.required_before,
                c.required_after,
                c.delta,
            )
        })
        .collect();
    assert_eq!(
        maint,
        [
            (Some("G1"), 0, 1, 1),
            (Some("G2"), 0, 1, 0),
            (Some("TH"), 1, 0, 0)
        ]
    );
    // Tech support: TH still one grid (75 < 300), its elements changed but not its figures.
    assert!(!a
        .changes
        .iter()
        .any(|c| c.role == Some(StaffRole::TechSupport)));
    assert_eq!(a.before, report(&f));
}

#[test]
fn what_if_enterprise_sites_and_changed_rules() {
    // 200 sites, 5 people: +41 sites → 241 × 2.5 / 100 = 6.025 → 7, 2 to hire.
    let f = one_county(200, 0, people(5, "TH", StaffRole::ClientSide));
    let ask = WhatIf {
        sites: vec![SiteChange {
            region_code: "TH".into(),
            enterprise_sites: 41,
            aggregation_elements: 0,
            maintenance_stations: 0,
        }],
        rules: None,
    };
    let a = what_if(&f, &ComplianceRules::default(), &ask).unwrap();
    let s1: Vec<(Option<&str>, u32, u32, i64)> = a
        .changes
        .iter()
        .filter(|c| c.rule == RuleId::S1)
        .map(|c| {
            (
                c.region.as_deref(),
                c.shortfall_before,
                c.shortfall_after,
                c.delta,
            )
        })
        .collect();
    assert_eq!(s1, [(None, 0, 2, 2), (Some("GZ"), 0, 2, 2)]);
    assert!(a.changes.iter().all(|c| c.rule == RuleId::S1));

    // The 3-person reading of R-S2: one more technician in GZ.
    let mut rules = ComplianceRules::default();
    rules.r_s2.certified_counted_separately = true;
    let mut staff = people(2, "TH", StaffRole::ClientSide);
    staff[0].certificates = vec![C::EnterpriseClient];
    let f = one_county(0, 0, staff);
    let a = what_if(
        &f,
        &ComplianceRules::default(),
        &WhatIf {
            sites: vec![],
            rules: Some(rules),
        },
    )
    .unwrap();
    assert_eq!(a.changes.len(), 1, "{:#?}", a.changes);
    let c = &a.changes[0];
    assert_eq!(
        (c.requirement, c.required_before, c.required_after, c.delta),
        (Requirement::Technicians, 2, 3, 1)
    );
}

#[test]
fn what_if_refuses_unknown_regions_and_removing_too_much() {
    let f = one_county(10, 5, vec![]);
    let ask = WhatIf {
        sites: vec![
            SiteChange {
                region_code: "NOPE".into(),
                enterprise_sites: 1,
                aggregation_elements: 0,
                maintenance_stations: 0,
            },
            SiteChange {
                region_code: "TH".into(),
                enterprise_sites: -11,
                aggregation_elements: -5,
                maintenance_stations: 0,
            },
        ],
        rules: None,
    };
    let Err(ComplianceError::Changes(p)) = what_if(&f, &ComplianceRules::default(), &ask) else {
        panic!()
    };
    let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        ["sites[0].region_code", "sites[1].enterprise_sites"]
    );
    assert_eq!(
        p[1].reason,
        "TH has 10 enterprise_sites; 11 cannot be removed"
    );
    let json: WhatIf =
        serde_json::from_str(r#"{"sites": [{"region_code": "TH", "aggregation_elements": -5}]}"#)
            .unwrap();
    assert_eq!(
        apply_changes(&f, &json.sites).unwrap().regions[1].aggregation_elements,
        0
    );
}

// ---- properties ------------------------------------------------------------------------------

proptest! {
    /// R-S5: at least 1, between ⌊n/B⌋ and ⌊n/B⌋ + 1, and never fewer for more elements.
    #[test]
    fn grid_formula_is_bounded_and_monotone(
        n in 0u32..100_000,
        more in 0u32..1_000,
        b in 1u32..1_000,
        overflow in 0.0f64..1.0,
    ) {
        let r = grid_required(n, b, overflow);
        prop_assert!(r >= 1);
        prop_assert!(r >= n / b && r <= n / b + 1, "n {n} b {b} → {r}");
        prop_assert!(grid_required(n + more, b, overflow) >= r);
        // The extra person exactly when the remainder exceeds overflow·B.
        let extra = f64::from(n % b) > overflow * f64::from(b) + 1e-9;
        prop_assert_eq!(n >= b && r == n / b + 1, n >= b && extra);
    }

    /// Adding sites and removing them again answers what the facts answered at first; the
    /// what-if's `after` is the evaluation of the changed facts.
    #[test]
    fn what_if_adding_then_removing_is_the_original(
        counts in proptest::collection::vec((0u32..400, 0u32..700), 6),
        adds in proptest::collection::vec((0usize..6, 0i64..300, 0i64..300), 0..5),
        staff in proptest::collection::vec((0usize..6, 0usize..3), 0..12),
    ) {
        let codes = ["TH", "G1", "G2", "PY", "G3", "G4"];
        let parents = [None, Some("TH"), Some("TH"), None, Some("PY"), Some("PY")];
        let mut regions = vec![region("GZ", RegionLevel::City, None)];
        for (i, code) in codes.iter().enumerate() {
            let level = if parents[i].is_some() { RegionLevel::Grid } else { RegionLevel::County };
            let r = region(code, level, Some(parents[i].unwrap_or("GZ")));
            regions.push(sites(r, counts[i].0, counts[i].1));
        }
        let roles = [StaffRole::Maintenance, StaffRole::TechSupport, StaffRole::ClientSide];
        let staff: Vec<StaffFacts> = staff
            .iter()
            .enumerate()
            .map(|(k, (at, role))| person(&format!("P{k}"), codes[*at], roles[*role]))
            .collect();
        let f = facts(regions, &["GZ"], staff);
        let rules = ComplianceRules::default();
        let up: Vec<SiteChange> = adds
            .iter()
            .map(|(at, e, a)| SiteChange {
                region_code: codes[*at].into(),
                enterprise_sites: *e,
                aggregation_elements: *a,
                maintenance_stations: 0,
            })
            .collect();
        let down: Vec<SiteChange> = up
            .iter()
            .map(|c| SiteChange {
                enterprise_sites: -c.enterprise_sites,
                aggregation_elements: -c.aggregation_elements,
                ..c.clone()
            })
            .collect();
        let added = apply_changes(&f, &up).unwrap();
        let there = what_if(&f, &rules, &WhatIf { sites: up, rules: None }).unwrap();
        prop_assert_eq!(&there.after, &evaluate(&added, &rules).unwrap());
        let back = what_if(&added, &rules, &WhatIf { sites: down, rules: None }).unwrap();
        prop_assert_eq!(&back.after, &there.before);
        prop_assert_eq!(&back.after, &evaluate(&f, &rules).unwrap());
        // The changes back undo the changes there.
        let mut undone: Vec<_> = back
            .changes
            .iter()
            .map(|c| (c.rule, c.region.clone(), c.grid.clone(), c.role, -c.delta))
            .collect();
        let mut done: Vec<_> = there
            .changes
            .iter()
            .map(|c| (c.rule, c.region.clone(), c.grid.clone(), c.role, c.delta))
            .collect();
        undone.sort();
        done.sort();
        prop_assert_eq!(undone, done);
    }
}
