//! Documents (boleto, agreement term, letters, report PDFs).
//!
//! Kept in its own crate because PDF layout is heavy to build; it holds no
//! code yet and nothing depends on it until the boleto/agreement issues.
#![forbid(unsafe_code)]
