//! `quita br …`: the Brazilian standards of `quita-br` on the command line.

mod boleto;
mod calendar;
mod cnab;
mod doc;
mod output;
mod pix;

use std::process::ExitCode;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum BrCommand {
    /// CPF and CNPJ: validate, format, mask.
    #[command(subcommand)]
    Doc(doc::DocCommand),
    /// Bank business days and holidays.
    #[command(subcommand)]
    Calendar(calendar::CalendarCommand),
    /// Boletos: parse, build and draw barcodes and linhas digitáveis.
    #[command(subcommand)]
    Boleto(boleto::BoletoCommand),
    /// Pix BR Code ("copia e cola"): build, parse, QR code.
    #[command(subcommand)]
    Pix(pix::PixCommand),
    /// CNAB bank files: read return files, write remittances.
    #[command(subcommand)]
    Cnab(cnab::CnabCommand),
}

pub fn run(cmd: BrCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        BrCommand::Doc(c) => doc::run(c),
        BrCommand::Calendar(c) => calendar::run(c),
        BrCommand::Boleto(c) => boleto::run(c),
        BrCommand::Pix(c) => pix::run(c),
        BrCommand::Cnab(c) => cnab::run(c),
    }
}
