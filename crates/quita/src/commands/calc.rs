//! `quita calc update`: the debt update (atualização do débito) with its
//! calculation memory, either stateless (amount, due date and charge policy
//! given as flags) or for a stored receivable (one still owed: a paid,
//! renegotiated, cancelled or written-off receivable is refused with one
//! line naming its status, and with `--json` an error document whose code is
//! `conflict`).
//!
//! The rules are `quita_core::debt_update`; this file only turns flags into
//! domain values (each bad flag becomes one error line that names it) and
//! prints the result: `--json` is exactly the serde form of
//! [`DebtUpdate`], so the CLI, the API and the debtor page show one shape
//! (its `warnings`, pt-BR sentences, always present; the table prints them
//! as `Aviso:` lines under the total).
//! The calendar is the national bank calendar of `quita-br`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use jiff::civil::Date;
use quita_app::{Clock, SystemClock};
use quita_br::calendar::BusinessCalendar;
use quita_core::charge_policy::{ChargePolicy, CorrectionIndex, InterestMode};
use quita_core::contract::{ContractTerms, effective_policy};
use quita_core::debt_update::{DebtUpdate, DebtUpdateError, DebtUpdateRequest, debt_update};
use quita_core::index_table::IndexTable;
use quita_core::money::Money;
use quita_core::rate::Percent;

use crate::config::Config;

/// "Today" for `--on` when it is not given: the civil date in São Paulo.
const DEFAULT_TIME_ZONE: &str = "America/Sao_Paulo";

#[derive(Debug, clap::Subcommand)]
pub enum CalcCommand {
    /// Debt update (atualização do débito): principal, monetary correction,
    /// late fine, default interest, collection fee, payments, with every line
    /// explained.
    Update(UpdateArgs),
}

impl CalcCommand {
    pub fn wants_json(&self) -> bool {
        match self {
            CalcCommand::Update(a) => a.json,
        }
    }
}

/// Either `--amount` and `--due` (stateless, the policy from the flags) or
/// `--receivable` (the stored receivable under its creditor's and contract's
/// policy).
#[derive(Debug, clap::Args)]
#[command(group(
    clap::ArgGroup::new("debt").required(true).args(["amount", "receivable"])
))]
pub struct UpdateArgs {
    /// Amount due on --due: 1234.56 or 1.234,56.
    #[arg(
        long,
        value_name = "VALOR",
        requires = "due",
        allow_negative_numbers = true
    )]
    pub amount: Option<String>,
    /// Original due date (vencimento): aaaa-mm-dd or dd/mm/aaaa.
    #[arg(long, value_name = "DATE", requires = "amount")]
    pub due: Option<String>,
    /// A stored receivable's id: its open balance, due date and charge policy
    /// (only one still owed, open or partially paid, has an update).
    #[arg(
        long,
        value_name = "ID",
        conflicts_with_all = ["amount", "due", "fine", "interest", "fee", "payments",
                              "index", "grace", "consumer", "compound"]
    )]
    pub receivable: Option<String>,
    /// Date of the calculation [default: today in America/Sao_Paulo].
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    /// Late fine (multa), % once [default: 0].
    #[arg(long, value_name = "%", allow_negative_numbers = true)]
    pub fine: Option<String>,
    /// Default interest (juros de mora), % per month [default: 0].
    #[arg(long, value_name = "%", allow_negative_numbers = true)]
    pub interest: Option<String>,
    /// Collection fee (honorários), % of principal + fine + interest
    /// [default: 0]; giving it means the contract allows it.
    #[arg(long, value_name = "%", allow_negative_numbers = true)]
    pub fee: Option<String>,
    /// Payments already received, subtracted at the end [default: 0].
    #[arg(long, value_name = "VALOR", allow_negative_numbers = true)]
    pub payments: Option<String>,
    /// Monthly index table (CSV: month;percent) for monetary correction; the
    /// file name names the index (ipca.csv → IPCA).
    #[arg(long, value_name = "FILE.csv")]
    pub index: Option<PathBuf>,
    /// Days after the due date before the fine applies [default: 0].
    #[arg(long, value_name = "DAYS", allow_negative_numbers = true)]
    pub grace: Option<String>,
    /// Consumer relation: the fine is capped at 2 % (CDC art. 52 §1).
    #[arg(long)]
    pub consumer: bool,
    /// Compound interest (monthly capitalisation), only if the contract says so.
    #[arg(long)]
    pub compound: bool,
    /// Print one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(
    config: &Config,
    global: &crate::cli::GlobalArgs,
    cmd: CalcCommand,
) -> anyhow::Result<ExitCode> {
    let CalcCommand::Update(args) = cmd;
    let today = SystemClock.today_in(DEFAULT_TIME_ZONE);
    if let Some(raw) = &args.receivable {
        let id: i64 = raw.trim().parse().map_err(|_| {
            let shown = quita_core::text::excerpt(raw, 40);
            anyhow!("--receivable: {shown:?} is not a receivable id (a number)")
        })?;
        let on = args
            .on
            .as_deref()
            .map(|s| date_flag("--on", s))
            .transpose()?;
        return super::portfolio::calc_for_receivable(config, global, id, on, args.json).await;
    }
    let update = stateless(&args, today)?;
    crate::output::print(args.json, &update, || human(&update))?;
    Ok(ExitCode::SUCCESS)
}

/// The stateless calculation: every flag read into a domain value (an error
/// names its flag), then `quita_core::debt_update`.
fn stateless(args: &UpdateArgs, today: Date) -> anyhow::Result<DebtUpdate> {
    let (Some(amount), Some(due)) = (&args.amount, &args.due) else {
        bail!("--amount and --due are required (or --receivable)");
    };
    let principal = money_flag("--amount", amount)?;
    if !principal.is_positive() {
        bail!("--amount: must be greater than zero, not {amount:?}");
    }
    let due_date = date_flag("--due", due)?;
    let on = match &args.on {
        Some(s) => date_flag("--on", s)?,
        None => today,
    };
    let payments = match &args.payments {
        Some(s) => {
            let m = money_flag("--payments", s)?;
            if m.is_negative() {
                bail!("--payments: must not be negative, not {s:?}");
            }
            m
        }
        None => Money::ZERO,
    };
    let rate = |flag: &str, v: &Option<String>| -> anyhow::Result<Percent> {
        match v {
            Some(s) => Percent::parse_typed(s)
                .map_err(|e| anyhow!("{flag}: {e} (got {:?})", quita_core::text::excerpt(s, 40))),
            None => Ok(Percent::ZERO),
        }
    };
    let grace_days = match &args.grace {
        Some(s) => s
            .trim()
            .parse::<u16>()
            .map_err(|_| anyhow!("--grace: {s:?} is not a whole number of days (0 to 65535)"))?,
        None => 0,
    };
    let (correction, index) = match &args.index {
        Some(path) => {
            let (c, t) = read_index(path)?;
            (c, Some(t))
        }
        None => (CorrectionIndex::None, None),
    };
    let creditor = ChargePolicy {
        late_fine: rate("--fine", &args.fine)?,
        default_interest_monthly: rate("--interest", &args.interest)?,
        interest_mode: if args.compound {
            InterestMode::Compound
        } else {
            InterestMode::Simple
        },
        correction,
        collection_fee: rate("--fee", &args.fee)?,
        grace_days,
        consumer_relation: args.consumer,
        ..ChargePolicy::default()
    };
    quita_core::charge_policy::check_rates(
        Some(creditor.late_fine),
        Some(creditor.default_interest_monthly),
        Some(creditor.collection_fee),
    )
    .map_err(|e| {
        let flag = match e.field() {
            "late_fine" => "--fine",
            "default_interest_monthly" => "--interest",
            _ => "--fee",
        };
        anyhow!("{flag}: {e}")
    })?;
    // Giving --fee says the contract has the clause that allows a fee.
    let terms = ContractTerms {
        collection_fee_allowed: args.fee.is_some(),
        ..ContractTerms::default()
    };
    let policy = effective_policy(&creditor, Some(&terms));
    let request = DebtUpdateRequest {
        principal,
        due_date,
        on,
        payments,
        policy: &policy,
        index: index.as_ref(),
    };
    debt_update(&request, &BusinessCalendar::national()).map_err(|e| match e {
        DebtUpdateError::Index(_) | DebtUpdateError::MissingIndexTable(_) => {
            anyhow!("--index: {e}")
        }
        e => anyhow!(e),
    })
}

fn money_flag(flag: &str, raw: &str) -> anyhow::Result<Money> {
    Money::parse(raw).map_err(|e| {
        let shown = quita_core::text::excerpt(raw, 40);
        anyhow!("{flag}: {e} (got {shown:?}; use 1234.56 or 1.234,56)")
    })
}

fn date_flag(flag: &str, raw: &str) -> anyhow::Result<Date> {
    crate::commands::portfolio::parse_date(flag, raw)
}

/// Reads an index table; its name comes from the file name (`ipca.csv` →
/// IPCA, `igpm.csv` → table `igpm`), so the memory line says which index.
fn read_index(path: &Path) -> anyhow::Result<(CorrectionIndex, IndexTable)> {
    let bytes =
        std::fs::read(path).with_context(|| format!("--index: cannot read {}", path.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow!("--index: {} is not UTF-8 text", path.display()))?;
    let stem: String = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(40)
        .collect::<String>()
        .to_ascii_lowercase();
    let correction = if stem.is_empty() || stem == "ipca" {
        CorrectionIndex::Ipca
    } else {
        CorrectionIndex::Table(stem)
    };
    let name = correction.table_name().unwrap_or("ipca").to_owned();
    let table = IndexTable::parse_csv(name, &text)
        .map_err(|e| anyhow!("--index: {}: {e}", path.display()))?;
    Ok((correction, table))
}

/// The calculation memory as a pt-BR table.
fn human(u: &DebtUpdate) -> String {
    let d = |d: Date| d.strftime("%d/%m/%Y").to_string();
    let mut out = format!(
        "Atualização do débito em {} — vencimento {}{}, {} dia(s) de atraso\n",
        d(u.on()),
        d(u.due_date()),
        if u.adjusted_due_date() != u.due_date() {
            format!(" (dia útil: {})", d(u.adjusted_due_date()))
        } else {
            String::new()
        },
        u.days_late()
    );
    for line in u.lines() {
        let mut detail = String::new();
        if let Some(rate) = line.rate {
            let rate = rate.to_string().replace('.', ",");
            detail = format!(" ({rate}% sobre {}", line.base.format_brl());
            if line.days > 0 {
                detail.push_str(&format!(", {} dias", line.days));
            }
            detail.push(')');
        }
        let label = format!("{}{detail}", line.label);
        out.push_str(&format!("  {label:<72} {:>16}\n", line.amount.format_brl()));
    }
    out.push_str(&format!("  {:<72} {:>16}", "Total", u.total().format_brl()));
    out.push_str(&warning_lines(u));
    out
}

/// One `Aviso: …` line per warning of the update, each after a newline
/// (empty when there is none), for the human output.
pub(crate) fn warning_lines(u: &DebtUpdate) -> String {
    u.warnings()
        .iter()
        .map(|w| format!("\nAviso: {w}."))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use jiff::civil::date;

    #[derive(Debug, Parser)]
    struct T {
        #[command(subcommand)]
        cmd: CalcCommand,
    }

    fn parse(args: &[&str]) -> Result<UpdateArgs, clap::Error> {
        let mut argv = vec!["quita", "update"];
        argv.extend_from_slice(args);
        T::try_parse_from(argv).map(|t| match t.cmd {
            CalcCommand::Update(a) => a,
        })
    }

    const TODAY: Date = date(2026, 3, 15);

    fn calc(args: &[&str]) -> anyhow::Result<DebtUpdate> {
        stateless(&parse(args).unwrap(), TODAY)
    }

    fn err(args: &[&str]) -> String {
        format!("{:#}", calc(args).unwrap_err())
    }

    #[test]
    fn amount_and_date_forms_agree() {
        let a = calc(&[
            "--amount",
            "1234.56",
            "--due",
            "2026-01-10",
            "--on",
            "2026-03-15",
        ])
        .unwrap();
        let b = calc(&[
            "--amount",
            "1.234,56",
            "--due",
            "10/01/2026",
            "--on",
            "15/03/2026",
        ])
        .unwrap();
        assert_eq!(a, b);
        assert_eq!(a.principal(), Money::from_centavos(123_456));
        // No flags for the policy: nothing is added.
        assert_eq!(a.total(), a.principal());
        assert_eq!(a.days_late(), 64);
    }

    #[test]
    fn on_defaults_to_today() {
        let u = calc(&["--amount", "10", "--due", "2026-03-02"]).unwrap();
        assert_eq!(u.on(), TODAY);
    }

    #[test]
    fn the_issue_example() {
        let u = calc(&[
            "--amount",
            "1000.00",
            "--due",
            "2026-01-10",
            "--on",
            "2026-03-15",
            "--fine",
            "2",
            "--interest",
            "1",
            "--fee",
            "10",
            "--json",
        ])
        .unwrap();
        assert_eq!(u.total(), Money::parse("1145.46").unwrap());
    }

    #[test]
    fn policy_flags() {
        let base = [
            "--amount",
            "1000",
            "--due",
            "2026-01-10",
            "--on",
            "2026-03-15",
        ];
        let with = |extra: &[&str]| {
            let mut v = base.to_vec();
            v.extend_from_slice(extra);
            calc(&v).unwrap()
        };
        // The consumer cap lowers a 10 % fine to 2 %.
        assert_eq!(with(&["--fine", "10"]).late_fine().to_string(), "100.00");
        assert_eq!(
            with(&["--fine", "10", "--consumer"])
                .late_fine()
                .to_string(),
            "20.00"
        );
        // Grace longer than the delay: no fine, interest still runs.
        let g = with(&["--fine", "2", "--interest", "1", "--grace", "70"]);
        assert_eq!(g.late_fine(), Money::ZERO);
        assert_eq!(g.default_interest().to_string(), "21.33");
        // Compound: 1000 × (1.01² × (1 + 0.01 × 4/30) − 1) = 21.4601… → 21.46.
        let c = with(&["--interest", "1", "--compound"]);
        assert_eq!(c.default_interest().to_string(), "21.46");
        // Without --fee no fee; payments are subtracted.
        let p = with(&["--payments", "100,00"]);
        assert_eq!(p.total().to_string(), "900.00");
        assert_eq!(with(&["--fine", "2,5"]).late_fine().to_string(), "25.00");
    }

    #[test]
    fn bad_values_name_their_flag() {
        let base = ["--due", "2026-01-10", "--on", "2026-03-15"];
        let bad = |extra: &[&str]| {
            let mut v = base.to_vec();
            v.extend_from_slice(extra);
            err(&v)
        };
        for (args, flag) in [
            (&["--amount", "abc"][..], "--amount:"),
            (&["--amount", "1,234"], "--amount:"),
            (&["--amount", "0"], "--amount: must be greater than zero"),
            (&["--amount", "-5"], "--amount: must be greater than zero"),
            (&["--amount", "10", "--fine", "x"], "--fine:"),
            (&["--amount", "10", "--interest", "-1"], "--interest:"),
            (&["--amount", "10", "--fee", "1.5.5"], "--fee:"),
            (&["--amount", "10", "--grace", "-1"], "--grace:"),
            (
                &["--amount", "10", "--payments", "-1"],
                "--payments: must not be negative",
            ),
            (
                &["--amount", "10", "--index", "/nonexistent/ipca.csv"],
                "--index: cannot read",
            ),
        ] {
            let e = bad(args);
            assert!(e.starts_with(flag), "{args:?}: {e}");
            assert!(!e.contains('\n'), "{e}");
        }
        let e = err(&["--amount", "10", "--due", "2026-02-30"]);
        assert_eq!(e, "--due: \"2026-02-30\": no such day in the calendar");
        let e = err(&["--amount", "10", "--due", "30/02/26"]);
        assert!(e.starts_with("--due: \"30/02/26\" is not a date"), "{e}");
        let e = err(&["--amount", "10", "--due", "2026-02-03", "--on", "amanhã"]);
        assert!(e.starts_with("--on:"), "{e}");
    }

    #[test]
    fn receivable_excludes_the_stateless_flags() {
        assert!(parse(&["--receivable", "42"]).is_ok());
        assert!(
            parse(&["--receivable", "abc"]).is_ok(),
            "checked by run, not clap"
        );
        assert!(parse(&["--receivable", "42", "--on", "2026-03-15", "--json"]).is_ok());
        for extra in [
            &["--amount", "10", "--due", "2026-01-10"][..],
            &["--fine", "2"],
            &["--index", "ipca.csv"],
            &["--consumer"],
        ] {
            let mut v = vec!["--receivable", "42"];
            v.extend_from_slice(extra);
            assert!(parse(&v).is_err(), "{extra:?}");
        }
        assert!(
            parse(&[]).is_err(),
            "one of --amount or --receivable is required"
        );
        assert!(parse(&["--amount", "10"]).is_err(), "--amount needs --due");
        assert!(
            parse(&["--due", "2026-01-10"]).is_err(),
            "--due needs --amount"
        );
    }

    #[test]
    fn index_table_from_a_file() {
        let dir = std::env::temp_dir().join(format!("quita-calc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("igpm.csv");
        std::fs::write(
            &path,
            "mes;variacao\n2026-01;0,50\n2026-02;0,40\n2026-03;0,30\n",
        )
        .unwrap();
        let p = path.to_str().unwrap();
        let u = calc(&[
            "--amount",
            "1000",
            "--due",
            "2026-01-10",
            "--on",
            "2026-03-15",
            "--index",
            p,
        ])
        .unwrap();
        assert_eq!(u.monetary_correction().to_string(), "8.93");
        assert!(
            u.lines()[1].label.contains("IGPM"),
            "{}",
            u.lines()[1].label
        );
        std::fs::write(&path, "não é um índice\n").unwrap();
        assert!(
            err(&["--amount", "1", "--due", "2026-01-10", "--index", p]).starts_with("--index:")
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn human_output_shows_every_line() {
        let u = calc(&[
            "--amount",
            "1000.00",
            "--due",
            "2026-01-10",
            "--on",
            "2026-03-15",
            "--fine",
            "2",
            "--interest",
            "1",
            "--fee",
            "10",
        ])
        .unwrap();
        let h = human(&u);
        assert!(
            h.contains("vencimento 10/01/2026 (dia útil: 12/01/2026), 64 dia(s)"),
            "{h}"
        );
        assert!(h.contains("R$ 1.145,46"), "{h}");
        assert!(h.contains("(1% sobre R$ 1.000,00, 64 dias)"), "{h}");
        assert_eq!(h.lines().count(), 8);
        assert!(!h.contains("Aviso"), "{h}");
    }

    #[test]
    fn a_fee_to_a_consumer_is_flagged() {
        let args = [
            "--amount",
            "1000.00",
            "--due",
            "2026-01-10",
            "--on",
            "2026-03-15",
            "--fine",
            "2",
            "--interest",
            "1",
            "--fee",
            "10",
        ];
        let business = calc(&args).unwrap();
        assert!(business.warnings().is_empty());
        let mut v = args.to_vec();
        v.push("--consumer");
        let consumer = calc(&v).unwrap();
        assert_eq!(consumer.total(), business.total(), "the fee is kept");
        assert_eq!(
            consumer.warnings(),
            [quita_core::debt_update::DebtUpdateWarning::ConsumerCollectionFee]
        );
        let h = human(&consumer);
        assert_eq!(h.lines().count(), 9, "{h}");
        assert!(
            h.ends_with(
                "\nAviso: Relação de consumo: honorários de cobrança só são devidos se o contrato os prevê (CDC art. 51, XII)."
            ),
            "{h}"
        );
        // A consumer without --fee is charged no fee: nothing to say.
        let mut without_fee = args[..10].to_vec();
        without_fee.push("--consumer");
        let no_fee = calc(&without_fee).unwrap();
        assert_eq!(no_fee.collection_fee(), Money::ZERO);
        assert!(no_fee.warnings().is_empty());
    }
}
