//! Worked examples and properties of the whole Pix module.

use proptest::prelude::*;

use super::*;
use crate::centavos::Centavos;

/// BCB manual example: static, random key, no amount.
const BCB_STATIC: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";

fn fulano() -> PixPayload {
    PixPayload::new_static(
        PixKey::new("123e4567-e12b-12d1-a456-426655440000").unwrap(),
        MerchantName::new("Fulano de Tal").unwrap(),
        MerchantCity::new("BRASILIA").unwrap(),
    )
}

#[test]
fn builds_the_bcb_example() {
    assert_eq!(fulano().payload().unwrap(), BCB_STATIC);
}

#[test]
fn parses_the_bcb_example() {
    let code = parse(BCB_STATIC).unwrap();
    assert_eq!(code.crc_hex(), "1D3D");
    assert_eq!(code.key(), Some("123e4567-e12b-12d1-a456-426655440000"));
    assert_eq!(code.url(), None);
    assert_eq!(code.amount(), None);
    assert_eq!(code.txid(), "***");
    assert_eq!(code.merchant_name(), "Fulano de Tal");
    assert_eq!(code.merchant_city(), "BRASILIA");
    assert_eq!(code.mcc(), "0000");
    assert_eq!(code.initiation(), None);
    assert!(!code.is_dynamic());
}

#[test]
fn crc_hex_is_case_insensitive() {
    let lower = BCB_STATIC.replace("63041D3D", "63041d3d");
    assert_eq!(parse(&lower).unwrap().crc(), 0x1D3D);
}

#[test]
fn accepts_uppercase_gui_and_character_lengths() {
    // LEN counts characters (8 for BRASÍLIA) while the CRC covers UTF-8 bytes.
    let body = "00020126360014BR.GOV.BCB.PIX0114+5561999999999520400005303986540510.005802BR5905Teste6008BRASÍLIA62070503***6304";
    let payload = format!("{body}{:04X}", crc16(body.as_bytes()));
    let code = parse(&payload).unwrap();
    assert_eq!(code.merchant_city(), "BRASÍLIA");
    assert_eq!(
        code.amount().map(|a| a.to_string()).as_deref(),
        Some("10.00")
    );
}

#[test]
fn static_with_everything() {
    let payload = fulano()
        .with_amount(Centavos::new(12345).unwrap())
        .unwrap()
        .with_txid(Txid::new("PEDIDO123").unwrap())
        .with_description("Pagamento do pedido")
        .single_use(true)
        .payload()
        .unwrap();
    assert!(payload.starts_with("000201010212"));
    let code = parse(&payload).unwrap();
    assert_eq!(code.amount().unwrap().to_string(), "123.45");
    assert_eq!(code.txid(), "PEDIDO123");
    assert_eq!(code.description(), Some("Pagamento do pedido"));
    assert_eq!(code.initiation(), Some(Initiation::SingleUse));
}

#[test]
fn dynamic_payload() {
    let payload = PixPayload::new_dynamic(
        PixUrl::new("https://pix.example.com/qr/v2/9d36b84f-c70b-478f-b95c-12729b90ca25").unwrap(),
        MerchantName::new("Loja").unwrap(),
        MerchantCity::new("SAO PAULO").unwrap(),
    )
    .single_use(true)
    .with_txid(Txid::new("ABC").unwrap())
    .payload()
    .unwrap();
    let code = parse(&payload).unwrap();
    assert_eq!(
        code.url(),
        Some("pix.example.com/qr/v2/9d36b84f-c70b-478f-b95c-12729b90ca25")
    );
    assert_eq!(code.key(), None);
    assert_eq!(code.txid(), "***");
    assert!(payload.contains("2579pix.example.com") || payload.contains("25"));
    assert_eq!(code.initiation(), Some(Initiation::SingleUse));
}

#[test]
fn names_are_normalized_and_cut() {
    let n = MerchantName::new("JOSÉ DA SILVA ÇÃO LTDA EPP DE TAL").unwrap();
    assert_eq!(n.as_str(), "JOSE DA SILVA CAO LTDA EP");
    assert_eq!(
        MerchantCity::new("SÃO MIGUÉL DO OESTE").unwrap().as_str(),
        "SAO MIGUEL DO O"
    );
    assert!(MerchantName::new("日本").is_err());
}

#[test]
fn refuses_bad_builder_values() {
    assert!(Txid::new("abc-1").is_err());
    assert!(Txid::new(&"a".repeat(26)).is_err());
    assert!(Txid::new("").is_err());
    assert!(PixKey::new("").is_err());
    assert!(PixKey::new(&"k".repeat(78)).is_err());
    assert!(fulano().with_amount(Centavos::ZERO).is_err());
    let long = fulano().with_description(&"x".repeat(60));
    assert!(matches!(
        long.payload(),
        Err(PixBuildError::AccountTemplateTooLong(_))
    ));
}

#[test]
fn parse_errors_have_offsets() {
    let cases: [(&str, usize); 5] = [
        ("", 0),
        ("000201x", 6),
        ("0002", 0),
        ("010212", 0),
        (&BCB_STATIC[..BCB_STATIC.len() - 1], BCB_STATIC.len() - 8),
    ];
    for (payload, offset) in cases {
        let err = parse(payload).unwrap_err();
        assert_eq!(err.offset(), offset, "{payload}: {err}");
    }
    let bad_crc = BCB_STATIC.replace("1D3D", "1D3E");
    let err = parse(&bad_crc).unwrap_err();
    assert!(matches!(err, PixParseError::CrcMismatch { .. }));
    assert_eq!(err.offset(), BCB_STATIC.len() - 4);
}

fn reseal(body: &str) -> String {
    format!("{body}{:04X}", crc16(body.as_bytes()))
}

#[test]
fn semantic_checks_after_crc() {
    let no_62 = reseal(
        "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA6304",
    );
    assert!(matches!(
        parse(&no_62),
        Err(PixParseError::Missing { id: "62", .. })
    ));
    let usd = reseal(
        "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053038405802BR5913Fulano de Tal6008BRASILIA62070503***6304",
    );
    assert!(matches!(
        parse(&usd),
        Err(PixParseError::Invalid { id: "53", .. })
    ));
    let bad_amount = reseal(
        "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-42665544000052040000530398654041,005802BR5913Fulano de Tal6008BRASILIA62070503***6304",
    );
    assert!(matches!(
        parse(&bad_amount),
        Err(PixParseError::Invalid { id: "54", .. })
    ));
    let bad_nested = reseal(
        "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070599***6304",
    );
    assert!(matches!(
        parse(&bad_nested),
        Err(PixParseError::Truncated { .. })
    ));
}

fn key_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{11}",
        "[0-9]{14}",
        "[a-z]{1,20}@[a-z]{1,10}\\.com",
        "\\+55[0-9]{11}",
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    ]
}

proptest! {
    #[test]
    fn make_then_parse(
        key in key_strategy(),
        name in "[A-Za-zÀ-ÿ ]{1,40}",
        city in "[A-Za-zÀ-ÿ ]{1,30}",
        amount in proptest::option::of(1i64..999_999_999_999),
        txid in proptest::option::of("[A-Za-z0-9]{1,25}"),
        description in proptest::option::of("[A-Za-z0-9 ]{1,20}"),
        single_use in any::<bool>(),
    ) {
        let (Ok(n), Ok(c)) = (MerchantName::new(&name), MerchantCity::new(&city)) else {
            return Ok(());
        };
        let mut p = PixPayload::new_static(PixKey::new(&key).unwrap(), n.clone(), c.clone())
            .single_use(single_use);
        if let Some(a) = amount {
            p = p.with_amount(Centavos::new(a).unwrap()).unwrap();
        }
        if let Some(t) = &txid {
            p = p.with_txid(Txid::new(t).unwrap());
        }
        if let Some(d) = &description {
            p = p.with_description(d);
        }
        let payload = p.payload().unwrap();
        prop_assert!(payload.is_ascii());
        let code = parse(&payload).unwrap();
        prop_assert_eq!(code.key(), Some(key.as_str()));
        prop_assert_eq!(code.merchant_name(), n.as_str());
        prop_assert_eq!(code.merchant_city(), c.as_str());
        prop_assert_eq!(code.amount().map(Centavos::get), amount);
        prop_assert_eq!(code.txid(), txid.as_deref().unwrap_or("***"));
        prop_assert_eq!(code.description().map(str::trim), description.as_deref().map(str::trim).filter(|d| !d.is_empty()));
        prop_assert_eq!(code.initiation().is_some(), single_use);
        prop_assert!(code.crc_hex().chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
    }

    #[test]
    fn dynamic_make_then_parse(path in "[a-z0-9./-]{1,60}", amount in proptest::option::of(1i64..1_000_000)) {
        let url = format!("pix.example.com/{path}");
        let mut p = PixPayload::new_dynamic(
            PixUrl::new(&url).unwrap(),
            MerchantName::new("Loja").unwrap(),
            MerchantCity::new("Recife").unwrap(),
        );
        if let Some(a) = amount {
            p = p.with_amount(Centavos::new(a).unwrap()).unwrap();
        }
        let code = parse(&p.payload().unwrap()).unwrap();
        prop_assert_eq!(code.url(), Some(url.as_str()));
        prop_assert_eq!(code.txid(), "***");
    }

    /// Any single-byte change breaks the CRC or the TLV — except turning a hex
    /// letter of the CRC itself into the other case, which the standard
    /// tells parsers to accept.
    #[test]
    fn single_byte_change_is_detected(index in 0usize..BCB_STATIC.len(), byte in any::<u8>()) {
        let mut bytes = BCB_STATIC.as_bytes().to_vec();
        let old = bytes[index];
        prop_assume!(old != byte);
        let in_crc = index >= bytes.len() - 4;
        prop_assume!(!(in_crc && old.eq_ignore_ascii_case(&byte)));
        bytes[index] = byte;
        if let Ok(text) = std::str::from_utf8(&bytes) {
            prop_assert!(parse(text).is_err());
        }
    }

    #[test]
    fn never_panics(text in "\\PC{0,200}") {
        let _ = parse(&text);
    }

    #[test]
    fn never_panics_near_valid(prefix in 0usize..BCB_STATIC.len(), tail in "[0-9A-Za-z*.]{0,20}") {
        let text = format!("{}{}", &BCB_STATIC[..prefix], tail);
        let _ = parse(&text);
    }
}

#[test]
fn amounts_are_printed_with_two_decimals() {
    for (cents, text) in [
        (5, "0.05"),
        (50, "0.50"),
        (100, "1.00"),
        (999_999_999_999, "9999999999.99"),
    ] {
        let payload = fulano()
            .with_amount(Centavos::new(cents).unwrap())
            .unwrap()
            .payload()
            .unwrap();
        assert!(
            payload.contains(&format!("54{:02}{text}", text.len())),
            "{payload}"
        );
        assert_eq!(parse(&payload).unwrap().amount().unwrap().get(), cents);
    }
}
