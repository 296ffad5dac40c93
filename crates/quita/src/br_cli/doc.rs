//! `quita br doc …`: CPF and CNPJ on the command line.

use std::process::ExitCode;

use quita_br::document::Document;
use serde_json::json;

use super::output::{Failure, single_or_lines};

#[derive(Debug, clap::Subcommand)]
pub enum DocCommand {
    /// Check a CPF or CNPJ (numeric or alphanumeric), with or without
    /// punctuation, and print its canonical, formatted and masked forms.
    /// Exit code 1 if it is invalid.
    Validate {
        /// The number, e.g. 529.982.247-25 or 12.ABC.345/01DE-35; `-` reads
        /// one per line from stdin and prints JSON Lines.
        value: String,
        /// Print JSON: {"valid", "kind", "digits", "formatted", "masked"}.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: DocCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        DocCommand::Validate { value, json } => single_or_lines(&value, json, validate),
    }
}

fn validate(input: &str) -> Result<(serde_json::Value, String), Failure> {
    let doc = Document::parse(input).map_err(|e| match e.offset() {
        Some(at) => Failure::at(e.to_string(), at),
        None => Failure::new(e.to_string()),
    })?;
    let value = json!({
        "valid": true,
        "kind": doc.kind().as_str(),
        "digits": doc.digits(),
        "formatted": doc.formatted(),
        "masked": doc.masked(),
    });
    let human = format!(
        "valid {}: {}",
        doc.kind().as_str().to_uppercase(),
        doc.formatted()
    );
    Ok((value, human))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_contract() {
        let (v, _) = validate("529.982.247-25").unwrap();
        assert_eq!(v["valid"], true);
        assert_eq!(v["kind"], "cpf");
        assert_eq!(v["digits"], "52998224725");
        assert_eq!(v["formatted"], "529.982.247-25");
        let (v, _) = validate("12ABC34501DE35").unwrap();
        assert_eq!(v["kind"], "cnpj");
        assert_eq!(v["formatted"], "12.ABC.345/01DE-35");
        let f = validate("529.982.247-26").unwrap_err();
        assert_eq!(f.offset, Some(13));
    }
}
