//! A fresh database per test, on SQLite and on PostgreSQL.

#![allow(dead_code)] // Each test file uses a different part of this.

use app::store::Store;

/// A fresh, migrated database of one kind, dropped at the end.
pub struct TestDb {
    pub store: Store,
    cleanup: Option<(Store, String)>,
    _dir: Option<std::path::PathBuf>,
}

impl TestDb {
    pub async fn sqlite() -> Self {
        let dir = std::env::temp_dir().join(format!("leadline-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("test.db").display());
        let store = Store::connect(&url).await.expect("open sqlite");
        store.migrate().await.expect("migrate sqlite");
        Self {
            store,
            cleanup: None,
            _dir: Some(dir),
        }
    }

    pub async fn postgres() -> Self {
        let admin_url = std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let admin = Store::connect(&admin_url).await.expect(
            "cannot reach PostgreSQL for the storage suite; start it or set TEST_POSTGRES_URL",
        );
        let Store::Postgres(pool) = &admin else {
            panic!("TEST_POSTGRES_URL must be postgres://")
        };
        let name = format!("leadline_test_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(pool)
            .await
            .unwrap();
        let (base, _) = admin_url
            .rsplit_once('/')
            .expect("URL with a database name");
        let store = Store::connect(&format!("{base}/{name}"))
            .await
            .expect("open postgres");
        store.migrate().await.expect("migrate postgres");
        Self {
            store,
            cleanup: Some((admin, name)),
            _dir: None,
        }
    }

    pub async fn finish(self) {
        self.store.close().await;
        if let Some((admin, name)) = self.cleanup {
            if let Store::Postgres(pool) = &admin {
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(pool)
                    .await
                    .unwrap();
            }
            admin.close().await;
        }
        if let Some(dir) = self._dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Runs one async test body against both backends.
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            pub async fn sqlite() {
                let db = TestDb::sqlite().await;
                ($body)(&db.store).await;
                db.finish().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            pub async fn postgres() {
                let db = TestDb::postgres().await;
                ($body)(&db.store).await;
                db.finish().await;
            }
        }
    };
}
