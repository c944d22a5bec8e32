//! Export on SQLite and PostgreSQL: arbitrary leads survive export →
//! import (match by Id) unchanged and unduplicated; an edited cell is the
//! only change; a rep's export holds exactly what they may see; a view's
//! export holds the list's rows in the list's order; a reader that goes
//! away stops the export and the audit record says so.

#![cfg(feature = "ssr")]

#[macro_use]
mod common;

use app::{
    leads::{
        csv_file::{read_row, Column, ImportRow},
        export::{run_export, ExportKind, ExportRequest},
        filter::LeadFilter,
        import::{import_rows, RowOutcome},
        model::{AddressInput, EmailInput, LeadForm, LeadPageRequest, PhoneInput, ValidLead},
        store::{self, ExportEnd},
    },
    store::Store,
    users::{
        model::{CurrentUser, Role, Scope, UserForm, ValidUser},
        store as users,
    },
};
use common::TestDb;
use rand::{rngs::SmallRng, Rng, SeedableRng};

async fn add_user(store: &Store, name: &str, role: Role) -> CurrentUser {
    let user = ValidUser::parse(&UserForm {
        username: name.into(),
        display_name: format!("{name} (display)"),
        role: role.code().into(),
        ..Default::default()
    })
    .unwrap();
    let id = users::insert_user(store, &user, None).await.unwrap();
    CurrentUser {
        id,
        username: name.into(),
        display_name: name.into(),
        role,
        team_id: None,
        team_name: None,
    }
}

/// Text a spreadsheet or a CSV parser could trip on.
const TRICKY: [&str; 16] = [
    "=HYPERLINK(\"http://evil.example\")",
    "+1 555 0100",
    "-2+3",
    "@SUM(A1:A9)",
    "'=already quoted",
    "''+twice",
    "say \"hello\", then leave",
    "Müller & Söhne GmbH",
    "Ωmega Ελληνικά",
    "株式会社テスト",
    "شركة الاختبار",
    "Emoji 🚀 Ltd",
    "semi;colon",
    "tab\tinside",
    "back\\slash",
    "plain",
];

fn pick<'a>(rng: &mut SmallRng, values: &[&'a str]) -> &'a str {
    values[rng.gen_range(0..values.len())]
}

/// A random valid lead form full of awkward values.
fn arbitrary_lead(rng: &mut SmallRng, i: usize, owners: &[String]) -> LeadForm {
    let text = |rng: &mut SmallRng| -> String {
        if rng.gen_bool(0.3) {
            String::new()
        } else {
            pick(rng, &TRICKY).replace('\t', " ")
        }
    };
    let emails = (0..rng.gen_range(0..6))
        .map(|n| EmailInput {
            email: format!("p{i}.{n}@x{}.example", rng.gen_range(0..99)),
            primary: false,
        })
        .collect::<Vec<_>>();
    let mut emails = emails;
    if !emails.is_empty() {
        let k = rng.gen_range(0..emails.len());
        emails[k].primary = true;
    }
    let phones = (0..rng.gen_range(0..4))
        .map(|n| PhoneInput {
            phone: format!(
                "+{n}{} ({}) 555-{:04}",
                i % 9 + 1,
                rng.gen_range(100..999),
                n
            ),
            primary: n == 0,
        })
        .collect();
    let addresses = (0..rng.gen_range(0..3))
        .map(|n| AddressInput {
            label: if n == 0 {
                "Head office".into()
            } else {
                text(rng)
            },
            street: text(rng),
            street2: String::new(),
            city: pick(rng, &["Berlin", "Zürich", "東京", "", "São Paulo"]).into(),
            postal_code: pick(rng, &["10115", "-", "", "0042"]).into(),
            region: text(rng),
            country: pick(rng, &["DE", "CH", "JP", "BR", "US"]).into(),
            primary: n == 1,
        })
        .collect();
    let notes = match rng.gen_range(0..4) {
        0 => String::new(),
        1 => "line one\nline two, with \"quotes\"\r\nline three".into(),
        2 => "=1+2\n@mention".into(),
        _ => pick(rng, &TRICKY).into(),
    };
    LeadForm {
        name: format!("{} #{i}", pick(rng, &TRICKY).replace('\t', " ")),
        status: pick(rng, &["new", "qualified", "canceled"]).into(),
        company_name: text(rng),
        source_id: pick(rng, &["", "1", "2", "7"]).into(),
        owner_id: owners[rng.gen_range(0..owners.len())].clone(),
        notes,
        name_prefix: pick(rng, &["", "Dr", "-"]).into(),
        first_name: text(rng),
        middle_name: String::new(),
        last_name: text(rng),
        name_suffix: String::new(),
        job_title: text(rng),
        emails,
        phones,
        twitter: pick(rng, &["", "@handle", "handle"]).into(),
        linkedin: pick(rng, &["", "https://linkedin.example/in/x"]).into(),
        addresses,
        website: pick(rng, &["", "https://acme.example/path?q=1,2"]).into(),
        number_of_employees: pick(rng, &["", "0", "12", "50000"]).into(),
        industry: text(rng),
        tags: pick(rng, &["", "vip", "vip, trade show", "=x, +y"]).into(),
    }
}

/// Runs an export to its end and returns the file.
async fn export_text(store: &Store, scope: Scope, user: i64, request: ExportRequest) -> String {
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    let task = tokio::spawn(run_export(
        store.clone(),
        scope,
        Some(user),
        "web",
        request,
        tx,
        None,
    ));
    let mut text = String::new();
    while let Some(chunk) = rx.recv().await {
        text.push_str(&chunk);
    }
    assert!(matches!(
        task.await.unwrap().unwrap(),
        ExportEnd::Complete(_)
    ));
    text
}

/// The rows of a CSV file as import rows (with the csv crate: an
/// independent reader of what the exporter wrote).
fn parse_csv(text: &str) -> (Vec<String>, Vec<ImportRow>) {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let columns: Vec<Option<Column>> = header.iter().map(|h| Column::from_header(h)).collect();
    assert!(
        columns.iter().all(Option::is_some),
        "every header is known: {header:?}"
    );
    let rows = reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            let cells: Vec<&str> = record.iter().collect();
            read_row(&columns, &cells).unwrap()
        })
        .collect();
    (header, rows)
}

async fn all_leads(store: &Store) -> Vec<app::leads::model::Lead> {
    let ids: Vec<i64> = match store {
        Store::Sqlite(pool) => sqlx::query_scalar("SELECT id FROM leads ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap(),
        Store::Postgres(pool) => sqlx::query_scalar("SELECT id FROM leads ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap(),
    };
    let mut leads = Vec::new();
    for id in ids {
        leads.push(store::load_lead(store, Scope::All, id).await.unwrap());
    }
    leads
}

both!(export_then_import_changes_nothing, |store: &Store| {
    let store = store.clone();
    async move {
        let admin = add_user(&store, "admin-x", Role::Admin).await;
        let rep = add_user(&store, "rep-x", Role::Rep).await;
        let owners = vec![admin.id.to_string(), rep.id.to_string(), "none".into()];
        for seed in 0..3_u64 {
            let mut rng = SmallRng::seed_from_u64(seed);
            for i in 0..40 {
                let form = arbitrary_lead(&mut rng, seed as usize * 100 + i, &owners);
                let lead = ValidLead::parse(&form)
                    .unwrap_or_else(|e| panic!("generated lead {i} is valid: {e:?}"));
                let owner = match lead.owner {
                    app::leads::model::OwnerChoice::User(id) => Some(id),
                    _ => None,
                };
                store::insert_lead(&store, owner, &lead, 1).await.unwrap();
            }
        }
        let before = all_leads(&store).await;
        let text = export_text(
            &store,
            Scope::All,
            admin.id,
            ExportRequest {
                kind: ExportKind::All,
                ..Default::default()
            },
        )
        .await;
        // Formula-looking cells are neutralised in the file…
        assert!(text.contains("'+1 555 0100") || !text.contains("+1 555 0100"));
        assert!(!text.lines().any(|l| l.starts_with('=')));
        let (header, rows) = parse_csv(&text);
        assert!(header.contains(&"Emails 5 Email".to_string()), "{header:?}");
        assert_eq!(rows.len(), before.len());

        // …and the import reads every value back exactly.
        let outcomes = import_rows(&store, &admin, &rows).await.unwrap();
        for (row, outcome) in rows.iter().zip(&outcomes) {
            assert!(
                matches!(outcome, RowOutcome::Unchanged(_)),
                "row {:?} → {outcome:?}",
                row.id
            );
        }
        assert_eq!(
            all_leads(&store).await,
            before,
            "nothing changed, nothing added"
        );

        // An edited cell is the one change an import makes.
        let mut edited = rows.clone();
        let target = edited[0].id.unwrap();
        edited[0].form.job_title = "Chief =Edited Officer".into();
        let outcomes = import_rows(&store, &admin, &edited[..1]).await.unwrap();
        assert_eq!(outcomes, vec![RowOutcome::Updated(target)]);
        let after = store::load_lead(&store, Scope::All, target).await.unwrap();
        assert_eq!(after.job_title.as_deref(), Some("Chief =Edited Officer"));
        let old = before.iter().find(|l| l.id == target).unwrap();
        assert_eq!(after.version, old.version + 1);
        assert_eq!(after.emails, old.emails);
    }
});

both!(
    a_reps_export_holds_only_what_they_may_see,
    |store: &Store| {
        let store = store.clone();
        async move {
            let admin = add_user(&store, "admin-y", Role::Admin).await;
            let rep = add_user(&store, "rep-y", Role::Rep).await;
            let other = add_user(&store, "rep-z", Role::Rep).await;
            let mut visible = Vec::new();
            for (i, owner) in [
                Some(rep.id),
                Some(other.id),
                None,
                Some(admin.id),
                Some(rep.id),
            ]
            .into_iter()
            .enumerate()
            {
                let lead = ValidLead::parse(&LeadForm {
                    name: format!("Lead {i}"),
                    ..Default::default()
                })
                .unwrap();
                let id = store::insert_lead(&store, owner, &lead, 1).await.unwrap();
                if owner.is_none() || owner == Some(rep.id) {
                    visible.push(id);
                }
            }
            let text = export_text(
                &store,
                rep.scope(),
                rep.id,
                ExportRequest {
                    kind: ExportKind::All,
                    ..Default::default()
                },
            )
            .await;
            let (_, rows) = parse_csv(&text);
            let mut ids: Vec<i64> = rows.iter().map(|r| r.id.unwrap()).collect();
            ids.sort();
            assert_eq!(ids, visible);
            let recent = store::recent_exports(&store, 5).await.unwrap();
            assert_eq!(recent[0].rows, visible.len() as i64);
            assert_eq!(recent[0].outcome, "complete");
            assert_eq!(recent[0].user.as_deref(), Some("rep-y (display)"));
        }
    }
);

both!(
    a_view_export_holds_the_lists_rows_in_order,
    |store: &Store| {
        let store = store.clone();
        async move {
            let admin = add_user(&store, "admin-v", Role::Admin).await;
            app::leads::demo::fill(&store, 300, 5).await.unwrap();
            let filter = LeadFilter::from_query("q=a&status=new,canceled").unwrap();
            let mut listed = Vec::new();
            let mut req = LeadPageRequest {
                limit: Some(40),
                filter: filter.clone(),
                ..Default::default()
            };
            loop {
                let page = store::list_leads(&store, Scope::All, &req).await.unwrap();
                listed.extend(
                    page.rows
                        .iter()
                        .map(|r| (r.id, r.name.clone(), r.email.clone())),
                );
                match page.older {
                    Some(cursor) => req.before = Some(cursor),
                    None => break,
                }
            }
            assert!(listed.len() > 20 && listed.len() < 300, "{}", listed.len());
            let text = export_text(
                &store,
                Scope::All,
                admin.id,
                ExportRequest {
                    kind: ExportKind::View,
                    filter: filter.clone(),
                    bom: true,
                    ..Default::default()
                },
            )
            .await;
            assert!(text.starts_with('\u{feff}'));
            let (header, rows) = parse_csv(text.trim_start_matches('\u{feff}'));
            assert_eq!(header[..3], ["Id", "Lead name", "Status Id"]);
            let exported: Vec<(i64, String, Option<String>)> = rows
                .iter()
                .map(|r| {
                    (
                        r.id.unwrap(),
                        r.form.name.clone(),
                        r.form.emails.first().map(|e| e.email.clone()),
                    )
                })
                .collect();
            assert_eq!(exported, listed);
            let count = store::count_filtered(&store, Scope::All, &filter)
                .await
                .unwrap();
            assert_eq!(count as usize, listed.len());
        }
    }
);

both!(a_reader_that_goes_away_stops_the_export, |store: &Store| {
    let store = store.clone();
    async move {
        let admin = add_user(&store, "admin-c", Role::Admin).await;
        app::leads::demo::fill(&store, 3000, 9).await.unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::channel(1);
        let task = tokio::spawn(run_export(
            store.clone(),
            Scope::All,
            Some(admin.id),
            "web",
            ExportRequest {
                kind: ExportKind::All,
                ..Default::default()
            },
            tx,
            None,
        ));
        let header = rx.recv().await.unwrap();
        assert!(header.starts_with("Id,Lead name,"));
        let first = rx.recv().await.unwrap();
        assert_eq!(first.lines().count(), 1, "the first row is sent on its own");
        let running = store::recent_exports(&store, 1).await.unwrap();
        assert_eq!(running[0].outcome, "running");
        drop(rx);
        match task.await.unwrap().unwrap() {
            ExportEnd::Cancelled(rows) => assert!(rows < 3000, "{rows}"),
            other => panic!("expected a cancelled export, got {other:?}"),
        }
        let ended = store::recent_exports(&store, 1).await.unwrap();
        assert_eq!(ended[0].outcome, "cancelled");
        assert!(ended[0].finished_at.is_some());
    }
});
