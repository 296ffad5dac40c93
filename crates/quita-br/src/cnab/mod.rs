//! CNAB 240 / 400 (in progress).
