//! Qualifying a lead on SQLite and PostgreSQL: exactly the expected rows,
//! one winner when two people qualify at once, nothing left behind by a
//! failure, accounts matched whatever the case.

#![cfg(feature = "ssr")]

#[macro_use]
mod common;

use app::{
    contacts::model::{ContactForm, ValidContact},
    error::AppError,
    leads::{
        model::{AddressInput, EmailInput, LeadForm, LeadStatus, PhoneInput, ValidLead},
        qualify::{AccountChoice, QualifyRequest},
        store as leads,
    },
    opportunities::store as crm,
    store::Store,
    users::model::Scope,
};
use common::TestDb;

const USER: i64 = 1;

async fn lead(store: &Store, company: &str) -> i64 {
    let form = LeadForm {
        name: format!("{company} deal"),
        company_name: company.into(),
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        job_title: "CTO".into(),
        notes: "Wants a demo".into(),
        emails: vec![
            EmailInput {
                email: "ada@work.example".into(),
                primary: false,
            },
            EmailInput {
                email: "ada@home.example".into(),
                primary: true,
            },
        ],
        phones: vec![PhoneInput {
            phone: "+44 20 7946 0000".into(),
            primary: true,
        }],
        addresses: vec![AddressInput {
            city: "London".into(),
            country: "GB".into(),
            primary: true,
            ..Default::default()
        }],
        ..Default::default()
    };
    leads::insert_lead(store, Some(USER), &ValidLead::parse(&form).unwrap(), 1)
        .await
        .unwrap()
}

async fn count(store: &Store, table: &str) -> i64 {
    let sql = format!("SELECT count(*) FROM {table}");
    match store {
        Store::Sqlite(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await.unwrap(),
        Store::Postgres(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await.unwrap(),
    }
}

/// The wizard's answers as a rep would leave them: everything prefilled.
async fn request(store: &Store, id: i64) -> QualifyRequest {
    let lead = leads::load_lead(store, Scope::All, id).await.unwrap();
    let start = app::leads::qualify::QualifyStart {
        matching_account: crm::matching_account(
            store,
            Scope::All,
            lead.company_name.as_deref().unwrap_or(""),
        )
        .await
        .unwrap(),
        lead_contact: None,
        contact_by_email: None,
        duplicate_leads: vec![],
        duplicate_contacts: vec![],
        lead,
    };
    start.initial_request()
}

both!(
    qualifying_creates_exactly_the_expected_rows,
    |store: &Store| {
        let store = store.clone();
        async move {
            let id = lead(&store, "Analytical Engines Ltd").await;
            let mut req = request(&store, id).await;
            req.opportunity.budget = "12,500".into();
            req.opportunity.probability = "40".into();
            let plan = req.parse().unwrap();
            let opportunity = crm::qualify_lead(&store, Scope::All, USER, &plan)
                .await
                .unwrap();

            assert_eq!(count(&store, "accounts").await, 1);
            assert_eq!(count(&store, "contacts").await, 1);
            assert_eq!(count(&store, "contact_emails").await, 2);
            assert_eq!(count(&store, "contact_phones").await, 1);
            assert_eq!(count(&store, "contact_addresses").await, 1);
            assert_eq!(count(&store, "opportunities").await, 1);

            let o = crm::load_opportunity(&store, Scope::All, opportunity)
                .await
                .unwrap();
            assert_eq!(o.name, "Analytical Engines Ltd deal");
            assert_eq!(o.account.name, "Analytical Engines Ltd");
            assert_eq!(o.notes.as_deref(), Some("Wants a demo"));
            assert_eq!(o.budget_cents, Some(1_250_000));
            assert_eq!(o.lead.as_ref().map(|l| l.id), Some(id));
            let contact = crm::load_contact(&store, Scope::All, o.contact.unwrap().id)
                .await
                .unwrap();
            assert_eq!(contact.full_name(), "Ada Lovelace");
            assert_eq!(contact.job_title.as_deref(), Some("CTO"));
            assert_eq!(
                contact.emails[0].email, "ada@home.example",
                "the primary is kept"
            );
            assert!(contact.emails[0].primary && !contact.emails[1].primary);

            let lead = leads::load_lead(&store, Scope::All, id).await.unwrap();
            assert_eq!(lead.status, LeadStatus::Qualified);
            assert_eq!(lead.version, 2);
            assert_eq!(lead.opportunity.as_ref().map(|o| o.id), Some(opportunity));
            assert_eq!(
                lead.account.as_ref().map(|a| a.name.as_str()),
                Some("Analytical Engines Ltd")
            );
            assert!(!lead.can_qualify());
            let history = crm::lead_history(&store, id).await.unwrap();
            let fields: Vec<_> = history.iter().map(|h| h.field.as_str()).collect();
            assert!(
                fields.contains(&"status") && fields.contains(&"opportunity"),
                "{fields:?}"
            );
        }
    }
);

both!(
    an_account_name_in_another_case_is_linked_not_duplicated,
    |store: &Store| {
        let store = store.clone();
        async move {
            let first = lead(&store, "Acme GmbH").await;
            let plan = request(&store, first).await.parse().unwrap();
            crm::qualify_lead(&store, Scope::All, USER, &plan)
                .await
                .unwrap();

            let second = lead(&store, "  ACME gmbh ").await;
            let req = request(&store, second).await;
            assert!(
                matches!(&req.account, AccountChoice::Existing { name, .. } if name == "Acme GmbH"),
                "the wizard pre-selects the existing account: {:?}",
                req.account
            );
            // Even typed as a new account, the existing one is linked.
            let mut typed = req.clone();
            typed.account = AccountChoice::New {
                name: "acme GMBH".into(),
            };
            let o = crm::qualify_lead(&store, Scope::All, USER, &typed.parse().unwrap())
                .await
                .unwrap();
            assert_eq!(count(&store, "accounts").await, 1);
            let o = crm::load_opportunity(&store, Scope::All, o).await.unwrap();
            assert_eq!(o.account.name, "Acme GmbH");
        }
    }
);

both!(
    two_people_qualifying_at_once_make_one_opportunity,
    |store: &Store| {
        let store = store.clone();
        async move {
            let id = lead(&store, "Race Conditions Inc").await;
            let plan = request(&store, id).await.parse().unwrap();
            let runs = (0..4).map(|_| {
                let (store, plan) = (store.clone(), plan.clone());
                tokio::spawn(
                    async move { crm::qualify_lead(&store, Scope::All, USER, &plan).await },
                )
            });
            let results: Vec<_> = futures_join(runs).await;
            let wins = results.iter().filter(|r| r.is_ok()).count();
            assert_eq!(wins, 1, "{results:?}");
            for loser in results.iter().filter_map(|r| r.as_ref().err()) {
                let AppError::Conflict(message) = loser else {
                    panic!("expected a conflict, got {loser:?}")
                };
                assert!(
                    message.contains("already been qualified")
                        && message.contains("/opportunities/"),
                    "{message}"
                );
            }
            assert_eq!(count(&store, "opportunities").await, 1);
            assert_eq!(count(&store, "accounts").await, 1);
            assert_eq!(count(&store, "contacts").await, 1);
        }
    }
);

async fn futures_join<T: Send + 'static>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<T> {
    let mut out = Vec::new();
    for h in handles.collect::<Vec<_>>() {
        out.push(h.await.unwrap());
    }
    out
}

both!(
    a_failure_inside_the_conversion_leaves_nothing_behind,
    |store: &Store| {
        let store = store.clone();
        async move {
            let id = lead(&store, "Half Written plc").await;
            let mut plan = request(&store, id).await.parse().unwrap();
            // Past the parser, a contact with two primary emails: the database
            // refuses it after the account was inserted.
            let mut contact = ValidContact::parse(
                &ContactForm {
                    last_name: "Broken".into(),
                    emails: vec![
                        EmailInput {
                            email: "a@x.example".into(),
                            primary: true,
                        },
                        EmailInput {
                            email: "b@x.example".into(),
                            primary: false,
                        },
                    ],
                    ..Default::default()
                },
                "",
            )
            .unwrap();
            for e in &mut contact.emails {
                e.primary = true;
            }
            plan.contact = app::leads::qualify::ContactPlan::New(Box::new(contact));
            // Creating the lead recorded one entry; the failed conversion
            // must add none.
            let history_before = count(&store, "lead_history").await;
            let err = crm::qualify_lead(&store, Scope::All, USER, &plan)
                .await
                .unwrap_err();
            assert!(matches!(err, AppError::Validation { .. }), "{err:?}");
            for table in ["accounts", "contacts", "contact_emails", "opportunities"] {
                assert_eq!(count(&store, table).await, 0, "{table}");
            }
            assert_eq!(count(&store, "lead_history").await, history_before);
            let lead = leads::load_lead(&store, Scope::All, id).await.unwrap();
            assert_eq!((lead.status, lead.version), (LeadStatus::New, 1));
            // And the same plan with a good contact then succeeds.
            let good = request(&store, id).await.parse().unwrap();
            crm::qualify_lead(&store, Scope::All, USER, &good)
                .await
                .unwrap();
        }
    }
);

both!(
    a_changed_disqualified_or_deleted_lead_is_refused,
    |store: &Store| {
        let store = store.clone();
        async move {
            let id = lead(&store, "Moving Target").await;
            let plan = request(&store, id).await.parse().unwrap();
            // Edited meanwhile.
            let form = leads::load_lead(&store, Scope::All, id)
                .await
                .unwrap()
                .to_form();
            leads::update_lead(
                &store,
                Scope::All,
                1,
                id,
                1,
                &ValidLead::parse(&form).unwrap(),
                None,
            )
            .await
            .unwrap();
            let err = crm::qualify_lead(&store, Scope::All, USER, &plan)
                .await
                .unwrap_err();
            assert_eq!(err, AppError::Conflict(crm::STALE_QUALIFY.into()));
            // Disqualified meanwhile.
            let plan = request(&store, id).await.parse().unwrap();
            crm::set_lead_status(
                &store,
                Scope::All,
                USER,
                id,
                LeadStatus::Canceled,
                Some("No budget"),
            )
            .await
            .unwrap();
            let err = crm::qualify_lead(&store, Scope::All, USER, &plan)
                .await
                .unwrap_err();
            assert!(
                matches!(&err, AppError::Conflict(m) if m.contains("disqualified")),
                "{err:?}"
            );
            // Marked Qualified by hand, without an opportunity: refused
            // until it is reactivated (a lead is qualified from New).
            crm::set_lead_status(&store, Scope::All, USER, id, LeadStatus::New, None)
                .await
                .unwrap();
            let lead = leads::load_lead(&store, Scope::All, id).await.unwrap();
            let mut form = lead.to_form();
            form.status = "qualified".into();
            leads::update_lead(
                &store,
                Scope::All,
                1,
                id,
                lead.version,
                &ValidLead::parse(&form).unwrap(),
                None,
            )
            .await
            .unwrap();
            let plan = request(&store, id).await.parse().unwrap();
            let err = crm::qualify_lead(&store, Scope::All, USER, &plan)
                .await
                .unwrap_err();
            assert!(
                matches!(&err, AppError::Conflict(m) if m.contains("reactivate")),
                "{err:?}"
            );
            // Deleted meanwhile.
            leads::delete_lead(&store, Scope::All, id).await.unwrap();
            let err = crm::qualify_lead(&store, Scope::All, USER, &plan)
                .await
                .unwrap_err();
            assert_eq!(err, AppError::NotFound);
            assert_eq!(count(&store, "opportunities").await, 0);
            assert_eq!(count(&store, "accounts").await, 0);
        }
    }
);

both!(
    disqualify_and_reactivate_keep_history_and_the_opportunity,
    |store: &Store| {
        let store = store.clone();
        async move {
            let id = lead(&store, "Second Thoughts AG").await;
            crm::set_lead_status(
                &store,
                Scope::All,
                USER,
                id,
                LeadStatus::Canceled,
                Some("Went with a competitor"),
            )
            .await
            .unwrap();
            let err =
                crm::set_lead_status(&store, Scope::All, USER, id, LeadStatus::Canceled, None)
                    .await
                    .unwrap_err();
            assert!(matches!(err, AppError::Conflict(_)));
            crm::set_lead_status(&store, Scope::All, USER, id, LeadStatus::New, None)
                .await
                .unwrap();
            let plan = request(&store, id).await.parse().unwrap();
            let o = crm::qualify_lead(&store, Scope::All, USER, &plan)
                .await
                .unwrap();
            crm::set_lead_status(&store, Scope::All, USER, id, LeadStatus::New, None)
                .await
                .unwrap();
            let lead = leads::load_lead(&store, Scope::All, id).await.unwrap();
            assert_eq!(lead.status, LeadStatus::New);
            assert_eq!(
                lead.opportunity.as_ref().map(|r| r.id),
                Some(o),
                "the opportunity stays"
            );
            assert!(
                !lead.can_qualify(),
                "a lead with an opportunity is not qualified twice"
            );
            let history = crm::lead_history(&store, id).await.unwrap();
            assert!(history.iter().any(|h| h.field == "disqualify_reason"
                && h.new_value.as_deref() == Some("Went with a competitor")));
            let statuses: Vec<_> = history
                .iter()
                .filter(|h| h.field == "status")
                .map(|h| h.new_value.clone().unwrap_or_default())
                .collect();
            assert_eq!(
                statuses,
                ["new", "qualified", "new", "canceled"],
                "newest first"
            );
        }
    }
);

both!(
    an_account_the_rep_may_not_see_is_not_offered_and_qualifying_links_it,
    |store: &Store| {
        let store = store.clone();
        async move {
            // One rep's qualified lead made the account "Vandelay
            // Industries", theirs.
            let first = lead(&store, "Vandelay Industries").await;
            let plan = request(&store, first).await.parse().unwrap();
            crm::qualify_lead(&store, Scope::All, USER, &plan)
                .await
                .unwrap();
            // Another rep has a lead for the same company.
            let user = app::users::model::ValidUser::parse(&app::users::model::UserForm {
                username: "rep-two".into(),
                display_name: "Rep Two".into(),
                role: "rep".into(),
                ..Default::default()
            })
            .unwrap();
            let rep = app::users::store::insert_user(&store, &user, None)
                .await
                .unwrap();
            let scope = Scope::Own { user_id: rep };
            let form = LeadForm {
                name: "Vandelay, second try".into(),
                company_name: "VANDELAY industries".into(),
                last_name: "Costanza".into(),
                ..Default::default()
            };
            let second =
                leads::insert_lead(&store, Some(rep), &ValidLead::parse(&form).unwrap(), rep)
                    .await
                    .unwrap();
            // The account is not theirs to see, so it is not offered ...
            assert_eq!(
                crm::matching_account(&store, scope, "Vandelay Industries")
                    .await
                    .unwrap(),
                None
            );
            assert!(
                crm::matching_account(&store, Scope::All, "Vandelay Industries")
                    .await
                    .unwrap()
                    .is_some()
            );
            // ... and what the wizard proposes instead, a new account of
            // that name, qualifies and joins the one account.
            let start = app::leads::qualify::QualifyStart {
                matching_account: None,
                lead_contact: None,
                contact_by_email: None,
                duplicate_leads: vec![],
                duplicate_contacts: vec![],
                lead: leads::load_lead(&store, scope, second).await.unwrap(),
            };
            let plan = start.initial_request().parse().unwrap();
            let opportunity = crm::qualify_lead(&store, scope, rep, &plan).await.unwrap();
            assert_eq!(count(&store, "accounts").await, 1);
            let o = crm::load_opportunity(&store, Scope::All, opportunity)
                .await
                .unwrap();
            assert_eq!(o.account.name, "Vandelay Industries");
        }
    }
);
