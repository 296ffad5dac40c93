//! The writing half of an import: each batch of parsed rows becomes a few
//! multi-row statements inside the import's one transaction.
//!
//! What earlier batches already settled is remembered for the rest of the
//! file (debtor and contract ids, contacts sent), so a debtor repeated on
//! many rows is written once; and when the creditor had no receivables when
//! the import began, no row needs looking up. The statements go to the
//! transaction's [`TxQueue`] without waiting: new rows get ids taken ahead
//! ([`IdPool`]), so only lookups wait for the database.

use std::{
    collections::{HashMap, HashSet},
    hash::BuildHasher,
};

use jiff::Timestamp;
use quita_core::{
    contract::ContractKind,
    debtor::DebtorKind,
    import_row::ImportRow,
    receivable::{ImportUpdateError, Receivable, ReceivableField},
};
use quita_store::{
    Backend,
    audit::{self, Actor},
    day_number,
    portfolio::{
        contacts::{self, NewContact},
        import::{self as store, IdTable, ImportDebtor, ImportReceivable},
        receivables::ReceivableRow,
    },
};

use super::{
    calendar,
    fingerprints::{FingerprintSet, IdsByKey},
    id_pool::IdPool,
    import::{ImportOptions, ImportOutcome, RowProblem, note_problem},
    name_key,
    tx_queue::TxQueue,
};
use crate::{AppError, AppResult};

/// Rows an import writes before it may defer the secondary indexes: one
/// reader batch. Every row written before the indexes are deferred pays for
/// them and (PostgreSQL) for per-row foreign-key triggers, so a large import
/// should stop early; rebuilding after a small one costs milliseconds, and the
/// rule below keeps a small import into a large table from ever deferring.
const BULK_AFTER: i64 = super::import_read::BATCH as i64;

pub(super) struct BatchWriter<'a> {
    backend: Backend,
    org_id: i64,
    creditor_id: i64,
    opts: &'a ImportOptions,
    /// Who imports: named on the timeline entry of each receivable the
    /// import changes.
    actor: Actor,
    now: Timestamp,
    /// The creditor had no receivables when the import began: every row is new.
    fresh: bool,
    /// The organization had no debtors when the import began.
    no_debtors: bool,
    /// The creditor had no contracts when the import began.
    no_contracts: bool,
    debtor_ids: IdsByKey,
    /// The name key kept for each debtor met (stored, or the first row's),
    /// hashed: a row naming someone else under the same CPF/CNPJ is told.
    name_keys: IdsByKey<(u64, u32)>,
    names: std::hash::RandomState,
    /// Contract numbers met so far: `(id, debtor_id)`.
    contract_ids: IdsByKey<(i64, i64)>,
    /// Contract numbers given the fee clause in this import (`honorarios`).
    with_fee_clause: HashSet<String>,
    /// Contacts already sent in this import (debtor, kind, value).
    contacts_sent: FingerprintSet,
    /// The lengths of the creditor's stored numbers led by a zero, read
    /// when a row first needs them ([`Self::match_dropped_zeros`]).
    zero_led: Option<Vec<i64>>,
    /// Ids for new debtors and contracts when every one is new.
    debtor_pool: IdPool,
    contract_pool: IdPool,
    /// Debtors this import created: their contacts are all new.
    created_debtors: HashSet<i64>,
    /// The creditor's receivables being collected when the import began,
    /// and how many of them the file has named so far: the rest are told
    /// as not in the file.
    collectable_before: i64,
    collectable_named: i64,
    /// Receivables in the table (all organizations) when the import began.
    rows_before: i64,
    rows_written: i64,
    /// Receivables this import inserted or changed so far.
    rows_changed: i64,
    /// Indexes dropped for the rest of a large import, rebuilt by [`finish`](Self::finish).
    deferred: Option<store::DeferredIndexes>,
    /// Time spent in each step, logged at debug level by [`finish`](Self::finish).
    spent: StepTimes,
}

/// Where the writer's time goes (debtors, contacts, contracts, receivables,
/// index rebuild), for `QUITA_LOG=quita_app=debug`. Writes are queued, so
/// each step counts building its statements and waiting for room in the
/// queue, not the database's time for them; the last step also waits for
/// every queued write.
#[derive(Debug, Default)]
struct StepTimes([std::time::Duration; 5]);

impl StepTimes {
    fn add(&mut self, step: usize, since: std::time::Instant) {
        self.0[step] += since.elapsed();
    }
}

impl<'a> BatchWriter<'a> {
    pub async fn start(
        queue: &TxQueue,
        backend: Backend,
        (org_id, creditor_id): (i64, i64),
        (opts, actor): (&'a ImportOptions, Actor),
        now: Timestamp,
    ) -> AppResult<Self> {
        let (fresh, no_debtors, no_contracts, rows_before, collectable_before) = queue
            .call(move |tx| {
                Box::pin(async move {
                    store::prepare_bulk(tx).await?;
                    let fresh = !store::has_receivables(tx, creditor_id).await?;
                    Ok((
                        fresh,
                        !store::has_debtors(tx, org_id).await?,
                        !store::has_contracts(tx, creditor_id).await?,
                        store::receivables_high_water(tx).await?,
                        if fresh {
                            0
                        } else {
                            store::collectable_count(tx, creditor_id).await?
                        },
                    ))
                })
            })
            .await?;
        Ok(Self {
            backend,
            collectable_before,
            collectable_named: 0,
            rows_before,
            rows_written: 0,
            rows_changed: 0,
            deferred: None,
            spent: StepTimes::default(),
            org_id,
            creditor_id,
            opts,
            actor,
            now,
            fresh,
            no_debtors,
            no_contracts,
            debtor_ids: IdsByKey::default(),
            name_keys: IdsByKey::default(),
            names: std::hash::RandomState::new(),
            contract_ids: IdsByKey::default(),
            with_fee_clause: HashSet::new(),
            contacts_sent: FingerprintSet::default(),
            zero_led: None,
            debtor_pool: IdPool::new(IdTable::Debtors),
            contract_pool: IdPool::new(IdTable::Contracts),
            created_debtors: HashSet::new(),
        })
    }

    /// Writes one batch of valid rows and counts what it did in `out`.
    pub async fn write(
        &mut self,
        queue: &TxQueue,
        batch: &[(u64, ImportRow)],
        out: &mut ImportOutcome,
    ) -> AppResult<()> {
        let t = std::time::Instant::now();
        let (debtors, other_name) = self.debtors(queue, batch, out).await?;
        self.spent.add(0, t);
        let t = std::time::Instant::now();
        self.contacts(queue, batch, &debtors, &other_name, out)
            .await?;
        self.spent.add(1, t);
        let t = std::time::Instant::now();
        self.contracts(queue, batch, &debtors).await?;
        self.spent.add(2, t);
        let t = std::time::Instant::now();
        self.receivables(queue, batch, &debtors, out).await?;
        self.spent.add(3, t);
        self.rows_written += batch.len() as i64;
        self.rows_changed =
            (out.summary.receivables_created + out.summary.receivables_updated) as i64;
        // Once an import has inserted or changed more rows than the table
        // held, building the secondary indexes again at the end costs less
        // than keeping them up to date row by row for the rest of the file
        // (a re-import that changes nothing never gets here).
        if self.deferred.is_none()
            && self.rows_changed >= BULK_AFTER
            && self.rows_changed >= self.rows_before
        {
            // `None` while another transaction uses the tables: the next
            // batch tries again.
            self.deferred = queue
                .call(|tx| Box::pin(async move { Ok(store::defer_indexes(tx).await?) }))
                .await?;
        }
        Ok(())
    }

    /// Waits for every write, rebuilds any deferred index and, after a bulk
    /// import, refreshes the PostgreSQL planner's statistics; call before
    /// committing.
    /// The creditor's receivables being collected when the import began
    /// that no row has named.
    pub fn not_in_file(&self) -> u64 {
        u64::try_from(self.collectable_before - self.collectable_named).unwrap_or(0)
    }

    /// True after a bulk import (indexes deferred or statistics refreshed):
    /// its tables are vacuumed once it has committed.
    pub async fn finish(mut self, queue: &TxQueue) -> AppResult<bool> {
        let t = std::time::Instant::now();
        let (deferred, analyze) = (self.deferred.take(), self.rows_changed >= BULK_AFTER);
        queue
            .call(move |tx| {
                Box::pin(async move {
                    if let Some(d) = deferred {
                        store::rebuild_indexes(tx, d).await?;
                    }
                    if analyze {
                        store::analyze_after_bulk(tx).await?;
                    }
                    Ok(())
                })
            })
            .await?;
        self.spent.add(4, t);
        let [debtors, contacts, contracts, receivables, indexes] =
            self.spent.0.map(|d| d.as_millis());
        tracing::debug!(
            rows = self.rows_written,
            debtors_ms = debtors,
            contacts_ms = contacts,
            contracts_ms = contracts,
            receivables_ms = receivables,
            indexes_ms = indexes,
            "import written"
        );
        Ok(analyze)
    }

    /// Debtors not met yet in this import, merged by document (the first
    /// row's name wins; existing debtors keep theirs). A row whose name is
    /// not the one kept for its CPF/CNPJ (ignoring case and accents) gets a
    /// warning naming it: under a known document, another name is more
    /// often a wrong CPF than a new spelling, so the row's título is the
    /// debtor's but its contacts, likely someone else's, are left out (a
    /// collector must not reach a third party about the debt). Returns the
    /// debtor id of each row of the batch, and whether the row had another
    /// name.
    async fn debtors(
        &mut self,
        queue: &TxQueue,
        batch: &[(u64, ImportRow)],
        out: &mut ImportOutcome,
    ) -> AppResult<(Vec<i64>, Vec<bool>)> {
        let (mut new, mut lines) = (Vec::new(), Vec::new());
        let mut in_batch = HashSet::new();
        for (line, r) in batch {
            let doc = r.document().digits();
            if !self.debtor_ids.contains(doc) && in_batch.insert(doc) {
                lines.push(u32::try_from(*line).unwrap_or(u32::MAX));
                new.push(ImportDebtor {
                    document: doc.to_owned(),
                    kind: DebtorKind::of(r.document()).as_str(),
                    name: r.name().as_str().to_owned(),
                    name_key: name_key(r.name().as_str()),
                });
            }
        }
        let stored_names = if new.is_empty() {
            HashMap::new()
        } else {
            self.insert_debtors(queue, new, &lines, out).await?
        };
        let mut other_name = vec![false; batch.len()];
        for ((line, r), other) in batch.iter().zip(&mut other_name) {
            let doc = r.document().digits();
            let key = self.names.hash_one(name_key(r.name().as_str()));
            let Some((kept_key, first_line)) = self.name_keys.get(doc) else {
                continue;
            };
            if kept_key != key {
                *other = true;
                // The name kept: read now, else the line that gave it, else
                // the one registered before (read in an earlier batch).
                let kept = match (stored_names.get(doc), first_line) {
                    (Some(name), _) => format!(" (“{name}”)"),
                    (None, 0) => " (o já registrado)".to_owned(),
                    (None, n) => format!(" (o da linha {n})"),
                };
                note_problem(
                    &mut out.summary.warnings,
                    &mut out.problems,
                    RowProblem::warning(
                        *line,
                        "nome_devedor".into(),
                        r.name().as_str().to_owned(),
                        &format!(
                            "este CPF/CNPJ já tem outro nome{kept}: o título fica com o devedor, que mantém o nome registrado; os contatos da linha ficaram de fora; confira o documento"
                        ),
                    ),
                );
            }
        }
        let ids = batch
            .iter()
            .map(|(_, r)| {
                self.debtor_ids.get(r.document().digits()).ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!("debtor id missing after insert"))
                })
            })
            .collect::<AppResult<_>>()?;
        Ok((ids, other_name))
    }

    /// Inserts the batch's new debtors (looking up those the organization
    /// may have already, unless it had none), remembers their ids and the
    /// name kept for each (the stored one, or the first row's); returns the
    /// stored names of those that existed.
    async fn insert_debtors(
        &mut self,
        queue: &TxQueue,
        new: Vec<ImportDebtor>,
        lines: &[u32],
        out: &mut ImportOutcome,
    ) -> AppResult<HashMap<String, String>> {
        let mut stored_names = HashMap::new();
        if self.no_debtors {
            // Every debtor is new: ids taken ahead, nothing to wait for.
            let ids = self
                .debtor_pool
                .take(queue, self.backend, new.len())
                .await?;
            for (d, line) in new.iter().zip(lines) {
                self.name_keys
                    .insert(&d.document, (self.names.hash_one(&d.name_key), *line));
            }
            let writes = store::prepare_debtors(self.backend, self.org_id, &new, &ids, self.now);
            queue.write(writes).await?;
            self.created_debtors.extend(&ids);
            self.debtor_ids
                .extend(new.into_iter().map(|d| d.document).zip(ids));
        } else {
            let (org_id, now) = (self.org_id, self.now);
            let first_names: Vec<(String, String, u32)> = new
                .iter()
                .zip(lines)
                .map(|(d, line)| (d.document.clone(), d.name_key.clone(), *line))
                .collect();
            let (created, ids, stored) = queue
                .call(move |tx| {
                    Box::pin(async move {
                        let documents: Vec<&str> =
                            new.iter().map(|d| d.document.as_str()).collect();
                        let stored = store::debtor_names(tx, org_id, &documents).await?;
                        let (created, ids) = store::upsert_debtors(tx, org_id, &new, now).await?;
                        Ok((created, ids, stored))
                    })
                })
                .await?;
            for (document, first_key, line) in first_names {
                let (key, line) = match stored.get(&document) {
                    Some((_, stored_key)) => (stored_key, 0),
                    None => (&first_key, line),
                };
                self.name_keys
                    .insert(&document, (self.names.hash_one(key), line));
            }
            stored_names.extend(stored.into_iter().map(|(doc, (name, _))| (doc, name)));
            self.created_debtors.extend(created.values());
            self.debtor_ids.extend(ids);
        }
        out.summary.debtors_created = self.created_debtors.len() as u64;
        Ok(stored_names)
    }

    /// Phones (mobiles WhatsApp-capable), e-mail and postal address, each
    /// sent once per import; the store keeps existing contacts untouched.
    async fn contacts(
        &mut self,
        queue: &TxQueue,
        batch: &[(u64, ImportRow)],
        debtors: &[i64],
        other_name: &[bool],
        out: &mut ImportOutcome,
    ) -> AppResult<()> {
        // Contacts of debtors created by this import, and of others (which
        // may have them already); none from a row under another name.
        let (mut fresh, mut new) = (Vec::new(), Vec::new());
        for (((_, r), &debtor_id), _) in batch
            .iter()
            .zip(debtors)
            .zip(other_name)
            .filter(|(_, other)| !**other)
        {
            let base = |kind: &'static str, value: String| NewContact {
                debtor_id,
                kind,
                value,
                whatsapp: false,
                workplace: false,
                uf: None,
                city: None,
                cep: None,
                source: self.opts.source.clone(),
                source_date: self.now,
            };
            let mut candidates = Vec::new();
            for p in r.phones() {
                candidates.push(NewContact {
                    whatsapp: p.is_mobile(),
                    ..base("phone", p.e164())
                });
            }
            if let Some(e) = r.email() {
                candidates.push(base("email", e.as_str().to_owned()));
            }
            if let Some(a) = r.address() {
                candidates.push(NewContact {
                    uf: a.uf().map(|u| u.as_str().to_owned()),
                    city: a.city().map(str::to_owned),
                    cep: a.cep().map(|c| c.digits()),
                    ..base("address", a.line().to_owned())
                });
            }
            for c in candidates {
                if self.contacts_sent.insert(&[
                    &c.debtor_id.to_le_bytes(),
                    c.kind.as_bytes(),
                    c.value.as_bytes(),
                ]) {
                    if self.created_debtors.contains(&debtor_id) {
                        fresh.push(c);
                    } else {
                        new.push(c);
                    }
                }
            }
        }
        if !fresh.is_empty() {
            // Contacts of debtors this import created: all new, and a
            // failing insert rolls the whole import back.
            out.summary.contacts_created += fresh.len() as u64;
            queue
                .write(contacts::prepare_unique(
                    self.backend,
                    self.org_id,
                    &fresh,
                    self.now,
                ))
                .await?;
        }
        if !new.is_empty() {
            let (org_id, now) = (self.org_id, self.now);
            out.summary.contacts_created += queue
                .call(move |tx| {
                    Box::pin(async move { Ok(contacts::insert_new(tx, org_id, &new, now).await?) })
                })
                .await?;
        }
        Ok(())
    }

    /// Contracts named in the batch and not met yet.
    async fn contracts(
        &mut self,
        queue: &TxQueue,
        batch: &[(u64, ImportRow)],
        debtors: &[i64],
    ) -> AppResult<()> {
        let mut new = Vec::new();
        let mut in_batch = HashSet::new();
        for ((_, r), &debtor_id) in batch.iter().zip(debtors) {
            if let Some(c) = r.contract()
                && !self.contract_ids.contains(c.as_str())
                && in_batch.insert(c.as_str())
            {
                let i = r.installment();
                let kind = ContractKind::of_installment(i.number(), i.total()).as_str();
                let fee = r.fee_clause() == Some(true);
                new.push((c.as_str().to_owned(), debtor_id, kind, fee));
            }
        }
        // Contracts surely created here with the fee clause (the creditor
        // had none) need no grant below; a looked-up one may have existed
        // without it, and the grant only touches contracts without terms.
        if self.no_contracts {
            self.with_fee_clause.extend(
                new.iter()
                    .filter(|(_, _, _, fee)| *fee)
                    .map(|(number, ..)| number.clone()),
            );
        }
        if !new.is_empty() {
            self.insert_contracts(queue, new).await?;
        }
        self.grant_fee_clauses(queue, batch, debtors).await
    }

    /// Inserts the batch's new contracts (looked up first unless the
    /// creditor had none) and remembers their ids.
    async fn insert_contracts(
        &mut self,
        queue: &TxQueue,
        new: Vec<store::ImportContract>,
    ) -> AppResult<()> {
        let (org_id, creditor_id, now) = (self.org_id, self.creditor_id, self.now);
        if self.no_contracts {
            let ids = self
                .contract_pool
                .take(queue, self.backend, new.len())
                .await?;
            let writes =
                store::prepare_contracts(self.backend, org_id, creditor_id, &new, &ids, now);
            queue.write(writes).await?;
            self.contract_ids.extend(
                new.into_iter()
                    .zip(ids)
                    .map(|((number, debtor_id, _, _), id)| (number, (id, debtor_id))),
            );
        } else {
            let ids = queue
                .call(move |tx| {
                    Box::pin(async move {
                        Ok(store::upsert_contracts(tx, org_id, creditor_id, &new, now).await?)
                    })
                })
                .await?;
            self.contract_ids.extend(ids);
        }
        Ok(())
    }

    /// A row saying its contract has the fee clause (`honorarios` sim)
    /// gives it to a contract of the row's debtor that has no terms of its
    /// own yet (a row naming another debtor's contract is refused later).
    async fn grant_fee_clauses(
        &mut self,
        queue: &TxQueue,
        batch: &[(u64, ImportRow)],
        debtors: &[i64],
    ) -> AppResult<()> {
        let mut ids = Vec::new();
        for ((_, r), &debtor_id) in batch.iter().zip(debtors) {
            if r.fee_clause() == Some(true)
                && let Some(c) = r.contract()
                && let Some((id, owner)) = self.contract_ids.get(c.as_str())
                && owner == debtor_id
                && self.with_fee_clause.insert(c.as_str().to_owned())
            {
                ids.push(id);
            }
        }
        if ids.is_empty() {
            return Ok(());
        }
        let now = self.now;
        queue
            .call(move |tx| {
                Box::pin(async move { Ok(store::grant_fee_clause(tx, &ids, now).await?) })
            })
            .await?;
        Ok(())
    }

    /// New receivables are inserted; stored ones are compared and updated
    /// through the receivable's own rules.
    async fn receivables(
        &mut self,
        queue: &TxQueue,
        batch: &[(u64, ImportRow)],
        debtors: &[i64],
        out: &mut ImportOutcome,
    ) -> AppResult<()> {
        let mut existing = if self.fresh {
            HashMap::new()
        } else {
            let keys: Vec<_> = batch
                .iter()
                .map(|(_, r)| {
                    (
                        r.document_number().as_str().to_owned(),
                        i64::from(r.installment().number()),
                    )
                })
                .collect();
            let creditor_id = self.creditor_id;
            queue
                .call(move |tx| {
                    Box::pin(async move { Ok(store::existing(tx, creditor_id, &keys).await?) })
                })
                .await?
        };
        if !self.fresh {
            self.match_dropped_zeros(queue, batch, &mut existing, out)
                .await?;
        }
        let cal = calendar();
        let mut inserts = Vec::with_capacity(batch.len());
        for ((line, r), &debtor_id) in batch.iter().zip(debtors) {
            let contract = r
                .contract()
                .and_then(|c| Some((c, self.contract_ids.get(c.as_str())?)));
            // A contract number is the creditor's: one debtor's. Naming
            // another debtor's contract is a typo in one of the two, and
            // would show that contract (and charge its terms) to the wrong
            // person.
            if let Some((c, (_, owner))) = contract
                && owner != debtor_id
            {
                note_problem(
                    &mut out.summary.errors,
                    &mut out.problems,
                    RowProblem {
                        line: *line,
                        column: "contrato".into(),
                        value: c.as_str().to_owned(),
                        reason: "o contrato é de outro devedor desta carteira: confira o número do contrato ou o CPF/CNPJ da linha".into(),
                    },
                );
                continue;
            }
            let row = ImportReceivable {
                debtor_id,
                contract_id: contract.map(|(_, (id, _))| id),
                document_number: r.document_number().as_str().to_owned(),
                installment: i64::from(r.installment().number()),
                installments: r.installment().total().map(i64::from),
                issue_day: r.issue_date().map(day_number),
                due_day: day_number(r.due_date()),
                adjusted_due_day: day_number(cal.next_business_day(r.due_date())),
                original_amount: r.amount().centavos(),
                open_balance: r.open_amount().centavos(),
                status: "open",
            };
            let key = (row.document_number.clone(), row.installment);
            let Some(stored) = existing.get(&key) else {
                let rec = Receivable::new(r.to_new_receivable())
                    .map_err(|e| AppError::invalid("row", e))?;
                inserts.push(ImportReceivable {
                    status: rec.status().as_str(),
                    ..row
                });
                continue;
            };
            if stored.status.is_collectable() {
                self.collectable_named += 1;
            }
            // The same title under another CPF/CNPJ: a typo would move a
            // debt to someone else, so the row is refused instead.
            if stored.debtor_id != row.debtor_id {
                note_problem(
                    &mut out.summary.errors,
                    &mut out.problems,
                    RowProblem {
                        line: *line,
                        column: "documento_devedor".into(),
                        value: r.document().formatted(),
                        reason: "o título (número do documento e parcela) já existe para outro devedor: a importação não muda o devedor de um título".into(),
                    },
                );
                continue;
            }
            // A row that names no contract keeps the stored link: a slimmer
            // file (balances only) must not take a title out of its contract.
            let contract_id = if r.contract().is_some() {
                row.contract_id
            } else {
                stored.contract_id
            };
            let same_links = stored.contract_id == contract_id;
            let mut rec = restore(stored)?;
            let mut incoming = r.update_of(&rec);
            // Matched up to leading zeros: the stored title keeps its number.
            if stored.document_number != key.0 {
                incoming.document_number = rec.document_number().clone();
            }
            if same_links && rec.changes_from(&incoming).is_empty() {
                out.summary.unchanged += 1;
                // Cancelled or written off by hand while the file still
                // lists it as owed: it stays closed, and the report says so
                // (a silent "unchanged" reads as still being collected).
                if rec.status().is_closed_by_hand() && r.open_amount().is_positive() {
                    note_problem(
                        &mut out.summary.warnings,
                        &mut out.problems,
                        RowProblem::warning(
                            *line,
                            "numero_documento".into(),
                            key.0.clone(),
                            &format!(
                                "o título está {} no Quita e o arquivo ainda o traz em aberto: a importação não o reabre",
                                rec.status().pt_br()
                            ),
                        ),
                    );
                }
                continue;
            }
            let before = rec.clone();
            let asked = Asked {
                amount: incoming.original_amount,
                open: incoming.open_balance.unwrap_or(incoming.original_amount),
                due: incoming.due_date,
            };
            match rec.update_from_import(incoming, self.opts.reversals) {
                Ok(changes) => {
                    if rec.amount_paid() < before.amount_paid() {
                        out.summary.reversals += 1;
                    }
                    // Says what changed, so the report names each updated
                    // title with its old and new values, and so does the
                    // debtor's timeline.
                    let what = updated_reason(&before, &rec, &changes, same_links);
                    note_problem(
                        &mut out.summary.warnings,
                        &mut out.problems,
                        RowProblem::warning(*line, "numero_documento".into(), key.0.clone(), &what),
                    );
                    let changed = ImportReceivable {
                        contract_id,
                        installments: rec.installment().total().map(i64::from),
                        issue_day: rec.issue_date().map(day_number),
                        open_balance: rec.open_balance().centavos(),
                        status: rec.status().as_str(),
                        ..row
                    };
                    let (id, now, org_id, actor) = (stored.id, self.now, self.org_id, self.actor);
                    let details = serde_json::json!({
                        "changes": what.strip_prefix(UPDATED).unwrap_or(&what),
                        "source": self.opts.source,
                    });
                    queue
                        .call(move |tx| {
                            Box::pin(async move {
                                store::update_receivable(tx, id, &changed, now).await?;
                                audit::append(
                                    tx,
                                    &audit::NewEntry {
                                        org_id: Some(org_id),
                                        actor,
                                        action: "receivable_updated_by_import",
                                        target: Some(&format!("receivable:{id}")),
                                        details,
                                        ip: None,
                                    },
                                    now,
                                )
                                .await?;
                                Ok(())
                            })
                        })
                        .await?;
                    out.summary.receivables_updated += 1;
                }
                // A refused row: counted in `errors` only (with `partial`
                // the stored receivable stays as it is, but the row is not
                // "unchanged": created + updated + unchanged + refused rows
                // make up the rows read).
                Err(e) => note_problem(&mut out.summary.errors, &mut out.problems, {
                    let (column, value, reason) = refusal(&e, &before, &asked);
                    RowProblem {
                        line: *line,
                        column: column.into(),
                        value: value.unwrap_or_else(|| key.0.clone()),
                        reason,
                    }
                }),
            }
        }
        out.summary.receivables_created += inserts.len() as u64;
        queue
            .write(store::prepare_receivables(
                self.backend,
                self.org_id,
                self.creditor_id,
                &inserts,
                self.now,
            ))
            .await?;
        Ok(())
    }

    /// Rows whose number, made of digits only, is not stored as given but
    /// is, up to leading zeros, one stored title of the same installment
    /// (`123` for `000123`, or the reverse): a spreadsheet drops the zeros
    /// of a number column, and the next file from the creditor's system has
    /// them again. Such a row is that title (added to `existing` under the
    /// row's key), with a warning; one matching two is told and makes a title
    /// of its own.
    async fn match_dropped_zeros(
        &mut self,
        queue: &TxQueue,
        batch: &[(u64, ImportRow)],
        existing: &mut HashMap<(String, i64), ReceivableRow>,
        out: &mut ImportOutcome,
    ) -> AppResult<()> {
        let missing: Vec<(u64, &str, i64)> = batch
            .iter()
            .map(|(line, r)| {
                let n = r.document_number().as_str();
                (*line, n, i64::from(r.installment().number()))
            })
            .filter(|(_, n, i)| {
                quita_core::receivable::zero_free(n).is_some()
                    && !existing.contains_key(&((*n).to_owned(), *i))
            })
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        if self.zero_led.is_none() {
            let creditor_id = self.creditor_id;
            self.zero_led = Some(
                queue
                    .call(move |tx| {
                        Box::pin(async move { Ok(store::zero_led_lengths(tx, creditor_id).await?) })
                    })
                    .await?,
            );
        }
        let lengths = self.zero_led.as_deref().unwrap_or_default();
        let variants: Vec<Vec<String>> = missing
            .iter()
            .map(|(_, n, _)| zero_variants(n, lengths))
            .collect();
        let keys: Vec<(String, i64)> = missing
            .iter()
            .zip(&variants)
            .flat_map(|((_, _, i), v)| v.iter().map(|n| (n.clone(), *i)))
            .collect();
        if keys.is_empty() {
            return Ok(());
        }
        let creditor_id = self.creditor_id;
        let found = queue
            .call(move |tx| {
                Box::pin(async move { Ok(store::existing(tx, creditor_id, &keys).await?) })
            })
            .await?;
        for ((line, n, i), v) in missing.iter().zip(variants) {
            let hits: Vec<&ReceivableRow> =
                v.into_iter().filter_map(|m| found.get(&(m, *i))).collect();
            let reason = match hits.as_slice() {
                [] => continue,
                [stored] => {
                    existing.insert(((*n).to_owned(), *i), (*stored).clone());
                    format!(
                        "lido como o título {} já registrado: só os zeros à esquerda diferem (uma planilha costuma tirá-los)",
                        stored.document_number
                    )
                }
                // Stored before numbers were matched so: which one is meant
                // cannot be told, and the row makes a title of its own.
                many => {
                    let mut numbers: Vec<&str> =
                        many.iter().map(|r| r.document_number.as_str()).collect();
                    numbers.sort_unstable();
                    format!(
                        "há títulos registrados que diferem deste só nos zeros à esquerda ({}): a linha vale como um título novo; confira",
                        numbers.join(", ")
                    )
                }
            };
            note_problem(
                &mut out.summary.warnings,
                &mut out.problems,
                RowProblem::warning(*line, "numero_documento".into(), (*n).to_owned(), &reason),
            );
        }
        Ok(())
    }
}

/// The numbers a digits-only `number` may be stored as, up to leading
/// zeros: without them, and padded to each length in `lengths`; never the
/// number itself.
fn zero_variants(number: &str, lengths: &[i64]) -> Vec<String> {
    let core = quita_core::receivable::zero_free(number).unwrap_or(number);
    let mut out = Vec::new();
    if core != number {
        out.push(core.to_owned());
    }
    for &len in lengths {
        let Ok(len) = usize::try_from(len) else {
            continue;
        };
        if len > core.len() && len != number.len() && len <= 60 {
            out.push(format!("{core:0>len$}"));
        }
    }
    out
}

/// How [`updated_reason`] starts.
const UPDATED: &str = "título atualizado: ";

/// A refused file wrote nothing: its report says what each title *would*
/// have become, not that it was updated.
pub(super) fn as_not_applied(problems: &mut [RowProblem]) {
    let updated = format!("aviso: {UPDATED}");
    for p in problems {
        if let Some(rest) = p.reason.strip_prefix(&updated) {
            p.reason = format!("aviso: título seria atualizado (nada foi gravado): {rest}");
        }
    }
}

/// What an import changed in a stored receivable, old → new, in pt-BR:
/// `título atualizado: valor em aberto R$ 400,00 → R$ 300,00`.
fn updated_reason(
    before: &Receivable,
    after: &Receivable,
    changes: &[ReceivableField],
    same_contract: bool,
) -> String {
    let date = |d: Option<jiff::civil::Date>| {
        d.map_or_else(|| "—".to_owned(), |d| d.strftime("%d/%m/%Y").to_string())
    };
    let mut parts: Vec<String> = changes
        .iter()
        .map(|f| match f {
            ReceivableField::IssueDate => format!(
                "emissão {} → {}",
                date(before.issue_date()),
                date(after.issue_date())
            ),
            ReceivableField::DueDate => format!(
                "vencimento {} → {}",
                date(Some(before.due_date())),
                date(Some(after.due_date()))
            ),
            ReceivableField::OriginalAmount => format!(
                "valor {} → {}",
                before.original_amount().format_brl(),
                after.original_amount().format_brl()
            ),
            ReceivableField::OpenBalance => format!(
                "valor em aberto {} → {}",
                before.open_balance().format_brl(),
                after.open_balance().format_brl()
            ),
            ReceivableField::InstallmentTotal => {
                let total = |r: &Receivable| {
                    r.installment()
                        .total()
                        .map_or_else(|| "—".to_owned(), |n| n.to_string())
                };
                format!("total de parcelas {} → {}", total(before), total(after))
            }
        })
        .collect();
    if !same_contract {
        parts.push("contrato alterado".into());
    }
    let (paid, now_paid) = (before.amount_paid(), after.amount_paid());
    if now_paid < paid {
        parts.push(format!(
            "estorno de {} (pago ou abatido {} → {})",
            paid.checked_sub(now_paid).unwrap_or_default().format_brl(),
            paid.format_brl(),
            now_paid.format_brl()
        ));
    }
    format!("{UPDATED}{}", parts.join("; "))
}

/// What a row asked a stored receivable to become.
struct Asked {
    amount: quita_core::money::Money,
    open: quita_core::money::Money,
    due: jiff::civil::Date,
}

/// Why a stored receivable (`before`) keeps its values instead of taking
/// the row's (`asked`): the column to name, its value (`None`: the document
/// number) and the reason, in pt-BR (the report's language).
fn refusal(
    e: &ImportUpdateError,
    before: &Receivable,
    asked: &Asked,
) -> (&'static str, Option<String>, String) {
    use quita_core::receivable::ReceivableError;
    let brl = |m: quita_core::money::Money| m.format_brl();
    match e {
        // The balance rises with the amount unchanged: an older file.
        ImportUpdateError::PaymentsUndone {
            before: paid,
            after,
        } if asked.amount == before.original_amount() => (
            "valor_aberto",
            Some(brl(asked.open)),
            format!(
                "o valor em aberto subiria de {} para {}, desfazendo {} já pagos ou abatidos: a importação não desfaz pagamentos (o arquivo é de antes deles?); se foi um estorno (cheque devolvido, chargeback), importe aceitando estornos",
                brl(before.open_balance()),
                brl(asked.open),
                brl(paid.checked_sub(*after).unwrap_or_default())
            ),
        ),
        ImportUpdateError::PaymentsUndone {
            before: paid,
            after,
        } => (
            "valor",
            Some(brl(asked.amount)),
            format!(
                "o valor pago ou abatido cairia de {} para {} (valor {} → {}; em aberto {} → {}): a importação não desfaz pagamentos; informe o valor em aberto que mantém o que já foi pago ou, se foi um estorno, importe aceitando estornos",
                brl(*paid),
                brl(*after),
                brl(before.original_amount()),
                brl(asked.amount),
                brl(before.open_balance()),
                brl(asked.open)
            ),
        ),
        // A paid title shown owed again: a reversal, taken only if asked.
        ImportUpdateError::NotUpdatable(
            status @ quita_core::receivable::ReceivableStatus::Paid,
        ) if asked.open > before.open_balance() => (
            "valor_aberto",
            Some(brl(asked.open)),
            format!(
                "o título já está {}: a importação não o reabre; se o pagamento foi estornado (cheque devolvido, chargeback), importe aceitando estornos",
                status.pt_br()
            ),
        ),
        ImportUpdateError::NotUpdatable(status) => (
            "numero_documento",
            None,
            format!(
                "o título já está {}: a importação não altera um título encerrado",
                status.pt_br()
            ),
        ),
        ImportUpdateError::DifferentIdentity => (
            "numero_documento",
            None,
            "a linha não é o mesmo título (número do documento ou parcela)".into(),
        ),
        ImportUpdateError::Invalid(ReceivableError::OpenBalanceOutOfRange) => (
            "valor",
            Some(brl(asked.amount)),
            format!(
                "o novo valor ({}) é menor que o já pago ou abatido ({}): a importação não desfaz pagamentos",
                brl(asked.amount),
                brl(before.amount_paid())
            ),
        ),
        ImportUpdateError::Invalid(ReceivableError::DueBeforeIssue) => (
            "vencimento",
            Some(asked.due.strftime("%d/%m/%Y").to_string()),
            format!(
                "o vencimento fica antes da emissão registrada ({}): informe a emissão na linha",
                before
                    .issue_date()
                    .map_or_else(String::new, |d| d.strftime("%d/%m/%Y").to_string())
            ),
        ),
        ImportUpdateError::Invalid(_) => (
            "numero_documento",
            None,
            "o título registrado não pode receber estes valores".into(),
        ),
    }
}

pub(super) fn restore(s: &ReceivableRow) -> AppResult<Receivable> {
    use quita_core::{
        money::Money,
        receivable::{DocumentNumber, Installment, NewReceivable},
    };
    let corrupt = |e: &dyn std::fmt::Display| {
        AppError::Internal(anyhow::anyhow!("stored receivable {}: {e}", s.id))
    };
    let n = NewReceivable {
        document_number: DocumentNumber::parse(&s.document_number).map_err(|e| corrupt(&e))?,
        installment: Installment::new(
            u16::try_from(s.installment).map_err(|e| corrupt(&e))?,
            s.installments
                .map(u16::try_from)
                .transpose()
                .map_err(|e| corrupt(&e))?,
        )
        .map_err(|e| corrupt(&e))?,
        issue_date: s.issue_date,
        due_date: s.due_date,
        original_amount: Money::from_centavos(s.original_amount),
        open_balance: Some(Money::from_centavos(s.open_balance)),
    };
    Receivable::restore(n, s.status).map_err(|e| corrupt(&e))
}
