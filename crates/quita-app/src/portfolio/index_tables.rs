//! Monetary-correction index tables (IPCA, IGP-M…): the organization's
//! tables by name, what each covers, and their import (CLI, page, API).
//!
//! A table is stored as the CSV text it was imported from (the format of
//! [`quita_core::index_table`]) under a lower-case name; importing a name
//! again replaces the whole table. The charge policy names the table it
//! corrects by (`ipca`, or `table:NAME`), so the name is normalized the same
//! way: `IPCA` and `ipca` are one table.

use std::collections::HashMap;

use jiff::Timestamp;
use quita_core::{
    charge_policy::CorrectionIndex,
    index_table::{IndexParseError, IndexTable, YearMonth},
    role::Role,
};
use quita_store::{audit, portfolio::creditors};
use serde_json::json;

use crate::{App, AppError, AppResult, auth::Principal};

/// Longest table name (as for `table:NAME` in a charge policy).
pub const MAX_NAME_LEN: usize = 40;

/// What one stored table covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexTableInfo {
    /// Lower-case name (`ipca`).
    pub name: String,
    pub first_month: YearMonth,
    pub last_month: YearMonth,
    /// Months present (fewer than the span when the table has gaps).
    pub months: usize,
    /// Months between the first and the last (inclusive) missing from it.
    pub gaps: usize,
    pub updated_at: Timestamp,
}

impl IndexTableInfo {
    fn of(t: &IndexTable, updated_at: Timestamp) -> Option<Self> {
        let (first, last) = t.range()?;
        let span = months_from(first, last) + 1;
        let months = t.month_count();
        Some(Self {
            name: t.name().to_owned(),
            first_month: first,
            last_month: last,
            months,
            gaps: usize::try_from(span)
                .unwrap_or(months)
                .saturating_sub(months),
            updated_at,
        })
    }
}

/// Months from `a` to `b` (`b` after `a` is positive).
fn months_from(a: YearMonth, b: YearMonth) -> i64 {
    (i64::from(b.year()) * 12 + i64::from(b.month()))
        - (i64::from(a.year()) * 12 + i64::from(a.month()))
}

/// Why a table was not imported (nothing was stored).
#[derive(Debug, thiserror::Error)]
pub enum IndexImportError {
    /// The name is not a valid table name (the raw name as given).
    #[error("name: invalid index table name {0:?} (letters, digits, - or _, up to 40)")]
    Name(String),
    /// The CSV text does not parse (names its line).
    #[error("content: {0}")]
    Table(#[from] IndexParseError),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<IndexImportError> for AppError {
    fn from(e: IndexImportError) -> Self {
        match e {
            IndexImportError::Name(_) => AppError::invalid(
                "name",
                "invalid index table name (letters, digits, - or _, up to 40)",
            ),
            IndexImportError::Table(e) => AppError::invalid("content", e),
            IndexImportError::App(e) => e,
        }
    }
}

/// The stored form of a table name: trimmed, lower-case ASCII letters,
/// digits, `-` and `_`, 1 to 40 characters. `None` for anything else.
pub fn table_name(raw: &str) -> Option<String> {
    let name = raw.trim();
    (!name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    .then(|| name.to_ascii_lowercase())
}

/// The text of an uploaded file: UTF-8 (a BOM is fine), or else
/// Windows-1252 as spreadsheets on Windows save CSV.
pub fn decode_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

impl App {
    /// Monetary-correction tables of the organization by (lower-case) name.
    pub async fn index_tables(&self, org_id: i64) -> AppResult<HashMap<String, IndexTable>> {
        let mut out = HashMap::new();
        for (name, content) in creditors::index_tables(&self.db, org_id).await? {
            let key = name.to_ascii_lowercase();
            if let Ok(t) = IndexTable::parse_csv(key.clone(), &content) {
                out.insert(key, t);
            }
        }
        Ok(out)
    }

    /// Refuses a correction by a table the organization has not imported
    /// (`table:NAME`): a typo there would leave every receivable it governs
    /// without an updated amount. IPCA may be chosen before its table is
    /// imported; the pages say "Sem tabela IPCA" until it is.
    pub(crate) async fn require_known_table(
        &self,
        org_id: i64,
        correction: Option<&CorrectionIndex>,
    ) -> AppResult<()> {
        let Some(CorrectionIndex::Table(name)) = correction else {
            return Ok(());
        };
        if self.index_tables(org_id).await?.contains_key(name) {
            return Ok(());
        }
        Err(AppError::invalid(
            "correction",
            format!(
                "não há tabela de índice “{name}”: importe-a em Índices de correção (ou com quita index import) antes de corrigir por ela"
            ),
        ))
    }

    /// Stores (or replaces) a monetary-correction table after checking that it
    /// parses, with an audit entry: it changes every updated amount. The
    /// name is stored lower-case (`IPCA` is the table `ipca`).
    pub async fn store_index_table(
        &self,
        org_id: i64,
        name: &str,
        content: &str,
        actor: audit::Actor,
    ) -> AppResult<IndexTableInfo> {
        self.put_index_table(org_id, name, content, actor)
            .await
            .map_err(AppError::from)
    }

    async fn put_index_table(
        &self,
        org_id: i64,
        raw_name: &str,
        content: &str,
        actor: audit::Actor,
    ) -> Result<IndexTableInfo, IndexImportError> {
        let name =
            table_name(raw_name).ok_or_else(|| IndexImportError::Name(raw_name.to_owned()))?;
        let table = IndexTable::parse_csv(name.clone(), content)?;
        let now = self.now();
        let info = IndexTableInfo::of(&table, now).ok_or(IndexParseError::Empty)?;
        let mut tx = self.db.begin_write().await.map_err(AppError::from)?;
        creditors::put_index_table(&mut tx, org_id, &name, content, now)
            .await
            .map_err(AppError::from)?;
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(org_id),
                actor,
                action: "index_table_stored",
                target: Some(&format!("index:{name}")),
                details: json!({
                    "bytes": content.len(),
                    "months": info.months,
                    "first_month": info.first_month.to_string(),
                    "last_month": info.last_month.to_string(),
                }),
                ip: None,
            },
            now,
        )
        .await
        .map_err(AppError::from)?;
        tx.commit().await.map_err(AppError::from)?;
        Ok(info)
    }

    /// Imports a table from an uploaded file on behalf of a supervisor or
    /// admin: the page's form and `PUT /api/v1/index-tables/{name}`. The
    /// same rules as `quita index import`: the whole table is replaced.
    pub async fn import_index_table(
        &self,
        who: &Principal,
        name: &str,
        file: &[u8],
    ) -> Result<IndexTableInfo, IndexImportError> {
        who.require(Role::Supervisor)?;
        self.put_index_table(who.org_id, name, &decode_text(file), who.actor)
            .await
    }

    /// The organization's tables with what each covers, by name (viewers
    /// and up: the Carteiras page shows which policies lack theirs).
    pub async fn index_table_list(&self, who: &Principal) -> AppResult<Vec<IndexTableInfo>> {
        who.require(Role::Viewer)?;
        let rows = creditors::index_table_rows(&self.db, who.org_id).await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let t = IndexTable::parse_csv(r.name.to_ascii_lowercase(), &r.content).ok()?;
                IndexTableInfo::of(&t, r.updated_at)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalized() {
        assert_eq!(table_name(" IPCA "), Some("ipca".into()));
        assert_eq!(table_name("IGP-M_2"), Some("igp-m_2".into()));
        for bad in ["", "  ", "ipca e", "índice", "a;b", &"x".repeat(41)] {
            assert_eq!(table_name(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn text_is_utf8_or_windows_1252() {
        assert_eq!(decode_text("mês;taxa".as_bytes()), "mês;taxa");
        assert_eq!(decode_text(b"m\xeas;taxa"), "mês;taxa");
    }

    #[test]
    fn coverage_and_gaps() {
        let t = IndexTable::parse_csv("ipca", "2025-11;0,1\n2026-01;0,2\n2026-02;0,3").unwrap();
        let info = IndexTableInfo::of(&t, Timestamp::UNIX_EPOCH).unwrap();
        assert_eq!(
            (
                info.first_month.to_string(),
                info.last_month.to_string(),
                info.months,
                info.gaps
            ),
            ("2025-11".into(), "2026-02".into(), 3, 1)
        );
    }
}
