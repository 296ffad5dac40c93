//! The debtor 360° page.

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    response::Response,
};
use quita_app::{
    AppError,
    portfolio::{
        calendar,
        debtors::{ContractView as AppContractView, Debtor360},
    },
};
use quita_core::{debt_update::days_late, receivable::ReceivableStatus, role::Role};
use quita_store::portfolio::access::AccessChannel;
use serde::Deserialize;

use super::*;
use crate::pages::{Layout, linha_do_tempo, page, parse_id};
use crate::{AppState, auth::UserSession, error::PageError, format};

#[derive(Template)]
#[template(path = "devedor.html")]
struct DebtorPage {
    layout: Option<Layout>,
    id: i64,
    name: String,
    kind: &'static str,
    document_masked: String,
    document_full: String,
    flags: Vec<&'static str>,
    tags: Vec<String>,
    /// The marking forms' CSRF token.
    csrf: String,
    /// The alerts form's checkboxes: field, label, ticked.
    flag_boxes: Vec<(&'static str, &'static str, bool)>,
    since: String,
    on: String,
    contacts: Vec<ContactView>,
    contracts: Vec<ContractView>,
    without_contract: Vec<ReceivableView>,
    has_receivables: bool,
    totals: Vec<TotalView>,
    /// The sum of `totals` when there is more than one creditor.
    grand_total: Option<TotalView>,
    /// Shown to supervisors and admins only.
    accesses: Option<Vec<AccessView>>,
    timeline: Vec<linha_do_tempo::TimelineItem>,
    /// "Ver eventos mais antigos": the id of the last event shown, when a
    /// full page was shown.
    timeline_older: Option<i64>,
    /// The page shows older events (`?antes=`): a link back to the newest.
    timeline_paged: bool,
    /// `Título NF-1 parcela 1/3 encerrado.`, after the "Encerrar" form.
    closed_notice: Option<String>,
    /// The "Registrar contrato" form, for supervisors and admins.
    contract_form: Option<ContractFormView>,
}

/// What the contract form needs: the CSRF token and the creditors to choose from.
struct ContractFormView {
    csrf: String,
    creditors: Vec<(i64, String)>,
}

/// How a receivable is shown; `ctx` says who looks and where.
fn receivable_view(
    r: &quita_app::portfolio::debtors::ReceivableView,
    ctx: &Viewer,
) -> ReceivableView {
    let rr = &r.receivable;
    ReceivableView {
        closed_note: rr.closed_reason.as_ref().map(|why| match rr.closed_at {
            Some(at) => format!("{why} ({})", format::date(at, &ctx.zone)),
            None => why.clone(),
        }),
        close: match &ctx.close_csrf {
            Some(csrf) if rr.status.is_collectable() => Some(CloseFormView {
                action: format!("/devedores/{}/titulos/{}/encerrar", rr.debtor_id, rr.id),
                csrf: csrf.clone(),
                options: crate::pages::titulos::closing_options(),
            }),
            _ => None,
        },
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
        // A cancelled or written-off receivable keeps its balance (the API
        // shows it), but nobody owes it any more.
        open: if matches!(
            rr.status,
            ReceivableStatus::Cancelled | ReceivableStatus::WrittenOff
        ) {
            "—".into()
        } else {
            format::centavos(rr.open_balance)
        },
        updated: r
            .update
            .as_ref()
            .map(|u| format::money(u.total()))
            .unwrap_or_else(|| "—".into()),
        problem: r
            .update_problem
            .as_ref()
            .map(crate::pages::indices::update_problem_text),
        problem_is_index: r
            .update_problem
            .as_ref()
            .is_some_and(|p| p.index().is_some()),
        // Counted as the debt update counts them (`debt_update::days_late`),
        // so they show even when the update could not be computed (an index
        // month missing).
        days_late: if rr.status.is_collectable() {
            match days_late(rr.due_date, ctx.on, calendar()) {
                0 => "a vencer".into(),
                d => format::count(d),
            }
        } else {
            "—".into()
        },
        status: status_label(rr.status),
        lines: r.update.as_ref().map(line_views).unwrap_or_default(),
        warnings: r
            .update
            .as_ref()
            .map(|u| u.warnings().iter().map(ToString::to_string).collect())
            .unwrap_or_default(),
    }
}

/// Who looks at the debtor page, for what each receivable shows.
struct Viewer {
    /// The page's date (amounts are updated to it, days late counted to it).
    on: jiff::civil::Date,
    /// The organization's time zone (the date a receivable was closed).
    zone: String,
    /// The session's CSRF token when the user may close receivables.
    close_csrf: Option<String>,
}

fn contract_view(k: &AppContractView, v: &Debtor360, ctx: &Viewer) -> ContractView {
    let c = &k.contract;
    ContractView {
        id: c.id,
        number: c.number.clone(),
        kind: contract_kind_label(c.kind.as_str()),
        creditor: k.creditor_name.clone(),
        product: c.product.clone().unwrap_or_else(|| "—".into()),
        starts: c.starts_on.map(format::civil).unwrap_or_else(|| "—".into()),
        dues: match (k.first_due, k.last_due) {
            (Some(a), Some(b)) if a == b => format::civil(a),
            (Some(a), Some(b)) => format!("{} a {}", format::civil(a), format::civil(b)),
            _ => "—".into(),
        },
        open: format::money(k.open_balance),
        terms: term_views(&k.terms),
        receivables: k
            .receivables
            .iter()
            .filter_map(|i| v.receivables.get(*i))
            .map(|r| receivable_view(r, ctx))
            .collect(),
    }
}

/// The 360° page's query: `antes` pages the timeline back (the id of the
/// last event shown), `encerrado` names the receivable the "Encerrar" form
/// just closed.
#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    antes: Option<String>,
    #[serde(default)]
    encerrado: Option<String>,
}

impl ShowQuery {
    /// The timeline cursor: blank is none, anything but a positive integer
    /// is refused.
    fn before(&self) -> Result<Option<i64>, AppError> {
        match self.antes.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            None => Ok(None),
            Some(raw) => raw
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .map(Some)
                .ok_or_else(|| {
                    AppError::invalid(
                        "antes",
                        "linha do tempo: o evento de referência (antes) deve ser um número inteiro positivo",
                    )
                }),
        }
    }

    /// The receivable just closed, if the query names one (a bad value is
    /// simply no notice).
    fn closed(&self) -> Option<i64> {
        self.encerrado.as_deref()?.trim().parse().ok()
    }
}

/// The notice after the "Encerrar" form: only for a closed receivable of
/// the debtor shown.
fn closed_notice(v: &Debtor360, rid: Option<i64>) -> Option<String> {
    let rid = rid?;
    let r = v
        .receivables
        .iter()
        .map(|r| &r.receivable)
        .find(|r| r.id == rid && r.debtor_id == v.debtor.id)?;
    matches!(
        r.status,
        ReceivableStatus::Cancelled | ReceivableStatus::WrittenOff
    )
    .then(|| format!("Título {} encerrado.", linha_do_tempo::receivable_title(r)))
}

/// The 360° page. Opening it is recorded in the access log (LGPD).
pub async fn show(
    State(state): State<AppState>,
    s: UserSession,
    Path(raw): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let p = &s.0.principal;
    p.require(Role::Agent)?;
    let id = parse_id(&raw)?;
    let before = q.before()?;
    let org = state.app.organization(p).await?;
    let today = state.app.clock.today_in(&org.time_zone);
    let v: Debtor360 = state
        .app
        .open_debtor_360(p, id, today, AccessChannel::Web)
        .await?;
    let accesses = if p.role.allows(Role::Supervisor) {
        Some(
            state
                .app
                .debtor_accesses(p, id, None, 20)
                .await?
                .iter()
                .map(|a| AccessView {
                    at: format::date_time(a.at, &org.time_zone),
                    who: who_label(a),
                    channel: match a.channel {
                        AccessChannel::Web => "Web",
                        AccessChannel::Api => "API",
                    },
                })
                .collect(),
        )
    } else {
        None
    };
    let contract_form = if p.role.allows(Role::Supervisor) {
        Some(ContractFormView {
            csrf: s.0.csrf_token.clone(),
            creditors: state
                .app
                .creditors(p.org_id)
                .await?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect(),
        })
    } else {
        None
    };
    let viewer = Viewer {
        on: v.on,
        zone: org.time_zone.clone(),
        close_csrf: p
            .role
            .allows(Role::Supervisor)
            .then(|| s.0.csrf_token.clone()),
    };
    let contacts: Vec<ContactView> = v
        .contacts
        .iter()
        .map(|c| contact_view(c, &org.time_zone))
        .collect();
    let events = state
        .app
        .debtor_timeline(p, &v, before, linha_do_tempo::PAGE)
        .await?;
    // A full page may have older events: link to them after the last one.
    let full_page = i64::try_from(events.len()).is_ok_and(|n| n >= linha_do_tempo::PAGE);
    let timeline_older = events.last().filter(|_| full_page).map(|e| e.id);
    let timeline = linha_do_tempo::items(&events, &v, &contacts, &org.time_zone);
    let closed_notice = closed_notice(&v, q.closed());
    let d = &v.debtor;
    Ok(page(&DebtorPage {
        timeline,
        timeline_older,
        timeline_paged: before.is_some(),
        closed_notice,
        id: d.id,
        contract_form,
        layout: Some(Layout::new(&state, &s.0, "/devedores").await?),
        name: d.name.clone(),
        kind: kind_label(&d.kind),
        document_masked: masked(&d.document),
        document_full: formatted(&d.document),
        flags: flags_of(d),
        csrf: s.0.csrf_token.clone(),
        flag_boxes: flag_boxes(d),
        tags: d.tags.clone(),
        since: format::date(d.created_at, &org.time_zone),
        on: format::civil(v.on),
        contacts,
        contracts: v
            .contracts
            .iter()
            .map(|k| contract_view(k, &v, &viewer))
            .collect(),
        without_contract: v
            .without_contract
            .iter()
            .filter_map(|i| v.receivables.get(*i))
            .map(|r| receivable_view(r, &viewer))
            .collect(),
        has_receivables: !v.receivables.is_empty(),
        grand_total: (v.totals.len() > 1)
            .then(|| v.total())
            .flatten()
            .map(|t| TotalView {
                creditor: "Total".into(),
                count: t.count,
                open: format::money(t.open_balance),
                updated: format::money(t.updated_amount),
                not_updated: None,
            }),
        totals: v
            .totals
            .iter()
            .map(|t| TotalView {
                creditor: t.creditor_name.clone(),
                count: t.count,
                open: format::money(t.open_balance),
                updated: format::money(t.updated_amount),
                not_updated: (t.not_updated > 0).then(|| {
                    format::plural(
                        i64::try_from(t.not_updated).unwrap_or(i64::MAX),
                        "título sem valor atualizado",
                        "títulos sem valor atualizado",
                    )
                }),
            })
            .collect(),
        accesses,
    }))
}
