//! Relatórios → Aging: buckets with a hand-drawn SVG chart, filters,
//! drill-down to a bucket's receivables ([`faixa`]), CSV and XLSX export.

mod faixa;
mod por_devedor;
pub use faixa::{DebtorShown, bucket, bucket_csv};
pub use por_devedor::{debtors, debtors_csv, debtors_xlsx};

use crate::pages::PageQuery;
use askama::Template;
use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use jiff::civil::Date;
use quita_app::{AppError, auth::Principal, portfolio::aging::AgingQuery};
use quita_core::{
    aging::{AgingBuckets, AgingError, AgingReport, AgingTotals},
    money::Money,
    role::Role,
};
use serde::Deserialize;

use super::{Layout, page};
use crate::{AppState, auth::UserSession, error::PageError, format};

/// The filters, as they come in the query string.
#[derive(Deserialize, Default, Clone)]
pub struct Filters {
    /// Creditor id; empty = all.
    #[serde(default)]
    pub credor: String,
    /// As-of date, `dd/mm/aaaa` or ISO; empty = today.
    #[serde(default)]
    pub data_base: String,
    /// Bucket bounds in days (`30,60,90`, or `1-30,31-60,61+`, as
    /// [`AgingBuckets::parse`] reads them); empty = the defaults.
    #[serde(default)]
    pub faixas: String,
    /// Debtor CPF/CNPJ as typed, whole; empty = all: that debtor's aging only.
    #[serde(default)]
    pub devedor: String,
    /// The same debtor by id, as the page's own links carry it (no CPF in
    /// addresses and logs); used when `devedor` is empty.
    #[serde(default)]
    pub id_devedor: String,
    /// Drill-down keyset: the last receivable id shown ("Próxima página").
    #[serde(default)]
    pub depois: Option<i64>,
    /// Drill-down keyset: the first receivable id shown ("Página
    /// anterior"); wins over `depois`.
    #[serde(default)]
    pub antes: Option<i64>,
    /// Aging by debtor: where the next page starts (`OVERDUE.ID`).
    #[serde(default)]
    pub depois_de: String,
    /// Aging by debtor: where the previous page ends (`OVERDUE.ID`); wins
    /// over `depois_de`.
    #[serde(default)]
    pub antes_de: String,
}

/// pt-BR label of a bucket (`A vencer`, `1 a 30 dias`, `1 dia`,
/// `15 dias`, `361+ dias`).
pub fn bucket_label(b: &str) -> String {
    if b == "current" {
        return "A vencer".into();
    }
    if let Some((a, z)) = b.split_once('-') {
        return match (a == z, a) {
            (true, "1") => "1 dia".into(),
            (true, _) => format!("{a} dias"),
            (false, _) => format!("{a} a {z} dias"),
        };
    }
    format!("{b} dias")
}

/// Resolves the filters into a query of the caller's organization. A
/// creditor or debtor of another organization is simply not found.
pub async fn aging_query(
    state: &AppState,
    p: &Principal,
    (creditor, debtor): (Option<i64>, Option<i64>),
    as_of: Option<Date>,
    buckets: AgingBuckets,
) -> Result<AgingQuery, AppError> {
    if let Some(id) = creditor {
        state.app.creditor(p.org_id, id).await?;
    }
    let as_of = match as_of {
        Some(d) => d,
        None => state.app.today_for(p).await?,
    };
    Ok(AgingQuery {
        creditor_id: creditor,
        debtor_id: debtor,
        as_of,
        buckets,
    })
}

pub(crate) async fn query_of(
    state: &AppState,
    p: &Principal,
    f: &Filters,
) -> Result<AgingQuery, AppError> {
    p.require(Role::Viewer)?;
    let creditor = match f.credor.trim() {
        "" => None,
        raw => Some(super::parse_id(raw)?),
    };
    let debtor = match (f.devedor.trim(), f.id_devedor.trim()) {
        ("", "") => None,
        // Looking a debtor up by CPF/CNPJ is opening the debtor: a viewer
        // sees the portfolio's aging, not whom it is owed by.
        _ if !p.role.allows(Role::Agent) => {
            return Err(AppError::invalid(
                "devedor",
                "Só agentes, supervisores e administradores filtram o aging por devedor.",
            ));
        }
        ("", id) => Some(
            state
                .app
                .find_debtor(p.org_id, &super::parse_id(id)?.to_string())
                .await
                .map_err(|e| match e {
                    AppError::NotFound => {
                        AppError::invalid("devedor", "Devedor não encontrado nesta organização.")
                    }
                    other => other,
                })?
                .id,
        ),
        (raw, _) => {
            let shown = raw.chars().take(20).collect::<String>();
            let not_found = || {
                AppError::invalid(
                    "devedor",
                    format!(
                        "Devedor “{shown}” não encontrado: informe o CPF ou CNPJ completo de um devedor desta organização."
                    ),
                )
            };
            let document = quita_core::import_row::parse_document(raw).map_err(|_| not_found())?;
            Some(
                state
                    .app
                    .find_debtor(p.org_id, document.digits())
                    .await
                    .map_err(|e| match e {
                        AppError::NotFound => not_found(),
                        other => other,
                    })?
                    .id,
            )
        }
    };
    let as_of = match f.data_base.trim() {
        "" => None,
        raw => Some(format::parse_date(raw).map_err(|e| {
            AppError::invalid(
                "data_base",
                format!(
                    "Data-base “{}” inválida: {}.",
                    raw.chars().take(20).collect::<String>(),
                    format::date_problem(e)
                ),
            )
        })?),
    };
    let buckets = buckets_field(&f.faixas)?;
    aging_query(state, p, (creditor, debtor), as_of, buckets).await
}

/// The "Faixas (dias)" field: blank is the default buckets.
fn buckets_field(raw: &str) -> Result<AgingBuckets, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(AgingBuckets::default());
    }
    let refuse = |reason: String| {
        let shown = quita_core::text::excerpt(raw, 60);
        AppError::invalid(
            "faixas",
            format!(
                "Faixas (dias) “{shown}”: {reason}. Informe o último dia de cada faixa, em ordem crescente e separados por vírgula, por exemplo 30,60,90,180,360."
            ),
        )
    };
    AgingBuckets::parse(raw).map_err(|e| refuse(buckets_error_text(&e)))
}

/// Why a bucket list was refused, in pt-BR.
fn buckets_error_text(e: &AgingError) -> String {
    match e {
        AgingError::Syntax(bad) => format!("“{bad}” não é um número de dias"),
        AgingError::EmptyItem => "há um limite vazio entre vírgulas".into(),
        AgingError::Mixed => {
            "use só limites (30,60,90) ou só faixas (1-30,31-60,61+), sem misturar".into()
        }
        AgingError::NotIncreasing(_) => "os limites não estão em ordem crescente".into(),
        AgingError::ZeroBound => "o primeiro limite deve ser de pelo menos 1 dia".into(),
        AgingError::Empty(item) => format!("a faixa {item} termina antes de começar"),
        AgingError::FirstStart(n) => {
            format!("a primeira faixa em atraso deve começar em 1 dia, não em {n}")
        }
        AgingError::NotContiguous { label, expected } => format!(
            "a faixa {label} deveria começar em {expected} dias (as faixas não podem ter buracos nem se sobrepor)"
        ),
        AgingError::OpenEnd => "só a última faixa pode ser aberta (como 361+)".into(),
        AgingError::TooMany(_) => {
            format!("no máximo {} limites", quita_core::aging::MAX_BUCKETS - 2)
        }
        AgingError::CurrentNotFirst => "“current” (a vencer) só pode vir uma vez, no início".into(),
        _ => "valor inválido".into(),
    }
}

/// The buckets as the field shows them (`30,60,90`); blank for the defaults.
fn buckets_text(b: &AgingBuckets) -> String {
    if *b == AgingBuckets::default() {
        return String::new();
    }
    (1..b.len())
        .filter_map(|i| b.bounds(i).and_then(|(_, upper)| upper))
        .map(|u| u.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

pub struct BucketRow {
    pub index: usize,
    pub label: String,
    pub count: String,
    pub original: String,
    pub open: String,
    pub updated: String,
}

fn row(index: usize, label: String, t: &AgingTotals) -> BucketRow {
    BucketRow {
        index,
        label,
        count: format::count(i64::try_from(t.count).unwrap_or(i64::MAX)),
        original: format::money(t.original_amount),
        open: format::money(t.open_balance),
        updated: format::money(t.updated_amount),
    }
}

/// One bar of the chart, in SVG user units.
pub struct Bar {
    pub index: usize,
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
    pub label: String,
    /// Short, above the bar (`R$ 48,7 mi`), so neighbours do not overlap.
    pub value: String,
    /// In full, in the bar's tooltip.
    pub full: String,
    pub label_x: i64,
    /// The bar's length in the phone's horizontal chart, in percent of
    /// the longest (0–100).
    pub pct: i64,
    /// The baseline of the value above the bar.
    pub value_y: i64,
    /// The baseline of the bucket's label under the axis.
    pub label_y: i64,
}

const CHART_W: i64 = 800;
const CHART_H: i64 = 260;
const PLOT_TOP: i64 = 30;
const PLOT_BOTTOM: i64 = 220;

/// Up to this many buckets, each label fits its slot on one line at
/// [`FONT`]; with more (up to 12), the text is [`DENSE_FONT`] and every
/// other label and value moves one line away, so neighbours never meet.
const DENSE_AFTER: usize = 7;
const FONT: i64 = 12;
const DENSE_FONT: i64 = 10;

/// The chart's text size, in SVG user units.
fn chart_font(buckets: usize) -> i64 {
    if buckets > DENSE_AFTER {
        DENSE_FONT
    } else {
        FONT
    }
}

/// Bars proportional to the open balance (integer arithmetic on centavos).
fn bars(report: &AgingReport) -> Vec<Bar> {
    let rows: Vec<(&str, &AgingTotals)> = report.rows().collect();
    let n = i64::try_from(rows.len()).unwrap_or(1).max(1);
    let max = rows
        .iter()
        .map(|(_, t)| t.open_balance.centavos())
        .max()
        .unwrap_or(0)
        .max(1);
    let slot = (CHART_W - 40) / n;
    let w = slot * 3 / 5;
    let dense = rows.len() > DENSE_AFTER;
    rows.iter()
        .enumerate()
        .map(|(i, (label, t))| {
            let i64i = i64::try_from(i).unwrap_or(0);
            let full = PLOT_BOTTOM - PLOT_TOP;
            let h = i64::try_from(
                i128::from(t.open_balance.centavos().max(0)) * i128::from(full) / i128::from(max),
            )
            .unwrap_or(0);
            let x = 20 + i64i * slot + (slot - w) / 2;
            // Odd bars' text one line further out when the slots are narrow.
            let stagger = i64::from(dense && i % 2 == 1);
            Bar {
                value_y: PLOT_BOTTOM - h - 6 - stagger * (DENSE_FONT + 4),
                label_y: PLOT_BOTTOM + if dense { 15 } else { 18 } + stagger * (DENSE_FONT + 4),
                index: i,
                x,
                y: PLOT_BOTTOM - h,
                w,
                h,
                label: bucket_label(label),
                value: format::money_short(t.open_balance),
                full: t.open_balance.format_brl(),
                label_x: x + w / 2,
                pct: h * 100 / full,
            }
        })
        .collect()
}

pub struct CreditorOption {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "aging.html")]
struct AgingPage {
    layout: Option<Layout>,
    as_of: String,
    /// The "Data-base" field: the date shown, or what was typed when it
    /// did not read.
    as_of_field: String,
    /// Why the filters typed could not be used (the report is the default).
    problem: Option<String>,
    /// The debtor the report is limited to.
    debtor_name: Option<String>,
    /// The "Devedor" field as typed.
    devedor_field: String,
    /// Whether the "Devedor" filter is offered (agents and up).
    debtor_filter: bool,
    creditor_name: Option<String>,
    creditors: Vec<CreditorOption>,
    /// The "Faixas (dias)" field: blank for the defaults.
    faixas: String,
    qs: String,
    rows: Vec<BucketRow>,
    total: BucketRow,
    bars: Vec<Bar>,
    /// The text size of the chart ([`chart_font`]).
    chart_font: i64,
    chart_w: i64,
    chart_h: i64,
    axis_y: i64,
    /// Nothing open to age: the page says so instead of a flat chart.
    empty: bool,
    /// `12 títulos` whose updated amount is their open balance.
    not_updated: Option<String>,
    /// Bucket labels, for the per-creditor table's header.
    labels: Vec<String>,
    /// Each creditor's open balance per bucket (all creditors only).
    by_creditor: Vec<CreditorLine>,
    /// The "Por carteira" table's total line (amounts in reais, no `R$`).
    by_creditor_total: CreditorLine,
}

/// One line of the per-creditor table, amounts in reais (the heading
/// gives the symbol).
pub struct CreditorLine {
    /// This creditor's aging at the same as-of date (empty on the total
    /// line).
    pub href: String,
    pub name: String,
    pub open: Vec<String>,
    pub total: String,
    /// The whole open balance updated to the as-of date.
    pub updated: String,
}

impl CreditorLine {
    fn of(name: String, href: String, report: &AgingReport) -> Self {
        Self {
            href,
            name,
            open: report
                .rows()
                .map(|(_, t)| format::reais(t.open_balance))
                .collect(),
            total: format::reais(report.total().open_balance),
            updated: format::reais(report.total().updated_amount),
        }
    }
}

pub(crate) fn query_string(q: &AgingQuery) -> String {
    let mut s = format!("data_base={}", format::civil(q.as_of).replace('/', "%2F"));
    if let Some(c) = q.creditor_id {
        s.push_str(&format!("&credor={c}"));
    }
    if let Some(d) = q.debtor_id {
        s.push_str(&format!("&id_devedor={d}"));
    }
    let faixas = buckets_text(&q.buckets);
    if !faixas.is_empty() {
        s.push_str(&format!("&faixas={faixas}"));
    }
    s
}

pub async fn index() -> Response {
    axum::response::Redirect::to("/relatorios/aging").into_response()
}

pub async fn aging(
    State(state): State<AppState>,
    s: UserSession,
    PageQuery(f): PageQuery<Filters>,
) -> Result<Response, PageError> {
    let p = &s.0.principal;
    // A filter that does not read (a date, the buckets, a debtor) is said
    // above the form, which keeps what was typed; the report below leaves
    // out that filter and keeps the others.
    let (q, problem) = {
        let mut kept = f.clone();
        let mut problems: Vec<String> = Vec::new();
        loop {
            match query_of(&state, p, &kept).await {
                Ok(q) => break (q, (!problems.is_empty()).then(|| problems.join(" "))),
                Err(AppError::Invalid { field, message }) if problems.len() < 4 => {
                    match field {
                        "data_base" => kept.data_base.clear(),
                        "faixas" => kept.faixas.clear(),
                        "devedor" => {
                            kept.devedor.clear();
                            kept.id_devedor.clear();
                        }
                        _ => kept = Filters::default(),
                    }
                    problems.push(message);
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    // All creditors: each one's report (one index range apiece), added up
    // for the whole; one creditor: its report alone.
    let (report, per) = if q.creditor_id.is_none() {
        let per = state.app.aging_by_creditor(p.org_id, &q).await?;
        let mut all = AgingReport::new(q.as_of, q.buckets.clone());
        for c in &per {
            all.merge(&c.report)
                .map_err(|e| AppError::Internal(e.into()))?;
        }
        (all, per)
    } else {
        (state.app.aging(p.org_id, &q).await?, Vec::new())
    };
    let creditors = state.app.creditors(p.org_id).await?;
    let debtor = match q.debtor_id {
        Some(id) => Some(state.app.find_debtor(p.org_id, &id.to_string()).await?),
        None => None,
    };
    // The field shows the debtor's CPF/CNPJ, also when the filter came
    // from a link (by id); what was typed when it did not read.
    let devedor_field = match (&debtor, &problem) {
        (Some(d), None) => super::devedores::formatted(&d.document),
        _ => f.devedor.trim().to_owned(),
    };
    let debtor_name = debtor.map(|d| d.name);
    Ok(page(&AgingPage {
        debtor_name,
        devedor_field,
        debtor_filter: p.role.allows(Role::Agent),
        layout: Some(Layout::new(&state, &s.0, "/relatorios").await?),
        as_of: format::civil(q.as_of),
        as_of_field: if problem.is_some() {
            f.data_base.trim().to_owned()
        } else {
            format::civil(q.as_of)
        },
        problem: problem.clone(),
        creditor_name: q
            .creditor_id
            .and_then(|id| creditors.iter().find(|c| c.id == id))
            .map(|c| c.name.clone()),
        creditors: creditors
            .iter()
            .map(|c| CreditorOption {
                id: c.id.to_string(),
                name: c.name.clone(),
                selected: Some(c.id) == q.creditor_id,
            })
            .collect(),
        faixas: if problem.is_some() {
            f.faixas.trim().to_owned()
        } else {
            buckets_text(&q.buckets)
        },
        qs: query_string(&q),
        rows: report
            .rows()
            .enumerate()
            .map(|(i, (l, t))| row(i, bucket_label(l), t))
            .collect(),
        total: row(usize::MAX, "Total".into(), report.total()),
        bars: bars(&report),
        chart_font: chart_font(report.rows().count()),
        chart_w: CHART_W,
        chart_h: CHART_H,
        axis_y: PLOT_BOTTOM,
        empty: report.total().count == 0,
        not_updated: (report.not_updated() > 0).then(|| {
            format::plural(
                i64::try_from(report.not_updated()).unwrap_or(i64::MAX),
                "título",
                "títulos",
            )
        }),
        labels: report.rows().map(|(l, _)| bucket_label(l)).collect(),
        by_creditor: per
            .iter()
            .map(|c| {
                let href = format!(
                    "/relatorios/aging?{}",
                    query_string(&AgingQuery {
                        creditor_id: Some(c.creditor_id),
                        ..q.clone()
                    })
                );
                CreditorLine::of(c.name.clone(), href, &c.report)
            })
            .collect(),
        by_creditor_total: CreditorLine::of("Total".into(), String::new(), &report),
    }))
}

/// Decimal with a comma, for pt-BR spreadsheets (`1234,56`).
pub(crate) fn csv_money(m: Money) -> String {
    m.to_string().replace('.', ",")
}

/// `aging-2026-03-15.csv`, `aging-carteira-3-2026-03-15.csv` for one
/// creditor, `aging-devedor-42-2026-03-15.csv` for one debtor (both when
/// both), so two exports of a day never take each other's name and one
/// debtor's file never passes for the organization's.
pub(super) fn file_name(q: &AgingQuery, ext: &str) -> String {
    let mut name = String::from("aging-");
    if let Some(id) = q.creditor_id {
        name.push_str(&format!("carteira-{id}-"));
    }
    if let Some(id) = q.debtor_id {
        name.push_str(&format!("devedor-{id}-"));
    }
    format!("{name}{}.{ext}", q.as_of)
}

/// The name of the debtor an aging is filtered by, if it is.
async fn debtor_name_of(
    state: &AppState,
    org_id: i64,
    q: &AgingQuery,
) -> Result<Option<String>, AppError> {
    Ok(match q.debtor_id {
        Some(id) => Some(state.app.find_debtor(org_id, &id.to_string()).await?.name),
        None => None,
    })
}

/// The buckets as CSV (`;`, decimal comma, UTF-8 with BOM for spreadsheets).
/// The label, the one text cell, goes through [`quita_app::csv_text`] like
/// every text Quita writes to a CSV for people; the numbers are ours.
pub fn aging_csv(report: &AgingReport) -> String {
    // The headers people read in the XLSX and on the page, not column ids.
    let mut out = format!(
        "\u{feff}Faixa;Quantidade;Valor original;Saldo em aberto;Atualizado em {}\r\n",
        format::civil(report.as_of())
    );
    let mut push = |label: &str, t: &AgingTotals| {
        out.push_str(&format!(
            "{};{};{};{};{}\r\n",
            quita_app::csv_text(label),
            t.count,
            csv_money(t.original_amount),
            csv_money(t.open_balance),
            csv_money(t.updated_amount)
        ));
    };
    for (l, t) in report.rows() {
        push(&bucket_label(l), t);
    }
    push("Total", report.total());
    out
}

/// The "Por carteira" table as CSV: each creditor's open balance per
/// bucket, its total and its total updated to the as-of date, then the
/// total line (`report`, the sum of `per`), as the page and the XLSX's
/// second sheet show them.
pub fn aging_by_creditor_csv(
    report: &AgingReport,
    per: &[quita_app::portfolio::aging::CreditorAging],
) -> String {
    let mut out = String::from("\u{feff}Carteira");
    for (label, _) in report.rows() {
        out.push(';');
        out.push_str(&bucket_label(label));
    }
    out.push_str(&format!(
        ";Total;Atualizado em {}\r\n",
        format::civil(report.as_of())
    ));
    let lines = per
        .iter()
        .map(|c| (c.name.as_str(), &c.report))
        .chain(std::iter::once(("Total", report)));
    for (name, rep) in lines {
        out.push_str(&quita_app::csv_field(name));
        for (_, t) in rep.rows() {
            out.push(';');
            out.push_str(&csv_money(t.open_balance));
        }
        out.push_str(&format!(
            ";{};{}\r\n",
            csv_money(rep.total().open_balance),
            csv_money(rep.total().updated_amount)
        ));
    }
    out
}

/// `GET /relatorios/aging/carteiras.csv`: the "Por carteira" table of the
/// aging, each creditor of its filters (every creditor when none is named).
pub async fn aging_by_creditor_csv_download(
    State(state): State<AppState>,
    s: UserSession,
    PageQuery(f): PageQuery<Filters>,
) -> Result<Response, PageError> {
    let p = &s.0.principal;
    let q = query_of(&state, p, &f).await?;
    let report = state.app.aging(p.org_id, &q).await?;
    let per = state.app.aging_by_creditor(p.org_id, &q).await?;
    let name = file_name(&q, "csv").replacen("aging-", "aging-por-carteira-", 1);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        aging_by_creditor_csv(&report, &per),
    )
        .into_response())
}

/// Money as a spreadsheet number. Spreadsheet cells are IEEE doubles; this
/// conversion happens only here, at the export edge, never in a calculation.
pub(super) fn cell_money(m: Money) -> f64 {
    let c = m.centavos();
    (c / 100) as f64 + (c % 100) as f64 / 100.0
}

/// The buckets as an XLSX workbook, built in memory; with `per` (the
/// aging of every creditor), a second sheet "Por carteira" with each
/// creditor's open balance per bucket and a total row, as the page shows.
pub fn aging_xlsx(
    report: &AgingReport,
    (creditor, debtor): (Option<&str>, Option<&str>),
    per: &[quita_app::portfolio::aging::CreditorAging],
) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let internal = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("xlsx: {e}"));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let brl = Format::new().set_num_format("\"R$\" #,##0.00");
    let ws = wb.add_worksheet();
    ws.set_name("Aging").map_err(internal)?;
    ws.write_string_with_format(0, 0, "Aging", &bold)
        .map_err(internal)?;
    ws.write_string(
        1,
        0,
        format!("Data-base: {}", format::civil(report.as_of())),
    )
    .map_err(internal)?;
    ws.write_string(2, 0, format!("Carteira: {}", creditor.unwrap_or("todas")))
        .map_err(internal)?;
    if let Some(name) = debtor {
        ws.write_string(3, 0, format!("Devedor: {name}"))
            .map_err(internal)?;
    }
    let headers = [
        "Faixa",
        "Quantidade",
        "Valor original",
        "Saldo em aberto",
        "Valor atualizado",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(4, u16::try_from(c).unwrap_or(0), *h, &bold)
            .map_err(internal)?;
    }
    let mut r = 5u32;
    let mut put = |label: &str, t: &AgingTotals, r: u32| -> Result<(), AppError> {
        ws.write_string(r, 0, label).map_err(internal)?;
        ws.write_number(r, 1, t.count as f64).map_err(internal)?;
        ws.write_number_with_format(r, 2, cell_money(t.original_amount), &brl)
            .map_err(internal)?;
        ws.write_number_with_format(r, 3, cell_money(t.open_balance), &brl)
            .map_err(internal)?;
        ws.write_number_with_format(r, 4, cell_money(t.updated_amount), &brl)
            .map_err(internal)?;
        Ok(())
    };
    for (l, t) in report.rows() {
        put(&bucket_label(l), t, r)?;
        r += 1;
    }
    put("Total", report.total(), r)?;
    ws.set_column_width(0, 18).map_err(internal)?;
    for c in 1..5 {
        ws.set_column_width(c, 18).map_err(internal)?;
    }
    if !per.is_empty() {
        per_creditor_sheet(&mut wb, report, per, &bold, &brl).map_err(internal)?;
    }
    wb.save_to_buffer().map_err(internal)
}

/// The "Por carteira" sheet: each creditor's open balance per bucket, its
/// total and its total updated to the data-base, and the total line
/// (`report`, the sum of `per`), as the page shows them.
fn per_creditor_sheet(
    wb: &mut rust_xlsxwriter::Workbook,
    report: &AgingReport,
    per: &[quita_app::portfolio::aging::CreditorAging],
    bold: &rust_xlsxwriter::Format,
    brl: &rust_xlsxwriter::Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    // At most a dozen buckets: a column number always fits.
    let col = |i: usize| u16::try_from(i).unwrap_or(u16::MAX);
    let ws = wb.add_worksheet();
    ws.set_name("Por carteira")?;
    ws.write_string_with_format(0, 0, "Carteira", bold)?;
    let mut last = 1;
    for (c, (l, _)) in report.rows().enumerate() {
        ws.write_string_with_format(0, col(c + 1), bucket_label(l), bold)?;
        last = col(c + 2);
    }
    ws.write_string_with_format(0, last, "Total", bold)?;
    let updated = last + 1;
    ws.write_string_with_format(
        0,
        updated,
        format!("Atualizado em {}", format::civil(report.as_of())),
        bold,
    )?;
    let lines = per
        .iter()
        .map(|c| (c.name.as_str(), &c.report))
        .chain(std::iter::once(("Total", report)));
    for (r, (name, rep)) in (1u32..).zip(lines) {
        ws.write_string(r, 0, name)?;
        for (c, (_, t)) in rep.rows().enumerate() {
            ws.write_number_with_format(r, col(c + 1), cell_money(t.open_balance), brl)?;
        }
        ws.write_number_with_format(r, last, cell_money(rep.total().open_balance), brl)?;
        ws.write_number_with_format(r, updated, cell_money(rep.total().updated_amount), brl)?;
    }
    ws.set_column_width(0, 30)?;
    for c in 1..=updated {
        ws.set_column_width(c, 16)?;
    }
    Ok(())
}

pub async fn aging_csv_download(
    State(state): State<AppState>,
    s: UserSession,
    PageQuery(f): PageQuery<Filters>,
) -> Result<Response, PageError> {
    let p = &s.0.principal;
    let q = query_of(&state, p, &f).await?;
    let report = state.app.aging(p.org_id, &q).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file_name(&q, "csv")),
            ),
        ],
        aging_csv(&report),
    )
        .into_response())
}

pub async fn aging_xlsx_download(
    State(state): State<AppState>,
    s: UserSession,
    PageQuery(f): PageQuery<Filters>,
) -> Result<Response, PageError> {
    let p = &s.0.principal;
    let q = query_of(&state, p, &f).await?;
    let report = state.app.aging(p.org_id, &q).await?;
    let (creditor, per) = match q.creditor_id {
        Some(id) => (
            Some(state.app.creditor(p.org_id, id).await?.name),
            Vec::new(),
        ),
        None => (None, state.app.aging_by_creditor(p.org_id, &q).await?),
    };
    // One creditor alone: its table would repeat the first sheet.
    let per = if per.len() > 1 { per } else { Vec::new() };
    let debtor = debtor_name_of(&state, p.org_id, &q).await?;
    let bytes = aging_xlsx(&report, (creditor.as_deref(), debtor.as_deref()), &per)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file_name(&q, "xlsx")),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_bars() {
        assert_eq!(bucket_label("current"), "A vencer");
        assert_eq!(bucket_label("1-30"), "1 a 30 dias");
        assert_eq!(bucket_label("361+"), "361+ dias");
        assert_eq!(bucket_label("1-1"), "1 dia");
        assert_eq!(bucket_label("2-2"), "2 dias");
        assert_eq!(bucket_label("31-31"), "31 dias");
        let mut r = AgingReport::new(jiff::civil::date(2026, 3, 15), AgingBuckets::default());
        let t = |c| AgingTotals {
            count: 1,
            original_amount: Money::from_centavos(c),
            open_balance: Money::from_centavos(c),
            updated_amount: Money::from_centavos(c),
        };
        r.add_totals(1, t(10_000)).unwrap();
        r.add_totals(2, t(5_000)).unwrap();
        let b = bars(&r);
        assert_eq!(b[1].h, PLOT_BOTTOM - PLOT_TOP);
        assert_eq!(b[2].h, (PLOT_BOTTOM - PLOT_TOP) / 2);
        assert_eq!(b[0].h, 0);
        let csv = aging_csv(&r);
        assert!(csv.contains("1 a 30 dias;1;100,00;100,00;100,00"), "{csv}");
        assert!(csv.contains("Total;2;150,00;150,00;150,00"), "{csv}");
        let x = aging_xlsx(&r, (None, Some("Ana Souza")), &[]).unwrap();
        assert_eq!(&x[..2], b"PK");
        {
            use calamine::{Data, Reader, Xlsx};
            let mut book: Xlsx<_> =
                calamine::open_workbook_from_rs(std::io::Cursor::new(x)).unwrap();
            let sheet = book.worksheet_range("Aging").unwrap();
            assert_eq!(
                sheet.get_value((3, 0)),
                Some(&Data::String("Devedor: Ana Souza".into())),
                "one debtor's aging says so"
            );
        }
        let q = |creditor_id, debtor_id| AgingQuery {
            creditor_id,
            debtor_id,
            as_of: jiff::civil::date(2026, 3, 15),
            buckets: AgingBuckets::default(),
        };
        assert_eq!(file_name(&q(None, None), "csv"), "aging-2026-03-15.csv");
        assert_eq!(
            file_name(&q(Some(3), Some(42)), "xlsx"),
            "aging-carteira-3-devedor-42-2026-03-15.xlsx"
        );
        // All creditors: a second sheet with each one's line and a total.
        let per = |id: i64, name: &str, bucket: usize, c: i64| {
            let mut report =
                AgingReport::new(jiff::civil::date(2026, 3, 15), AgingBuckets::default());
            let mut totals = t(c);
            totals.updated_amount = Money::from_centavos(c + 100);
            report.add_totals(bucket, totals).unwrap();
            quita_app::portfolio::aging::CreditorAging {
                creditor_id: id,
                name: name.into(),
                report,
            }
        };
        let x = aging_xlsx(
            &r,
            (None, None),
            &[per(1, "Loja A", 1, 10_000), per(2, "Loja B", 2, 5_000)],
        )
        .unwrap();
        use calamine::{Data, Reader, Xlsx};
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(x)).unwrap();
        assert_eq!(book.sheet_names(), ["Aging", "Por carteira"]);
        let sheet = book.worksheet_range("Por carteira").unwrap();
        let row = |r: u32| -> Vec<String> {
            (0..10)
                .map(|c| match sheet.get_value((r, c)) {
                    Some(Data::String(s)) => s.clone(),
                    Some(Data::Float(f)) => format!("{f}"),
                    _ => String::new(),
                })
                .collect()
        };
        assert_eq!(row(0)[..3], ["Carteira", "A vencer", "1 a 30 dias"]);
        assert_eq!(row(0)[8], "Total");
        assert_eq!(row(0)[9], "Atualizado em 15/03/2026");
        assert_eq!(row(1)[..3], ["Loja A", "0", "100"]);
        assert_eq!(row(1)[9], "101");
        assert_eq!((row(2)[0].as_str(), row(2)[3].as_str()), ("Loja B", "50"));
        assert_eq!(row(2)[9], "51");
        assert_eq!((row(3)[0].as_str(), row(3)[8].as_str()), ("Total", "150"));
        assert_eq!(row(3)[9], "150");
    }

    /// With up to 7 buckets the text is 12 units high on one line; with 12
    /// it is smaller and every other label and value moves a line out, so
    /// neighbours (each 63 units apart) never overlap.
    #[test]
    fn many_buckets_make_a_denser_chart() {
        let t = |c| AgingTotals {
            count: 1,
            original_amount: Money::from_centavos(c),
            open_balance: Money::from_centavos(c),
            updated_amount: Money::from_centavos(c),
        };
        let few = AgingReport::new(jiff::civil::date(2026, 3, 15), AgingBuckets::default());
        assert_eq!(few.rows().count(), 7);
        assert_eq!(chart_font(7), FONT);
        let b = bars(&few);
        assert!(b.iter().all(|b| b.label_y == PLOT_BOTTOM + 18), "one row");
        assert!(b.iter().all(|b| b.value_y == b.y - 6));

        let buckets = buckets_field("1,2,3,4,5,6,7,8,9,10").unwrap();
        let mut many = AgingReport::new(jiff::civil::date(2026, 3, 15), buckets);
        for i in 0..12 {
            many.add_totals(i, t(99_994_999)).unwrap();
        }
        assert_eq!(many.rows().count(), 12);
        assert_eq!(chart_font(12), DENSE_FONT);
        const { assert!(DENSE_FONT < FONT) };
        let b = bars(&many);
        assert_eq!(b.len(), 12);
        assert_eq!(b[1].label, "1 dia");
        assert_eq!(b[2].label, "2 dias");
        assert_eq!(b[11].label, "11+ dias");
        // Same-row labels are two slots apart; rows are a line apart.
        let rows: Vec<i64> = b.iter().map(|b| b.label_y).collect();
        assert!(rows.iter().step_by(2).all(|y| *y == rows[0]), "{rows:?}");
        assert!(
            rows.iter().skip(1).step_by(2).all(|y| *y == rows[1]),
            "{rows:?}"
        );
        assert!(rows[1] - rows[0] >= DENSE_FONT + 2, "{rows:?}");
        assert!(rows[1] + 4 <= CHART_H, "the lower row fits: {rows:?}");
        // Equal bars: their values alternate too, and stay inside the chart.
        assert!(b[0].value_y - b[1].value_y >= DENSE_FONT + 2);
        assert!(b.iter().all(|b| b.value_y - DENSE_FONT >= 0));
        assert_eq!(b[0].value, "R$ 999,9 mil");
    }

    #[test]
    fn bucket_field_reads_bounds_and_names_what_is_wrong() {
        assert_eq!(buckets_field("").unwrap(), AgingBuckets::default());
        assert_eq!(
            buckets_field(" 30,60,90,180,360 ").unwrap(),
            AgingBuckets::default()
        );
        let b = buckets_field("15, 45").unwrap();
        assert_eq!(
            b.labels().collect::<Vec<_>>(),
            ["current", "1-15", "16-45", "46+"]
        );
        assert_eq!(buckets_text(&b), "15,45");
        assert_eq!(buckets_text(&AgingBuckets::default()), "");
        assert_eq!(
            buckets_text(&buckets_field("current,1-10,11+").unwrap()),
            "10"
        );
        let message = |raw: &str| match buckets_field(raw) {
            Err(AppError::Invalid { message, .. }) => message,
            other => panic!("{raw}: {other:?}"),
        };
        for (raw, says) in [
            ("60,30", "ordem crescente"),
            ("30,abc", "“abc” não é um número de dias"),
            ("30,,60", "limite vazio"),
            ("30,31-60,61+", "sem misturar"),
            ("0,30", "pelo menos 1 dia"),
            ("1-30,40-60,61+", "a faixa 40-60 deveria começar em 31 dias"),
            ("5-30,31+", "começar em 1 dia, não em 5"),
            ("1,2,3,4,5,6,7,8,9,10,11", "no máximo 10 limites"),
        ] {
            let m = message(raw);
            assert!(
                m.contains(&format!("“{raw}”")) && m.contains(says),
                "{raw}: {m}"
            );
        }
        // A long list is shown cut, and says so.
        let long: String = (1..=40).map(|i| format!("{i},")).collect();
        let m = message(&long);
        assert!(m.contains("…”"), "{m}");
    }
}
