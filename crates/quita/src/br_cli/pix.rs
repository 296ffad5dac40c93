//! `quita br pix …`: build, parse and draw Pix BR Codes ("copia e cola").

use std::{io::Write, path::PathBuf, process::ExitCode};

use anyhow::Context;
use quita_br::centavos::Centavos;
use quita_br::pix::{self, MerchantCity, MerchantName, PixCode, PixKey, PixPayload, PixUrl, Txid};
use serde_json::{Value, json};

use super::output::{self, Failure};

#[derive(Debug, clap::Subcommand)]
pub enum PixCommand {
    /// Build a payload: static with --key, dynamic with --url.
    ///
    /// Name and city lose their accents and are cut to 25 and 15 characters,
    /// as the BCB manual requires. Prints the payload (with --json:
    /// {"payload": …}).
    Make(MakeArgs),
    /// Parse and verify a payload: TLV structure, CRC16 (field 63) and the
    /// Pix fields.
    ///
    /// Use `-` to read one payload per line from stdin and print JSON Lines.
    /// Invalid input exits with code 1 and names the character offset of the
    /// fault.
    Parse {
        /// The payload, or `-` for stdin (one per line).
        payload: String,
        /// Print JSON: {"valid", "crc", "key", "url", "amount", "txid",
        /// "merchant_name", "merchant_city", "description"}.
        #[arg(long)]
        json: bool,
    },
    /// Write the QR code of a payload as SVG or PNG (the payload is verified
    /// first).
    Qr(QrArgs),
}

#[derive(Debug, clap::Args)]
pub struct MakeArgs {
    /// Pix key (CPF, CNPJ, e-mail, +55 phone or random key) of a static code.
    #[arg(long, required_unless_present = "url", conflicts_with = "url")]
    key: Option<String>,
    /// Location of a dynamic code (the PSP's URL; a leading https:// is
    /// removed).
    #[arg(long)]
    url: Option<String>,
    /// Merchant (receiver) name; at most 25 characters after removing accents.
    #[arg(long)]
    name: String,
    /// Merchant city; at most 15 characters after removing accents.
    #[arg(long)]
    city: String,
    /// Amount in reais with `.` as decimal separator (e.g. 10.00); omit to let
    /// the payer type it.
    #[arg(long)]
    amount: Option<String>,
    /// txid of a static code: up to 25 of [A-Za-z0-9], or *** (default).
    /// Dynamic codes always carry ***.
    #[arg(long)]
    txid: Option<String>,
    /// Description (infoAdicional) of a static code.
    #[arg(long)]
    description: Option<String>,
    /// The code may be paid only once (point of initiation 12).
    #[arg(long)]
    single_use: bool,
    /// CEP (postal code, 8 digits) of the merchant.
    #[arg(long)]
    postal_code: Option<String>,
    /// Print JSON: {"payload": …}.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("target").required(true).args(["svg", "png"]))]
pub struct QrArgs {
    /// The payload to encode.
    payload: String,
    /// Write an SVG to FILE (`-` = stdout).
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Write a PNG to FILE.
    #[arg(long, value_name = "FILE")]
    png: Option<PathBuf>,
    /// Pixels per QR module (1–64).
    #[arg(long, default_value = "8", allow_hyphen_values = true)]
    module_px: String,
    /// Print JSON: {"file": …, "format": "svg"|"png", "bytes": N}.
    #[arg(long)]
    json: bool,
}

pub fn run(cmd: PixCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        PixCommand::Make(args) => {
            let json = args.json;
            match make(&args) {
                Ok(payload) => output::ok(json, &json!({ "payload": payload }), &payload),
                Err(f) => output::fail(json, &f),
            }
        }
        PixCommand::Parse { payload, json } => output::single_or_lines(&payload, json, parse_one),
        PixCommand::Qr(args) => qr(&args),
    }
}

fn make(a: &MakeArgs) -> Result<String, Failure> {
    let err = |e: &dyn std::fmt::Display| Failure::new(e.to_string());
    let name = MerchantName::new(&a.name).map_err(|e| err(&e))?;
    let city = MerchantCity::new(&a.city).map_err(|e| err(&e))?;
    let mut p = match (&a.key, &a.url) {
        (Some(key), None) => {
            PixPayload::new_static(PixKey::new(key).map_err(|e| err(&e))?, name, city)
        }
        (None, Some(url)) => {
            if a.txid.as_deref().is_some_and(|t| t != "***") {
                return Err(Failure::new("a dynamic code (--url) always has txid ***"));
            }
            if a.description.is_some() {
                return Err(Failure::new("a dynamic code (--url) has no description"));
            }
            PixPayload::new_dynamic(PixUrl::new(url).map_err(|e| err(&e))?, name, city)
        }
        _ => {
            return Err(Failure::new(
                "give either --key (static) or --url (dynamic)",
            ));
        }
    };
    if let Some(text) = &a.amount {
        let amount = Centavos::parse_decimal(text.trim()).ok_or_else(|| {
            Failure::new(format!(
                "invalid amount {text:?}: use digits and '.' (e.g. 10.00)"
            ))
        })?;
        p = p.with_amount(amount).map_err(|e| err(&e))?;
    }
    if let Some(t) = &a.txid {
        p = p.with_txid(Txid::new(t).map_err(|e| err(&e))?);
    }
    if let Some(d) = &a.description {
        p = p.with_description(d);
    }
    if let Some(cep) = &a.postal_code {
        p = p.with_postal_code(cep).map_err(|e| err(&e))?;
    }
    p.single_use(a.single_use).payload().map_err(|e| err(&e))
}

fn code_json(code: &PixCode) -> Value {
    json!({
        "valid": true,
        "crc": code.crc_hex(),
        "key": code.key(),
        "url": code.url(),
        "amount": code.amount().map(|a| a.to_string()),
        "txid": code.txid(),
        "merchant_name": code.merchant_name(),
        "merchant_city": code.merchant_city(),
        "description": code.description(),
    })
}

fn parse_one(payload: &str) -> Result<(Value, String), Failure> {
    let code = pix::parse(payload).map_err(|e| Failure::at(e.to_string(), e.offset()))?;
    let who = code.key().map_or_else(
        || format!("dynamic, url {}", code.url().unwrap_or_default()),
        |k| format!("static, key {k}"),
    );
    let amount = code
        .amount()
        .map_or("open amount".to_owned(), |a| format!("amount {a}"));
    let human = format!(
        "valid Pix BR Code ({who}), {amount}, txid {}, {} / {}, CRC {}",
        code.txid(),
        code.merchant_name(),
        code.merchant_city(),
        code.crc_hex()
    );
    Ok((code_json(&code), human))
}

fn qr(a: &QrArgs) -> anyhow::Result<ExitCode> {
    if let Err(e) = pix::parse(&a.payload) {
        return output::fail(a.json, &Failure::at(e.to_string(), e.offset()));
    }
    let module_px = match a.module_px.trim().parse::<u32>() {
        Ok(px @ 1..=64) => px,
        _ => {
            return output::fail(
                a.json,
                &Failure::new(format!(
                    "--module-px: {:?} must be a whole number from 1 to 64",
                    a.module_px
                )),
            );
        }
    };
    let (path, format, bytes) = match (&a.svg, &a.png) {
        (Some(path), _) => (
            path,
            "svg",
            pix::qr_svg(&a.payload, module_px).map(String::into_bytes),
        ),
        (None, Some(path)) => (path, "png", pix::qr_png(&a.payload, module_px)),
        (None, None) => {
            return output::fail(a.json, &Failure::new("give --svg FILE or --png FILE"));
        }
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => return output::fail(a.json, &Failure::new(e.to_string())),
    };
    if path.as_os_str() == "-" {
        std::io::stdout().lock().write_all(&bytes)?;
        return Ok(ExitCode::SUCCESS);
    }
    std::fs::write(path, &bytes).with_context(|| format!("writing {}", path.display()))?;
    let shown = path.display().to_string();
    output::ok(
        a.json,
        &json!({"file": shown, "format": format, "bytes": bytes.len()}),
        &format!("wrote {shown} ({format}, {} bytes)", bytes.len()),
    )
}
