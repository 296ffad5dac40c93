//! The aging by debtor: a page of debtors, the largest overdue balance
//! first, with their open balance in each bucket, and the whole list as a
//! CSV or XLSX worklist. Agents and up: it says whom the portfolio is owed by.

use askama::Template;
use axum::{
    body::{Body, Bytes},
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use quita_app::{
    AppError, csv_field,
    portfolio::{
        aging::AgingQuery,
        debtor_aging::{DebtorAging, DebtorAgingFrom, DebtorAgingKey},
    },
};
use quita_core::role::Role;

use super::{DebtorShown, Filters, bucket_label, cell_money, csv_money, query_of, query_string};
use crate::{
    AppState,
    auth::UserSession,
    error::PageError,
    format,
    pages::{Layout, page},
};

pub struct DebtorLine {
    pub id: i64,
    pub name: String,
    pub document: String,
    pub count: String,
    /// Open balance in each bucket, `—` where none.
    pub buckets: Vec<String>,
    pub open: String,
    pub overdue: String,
    /// Days past due of the oldest, or `a vencer`.
    pub days: String,
}

#[derive(Template)]
#[template(path = "aging_devedores.html")]
struct DebtorsPage {
    layout: Option<Layout>,
    as_of: String,
    creditor_name: Option<String>,
    debtor_name: Option<String>,
    qs: String,
    labels: Vec<String>,
    lines: Vec<DebtorLine>,
    /// `2.662 devedores`.
    debtors: String,
    /// `depois_de` of the next page, if there is one.
    next: Option<String>,
    /// `antes_de` of the previous page, if there is one (and then a link
    /// to the first, too).
    previous: Option<String>,
}

const PAGE: i64 = 100;

/// The query of the page, refused to viewers, and where the page starts.
async fn query(
    state: &AppState,
    s: &UserSession,
    f: &Filters,
) -> Result<(AgingQuery, DebtorAgingFrom), AppError> {
    let p = &s.0.principal;
    p.require(Role::Agent)?;
    let q = query_of(state, p, f).await?;
    let key = |raw: &str| {
        DebtorAgingKey::parse(raw).ok_or_else(|| {
            AppError::invalid("depois_de", "Página inválida: volte à primeira página.")
        })
    };
    let from = match (f.antes_de.trim(), f.depois_de.trim()) {
        ("", "") => DebtorAgingFrom::Start,
        ("", after) => DebtorAgingFrom::After(key(after)?),
        (before, _) => DebtorAgingFrom::Before(key(before)?),
    };
    Ok((q, from))
}

fn days(l: &DebtorAging) -> String {
    if l.days_past_due > 0 {
        format::count(l.days_past_due)
    } else {
        "a vencer".into()
    }
}

/// The debtor's CPF/CNPJ as the role sees it (agents and up only reach
/// this list, so never hidden).
fn document(l: &DebtorAging, shown: DebtorShown) -> String {
    shown.document(&l.document).unwrap_or_default()
}

/// `GET /relatorios/aging/devedores`: a page of the aging by debtor.
pub async fn debtors(
    State(state): State<AppState>,
    s: UserSession,
    crate::pages::PageQuery(f): crate::pages::PageQuery<Filters>,
) -> Result<Response, PageError> {
    let (q, from) = query(&state, &s, &f).await?;
    let p = &s.0.principal;
    let aging = state.app.aging_by_debtor(p.org_id, &q, from, PAGE).await?;
    let shown = DebtorShown::to(p.role);
    let creditor_name = match q.creditor_id {
        Some(id) => Some(state.app.creditor(p.org_id, id).await?.name),
        None => None,
    };
    Ok(page(&DebtorsPage {
        layout: Some(Layout::new(&state, &s.0, "/relatorios").await?),
        as_of: format::civil(q.as_of),
        creditor_name,
        debtor_name: super::debtor_name_of(&state, p.org_id, &q).await?,
        qs: query_string(&q),
        labels: q.buckets.labels().map(bucket_label).collect(),
        lines: aging
            .lines
            .iter()
            .map(|l| DebtorLine {
                id: l.debtor_id,
                name: l.name.clone(),
                document: document(l, shown),
                count: format::count(l.count),
                buckets: l
                    .by_bucket
                    .iter()
                    .map(|m| {
                        if m.centavos() == 0 {
                            "—".into()
                        } else {
                            format::money(*m)
                        }
                    })
                    .collect(),
                open: format::money(l.open_balance),
                overdue: format::money(l.overdue_balance),
                days: days(l),
            })
            .collect(),
        debtors: format::plural(aging.debtors, "devedor", "devedores"),
        next: aging.next.map(|n| n.to_string()),
        previous: aging.previous.map(|n| n.to_string()),
    }))
}

/// The export's headings, in the page's order, and the file's name.
fn headings(q: &AgingQuery) -> Vec<String> {
    let mut h: Vec<String> = [
        "Devedor",
        "CPF/CNPJ",
        "Em atraso",
        "Dias de atraso do mais antigo",
        "Em aberto",
        "Títulos",
    ]
    .map(String::from)
    .into();
    h.extend(q.buckets.labels().map(bucket_label));
    h.push("Valor original".into());
    h.push("Vencimento mais antigo (dia útil)".into());
    h
}

/// `aging-por-devedor-…`, named by the filters as the aging's own exports.
fn file_name(q: &AgingQuery, ext: &str) -> String {
    super::file_name(q, ext).replacen("aging-", "aging-por-devedor-", 1)
}

/// The query of an export, recorded (CPF/CNPJ whole for supervisors and
/// up only), and how much of each CPF/CNPJ the role sees.
async fn export_of(
    state: &AppState,
    s: &UserSession,
    f: &Filters,
) -> Result<(AgingQuery, DebtorShown), AppError> {
    let (q, _) = query(state, s, f).await?;
    let p = &s.0.principal;
    let shown = DebtorShown::to(p.role);
    state
        .app
        .record_debtor_aging_export(p, &q, shown == DebtorShown::Whole)
        .await?;
    Ok((q, shown))
}

fn download(content_type: &str, name: String, body: impl IntoResponse) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// One debtor as a CSV line.
fn csv_line(l: &DebtorAging, shown: DebtorShown) -> String {
    let mut cells = vec![
        csv_field(&l.name).into_owned(),
        document(l, shown),
        csv_money(l.overdue_balance),
        l.days_past_due.max(0).to_string(),
        csv_money(l.open_balance),
        l.count.to_string(),
    ];
    cells.extend(l.by_bucket.iter().map(|m| csv_money(*m)));
    cells.push(csv_money(l.original_amount));
    cells.push(format::civil(l.oldest_due));
    let mut line = cells.join(";");
    line.push_str("\r\n");
    line
}

/// `GET /relatorios/aging/devedores.csv`: every debtor of the aging by
/// debtor, in the page's order (`;`, decimal comma, UTF-8 with BOM) — one
/// pass over the portfolio, so one consistent picture, unlike pages read
/// while balances change. Streamed as the database yields the lines, 64 kB
/// at a time: a failure after the first byte cuts the download instead of
/// ending it short.
pub async fn debtors_csv(
    State(state): State<AppState>,
    s: UserSession,
    crate::pages::PageQuery(f): crate::pages::PageQuery<Filters>,
) -> Result<Response, PageError> {
    use futures_util::StreamExt;
    let (q, shown) = export_of(&state, &s, &f).await?;
    let org_id = s.0.principal.org_id;
    let name = file_name(&q, "csv");
    let mut head = String::from('\u{feff}');
    head.push_str(&headings(&q).join(";"));
    head.push_str("\r\n");
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let app = state.app.clone();
    tokio::spawn(async move {
        let mut lines = match app.aging_by_debtor_stream(org_id, &q).await {
            Ok(lines) => lines,
            Err(e) => {
                tracing::error!(error = %e, "aging by debtor export failed");
                let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                return;
            }
        };
        let mut chunk = head;
        while let Some(next) = lines.next().await {
            match next {
                Ok(l) => chunk.push_str(&csv_line(&l, shown)),
                Err(e) => {
                    tracing::error!(error = %e, "aging by debtor export failed");
                    let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
            }
            if chunk.len() >= 64 * 1024
                && tx
                    .send(Ok(Bytes::from(std::mem::take(&mut chunk))))
                    .await
                    .is_err()
            {
                // The client went away.
                return;
            }
        }
        if !chunk.is_empty() {
            let _ = tx.send(Ok(Bytes::from(chunk))).await;
        }
    });
    let body = Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }));
    Ok(download("text/csv; charset=utf-8", name, body))
}

/// `GET /relatorios/aging/devedores.xlsx`: the same as a workbook, amounts
/// as numbers in reais.
pub async fn debtors_xlsx(
    State(state): State<AppState>,
    s: UserSession,
    crate::pages::PageQuery(f): crate::pages::PageQuery<Filters>,
) -> Result<Response, PageError> {
    let (q, shown) = export_of(&state, &s, &f).await?;
    let org_id = s.0.principal.org_id;
    let creditor = match q.creditor_id {
        Some(id) => Some(state.app.creditor(org_id, id).await?.name),
        None => None,
    };
    let lines = state.app.aging_by_debtor_stream(org_id, &q).await?;
    let bytes = workbook(&q, creditor.as_deref(), lines, shown).await?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        file_name(&q, "xlsx"),
        bytes,
    ))
}

/// The workbook, its sheet kept on disk while the lines stream in (the
/// writer's constant-memory mode), so a list of 300,000 debtors never sits
/// in memory as cells.
async fn workbook(
    q: &AgingQuery,
    creditor: Option<&str>,
    mut lines: futures_util::stream::BoxStream<'_, Result<DebtorAging, AppError>>,
    shown: DebtorShown,
) -> Result<Vec<u8>, AppError> {
    use futures_util::StreamExt;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let internal = |e: rust_xlsxwriter::XlsxError| {
        AppError::Internal(anyhow::anyhow!("aging by debtor xlsx: {e}"))
    };
    // The rows a sheet holds, less the four of the heading.
    const MAX_LINES: u32 = 1_048_576 - 4;
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let brl = Format::new().set_num_format("\"R$\" #,##0.00");
    let day = Format::new().set_num_format("dd/mm/yyyy");
    let buckets = q.buckets.len();
    let col = |i: usize| u16::try_from(i).unwrap_or(u16::MAX);
    let ws = wb.add_worksheet_with_constant_memory().map_err(internal)?;
    ws.set_name("Aging por devedor").map_err(internal)?;
    ws.set_column_width(0, 36).map_err(internal)?;
    for c in 1..=7 + buckets {
        ws.set_column_width(col(c), 16).map_err(internal)?;
    }
    ws.write_string_with_format(0, 0, "Aging por devedor", &bold)
        .map_err(internal)?;
    ws.write_string(1, 0, format!("Data-base: {}", format::civil(q.as_of)))
        .map_err(internal)?;
    ws.write_string(2, 0, format!("Carteira: {}", creditor.unwrap_or("todas")))
        .map_err(internal)?;
    for (c, h) in headings(q).iter().enumerate() {
        ws.write_string_with_format(3, col(c), h, &bold)
            .map_err(internal)?;
    }
    let mut r = 4u32;
    while let Some(l) = lines.next().await {
        let l = l?;
        if r - 4 >= MAX_LINES {
            return Err(AppError::invalid(
                "xlsx",
                "a lista passa das linhas de uma planilha: baixe o CSV",
            ));
        }
        // Spreadsheet cells are doubles: money turns into them only here.
        let n = |i: i64| i as f64;
        let mut put = || -> Result<(), rust_xlsxwriter::XlsxError> {
            ws.write_string(r, 0, &l.name)?;
            ws.write_string(r, 1, document(&l, shown))?;
            ws.write_number_with_format(r, 2, cell_money(l.overdue_balance), &brl)?;
            ws.write_number(r, 3, n(l.days_past_due.max(0)))?;
            ws.write_number_with_format(r, 4, cell_money(l.open_balance), &brl)?;
            ws.write_number(r, 5, n(l.count))?;
            for (i, m) in l.by_bucket.iter().enumerate() {
                ws.write_number_with_format(r, col(6 + i), cell_money(*m), &brl)?;
            }
            ws.write_number_with_format(r, col(6 + buckets), cell_money(l.original_amount), &brl)?;
            // A date cell, so the spreadsheet sorts and filters it as one.
            let oldest = ExcelDateTime::from_ymd(
                u16::try_from(l.oldest_due.year()).unwrap_or(1900),
                u8::try_from(l.oldest_due.month()).unwrap_or(1),
                u8::try_from(l.oldest_due.day()).unwrap_or(1),
            )?;
            ws.write_datetime_with_format(r, col(7 + buckets), &oldest, &day)?;
            Ok(())
        };
        put().map_err(internal)?;
        r += 1;
    }
    wb.save_to_buffer().map_err(internal)
}
