//! Banks whose CNAB layouts Quita knows.

use std::fmt;

/// A bank with its own CNAB 400 layout and CNAB 240 settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bank {
    /// 001 Banco do Brasil.
    BancoDoBrasil,
    /// 033 Santander (353, the old Banco Santander code, is read as 033).
    Santander,
    /// 104 Caixa Econômica Federal.
    Caixa,
    /// 237 Bradesco.
    Bradesco,
    /// 341 Itaú Unibanco.
    Itau,
}

impl Bank {
    /// Every bank, in code order.
    pub const ALL: [Bank; 5] = [
        Bank::BancoDoBrasil,
        Bank::Santander,
        Bank::Caixa,
        Bank::Bradesco,
        Bank::Itau,
    ];

    /// The bank of a 3-digit compensation code.
    pub fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "001" => Bank::BancoDoBrasil,
            "033" | "353" => Bank::Santander,
            "104" => Bank::Caixa,
            "237" => Bank::Bradesco,
            "341" => Bank::Itau,
            _ => return None,
        })
    }

    /// The 3-digit compensation code.
    pub fn code(self) -> &'static str {
        match self {
            Bank::BancoDoBrasil => "001",
            Bank::Santander => "033",
            Bank::Caixa => "104",
            Bank::Bradesco => "237",
            Bank::Itau => "341",
        }
    }

    /// The name written in file headers (uppercase, ASCII).
    pub fn header_name(self) -> &'static str {
        match self {
            Bank::BancoDoBrasil => "BANCO DO BRASIL S.A.",
            Bank::Santander => "BANCO SANTANDER",
            Bank::Caixa => "CAIXA ECONOMICA FEDERAL",
            Bank::Bradesco => "BRADESCO",
            Bank::Itau => "BANCO ITAU SA",
        }
    }
}

impl fmt::Display for Bank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bank::BancoDoBrasil => "Banco do Brasil",
            Bank::Santander => "Santander",
            Bank::Caixa => "Caixa",
            Bank::Bradesco => "Bradesco",
            Bank::Itau => "Itaú",
        })
    }
}
