//! Importing receivables with their debtors and contacts.
//!
//! The file streams through in batches; every batch is written inside one
//! transaction that commits only at the end, so an import is all or nothing.
//! By default any bad row refuses the whole file (after reading it all, so
//! the report lists every problem); with `partial` the valid rows are applied
//! and the bad ones reported. Identity is creditor + document number +
//! installment: re-importing the same file changes nothing, and a changed
//! row updates its receivable (if it is still collectable).

use std::{collections::HashSet, io::Read, time::Instant};

use jiff::Timestamp;
use quita_core::{
    import_row::{ImportHeader, ImportRow},
    receivable::Receivable,
};
use quita_store::{
    Tx,
    audit::{self, Actor},
    day_number,
    portfolio::{
        contacts::{self, NewContact},
        import::{self as writer, ImportDebtor, ImportReceivable},
    },
};
use serde::Serialize;

use super::{
    calendar, name_key,
    rows::{FileError, RowSource},
};
use crate::{App, AppError, AppResult};

const BATCH: usize = 5000;
/// The report keeps at most this many problems (the count is always exact).
const MAX_REPORTED: usize = 100_000;

/// Which file layout to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
}

impl FileKind {
    /// By file name: `.xlsx` is a workbook, anything else CSV.
    pub fn of_name(name: &str) -> Self {
        if name.to_ascii_lowercase().ends_with(".xlsx") {
            FileKind::Xlsx
        } else {
            FileKind::Csv
        }
    }
}

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Apply the valid rows even when some are bad.
    pub partial: bool,
    /// Where the contacts came from (kept with each new contact), e.g. the file name.
    pub source: String,
}

/// One refused value or row: the error report's line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    pub line: u64,
    pub column: String,
    pub value: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub rows: u64,
    pub receivables_created: u64,
    pub receivables_updated: u64,
    pub unchanged: u64,
    pub debtors_created: u64,
    pub contacts_created: u64,
    pub errors: u64,
    pub elapsed_ms: u64,
    /// False when the file was refused and nothing was written.
    pub applied: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ImportOutcome {
    pub summary: ImportSummary,
    pub problems: Vec<RowProblem>,
}

impl ImportOutcome {
    /// The error report as CSV (`linha;coluna;valor;motivo`).
    pub fn problems_csv(&self) -> String {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(Vec::new());
        let _ = w.write_record(["linha", "coluna", "valor", "motivo"]);
        for p in &self.problems {
            let _ = w.write_record([p.line.to_string().as_str(), &p.column, &p.value, &p.reason]);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

fn file_problem(e: FileError) -> RowProblem {
    let line = match &e {
        FileError::Binary { line } | FileError::Malformed { line, .. } => *line,
        _ => 0,
    };
    RowProblem {
        line,
        column: String::new(),
        value: String::new(),
        reason: e.to_string(),
    }
}

impl App {
    /// Imports a file of receivables for one creditor of `org_id`.
    /// `progress` is called after each batch with the rows read so far.
    #[allow(clippy::too_many_arguments)] // independent inputs; a struct would only rename them
    pub async fn import_receivables<R: Read + Send>(
        &self,
        org_id: i64,
        creditor_id: i64,
        kind: FileKind,
        input: R,
        opts: &ImportOptions,
        actor: Actor,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> AppResult<ImportOutcome> {
        let started = Instant::now();
        let creditor = self.creditor(org_id, creditor_id).await?;
        let source = match kind {
            FileKind::Csv => RowSource::csv(input),
            FileKind::Xlsx => {
                let mut bytes = Vec::new();
                let mut input = input;
                input
                    .read_to_end(&mut bytes)
                    .map_err(|e| AppError::invalid("file", e))?;
                return self
                    .import_from(
                        org_id,
                        creditor.id,
                        RowSource::xlsx(bytes),
                        opts,
                        actor,
                        progress,
                        started,
                    )
                    .await;
            }
        };
        self.import_from(org_id, creditor.id, source, opts, actor, progress, started)
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn import_from<R: Read>(
        &self,
        org_id: i64,
        creditor_id: i64,
        source: Result<RowSource<R>, FileError>,
        opts: &ImportOptions,
        actor: Actor,
        progress: &(dyn Fn(u64) + Send + Sync),
        started: Instant,
    ) -> AppResult<ImportOutcome> {
        let mut out = ImportOutcome::default();
        let refuse = |mut out: ImportOutcome, p: RowProblem| {
            out.summary.errors += 1;
            out.problems.push(p);
            out.summary.elapsed_ms = started.elapsed().as_millis() as u64;
            Ok(out)
        };
        let mut source = match source {
            Ok(s) => s,
            Err(e) => return refuse(out, file_problem(e)),
        };
        let header = match source.next_record() {
            Ok(Some(h)) => h,
            Ok(None) => return refuse(out, file_problem(FileError::Empty)),
            Err(e) => return refuse(out, file_problem(e)),
        };
        let fields: Vec<&str> = header.fields.iter().map(String::as_str).collect();
        let header = match ImportHeader::parse(&fields) {
            Ok(h) => h,
            Err(errors) => {
                out.summary.errors = errors.len() as u64;
                out.problems = errors
                    .into_iter()
                    .map(|e| RowProblem {
                        line: 1,
                        column: String::new(),
                        value: String::new(),
                        reason: e.to_string(),
                    })
                    .collect();
                out.summary.elapsed_ms = started.elapsed().as_millis() as u64;
                return Ok(out);
            }
        };

        let now = self.now();
        let mut tx = self.db.begin_write().await?;
        let mut seen: HashSet<(String, u16)> = HashSet::new();
        let mut batch: Vec<(u64, ImportRow)> = Vec::with_capacity(BATCH);
        let mut writing = true;
        loop {
            let record = match source.next_record() {
                Ok(r) => r,
                Err(e) => {
                    // A broken file is refused whole, even with `partial`.
                    drop(tx);
                    out.summary.applied = false;
                    return refuse(out, file_problem(e));
                }
            };
            let Some(record) = record else { break };
            if record.fields.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            out.summary.rows += 1;
            let refs: Vec<&str> = record.fields.iter().map(String::as_str).collect();
            match header.parse_row(&refs) {
                Ok(row) => {
                    let id = (
                        row.document_number().as_str().to_owned(),
                        row.installment().number(),
                    );
                    if !seen.insert(id.clone()) {
                        self.problem(&mut out, RowProblem {
                            line: record.line,
                            column: "numero_documento".into(),
                            value: format!("{} parcela {}", id.0, id.1),
                            reason: "título repetido no arquivo (mesmo número do documento e parcela)".into(),
                        });
                        writing &= opts.partial;
                        continue;
                    }
                    batch.push((record.line, row));
                }
                Err(errors) => {
                    for e in errors {
                        self.problem(
                            &mut out,
                            RowProblem {
                                line: record.line,
                                column: e.column.to_string(),
                                value: e.value.clone(),
                                reason: e.reason.to_string(),
                            },
                        );
                    }
                    writing &= opts.partial;
                }
            }
            if batch.len() >= BATCH {
                if writing {
                    self.write_batch(&mut tx, org_id, creditor_id, &batch, opts, now, &mut out)
                        .await?;
                }
                batch.clear();
                progress(out.summary.rows);
            }
        }
        if writing && !batch.is_empty() {
            self.write_batch(&mut tx, org_id, creditor_id, &batch, opts, now, &mut out)
                .await?;
        }
        progress(out.summary.rows);
        if out.summary.rows == 0 {
            drop(tx);
            return refuse(
                out,
                RowProblem {
                    line: 2,
                    column: String::new(),
                    value: String::new(),
                    reason: "o arquivo só tem o cabeçalho: nenhuma linha de dados".into(),
                },
            );
        }
        if !writing {
            drop(tx);
            out.summary.receivables_created = 0;
            out.summary.receivables_updated = 0;
            out.summary.unchanged = 0;
            out.summary.debtors_created = 0;
            out.summary.contacts_created = 0;
            out.summary.elapsed_ms = started.elapsed().as_millis() as u64;
            return Ok(out);
        }
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(org_id),
                actor,
                action: "receivables_imported",
                target: Some(&format!("creditor:{creditor_id}")),
                details: serde_json::json!({
                    "rows": out.summary.rows, "created": out.summary.receivables_created,
                    "updated": out.summary.receivables_updated, "errors": out.summary.errors,
                }),
                ip: None,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        out.summary.applied = true;
        out.summary.elapsed_ms = started.elapsed().as_millis() as u64;
        Ok(out)
    }

    fn problem(&self, out: &mut ImportOutcome, p: RowProblem) {
        out.summary.errors += 1;
        if out.problems.len() < MAX_REPORTED {
            out.problems.push(p);
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn write_batch(
        &self,
        tx: &mut Tx,
        org_id: i64,
        creditor_id: i64,
        batch: &[(u64, ImportRow)],
        opts: &ImportOptions,
        now: Timestamp,
        out: &mut ImportOutcome,
    ) -> AppResult<()> {
        // Debtors, merged by document (the first row's name wins).
        let mut debtors = Vec::new();
        let mut known = HashSet::new();
        for (_, r) in batch {
            if known.insert(r.document().digits()) {
                debtors.push(ImportDebtor {
                    document: r.document().digits().to_owned(),
                    kind: quita_core::debtor::DebtorKind::of(r.document()).as_str(),
                    name: r.name().as_str().to_owned(),
                    name_key: name_key(r.name().as_str()),
                });
            }
        }
        let (created, debtor_ids) = writer::upsert_debtors(tx, org_id, &debtors, now).await?;
        out.summary.debtors_created += created;
        let debtor_of = |r: &ImportRow| {
            debtor_ids
                .get(r.document().digits())
                .copied()
                .ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!("debtor id missing after upsert"))
                })
        };

        // Contacts: phones (mobiles WhatsApp-capable), e-mail, postal address.
        let mut new_contacts = Vec::new();
        for (_, r) in batch {
            let debtor_id = debtor_of(r)?;
            let base = |kind: &'static str, value: String| NewContact {
                debtor_id,
                kind,
                value,
                whatsapp: false,
                workplace: false,
                uf: None,
                city: None,
                cep: None,
                source: opts.source.clone(),
                source_date: now,
            };
            for p in r.phones() {
                new_contacts.push(NewContact {
                    whatsapp: p.is_mobile(),
                    ..base("phone", p.e164())
                });
            }
            if let Some(e) = r.email() {
                new_contacts.push(base("email", e.as_str().to_owned()));
            }
            if let Some(a) = r.address() {
                new_contacts.push(NewContact {
                    uf: a.uf().map(|u| u.as_str().to_owned()),
                    city: a.city().map(str::to_owned),
                    cep: a.cep().map(|c| c.digits()),
                    ..base("address", a.line().to_owned())
                });
            }
        }
        out.summary.contacts_created +=
            contacts::insert_new(tx, org_id, &new_contacts, now).await?;

        // Contracts named in the file.
        let mut contract_rows = Vec::new();
        let mut seen_contracts = HashSet::new();
        for (_, r) in batch {
            if let Some(c) = r.contract()
                && seen_contracts.insert(c.as_str().to_owned())
            {
                contract_rows.push((c.as_str().to_owned(), debtor_of(r)?));
            }
        }
        let contract_ids = if contract_rows.is_empty() {
            Default::default()
        } else {
            writer::upsert_contracts(tx, org_id, creditor_id, &contract_rows, now).await?
        };

        // Receivables: new, changed or unchanged.
        let keys: Vec<_> = batch
            .iter()
            .map(|(_, r)| {
                (
                    r.document_number().as_str().to_owned(),
                    i64::from(r.installment().number()),
                )
            })
            .collect();
        let existing = writer::existing(tx, creditor_id, &keys).await?;
        let cal = calendar();
        let mut inserts = Vec::new();
        for ((line, r), key) in batch.iter().zip(keys) {
            let incoming = r.to_new_receivable();
            let row = ImportReceivable {
                debtor_id: debtor_of(r)?,
                contract_id: r
                    .contract()
                    .and_then(|c| contract_ids.get(c.as_str()).copied()),
                document_number: key.0.clone(),
                installment: key.1,
                installments: r.installment().total().map(i64::from),
                issue_day: r.issue_date().map(day_number),
                due_day: day_number(r.due_date()),
                adjusted_due_day: day_number(cal.next_business_day(r.due_date())),
                original_amount: r.amount().centavos(),
                open_balance: r.open_amount().centavos(),
                status: "open",
            };
            match existing.get(&key) {
                None => {
                    let rec = Receivable::new(incoming).map_err(|e| AppError::invalid("row", e))?;
                    inserts.push(ImportReceivable {
                        status: rec.status().as_str(),
                        ..row
                    });
                }
                Some(stored) => {
                    let same_links =
                        stored.debtor_id == row.debtor_id && stored.contract_id == row.contract_id;
                    let mut rec = restore(stored)?;
                    match rec.update_from_import(incoming) {
                        Ok(changes) if changes.is_empty() && same_links => {
                            out.summary.unchanged += 1
                        }
                        Ok(_) => {
                            writer::update_receivable(
                                tx,
                                stored.id,
                                &ImportReceivable {
                                    status: rec.status().as_str(),
                                    ..row
                                },
                                now,
                            )
                            .await?;
                            out.summary.receivables_updated += 1;
                        }
                        Err(e) => {
                            self.problem(
                                out,
                                RowProblem {
                                    line: *line,
                                    column: "numero_documento".into(),
                                    value: key.0.clone(),
                                    reason: format!("título existente não pode ser alterado: {e}"),
                                },
                            );
                            out.summary.unchanged += 1;
                        }
                    }
                }
            }
        }
        out.summary.receivables_created +=
            writer::insert_receivables(tx, org_id, creditor_id, &inserts, now).await?;
        Ok(())
    }
}

fn restore(s: &quita_store::portfolio::receivables::ReceivableRow) -> AppResult<Receivable> {
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
