//! `quita br boleto …`: parse, build and draw boletos.

use std::process::ExitCode;

use jiff::civil::Date;
use quita_br::boleto::{
    BankSlip, BoletoError, FreeField, Slip, UtilitySlip, ValueType,
    free_field::{self, BancoDoBrasil},
    itf, segment_name,
};
use serde_json::{Value, json};

use super::{
    calendar::parse_date,
    output::{Failure, fail, ok, single_or_lines},
};

#[derive(Debug, clap::Subcommand)]
pub enum BoletoCommand {
    /// Parse and check a barcode (44 digits) or typed line (47 digits for
    /// bank slips, 48 for utility slips); punctuation and blanks are ignored.
    /// Exit code 1 if any check digit is wrong.
    Parse {
        /// The barcode or typed line; `-` reads one per line from stdin and
        /// prints JSON Lines.
        input: String,
        /// Read the due-date factor in the cycle around this date
        /// (YYYY-MM-DD; default: today in America/Sao_Paulo).
        #[arg(long, value_name = "DATE")]
        reference_date: Option<String>,
        /// Print JSON (bank: kind, barcode, digitable_line, bank_code,
        /// currency, due_date, amount, free_field; utility: kind, barcode,
        /// digitable_line, segment, value_type, amount).
        #[arg(long)]
        json: bool,
    },
    /// Build a bank slip barcode and typed line from the bank's free field
    /// (given whole with --free-field, or from the bank-specific fields).
    Make(Box<MakeArgs>),
    /// Build a utility (arrecadação) barcode and its 48-digit typed line.
    MakeUtility {
        /// Segment (1–9), e.g. 3 = electricity and gas.
        #[arg(long, allow_hyphen_values = true)]
        segment: String,
        /// Value type: 6 or 8 = amount in R$ (mod 10 / mod 11), 7 or 9 =
        /// reference quantity (mod 10 / mod 11).
        #[arg(long, allow_hyphen_values = true)]
        value_type: String,
        /// The amount in reais (e.g. 509.60) for value types 6 and 8, or the
        /// reference quantity as an integer for 7 and 9.
        #[arg(long)]
        value: String,
        /// The 29 digits of positions 16–44: company id (4) + free field (25),
        /// or CNPJ root (8) + free field (21) for segment 6.
        #[arg(long)]
        rest: String,
        /// Print JSON: {"barcode", "digitable_line", "formatted_line"}.
        #[arg(long)]
        json: bool,
    },
    /// Print the ITF (interleaved 2 of 5) barcode of a boleto as SVG, sized in
    /// millimetres (narrow bar 0.254 mm, wide 3×, height 13 mm, 5 mm quiet
    /// zones by default).
    Svg {
        /// The barcode or typed line (it is checked first).
        input: String,
        /// Narrow element width in mm (above 0, at most 2).
        #[arg(long, default_value = "0.254", allow_hyphen_values = true)]
        narrow_mm: String,
        /// Wide ÷ narrow ratio (2.0–3.5; FEBRABAN asks 2.5–3.0).
        #[arg(long, default_value = "3.0", allow_hyphen_values = true)]
        ratio: String,
        /// Bar height in mm (above 0, at most 100).
        #[arg(long, default_value = "13.0", allow_hyphen_values = true)]
        height_mm: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct MakeArgs {
    /// Bank code (3 digits): 001 BB, 033 Santander, 104 Caixa, 237 Bradesco,
    /// 341 Itaú; any bank with --free-field.
    #[arg(long)]
    bank: String,
    /// Due date (YYYY-MM-DD); omitted = no due date (factor 0000).
    #[arg(long)]
    due: Option<String>,
    /// Amount in reais (123.45 or 123,45); omitted or 0 = not fixed.
    #[arg(long)]
    amount: Option<String>,
    /// The whole 25-digit free field (campo livre), for any bank.
    #[arg(long, conflicts_with_all = ["carteira", "nosso_numero", "agencia", "conta", "convenio", "ios", "seu_numero", "codigo_cliente"])]
    free_field: Option<String>,
    /// Carteira (Itaú 3, Bradesco 2, BB 2, Santander 3 digits).
    #[arg(long)]
    carteira: Option<String>,
    /// Nosso número (Itaú 8, Bradesco 11, BB 7/5/10/9 or 17 by convênio,
    /// Caixa 17 starting with 14 or 24, Santander 12 digits, without DV).
    #[arg(long)]
    nosso_numero: Option<String>,
    /// Agência (4 digits, without DV): Itaú, Bradesco, BB convênio 6.
    #[arg(long)]
    agencia: Option<String>,
    /// Conta (Itaú 5, Bradesco 7, BB 8 digits, without DV).
    #[arg(long)]
    conta: Option<String>,
    /// Convênio / código do beneficiário (BB 4, 6, 7 or 8 digits; Caixa 6;
    /// Santander 7).
    #[arg(long)]
    convenio: Option<String>,
    /// Itaú "seu número" (7 digits), for carteiras 106, 107, 122, 142, 143,
    /// 195, 196 and 198, with --codigo-cliente.
    #[arg(long)]
    seu_numero: Option<String>,
    /// Itaú client code (5 digits), with --seu-numero.
    #[arg(long)]
    codigo_cliente: Option<String>,
    /// Santander IOS digit (0 unless an insurer). Default 0.
    #[arg(long)]
    ios: Option<String>,
    /// Print JSON: {"barcode", "digitable_line", "formatted_line"}.
    #[arg(long)]
    json: bool,
}

pub fn run(cmd: BoletoCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        BoletoCommand::Parse {
            input,
            reference_date,
            json,
        } => {
            let reference = match reference_date
                .as_deref()
                .map(|d| parse_date("--reference-date", d))
            {
                Some(Ok(d)) => d,
                Some(Err(f)) => return fail(json, &f),
                None => today(),
            };
            single_or_lines(&input, json, |line| parse(line, reference))
        }
        BoletoCommand::Make(args) => {
            let json = args.json;
            match make(&args) {
                Ok(slip) => ok(json, &lines_json(&Slip::Bank(slip)), &slip.formatted_line()),
                Err(f) => fail(json, &f),
            }
        }
        BoletoCommand::MakeUtility {
            segment,
            value_type,
            value,
            rest,
            json,
        } => match make_utility(&segment, &value_type, &value, &rest) {
            Ok(slip) => ok(
                json,
                &lines_json(&Slip::Utility(slip)),
                &slip.formatted_line(),
            ),
            Err(f) => fail(json, &f),
        },
        BoletoCommand::Svg {
            input,
            narrow_mm,
            ratio,
            height_mm,
        } => {
            let result = svg_options(&narrow_mm, &ratio, &height_mm).and_then(|opts| {
                Slip::parse(&input)
                    .map_err(failure)
                    .and_then(|slip| itf::svg(&slip.barcode(), &opts).map_err(failure))
            });
            match result {
                Ok(svg) => {
                    print!("{svg}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(f) => fail(false, &f),
            }
        }
    }
}

/// Today in São Paulo: the CLI's edge is the one place the system clock is
/// read; the library always takes the reference date as an argument.
fn today() -> Date {
    jiff::tz::TimeZone::get("America/Sao_Paulo")
        .map(|tz| jiff::Timestamp::now().to_zoned(tz).date())
        .unwrap_or_else(|_| jiff::Zoned::now().date())
}

fn failure(e: BoletoError) -> Failure {
    Failure {
        message: e.to_string(),
        offset: e.offset(),
    }
}

/// Centavos as a decimal string, `"135.00"`.
fn reais(centavos: u64) -> String {
    format!("{}.{:02}", centavos / 100, centavos % 100)
}

/// `"123.45"`, `"123,45"`, `"123"` → centavos; at most 2 decimals, no sign.
fn parse_reais(what: &str, text: &str) -> Result<u64, Failure> {
    let bad = || Failure::new(format!("{what}: {text:?} is not an amount like 123.45"));
    let t = text.trim();
    let (int, frac) = match t.split_once(['.', ',']) {
        Some((i, f)) => (i, f),
        None => (t, ""),
    };
    let digits = |s: &str| !s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.len() > 2 || (!frac.is_empty() && !digits(frac)) {
        return Err(bad());
    }
    let int: u64 = int.parse().map_err(|_| bad())?;
    let frac: u64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    int.checked_mul(100)
        .and_then(|c| c.checked_add(frac))
        .ok_or_else(bad)
}

fn parse(input: &str, reference: Date) -> Result<(Value, String), Failure> {
    let slip = Slip::parse(input).map_err(failure)?;
    let value = match &slip {
        Slip::Bank(s) => json!({
            "kind": "bank",
            "barcode": s.barcode(),
            "digitable_line": s.digitable_line(),
            "formatted_line": s.formatted_line(),
            "bank_code": s.bank_code(),
            "currency": s.currency().to_string(),
            "factor": s.factor(),
            "due_date": s.due_date(reference).map(|d| d.to_string()),
            "amount": s.amount().map(reais),
            "free_field": s.free_field().as_str(),
        }),
        Slip::Utility(s) => json!({
            "kind": "utility",
            "barcode": s.barcode(),
            "digitable_line": s.digitable_line(),
            "formatted_line": s.formatted_line(),
            "segment": s.segment().to_string(),
            "segment_name": segment_name(s.segment()),
            "value_type": s.value_type().digit().to_string(),
            "value": s.value().to_string(),
            "amount": s.amount().map(reais),
            "company_id": s.company_id(),
            "free_field": s.free_field(),
        }),
    };
    Ok((value, slip.formatted_line()))
}

fn lines_json(slip: &Slip) -> Value {
    json!({
        "barcode": slip.barcode(),
        "digitable_line": slip.digitable_line(),
        "formatted_line": slip.formatted_line(),
    })
}

fn make(a: &MakeArgs) -> Result<BankSlip, Failure> {
    let due = a
        .due
        .as_deref()
        .map(|d| parse_date("--due", d))
        .transpose()?;
    let amount = a
        .amount
        .as_deref()
        .map(|t| parse_reais("--amount", t))
        .transpose()?;
    let ff = free_field_of(a).map_err(failure)?;
    BankSlip::build(&a.bank, due, amount, &ff).map_err(failure)
}

fn free_field_of(a: &MakeArgs) -> Result<FreeField, BoletoError> {
    if let Some(ff) = &a.free_field {
        return FreeField::new(ff);
    }
    let need = |name: &'static str, v: &Option<String>| -> Result<String, BoletoError> {
        v.clone().ok_or_else(|| {
            BoletoError::Unsupported(format!(
                "bank {} needs --{name} (or give --free-field)",
                a.bank
            ))
        })
    };
    match a.bank.trim() {
        "341" if a.seu_numero.is_some() || a.codigo_cliente.is_some() => {
            free_field::itau_seu_numero(
                &need("carteira", &a.carteira)?,
                &need("nosso-numero", &a.nosso_numero)?,
                &need("seu-numero", &a.seu_numero)?,
                &need("codigo-cliente", &a.codigo_cliente)?,
            )
        }
        "341" => free_field::itau(
            &need("carteira", &a.carteira)?,
            &need("nosso-numero", &a.nosso_numero)?,
            &need("agencia", &a.agencia)?,
            &need("conta", &a.conta)?,
        ),
        "237" => free_field::bradesco(
            &need("agencia", &a.agencia)?,
            &need("carteira", &a.carteira)?,
            &need("nosso-numero", &a.nosso_numero)?,
            &need("conta", &a.conta)?,
        ),
        "001" => {
            let convenio = need("convenio", &a.convenio)?;
            let nn = need("nosso-numero", &a.nosso_numero)?;
            let layout = match convenio.trim().len() {
                6 if nn.trim().len() > 5 => BancoDoBrasil::Convenio6Free17 {
                    convenio: &convenio,
                    nosso_numero: &nn,
                },
                6 => {
                    let (ag, cc, cart) = (
                        need("agencia", &a.agencia)?,
                        need("conta", &a.conta)?,
                        need("carteira", &a.carteira)?,
                    );
                    return free_field::banco_do_brasil(BancoDoBrasil::Convenio6 {
                        convenio: &convenio,
                        nosso_numero: &nn,
                        agencia: &ag,
                        conta: &cc,
                        carteira: &cart,
                    });
                }
                4 => {
                    let (ag, cc, cart) = (
                        need("agencia", &a.agencia)?,
                        need("conta", &a.conta)?,
                        need("carteira", &a.carteira)?,
                    );
                    return free_field::banco_do_brasil(BancoDoBrasil::Convenio4 {
                        convenio: &convenio,
                        nosso_numero: &nn,
                        agencia: &ag,
                        conta: &cc,
                        carteira: &cart,
                    });
                }
                7 => {
                    let cart = need("carteira", &a.carteira)?;
                    return free_field::banco_do_brasil(BancoDoBrasil::Convenio7 {
                        convenio: &convenio,
                        nosso_numero: &nn,
                        carteira: &cart,
                    });
                }
                8 => {
                    let cart = need("carteira", &a.carteira)?;
                    return free_field::banco_do_brasil(BancoDoBrasil::Convenio8 {
                        convenio: &convenio,
                        nosso_numero: &nn,
                        carteira: &cart,
                    });
                }
                n => {
                    return Err(BoletoError::Unsupported(format!(
                        "Banco do Brasil convênio must have 4, 6, 7 or 8 digits, got {n}"
                    )));
                }
            };
            free_field::banco_do_brasil(layout)
        }
        "104" => free_field::caixa_sigcb(
            &need("convenio", &a.convenio)?,
            &need("nosso-numero", &a.nosso_numero)?,
        ),
        "033" => free_field::santander(
            &need("convenio", &a.convenio)?,
            &need("nosso-numero", &a.nosso_numero)?,
            a.ios.as_deref().unwrap_or("0"),
            &need("carteira", &a.carteira)?,
        ),
        other => Err(BoletoError::Unsupported(format!(
            "no free-field layout for bank {other:?}; give the 25 digits with --free-field"
        ))),
    }
}

/// The SVG sizes, refused (not silently replaced) when out of range.
fn svg_options(narrow: &str, ratio: &str, height: &str) -> Result<itf::SvgOptions, Failure> {
    let number = |what: &str, text: &str, low: f64, high: f64, low_open: bool| {
        let v: f64 = text.trim().parse().unwrap_or(f64::NAN);
        let above_low = if low_open { v > low } else { v >= low };
        if v.is_finite() && above_low && v <= high {
            Ok(v)
        } else {
            let open = if low_open { "above" } else { "from" };
            Err(Failure::new(format!(
                "{what}: {text:?} must be a number {open} {low} up to {high}"
            )))
        }
    };
    Ok(itf::SvgOptions {
        narrow_mm: number("--narrow-mm", narrow, 0.0, 2.0, true)?,
        ratio: number("--ratio", ratio, 2.0, 3.5, false)?,
        height_mm: number("--height-mm", height, 0.0, 100.0, true)?,
        ..Default::default()
    })
}

/// A single decimal digit given on the command line.
fn digit_arg(what: &str, text: &str) -> Result<u8, Failure> {
    match text.trim().as_bytes() {
        [d @ b'0'..=b'9'] => Ok(d - b'0'),
        _ => Err(Failure::new(format!("{what}: {text:?} must be one digit"))),
    }
}

fn make_utility(
    segment: &str,
    value_type: &str,
    value: &str,
    rest: &str,
) -> Result<UtilitySlip, Failure> {
    let segment = digit_arg("--segment", segment)?;
    let value_type = digit_arg("--value-type", value_type)?;
    let vt = ValueType::from_digit(value_type).ok_or_else(|| {
        Failure::new(format!(
            "--value-type must be 6, 7, 8 or 9, got {value_type}"
        ))
    })?;
    let value = if vt.is_amount() {
        parse_reais("--value", value)?
    } else {
        value
            .trim()
            .parse::<u64>()
            .map_err(|_| Failure::new(format!("--value: {value:?} is not a whole quantity")))?
    };
    UtilitySlip::build(segment, vt, value, rest).map_err(failure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_json_contract() {
        let line = "34191.75124 34567.840813 05367.890000 1 43290000000000";
        let (v, _) = parse(line, jiff::civil::date(2010, 1, 1)).unwrap();
        assert_eq!(v["kind"], "bank");
        assert_eq!(v["barcode"], "34191432900000000001751234567840810536789000");
        assert_eq!(
            v["digitable_line"],
            "34191751243456784081305367890000143290000000000"
        );
        assert_eq!(v["bank_code"], "341");
        assert_eq!(v["currency"], "9");
        assert_eq!(v["due_date"], "2009-08-14");
        assert_eq!(v["amount"], Value::Null);
        assert_eq!(v["free_field"], "1751234567840810536789000");
        let (u, _) = parse(
            "83620000000171100500001296099201812800093019",
            jiff::civil::date(2020, 1, 1),
        )
        .unwrap();
        assert_eq!(u["kind"], "utility");
        assert_eq!(u["segment"], "3");
        assert_eq!(u["value_type"], "6");
        assert_eq!(u["amount"], "17.11");
        assert_eq!(u["digitable_line"].as_str().map(str::len), Some(48));
        let f = parse(
            "34191.75124 34567.840814 05367.890000 1 43290000000000",
            jiff::civil::date(2010, 1, 1),
        )
        .unwrap_err();
        assert_eq!(f.offset, Some(23));
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_reais("a", "123.45").unwrap(), 12_345);
        assert_eq!(parse_reais("a", "123,4").unwrap(), 12_340);
        assert_eq!(parse_reais("a", "7").unwrap(), 700);
        assert!(parse_reais("a", "-1").is_err());
        assert!(parse_reais("a", "1.234").is_err());
        assert!(parse_reais("a", "99999999999999999999").is_err());
        assert_eq!(reais(13_500), "135.00");
        assert_eq!(reais(5), "0.05");
    }
}
