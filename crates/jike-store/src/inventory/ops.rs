//! The generic operations on any [`Entity`]: list with filters, sorting and cursor pagination;
//! get; create; update; delete; and the batched upsert behind imports and the demo dataset.

use base64::Engine;
use chrono::{DateTime, Utc};
use jike_domain::{FieldError, Validate};
use serde::{Deserialize, Serialize};

use crate::db::{placeholders, Conn, Val};
use crate::error::StoreError;
use crate::inventory::entity::{Entity, FilterKind, Resolver, SortType, Written};
pub use crate::page::{ListParams, Page, DEFAULT_LIMIT, MAX_LIMIT};
use crate::scope::{visible, Scope, Visible};

/// A row's column values by column name.
type Columns = Vec<(&'static str, Val)>;

/// The position after the last row of a page, opaque to clients (URL-safe base64 of JSON).
#[derive(Debug, Serialize, Deserialize)]
struct Cursor {
    s: String,
    d: bool,
    v: serde_json::Value,
    id: i64,
}

fn encode_cursor(sort: &str, desc: bool, value: &Val, id: i64) -> String {
    let v = match value {
        Val::Int(Some(i)) => serde_json::json!(i),
        Val::Text(Some(s)) => serde_json::json!(s),
        Val::Time(Some(t)) => serde_json::json!(t.to_rfc3339()),
        _ => serde_json::Value::Null,
    };
    let json = serde_json::to_vec(&Cursor {
        s: sort.to_string(),
        d: desc,
        v,
        id,
    })
    .unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

fn decode_cursor(text: &str, ty: SortType) -> Result<(Cursor, Val), StoreError> {
    let bad = || StoreError::invalid("cursor", "is not a cursor this service gave out");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| bad())?;
    let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let value = match (ty, &cursor.v) {
        (SortType::Int, serde_json::Value::Number(n)) => {
            Val::Int(Some(n.as_i64().ok_or_else(bad)?))
        }
        (SortType::Text, serde_json::Value::String(s)) => Val::text(s.clone()),
        (SortType::Time, serde_json::Value::String(s)) => Val::Time(Some(
            DateTime::parse_from_rfc3339(s)
                .map_err(|_| bad())?
                .with_timezone(&Utc),
        )),
        _ => return Err(bad()),
    };
    Ok((cursor, value))
}

/// Replaces each `?` of a filter template by a placeholder, numbering the values of `vals`.
fn bind_template(template: &str, values: Vec<Val>, binds: &mut Vec<Val>) -> String {
    let mut out = String::with_capacity(template.len() + 8);
    let mut values = values.into_iter();
    let mut last = None;
    for ch in template.chars() {
        if ch == '?' {
            // Each `?` takes the next value; when they run out it reuses the last placeholder.
            if let Some(v) = values.next() {
                binds.push(v);
                last = Some(binds.len());
            }
            out.push('$');
            out.push_str(&last.unwrap_or(binds.len()).to_string());
        } else {
            out.push(ch);
        }
    }
    out
}

/// The condition that keeps a query to the rows `scope` sees (`scope.rs`), its values bound
/// after those already in `binds`; `None` when the scope sees no row of the table.
pub(crate) fn scope_condition(
    table: &str,
    scope: &Scope,
    binds: &mut Vec<Val>,
) -> Option<Option<String>> {
    match visible(table, scope) {
        Visible::All => Some(None),
        Visible::None => None,
        Visible::Where(sql, vals) => Some(Some(bind_template(&sql, vals, binds))),
    }
}

pub(crate) async fn list<E: Entity>(
    conn: &mut Conn<'_>,
    scope: &Scope,
    params: &ListParams,
) -> Result<Page<E::Output>, StoreError> {
    let spec = &E::SPEC;
    let mut conds: Vec<String> = Vec::new();
    let mut binds: Vec<Val> = Vec::new();
    let mut out_of_scope = false;
    match scope_condition(spec.table, scope, &mut binds) {
        None => out_of_scope = true,
        Some(Some(c)) => conds.push(c),
        Some(None) => {}
    }
    let mut problems: Vec<FieldError> = Vec::new();
    for (name, value) in &params.filters {
        let Some(filter) = spec.filters.iter().find(|f| f.param == name) else {
            let known: Vec<&str> = spec.filters.iter().map(|f| f.param).collect();
            problems.push(FieldError::new(
                name.clone(),
                format!(
                    "is not a filter of {}s; known filters: {}",
                    spec.noun,
                    known.join(", ")
                ),
            ));
            continue;
        };
        let values = match filter.kind {
            FilterKind::Text => vec![Val::text(value.trim())],
            FilterKind::Code { table, noun } => {
                let code = value.trim();
                let known: Option<(i64,)> = conn
                    .fetch_optional(
                        &format!("SELECT id FROM {table} WHERE code = $1"),
                        &[Val::text(code)],
                    )
                    .await?;
                if known.is_none() {
                    problems.push(FieldError::new(
                        name.clone(),
                        format!("no {noun} with code '{code}'"),
                    ));
                    continue;
                }
                vec![Val::text(code)]
            }
            FilterKind::Vocab(parse) => match parse(value) {
                Ok(code) => vec![Val::text(code)],
                Err(e) => {
                    problems.push(FieldError::new(name.clone(), e));
                    continue;
                }
            },
            FilterKind::Prefix => {
                let prefix = value.trim().to_string();
                vec![
                    Val::text(prefix.clone()),
                    Val::text(format!("{prefix}{}", char::MAX)),
                ]
            }
            FilterKind::Contains => {
                let needle = value.trim().to_lowercase().replace(['%', '_'], "");
                vec![Val::text(format!("%{needle}%"))]
            }
        };
        conds.push(bind_template(filter.sql, values, &mut binds));
    }

    let (sort_name, desc) = match params.sort.as_deref().map(str::trim) {
        None | Some("") => ("id", false),
        Some(s) => match s.strip_prefix('-') {
            Some(name) => (name, true),
            None => (s.strip_prefix('+').unwrap_or(s), false),
        },
    };
    let sort = spec.sorts.iter().find(|s| s.name == sort_name);
    if sort.is_none() {
        let known: Vec<&str> = spec.sorts.iter().map(|s| s.name).collect();
        problems.push(FieldError::new(
            "sort",
            format!(
                "cannot sort {}s by '{sort_name}'; sort by one of: {} (prefix - for descending)",
                spec.noun,
                known.join(", ")
            ),
        ));
    }
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        problems.push(FieldError::new(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    let sort = sort.expect("checked above");
    if out_of_scope {
        return Ok(Page {
            items: Vec::new(),
            next_cursor: None,
        });
    }

    if let Some(text) = &params.cursor {
        let (cursor, value) = decode_cursor(text, sort.ty)?;
        if cursor.s != sort.name || cursor.d != desc {
            return Err(StoreError::invalid(
                "cursor",
                "belongs to a list in another order; start again without it",
            ));
        }
        let op = if desc { "<" } else { ">" };
        binds.push(value);
        let v = binds.len();
        binds.push(Val::int(cursor.id));
        let id = binds.len();
        conds.push(if sort.name == "id" {
            format!("t.id {op} ${id}")
        } else {
            format!(
                "({col} {op} ${v} OR ({col} = ${v} AND t.id {op} ${id}))",
                col = sort.column
            )
        });
    }

    let dir = if desc { "DESC" } else { "ASC" };
    let mut sql = String::from(spec.select);
    if !conds.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conds.join(" AND "));
    }
    if sort.name == "id" {
        sql.push_str(&format!(" ORDER BY t.id {dir}"));
    } else {
        sql.push_str(&format!(" ORDER BY {} {dir}, t.id {dir}", sort.column));
    }
    sql.push_str(&format!(" LIMIT {}", limit + 1));

    let rows: Vec<E::Row> = conn.fetch_all(&sql, &binds).await?;
    let more = rows.len() > limit as usize;
    let mut items = rows
        .into_iter()
        .take(limit as usize)
        .map(E::output)
        .collect::<Result<Vec<_>, _>>()?;
    E::load_children(conn, &mut items, false).await?;
    let next_cursor = match (more, items.last()) {
        (true, Some(last)) => Some(encode_cursor(
            sort.name,
            desc,
            &E::sort_value(last, sort.name),
            E::id(last),
        )),
        _ => None,
    };
    Ok(Page { items, next_cursor })
}

pub(crate) async fn get<E: Entity>(
    conn: &mut Conn<'_>,
    scope: &Scope,
    id: i64,
) -> Result<E::Output, StoreError> {
    get_one::<E>(conn, scope, "t.id", Val::int(id), || format!("id {id}")).await
}

pub(crate) async fn get_by_code<E: Entity>(
    conn: &mut Conn<'_>,
    scope: &Scope,
    code: &str,
) -> Result<E::Output, StoreError> {
    get_one::<E>(conn, scope, "t.code", Val::text(code), || {
        format!("code '{code}'")
    })
    .await
}

/// Whether the row `id` of the kind exists and `scope` sees it; not found otherwise, so that a
/// row out of scope looks like a row that does not exist.
pub(crate) async fn check_visible<E: Entity>(
    conn: &mut Conn<'_>,
    scope: &Scope,
    id: i64,
) -> Result<(), StoreError> {
    let not_found = || StoreError::NotFound {
        noun: E::SPEC.noun,
        key: format!("id {id}"),
    };
    let mut binds = vec![Val::int(id)];
    let mut sql = format!("SELECT t.id FROM {} t WHERE t.id = $1", E::SPEC.table);
    match scope_condition(E::SPEC.table, scope, &mut binds) {
        None => return Err(not_found()),
        Some(Some(c)) => {
            sql.push_str(" AND ");
            sql.push_str(&c);
        }
        Some(None) => {}
    }
    let row: Option<(i64,)> = conn.fetch_optional(&sql, &binds).await?;
    row.map(|_| ()).ok_or_else(not_found)
}

/// The one row whose `column` equals `value`, with its children.
async fn get_one<E: Entity>(
    conn: &mut Conn<'_>,
    scope: &Scope,
    column: &str,
    value: Val,
    key: impl FnOnce() -> String,
) -> Result<E::Output, StoreError> {
    let not_found = || StoreError::NotFound {
        noun: E::SPEC.noun,
        key: key(),
    };
    let mut binds = vec![value];
    let mut sql = format!("{} WHERE {column} = $1", E::SPEC.select);
    match scope_condition(E::SPEC.table, scope, &mut binds) {
        None => return Err(not_found()),
        Some(Some(c)) => {
            sql.push_str(" AND ");
            sql.push_str(&c);
        }
        Some(None) => {}
    }
    let row: Option<E::Row> = conn.fetch_optional(&sql, &binds).await?;
    let row = row.ok_or_else(not_found)?;
    let mut out = [E::output(row)?];
    E::load_children(conn, &mut out, true).await?;
    let [out] = out;
    Ok(out)
}

async fn columns_of<E: Entity>(
    conn: &mut Conn<'_>,
    refs: &mut Resolver,
    input: &E::Input,
) -> Result<Vec<(&'static str, Val)>, StoreError> {
    input.validate().map_err(StoreError::Invalid)?;
    let mut problems = Vec::new();
    let cols = E::columns(conn, refs, input, &mut problems).await?;
    if problems.is_empty() {
        Ok(cols)
    } else {
        Err(StoreError::Invalid(problems))
    }
}

pub(crate) async fn create<E: Entity>(
    conn: &mut Conn<'_>,
    input: &E::Input,
) -> Result<E::Output, StoreError> {
    let mut refs = Resolver::default();
    let cols = columns_of::<E>(conn, &mut refs, input).await?;
    let now = Utc::now();
    let names: Vec<&str> = cols.iter().map(|(c, _)| *c).collect();
    let mut vals: Vec<Val> = cols.iter().map(|(_, v)| v.clone()).collect();
    vals.push(Val::Time(Some(now)));
    vals.push(Val::Time(Some(now)));
    let sql = format!(
        "INSERT INTO {} ({}, created_at, updated_at) VALUES ({}) RETURNING id",
        E::SPEC.table,
        names.join(", "),
        placeholders(1, vals.len())
    );
    let (id,): (i64,) = conn
        .fetch_one(&sql, &vals)
        .await
        .map_err(|e| e.on_unique(E::SPEC.noun, E::code(input)))?;
    E::after_write(
        conn,
        &mut refs,
        &[Written {
            id,
            input,
            old: None,
            new: &cols,
        }],
    )
    .await?;
    get::<E>(conn, &Scope::All, id).await
}

async fn old_columns<E: Entity>(
    conn: &mut Conn<'_>,
    id: i64,
    like: &[(&'static str, Val)],
) -> Result<Option<Vec<(&'static str, Val)>>, StoreError> {
    let names: Vec<&str> = like.iter().map(|(c, _)| *c).collect();
    let kinds: Vec<Val> = like.iter().map(|(_, v)| v.clone()).collect();
    let sql = format!(
        "SELECT {} FROM {} WHERE id = $1",
        names.join(", "),
        E::SPEC.table
    );
    let rows = conn.fetch_vals(&sql, &[Val::int(id)], &kinds).await?;
    Ok(rows
        .into_iter()
        .next()
        .map(|vals| names.iter().copied().zip(vals).collect()))
}

pub(crate) async fn update<E: Entity>(
    conn: &mut Conn<'_>,
    id: i64,
    input: &E::Input,
) -> Result<E::Output, StoreError> {
    let mut refs = Resolver::default();
    let cols = columns_of::<E>(conn, &mut refs, input).await?;
    let old = old_columns::<E>(conn, id, &cols)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            noun: E::SPEC.noun,
            key: format!("id {id}"),
        })?;
    if old != cols {
        let mut sets: Vec<String> = cols
            .iter()
            .enumerate()
            .map(|(i, (c, _))| format!("{c} = ${}", i + 1))
            .collect();
        let mut vals: Vec<Val> = cols.iter().map(|(_, v)| v.clone()).collect();
        vals.push(Val::Time(Some(Utc::now())));
        sets.push(format!("updated_at = ${}", vals.len()));
        vals.push(Val::int(id));
        let sql = format!(
            "UPDATE {} SET {} WHERE id = ${}",
            E::SPEC.table,
            sets.join(", "),
            vals.len()
        );
        conn.execute(&sql, &vals)
            .await
            .map_err(|e| e.on_unique(E::SPEC.noun, E::code(input)))?;
    }
    E::after_write(
        conn,
        &mut refs,
        &[Written {
            id,
            input,
            old: Some(&old),
            new: &cols,
        }],
    )
    .await?;
    get::<E>(conn, &Scope::All, id).await
}

pub(crate) async fn delete<E: Entity>(conn: &mut Conn<'_>, id: i64) -> Result<(), StoreError> {
    let spec = &E::SPEC;
    let exists: Option<(i64,)> = conn
        .fetch_optional(
            &format!("SELECT id FROM {} WHERE id = $1", spec.table),
            &[Val::int(id)],
        )
        .await?;
    if exists.is_none() {
        return Err(StoreError::NotFound {
            noun: spec.noun,
            key: format!("id {id}"),
        });
    }
    for dep in spec.dependents {
        let sql = format!(
            "SELECT COUNT(*) FROM {} WHERE {} = $1",
            dep.table, dep.column
        );
        let (n,): (i64,) = conn.fetch_one(&sql, &[Val::int(id)]).await?;
        if n > 0 {
            return Err(StoreError::Conflict {
                message: format!(
                    "{} {id} is still referred to by {n} {}(s); delete or move them first",
                    spec.noun, dep.noun
                ),
                field: None,
            });
        }
    }
    conn.execute(
        &format!("DELETE FROM {} WHERE id = $1", spec.table),
        &[Val::int(id)],
    )
    .await?;
    Ok(())
}

/// What a batched write did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WriteCounts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Upserts many inputs by their code: rows that are new are inserted, rows that differ are
/// updated, rows equal to what is stored are left alone (so a second import changes nothing).
/// Problems are returned per input index; when there are any, nothing should be committed.
/// `checked`: the inputs were validated already (by the file reader); references are still
/// resolved here. `partial`: when some inputs have problems, the others are written all the
/// same (so that later rows of an import can refer to them and be checked); the caller then
/// rolls back. Otherwise nothing is written when any input has a problem.
pub(crate) async fn upsert_many<E: Entity>(
    conn: &mut Conn<'_>,
    refs: &mut Resolver,
    inputs: &[&E::Input],
    checked: bool,
    partial: bool,
) -> Result<Result<WriteCounts, Vec<(usize, FieldError)>>, StoreError> {
    let mut problems: Vec<(usize, FieldError)> = Vec::new();
    let mut all_cols: Vec<Vec<(&'static str, Val)>> = Vec::with_capacity(inputs.len());
    // The inputs without problems, by index.
    let mut good: Vec<usize> = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        if let Err(errors) = if checked { Ok(()) } else { input.validate() } {
            problems.extend(errors.into_iter().map(|e| (i, e)));
            all_cols.push(Vec::new());
            continue;
        }
        let mut errs = Vec::new();
        let cols = E::columns(conn, refs, input, &mut errs).await?;
        if errs.is_empty() {
            good.push(i);
        }
        problems.extend(errs.into_iter().map(|e| (i, e)));
        all_cols.push(cols);
    }
    if !problems.is_empty() && !partial {
        return Ok(Err(problems));
    }
    let verdict = |counts: WriteCounts, problems: Vec<(usize, FieldError)>| {
        if problems.is_empty() {
            Ok(counts)
        } else {
            Err(problems)
        }
    };
    let Some(first) = good.first().map(|&i| &all_cols[i]) else {
        return Ok(verdict(WriteCounts::default(), problems));
    };
    let names: Vec<&'static str> = first.iter().map(|(c, _)| *c).collect();
    let kinds: Vec<Val> = first.iter().map(|(_, v)| v.clone()).collect();
    if good
        .iter()
        .map(|&i| &all_cols[i])
        .any(|cols| cols.len() != names.len() || cols.iter().zip(&names).any(|((a, _), b)| a != b))
    {
        return Err(StoreError::Corrupt(
            "rows of one batch write different columns".into(),
        ));
    }

    // What is stored now, by code.
    let mut old: foldhash::HashMap<String, (i64, Columns)> = Default::default();
    for chunk in good.chunks(500) {
        let sql = format!(
            "SELECT id, {} FROM {} WHERE code IN ({})",
            names.join(", "),
            E::SPEC.table,
            placeholders(1, chunk.len())
        );
        let codes: Vec<Val> = chunk
            .iter()
            .map(|&i| Val::text(E::code(inputs[i])))
            .collect();
        let mut like = vec![Val::Int(None)];
        like.extend(kinds.iter().cloned());
        for mut row in conn.fetch_vals(&sql, &codes, &like).await? {
            let Val::Int(Some(id)) = row.remove(0) else {
                continue;
            };
            let cols: Vec<(&'static str, Val)> = names.iter().copied().zip(row).collect();
            let code = cols
                .iter()
                .find(|(c, _)| *c == "code")
                .and_then(|(_, v)| {
                    if let Val::Text(Some(s)) = v {
                        Some(s.clone())
                    } else {
                        None
                    }
                })
                .unwrap_or_default();
            old.insert(code, (id, cols));
        }
    }

    let mut counts = WriteCounts::default();
    let mut to_write: Vec<usize> = Vec::new();
    for &i in &good {
        match old.get(E::code(inputs[i])) {
            Some((_, cols)) if *cols == all_cols[i] => counts.unchanged += 1,
            Some(_) => {
                counts.updated += 1;
                to_write.push(i);
            }
            None => {
                counts.created += 1;
                to_write.push(i);
            }
        }
    }

    let now = Val::Time(Some(Utc::now()));
    let per_row = names.len() + 2;
    let updates: Vec<String> = names
        .iter()
        .filter(|c| **c != "code")
        .map(|c| format!("{c} = excluded.{c}"))
        .chain(std::iter::once(
            "updated_at = excluded.updated_at".to_string(),
        ))
        .collect();
    let head = format!(
        "INSERT INTO {} ({}, created_at, updated_at) VALUES ",
        E::SPEC.table,
        names.join(", ")
    );
    let tail = format!(" ON CONFLICT (code) DO UPDATE SET {}", updates.join(", "));
    let codes: Vec<&str> = to_write.iter().map(|&i| E::code(inputs[i])).collect();
    let mut ids: foldhash::HashMap<String, i64> =
        foldhash::HashMap::with_capacity_and_hasher(codes.len(), Default::default());
    // A code twice in one batch (rows from a caller, not a file) makes the second an update of
    // the first: its rowid would not be its own.
    let distinct = codes.len() == codes.iter().collect::<foldhash::HashSet<_>>().len();
    match conn.sqlite() {
        Some(c) if distinct => {
            // One prepared statement a row, bound straight from the columns; a new row's id is
            // its rowid, an updated row keeps the id read above.
            let sql = crate::db::sqlite_sql(&format!("{head}({}){tail}", placeholders(1, per_row)))
                .into_owned();
            let rows = to_write
                .iter()
                .map(|&i| all_cols[i].iter().map(|(_, v)| v).chain([&now, &now]));
            let rowids = crate::db::lite::insert_each_rowid(c, &sql, rows)?;
            for ((&i, code), rowid) in to_write.iter().zip(&codes).zip(rowids) {
                let id = match old.get(E::code(inputs[i])) {
                    Some((id, _)) => *id,
                    None => rowid,
                };
                refs.remember(E::SPEC.table, code, id);
                ids.insert(code.to_string(), id);
            }
        }
        _ => {
            let rows: Vec<Vec<Val>> = to_write
                .iter()
                .map(|&i| {
                    let mut row: Vec<Val> = all_cols[i].iter().map(|(_, v)| v.clone()).collect();
                    row.push(now.clone());
                    row.push(now.clone());
                    row
                })
                .collect();
            insert_many(conn, &head, &tail, per_row, rows).await?;
            for (id, code) in conn.ids_by_code(E::SPEC.table, &codes).await? {
                refs.remember(E::SPEC.table, &code, id);
                ids.insert(code, id);
            }
        }
    }

    let written: Vec<Written<'_, E::Input>> = to_write
        .iter()
        .map(|&i| {
            let code = E::code(inputs[i]);
            Written {
                id: ids[code],
                input: inputs[i],
                old: old.get(code).map(|(_, cols)| cols.as_slice()),
                new: &all_cols[i],
            }
        })
        .collect();
    for chunk in written.chunks(5000) {
        E::after_write(conn, refs, chunk).await?;
    }
    Ok(verdict(counts, problems))
}

/// Inserts rows of `width` values: `head VALUES (…) tail`. SQLite runs one prepared single-row
/// statement per row, on this thread: with nothing to hand across threads, that is the fastest
/// way in (no statement text of thousands of placeholders to build and parse). PostgreSQL gets
/// multi-row statements of at most 1,000 rows or its bind limit each, the next built while the
/// server runs the one before.
pub(crate) async fn insert_many(
    conn: &mut Conn<'_>,
    head: &str,
    tail: &str,
    width: usize,
    rows: Vec<Vec<Val>>,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    if conn.backend() == crate::db::Backend::Sqlite {
        let sql = format!("{head}({}){tail}", placeholders(1, width));
        return conn.execute_each(&sql, &rows).await;
    }
    let per_statement = (conn.backend().max_binds() / width).clamp(1, 1000);
    let build = |chunk: Vec<Vec<Val>>| -> (String, Vec<Val>) {
        let mut sql = String::with_capacity(head.len() + tail.len() + chunk.len() * width * 6);
        sql.push_str(head);
        let mut vals = Vec::with_capacity(chunk.len() * width);
        for (n, row) in chunk.into_iter().enumerate() {
            if n > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            sql.push_str(&placeholders(vals.len() + 1, width));
            sql.push(')');
            vals.extend(row);
        }
        sql.push_str(tail);
        (sql, vals)
    };
    let mut rows = rows.into_iter();
    let take = |rows: &mut std::vec::IntoIter<Vec<Val>>| -> Option<Vec<Vec<Val>>> {
        let chunk: Vec<Vec<Val>> = rows.by_ref().take(per_statement).collect();
        (!chunk.is_empty()).then_some(chunk)
    };
    let mut next = take(&mut rows).map(build);
    while let Some((sql, vals)) = next.take() {
        let following = take(&mut rows);
        let (done, built) =
            futures_util::future::join(conn.execute(&sql, &vals), async { following.map(build) })
                .await;
        done?;
        next = built;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_number_their_placeholders_after_earlier_binds() {
        let mut binds = vec![Val::int(1)];
        let sql = bind_template("(a = ? OR b = ?)", vec![Val::text("x")], &mut binds);
        assert_eq!(sql, "(a = $2 OR b = $2)");
        let sql = bind_template(
            "(c >= ? AND c < ?)",
            vec![Val::text("a"), Val::text("b")],
            &mut binds,
        );
        assert_eq!(sql, "(c >= $3 AND c < $4)");
        assert_eq!(binds.len(), 4);
    }

    #[test]
    fn cursors_round_trip_and_refuse_forgeries() {
        let text = encode_cursor("code", true, &Val::text("C0001"), 42);
        let (cursor, value) = decode_cursor(&text, SortType::Text).unwrap();
        assert_eq!((cursor.s.as_str(), cursor.d, cursor.id), ("code", true, 42));
        assert_eq!(value, Val::text("C0001"));
        assert!(decode_cursor("not-a-cursor!", SortType::Text).is_err());
        assert!(decode_cursor(&text, SortType::Int).is_err());
    }
}
