//! `leadline user …` and the first run: creating the people who sign in.

use std::io::{BufRead as _, IsTerminal as _};

use anyhow::{bail, Context as _};
use app::{
    store::Store,
    users::{
        auth::{generate_password, hash_password},
        model::{Password, TeamName, UserForm, ValidUser},
        store,
    },
    AppError,
};

use crate::cli::UserCommand;

/// Turns an app error into a message for the terminal.
fn explain(err: AppError) -> anyhow::Error {
    match err {
        AppError::Validation { fields } => anyhow::anyhow!(fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; ")),
        other => anyhow::anyhow!("{other}"),
    }
}

/// Reads a new password: the first line of stdin, or a hidden prompt
/// (asked twice) on a terminal.
fn read_password(from_stdin: bool) -> anyhow::Result<Password> {
    let text = if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_string()
    } else {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Password again: ")?;
        if first != second {
            bail!("the two passwords differ");
        }
        first
    };
    Password::parse(&text).map_err(|m| anyhow::anyhow!("{m}"))
}

/// The id of team `name`, created if missing.
async fn team_id(store: &Store, name: &str) -> anyhow::Result<i64> {
    let name = TeamName::parse(name).map_err(|m| anyhow::anyhow!("team: {m}"))?;
    let teams = store::list_teams(store).await.map_err(explain)?;
    if let Some(team) = teams
        .iter()
        .find(|t| t.name.to_lowercase() == name.as_str().to_lowercase())
    {
        return Ok(team.id);
    }
    store::insert_team(store, &name).await.map_err(explain)
}

/// Runs a `user` command.
pub async fn run(store: &Store, command: &UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            username,
            role,
            team,
            display_name,
            email,
            password_stdin,
        } => {
            let team_id = match team {
                Some(name) => Some(team_id(store, name).await?),
                None => None,
            };
            let user = ValidUser::parse(&UserForm {
                username: username.clone(),
                display_name: display_name.clone().unwrap_or_else(|| username.clone()),
                email: email.clone().unwrap_or_default(),
                role: role.clone(),
                team_id: team_id.map(|id| id.to_string()).unwrap_or_default(),
                password: String::new(),
            })
            .map_err(|fields| explain(AppError::Validation { fields }))?;
            let password = read_password(*password_stdin)?;
            let hash = hash_password(password.expose()).await.map_err(explain)?;
            let id = store::insert_user(store, &user, Some(&hash))
                .await
                .map_err(explain)?;
            println!("Added {role} {username} (id {id}).");
        }
        UserCommand::Password {
            username,
            password_stdin,
        } => {
            let Some(id) = store::find_user_id(store, username)
                .await
                .map_err(explain)?
            else {
                bail!("there is no user called {username}");
            };
            let password = read_password(*password_stdin)?;
            let hash = hash_password(password.expose()).await.map_err(explain)?;
            store::set_password(store, id, &hash, None)
                .await
                .map_err(explain)?;
            println!("Password of {username} changed; their sessions have ended.");
        }
        UserCommand::List => {
            for u in store::list_users(store).await.map_err(explain)? {
                println!(
                    "{:<20} {:<28} {:<8} {:<20} {}",
                    u.username,
                    u.display_name,
                    u.role.code(),
                    u.team_name.unwrap_or_else(|| "-".into()),
                    if u.active { "active" } else { "deactivated" }
                );
            }
        }
    }
    Ok(())
}

/// On a database with no admin who can sign in, creates `admin` with a
/// generated password and prints it once. Never a fixed default password.
pub async fn first_run(store: &Store) -> anyhow::Result<()> {
    if store::has_admin(store).await.map_err(explain)? {
        return Ok(());
    }
    if store::find_user_id(store, "admin")
        .await
        .map_err(explain)?
        .is_some()
    {
        println!(
            "No active admin can sign in. Create one with:\n  leadline user add NAME --role admin"
        );
        return Ok(());
    }
    let user = ValidUser::parse(&UserForm {
        username: "admin".into(),
        display_name: "Administrator".into(),
        role: "admin".into(),
        ..Default::default()
    })
    .map_err(|fields| explain(AppError::Validation { fields }))?;
    let password = generate_password();
    let hash = hash_password(&password).await.map_err(explain)?;
    match store::insert_user(store, &user, Some(&hash)).await {
        Ok(_) => {
            println!();
            println!("  ┌──────────────────────────────────────────────────────────┐");
            println!("  │ First run: an admin account was created.                 │");
            println!("  │   username: admin                                        │");
            println!("  │   password: {password}                     │");
            println!("  │ It is shown only this once. Sign in and add your team    │");
            println!("  │ under Admin → Users (or: leadline user add NAME).        │");
            println!("  └──────────────────────────────────────────────────────────┘");
            println!();
            Ok(())
        }
        // Another instance created it at the same moment: it printed it.
        Err(AppError::Validation { .. }) => Ok(()),
        Err(err) => Err(explain(err)),
    }
}
