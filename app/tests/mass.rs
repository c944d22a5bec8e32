//! Mass actions over a mixed set of leads in one call, on SQLite and
//! PostgreSQL: the allowed ones change (with history), those already as
//! asked are counted, refusals are listed with their reason and never name
//! a lead the actor may not see, and nothing else moves.

#![cfg(feature = "ssr")]

#[macro_use]
mod common;

use app::{
    leads::{
        mass::{MassAction, MassSummary},
        model::{LeadForm, LeadStatus, ValidLead},
        store::{self as leads, MassLeads},
    },
    opportunities::store as opportunities,
    store::Store,
    users::{
        model::{Role, Scope, UserForm, ValidUser},
        store as users,
    },
};
use common::TestDb;

async fn add_user(store: &Store, name: &str, role: Role) -> i64 {
    let user = ValidUser::parse(&UserForm {
        username: name.into(),
        display_name: name.into(),
        role: role.code().into(),
        ..Default::default()
    })
    .unwrap();
    users::insert_user(store, &user, None).await.unwrap()
}

async fn add_lead(store: &Store, name: &str, status: &str, owner: Option<i64>) -> i64 {
    let lead = ValidLead::parse(&LeadForm {
        name: name.into(),
        status: status.into(),
        ..Default::default()
    })
    .unwrap();
    leads::insert_lead(store, owner, &lead, owner.unwrap_or(1))
        .await
        .unwrap()
}

async fn status_of(store: &Store, id: i64) -> LeadStatus {
    leads::load_lead(store, Scope::All, id)
        .await
        .unwrap()
        .status
}

async fn history_fields(store: &Store, id: i64) -> Vec<(String, Option<String>, Option<String>)> {
    opportunities::lead_history(store, id)
        .await
        .unwrap()
        .into_iter()
        .filter(|h| h.field == "status" || h.field == "owner")
        .map(|h| (h.field, h.old_value, h.new_value))
        .collect()
}

both!(a_status_change_over_a_mixed_selection, |store: &Store| {
    let store = store.clone();
    async move {
        let rep = add_user(&store, "rep", Role::Rep).await;
        let other = add_user(&store, "other", Role::Rep).await;
        let open = add_lead(&store, "Open", "new", Some(rep)).await;
        let done = add_lead(&store, "Already out", "canceled", Some(rep)).await;
        let unassigned = add_lead(&store, "Unassigned", "new", None).await;
        let theirs = add_lead(&store, "Theirs", "new", Some(other)).await;
        let missing = theirs + 1000;
        let scope = Scope::Own { user_id: rep };

        // Disqualify: one of theirs and an id that does not exist are
        // refused without a name; the canceled one is already as asked;
        // the same id twice counts once.
        let (summary, changed) = leads::mass_update(
            &store,
            scope,
            rep,
            &MassLeads::Ids(vec![open, done, unassigned, theirs, missing, open]),
            &MassAction::SetStatus(LeadStatus::Canceled),
            Ok(()),
        )
        .await
        .unwrap();
        let mut changed = changed;
        changed.sort_unstable();
        assert_eq!(changed, vec![open, unassigned]);
        assert_eq!(
            (
                summary.asked,
                summary.changed,
                summary.unchanged,
                summary.refused
            ),
            (5, 2, 1, 2),
            "{summary:?}"
        );
        let mut refused: Vec<i64> = summary.refusals.iter().map(|r| r.id).collect();
        refused.sort_unstable();
        assert_eq!(refused, vec![theirs, missing]);
        assert!(
            summary.refusals.iter().all(|r| r.name.is_none()),
            "{summary:?}"
        );
        assert_eq!(status_of(&store, open).await, LeadStatus::Canceled);
        assert_eq!(status_of(&store, unassigned).await, LeadStatus::Canceled);
        assert_eq!(status_of(&store, theirs).await, LeadStatus::New);
        assert_eq!(
            history_fields(&store, open).await,
            vec![("status".into(), Some("new".into()), Some("canceled".into()))]
        );
        assert!(history_fields(&store, done).await.is_empty());
        assert!(history_fields(&store, theirs).await.is_empty());

        // Qualifying in bulk is refused by name (the rep may see these):
        // it needs the wizard. Nothing changes.
        let reopened = add_lead(&store, "Reopened", "new", Some(rep)).await;
        let (summary, changed) = leads::mass_update(
            &store,
            scope,
            rep,
            &MassLeads::Ids(vec![reopened, open]),
            &MassAction::SetStatus(LeadStatus::Qualified),
            Ok(()),
        )
        .await
        .unwrap();
        assert!(changed.is_empty());
        assert_eq!(summary.refused, 2, "{summary:?}");
        assert!(
            summary.refusals.iter().all(|r| r.name.is_some()),
            "the rep may see these: {summary:?}"
        );
        assert_eq!(status_of(&store, reopened).await, LeadStatus::New);
    }
});

both!(an_owner_change_the_actor_may_not_make, |store: &Store| {
    let store = store.clone();
    async move {
        let admin = add_user(&store, "boss", Role::Admin).await;
        let rep = add_user(&store, "rep", Role::Rep).await;
        let a = add_lead(&store, "A", "new", Some(rep)).await;
        let b = add_lead(&store, "B", "new", None).await;
        let c = add_lead(&store, "C", "new", Some(admin)).await;

        // The admin gives all three to the rep: one already is theirs.
        let (summary, _) = leads::mass_update(
            &store,
            Scope::All,
            admin,
            &MassLeads::Ids(vec![a, b, c]),
            &MassAction::SetOwner(Some(rep)),
            Ok(()),
        )
        .await
        .unwrap();
        assert_eq!(
            (summary.changed, summary.unchanged, summary.refused),
            (2, 1, 0),
            "{summary:?}"
        );
        assert_eq!(
            history_fields(&store, c).await,
            vec![("owner".into(), Some("boss".into()), Some("rep".into()))]
        );

        // Assignment refused (as the caller decided): every lead that
        // would change is refused with that reason, in one summary with
        // the one that is already as asked; nothing is written.
        let before = history_fields(&store, b).await;
        let (summary, changed) = leads::mass_update(
            &store,
            Scope::All,
            admin,
            &MassLeads::Ids(vec![a, b, c]),
            &MassAction::SetOwner(None),
            Err("You may not give leads to nobody".into()),
        )
        .await
        .unwrap();
        assert!(changed.is_empty());
        assert_eq!(
            (summary.changed, summary.unchanged, summary.refused),
            (0, 0, 3),
            "{summary:?}"
        );
        assert!(summary
            .refusals
            .iter()
            .all(|r| r.reason == "You may not give leads to nobody"));
        assert_eq!(history_fields(&store, b).await, before);
    }
});

/// The summary a user reads: one sentence for all three outcomes.
#[test]
fn the_summary_sentence_names_every_outcome() {
    let summary = MassSummary {
        asked: 6,
        changed: 3,
        unchanged: 1,
        refused: 2,
        refusals: Vec::new(),
    };
    assert_eq!(
        summary.sentence(&MassAction::SetStatus(LeadStatus::Canceled)),
        "Changed the status of 3 leads. 1 lead already as asked. 2 leads refused."
    );
}
