use jiff::civil::{Date, date};
use proptest::prelude::*;

use super::{free_field::BancoDoBrasil, *};

fn itau_example() -> FreeField {
    free_field::itau("175", "12345678", "0810", "53678").unwrap()
}

#[test]
fn itau_free_field_and_the_issue_example_line() {
    let ff = itau_example();
    assert_eq!(ff.as_str(), "1751234567840810536789000");
    let slip = BankSlip::build("341", Some(date(2009, 8, 14)), None, &ff).unwrap();
    assert_eq!(
        slip.formatted_line(),
        "34191.75124 34567.840813 05367.890000 1 43290000000000"
    );
    assert_eq!(
        slip.digitable_line(),
        "34191751243456784081305367890000143290000000000"
    );
    assert_eq!(slip.factor(), 4329);
    assert_eq!(slip.amount(), None);
    assert_eq!(slip.due_date(date(2010, 1, 1)), Some(date(2009, 8, 14)));
    let back = BankSlip::parse(&slip.formatted_line()).unwrap();
    assert_eq!(back, slip);
    assert_eq!(BankSlip::parse(&slip.barcode()).unwrap(), slip);
}

#[test]
fn bank_slip_with_amount() {
    let slip = BankSlip::build(
        "341",
        Some(date(2009, 8, 14)),
        Some(13_500),
        &itau_example(),
    )
    .unwrap();
    let b = slip.barcode();
    assert_eq!(&b[0..4], "3419");
    assert_eq!(&b[5..19], "43290000013500");
    assert_eq!(&b[19..], "1751234567840810536789000");
    assert_eq!(slip.amount(), Some(13_500));
    assert_eq!(slip.bank_code(), "341");
    assert_eq!(slip.currency(), 9);
    match Slip::parse(&slip.digitable_line()).unwrap() {
        Slip::Bank(s) => assert_eq!(s, slip),
        Slip::Utility(_) => panic!("not a utility slip"),
    }
}

#[test]
fn other_banks_free_fields_from_the_reference() {
    // br-standards.md §A.6 examples.
    assert_eq!(
        free_field::bradesco("1172", "06", "00075896452", "0403005")
            .unwrap()
            .as_str(),
        "1172060007589645204030050"
    );
    assert_eq!(
        free_field::banco_do_brasil(BancoDoBrasil::Convenio8 {
            convenio: "12387989",
            nosso_numero: "777700168",
            carteira: "18"
        })
        .unwrap()
        .as_str(),
        "0000001238798977770016818"
    );
    assert_eq!(
        free_field::santander("1899775", "000009000026", "0", "102")
            .unwrap()
            .as_str(),
        "9189977500000900002690102"
    );
    let bb7 = free_field::banco_do_brasil(BancoDoBrasil::Convenio7 {
        convenio: "1234567",
        nosso_numero: "1",
        carteira: "18",
    })
    .unwrap();
    assert_eq!(bb7.as_str(), "0000001234567000000000118");
    let bb6 = free_field::banco_do_brasil(BancoDoBrasil::Convenio6 {
        convenio: "123456",
        nosso_numero: "12345",
        agencia: "4042",
        conta: "61900",
        carteira: "18",
    })
    .unwrap();
    assert_eq!(bb6.as_str(), "1234561234540420006190018");
    let bb6f = free_field::banco_do_brasil(BancoDoBrasil::Convenio6Free17 {
        convenio: "123456",
        nosso_numero: "12345678901234567",
    })
    .unwrap();
    assert_eq!(bb6f.as_str(), "1234561234567890123456721");
    assert!(
        free_field::banco_do_brasil(BancoDoBrasil::Convenio7 {
            convenio: "123456",
            nosso_numero: "1",
            carteira: "18"
        })
        .is_err()
    );
}

#[test]
fn caixa_sigcb_layout() {
    // Beneficiário 005507 → DV: weights 7..2 over 0,0,5,5,0,7 = 25+20+14 = 59; 59 mod 11 = 4 → 7.
    let ff = free_field::caixa_sigcb("005507", "14000000000000001").unwrap();
    let s = ff.as_str();
    assert_eq!(&s[0..7], "0055077");
    assert_eq!(&s[7..10], "000"); // nosso número 3–5
    assert_eq!(&s[10..11], "1"); // constant 1
    assert_eq!(&s[11..14], "000"); // nosso número 6–8
    assert_eq!(&s[14..15], "4"); // constant 2
    assert_eq!(&s[15..24], "000000001"); // nosso número 9–17
    assert!(free_field::caixa_sigcb("005507", "34000000000000001").is_err());
}

#[test]
fn itau_special_carteiras() {
    assert!(free_field::itau("198", "1", "1", "1").is_err());
    // Carteira 126: DAC of carteira + nosso número only.
    let ff = free_field::itau("126", "12345678", "0810", "53678").unwrap();
    let expected = crate::check_digit::mod10(&[1, 2, 6, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(&ff.as_str()[11..12], expected.to_string());
}

#[test]
fn utility_slip_examples() {
    // A mod-10 energy bill and a mod-11 one, built then read back.
    for vt in [ValueType::AmountMod10, ValueType::AmountMod11] {
        let s = UtilitySlip::build(3, vt, 50_960, "00101234567890123456789012345").unwrap();
        let line = s.digitable_line();
        assert_eq!(line.len(), 48);
        assert_eq!(UtilitySlip::parse(&line).unwrap(), s);
        assert_eq!(UtilitySlip::parse(&s.formatted_line()).unwrap(), s);
        assert_eq!(Slip::parse(&s.barcode()).unwrap(), Slip::Utility(s));
        assert_eq!(s.amount(), Some(50_960));
        assert_eq!(s.segment(), 3);
        assert_eq!(s.company_id(), "0010");
    }
    let q = UtilitySlip::build(5, ValueType::QuantityMod11, 7, &"1".repeat(29)).unwrap();
    assert_eq!(q.amount(), None);
    assert_eq!(q.value(), 7);
}

#[test]
fn arrecadacao_mod11_remainders_0_and_1_give_0() {
    use crate::check_digit::{mod11_arrecadacao, weighted_sum_from_right};
    // Find inputs with r = 0, 1 and 10 and check the mapping.
    let mut seen = [false; 3];
    for n in 0u32..5000 {
        let v: Vec<u8> = format!("{n:05}").bytes().map(|b| b - b'0').collect();
        let r = weighted_sum_from_right(&v, 9) % 11;
        let dv = mod11_arrecadacao(&v);
        match r {
            0 => {
                assert_eq!(dv, 0);
                seen[0] = true;
            }
            1 => {
                assert_eq!(dv, 0);
                seen[1] = true;
            }
            10 => {
                assert_eq!(dv, 1);
                seen[2] = true;
            }
            r => assert_eq!(u32::from(dv), 11 - r),
        }
    }
    assert_eq!(seen, [true; 3]);
}

#[test]
fn refusals_with_offsets() {
    let line = BankSlip::build("341", Some(date(2009, 8, 14)), None, &itau_example())
        .unwrap()
        .formatted_line();
    // Flip the DV of field 2 (character 23 of the printed line).
    let mut bad: Vec<char> = line.chars().collect();
    assert_eq!(bad[23], '3');
    bad[23] = '4';
    let bad: String = bad.into_iter().collect();
    assert_eq!(
        BankSlip::parse(&bad),
        Err(BoletoError::FieldCheckDigit {
            field: 2,
            offset: 23,
            expected: 3
        })
    );
    assert!(matches!(
        Slip::parse("123"),
        Err(BoletoError::WrongLength { found: 3, .. })
    ));
    assert_eq!(
        Slip::parse("3419x"),
        Err(BoletoError::InvalidCharacter { ch: 'x', offset: 4 })
    );
    assert!(matches!(
        Slip::parse(&"1".repeat(100_000)),
        Err(BoletoError::WrongLength { .. })
    ));
    let mut utility = UtilitySlip::build(3, ValueType::AmountMod10, 1, &"0".repeat(29))
        .unwrap()
        .barcode();
    utility.replace_range(2..3, "5");
    assert!(matches!(
        Slip::parse(&utility),
        Err(BoletoError::ValueType { offset: 2, .. })
    ));
    assert!(BankSlip::build("34", None, None, &itau_example()).is_err());
    assert!(BankSlip::build("341", None, Some(MAX_AMOUNT + 1), &itau_example()).is_err());
    assert!(BankSlip::build("341", Some(date(1997, 10, 7)), None, &itau_example()).is_err());
}

#[test]
fn itf_pattern_and_svg() {
    let slip = BankSlip::build("341", Some(date(2009, 8, 14)), Some(1), &itau_example()).unwrap();
    let els = itf::pattern(&slip.barcode()).unwrap();
    assert_eq!(els.len(), 4 + 44 * 5 + 3);
    assert_eq!(Slip::Bank(slip).itf(), els);
    // Alternating bar/space, exactly 2 wide per digit, 405 modules at 3:1.
    for (i, e) in els.iter().enumerate() {
        assert_eq!(e.bar, i % 2 == 0);
    }
    assert_eq!(els.iter().filter(|e| e.wide).count(), 44 * 2 + 1);
    let m = itf::modules(&els, 3);
    assert_eq!(m.len(), 405);
    assert!(m.starts_with("1010"));
    assert!(m.ends_with("11101"));
    assert_eq!(
        itf::modules(&itf::pattern("00").unwrap(), 2),
        "1010".to_owned() + "10101100110010" + "1101"
    );
    let svg = itf::svg(&slip.barcode(), &itf::SvgOptions::default()).unwrap();
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains(r#"width="112.870mm""#), "{}", &svg[..200]);
    assert!(itf::pattern("123").is_err());
    assert!(itf::pattern("12a4").is_err());
}

fn free_field_strategy() -> impl Strategy<Value = FreeField> {
    "[0-9]{25}".prop_map(|s| FreeField::new(&s).unwrap())
}

fn due_strategy() -> impl Strategy<Value = Option<Date>> {
    prop::option::of((1998i16..2100, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| date(y, m, d)))
}

proptest! {
    #[test]
    fn bank_make_parse_round_trip(
        bank in "[0-79][0-9]{2}", due in due_strategy(), amount in 0u64..=MAX_AMOUNT, ff in free_field_strategy()
    ) {
        let slip = BankSlip::build(&bank, due, Some(amount), &ff).unwrap();
        prop_assert_eq!(BankSlip::parse(&slip.barcode()).unwrap(), slip);
        prop_assert_eq!(BankSlip::parse(&slip.digitable_line()).unwrap(), slip);
        prop_assert_eq!(BankSlip::parse(&slip.formatted_line()).unwrap(), slip);
        prop_assert_eq!(Slip::parse(&slip.digitable_line()).unwrap(), Slip::Bank(slip));
        prop_assert_eq!(slip.free_field(), ff);
        prop_assert_eq!(slip.amount(), (amount != 0).then_some(amount));
        prop_assert!((1..=9).contains(&slip.check_digit()));
        if let Some(d) = due {
            // Read back within the window of a reference near the due date.
            prop_assert_eq!(slip.due_date(d), Some(d));
        } else {
            prop_assert_eq!(slip.factor(), 0);
        }
    }

    /// Any single-digit change inside field 1, 2 or 3 of the typed line
    /// (its DV included) is caught by that field's mod-10 DV.
    #[test]
    fn line_field_change_always_caught(
        due in due_strategy(), amount in 0u64..=MAX_AMOUNT, ff in free_field_strategy(),
        pos in 0usize..32, delta in 1u8..10
    ) {
        let slip = BankSlip::build("341", due, Some(amount), &ff).unwrap();
        let mut l = slip.digitable_line().into_bytes();
        l[pos] = b'0' + (l[pos] - b'0' + delta) % 10;
        let changed = String::from_utf8(l).unwrap();
        prop_assert!(BankSlip::parse(&changed).is_err(), "{}", changed);
    }

    /// A change of the DV geral itself is always caught.
    #[test]
    fn general_dv_change_always_caught(ff in free_field_strategy(), amount in 0u64..1_000_000, delta in 1u8..10) {
        let slip = BankSlip::build("001", None, Some(amount), &ff).unwrap();
        let mut b = slip.barcode().into_bytes();
        b[4] = b'0' + (b[4] - b'0' + delta) % 10;
        prop_assert!(BankSlip::parse(std::str::from_utf8(&b).unwrap()).is_err());
    }

    /// (Found by the property below: bank 237 with its first digit moved by
    /// 6 reads as bank 837, which is refused whatever the DV says.)
    #[test]
    fn bank_code_moved_to_8_is_refused_even_with_a_matching_dv(delta in 6u8..7) {
        let ff = FreeField::new("5301676024672445866766433").unwrap();
        let slip = BankSlip::build("237", Some(date(2030, 1, 2)), Some(12_345), &ff).unwrap();
        let mut b = slip.barcode().into_bytes();
        b[0] = b'0' + (b[0] - b'0' + delta) % 10;
        prop_assert_eq!(b[0], b'8');
        prop_assert!(BankSlip::parse(std::str::from_utf8(&b).unwrap()).is_err());
    }

    /// Elsewhere in the barcode a change is caught exactly when the DV geral
    /// recomputed over the changed digits differs: the 0/10/11 → 1 rule lets
    /// some through, and we claim no more than that.
    #[test]
    fn barcode_change_caught_iff_dv_differs(ff in free_field_strategy(), pos in 0usize..44, delta in 1u8..10) {
        prop_assume!(pos != 4);
        let slip = BankSlip::build("237", Some(date(2030, 1, 2)), Some(12_345), &ff).unwrap();
        let mut b = slip.barcode().into_bytes();
        b[pos] = b'0' + (b[pos] - b'0' + delta) % 10;
        let mut v: Vec<u8> = b.iter().map(|c| c - b'0').collect();
        v.remove(4);
        // Position 4 must also stay a known currency code (9 or 0), and the
        // bank code may not start with 8 (that is a utility slip's mark).
        let still_valid = crate::check_digit::mod11_boleto(&v) == slip.check_digit()
            && matches!(b[3], b'9' | b'0')
            && b[0] != b'8';
        prop_assert_eq!(BankSlip::parse(std::str::from_utf8(&b).unwrap()).is_ok(), still_valid);
    }

    #[test]
    fn utility_round_trip_and_block_changes(
        segment in 1u8..=9, vt in 6u8..=9, value in 0u64..=MAX_VALUE, rest in "[0-9]{29}",
        pos in 0usize..48, delta in 1u8..10
    ) {
        let vt = ValueType::from_digit(vt).unwrap();
        let s = UtilitySlip::build(segment, vt, value, &rest).unwrap();
        prop_assert_eq!(UtilitySlip::parse(&s.barcode()).unwrap(), s);
        prop_assert_eq!(UtilitySlip::parse(&s.digitable_line()).unwrap(), s);
        prop_assert_eq!(Slip::parse(&s.formatted_line()).unwrap(), Slip::Utility(s));
        // Mod-10 blocks catch every single-digit change; a mod-11 block
        // misses one only through the r ∈ {0, 1} → 0 collapse.
        let mut l = s.digitable_line().into_bytes();
        l[pos] = b'0' + (l[pos] - b'0' + delta) % 10;
        let changed = String::from_utf8(l).unwrap();
        let dv_position = pos % 12 == 11 || pos == 3;
        if dv_position || matches!(vt, ValueType::AmountMod10 | ValueType::QuantityMod10) {
            // Every block DV, and the DV geral, is caught whatever the modulus;
            // with mod 10 every change is.
            prop_assert!(UtilitySlip::parse(&changed).is_err(), "{}", changed);
        }
    }

    #[test]
    fn never_panics(s in any::<String>()) {
        let _ = Slip::parse(&s);
        let _ = BankSlip::parse(&s);
        let _ = UtilitySlip::parse(&s);
        let _ = FreeField::new(&s);
        let _ = itf::pattern(&s);
        let _ = free_field::itau(&s, &s, &s, &s);
        let _ = free_field::caixa_sigcb(&s, &s);
    }

    #[test]
    fn never_panics_on_near_misses(s in "[0-9 .-]{40,52}") {
        if let Err(e) = Slip::parse(&s)
            && let Some(at) = e.offset()
        {
            prop_assert!(at < s.chars().count());
        }
    }
}

/// Vectors from brcobranca's specs (`spec/brcobranca/boleto/*_spec.rb`), an
/// independent implementation: free field, barcode and printed line.
#[test]
fn brcobranca_vectors() {
    let check = |ff: FreeField,
                 bank: &str,
                 due: Date,
                 cents: u64,
                 ff_s: &str,
                 bar: &str,
                 line: Option<&str>| {
        assert_eq!(ff.as_str(), ff_s);
        let slip = BankSlip::build(bank, Some(due), Some(cents), &ff).unwrap();
        assert_eq!(slip.barcode(), bar);
        if let Some(line) = line {
            assert_eq!(slip.formatted_line(), line);
            assert_eq!(BankSlip::parse(line).unwrap(), slip);
        }
    };
    let bb = |layout| free_field::banco_do_brasil(layout).unwrap();
    check(
        bb(BancoDoBrasil::Convenio8 {
            convenio: "12387989",
            nosso_numero: "777700168",
            carteira: "18",
        }),
        "001",
        date(2008, 2, 1),
        13_500,
        "0000001238798977770016818",
        "00193376900000135000000001238798977770016818",
        Some("00190.00009 01238.798977 77700.168188 3 37690000013500"),
    );
    check(
        bb(BancoDoBrasil::Convenio8 {
            convenio: "12387989",
            nosso_numero: "7700168",
            carteira: "18",
        }),
        "001",
        date(2008, 2, 2),
        13_500,
        "0000001238798900770016818",
        "00193377000000135000000001238798900770016818",
        Some("00190.00009 01238.798902 07700.168185 3 37700000013500"),
    );
    check(
        bb(BancoDoBrasil::Convenio7 {
            convenio: "1238798",
            nosso_numero: "7777700168",
            carteira: "18",
        }),
        "001",
        date(2008, 2, 3),
        72_356,
        "0000001238798777770016818",
        "00195377100000723560000001238798777770016818",
        Some("00190.00009 01238.798779 77700.168188 5 37710000072356"),
    );
    check(
        bb(BancoDoBrasil::Convenio6 {
            convenio: "123879",
            nosso_numero: "1234",
            agencia: "4042",
            conta: "61900",
            carteira: "18",
        }),
        "001",
        date(2008, 2, 1),
        13_500,
        "1238790123440420006190018",
        "00192376900000135001238790123440420006190018",
        Some("00191.23876 90123.440423 00061.900189 2 37690000013500"),
    );
    check(
        bb(BancoDoBrasil::Convenio6Free17 {
            convenio: "123879",
            nosso_numero: "1234567899",
        }),
        "001",
        date(2008, 2, 1),
        13_500,
        "1238790000000123456789921",
        "00199376900000135001238790000000123456789921",
        Some("00191.23876 90000.000126 34567.899215 9 37690000013500"),
    );
    check(
        bb(BancoDoBrasil::Convenio4 {
            convenio: "1238",
            nosso_numero: "123456",
            agencia: "4042",
            conta: "61900",
            carteira: "18",
        }),
        "001",
        date(2008, 2, 1),
        13_500,
        "1238012345640420006190018",
        "00191376900000135001238012345640420006190018",
        Some("00191.23801 12345.640424 00061.900189 1 37690000013500"),
    );
    check(
        free_field::itau("175", "258281", "0810", "53678").unwrap(),
        "341",
        date(2008, 2, 2),
        13_500,
        "1750025828170810536789000",
        "34191377000000135001750025828170810536789000",
        Some("34191.75009 25828.170818 05367.890000 1 37700000013500"),
    );
    // Carteira 168: DAC over carteira + nosso número only (Itaú manual and
    // current brcobranca; an older brcobranca spec used the full rule here).
    assert_eq!(
        free_field::itau("168", "258281", "0810", "53678")
            .unwrap()
            .as_str(),
        format!(
            "16800258281{}0810536789000",
            crate::check_digit::mod10(&[1, 6, 8, 0, 0, 2, 5, 8, 2, 8, 1])
        )
    );
    check(
        free_field::itau_seu_numero("196", "258281", "1234567", "12345").unwrap(),
        "341",
        date(2004, 9, 5),
        13_500,
        "1960025828112345671234550",
        "34191252500000135001960025828112345671234550",
        Some("34191.96005 25828.112349 56712.345505 1 25250000013500"),
    );
    check(
        free_field::itau_seu_numero("196", "258281", "123456", "1234").unwrap(),
        "341",
        date(2004, 9, 5),
        13_500,
        "1960025828101234560123440",
        "34192252500000135001960025828101234560123440",
        Some("34191.96005 25828.101235 45601.234409 2 25250000013500"),
    );
    // After the 2025 factor restart: 2029-05-20 is factor 2548.
    check(
        free_field::itau("109", "00010152", "1248", "02124").unwrap(),
        "341",
        date(2029, 5, 20),
        675_787,
        "1090001015271248021246000",
        "34194254800006757871090001015271248021246000",
        Some("34191.09008 01015.271248 80212.460002 4 25480000675787"),
    );
    check(
        free_field::santander("1899775", "9000026", "0", "102").unwrap(),
        "033",
        date(2011, 10, 9),
        2_500,
        "9189977500000900002690102",
        "03399511500000025009189977500000900002690102",
        Some("03399.18997 77500.000904 00026.901025 9 51150000002500"),
    );
    assert_eq!(
        free_field::santander("1899775", "9000272", "0", "102")
            .unwrap()
            .as_str(),
        "9189977500000900027250102"
    );
    check(
        free_field::bradesco("1172", "06", "75896452", "0403005").unwrap(),
        "237",
        date(2009, 4, 30),
        295_295,
        "1172060007589645204030050",
        "23795422300002952951172060007589645204030050",
        Some("23791.17209 60007.589645 52040.300502 5 42230000295295"),
    );
    // Caixa SIGCB.
    assert_eq!(
        free_field::caixa_sigcb("245274", "14000000000000001")
            .unwrap()
            .as_str(),
        "2452740000100040000000017"
    );
    assert_eq!(
        &free_field::caixa_sigcb("654321", "14000000000000001")
            .unwrap()
            .as_str()[6..7],
        "9"
    );
}

/// Real slips published with boleto-utils (Rust and JS) and in public
/// integrations: every one must validate and decode as they say.
#[test]
fn published_real_slips() {
    let bank = [
        (
            "75696903800002500001434301033723400014933001",
            9038,
            date(2022, 7, 6),
            250_000,
        ),
        (
            "00191667900002434790000002656973019362470618",
            6679,
            date(2016, 1, 20),
            243_479,
        ),
        (
            "00195586200000773520000002464206011816073018",
            5862,
            date(2013, 10, 25),
            77_352,
        ),
        (
            "75592896700003787000003389850761252543475984",
            8967,
            date(2022, 4, 26),
            378_700,
        ),
        (
            "23791672000003249052028269705944177105205220",
            6720,
            date(2016, 3, 1),
            324_905,
        ),
        (
            "23791672000003097902028060007024617500249000",
            6720,
            date(2016, 3, 1),
            309_790,
        ),
        (
            "10499898100000214032006561000100040099726390",
            8981,
            date(2022, 5, 10),
            21_403,
        ),
    ];
    for (barcode, factor, due, cents) in bank {
        let s = BankSlip::parse(barcode).unwrap();
        assert_eq!(s.factor(), factor);
        assert_eq!(s.due_date(date(2018, 1, 1)), Some(due));
        assert_eq!(s.amount(), Some(cents));
        assert_eq!(BankSlip::parse(&s.digitable_line()).unwrap(), s);
    }
    let line = BankSlip::parse("21290001192110001210904475617405975870000002000").unwrap();
    assert_eq!(line.amount(), Some(2_000));
    // Factor decoding after the 2025 restart (boleto-utils' cases).
    assert_eq!(factor_date(1002, date(2025, 3, 1)), Some(date(2025, 2, 24)));
    assert_eq!(
        factor_date(1667, date(2025, 3, 1)),
        Some(date(2026, 12, 21))
    );

    let utility = [
        ("836200000005667800481000180975657313001589636081", 6_678),
        ("83620000000171100500001296099201812800093019", 1_711),
        ("83610000000903600500001159725201811600050019", 9_036),
    ];
    for (input, cents) in utility {
        let Slip::Utility(u) = Slip::parse(input).unwrap() else {
            panic!("utility")
        };
        assert_eq!(u.amount(), Some(cents));
        assert_eq!(u.value_type(), ValueType::AmountMod10);
    }
    // Currency other than 9 or 0 is refused.
    let mut b = BankSlip::build("341", None, None, &itau_example())
        .unwrap()
        .barcode();
    b.replace_range(3..4, "5");
    assert!(matches!(
        Slip::parse(&b),
        Err(BoletoError::Currency { offset: 3, .. })
    ));
}

/// Throughput probe (not a timed assertion): run with
/// `cargo test -p quita-br --release -- --ignored parse_throughput --nocapture`.
#[test]
#[ignore = "throughput probe; figures belong in docs/performance.md"]
fn parse_throughput() {
    let lines: Vec<String> = (0..1000u64)
        .map(|i| {
            let ff = FreeField::new(&format!("{:025}", i * 7919)).unwrap();
            BankSlip::build("341", Some(date(2030, 1, 1)), Some(i * 100 + 1), &ff)
                .unwrap()
                .formatted_line()
        })
        .collect();
    let start = std::time::Instant::now();
    let mut ok = 0;
    for _ in 0..1000 {
        for l in &lines {
            ok += usize::from(BankSlip::parse(l).is_ok());
        }
    }
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(ok, 1_000_000);
    println!("{:.0} typed lines parsed per second", 1e6 / secs);
}

/// Fuzz finding (target `boleto`, 2026-11-23): a 47-digit line with bank
/// code 806 and right check digits was accepted as a bank slip, but its own
/// barcode starts with 8 and so reads as a utility slip. A bank code cannot
/// start with 8; the line is refused at the bank code.
#[test]
fn bank_code_starting_with_8_is_refused() {
    let crash = "8  0 600000000000000000000000000000100010240430990";
    let e = Slip::parse(crash).unwrap_err();
    assert_eq!(e, BoletoError::ReservedBankCode { offset: 0 });
    assert_eq!(
        BankSlip::parse("80601000102404309900000000000000000000000000").unwrap_err(),
        BoletoError::ReservedBankCode { offset: 0 }
    );
    let ff = FreeField::new(&"0".repeat(25)).unwrap();
    assert_eq!(
        BankSlip::build("806", None, None, &ff).unwrap_err(),
        BoletoError::ReservedBankCode { offset: 0 }
    );
    // The 44-digit barcode starting with 8 is still a utility slip candidate.
    assert!(!matches!(
        Slip::parse("80601000102404309900000000000000000000000000"),
        Err(BoletoError::ReservedBankCode { .. })
    ));
}
