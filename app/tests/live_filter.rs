//! The list filtered in the browser and the list filtered by the server
//! agree: for the same leads and the same filters and sort, the browser's
//! index (as the server streams it, decoded and filtered by the WASM code's
//! own engine) and the server's keyset pages (SQL with FTS5 / trigram
//! indexes) return the same leads in the same order — on SQLite and on
//! PostgreSQL.

#![cfg(feature = "ssr")]

#[macro_use]
mod common;

use app::{
    leads::{
        demo,
        filter::LeadFilter,
        grid::{GridColumn, GridSort},
        index::{self, Filterer, LeadIndex},
        model::{LeadPageRequest, LeadStatus},
        store::{self as leads, CsvSink},
    },
    store::Store,
    users::{
        model::{Role, Scope, UserForm, ValidUser},
        store as users,
    },
};
use common::TestDb;

async fn add_user(store: &Store, name: &str) -> i64 {
    let user = ValidUser::parse(&UserForm {
        username: name.into(),
        display_name: name.into(),
        role: Role::Rep.code().into(),
        ..Default::default()
    })
    .unwrap();
    users::insert_user(store, &user, None).await.unwrap()
}

/// The browser's index of every lead, as `GET /leads/index` streams it.
async fn browser_index(store: &Store, me: i64) -> LeadIndex {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<String>(4);
    let reader = tokio::spawn(async move {
        let mut text = String::new();
        while let Some(chunk) = rx.recv().await {
            text.push_str(&chunk);
        }
        text
    });
    let mut sink = CsvSink::new(tx, String::new());
    leads::index_leads(store, Scope::All, me, None, &mut sink)
        .await
        .unwrap()
        .expect("the reader stays");
    drop(sink);
    let text = reader.await.unwrap();
    LeadIndex::new(index::decode(&text).expect("a well-formed index"))
}

/// Every page of the server's list for `filter` and `sort`, in order.
async fn server_ids(store: &Store, filter: &LeadFilter, sort: GridSort) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut before = None;
    loop {
        let page = leads::list_leads(
            store,
            Scope::All,
            &LeadPageRequest {
                before: before.clone(),
                limit: Some(200),
                sort: Some(sort),
                filter: filter.clone(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        ids.extend(page.rows.iter().map(|r| r.id));
        match page.older {
            Some(cursor) => before = Some(cursor),
            None => return ids,
        }
    }
}

both!(the_browser_and_the_server_filter_alike, |store: &Store| {
    let store = store.clone();
    async move {
        let me = add_user(&store, "rep-one").await;
        add_user(&store, "rep-two").await;
        demo::fill(&store, 1500, 42).await.unwrap();
        let index = browser_index(&store, me).await;
        assert_eq!(index.len(), 1500);
        let mut filterer = Filterer::default();

        // Words and values that occur in the generated leads.
        let sample = leads::load_lead(&store, Scope::All, 700).await.unwrap();
        let company_word = sample
            .company_name
            .as_deref()
            .and_then(|c| c.split_whitespace().next())
            .unwrap_or("a")
            .to_lowercase();
        let email_part: String = sample
            .emails
            .first()
            .map(|e| {
                e.email
                    .split('@')
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(4)
                    .collect()
            })
            .unwrap_or_default();
        let country = sample.addresses.first().map(|a| a.country.clone());
        let source = index.sources().first().map(|(id, _)| *id);

        let queries = [
            String::new(),
            "status=new".to_string(),
            "status=new,canceled".to_string(),
            format!("q={company_word}"),
            format!("q={}", &company_word[..company_word.len().min(3)]),
            format!("q={email_part}"),
            "q=555".to_string(),
            "owner=me".to_string(),
            "owner=none".to_string(),
            format!("owner={me}&status=qualified"),
            source.map(|s| format!("source={s}")).unwrap_or_default(),
            "source=none".to_string(),
            country.map(|c| format!("country={c}")).unwrap_or_default(),
            "employees_min=50&employees_max=500".to_string(),
            format!(
                "created_from={}",
                (chrono::Utc::now() - chrono::Duration::days(200)).date_naive()
            ),
            format!(
                "created_to={}&q={company_word}",
                (chrono::Utc::now() - chrono::Duration::days(100)).date_naive()
            ),
            "q=zzzz-nothing-matches".to_string(),
        ];
        let sorts = [
            GridSort::default(),
            GridSort {
                column: GridColumn::Name,
                descending: false,
            },
            GridSort {
                column: GridColumn::Company,
                descending: true,
            },
            GridSort {
                column: GridColumn::Status,
                descending: false,
            },
            GridSort {
                column: GridColumn::Country,
                descending: false,
            },
            GridSort {
                column: GridColumn::Owner,
                descending: true,
            },
            GridSort {
                column: GridColumn::Email,
                descending: false,
            },
        ];
        let mut compared = 0;
        let mut non_empty = 0;
        for query in &queries {
            let mut filter = LeadFilter::from_query(query).unwrap();
            filter.resolve_me(me);
            for sort in sorts {
                let result = filterer.run(&index, &filter, sort);
                let in_browser: Vec<i64> = result
                    .rows
                    .iter()
                    .map(|row| index.id_at(*row).unwrap())
                    .collect();
                let on_server = server_ids(&store, &filter, sort).await;
                if in_browser != on_server {
                    let at = in_browser
                        .iter()
                        .zip(&on_server)
                        .position(|(a, b)| a != b)
                        .unwrap_or(in_browser.len().min(on_server.len()));
                    panic!(
                        "filter {query:?}, sort {}: browser ({} rows) and server ({} rows) \
                         differ from position {at}: browser {:?}, server {:?}",
                        sort.code(),
                        in_browser.len(),
                        on_server.len(),
                        &in_browser[at..(at + 5).min(in_browser.len())],
                        &on_server[at..(at + 5).min(on_server.len())],
                    );
                }
                // The counts beside the status filter agree too.
                let counts = leads::count_by_status(&store, Scope::All, &filter)
                    .await
                    .unwrap();
                assert_eq!(
                    counts.per_status,
                    result.status_counts(),
                    "filter {query:?}"
                );
                assert_eq!(counts.total as usize, in_browser.len(), "filter {query:?}");
                compared += 1;
                non_empty += usize::from(!in_browser.is_empty());
            }
        }
        assert_eq!(compared, queries.len() * sorts.len());
        assert!(non_empty > compared / 2, "most filters match something");
        // Statuses are spread over the generated leads.
        let all = filterer.run(&index, &LeadFilter::default(), GridSort::default());
        for status in LeadStatus::ALL {
            assert!(all
                .status_counts()
                .iter()
                .any(|(s, n)| *s == status && *n > 0));
        }
    }
});
