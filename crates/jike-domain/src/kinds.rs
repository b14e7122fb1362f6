//! The kinds of the inventory (domain.md §2), each declared once: its code (the API's path, the
//! file kind of import and export, the metrics label), its Chinese names, its table, its noun
//! and who reads it (domain.md §10). The sheet reader, the store, the transfer of files, the
//! server and the command line all take the kind from here; the store maps a kind to its entity
//! type in one place (`jike_store::with_kind!`).
//!
//! Adding a kind: one entry in the table below (in import order: after every kind its rows
//! refer to), then its input and output types (`inventory.rs`), its entity and sheet columns
//! and its migrations; see ARCHITECTURE.md, "Adding an inventory kind".

use std::fmt;
use std::str::FromStr;

use crate::access::Role;

/// Who reads the rows of a kind (domain.md §10): the roles that may call its endpoints at all
/// ([`Audience::readers`]), and the class of the rule by which the store lets each scope see its
/// rows (`jike-store`, `scope.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    /// The shared map (regions): every operator role sees all of it; a portal customer none.
    Map,
    /// The network and the companies that maintain it (sites, elements, contractors): the
    /// operator's rooms and account managers see all of it, a contractor its own part, a portal
    /// customer none.
    Network,
    /// A contractor's people and equipment (staff, instruments, vehicles): the operator's rooms
    /// see all of it, a contractor its own; account managers and customers none.
    Company,
    /// The customers and their lines: every role, each its own part (the rooms all of it).
    Customers,
}

use Role::*;

/// Every role but the portal customer.
const OPERATORS: &[Role] = &[
    Admin,
    Monitoring,
    LeadRoom,
    Contractor,
    AccountManager,
    Auditor,
];

impl Audience {
    /// The roles that may read a kind of this audience (the rows each sees are its scope's): a
    /// customer in the portal sees its own record and lines, and nothing of the network.
    pub const fn readers(self) -> &'static [Role] {
        match self {
            Audience::Map | Audience::Network => OPERATORS,
            // A contractor's people and equipment: the operator's rooms and the contractor.
            Audience::Company => &[Admin, Monitoring, LeadRoom, Contractor, Auditor],
            Audience::Customers => &[
                Admin,
                Monitoring,
                LeadRoom,
                Contractor,
                AccountManager,
                Customer,
                Auditor,
            ],
        }
    }
}

/// What a kind is: one entry of [`KINDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindSpec {
    pub kind: Kind,
    /// `regions`: the path `/api/v1/regions`, the `{kind}` of import and export, the command
    /// line's `KIND`, the metrics label, the key of the counts.
    pub code: &'static str,
    /// `区域`: the Chinese name (the worksheet of a Chinese export).
    pub zh: &'static str,
    /// Other names a kind is read by besides its code and [`KindSpec::zh`] (`电路` for circuits).
    pub aliases: &'static [&'static str],
    /// The OpenAPI tag of its endpoints, with the Chinese name: `regions 区域`.
    pub tag: &'static str,
    /// The singular noun of messages and summaries: `region`.
    pub noun: &'static str,
    /// The table of its rows.
    pub table: &'static str,
    /// Who reads it.
    pub audience: Audience,
}

/// Declares the kinds: the enum [`Kind`] and the table [`KINDS`] from one list, so that the
/// two cannot disagree (the enum's discriminant is the kind's place in the table).
macro_rules! kinds {
    (@join $first:literal $(, $rest:literal)*) => {
        concat!($first $(, ", ", $rest)*)
    };
    ($(
        $(#[$doc:meta])*
        $variant:ident {
            code: $code:literal,
            zh: $zh:literal,
            aliases: [$($alias:literal),* $(,)?],
            tag: $tag:literal,
            noun: $noun:literal,
            table: $table:literal,
            audience: $audience:ident $(,)?
        }
    ),+ $(,)?) => {
        /// What a file holds and what `/api/v1/{kind}` serves: one of the kinds of the inventory.
        /// Ordered as [`Kind::ALL`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kind {
            $( $(#[$doc])* $variant, )+
        }

        /// Every kind, in the order a full import needs them (regions before everything that lies
        /// in one, contractors before their staff, customers before their circuits, sites before
        /// their elements, staff before the instruments they hold): the one table of the kinds.
        pub const KINDS: &[KindSpec] = &[$(
            KindSpec {
                kind: Kind::$variant,
                code: $code,
                zh: $zh,
                aliases: &[$($alias),*],
                tag: $tag,
                noun: $noun,
                table: $table,
                audience: Audience::$audience,
            },
        )+];

        impl Kind {
            /// Every kind, in import order ([`KINDS`]).
            pub const ALL: [Kind; KINDS.len()] = [$(Kind::$variant),+];

            /// The codes of every kind, for messages: `regions, contractors, customers, …`.
            pub const CODES: &'static str = kinds!(@join $($code),+);
        }
    };
}

kinds! {
    /// 区域 regions (province > city > county > grid).
    Regions {
        code: "regions",
        zh: "区域",
        aliases: [],
        tag: "regions 区域",
        noun: "region",
        table: "regions",
        audience: Map,
    },
    /// 代维公司 contractors with the regions and domains of their contracts.
    Contractors {
        code: "contractors",
        zh: "代维公司",
        aliases: [],
        tag: "contractors 代维公司",
        noun: "contractor",
        table: "contractors",
        audience: Network,
    },
    /// 客户 enterprise customers.
    Customers {
        code: "customers",
        zh: "客户",
        aliases: [],
        tag: "customers 客户",
        noun: "customer",
        table: "customers",
        audience: Customers,
    },
    /// 站点 sites.
    Sites {
        code: "sites",
        zh: "站点",
        aliases: [],
        tag: "sites 站点",
        noun: "site",
        table: "sites",
        audience: Network,
    },
    /// 网元 network elements.
    Elements {
        code: "elements",
        zh: "网元",
        aliases: [],
        tag: "elements 网元",
        noun: "network element",
        table: "elements",
        audience: Network,
    },
    /// 专线 circuits (enterprise lines) with their paths.
    Circuits {
        code: "circuits",
        zh: "专线",
        aliases: ["电路"],
        tag: "circuits 专线",
        noun: "circuit",
        table: "circuits",
        audience: Customers,
    },
    /// 人员 contractor staff.
    Staff {
        code: "staff",
        zh: "人员",
        aliases: ["代维人员"],
        tag: "staff 代维人员",
        noun: "staff member",
        table: "staff",
        audience: Company,
    },
    /// 仪器仪表 contractors' instruments.
    Instruments {
        code: "instruments",
        zh: "仪器仪表",
        aliases: ["仪器"],
        tag: "instruments 仪器仪表",
        noun: "instrument",
        table: "instruments",
        audience: Company,
    },
    /// 车辆 contractors' vehicles.
    Vehicles {
        code: "vehicles",
        zh: "车辆",
        aliases: [],
        tag: "vehicles 车辆",
        noun: "vehicle",
        table: "vehicles",
        audience: Company,
    },
}

impl Kind {
    /// The kind's entry of [`KINDS`].
    pub const fn spec(self) -> &'static KindSpec {
        &KINDS[self as usize]
    }

    /// The code: `regions`, `contractors`, `customers`, `sites`, `elements`, `circuits`,
    /// `staff`, `instruments` or `vehicles`.
    pub const fn code(self) -> &'static str {
        self.spec().code
    }

    /// The Chinese name: `区域`, `代维公司`, `客户`, `站点`, `网元`, `专线`, `人员`, `仪器仪表` or
    /// `车辆`.
    pub const fn zh(self) -> &'static str {
        self.spec().zh
    }

    /// The singular noun of messages: `region`, `network element`, …
    pub const fn noun(self) -> &'static str {
        self.spec().noun
    }

    /// The table of its rows.
    pub const fn table(self) -> &'static str {
        self.spec().table
    }

    /// The OpenAPI tag of its endpoints: `regions 区域`.
    pub const fn tag(self) -> &'static str {
        self.spec().tag
    }

    /// Who reads it.
    pub const fn audience(self) -> Audience {
        self.spec().audience
    }

    /// The roles that may read it ([`Audience::readers`]).
    pub const fn readers(self) -> &'static [Role] {
        self.audience().readers()
    }

    /// The kind whose rows are in `table`, if any.
    pub fn of_table(table: &str) -> Option<Kind> {
        KINDS.iter().find(|s| s.table == table).map(|s| s.kind)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl serde::Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// A text that names no [`Kind`] (nor, in `jike-sheets`, a file format or header language).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{given}'; expected one of: {expected}")]
pub struct UnknownName {
    pub what: &'static str,
    pub given: String,
    pub expected: &'static str,
}

impl FromStr for Kind {
    type Err = UnknownName;

    /// Reads a code (case-insensitive), a Chinese name or an alias (`区域`, `代维公司`, `客户`,
    /// `站点`, `网元`, `专线`/`电路`, `人员`/`代维人员`, `仪器仪表`/`仪器`, `车辆`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        let lower = lower.as_str();
        KINDS
            .iter()
            .find(|k| k.code == lower || k.zh == lower || k.aliases.contains(&lower))
            .map(|k| k.kind)
            .ok_or_else(|| UnknownName {
                what: "kind",
                given: t.chars().take(80).collect(),
                expected: Kind::CODES,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Vocabulary;

    #[test]
    fn every_kind_is_in_the_table_once_at_its_place_and_in_all_once() {
        assert_eq!(KINDS.len(), Kind::ALL.len());
        for (i, spec) in KINDS.iter().enumerate() {
            assert_eq!(spec.kind as usize, i, "{spec:?}");
            assert_eq!(Kind::ALL[i], spec.kind);
            assert_eq!(spec.kind.spec(), spec);
            assert_eq!(Kind::ALL.iter().filter(|k| **k == spec.kind).count(), 1);
        }
        let mut codes: Vec<&str> = KINDS.iter().map(|s| s.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), KINDS.len(), "codes are unique");
        let mut tables: Vec<&str> = KINDS.iter().map(|s| s.table).collect();
        tables.sort();
        tables.dedup();
        assert_eq!(tables.len(), KINDS.len(), "tables are unique");
    }

    #[test]
    fn codes_list_every_kind_in_import_order() {
        let joined: Vec<&str> = Kind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(Kind::CODES, joined.join(", "));
        assert_eq!(
            Kind::CODES,
            "regions, contractors, customers, sites, elements, circuits, staff, instruments, vehicles"
        );
    }

    #[test]
    fn codes_chinese_names_and_aliases_parse_back_and_nothing_else() {
        for spec in KINDS {
            let k = spec.kind;
            assert_eq!(k.to_string().parse::<Kind>(), Ok(k));
            assert_eq!(k.code().to_uppercase().parse::<Kind>(), Ok(k));
            assert_eq!(format!(" {} ", k.zh()).parse::<Kind>(), Ok(k));
            for alias in spec.aliases {
                assert_eq!(alias.parse::<Kind>(), Ok(k));
            }
            assert_eq!(Kind::of_table(k.table()), Some(k));
            assert!(k.tag().starts_with(k.code()), "{}", k.tag());
        }
        assert_eq!("专线".parse::<Kind>(), Ok(Kind::Circuits));
        assert_eq!("电路".parse::<Kind>(), Ok(Kind::Circuits));
        assert_eq!("人员".parse::<Kind>(), Ok(Kind::Staff));
        let err = "planets".parse::<Kind>().unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("unknown kind 'planets'; expected one of: {}", Kind::CODES)
        );
        assert_eq!(Kind::of_table("users"), None);
    }

    #[test]
    fn readers_are_the_audiences() {
        assert_eq!(Kind::Customers.readers(), Role::ALL);
        assert_eq!(Kind::Circuits.readers(), Role::ALL);
        for k in [
            Kind::Regions,
            Kind::Sites,
            Kind::Elements,
            Kind::Contractors,
        ] {
            assert!(!k.readers().contains(&Role::Customer), "{k}");
            assert_eq!(k.readers().len(), Role::ALL.len() - 1, "{k}");
        }
        for k in [Kind::Staff, Kind::Instruments, Kind::Vehicles] {
            assert!(!k.readers().contains(&Role::Customer), "{k}");
            assert!(!k.readers().contains(&Role::AccountManager), "{k}");
            assert!(k.readers().contains(&Role::Contractor), "{k}");
        }
        for k in Kind::ALL {
            assert!(k.readers().contains(&Role::Admin), "{k}");
            assert!(k.readers().contains(&Role::Auditor), "{k}");
        }
    }

    #[test]
    fn kinds_serialize_as_their_code() {
        assert_eq!(
            serde_json::to_string(&Kind::Staff).unwrap(),
            "\"staff\"".to_string()
        );
    }
}
