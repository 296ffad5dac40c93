//! `quita br cnab …`: read return files (arquivo retorno), write CNAB 240
//! remittances (remessa).

use std::{io::Read, path::PathBuf, process::ExitCode};

use anyhow::Context;
use jiff::civil::DateTime;
use quita_br::cnab::{self, Bank, Company, Remittance, RemittanceBoleto, ReturnFile, ReturnRecord};
use serde_json::{Value, json};

use super::output::{self, Failure};

#[derive(Debug, clap::Subcommand)]
pub enum CnabCommand {
    /// Read a return file: CNAB 240 (FEBRABAN; Santander's own segment T) or
    /// CNAB 400 (Itaú 341, Bradesco 237, Banco do Brasil 001, Santander 033,
    /// Caixa 104).
    ///
    /// The format and bank come from the header. UTF-8 or Latin-1, CR LF or
    /// LF, right-trimmed lines are all accepted. Record counts and trailer
    /// totals are checked; a malformed file is refused as a whole (exit 1)
    /// with the line and column of the first fault. Use `-` to read file
    /// names, one per line, from stdin and print one JSON object per file
    /// (JSON Lines).
    Parse {
        /// The return file, or `-` for a list of files on stdin.
        file: String,
        /// Print JSON: {"format", "bank_code", "records": [{"line",
        /// "occurrence", "bank_reference", "company_reference",
        /// "document_number", "due_date", "face_value", "amount_paid",
        /// "amount_credited", "interest", "discount", "rebate", "fee",
        /// "occurrence_date", "credit_date"}, …]}.
        #[arg(long)]
        json: bool,
    },
    /// Write a CNAB 240 remittance (registration of new boletos) from a JSON
    /// description.
    ///
    /// The JSON document: {"company": {"document", "name", "agency",
    /// "agency_dv", "account", "account_dv", "convenio", "wallet"},
    /// "sequence": NSA, "created_at": "2026-11-23T10:30:00" (optional;
    /// default now in America/Sao_Paulo), "boletos": [{"bank_reference",
    /// "document_number", "company_reference", "due_date", "issue_date",
    /// "face_value": "123.45", "interest_per_day", "discount",
    /// "discount_date", "discount_2", "discount_2_date", "discount_3",
    /// "discount_3_date", "fine", "write_off_days", "messages": […],
    /// "payer": {"document", "name", "address", "district", "postal_code",
    /// "city", "state"}}]}.
    ///
    /// Per bank: Itaú (341) needs "wallet" (carteira, 3 digits) and a nosso
    /// número of up to 8 digits (its DAC is computed; "account_dv", if
    /// given, must be the DAC of agência + conta); Caixa (104) takes its
    /// 6- or 7-digit código do beneficiário in "convenio" and a 17-digit
    /// nosso número (or up to 15 digits, written after modalidade 14);
    /// "messages" (segment S) are for Caixa only.
    Remessa {
        /// Bank code: 001, 033, 104, 237 or 341.
        #[arg(long)]
        bank: String,
        /// The JSON description (`-` = stdin).
        input: String,
        /// Where to write the remittance (default: stdout).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Print JSON: {"file", "bank_code", "boletos", "records"}.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: CnabCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        CnabCommand::Parse { file, json } => output::single_or_lines(&file, json, parse_file),
        CnabCommand::Remessa {
            bank,
            input,
            out,
            json,
        } => remessa(&bank, &input, out, json),
    }
}

fn date(d: Option<jiff::civil::Date>) -> Value {
    d.map_or(Value::Null, |d| Value::String(d.to_string()))
}

fn record_json(r: &ReturnRecord) -> Value {
    json!({
        "line": r.line,
        "occurrence": r.occurrence.code(),
        "bank_reference": r.bank_reference,
        "company_reference": r.company_reference,
        "document_number": r.document_number,
        "due_date": date(r.due_date),
        "face_value": r.face_value.to_string(),
        "amount_paid": r.amount_paid.to_string(),
        "amount_credited": r.amount_credited.map(|a| a.to_string()),
        "interest": r.interest.to_string(),
        "discount": r.discount.to_string(),
        "rebate": r.rebate.to_string(),
        "fee": r.fee.to_string(),
        "occurrence_date": date(r.occurrence_date),
        "credit_date": date(r.credit_date),
    })
}

fn file_json(file: &ReturnFile) -> Value {
    json!({
        "format": file.format().as_str(),
        "bank_code": file.bank_code(),
        "records": file.records().iter().map(record_json).collect::<Vec<_>>(),
    })
}

/// Character offset in `bytes` of 1-based (line, column).
fn offset_of(bytes: &[u8], line: usize, column: usize) -> usize {
    let start = bytes
        .split_inclusive(|&b| b == b'\n')
        .take(line.saturating_sub(1))
        .map(|l| std::str::from_utf8(l).map_or(l.len(), |t| t.chars().count()))
        .sum::<usize>();
    start + column.saturating_sub(1)
}

fn parse_file(path: &str) -> Result<(Value, String), Failure> {
    let bytes = std::fs::read(path).map_err(|e| Failure::new(format!("{path}: {e}")))?;
    let file = cnab::parse_return(&bytes).map_err(|e| {
        Failure::at(
            format!("{path}: {e}"),
            offset_of(&bytes, e.line(), e.column()),
        )
    })?;
    let bank = file.bank().map_or_else(
        || file.bank_code().to_owned(),
        |b| format!("{} {b}", file.bank_code()),
    );
    let paid = file
        .records()
        .iter()
        .filter(|r| r.occurrence.kind() == cnab::OccurrenceKind::Paid)
        .count();
    let human = format!(
        "{path}: {}, bank {bank}, {} records ({paid} payments)",
        file.format().as_str(),
        file.records().len()
    );
    Ok((file_json(&file), human))
}

/// The remittance JSON as the CLI reads it (the bank comes from --bank).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RemessaInput {
    company: Company,
    sequence: u32,
    #[serde(default)]
    created_at: Option<DateTime>,
    boletos: Vec<RemittanceBoleto>,
}

fn remessa(bank: &str, input: &str, out: Option<PathBuf>, json: bool) -> anyhow::Result<ExitCode> {
    let Some(bank) = Bank::from_code(bank.trim()) else {
        return output::fail(
            json,
            &Failure::new(format!(
                "unknown bank {bank:?}: use 001, 033, 104, 237 or 341"
            )),
        );
    };
    let text = if input == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s
    } else {
        match std::fs::read_to_string(input) {
            Ok(s) => s,
            Err(e) => return output::fail(json, &Failure::new(format!("{input}: {e}"))),
        }
    };
    let parsed: RemessaInput = match serde_json::from_str(&text) {
        Ok(p) => p,
        Err(e) => {
            let offset = offset_of(text.as_bytes(), e.line(), e.column());
            return output::fail(json, &Failure::at(format!("{input}: {e}"), offset));
        }
    };
    let created_at = parsed.created_at.unwrap_or_else(|| {
        jiff::Zoned::now()
            .with_time_zone(
                jiff::tz::TimeZone::get("America/Sao_Paulo").unwrap_or(jiff::tz::TimeZone::UTC),
            )
            .datetime()
    });
    let remittance = Remittance {
        bank,
        company: parsed.company,
        sequence: parsed.sequence,
        created_at,
        boletos: parsed.boletos,
    };
    let text = match cnab::remittance_240(&remittance) {
        Ok(t) => t,
        Err(e) => return output::fail(json, &Failure::new(format!("{input}: {e}"))),
    };
    let records = text.matches("\r\n").count();
    match &out {
        Some(path) => {
            std::fs::write(path, &text).with_context(|| format!("writing {}", path.display()))?;
            let shown = path.display().to_string();
            output::ok(
                json,
                &json!({"file": shown, "bank_code": bank.code(), "boletos": remittance.boletos.len(), "records": records}),
                &format!(
                    "wrote {shown}: CNAB 240 remessa, bank {}, {} boletos, {records} records",
                    bank.code(),
                    remittance.boletos.len()
                ),
            )
        }
        None => {
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
    }
}
