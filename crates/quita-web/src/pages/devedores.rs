//! Devedores: the list, the live search and the debtor 360° page.

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    response::Response,
};
use quita_app::portfolio::debtors::Debtor360;
use quita_core::{
    contact::{ChannelSet, Phone},
    role::Role,
};
use quita_store::portfolio::{contacts::ContactRow, debtors::DebtorRow};
use serde::Deserialize;

use super::{Layout, page, parse_id};
use crate::{AppState, auth::UserSession, error::PageError, format};

/// `***.982.247-**` (or the digits if they are not a valid document).
pub fn masked(digits: &str) -> String {
    quita_br::document::Document::parse(digits)
        .map(|d| d.masked())
        .unwrap_or_else(|_| "***".into())
}

/// `529.982.247-25`.
pub fn formatted(digits: &str) -> String {
    quita_br::document::Document::parse(digits)
        .map(|d| d.formatted())
        .unwrap_or_else(|_| digits.to_owned())
}

pub struct DebtorLine {
    pub id: i64,
    pub name: String,
    pub document: String,
    pub kind: &'static str,
    pub flags: Vec<&'static str>,
}

pub fn flags_of(d: &DebtorRow) -> Vec<&'static str> {
    let mut f = Vec::new();
    if d.deceased {
        f.push("Falecido");
    }
    if d.do_not_contact {
        f.push("Não contatar");
    }
    if d.over_indebtedness {
        f.push("Superendividamento");
    }
    if d.dispute {
        f.push("Em disputa");
    }
    f
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "pj" | "cnpj" | "PJ" => "PJ",
        _ => "PF",
    }
}

impl DebtorLine {
    fn of(d: &DebtorRow) -> Self {
        Self {
            id: d.id,
            name: d.name.clone(),
            document: masked(&d.document),
            kind: kind_label(&d.kind),
            flags: flags_of(d),
        }
    }
}

#[derive(Template)]
#[template(path = "devedores.html")]
struct ListPage {
    layout: Option<Layout>,
    q: String,
    debtors: Vec<DebtorLine>,
    searched: bool,
}

#[derive(Template)]
#[template(path = "devedores_lista.html")]
struct ListFragment {
    debtors: Vec<DebtorLine>,
    searched: bool,
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn find(state: &AppState, s: &UserSession, q: &str) -> Result<Vec<DebtorLine>, PageError> {
    let p = &s.0.principal;
    p.require(Role::Agent)?;
    let rows = if q.trim().is_empty() {
        // The first 100 by name; beyond that, the search narrows it.
        quita_store::portfolio::debtors::list_page(&state.app.db, p.org_id, None, 100)
            .await
            .map_err(|e| PageError(e.into()))?
    } else {
        state.app.search_debtors(p.org_id, q, 100).await?
    };
    Ok(rows.iter().map(DebtorLine::of).collect())
}

pub async fn list(
    State(state): State<AppState>,
    s: UserSession,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let debtors = find(&state, &s, &q.q).await?;
    Ok(page(&ListPage {
        layout: Some(Layout::new(&state, &s.0, "/devedores").await?),
        searched: !q.q.trim().is_empty(),
        q: q.q,
        debtors,
    }))
}

/// The result rows alone, for the htmx live search.
pub async fn search(
    State(state): State<AppState>,
    s: UserSession,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let debtors = find(&state, &s, &q.q).await?;
    Ok(page(&ListFragment {
        debtors,
        searched: !q.q.trim().is_empty(),
    }))
}

pub struct ContactView {
    pub kind: &'static str,
    pub value: String,
    pub details: Vec<String>,
    pub status: &'static str,
    pub status_class: &'static str,
    pub reason: Option<String>,
    pub source: String,
    pub opt_out: String,
}

fn contact_view(c: &ContactRow, zone: &str) -> ContactView {
    let (kind, value) = match c.kind.as_str() {
        "phone" => (
            "Telefone",
            Phone::parse(&c.value)
                .map(|p| p.national())
                .unwrap_or_else(|_| c.value.clone()),
        ),
        "email" => ("E-mail", c.value.clone()),
        _ => ("Endereço", c.value.clone()),
    };
    let mut details = Vec::new();
    if c.whatsapp {
        details.push("WhatsApp".to_owned());
    }
    if c.workplace {
        details.push("Trabalho".to_owned());
    }
    let place: Vec<&str> = [c.city.as_deref(), c.uf.as_deref(), c.cep.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if !place.is_empty() {
        details.push(place.join(" · "));
    }
    let (status, status_class) = match c.status.as_str() {
        "valid" => ("Válido", "ok"),
        "invalid" => ("Inválido", "bad"),
        _ => ("Não verificado", "muted"),
    };
    let opt = ChannelSet::from_bits(u8::try_from(c.opt_out & 0xff).unwrap_or(0));
    let opt_out = opt
        .iter()
        .map(|ch| match ch.as_str() {
            "voice" => "ligação",
            "sms" => "SMS",
            "whatsapp" => "WhatsApp",
            "email" => "e-mail",
            _ => "carta",
        })
        .collect::<Vec<_>>()
        .join(", ");
    ContactView {
        kind,
        value,
        details,
        status,
        status_class,
        reason: c.invalid_reason.clone(),
        source: format!("{} em {}", c.source, format::date(c.source_date, zone)),
        opt_out: if opt_out.is_empty() {
            "—".into()
        } else {
            opt_out
        },
    }
}

pub struct LineView {
    pub label: String,
    pub base: String,
    pub rate: String,
    pub days: String,
    pub amount: String,
}

pub struct ReceivableView {
    pub id: i64,
    pub creditor: String,
    pub document_number: String,
    pub installment: String,
    pub issue: String,
    pub due: String,
    pub original: String,
    pub open: String,
    pub updated: String,
    pub days_late: String,
    pub status: &'static str,
    pub lines: Vec<LineView>,
}

pub fn status_label(s: &str) -> &'static str {
    match s {
        "open" => "Em aberto",
        "partially_paid" => "Pago em parte",
        "paid" => "Pago",
        "renegotiated" => "Renegociado",
        "cancelled" => "Cancelado",
        "written_off" => "Baixado",
        _ => "—",
    }
}

pub fn line_views(u: &quita_core::debt_update::DebtUpdate) -> Vec<LineView> {
    u.lines()
        .iter()
        .map(|l| LineView {
            label: l.label.clone(),
            base: format::money(l.base),
            rate: l
                .rate
                .map(|r| format!("{}%", format::decimal(r)))
                .unwrap_or_else(|| "—".into()),
            days: if l.days == 0 {
                "—".into()
            } else {
                l.days.to_string()
            },
            amount: format::money(l.amount),
        })
        .collect()
}

pub struct TotalView {
    pub creditor: String,
    pub count: u64,
    pub open: String,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "devedor.html")]
struct DebtorPage {
    layout: Option<Layout>,
    name: String,
    kind: &'static str,
    document_masked: String,
    document_full: String,
    flags: Vec<&'static str>,
    tags: Vec<String>,
    since: String,
    on: String,
    contacts: Vec<ContactView>,
    receivables: Vec<ReceivableView>,
    totals: Vec<TotalView>,
}

pub async fn show(
    State(state): State<AppState>,
    s: UserSession,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let p = &s.0.principal;
    p.require(Role::Agent)?;
    let id = parse_id(&raw)?;
    let org = state.app.organization(p).await?;
    let today = state.app.clock.today_in(&org.time_zone);
    let v: Debtor360 = state.app.debtor_360(p.org_id, id, today).await?;
    let d = &v.debtor;
    Ok(page(&DebtorPage {
        layout: Some(Layout::new(&state, &s.0, "/devedores").await?),
        name: d.name.clone(),
        kind: kind_label(&d.kind),
        document_masked: masked(&d.document),
        document_full: formatted(&d.document),
        flags: flags_of(d),
        tags: d
            .tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        since: format::date(d.created_at, &org.time_zone),
        on: format::civil(v.on),
        contacts: v
            .contacts
            .iter()
            .map(|c| contact_view(c, &org.time_zone))
            .collect(),
        receivables: v
            .receivables
            .iter()
            .map(|r| {
                let rr = &r.receivable;
                ReceivableView {
                    id: rr.id,
                    creditor: r.creditor_name.clone(),
                    document_number: rr.document_number.clone(),
                    installment: match rr.installments {
                        Some(n) => format!("{}/{}", rr.installment, n),
                        None => rr.installment.to_string(),
                    },
                    issue: rr
                        .issue_date
                        .map(format::civil)
                        .unwrap_or_else(|| "—".into()),
                    due: format::civil(rr.due_date),
                    original: format::centavos(rr.original_amount),
                    open: format::centavos(rr.open_balance),
                    updated: r
                        .update
                        .as_ref()
                        .map(|u| format::money(u.total()))
                        .unwrap_or_else(|| "—".into()),
                    days_late: r
                        .update
                        .as_ref()
                        .map(|u| u.days_late().to_string())
                        .unwrap_or_else(|| "—".into()),
                    status: status_label(rr.status.as_str()),
                    lines: r.update.as_ref().map(line_views).unwrap_or_default(),
                }
            })
            .collect(),
        totals: v
            .totals
            .iter()
            .map(|t| TotalView {
                creditor: t.creditor_name.clone(),
                count: t.count,
                open: format::money(t.open_balance),
                updated: format::money(t.updated_amount),
            })
            .collect(),
    }))
}
