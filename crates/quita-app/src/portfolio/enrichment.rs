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
use quita_br::document::Document;
use quita_core::{
    contact::{
        Cep, Contact, ContactSource, ContactValue, EnrichmentDecision, KeepReason, Phone,
        PostalAddress, Uf, Validity, enrichment_decision,
    },
    email::Email,
    import_row::{ImportField, normalise_header, parse_city, parse_phone_list},
};
use quita_store::{
    Db, Tx,
    audit::{self, Actor},
    orgs,
    portfolio::{
        contacts::{self, ContactRow, NewContact},
        import,
    },
};
use serde::Serialize;

use super::{
    fingerprints::FingerprintSet,
    import::{FileKind, RowProblem, file_problem, note_problem, problems_csv},
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
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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
    pub elapsed_ms: u64,
    /// False when the file was refused and nothing was written.
    pub applied: bool,
}

#[derive(Debug, Clone, Default)]
pub struct EnrichmentOutcome {
    pub summary: EnrichmentSummary,
    pub problems: Vec<RowProblem>,
}

impl EnrichmentOutcome {
    /// The error report as CSV (`linha;coluna;valor;motivo`), the same form
    /// as the receivables import's.
    pub fn problems_csv(&self) -> String {
        problems_csv(&self.problems)
    }
}

/// The columns of the enrichment layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Document,
    Email,
    Phones,
    Whatsapp,
    State,
    City,
    Zip,
    Address,
    Workplace,
    Source,
}

const COLS: [Col; 10] = [
    Col::Document,
    Col::Email,
    Col::Phones,
    Col::Whatsapp,
    Col::State,
    Col::City,
    Col::Zip,
    Col::Address,
    Col::Workplace,
    Col::Source,
];

impl Col {
    /// Accepted header names (normalised), canonical first: the receivables
    /// import's names where the column is shared.
    fn names(self) -> &'static [&'static str] {
        match self {
            Col::Document => ImportField::DebtorDocument.names(),
            Col::Email => ImportField::Email.names(),
            Col::Phones => ImportField::Phones.names(),
            Col::State => ImportField::State.names(),
            Col::City => ImportField::City.names(),
            Col::Zip => ImportField::Zip.names(),
            Col::Address => ImportField::Address.names(),
            Col::Whatsapp => &["whatsapp", "whats_app", "zap"],
            Col::Workplace => &["trabalho", "workplace", "comercial"],
            Col::Source => &["fonte", "source", "origem"],
        }
    }
    fn canonical(self) -> &'static str {
        self.names()[0]
    }
}

struct Header {
    positions: [Option<usize>; COLS.len()],
}

impl Header {
    fn parse(fields: &[String]) -> Result<Self, Vec<String>> {
        let mut positions = [None; COLS.len()];
        let mut errors = Vec::new();
        for (i, raw) in fields.iter().enumerate() {
            let name = normalise_header(raw);
            if let Some(k) = COLS.iter().position(|c| c.names().contains(&name.as_str())) {
                match positions[k] {
                    Some(first) => errors.push(format!(
                        "coluna {} aparece duas vezes (colunas {} e {})",
                        COLS[k].canonical(),
                        first + 1,
                        i + 1
                    )),
                    None => positions[k] = Some(i),
                }
            }
        }
        if positions[0].is_none() {
            errors.push("coluna obrigatória ausente: documento_devedor".into());
        }
        let contact_cols = [Col::Email, Col::Phones, Col::Address];
        if !contact_cols
            .iter()
            .any(|c| positions[COLS.iter().position(|x| x == c).unwrap_or(0)].is_some())
        {
            errors.push("nenhuma coluna de contato (email, telefones ou endereco)".into());
        }
        if errors.is_empty() {
            Ok(Self { positions })
        } else {
            Err(errors)
        }
    }

    fn cell<'r>(&self, record: &'r [String], col: Col) -> &'r str {
        let k = COLS.iter().position(|c| *c == col).unwrap_or(0);
        self.positions[k]
            .and_then(|p| record.get(p))
            .map_or("", |s| s.trim())
    }
}

/// One contact of a row, normalised.
struct Incoming {
    contact: Contact,
    row: NewContact,
}

struct Row {
    line: u64,
    document: String,
    contacts: Vec<Incoming>,
}

fn yes_no(raw: &str) -> Result<Option<bool>, ()> {
    match normalise_header(raw).as_str() {
        "" => Ok(None),
        "sim" | "s" | "yes" | "y" | "true" | "1" | "x" => Ok(Some(true)),
        "nao" | "n" | "no" | "false" | "0" => Ok(Some(false)),
        _ => Err(()),
    }
}

fn problem(line: u64, col: Col, value: &str, reason: impl Into<String>) -> RowProblem {
    RowProblem {
        line,
        column: col.canonical().to_owned(),
        value: value.chars().take(100).collect(),
        reason: reason.into(),
    }
}

/// Reads one record into a row, or every problem it has.
fn parse_row(
    h: &Header,
    line: u64,
    record: &[String],
    default_source: &ContactSource,
    collected_on: Date,
    now: Timestamp,
) -> Result<Row, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let doc_txt = h.cell(record, Col::Document);
    let document = if doc_txt.is_empty() {
        problems.push(problem(
            line,
            Col::Document,
            doc_txt,
            "campo obrigatório vazio",
        ));
        None
    } else {
        match Document::parse(doc_txt) {
            Ok(d) => Some(d.digits().to_owned()),
            Err(_) => {
                problems.push(problem(line, Col::Document, doc_txt, "CPF/CNPJ inválido"));
                None
            }
        }
    };
    let source_txt = h.cell(record, Col::Source);
    let source = if source_txt.is_empty() {
        default_source.clone()
    } else {
        match ContactSource::parse(source_txt) {
            Ok(s) => s,
            Err(_) => {
                problems.push(problem(
                    line,
                    Col::Source,
                    source_txt,
                    "fonte inválida (1 a 80 caracteres)",
                ));
                default_source.clone()
            }
        }
    };
    let flag = |col: Col, problems: &mut Vec<RowProblem>| {
        let v = h.cell(record, col);
        yes_no(v).unwrap_or_else(|()| {
            problems.push(problem(line, col, v, "use sim ou não"));
            None
        })
    };
    let whatsapp = flag(Col::Whatsapp, &mut problems);
    let workplace = flag(Col::Workplace, &mut problems).unwrap_or(false);

    let email_txt = h.cell(record, Col::Email);
    let email = if email_txt.is_empty() {
        None
    } else {
        match Email::parse(email_txt) {
            Ok(e) => Some(e),
            Err(_) => {
                problems.push(problem(line, Col::Email, email_txt, "e-mail inválido"));
                None
            }
        }
    };
    let (phones, bad_phones) = parse_phone_list(h.cell(record, Col::Phones));
    for p in bad_phones {
        problems.push(problem(line, Col::Phones, p, "telefone inválido"));
    }
    if whatsapp == Some(true) && phones.is_empty() {
        problems.push(problem(
            line,
            Col::Whatsapp,
            h.cell(record, Col::Whatsapp),
            "WhatsApp marcado sem telefone na linha",
        ));
    }
    let uf_txt = h.cell(record, Col::State);
    let uf = if uf_txt.is_empty() {
        None
    } else {
        Uf::parse(uf_txt)
            .map_err(|_| problems.push(problem(line, Col::State, uf_txt, "UF inválida")))
            .ok()
    };
    let cep_txt = h.cell(record, Col::Zip);
    let cep = if cep_txt.is_empty() {
        None
    } else {
        Cep::parse(cep_txt)
            .map_err(|_| {
                problems.push(problem(line, Col::Zip, cep_txt, "CEP inválido (8 dígitos)"))
            })
            .ok()
    };
    let city_txt = h.cell(record, Col::City);
    let city = parse_city(city_txt).unwrap_or_else(|e| {
        problems.push(problem(line, Col::City, city_txt, e.to_string()));
        None
    });
    let line_txt = h.cell(record, Col::Address);
    let address = if line_txt.is_empty() {
        if !(uf_txt.is_empty() && cep_txt.is_empty() && city_txt.is_empty()) {
            problems.push(problem(
                line,
                Col::Address,
                line_txt,
                "endereço vazio com cidade, UF ou CEP preenchidos",
            ));
        }
        None
    } else {
        PostalAddress::new(line_txt, city.as_deref(), uf, cep)
            .map_err(|_| problems.push(problem(line, Col::Address, line_txt, "endereço inválido")))
            .ok()
    };
    if email_txt.is_empty() && h.cell(record, Col::Phones).is_empty() && line_txt.is_empty() {
        problems.push(RowProblem {
            line,
            column: String::new(),
            value: String::new(),
            reason: "nenhum contato na linha (email, telefones ou endereco)".into(),
        });
    }
    let Some(document) = document else {
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut out = Vec::new();
    let base = |kind: &'static str, value: String| NewContact {
        debtor_id: 0,
        kind,
        value,
        whatsapp: false,
        workplace,
        uf: None,
        city: None,
        cep: None,
        source: source.as_str().to_owned(),
        source_date: now,
    };
    let domain = |value: ContactValue, whatsapp: bool| {
        let mut c = Contact::new(value, source.clone(), collected_on);
        let _ = c.set_whatsapp(whatsapp);
        c.set_workplace(workplace);
        c
    };
    for p in phones {
        // Like the receivables import: a mobile is WhatsApp-capable unless the file says not.
        let wa = whatsapp.unwrap_or(p.is_mobile());
        out.push(Incoming {
            contact: domain(ContactValue::Phone(p), wa),
            row: NewContact {
                whatsapp: wa,
                ..base("phone", p.e164())
            },
        });
    }
    if let Some(e) = email {
        out.push(Incoming {
            row: base("email", e.as_str().to_owned()),
            contact: domain(ContactValue::Email(e), false),
        });
    }
    if let Some(a) = address {
        out.push(Incoming {
            row: NewContact {
                uf: a.uf().map(|u| u.as_str().to_owned()),
                city: a.city().map(str::to_owned),
                cep: a.cep().map(|c| c.digits()),
                ..base("address", a.line().to_owned())
            },
            contact: domain(ContactValue::Address(a), false),
        });
    }
    Ok(Row {
        line,
        document,
        contacts: out,
    })
}

fn report(out: &mut EnrichmentOutcome, p: RowProblem) {
    note_problem(&mut out.summary.errors, &mut out.problems, p);
}

/// Rows read, then decided and written, per round trip to the database.
const BATCH: usize = 5000;

/// Reads the header; `None` when the file is refused (the problem is in `out`).
fn read_header<R: Read>(source: &mut RowSource<R>, out: &mut EnrichmentOutcome) -> Option<Header> {
    match source.next_record() {
        Ok(Some(r)) => match Header::parse(&r.fields) {
            Ok(h) => Some(h),
            Err(msgs) => {
                for reason in msgs {
                    report(
                        out,
                        RowProblem {
                            line: r.line,
                            column: String::new(),
                            value: String::new(),
                            reason,
                        },
                    );
                }
                None
            }
        },
        Ok(None) => {
            report(out, file_problem(FileError::Empty));
            None
        }
        Err(e) => {
            report(out, file_problem(e));
            None
        }
    }
}

/// The next batch of valid rows (bad rows are reported and left out) and
/// whether the file ended; `None` when the rest of the file cannot be read
/// (reported in `out`): the file is then refused whole.
fn read_batch<R: Read>(
    source: &mut RowSource<R>,
    header: &Header,
    default_source: &ContactSource,
    today: Date,
    now: Timestamp,
    out: &mut EnrichmentOutcome,
) -> Option<(Vec<Row>, bool)> {
    let mut rows = Vec::with_capacity(BATCH);
    while rows.len() < BATCH {
        let record = match source.next_record() {
            Ok(Some(r)) => r,
            Ok(None) => return Some((rows, true)),
            Err(e) => {
                report(out, file_problem(e));
                return None;
            }
        };
        if record.fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        out.summary.rows += 1;
        match parse_row(
            header,
            record.line,
            &record.fields,
            default_source,
            today,
            now,
        ) {
            Ok(r) => rows.push(r),
            Err(ps) => {
                for p in ps {
                    report(out, p);
                }
            }
        }
    }
    Some((rows, false))
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
    pub async fn import_contacts<R: Read + Send>(
        &self,
        org_id: i64,
        kind: FileKind,
        input: R,
        opts: &EnrichmentOptions,
        actor: Actor,
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
        };
        let mut out = match kind {
            FileKind::Csv => run.apply(&self.db, RowSource::csv(input)).await?,
            FileKind::Xlsx => {
                let mut bytes = Vec::new();
                let mut input = input;
                input
                    .read_to_end(&mut bytes)
                    .map_err(|e| AppError::invalid("file", e))?;
                run.apply(&self.db, RowSource::xlsx(bytes)).await?
            }
        };
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
}

impl Run {
    async fn apply<S: Read + Send>(
        &self,
        db: &Db,
        source: Result<RowSource<S>, FileError>,
    ) -> AppResult<EnrichmentOutcome> {
        let Run {
            org_id,
            partial,
            actor,
            ref tz,
            now,
            today,
            ref default_source,
        } = *self;
        let mut out = EnrichmentOutcome::default();
        let mut source = match source {
            Ok(s) => s,
            Err(e) => {
                report(&mut out, file_problem(e));
                return Ok(out);
            }
        };
        let Some(header) = read_header(&mut source, &mut out) else {
            return Ok(out);
        };

        // One transaction for the whole file, read, decided and written a
        // batch at a time: memory grows with the distinct contacts met
        // (`seen`, 16 bytes each, so one repeated later in the file counts
        // as unchanged), not with the rows. SQLite's write lock is held
        // while the file is read, as in the receivables import.
        let mut tx = db.begin_write().await?;
        let mut seen = FingerprintSet::default();
        loop {
            let Some((rows, ended)) =
                read_batch(&mut source, &header, default_source, today, now, &mut out)
            else {
                // Broken file: refused whole, the transaction rolls back.
                return Ok(refused(out));
            };
            let known = known_debtors(&mut tx, org_id, rows, &mut out).await?;
            // Once the file cannot be applied whole, keep reading only to
            // report every problem.
            if out.summary.errors == 0 || partial {
                apply_batch(&mut tx, org_id, known, tz, now, &mut seen, &mut out).await?;
            }
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
    let mut known = Vec::with_capacity(rows.len());
    for r in rows {
        match ids.get(&r.document) {
            Some(&id) => known.push((id, r)),
            None => {
                out.summary.unknown_debtors += 1;
                report(
                    out,
                    problem(
                        r.line,
                        Col::Document,
                        &r.document,
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
    use super::*;

    fn header(cols: &[&str]) -> Result<Header, Vec<String>> {
        Header::parse(&cols.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn header_needs_the_document_and_a_contact_column() {
        assert!(header(&["Documento Devedor", "E-mail", "Fonte"]).is_ok());
        assert!(header(&["cpf_cnpj", "telefones"]).is_ok());
        let e = header(&["email"]).err().unwrap();
        assert!(e[0].contains("documento_devedor"), "{e:?}");
        let e = header(&["documento_devedor", "fonte"]).err().unwrap();
        assert!(e[0].contains("nenhuma coluna de contato"), "{e:?}");
        let e = header(&["documento_devedor", "email", "e_mail"])
            .err()
            .unwrap();
        assert!(e[0].contains("duas vezes"), "{e:?}");
    }

    #[test]
    fn rows_are_normalised_like_the_receivables_import() {
        let h = header(&[
            "documento_devedor",
            "email",
            "telefones",
            "whatsapp",
            "trabalho",
            "endereco",
            "cidade",
            "uf",
            "cep",
        ])
        .unwrap();
        let src = ContactSource::parse("lista").unwrap();
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        let rec: Vec<String> = [
            "529.982.247-25",
            " Maria@Exemplo.COM.br ",
            "(11) 98765-4321|11 3333-4444|(11) 98765-4321",
            "não",
            "sim",
            "Rua A,  10",
            "São  Paulo",
            "sp",
            "01310-100",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let r = parse_row(&h, 2, &rec, &src, jiff::civil::date(2026, 11, 23), now).unwrap();
        assert_eq!(r.document, "52998224725");
        let values: Vec<_> = r
            .contacts
            .iter()
            .map(|c| {
                (
                    c.row.kind,
                    c.row.value.as_str(),
                    c.row.whatsapp,
                    c.row.workplace,
                )
            })
            .collect();
        assert_eq!(
            values,
            [
                ("phone", "+5511987654321", false, true),
                ("phone", "+551133334444", false, true),
                ("email", "maria@exemplo.com.br", false, true),
                ("address", "Rua A, 10", false, true),
            ]
        );
        let a = &r.contacts[3].row;
        assert_eq!(
            (a.city.as_deref(), a.uf.as_deref(), a.cep.as_deref()),
            (Some("São Paulo"), Some("SP"), Some("01310100"))
        );

        let bad: Vec<String> = ["123", "x@", "1234", "talvez", "", "", "", "", ""]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let e = parse_row(&h, 3, &bad, &src, jiff::civil::date(2026, 11, 23), now)
            .err()
            .unwrap();
        let cols: Vec<_> = e.iter().map(|p| (p.line, p.column.as_str())).collect();
        assert_eq!(
            cols,
            [
                (3, "documento_devedor"),
                (3, "whatsapp"),
                (3, "email"),
                (3, "telefones")
            ]
        );
    }
}
