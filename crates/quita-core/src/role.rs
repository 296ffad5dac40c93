//! What a user may do inside their organization.

use std::{fmt, str::FromStr};

/// A user's role. The order is the order of power: each role may do what the
/// roles below it may do.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads dashboards and reports (in agency mode, a creditor's viewer).
    Viewer,
    /// Operador: works the queue, records outcomes, negotiates.
    Agent,
    /// Runs queues and agents, approves beyond the offer book.
    Supervisor,
    /// Sets up the organization: users, creditors, policies.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Supervisor, Role::Agent, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Agent => "agent",
            Role::Viewer => "viewer",
        }
    }

    /// The pt-BR label shown in the UI.
    pub fn label_pt(self) -> &'static str {
        match self {
            Role::Admin => "Administrador",
            Role::Supervisor => "Supervisor",
            Role::Agent => "Operador",
            Role::Viewer => "Visualizador",
        }
    }

    /// True when a user with this role may act where `required` is needed.
    pub fn allows(self, required: Role) -> bool {
        self >= required
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: expected admin, supervisor, agent or viewer")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "admin" => Ok(Role::Admin),
            "supervisor" => Ok(Role::Supervisor),
            "agent" | "operador" => Ok(Role::Agent),
            "viewer" => Ok(Role::Viewer),
            other => Err(UnknownRole(other.to_owned())),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_text() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert_eq!("Operador".parse::<Role>(), Ok(Role::Agent));
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn power_is_ordered() {
        assert!(Role::Admin.allows(Role::Supervisor));
        assert!(Role::Supervisor.allows(Role::Agent));
        assert!(!Role::Agent.allows(Role::Supervisor));
        assert!(!Role::Viewer.allows(Role::Agent));
        assert!(Role::Viewer.allows(Role::Viewer));
    }
}
