//! Índices de correção: the organization's monetary-correction tables
//! (IPCA, IGP-M…), which carteiras correct by an index that has no table,
//! and the import of a table from a CSV file (supervisors and admins; the
//! same format and rules as `quita index import`).

use std::collections::{BTreeMap, HashSet};

use crate::pages::PageQuery;
use askama::Template;
use axum::{
    extract::{Multipart, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use quita_app::{
    AppError,
    portfolio::index_tables::{IndexImportError, IndexTableInfo, table_name},
};
use quita_core::{
    charge_policy::CorrectionIndex,
    index_table::{IndexParseError, IndexTable, YearMonth},
    role::Role,
};
use serde::Deserialize;

use super::{Layout, page, render};
use crate::{AppState, auth::UserSession, error::PageError, format};

/// Largest table file accepted (a century of months is a few kB).
const MAX_FILE: usize = 1024 * 1024;

/// One stored table as the page lists it.
pub struct TableView {
    pub id: String,
    pub label: String,
    /// `01/2020 a 10/2026`.
    pub covers: String,
    pub last: String,
    pub months: String,
    /// `2 meses faltando no intervalo`, when the table has gaps.
    pub gaps: Option<String>,
    /// Set when the last month is older than publication explains: the
    /// months after it count as 0 % in every update.
    pub stale: bool,
    pub updated: String,
    /// Carteiras whose policy corrects by it.
    pub used_by: Vec<String>,
    /// The months, a year a row, newest first.
    pub years: Vec<YearRow>,
}

/// One year of a table: each month's change in % (`0,42`; blank outside
/// the table, `falta` for a gap) and the year's accumulated change.
pub struct YearRow {
    pub year: i16,
    /// Twelve cells: the text and whether the month is a gap.
    pub months: Vec<(String, bool)>,
    /// Compounded over the year's months in the table; `—` with a gap.
    pub accumulated: String,
}

/// A percentage as indices are published: at least two decimals (`0,40`),
/// at most `places`.
fn percent(p: impl std::fmt::Display, places: usize) -> String {
    let s = format::decimal_max(p, places);
    match s.split_once(',') {
        None => format!("{s},00"),
        Some((_, frac)) if frac.len() == 1 => format!("{s}0"),
        Some(_) => s,
    }
}

/// The table's months as a year grid (a person checks a table against the
/// published one a year at a time).
fn year_rows(t: &IndexTable) -> Vec<YearRow> {
    let Some((first, last)) = t.range() else {
        return Vec::new();
    };
    (first.year()..=last.year())
        .rev()
        .map(|year| {
            let in_table = |m: i8| YearMonth::new(year, m).filter(|ym| *ym >= first && *ym <= last);
            let months = (1..=12)
                .map(|m| match in_table(m) {
                    None => (String::new(), false),
                    Some(ym) => t
                        .monthly_percent(ym)
                        .map_or_else(|| ("falta".to_owned(), true), |p| (percent(p, 4), false)),
                })
                .collect();
            let accumulated = match (
                (1..=12).find_map(in_table),
                (1..=12).rev().find_map(in_table),
            ) {
                (Some(a), Some(z)) => t
                    .accumulated_percent(a, z)
                    .map_or_else(|| "—".to_owned(), |p| percent(p, 2)),
                _ => "—".to_owned(),
            };
            YearRow {
                year,
                months,
                accumulated,
            }
        })
        .collect()
}

/// An index some carteiras correct by that has no table.
pub struct MissingView {
    pub label: String,
    pub used_by: Vec<String>,
}

#[derive(Template)]
#[template(path = "indices.html")]
struct IndicesPage {
    layout: Option<Layout>,
    csrf: String,
    tables: Vec<TableView>,
    missing: Vec<MissingView>,
    can_import: bool,
    notice: Option<String>,
    error: Option<String>,
    /// The name typed in the form (kept after an error).
    name: String,
    /// The lines pasted in the form (kept after an error).
    pasted: String,
}

#[derive(Deserialize, Default)]
pub struct Notice {
    ok: Option<String>,
}

/// "Sem tabela IPCA": what the pages say where an index has no table.
pub fn missing_table_text(index: &str) -> String {
    format!("Sem tabela {}", format::index_name(index))
}

/// `82 meses, de 01/2020 a 10/2026`.
fn coverage(t: &IndexTableInfo) -> String {
    format!(
        "{}, de {} a {}",
        format::plural(i64::try_from(t.months).unwrap_or(i64::MAX), "mês", "meses"),
        format::year_month(t.first_month),
        format::year_month(t.last_month)
    )
}

async fn indices_page(
    state: &AppState,
    s: &UserSession,
    imported: Option<&str>,
    error: Option<String>,
    (name, pasted): (String, String),
) -> Result<IndicesPage, PageError> {
    let p = &s.0.principal;
    p.require(Role::Viewer)?;
    let org = state.app.organization(p).await?;
    let list = state.app.index_table_list(p).await?;
    let this_month =
        quita_core::index_table::YearMonth::of(state.app.clock.today_in(&org.time_zone));
    // Which carteiras correct by which table.
    let mut users: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in state.app.creditors(p.org_id).await? {
        if let Some(n) = c.policy.correction.table_name() {
            users.entry(n.to_owned()).or_default().push(c.name);
        }
    }
    let stored: HashSet<&str> = list.iter().map(|t| t.name.as_str()).collect();
    let parsed = state.app.index_tables(p.org_id).await?;
    let notice = imported
        .and_then(table_name)
        .and_then(|n| list.iter().find(|t| t.name == n))
        .map(|info| {
            format!(
                "Tabela {} importada: {}. Os valores atualizados já a usam.",
                format::index_name(&info.name),
                coverage(info)
            )
        });
    let missing = users
        .iter()
        .filter(|(n, _)| !stored.contains(n.as_str()))
        .map(|(n, used_by)| MissingView {
            label: format::index_name(n),
            used_by: used_by.clone(),
        })
        .collect();
    let tables = list
        .iter()
        .map(|t| TableView {
            id: t.name.clone(),
            label: format::index_name(&t.name),
            covers: format!(
                "{} a {}",
                format::year_month(t.first_month),
                format::year_month(t.last_month)
            ),
            last: format::year_month(t.last_month),
            stale: t.last_month.months_until(this_month)
                > quita_core::debt_update::UNPUBLISHED_MONTHS_EXPECTED,
            months: format::count(i64::try_from(t.months).unwrap_or(i64::MAX)),
            gaps: (t.gaps > 0).then(|| {
                format!(
                    "{} no intervalo",
                    format::plural(
                        i64::try_from(t.gaps).unwrap_or(i64::MAX),
                        "mês faltando",
                        "meses faltando"
                    )
                )
            }),
            updated: format::date_time(t.updated_at, &org.time_zone),
            used_by: users.get(&t.name).cloned().unwrap_or_default(),
            years: parsed.get(&t.name).map(year_rows).unwrap_or_default(),
        })
        .collect();
    Ok(IndicesPage {
        layout: Some(Layout::new(state, &s.0, "/indices").await?),
        csrf: s.0.csrf_token.clone(),
        tables,
        missing,
        can_import: p.role.allows(Role::Supervisor),
        notice,
        error,
        name,
        pasted,
    })
}

/// `GET /indices`: the tables (viewers and up); the import form for
/// supervisors and admins.
pub async fn list(
    State(state): State<AppState>,
    s: UserSession,
    PageQuery(q): PageQuery<Notice>,
) -> Result<Response, PageError> {
    Ok(page(
        &indices_page(&state, &s, q.ok.as_deref(), None, Default::default()).await?,
    ))
}

/// The pt-BR message of a table that does not parse, naming the line and,
/// where one column is at fault, the column. Nothing was stored.
pub fn parse_error_text(e: &IndexParseError) -> String {
    let what = match e {
        IndexParseError::Columns { line } => format!(
            "Linha {line}: cada linha deve ter duas colunas, MÊS;VARIAÇÃO (por exemplo 2026-01;0,42)."
        ),
        IndexParseError::Control { line } => {
            format!("Linha {line}: caractere de controle; o arquivo não parece ser texto (CSV).")
        }
        IndexParseError::Month { line, value } => format!(
            "Linha {line}, coluna 1 (mês): \"{value}\" não é um mês; use 2026-01 ou 01/2026."
        ),
        IndexParseError::Value { line, value } => format!(
            "Linha {line}, coluna 2 (variação): \"{value}\" não é um número; use 0,42 ou 0.42%."
        ),
        IndexParseError::Duplicate { line, month } => format!(
            "Linha {line}, coluna 1 (mês): o mês {} aparece mais de uma vez.",
            format::year_month(*month)
        ),
        IndexParseError::OutOfRange { line } => format!(
            "Linha {line}, coluna 2 (variação): uma variação mensal de -100% ou menos é impossível."
        ),
        IndexParseError::TooLarge { line } => format!(
            "Linha {line}: uma variação mensal acima de 1.000% não é valor de índice (confira a coluna e a vírgula)."
        ),
        IndexParseError::Ambiguous { line, value } => format!(
            "Linha {line}, coluna 2 (variação): “{value}” é ambíguo (ponto antes de três algarismos é milhar): escreva 1,000 ou 1."
        ),
        IndexParseError::Empty => "O arquivo não tem nenhum mês.".to_owned(),
    };
    format!("{what} Nada foi gravado.")
}

fn import_error_text(e: IndexImportError) -> Result<String, PageError> {
    match e {
        IndexImportError::Name(_) => Ok(
            "Nome do índice: use letras sem acento, números, - ou _ (até 40), por exemplo IPCA ou IGP-M."
                .to_owned(),
        ),
        IndexImportError::Table(e) => Ok(parse_error_text(&e)),
        IndexImportError::App(e) => Err(PageError(e)),
    }
}

/// `POST /indices` (multipart: `name`, `file` or `content`): imports the
/// table, replacing one of the same name, and goes back to the list.
pub async fn import(
    State(state): State<AppState>,
    s: UserSession,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let p = s.0.principal.clone();
    p.require(Role::Supervisor)?;
    let too_large = || crate::error::payload_too_large("/indices", state.settings.body_limit);
    let mut name = String::new();
    let mut file: Vec<u8> = Vec::new();
    let mut pasted = String::new();
    let mut refused: Option<String> = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if crate::error::multipart_over_limit(&e) => return Ok(too_large()),
            Err(e) => {
                refused = Some(format!("Não foi possível ler o envio: {}", e.body_text()));
                break;
            }
        };
        let key = field.name().unwrap_or_default().to_owned();
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) if crate::error::multipart_over_limit(&e) => return Ok(too_large()),
            Err(e) => {
                refused = Some(format!("Não foi possível ler o arquivo: {}", e.body_text()));
                break;
            }
        };
        if bytes.len() > MAX_FILE {
            refused = Some("O arquivo passa de 1 MB; uma tabela mensal tem poucos kB.".into());
            break;
        }
        match key.as_str() {
            "name" => name = String::from_utf8_lossy(&bytes).trim().to_owned(),
            "file" => file = bytes.to_vec(),
            "content" => pasted = String::from_utf8_lossy(&bytes).into_owned(),
            _ => {}
        }
    }
    let has_file = file.iter().any(|b| !b.is_ascii_whitespace());
    let has_pasted = !pasted.trim().is_empty();
    let content: &[u8] = if has_file { &file } else { pasted.as_bytes() };
    let refused = refused.or_else(|| {
        if has_file && has_pasted {
            Some(
                "Envie o arquivo ou cole as linhas, não os dois: não há como saber qual vale."
                    .to_owned(),
            )
        } else if name.is_empty() {
            Some("Informe o nome do índice, por exemplo IPCA.".to_owned())
        } else if content.iter().all(u8::is_ascii_whitespace) {
            Some("Escolha o arquivo CSV da tabela (ou cole as linhas).".to_owned())
        } else {
            None
        }
    });
    let result = match refused {
        Some(msg) => Err(msg),
        None => match state.app.import_index_table(&p, &name, content).await {
            Ok(info) => Ok(info),
            Err(e) => Err(import_error_text(e)?),
        },
    };
    match result {
        Ok(info) => Ok(Redirect::to(&format!("/indices?ok={}", info.name)).into_response()),
        Err(msg) => {
            let t = indices_page(&state, &s, None, Some(msg), (name, pasted)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(render(&t))).into_response())
        }
    }
}

/// Where a receivable's updated amount is missing because of its index:
/// `Sem tabela IPCA para o período` (and the missing month when the table
/// exists but does not cover it).
pub fn update_problem_text(p: &quita_app::portfolio::debtors::UpdateProblem) -> String {
    use quita_app::portfolio::debtors::UpdateProblem;
    match p {
        UpdateProblem::MissingIndexTable { index } => {
            format!("{} para o período", missing_table_text(index))
        }
        UpdateProblem::IndexMonthMissing { index, month } => format!(
            "{} para o período (falta {})",
            missing_table_text(index),
            format::year_month(*month)
        ),
        UpdateProblem::NotYetIssued { issued } => format!(
            "Emitido em {}, depois desta data: ainda não era devido",
            format::civil(*issued)
        ),
        UpdateProblem::Other(_) => "Não foi possível calcular o valor atualizado".to_owned(),
    }
}

/// The correction choices of a carteira's policy form: none, IPCA and the
/// organization's other tables, each saying when it has no table; and a
/// warning when the chosen index has none.
pub struct IndexChoices {
    /// (value, label, selected).
    pub options: Vec<(String, String, bool)>,
    /// `Sem tabela IPCA`: the chosen index has no table.
    pub warning: Option<String>,
}

impl IndexChoices {
    pub fn new(tables: &HashSet<String>, chosen: &str) -> Self {
        let chosen = CorrectionIndex::from_db(chosen).unwrap_or_default();
        let label = |n: &str, prefix: &str| {
            let base = format!("{prefix}{}", format::index_name(n));
            if tables.contains(n) {
                base
            } else {
                format!("{base} (sem tabela importada)")
            }
        };
        let mut options = vec![(
            "ipca".to_owned(),
            label("ipca", ""),
            chosen == CorrectionIndex::Ipca,
        )];
        let mut others: Vec<&String> = tables.iter().filter(|n| *n != "ipca").collect();
        others.sort();
        for n in others {
            let v = CorrectionIndex::Table(n.clone());
            options.push((v.to_db(), label(n, "Tabela "), chosen == v));
        }
        if let CorrectionIndex::Table(n) = &chosen
            && !tables.contains(n)
        {
            options.push((chosen.to_db(), label(n, "Tabela "), true));
        }
        Self {
            options,
            warning: missing_for(tables, &chosen),
        }
    }
}

/// `Sem tabela IPCA` when the index has no table in `tables`.
pub fn missing_for(tables: &HashSet<String>, c: &CorrectionIndex) -> Option<String> {
    c.table_name()
        .filter(|n| !tables.contains(*n))
        .map(missing_table_text)
}

/// The names of the organization's tables.
pub async fn table_names(state: &AppState, s: &UserSession) -> Result<HashSet<String>, AppError> {
    Ok(state
        .app
        .index_table_list(&s.0.principal)
        .await?
        .into_iter()
        .map(|t| t.name)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_name_line_and_column() {
        let e = quita_core::index_table::IndexTable::parse_csv("ipca", "2026-01;0,4\n2026-13;1")
            .unwrap_err();
        assert_eq!(
            parse_error_text(&e),
            "Linha 2, coluna 1 (mês): \"2026-13\" não é um mês; use 2026-01 ou 01/2026. Nada foi gravado."
        );
        let e = quita_core::index_table::IndexTable::parse_csv("ipca", "2026-01;abc").unwrap_err();
        assert!(parse_error_text(&e).starts_with("Linha 1, coluna 2 (variação)"));
    }

    #[test]
    fn choices_say_which_index_lacks_a_table() {
        let tables: HashSet<String> = ["igp-m".to_owned()].into();
        let c = IndexChoices::new(&tables, "ipca");
        assert_eq!(
            c.options,
            vec![
                ("ipca".into(), "IPCA (sem tabela importada)".into(), true),
                ("table:igp-m".into(), "Tabela IGP-M".into(), false),
            ]
        );
        assert_eq!(c.warning.as_deref(), Some("Sem tabela IPCA"));
        let c = IndexChoices::new(&tables, "table:inpc");
        assert_eq!(c.options.len(), 3);
        assert_eq!(c.warning.as_deref(), Some("Sem tabela INPC"));
        assert_eq!(IndexChoices::new(&tables, "none").warning, None);
        assert_eq!(IndexChoices::new(&tables, "table:igp-m").warning, None);
    }

    #[test]
    fn a_table_as_a_year_grid() {
        let t = IndexTable::parse_csv(
            "ipca",
            "2024-11;0,39\n2025-01;0,16\n2025-02;1,31\n2025-03;-0,125",
        )
        .unwrap();
        let rows = year_rows(&t);
        assert_eq!(
            rows.iter().map(|r| r.year).collect::<Vec<_>>(),
            [2025, 2024]
        );
        fn cells(r: &YearRow) -> Vec<&str> {
            r.months.iter().map(|(m, _)| m.as_str()).collect()
        }
        assert_eq!(
            cells(&rows[0]),
            ["0,16", "1,31", "-0,125", "", "", "", "", "", "", "", "", ""]
        );
        // 1.0016 × 1.0131 × 0.99875 = 1.01345...
        assert_eq!(rows[0].accumulated, "1,35");
        // December 2024 is a gap inside the table: said, and no total.
        assert_eq!(cells(&rows[1])[10..], ["0,39", "falta"]);
        assert!(rows[1].months[11].1 && !rows[1].months[10].1);
        assert_eq!(rows[1].accumulated, "—");
    }
}
