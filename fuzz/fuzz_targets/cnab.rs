//! CNAB return files: any bytes either parse or give a fault inside the
//! file's bounds; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quita_br::cnab;

fuzz_target!(|data: &[u8]| {
    match cnab::parse_return(data) {
        Ok(file) => {
            for r in file.records() {
                assert!(r.line >= 2);
            }
        }
        Err(e) => {
            assert!(e.line() >= 1 && e.column() >= 1);
            assert!(e.line() <= data.split(|&b| b == b'\n').count().max(1));
        }
    }
});
