//! Server functions for signing in and out and for the admin screens
//! (users, teams, lead sources, settings). Admin functions live under
//! `/api/admin/`, which the gate closes to everyone but admins; each also
//! checks `current_admin` itself.

use leptos::prelude::*;

use crate::{
    error::AppError,
    leads::sources::SourceRow,
    users::model::{SessionInfo, SignInForm, Team, UserForm, UserRow},
};

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::{
        state::{redirect_plain_form, run, store as app_store},
        users::{
            auth::{current_admin, request_auth},
            store,
        },
    };

    use crate::error::AppError;

    /// Puts a header on the response.
    pub fn set_cookie(value: String) {
        if let (Some(res), Ok(value)) = (
            leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(&value),
        ) {
            res.append_header(http::header::SET_COOKIE, value);
        }
    }

    /// Parses with `parse`, naming `field` in the error.
    pub fn field<T>(field: &str, parsed: Result<T, String>) -> Result<T, AppError> {
        parsed.map_err(|message| AppError::field(field, message))
    }
}

/// Failed sign-ins allowed per account within `SIGN_IN_WINDOW` seconds.
pub const ACCOUNT_FAILURES: i64 = 5;
/// Failed sign-ins allowed per network address within the window.
pub const ADDRESS_FAILURES: i64 = 20;
/// The rate-limit window, in seconds.
pub const SIGN_IN_WINDOW: i64 = 15 * 60;
/// The answer to a wrong password and to an unknown user alike.
pub const WRONG_CREDENTIALS: &str = "Wrong username or password";

/// Who is signed in, and whether the Leads area is on. Open to anyone.
#[server(endpoint = "auth/session")]
pub async fn get_session() -> Result<SessionInfo, AppError> {
    use ssr::*;
    run(async move {
        let auth = request_auth()?;
        Ok(SessionInfo {
            user: auth.user,
            leads_enabled: auth.leads_enabled,
        })
    })
    .await
}

/// Signs in: checks the password (Argon2id, off the async runtime), starts
/// a session and sets its cookie. Unknown users and wrong passwords get
/// the same answer; too many failures per account or address are refused
/// for a while.
#[server(endpoint = "auth/sign_in")]
pub async fn sign_in(form: SignInForm) -> Result<(), AppError> {
    use ssr::*;
    run(async move {
        use crate::users::{
            auth::{new_session_token, session_cookie, unix_now, verify_password, SESSION_SECONDS},
            model::safe_next,
            store::FailureScope,
        };
        let auth = request_auth()?;
        let store = app_store()?;
        let username = form.username.trim().to_lowercase();
        let mut missing = Vec::new();
        if username.is_empty() {
            missing.push(crate::FieldError::new("username", "Enter your username"));
        }
        if form.password.is_empty() {
            missing.push(crate::FieldError::new("password", "Enter your password"));
        }
        if !missing.is_empty() {
            return Err(AppError::Validation { fields: missing });
        }
        let now = unix_now();
        let since = now - SIGN_IN_WINDOW;
        let checks = [
            (FailureScope::Account, username.as_str(), ACCOUNT_FAILURES),
            (
                FailureScope::Address,
                auth.client.as_str(),
                ADDRESS_FAILURES,
            ),
        ];
        for (scope, subject, limit) in checks {
            let (failures, oldest) = store::count_failures(&store, scope, subject, since).await?;
            if failures >= limit {
                let wait = oldest.unwrap_or(now) + SIGN_IN_WINDOW - now;
                let minutes = (wait + 59) / 60;
                tracing::warn!(?scope, "sign-in refused: too many failures");
                return Err(AppError::TooManyRequests(format!(
                    "Too many failed sign-in attempts. Try again in {minutes} minute{}.",
                    if minutes == 1 { "" } else { "s" }
                )));
            }
        }
        let account = store::load_credentials(&store, &username).await?;
        let hash = account
            .as_ref()
            .filter(|a| a.active)
            .and_then(|a| a.password_hash.clone());
        let matches = verify_password(hash, &form.password).await?;
        let Some(account) = account.filter(|_| matches) else {
            for (scope, subject, _) in checks {
                store::record_failure(&store, scope, subject, now).await?;
            }
            tracing::info!("sign-in failed");
            return Err(AppError::field("password", WRONG_CREDENTIALS));
        };
        store::clear_failures(&store, FailureScope::Account, &username, since).await?;
        let (token, token_hash) = new_session_token();
        store::insert_session(&store, &token_hash, account.id, now, now + SESSION_SECONDS).await?;
        set_cookie(session_cookie(&token, auth.secure));
        tracing::info!(user_id = account.id, "signed in");
        redirect_plain_form(&safe_next(&form.next));
        Ok(())
    })
    .await
}

/// Signs out: ends the session and removes its cookie.
#[server(endpoint = "auth/sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use ssr::*;
    run(async move {
        let auth = request_auth()?;
        if let Some(hash) = &auth.token_hash {
            store::delete_session(&app_store()?, hash).await?;
        }
        set_cookie(crate::users::auth::clear_cookie(auth.secure));
        redirect_plain_form("/sign-in");
        Ok(())
    })
    .await
}

/// Changes the signed-in user's own password, after checking the current
/// one (failures count towards the sign-in limit). Their other sessions
/// end; this one stays.
#[server(endpoint = "account/change_password")]
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    use ssr::*;
    run(async move {
        use crate::users::{
            auth::{current_user, hash_password, unix_now, verify_password},
            model::Password,
            store::FailureScope,
        };
        let user = current_user()?;
        let auth = request_auth()?;
        let store = app_store()?;
        let subject = user.username.to_lowercase();
        let now = unix_now();
        let (failures, _) = store::count_failures(
            &store,
            FailureScope::Account,
            &subject,
            now - SIGN_IN_WINDOW,
        )
        .await?;
        if failures >= ACCOUNT_FAILURES {
            return Err(AppError::TooManyRequests(
                "Too many wrong passwords. Try again in 15 minutes.".into(),
            ));
        }
        let new = field("new", Password::parse(&new))?;
        let hash = store::load_credentials(&store, &user.username)
            .await?
            .and_then(|c| c.password_hash);
        if !verify_password(hash, &current).await? {
            store::record_failure(&store, FailureScope::Account, &subject, now).await?;
            return Err(AppError::field(
                "current",
                "This is not your current password",
            ));
        }
        let hash = hash_password(new.expose()).await?;
        store::set_password(&store, user.id, &hash, auth.token_hash.as_deref()).await?;
        tracing::info!(user_id = user.id, "password changed by its owner");
        redirect_plain_form("/account");
        Ok(())
    })
    .await
}

/// Every user, for the admin.
#[server(endpoint = "admin/users/list")]
pub async fn list_users() -> Result<Vec<UserRow>, AppError> {
    use ssr::*;
    run(async move {
        current_admin()?;
        store::list_users(&app_store()?).await
    })
    .await
}

/// One user, for the admin.
#[server(endpoint = "admin/users/get")]
pub async fn get_user(id: i64) -> Result<UserRow, AppError> {
    use ssr::*;
    run(async move {
        current_admin()?;
        store::load_user(&app_store()?, id).await
    })
    .await
}

/// Creates a user with an initial password; returns the new id.
#[server(endpoint = "admin/users/create")]
pub async fn create_user(form: UserForm) -> Result<i64, AppError> {
    use ssr::*;
    run(async move {
        use crate::users::model::{Password, ValidUser};
        let admin = current_admin()?;
        let user = ValidUser::parse(&form);
        let password = Password::parse(&form.password);
        let (user, password) = match (user, password) {
            (Ok(user), Ok(password)) => (user, password),
            (user, password) => {
                let mut fields = user.err().unwrap_or_default();
                if let Err(message) = password {
                    fields.push(crate::FieldError::new("password", message));
                }
                return Err(AppError::Validation { fields });
            }
        };
        let hash = crate::users::auth::hash_password(password.expose()).await?;
        let id = store::insert_user(&app_store()?, &user, Some(&hash)).await?;
        tracing::info!(user_id = id, by = admin.id, "user created");
        redirect_plain_form(&format!("/admin/users/{id}"));
        Ok(id)
    })
    .await
}

/// Changes a user's name, email, role and team.
#[server(endpoint = "admin/users/update")]
pub async fn update_user(id: i64, form: UserForm) -> Result<(), AppError> {
    use ssr::*;
    run(async move {
        let admin = current_admin()?;
        let user = crate::users::model::ValidUser::parse(&form)
            .map_err(|fields| AppError::Validation { fields })?;
        store::update_user(&app_store()?, id, &user).await?;
        tracing::info!(user_id = id, by = admin.id, "user updated");
        redirect_plain_form(&format!("/admin/users/{id}"));
        Ok(())
    })
    .await
}

/// Deactivates a user (their sessions end at once) or reactivates them.
#[server(endpoint = "admin/users/set_active")]
pub async fn set_user_active(id: i64, active: bool) -> Result<(), AppError> {
    use ssr::*;
    run(async move {
        let admin = current_admin()?;
        if admin.id == id && !active {
            return Err(AppError::Conflict(
                "You cannot deactivate yourself: ask another admin".into(),
            ));
        }
        store::set_user_active(&app_store()?, id, active).await?;
        tracing::info!(
            user_id = id,
            active,
            by = admin.id,
            "user activation changed"
        );
        redirect_plain_form(&format!("/admin/users/{id}"));
        Ok(())
    })
    .await
}

/// Sets a new password for a user; their sessions end.
#[server(endpoint = "admin/users/reset_password")]
pub async fn reset_password(id: i64, password: String) -> Result<(), AppError> {
    use ssr::*;
    run(async move {
        let admin = current_admin()?;
        let password = field("password", crate::users::model::Password::parse(&password))?;
        let hash = crate::users::auth::hash_password(password.expose()).await?;
        store::set_password(&app_store()?, id, &hash, None).await?;
        tracing::info!(user_id = id, by = admin.id, "password reset");
        redirect_plain_form(&format!("/admin/users/{id}"));
        Ok(())
    })
    .await
}

/// Every team.
#[server(endpoint = "admin/teams/list")]
pub async fn list_teams() -> Result<Vec<Team>, AppError> {
    use ssr::*;
    run(async move {
        current_admin()?;
        store::list_teams(&app_store()?).await
    })
    .await
}

/// Adds a team.
#[server(endpoint = "admin/teams/create")]
pub async fn create_team(name: String) -> Result<i64, AppError> {
    use ssr::*;
    run(async move {
        current_admin()?;
        let name = field("name", crate::users::model::TeamName::parse(&name))?;
        let id = store::insert_team(&app_store()?, &name).await?;
        redirect_plain_form("/admin/teams");
        Ok(id)
    })
    .await
}

/// Renames a team.
#[server(endpoint = "admin/teams/rename")]
pub async fn rename_team(id: i64, name: String) -> Result<(), AppError> {
    use ssr::*;
    run(async move {
        current_admin()?;
        let name = field("name", crate::users::model::TeamName::parse(&name))?;
        store::rename_team(&app_store()?, id, &name).await?;
        redirect_plain_form("/admin/teams");
        Ok(())
    })
    .await
}

/// Deletes a team without members.
#[server(endpoint = "admin/teams/delete")]
pub async fn delete_team(id: i64) -> Result<(), AppError> {
    use ssr::*;
    run(async move {
        current_admin()?;
        store::delete_team(&app_store()?, id).await?;
        redirect_plain_form("/admin/teams");
        Ok(())
    })
    .await
}

/// The 200 most recent lead exports (the audit trail of data leaving).
#[server(endpoint = "admin/exports/list")]
pub async fn list_exports() -> Result<Vec<crate::leads::export::ExportEntry>, AppError> {
    use ssr::*;
    run(async move {
        current_admin()?;
        crate::leads::store::recent_exports(&app_store()?, 200).await
    })
    .await
}

/// Every lead source, retired ones too.
#[server(endpoint = "admin/sources/list")]
pub async fn list_all_sources() -> Result<Vec<SourceRow>, AppError> {
    use ssr::*;
    run(async move {
        current_admin()?;
        crate::leads::store::list_all_sources(&app_store()?).await
    })
    .await
}

/// Adds a lead source.
#[server(endpoint = "admin/sources/create")]
pub async fn create_source(name: String) -> Result<i64, AppError> {
    use ssr::*;
    run(async move {
        current_admin()?;
        let name = field("name", crate::leads::sources::parse_source_name(&name))?;
        let id = crate::leads::store::insert_source(&app_store()?, &name).await?;
        redirect_plain_form("/admin/sources");
        Ok(id)
    })
    .await
}

/// Renames a lead source.
#[server(endpoint = "admin/sources/rename")]
pub async fn rename_source(id: i64, name: String) -> Result<(), AppError> {
    use ssr::*;
    run(async move {
        current_admin()?;
        let name = field("name", crate::leads::sources::parse_source_name(&name))?;
        crate::leads::store::rename_source(&app_store()?, id, &name).await?;
        redirect_plain_form("/admin/sources");
        Ok(())
    })
    .await
}

/// Retires a lead source (old leads keep it) or brings it back.
#[server(endpoint = "admin/sources/set_retired")]
pub async fn set_source_retired(id: i64, retired: bool) -> Result<(), AppError> {
    use ssr::*;
    run(async move {
        current_admin()?;
        crate::leads::store::set_source_retired(&app_store()?, id, retired).await?;
        redirect_plain_form("/admin/sources");
        Ok(())
    })
    .await
}

/// Switches the Leads area on or off for everyone.
#[server(endpoint = "admin/settings/set_leads_enabled")]
pub async fn set_leads_enabled(enabled: bool) -> Result<(), AppError> {
    use ssr::*;
    run(async move {
        let admin = current_admin()?;
        store::set_leads_enabled(&app_store()?, enabled).await?;
        tracing::info!(enabled, by = admin.id, "leads area switched");
        redirect_plain_form("/admin/settings");
        Ok(())
    })
    .await
}
