//! The Painel's figures.

use quita_store::{dashboard, jobs};

use crate::{App, AppResult, auth::Principal};

#[derive(Debug, Clone, serde::Serialize)]
pub struct Dashboard {
    #[serde(flatten)]
    pub counts: dashboard::OrgCounts,
    pub sessions_live: i64,
    pub jobs_queued: i64,
    pub jobs_dead: i64,
    pub portfolio: quita_store::portfolio::receivables::PortfolioCounts,
}

impl App {
    /// Every role may see the Painel of its own organization.
    pub async fn dashboard(&self, who: &Principal) -> AppResult<Dashboard> {
        let now = self.now();
        let counts = dashboard::org_counts(&self.db, who.org_id, now).await?;
        let idle_cutoff = now.saturating_sub(self.auth.idle_timeout).unwrap_or(now);
        let sessions_live =
            quita_store::sessions::count_live(&self.db, who.org_id, now, idle_cutoff).await?;
        let jobs = jobs::count_by_status(&self.db, Some(who.org_id)).await?;
        let of = |s| jobs.iter().find(|(st, _)| *st == s).map_or(0, |(_, n)| *n);
        let org = quita_store::orgs::get(&self.db, who.org_id).await?;
        let today = quita_store::day_number(self.clock.today_in(&org.time_zone));
        let portfolio =
            quita_store::portfolio::receivables::portfolio_counts(&self.db, who.org_id, today)
                .await?;
        Ok(Dashboard {
            portfolio,
            counts,
            sessions_live,
            jobs_queued: of(jobs::JobStatus::Queued),
            jobs_dead: of(jobs::JobStatus::Dead),
        })
    }
}
