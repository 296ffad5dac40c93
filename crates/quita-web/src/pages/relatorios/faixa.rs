//! The drill-down from an aging bucket to its receivables: a page of 200
//! with each one's updated amount, and the whole bucket as a CSV worklist,
//! streamed page by page so a bucket of a million rows never sits in memory.

use std::collections::HashMap;

use crate::pages::PageQuery;
use askama::Template;
use axum::{
    body::{Body, Bytes},
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
};
use quita_app::{
    App, AppError, csv_field,
    portfolio::aging::{AgingQuery, DrillLine},
};
use quita_core::role::Role;
use quita_store::portfolio::Keyset;

use super::{Filters, bucket_label, csv_money, query_of, query_string};
use crate::{
    AppState,
    auth::UserSession,
    error::PageError,
    format,
    pages::{
        Layout,
        devedores::{formatted, masked},
        page,
    },
};

pub struct DrillRow {
    pub id: i64,
    pub debtor_id: i64,
    pub debtor_name: String,
    pub creditor: String,
    pub document_number: String,
    pub installment: String,
    pub due: String,
    /// The next business day, when the due date is not one (lateness in
    /// the aging counts from it).
    pub payable_until: Option<String>,
    /// `1.435`, or `a vencer` when not yet due.
    pub days: String,
    pub original: String,
    pub open: String,
    /// The debt update on the data-base, or `—` when it cannot be worked
    /// out (an index table lacking the months).
    pub updated: String,
}

#[derive(Template)]
#[template(path = "aging_faixa.html")]
struct BucketPage {
    layout: Option<Layout>,
    label: String,
    as_of: String,
    creditor_name: Option<String>,
    debtor_name: Option<String>,
    qs: String,
    index: usize,
    /// `1.234 títulos · R$ 56.789,00 em aberto`.
    summary: Option<String>,
    rows: Vec<DrillRow>,
    /// `depois` of the next page, if there is one.
    next: Option<i64>,
    /// `antes` of the previous page, if there is one (and then a link to
    /// the first, too).
    previous: Option<i64>,
    link_debtors: bool,
}

const DRILL_PAGE: i64 = 200;

/// How much of each receivable's debtor a role sees in a bucket's
/// receivables (its CSV, the API): supervisors and up the CPF/CNPJ whole,
/// an agent (who opens debtors one at a time, each access logged) masked,
/// a viewer (who sees the portfolio, not whom it is owed by) neither name
/// nor document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebtorShown {
    Whole,
    Masked,
    Hidden,
}

impl DebtorShown {
    pub fn to(role: Role) -> Self {
        if role.allows(Role::Supervisor) {
            Self::Whole
        } else if role.allows(Role::Agent) {
            Self::Masked
        } else {
            Self::Hidden
        }
    }

    /// A debtor's CPF/CNPJ (its digits) as this role sees it: formatted,
    /// masked, or not at all.
    pub fn document(self, digits: &str) -> Option<String> {
        match self {
            Self::Whole => Some(formatted(digits)),
            Self::Masked => Some(masked(digits)),
            Self::Hidden => None,
        }
    }
}

/// Days past due on the data-base, counted from the adjusted due date as
/// the buckets are; `None` when not yet due.
fn days_late(q: &AgingQuery, d: &DrillLine) -> Option<i64> {
    let days = quita_store::day_number(q.as_of)
        - quita_store::day_number(d.line.receivable.adjusted_due_date);
    (days > 0).then_some(days)
}

fn installment(d: &DrillLine) -> String {
    let r = &d.line.receivable;
    match r.installments {
        Some(n) => format!("{}/{}", r.installment, n),
        None => r.installment.to_string(),
    }
}

fn payable_until(d: &DrillLine) -> Option<String> {
    let r = &d.line.receivable;
    (r.adjusted_due_date != r.due_date).then(|| format::civil(r.adjusted_due_date))
}

async fn creditor_names(app: &App, org_id: i64) -> Result<HashMap<i64, String>, AppError> {
    Ok(app
        .creditors(org_id)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect())
}

/// `GET /relatorios/aging/faixa/{index}`: 200 receivables of the bucket.
pub async fn bucket(
    State(state): State<AppState>,
    s: UserSession,
    Path(raw): Path<String>,
    PageQuery(f): PageQuery<Filters>,
) -> Result<Response, PageError> {
    let p = &s.0.principal;
    let q = query_of(&state, p, &f).await?;
    let index: usize = raw.parse().map_err(|_| PageError(AppError::NotFound))?;
    let label = q
        .buckets
        .label(index)
        .map(bucket_label)
        .ok_or(PageError(AppError::NotFound))?;
    let cursor = match (f.antes, f.depois) {
        (Some(before), _) => Keyset::Before(before),
        (None, after) => Keyset::After(after.unwrap_or(0)),
    };
    let drill = state
        .app
        .aging_drill_down(p.org_id, &q, index, cursor, DRILL_PAGE)
        .await?;
    let lines = drill.lines;
    // The bucket's size, so the pages below read as part of a whole.
    let report = state.app.aging(p.org_id, &q).await?;
    // Count and open balance add up exactly over the rows below; the
    // report's updated amount is worked out per group and may differ from
    // the rows' own by centavos, so it is left to the aging page.
    let summary = report.rows().nth(index).map(|(_, t)| {
        format!(
            "{} · {} em aberto",
            format::plural(
                i64::try_from(t.count).unwrap_or(i64::MAX),
                "título",
                "títulos"
            ),
            format::money(t.open_balance)
        )
    });
    let creditors = creditor_names(&state.app, p.org_id).await?;
    Ok(page(&BucketPage {
        layout: Some(Layout::new(&state, &s.0, "/relatorios").await?),
        label,
        as_of: format::civil(q.as_of),
        creditor_name: q.creditor_id.and_then(|id| creditors.get(&id).cloned()),
        debtor_name: super::debtor_name_of(&state, p.org_id, &q).await?,
        qs: query_string(&q),
        index,
        summary,
        rows: lines
            .iter()
            .map(|d| {
                let r = &d.line.receivable;
                DrillRow {
                    id: r.id,
                    debtor_id: r.debtor_id,
                    // A viewer sees the portfolio, not whom it is owed by.
                    debtor_name: if p.role.allows(Role::Agent) {
                        d.line.debtor_name.clone()
                    } else {
                        "—".into()
                    },
                    creditor: creditors.get(&r.creditor_id).cloned().unwrap_or_default(),
                    document_number: r.document_number.clone(),
                    installment: installment(d),
                    due: format::civil(r.due_date),
                    payable_until: payable_until(d),
                    days: days_late(&q, d).map_or_else(|| "a vencer".into(), format::count),
                    original: format::centavos(r.original_amount),
                    open: format::centavos(r.open_balance),
                    updated: d.updated.map_or_else(|| "—".into(), format::money),
                }
            })
            .collect(),
        next: drill.next,
        previous: drill.previous,
        link_debtors: p.role.allows(Role::Agent),
    }))
}

/// Rows per query of the CSV export.
const EXPORT_PAGE: i64 = 1_000;

/// The CSV's header: `;`, decimal comma, UTF-8 with BOM, as the aging's.
fn csv_header(q: &AgingQuery) -> String {
    format!(
        "\u{feff}Devedor;CPF/CNPJ;Credor;Contrato;Documento;Parcela;Total de parcelas;Vencimento;\
         Pagável até;Dias de atraso (desde o dia útil);Valor original;Em aberto;Atualizado em {}\r\n",
        format::civil(q.as_of)
    )
}

/// One receivable as a CSV line. Text cells go through [`csv_field`]; the
/// CPF/CNPJ is masked below supervisor.
fn csv_line(
    q: &AgingQuery,
    d: &DrillLine,
    creditors: &HashMap<i64, String>,
    shown: DebtorShown,
) -> String {
    let r = &d.line.receivable;
    let name = match shown {
        DebtorShown::Hidden => String::new(),
        DebtorShown::Whole | DebtorShown::Masked => csv_field(&d.line.debtor_name).into_owned(),
    };
    let document = shown.document(&d.line.debtor_document).unwrap_or_default();
    // The installment and its total apart: `4/6` in one cell is a date to
    // a pt-BR spreadsheet.
    let cells = [
        name,
        document,
        csv_field(creditors.get(&r.creditor_id).map_or("", String::as_str)).into_owned(),
        csv_field(d.line.contract_number.as_deref().unwrap_or("")).into_owned(),
        csv_field(&r.document_number).into_owned(),
        r.installment.to_string(),
        r.installments.map(|n| n.to_string()).unwrap_or_default(),
        format::civil(r.due_date),
        payable_until(d).unwrap_or_default(),
        days_late(q, d).map_or_else(String::new, |n| n.to_string()),
        csv_money(quita_core::money::Money::from_centavos(r.original_amount)),
        csv_money(quita_core::money::Money::from_centavos(r.open_balance)),
        d.updated.map(csv_money).unwrap_or_default(),
    ];
    let mut line = cells.join(";");
    line.push_str("\r\n");
    line
}

/// What the export stream carries from one page to the next.
struct Export {
    app: App,
    org_id: i64,
    q: AgingQuery,
    index: usize,
    creditors: HashMap<i64, String>,
    shown: DebtorShown,
    /// The last receivable id written; `None` once the bucket is done.
    after: Option<i64>,
}

impl Export {
    /// The next page as CSV lines, or `None` at the end. A failure after
    /// the first byte cannot become an error page: the body is cut, so the
    /// download fails instead of ending short.
    async fn next_page(mut self) -> Option<(Result<Bytes, std::io::Error>, Self)> {
        let after = self.after?;
        let page = match self
            .app
            .aging_drill_down(
                self.org_id,
                &self.q,
                self.index,
                Keyset::After(after),
                EXPORT_PAGE,
            )
            .await
        {
            Ok(page) => page,
            Err(e) => {
                tracing::error!(error = %e, "aging bucket export failed");
                self.after = None;
                return Some((Err(std::io::Error::other("export failed")), self));
            }
        };
        let lines = page.lines;
        self.after = page.next;
        if lines.is_empty() {
            return None;
        }
        let mut chunk = String::with_capacity(lines.len() * 160);
        for d in &lines {
            chunk.push_str(&csv_line(&self.q, d, &self.creditors, self.shown));
        }
        Some((Ok(Bytes::from(chunk)), self))
    }
}

/// `GET /relatorios/aging/faixa/{index}/titulos.csv`: every receivable of
/// the bucket, with the filters of the page, as a CSV worklist.
pub async fn bucket_csv(
    State(state): State<AppState>,
    s: UserSession,
    Path(raw): Path<String>,
    PageQuery(f): PageQuery<Filters>,
) -> Result<Response, PageError> {
    let p = &s.0.principal;
    let q = query_of(&state, p, &f).await?;
    let index: usize = raw.parse().map_err(|_| PageError(AppError::NotFound))?;
    let label = q
        .buckets
        .label(index)
        .ok_or(PageError(AppError::NotFound))?;
    // Named by every filter, as the aging's own exports are: one debtor's
    // bucket never passes for the organization's.
    let file_name = format!(
        "aging-{}{}{}-{}.csv",
        match q.creditor_id {
            Some(id) => format!("carteira-{id}-"),
            None => String::new(),
        },
        match q.debtor_id {
            Some(id) => format!("devedor-{id}-"),
            None => String::new(),
        },
        label.replace('+', "mais"),
        q.as_of
    );
    // A whole bucket of CPFs leaves in one file: supervisors and up only
    // (an agent opens debtors one at a time, each access logged).
    let shown = DebtorShown::to(p.role);
    let full_document = shown == DebtorShown::Whole;
    state
        .app
        .record_bucket_export(p, &q, label, full_document)
        .await?;
    let export = Export {
        creditors: creditor_names(&state.app, p.org_id).await?,
        app: state.app.clone(),
        org_id: p.org_id,
        shown,
        q: q.clone(),
        index,
        after: Some(0),
    };
    let header_line = futures_util::stream::once(std::future::ready(Ok::<_, std::io::Error>(
        Bytes::from(csv_header(&q)),
    )));
    let pages = futures_util::stream::unfold(export, Export::next_page);
    let body = Body::from_stream(futures_util::StreamExt::chain(header_line, pages));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
        .into_response())
}
