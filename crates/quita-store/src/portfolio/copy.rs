//! PostgreSQL `COPY … FROM STDIN` in text format, for the importer's bulk
//! rows: one round trip per batch instead of tens of thousands of bound
//! parameters.

use sqlx::postgres::PgConnection;

use crate::Result;

/// One COPY row being written: values are escaped as the text format
/// requires (backslash, tab, line breaks) and `None` is `\N`.
#[derive(Default)]
pub(crate) struct CopyText(Vec<u8>);

impl CopyText {
    pub fn text(&mut self, v: &str) -> &mut Self {
        let special = |b: &u8| matches!(b, b'\\' | b'\t' | b'\n' | b'\r');
        if !v.as_bytes().iter().any(special) {
            // Almost every value: copied as it is.
            self.0.extend_from_slice(v.as_bytes());
        } else {
            for b in v.bytes() {
                match b {
                    b'\\' => self.0.extend_from_slice(b"\\\\"),
                    b'\t' => self.0.extend_from_slice(b"\\t"),
                    b'\n' => self.0.extend_from_slice(b"\\n"),
                    b'\r' => self.0.extend_from_slice(b"\\r"),
                    _ => self.0.push(b),
                }
            }
        }
        self.0.push(b'\t');
        self
    }

    /// Written in place, without an intermediate string.
    pub fn int(&mut self, v: i64) -> &mut Self {
        use std::io::Write as _;
        // Writing into a Vec cannot fail.
        let _ = write!(self.0, "{v}\t");
        self
    }

    pub fn opt_int(&mut self, v: Option<i64>) -> &mut Self {
        match v {
            Some(v) => self.int(v),
            None => self.null(),
        }
    }

    pub fn opt_text(&mut self, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }

    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.0.extend_from_slice(if v { b"t\t" } else { b"f\t" });
        self
    }

    pub fn null(&mut self) -> &mut Self {
        self.0.extend_from_slice(b"\\N\t");
        self
    }

    /// Ends the row (replacing the last separator).
    pub fn end_row(&mut self) {
        if self.0.last() == Some(&b'\t') {
            self.0.pop();
        }
        self.0.push(b'\n');
    }

    /// Sends everything with `statement` (a `COPY … FROM STDIN`).
    pub async fn send(self, conn: &mut PgConnection, statement: &str) -> Result<u64> {
        let mut copy = conn.copy_in_raw(statement).await?;
        copy.send(self.0).await?;
        Ok(copy.finish().await?)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_the_text_format() {
        let mut c = super::CopyText::default();
        c.text("a\tb\\c\nd")
            .int(-5)
            .opt_int(None)
            .bool(true)
            .end_row();
        assert_eq!(c.0, b"a\\tb\\\\c\\nd\t-5\t\\N\tt\n");
    }

    /// The text format read back: what PostgreSQL would store.
    fn unescape(field: &[u8]) -> String {
        let mut out = Vec::new();
        let mut bytes = field.iter();
        while let Some(&b) = bytes.next() {
            if b == b'\\' {
                out.push(match bytes.next() {
                    Some(b't') => b'\t',
                    Some(b'n') => b'\n',
                    Some(b'r') => b'\r',
                    Some(&other) => other,
                    None => b'\\',
                });
            } else {
                out.push(b);
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_value_reads_back_as_written() {
        for v in ["", "plain", "ç ã", "a\rb", "\\", "x\ny\tz", "\\n literal"] {
            let mut c = super::CopyText::default();
            c.text(v);
            let field = &c.0[..c.0.len() - 1];
            assert!(!field.iter().any(|b| matches!(b, b'\t' | b'\n' | b'\r')));
            assert_eq!(unescape(field), v);
        }
        for n in [i64::MIN, -1, 0, 7, i64::MAX] {
            let mut c = super::CopyText::default();
            c.int(n);
            assert_eq!(c.0, format!("{n}\t").into_bytes());
        }
    }
}
