//! The debtor 360° view (with its contracts and their effective terms, and
//! the LGPD record of who opened it), the keyset list of debtors, and search.

use std::collections::HashMap;

use jiff::{Timestamp, civil::Date};
use quita_core::role::Role;
use quita_core::{
    contract::effective_policy,
    debt_update::{DebtUpdate, DebtUpdateError, DebtUpdateRequest, debt_update},
    index_table::{IndexError, YearMonth},
    money::Money,
};
use quita_store::audit;
use quita_store::portfolio::{
    Keyset,
    access::{self, AccessChannel, AccessRow},
    contacts::{self, ContactRow},
    contracts::{self, ContractRow},
    creditors::Creditor,
    debtors::{self, DebtorRow, SearchField},
    receivables::{self, ReceivableRow},
};
use serde::Serialize;

use super::{
    IdOrDocument, calendar,
    contracts::{EffectiveTerms, effective_terms},
    keyset_page, name_key,
};
use crate::{
    App, AppError, AppResult,
    access_spool::{SPOOL_AFTER, SpooledAccess},
    auth::Principal,
};

/// What a listed debtor owes on a date: the debtor list's balance columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DebtorBalance {
    /// Open or partially paid receivables.
    pub open_receivables: i64,
    pub open_balance: Money,
    /// Days past due of the oldest of them, counted as the aging list does
    /// (from the business-day-adjusted due date); zero or less when none is
    /// past due yet.
    pub days_past_due: i64,
}

/// One receivable with its creditor and its debt update on the view's date.
#[derive(Debug, Clone)]
pub struct ReceivableView {
    pub receivable: ReceivableRow,
    pub creditor_name: String,
    pub update: Option<DebtUpdate>,
    /// Why a collectable receivable has no `update` (else `None`).
    pub update_problem: Option<UpdateProblem>,
}

/// Why the updated amount of a collectable receivable could not be
/// computed: what the page and the API say in its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateProblem {
    /// Its terms correct by `index` (a table name: `ipca`) and the
    /// organization has no table of that name.
    MissingIndexTable { index: String },
    /// The table `index` has no value for `month`, which the period needs
    /// (before the table's first month, or a gap in it).
    IndexMonthMissing { index: String, month: YearMonth },
    /// Issued after the date asked (a past date on the debtor page): it
    /// was not owed yet, so it has no amount then and is left out of the
    /// totals.
    NotYetIssued { issued: Date },
    /// Anything else (amounts too large to calculate…), in English.
    Other(String),
}

impl UpdateProblem {
    /// The problem of a failed debt update under a policy correcting by
    /// `index` (its table name, if any).
    pub fn of(e: &DebtUpdateError, index: Option<&str>) -> Self {
        match (e, index) {
            (DebtUpdateError::MissingIndexTable(_), Some(name)) => Self::MissingIndexTable {
                index: name.to_owned(),
            },
            (DebtUpdateError::Index(IndexError::MissingMonth { index, month }), _) => {
                Self::IndexMonthMissing {
                    index: index.clone(),
                    month: *month,
                }
            }
            (other, _) => Self::Other(other.to_string()),
        }
    }

    /// The index table the problem is about, if it is about one.
    pub fn index(&self) -> Option<&str> {
        match self {
            Self::MissingIndexTable { index } | Self::IndexMonthMissing { index, .. } => {
                Some(index)
            }
            Self::NotYetIssued { .. } | Self::Other(_) => None,
        }
    }

    /// A stable code for the API: `missing_index_table`,
    /// `index_month_missing`, `not_yet_issued` or `not_computable`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingIndexTable { .. } => "missing_index_table",
            Self::IndexMonthMissing { .. } => "index_month_missing",
            Self::NotYetIssued { .. } => "not_yet_issued",
            Self::Other(_) => "not_computable",
        }
    }
}

impl std::fmt::Display for UpdateProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::MissingIndexTable { index } => write!(
                f,
                "the terms correct by {index} and no {index} index table was imported"
            ),
            Self::IndexMonthMissing { index, month } => {
                write!(f, "the {index} index table has no value for {month}")
            }
            Self::NotYetIssued { issued } => {
                write!(f, "issued on {issued}, after the date asked")
            }
            Self::Other(m) => f.write_str(m),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CreditorTotal {
    pub creditor_id: i64,
    pub creditor_name: String,
    pub count: u64,
    pub open_balance: Money,
    /// Open balance plus charges; a receivable whose update could not be
    /// computed counts at its open balance (see `not_updated`).
    pub updated_amount: Money,
    /// Collectable receivables whose updated amount could not be computed
    /// (an index table missing or not covering the period).
    pub not_updated: u64,
}

/// A creditor's own terms, which its receivables under no contract follow.
#[derive(Debug, Clone)]
pub struct CreditorTerms {
    pub creditor_id: i64,
    pub creditor_name: String,
    pub terms: EffectiveTerms,
}

/// One of the debtor's contracts with the terms in force and its receivables.
#[derive(Debug, Clone)]
pub struct ContractView {
    pub contract: ContractRow,
    pub creditor_name: String,
    pub terms: EffectiveTerms,
    /// Indices into [`Debtor360::receivables`].
    pub receivables: Vec<usize>,
    pub first_due: Option<Date>,
    pub last_due: Option<Date>,
    /// Open balance of its collectable receivables.
    pub open_balance: Money,
}

#[derive(Debug, Clone)]
pub struct Debtor360 {
    pub debtor: DebtorRow,
    pub contacts: Vec<ContactRow>,
    pub receivables: Vec<ReceivableView>,
    /// The debtor's contracts, each with its receivables.
    pub contracts: Vec<ContractView>,
    /// Indices into `receivables` of those under no contract.
    pub without_contract: Vec<usize>,
    /// The terms those follow: their creditors' own, by creditor id.
    pub creditor_terms: Vec<CreditorTerms>,
    pub totals: Vec<CreditorTotal>,
    pub on: Date,
}

/// What the debtor owes to all its creditors together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DebtorTotal {
    pub count: u64,
    pub open_balance: Money,
    pub updated_amount: Money,
}

impl Debtor360 {
    /// The sum of [`Debtor360::totals`]; `None` if it overflows.
    pub fn total(&self) -> Option<DebtorTotal> {
        self.totals.iter().try_fold(
            DebtorTotal {
                count: 0,
                open_balance: Money::ZERO,
                updated_amount: Money::ZERO,
            },
            |sum, t| {
                Some(DebtorTotal {
                    count: sum.count.checked_add(t.count)?,
                    open_balance: sum.open_balance.checked_add(t.open_balance)?,
                    updated_amount: sum.updated_amount.checked_add(t.updated_amount)?,
                })
            },
        )
    }
}

/// One page of the organization's debtors by name.
#[derive(Debug, Clone)]
pub struct DebtorPage {
    pub debtors: Vec<DebtorRow>,
    /// The cursor of the next page (the last debtor's id), if there is one.
    pub next: Option<i64>,
    /// The cursor of the previous page (`Keyset::Before` the first
    /// debtor's id), if there is one.
    pub previous: Option<i64>,
    /// When the page was read: give it back with either cursor, so that a
    /// debtor renamed since keeps its place ([`App::debtors_page`]).
    pub read_at: Timestamp,
}

/// What a search made of digits may be, in the order tried.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Candidate {
    /// CPF/CNPJ digits, by prefix.
    Document(String),
    /// An E.164 phone or its start, by prefix.
    Phone(String),
    /// A number written without its DDD: exactly one of these phones.
    LocalPhone(Vec<String>),
    /// The start of a number written without its DDD: the start of one of
    /// these phones.
    LocalPhoneStart(Vec<String>),
}

/// The readings of a search made of digits (and `.-/()+ x`): the CPF/CNPJ
/// by prefix; the CPF/CNPJ a spreadsheet stripped of its leading zeros;
/// the whole phone as the import stores it (ninth digit and all); a number
/// written without its DDD, under every DDD, or else the start of a phone,
/// with or without the country code.
fn number_candidates(q: &str, digits: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    // `+55`, a carrier placeholder or a DDD in parentheses is a phone: no
    // CPF or CNPJ is written that way.
    if !q.contains(['x', 'X', '+', '(', ')']) {
        out.push(Candidate::Document(digits.to_owned()));
        if matches!(digits.len(), 9 | 10 | 12 | 13)
            && let Ok(d) = quita_core::import_row::parse_document(digits)
        {
            out.push(Candidate::Document(d.digits().to_owned()));
        }
    }
    if let Ok(phone) = quita_core::contact::Phone::parse(q) {
        out.push(Candidate::Phone(phone.e164()));
    }
    // A whole local number (8 or 9 digits) may also be the start of a
    // longer one (8 of a mobile's 9), or a DDD and the start of a number
    // (`62 97474-2`): every reading is asked.
    let local = quita_core::contact::Phone::under_every_ddd(q);
    if !local.is_empty() {
        out.push(Candidate::LocalPhone(
            local.into_iter().map(|p| p.e164()).collect(),
        ));
    }
    let starts = quita_core::contact::Phone::starts_under_every_ddd(q);
    if !starts.is_empty() {
        out.push(Candidate::LocalPhoneStart(starts));
    }
    // Written in a local number's shape (`91234-5678`, `3123 4567`), it is
    // no DDD followed by the start of a number.
    if let Some(prefix) = phone_prefix(q, digits).filter(|_| !has_local_shape(q)) {
        out.push(Candidate::Phone(prefix));
    }
    out.dedup();
    out
}

/// Two groups of digits, four or five then four: how a number without its
/// DDD is written.
fn has_local_shape(q: &str) -> bool {
    let groups: Vec<usize> = q
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .map(str::len)
        .collect();
    matches!(groups.as_slice(), [4 | 5, 4])
}

/// The debtors of several readings of one search, in order, each once.
#[derive(Default)]
struct Readings {
    found: debtors::Found,
    seen: std::collections::HashSet<i64>,
}

impl Readings {
    fn add(&mut self, found: debtors::Found) {
        self.found.truncated |= found.truncated;
        for d in found.debtors {
            if self.seen.insert(d.id) {
                self.found.debtors.push(d);
            }
        }
    }

    /// The first `limit`, and whether there were more.
    fn page(mut self, limit: i64) -> debtors::Found {
        let limit = usize::try_from(limit.clamp(1, debtors::SEARCH_LIMIT_MAX)).unwrap_or(1);
        self.found.truncated |= self.found.debtors.len() > limit;
        self.found.debtors.truncate(limit);
        self.found
    }
}

/// The longest search: a name may have 200 characters.
const MAX_QUERY_CHARS: usize = 200;

/// The start of an E.164 phone a search's digits may be: with the country
/// code as typed (`+55 11 9…`, `55 11 9…`), else after `+55`, one trunk `0`
/// aside (`011 9…`). `None` when nothing past the country code is left or
/// the DDD would start with 0 (`+`, `+55`, `0000000`): such a start is
/// every phone.
fn phone_prefix(q: &str, digits: &str) -> Option<String> {
    let international = q.starts_with('+') || (digits.starts_with("55") && digits.len() >= 12);
    let national = if international {
        digits.strip_prefix("55")?
    } else {
        digits.strip_prefix('0').unwrap_or(digits)
    };
    if national.is_empty() || national.starts_with('0') {
        return None;
    }
    Some(format!("+55{national}"))
}

/// A search that may be the start of an alphanumeric CNPJ (IN RFB
/// 2.229/2024): letters and digits with the mask's `.`, `/` and `-`, at
/// least one of each kind, at most 14 once unmasked, the last two (check
/// digits) only digits; upper-cased as stored.
fn alphanumeric_cnpj_prefix(q: &str) -> Option<String> {
    if !q
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || ".-/".contains(c))
    {
        return None;
    }
    let bare: String = q
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let letters = bare.chars().any(|c| c.is_ascii_alphabetic());
    let digits = bare.chars().any(|c| c.is_ascii_digit());
    let check_digits_ok = bare.chars().skip(12).all(|c| c.is_ascii_digit());
    (letters && digits && bare.len() <= 14 && check_digits_ok).then_some(bare)
}

impl App {
    /// Opens a debtor's 360° view for a user or token (agent) and records
    /// the access (who, which debtor, when, through which channel) in the
    /// append-only access log before answering (LGPD). A debtor that is
    /// not the organization's is `NotFound`, and nothing is recorded.
    pub async fn open_debtor_360(
        &self,
        who: &Principal,
        id: i64,
        on: Date,
        channel: AccessChannel,
    ) -> AppResult<Debtor360> {
        who.require(Role::Agent)?;
        let view = self.debtor_360(who.org_id, id, on).await?;
        let Some(spool) = &self.access_spool else {
            let mut tx = self.db.begin_write().await?;
            access::record(&mut tx, who.org_id, id, who.actor, channel, self.now()).await?;
            tx.commit().await?;
            return Ok(view);
        };
        match self.db.try_begin_write(SPOOL_AFTER).await? {
            Some(mut tx) => {
                access::record(&mut tx, who.org_id, id, who.actor, channel, self.now()).await?;
                tx.commit().await?;
                // The writer is free: accesses spooled meanwhile join the log.
                if let Err(e) = spool.drain(&self.db).await {
                    tracing::warn!(error = %e, "access spool not moved");
                }
            }
            None => {
                let access = SpooledAccess::new(who.org_id, id, who.actor, channel, self.now());
                spool.append(&access).await?;
            }
        }
        Ok(view)
    }

    /// The newest accesses to a debtor's record (supervisor and admin).
    pub async fn debtor_accesses(
        &self,
        who: &Principal,
        id: i64,
        before_id: Option<i64>,
        limit: i64,
    ) -> AppResult<Vec<AccessRow>> {
        who.require(Role::Supervisor)?;
        debtors::get(&self.db, who.org_id, id).await?;
        // Accesses still in the spool join the log first, if the writer is
        // free by now.
        if let Some(spool) = &self.access_spool
            && let Err(e) = spool.drain(&self.db).await
        {
            tracing::warn!(error = %e, "access spool not moved");
        }
        Ok(access::list_for_debtor(&self.db, who.org_id, id, before_id, limit).await?)
    }

    /// A page of the organization's debtors by name then id (agent), from
    /// `cursor` (a previous page's `next` or `previous`, with its
    /// `read_at`). The cursor is a debtor id; its place in the list is the
    /// name it had when that page was read: renamed since ("Corrigir
    /// nome"), it would otherwise move, and the next page skip or repeat.
    pub async fn debtors_page(
        &self,
        who: &Principal,
        (cursor, read_at): (Keyset, Option<Timestamp>),
        limit: i64,
    ) -> AppResult<DebtorPage> {
        who.require(Role::Agent)?;
        let limit = limit.clamp(1, 200);
        let now = self.now();
        let key = match read_at {
            Some(at) if cursor.id() != 0 => self.name_key_at(who.org_id, cursor.id(), at).await?,
            _ => None,
        };
        let rows = debtors::page(&self.db, who.org_id, (cursor, key.as_deref()), limit + 1).await?;
        let page = keyset_page::cut(rows, cursor, usize::try_from(limit).unwrap_or(200), |d| {
            d.id
        });
        Ok(DebtorPage {
            debtors: page.rows,
            next: page.next,
            previous: page.previous,
            read_at: now,
        })
    }

    /// The name key a debtor had at `at`, if it was renamed since (the
    /// first rename after it keeps the former name); `None`: as now.
    async fn name_key_at(&self, org_id: i64, id: i64, at: Timestamp) -> AppResult<Option<String>> {
        let target = format!("debtor:{id}");
        let renamed = audit::first_after(&self.db, org_id, (&target, "debtor_renamed"), at).await?;
        Ok(renamed.and_then(|e| e.details["from"].as_str().map(name_key)))
    }

    /// What each of the given debtors of `org_id` owes on `as_of` (debtors
    /// with nothing collectable, and other organizations', are absent): one
    /// query per 500 debtors, for a page of the list or a search result.
    pub async fn debtor_balances(
        &self,
        org_id: i64,
        ids: &[i64],
        as_of: Date,
    ) -> AppResult<HashMap<i64, DebtorBalance>> {
        let rows = receivables::open_by_debtor(&self.db, org_id, ids).await?;
        Ok(rows
            .into_iter()
            .map(|o| {
                let balance = DebtorBalance {
                    open_receivables: o.count,
                    open_balance: Money::from_centavos(o.open_balance),
                    days_past_due: quita_core::calendar::days_between(o.oldest_adjusted_due, as_of),
                };
                (o.debtor_id, balance)
            })
            .collect())
    }

    /// What each of the listed debtors owes today, in the organization's
    /// time zone: what the debtor list and search show beside each line.
    pub async fn debtor_balances_today(
        &self,
        who: &Principal,
        rows: &[DebtorRow],
    ) -> AppResult<HashMap<i64, DebtorBalance>> {
        let today = self.today_for(who).await?;
        let ids: Vec<i64> = rows.iter().map(|d| d.id).collect();
        self.debtor_balances(who.org_id, &ids, today).await
    }

    /// Everything about one debtor of `org_id`, amounts updated to `on`, in
    /// a fixed number of queries (debtor, contacts, receivables, contracts,
    /// creditors, index tables), whatever the number of receivables.
    /// As in the aging, a receivable issued after a past `on` was not owed
    /// then and is left out; on today or later, one issued after it (the
    /// next installments of a plan) counts, updated as not yet due.
    pub async fn debtor_360(&self, org_id: i64, id: i64, on: Date) -> AppResult<Debtor360> {
        let org = quita_store::orgs::get(&self.db, org_id).await?;
        let past = on < self.clock.today_in(&org.time_zone);
        let debtor = debtors::get(&self.db, org_id, id).await?;
        let contacts = contacts::list_for_debtor(&self.db, org_id, id).await?;
        let rows = receivables::list_for_debtor(&self.db, org_id, id).await?;
        let contract_rows = contracts::list_for_debtor(&self.db, org_id, id).await?;
        let terms_of: HashMap<i64, &ContractRow> =
            contract_rows.iter().map(|c| (c.id, c)).collect();
        let creditors = self.creditors_by_id(org_id).await?;
        let tables = self.index_tables(org_id).await?;
        let mut totals: Vec<CreditorTotal> = Vec::new();
        let mut views = Vec::with_capacity(rows.len());
        for r in rows {
            let creditor = creditors.get(&r.creditor_id);
            let not_yet_issued = r.issue_date.filter(|d| past && *d > on);
            let computed = match (creditor, r.status.is_collectable()) {
                (Some(_), true) if not_yet_issued.is_some() => {
                    not_yet_issued.map(|issued| Err(UpdateProblem::NotYetIssued { issued }))
                }
                (Some(c), true) => {
                    let terms = r
                        .contract_id
                        .and_then(|cid| terms_of.get(&cid))
                        .and_then(|k| k.terms.as_ref());
                    let policy = effective_policy(&c.policy, terms);
                    let table_name = policy.correction().table_name();
                    let index = table_name.and_then(|n| tables.get(n));
                    let req = DebtUpdateRequest {
                        principal: Money::from_centavos(r.open_balance),
                        due_date: r.due_date,
                        on,
                        payments: Money::ZERO,
                        policy: &policy,
                        index,
                    };
                    let original = Money::from_centavos(r.original_amount);
                    Some(
                        debt_update(&req, calendar())
                            .map(|u| u.on_open_balance(original))
                            .map_err(|e| UpdateProblem::of(&e, table_name)),
                    )
                }
                _ => None,
            };
            let (update, update_problem) = match computed {
                Some(Ok(u)) => (Some(u), None),
                Some(Err(p)) => (None, Some(p)),
                None => (None, None),
            };
            let name =
                creditor.map_or_else(|| format!("credor #{}", r.creditor_id), |c| c.name.clone());
            if r.status.is_collectable() && not_yet_issued.is_none() {
                let open = Money::from_centavos(r.open_balance);
                let updated = update.as_ref().map_or(open, |u| u.total());
                let not_updated = u64::from(update_problem.is_some());
                match totals.iter_mut().find(|t| t.creditor_id == r.creditor_id) {
                    Some(t) => {
                        t.count += 1;
                        t.not_updated += not_updated;
                        t.open_balance = t.open_balance.checked_add(open).unwrap_or(t.open_balance);
                        t.updated_amount = t
                            .updated_amount
                            .checked_add(updated)
                            .unwrap_or(t.updated_amount);
                    }
                    None => totals.push(CreditorTotal {
                        creditor_id: r.creditor_id,
                        creditor_name: name.clone(),
                        count: 1,
                        open_balance: open,
                        updated_amount: updated,
                        not_updated,
                    }),
                }
            }
            views.push(ReceivableView {
                receivable: r,
                creditor_name: name,
                update,
                update_problem,
            });
        }
        let mut contract_views: Vec<ContractView> = contract_rows
            .into_iter()
            .map(|k| {
                let creditor = creditors.get(&k.creditor_id);
                ContractView {
                    creditor_name: creditor
                        .map_or_else(|| format!("credor #{}", k.creditor_id), |c| c.name.clone()),
                    terms: contract_terms(&creditors, &k),
                    contract: k,
                    receivables: Vec::new(),
                    first_due: None,
                    last_due: None,
                    open_balance: Money::ZERO,
                }
            })
            .collect();
        let mut without_contract = Vec::new();
        for (i, v) in views.iter().enumerate() {
            let r = &v.receivable;
            match r
                .contract_id
                .and_then(|cid| contract_views.iter_mut().find(|k| k.contract.id == cid))
            {
                Some(k) => {
                    k.receivables.push(i);
                    k.first_due = Some(k.first_due.map_or(r.due_date, |d| d.min(r.due_date)));
                    k.last_due = Some(k.last_due.map_or(r.due_date, |d| d.max(r.due_date)));
                    if r.status.is_collectable() {
                        k.open_balance = k
                            .open_balance
                            .checked_add(Money::from_centavos(r.open_balance))
                            .unwrap_or(k.open_balance);
                    }
                }
                None => without_contract.push(i),
            }
        }
        let mut creditor_ids: Vec<i64> = without_contract
            .iter()
            .map(|i| views[*i].receivable.creditor_id)
            .collect();
        creditor_ids.sort_unstable();
        creditor_ids.dedup();
        let creditor_terms = creditor_ids
            .into_iter()
            .filter_map(|id| creditors.get(&id))
            .map(|c| CreditorTerms {
                creditor_id: c.id,
                creditor_name: c.name.clone(),
                terms: effective_terms(&c.policy, None),
            })
            .collect();
        Ok(Debtor360 {
            debtor,
            contacts,
            receivables: views,
            contracts: contract_views,
            without_contract,
            creditor_terms,
            totals,
            on,
        })
    }

    /// Debtors matching a search, at most `limit` (1–200): [`debtor_search`]
    /// without the `truncated` flag.
    ///
    /// [`debtor_search`]: Self::debtor_search
    pub async fn search_debtors(
        &self,
        org_id: i64,
        query: &str,
        limit: i64,
    ) -> AppResult<Vec<DebtorRow>> {
        Ok(self.debtor_search(org_id, query, limit).await?.debtors)
    }

    /// Debtors matching a search, at most `limit` (1–200), and whether more
    /// matched. With `@`, an e-mail by prefix. Only digits and `.-/()+ x`:
    /// the debtors of every reading of [`number_candidates`] (CPF/CNPJ,
    /// phone) and of a document number, in that order, each once. Letters and digits that may start an alphanumeric
    /// CNPJ: that CNPJ first. Anything else: a name — those that start with the
    /// text, then those where each word typed starts a word of the name, in
    /// any order, ignoring case and accents
    /// (`quita_store::portfolio::debtors::find_names`) — and what the names
    /// leave of the page goes to the debtors of an e-mail (one word), then of
    /// a document number, starting so. Document numbers by prefix, ignoring
    /// case.
    pub async fn debtor_search(
        &self,
        org_id: i64,
        query: &str,
        limit: i64,
    ) -> AppResult<debtors::Found> {
        let shown = quita_core::text::search_text(query);
        let q = shown.trim();
        // Punctuation alone (`+`, `-`) is the start of everything.
        if !q.chars().any(char::is_alphanumeric) {
            return Ok(debtors::Found::default());
        }
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(AppError::invalid(
                "q",
                format!("busca longa demais (até {MAX_QUERY_CHARS} caracteres)"),
            ));
        }
        if q.contains('@') {
            return Ok(debtors::find(
                &self.db,
                org_id,
                SearchField::Contact,
                &q.to_lowercase(),
                limit,
            )
            .await?);
        }
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        // `0xx31 …` and `(0XX31) …` are phones written with the carrier
        // code's placeholder; an x anywhere else (`X-3`) is a document
        // number's, not a number to read as a phone.
        let carrier_placeholder = q
            .trim_start_matches('(')
            .get(..3)
            .is_some_and(|s| s.eq_ignore_ascii_case("0xx"));
        let only_number_chars = q
            .chars()
            .all(|c| c.is_ascii_digit() || " .-/()+".contains(c))
            || (carrier_placeholder
                && q.chars()
                    .all(|c| c.is_ascii_digit() || " .-/()+xX".contains(c))
                && q.chars().filter(|c| matches!(c, 'x' | 'X')).count() == 2);
        if only_number_chars && !digits.is_empty() {
            // Every reading, in order, each debtor once: a CPF that starts
            // with a phone's digits must not hide the phone's owner, nor
            // either hide a receivable numbered so.
            let mut all = Readings::default();
            for candidate in number_candidates(q, &digits) {
                let found = match candidate {
                    Candidate::Document(d) => {
                        debtors::find(&self.db, org_id, SearchField::Document, &d, limit).await?
                    }
                    Candidate::Phone(p) => {
                        debtors::find(&self.db, org_id, SearchField::Contact, &p, limit).await?
                    }
                    Candidate::LocalPhone(phones) => {
                        debtors::find_by_contact_values(&self.db, org_id, &phones, limit).await?
                    }
                    // One index range per DDD, until the page is full.
                    Candidate::LocalPhoneStart(starts) => {
                        self.debtors_by_phone_starts(org_id, starts, limit).await?
                    }
                };
                all.add(found);
            }
            let by_number =
                debtors::find(&self.db, org_id, SearchField::DocumentNumber, q, limit).await?;
            all.add(by_number);
            return Ok(all.page(limit));
        }
        // The start of an alphanumeric CNPJ (`12.ABC.345/01DE-35`, stored
        // `12ABC34501DE35`), in either case.
        if let Some(cnpj) = alphanumeric_cnpj_prefix(q) {
            let found =
                debtors::find(&self.db, org_id, SearchField::Document, &cnpj, limit).await?;
            if !found.debtors.is_empty() {
                return Ok(found);
            }
        }
        let by_name =
            debtors::find(&self.db, org_id, SearchField::Name, &name_key(q), limit).await?;
        if by_name.truncated || by_name.debtors.len() >= usize::try_from(limit).unwrap_or(0) {
            return Ok(by_name);
        }
        // Names first; what they leave of the page goes to the debtors of
        // an e-mail (one word: `joao.silva`) and of a document number
        // (`NF-`, `nf 000125`) starting so, each debtor once.
        let mut all = Readings::default();
        all.add(by_name);
        if !q.contains(char::is_whitespace) {
            let by_email = debtors::find(
                &self.db,
                org_id,
                SearchField::Contact,
                &q.to_lowercase(),
                limit,
            )
            .await?;
            all.add(by_email);
        }
        all.add(debtors::find(&self.db, org_id, SearchField::DocumentNumber, q, limit).await?);
        Ok(all.page(limit))
    }

    /// The debtors of phones starting with one of `starts` (one per DDD),
    /// in order, each once, until the page is full; then one debtor more
    /// under a later DDD is all "more matched" needs.
    async fn debtors_by_phone_starts(
        &self,
        org_id: i64,
        starts: Vec<String>,
        limit: i64,
    ) -> AppResult<debtors::Found> {
        let mut found = Readings::default();
        for start in starts {
            let room = limit - i64::try_from(found.seen.len()).unwrap_or(limit);
            let more =
                debtors::find(&self.db, org_id, SearchField::Contact, &start, room.max(1)).await?;
            if room <= 0 {
                if more.debtors.iter().any(|d| !found.seen.contains(&d.id)) {
                    found.found.truncated = true;
                    break;
                }
                continue;
            }
            found.add(more);
            if found.found.truncated {
                break;
            }
        }
        Ok(found.found)
    }

    /// A debtor by id or by CPF/CNPJ (with or without punctuation).
    pub async fn find_debtor(&self, org_id: i64, id_or_document: &str) -> AppResult<DebtorRow> {
        match IdOrDocument::parse(id_or_document, "debtor")? {
            IdOrDocument::Document(doc) => {
                debtors::find_by_document(&self.db, org_id, doc.digits())
                    .await?
                    .ok_or(AppError::NotFound)
            }
            IdOrDocument::Id(id) => Ok(debtors::get(&self.db, org_id, id).await?),
        }
    }

    /// The debtor's contracts with the terms that apply to each.
    pub async fn debtor_contracts(
        &self,
        org_id: i64,
        debtor_id: i64,
    ) -> AppResult<Vec<(ContractRow, EffectiveTerms)>> {
        let creditors = self.creditors_by_id(org_id).await?;
        Ok(contracts::list_for_debtor(&self.db, org_id, debtor_id)
            .await?
            .into_iter()
            .map(|k| {
                let terms = contract_terms(&creditors, &k);
                (k, terms)
            })
            .collect())
    }

    async fn creditors_by_id(&self, org_id: i64) -> AppResult<HashMap<i64, Creditor>> {
        Ok(self
            .creditors(org_id)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect())
    }

    /// Names of the given debtors of `org_id` (ids of other organizations are absent).
    pub async fn debtor_names(&self, org_id: i64, ids: &[i64]) -> AppResult<HashMap<i64, String>> {
        Ok(debtors::names(&self.db, org_id, ids).await?)
    }

    /// The debt update of one stored receivable on `on` (with its memory).
    ///
    /// Only a collectable receivable (open or partially paid) has one: one
    /// that is paid, renegotiated, cancelled or written off is no longer
    /// owed, so it is refused with [`AppError::Conflict`] naming its status
    /// (the debtor page shows "—" for those rows).
    pub async fn receivable_update(
        &self,
        org_id: i64,
        id: i64,
        on: Date,
    ) -> AppResult<(ReceivableRow, DebtUpdate)> {
        let r = receivables::get(&self.db, org_id, id).await?;
        if !r.status.is_collectable() {
            return Err(AppError::Conflict(format!(
                "o título está {}: só um título em aberto tem atualização do débito",
                r.status.pt_br()
            )));
        }
        // At a past date a receivable issued after it was not owed yet, as
        // the 360° and the aging say (today, the next installments of a
        // plan count, updated as not yet due).
        if let Some(issued) = r.issue_date.filter(|d| *d > on) {
            let org = quita_store::orgs::get(&self.db, org_id).await?;
            if on < self.clock.today_in(&org.time_zone) {
                return Err(AppError::invalid(
                    "on",
                    format!(
                        "o título foi emitido em {}, depois desta data: não havia débito a atualizar",
                        issued.strftime("%d/%m/%Y")
                    ),
                ));
            }
        }
        let c = self.creditor(org_id, r.creditor_id).await?;
        let tables = self.index_tables(org_id).await?;
        let contract = match r.contract_id {
            Some(cid) => Some(contracts::get(&self.db, org_id, cid).await?),
            None => None,
        };
        let policy = effective_policy(&c.policy, contract.as_ref().and_then(|k| k.terms.as_ref()));
        let index = policy.correction().table_name().and_then(|n| tables.get(n));
        let req = DebtUpdateRequest {
            principal: Money::from_centavos(r.open_balance),
            due_date: r.due_date,
            on,
            payments: Money::ZERO,
            policy: &policy,
            index,
        };
        let u = debt_update(&req, calendar())
            .map_err(|e| AppError::invalid("receivable", e))?
            .on_open_balance(Money::from_centavos(r.original_amount));
        Ok((r, u))
    }
}

/// The terms that apply to a contract: its own where agreed, else its
/// creditor's policy (the default policy if the creditor is unknown).
fn contract_terms(creditors: &HashMap<i64, Creditor>, k: &ContractRow) -> EffectiveTerms {
    match creditors.get(&k.creditor_id) {
        Some(c) => effective_terms(&c.policy, k.terms.as_ref()),
        None => effective_terms(&Default::default(), k.terms.as_ref()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates(q: &str) -> Vec<Candidate> {
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        number_candidates(q, &digits)
    }

    #[test]
    fn numbers_are_read_every_way_the_import_stores_them() {
        use Candidate::{Document, Phone};
        // An old 8-digit mobile gets its ninth digit, as the import adds it.
        assert!(candidates("(31) 8877-6655").contains(&Phone("+5531988776655".into())));
        for q in ["0xx11 98765-4321", "(0XX11) 98765-4321", "5511987654321"] {
            assert!(
                candidates(q).contains(&Phone("+5511987654321".into())),
                "{q}: {:?}",
                candidates(q)
            );
        }
        // A CPF a spreadsheet stripped of its leading zero.
        let c = candidates("4192832771");
        assert_eq!(c[0], Document("4192832771".into()));
        assert!(c.contains(&Document("04192832771".into())), "{c:?}");
        // A CPF prefix is tried as a document first; a phone prefix later.
        let c = candidates("529.982");
        assert_eq!(c[0], Document("529982".into()));
        assert!(c.contains(&Phone("+55529982".into())));
        assert!(
            !candidates("+55 11 9")
                .iter()
                .any(|c| matches!(c, Document(_))),
            "a + is a phone"
        );
        // So is a DDD in parentheses, however short the rest.
        let c = candidates("(11) 9123");
        assert!(!c.iter().any(|c| matches!(c, Document(_))), "{c:?}");
        assert!(c.contains(&Phone("+55119123".into())), "{c:?}");
        // A number without its DDD is tried under every DDD, and is not
        // the start of a phone whose DDD are its first digits.
        let c = candidates("91234-5678");
        assert!(
            c.iter().any(|c| matches!(c, Candidate::LocalPhone(p) if p.contains(&"+5521912345678".to_owned()))),
            "{c:?}"
        );
        assert!(!c.contains(&Phone("+55912345678".into())), "{c:?}");
        assert_eq!(c[0], Document("912345678".into()), "a CPF prefix too");
        // Typed otherwise, eight or nine digits may also be a DDD and the
        // start of a number, and eight the start of a mobile.
        for q in ["62 97474-2", "62974742", "629747421"] {
            let c = candidates(q);
            assert!(
                c.iter()
                    .any(|c| matches!(c, Phone(p) if p.starts_with("+5562974742"))),
                "{q}: {c:?}"
            );
        }
        assert!(
            candidates("98765-432")
                .iter()
                .any(|c| matches!(c, Candidate::LocalPhoneStart(s) if s.contains(&"+551198765432".to_owned()))),
            "eight of a mobile's nine"
        );
    }
}
