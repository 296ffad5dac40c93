//! The debtor 360° page.

use crate::pages::PageQuery;
use askama::Template;
use axum::{
    extract::{Path, State},
    response::Response,
};
use quita_app::{
    AppError,
    portfolio::document_shown::document_pass,
    portfolio::{
        calendar,
        debtors::{ContractView as AppContractView, Debtor360},
    },
};
use quita_core::{
    contract::ContractKind, debt_update::days_late, receivable::ReceivableStatus, role::Role,
};
use quita_store::portfolio::access::AccessChannel;
use serde::Deserialize;

use super::*;
use crate::pages::{
    Layout,
    contratos::{ContractForm, ContractPageForm},
    linha_do_tempo, page, parse_id,
};
use crate::{AppState, auth::UserSession, error::PageError, format};

#[derive(Template)]
#[template(path = "devedor.html")]
struct DebtorPage {
    layout: Option<Layout>,
    id: i64,
    name: String,
    kind: &'static str,
    document_masked: String,
    /// The whole CPF/CNPJ, for supervisors and up, or for an agent who
    /// asked for it (recorded); else the page offers to ask.
    document_full: Option<String>,
    flags: Vec<&'static str>,
    tags: Vec<String>,
    /// The marking forms' CSRF token.
    csrf: String,
    /// The alerts form's checkboxes: field, label, ticked.
    flag_boxes: Vec<(&'static str, &'static str, bool)>,
    since: String,
    on: String,
    /// The amounts are updated to today (else to the date asked for).
    on_today: bool,
    /// Why the date asked for was not used.
    on_problem: Option<String>,
    contacts: Vec<ContactView>,
    contracts: Vec<ContractView>,
    without_contract: Vec<ReceivableView>,
    has_receivables: bool,
    /// The terms of the creditors of the receivables under no contract.
    creditor_terms: Vec<CreditorTermsView>,
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
    /// After "Adicionar contato".
    contact_notice: Option<&'static str>,
    /// The "Adicionar contato" form: blank, or refused and filled in.
    new_contact: NewContactView,
    /// The "Registrar contrato" form, for supervisors and admins.
    contract_form: Option<ContractFormView>,
    /// "Corrigir nome", for supervisors and admins: what is in the field
    /// and, when refused, why.
    rename: Option<(String, Option<String>)>,
    /// What the memories of the receivables under no contract must also say.
    without_contract_notices: Vec<NoticeView>,
}

/// One option of a select: value, label, selected.
type Choice = (String, String, bool);

/// What the contract form needs: blank to record a contract, or filled
/// with one of the debtor's contracts to change its terms.
struct ContractFormView {
    csrf: String,
    /// The number of the contract whose terms the form changes ("Editar
    /// condições"); its creditor and number are then fixed.
    editing: Option<String>,
    /// The creditor of the contract being changed.
    creditor_name: String,
    /// "Escolha a carteira" and the organization's creditors.
    creditors: Vec<Choice>,
    kinds: Vec<Choice>,
    interest_modes: Vec<Choice>,
    corrections: Vec<Choice>,
    consumer: Vec<Choice>,
    /// The values of the text fields and the fee clause.
    form: ContractPageForm,
    /// Why the form just sent was refused (it comes back filled in).
    error: Option<String>,
    /// The fields at fault in the form just sent.
    invalid: Vec<&'static str>,
}

/// `options` with `chosen` selected.
fn choices(options: &[(&str, &str)], chosen: &str) -> Vec<Choice> {
    options
        .iter()
        .map(|(value, label)| ((*value).to_owned(), (*label).to_owned(), *value == chosen))
        .collect()
}

/// The creditor a new contract of the debtor most likely belongs to: the
/// only one its receivables are with, else the one it owes most to (the
/// first of equals). `None` when it owes nothing: the user must choose.
fn likely_creditor(v: &Debtor360) -> Option<i64> {
    let mut ids: Vec<i64> = v
        .receivables
        .iter()
        .map(|r| r.receivable.creditor_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if let [only] = ids[..] {
        return Some(only);
    }
    v.totals
        .iter()
        .filter(|t| t.open_balance.is_positive())
        .reduce(|best, t| {
            if t.open_balance > best.open_balance {
                t
            } else {
                best
            }
        })
        .map(|t| t.creditor_id)
}

impl ContractFormView {
    /// The form for the debtor `v`, filled with its contract `editing` when
    /// given; `tables`: the organization's index tables, for the
    /// correction's options.
    fn new(
        csrf: String,
        creditors: Vec<(i64, String)>,
        v: &Debtor360,
        editing: Option<&AppContractView>,
        tables: &std::collections::HashSet<String>,
        refused: Option<(ContractPageForm, String)>,
    ) -> Self {
        let (refused, error) = refused.map_or((None, None), |(f, e)| (Some(f), Some(e)));
        let invalid = refused
            .as_ref()
            .map(|f| f.fault_fields(v.debtor.id))
            .unwrap_or_default();
        let form = match (refused, editing) {
            (Some(f), _) => f,
            (None, Some(k)) => ContractPageForm::of(&k.contract),
            (None, None) => ContractPageForm {
                contract: ContractForm {
                    creditor_id: likely_creditor(v)
                        .map(|id| id.to_string())
                        .unwrap_or_default(),
                    kind: ContractKind::InstallmentPlan.as_str().to_owned(),
                    ..ContractForm::default()
                },
                ..ContractPageForm::default()
            },
        };
        let chosen = &form.contract.creditor_id;
        let creditor_name = creditors
            .iter()
            .find(|(id, _)| id.to_string() == *chosen)
            .map(|(_, name)| name.clone())
            .unwrap_or_default();
        let mut creditor_options = vec![(
            String::new(),
            "Escolha a carteira".to_owned(),
            chosen.is_empty(),
        )];
        creditor_options.extend(creditors.into_iter().map(|(id, name)| {
            let value = id.to_string();
            let selected = value == *chosen;
            (value, name, selected)
        }));
        let kinds = [
            ContractKind::InstallmentPlan,
            ContractKind::OneOff,
            ContractKind::Recurring,
        ]
        .map(|k| (k.as_str(), contract_kind_label(k)));
        let mut corrections = choices(
            &[("", "Da carteira"), ("none", "Sem correção")],
            &form.correction,
        );
        // IPCA and the organization's tables (one chosen but without a
        // table is kept, said so).
        corrections
            .extend(crate::pages::indices::IndexChoices::new(tables, &form.correction).options);
        Self {
            csrf,
            editing: editing.map(|k| k.contract.number.clone()),
            creditor_name,
            creditors: creditor_options,
            kinds: choices(&kinds, &form.contract.kind),
            interest_modes: choices(
                &[
                    ("", "Da carteira"),
                    ("simple", "Simples"),
                    ("compound", "Compostos"),
                ],
                &form.interest_mode,
            ),
            corrections,
            consumer: choices(
                &[
                    ("", "Da carteira"),
                    ("sim", "Sim (multa até 2%, CDC art. 52, § 1º)"),
                    ("nao", "Não"),
                ],
                &form.consumer,
            ),
            form,
            error,
            invalid,
        }
    }

    /// The attributes of `field`'s input: marked invalid and described by
    /// the form's message, when at fault.
    fn attrs(&self, field: &str) -> &'static str {
        if self.invalid.contains(&field) {
            r#" aria-invalid="true" aria-describedby="contrato-erro""#
        } else {
            ""
        }
    }
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
                refused: ctx
                    .refused_closing
                    .as_ref()
                    .filter(|f| f.receivable_id == rr.id)
                    .cloned(),
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
        days_late: if rr.status.is_collectable()
            && !matches!(
                r.update_problem,
                Some(quita_app::portfolio::debtors::UpdateProblem::NotYetIssued { .. })
            ) {
            match days_late(rr.due_date, ctx.on, calendar()) {
                0 => "a vencer".into(),
                d => format::count(d),
            }
        } else {
            "—".into()
        },
        status: status_label(rr.status),
        lines: r.update.as_ref().map(line_views).unwrap_or_default(),
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
    /// A refused "Encerrar" form, shown again on its receivable.
    refused_closing: Option<RefusedClosing>,
}

fn contract_view(k: &AppContractView, v: &Debtor360, ctx: &Viewer) -> ContractView {
    let c = &k.contract;
    let receivables: Vec<_> = k
        .receivables
        .iter()
        .filter_map(|i| v.receivables.get(*i))
        .collect();
    let fee_clause = k
        .terms
        .collection_fee_allowed
        .then_some(k.terms.collection_fee.value);
    ContractView {
        id: c.id,
        notices: calculation_notices(&receivables, fee_clause),
        number: c.number.clone(),
        kind: contract_kind_label(c.kind),
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
        receivables: receivables
            .into_iter()
            .map(|r| receivable_view(r, ctx))
            .collect(),
    }
}

/// The 360° page's query: `antes` pages the timeline back (the id of the
/// last event shown), `encerrado` names the receivable the "Encerrar" form
/// just closed, `contrato` the contract whose terms the contract form is
/// filled with ("Editar condições").
#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    antes: Option<String>,
    #[serde(default)]
    encerrado: Option<String>,
    #[serde(default)]
    contrato: Option<String>,
    /// Update the amounts to this date (`dd/mm/aaaa`) instead of today:
    /// "how much if paid on the 10th?".
    #[serde(default)]
    em: Option<String>,
    /// After "Adicionar contato": `novo`, or `existente` when the debtor
    /// already had it.
    #[serde(default)]
    contato_adicionado: Option<String>,
    /// After "Ver completo": the pass that shows the whole CPF/CNPJ to the
    /// agent who asked ([`document_pass`]).
    #[serde(default)]
    documento: Option<String>,
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

    /// The contract to change (a bad value, or a contract not of the
    /// debtor shown, is simply the blank form).
    fn contract(&self) -> Option<i64> {
        self.contrato.as_deref()?.trim().parse().ok()
    }

    /// The date the amounts are updated to: `today` unless `em` names
    /// another; a date that does not read is `today` and the reason.
    fn on(&self, today: jiff::civil::Date) -> (jiff::civil::Date, Option<String>) {
        match self.em.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            None => (today, None),
            Some(raw) => match format::parse_date(raw) {
                Ok(d) => (d, None),
                Err(e) => (
                    today,
                    Some(format!(
                        "Data “{}” inválida: {}. Os valores estão atualizados para hoje.",
                        raw.chars().take(20).collect::<String>(),
                        format::date_problem(e)
                    )),
                ),
            },
        }
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
    PageQuery(q): PageQuery<ShowQuery>,
) -> Result<Response, PageError> {
    let id = parse_id(&raw)?;
    Ok(page(&debtor_page(&state, &s, id, &q, None).await?))
}

/// `POST /devedores/{id}/documento`: an agent asks for the whole CPF/CNPJ
/// during a call; it is recorded, and the debtor page comes back with it
/// shown (a pass in the address, good in this session for this debtor,
/// so a reload shows it again without asking).
pub async fn show_document(
    State(state): State<AppState>,
    s: UserSession,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&raw)?;
    state.app.show_debtor_document(&s.0.principal, id).await?;
    let pass = document_pass(&s.0.csrf_token, id);
    let to = format!("/devedores/{id}?documento={pass}#identificacao");
    Ok(axum::response::IntoResponse::into_response(
        axum::response::Redirect::to(&to),
    ))
}

/// `GET /devedores/{id}/documento` (the address typed or reloaded): the
/// debtor page, where the CPF/CNPJ is asked for.
pub async fn document_address(Path(raw): Path<String>) -> Result<Response, PageError> {
    let id = parse_id(&raw)?;
    let to = format!("/devedores/{id}#identificacao");
    Ok(axum::response::IntoResponse::into_response(
        axum::response::Redirect::to(&to),
    ))
}

/// What the "Adicionar contato" form shows: blank, or what was sent with
/// why it was refused (the page answers a bad form itself, filled in).
#[derive(Debug, Default, Clone)]
pub struct NewContactView {
    pub kind: String,
    pub value: String,
    pub city: String,
    pub uf: String,
    pub cep: String,
    pub whatsapp: String,
    pub workplace: bool,
    pub source: String,
    pub error: Option<String>,
    /// The fields at fault (marked on the form).
    pub invalid: Vec<&'static str>,
}

impl NewContactView {
    /// The attributes of `field`'s input: marked invalid and described by
    /// the form's message, when at fault.
    pub fn attrs(&self, field: &str) -> &'static str {
        if self.invalid.contains(&field) {
            r#" aria-invalid="true" aria-describedby="contato-erro""#
        } else {
            ""
        }
    }
}

/// A form of the debtor page that was refused: it comes back on the page,
/// filled in with what was sent, saying why.
pub enum RefusedForm {
    /// "Adicionar contato" (its view carries the reason).
    Contact(NewContactView),
    /// "Registrar contrato", and why.
    Contract(ContractPageForm, String),
    /// "Encerrar" on one receivable (it carries the reason).
    Closing(RefusedClosing),
    /// "Corrigir nome": what was typed, and why it was refused.
    Name(String, String),
}

/// What a debtor-page form's use case answered: `Ok(value)` when done, or
/// `Err(page)`: refused for bad input, the debtor page again (422) with the
/// form `refused` builds from the reason. Any other error goes on as is.
pub async fn or_refused<T>(
    state: &AppState,
    s: &UserSession,
    id: i64,
    result: Result<T, AppError>,
    refused: impl FnOnce(String) -> RefusedForm,
) -> Result<Result<T, Response>, PageError> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(AppError::Invalid { message, .. }) => {
            Ok(Err(with_refused_form(state, s, id, refused(message)).await?))
        }
        Err(e) => Err(e.into()),
    }
}

/// The debtor page with a refused form, answered 422.
pub async fn with_refused_form(
    state: &AppState,
    s: &UserSession,
    id: i64,
    form: RefusedForm,
) -> Result<Response, PageError> {
    let body = debtor_page(state, s, id, &ShowQuery::default(), Some(form)).await?;
    let answer = (
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        axum::response::Html(crate::pages::render(&body)),
    );
    Ok(axum::response::IntoResponse::into_response(answer))
}

async fn debtor_page(
    state: &AppState,
    s: &UserSession,
    id: i64,
    q: &ShowQuery,
    refused: Option<RefusedForm>,
) -> Result<DebtorPage, PageError> {
    let (mut new_contact, mut refused_contract, mut refused_closing, mut refused_name) =
        (NewContactView::default(), None, None, None);
    match refused {
        Some(RefusedForm::Contact(view)) => new_contact = view,
        Some(RefusedForm::Contract(form, why)) => refused_contract = Some((form, why)),
        Some(RefusedForm::Closing(f)) => refused_closing = Some(f),
        Some(RefusedForm::Name(typed, why)) => refused_name = Some((typed, Some(why))),
        None => {}
    }
    let p = &s.0.principal;
    p.require(Role::Agent)?;
    let before = q.before()?;
    let org = state.app.organization(p).await?;
    let today = state.app.clock.today_in(&org.time_zone);
    let (on, on_problem) = q.on(today);
    let v: Debtor360 = state
        .app
        .open_debtor_360(p, id, on, AccessChannel::Web)
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
        let creditors = state
            .app
            .creditors(p.org_id)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
        // A refused form changing a recorded contract keeps it fixed.
        let editing = match &refused_contract {
            Some((f, _)) => v.contracts.iter().find(|k| {
                k.contract.creditor_id.to_string() == f.contract.creditor_id.trim()
                    && k.contract.number == f.contract.number.trim()
            }),
            None => q
                .contract()
                .and_then(|cid| v.contracts.iter().find(|k| k.contract.id == cid)),
        };
        let tables = crate::pages::indices::table_names(state, s).await?;
        Some(ContractFormView::new(
            s.0.csrf_token.clone(),
            creditors,
            &v,
            editing,
            &tables,
            refused_contract,
        ))
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
        refused_closing,
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
    let without_contract: Vec<_> = v
        .without_contract
        .iter()
        .filter_map(|i| v.receivables.get(*i))
        .collect();
    let d = &v.debtor;
    Ok(DebtorPage {
        new_contact,
        timeline,
        timeline_older,
        timeline_paged: before.is_some(),
        closed_notice,
        contact_notice: match q.contato_adicionado.as_deref() {
            Some("novo") => Some("Contato adicionado."),
            Some("existente") => Some(
                "O devedor já tinha este contato: nada foi alterado (a situação marcada continua valendo).",
            ),
            _ => None,
        },
        id: d.id,
        contract_form,
        rename: p
            .role
            .allows(Role::Supervisor)
            .then(|| refused_name.unwrap_or_else(|| (d.name.clone(), None))),
        layout: Some(Layout::new(state, &s.0, "/devedores").await?),
        name: d.name.clone(),
        kind: kind_label(&d.kind),
        document_masked: masked(&d.document),
        // Whole for supervisors and up; for an agent, after asking for it
        // in this session (the pass of the redirect).
        document_full: (p.role.allows(Role::Supervisor)
            || q.documento.as_deref().is_some_and(|pass| {
                quita_app::auth::csrf_matches(&document_pass(&s.0.csrf_token, d.id), pass)
            }))
        .then(|| formatted(&d.document)),
        flags: flags_of(d),
        csrf: s.0.csrf_token.clone(),
        flag_boxes: flag_boxes(d),
        tags: d.tags.clone(),
        since: format::date(d.created_at, &org.time_zone),
        on: format::civil(v.on),
        on_today: v.on == today,
        on_problem,
        contacts,
        contracts: v
            .contracts
            .iter()
            .map(|k| contract_view(k, &v, &viewer))
            .collect(),
        without_contract: without_contract
            .iter()
            .map(|r| receivable_view(r, &viewer))
            .collect(),
        // No contract, no fee clause: no fee is charged on them.
        without_contract_notices: calculation_notices(&without_contract, None),
        // What those follow, at hand during a call as a contract's terms are.
        creditor_terms: v
            .creditor_terms
            .iter()
            .map(|c| CreditorTermsView {
                creditor: c.creditor_name.clone(),
                terms: term_views(&c.terms),
            })
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
    })
}

/// A creditor's own terms, as the receivables under no contract follow them.
pub struct CreditorTermsView {
    pub creditor: String,
    pub terms: Vec<TermView>,
}
