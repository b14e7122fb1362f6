//! 路由 the path of a circuit: the ordered network elements and line segments it crosses. Each
//! hop carries a maintenance domain and a contractor (R-MD): an element hop through its element,
//! a segment hop on its own, so that a fault can be routed to whoever maintains the failed part.
//!
//! In files a path is written on one line, hops separated by `>`; a segment is in brackets with
//! its label, domain and contractor separated by `;`:
//!
//! ```text
//! OLT-0001 > [FIB-0001;aggregation;CT01] > ONU-0001
//! ```

use serde::{Deserialize, Serialize};

use crate::values::{check_code, FieldError, Problems};
use crate::vocab::{ElementType, MaintenanceDomain, Vocabulary};

/// The most hops a path may have.
pub const MAX_HOPS: usize = 64;

/// One hop as given by a client: either `element` (a network element's code) or `segment` (a
/// line segment's label) with its `domain` and `contractor`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HopInput {
    /// 网元编码, for an element hop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    /// 段落 label of a line segment (e.g. a fibre section), for a segment hop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// The segment's maintenance domain (R-MD); only for a segment hop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<MaintenanceDomain>,
    /// The code of the contractor maintaining the segment; only for a segment hop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contractor: Option<String>,
}

impl HopInput {
    pub fn element(code: impl Into<String>) -> Self {
        HopInput {
            element: Some(code.into()),
            segment: None,
            domain: None,
            contractor: None,
        }
    }
    pub fn segment(
        label: impl Into<String>,
        domain: MaintenanceDomain,
        contractor: impl Into<String>,
    ) -> Self {
        HopInput {
            element: None,
            segment: Some(label.into()),
            domain: Some(domain),
            contractor: Some(contractor.into()),
        }
    }
}

/// One hop of a stored path, resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hop {
    /// Position on the path, from 1 at the A end.
    pub seq: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element_type: Option<ElementType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// The hop's maintenance domain: the element's, or the segment's own.
    pub domain: MaintenanceDomain,
    pub contractor_code: Option<String>,
    pub contractor_name: Option<String>,
}

impl Hop {
    /// The input that would write this hop again.
    pub fn to_input(&self) -> HopInput {
        match &self.element_code {
            Some(code) => HopInput::element(code.clone()),
            None => HopInput {
                element: None,
                segment: self.segment.clone(),
                domain: Some(self.domain),
                contractor: self.contractor_code.clone(),
            },
        }
    }
}

/// Checks hops on their own: each is an element or a segment, segments have a domain and a
/// contractor, codes are well formed, and the path is not too long.
pub fn validate_hops(hops: &[HopInput], p: &mut Problems) {
    if hops.len() > MAX_HOPS {
        p.add(
            "path",
            format!("has {} hops; at most {MAX_HOPS} are allowed", hops.len()),
        );
        return;
    }
    for (i, hop) in hops.iter().enumerate() {
        let at = |f: &str| format!("path[{i}].{f}");
        match (&hop.element, &hop.segment) {
            (Some(code), None) => {
                p.check_with(|| at("element"), check_code(code));
                if hop.domain.is_some() || hop.contractor.is_some() {
                    p.add(
                        format!("path[{i}]"),
                        "an element hop takes its domain and contractor from the element; give only `element`",
                    );
                }
            }
            (None, Some(label)) => {
                p.check_with(|| at("segment"), check_code(label));
                if hop.domain.is_none() {
                    p.add(at("domain"), "a segment needs its maintenance domain");
                }
                match &hop.contractor {
                    None => p.add(
                        at("contractor"),
                        "a segment needs the code of its contractor",
                    ),
                    Some(c) => {
                        p.check_with(|| at("contractor"), check_code(c));
                    }
                }
            }
            (Some(_), Some(_)) => p.add(
                format!("path[{i}]"),
                "give either `element` or `segment`, not both",
            ),
            (None, None) => p.add(format!("path[{i}]"), "give `element` or `segment`"),
        }
    }
}

/// Parses the one-line notation of a path (see the module documentation). An empty text is an
/// empty path.
pub fn parse_path(text: &str) -> Result<Vec<HopInput>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let mut hops = Vec::new();
    for (i, part) in text.split('>').enumerate() {
        let part = part.trim();
        let bad = |reason: String| FieldError::new("path", format!("hop {}: {reason}", i + 1));
        if part.is_empty() {
            return Err(bad("is empty (two '>' in a row?)".into()));
        }
        if let Some(inner) = part.strip_prefix('[') {
            let inner = inner
                .strip_suffix(']')
                .ok_or_else(|| bad(format!("'{part}' opens '[' but does not close it")))?;
            let fields: Vec<&str> = inner.split(';').map(str::trim).collect();
            let [label, domain, contractor] = fields[..] else {
                return Err(bad(format!(
                    "'{part}' must be [segment;domain;contractor], with {} parts it has {}",
                    3,
                    fields.len()
                )));
            };
            let domain = MaintenanceDomain::parse(domain).map_err(|e| bad(e.to_string()))?;
            hops.push(HopInput::segment(label, domain, contractor));
        } else {
            if part.contains([']', ';']) {
                return Err(bad(format!(
                    "'{part}' is neither an element code nor a [segment;domain;contractor]"
                )));
            }
            hops.push(HopInput::element(part));
        }
    }
    let mut p = Problems::default();
    validate_hops(&hops, &mut p);
    match p.0.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(hops),
    }
}

/// Writes a path in the one-line notation that [`parse_path`] reads.
pub fn format_path(hops: &[HopInput]) -> String {
    let parts: Vec<String> = hops
        .iter()
        .map(|h| match (&h.element, &h.segment) {
            (Some(code), _) => code.clone(),
            (None, label) => format!(
                "[{};{};{}]",
                label.as_deref().unwrap_or_default(),
                h.domain.map(|d| d.code()).unwrap_or_default(),
                h.contractor.as_deref().unwrap_or_default()
            ),
        })
        .collect();
    parts.join(" > ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_notation_reads_elements_and_segments() {
        let hops = parse_path("OLT-0001 > [FIB-0001;汇聚层;CT01] > ONU-0001").unwrap();
        assert_eq!(
            hops,
            vec![
                HopInput::element("OLT-0001"),
                HopInput::segment("FIB-0001", MaintenanceDomain::Aggregation, "CT01"),
                HopInput::element("ONU-0001"),
            ]
        );
        assert_eq!(
            format_path(&hops),
            "OLT-0001 > [FIB-0001;aggregation;CT01] > ONU-0001"
        );
        assert_eq!(parse_path("  ").unwrap(), vec![]);
    }

    #[test]
    fn broken_notation_names_the_hop() {
        let cases = [
            ("A > > B", "hop 2: is empty"),
            ("A > [F;aggregation", "hop 2: '[F;aggregation' opens '['"),
            (
                "[F;aggregation] > A",
                "hop 1: '[F;aggregation]' must be [segment;domain;contractor]",
            ),
            ("[F;sky;CT] > A", "hop 1: unknown maintenance domain 'sky'"),
            ("A;B", "hop 1: 'A;B' is neither"),
            (
                "A > [;aggregation;CT]",
                "path[1].segment: must not be empty",
            ),
        ];
        for (text, expected) in cases {
            let err = parse_path(text).unwrap_err();
            let shown = if err.field == "path" {
                err.reason.clone()
            } else {
                err.to_string()
            };
            assert!(shown.starts_with(expected), "{text}: {shown}");
        }
    }

    #[test]
    fn hops_must_be_one_thing() {
        let mut p = Problems::default();
        let both = HopInput {
            segment: Some("F".into()),
            ..HopInput::element("A")
        };
        let none = HopInput {
            element: None,
            segment: None,
            domain: None,
            contractor: None,
        };
        let element_with_domain = HopInput {
            domain: Some(MaintenanceDomain::Aggregation),
            ..HopInput::element("A")
        };
        let segment_without = HopInput {
            element: None,
            segment: Some("F".into()),
            domain: None,
            contractor: None,
        };
        validate_hops(&[both, none, element_with_domain, segment_without], &mut p);
        let fields: Vec<&str> = p.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "path[0]",
                "path[1]",
                "path[2]",
                "path[3].domain",
                "path[3].contractor"
            ]
        );
    }

    proptest! {
        #[test]
        fn format_then_parse_is_identity(
            hops in proptest::collection::vec(
                prop_oneof![
                    "[A-Z]{2,4}-[0-9]{1,5}".prop_map(HopInput::element),
                    ("[A-Z]{1,3}[0-9]{1,4}", 0usize..5, "CT[0-9]{1,2}").prop_map(|(l, d, c)| {
                        HopInput::segment(l, MaintenanceDomain::ALL[d], c)
                    }),
                ],
                0..10,
            )
        ) {
            prop_assert_eq!(parse_path(&format_path(&hops)).unwrap(), hops);
        }

        #[test]
        fn parse_never_panics(text in "\\PC{0,60}") {
            let _ = parse_path(&text);
        }
    }
}
