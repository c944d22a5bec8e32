//! The access matrix: every server function and every page, called by each
//! kind of person on each kind of lead, on SQLite and on PostgreSQL.
//!
//! People: anonymous, rep A (team North), rep B (team South), the manager
//! of North (A's team), the manager of South (another team), an admin.
//! Leads: A's own, B's (someone else's), unassigned.
//!
//! The lists of endpoints and pages below must name every server function
//! and route the app registers: a new one fails `every_endpoint_is_listed`
//! until someone decides here who may call it.

mod support;

use std::collections::BTreeSet;

use app::{
    leads::{
        mass::{MassAction, MassRequest, MassSummary, MassTarget},
        model::{LeadForm, LeadStatus, ValidLead},
        store as leads,
    },
    users::model::{Role, Scope},
};
use support::{call, call_json, get, json_id, TestApp};

/// Who is asking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Actor {
    Anonymous,
    RepA,
    RepB,
    ManagerOfA,
    ManagerOther,
    Admin,
}

const ACTORS: [Actor; 6] = [
    Actor::Anonymous,
    Actor::RepA,
    Actor::RepB,
    Actor::ManagerOfA,
    Actor::ManagerOther,
    Actor::Admin,
];

/// Which lead the request is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    OwnOfA,
    OfB,
    Unassigned,
}

const TARGETS: [Target; 3] = [Target::OwnOfA, Target::OfB, Target::Unassigned];

/// The expected visibility of each lead to each actor: the rule under test,
/// written out by hand.
fn may_see(actor: Actor, target: Target) -> bool {
    use Actor::*;
    use Target::*;
    matches!(
        (actor, target),
        (RepA, OwnOfA | Unassigned)
            | (RepB, OfB | Unassigned)
            | (ManagerOfA, OwnOfA | Unassigned)
            | (ManagerOther, OfB | Unassigned)
            | (Admin, _)
    )
}

struct World {
    app: TestApp,
    ids: Vec<(Actor, Option<i64>)>,
    rep_b: i64,
    target_user: i64,
}

impl World {
    async fn new(app: TestApp) -> Self {
        let mut ids = vec![(Actor::Anonymous, None)];
        let people = [
            (Actor::RepA, "rep-a", Role::Rep, Some("North")),
            (Actor::RepB, "rep-b", Role::Rep, Some("South")),
            (
                Actor::ManagerOfA,
                "boss-north",
                Role::Manager,
                Some("North"),
            ),
            (
                Actor::ManagerOther,
                "boss-south",
                Role::Manager,
                Some("South"),
            ),
            (Actor::Admin, "admin", Role::Admin, None),
        ];
        for (actor, name, role, team) in people {
            let id = app.user_with_hash(name, role, team, None).await;
            ids.push((actor, Some(id)));
        }
        let target_user = app
            .user_with_hash("target", Role::Rep, Some("South"), None)
            .await;
        let rep_b = ids[2].1.unwrap();
        Self {
            app,
            ids,
            rep_b,
            target_user,
        }
    }

    fn id(&self, actor: Actor) -> Option<i64> {
        self.ids.iter().find(|(a, _)| *a == actor).unwrap().1
    }

    /// A fresh session cookie for `actor` (none for anonymous): each call
    /// gets its own, so that signing out cannot spoil the next.
    async fn cookie(&self, actor: Actor) -> Option<String> {
        match self.id(actor) {
            Some(id) => Some(self.app.session(id).await),
            None => None,
        }
    }

    /// Creates one lead of each target kind; returns their ids.
    async fn leads(&self, tag: &str) -> [(Target, i64); 3] {
        let owner = |t: Target| match t {
            Target::OwnOfA => self.id(Actor::RepA),
            Target::OfB => self.id(Actor::RepB),
            Target::Unassigned => None,
        };
        let mut out = [(Target::OwnOfA, 0); 3];
        for (i, target) in TARGETS.into_iter().enumerate() {
            let form = LeadForm {
                name: format!("{target:?} {tag}"),
                emails: vec![app::leads::model::EmailInput {
                    email: format!("shared-{tag}@example.com"),
                    primary: true,
                }],
                ..Default::default()
            };
            let id = leads::insert_lead(
                &self.app.store,
                owner(target),
                &ValidLead::parse(&form).unwrap(),
                1,
            )
            .await
            .unwrap();
            out[i] = (target, id);
        }
        out
    }

    async fn version(&self, id: i64) -> i64 {
        leads::load_lead(&self.app.store, Scope::All, id)
            .await
            .unwrap()
            .version
    }

    async fn call(&self, actor: Actor, path: &str, body: &str) -> (u16, String) {
        let cookie = self.cookie(actor).await;
        self.app.send(call(path, body, cookie.as_deref())).await
    }

    async fn page(&self, actor: Actor, path: &str) -> (u16, http::HeaderMap) {
        let cookie = self.cookie(actor).await;
        let (status, headers, _) = self.app.send_full(get(path, cookie.as_deref())).await;
        (status, headers)
    }
}

/// The lead endpoints that take a lead id, with the request body for it.
const LEAD_ENDPOINTS: [&str; 6] = [
    "/api/leads/get",
    "/api/leads/update",
    "/api/leads/delete",
    "/api/leads/notes",
    "/api/leads/add_note",
    "/api/leads/mass",
];
/// Note endpoints: only the note's author may use them.
const NOTE_ENDPOINTS: [&str; 2] = ["/api/leads/edit_note", "/api/leads/delete_note"];
/// The user's own list settings and views, and the charts.
const LIST_ENDPOINTS: [&str; 6] = [
    "/api/leads/list_settings",
    "/api/leads/save_view",
    "/api/leads/default_view",
    "/api/leads/delete_view",
    "/api/leads/save_columns",
    "/api/leads/charts",
];
/// Lead endpoints about one lead's status and conversion.
const LEAD_STATUS_ENDPOINTS: [&str; 5] = [
    "/api/leads/qualify_start",
    "/api/leads/qualify",
    "/api/leads/disqualify",
    "/api/leads/reactivate",
    "/api/leads/history",
];
/// Endpoints about one account, contact or opportunity.
const RECORD_ENDPOINTS: [&str; 6] = [
    "/api/accounts/get",
    "/api/accounts/rename",
    "/api/contacts/get",
    "/api/contacts/update",
    "/api/opportunities/get",
    "/api/opportunities/update",
];
/// Lists of accounts, contacts and opportunities.
const RECORD_LISTS: [&str; 3] = [
    "/api/accounts/list",
    "/api/contacts/list",
    "/api/opportunities/list",
];
/// Lead endpoints about no particular lead.
const LEAD_AREA_ENDPOINTS: [&str; 5] = [
    "/api/leads/list",
    "/api/leads/create",
    "/api/leads/duplicates",
    "/api/leads/sources",
    "/api/leads/assignees",
];
/// Endpoints open to anyone.
const PUBLIC_ENDPOINTS: [&str; 3] = [
    "/api/auth/session",
    "/api/auth/sign_in",
    "/api/auth/sign_out",
];
/// Endpoints for any signed-in user, about themselves.
const ACCOUNT_ENDPOINTS: [&str; 1] = ["/api/account/change_password"];
/// Admin endpoints.
const ADMIN_ENDPOINTS: [&str; 15] = [
    "/api/admin/users/list",
    "/api/admin/users/get",
    "/api/admin/users/create",
    "/api/admin/users/update",
    "/api/admin/users/set_active",
    "/api/admin/users/reset_password",
    "/api/admin/teams/list",
    "/api/admin/teams/create",
    "/api/admin/teams/rename",
    "/api/admin/teams/delete",
    "/api/admin/sources/list",
    "/api/admin/sources/create",
    "/api/admin/sources/rename",
    "/api/admin/sources/set_retired",
    "/api/admin/exports/list",
];
const SETTINGS_ENDPOINTS: [&str; 1] = ["/api/admin/settings/set_leads_enabled"];
/// Every page route, as the router spells it.
const PAGES: [&str; 24] = [
    "/leads/board",
    "/admin/exports",
    "/",
    "/sign-in",
    "/account",
    "/leads/{id}/qualify",
    "/accounts",
    "/accounts/{id}",
    "/contacts",
    "/contacts/{id}",
    "/contacts/{id}/edit",
    "/opportunities",
    "/opportunities/{id}",
    "/opportunities/{id}/edit",
    "/leads",
    "/leads/new",
    "/leads/{id}",
    "/leads/{id}/edit",
    "/admin",
    "/admin/users",
    "/admin/users/{id}",
    "/admin/teams",
    "/admin/sources",
    "/admin/settings",
];

#[tokio::test]
async fn every_endpoint_and_page_is_listed() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    let listed: BTreeSet<String> = LEAD_ENDPOINTS
        .iter()
        .chain(&LEAD_STATUS_ENDPOINTS)
        .chain(&NOTE_ENDPOINTS)
        .chain(&LIST_ENDPOINTS)
        .chain(&RECORD_ENDPOINTS)
        .chain(&RECORD_LISTS)
        .chain(&LEAD_AREA_ENDPOINTS)
        .chain(&PUBLIC_ENDPOINTS)
        .chain(&ACCOUNT_ENDPOINTS)
        .chain(&ADMIN_ENDPOINTS)
        .chain(&SETTINGS_ENDPOINTS)
        .map(|p| p.to_string())
        .collect();
    assert_eq!(
        registered, listed,
        "a server function is missing from (or stale in) the access matrix"
    );
    let routes: BTreeSet<String> = leadline::serve::route_list()
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    let pages: BTreeSet<String> = PAGES.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        routes, pages,
        "a page is missing from (or stale in) the access matrix"
    );
}

/// Runs the whole matrix on one database.
async fn matrix(app: TestApp) {
    let w = World::new(app).await;
    lead_endpoints(&w).await;
    note_endpoints(&w).await;
    list_endpoints(&w).await;
    conversion_and_records(&w).await;
    lead_area_endpoints(&w).await;
    public_endpoints(&w).await;
    admin_endpoints(&w).await;
    pages(&w).await;
    w.app.finish().await;
}

async fn lead_endpoints(w: &World) {
    for actor in ACTORS {
        for (n, target) in TARGETS.into_iter().enumerate() {
            let cell = format!("{actor:?} on {target:?}");
            let expect = |status: u16| match actor {
                Actor::Anonymous => assert_eq!(status, 401, "{cell}"),
                _ if may_see(actor, target) => assert_eq!(status, 200, "{cell}"),
                _ => assert_eq!(status, 404, "{cell}: must not reveal the lead"),
            };
            let ids = w.leads(&format!("{actor:?}{n}")).await;
            let id = ids[n].1;
            let (status, body) = w.call(actor, "/api/leads/get", &format!("id={id}")).await;
            expect(status);
            if status == 404 {
                assert!(!body.contains(&format!("{target:?}")), "{cell}: {body}");
            }
            let version = w.version(id).await;
            let (status, _) = w
                .call(
                    actor,
                    "/api/leads/update",
                    &format!("id={id}&version={version}&form[name]=Edited"),
                )
                .await;
            expect(status);
            let edited = w.version(id).await != version;
            assert_eq!(edited, status == 200, "{cell}: only an allowed edit lands");
            let (status, _) = w
                .call(actor, "/api/leads/notes", &format!("lead_id={id}"))
                .await;
            expect(status);
            let (status, _) = w
                .call(
                    actor,
                    "/api/leads/add_note",
                    &format!("lead_id={id}&body=Called"),
                )
                .await;
            expect(status);
            // A mass action over the lead: it changes what the actor may
            // change and refuses the rest without naming it.
            let version = w.version(id).await;
            let request = MassRequest {
                target: MassTarget::Ids(vec![id]),
                action: MassAction::SetStatus(LeadStatus::Canceled),
            };
            let cookie = w.cookie(actor).await;
            let (status, body) = w
                .app
                .send(call_json(
                    "/api/leads/mass",
                    &serde_json::json!({ "request": request }).to_string(),
                    cookie.as_deref(),
                ))
                .await;
            if actor == Actor::Anonymous {
                assert_eq!(status, 401, "{cell}");
            } else {
                assert_eq!(status, 200, "{cell}: {body}");
                let summary: MassSummary = serde_json::from_str(&body).unwrap();
                let allowed = may_see(actor, target);
                assert_eq!(summary.changed, usize::from(allowed), "{cell}: {body}");
                assert_eq!(summary.refused, usize::from(!allowed), "{cell}: {body}");
                assert!(
                    summary.refusals.iter().all(|r| r.name.is_none()),
                    "{cell}: {body}"
                );
                assert_eq!(w.version(id).await != version, allowed, "{cell}");
            }
            let (status, _) = w
                .call(actor, "/api/leads/delete", &format!("id={id}"))
                .await;
            expect(status);
            let gone = leads::load_lead(&w.app.store, Scope::All, id)
                .await
                .is_err();
            assert_eq!(gone, status == 200, "{cell}: only an allowed delete lands");
        }
    }
}

/// Notes: whoever may see the lead reads them; only the author changes one.
async fn note_endpoints(w: &World) {
    let ids = w.leads("notes").await;
    let admin = w.id(Actor::Admin).unwrap();
    for actor in ACTORS {
        for (target, id) in ids {
            let cell = format!("{actor:?} on {target:?}'s note");
            let note = leads::add_note(&w.app.store, id, admin, "The admin's note")
                .await
                .unwrap();
            for path in NOTE_ENDPOINTS {
                let (status, body) = w
                    .call(actor, path, &format!("id={}&body=Changed", note.id))
                    .await;
                let expected = match actor {
                    Actor::Anonymous => 401,
                    Actor::Admin => 200,
                    _ if may_see(actor, target) => 409,
                    _ => 404,
                };
                assert_eq!(status, expected, "{cell} {path}: {body}");
            }
        }
    }
}

/// List settings and views are the user's own.
async fn list_endpoints(w: &World) {
    let admin_view = leads::save_view(
        &w.app.store,
        w.id(Actor::Admin).unwrap(),
        "Admin's",
        "status=new",
        false,
    )
    .await
    .unwrap();
    for actor in ACTORS {
        if actor == Actor::Anonymous {
            for path in LIST_ENDPOINTS {
                assert_eq!(w.call(actor, path, "").await.0, 401, "{path}");
            }
            continue;
        }
        let (status, body) = w.call(actor, "/api/leads/list_settings", "").await;
        assert_eq!(status, 200, "{actor:?}: {body}");
        let (status, body) = w
            .call(
                actor,
                "/api/leads/save_view",
                "name=Mine&query=status%3Dnew&is_default=true",
            )
            .await;
        assert_eq!(status, 200, "{actor:?}: {body}");
        let mine = json_id(&body);
        assert_eq!(
            w.call(actor, "/api/leads/default_view", &format!("id={mine}"))
                .await
                .0,
            200
        );
        assert_eq!(
            w.call(actor, "/api/leads/save_columns", "columns=name,status")
                .await
                .0,
            200
        );
        assert_eq!(
            w.call(actor, "/api/leads/charts", "filter=status%3Dnew")
                .await
                .0,
            200
        );
        if actor != Actor::Admin {
            // Another user's view cannot be made default or deleted.
            for path in ["/api/leads/default_view", "/api/leads/delete_view"] {
                let (status, body) = w.call(actor, path, &format!("id={}", admin_view.id)).await;
                assert_eq!(status, 404, "{actor:?} {path}: {body}");
            }
        }
        assert_eq!(
            w.call(actor, "/api/leads/delete_view", &format!("id={mine}"))
                .await
                .0,
            200
        );
    }
}

async fn lead_area_endpoints(w: &World) {
    let ids = w.leads("area").await;
    for actor in ACTORS {
        let (status, body) = w.call(actor, "/api/leads/list", "page[limit]=200").await;
        if actor == Actor::Anonymous {
            assert_eq!(status, 401);
            for path in ["/leads/export.csv", "/leads/template.csv"] {
                let (status, headers) = w.page(actor, path).await;
                assert_eq!(status, 303, "{path} sends the anonymous to sign in");
                assert!(headers["location"]
                    .to_str()
                    .unwrap()
                    .starts_with("/sign-in"));
            }
            for path in LEAD_AREA_ENDPOINTS {
                assert_eq!(w.call(actor, path, "").await.0, 401, "{path}");
            }
            continue;
        }
        assert_eq!(status, 200, "{actor:?}: {body}");
        // The list holds exactly what the actor may see, never more.
        let page: serde_json::Value = serde_json::from_str(&body).unwrap();
        let listed: BTreeSet<i64> = page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .filter(|id| ids.iter().any(|(_, i)| i == id))
            .collect();
        let expected: BTreeSet<i64> = ids
            .iter()
            .filter(|(t, _)| may_see(actor, *t))
            .map(|(_, id)| *id)
            .collect();
        assert_eq!(listed, expected, "{actor:?}'s list");

        // "Export all" holds the same: exactly what the actor may see.
        let cookie = w.cookie(actor).await;
        let (status, _, csv) = w
            .app
            .send_full(get("/leads/export.csv?all=1", cookie.as_deref()))
            .await;
        assert_eq!(status, 200, "{actor:?}: {csv}");
        let exported: BTreeSet<i64> = csv
            .lines()
            .skip(1)
            .filter_map(|line| line.split(',').next()?.parse().ok())
            .filter(|id| ids.iter().any(|(_, i)| i == id))
            .collect();
        assert_eq!(exported, expected, "{actor:?}'s export");

        let (status, body) = w
            .call(
                actor,
                "/api/leads/duplicates",
                "probe[emails][0]=shared-area@example.com",
            )
            .await;
        assert_eq!(status, 200, "{actor:?}");
        let found: BTreeSet<i64> = serde_json::from_str::<Vec<serde_json::Value>>(&body)
            .unwrap()
            .iter()
            .map(|d| d["id"].as_i64().unwrap())
            .collect();
        assert_eq!(found, expected, "{actor:?}'s duplicate check");

        assert_eq!(w.call(actor, "/api/leads/sources", "").await.0, 200);
        let (status, body) = w.call(actor, "/api/leads/assignees", "").await;
        assert_eq!(status, 200);
        let assignable: Vec<i64> = serde_json::from_str::<Vec<serde_json::Value>>(&body)
            .unwrap()
            .iter()
            .map(|a| a["id"].as_i64().unwrap())
            .collect();
        assert_eq!(
            assignable.contains(&w.rep_b),
            matches!(actor, Actor::RepB | Actor::ManagerOther | Actor::Admin),
            "{actor:?} may assign to rep B?"
        );

        // Create: owned by the creator by default.
        let (status, body) = w.call(actor, "/api/leads/create", "form[name]=Mine").await;
        assert_eq!(status, 200, "{actor:?}: {body}");
        let lead = leads::load_lead(&w.app.store, Scope::All, json_id(&body))
            .await
            .unwrap();
        assert_eq!(
            lead.owner.map(|o| o.id),
            w.id(actor),
            "{actor:?} owns what they create"
        );
        // Create for rep B: only B themselves, B's manager and admins may.
        let (status, body) = w
            .call(
                actor,
                "/api/leads/create",
                &format!("form[name]=For+B&form[owner_id]={}", w.rep_b),
            )
            .await;
        let allowed = matches!(actor, Actor::RepB | Actor::ManagerOther | Actor::Admin);
        assert_eq!(
            status,
            if allowed { 200 } else { 422 },
            "{actor:?} assigns to B: {body}"
        );
        if !allowed {
            assert!(body.contains("owner_id"), "{body}");
        }
    }
}

async fn public_endpoints(w: &World) {
    for actor in ACTORS {
        let (status, body) = w.call(actor, "/api/auth/session", "").await;
        assert_eq!(status, 200, "{actor:?}");
        let info: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(info["user"]["id"].as_i64(), w.id(actor), "{actor:?}");
        let (status, _) = w
            .call(
                actor,
                "/api/auth/sign_in",
                &format!("form[username]=nobody-{actor:?}&form[password]=wrong-password"),
            )
            .await;
        assert_eq!(status, 422, "{actor:?}: a wrong password is a form error");
        let (status, _) = w.call(actor, "/api/auth/sign_out", "").await;
        assert_eq!(status, 200, "{actor:?}");
        // Changing one's own password needs a session (and the current
        // password: these test users have none, so it is refused).
        let (status, body) = w
            .call(
                actor,
                ACCOUNT_ENDPOINTS[0],
                "current=x&new=a-new-long-password",
            )
            .await;
        let expected = if actor == Actor::Anonymous { 401 } else { 422 };
        assert_eq!(status, expected, "{actor:?}: {body}");
    }
}

async fn admin_endpoints(w: &World) {
    for (n, actor) in ACTORS.into_iter().enumerate() {
        let team = w.app.team(&format!("Spare {n}")).await;
        let empty_team = w.app.team(&format!("Empty {n}")).await;
        let target = w.target_user;
        let calls: [(&str, String); 16] = [
            (ADMIN_ENDPOINTS[0], String::new()),
            (ADMIN_ENDPOINTS[1], format!("id={target}")),
            (
                ADMIN_ENDPOINTS[2],
                format!(
                    "form[username]=new{n}&form[display_name]=New+{n}&form[role]=rep\
                     &form[password]=a-long-password-{n}"
                ),
            ),
            (
                ADMIN_ENDPOINTS[3],
                format!(
                    "id={target}&form[username]=target&form[display_name]=Target+{n}\
                     &form[role]=rep&form[team_id]={team}"
                ),
            ),
            (ADMIN_ENDPOINTS[4], format!("id={target}&active=true")),
            (
                ADMIN_ENDPOINTS[5],
                format!("id={target}&password=another-password-{n}"),
            ),
            (ADMIN_ENDPOINTS[6], String::new()),
            (ADMIN_ENDPOINTS[7], format!("name=Made+{n}")),
            (ADMIN_ENDPOINTS[8], format!("id={team}&name=Renamed+{n}")),
            (ADMIN_ENDPOINTS[9], format!("id={empty_team}")),
            (ADMIN_ENDPOINTS[10], String::new()),
            (ADMIN_ENDPOINTS[11], format!("name=Source+{n}")),
            (ADMIN_ENDPOINTS[12], format!("id=7&name=Partner+{n}")),
            (ADMIN_ENDPOINTS[13], "id=7&retired=false".to_string()),
            (ADMIN_ENDPOINTS[14], String::new()),
            (SETTINGS_ENDPOINTS[0], "enabled=true".to_string()),
        ];
        for (path, body) in calls {
            let (status, answer) = w.call(actor, path, &body).await;
            let expected = match actor {
                Actor::Anonymous => 401,
                Actor::Admin => 200,
                _ => 404,
            };
            assert_eq!(status, expected, "{actor:?} → {path}: {answer}");
        }
    }
}

async fn pages(w: &World) {
    let ids = w.leads("pages").await;
    for actor in ACTORS {
        for (target, id) in ids {
            for path in [
                format!("/leads/{id}"),
                format!("/leads/{id}/edit"),
                format!("/leads/{id}/qualify"),
            ] {
                let (status, headers) = w.page(actor, &path).await;
                let expected = match actor {
                    Actor::Anonymous => 303,
                    _ if may_see(actor, target) => 200,
                    _ => 404,
                };
                assert_eq!(status, expected, "{actor:?} → {path}");
                if status == 303 {
                    let location = headers["location"].to_str().unwrap();
                    assert!(
                        location.starts_with("/sign-in?next=%2Fleads%2F"),
                        "{location}"
                    );
                }
            }
        }
        let target = w.target_user;
        let others = [
            ("/".to_string(), 302, 302),
            ("/sign-in".to_string(), 303, 303),
            ("/leads".to_string(), 200, 200),
            ("/leads/new".to_string(), 200, 200),
            ("/leads/board".to_string(), 200, 200),
            ("/account".to_string(), 200, 200),
            ("/accounts".to_string(), 200, 200),
            ("/contacts".to_string(), 200, 200),
            ("/opportunities".to_string(), 200, 200),
            ("/admin".to_string(), 404, 302),
            ("/admin/users".to_string(), 404, 200),
            (format!("/admin/users/{target}"), 404, 200),
            ("/admin/teams".to_string(), 404, 200),
            ("/admin/sources".to_string(), 404, 200),
            ("/admin/exports".to_string(), 404, 200),
            ("/admin/settings".to_string(), 404, 200),
            ("/no/such/page".to_string(), 404, 404),
        ];
        for (path, non_admin, admin) in others {
            let (status, _) = w.page(actor, &path).await;
            let expected = match actor {
                Actor::Anonymous if path == "/sign-in" => 200,
                Actor::Anonymous => 303,
                Actor::Admin => admin,
                _ => non_admin,
            };
            assert_eq!(status, expected, "{actor:?} → {path}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_matrix_on_sqlite() {
    matrix(TestApp::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_matrix_on_postgres() {
    matrix(TestApp::postgres().await).await;
}

/// A qualify request (JSON) for lead `id` at `version`.
fn qualify_body(id: i64, version: i64, tag: &str) -> String {
    serde_json::json!({
        "request": {
            "lead_id": id,
            "lead_version": version,
            "account": { "kind": "new", "name": format!("Account {tag}") },
            "contact": { "kind": "new", "form": { "last_name": format!("Contact {tag}") } },
            "opportunity": { "name": format!("Deal {tag}") }
        }
    })
    .to_string()
}

/// Status actions and the conversion on each kind of lead, then the
/// account, contact and opportunity it made, for each kind of person.
async fn conversion_and_records(w: &World) {
    for actor in ACTORS {
        for (n, target) in TARGETS.into_iter().enumerate() {
            let cell = format!("{actor:?} on {target:?}");
            let expect = |status: u16, what: &str| match actor {
                Actor::Anonymous => assert_eq!(status, 401, "{cell}: {what}"),
                _ if may_see(actor, target) => assert_eq!(status, 200, "{cell}: {what}"),
                _ => assert_eq!(status, 404, "{cell}: {what} must not reveal the lead"),
            };
            let tag = format!("{actor:?}{n}");
            let id = w.leads(&tag).await[n].1;
            let one = format!("id={id}");
            expect(
                w.call(actor, LEAD_STATUS_ENDPOINTS[0], &one).await.0,
                "qualify_start",
            );
            expect(
                w.call(actor, LEAD_STATUS_ENDPOINTS[4], &one).await.0,
                "history",
            );
            let reason = format!("id={id}&reason=No+budget");
            expect(
                w.call(actor, LEAD_STATUS_ENDPOINTS[2], &reason).await.0,
                "disqualify",
            );
            expect(
                w.call(actor, LEAD_STATUS_ENDPOINTS[3], &one).await.0,
                "reactivate",
            );
            let version = w.version(id).await;
            let cookie = w.cookie(actor).await;
            let (status, body) = w
                .app
                .send(support::call_json(
                    LEAD_STATUS_ENDPOINTS[1],
                    &qualify_body(id, version, &tag),
                    cookie.as_deref(),
                ))
                .await;
            expect(status, &format!("qualify: {body}"));
        }
    }
    // The records each target lead became, qualified by the admin, and
    // owned like their lead (the unassigned lead's made unassigned).
    let admin = w.id(Actor::Admin).unwrap();
    let mut made = Vec::new();
    for (n, (target, id)) in w.leads("records").await.into_iter().enumerate() {
        let version = w.version(id).await;
        let cookie = w.app.session(admin).await;
        let (status, body) = w
            .app
            .send(support::call_json(
                LEAD_STATUS_ENDPOINTS[1],
                &qualify_body(id, version, &format!("records{n}")),
                Some(&cookie),
            ))
            .await;
        assert_eq!(status, 200, "{body}");
        let o = serde_json::from_str::<serde_json::Value>(&body).unwrap()["opportunity_id"]
            .as_i64()
            .unwrap();
        let opp = app::opportunities::store::load_opportunity(&w.app.store, Scope::All, o)
            .await
            .unwrap();
        let (account, contact) = (opp.account.id, opp.contact.unwrap().id);
        if target == Target::Unassigned {
            for (table, id) in [
                ("accounts", account),
                ("contacts", contact),
                ("opportunities", o),
            ] {
                let sql = format!("UPDATE {table} SET owner_id = NULL WHERE id = {id}");
                support::execute(&w.app.store, &sql).await;
            }
        }
        made.push((target, account, contact, o, version));
    }
    for actor in ACTORS {
        for (target, account, contact, o, _) in &made {
            let cell = format!("{actor:?} on {target:?}");
            let expected = match actor {
                Actor::Anonymous => 401,
                _ if may_see(actor, *target) => 200,
                _ => 404,
            };
            let reads = [
                (RECORD_ENDPOINTS[0], format!("id={account}")),
                (RECORD_ENDPOINTS[2], format!("id={contact}")),
                (RECORD_ENDPOINTS[4], format!("id={o}")),
            ];
            for (path, body) in reads {
                assert_eq!(
                    w.call(actor, path, &body).await.0,
                    expected,
                    "{cell}: {path}"
                );
            }
            let version = |table: &'static str, id: i64| async move {
                support::scalar(
                    &w.app.store,
                    &format!("SELECT version FROM {table} WHERE id = {id}"),
                )
                .await
            };
            let writes = [
                (
                    RECORD_ENDPOINTS[1],
                    format!(
                        "id={account}&version={}&name=Renamed+{account}+{actor:?}",
                        version("accounts", *account).await
                    ),
                ),
                (
                    RECORD_ENDPOINTS[3],
                    format!(
                        "id={contact}&version={}&form[last_name]=Renamed",
                        version("contacts", *contact).await
                    ),
                ),
                (
                    RECORD_ENDPOINTS[5],
                    format!(
                        "id={o}&version={}&form[name]=Renamed",
                        version("opportunities", *o).await
                    ),
                ),
            ];
            for (path, body) in writes {
                let (status, answer) = w.call(actor, path, &body).await;
                assert_eq!(status, expected, "{cell}: {path}: {answer}");
            }
            for path in [
                format!("/accounts/{account}"),
                format!("/contacts/{contact}"),
                format!("/contacts/{contact}/edit"),
                format!("/opportunities/{o}"),
                format!("/opportunities/{o}/edit"),
            ] {
                let page = if actor == Actor::Anonymous {
                    303
                } else {
                    expected
                };
                assert_eq!(w.page(actor, &path).await.0, page, "{cell}: {path}");
            }
        }
        // Lists hold exactly what the actor may see.
        for (path, pick) in [
            (RECORD_LISTS[0], 1usize),
            (RECORD_LISTS[1], 2),
            (RECORD_LISTS[2], 3),
        ] {
            let (status, body) = w.call(actor, path, "").await;
            if actor == Actor::Anonymous {
                assert_eq!(status, 401);
                continue;
            }
            assert_eq!(status, 200, "{actor:?} {path}");
            let listed: BTreeSet<i64> = serde_json::from_str::<Vec<serde_json::Value>>(&body)
                .unwrap()
                .iter()
                .map(|r| r["id"].as_i64().unwrap())
                .collect();
            for (target, account, contact, o, _) in &made {
                let id = [0, *account, *contact, *o][pick];
                assert_eq!(
                    listed.contains(&id),
                    may_see(actor, *target),
                    "{actor:?} {path} lists {target:?}'s record?"
                );
            }
        }
    }
}
