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
}

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

    /// Records a row written in this transaction, so later rows can refer to it.
    pub fn remember(&mut self, table: &'static str, code: &str, id: i64) {
        self.cache
            .entry(table)
            .or_default()
            .insert(code.to_string(), Some(id));
    }
}
