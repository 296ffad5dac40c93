//! The real server on port 0, driven over HTTP (and in Chromium), against
//! SQLite and — with `QUITA_TEST_POSTGRES_URL` — PostgreSQL.

mod aging_buckets;
mod aging_by_debtor;
mod aging_drill_down;
mod api;
mod browser;
mod closing;
mod debtor_view;
mod import_runs;
mod indices;
mod pages;
mod portfolio;
mod search;
mod support;
mod tenancy;
mod uploads;

/// Expands each case into `sqlite::<case>` and `postgres::<case>` tests.
macro_rules! both {
    ($($case:path => $name:ident),* $(,)?) => {
        mod sqlite { $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { quita_store::testing::on_sqlite($case).await; })* }
        mod postgres { $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { quita_store::testing::on_postgres($case).await; })* }
    };
}

both!(
    crate::pages::login_page_and_painel => login_page_and_painel,
    crate::pages::csrf_is_required => csrf_is_required,
    crate::pages::ended_session_offers_the_login_back => ended_session_offers_the_login_back,
    crate::pages::unavailable_areas_and_field_borders_are_readable => unavailable_areas_and_field_borders_are_readable,
    crate::pages::throttle_holds_across_instances => throttle_holds_across_instances,
    crate::pages::sessions_are_shared_and_rotated => sessions_are_shared_and_rotated,
    crate::pages::roles_are_enforced_on_pages => roles_are_enforced_on_pages,
    crate::pages::admin_manages_users_and_tokens => admin_manages_users_and_tokens,
    crate::api::api_authentication_and_problems => api_authentication_and_problems,
    crate::api::api_users_and_tokens => api_users_and_tokens,
    crate::api::nul_characters_are_refused_by_field => nul_characters_are_refused_by_field,
    crate::api::control_characters_are_refused_in_every_text_field => control_characters_are_refused_in_every_text_field,
    crate::api::openapi_lists_every_route => openapi_lists_every_route,
    crate::api::health_and_metrics => health_and_metrics,
    crate::tenancy::organizations_cannot_see_each_other => organizations_cannot_see_each_other,
    crate::tenancy::portfolios_are_per_organization => portfolios_are_per_organization,
    crate::portfolio::creditors_and_import_through_pages => creditors_and_import_through_pages,
    crate::portfolio::portfolio_api => portfolio_api,
    crate::portfolio::aging_and_debtor_pages => aging_and_debtor_pages,
    crate::debtor_view::debtor_360_contracts_and_access_log => debtor_360_contracts_and_access_log,
    crate::debtor_view::debtors_are_paged => debtors_are_paged,
    crate::debtor_view::enrichment_through_page_and_api => enrichment_through_page_and_api,
    crate::debtor_view::debtor_routes_are_per_organization => debtor_routes_are_per_organization,
    crate::debtor_view::contract_form_records_terms => contract_form_records_terms,
    crate::debtor_view::marking_forms_change_flags_and_contacts => marking_forms_change_flags_and_contacts,
    crate::debtor_view::agents_ask_for_the_whole_document => agents_ask_for_the_whole_document,
    crate::debtor_view::api_marks_debtors_and_contacts => api_marks_debtors_and_contacts,
    crate::debtor_view::supervisors_correct_a_debtor_name => supervisors_correct_a_debtor_name,
    crate::debtor_view::contacts_are_added_by_hand => contacts_are_added_by_hand,
    crate::debtor_view::debtor_forms_mark_their_fields => debtor_forms_mark_their_fields,
    crate::debtor_view::timeline_pages_back => timeline_pages_back,
    crate::debtor_view::amounts_update_to_another_date => amounts_update_to_another_date,
    crate::closing::supervisor_closes_through_the_debtor_page => supervisor_closes_through_the_debtor_page,
    crate::closing::closing_through_the_api => closing_through_the_api,
    crate::indices::supervisor_imports_a_table_and_amounts_update => supervisor_imports_a_table_and_amounts_update,
    crate::indices::bad_index_files_are_refused_with_their_line => bad_index_files_are_refused_with_their_line,
    crate::indices::index_import_roles_csrf_and_tenancy => index_import_roles_csrf_and_tenancy,
    crate::search::search_by_words_and_limit_notice => search_by_words_and_limit_notice,
    crate::uploads::upload_forms_carry_the_token_first => upload_forms_carry_the_token_first,
    crate::uploads::bodies_over_the_limit => bodies_over_the_limit,
    crate::uploads::chunked_upload_over_the_limit => chunked_upload_over_the_limit,
    crate::aging_buckets::aging_with_custom_buckets => aging_with_custom_buckets,
    crate::aging_buckets::aging_of_one_debtor => aging_of_one_debtor,
    crate::aging_buckets::aging_drill_down_names_the_business_day => aging_drill_down_names_the_business_day,
    crate::aging_drill_down::aging_bucket_shows_and_exports_its_receivables => aging_bucket_shows_and_exports_its_receivables,
    crate::aging_by_debtor::aging_by_debtor_page_csv_and_api => aging_by_debtor_page_csv_and_api,
    crate::browser::demo_admin_sees_the_painel => browser_demo_admin_sees_the_painel,
    crate::browser::import_aging_and_debtor_flow => browser_import_aging_and_debtor_flow,
    crate::browser::chart_and_closing_in_the_browser => browser_chart_and_closing,
    crate::debtor_view::enrichment_report_has_every_problem => enrichment_report_has_every_problem,
    crate::import_runs::imports_outlive_a_restart => imports_outlive_a_restart,
    crate::import_runs::unfinished_imports_say_what_is_known => unfinished_imports_say_what_is_known,
);
