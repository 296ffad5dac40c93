//! Occurrence codes ("código de movimento / ocorrência") of return files,
//! with their pt-BR descriptions and what they mean for reconciliation.
//!
//! Codes are bank-specific in CNAB 400 and follow the FEBRABAN list in
//! CNAB 240 (banks add their own). An unknown code is kept, with no
//! description and kind [`OccurrenceKind::Other`]: a bank may add codes, and
//! refusing a whole return file for that would lose its payments.

use super::bank::Bank;
use super::format::CnabFormat;

/// What an occurrence means for reconciliation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OccurrenceKind {
    /// The boleto was registered (entrada confirmada).
    Registered,
    /// The registration or an instruction was refused.
    Rejected,
    /// A payment (liquidação): reconcile as paid.
    Paid,
    /// Written off without payment (baixa).
    WrittenOff,
    /// A fee debit (tarifa/custas).
    Fee,
    /// Protest-related.
    Protest,
    /// Data changed, confirmations, anything else.
    Other,
}

/// A 2-digit occurrence code read in the context of its bank and format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    code: [u8; 2],
    description: Option<&'static str>,
    kind: OccurrenceKind,
}

impl Occurrence {
    /// Interprets `code` (two ASCII digits) for this format and bank.
    pub(crate) fn new(code: [u8; 2], format: CnabFormat, bank: Option<Bank>) -> Self {
        let n = (code[0] - b'0') * 10 + (code[1] - b'0');
        let (description, kind) = match (format, bank) {
            (CnabFormat::Cnab240, _) => febraban_240(n),
            (CnabFormat::Cnab400, Some(Bank::Itau)) => itau_400(n),
            (CnabFormat::Cnab400, Some(Bank::Bradesco)) => bradesco_400(n),
            (CnabFormat::Cnab400, Some(Bank::BancoDoBrasil)) => bb_400(n),
            (CnabFormat::Cnab400, Some(Bank::Santander)) => santander_400(n),
            (CnabFormat::Cnab400, Some(Bank::Caixa)) => caixa_400(n),
            (CnabFormat::Cnab400, None) => (None, OccurrenceKind::Other),
        };
        Self {
            code,
            description,
            kind,
        }
    }

    /// The two digits, e.g. `"06"`.
    pub fn code(&self) -> &str {
        // Invariant: always two ASCII digits.
        std::str::from_utf8(&self.code).unwrap_or("??")
    }
    /// The pt-BR description, when the code is known for this bank.
    pub fn description(&self) -> Option<&'static str> {
        self.description
    }
    pub fn kind(&self) -> OccurrenceKind {
        self.kind
    }
}

use OccurrenceKind as K;

type Meaning = (Option<&'static str>, OccurrenceKind);

fn known(d: &'static str, k: OccurrenceKind) -> Meaning {
    (Some(d), k)
}

/// FEBRABAN CNAB 240 "código de movimento retorno".
fn febraban_240(n: u8) -> Meaning {
    match n {
        2 => known("Entrada confirmada", K::Registered),
        3 => known("Entrada rejeitada", K::Rejected),
        4 => known("Transferência de carteira/entrada", K::Other),
        5 => known("Transferência de carteira/baixa", K::Other),
        6 => known("Liquidação", K::Paid),
        7 => known(
            "Confirmação do recebimento da instrução de desconto",
            K::Other,
        ),
        8 => known(
            "Confirmação do recebimento do cancelamento do desconto",
            K::Other,
        ),
        9 => known("Baixa", K::WrittenOff),
        11 => known("Títulos em carteira (em ser)", K::Other),
        12 => known("Confirmação recebimento instrução de abatimento", K::Other),
        13 => known(
            "Confirmação recebimento instrução de cancelamento abatimento",
            K::Other,
        ),
        14 => known(
            "Confirmação recebimento instrução alteração de vencimento",
            K::Other,
        ),
        15 => known("Franco de pagamento", K::Other),
        17 => known(
            "Liquidação após baixa ou liquidação título não registrado",
            K::Paid,
        ),
        19 => known("Confirmação recebimento instrução de protesto", K::Protest),
        20 => known(
            "Confirmação recebimento instrução de sustação/cancelamento de protesto",
            K::Protest,
        ),
        23 => known("Remessa a cartório (aponte em cartório)", K::Protest),
        24 => known("Retirada de cartório e manutenção em carteira", K::Protest),
        25 => known(
            "Protestado e baixado (baixa por ter sido protestado)",
            K::WrittenOff,
        ),
        26 => known("Instrução rejeitada", K::Rejected),
        27 => known(
            "Confirmação do pedido de alteração de outros dados",
            K::Other,
        ),
        28 => known("Débito de tarifas/custas", K::Fee),
        29 => known("Ocorrências do pagador", K::Other),
        30 => known("Alteração de dados rejeitada", K::Rejected),
        _ => (None, K::Other),
    }
}

/// Itaú CNAB 400.
fn itau_400(n: u8) -> Meaning {
    match n {
        2 => known("Entrada confirmada", K::Registered),
        3 => known("Entrada rejeitada", K::Rejected),
        4 => known("Alteração de dados - nova entrada", K::Other),
        5 => known("Alteração de dados - baixa", K::Other),
        6 => known("Liquidação normal", K::Paid),
        7 => known("Liquidação parcial - cobrança inteligente", K::Paid),
        8 => known("Liquidação em cartório", K::Paid),
        9 => known("Baixa simples", K::WrittenOff),
        10 => known("Baixa por ter sido liquidado", K::WrittenOff),
        11 => known("Em ser", K::Other),
        12 => known("Abatimento concedido", K::Other),
        13 => known("Abatimento cancelado", K::Other),
        14 => known("Vencimento alterado", K::Other),
        15 => known("Baixas rejeitadas", K::Rejected),
        16 => known("Instruções rejeitadas", K::Rejected),
        17 => known("Alteração/exclusão de dados rejeitados", K::Rejected),
        18 => known(
            "Cobrança contratual - instruções/alterações rejeitadas/pendentes",
            K::Rejected,
        ),
        19 => known("Confirma recebimento de instrução de protesto", K::Protest),
        20 => known(
            "Confirma recebimento de instrução de sustação de protesto/tarifa",
            K::Protest,
        ),
        21 => known(
            "Confirma recebimento de instrução de não protestar",
            K::Protest,
        ),
        23 => known("Título enviado a cartório/tarifa", K::Protest),
        24 => known(
            "Instrução de protesto rejeitada/sustada/pendente",
            K::Rejected,
        ),
        25 => known("Alegações do pagador", K::Other),
        26 => known("Tarifa de aviso de cobrança", K::Fee),
        27 => known("Tarifa de extrato posição", K::Fee),
        28 => known("Tarifa de relação das liquidações", K::Fee),
        29 => known("Tarifa de manutenção de títulos vencidos", K::Fee),
        30 => known("Débito mensal de tarifas (para entradas e baixas)", K::Fee),
        32 => known("Baixa por ter sido protestado", K::WrittenOff),
        33 => known("Custas de protesto", K::Fee),
        34 => known("Custas de sustação", K::Fee),
        35 => known("Custas de cartório distribuidor", K::Fee),
        36 => known("Custas de edital", K::Fee),
        37 => known(
            "Tarifa de emissão de boleto/tarifa de envio de duplicata",
            K::Fee,
        ),
        38 => known("Tarifa de instrução", K::Fee),
        39 => known("Tarifa de ocorrências", K::Fee),
        40 => known(
            "Tarifa mensal de emissão de boleto/tarifa mensal de envio de duplicata",
            K::Fee,
        ),
        41 => known("Débito mensal de tarifas - extrato de posição", K::Fee),
        42 => known("Débito mensal de tarifas - outras instruções", K::Fee),
        43 => known(
            "Débito mensal de tarifas - manutenção de títulos vencidos",
            K::Fee,
        ),
        44 => known("Débito mensal de tarifas - outras ocorrências", K::Fee),
        45 => known("Débito mensal de tarifas - protesto", K::Fee),
        46 => known("Débito mensal de tarifas - sustação de protesto", K::Fee),
        47 => known("Baixa com transferência para desconto", K::WrittenOff),
        48 => known("Custas de sustação judicial", K::Fee),
        51 => known(
            "Tarifa mensal ref a entradas bancos correspondentes na carteira",
            K::Fee,
        ),
        52 => known("Tarifa mensal baixas na carteira", K::Fee),
        53 => known(
            "Tarifa mensal baixas em bancos correspondentes na carteira",
            K::Fee,
        ),
        54 => known("Tarifa mensal de liquidações na carteira", K::Fee),
        55 => known(
            "Tarifa mensal de liquidações em bancos correspondentes na carteira",
            K::Fee,
        ),
        56 => known("Custas de irregularidade", K::Fee),
        57 => known("Instrução cancelada", K::Other),
        59 => known("Baixa por crédito em c/c através do SISPAG", K::WrittenOff),
        60 => known("Entrada rejeitada carnê", K::Rejected),
        61 => known("Tarifa emissão aviso de movimentação de títulos", K::Fee),
        62 => known(
            "Débito mensal de tarifa - aviso de movimentação de títulos",
            K::Fee,
        ),
        63 => known("Título sustado judicialmente", K::Protest),
        64 => known("Entrada confirmada com rateio de crédito", K::Registered),
        69 => known("Cheque devolvido", K::Other),
        71 => known("Entrada registrada, aguardando avaliação", K::Registered),
        72 => known(
            "Baixa por crédito em c/c através do SISPAG sem título correspondente",
            K::WrittenOff,
        ),
        73 => known(
            "Confirmação de entrada na cobrança simples - entrada não aceita na cobrança contratual",
            K::Registered,
        ),
        76 => known("Cheque compensado", K::Other),
        _ => (None, K::Other),
    }
}

/// Bradesco CNAB 400.
fn bradesco_400(n: u8) -> Meaning {
    match n {
        2 => known("Entrada confirmada", K::Registered),
        3 => known("Entrada rejeitada", K::Rejected),
        6 => known("Liquidação normal", K::Paid),
        9 => known("Baixado automaticamente via arquivo", K::WrittenOff),
        10 => known("Baixado conforme instruções da agência", K::WrittenOff),
        11 => known("Em ser - arquivo de títulos pendentes", K::Other),
        12 => known("Abatimento concedido", K::Other),
        13 => known("Abatimento cancelado", K::Other),
        14 => known("Vencimento alterado", K::Other),
        15 => known("Liquidação em cartório", K::Paid),
        16 => known("Título pago em cheque - vinculado", K::Paid),
        17 => known("Liquidação após baixa ou título não registrado", K::Paid),
        18 => known("Acerto de depositária", K::Other),
        19 => known(
            "Confirmação de recebimento de instrução de protesto",
            K::Protest,
        ),
        20 => known(
            "Confirmação recebimento instrução sustação de protesto",
            K::Protest,
        ),
        21 => known("Acerto do controle do participante", K::Other),
        22 => known("Título com pagamento cancelado", K::Other),
        23 => known("Entrada do título em cartório", K::Protest),
        24 => known("Entrada rejeitada por CEP irregular", K::Rejected),
        25 => known(
            "Confirmação recebimento instrução de protesto falimentar",
            K::Protest,
        ),
        27 => known("Baixa rejeitada", K::Rejected),
        28 => known("Débito de tarifas/custas", K::Fee),
        29 => known("Ocorrências do pagador", K::Other),
        30 => known("Alteração de outros dados rejeitados", K::Rejected),
        32 => known("Instrução rejeitada", K::Rejected),
        33 => known("Confirmação pedido alteração outros dados", K::Other),
        34 => known("Retirado de cartório e manutenção carteira", K::Protest),
        35 => known("Desagendamento do débito automático", K::Other),
        40 => known("Estorno de pagamento", K::Other),
        55 => known("Sustado judicial", K::Protest),
        68 => known("Acerto dos dados do rateio de crédito", K::Other),
        69 => known("Cancelamento dos dados do rateio", K::Other),
        _ => (None, K::Other),
    }
}

/// Banco do Brasil CNAB 400 (CBR643).
fn bb_400(n: u8) -> Meaning {
    match n {
        2 => known("Confirmação de entrada de título", K::Registered),
        3 => known("Comando recusado", K::Rejected),
        5 => known("Liquidado sem registro", K::Paid),
        6 => known("Liquidação normal", K::Paid),
        7 => known("Liquidação por conta/parcial", K::Paid),
        8 => known("Liquidação por saldo", K::Paid),
        9 => known("Baixa de título", K::WrittenOff),
        10 => known("Baixa solicitada", K::WrittenOff),
        11 => known("Títulos em ser", K::Other),
        12 => known("Abatimento concedido", K::Other),
        13 => known("Abatimento cancelado", K::Other),
        14 => known("Alteração de vencimento do título", K::Other),
        15 => known("Liquidação em cartório", K::Paid),
        16 => known("Confirmação de alteração de juros de mora", K::Other),
        19 => known(
            "Confirmação de recebimento de instruções para protesto",
            K::Protest,
        ),
        20 => known("Débito em conta", K::Other),
        21 => known("Alteração do nome do sacado", K::Other),
        22 => known("Alteração do endereço do sacado", K::Other),
        23 => known("Indicação de encaminhamento a cartório", K::Protest),
        24 => known("Sustar protesto", K::Protest),
        25 => known("Dispensar juros de mora", K::Other),
        26 => known(
            "Alteração do número do título dado pelo cedente (seu número)",
            K::Other,
        ),
        28 => known("Manutenção de título vencido", K::Other),
        31 => known("Conceder desconto", K::Other),
        32 => known("Não conceder desconto", K::Other),
        33 => known("Retificar desconto", K::Other),
        34 => known("Alterar data para desconto", K::Other),
        35 => known("Cobrar multa", K::Other),
        36 => known("Dispensar multa", K::Other),
        37 => known("Dispensar indexador", K::Other),
        38 => known("Dispensar prazo limite para recebimento", K::Other),
        39 => known("Alterar prazo limite para recebimento", K::Other),
        41 => known("Alteração do número do controle do participante", K::Other),
        42 => known(
            "Alteração do número do documento do sacado (CNPJ/CPF)",
            K::Other,
        ),
        44 => known("Título pago com cheque devolvido", K::Other),
        46 => known("Título pago com cheque, aguardando compensação", K::Other),
        72 => known("Alteração de tipo de cobrança", K::Other),
        96 => known("Despesas de protesto", K::Fee),
        97 => known("Despesas de sustação de protesto", K::Fee),
        98 => known("Débito de custas antecipadas", K::Fee),
        _ => (None, K::Other),
    }
}

/// Santander CNAB 400.
fn santander_400(n: u8) -> Meaning {
    match n {
        1 => known("Título não existe", K::Rejected),
        2 => known("Entrada título confirmada", K::Registered),
        3 => known("Entrada título rejeitada", K::Rejected),
        6 => known("Liquidação", K::Paid),
        7 => known("Liquidação por conta", K::Paid),
        8 => known("Liquidação por saldo", K::Paid),
        9 => known("Baixa automática", K::WrittenOff),
        10 => known(
            "Título baixado conforme instrução ou por título protestado",
            K::WrittenOff,
        ),
        11 => known("Em ser", K::Other),
        12 => known("Abatimento concedido", K::Other),
        13 => known("Abatimento cancelado", K::Other),
        14 => known("Prorrogação de vencimento", K::Other),
        15 => known("Enviado para cartório", K::Protest),
        16 => known("Título já baixado/liquidado", K::Other),
        17 => known("Liquidado em cartório", K::Paid),
        21 => known("Entrada em cartório", K::Protest),
        22 => known("Retirado de cartório", K::Protest),
        24 => known("Custas de cartório", K::Fee),
        25 => known("Protestar título", K::Protest),
        26 => known("Sustar protesto", K::Protest),
        _ => (None, K::Other),
    }
}

/// Caixa CNAB 400 (SIGCB).
fn caixa_400(n: u8) -> Meaning {
    match n {
        1 => known("Entrada confirmada", K::Registered),
        2 => known("Baixa confirmada", K::WrittenOff),
        3 => known("Abatimento concedido", K::Other),
        4 => known("Abatimento cancelado", K::Other),
        5 => known("Vencimento alterado", K::Other),
        6 => known("Uso da empresa alterado", K::Other),
        7 => known("Prazo de protesto alterado", K::Other),
        8 => known("Prazo de devolução alterado", K::Other),
        9 => known("Alteração confirmada", K::Other),
        10 => known("Alteração com reemissão de bloqueto confirmada", K::Other),
        11 => known("Alteração da opção de protesto para devolução", K::Other),
        12 => known("Alteração da opção de devolução para protesto", K::Other),
        20 => known("Em ser", K::Other),
        21 => known("Liquidação", K::Paid),
        22 => known("Liquidação em cartório", K::Paid),
        23 => known("Baixa por devolução", K::WrittenOff),
        24 => known("Baixa por franco pagamento", K::WrittenOff),
        25 => known("Baixa por protesto", K::WrittenOff),
        26 => known("Título enviado para cartório", K::Protest),
        27 => known("Sustação de protesto", K::Protest),
        28 => known("Estorno de protesto", K::Protest),
        29 => known("Estorno de sustação de protesto", K::Protest),
        30 => known("Alteração de título", K::Other),
        31 => known("Tarifa sobre título vencido", K::Fee),
        32 => known("Outras tarifas de alteração", K::Fee),
        33 => known("Estorno de baixa/liquidação", K::Other),
        34 => known("Transferência de carteira/entrada", K::Other),
        35 => known("Transferência de carteira/baixa", K::Other),
        99 => known("Rejeição do título", K::Rejected),
        _ => (None, K::Other),
    }
}
