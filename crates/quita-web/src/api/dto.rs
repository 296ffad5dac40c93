//! Wire shapes of the API (English field names, stable).

use quita_core::role::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct OrganizationDto {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// CNPJ digits, when registered.
    pub document: Option<String>,
    /// `company` or `agency`.
    pub mode: String,
    pub time_zone: String,
    pub created_at: String,
}

impl From<quita_store::orgs::Organization> for OrganizationDto {
    fn from(o: quita_store::orgs::Organization) -> Self {
        Self {
            id: o.id,
            slug: o.slug,
            name: o.name,
            document: o.document,
            mode: o.mode.as_str().into(),
            time_zone: o.time_zone,
            created_at: o.created_at.to_string(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MeDto {
    /// `user` or `token`.
    pub kind: String,
    pub id: i64,
    pub name: String,
    #[schema(value_type = String, example = "admin")]
    pub role: Role,
    pub organization: OrganizationDto,
}

#[derive(Serialize, ToSchema)]
pub struct UserDto {
    pub id: i64,
    pub email: String,
    pub name: String,
    #[schema(value_type = String, example = "agent")]
    pub role: Role,
    pub active: bool,
    pub created_at: String,
}

impl From<quita_store::users::User> for UserDto {
    fn from(u: quita_store::users::User) -> Self {
        Self {
            id: u.id,
            email: u.email.to_string(),
            name: u.name,
            role: u.role,
            active: u.active,
            created_at: u.created_at.to_string(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    pub email: String,
    pub name: String,
    /// `admin`, `supervisor`, `agent` or `viewer`.
    pub role: String,
    /// At least 10 characters.
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatchBody {
    pub name: Option<String>,
    pub role: Option<String>,
    pub active: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenDto {
    pub id: i64,
    pub name: String,
    #[schema(value_type = String, example = "supervisor")]
    pub role: Role,
    pub prefix: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl From<quita_store::tokens::ApiToken> for TokenDto {
    fn from(t: quita_store::tokens::ApiToken) -> Self {
        Self {
            id: t.id,
            name: t.name,
            role: t.role,
            prefix: t.prefix,
            created_at: t.created_at.to_string(),
            last_used_at: t.last_used_at.map(|x| x.to_string()),
            revoked_at: t.revoked_at.map(|x| x.to_string()),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenBody {
    pub name: String,
    /// Role of the token; not above the creator's.
    pub role: String,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedTokenDto {
    pub token: TokenDto,
    /// The secret, shown only in this response.
    pub secret: String,
}

#[derive(Serialize, ToSchema)]
pub struct DashboardDto {
    pub users_active: i64,
    pub users_inactive: i64,
    pub admins: i64,
    pub supervisors: i64,
    pub agents: i64,
    pub viewers: i64,
    /// Tokens, audit events, logins and sessions: for admins only, as on
    /// the Painel (left out for other roles).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_tokens_active: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_events_24h: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logins_24h: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_logins_24h: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sessions_live: Option<i64>,
    pub jobs_queued: i64,
    pub jobs_dead: i64,
    pub creditors: i64,
    pub debtors: i64,
    /// Open or partially paid receivables, and their open balance (`"1234.56"`).
    pub receivables_open: i64,
    pub open_balance: String,
    /// Those past their business-day-adjusted due date today.
    pub overdue_open: i64,
    pub overdue_balance: String,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntryDto {
    pub id: i64,
    /// `user`, `token`, `cli` or `system`.
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    pub action: String,
    pub target: Option<String>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub ip: Option<String>,
    pub created_at: String,
}
