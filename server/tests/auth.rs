//! Signing in and out, sessions, rate limits, cross-site requests and the
//! "Enable leads" switch, through the real router on SQLite and PostgreSQL.

mod support;

use app::users::{
    api::{ACCOUNT_FAILURES, ADDRESS_FAILURES, WRONG_CREDENTIALS},
    auth::{hash_password, token_hash, unix_now},
    model::Role,
    store as users,
};
use axum::{body::Body, http::Request};
use support::{call, get, TestApp, HOST};

const PASSWORD: &str = "correct horse battery";

/// Runs a test body on both databases.
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = TestApp::sqlite().await;
                ($body)(&app).await;
                app.finish().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let app = TestApp::postgres().await;
                ($body)(&app).await;
                app.finish().await;
            }
        }
    };
}

/// Adds a user who can sign in with `PASSWORD`.
async fn user(app: &TestApp, name: &str, role: Role) -> i64 {
    let hash = hash_password(PASSWORD).await.unwrap();
    app.user_with_hash(name, role, Some("North"), Some(&hash))
        .await
}

/// Signs in; returns status, the session cookie (if one was set) and body.
async fn sign_in(app: &TestApp, name: &str, password: &str) -> (u16, Option<String>, String) {
    let body = format!(
        "form[username]={name}&form[password]={}",
        url::form_urlencoded::byte_serialize(password.as_bytes()).collect::<String>()
    );
    let (status, headers, body) = app.send_full(call("/api/auth/sign_in", &body, None)).await;
    let cookie = headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("leadline_session=") && !v.starts_with("leadline_session=;"))
        .map(|v| v.split(';').next().unwrap().to_string());
    if let Some(header) = headers.get("set-cookie") {
        let header = header.to_str().unwrap();
        assert!(
            header.contains("HttpOnly") && header.contains("SameSite=Lax"),
            "{header}"
        );
    }
    (status, cookie, body)
}

both!(
    a_user_signs_in_sees_the_app_and_signs_out,
    |app: &TestApp| {
        let app = app.clone_handle();
        async move {
            user(&app, "alice", Role::Rep).await;
            let (status, cookie, body) = sign_in(&app, "Alice", PASSWORD).await;
            assert_eq!(status, 200, "{body}");
            let cookie = cookie.expect("a session cookie");
            let (status, html) = app.send(get("/leads", Some(&cookie))).await;
            assert_eq!(status, 200);
            assert!(html.contains("alice (test)"), "the header names the user");
            assert!(html.contains("Sign out"));

            let (status, _) = app
                .send(call("/api/auth/sign_out", "", Some(&cookie)))
                .await;
            assert_eq!(status, 200);
            let (status, headers, _) = app.send_full(get("/leads", Some(&cookie))).await;
            assert_eq!(status, 303, "the old cookie no longer works");
            assert_eq!(headers["location"], "/sign-in?next=%2Fleads");
        }
    }
);

both!(
    wrong_password_and_unknown_user_read_the_same,
    |app: &TestApp| {
        let app = app.clone_handle();
        async move {
            user(&app, "bob", Role::Rep).await;
            let (status, cookie, wrong) = sign_in(&app, "bob", "not the password").await;
            assert_eq!((status, cookie), (422, None));
            let (status, _, unknown) = sign_in(&app, "nobody-here", "not the password").await;
            assert_eq!(status, 422);
            assert_eq!(
                wrong, unknown,
                "the answer must not reveal which usernames exist"
            );
            assert!(wrong.contains(WRONG_CREDENTIALS));
        }
    }
);

both!(
    a_deactivated_user_cannot_sign_in_and_their_sessions_end,
    |app: &TestApp| {
        let app = app.clone_handle();
        async move {
            let id = user(&app, "carol", Role::Rep).await;
            let (_, cookie, _) = sign_in(&app, "carol", PASSWORD).await;
            let cookie = cookie.unwrap();
            assert_eq!(app.send(get("/leads", Some(&cookie))).await.0, 200);

            let admin = user(&app, "root", Role::Admin).await;
            let admin_cookie = app.session(admin).await;
            let (status, body) = app
                .send(call(
                    "/api/admin/users/set_active",
                    &format!("id={id}&active=false"),
                    Some(&admin_cookie),
                ))
                .await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(app.send(get("/leads", Some(&cookie))).await.0, 303);
            let (status, body) = app.send(call("/api/leads/list", "", Some(&cookie))).await;
            assert_eq!(status, 401, "{body}");
            let (status, _, body) = sign_in(&app, "carol", PASSWORD).await;
            assert_eq!(status, 422);
            assert!(body.contains(WRONG_CREDENTIALS));
        }
    }
);

both!(the_last_admin_cannot_be_removed, |app: &TestApp| {
    let app = app.clone_handle();
    async move {
        let admin = user(&app, "only-admin", Role::Admin).await;
        let other = user(&app, "helper", Role::Rep).await;
        let cookie = app.session(admin).await;
        let (status, body) = app
            .send(call(
                "/api/admin/users/set_active",
                &format!("id={admin}&active=false"),
                Some(&cookie),
            ))
            .await;
        assert_eq!(status, 409, "{body}");
        let (status, body) = app
            .send(call(
                "/api/admin/users/update",
                &format!(
                    "id={admin}&form[username]=only-admin&form[display_name]=Me&form[role]=rep"
                ),
                Some(&cookie),
            ))
            .await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains("at least one active admin"), "{body}");
        // With a second admin, the first may step down.
        users::update_user(
            &app.store,
            other,
            &app::users::model::ValidUser::parse(&app::users::model::UserForm {
                username: "helper".into(),
                display_name: "Helper".into(),
                role: "admin".into(),
                ..Default::default()
            })
            .unwrap(),
        )
        .await
        .unwrap();
        let (status, body) = app
            .send(call(
                "/api/admin/users/update",
                &format!(
                    "id={admin}&form[username]=only-admin&form[display_name]=Me&form[role]=rep"
                ),
                Some(&cookie),
            ))
            .await;
        assert_eq!(status, 200, "{body}");
    }
});

both!(
    failed_sign_ins_are_limited_per_account_and_per_address,
    |app: &TestApp| {
        let app = app.clone_handle();
        async move {
            user(&app, "dave", Role::Rep).await;
            for _ in 0..ACCOUNT_FAILURES {
                assert_eq!(sign_in(&app, "dave", "guess-guess").await.0, 422);
            }
            // Locked now, even with the right password.
            let (status, cookie, body) = sign_in(&app, "dave", PASSWORD).await;
            assert_eq!((status, cookie), (429, None), "{body}");
            assert!(
                body.contains("Too many failed sign-in attempts. Try again in 15 minutes"),
                "{body}"
            );

            // Other accounts from the same address still work until the
            // address itself has failed too often.
            user(&app, "erin", Role::Rep).await;
            assert_eq!(sign_in(&app, "erin", PASSWORD).await.0, 200);
            for n in ACCOUNT_FAILURES..ADDRESS_FAILURES {
                let status = sign_in(&app, &format!("ghost{n}"), "guess-guess").await.0;
                assert_eq!(status, 422);
            }
            assert_eq!(sign_in(&app, "erin", PASSWORD).await.0, 429);
        }
    }
);

both!(
    tampered_and_expired_cookies_send_the_user_to_sign_in,
    |app: &TestApp| {
        let app = app.clone_handle();
        async move {
            let id = user(&app, "frank", Role::Rep).await;
            let tampered = "leadline_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
            let (status, headers, _) = app.send_full(get("/leads/new", Some(tampered))).await;
            assert_eq!(status, 303);
            assert_eq!(headers["location"], "/sign-in?next=%2Fleads%2Fnew");
            let cleared = headers["set-cookie"].to_str().unwrap();
            assert!(cleared.starts_with("leadline_session=;") && cleared.contains("Max-Age=0"));

            let token = "expired-token-expired-token-expired-token-x";
            let now = unix_now();
            users::insert_session(&app.store, &token_hash(token), id, now - 100, now - 1)
                .await
                .unwrap();
            let expired = format!("leadline_session={token}");
            assert_eq!(app.send(get("/leads", Some(&expired))).await.0, 303);
            assert_eq!(
                app.send(call("/api/leads/list", "", Some(&expired)))
                    .await
                    .0,
                401
            );
        }
    }
);

both!(
    sessions_live_in_the_database_and_survive_a_restart,
    |app: &TestApp| {
        let app = app.clone_handle();
        async move {
            user(&app, "gina", Role::Rep).await;
            let (_, cookie, _) = sign_in(&app, "gina", PASSWORD).await;
            // A second router on the same database: another instance, or the
            // same one after a restart.
            let other = app.second_instance().await;
            assert_eq!(other.send(get("/leads", cookie.as_deref())).await.0, 200);
        }
    }
);

both!(a_cross_site_request_is_refused, |app: &TestApp| {
    let app = app.clone_handle();
    async move {
        let id = user(&app, "hank", Role::Admin).await;
        let cookie = app.session(id).await;
        let forged = |origin: Option<&str>| {
            let mut req = Request::post("/api/leads/create")
                .header("host", HOST)
                .header("cookie", &cookie)
                .header("content-type", "application/x-www-form-urlencoded");
            if let Some(origin) = origin {
                req = req.header("origin", origin);
            }
            req.body(Body::from("form[name]=Forged")).unwrap()
        };
        for origin in [Some("https://evil.example"), Some("null"), None] {
            let (status, body) = app.send(forged(origin)).await;
            assert_eq!(status, 403, "{origin:?}: {body}");
            assert!(body.contains("Cross-site request refused"));
        }
        let settings = Request::post("/api/admin/settings/set_leads_enabled")
            .header("host", HOST)
            .header("origin", "https://evil.example")
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from("enabled=false"))
            .unwrap();
        assert_eq!(app.send(settings).await.0, 403);
        let (_, list) = app.send(call("/api/leads/list", "", Some(&cookie))).await;
        assert!(
            list.contains("\"rows\":[]"),
            "nothing forged was stored: {list}"
        );
        assert!(users::leads_enabled(&app.store).await.unwrap());
    }
});

both!(switching_leads_off_hides_the_area, |app: &TestApp| {
    let app = app.clone_handle();
    async move {
        let admin = user(&app, "ivy", Role::Admin).await;
        let rep = user(&app, "jack", Role::Rep).await;
        let (admin, rep) = (app.session(admin).await, app.session(rep).await);
        let (status, _) = app
            .send(call(
                "/api/admin/settings/set_leads_enabled",
                "enabled=false",
                Some(&admin),
            ))
            .await;
        assert_eq!(status, 200);
        for (cookie, name) in [(&admin, "ivy (test)"), (&rep, "jack (test)")] {
            let (status, page) = app.send(get("/leads", Some(cookie))).await;
            assert_eq!(status, 404);
            assert!(page.contains("Not found") && page.contains(name), "{page}");
            assert_eq!(app.send(get("/leads/new", Some(cookie))).await.0, 404);
            assert_eq!(
                app.send(call("/api/leads/list", "", Some(cookie))).await.0,
                404
            );
            let (status, home) = app.send(get("/", Some(cookie))).await;
            assert_eq!(status, 200);
            assert!(home.contains("Leads are switched off"), "{home}");
            assert!(
                !home.contains("href=\"/leads\""),
                "no Leads link in the menu"
            );
        }
        app.send(call(
            "/api/admin/settings/set_leads_enabled",
            "enabled=true",
            Some(&admin),
        ))
        .await;
        assert_eq!(app.send(get("/leads", Some(&rep))).await.0, 200);
    }
});

both!(
    a_user_changes_their_own_password_and_stays_signed_in,
    |app: &TestApp| {
        let app = app.clone_handle();
        async move {
            user(&app, "kim", Role::Rep).await;
            let (_, here, _) = sign_in(&app, "kim", PASSWORD).await;
            let (_, elsewhere, _) = sign_in(&app, "kim", PASSWORD).await;
            let (here, elsewhere) = (here.unwrap(), elsewhere.unwrap());
            let change = |current: &str, new: &str| {
                call(
                    "/api/account/change_password",
                    &format!("current={}&new={new}", current.replace(' ', "+")),
                    Some(&here),
                )
            };
            let (status, body) = app.send(change("wrong one", "brand-new-password")).await;
            assert_eq!(status, 422);
            assert!(body.contains("not your current password"), "{body}");
            let (status, body) = app.send(change(PASSWORD, "short")).await;
            assert_eq!(status, 422);
            assert!(body.contains("at least 10"), "{body}");
            let (status, body) = app.send(change(PASSWORD, "brand-new-password")).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(
                app.send(get("/leads", Some(&here))).await.0,
                200,
                "this session stays"
            );
            assert_eq!(
                app.send(get("/leads", Some(&elsewhere))).await.0,
                303,
                "others end"
            );
            assert_eq!(sign_in(&app, "kim", PASSWORD).await.0, 422);
            assert_eq!(sign_in(&app, "kim", "brand-new-password").await.0, 200);
        }
    }
);
