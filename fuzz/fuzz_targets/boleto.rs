//! Boleto parsing must never panic; whatever parses must re-parse from each of
//! its printed forms to the same slip, and offsets must point inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quita_br::boleto::{Slip, itf};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Slip::parse(text) {
        Ok(slip) => {
            assert_eq!(Slip::parse(&slip.barcode()), Ok(slip));
            assert_eq!(Slip::parse(&slip.digitable_line()), Ok(slip));
            assert_eq!(Slip::parse(&slip.formatted_line()), Ok(slip));
            assert_eq!(slip.itf().len(), 227);
            let _ = itf::svg(&slip.barcode(), &itf::SvgOptions::default());
        }
        Err(e) => {
            if let Some(at) = e.offset() {
                assert!(at < text.chars().count());
            }
        }
    }
});
