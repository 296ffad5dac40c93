//! The aging by debtor: a page of debtors, the largest overdue balance
//! first, with their open balance in each bucket, and the whole list as a
//! CSV worklist. Agents and up: it says whom the portfolio is owed by.

use askama::Template;
use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use quita_app::{
    AppError, csv_field,
    portfolio::{
        aging::AgingQuery,
        debtor_aging::{DebtorAging, DebtorAgingAfter},
    },
};
use quita_core::role::Role;

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
    qs: String,
    labels: Vec<String>,
    lines: Vec<DebtorLine>,
    /// `depois_de` of the next page, if there is one.
    next: Option<String>,
    /// Not the first page: a link back to it.
    later_page: bool,
}

const PAGE: i64 = 100;

/// The query of the page, refused to viewers, and the cursor typed.
async fn query(
    state: &AppState,
    s: &UserSession,
    f: &Filters,
) -> Result<(AgingQuery, Option<DebtorAgingAfter>), AppError> {
    let p = &s.0.principal;
    p.require(Role::Agent)?;
    let q = query_of(state, p, f).await?;
    let after = match f.depois_de.trim() {
        "" => None,
        raw => Some(DebtorAgingAfter::parse(raw).ok_or_else(|| {
            AppError::invalid("depois_de", "Página inválida: volte à primeira página.")
        })?),
    };
    Ok((q, after))
}

fn days(l: &DebtorAging) -> String {
    if l.days_past_due > 0 {
        format::count(l.days_past_due)
    } else {
        "a vencer".into()
    }
}

/// `GET /relatorios/aging/devedores`: a page of the aging by debtor.
pub async fn debtors(
    State(state): State<AppState>,
    s: UserSession,
    crate::pages::PageQuery(f): crate::pages::PageQuery<Filters>,
) -> Result<Response, PageError> {
    let (q, after) = query(&state, &s, &f).await?;
    let p = &s.0.principal;
    let aging = state.app.aging_by_debtor(p.org_id, &q, after, PAGE).await?;
    let full_document = p.role.allows(Role::Supervisor);
    let creditor_name = match q.creditor_id {
        Some(id) => Some(state.app.creditor(p.org_id, id).await?.name),
        None => None,
    };
    Ok(page(&DebtorsPage {
        layout: Some(Layout::new(&state, &s.0, "/relatorios").await?),
        as_of: format::civil(q.as_of),
        creditor_name,
        qs: query_string(&q),
        labels: q.buckets.labels().map(bucket_label).collect(),
        lines: aging
            .lines
            .iter()
            .map(|l| DebtorLine {
                id: l.debtor_id,
                name: l.name.clone(),
                document: if full_document {
                    formatted(&l.document)
                } else {
                    masked(&l.document)
                },
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
        next: aging.next.map(|n| n.to_string()),
        later_page: after.is_some(),
    }))
}

/// `GET /relatorios/aging/devedores.csv`: every debtor of the aging by
/// debtor, in the page's order (`;`, decimal comma, UTF-8 with BOM). The
/// export is recorded; CPF/CNPJ whole for supervisors and up only.
pub async fn debtors_csv(
    State(state): State<AppState>,
    s: UserSession,
    crate::pages::PageQuery(f): crate::pages::PageQuery<Filters>,
) -> Result<Response, PageError> {
    let (q, _) = query(&state, &s, &f).await?;
    let p = &s.0.principal;
    let full_document = p.role.allows(Role::Supervisor);
    let lines = state.app.aging_by_debtor_all(p.org_id, &q).await?;
    state
        .app
        .record_debtor_aging_export(p, &q, full_document)
        .await?;
    let mut out = String::with_capacity(120 + lines.len() * 160);
    out.push_str("\u{feff}Devedor;CPF/CNPJ;Títulos");
    for label in q.buckets.labels() {
        out.push(';');
        out.push_str(&bucket_label(label));
    }
    out.push_str(
        ";Em aberto;Em atraso;Dias de atraso do mais antigo;Valor original;Vencimento mais antigo (dia útil)\r\n",
    );
    for l in &lines {
        let document = if full_document {
            formatted(&l.document)
        } else {
            masked(&l.document)
        };
        out.push_str(&csv_field(&l.name));
        out.push(';');
        out.push_str(&document);
        out.push_str(&format!(";{}", l.count));
        for m in &l.by_bucket {
            out.push(';');
            out.push_str(&csv_money(*m));
        }
        out.push_str(&format!(
            ";{};{};{};{};{}\r\n",
            csv_money(l.open_balance),
            csv_money(l.overdue_balance),
            l.days_past_due.max(0),
            csv_money(l.original_amount),
            format::civil(l.oldest_due)
        ));
    }
    let mut name = String::from("aging-por-devedor-");
    if let Some(id) = q.creditor_id {
        name.push_str(&format!("carteira-{id}-"));
    }
    name.push_str(&q.as_of.to_string());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        out,
    )
        .into_response())
}
