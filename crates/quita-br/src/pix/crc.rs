//! CRC16-CCITT-FALSE (CRC-16/IBM-3740): poly `0x1021`, init `0xFFFF`, no
//! reflection, no final xor. The Pix BR Code's field 63 carries it over every
//! byte from the payload's start up to and including `6304`.

/// One entry per byte value, built at compile time, so the hot loop is one
/// lookup and two shifts per byte.
const TABLE: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = (i as u16) << 8;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

/// The CRC16-CCITT-FALSE of `bytes`.
pub fn crc16(bytes: &[u8]) -> u16 {
    bytes.iter().fold(0xFFFF, |crc, &b| {
        (crc << 8) ^ TABLE[usize::from((crc >> 8) as u8 ^ b)]
    })
}

/// The CRC as the payload prints it: 4 uppercase hex digits, zero-padded.
pub fn crc_hex(crc: u16) -> [u8; 4] {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    [
        HEX[usize::from(crc >> 12)],
        HEX[usize::from((crc >> 8) & 0xF)],
        HEX[usize::from((crc >> 4) & 0xF)],
        HEX[usize::from(crc & 0xF)],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_value() {
        assert_eq!(crc16(b"123456789"), 0x29B1);
        assert_eq!(crc16(b""), 0xFFFF);
        assert_eq!(&crc_hex(0x05B7), b"05B7");
        assert_eq!(&crc_hex(0xABCD), b"ABCD");
    }

    #[test]
    fn table_matches_bitwise() {
        fn slow(bytes: &[u8]) -> u16 {
            let mut crc: u16 = 0xFFFF;
            for &b in bytes {
                crc ^= u16::from(b) << 8;
                for _ in 0..8 {
                    crc = if crc & 0x8000 != 0 {
                        (crc << 1) ^ 0x1021
                    } else {
                        crc << 1
                    };
                }
            }
            crc
        }
        let data: Vec<u8> = (0..=255u8)
            .chain(b"br.gov.bcb.pix".iter().copied())
            .collect();
        for n in 0..data.len() {
            assert_eq!(crc16(&data[..n]), slow(&data[..n]));
        }
    }
}
