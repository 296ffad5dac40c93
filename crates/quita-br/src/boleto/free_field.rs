//! The 25-digit free field (campo livre) and the layouts of five banks.
//!
//! Each bank sets its own layout in its manual. Numeric inputs shorter than
//! their slot are left-padded with zeros (as the banks print them); longer
//! ones, or non-digits, are refused. Sources: `reference/br-standards.md`
//! §A.6 and the banks' manuals as implemented by brcobranca; see the crate
//! README for each bank's deviations from the "bank code + agency + account"
//! intuition.

use std::fmt;

use super::{
    BoletoError,
    input::{ascii, padded},
};
use crate::check_digit::{mod10, mod11_receita};

/// Exactly 25 ASCII digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct FreeField([u8; 25]);

impl FreeField {
    /// Exactly 25 digits (no padding: a free field has no natural alignment).
    pub fn new(digits: &str) -> Result<Self, BoletoError> {
        let d = digits.trim();
        if d.len() != 25 || !d.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BoletoError::Field {
                field: "free field (exactly 25 digits)",
                max: 25,
                found: d.chars().take(60).collect(),
            });
        }
        let mut v = [0u8; 25];
        for (slot, b) in v.iter_mut().zip(d.bytes()) {
            *slot = b - b'0';
        }
        Ok(Self(v))
    }

    pub(crate) fn from_values(v: &[u8]) -> Self {
        let mut a = [0u8; 25];
        a.copy_from_slice(&v[..25]);
        Self(a)
    }

    /// The 25 digits.
    pub fn as_str(&self) -> String {
        ascii(&self.0)
    }
}

impl fmt::Debug for FreeField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FreeField({})", self.as_str())
    }
}

fn values(s: &str) -> Vec<u8> {
    s.bytes().map(|b| b - b'0').collect()
}

/// Itaú (341): carteira(3) + nosso número(8) + DAC + agência(4) + conta(5)
/// + DAC + `000`.
///
/// The first DAC is mod 10 of agência + conta + carteira + nosso número,
/// except for carteiras 112, 126, 131, 146, 150 and 168, where it is mod 10
/// of carteira + nosso número only (Itaú manual; 112 as in current
/// brcobranca, **verify**). The second DAC is mod 10 of agência + conta.
/// Carteiras 106, 107, 122, 142, 143, 195, 196 and 198 use another layout
/// ([`itau_seu_numero`]) and are refused here rather than built wrongly.
pub fn itau(
    carteira: &str,
    nosso_numero: &str,
    agencia: &str,
    conta: &str,
) -> Result<FreeField, BoletoError> {
    let cart = padded("carteira", carteira, 3)?;
    let nn = padded("nosso número", nosso_numero, 8)?;
    let ag = padded("agência", agencia, 4)?;
    let cc = padded("conta", conta, 5)?;
    if ITAU_SEU_NUMERO.contains(&cart.as_str()) {
        return Err(BoletoError::Unsupported(format!(
            "Itaú carteira {cart} uses the 'seu número' layout (itau_seu_numero)"
        )));
    }
    let nn_dac = itau_nosso_numero_dac(&cart, &nn, &ag, &cc);
    let account_dac = itau_account_dac(&ag, &cc);
    FreeField::new(&format!("{cart}{nn}{nn_dac}{ag}{cc}{account_dac}000"))
}

/// Itaú's DAC of the nosso número: mod 10 of agência(4) + conta(5) +
/// carteira(3) + nosso número(8), or of carteira + nosso número only for
/// carteiras 112, 126, 131, 146, 150 and 168. All inputs already padded.
pub(crate) fn itau_nosso_numero_dac(cart: &str, nn: &str, ag: &str, cc: &str) -> u8 {
    if ["112", "126", "131", "146", "150", "168"].contains(&cart) {
        mod10(&values(&format!("{cart}{nn}")))
    } else {
        mod10(&values(&format!("{ag}{cc}{cart}{nn}")))
    }
}

/// Itaú's DAC of agência(4) + conta(5): mod 10. Inputs already padded.
pub(crate) fn itau_account_dac(ag: &str, cc: &str) -> u8 {
    mod10(&values(&format!("{ag}{cc}")))
}

/// Itaú carteiras whose free field carries "seu número" and the client code.
const ITAU_SEU_NUMERO: [&str; 8] = ["106", "107", "122", "142", "143", "195", "196", "198"];

/// Itaú (341) carteiras 106, 107, 122, 142, 143, 195, 196 and 198:
/// carteira(3) + nosso número(8) + seu número(7) + código do cliente(5) +
/// DAC (mod 10 of the 23 digits before it) + `0`.
pub fn itau_seu_numero(
    carteira: &str,
    nosso_numero: &str,
    seu_numero: &str,
    codigo_cliente: &str,
) -> Result<FreeField, BoletoError> {
    let cart = padded("carteira", carteira, 3)?;
    if !ITAU_SEU_NUMERO.contains(&cart.as_str()) {
        return Err(BoletoError::Unsupported(format!(
            "Itaú carteira {cart} does not use the 'seu número' layout (use itau)"
        )));
    }
    let body = format!(
        "{cart}{}{}{}",
        padded("nosso número", nosso_numero, 8)?,
        padded("seu número", seu_numero, 7)?,
        padded("código do cliente", codigo_cliente, 5)?
    );
    let dac = mod10(&values(&body));
    FreeField::new(&format!("{body}{dac}0"))
}

/// Bradesco (237): agência(4) + carteira(2) + nosso número(11) + conta(7) +
/// `0`. No check digits in the free field (the agency, account and nosso
/// número DVs are printed elsewhere, not encoded).
pub fn bradesco(
    agencia: &str,
    carteira: &str,
    nosso_numero: &str,
    conta: &str,
) -> Result<FreeField, BoletoError> {
    let ag = padded("agência", agencia, 4)?;
    let cart = padded("carteira", carteira, 2)?;
    let nn = padded("nosso número", nosso_numero, 11)?;
    let cc = padded("conta", conta, 7)?;
    FreeField::new(&format!("{ag}{cart}{nn}{cc}0"))
}

/// Banco do Brasil (001): the layout depends on the length of the convênio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BancoDoBrasil<'a> {
    /// Convênio of 4 digits, nosso número of 7:
    /// convênio(4) + nosso número(7) + agência(4) + conta(8) + carteira(2).
    Convenio4 {
        convenio: &'a str,
        nosso_numero: &'a str,
        agencia: &'a str,
        conta: &'a str,
        carteira: &'a str,
    },
    /// Convênio of 6 digits, nosso número of 5:
    /// convênio(6) + nosso número(5) + agência(4) + conta(8) + carteira(2).
    Convenio6 {
        convenio: &'a str,
        nosso_numero: &'a str,
        agencia: &'a str,
        conta: &'a str,
        carteira: &'a str,
    },
    /// Convênio of 6 digits with a free 17-digit nosso número (carteiras
    /// 16/18, service code 21): convênio(6) + nosso número(17) + `21`.
    Convenio6Free17 {
        convenio: &'a str,
        nosso_numero: &'a str,
    },
    /// Convênio of 7 digits: `000000` + convênio(7) + nosso número(10) +
    /// carteira(2).
    Convenio7 {
        convenio: &'a str,
        nosso_numero: &'a str,
        carteira: &'a str,
    },
    /// Convênio of 8 digits: `000000` + convênio(8) + nosso número(9) +
    /// carteira(2).
    Convenio8 {
        convenio: &'a str,
        nosso_numero: &'a str,
        carteira: &'a str,
    },
}

/// Banco do Brasil (001) free field; see [`BancoDoBrasil`]. The convênio
/// must have exactly the digits of its variant (its length selects the
/// layout, so padding it would silently pick another one).
pub fn banco_do_brasil(layout: BancoDoBrasil<'_>) -> Result<FreeField, BoletoError> {
    let exact = |name: &'static str, v: &str, len: usize| -> Result<String, BoletoError> {
        if v.trim().len() != len {
            return Err(BoletoError::Field {
                field: name,
                max: len,
                found: v.chars().take(60).collect(),
            });
        }
        padded(name, v, len)
    };
    let text = match layout {
        BancoDoBrasil::Convenio4 {
            convenio,
            nosso_numero,
            agencia,
            conta,
            carteira,
        } => format!(
            "{}{}{}{}{}",
            exact("convênio (4 digits)", convenio, 4)?,
            padded("nosso número", nosso_numero, 7)?,
            padded("agência", agencia, 4)?,
            padded("conta", conta, 8)?,
            padded("carteira", carteira, 2)?
        ),
        BancoDoBrasil::Convenio6 {
            convenio,
            nosso_numero,
            agencia,
            conta,
            carteira,
        } => format!(
            "{}{}{}{}{}",
            exact("convênio (6 digits)", convenio, 6)?,
            padded("nosso número", nosso_numero, 5)?,
            padded("agência", agencia, 4)?,
            padded("conta", conta, 8)?,
            padded("carteira", carteira, 2)?
        ),
        BancoDoBrasil::Convenio6Free17 {
            convenio,
            nosso_numero,
        } => format!(
            "{}{}21",
            exact("convênio (6 digits)", convenio, 6)?,
            padded("nosso número", nosso_numero, 17)?
        ),
        BancoDoBrasil::Convenio7 {
            convenio,
            nosso_numero,
            carteira,
        } => format!(
            "000000{}{}{}",
            exact("convênio (7 digits)", convenio, 7)?,
            padded("nosso número", nosso_numero, 10)?,
            padded("carteira", carteira, 2)?
        ),
        BancoDoBrasil::Convenio8 {
            convenio,
            nosso_numero,
            carteira,
        } => format!(
            "000000{}{}{}",
            exact("convênio (8 digits)", convenio, 8)?,
            padded("nosso número", nosso_numero, 9)?,
            padded("carteira", carteira, 2)?
        ),
    };
    FreeField::new(&text)
}

/// Caixa (104), SIGCB: beneficiário(6) + DV(1) + nosso número 3–5 +
/// constant 1 (nosso número position 1: `1` registered / `2` unregistered) +
/// nosso número 6–8 + constant 2 (position 2: `4` = issued by the
/// beneficiary) + nosso número 9–17 + DV of the free field.
///
/// `nosso_numero` is the full 17 digits including the two leading constants
/// (e.g. `14000000000000001`); both DVs are mod 11 (weights 2..9) with
/// results above 9 (remainder 0 or 1) giving 0.
pub fn caixa_sigcb(beneficiario: &str, nosso_numero: &str) -> Result<FreeField, BoletoError> {
    let ben = padded("beneficiário", beneficiario, 6)?;
    let nn = padded("nosso número", nosso_numero, 17)?;
    if !matches!(&nn[..2], "14" | "24") {
        return Err(BoletoError::Unsupported(format!(
            "Caixa SIGCB nosso número must start with 14 (registered) or 24 (unregistered), got {}",
            &nn[..2]
        )));
    }
    let ben_dv = mod11_receita(&values(&ben), 9);
    let body = format!(
        "{ben}{ben_dv}{}{}{}{}{}",
        &nn[2..5],
        &nn[0..1],
        &nn[5..8],
        &nn[1..2],
        &nn[8..17]
    );
    let dv = mod11_receita(&values(&body), 9);
    FreeField::new(&format!("{body}{dv}"))
}

/// Santander (033): `9` + código do beneficiário(7) + nosso número(12) + its
/// DV + IOS(1: `0` except insurers) + carteira(3, e.g. 101 registered, 102
/// unregistered). The nosso número DV is mod 11 (weights 2..9), remainder 0
/// or 1 → 0, else 11 − r.
pub fn santander(
    beneficiario: &str,
    nosso_numero: &str,
    ios: &str,
    carteira: &str,
) -> Result<FreeField, BoletoError> {
    let ben = padded("código do beneficiário", beneficiario, 7)?;
    let nn = padded("nosso número", nosso_numero, 12)?;
    let ios = padded("IOS", ios, 1)?;
    let cart = padded("carteira", carteira, 3)?;
    let dv = mod11_receita(&values(&nn), 9);
    FreeField::new(&format!("9{ben}{nn}{dv}{ios}{cart}"))
}
