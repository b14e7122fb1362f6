//! What the generic operations need to know of each kind of row: its table, how it is read and
//! listed, how an input becomes column values, and what hangs off it.

use std::collections::HashMap;
use std::future::Future;

use jike_domain::{FieldError, Validate};

use crate::db::{Conn, FromBoth, Val};
use crate::error::StoreError;

/// How a list filter compares.
#[derive(Debug, Clone, Copy)]
pub enum FilterKind {
    /// Equality with the text as given.
    Text,
    /// The code of a row of `table` (a `noun`); a code that names no row is refused like an
    /// unknown vocabulary value, instead of quietly matching nothing.
    Code {
        table: &'static str,
        noun: &'static str,
    },
    /// A vocabulary value, given by code or Chinese name, compared as its code.
    Vocab(fn(&str) -> Result<&'static str, String>),
    /// The code starts with the text (an index range scan).
    Prefix,
    /// Case-insensitive substring of any of the columns in the template (a scan).
    Contains,
}

/// One query parameter of a list endpoint. `sql` is a condition in which each `?` becomes the
/// next placeholder, all bound to the same value.
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    pub param: &'static str,
    pub sql: &'static str,
    pub kind: FilterKind,
    pub doc: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortType {
    Int,
    Text,
    Time,
}

/// One sortable column; its values must not be null.
#[derive(Debug, Clone, Copy)]
pub struct Sort {
    pub name: &'static str,
    pub column: &'static str,
    pub ty: SortType,
}

/// A table whose rows point at this kind; a delete is refused while one does.
#[derive(Debug, Clone, Copy)]
pub struct Dependent {
    pub table: &'static str,
    pub column: &'static str,
    pub noun: &'static str,
}

/// The static description of a kind of row.
#[derive(Debug)]
pub struct Spec {
    pub table: &'static str,
    /// Singular noun for messages: `customer`.
    pub noun: &'static str,
    /// `SELECT … FROM table t …` without WHERE; the table is aliased `t`.
    pub select: &'static str,
    pub filters: &'static [Filter],
    pub sorts: &'static [Sort],
    pub dependents: &'static [Dependent],
}

/// The common filters.
pub const fn code_prefix() -> Filter {
    Filter {
        param: "code_prefix",
        sql: "(t.code >= ? AND t.code < ?)",
        kind: FilterKind::Prefix,
        doc: "code starts with",
    }
}

pub const ID_SORTS: [Sort; 4] = [
    Sort {
        name: "id",
        column: "t.id",
        ty: SortType::Int,
    },
    Sort {
        name: "code",
        column: "t.code",
        ty: SortType::Text,
    },
    Sort {
        name: "created_at",
        column: "t.created_at",
        ty: SortType::Time,
    },
    Sort {
        name: "updated_at",
        column: "t.updated_at",
        ty: SortType::Time,
    },
];

/// The ids of a region and all regions below it, for region filters: a county includes its
/// grids. A macro so that filters can `concat!` it into their SQL.
#[macro_export]
macro_rules! region_subtree {
    () => {
        "(WITH RECURSIVE sub(id) AS (SELECT id FROM regions WHERE code = ? \
         UNION ALL SELECT r.id FROM regions r JOIN sub ON r.parent_id = sub.id) SELECT id FROM sub)"
    };
}

/// A kind of row the generic operations of [`crate::Store`] work on.
pub trait Entity: Send + Sync + 'static {
    type Input: Validate + Send + Sync;
    type Output: Send + Sync + serde::Serialize;
    type Row: FromBoth;

    const SPEC: Spec;

    /// The tables besides [`Spec::table`] that a write of this kind fills (a path, a grade
    /// history): a bulk import rebuilds their indexes too.
    const CHILD_TABLES: &'static [&'static str] = &[];

    fn output(row: Self::Row) -> Result<Self::Output, StoreError>;

    fn id(output: &Self::Output) -> i64;

    fn code(input: &Self::Input) -> &str;

    /// The value of a sort column of a row, for the next page's cursor.
    fn sort_value(output: &Self::Output, sort: &str) -> Val;

    /// The column values an input writes, references resolved. Problems with references go into
    /// `problems`; the columns are then not used.
    fn columns(
        conn: &mut Conn<'_>,
        refs: &mut Resolver,
        input: &Self::Input,
        problems: &mut Vec<FieldError>,
    ) -> impl Future<Output = Result<Vec<(&'static str, Val)>, StoreError>> + Send;

    /// The natural keys an input refers to, by table, so that a batch can look them up at once.
    fn references(_input: &Self::Input) -> Vec<(&'static str, &str)> {
        Vec::new()
    }

    /// The order in which an import writes its rows: a batch is written in waves of ascending
    /// `wave`, so that a row can refer to a row of the same file in an earlier wave (a region to
    /// its parent). Most kinds refer to no row of their own kind and write one wave.
    fn wave(_input: &Self::Input) -> u8 {
        0
    }

    /// Writes what hangs off the rows just written (a path, a grade history). `old` is the row's
    /// previous column values, `None` for a new row.
    fn after_write(
        _conn: &mut Conn<'_>,
        _refs: &mut Resolver,
        _written: &[Written<'_, Self::Input>],
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        async { Ok(()) }
    }

    /// Fills in what hangs off rows that were read; `single` when one row was asked for.
    fn load_children(
        _conn: &mut Conn<'_>,
        _outputs: &mut [Self::Output],
        _single: bool,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        async { Ok(()) }
    }
}

/// One row just written, for [`Entity::after_write`].
pub struct Written<'a, I> {
    pub id: i64,
    pub input: &'a I,
    /// The columns as they were before, `None` when the row is new.
    pub old: Option<&'a [(&'static str, Val)]>,
    pub new: &'a [(&'static str, Val)],
}

impl<I> Written<'_, I> {
    /// Whether the column changed (or the row is new).
    pub fn changed(&self, column: &str) -> bool {
        let find = |cols: &[(&'static str, Val)]| {
            cols.iter()
                .find(|(c, _)| *c == column)
                .map(|(_, v)| v.clone())
        };
        match self.old {
            None => true,
            Some(old) => find(old) != find(self.new),
        }
    }
}

/// Resolves natural keys to ids, caching what it found (and what it did not).
#[derive(Default)]
pub struct Resolver {
    cache: HashMap<&'static str, foldhash::HashMap<String, Option<i64>>>,
    /// Tables read whole: a code missing from the cache is missing from the table.
    complete: std::collections::HashSet<&'static str>,
    /// Region references (a code, or a name) and what each names; forgotten whenever a region
    /// is written, since a new region can take a name that was unique.
    regions: foldhash::HashMap<String, RegionHit>,
}

/// What a region reference names: a region's code, else the name of exactly one region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionHit {
    /// The region, with its level's code.
    Found { id: i64, level: String },
    /// No region has this code or name.
    Missing,
    /// No region has this code, and several have this name: their codes, sorted.
    Ambiguous(Vec<String>),
}

impl RegionHit {
    /// Decides among the regions whose code or name is `text`: `(id, code, name, level)`.
    fn of(text: &str, candidates: &[(i64, String, String, String)]) -> RegionHit {
        if let Some((id, _, _, level)) = candidates.iter().find(|c| c.1 == text) {
            return RegionHit::Found {
                id: *id,
                level: level.clone(),
            };
        }
        let named: Vec<&(i64, String, String, String)> =
            candidates.iter().filter(|c| c.2 == text).collect();
        match named.as_slice() {
            [] => RegionHit::Missing,
            [(id, _, _, level)] => RegionHit::Found {
                id: *id,
                level: level.clone(),
            },
            many => {
                let mut codes: Vec<String> = many.iter().map(|c| c.1.clone()).collect();
                codes.sort();
                RegionHit::Ambiguous(codes)
            }
        }
    }

    /// The problem of a reference that names no single region, for `field`.
    pub fn problem(&self, field: impl std::fmt::Display, text: &str) -> Option<FieldError> {
        match self {
            RegionHit::Found { .. } => None,
            RegionHit::Missing => Some(FieldError::new(
                field.to_string(),
                format!("no region with code or name '{text}'"),
            )),
            RegionHit::Ambiguous(codes) => Some(FieldError::new(
                field.to_string(),
                format!(
                    "'{text}' is the name of {} regions ({}); write the code of the one meant",
                    codes.len(),
                    codes.join(", ")
                ),
            )),
        }
    }
}

/// How many region references one statement looks up.
const REGION_CHUNK: usize = 1000;

/// Above this many codes to look up at once, [`Resolver::prefetch`] reads the whole table
/// (codes and ids only), which is cheaper than probing it code by code.
const READ_WHOLE_TABLE_ABOVE: usize = 5_000;

/// A field of a path hop, written out only when needed: `path[2].element`.
pub struct HopField(pub usize, pub &'static str);

impl std::fmt::Display for HopField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "path[{}].{}", self.0, self.1)
    }
}

impl Resolver {
    /// The id of the row of `table` with `code`, if any.
    pub async fn id(
        &mut self,
        conn: &mut Conn<'_>,
        table: &'static str,
        code: &str,
    ) -> Result<Option<i64>, StoreError> {
        if let Some(hit) = self.cache.get(table).and_then(|m| m.get(code)) {
            return Ok(*hit);
        }
        if self.complete.contains(table) {
            return Ok(None);
        }
        let sql = format!("SELECT id FROM {table} WHERE code = $1");
        let id: Option<(i64,)> = conn.fetch_optional(&sql, &[Val::text(code)]).await?;
        let id = id.map(|(id,)| id);
        self.cache
            .entry(table)
            .or_default()
            .insert(code.to_string(), id);
        Ok(id)
    }

    /// Like [`Resolver::id`], but a missing row is a problem of `field`.
    pub async fn require(
        &mut self,
        conn: &mut Conn<'_>,
        table: &'static str,
        noun: &str,
        field: impl std::fmt::Display + Send,
        code: &str,
        problems: &mut Vec<FieldError>,
    ) -> Result<Option<i64>, StoreError> {
        let id = self.id(conn, table, code).await?;
        if id.is_none() {
            // The field is only written out when there is a problem: a path field such as
            // `path[2].element` would otherwise be formatted for every hop of an import.
            problems.push(FieldError::new(
                field.to_string(),
                format!("no {noun} with code '{code}'"),
            ));
        }
        Ok(id)
    }

    /// [`Resolver::require`] for an optional reference.
    pub async fn optional(
        &mut self,
        conn: &mut Conn<'_>,
        table: &'static str,
        noun: &str,
        field: &str,
        code: Option<&str>,
        problems: &mut Vec<FieldError>,
    ) -> Result<Option<i64>, StoreError> {
        match code {
            Some(code) => self.require(conn, table, noun, field, code, problems).await,
            None => Ok(None),
        }
    }

    /// Looks up many codes of `table` in a few queries, so that an import of a hundred thousand
    /// rows does not ask once per row.
    pub async fn prefetch<'c>(
        &mut self,
        conn: &mut Conn<'_>,
        table: &'static str,
        codes: impl IntoIterator<Item = &'c str>,
    ) -> Result<(), StoreError> {
        if self.complete.contains(table) {
            return Ok(());
        }
        let known = self.cache.entry(table).or_default();
        let mut wanted: Vec<&str> = codes
            .into_iter()
            .filter(|c| !known.contains_key(*c))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        if wanted.is_empty() {
            return Ok(());
        }
        if wanted.len() > READ_WHOLE_TABLE_ABOVE {
            let all = conn.all_ids(table).await?;
            let known = self.cache.entry(table).or_default();
            known.reserve(all.len());
            for (id, code) in all {
                known.insert(code, Some(id));
            }
            self.complete.insert(table);
            return Ok(());
        }
        let found = conn.ids_by_code(table, &wanted).await?;
        let known = self.cache.entry(table).or_default();
        for c in &wanted {
            known.insert((*c).to_string(), None);
        }
        for (id, code) in found {
            known.insert(code, Some(id));
        }
        Ok(())
    }

    /// What a region reference (a code, or a name no other region has) names.
    pub async fn region_hit(
        &mut self,
        conn: &mut Conn<'_>,
        text: &str,
    ) -> Result<RegionHit, StoreError> {
        if let Some(hit) = self.regions.get(text) {
            return Ok(hit.clone());
        }
        self.prefetch_regions(conn, [text]).await?;
        Ok(self
            .regions
            .get(text)
            .cloned()
            .unwrap_or(RegionHit::Missing))
    }

    /// The id of the region a reference names; a reference that names none, or several, is a
    /// problem of `field` (naming the codes of the regions a name fits).
    pub async fn region(
        &mut self,
        conn: &mut Conn<'_>,
        field: impl std::fmt::Display + Send,
        text: &str,
        problems: &mut Vec<FieldError>,
    ) -> Result<Option<i64>, StoreError> {
        let hit = self.region_hit(conn, text).await?;
        match hit {
            RegionHit::Found { id, .. } => Ok(Some(id)),
            other => {
                problems.extend(other.problem(field, text));
                Ok(None)
            }
        }
    }

    /// [`Resolver::region`] for an optional reference.
    pub async fn optional_region(
        &mut self,
        conn: &mut Conn<'_>,
        field: &str,
        text: Option<&str>,
        problems: &mut Vec<FieldError>,
    ) -> Result<Option<i64>, StoreError> {
        match text {
            Some(text) => self.region(conn, field, text, problems).await,
            None => Ok(None),
        }
    }

    /// Looks up many region references in a few queries: the regions whose code or name is
    /// one of them.
    pub async fn prefetch_regions<'c>(
        &mut self,
        conn: &mut Conn<'_>,
        texts: impl IntoIterator<Item = &'c str>,
    ) -> Result<(), StoreError> {
        let mut wanted: Vec<&str> = texts
            .into_iter()
            .filter(|t| !self.regions.contains_key(*t))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        for chunk in wanted.chunks(REGION_CHUNK) {
            let list = crate::db::placeholders(1, chunk.len());
            let sql = format!(
                "SELECT id, code, name, level FROM regions WHERE code IN ({list}) OR name IN ({list})"
            );
            let binds: Vec<Val> = chunk.iter().map(|t| Val::text(*t)).collect();
            let rows: Vec<(i64, String, String, String)> = conn.fetch_all(&sql, &binds).await?;
            for text in chunk {
                let candidates: Vec<(i64, String, String, String)> = rows
                    .iter()
                    .filter(|r| r.1 == *text || r.2 == *text)
                    .cloned()
                    .collect();
                self.regions
                    .insert((*text).to_string(), RegionHit::of(text, &candidates));
            }
        }
        Ok(())
    }

    /// Records a row written in this transaction, so later rows can refer to it.
    pub fn remember(&mut self, table: &'static str, code: &str, id: i64) {
        if table == "regions" && !self.regions.is_empty() {
            self.regions.clear();
        }
        self.cache
            .entry(table)
            .or_default()
            .insert(code.to_string(), Some(id));
    }
}
