//! The canonical import row: one receivable with its debtor and contacts.
//!
//! The import reader (CSV/XLSX, in `quita-app`) splits the file into records
//! of `&str` cells; this module maps them, by the header, into a validated
//! [`ImportRow`] or the list of what is wrong with the row ([`FieldError`]).
//!
//! Two steps, so a million-row file pays the header work once:
//! 1. [`ImportHeader::parse`] maps header names to fields. Names are matched
//!    case-insensitively, ignoring accents, surrounding spaces, a BOM and a
//!    currency mark (`R$`), with spaces or `-` read as `_`; pt-BR names and
//!    English aliases are accepted (see [`ImportField::names`]), phone and
//!    e-mail names also numbered (`Telefone 2`). A missing required column
//!    or two columns for one field are [`HeaderError`]s, except that every
//!    phone and e-mail column is read (a row keeps its first good e-mail
//!    and names any other); unknown columns are ignored and listed by
//!    [`ImportHeader::unknown_columns`].
//! 2. [`ImportHeader::parse_row`] reads one record. It returns **every**
//!    error of the row, not just the first.
//!
//! Values: dates `dd/mm/aaaa` or `aaaa-mm-dd`; amounts in any form
//! [`Money::parse`] accepts (`1.234,56`, `1234.56`); phones separated by `|`.
//!
//! Errors vs. warnings: a problem with the receivable or the debtor's
//! identity (document, name, number, dates, amounts, installment) rejects the
//! row. A malformed **optional contact** field (e-mail, a phone, UF, CEP,
//! address) does not: that value is dropped and reported in
//! [`ImportRow::warnings`], so one bad phone does not block a debt from being
//! collected. Reasons are in pt-BR (shown to users as is), with a stable
//! English [`FieldReason::code`] for programs.
//!
//! ```
//! use quita_core::import_row::ImportHeader;
//! let header = ImportHeader::parse(&["documento_devedor", "nome_devedor", "numero_documento", "vencimento", "valor"])
//!     .expect("header");
//! let row = header.parse_row(&["529.982.247-25", "JOSÉ DA SILVA", "NF-1", "10/01/2026", "1.234,56"]).unwrap();
//! assert_eq!(row.name().as_str(), "José da Silva");
//! assert_eq!(row.amount().to_string(), "1234.56");
//! let errors = header.parse_row(&["529.982.247-25", "José", "NF-1", "2026-02-30", "0"]).unwrap_err();
//! let found: Vec<_> = errors.iter().map(|e| (e.column.canonical(), e.reason.code())).collect();
//! assert_eq!(found, [("vencimento", "date"), ("valor", "non_positive_amount")]);
//! ```

use std::fmt;

use jiff::civil::Date;
use quita_br::document::Document;

use crate::contact::{Cep, Phone, PostalAddress, Uf};
use crate::contract::ContractNumber;
use crate::debtor::PersonName;
use crate::email::Email;
use crate::money::{Money, MoneyError};
use crate::receivable::{DocumentNumber, Installment, NewReceivable, Receivable};

/// A column of the import layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ImportField {
    DebtorDocument,
    DebtorName,
    Email,
    Phones,
    /// A DDD given in a column of its own, for phones written without one.
    AreaCode,
    State,
    City,
    Zip,
    Address,
    Contract,
    DocumentNumber,
    Installment,
    Installments,
    IssueDate,
    DueDate,
    Amount,
    OpenAmount,
    /// Whether the row's contract has a collection-fee clause.
    FeeClause,
}

const FIELD_COUNT: usize = 18;

impl ImportField {
    pub const ALL: [ImportField; FIELD_COUNT] = [
        Self::DebtorDocument,
        Self::DebtorName,
        Self::Email,
        Self::Phones,
        Self::AreaCode,
        Self::State,
        Self::City,
        Self::Zip,
        Self::Address,
        Self::Contract,
        Self::DocumentNumber,
        Self::Installment,
        Self::Installments,
        Self::IssueDate,
        Self::DueDate,
        Self::Amount,
        Self::OpenAmount,
        Self::FeeClause,
    ];

    /// The canonical (pt-BR) column name, used in error reports.
    pub fn canonical(self) -> &'static str {
        self.names()[0]
    }

    /// Every accepted header name, canonical first, in normalised form.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Self::DebtorDocument => &[
                "documento_devedor",
                "debtor_document",
                "cpf_cnpj",
                "documento",
                "cpf",
                "cnpj",
                "documento_do_devedor",
                "cpf_cnpj_do_cliente",
                "cpf_do_cliente",
            ],
            Self::DebtorName => &[
                "nome_devedor",
                "debtor_name",
                "nome",
                "name",
                "nome_do_devedor",
                "nome_do_cliente",
                "nome_cliente",
                "cliente",
                "devedor",
                "razao_social",
            ],
            Self::Email => &["email", "e_mail"],
            Self::Phones => &[
                "telefones",
                "phones",
                "telefone",
                "phone",
                "celular",
                "fone",
                "celulares",
                "tel",
                "mobile",
                "telefone_fixo",
                "telefone_celular",
                "telefone_residencial",
                "telefone_comercial",
                "telefone_contato",
                "fone_fixo",
                "fone_celular",
                "fone_residencial",
                "fone_comercial",
            ],
            Self::AreaCode => &["ddd", "codigo_de_area", "cod_area", "area_code"],
            Self::State => &["uf", "state", "estado"],
            Self::City => &["cidade", "city", "municipio"],
            Self::Zip => &["cep", "zip", "zip_code", "postal_code"],
            Self::Address => &["endereco", "address", "logradouro"],
            Self::Contract => &[
                "contrato",
                "contract",
                "numero_contrato",
                "numero_do_contrato",
                "n_contrato",
            ],
            Self::DocumentNumber => &[
                "numero_documento",
                "document_number",
                "numero_do_documento",
                "n_documento",
                "no_documento",
                "num_documento",
                "titulo",
                "numero_titulo",
                "numero_do_titulo",
            ],
            Self::Installment => &["parcela", "installment", "numero_parcela", "n_parcela"],
            Self::Installments => &[
                "total_parcelas",
                "installments",
                "total_de_parcelas",
                "qtd_parcelas",
                "quantidade_de_parcelas",
            ],
            Self::IssueDate => &[
                "emissao",
                "issue_date",
                "data_emissao",
                "data_de_emissao",
                "dt_emissao",
            ],
            Self::DueDate => &[
                "vencimento",
                "due_date",
                "data_vencimento",
                "data_de_vencimento",
                "dt_vencimento",
                "vencto",
                "vcto",
            ],
            Self::Amount => &[
                "valor",
                "amount",
                "valor_r",
                "valor_original",
                "valor_do_titulo",
            ],
            Self::OpenAmount => &[
                "valor_aberto",
                "open_amount",
                "valor_em_aberto",
                "saldo",
                "saldo_devedor",
                "saldo_em_aberto",
                "saldo_aberto",
                "saldo_atual",
                "saldo_pendente",
                "valor_pendente",
                "em_aberto",
            ],
            Self::FeeClause => &[
                "honorarios",
                "fee_clause",
                "clausula_honorarios",
                "clausula_de_honorarios",
                "honorarios_previstos",
            ],
        }
    }

    /// Required columns: the row cannot exist without them.
    pub fn is_required(self) -> bool {
        matches!(
            self,
            Self::DebtorDocument
                | Self::DebtorName
                | Self::DocumentNumber
                | Self::DueDate
                | Self::Amount
        )
    }

    /// The field a header cell names, as written (see [`normalise_header`]):
    /// one of its [`names`](Self::names), or for phones and e-mail one of
    /// them numbered (`Telefone 2`, `E-mail 1`, `celular2`).
    pub fn of_header(raw: &str) -> Option<Self> {
        Self::from_header(&normalise_header(raw))
    }

    fn from_header(normalised: &str) -> Option<Self> {
        let named = |name: &str| Self::ALL.into_iter().find(|f| f.names().contains(&name));
        named(normalised).or_else(|| {
            let unnumbered = normalised
                .trim_end_matches(|c: char| c.is_ascii_digit())
                .trim_end_matches('_');
            (unnumbered.len() < normalised.len())
                .then(|| named(unnumbered))
                .flatten()
                .filter(|f| f.is_multiple())
        })
    }

    /// Fields a file may give in several columns: every phone column is
    /// read, and every e-mail column (a row keeps its first good e-mail,
    /// whichever column holds it, and names any other on the row).
    pub fn is_multiple(self) -> bool {
        matches!(self, Self::Phones | Self::Email)
    }
}

impl fmt::Display for ImportField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.canonical())
    }
}

/// A CPF/CNPJ cell of an import file. A spreadsheet that held the number as
/// a number dropped its leading zeros (`8351296678` for `083.512.966-78`):
/// digits alone, one or two short of a CPF or a CNPJ, get them back before
/// the check digits are verified, which still refuse a number that was
/// simply mistyped.
/// Why a CPF/CNPJ was refused, in pt-BR, without the number itself (it
/// is personal data): what the import report and the forms say.
pub fn document_problem(e: &quita_br::document::DocumentError) -> String {
    use quita_br::document::DocumentError as E;
    match e {
        E::Empty => "informe o CNPJ ou CPF".into(),
        E::InvalidCharacter { ch, offset } => {
            format!("caractere {ch:?} inválido na posição {}", offset + 1)
        }
        E::Lowercase { ch, offset } => format!(
            "letra minúscula {ch:?} na posição {}: as letras do CNPJ são maiúsculas",
            offset + 1
        ),
        E::LetterInCpf { ch, offset } => format!(
            "letra {ch:?} na posição {}: o CPF só tem números",
            offset + 1
        ),
        E::LetterInCheckDigit { ch, offset } => format!(
            "letra {ch:?} na posição {}: os dígitos verificadores são números",
            offset + 1
        ),
        E::WrongLength { found, .. } => {
            format!("{found} caracteres: o CPF tem 11 e o CNPJ 14 (sem pontuação)")
        }
        E::RepeatedDigits => "número com todos os dígitos iguais não é válido".into(),
        E::CheckDigit { which, .. } => {
            format!("o {which}º dígito verificador não confere: confira o número")
        }
    }
}

pub fn parse_document(raw: &str) -> Result<Document, quita_br::document::DocumentError> {
    let t = raw.trim();
    let width = match t.len() {
        9 | 10 => 11,
        12 | 13 => 14,
        _ => 0,
    };
    if width > 0 && t.bytes().all(|b| b.is_ascii_digit()) {
        return Document::parse(&format!("{t:0>width$}"));
    }
    Document::parse(t)
}

impl serde::Serialize for ImportField {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.canonical())
    }
}

/// A problem with the header row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum HeaderError {
    #[error("coluna obrigatória ausente: {field}")]
    MissingColumn { field: ImportField },
    /// Columns are 1-based.
    #[error("coluna {field} aparece duas vezes (colunas {first} e {second})")]
    DuplicateColumn {
        field: ImportField,
        first: usize,
        second: usize,
    },
    #[error("cabeçalho vazio")]
    Empty,
    /// Said beside missing columns: the columns that might have been them.
    #[error("colunas não reconhecidas: {}; renomeie-as para os nomes aceitos, listados na página de importação e em docs/import-format.md", .names.iter().map(|n| format!("«{n}»")).collect::<Vec<_>>().join(", "))]
    Unrecognised { names: Vec<String> },
}

/// Why a value was refused. `Display` is the pt-BR message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldReason {
    #[error("campo obrigatório vazio")]
    Required,
    #[error("CPF/CNPJ inválido: {}", document_problem(.0))]
    Document(quita_br::document::DocumentError),
    #[error("nome inválido: {}", name_problem(.0))]
    Name(crate::debtor::NameError),
    #[error("e-mail inválido")]
    Email,
    /// A second good e-mail on a row: one is kept per row.
    #[error("outro e-mail na linha, não lido (um e-mail por linha: fica o primeiro)")]
    ExtraEmail,
    #[error("telefone inválido: {}", .0.pt_br())]
    Phone(crate::contact::PhoneError),
    /// The `ddd` column: not a two-digit area code.
    #[error(
        "DDD inválido (use dois dígitos, como 11): os telefones da linha sem DDD ficaram de fora"
    )]
    AreaCode,
    #[error("UF inválida")]
    State,
    #[error("CEP inválido (8 dígitos)")]
    Zip,
    #[error("endereço inválido")]
    Address,
    #[error("número de contrato inválido")]
    Contract,
    /// `honorarios` is not yes or no.
    #[error("honorários: informe sim ou não (se o contrato prevê honorários de cobrança)")]
    FeeClause,
    /// `honorarios` on a row without `contrato`: the clause is a contract's.
    #[error("honorários sem contrato: a cláusula é do contrato, informe a coluna contrato")]
    FeeClauseWithoutContract,
    #[error("número do documento inválido")]
    DocumentNumber,
    #[error("parcela inválida (use 1, 2, … até o total de parcelas)")]
    Installment,
    #[error("{}", date_problem(.0))]
    Date(DateError),
    #[error("valor inválido (use 1.234,56 ou 1234.56)")]
    Amount,
    #[error("valor com mais de duas casas decimais")]
    AmountDecimals,
    #[error("valor ambíguo (use 1.234,56 ou 1234.56)")]
    AmountAmbiguous,
    #[error("valor deve ser maior que zero")]
    NonPositiveAmount,
    /// Above [`MAX_AMOUNT`]: a typo or a filler, not a title.
    #[error("valor acima do máximo aceito por título (R$ 10.000.000.000,00)")]
    AmountTooLarge,
    /// `parcela` `2/10` beside a different `total_parcelas`.
    #[error("total de parcelas diferente do informado na parcela ({0})")]
    InstallmentsDiffer(String),
    #[error("valor em aberto deve estar entre zero e o valor")]
    OpenAmountRange,
    #[error("vencimento anterior à emissão")]
    DueBeforeIssue,
}

impl FieldReason {
    /// Stable English code for programs and the API (`required`, `document`…).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::Document(_) => "document",
            Self::Name(_) => "name",
            Self::Email => "email",
            Self::ExtraEmail => "extra_email",
            Self::Phone(_) => "phone",
            Self::AreaCode => "area_code",
            Self::State => "state",
            Self::Zip => "zip",
            Self::Address => "address",
            Self::Contract => "contract",
            Self::FeeClause => "fee_clause",
            Self::FeeClauseWithoutContract => "fee_clause_without_contract",
            Self::DocumentNumber => "document_number",
            Self::Installment => "installment",
            Self::Date(_) => "date",
            Self::Amount => "amount",
            Self::AmountDecimals => "amount_decimals",
            Self::AmountAmbiguous => "amount_ambiguous",
            Self::NonPositiveAmount => "non_positive_amount",
            Self::AmountTooLarge => "amount_too_large",
            Self::InstallmentsDiffer(_) => "installments_differ",
            Self::OpenAmountRange => "open_amount_range",
            Self::DueBeforeIssue => "due_before_issue",
        }
    }

    fn from_money(e: &MoneyError) -> Self {
        match e {
            MoneyError::Empty => Self::Required,
            MoneyError::TooManyDecimals => Self::AmountDecimals,
            MoneyError::Ambiguous => Self::AmountAmbiguous,
            _ => Self::Amount,
        }
    }
}

impl serde::Serialize for FieldReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One wrong value in a row: which column (canonical name and 1-based
/// position in the file, if the column exists), the value as found
/// (truncated to 100 characters), and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub column: ImportField,
    pub column_index: Option<usize>,
    pub value: String,
    pub reason: FieldReason,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({:?})", self.column, self.reason, self.value)
    }
}

/// A header mapped to fields. Build once per file with [`ImportHeader::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportHeader {
    /// 0-based position of each field's column, indexed by `ImportField as usize`.
    positions: [Option<usize>; FIELD_COUNT],
    /// 0-based positions of every phone column, in file order.
    phones: Vec<usize>,
    /// 0-based positions of every e-mail column, in file order.
    emails: Vec<usize>,
    unknown: Vec<(usize, String)>,
}

/// How a report names a column that a file may have several of (phones,
/// e-mails): `canonical`, with the file's own heading after it when that
/// is another (`telefones (Telefone 2)`). Shared by both import layouts.
pub fn column_as_written(canonical: &str, written: &str) -> String {
    let written = written.trim_start_matches('\u{feff}').trim();
    if written.is_empty() || normalise_header(written) == canonical {
        canonical.to_owned()
    } else {
        format!("{canonical} ({})", crate::text::excerpt(written, 40))
    }
}

/// `"  Emissão "` → `"emissao"`, `"Data Vencimento"` → `"data_vencimento"`,
/// `"CPF/CNPJ"` → `"cpf_cnpj"`, `"Valor (R$)"` → `"valor"`, `"Nº Documento"`
/// → `"n_documento"`: accents folded, lower case, every run of other
/// characters one `_`, none at either end; a currency mark is no part of
/// the name (`R$` anywhere, or a trailing `BRL`/`reais`, with an `em` before
/// it: `Saldo em R$` → `"saldo"`). Shared with the other import layouts (the
/// enrichment of contacts).
pub fn normalise_header(raw: &str) -> String {
    let s = raw.trim_start_matches('\u{feff}').trim();
    let mut out = String::with_capacity(s.len());
    let mut currency = false;
    let mut chars = s.chars().peekable();
    let mut after_word = false;
    while let Some(c) = chars.next() {
        if matches!(c, 'r' | 'R') && !after_word && chars.peek() == Some(&'$') {
            chars.next();
            currency = true;
            after_word = false;
            if !(out.is_empty() || out.ends_with('_')) {
                out.push('_');
            }
            continue;
        }
        after_word = c.is_alphanumeric();
        let c = match c {
            'á' | 'à' | 'â' | 'ã' | 'ä' | 'Á' | 'À' | 'Â' | 'Ã' | 'Ä' => 'a',
            'é' | 'ê' | 'è' | 'É' | 'Ê' | 'È' => 'e',
            'í' | 'Í' => 'i',
            'ó' | 'ô' | 'õ' | 'Ó' | 'Ô' | 'Õ' => 'o',
            'ú' | 'ü' | 'Ú' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            _ => '_',
        };
        if c != '_' || !(out.is_empty() || out.ends_with('_')) {
            out.push(c);
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    for mark in ["_brl", "_reais"] {
        if out.len() > mark.len() && out.ends_with(mark) {
            out.truncate(out.len() - mark.len());
            currency = true;
        }
    }
    if currency && out.len() > "_em".len() && out.ends_with("_em") {
        out.truncate(out.len() - "_em".len());
    }
    out
}

impl ImportHeader {
    /// Maps the header row; every problem is reported at once.
    pub fn parse(header: &[&str]) -> Result<Self, Vec<HeaderError>> {
        if header
            .iter()
            .all(|h| h.trim_start_matches('\u{feff}').trim().is_empty())
        {
            return Err(vec![HeaderError::Empty]);
        }
        let mut positions = [None; FIELD_COUNT];
        let mut phones = Vec::new();
        let mut emails = Vec::new();
        let mut unknown = Vec::new();
        let mut errors = Vec::new();
        for (i, raw) in header.iter().enumerate() {
            match ImportField::of_header(raw) {
                Some(field) => {
                    match field {
                        ImportField::Phones => phones.push(i),
                        ImportField::Email => emails.push(i),
                        _ => {}
                    }
                    let slot = &mut positions[field as usize];
                    match slot {
                        // Every phone and e-mail column is read.
                        Some(_) if field.is_multiple() => {}
                        Some(first) => errors.push(HeaderError::DuplicateColumn {
                            field,
                            first: *first + 1,
                            second: i + 1,
                        }),
                        None => *slot = Some(i),
                    }
                }
                None => unknown.push((i + 1, raw.trim().to_owned())),
            }
        }
        for field in ImportField::ALL {
            if field.is_required() && positions[field as usize].is_none() {
                errors.push(HeaderError::MissingColumn { field });
            }
        }
        // Blank cells after the last named column are the spreadsheet's
        // trailing delimiters (`;;`), not columns: nothing to tell.
        let named = header.iter().rposition(|h| !h.trim().is_empty());
        unknown.retain(|(position, name)| {
            !name.is_empty() || named.is_some_and(|n| *position <= n + 1)
        });
        let missing = errors
            .iter()
            .any(|e| matches!(e, HeaderError::MissingColumn { .. }));
        if missing && !unknown.is_empty() {
            errors.push(HeaderError::Unrecognised {
                names: unknown.iter().map(|(_, n)| n.clone()).collect(),
            });
        }
        if errors.is_empty() {
            Ok(Self {
                positions,
                phones,
                emails,
                unknown,
            })
        } else {
            Err(errors)
        }
    }

    /// 1-based position of a field's column in the file (for phones, the
    /// first of their columns).
    pub fn column_of(&self, field: ImportField) -> Option<usize> {
        self.positions[field as usize].map(|p| p + 1)
    }

    /// Columns not recognised (1-based position, name as written): ignored.
    pub fn unknown_columns(&self) -> &[(usize, String)] {
        &self.unknown
    }

    fn cell<'r>(&self, record: &[&'r str], field: ImportField) -> &'r str {
        self.positions[field as usize]
            .and_then(|p| record.get(p))
            .map_or("", |s| s.trim())
    }

    /// Reads one record (cells in file order; missing trailing cells count as
    /// empty, extra cells are ignored). `Ok` may still carry warnings.
    pub fn parse_row(&self, record: &[&str]) -> Result<ImportRow, Vec<FieldError>> {
        self.read_row(record).map_err(|r| r.errors)
    }

    /// [`parse_row`](Self::parse_row), and for a refused row the warnings
    /// its optional values would have had as well, so that a report lists
    /// every problem of the row at once.
    pub fn read_row(&self, record: &[&str]) -> Result<ImportRow, RefusedRow> {
        let mut errors: Vec<FieldError> = Vec::new();
        let mut warnings: Vec<FieldError> = Vec::new();
        let err = |field: ImportField, value: &str, reason: FieldReason| FieldError {
            column: field,
            column_index: self.column_of(field),
            value: value.chars().take(100).collect(),
            reason,
        };
        macro_rules! required {
            // The reason made from the parser's own error.
            ($field:expr, $parse:expr, from $reason:expr) => {{
                let v = self.cell(record, $field);
                if v.is_empty() {
                    errors.push(err($field, v, FieldReason::Required));
                    None
                } else {
                    match $parse(v) {
                        Ok(x) => Some(x),
                        Err(e) => {
                            errors.push(err($field, v, $reason(e)));
                            None
                        }
                    }
                }
            }};
            ($field:expr, $parse:expr, $reason:expr) => {{
                let v = self.cell(record, $field);
                if v.is_empty() {
                    errors.push(err($field, v, FieldReason::Required));
                    None
                } else {
                    match $parse(v) {
                        Ok(x) => Some(x),
                        Err(_) => {
                            errors.push(err($field, v, $reason));
                            None
                        }
                    }
                }
            }};
        }
        macro_rules! optional {
            ($list:ident, $field:expr, $parse:expr, from $reason:expr) => {{
                let v = self.cell(record, $field);
                if v.is_empty() {
                    None
                } else {
                    match $parse(v) {
                        Ok(x) => Some(x),
                        Err(e) => {
                            $list.push(err($field, v, $reason(e)));
                            None
                        }
                    }
                }
            }};
            ($list:ident, $field:expr, $parse:expr, $reason:expr) => {{
                let v = self.cell(record, $field);
                if v.is_empty() {
                    None
                } else {
                    match $parse(v) {
                        Ok(x) => Some(x),
                        Err(_) => {
                            $list.push(err($field, v, $reason));
                            None
                        }
                    }
                }
            }};
        }

        let document = required!(
            ImportField::DebtorDocument,
            parse_document,
            from FieldReason::Document
        );
        let name = required!(
            ImportField::DebtorName,
            PersonName::parse,
            from FieldReason::Name
        );
        let document_number = required!(
            ImportField::DocumentNumber,
            DocumentNumber::parse,
            FieldReason::DocumentNumber
        );
        let due_date = required!(ImportField::DueDate, parse_date, from FieldReason::Date);
        let issue_date = optional!(
            errors,
            ImportField::IssueDate,
            parse_date,
            from FieldReason::Date
        );
        let contract = optional!(
            errors,
            ImportField::Contract,
            ContractNumber::parse,
            FieldReason::Contract
        );
        let fee_clause = optional!(
            errors,
            ImportField::FeeClause,
            |v| parse_yes_no(v).ok_or(()),
            FieldReason::FeeClause
        );
        if fee_clause.is_some()
            && contract.is_none()
            && self.cell(record, ImportField::Contract).is_empty()
        {
            let v = self.cell(record, ImportField::FeeClause);
            warnings.push(err(
                ImportField::FeeClause,
                v,
                FieldReason::FeeClauseWithoutContract,
            ));
        }

        // Amounts.
        let amount_txt = self.cell(record, ImportField::Amount);
        let amount = match parse_amount(amount_txt) {
            Ok(m) if m > MAX_AMOUNT => {
                errors.push(err(
                    ImportField::Amount,
                    amount_txt,
                    FieldReason::AmountTooLarge,
                ));
                None
            }
            Ok(m) if m.is_positive() => Some(m),
            Ok(_) => {
                errors.push(err(
                    ImportField::Amount,
                    amount_txt,
                    FieldReason::NonPositiveAmount,
                ));
                None
            }
            Err(e) => {
                errors.push(err(
                    ImportField::Amount,
                    amount_txt,
                    FieldReason::from_money(&e),
                ));
                None
            }
        };
        let open_txt = self.cell(record, ImportField::OpenAmount);
        let open_amount = if open_txt.is_empty() {
            amount
        } else {
            match parse_amount(open_txt) {
                Ok(m) if m.is_negative() || amount.is_some_and(|a| m > a) => {
                    errors.push(err(
                        ImportField::OpenAmount,
                        open_txt,
                        FieldReason::OpenAmountRange,
                    ));
                    None
                }
                Ok(m) => Some(m),
                Err(e) => {
                    errors.push(err(
                        ImportField::OpenAmount,
                        open_txt,
                        FieldReason::from_money(&e),
                    ));
                    None
                }
            }
        };

        // Installment n of N.
        let n_txt = self.cell(record, ImportField::Installment);
        let total_txt = self.cell(record, ImportField::Installments);
        let (n_part, inline_total) = match n_txt.split_once('/') {
            Some((a, b)) => (a.trim(), Some(b.trim())),
            None => (n_txt, None),
        };
        let total_src = if total_txt.is_empty() {
            inline_total.unwrap_or("")
        } else {
            total_txt
        };
        let differ = match (inline_total, total_txt.is_empty()) {
            (Some(inline), false) => match (inline.parse::<u16>(), total_txt.parse::<u16>()) {
                (Ok(a), Ok(b)) => a != b,
                _ => inline != total_txt,
            },
            _ => false,
        };
        if differ {
            errors.push(err(
                ImportField::Installments,
                total_txt,
                FieldReason::InstallmentsDiffer(n_txt.chars().take(12).collect()),
            ));
        }
        let number = if n_part.is_empty() {
            Ok(1)
        } else {
            n_part.parse::<u16>()
        };
        let total = if total_src.is_empty() {
            Ok(None)
        } else {
            total_src.parse::<u16>().map(Some)
        };
        let installment = match (number, total) {
            (Ok(n), Ok(t)) => match Installment::new(n, t) {
                Ok(i) => Some(i),
                Err(_) => {
                    errors.push(err(
                        ImportField::Installment,
                        n_txt,
                        FieldReason::Installment,
                    ));
                    None
                }
            },
            (Err(_), _) => {
                errors.push(err(
                    ImportField::Installment,
                    n_txt,
                    FieldReason::Installment,
                ));
                None
            }
            (_, Err(_)) => {
                errors.push(err(
                    ImportField::Installments,
                    total_src,
                    FieldReason::Installment,
                ));
                None
            }
        };

        if let (Some(issue), Some(due)) = (issue_date, due_date)
            && due < issue
        {
            let v = self.cell(record, ImportField::DueDate);
            errors.push(err(ImportField::DueDate, v, FieldReason::DueBeforeIssue));
        }

        // Optional contact data: problems are warnings. A row's e-mail is
        // its first good one, whichever e-mail column holds it; another
        // good one is named on the row (a row keeps one e-mail).
        let mut email = None;
        for &i in &self.emails {
            let v = record.get(i).map_or("", |s| s.trim());
            if v.is_empty() {
                continue;
            }
            let here = |reason| FieldError {
                column_index: Some(i + 1),
                ..err(ImportField::Email, v, reason)
            };
            match (Email::parse(v), &email) {
                (Ok(e), None) => email = Some(e),
                (Ok(e), Some(kept)) if e != *kept => {
                    warnings.push(here(FieldReason::ExtraEmail));
                }
                (Ok(_), Some(_)) => {}
                (Err(_), _) => warnings.push(here(FieldReason::Email)),
            }
        }
        let cells = self
            .phones
            .iter()
            .map(|&p| (p + 1, record.get(p).map_or("", |s| s.trim())));
        let area_txt = self.cell(record, ImportField::AreaCode);
        let area = match area_code(area_txt) {
            Ok(area) => area,
            Err(why) => {
                warnings.push(err(ImportField::AreaCode, area_txt, why));
                None
            }
        };
        let (phones, bad_phones) = parse_phone_cells(cells, area.as_deref());
        for (column, p, why) in bad_phones {
            warnings.push(FieldError {
                column_index: Some(column),
                ..err(ImportField::Phones, p, FieldReason::Phone(why))
            });
        }
        let state = optional!(warnings, ImportField::State, Uf::parse, FieldReason::State);
        let zip = optional!(warnings, ImportField::Zip, Cep::parse, FieldReason::Zip);
        let city_txt = self.cell(record, ImportField::City);
        let city = match parse_city(city_txt) {
            Ok(c) => c,
            Err(_) => {
                warnings.push(err(ImportField::City, city_txt, FieldReason::Address));
                None
            }
        };
        let line_txt = self.cell(record, ImportField::Address);
        let address = if line_txt.is_empty() {
            None
        } else {
            match PostalAddress::new(line_txt, city.as_deref(), state, zip) {
                Ok(a) => Some(a),
                Err(_) => {
                    warnings.push(err(ImportField::Address, line_txt, FieldReason::Address));
                    None
                }
            }
        };

        match (
            document,
            name,
            document_number,
            due_date,
            amount,
            open_amount,
            installment,
        ) {
            (
                Some(document),
                Some(name),
                Some(document_number),
                Some(due_date),
                Some(amount),
                Some(open_amount),
                Some(installment),
            ) if errors.is_empty() => Ok(ImportRow {
                document,
                name,
                email,
                phones,
                state,
                city,
                zip,
                address,
                contract,
                fee_clause,
                document_number,
                installment,
                issue_date,
                due_date,
                amount,
                open_amount,
                open_stated: !open_txt.is_empty(),
                warnings,
            }),
            _ => Err(RefusedRow { errors, warnings }),
        }
    }
}

/// A row refused: its errors, and the warnings of its optional values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedRow {
    pub errors: Vec<FieldError>,
    pub warnings: Vec<FieldError>,
}

/// The phones of a `telefones` cell (`|`-separated), each to E.164, without
/// duplicates, and the parts that are not phones (as written).
pub fn parse_phone_list(cell: &str) -> (Vec<Phone>, Vec<(&str, crate::contact::PhoneError)>) {
    let (phones, bad) = parse_phone_cells([(0, cell)], None);
    (phones, bad.into_iter().map(|(_, p, e)| (p, e)).collect())
}

/// The DDD of a `ddd` cell: `None` when blank; two digits 11–99, written
/// `11`, `(11)` or `011`; anything else is refused.
pub fn area_code(cell: &str) -> Result<Option<String>, FieldReason> {
    let digits: String = cell.chars().filter(|c| !"() ".contains(*c)).collect();
    if digits.is_empty() {
        return Ok(None);
    }
    let digits = match digits.strip_prefix('0') {
        Some(rest) if rest.len() == 2 => rest,
        _ => digits.as_str(),
    };
    if digits.len() == 2 && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0') {
        Ok(Some(digits.to_owned()))
    } else {
        Err(FieldReason::AreaCode)
    }
}

/// The phones of a row's phone cells (`telefone`, `celular`, `Telefone 2`…:
/// `(column, cell)`, each cell `|`-separated, or `/`, `;` or `,`), each to
/// E.164, without
/// duplicates across the cells, and the parts that are not phones (with
/// their column, as written). With `area` (the row's `ddd` column), a
/// number written without a DDD (8 or 9 digits) takes that one.
pub fn parse_phone_cells<'c>(
    cells: impl IntoIterator<Item = (usize, &'c str)>,
    area: Option<&str>,
) -> (
    Vec<Phone>,
    Vec<(usize, &'c str, crate::contact::PhoneError)>,
) {
    let mut phones = Vec::new();
    let mut bad = Vec::new();
    for (column, cell) in cells {
        // `|` as documented, and what people also put between phones; a
        // part that is only an extension (`…, ramal 22`) was the number's.
        for p in cell
            .split(['|', '/', ';', ','])
            .map(str::trim)
            .filter(|p| !p.is_empty() && !crate::contact::is_extension(p))
        {
            let local = p.chars().filter(char::is_ascii_digit).count();
            let parsed = match area {
                Some(ddd) if (8..=9).contains(&local) => Phone::parse(&format!("({ddd}) {p}")),
                _ => Phone::parse(p),
            };
            match parsed {
                Ok(ph) if !phones.contains(&ph) => phones.push(ph),
                Ok(_) => {}
                Err(e) => bad.push((column, p, e)),
            }
        }
    }
    (phones, bad)
}

/// A city cell: inner spaces collapsed; `None` when empty; refused when
/// longer than 100 characters or with control characters.
pub fn parse_city(cell: &str) -> Result<Option<String>, FieldReason> {
    let c = cell.trim();
    if c.is_empty() {
        Ok(None)
    } else if c.chars().count() > 100 || c.chars().any(char::is_control) {
        Err(FieldReason::Address)
    } else {
        Ok(Some(c.split_whitespace().collect::<Vec<_>>().join(" ")))
    }
}

/// Why a date was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not `dd/mm/aaaa` nor `aaaa-mm-dd`.
    #[error("invalid date (use dd/mm/aaaa or aaaa-mm-dd)")]
    Format,
    /// Well written, but no such day (31/02, 29/02 of a common year).
    #[error("no such day in the calendar")]
    NoSuchDay,
    /// A year outside 1900–2199 (`26` typed for `2026`).
    #[error("year out of range (1900 to 2199)")]
    Year,
}

fn name_problem(e: &crate::debtor::NameError) -> &'static str {
    use crate::debtor::NameError;
    match e {
        NameError::Empty => "vazio",
        NameError::TooLong => "passa de 200 caracteres",
        NameError::Control => "tem um caractere de controle",
        NameError::NoLetters => "não tem letras",
    }
}

fn date_problem(e: &DateError) -> &'static str {
    match e {
        DateError::Format => "data inválida (use dd/mm/aaaa ou aaaa-mm-dd)",
        DateError::NoSuchDay => "data inexistente no calendário (dia ou mês fora do intervalo)",
        DateError::Year => {
            "ano fora do intervalo aceito (1900 a 2199; use o ano com quatro dígitos)"
        }
    }
}

/// `sim`/`não` as people write them in a spreadsheet: `sim`, `s`, `x`,
/// `1`, `true`, `yes` or `não`, `nao`, `n`, `0`, `false`, `no`, any case.
pub fn parse_yes_no(raw: &str) -> Option<bool> {
    match crate::text::search_key(raw.trim()).as_str() {
        "sim" | "s" | "x" | "1" | "true" | "yes" | "y" | "verdadeiro" => Some(true),
        "nao" | "n" | "0" | "false" | "no" | "falso" => Some(false),
        _ => None,
    }
}

/// `dd/mm/aaaa` (day and month may have one digit; `-` or `.` between them
/// too, as ERPs write them) or year first, `aaaa-mm-dd` (or with `/` or
/// `.`); years 1900 to 2199 (a guard against `26` typed for `2026`). A time
/// after the date (`2026-02-01T00:00:00`, `01/02/2026 00:00`, as databases
/// export a date) is left out; one with a time zone is refused, since it
/// may name another day here.
pub fn parse_date(raw: &str) -> Result<Date, DateError> {
    let s = without_time(raw.trim())?;
    let num = |p: &str, min: usize, max: usize| -> Result<i16, DateError> {
        if p.len() < min || p.len() > max || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DateError::Format);
        }
        p.parse::<i16>().map_err(|_| DateError::Format)
    };
    let sep = s
        .chars()
        .find(|c| matches!(c, '/' | '-' | '.'))
        .ok_or(DateError::Format)?;
    let mut parts = s.split(sep);
    let (Some(a), Some(b), Some(c), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(DateError::Format);
    };
    let (y, m, d) = if a.len() == 4 {
        // ISO wants two digits; with `/` or `.` one is fine too.
        let min = if sep == '-' { 2 } else { 1 };
        (num(a, 4, 4)?, num(b, min, 2)?, num(c, min, 2)?)
    } else {
        (num(c, 4, 4)?, num(b, 1, 2)?, num(a, 1, 2)?)
    };
    if !(1900..=2199).contains(&y) {
        return Err(DateError::Year);
    }
    let m = i8::try_from(m).map_err(|_| DateError::NoSuchDay)?;
    let d = i8::try_from(d).map_err(|_| DateError::NoSuchDay)?;
    Date::new(y, m, d).map_err(|_| DateError::NoSuchDay)
}

/// The date part of `s` when a time of day follows it (after `T` or a
/// space): `hh:mm`, `hh:mm:ss` or with a fraction; anything else after the
/// date (a time zone included) is a malformed date.
fn without_time(s: &str) -> Result<&str, DateError> {
    let Some(at) = s.find(['T', ' ']) else {
        return Ok(s);
    };
    let (date, time) = (&s[..at], s[at + 1..].trim());
    let (clock, fraction) = time.split_once('.').unwrap_or((time, "0"));
    let fields: Vec<&str> = clock.split(':').collect();
    let digits = |t: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
    };
    let is_time = matches!(fields.len(), 2 | 3)
        && digits(fields[0], 1..=2)
        && fields[1..].iter().all(|f| digits(f, 2..=2))
        && digits(fraction, 1..=9);
    if is_time {
        Ok(date)
    } else {
        Err(DateError::Format)
    }
}

/// The largest amount a title may have: R$ 10 billion. Far above any real
/// title, and low enough that sums over millions of them stay within the
/// 64-bit centavos the reports add in.
pub const MAX_AMOUNT: Money = Money::from_centavos(1_000_000_000_000);

/// An amount cell: as [`Money::parse`], and Excel's accounting format's
/// zero (`R$ -`, a dash alone) as zero, which is how a spreadsheet saved as
/// CSV writes a settled balance.
fn parse_amount(text: &str) -> Result<Money, MoneyError> {
    let bare = text.trim().trim_start_matches("R$").trim();
    if matches!(bare, "-" | "–" | "—") {
        return Ok(Money::from_centavos(0));
    }
    match without_space_grouping(text) {
        Some(joined) => Money::parse(&joined),
        None => Money::parse(text),
    }
}

/// `1 234,56`: some systems group thousands with a space (or a no-break or
/// thin space). The spaces go when every group after the first has three
/// digits (`12 345 678,90`, `R$ 1 234`); anything else (`1 23,45`) is left
/// for [`Money::parse`] to refuse.
fn without_space_grouping(text: &str) -> Option<String> {
    let is_space = |c: char| matches!(c, ' ' | '\u{a0}' | '\u{2009}' | '\u{202f}');
    let text = text.trim();
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let (prefix, number) = text.split_at(start);
    if !number.contains(is_space) {
        return None;
    }
    let groups: Vec<&str> = number.split(is_space).collect();
    let digits = |g: &str| g.bytes().all(|b| b.is_ascii_digit());
    let (first, rest) = groups.split_first()?;
    let (last, middle) = rest.split_last()?;
    // Byte checks first: slicing at 3 is then on a character boundary.
    let last_ok = last.len() >= 3 && last.as_bytes()[..3].iter().all(u8::is_ascii_digit) && {
        // Three digits, then nothing or the decimals.
        let tail = &last[3..];
        tail.is_empty()
            || (tail.len() <= 3
                && tail.starts_with([',', '.'])
                && tail.len() >= 2
                && digits(&tail[1..]))
    };
    let grouped = (1..=3).contains(&first.len())
        && digits(first)
        && middle.iter().all(|g| g.len() == 3 && digits(g))
        && last_ok;
    grouped.then(|| format!("{prefix}{}", groups.concat()))
}

/// A validated import row.
///
/// Invariants: `amount > 0`; `0 <= open_amount <= amount`; `due_date >=
/// issue_date` when both are present; the installment is consistent; phones
/// are distinct.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportRow {
    document: Document,
    name: PersonName,
    email: Option<Email>,
    phones: Vec<Phone>,
    state: Option<Uf>,
    city: Option<String>,
    zip: Option<Cep>,
    address: Option<PostalAddress>,
    contract: Option<ContractNumber>,
    /// The contract's collection-fee clause, when the file says.
    fee_clause: Option<bool>,
    document_number: DocumentNumber,
    installment: Installment,
    issue_date: Option<Date>,
    due_date: Date,
    amount: Money,
    open_amount: Money,
    /// The row gave `valor_aberto` (else `open_amount` is the amount).
    #[serde(skip)]
    open_stated: bool,
    warnings: Vec<FieldError>,
}

impl ImportRow {
    pub fn document(&self) -> &Document {
        &self.document
    }
    pub fn name(&self) -> &PersonName {
        &self.name
    }
    pub fn email(&self) -> Option<&Email> {
        self.email.as_ref()
    }
    pub fn phones(&self) -> &[Phone] {
        &self.phones
    }
    pub fn state(&self) -> Option<Uf> {
        self.state
    }
    pub fn city(&self) -> Option<&str> {
        self.city.as_deref()
    }
    pub fn zip(&self) -> Option<Cep> {
        self.zip
    }
    /// Present when `endereco` is filled (with city, UF and CEP when given).
    pub fn address(&self) -> Option<&PostalAddress> {
        self.address.as_ref()
    }
    /// Whether the row's contract has a collection-fee clause (`honorarios`
    /// sim/não), when the file says; only with a contract.
    pub fn fee_clause(&self) -> Option<bool> {
        self.fee_clause.filter(|_| self.contract.is_some())
    }
    pub fn contract(&self) -> Option<&ContractNumber> {
        self.contract.as_ref()
    }
    pub fn document_number(&self) -> &DocumentNumber {
        &self.document_number
    }
    pub fn installment(&self) -> Installment {
        self.installment
    }
    pub fn issue_date(&self) -> Option<Date> {
        self.issue_date
    }
    pub fn due_date(&self) -> Date {
        self.due_date
    }
    pub fn amount(&self) -> Money {
        self.amount
    }
    pub fn open_amount(&self) -> Money {
        self.open_amount
    }
    /// The receivable's identity within a creditor: document number and
    /// installment number (two rows with the same identity in one file are
    /// the same receivable twice).
    pub fn identity(&self) -> (&DocumentNumber, u16) {
        (&self.document_number, self.installment.number())
    }
    /// Optional values that were dropped, with why.
    pub fn warnings(&self) -> &[FieldError] {
        &self.warnings
    }

    /// The receivable this row describes, ready for [`crate::receivable::Receivable::new`]
    /// (which cannot fail on it: the row already holds the same invariants).
    pub fn to_new_receivable(&self) -> NewReceivable {
        NewReceivable {
            document_number: self.document_number.clone(),
            installment: self.installment,
            issue_date: self.issue_date,
            due_date: self.due_date,
            original_amount: self.amount,
            open_balance: Some(self.open_amount),
        }
    }

    /// The receivable this row makes of `stored` (the same identity, already
    /// in the portfolio): what the row does not say (no column, or a blank
    /// cell) keeps its stored value, because creditors send slimmer files
    /// later (balances only) and a missing column must not erase an issue
    /// date or an installment total. Without `valor_aberto` the amount paid
    /// so far is kept: the open balance is the (new) amount less it.
    pub fn update_of(&self, stored: &Receivable) -> NewReceivable {
        let total = self.installment.total().or(stored.installment().total());
        let open = if self.open_stated {
            self.open_amount
        } else {
            // A negative result (the new amount below what was paid) stays
            // negative, so that the update is refused for its balance.
            self.amount
                .checked_sub(stored.amount_paid())
                .unwrap_or(self.open_amount)
        };
        NewReceivable {
            document_number: self.document_number.clone(),
            installment: Installment::new(self.installment.number(), total)
                .unwrap_or(self.installment),
            issue_date: self.issue_date.or(stored.issue_date()),
            due_date: self.due_date,
            original_amount: self.amount,
            open_balance: Some(open),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn amounts_may_group_thousands_with_spaces() {
        use super::parse_amount;
        let c = |t: &str| parse_amount(t).map(|m| m.centavos());
        for (text, centavos) in [
            ("1 234,56", 123_456),
            ("R$ 1 234,56", 123_456),
            ("12 345 678,90", 1_234_567_890),
            ("1\u{a0}234", 123_400),
            ("1\u{202f}234.5", 123_450),
            ("R$\u{a0}1.234,56", 123_456),
            (" 1234,56 ", 123_456),
            ("R$ -", 0),
        ] {
            assert_eq!(c(text), Ok(centavos), "{text:?}");
        }
        for text in [
            "1 23,45",
            "1 2345",
            "1234 567",
            "1  234",
            "1 234,567",
            "1 234,",
            "1 234 x",
            "1 ¡¡",
            "1 2ã",
        ] {
            assert!(c(text).is_err(), "{text:?}");
        }
    }

    use super::*;
    use crate::receivable::{Receivable, ReceivableStatus};
    use jiff::civil::date;
    use proptest::prelude::*;

    const HEADER: &[&str] = &[
        "\u{feff}documento_devedor",
        "nome_devedor",
        "email",
        "telefones",
        "uf",
        "cidade",
        "cep",
        "endereco",
        "contrato",
        "numero_documento",
        "parcela",
        "total_parcelas",
        "emissao",
        "vencimento",
        "valor",
        "valor_aberto",
    ];

    fn good() -> Vec<&'static str> {
        vec![
            "529.982.247-25",
            "  MARIA  DA SILVA ",
            "Maria@Exemplo.com",
            "(11) 91234-5678 | 11 3123-4567|(11) 91234-5678",
            "sp",
            "São  Paulo",
            "01310-100",
            "Av. Paulista, 1000",
            "CT-1",
            "NF-001",
            "2",
            "3",
            "05/01/2026",
            "2026-02-05",
            "1.234,56",
            "",
        ]
    }

    #[test]
    fn parses_a_full_row() {
        let h = ImportHeader::parse(HEADER).unwrap();
        let r = h.parse_row(&good()).unwrap();
        assert_eq!(r.document().digits(), "52998224725");
        assert_eq!(r.name().as_str(), "Maria da Silva");
        assert_eq!(r.email().unwrap().as_str(), "maria@exemplo.com");
        assert_eq!(r.phones().len(), 2);
        assert_eq!(r.phones()[0].to_string(), "+5511912345678");
        assert_eq!(r.state().unwrap().as_str(), "SP");
        assert_eq!(r.city(), Some("São Paulo"));
        assert_eq!(r.address().unwrap().cep().unwrap().to_string(), "01310-100");
        assert_eq!(r.installment(), Installment::new(2, Some(3)).unwrap());
        assert_eq!(r.issue_date(), Some(date(2026, 1, 5)));
        assert_eq!(r.due_date(), date(2026, 2, 5));
        assert_eq!(r.amount(), Money::from_centavos(123_456));
        assert_eq!(r.open_amount(), r.amount());
        assert!(r.warnings().is_empty());
        let rec = Receivable::new(r.to_new_receivable()).unwrap();
        assert_eq!(rec.status(), ReceivableStatus::Open);
    }

    #[test]
    fn english_aliases_and_minimal_columns() {
        let h = ImportHeader::parse(&[
            "Debtor Document",
            "debtor_name",
            "document_number",
            "Due-Date",
            "amount",
            "foo",
        ])
        .unwrap();
        assert_eq!(h.unknown_columns(), &[(6, "foo".to_owned())]);
        // Trailing blank cells (Excel's `;;`) are not columns; a blank one
        // between named ones is told.
        let trailing = ImportHeader::parse(&[
            "documento_devedor",
            "nome_devedor",
            "",
            "numero_documento",
            "vencimento",
            "valor",
            "",
            " ",
        ])
        .unwrap();
        assert_eq!(trailing.unknown_columns(), &[(3, String::new())]);
        let r = h
            .parse_row(&[
                "11.222.333/0001-81",
                "acme ltda",
                "X1",
                "31/12/2026",
                "10.5",
            ])
            .unwrap();
        assert_eq!(r.installment(), Installment::new(1, None).unwrap());
        assert_eq!(r.amount(), Money::from_centavos(1050));
        assert_eq!(r.name().as_str(), "Acme LTDA");
        assert_eq!(r.due_date(), date(2026, 12, 31));
    }

    #[test]
    fn erp_headers_are_read() {
        assert_eq!(normalise_header("CPF/CNPJ"), "cpf_cnpj");
        assert_eq!(normalise_header(" Valor (R$) "), "valor");
        assert_eq!(normalise_header("Nº Documento"), "n_documento");
        assert_eq!(
            normalise_header("\u{feff}Data de Vencimento"),
            "data_de_vencimento"
        );
        let h = ImportHeader::parse(&[
            "CPF/CNPJ",
            "Nome do Cliente",
            "Nº Documento",
            "Dt. Vencimento",
            "Valor (R$)",
            "Saldo Devedor",
            "Observação",
        ])
        .unwrap();
        assert_eq!(h.column_of(ImportField::DueDate), Some(4));
        assert_eq!(h.column_of(ImportField::OpenAmount), Some(6));
        assert_eq!(h.unknown_columns(), [(7, "Observação".to_owned())]);
        // Every accepted name belongs to one field only.
        let mut all: Vec<&str> = ImportField::ALL
            .iter()
            .flat_map(|f| f.names().iter().copied())
            .collect();
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n);
    }

    /// A currency mark is no part of a column's name: `Saldo (R$)` is the
    /// open amount, as `Valor (R$)` is the amount (it was an unknown
    /// column, and every título was imported fully open).
    #[test]
    fn a_currency_mark_never_hides_a_column() {
        for (raw, name) in [
            ("Valor (R$)", "valor"),
            ("Saldo (R$)", "saldo"),
            ("Valor em Aberto (R$)", "valor_em_aberto"),
            ("R$ Saldo Devedor", "saldo_devedor"),
            ("Saldo em Aberto R$", "saldo_em_aberto"),
            ("Valor Aberto em R$", "valor_aberto"),
            ("Valor Original (BRL)", "valor_original"),
            ("Saldo em reais", "saldo"),
            ("Valor R", "valor_r"),
            ("Reais", "reais"),
            ("Em aberto", "em_aberto"),
            ("VALOR$", "valor"),
        ] {
            assert_eq!(normalise_header(raw), name, "{raw}");
        }
        for raw in [
            "Saldo (R$)",
            "Valor em Aberto (R$)",
            "Saldo Devedor (R$)",
            "Saldo em Aberto (R$)",
            "Valor Aberto (R$)",
        ] {
            let h = ImportHeader::parse(&[
                "CPF",
                "Nome",
                "Nº Documento",
                "Vencimento",
                "Valor (R$)",
                raw,
            ])
            .unwrap();
            assert_eq!(h.column_of(ImportField::OpenAmount), Some(6), "{raw}");
            assert!(h.unknown_columns().is_empty(), "{raw}");
            let r = h
                .parse_row(&[
                    "529.982.247-25",
                    "Ana",
                    "NF-1",
                    "10/01/2026",
                    "1.000,00",
                    "250,00",
                ])
                .unwrap();
            assert_eq!(r.open_amount(), Money::from_centavos(25_000), "{raw}");
        }
        // Two amounts are still one too many.
        let errs =
            ImportHeader::parse(&["cpf", "nome", "titulo", "vencimento", "Valor (R$)", "Valor"])
                .unwrap_err();
        assert!(errs.contains(&HeaderError::DuplicateColumn {
            field: ImportField::Amount,
            first: 5,
            second: 6
        }));
    }

    /// Every phone column of a row is read, each bad value reported at its
    /// own column; every e-mail column is read, a row keeping its first good one.
    /// A `DDD` column gives its area code to the row's phones written
    /// without one; a phone with its own keeps it; a bad DDD is a warning
    /// and those phones are left out as before.
    #[test]
    fn a_ddd_column_completes_local_numbers() {
        assert_eq!(area_code(""), Ok(None));
        assert_eq!(area_code("(011)"), Ok(Some("11".into())));
        assert_eq!(area_code(" 21 "), Ok(Some("21".into())));
        for bad in ["1", "0", "01", "123", "ab", "1 1 1"] {
            assert_eq!(area_code(bad), Err(FieldReason::AreaCode), "{bad}");
        }
        let h = ImportHeader::parse(&[
            "cpf",
            "nome",
            "titulo",
            "vencimento",
            "valor",
            "DDD",
            "Telefone",
            "Celular",
        ])
        .unwrap();
        assert!(h.unknown_columns().is_empty(), "{:?}", h.unknown_columns());
        let row = |ddd: &'static str| {
            h.parse_row(&[
                "529.982.247-25",
                "Ana",
                "NF-1",
                "10/01/2026",
                "10,00",
                ddd,
                "3123-4567",
                "91234-5678|(21) 98765-4321",
            ])
            .unwrap()
        };
        let r = row("11");
        let phones: Vec<String> = r.phones().iter().map(ToString::to_string).collect();
        assert_eq!(
            phones,
            ["+551131234567", "+5511912345678", "+5521987654321"]
        );
        assert!(r.warnings().is_empty(), "{:?}", r.warnings());
        let r = row("1");
        let phones: Vec<String> = r.phones().iter().map(ToString::to_string).collect();
        assert_eq!(phones, ["+5521987654321"]);
        let w: Vec<_> = r
            .warnings()
            .iter()
            .map(|w| (w.column, w.reason.code()))
            .collect();
        assert_eq!(
            w,
            [
                (ImportField::AreaCode, "area_code"),
                (ImportField::Phones, "phone"),
                (ImportField::Phones, "phone")
            ]
        );
    }

    #[test]
    fn several_phone_columns_are_all_read() {
        let h = ImportHeader::parse(&[
            "cpf",
            "nome",
            "titulo",
            "vencimento",
            "valor",
            "Telefone 1",
            "Telefone 2",
            "Celular",
            "Telefone Fixo",
            "E-mail 1",
            "Email2",
            "fone3",
        ])
        .unwrap();
        assert!(h.unknown_columns().is_empty(), "{:?}", h.unknown_columns());
        assert_eq!(h.column_of(ImportField::Email), Some(10));
        // `Email2` (column 11) is read, not set aside: its address is the
        // row's second e-mail, named below.
        assert!(h.unknown_columns().iter().all(|(p, _)| *p != 11));
        let r = h
            .parse_row(&[
                "529.982.247-25",
                "Ana",
                "NF-1",
                "10/01/2026",
                "10,00",
                "(11) 91234-5678",
                "(00) 3123-4567",
                "11 91234-5678|(21) 98765-4321",
                "(11) 3123-4567",
                "ana@exemplo.com",
                "outro@exemplo.com",
                "",
            ])
            .unwrap();
        let phones: Vec<String> = r.phones().iter().map(ToString::to_string).collect();
        assert_eq!(
            phones,
            ["+5511912345678", "+5521987654321", "+551131234567"]
        );
        assert_eq!(r.email().unwrap().as_str(), "ana@exemplo.com");
        let w: Vec<_> = r
            .warnings()
            .iter()
            .map(|w| {
                (
                    w.column,
                    w.column_index,
                    w.value.as_str(),
                    w.reason.to_string(),
                )
            })
            .collect();
        assert_eq!(
            w,
            [
                (
                    ImportField::Email,
                    Some(11),
                    "outro@exemplo.com",
                    "outro e-mail na linha, não lido (um e-mail por linha: fica o primeiro)"
                        .to_owned()
                ),
                (
                    ImportField::Phones,
                    Some(7),
                    "(00) 3123-4567",
                    "telefone inválido: o DDD 00 não existe".to_owned()
                )
            ]
        );
        // The first e-mail column blank or bad: the row's e-mail is the next
        // good one.
        let r = h
            .parse_row(&[
                "529.982.247-25",
                "Ana",
                "NF-1",
                "10/01/2026",
                "10,00",
                "",
                "",
                "",
                "",
                "ana@",
                "outro@exemplo.com",
                "",
            ])
            .unwrap();
        assert_eq!(r.email().unwrap().as_str(), "outro@exemplo.com");
        assert_eq!(r.warnings().len(), 1, "the bad one is named");
        // Numbers are for phones and e-mails only: `Valor 2` is unknown.
        let h = ImportHeader::parse(&["cpf", "nome", "titulo", "vencimento", "valor", "Valor 2"])
            .unwrap();
        assert_eq!(h.unknown_columns(), [(6, "Valor 2".to_owned())]);
        assert_eq!(
            ImportField::of_header("Telefone Residencial 2"),
            Some(ImportField::Phones)
        );
        assert_eq!(ImportField::of_header("e_mail_1"), Some(ImportField::Email));
        assert_eq!(ImportField::of_header("Parcela 1"), None);
    }

    #[test]
    fn a_bad_document_says_what_is_wrong_with_it() {
        let h = ImportHeader::parse(&[
            "documento_devedor",
            "nome_devedor",
            "numero_documento",
            "vencimento",
            "valor",
        ])
        .unwrap();
        let reason = |doc: &str| {
            h.parse_row(&[doc, "Ana", "NF-1", "10/01/2026", "10,00"])
                .unwrap_err()[0]
                .reason
                .to_string()
        };
        assert_eq!(
            reason("529.982.247-26"),
            "CPF/CNPJ inválido: o 2º dígito verificador não confere: confira o número"
        );
        assert_eq!(
            reason("111.111.111-11"),
            "CPF/CNPJ inválido: número com todos os dígitos iguais não é válido"
        );
        assert!(
            reason("5299822").contains("caracteres: o CPF tem 11"),
            "{}",
            reason("5299822")
        );
    }

    #[test]
    fn missing_columns_name_the_unrecognised_ones() {
        let errors = ImportHeader::parse(&["CPF do titular", "Nome", "Doc", "Vencimento", "Valor"])
            .unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            text.iter().any(|t| t.contains("documento_devedor")),
            "{text:?}"
        );
        assert_eq!(
            text.last().unwrap(),
            "colunas não reconhecidas: «CPF do titular», «Doc»; renomeie-as para os nomes aceitos, listados na página de importação e em docs/import-format.md"
        );
    }

    #[test]
    fn header_errors() {
        let errs = ImportHeader::parse(&["nome", "valor", "amount", "vencimento"]).unwrap_err();
        assert!(errs.contains(&HeaderError::DuplicateColumn {
            field: ImportField::Amount,
            first: 2,
            second: 3
        }));
        assert!(errs.contains(&HeaderError::MissingColumn {
            field: ImportField::DebtorDocument
        }));
        assert!(errs.contains(&HeaderError::MissingColumn {
            field: ImportField::DocumentNumber
        }));
        assert_eq!(ImportHeader::parse(&[]), Err(vec![HeaderError::Empty]));
        assert_eq!(
            ImportHeader::parse(&["", " "]),
            Err(vec![HeaderError::Empty])
        );
        assert_eq!(
            HeaderError::MissingColumn {
                field: ImportField::DueDate
            }
            .to_string(),
            "coluna obrigatória ausente: vencimento"
        );
        let j = serde_json::to_value(HeaderError::MissingColumn {
            field: ImportField::DueDate,
        })
        .unwrap();
        assert_eq!(
            j,
            serde_json::json!({"code": "missing_column", "field": "vencimento"})
        );
    }

    fn reasons(row: Vec<&str>) -> Vec<(ImportField, &'static str)> {
        let h = ImportHeader::parse(HEADER).unwrap();
        h.parse_row(&row)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.column, e.reason.code()))
            .collect()
    }

    #[test]
    fn the_fee_clause_column_reads_yes_and_no_and_needs_a_contract() {
        let h = ImportHeader::parse(&[
            "documento_devedor",
            "nome_devedor",
            "contrato",
            "numero_documento",
            "vencimento",
            "valor",
            "Honorários",
        ])
        .unwrap();
        let row = |contract: &str, clause: &str| {
            h.parse_row(&[
                "529.982.247-25",
                "Maria",
                contract,
                "NF-1",
                "10/10/2026",
                "10,00",
                clause,
            ])
        };
        for (cell, read) in [
            ("sim", Some(true)),
            ("S", Some(true)),
            ("x", Some(true)),
            ("Não", Some(false)),
            ("nao", Some(false)),
            ("0", Some(false)),
            ("", None),
        ] {
            assert_eq!(row("CT-1", cell).unwrap().fee_clause(), read, "{cell}");
        }
        let bad = row("CT-1", "talvez").unwrap_err();
        assert_eq!(
            (bad[0].column, bad[0].reason.code()),
            (ImportField::FeeClause, "fee_clause")
        );
        // Without a contract the clause means nothing: a warning, not a
        // refusal.
        let r = row("", "sim").unwrap();
        assert_eq!(r.fee_clause(), None);
        assert_eq!(r.warnings()[0].reason.code(), "fee_clause_without_contract");
    }

    #[test]
    fn a_bad_phone_says_why() {
        let h = ImportHeader::parse(HEADER).unwrap();
        let mut row = good();
        row[3] = "(20) 91234-5678|11 1234";
        let r = h.parse_row(&row).unwrap();
        let reasons: Vec<String> = r.warnings().iter().map(|w| w.reason.to_string()).collect();
        assert_eq!(
            reasons,
            [
                "telefone inválido: o DDD 20 não existe",
                "telefone inválido: informe o DDD e o número (8 ou 9 dígitos)"
            ]
        );
    }

    #[test]
    fn a_refused_row_keeps_the_warnings_of_its_contacts() {
        let h = ImportHeader::parse(HEADER).unwrap();
        let mut row = good();
        row[2] = "bad@";
        row[4] = "ZZ";
        row[14] = "1.234";
        let refused = h.read_row(&row).unwrap_err();
        let codes = |v: &[FieldError]| -> Vec<(ImportField, &'static str)> {
            v.iter().map(|e| (e.column, e.reason.code())).collect()
        };
        assert_eq!(
            codes(&refused.errors),
            [(ImportField::Amount, "amount_ambiguous")]
        );
        assert_eq!(
            codes(&refused.warnings),
            [(ImportField::Email, "email"), (ImportField::State, "state")]
        );
        assert_eq!(h.parse_row(&row).unwrap_err(), refused.errors);
    }

    #[test]
    fn row_errors_are_all_reported() {
        let mut row = good();
        row[0] = "123.456.789-00";
        row[1] = "";
        row[13] = "2025-12-31";
        row[14] = "0,00";
        assert_eq!(
            reasons(row),
            [
                (ImportField::DebtorDocument, "document"),
                (ImportField::DebtorName, "required"),
                (ImportField::Amount, "non_positive_amount"),
                (ImportField::DueDate, "due_before_issue"),
            ]
        );
        let mut row = good();
        row[14] = "-5";
        row[13] = "31/02/2026";
        assert_eq!(
            reasons(row),
            [
                (ImportField::DueDate, "date"),
                (ImportField::Amount, "non_positive_amount")
            ]
        );
        let mut row = good();
        row[14] = "1,234.56.7";
        row[15] = "2000";
        row[10] = "4";
        assert_eq!(
            reasons(row),
            [
                (ImportField::Amount, "amount"),
                (ImportField::Installment, "installment")
            ]
        );
        let mut row = good();
        row[15] = "2000";
        assert_eq!(
            reasons(row),
            [(ImportField::OpenAmount, "open_amount_range")]
        );
        let mut row = good();
        row[14] = "1,999";
        row[12] = "2026-1-5";
        assert_eq!(
            reasons(row),
            [
                (ImportField::IssueDate, "date"),
                (ImportField::Amount, "amount_ambiguous")
            ]
        );
        // Up to R$ 10 billion a title; one centavo more is refused, so that
        // no report's sum can overflow.
        let mut row = good();
        row[14] = "10.000.000.000,00";
        let h = ImportHeader::parse(HEADER).unwrap();
        assert_eq!(h.parse_row(&row).unwrap().amount(), MAX_AMOUNT);
        let mut row = good();
        row[14] = "10.000.000.000,01";
        assert_eq!(reasons(row), [(ImportField::Amount, "amount_too_large")]);
        let mut row = good();
        row[14] = "92233720368547758,07";
        assert_eq!(reasons(row), [(ImportField::Amount, "amount_too_large")]);
        // `2/10` beside another total: which one is meant is unknown.
        let mut row = good();
        row[10] = "2/10";
        row[11] = "12";
        assert_eq!(
            reasons(row),
            [(ImportField::Installments, "installments_differ")]
        );
        let mut row = good();
        row[10] = "2/3";
        assert!(h.parse_row(&row).is_ok());
        // A short record: missing cells are empty.
        assert_eq!(
            reasons(vec!["529.982.247-25", "Maria"]),
            [
                (ImportField::DocumentNumber, "required"),
                (ImportField::DueDate, "required"),
                (ImportField::Amount, "required"),
            ]
        );
    }

    #[test]
    fn documents_that_lost_their_leading_zeros() {
        assert_eq!(
            parse_document("8351296678").unwrap().digits(),
            "08351296678"
        );
        assert_eq!(parse_document("191000191").unwrap().digits(), "00191000191");
        assert_eq!(
            parse_document(" 083.512.966-78 ").unwrap().digits(),
            "08351296678"
        );
        assert_eq!(
            parse_document("1222333000128").unwrap().digits(),
            "01222333000128"
        );
        assert!(parse_document("8351296679").is_err(), "a typo still fails");
        assert!(parse_document("12345").is_err());
    }

    #[test]
    fn bad_contacts_are_warnings() {
        let h = ImportHeader::parse(HEADER).unwrap();
        let mut row = good();
        row[2] = "not-an-email";
        row[3] = "(10) 91234-5678|11912345678";
        row[4] = "XX";
        row[6] = "123";
        let r = h.parse_row(&row).unwrap();
        assert!(r.email().is_none());
        assert_eq!(r.phones().len(), 1);
        let codes: Vec<_> = r.warnings().iter().map(|w| w.reason.code()).collect();
        assert_eq!(codes, ["email", "phone", "state", "zip"]);
        assert_eq!(r.warnings()[1].value, "(10) 91234-5678");
        assert_eq!(r.warnings()[1].column_index, Some(4));
        let j = serde_json::to_value(&r.warnings()[0]).unwrap();
        assert_eq!(j["column"], "email");
        assert_eq!(j["reason"], "e-mail inválido");
    }

    #[test]
    fn a_column_is_named_as_written_when_it_differs() {
        assert_eq!(
            column_as_written("telefones", "Telefone 2"),
            "telefones (Telefone 2)"
        );
        assert_eq!(
            column_as_written("telefones", "\u{feff} Telefones "),
            "telefones"
        );
        assert_eq!(column_as_written("email", ""), "email");
    }

    #[test]
    fn phones_in_a_cell_however_separated() {
        let h = ImportHeader::parse(HEADER).unwrap();
        let mut row = good();
        row[3] = "(11) 98765-4321 / (11) 3456-7890, ramal 22; 21 3123-4567";
        let r = h.parse_row(&row).unwrap();
        let phones: Vec<String> = r.phones().iter().map(|p| p.e164()).collect();
        assert_eq!(phones, ["+5511987654321", "+551134567890", "+552131234567"]);
        assert!(r.warnings().is_empty(), "{:?}", r.warnings());
    }

    #[test]
    fn a_long_name_says_so() {
        let h = ImportHeader::parse(HEADER).unwrap();
        let long = "Maria ".repeat(40);
        let mut row: Vec<&str> = good();
        row[1] = &long;
        let refused = h.parse_row(&row).unwrap_err();
        assert_eq!(
            refused[0].reason.to_string(),
            "nome inválido: passa de 200 caracteres"
        );
    }

    #[test]
    fn installment_forms() {
        let h = ImportHeader::parse(HEADER).unwrap();
        let mut row = good();
        row[10] = "3/12";
        row[11] = "";
        assert_eq!(
            h.parse_row(&row).unwrap().installment(),
            Installment::new(3, Some(12)).unwrap()
        );
        row[10] = "0";
        assert!(h.parse_row(&row).is_err());
        row[10] = "";
        assert_eq!(
            h.parse_row(&row).unwrap().installment(),
            Installment::new(1, None).unwrap()
        );
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("5/1/2026"), Ok(date(2026, 1, 5)));
        assert_eq!(parse_date("2026-01-05"), Ok(date(2026, 1, 5)));
        // As ERPs and databases write them.
        for (raw, day) in [
            ("05-01-2026", date(2026, 1, 5)),
            ("05.01.2026", date(2026, 1, 5)),
            ("2026/01/05", date(2026, 1, 5)),
            ("2026/1/5", date(2026, 1, 5)),
            ("2026-01-05T00:00:00", date(2026, 1, 5)),
            ("2026-01-05 00:00:00.000", date(2026, 1, 5)),
            ("05/01/2026 13:45", date(2026, 1, 5)),
        ] {
            assert_eq!(parse_date(raw), Ok(day), "{raw}");
        }
        for bad in [
            "5/1/26",
            "2026-1-05",
            "",
            "a/b/c",
            "05/01-2026",
            "05/01/2026/1",
            "2026-01-05T00:00:00Z",
            "2026-01-05T00:00:00-03:00",
            "05/01/2026 manhã",
            "05/01/2026 25",
            "2026-01-05T",
        ] {
            assert_eq!(parse_date(bad), Err(DateError::Format), "{bad}");
        }
        for no_such_day in [
            "29/02/2026",
            "31/04/2026",
            "00/01/2026",
            "1/13/2026",
            "2026-02-30",
        ] {
            assert_eq!(
                parse_date(no_such_day),
                Err(DateError::NoSuchDay),
                "{no_such_day}"
            );
        }
        assert_eq!(parse_date("1/1/1800"), Err(DateError::Year));
        assert_eq!(parse_date("29/02/2028"), Ok(date(2028, 2, 29)));
    }

    proptest! {
        #[test]
        fn parse_row_never_panics(cells in proptest::collection::vec("\\PC{0,20}", 0..18)) {
            let h = ImportHeader::parse(HEADER).unwrap();
            let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
            let _ = h.parse_row(&refs);
        }

        #[test]
        fn valid_rows_hold_invariants(amount in 1i64..1_000_000_000, open in 0i64..1_000_000_000, days in 0i64..4000) {
            let h = ImportHeader::parse(HEADER).unwrap();
            let a = Money::from_centavos(amount).to_string();
            let o = Money::from_centavos(open).format_brl();
            let due = crate::calendar::add_days(date(2026, 1, 5), days).to_string();
            let mut row = good();
            row[14] = &a;
            row[15] = &o;
            row[13] = &due;
            match h.parse_row(&row) {
                Ok(r) => {
                    prop_assert!(r.open_amount() <= r.amount());
                    prop_assert!(Receivable::new(r.to_new_receivable()).is_ok());
                }
                Err(e) => {
                    prop_assert!(open > amount);
                    prop_assert_eq!(e[0].reason.code(), "open_amount_range");
                }
            }
        }
    }
}

#[cfg(test)]
mod speed {
    use super::*;

    /// Rough throughput probe: `cargo test --release -p quita-core -- --ignored --nocapture speed`.
    #[test]
    #[ignore]
    fn rows_per_second() {
        let header = ImportHeader::parse(&[
            "documento_devedor",
            "nome_devedor",
            "email",
            "telefones",
            "uf",
            "cidade",
            "cep",
            "endereco",
            "contrato",
            "numero_documento",
            "parcela",
            "total_parcelas",
            "emissao",
            "vencimento",
            "valor",
            "valor_aberto",
        ])
        .unwrap();
        let row = [
            "529.982.247-25",
            "MARIA DA SILVA",
            "maria@exemplo.com",
            "(11) 91234-5678|1131234567",
            "SP",
            "São Paulo",
            "01310-100",
            "Av. Paulista, 1000",
            "CT-1",
            "NF-001",
            "2",
            "3",
            "05/01/2026",
            "05/02/2026",
            "1.234,56",
            "1.000,00",
        ];
        let n = 300_000;
        let t = std::time::Instant::now();
        let mut ok = 0usize;
        for _ in 0..n {
            ok += usize::from(header.parse_row(std::hint::black_box(&row)).is_ok());
        }
        let secs = t.elapsed().as_secs_f64();
        assert_eq!(ok, n);
        println!(
            "{:.0} rows/s ({:.2} µs/row)",
            n as f64 / secs,
            secs * 1e6 / n as f64
        );
    }
}
#[cfg(test)]
mod speed_parts {
    use super::*;
    fn time<T>(label: &str, f: impl Fn() -> T) {
        let n = 300_000;
        let t = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(f());
        }
        println!(
            "{label}: {:.0} ns",
            t.elapsed().as_secs_f64() * 1e9 / n as f64
        );
    }
    #[test]
    #[ignore]
    fn parts() {
        time("document", || {
            Document::parse(std::hint::black_box("529.982.247-25"))
        });
        time("name", || {
            PersonName::parse(std::hint::black_box("MARIA DA SILVA"))
        });
        time("email", || {
            Email::parse(std::hint::black_box("maria@exemplo.com"))
        });
        time("phone", || {
            Phone::parse(std::hint::black_box("(11) 91234-5678"))
        });
        time("money", || Money::parse(std::hint::black_box("1.234,56")));
        time("date", || parse_date(std::hint::black_box("05/01/2026")));
        time("address", || {
            PostalAddress::new(
                std::hint::black_box("Av. Paulista, 1000"),
                Some("São Paulo"),
                None,
                None,
            )
        });
        time("docnum", || {
            DocumentNumber::parse(std::hint::black_box("NF-001"))
        });
    }
}
