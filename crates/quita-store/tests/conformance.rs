//! Every repository function against SQLite and (with
//! `QUITA_TEST_POSTGRES_URL`) PostgreSQL, each test in a fresh database.

mod cases;

/// Expands each case into `sqlite::<case>` and `postgres::<case>` tests.
macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { quita_store::testing::on_sqlite(crate::cases::$case).await; })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { quita_store::testing::on_postgres(crate::cases::$case).await; })*
        }
    };
}

conformance!(
    migrations_are_idempotent,
    orgs_create_get_list_and_unique_slug,
    users_crud_scoped_by_org,
    users_email_unique_across_orgs,
    sessions_lifecycle_and_expiry,
    sessions_end_for_deactivated_users,
    throttle_counts_locks_and_resets,
    tokens_scoped_hashed_and_revocable,
    audit_is_append_only,
    jobs_enqueue_dedup_claim_complete,
    jobs_retry_then_dead,
    jobs_expired_lease_is_reclaimed,
    jobs_concurrent_claims_never_overlap,
    secrets_first_writer_wins,
    dashboard_counts_by_org,
    creditors_are_scoped_and_unique,
    import_writes_are_idempotent,
    contacts_keep_invalid_status,
    search_aging_and_counts,
    aging_by_debtor_sums_and_pages,
    debtor_access_is_append_only_and_scoped,
    spooled_accesses_are_recorded_once,
    try_begin_write_does_not_wait,
    contracts_keep_their_terms,
    debtor_pages_visit_each_once,
    debtors_are_renamed_and_found_by_the_new_name,
    bucket_pages_walk_both_ways,
    contacts_refresh_only_unverified,
    people_mark_debtors_and_contacts,
    bulk_import_helpers_keep_the_schema,
    aging_groups_of_contracts_with_terms,
    aging_read_in_parts_equals_whole,
    import_inserts_with_reserved_ids,
    import_transaction_leaves_the_pool_checked,
    bulk_import_still_checks_outside_keys,
    bulk_mode_never_waits_for_another_transaction,
    hand_writes_wait_for_imports,
    search_names_by_any_word,
    search_limit_and_truncated,
    search_keeps_organizations_apart,
    import_runs_outlive_their_process_and_stay_in_their_org,
    marks_do_not_wait_for_an_import_referring_to_the_debtor,
    a_connection_left_in_a_transaction_is_not_pooled_again,
    search_document_numbers_ignoring_case,
    search_counts_each_debtor_once_however_many_entries_match,
    vacuum_after_bulk_marks_pages_visible,
    receivables_close_once_with_their_reason,
    audit_entries_by_target,
);
