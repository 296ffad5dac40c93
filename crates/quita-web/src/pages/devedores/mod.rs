//! Devedores: the list, the live search and the debtor 360° page.

use crate::pages::PageQuery;
use askama::Template;
use axum::{extract::State, response::Response};
use jiff::Timestamp;
use quita_app::{AppError, portfolio::debtors::DebtorBalance};
use quita_core::role::Role;
use quita_store::portfolio::{Keyset, debtors::DebtorRow};
use serde::Deserialize;

use crate::pages::{Layout, page};
use crate::{AppState, auth::UserSession, error::PageError, format};

mod pagina;
mod vistas;

pub use pagina::*;
pub use vistas::*;

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
    pub tags: Vec<String>,
    /// Open receivables, or "—".
    pub open_count: String,
    /// Open balance in R$, or "—".
    pub open_balance: String,
    /// "135 dias", "em dia", or "—" when nothing is open.
    pub late: String,
    /// `bad` when past due.
    pub late_class: &'static str,
}

/// The labels of the flags the debtor has set, in the alerts' order.
pub fn flags_of(d: &DebtorRow) -> Vec<&'static str> {
    flag_boxes(d)
        .into_iter()
        .filter(|(_, _, on)| *on)
        .map(|(_, label, _)| label)
        .collect()
}

/// Each collection flag of the debtor: the alerts form's field, its label
/// and whether it is set.
fn flag_boxes(d: &DebtorRow) -> Vec<(&'static str, &'static str, bool)> {
    vec![
        ("deceased", "Falecido", d.deceased),
        ("do_not_contact", "Não contatar", d.do_not_contact),
        (
            "over_indebtedness",
            "Superendividamento",
            d.over_indebtedness,
        ),
        ("dispute", "Em disputa", d.dispute),
    ]
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "pj" | "cnpj" | "PJ" => "PJ",
        _ => "PF",
    }
}

impl DebtorLine {
    fn of(d: &DebtorRow, balance: Option<&DebtorBalance>) -> Self {
        let (open_count, open_balance, late, late_class) = match balance {
            None => ("—".into(), "—".into(), "—".into(), ""),
            Some(b) if b.days_past_due > 0 => (
                format::count(b.open_receivables),
                format::money(b.open_balance),
                match b.days_past_due {
                    1 => "1 dia".into(),
                    n => format!("{} dias", format::count(n)),
                },
                "bad",
            ),
            Some(b) => (
                format::count(b.open_receivables),
                format::money(b.open_balance),
                "em dia".into(),
                "",
            ),
        };
        Self {
            id: d.id,
            name: d.name.clone(),
            document: masked(&d.document),
            kind: kind_label(&d.kind),
            flags: flags_of(d),
            tags: d.tags.clone(),
            open_count,
            open_balance,
            late,
            late_class,
        }
    }
}

/// The lines of the list for `rows`, with what each debtor owes today in
/// the organization's time zone (one query for the page).
async fn lines(
    state: &AppState,
    s: &UserSession,
    rows: &[DebtorRow],
) -> Result<Vec<DebtorLine>, PageError> {
    let balances = state
        .app
        .debtor_balances_today(&s.0.principal, rows)
        .await?;
    Ok(rows
        .iter()
        .map(|d| DebtorLine::of(d, balances.get(&d.id)))
        .collect())
}

#[derive(Template)]
#[template(path = "devedores.html")]
struct ListPage {
    layout: Option<Layout>,
    q: String,
    debtors: Vec<DebtorLine>,
    searched: bool,
    paged: bool,
    next: Option<String>,
    previous: Option<String>,
    can_enrich: bool,
    /// What the results are, in words (the live region's text).
    status: String,
    /// The status line comes out of band (an htmx fragment): never here.
    oob: bool,
}

#[derive(Template)]
#[template(path = "devedores_lista.html")]
struct ListFragment {
    debtors: Vec<DebtorLine>,
    searched: bool,
    paged: bool,
    next: Option<String>,
    previous: Option<String>,
    status: String,
    /// Always here: the status line replaces the page's, out of band.
    oob: bool,
}

/// What a page of results is, in words, for the polite live region above
/// them: the count found, that the search stopped at its limit, or the
/// size of a page of the list (none on its first page: nothing changed).
fn status_text(searched: bool, paged: bool, shown: usize, limited: Option<i64>) -> String {
    let shown = i64::try_from(shown).unwrap_or(i64::MAX);
    match (searched, limited) {
        (true, Some(n)) => format!(
            "Mais de {} devedores encontrados: mostrando os primeiros {} — refine a busca.",
            format::count(n),
            format::count(n)
        ),
        (true, None) if shown == 0 => "Nenhum devedor encontrado.".to_owned(),
        (true, None) => format!(
            "{} encontrado{}.",
            format::plural(shown, "devedor", "devedores"),
            if shown == 1 { "" } else { "s" }
        ),
        (false, _) if paged => format!(
            "{} nesta página.",
            format::plural(shown, "devedor", "devedores")
        ),
        (false, _) => String::new(),
    }
}

/// The list's own address for a search or page (`/devedores?q=silva`), so
/// that the live search leaves it in the address bar: a reload or Back
/// shows the same results.
fn list_address(q: &SearchQuery) -> String {
    let mut params: Vec<(&str, &str)> = Vec::new();
    if !q.q.trim().is_empty() {
        params.push(("q", q.q.as_str()));
    } else if let Some(a) = q.after.as_deref().filter(|a| !a.trim().is_empty()) {
        params.push(("after", a));
    } else if let Some(b) = q.before.as_deref().filter(|b| !b.trim().is_empty()) {
        params.push(("before", b));
    }
    if params.is_empty() {
        "/devedores".to_owned()
    } else {
        format!(
            "/devedores?{}",
            serde_urlencoded::to_string(params).unwrap_or_default()
        )
    }
}

/// Debtors per page of the list.
const PAGE: i64 = 50;

/// The most debtors a search shows.
const SEARCH_LIMIT: i64 = 100;

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    /// The cursor of the next page (a debtor id, from "Próxima página").
    #[serde(default)]
    after: Option<String>,
    /// The cursor of the previous page (a debtor id, from "Página
    /// anterior").
    #[serde(default)]
    before: Option<String>,
}

/// Why a page's `after` or `before` does not read.
pub enum BadCursor {
    /// The named parameter is not a debtor id.
    NotAnId(&'static str),
    /// Both were given.
    Both,
}

/// A list cursor as links and the API carry it: the debtor id, then when
/// the page was read (milliseconds), `2622.1764650000000`, so that a
/// debtor renamed since keeps its place (no name in the address).
pub fn cursor_text(id: i64, read_at: Timestamp) -> String {
    format!("{id}.{}", read_at.as_millisecond())
}

/// Where a page of the debtor list starts, from the `after` or `before`
/// of a link or an API call (at most one of them; blank is absent): the
/// id, and when its page was read if the cursor says ([`cursor_text`]).
pub fn cursor(
    after: Option<&str>,
    before: Option<&str>,
) -> Result<(Keyset, Option<Timestamp>), BadCursor> {
    let read = |field: &'static str, raw: Option<&str>| match raw.map(str::trim) {
        Some(raw) if !raw.is_empty() => {
            let (id, at) = match raw.split_once('.') {
                Some((id, ms)) => (id, Some(ms)),
                None => (raw, None),
            };
            let id = id.parse::<i64>().map_err(|_| BadCursor::NotAnId(field))?;
            let at = match at {
                Some(ms) => Some(
                    ms.parse::<i64>()
                        .ok()
                        .and_then(|ms| Timestamp::from_millisecond(ms).ok())
                        .ok_or(BadCursor::NotAnId(field))?,
                ),
                None => None,
            };
            Ok(Some((id, at)))
        }
        _ => Ok(None),
    };
    match (read("after", after)?, read("before", before)?) {
        (Some(_), Some(_)) => Err(BadCursor::Both),
        (Some((id, at)), None) => Ok((Keyset::After(id), at)),
        (None, Some((id, at))) => Ok((Keyset::Before(id), at)),
        (None, None) => Ok((Keyset::START, None)),
    }
}

struct Found {
    debtors: Vec<DebtorLine>,
    next: Option<String>,
    previous: Option<String>,
    paged: bool,
    /// `Some(SEARCH_LIMIT)` when the search found more than that.
    limited: Option<i64>,
}

async fn find(state: &AppState, s: &UserSession, q: &SearchQuery) -> Result<Found, PageError> {
    let p = &s.0.principal;
    p.require(Role::Agent)?;
    if q.q.trim().is_empty() {
        // Every debtor, by name, one page at a time (keyset).
        let cursor = cursor(q.after.as_deref(), q.before.as_deref()).map_err(|e| {
            PageError(match e {
                BadCursor::NotAnId(field) => AppError::invalid(field, "cursor inválido"),
                BadCursor::Both => AppError::invalid("before", "use after ou before, não os dois"),
            })
        })?;
        let pg = state.app.debtors_page(p, cursor, PAGE).await?;
        Ok(Found {
            debtors: lines(state, s, &pg.debtors).await?,
            next: pg.next.map(|id| cursor_text(id, pg.read_at)),
            previous: pg.previous.map(|id| cursor_text(id, pg.read_at)),
            paged: cursor.0 != Keyset::START,
            limited: None,
        })
    } else {
        let found = state
            .app
            .debtor_search(p.org_id, &q.q, SEARCH_LIMIT)
            .await?;
        Ok(Found {
            debtors: lines(state, s, &found.debtors).await?,
            next: None,
            previous: None,
            paged: false,
            limited: found.truncated.then_some(SEARCH_LIMIT),
        })
    }
}

pub async fn list(
    State(state): State<AppState>,
    s: UserSession,
    PageQuery(q): PageQuery<SearchQuery>,
) -> Result<Response, PageError> {
    list_page(&state, &s, q).await
}

async fn list_page(
    state: &AppState,
    s: &UserSession,
    q: SearchQuery,
) -> Result<Response, PageError> {
    let found = find(state, s, &q).await?;
    let searched = !q.q.trim().is_empty();
    Ok(page(&ListPage {
        layout: Some(Layout::new(state, &s.0, "/devedores").await?),
        status: status_text(searched, found.paged, found.debtors.len(), found.limited),
        oob: false,
        searched,
        q: q.q,
        debtors: found.debtors,
        paged: found.paged,
        next: found.next,
        previous: found.previous,
        can_enrich: s.0.principal.role.allows(Role::Supervisor),
    }))
}

/// The result rows alone, for the htmx live search and "Próxima página"
/// (with the status line out of band, and the list's address to put in
/// the address bar); opened as an address (no `HX-Request`), the whole
/// list page with those results.
pub async fn search(
    State(state): State<AppState>,
    s: UserSession,
    headers: axum::http::HeaderMap,
    PageQuery(q): PageQuery<SearchQuery>,
) -> Result<Response, PageError> {
    if !headers.contains_key("hx-request") {
        return list_page(&state, &s, q).await;
    }
    let found = find(&state, &s, &q).await?;
    let searched = !q.q.trim().is_empty();
    let mut res = page(&ListFragment {
        status: status_text(searched, found.paged, found.debtors.len(), found.limited),
        oob: true,
        debtors: found.debtors,
        searched,
        paged: found.paged,
        next: found.next,
        previous: found.previous,
    });
    if let Ok(v) = axum::http::HeaderValue::from_str(&list_address(&q)) {
        res.headers_mut().insert("hx-push-url", v);
    }
    Ok(res)
}
