//! The reading half of the enrichment import: the layout's header, each
//! row normalised into contacts by the receivables import's own parsers
//! (`quita_core::import_row`, `Phone::parse`, `Email::parse`…), and the file
//! read a batch at a time with every problem reported by line and column.

use std::io::Read;

use jiff::{Timestamp, civil::Date};
use quita_core::{
    contact::{Cep, Contact, ContactSource, ContactValue, PostalAddress, Uf},
    email::Email,
    import_row::{
        FieldReason, ImportField, area_code, column_as_written, normalise_header, parse_city,
        parse_document, parse_phone_cells, parse_yes_no,
    },
};
use quita_store::portfolio::contacts::NewContact;

use super::contact_add::contact_row;

use super::{
    enrichment::EnrichmentOutcome,
    import::{RowProblem, file_problem, note_problem},
    rows::{FileError, RowSource},
};

/// The columns of the enrichment layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Col {
    Document,
    Email,
    Phones,
    /// A DDD in a column of its own, for phones written without one.
    AreaCode,
    Whatsapp,
    State,
    City,
    Zip,
    Address,
    Workplace,
    Source,
    /// The debtor's name, when the file has it: checked against the stored
    /// one, as the receivables import does.
    Name,
}

const COLS: [Col; 12] = [
    Col::Document,
    Col::Email,
    Col::Phones,
    Col::AreaCode,
    Col::Whatsapp,
    Col::State,
    Col::City,
    Col::Zip,
    Col::Address,
    Col::Workplace,
    Col::Source,
    Col::Name,
];

impl Col {
    /// Accepted header names (normalised), canonical first: the receivables
    /// import's names where the column is shared.
    fn names(self) -> &'static [&'static str] {
        match self {
            Col::Document => ImportField::DebtorDocument.names(),
            Col::Email => ImportField::Email.names(),
            Col::Phones => ImportField::Phones.names(),
            Col::AreaCode => ImportField::AreaCode.names(),
            Col::State => ImportField::State.names(),
            Col::City => ImportField::City.names(),
            Col::Zip => ImportField::Zip.names(),
            Col::Address => ImportField::Address.names(),
            Col::Whatsapp => &["whatsapp", "whats_app", "zap"],
            Col::Workplace => &["trabalho", "workplace", "comercial"],
            Col::Source => &["fonte", "source", "origem"],
            Col::Name => ImportField::DebtorName.names(),
        }
    }
    fn canonical(self) -> &'static str {
        self.names()[0]
    }

    /// The column a header cell names: one of this layout's own, or one it
    /// shares with the receivables import, matched the same way
    /// ([`ImportField::of_header`]: currency marks, numbered phones…).
    fn of_header(raw: &str) -> Option<Col> {
        let name = normalise_header(raw);
        [Col::Whatsapp, Col::Workplace, Col::Source]
            .into_iter()
            .find(|c| c.names().contains(&name.as_str()))
            .or_else(|| match ImportField::of_header(raw)? {
                ImportField::DebtorDocument => Some(Col::Document),
                ImportField::Email => Some(Col::Email),
                ImportField::Phones => Some(Col::Phones),
                ImportField::AreaCode => Some(Col::AreaCode),
                ImportField::State => Some(Col::State),
                ImportField::City => Some(Col::City),
                ImportField::Zip => Some(Col::Zip),
                ImportField::Address => Some(Col::Address),
                ImportField::DebtorName => Some(Col::Name),
                _ => None,
            })
    }

    fn index(self) -> usize {
        COLS.iter().position(|c| *c == self).unwrap_or(0)
    }
}

pub(super) struct Header {
    /// 0-based position of each column (for phones, the first of them).
    positions: [Option<usize>; COLS.len()],
    /// Every phone column (`telefone`, `celular`, `Telefone 2`…), in file order.
    phones: Vec<usize>,
    /// Every e-mail column (`email`, `E-mail 1`, `E-mail 2`…), in file order.
    emails: Vec<usize>,
    /// Columns not read, as the receivables import reports them: `(1-based
    /// position, name as written, why)`, in file order.
    not_read: Vec<(usize, String, String)>,
    /// Each phone column as a report names it (`telefones (Telefone 2)`),
    /// by 1-based position: a file may have several.
    phone_names: Vec<(usize, String)>,
}

impl Header {
    fn parse(fields: &[String]) -> Result<Self, Vec<String>> {
        let mut positions = [None; COLS.len()];
        let mut phones = Vec::new();
        let mut emails = Vec::new();
        let mut not_read = Vec::new();
        let mut phone_names = Vec::new();
        let mut errors = Vec::new();
        // Blank cells after the last named column are trailing delimiters.
        let named = fields.iter().rposition(|h| !h.trim().is_empty());
        for (i, raw) in fields.iter().enumerate() {
            let Some(col) = Col::of_header(raw) else {
                if named.is_none_or(|n| i > n) {
                    continue;
                }
                let reason = format!("coluna {} desconhecida, ignorada", i + 1);
                not_read.push((i + 1, raw.trim().to_owned(), reason));
                continue;
            };
            if col == Col::Phones {
                phones.push(i);
                phone_names.push((i + 1, column_as_written(Col::Phones.canonical(), raw)));
            }
            if col == Col::Email {
                emails.push(i);
            }
            match positions[col.index()] {
                // Every phone and e-mail column is read.
                Some(_) if matches!(col, Col::Phones | Col::Email) => {}
                Some(first) => errors.push(format!(
                    "coluna {} aparece duas vezes (colunas {} e {})",
                    col.canonical(),
                    first + 1,
                    i + 1
                )),
                None => positions[col.index()] = Some(i),
            }
        }
        if positions[0].is_none() {
            errors.push("coluna obrigatória ausente: documento_devedor".into());
        }
        let contact_cols = [Col::Email, Col::Phones, Col::Address];
        if !contact_cols.iter().any(|c| positions[c.index()].is_some()) {
            errors.push("nenhuma coluna de contato (email, telefones ou endereco)".into());
        }
        if errors.is_empty() {
            Ok(Self {
                positions,
                phones,
                emails,
                not_read,
                phone_names,
            })
        } else {
            Err(errors)
        }
    }

    fn cell<'r>(&self, record: &'r [String], col: Col) -> &'r str {
        self.positions[col.index()]
            .and_then(|p| record.get(p))
            .map_or("", |s| s.trim())
    }

    /// The row's phone cells, with their 1-based column.
    fn email_cells<'r>(&self, record: &'r [String]) -> impl Iterator<Item = &'r str> {
        self.emails
            .iter()
            .map(|&p| record.get(p).map_or("", |s| s.trim()))
    }

    fn phone_cells<'r>(&self, record: &'r [String]) -> impl Iterator<Item = (usize, &'r str)> {
        self.phones
            .iter()
            .map(|&p| (p + 1, record.get(p).map_or("", |s| s.trim())))
    }
}

/// One contact of a row, normalised.
pub(super) struct Incoming {
    pub contact: Contact,
    pub row: NewContact,
}

pub(super) struct Row {
    pub line: u64,
    /// CPF/CNPJ digits.
    pub document: String,
    /// The CPF/CNPJ as found in the file, for the report.
    pub document_as_found: String,
    /// The name the row gives, normalised as a debtor's (`None` without one,
    /// or when it does not read as a name: nothing to check then).
    pub name: Option<String>,
    pub contacts: Vec<Incoming>,
}

/// `sim`/`não` as the receivables import reads them; empty is `None`.
fn yes_no(raw: &str) -> Result<Option<bool>, ()> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse_yes_no(raw).map(Some).ok_or(())
    }
}

pub(super) fn problem(line: u64, col: Col, value: &str, reason: impl Into<String>) -> RowProblem {
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
        match parse_document(doc_txt) {
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

    // Every e-mail column is read: each good address is a contact.
    let mut emails: Vec<Email> = Vec::new();
    for e_txt in h.email_cells(record).filter(|c| !c.is_empty()) {
        match Email::parse(e_txt) {
            Ok(e) if !emails.contains(&e) => emails.push(e),
            Ok(_) => {}
            Err(_) => problems.push(problem(line, Col::Email, e_txt, "e-mail inválido")),
        }
    }
    let no_email = h.email_cells(record).all(str::is_empty);
    let area_txt = h.cell(record, Col::AreaCode);
    let area = area_code(area_txt).unwrap_or_else(|why| {
        problems.push(problem(line, Col::AreaCode, area_txt, why.to_string()));
        None
    });
    let (phones, bad_phones) = parse_phone_cells(h.phone_cells(record), area.as_deref());
    for (at, p, why) in bad_phones {
        let reason = FieldReason::Phone(why).to_string();
        let mut bad = problem(line, Col::Phones, p, reason);
        if let Some((_, named)) = h.phone_names.iter().find(|(i, _)| *i == at) {
            bad.column.clone_from(named);
        }
        problems.push(bad);
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
    let no_phone = h.phone_cells(record).all(|(_, c)| c.is_empty());
    if no_email && no_phone && line_txt.is_empty() {
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
    let mut push = |value: ContactValue, whatsapp: bool| {
        let row = contact_row(&value, whatsapp, workplace, &source, now);
        let mut contact = Contact::new(value, source.clone(), collected_on);
        let _ = contact.set_whatsapp(whatsapp);
        contact.set_workplace(workplace);
        out.push(Incoming { contact, row });
    };
    for p in phones {
        // Like the receivables import: a mobile is WhatsApp-capable unless the file says not.
        push(ContactValue::Phone(p), whatsapp.unwrap_or(p.is_mobile()));
    }
    for e in emails {
        push(ContactValue::Email(e), false);
    }
    if let Some(a) = address {
        push(ContactValue::Address(a), false);
    }
    let name = quita_core::debtor::PersonName::parse(h.cell(record, Col::Name))
        .ok()
        .map(|n| n.as_str().to_owned());
    Ok(Row {
        line,
        document,
        document_as_found: doc_txt.to_owned(),
        name,
        contacts: out,
    })
}

pub(super) fn report(out: &mut EnrichmentOutcome, p: RowProblem) {
    note_problem(&mut out.summary.errors, &mut out.problems, p);
}

/// Something ignored that refuses nothing (a column not read).
fn warn(out: &mut EnrichmentOutcome, p: RowProblem) {
    note_problem(&mut out.summary.warnings, &mut out.problems, p);
}

/// Rows read, then decided and written, per round trip to the database.
pub(super) const BATCH: usize = 5000;

/// Reads the header; `None` when the file is refused (the problem is in `out`).
pub(super) fn read_header<R: Read>(
    source: &mut RowSource<R>,
    out: &mut EnrichmentOutcome,
) -> Option<Header> {
    match source.next_record() {
        Ok(Some(r)) => match Header::parse(&r.fields) {
            Ok(h) => {
                // As in the receivables import: each column not read is a
                // warning at the header's line.
                for (_, name, reason) in &h.not_read {
                    warn(
                        out,
                        RowProblem::warning(r.line, name.clone(), String::new(), reason),
                    );
                }
                Some(h)
            }
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
pub(super) fn read_batch<R: Read>(
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
        if let Some(overflow) = &record.overflow {
            report(out, overflow.problem(record.line));
            continue;
        }
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
        let e = header(&["documento_devedor", "email", "uf", "Estado"])
            .err()
            .unwrap();
        assert_eq!(e, ["coluna uf aparece duas vezes (colunas 3 e 4)"]);
    }

    /// The header is matched as the receivables import's: currency marks
    /// and numbered phones, every phone column read, the first e-mail
    /// column read, and whatever is not read listed with why.
    #[test]
    fn columns_not_read_are_listed_and_phone_columns_all_read() {
        let h = header(&[
            "CPF",
            "Telefone 1",
            "Telefone 2",
            "Celular",
            "Telefone Fixo",
            "E-mail",
            "Email Comercial",
            "E-mail 2",
            "Observação",
            "Nome",
        ])
        .unwrap();
        let not_read: Vec<_> = h
            .not_read
            .iter()
            .map(|(p, n, r)| (*p, n.as_str(), r.as_str()))
            .collect();
        assert_eq!(
            not_read,
            [
                (7, "Email Comercial", "coluna 7 desconhecida, ignorada"),
                (9, "Observação", "coluna 9 desconhecida, ignorada"),
            ]
        );
        let src = ContactSource::parse("lista").unwrap();
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        let rec: Vec<String> = [
            "277.113.153-68",
            "(11) 95555-4444",
            "(11) 96666-5555",
            "11 95555-4444",
            "(11) 3333-2222",
            "a@exemplo.com",
            "b@exemplo.com",
            "c@exemplo.com",
            "ligar à tarde",
            "Ana",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let today = jiff::civil::date(2026, 11, 23);
        let r = parse_row(&h, 2, &rec, &src, today, now).unwrap();
        let values: Vec<_> = r
            .contacts
            .iter()
            .map(|c| (c.row.value.as_str(), c.row.whatsapp))
            .collect();
        assert_eq!(
            values,
            [
                ("+5511955554444", true),
                ("+5511966665555", true),
                ("+551133332222", false),
                ("a@exemplo.com", false),
                ("c@exemplo.com", false),
            ]
        );
        // A row whose only contact is in a later phone column has one; a
        // bad phone there is named at the phones' column, as written.
        let mut rec = vec![String::new(); 10];
        rec[0] = "277.113.153-68".into();
        rec[4] = "(00) 3333-2222".into();
        let e = parse_row(&h, 3, &rec, &src, today, now).err().unwrap();
        let found: Vec<_> = e
            .iter()
            .map(|p| (p.column.as_str(), p.reason.as_str()))
            .collect();
        assert_eq!(
            found,
            [(
                "telefones (Telefone Fixo)",
                "telefone inválido: o DDD 00 não existe"
            )]
        );
        rec[4] = "(11) 3333-2222".into();
        assert_eq!(
            parse_row(&h, 3, &rec, &src, today, now)
                .unwrap()
                .contacts
                .len(),
            1
        );
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
