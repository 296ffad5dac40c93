//! Why a CNAB file was refused: what, and where (line and column, 1-based).

/// The first fault found in a CNAB file; the whole file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {reason}")]
pub struct CnabError {
    line: usize,
    column: usize,
    reason: String,
}

impl CnabError {
    pub(crate) fn new(line: usize, column: usize, reason: impl Into<String>) -> Self {
        Self {
            line,
            column,
            reason: reason.into(),
        }
    }
    /// 1-based line number.
    pub fn line(&self) -> usize {
        self.line
    }
    /// 1-based column (character position in the line).
    pub fn column(&self) -> usize {
        self.column
    }
    /// What is wrong.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}
