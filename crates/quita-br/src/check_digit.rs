//! The check-digit arithmetic shared by CPF/CNPJ and the boleto.
//!
//! Every function takes character *values* (not ASCII bytes) so that the
//! alphanumeric CNPJ (value = ASCII − 48) and plain digits share one code path.
//! None of them can overflow: values are < 43, weights ≤ 11, and inputs are at
//! most a few dozen characters (callers check lengths first).

/// Sum of `values[i] × weight`, the weights running 2, 3, …, `max_weight`
/// from the **rightmost** value and starting again at 2 after `max_weight`.
///
/// * Boleto, arrecadação and CNPJ use `max_weight = 9` (2..9 cyclic).
/// * CPF uses `max_weight = 11`, which never cycles for its 9/10 digits, so
///   it gives the weights 10..2 (DV1) and 11..2 (DV2) of the standard.
pub(crate) fn weighted_sum_from_right(values: &[u8], max_weight: u32) -> u32 {
    let span = max_weight.saturating_sub(1).max(1);
    values
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &v)| u32::from(v) * (2 + (i as u32 % span)))
        .sum()
}

/// The CPF/CNPJ rule (Receita Federal): `r = sum mod 11`; DV = 0 if r < 2,
/// otherwise 11 − r.
pub(crate) fn mod11_receita(values: &[u8], max_weight: u32) -> u8 {
    let r = weighted_sum_from_right(values, max_weight) % 11;
    if r < 2 { 0 } else { (11 - r) as u8 }
}

/// The boleto cobrança DV geral (FEBRABAN, position 5): weights 2..9 cyclic,
/// `dv = 11 − (sum mod 11)`; a result of 0, 10 or 11 becomes **1**, so the DV
/// is always 1–9.
pub(crate) fn mod11_boleto(values: &[u8]) -> u8 {
    let dv = 11 - weighted_sum_from_right(values, 9) % 11;
    if dv == 0 || dv >= 10 { 1 } else { dv as u8 }
}

/// The arrecadação (convênio) mod-11 rule: weights 2..9 cyclic; remainder 0 or
/// 1 gives DV **0**, otherwise 11 − r (so r = 10 gives DV 1).
pub(crate) fn mod11_arrecadacao(values: &[u8]) -> u8 {
    mod11_receita(values, 9)
}

/// "Módulo 10 BACEN": from the rightmost digit multiply by 2, 1, 2, 1, …; a
/// product ≥ 10 contributes the sum of its digits (product − 9);
/// DV = (10 − sum mod 10) mod 10.
pub(crate) fn mod10(values: &[u8]) -> u8 {
    let sum: u32 = values
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &v)| {
            let p = u32::from(v) * if i % 2 == 0 { 2 } else { 1 };
            if p >= 10 { p - 9 } else { p }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// Turns ASCII digits into values, `None` if any byte is not `0-9`.
#[cfg(test)]
pub(crate) fn digit_values(ascii: &[u8]) -> Option<Vec<u8>> {
    ascii
        .iter()
        .map(|&b| b.is_ascii_digit().then(|| b - b'0'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(s: &str) -> Vec<u8> {
        digit_values(s.as_bytes()).unwrap()
    }

    #[test]
    fn mod10_examples() {
        // Field 1 of the Itaú example line 34191.75124: DV of 341917512 is 4.
        assert_eq!(mod10(&vals("341917512")), 4);
        // Classic FEBRABAN arrecadação example block.
        assert_eq!(mod10(&vals("01230067896")), 3);
    }

    #[test]
    fn cpf_weights() {
        // 529.982.247-25
        assert_eq!(mod11_receita(&vals("529982247"), 11), 2);
        assert_eq!(mod11_receita(&vals("5299822472"), 11), 5);
    }

    #[test]
    fn boleto_rule_never_zero() {
        for s in ["0", "1", "12345", "99999999999"] {
            let dv = mod11_boleto(&vals(s));
            assert!((1..=9).contains(&dv));
        }
    }
}
