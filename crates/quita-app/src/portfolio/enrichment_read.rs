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
        FieldReason, ImportField, normalise_header, parse_city, parse_document, parse_phone_list,
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

pub(super) struct Header {
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
pub(super) struct Incoming {
    pub contact: Contact,
    pub row: NewContact,
}

pub(super) struct Row {
    pub line: u64,
    /// CPF/CNPJ digits.
    pub document: String,
    pub contacts: Vec<Incoming>,
}

fn yes_no(raw: &str) -> Result<Option<bool>, ()> {
    match normalise_header(raw).as_str() {
        "" => Ok(None),
        "sim" | "s" | "yes" | "y" | "true" | "1" | "x" => Ok(Some(true)),
        "nao" | "n" | "no" | "false" | "0" => Ok(Some(false)),
        _ => Err(()),
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
    for (p, why) in bad_phones {
        let reason = FieldReason::Phone(why).to_string();
        problems.push(problem(line, Col::Phones, p, reason));
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
    if let Some(e) = email {
        push(ContactValue::Email(e), false);
    }
    if let Some(a) = address {
        push(ContactValue::Address(a), false);
    }
    Ok(Row {
        line,
        document,
        contacts: out,
    })
}

pub(super) fn report(out: &mut EnrichmentOutcome, p: RowProblem) {
    note_problem(&mut out.summary.errors, &mut out.problems, p);
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
