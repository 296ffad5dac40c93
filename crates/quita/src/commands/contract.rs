//! `quita contract save | list`: contracts and the terms agreed in them,
//! from the shell (the same use case as the debtor page's form and the API).

use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use quita_app::{
    auth::Principal,
    portfolio::contracts::{EffectiveTerms, SaveContract, effective_terms},
};
use quita_core::{
    charge_policy::{CorrectionIndex, InterestMode},
    contract::{ContractKind, ContractTerms},
};
use quita_store::portfolio::contracts::ContractRow;
use serde_json::{Value, json};

use super::{
    admin::target_org,
    open_app,
    portfolio::{parse_date, percent},
};
use crate::{cli::GlobalArgs, config::Config, output};

#[derive(Debug, Subcommand)]
pub enum ContractCommand {
    /// Record a debtor's contract with the terms agreed in it, or replace
    /// the terms of the contract with the same creditor and number. A term
    /// left out follows the creditor's charge policy.
    Save(Box<ContractSaveArgs>),
    /// A debtor's contracts with the terms that apply to each.
    List(ContractListArgs),
}

impl ContractCommand {
    pub fn wants_json(&self) -> bool {
        match self {
            Self::Save(a) => a.json,
            Self::List(a) => a.json,
        }
    }
}

#[derive(Debug, Args)]
pub struct ContractSaveArgs {
    /// Creditor id or CNPJ.
    #[arg(long)]
    pub creditor: String,
    /// Debtor id or CPF/CNPJ.
    #[arg(long)]
    pub debtor: String,
    /// Contract number.
    #[arg(long)]
    pub number: String,
    /// one_off, installment_plan or recurring.
    #[arg(long, default_value = "installment_plan")]
    pub kind: String,
    /// Product or service.
    #[arg(long)]
    pub product: Option<String>,
    /// Start date (aaaa-mm-dd or dd/mm/aaaa).
    #[arg(long, value_name = "DATE")]
    pub starts: Option<String>,
    /// Agreed late fine, % (capped at 2% in consumer relations).
    #[arg(long)]
    pub fine: Option<String>,
    /// Agreed default interest, % per month.
    #[arg(long)]
    pub interest: Option<String>,
    /// Interest compounded monthly instead of simple pro rata die.
    #[arg(long)]
    pub compound: bool,
    /// Agreed monetary correction: none, ipca or table:NAME.
    #[arg(long)]
    pub index: Option<String>,
    /// Agreed collection fee, % (needs --fee-clause).
    #[arg(long)]
    pub fee: Option<String>,
    /// The contract has a clause allowing a collection fee (reciprocal in
    /// consumer relations, CDC art. 51 XII); without it no fee is charged.
    #[arg(long)]
    pub fee_clause: bool,
    /// Agreed grace days before the fine.
    #[arg(long)]
    pub grace: Option<u16>,
    /// Print one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ContractListArgs {
    /// Debtor id or CPF/CNPJ.
    #[arg(long)]
    pub debtor: String,
    /// Print one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(
    config: &Config,
    global: &GlobalArgs,
    cmd: ContractCommand,
) -> anyhow::Result<ExitCode> {
    let app = open_app(config).await?;
    let org = target_org(&app, global).await?;
    match cmd {
        ContractCommand::Save(a) => {
            let a = *a;
            // Parse every flag before touching the database.
            let kind: ContractKind = a.kind.parse().map_err(|e| anyhow::anyhow!("--kind: {e}"))?;
            let starts_on = a
                .starts
                .as_deref()
                .map(|d| parse_date("--starts", d))
                .transpose()?;
            let percent = |flag: &str, raw: &Option<String>| {
                raw.as_deref().map(|r| percent(flag, r)).transpose()
            };
            let terms = ContractTerms {
                late_fine: percent("--fine", &a.fine)?,
                default_interest_monthly: percent("--interest", &a.interest)?,
                interest_mode: a.compound.then_some(InterestMode::Compound),
                correction: a
                    .index
                    .as_deref()
                    .map(CorrectionIndex::from_db)
                    .transpose()
                    .map_err(|e| anyhow::anyhow!("--index: {e}"))?,
                collection_fee: percent("--fee", &a.fee)?,
                collection_fee_allowed: a.fee_clause,
                grace_days: a.grace,
                ..ContractTerms::default()
            };
            let creditor = app
                .find_creditor(org.id, &a.creditor)
                .await
                .context("--creditor")?;
            let debtor = app
                .find_debtor(org.id, &a.debtor)
                .await
                .context("--debtor")?;
            let row = app
                .save_contract(
                    &Principal::cli(org.id),
                    SaveContract {
                        creditor_id: creditor.id,
                        debtor_id: debtor.id,
                        number: a.number,
                        kind,
                        product: a.product,
                        starts_on,
                        terms: Some(terms),
                    },
                )
                .await
                .context("contract")?;
            let effective = effective_terms(&creditor.policy, row.terms.as_ref());
            output::print(a.json, &contract_json(&row, &effective), || {
                format!("saved contract {} (id {})", row.number, row.id)
            })?;
        }
        ContractCommand::List(a) => {
            let debtor = app
                .find_debtor(org.id, &a.debtor)
                .await
                .context("--debtor")?;
            let all = app.debtor_contracts(org.id, debtor.id).await?;
            let docs: Vec<Value> = all.iter().map(|(c, t)| contract_json(c, t)).collect();
            output::print(a.json, &docs, || {
                all.iter()
                    .map(|(c, t)| {
                        format!(
                            "{}\t{}\t{}\tmulta {}\tjuros {} a.m.",
                            c.id,
                            c.number,
                            c.kind.as_str(),
                            t.late_fine.value,
                            t.default_interest_monthly.value
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The API's contract document (`terms`: what the contract agrees, null
/// when it follows the creditor) plus `effective`: each term in force and
/// where it comes from.
fn contract_json(c: &ContractRow, effective: &EffectiveTerms) -> Value {
    json!({
        "id": c.id,
        "creditor_id": c.creditor_id,
        "debtor_id": c.debtor_id,
        "number": c.number,
        "kind": c.kind.as_str(),
        "product": c.product,
        "starts_on": c.starts_on.map(|d| d.to_string()),
        "terms": c.terms,
        "effective": effective,
    })
}
