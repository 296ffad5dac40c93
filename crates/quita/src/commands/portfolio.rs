//! `quita creditor|import|index|report …`: the portfolio from the shell.

use std::{
    fs::File,
    io::BufReader,
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::Context;
use clap::{Args, Subcommand};
use quita_app::{
    App,
    portfolio::{
        aging::AgingQuery,
        debtor_aging::{DebtorAging, DebtorAgingFrom, DebtorAgingKey},
        enrichment::EnrichmentOptions,
        import::{FileKind, ImportOptions, Reversals, RowProblem},
    },
};
use quita_core::{
    aging::AgingBuckets,
    charge_policy::{ChargePolicy, CorrectionIndex},
    rate::Percent,
};
use quita_store::audit::Actor;
use serde_json::json;

use super::{admin::target_org, open_app};
use crate::{cli::GlobalArgs, config::Config, output};

#[derive(Debug, Subcommand)]
pub enum CreditorCommand {
    /// Create a creditor (carteira) with its charge policy.
    Create(CreditorCreateArgs),
    /// List the organization's creditors.
    List(crate::cli::JsonFlag),
}

#[derive(Debug, Args)]
pub struct CreditorCreateArgs {
    /// Display name.
    #[arg(long)]
    pub name: String,
    /// CNPJ (or CPF) of the creditor.
    #[arg(long)]
    pub document: String,
    /// Late fine, % (multa), applied once after the due date and grace.
    #[arg(long, default_value = "2", allow_negative_numbers = true)]
    pub fine: String,
    /// Default interest, % per month (juros de mora), simple pro rata die.
    #[arg(long, default_value = "1", allow_negative_numbers = true)]
    pub interest: String,
    /// Collection fee, % (honorários), only where the contract allows it.
    #[arg(long, default_value = "0", allow_negative_numbers = true)]
    pub fee: String,
    /// Days after the due date before the fine applies.
    #[arg(long, default_value_t = 0)]
    pub grace: u16,
    /// Consumer relation: a --fine above 2% is refused (CDC art. 52, § 1º).
    #[arg(long)]
    pub consumer: bool,
    /// Monetary correction index: none, ipca or table:NAME.
    #[arg(long, default_value = "none")]
    pub index: String,
    /// Print one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import receivables with their debtors and contacts (CSV or XLSX).
    Receivables(ImportArgs),
    /// Import extra contacts for existing debtors (enrichment; CSV or XLSX).
    /// A contact marked invalid (bounce, wrong number) is never overwritten.
    Contacts(ContactsImportArgs),
}

#[derive(Debug, Args)]
pub struct ContactsImportArgs {
    /// The file (.csv or .xlsx); see docs/import-format.md, "Enriquecimento de contatos".
    pub file: PathBuf,
    /// Source kept with each new contact when a row has no `fonte`
    /// [default: "enriquecimento <file name>"].
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// Apply the valid rows even if some are bad (default: all or nothing).
    #[arg(long)]
    pub partial: bool,
    /// Write the problems found to this CSV (linha;coluna;valor;motivo).
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,
    /// Print one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file (.csv or .xlsx); see docs/import-format.md.
    pub file: PathBuf,
    /// Creditor id or CNPJ.
    #[arg(long)]
    pub creditor: String,
    /// Apply the valid rows even if some are bad (default: all or nothing).
    #[arg(long)]
    pub partial: bool,
    /// Accept a rising open balance on a stored title as a payment reversed
    /// (estorno: a returned cheque, a chargeback); without it such a row is
    /// refused, as an older file would show the same.
    #[arg(long)]
    pub reversals: bool,
    /// Write the problems found to this CSV (linha;coluna;valor;motivo).
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,
    /// Print one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Store a monetary-correction table (monthly rates, CSV) under a name, e.g. `ipca`.
    Import(IndexImportArgs),
}

#[derive(Debug, Args)]
pub struct IndexImportArgs {
    /// Table name (`ipca`, or the NAME of `table:NAME`).
    pub name: String,
    /// CSV with one month per line (see `quita_core::index_table`).
    pub file: PathBuf,
    /// Print one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Open balance by days-past-due bucket.
    Aging(AgingArgs),
}

#[derive(Debug, Args)]
pub struct AgingArgs {
    /// Only this creditor (id or CNPJ).
    #[arg(long)]
    pub creditor: Option<String>,
    /// The date of the report [default: today in the organization's time zone].
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Bucket upper bounds, e.g. "30,60,90,180,360" (buckets current, 1-30, …, 361+),
    /// or the buckets themselves, e.g. "current,1-15,16-45,46+".
    #[arg(long)]
    pub buckets: Option<String>,
    /// Only this debtor (id or CPF/CNPJ).
    #[arg(long)]
    pub debtor: Option<String>,
    /// Also each creditor's own aging (`by_creditor` in the JSON), or each
    /// debtor's open balance by bucket, the most overdue first
    /// (`by_debtor`, `--limit` lines after `--after`; `next_after` when more
    /// follow).
    #[arg(long, value_parser = ["creditor", "debtor"])]
    pub by: Option<String>,
    /// With `--by debtor`: how many debtors (1 to 1000) [default: 50].
    #[arg(long, value_parser = clap::value_parser!(i64).range(1..=1000))]
    pub limit: Option<i64>,
    /// With `--by debtor`: start after this line (`next_after` of the page before).
    #[arg(long, value_name = "CURSOR")]
    pub after: Option<String>,
    /// Print one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

pub(super) fn percent(flag: &str, raw: &str) -> anyhow::Result<Percent> {
    Percent::parse_typed(raw).map_err(|e| anyhow::anyhow!("{flag}: {e}"))
}

pub fn parse_date(flag: &str, raw: &str) -> anyhow::Result<jiff::civil::Date> {
    quita_core::import_row::parse_date(raw).map_err(|e| match e {
        _ if raw.chars().count() > 40 => {
            let shown = quita_core::text::excerpt(raw, 40);
            anyhow::anyhow!("{flag}: {shown:?} is not a date (use aaaa-mm-dd or dd/mm/aaaa)")
        }
        quita_core::import_row::DateError::Format => {
            anyhow::anyhow!("{flag}: {raw:?} is not a date (use aaaa-mm-dd or dd/mm/aaaa)")
        }
        e => anyhow::anyhow!("{flag}: {raw:?}: {e}"),
    })
}

pub async fn creditor(
    config: &Config,
    global: &GlobalArgs,
    cmd: CreditorCommand,
) -> anyhow::Result<ExitCode> {
    let app = open_app(config).await?;
    let org = target_org(&app, global).await?;
    match cmd {
        CreditorCommand::Create(a) => {
            let policy = ChargePolicy {
                late_fine: percent("--fine", &a.fine)?,
                default_interest_monthly: percent("--interest", &a.interest)?,
                collection_fee: percent("--fee", &a.fee)?,
                grace_days: a.grace,
                consumer_relation: a.consumer,
                correction: CorrectionIndex::from_db(&a.index)
                    .map_err(|e| anyhow::anyhow!("--index: {e}"))?,
                ..ChargePolicy::default()
            };
            let c = app
                .create_creditor(org.id, &a.name, &a.document, &policy, Actor::Cli)
                .await
                .context("creditor")?;
            output::print(
                a.json,
                &json!({"id": c.id, "name": c.name, "document": c.document, "policy": c.policy}),
                || format!("created creditor {} (id {})", c.name, c.id),
            )?;
        }
        CreditorCommand::List(j) => {
            let all = app.creditors(org.id).await?;
            let docs: Vec<_> = all.iter().map(|c| json!({"id": c.id, "name": c.name, "document": c.document, "policy": c.policy})).collect();
            output::print(j.json, &docs, || {
                all.iter()
                    .map(|c| format!("{}\t{}\t{}", c.id, c.document, c.name))
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn import(
    config: &Config,
    global: &GlobalArgs,
    cmd: ImportCommand,
) -> anyhow::Result<ExitCode> {
    let a = match cmd {
        ImportCommand::Receivables(a) => a,
        ImportCommand::Contacts(c) => return import_contacts(config, global, c).await,
    };
    let file = File::open(&a.file).with_context(|| format!("cannot open {}", a.file.display()))?;
    let mut report = open_report(a.errors.as_deref(), &a.file)?;
    let app = open_app(config).await?;
    let org = target_org(&app, global).await?;
    let creditor = app
        .find_creditor(org.id, &a.creditor)
        .await
        .with_context(|| format!("--creditor {}", a.creditor))?;
    let name = a
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let opts = ImportOptions {
        reversals: Reversals::accepted_if(a.reversals),
        run: None,
        partial: a.partial,
        // As the page and the API name it (the contact's source, the timeline).
        source: format!("importação {name}"),
    };
    // On a terminal, how far the import has read (stderr, rewritten in place).
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let show = std::io::IsTerminal::is_terminal(&std::io::stderr()) && size > 0;
    let progress = |p: quita_app::portfolio::import::ImportProgress| {
        if show {
            let pct = (p.bytes.min(size) * 100) / size;
            eprint!("\r{pct:>3}% do arquivo · {} linhas", p.rows);
        }
    };
    let outcome = app
        .import_receivables(
            org.id,
            creditor.id,
            FileKind::of_name(&name),
            BufReader::new(file),
            &opts,
            Actor::Cli,
            &progress,
        )
        .await;
    if show {
        eprintln!();
    }
    // Closing the pool lets SQLite remove the write-ahead log, which a
    // large import grows to the size of what it wrote (gigabytes beside the
    // database otherwise, until some later process opens it).
    app.db.close().await;
    let outcome = outcome?;
    write_report(report.as_mut(), &outcome.problems_csv())?;
    let s = &outcome.summary;
    output::print(a.json, s, || {
        format!(
            "{} rows: {} created, {} updated ({} reversals), {} unchanged ({} being collected not in the file); {} new debtors, {} new contacts; {} errors, {} warnings{} ({} ms)",
            s.rows,
            s.receivables_created,
            s.receivables_updated,
            s.reversals,
            s.unchanged,
            s.not_in_file,
            s.debtors_created,
            s.contacts_created,
            s.errors,
            s.warnings,
            if s.applied {
                ""
            } else {
                " — nothing was imported"
            },
            s.elapsed_ms
        )
    })?;
    Ok(import_exit(
        s.applied,
        s.errors,
        &outcome.problems,
        &a.file,
        a.errors.is_some(),
    ))
}

/// `quita import contacts`: the enrichment import.
async fn import_contacts(
    config: &Config,
    global: &GlobalArgs,
    a: ContactsImportArgs,
) -> anyhow::Result<ExitCode> {
    let file = File::open(&a.file).with_context(|| format!("cannot open {}", a.file.display()))?;
    let mut report = open_report(a.errors.as_deref(), &a.file)?;
    let app = open_app(config).await?;
    let org = target_org(&app, global).await?;
    let name = a
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let source = match a.source.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => s.to_owned(),
        None => {
            let short: String = name.chars().filter(|c| !c.is_control()).take(60).collect();
            format!("enriquecimento {short}").trim().to_owned()
        }
    };
    let outcome = app
        .import_contacts(
            org.id,
            FileKind::of_name(&name),
            BufReader::new(file),
            &EnrichmentOptions {
                run: None,
                partial: a.partial,
                source,
            },
            Actor::Cli,
            &|_| {},
        )
        .await;
    app.db.close().await;
    let outcome = outcome.context("--source")?;
    write_report(report.as_mut(), &outcome.problems_csv())?;
    let s = &outcome.summary;
    output::print(a.json, s, || {
        format!(
            "{} rows: {} contacts created, {} refreshed, {} unchanged, {} kept invalid; {} unknown debtors; {} errors{} ({} ms)",
            s.rows,
            s.contacts_created,
            s.contacts_refreshed,
            s.unchanged,
            s.skipped_invalid,
            s.unknown_debtors,
            s.errors,
            if s.applied {
                ""
            } else {
                " — nothing was imported"
            },
            s.elapsed_ms
        )
    })?;
    Ok(import_exit(
        s.applied,
        s.errors,
        &outcome.problems,
        &a.file,
        a.errors.is_some(),
    ))
}

pub async fn index(
    config: &Config,
    global: &GlobalArgs,
    cmd: IndexCommand,
) -> anyhow::Result<ExitCode> {
    let IndexCommand::Import(a) = cmd;
    let bytes =
        std::fs::read(&a.file).with_context(|| format!("cannot read {}", a.file.display()))?;
    let content = String::from_utf8(bytes).map_err(|_| {
        anyhow::anyhow!(
            "{} is not UTF-8 text: an index table is a CSV file (MONTH;PERCENT per line), saved as UTF-8",
            a.file.display()
        )
    })?;
    let app = open_app(config).await?;
    let org = target_org(&app, global).await?;
    // Named as stored (lower-case: `IPCA` is the table `ipca`).
    let stored = app
        .store_index_table(org.id, &a.name, &content, Actor::Cli)
        .await
        .with_context(|| a.file.display().to_string())?;
    output::print(
        a.json,
        &json!({"name": stored.name, "stored": true, "first_month": stored.first_month.to_string(), "last_month": stored.last_month.to_string(), "months": stored.months}),
        || {
            format!(
                "stored index table {} ({} months, {} to {})",
                stored.name, stored.months, stored.first_month, stored.last_month
            )
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

pub async fn report(
    config: &Config,
    global: &GlobalArgs,
    cmd: ReportCommand,
) -> anyhow::Result<ExitCode> {
    let ReportCommand::Aging(a) = cmd;
    let buckets = match &a.buckets {
        Some(spec) => AgingBuckets::parse(spec).map_err(|e| anyhow::anyhow!("--buckets: {e}"))?,
        None => AgingBuckets::default(),
    };
    let app = open_app(config).await?;
    let org = target_org(&app, global).await?;
    let as_of = match &a.as_of {
        Some(d) => parse_date("--as-of", d)?,
        None => app.clock.today_in(&org.time_zone),
    };
    let creditor_id = match &a.creditor {
        Some(c) => Some(
            app.find_creditor(org.id, c)
                .await
                .with_context(|| format!("--creditor {c}"))?
                .id,
        ),
        None => None,
    };
    let debtor_id = match &a.debtor {
        Some(d) => Some(
            app.find_debtor(org.id, d)
                .await
                .with_context(|| format!("--debtor {d}"))?
                .id,
        ),
        None => None,
    };
    let query = AgingQuery {
        creditor_id,
        debtor_id,
        as_of,
        buckets,
    };
    let after = match a.after.as_deref() {
        Some(raw) if a.by.as_deref() != Some("debtor") => {
            anyhow::bail!("--after {raw}: only with --by debtor")
        }
        Some(raw) => DebtorAgingFrom::After(DebtorAgingKey::parse(raw).ok_or_else(|| {
            anyhow::anyhow!(
                "--after {raw}: not a cursor (the next_after of a page, e.g. 123456.42)"
            )
        })?),
        None => DebtorAgingFrom::Start,
    };
    let limit = match a.limit {
        Some(n) if a.by.as_deref() != Some("debtor") => {
            anyhow::bail!("--limit {n}: only with --by debtor")
        }
        Some(n) => n,
        None => 50,
    };
    let report = app.aging(org.id, &query).await?;
    let per = match a.by.as_deref() {
        Some("creditor") => app.aging_by_creditor(org.id, &query).await?,
        _ => Vec::new(),
    };
    let debtors = match a.by.as_deref() {
        Some("debtor") => Some(app.aging_by_debtor(org.id, &query, after, limit).await?),
        _ => None,
    };
    let mut body = serde_json::to_value(&report)?;
    if a.by.as_deref() == Some("creditor") {
        body["by_creditor"] = serde_json::to_value(&per)?;
    }
    if let Some(page) = &debtors {
        body["by_debtor"] = page
            .lines
            .iter()
            .map(|l| debtor_aging_json(l, &query.buckets))
            .collect();
        body["next_after"] = json!(page.next.map(|n| n.to_string()));
        body["debtor_count"] = json!(page.debtors);
    }
    output::print(a.json, &body, || {
        let mut lines = vec![format!("Aging em {}", as_of.strftime("%d/%m/%Y"))];
        for (label, t) in report.rows() {
            lines.push(format!(
                "{label:>9}  {:>8}  {}",
                t.count,
                t.open_balance.format_brl()
            ));
        }
        lines.push(format!(
            "{:>9}  {:>8}  {}",
            "total",
            report.total().count,
            report.total().open_balance.format_brl()
        ));
        if report.not_updated() > 0 {
            let n = report.not_updated();
            let what = if n == 1 { "receivable" } else { "receivables" };
            lines.push(format!(
                "{n} {what} without an updated amount (no index table for the period)"
            ));
        }
        for c in &per {
            lines.push(format!(
                "{:<30}  {:>8}  {}",
                c.name,
                c.report.total().count,
                c.report.total().open_balance.format_brl()
            ));
        }
        if let Some(page) = &debtors {
            lines.push(String::new());
            for l in &page.lines {
                lines.push(format!(
                    "{:>8}  {:<30}  {:>16} em atraso  {:>5} dias",
                    l.debtor_id,
                    l.name,
                    l.overdue_balance.format_brl(),
                    l.days_past_due.max(0)
                ));
            }
            if let Some(next) = page.next {
                lines.push(format!("mais devedores: --after {next}"));
            }
        }
        lines.join("\n")
    })?;
    Ok(ExitCode::SUCCESS)
}

/// One line of the aging by debtor as the CLI prints it in JSON: amounts as
/// decimal strings, as the report's, and each bucket by its label.
fn debtor_aging_json(l: &DebtorAging, buckets: &AgingBuckets) -> serde_json::Value {
    let by_bucket: Vec<_> = buckets
        .labels()
        .zip(&l.by_bucket)
        .map(|(label, m)| json!({"bucket": label, "open_balance": m.to_string()}))
        .collect();
    json!({
        "debtor_id": l.debtor_id,
        "name": l.name,
        "document": l.document,
        "count": l.count,
        "original_amount": l.original_amount.to_string(),
        "open_balance": l.open_balance.to_string(),
        "overdue_balance": l.overdue_balance.to_string(),
        "days_past_due": l.days_past_due.max(0),
        "oldest_due": l.oldest_due.to_string(),
        "buckets": by_bucket,
    })
}

/// `quita calc update --receivable ID`: the debt update of a stored receivable.
/// One no longer owed (paid, renegotiated, cancelled, written off) fails with
/// the use case's conflict, which `output::fail` prints as one line.
pub async fn calc_for_receivable(
    config: &Config,
    global: &GlobalArgs,
    id: i64,
    on: Option<jiff::civil::Date>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let app: App = open_app(config).await?;
    let org = target_org(&app, global).await?;
    let on = on.unwrap_or_else(|| app.clock.today_in(&org.time_zone));
    let (_, update) = app
        .receivable_update(org.id, id, on)
        .await
        .with_context(|| format!("--receivable {id}"))?;
    output::print(json, &update, || {
        format!(
            "total em {}: {}{}",
            on.strftime("%d/%m/%Y"),
            update.total().format_brl(),
            super::calc::warning_lines(&update)
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Success, or exit 1 with one line on stderr when the file was refused or
/// had problems: how many, and where the first is (a whole-file problem,
/// line 0, has no line to name).
/// Opens the `--errors` report before anything is imported, so a path that
/// cannot be written fails the command while nothing has changed; refuses
/// the input file itself.
fn open_report(path: Option<&Path>, input: &Path) -> anyhow::Result<Option<(PathBuf, File)>> {
    let Some(path) = path else {
        return Ok(None);
    };
    if let (Ok(a), Ok(b)) = (path.canonicalize(), input.canonicalize())
        && a == b
    {
        anyhow::bail!("--errors {}: that is the input file", path.display());
    }
    let file = File::create(path).with_context(|| format!("--errors {}", path.display()))?;
    Ok(Some((path.to_owned(), file)))
}

fn write_report(report: Option<&mut (PathBuf, File)>, csv: &str) -> anyhow::Result<()> {
    if let Some((path, file)) = report {
        std::io::Write::write_all(file, csv.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

fn import_exit(
    applied: bool,
    errors: u64,
    problems: &[RowProblem],
    file: &Path,
    has_report: bool,
) -> ExitCode {
    if applied && errors == 0 {
        return ExitCode::SUCCESS;
    }
    if let Some(first) = problems.iter().find(|p| !p.is_warning()) {
        let mut at = String::new();
        if first.line > 0 {
            at.push_str(&format!("; first at line {}", first.line));
            if !first.column.is_empty() {
                at.push_str(&format!(", column {}", first.column));
            }
        }
        let hint = if has_report {
            ""
        } else {
            " (use --errors FILE for the full report)"
        };
        let what = if errors == 1 { "problem" } else { "problems" };
        eprintln!(
            "error: {errors} {what} in {}{at}: {}{hint}",
            file.display(),
            first.reason
        );
    }
    ExitCode::from(1)
}
