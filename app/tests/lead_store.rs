//! The behavioural storage suite, run against a real SQLite file and a real
//! PostgreSQL database; every test gets its own fresh database.
//!
//! PostgreSQL: `TEST_POSTGRES_URL` (an admin URL; default
//! postgres://postgres@127.0.0.1:5432/postgres). The suite fails, rather
//! than skips, when it cannot reach it: both backends are first-class.

#![cfg(feature = "ssr")]

use app::{
    error::AppError,
    leads::{
        model::{
            AddressInput, DuplicateProbe, EmailInput, LeadForm, LeadPageRequest, LeadStatus,
            PhoneInput, ValidLead,
        },
        store,
    },
    store::Store,
    users::model::Scope,
};

/// The built-in user every test lead belongs to.
const OWNER: i64 = 1;

#[macro_use]
mod common;

use common::TestDb;

fn full_form(name: &str) -> LeadForm {
    LeadForm {
        name: name.into(),
        status: "new".into(),
        company_name: "Acme GmbH".into(),
        source_id: "2".into(),
        notes: "Met at the fair.\nWants a demo.".into(),
        name_prefix: "Dr".into(),
        first_name: "Ada".into(),
        middle_name: "King".into(),
        last_name: "Lovelace".into(),
        name_suffix: "PhD".into(),
        job_title: "CTO".into(),
        emails: vec![
            EmailInput {
                email: "ada@acme.example".into(),
                primary: false,
            },
            EmailInput {
                email: "ada@mail.example".into(),
                primary: true,
            },
        ],
        phones: vec![PhoneInput {
            phone: "+49 30 1234567".into(),
            primary: true,
        }],
        twitter: "@ada".into(),
        linkedin: "ada-lovelace".into(),
        addresses: vec![
            AddressInput {
                label: "Office".into(),
                street: "1 Hauptstraße".into(),
                city: "Berlin".into(),
                postal_code: "10115".into(),
                country: "de".into(),
                primary: true,
                ..Default::default()
            },
            AddressInput {
                city: "Paris".into(),
                country: "FR".into(),
                ..Default::default()
            },
        ],
        website: "https://acme.example".into(),
        number_of_employees: "250".into(),
        industry: "Software".into(),
        tags: "vip, trade show".into(),
        owner_id: String::new(),
    }
}

fn valid(form: &LeadForm) -> ValidLead {
    ValidLead::parse(form).expect("valid form")
}

async fn insert(store: &Store, form: &LeadForm) -> i64 {
    store::insert_lead(store, Some(OWNER), &valid(form), 1)
        .await
        .expect("insert")
}

both!(
    a_lead_is_stored_and_loaded_with_all_its_children,
    |store: &Store| {
        let store = store.clone();
        async move {
            let form = full_form("Acme renewal");
            let id = insert(&store, &form).await;
            let lead = store::load_lead(&store, Scope::All, id).await.unwrap();
            assert_eq!(lead.name, "Acme renewal");
            assert_eq!(lead.status, LeadStatus::New);
            assert_eq!(lead.version, 1);
            assert_eq!(
                lead.source.as_ref().map(|s| s.name.as_str()),
                Some("Website")
            );
            assert_eq!(lead.owner.as_ref().map(|o| o.id), Some(OWNER));
            assert_eq!(
                lead.notes.as_deref(),
                Some("Met at the fair.\nWants a demo.")
            );
            assert_eq!(lead.emails.len(), 2);
            assert_eq!(lead.emails[0].email, "ada@mail.example", "primary first");
            assert!(lead.emails[0].primary && !lead.emails[1].primary);
            assert_eq!(lead.phones[0].phone, "+49 30 1234567");
            assert_eq!(lead.addresses.len(), 2);
            assert_eq!(lead.addresses[0].country, "DE");
            assert_eq!(lead.addresses[0].label.as_deref(), Some("Office"));
            assert!(!lead.addresses[1].primary);
            assert_eq!(lead.tags, ["vip", "trade show"]);
            assert_eq!(lead.number_of_employees, Some(250));
            assert_eq!(lead.created_at, lead.updated_at);
            // What was stored reads back as the same form (nothing lost or altered).
            let mut expected = form.clone();
            expected.addresses[0].country = "DE".into();
            expected.emails.sort_by_key(|e| !e.primary);
            expected.owner_id = OWNER.to_string();
            assert_eq!(valid(&lead.to_form()), valid(&expected));
        }
    }
);

both!(
    an_update_replaces_fields_and_children_and_bumps_the_version,
    |store: &Store| {
        let store = store.clone();
        async move {
            let id = insert(&store, &full_form("Before")).await;
            let mut form = full_form("After");
            form.status = "qualified".into();
            form.emails = vec![EmailInput {
                email: "new@acme.example".into(),
                primary: true,
            }];
            form.phones.clear();
            form.addresses.truncate(1);
            form.source_id.clear();
            form.tags = "renewal".into();
            let version = store::update_lead(&store, Scope::All, 1, id, 1, &valid(&form), None)
                .await
                .unwrap();
            assert_eq!(version, 2);
            let lead = store::load_lead(&store, Scope::All, id).await.unwrap();
            assert_eq!(
                (lead.name.as_str(), lead.status, lead.version),
                ("After", LeadStatus::Qualified, 2)
            );
            assert_eq!(lead.emails.len(), 1);
            assert!(lead.phones.is_empty());
            assert_eq!(lead.addresses.len(), 1);
            assert_eq!(lead.source, None);
            assert_eq!(lead.tags, ["renewal"]);
            assert!(lead.updated_at >= lead.created_at);
        }
    }
);

both!(
    a_stale_update_is_refused_and_overwrites_nothing,
    |store: &Store| {
        let store = store.clone();
        async move {
            let id = insert(&store, &full_form("Original")).await;
            store::update_lead(
                &store,
                Scope::All,
                1,
                id,
                1,
                &valid(&full_form("First edit")),
                None,
            )
            .await
            .unwrap();
            let err = store::update_lead(
                &store,
                Scope::All,
                1,
                id,
                1,
                &valid(&full_form("Stale edit")),
                None,
            )
            .await
            .unwrap_err();
            assert!(
                matches!(&err, AppError::Conflict(m) if m.contains("changed by someone else")),
                "{err:?}"
            );
            let lead = store::load_lead(&store, Scope::All, id).await.unwrap();
            assert_eq!((lead.name.as_str(), lead.version), ("First edit", 2));
        }
    }
);

both!(missing_leads_are_not_found, |store: &Store| {
    let store = store.clone();
    async move {
        assert_eq!(
            store::load_lead(&store, Scope::All, 4242)
                .await
                .unwrap_err(),
            AppError::NotFound
        );
        assert_eq!(
            store::delete_lead(&store, Scope::All, 4242)
                .await
                .unwrap_err(),
            AppError::NotFound
        );
        let err = store::update_lead(
            &store,
            Scope::All,
            1,
            4242,
            1,
            &valid(&full_form("x")),
            None,
        )
        .await
        .unwrap_err();
        assert_eq!(err, AppError::NotFound);
    }
});

both!(
    a_deleted_lead_takes_its_children_with_it,
    |store: &Store| {
        let store = store.clone();
        async move {
            let id = insert(&store, &full_form("Doomed")).await;
            store::delete_lead(&store, Scope::All, id).await.unwrap();
            assert_eq!(
                store::load_lead(&store, Scope::All, id).await.unwrap_err(),
                AppError::NotFound
            );
            // Its email no longer counts as a duplicate.
            let probe = DuplicateProbe {
                emails: vec!["ada@acme.example".into()],
                ..Default::default()
            };
            assert!(store::find_duplicates(&store, Scope::All, &probe)
                .await
                .unwrap()
                .is_empty());
        }
    }
);

both!(
    an_unknown_source_is_a_field_error_and_nothing_is_written,
    |store: &Store| {
        let store = store.clone();
        async move {
            let mut form = full_form("Bad source");
            form.source_id = "999".into();
            let err = store::insert_lead(&store, None, &valid(&form), 1)
                .await
                .unwrap_err();
            assert_eq!(err.field_errors()[0].field, "source_id");
            assert_eq!(store::count_leads(&store, Scope::All).await.unwrap(), 0);
        }
    }
);

both!(
    a_retired_source_stays_on_old_leads_but_is_refused_for_new_ones,
    |store: &Store| {
        let store = store.clone();
        async move {
            let source = store::insert_source(&store, "Trade fair").await.unwrap();
            let mut form = full_form("Fair lead");
            form.source_id = source.to_string();
            let id = store::insert_lead(&store, None, &valid(&form), 1)
                .await
                .unwrap();
            store::set_source_retired(&store, source, true)
                .await
                .unwrap();
            assert!(store::list_sources(&store)
                .await
                .unwrap()
                .iter()
                .all(|s| s.id != source));
            // The old lead keeps it, also through an edit.
            form.name = "Fair lead, edited".into();
            store::update_lead(&store, Scope::All, 1, id, 1, &valid(&form), None)
                .await
                .unwrap();
            let lead = store::load_lead(&store, Scope::All, id).await.unwrap();
            assert_eq!(lead.source.map(|s| s.name).as_deref(), Some("Trade fair"));
            // Nothing new gets it: not a new lead, not an old lead switching to it.
            let err = store::insert_lead(&store, None, &valid(&form), 1)
                .await
                .unwrap_err();
            assert!(err.field_errors()[0].message.contains("retired"), "{err:?}");
            let mut other = full_form("Other lead");
            other.source_id = "2".into();
            let other_id = store::insert_lead(&store, None, &valid(&other), 1)
                .await
                .unwrap();
            other.source_id = source.to_string();
            let err = store::update_lead(&store, Scope::All, 1, other_id, 1, &valid(&other), None)
                .await
                .unwrap_err();
            assert_eq!(err.field_errors()[0].field, "source_id");
            // Renamed, every lead shows the new name.
            store::rename_source(&store, source, "Trade fair 2026")
                .await
                .unwrap();
            let lead = store::load_lead(&store, Scope::All, id).await.unwrap();
            assert_eq!(
                lead.source.map(|s| s.name).as_deref(),
                Some("Trade fair 2026")
            );
            let err = store::rename_source(&store, source, "website")
                .await
                .unwrap_err();
            assert_eq!(
                err.field_errors()[0].message,
                "There is already a source with this name"
            );
        }
    }
);

both!(
    database_constraints_map_to_field_errors_and_roll_back,
    |store: &Store| {
        let store = store.clone();
        async move {
            // Bypass the parser's primary rule: the database still refuses two
            // primaries, names the field, and leaves no half-written lead.
            let mut lead = valid(&full_form("Two primaries"));
            for email in &mut lead.emails {
                email.primary = true;
            }
            let err = store::insert_lead(&store, None, &lead, 1)
                .await
                .unwrap_err();
            assert_eq!(err.field_errors()[0].field, "emails", "{err:?}");
            assert_eq!(store::count_leads(&store, Scope::All).await.unwrap(), 0);

            // The same on update: the lead keeps its previous state.
            let id = insert(&store, &full_form("Kept")).await;
            let mut lead = valid(&full_form("Changed"));
            lead.phones.push(lead.phones[0].clone());
            let err = store::update_lead(&store, Scope::All, 1, id, 1, &lead, None)
                .await
                .unwrap_err();
            assert_eq!(err.field_errors()[0].field, "phones", "{err:?}");
            let kept = store::load_lead(&store, Scope::All, id).await.unwrap();
            assert_eq!(
                (kept.name.as_str(), kept.version, kept.phones.len()),
                ("Kept", 1, 1)
            );
        }
    }
);

both!(the_list_pages_newest_first_by_keyset, |store: &Store| {
    let store = store.clone();
    async move {
        app::leads::demo::fill(&store, 120, 1).await.unwrap();
        let mut seen = Vec::new();
        let mut req = LeadPageRequest {
            limit: Some(50),
            with_counts: true,
            ..Default::default()
        };
        loop {
            let page = store::list_leads(&store, Scope::All, &req).await.unwrap();
            if let Some(counts) = &page.counts {
                assert_eq!(counts.total, 120);
            }
            seen.extend(page.rows.iter().map(|r| (r.created_at, r.id)));
            match page.older {
                Some(cursor) => {
                    req = LeadPageRequest {
                        before: Some(cursor),
                        limit: Some(50),
                        ..Default::default()
                    }
                }
                None => break,
            }
        }
        assert_eq!(seen.len(), 120);
        let mut sorted = seen.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(seen, sorted, "newest first, no row twice");

        // Going back from the last page returns the page before it.
        let second = store::list_leads(
            &store,
            Scope::All,
            &LeadPageRequest {
                before: Some(app::leads::model::LeadCursor {
                    key: Some(seen[49].0.timestamp_millis().to_string()),
                    id: seen[49].1,
                }),
                limit: Some(50),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let back = store::list_leads(
            &store,
            Scope::All,
            &LeadPageRequest {
                after: second.newer,
                limit: Some(50),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            back.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
            seen[..50].iter().map(|s| s.1).collect::<Vec<_>>()
        );
        assert_eq!(back.newer, None, "the first page has nothing newer");

        // Rows carry the primary email, phone, city and country.
        let row = &second.rows[0];
        assert!(
            row.email.is_some()
                && row.phone.is_some()
                && row.country.is_some()
                && row.city.is_some()
        );
    }
});

both!(
    duplicates_are_found_by_email_ignoring_case_and_by_phone_ignoring_spacing,
    |store: &Store| {
        let store = store.clone();
        async move {
            let id = insert(&store, &full_form("Original")).await;
            let probe = DuplicateProbe {
                emails: vec!["ADA@acme.example".into()],
                ..Default::default()
            };
            let found = store::find_duplicates(&store, Scope::All, &probe)
                .await
                .unwrap();
            assert_eq!(found.len(), 1);
            assert_eq!(
                (found[0].id, found[0].matched_on.as_str()),
                (id, "ada@acme.example")
            );
            let probe = DuplicateProbe {
                phones: vec!["+4930 123-4567".into()],
                ..Default::default()
            };
            assert_eq!(
                store::find_duplicates(&store, Scope::All, &probe)
                    .await
                    .unwrap()
                    .len(),
                1
            );
            // A lead is not its own duplicate.
            let probe = DuplicateProbe {
                exclude_id: Some(id),
                emails: vec!["ada@acme.example".into()],
                ..Default::default()
            };
            assert!(store::find_duplicates(&store, Scope::All, &probe)
                .await
                .unwrap()
                .is_empty());
        }
    }
);

both!(sources_are_seeded_in_order, |store: &Store| {
    let store = store.clone();
    async move {
        let names: Vec<String> = store::list_sources(&store)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(
            names,
            [
                "Demand Generation",
                "Website",
                "Direct Mail",
                "Affiliate",
                "Email Marketing",
                "Outbound",
                "Partner"
            ]
        );
    }
});

both!(
    migrating_twice_is_harmless_and_a_newer_schema_is_refused,
    |store: &Store| {
        let store = store.clone();
        async move {
            store.migrate().await.unwrap();
            assert!(store.is_migrated().await.unwrap());
            let sql = "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
                   VALUES (99990101000000, 'from the future', CURRENT_TIMESTAMP, TRUE, $1, 0)";
            match &store {
                Store::Sqlite(pool) => {
                    sqlx::query(sql)
                        .bind(vec![0u8; 48])
                        .execute(pool)
                        .await
                        .unwrap();
                }
                Store::Postgres(pool) => {
                    sqlx::query(sql)
                        .bind(vec![0u8; 48])
                        .execute(pool)
                        .await
                        .unwrap();
                }
            }
            let err = store.migrate().await.unwrap_err();
            assert!(err.to_string().contains("newer than this version"), "{err}");
        }
    }
);

#[tokio::test]
async fn an_unreachable_database_is_a_clear_error() {
    let err = Store::connect("postgres://nobody:secret@127.0.0.1:1/none")
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("cannot open the database"), "{text}");
    assert!(
        !text.contains("secret"),
        "the password must not be shown: {text}"
    );
    assert!(Store::connect("mysql://x")
        .await
        .unwrap_err()
        .to_string()
        .contains("unsupported"));
}

both!(
    concurrent_writers_all_succeed_and_concurrent_edits_of_one_lead_let_exactly_one_win,
    |store: &Store| {
        let store = store.clone();
        async move {
            // Writers on different leads never fail because of each other.
            let ids: Vec<i64> = futures_join((0..8).map(|n| {
                let store = store.clone();
                async move { insert(&store, &full_form(&format!("Parallel {n}"))).await }
            }))
            .await;
            let results = futures_join(ids.iter().map(|&id| {
                let store = store.clone();
                async move {
                    store::update_lead(
                        &store,
                        Scope::All,
                        1,
                        id,
                        1,
                        &valid(&full_form("Edited")),
                        None,
                    )
                    .await
                }
            }))
            .await;
            assert!(results.iter().all(Result::is_ok), "{results:?}");

            // Eight edits of one lead from the same version: one wins, seven are told.
            let target = ids[0];
            let results = futures_join((0..8).map(|n| {
                let store = store.clone();
                async move {
                    store::update_lead(
                        &store,
                        Scope::All,
                        1,
                        target,
                        2,
                        &valid(&full_form(&format!("Edit {n}"))),
                        None,
                    )
                    .await
                }
            }))
            .await;
            let won = results.iter().filter(|r| r.is_ok()).count();
            let conflicts = results
                .iter()
                .filter(|r| matches!(r, Err(AppError::Conflict(_))))
                .count();
            assert_eq!((won, conflicts), (1, 7), "{results:?}");
            assert_eq!(
                store::load_lead(&store, Scope::All, target)
                    .await
                    .unwrap()
                    .version,
                3
            );
        }
    }
);

/// Runs futures concurrently on the test runtime and collects their outputs in order.
async fn futures_join<T: Send + 'static>(
    futures: impl IntoIterator<Item = impl std::future::Future<Output = T> + Send + 'static>,
) -> Vec<T> {
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(handle.await.expect("task panicked"));
    }
    out
}
