//! The inventory as the store reads it back and the API answers it: each kind's row with its id,
//! the names its references resolve to and its timestamps (`Entity::Output` of the nine kinds in
//! `entities.rs`). A read model: what a client or an import row gives, validated, is the
//! domain's (`jike_domain::RegionInput`, …), as are the rules (masking a contact,
//! `jike_domain::values::{mask_name, mask_phone}`, domain.md §10).

use std::net::IpAddr;

use chrono::{DateTime, NaiveDate, Utc};
use jike_domain::{
    Acceptance, AssetStatus, AssuranceLevel, Bandwidth, BusinessType, Certificate, CircuitStatus,
    Education, ElementType, Grade, Hop, InstrumentKind, MaintenanceDomain, Owner, RegionLevel,
    Scope, SiteKind, TrainingLevel, VehicleKind,
};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Region {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
    pub parent_code: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Site {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: SiteKind,
    pub address: String,
    pub region_code: String,
    pub region_name: String,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Element {
    pub id: i64,
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub element_type: ElementType,
    pub vendor: String,
    pub model: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub management_ip: Option<IpAddr>,
    pub site_code: String,
    pub site_name: String,
    pub owner: Owner,
    pub domain: MaintenanceDomain,
    pub contractor_code: Option<String>,
    pub contractor_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub industry: String,
    pub grade: Grade,
    pub account_manager: String,
    /// Masked (`张*`) unless the contact was asked for.
    pub contact_name: String,
    /// Masked (`138****5678`) unless the contact was asked for.
    pub contact_phone: String,
    /// Whether `contact_name` and `contact_phone` are masked.
    pub contact_masked: bool,
    pub region_code: Option<String>,
    pub region_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Customer {
    /// Replaces the contact by its masked form (domain.md §10).
    pub fn mask_contact(&mut self) {
        if !self.contact_masked {
            self.contact_name = jike_domain::values::mask_name(&self.contact_name);
            self.contact_phone = jike_domain::values::mask_phone(&self.contact_phone);
            self.contact_masked = true;
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Circuit {
    pub id: i64,
    pub code: String,
    pub customer_code: String,
    pub customer_name: String,
    pub business_type: BusinessType,
    pub scope: Scope,
    pub bandwidth: Bandwidth,
    pub a_end: String,
    pub z_end: String,
    pub assurance_level: AssuranceLevel,
    pub status: CircuitStatus,
    pub region_code: Option<String>,
    pub region_name: Option<String>,
    pub acceptance: Acceptance,
    pub builder_name: String,
    pub builder_phone: String,
    /// The path; present when one circuit is read, left out of listings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<Vec<Hop>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contractor {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub contract_start: NaiveDate,
    pub contract_end: NaiveDate,
    pub region_codes: Vec<String>,
    pub domains: Vec<MaintenanceDomain>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Staff {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub contractor_code: String,
    pub contractor_name: String,
    pub region_code: String,
    pub region_name: String,
    pub education: Education,
    pub major: String,
    pub years_experience: u8,
    pub years_core_network: u8,
    pub certificates: Vec<Certificate>,
    pub training_level: TrainingLevel,
    pub phone: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Instrument {
    pub id: i64,
    pub code: String,
    pub kind: InstrumentKind,
    pub contractor_code: String,
    pub region_code: String,
    pub holder_code: Option<String>,
    pub status: AssetStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Vehicle {
    pub id: i64,
    pub code: String,
    pub kind: VehicleKind,
    pub contractor_code: String,
    pub region_code: String,
    pub status: AssetStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
