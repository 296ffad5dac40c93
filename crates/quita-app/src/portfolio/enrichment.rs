//! Enrichment import: extra contacts (e-mails, phones, addresses) for
//! debtors that already exist, matched by CPF/CNPJ within the organization.
//!
//! Each new contact keeps its source and date. What happens to a contact
//! already known is decided by [`enrichment_decision`]: a contact marked
//! invalid (an e-mail that bounced, a wrong number) is never overwritten or
//! revived; an unverified one takes a newer source and date; a valid one is
//! left as it is. Values are normalised by the same functions as the
//! receivables import (`quita_core::import_row`, `Phone::parse`,
//! `Email::parse`…). The file is applied all or nothing (one transaction)
//! unless `partial`, in which case the valid rows are applied.

use std::{collections::HashMap, io::Read, time::Instant};

use jiff::{Timestamp, civil::Date, tz::TimeZone};
use quita_core::{
    contact::{
        Cep, Contact, ContactSource, ContactValue, EnrichmentDecision, KeepReason, Phone,
        PostalAddress, Uf, Validity, enrichment_decision,
    },
    email::Email,
};
use quita_store::{
    Db, Tx,
    audit::{self, Actor},
    import_runs, orgs,
    portfolio::{
        contacts::{self, ContactRow, NewContact},
        import,
    },
};
use serde::Serialize;

use super::{
    enrichment_read::{Col, Row, problem, read_batch, read_header, report},
    fingerprints::FingerprintSet,
    import::{FileKind, ImportProgress, RowProblem, file_problem, note_problem, problems_csv},
    name_key,
    rows::{FileError, RowSource},
};
use crate::{App, AppError, AppResult};

#[derive(Debug, Clone)]
pub struct EnrichmentOptions {
    /// Apply the valid rows even when some are bad.
    pub partial: bool,
    /// The source kept with each new contact when a row has no `fonte`
    /// (e.g. `--source` or the file name).
    pub source: String,
    /// The recorded run this import is (started from the UI), marked
    /// applied in the import's own transaction.
    pub run: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct EnrichmentSummary {
    /// Data rows read.
    pub rows: u64,
    pub contacts_created: u64,
    /// Unverified contacts that took the newer source and date.
    pub contacts_refreshed: u64,
    /// Contacts already known (valid, or not newer), or repeated in the file.
    pub unchanged: u64,
    /// Contacts already marked invalid (bounce, wrong number…): left as they are.
    pub skipped_invalid: u64,
    /// Rows whose CPF/CNPJ is not a debtor of the organization (also errors).
    pub unknown_debtors: u64,
    /// Problems found (each with line and column).
    pub errors: u64,
    /// Columns not read (unknown ones): in the report at line 1, refusing
    /// nothing.
    pub warnings: u64,
    pub elapsed_ms: u64,
    /// False when the file was refused and nothing was written.
    pub applied: bool,
}

#[derive(Debug, Clone, Default)]
pub struct EnrichmentOutcome {
    pub summary: EnrichmentSummary,
    pub problems: Vec<RowProblem>,
    /// Refused for a fault of the whole file (unreadable, bad header, no
    /// data rows), not for bad rows: `partial` would not help.
    pub file_fault: bool,
}

impl EnrichmentOutcome {
    /// The error report as CSV (`linha;coluna;valor;motivo`), the same form
    /// as the receivables import's.
    pub fn problems_csv(&self) -> String {
        problems_csv(&self.problems)
    }
}

/// A stored contact as the domain sees it (for the enrichment rule), or
/// `None` when its stored value no longer parses.
fn stored_contact(c: &ContactRow, tz: &TimeZone) -> Option<Contact> {
    let value = match c.kind.as_str() {
        "phone" => ContactValue::Phone(Phone::parse(&c.value).ok()?),
        "email" => ContactValue::Email(Email::parse(&c.value).ok()?),
        _ => ContactValue::Address(
            PostalAddress::new(
                &c.value,
                c.city.as_deref(),
                c.uf.as_deref().and_then(|u| Uf::parse(u).ok()),
                c.cep.as_deref().and_then(|z| Cep::parse(z).ok()),
            )
            .ok()?,
        ),
    };
    let source = ContactSource::parse(&c.source)
        .or_else(|_| ContactSource::parse("importação"))
        .ok()?;
    let mut out = Contact::new(value, source, c.source_date.to_zoned(tz.clone()).date());
    match Validity::from_db(&c.status, c.invalid_reason.as_deref()) {
        Ok(Validity::Valid) => out.mark_valid(),
        Ok(Validity::Invalid(r)) => out.mark_invalid(r),
        Ok(Validity::Unverified) => {}
        // An unreadable status is treated as invalid: never overwritten.
        Err(_) => out.mark_invalid(quita_core::contact::InvalidReason::Other),
    }
    let _ = out.set_whatsapp(c.whatsapp);
    out.set_workplace(c.workplace);
    Some(out)
}

fn stored_key(c: &ContactRow, tz: &TimeZone) -> String {
    stored_contact(c, tz).map_or_else(|| format!("{}:{}", c.kind, c.value), |d| d.key())
}

impl App {
    /// Imports a file of extra contacts for existing debtors of `org_id`.
    /// `progress` is called after each batch with how far reading has got
    /// (rows and bytes of the file), as for
    /// [`import_receivables`](Self::import_receivables).
    pub async fn import_contacts<R: Read + Send>(
        &self,
        org_id: i64,
        kind: FileKind,
        input: R,
        opts: &EnrichmentOptions,
        actor: Actor,
        progress: &(dyn Fn(ImportProgress) + Send + Sync),
    ) -> AppResult<EnrichmentOutcome> {
        let started = Instant::now();
        let org = orgs::get(&self.db, org_id).await?;
        let tz = TimeZone::get(&org.time_zone).unwrap_or(TimeZone::UTC);
        let now = self.now();
        let today = self.clock.today_in(&org.time_zone);
        let default_source = ContactSource::parse(&opts.source)
            .map_err(|_| AppError::invalid("source", "fonte deve ter de 1 a 80 caracteres"))?;
        let run = Run {
            org_id,
            partial: opts.partial,
            actor,
            tz,
            now,
            today,
            default_source,
            run_id: opts.run.clone(),
        };
        let mut out = match kind {
            FileKind::Csv => run.apply(&self.db, RowSource::csv(input), progress).await?,
            FileKind::Xlsx => {
                let mut bytes = Vec::new();
                let mut input = input;
                input
                    .read_to_end(&mut bytes)
                    .map_err(|e| AppError::invalid("file", e))?;
                run.apply(&self.db, RowSource::xlsx(bytes), progress)
                    .await?
            }
        };
        // Unknown debtors are found after the rest of their batch is read:
        // the report reads in file order, as the receivables import's does
        // (a stable sort: a line's problems stay in the order found).
        out.problems.sort_by_key(|p| p.line);
        out.summary.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        Ok(out)
    }
}

/// One enrichment file being applied.
struct Run {
    org_id: i64,
    partial: bool,
    actor: Actor,
    tz: TimeZone,
    now: Timestamp,
    today: Date,
    default_source: ContactSource,
    /// The recorded run to mark applied, when started from the UI.
    run_id: Option<String>,
}

impl Run {
    async fn apply<S: Read + Send>(
        &self,
        db: &Db,
        source: Result<RowSource<S>, FileError>,
        progress: &(dyn Fn(ImportProgress) + Send + Sync),
    ) -> AppResult<EnrichmentOutcome> {
        let Run {
            org_id,
            partial,
            actor,
            ref tz,
            now,
            today,
            ref default_source,
            ref run_id,
        } = *self;
        let mut out = EnrichmentOutcome::default();
        let mut source = match source {
            Ok(s) => s,
            Err(e) => {
                report(&mut out, file_problem(e));
                out.file_fault = true;
                return Ok(out);
            }
        };
        let Some(header) = read_header(&mut source, &mut out) else {
            out.file_fault = true;
            return Ok(out);
        };

        // One transaction for the whole file, read, decided and written a
        // batch at a time: memory grows with the distinct contacts met
        // (`seen`, 16 bytes each, so one repeated later in the file counts
        // as unchanged), not with the rows. SQLite's write lock is held
        // while the file is read, as in the receivables import.
        let mut tx = db.begin_write().await?;
        // After any import of receivables of the organization, never beside
        // it (PostgreSQL; SQLite's write lock already does this).
        tx.lock_imports(org_id).await?;
        let mut seen = FingerprintSet::default();
        loop {
            let Some((rows, ended)) =
                read_batch(&mut source, &header, default_source, today, now, &mut out)
            else {
                // Broken file: refused whole, the transaction rolls back.
                out.file_fault = true;
                return Ok(refused(out));
            };
            let known = known_debtors(&mut tx, org_id, rows, &mut out).await?;
            // Once the file cannot be applied whole, keep reading only to
            // report every problem.
            if out.summary.errors == 0 || partial {
                apply_batch(&mut tx, org_id, known, tz, now, &mut seen, &mut out).await?;
            }
            progress(ImportProgress {
                rows: out.summary.rows,
                bytes: source.bytes_read(),
            });
            if ended {
                break;
            }
        }
        if out.summary.rows == 0 {
            report(
                &mut out,
                RowProblem {
                    line: 1,
                    column: String::new(),
                    value: String::new(),
                    reason: "o arquivo só tem o cabeçalho".into(),
                },
            );
            out.file_fault = true;
            return Ok(out);
        }
        if out.summary.errors > 0 && !partial {
            return Ok(refused(out));
        }
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(org_id),
                actor,
                action: "contacts_imported",
                target: None,
                details: serde_json::json!({
                    "rows": out.summary.rows, "created": out.summary.contacts_created,
                    "refreshed": out.summary.contacts_refreshed,
                    "skipped_invalid": out.summary.skipped_invalid, "errors": out.summary.errors,
                }),
                ip: None,
            },
            now,
        )
        .await?;
        if let Some(run) = run_id {
            import_runs::mark_applied(&mut tx, org_id, run, now).await?;
        }
        tx.commit().await?;
        out.summary.applied = true;
        Ok(out)
    }
}

/// A file that is not applied: what its batches wrote rolls back with the
/// transaction, so nothing counts as created, refreshed or kept.
fn refused(mut out: EnrichmentOutcome) -> EnrichmentOutcome {
    let s = &mut out.summary;
    (
        s.contacts_created,
        s.contacts_refreshed,
        s.unchanged,
        s.skipped_invalid,
    ) = (0, 0, 0, 0);
    out
}

/// The rows whose debtor exists in the organization, with its id; the
/// others are reported (unknown debtors are errors).
/// Whether a bureau's name for a debtor is a shorter or longer form of the
/// stored one: every word of one (case, accents and the particles `da`,
/// `de`, `do`, `das`, `dos`, `e` aside) is in the other. `João` and `Maria
/// da Silva` for `Maria Aparecida da Silva` are; `José Souza` is not.
fn same_person(given: &str, stored: &str) -> bool {
    let words = |s: &str| -> std::collections::BTreeSet<String> {
        quita_core::text::search_key(s)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty() && !matches!(*w, "da" | "de" | "do" | "das" | "dos" | "e"))
            .map(str::to_owned)
            .collect()
    };
    let (a, b) = (words(given), words(stored));
    !a.is_empty() && !b.is_empty() && (a.is_subset(&b) || b.is_subset(&a))
}

async fn known_debtors(
    tx: &mut Tx,
    org_id: i64,
    rows: Vec<Row>,
    out: &mut EnrichmentOutcome,
) -> AppResult<Vec<(i64, Row)>> {
    let mut documents: Vec<&str> = rows.iter().map(|r| r.document.as_str()).collect();
    documents.sort_unstable();
    documents.dedup();
    let ids = import::debtor_ids(tx, org_id, &documents).await?;
    // Stored names, only when some row gives one to check.
    let names = if rows.iter().any(|r| r.name.is_some()) {
        import::debtor_names(tx, org_id, &documents).await?
    } else {
        HashMap::new()
    };
    let mut known = Vec::with_capacity(rows.len());
    for r in rows {
        match ids.get(&r.document) {
            // Another name under a known CPF/CNPJ is most likely a wrong
            // document: its contacts would reach a third party about a
            // debt, so they are left out, as the receivables import does.
            Some(_)
                if r.name.as_deref().is_some_and(|n| {
                    names
                        .get(&r.document)
                        .is_some_and(|(stored, key)| *key != name_key(n) && !same_person(n, stored))
                }) =>
            {
                let stored = names.get(&r.document).map_or("", |(n, _)| n.as_str());
                note_problem(
                    &mut out.summary.warnings,
                    &mut out.problems,
                    RowProblem::warning(
                        r.line,
                        "nome_devedor".into(),
                        r.name.clone().unwrap_or_default(),
                        &format!(
                            "este CPF/CNPJ é de “{stored}”, com outro nome: os contatos da linha ficaram de fora; confira o documento"
                        ),
                    ),
                );
            }
            Some(&id) => known.push((id, r)),
            None => {
                out.summary.unknown_debtors += 1;
                report(
                    out,
                    problem(
                        r.line,
                        Col::Document,
                        &r.document_as_found,
                        "devedor não cadastrado nesta organização (importe os títulos antes)",
                    ),
                );
            }
        }
    }
    Ok(known)
}

/// Decides each contact of a batch against what its debtor already has
/// (in this transaction, so earlier batches included) and writes the result.
async fn apply_batch(
    tx: &mut Tx,
    org_id: i64,
    known: Vec<(i64, Row)>,
    tz: &TimeZone,
    now: Timestamp,
    seen: &mut FingerprintSet,
    out: &mut EnrichmentOutcome,
) -> AppResult<()> {
    let mut debtor_ids: Vec<i64> = known.iter().map(|(id, _)| *id).collect();
    debtor_ids.sort_unstable();
    debtor_ids.dedup();
    let existing_rows = contacts::list_for_debtors(tx, org_id, &debtor_ids).await?;
    let existing: HashMap<(i64, String), &ContactRow> = existing_rows
        .iter()
        .map(|c| ((c.debtor_id, stored_key(c, tz)), c))
        .collect();
    let mut adds = Vec::new();
    let mut refreshes = Vec::new();
    for (debtor_id, r) in known {
        for inc in r.contacts {
            let key = (debtor_id, inc.contact.key());
            if !seen.insert(&[&debtor_id.to_le_bytes(), key.1.as_bytes()]) {
                out.summary.unchanged += 1;
                continue;
            }
            let stored = existing.get(&key).copied();
            let stored_domain = stored.and_then(|c| stored_contact(c, tz));
            let decision = match (stored, &stored_domain) {
                (Some(_), Some(d)) => enrichment_decision(Some(d), &inc.contact),
                // Stored but unreadable: leave it alone.
                (Some(_), None) => EnrichmentDecision::Keep(KeepReason::Invalid),
                (None, _) => enrichment_decision(None, &inc.contact),
            };
            match decision {
                EnrichmentDecision::Add => adds.push(NewContact {
                    debtor_id,
                    ..inc.row
                }),
                EnrichmentDecision::Refresh => {
                    if let Some(c) = stored {
                        refreshes.push((c.id, inc.row));
                    }
                }
                EnrichmentDecision::Keep(KeepReason::AlreadyKnown) => {
                    out.summary.unchanged += 1;
                }
                EnrichmentDecision::Keep(KeepReason::InvalidByBounce | KeepReason::Invalid) => {
                    out.summary.skipped_invalid += 1;
                }
            }
        }
    }
    let created = contacts::insert_new(tx, org_id, &adds, now).await?;
    out.summary.contacts_created += created;
    // A contact someone added meanwhile was not created again.
    out.summary.unchanged += adds.len() as u64 - created.min(adds.len() as u64);
    for (id, row) in &refreshes {
        if contacts::refresh(
            tx,
            org_id,
            *id,
            &row.source,
            row.source_date,
            row.whatsapp,
            row.workplace,
            now,
        )
        .await?
        {
            out.summary.contacts_refreshed += 1;
        } else {
            out.summary.unchanged += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn shorter_or_longer_forms_of_a_name_are_the_same_person() {
        use super::same_person;
        let stored = "Maria Aparecida da Silva";
        for same in [
            "Maria",
            "MARIA DA SILVA",
            "maria aparecida silva",
            "Maria Aparecida da Silva Santos",
        ] {
            assert!(same_person(same, stored), "{same}");
        }
        for other in ["José Souza", "Maria Souza", "Desconhecido", ""] {
            assert!(!same_person(other, stored), "{other}");
        }
        assert!(same_person("XYZ", "Comercial Xyz LTDA - ME"));
    }

    use std::{io::Cursor, sync::Mutex};

    use quita_core::{
        charge_policy::ChargePolicy,
        org::{OrgMode, OrgName},
    };

    use super::*;
    use crate::{
        FixedClock, admin::NewOrgInput, auth::AuthSettings, portfolio::enrichment_read::BATCH,
        portfolio::import::ImportOptions,
    };

    /// Progress is reported after each batch, in rows and bytes read, the
    /// last one at the file's end.
    async fn progress_after_each_batch(db: Db) {
        let clock = FixedClock::new("2026-11-23T12:00:00Z".parse().unwrap());
        let app = App::new(db, std::sync::Arc::new(clock), AuthSettings::default());
        let org = app
            .create_org(
                NewOrgInput {
                    name: OrgName::parse("Alfa").unwrap(),
                    slug: None,
                    document: None,
                    mode: OrgMode::Agency,
                },
                Actor::Cli,
            )
            .await
            .unwrap();
        let policy = ChargePolicy::default();
        let c = app
            .create_creditor(org.id, "Loja", "34.028.316/0001-03", &policy, Actor::Cli)
            .await
            .unwrap();
        let titles = "documento_devedor;nome_devedor;numero_documento;vencimento;valor\n\
                      529.982.247-25;Maria;NF-1;10/10/2026;100,00\n";
        let opts = ImportOptions {
            reversals: Default::default(),
            run: None,
            partial: false,
            source: "t".into(),
        };
        let input = Cursor::new(titles.as_bytes().to_vec());
        let out = app
            .import_receivables(
                org.id,
                c.id,
                FileKind::Csv,
                input,
                &opts,
                Actor::Cli,
                &|_| {},
            )
            .await
            .unwrap();
        assert!(out.summary.applied, "{:?}", out.problems);

        // Long enough that reading reports a batch before the readers'
        // buffers hold the whole file.
        let rows = 2 * BATCH + 10;
        let source = "f".repeat(80);
        let mut file = String::from("documento_devedor;email;fonte\n");
        for i in 0..rows {
            file.push_str(&format!(
                "52998224725;contato.{i:06}.de.teste@exemplo-de-enriquecimento.com.br;{source}\n"
            ));
        }
        let seen = Mutex::new(Vec::new());
        let opts = EnrichmentOptions {
            run: None,
            partial: false,
            source: "lista".into(),
        };
        let input = Cursor::new(file.clone().into_bytes());
        let out = app
            .import_contacts(org.id, FileKind::Csv, input, &opts, Actor::Cli, &|p| {
                seen.lock().unwrap().push(p)
            })
            .await
            .unwrap();
        assert!(out.summary.applied, "{:?}", out.problems);
        assert_eq!(out.summary.contacts_created, rows as u64);
        let seen = seen.into_inner().unwrap();
        let counts: Vec<u64> = seen.iter().map(|p| p.rows).collect();
        assert_eq!(counts, [BATCH as u64, 2 * BATCH as u64, rows as u64]);
        assert!(
            seen[0].bytes > 0 && seen[0].bytes < file.len() as u64,
            "{seen:?}"
        );
        assert!(
            seen.windows(2).all(|w| w[0].bytes <= w[1].bytes),
            "{seen:?}"
        );
        assert_eq!(seen[2].bytes, file.len() as u64);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn progress_after_each_batch_sqlite() {
        quita_store::testing::on_sqlite(progress_after_each_batch).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn progress_after_each_batch_postgres() {
        quita_store::testing::on_postgres(progress_after_each_batch).await;
    }
}
