//! The visibility rule written into SQL (`Scope`) returns exactly the leads
//! the rule in Rust (`CurrentUser::may_access`) allows — for every kind of
//! user, on SQLite and PostgreSQL — and assignment lists follow the teams.

#![cfg(feature = "ssr")]

#[macro_use]
mod common;

use std::collections::BTreeSet;

use app::{
    leads::{
        model::{LeadForm, LeadPageRequest, ValidLead},
        store as leads,
    },
    store::Store,
    users::{
        model::{CurrentUser, Ownership, Role, Scope, TeamName, UserForm, ValidUser},
        store as users,
    },
};
use common::TestDb;

async fn add_user(store: &Store, name: &str, role: Role, team: Option<i64>) -> CurrentUser {
    let user = ValidUser::parse(&UserForm {
        username: name.into(),
        display_name: name.into(),
        role: role.code().into(),
        team_id: team.map(|t| t.to_string()).unwrap_or_default(),
        ..Default::default()
    })
    .unwrap();
    let id = users::insert_user(store, &user, None).await.unwrap();
    CurrentUser {
        id,
        username: name.into(),
        display_name: name.into(),
        role,
        team_id: team,
        team_name: None,
    }
}

both!(the_sql_scope_and_the_rust_rule_agree, |store: &Store| {
    let store = store.clone();
    async move {
        let north = users::insert_team(&store, &TeamName::parse("North").unwrap())
            .await
            .unwrap();
        let south = users::insert_team(&store, &TeamName::parse("South").unwrap())
            .await
            .unwrap();
        let people = vec![
            add_user(&store, "rep-n1", Role::Rep, Some(north)).await,
            add_user(&store, "rep-n2", Role::Rep, Some(north)).await,
            add_user(&store, "rep-s1", Role::Rep, Some(south)).await,
            add_user(&store, "rep-none", Role::Rep, None).await,
            add_user(&store, "boss-n", Role::Manager, Some(north)).await,
            add_user(&store, "boss-s", Role::Manager, Some(south)).await,
            add_user(&store, "boss-none", Role::Manager, None).await,
            add_user(&store, "admin", Role::Admin, None).await,
        ];
        // Every owner (and none) owns a few leads.
        let mut owned = Vec::new();
        let owners: Vec<Option<&CurrentUser>> = std::iter::once(None)
            .chain(people.iter().map(Some))
            .collect();
        for (n, owner) in owners.iter().cycle().take(3 * owners.len()).enumerate() {
            let form = LeadForm {
                name: format!("Lead {n}"),
                ..Default::default()
            };
            let id = leads::insert_lead(
                &store,
                owner.map(|o| o.id),
                &ValidLead::parse(&form).unwrap(),
                1,
            )
            .await
            .unwrap();
            owned.push((
                id,
                Ownership {
                    owner_id: owner.map(|o| o.id),
                    owner_team_id: owner.and_then(|o| o.team_id),
                },
            ));
        }
        for user in &people {
            let expected: BTreeSet<i64> = owned
                .iter()
                .filter(|(_, o)| user.may_access(*o))
                .map(|(id, _)| *id)
                .collect();
            let page = leads::list_leads(
                &store,
                user.scope(),
                &LeadPageRequest {
                    limit: Some(200),
                    with_counts: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            let listed: BTreeSet<i64> = page.rows.iter().map(|r| r.id).collect();
            assert_eq!(listed, expected, "{}'s list", user.username);
            assert_eq!(
                page.counts.as_ref().map(|c| c.total),
                Some(expected.len() as i64),
                "{}'s count",
                user.username
            );
            for (id, _) in &owned {
                let loaded = leads::load_lead(&store, user.scope(), *id).await.is_ok();
                assert_eq!(
                    loaded,
                    expected.contains(id),
                    "{} loads {id}",
                    user.username
                );
            }
        }
        // Managers assign within their team; reps only to themselves.
        let names = |list: Vec<app::users::model::Assignee>| {
            list.into_iter().map(|a| a.display_name).collect::<Vec<_>>()
        };
        assert_eq!(
            names(
                users::list_assignees(&store, people[4].scope())
                    .await
                    .unwrap()
            ),
            ["boss-n", "rep-n1", "rep-n2"]
        );
        assert_eq!(
            names(
                users::list_assignees(&store, people[0].scope())
                    .await
                    .unwrap()
            ),
            ["rep-n1"]
        );
        assert_eq!(
            users::list_assignees(&store, Scope::All)
                .await
                .unwrap()
                .len(),
            people.len()
        );
    }
});
