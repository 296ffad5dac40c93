//! UTF-16 text (what spreadsheets save as "Texto Unicode") read as UTF-8 as
//! it streams, so the CSV reader sees the same bytes as for a UTF-8 file.
//! Only a file that starts with a UTF-16 byte-order mark is taken for one:
//! without it, UTF-16 cannot be told from binary data.

use std::{
    io::Read,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use encoding_rs::{CoderResult, Decoder, Encoding, UTF_16BE, UTF_16LE};

/// The UTF-16 encoding announced by the byte-order mark `head` starts with.
pub fn sniff(head: &[u8]) -> Option<&'static Encoding> {
    if head.starts_with(&[0xFF, 0xFE]) {
        Some(UTF_16LE)
    } else if head.starts_with(&[0xFE, 0xFF]) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Reads UTF-16 from `inner` (byte-order mark included) and yields UTF-8;
/// a lone surrogate becomes U+FFFD, as any malformed text would.
pub struct Utf16Reader<R> {
    inner: R,
    decoder: Decoder,
    input: Box<[u8]>,
    /// Undecoded input: `input[start..end]`.
    start: usize,
    end: usize,
    out: Vec<u8>,
    out_pos: usize,
    /// The input has ended.
    eof: bool,
    /// The decoder has been told the input ended (it must not be called again).
    finished: bool,
    /// Bytes read from `inner`, for progress in terms of the file's size.
    raw: Arc<AtomicU64>,
}

impl<R: Read> Utf16Reader<R> {
    pub fn new(inner: R, encoding: &'static Encoding) -> Self {
        Utf16Reader {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            input: vec![0; 64 * 1024].into_boxed_slice(),
            start: 0,
            end: 0,
            out: Vec::new(),
            out_pos: 0,
            eof: false,
            finished: false,
            raw: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The count of bytes read from the file so far, shared.
    pub fn raw_read(&self) -> Arc<AtomicU64> {
        self.raw.clone()
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.out_pos < self.out.len() {
                let n = buf.len().min(self.out.len() - self.out_pos);
                buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            if self.finished || buf.is_empty() {
                return Ok(0);
            }
            if self.start == self.end && !self.eof {
                let n = self.inner.read(&mut self.input)?;
                self.raw.fetch_add(n as u64, Ordering::Relaxed);
                self.eof = n == 0;
                self.start = 0;
                self.end = n;
            }
            let pending = &self.input[self.start..self.end];
            // A decoder's worst case for this much input; it never
            // overflows (UTF-16 input is at most 3 bytes of UTF-8 per unit).
            let room = self
                .decoder
                .max_utf8_buffer_length(pending.len())
                .unwrap_or(pending.len() * 3 + 16);
            self.out.clear();
            self.out.resize(room, 0);
            let (result, read, written, _) =
                self.decoder
                    .decode_to_utf8(pending, &mut self.out, self.eof);
            self.start += read;
            self.out.truncate(written);
            self.out_pos = 0;
            if self.eof && result == CoderResult::InputEmpty {
                self.finished = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str) -> Vec<u8> {
        let mut v = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            v.extend_from_slice(&u.to_le_bytes());
        }
        v
    }

    fn read_all(bytes: &[u8], chunk: usize) -> String {
        let enc = sniff(bytes).expect("a BOM");
        // A reader that hands out at most `chunk` bytes at a time, to split
        // code units and surrogate pairs between reads.
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut r = Utf16Reader::new(Trickle(bytes, chunk), enc);
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(r.raw_read().load(Ordering::Relaxed), bytes.len() as u64);
        s
    }

    #[test]
    fn decodes_little_and_big_endian_whatever_the_read_sizes() {
        let text = "nome_devedor\tvalor\r\nJoão Ação 😀\t1.234,56\r\n";
        for chunk in [1, 3, 7, 64 * 1024] {
            assert_eq!(read_all(&utf16le(text), chunk), text);
        }
        let mut be = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(read_all(&be, 5), text);
    }

    #[test]
    fn a_cut_off_code_unit_becomes_a_replacement_character() {
        let mut bytes = utf16le("ab");
        bytes.push(b'c');
        assert_eq!(read_all(&bytes, 2), "ab\u{FFFD}");
    }

    #[test]
    fn only_a_byte_order_mark_says_utf16() {
        assert!(sniff(b"nome;valor").is_none());
        assert!(sniff(&[0xEF, 0xBB, 0xBF]).is_none());
        assert_eq!(sniff(&[0xFF, 0xFE, b'a', 0]), Some(UTF_16LE));
    }
}
