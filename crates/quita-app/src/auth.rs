//! Login, sessions, CSRF tokens and API-token authentication.

use hmac::{Hmac, KeyInit, Mac};
use jiff::{SignedDuration, Timestamp};
use quita_core::{email::Email, password::NewPassword, role::Role};
use quita_store::{
    audit::{self, Actor},
    secrets, sessions,
    throttle::{self, ThrottlePolicy},
    tokens, users,
};
use sha2::Sha256;

use crate::{App, AppError, AppResult, Secret, hash_token, random_token};

/// Session and throttling rules; defaults suit an agent's working day.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// A session unused this long ends.
    pub idle_timeout: SignedDuration,
    /// A session ends this long after login whatever the activity.
    pub absolute_timeout: SignedDuration,
    pub throttle: ThrottlePolicy,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            idle_timeout: SignedDuration::from_hours(2),
            absolute_timeout: SignedDuration::from_hours(12),
            throttle: ThrottlePolicy {
                max_failures: 10,
                window: SignedDuration::from_mins(15),
                lockout: SignedDuration::from_mins(15),
            },
        }
    }
}

/// Who is acting: a logged-in person or an API token, always inside one organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub org_id: i64,
    pub role: Role,
    pub actor: Actor,
    /// The user's display name, or the token's name.
    pub name: String,
    pub user_id: Option<i64>,
}

impl Principal {
    /// Whoever runs the `quita` command: with the database in hand they can
    /// do anything, so the shell acts as the organization's administrator.
    pub fn cli(org_id: i64) -> Self {
        Self {
            org_id,
            role: Role::Admin,
            actor: Actor::Cli,
            name: "cli".into(),
            user_id: None,
        }
    }

    /// `Forbidden` unless the role reaches `required`.
    pub fn require(&self, required: Role) -> AppResult<()> {
        if self.role.allows(required) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// A live session as the web layer needs it.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub principal: Principal,
    pub user: users::User,
    pub csrf_token: String,
    pub token_hash: String,
}

/// What a successful login hands back: the cookie value (shown once) and the session.
#[derive(Debug)]
pub struct LoginOutcome {
    pub token: Secret,
    pub session: SessionInfo,
}

/// Hashes a password with Argon2id (PHC string), off the async threads.
pub async fn hash_password(password: &NewPassword) -> AppResult<String> {
    let pw = password.expose().to_owned();
    tokio::task::spawn_blocking(move || password_auth::generate_hash(pw))
        .await
        .map_err(|e| AppError::Internal(e.into()))
}

async fn verify_password(password: &str, hash: &str) -> AppResult<bool> {
    let (pw, hash) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || password_auth::verify_password(pw, &hash).is_ok())
        .await
        .map_err(|e| AppError::Internal(e.into()))
}

/// A real Argon2id hash of a random password, checked against when the
/// e-mail is unknown so that timing does not reveal which e-mails exist.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| password_auth::generate_hash(random_token()))
}

fn throttle_key(email: &str) -> String {
    hash_token(&format!("login:{}", email.trim().to_lowercase()))
}

impl App {
    /// Checks e-mail and password, refusing while the account is throttled
    /// (the count lives in the database, so it holds across instances), and
    /// opens a new session (a fresh id every login).
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        ip: Option<&str>,
    ) -> AppResult<LoginOutcome> {
        let now = self.now();
        let key = throttle_key(email);
        if let Some(until) = throttle::locked_until(&self.db, &key, now).await? {
            return Err(AppError::Throttled { until });
        }
        let found = match Email::parse(email) {
            Ok(e) => users::find_for_login(&self.db, &e).await?,
            Err(_) => None,
        };
        let (user, ok) = match found {
            Some((user, hash)) => {
                let ok = verify_password(password, &hash).await? && user.active;
                (Some(user), ok)
            }
            None => {
                verify_password(password, dummy_hash()).await?;
                (None, false)
            }
        };
        let user = match user {
            Some(u) if ok => u,
            other => return Err(self.login_failed(&key, other.as_ref(), ip, now).await),
        };
        throttle::clear(&self.db, &key).await?;
        let token = random_token();
        let csrf = random_token();
        let token_hash = hash_token(&token);
        let mut tx = self.db.begin_write().await?;
        sessions::create(
            &mut tx,
            &sessions::NewSession {
                token_hash: &token_hash,
                user_id: user.id,
                org_id: user.org_id,
                csrf_token: &csrf,
                expires_at: now
                    .saturating_add(self.auth.absolute_timeout)
                    .unwrap_or(now),
            },
            now,
        )
        .await?;
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(user.org_id),
                actor: Actor::User(user.id),
                action: "login",
                target: None,
                details: serde_json::json!({}),
                ip,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(user_id = user.id, org_id = user.org_id, "login");
        let principal = principal_of(&user);
        Ok(LoginOutcome {
            token: Secret::new(token),
            session: SessionInfo {
                principal,
                user,
                csrf_token: csrf,
                token_hash,
            },
        })
    }

    async fn login_failed(
        &self,
        key: &str,
        user: Option<&users::User>,
        ip: Option<&str>,
        now: Timestamp,
    ) -> AppError {
        let recorded = async {
            let (failures, locked) =
                throttle::record_failure(&self.db, key, self.auth.throttle, now).await?;
            let mut tx = self.db.begin_write().await?;
            audit::append(
                &mut tx,
                &audit::NewEntry {
                    org_id: user.map(|u| u.org_id),
                    actor: match user {
                        Some(u) => Actor::User(u.id),
                        None => Actor::System,
                    },
                    action: "login_failed",
                    target: None,
                    details: serde_json::json!({"failures": failures, "locked": locked.is_some()}),
                    ip,
                },
                now,
            )
            .await?;
            tx.commit().await?;
            tracing::warn!(failures, locked = locked.is_some(), "login failed");
            Ok::<_, quita_store::StoreError>(())
        };
        match recorded.await {
            Ok(()) => AppError::BadCredentials,
            Err(e) => e.into(),
        }
    }

    /// The session behind a cookie value, if it is alive. Activity is written
    /// at most once a minute to spare the database.
    pub async fn session(&self, token: &str) -> AppResult<Option<SessionInfo>> {
        let now = self.now();
        let token_hash = hash_token(token);
        let idle_cutoff = now.saturating_sub(self.auth.idle_timeout).unwrap_or(now);
        let Some((s, user)) = sessions::load(&self.db, &token_hash, now, idle_cutoff).await? else {
            return Ok(None);
        };
        // Written at most once a minute, or a quarter of the idle timeout
        // when that is shorter, so a session in use never looks idle.
        let every = SignedDuration::from_secs(60).min(self.auth.idle_timeout / 4);
        if now.duration_since(s.last_seen_at) > every {
            sessions::touch(&self.db, &token_hash, now).await?;
        }
        Ok(Some(SessionInfo {
            principal: principal_of(&user),
            user,
            csrf_token: s.csrf_token,
            token_hash,
        }))
    }

    pub async fn logout(&self, session: &SessionInfo, ip: Option<&str>) -> AppResult<()> {
        sessions::delete(&self.db, &session.token_hash).await?;
        let mut tx = self.db.begin_write().await?;
        audit::append(
            &mut tx,
            &audit::NewEntry {
                org_id: Some(session.principal.org_id),
                actor: session.principal.actor,
                action: "logout",
                target: None,
                details: serde_json::json!({}),
                ip,
            },
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The organization and role behind an API bearer token.
    pub async fn authenticate_token(&self, bearer: &str) -> AppResult<Principal> {
        let Some(tok) = tokens::find_active(&self.db, &hash_token(bearer.trim())).await? else {
            return Err(AppError::Unauthenticated);
        };
        tokens::touch(&self.db, tok.id, self.now()).await?;
        Ok(Principal {
            org_id: tok.org_id,
            role: tok.role,
            actor: Actor::Token(tok.id),
            name: tok.name,
            user_id: None,
        })
    }

    /// The instance key that signs pre-login CSRF tokens, shared by every
    /// process on the database.
    pub async fn csrf_key(&self) -> AppResult<Vec<u8>> {
        let key = secrets::get_or_create(&self.db, "csrf_key", &random_token(), self.now()).await?;
        Ok(key.into_bytes())
    }
}

fn principal_of(user: &users::User) -> Principal {
    Principal {
        org_id: user.org_id,
        role: user.role,
        actor: Actor::User(user.id),
        name: user.name.clone(),
        user_id: Some(user.id),
    }
}

/// The CSRF token for a visitor without a session: an HMAC of the random
/// value in their pre-login cookie (a signed double-submit cookie).
pub fn pre_session_csrf(key: &[u8], nonce: &str) -> String {
    keyed_hex(key, b"login-form:", nonce.as_bytes())
}

/// HMAC-SHA256 under `key` of `label` then `data`, in hex: the one form of
/// every value the server signs for a visitor to hand back.
pub(crate) fn keyed_hex(key: &[u8], label: &[u8], data: &[u8]) -> String {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(label);
    mac.update(data);
    hex::encode(mac.finalize().into_bytes())
}

/// Compares a submitted CSRF token with the expected one in constant time.
pub fn csrf_matches(expected: &str, submitted: &str) -> bool {
    let (a, b) = (expected.as_bytes(), submitted.as_bytes());
    a.len() == b.len()
        && !a.is_empty()
        && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_comparison() {
        assert!(csrf_matches("abc", "abc"));
        assert!(!csrf_matches("abc", "abd"));
        assert!(!csrf_matches("abc", "ab"));
        assert!(!csrf_matches("", ""));
        let t = pre_session_csrf(b"k", "n1");
        assert_eq!(t, pre_session_csrf(b"k", "n1"));
        assert_ne!(t, pre_session_csrf(b"k", "n2"));
        assert_ne!(t, pre_session_csrf(b"other", "n1"));
    }

    #[test]
    fn dummy_hash_is_argon2id_and_matches_nothing_guessable() {
        assert!(dummy_hash().starts_with("$argon2id$"));
        assert!(password_auth::verify_password("", dummy_hash()).is_err());
    }
}
