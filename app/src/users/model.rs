//! Users, teams and roles as the browser and server share them, and the
//! parsers for what an admin types. Nothing secret is `Serialize`: a
//! password only ever travels inside a form, and hashes never leave the
//! server.

use serde::{Deserialize, Serialize};

use crate::{error::FieldError, leads::fields::parse_short_text};

/// What a user may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Works their own leads and unassigned ones.
    Rep,
    /// Sees and reassigns every lead of their team.
    Manager,
    /// Everything, plus users, teams, lead sources and settings.
    Admin,
}

impl Role {
    /// Every role, least powerful first.
    pub const ALL: [Role; 3] = [Role::Rep, Role::Manager, Role::Admin];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Rep => "rep",
            Self::Manager => "manager",
            Self::Admin => "admin",
        }
    }

    /// The label people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Rep => "Sales rep",
            Self::Manager => "Manager",
            Self::Admin => "Admin",
        }
    }

    /// The role with this code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code.trim())
    }
}

/// The signed-in user, as every page and rule sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    /// Id.
    pub id: i64,
    /// Sign-in name.
    pub username: String,
    /// Name shown to others.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Their team, if any.
    pub team_id: Option<i64>,
    /// Their team's name, if any.
    pub team_name: Option<String>,
}

/// What the browser needs to draw the frame: who is signed in, and
/// whether the Leads area is switched on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// The signed-in user (none on the sign-in page).
    pub user: Option<CurrentUser>,
    /// The admin's "Enable leads" setting.
    pub leads_enabled: bool,
}

/// A sign-in name: 2–64 characters of letters, digits, `.`, `_`, `-`, `@`.
/// Unique regardless of case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Username(String);

impl Username {
    /// Parses a typed username (trimmed).
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        let len = value.chars().count();
        if !(2..=64).contains(&len) {
            return Err("A username has 2 to 64 characters".into());
        }
        if !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
        {
            return Err("Use only letters, digits and . _ - @ in a username".into());
        }
        Ok(Self(value.to_string()))
    }

    /// The name as typed.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 10;
/// The longest password accepted (Argon2 takes any length; this bounds the
/// work an attacker can ask for).
pub const MAX_PASSWORD: usize = 256;

/// A new password: 10 to 256 characters, not only spaces. Not trimmed (a
/// password is exactly what was typed) and never serialised.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

impl Password {
    /// Checks a new password against the rules.
    pub fn parse(value: &str) -> Result<Self, String> {
        let len = value.chars().count();
        if len < MIN_PASSWORD {
            Err(format!(
                "A password needs at least {MIN_PASSWORD} characters"
            ))
        } else if len > MAX_PASSWORD {
            Err(format!("A password has at most {MAX_PASSWORD} characters"))
        } else if value.trim().is_empty() {
            Err("A password cannot be only spaces".into())
        } else {
            Ok(Self(value.to_string()))
        }
    }

    /// The password itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A team's name: trimmed, 1–100 characters, unique regardless of case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamName(String);

impl TeamName {
    /// Parses a typed team name.
    pub fn parse(value: &str) -> Result<Self, String> {
        match parse_short_text(value)? {
            None => Err("A team needs a name".into()),
            Some(v) if v.chars().count() > 100 => Err("At most 100 characters".into()),
            Some(v) => Ok(Self(v)),
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A user as the admin screens list them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    /// Id.
    pub id: i64,
    /// Sign-in name.
    pub username: String,
    /// Shown name.
    pub display_name: String,
    /// Email, if known.
    pub email: Option<String>,
    /// Role.
    pub role: Role,
    /// Team id.
    pub team_id: Option<i64>,
    /// Team name.
    pub team_name: Option<String>,
    /// Whether they can sign in.
    pub active: bool,
    /// Whether a password is set.
    pub has_password: bool,
}

/// A team with its head count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Active members.
    pub members: i64,
}

/// Someone a lead can be assigned to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignee {
    /// User id.
    pub id: i64,
    /// Shown name.
    pub display_name: String,
    /// Their team's name.
    pub team_name: Option<String>,
}

/// The admin's user form, as typed. `password` is only read when creating.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserForm {
    /// Sign-in name (create only; fixed afterwards).
    pub username: String,
    /// Shown name.
    pub display_name: String,
    /// Email.
    pub email: String,
    /// Role code.
    pub role: String,
    /// Team id, blank for none.
    pub team_id: String,
    /// Initial password (create only).
    pub password: String,
}

/// A parsed user form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidUser {
    /// Sign-in name.
    pub username: Username,
    /// Shown name.
    pub display_name: String,
    /// Email.
    pub email: Option<String>,
    /// Role.
    pub role: Role,
    /// Team.
    pub team_id: Option<i64>,
}

impl ValidUser {
    /// Parses the profile part of the form (not the password), listing
    /// every problem at once.
    pub fn parse(form: &UserForm) -> Result<Self, Vec<FieldError>> {
        fn take<T>(errors: &mut Vec<FieldError>, field: &str, r: Result<T, String>) -> Option<T> {
            r.map_err(|m| errors.push(FieldError::new(field, m))).ok()
        }
        let mut errors = Vec::new();
        let username = take(&mut errors, "username", Username::parse(&form.username));
        let display_name = take(
            &mut errors,
            "display_name",
            parse_short_text(&form.display_name)
                .and_then(|v| v.ok_or_else(|| "A user needs a name to show".to_string())),
        );
        let email = take(
            &mut errors,
            "email",
            match form.email.trim() {
                "" => Ok(None),
                e => crate::leads::fields::EmailAddress::parse(e).map(|e| Some(e.as_str().into())),
            },
        );
        let role = take(
            &mut errors,
            "role",
            Role::from_code(&form.role).ok_or_else(|| "Choose a role".to_string()),
        );
        let team_id = take(
            &mut errors,
            "team_id",
            match form.team_id.trim() {
                "" => Ok(None),
                id => id
                    .parse::<i64>()
                    .map(Some)
                    .map_err(|_| "Unknown team".to_string()),
            },
        );
        match (username, display_name, email, role, team_id) {
            (Some(username), Some(display_name), Some(email), Some(role), Some(team_id))
                if errors.is_empty() =>
            {
                Ok(Self {
                    username,
                    display_name,
                    email,
                    role,
                    team_id,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Who can see what: the rule every lead query carries into its SQL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every lead (admins).
    All,
    /// Unassigned leads, the user's own, and those owned by members of
    /// `team_id` (managers).
    Team {
        /// The manager.
        user_id: i64,
        /// Their team.
        team_id: i64,
    },
    /// Unassigned leads and the user's own (reps, and managers without a
    /// team).
    Own {
        /// The user.
        user_id: i64,
    },
}

/// Whom a lead is assigned to: the parts of the owner the rules look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ownership {
    /// The owner, if any.
    pub owner_id: Option<i64>,
    /// The owner's team, if any.
    pub owner_team_id: Option<i64>,
}

impl CurrentUser {
    /// Whether this user administers Leadline.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether this user may give leads to other people.
    pub fn may_reassign(&self) -> bool {
        matches!(self.role, Role::Manager | Role::Admin)
    }

    /// The leads this user may see and change.
    pub fn scope(&self) -> Scope {
        match (self.role, self.team_id) {
            (Role::Admin, _) => Scope::All,
            (Role::Manager, Some(team_id)) => Scope::Team {
                user_id: self.id,
                team_id,
            },
            _ => Scope::Own { user_id: self.id },
        }
    }

    /// Whether this user may see (and so change) a lead owned as given.
    pub fn may_access(&self, lead: Ownership) -> bool {
        match (self.scope(), lead.owner_id) {
            (Scope::All, _) | (_, None) => true,
            (Scope::Own { user_id }, Some(owner)) => owner == user_id,
            (Scope::Team { user_id, team_id }, Some(owner)) => {
                owner == user_id || lead.owner_team_id == Some(team_id)
            }
        }
    }

    /// Whether this user may make `target` (active, in team `target_team`)
    /// a lead's owner; the reason if not.
    pub fn may_assign_to(&self, target: i64, target_team: Option<i64>) -> Result<(), String> {
        if target == self.id {
            return Ok(());
        }
        match self.role {
            Role::Admin => Ok(()),
            Role::Manager if self.team_id.is_some() && target_team == self.team_id => Ok(()),
            Role::Manager => Err("You can assign leads only to members of your team".into()),
            Role::Rep => Err("You can assign leads only to yourself".into()),
        }
    }
}

/// The sign-in form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SignInForm {
    /// Username.
    pub username: String,
    /// Password.
    pub password: String,
    /// Where to go after signing in (a path on this site).
    pub next: String,
}

/// The page to go to after signing in: `next` if it is a path on this site,
/// else the leads list. Anything else (`//evil.example`, `https://…`) is
/// ignored, so a crafted link cannot send the user elsewhere.
pub fn safe_next(next: &str) -> String {
    let next = next.trim();
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control());
    if local && !next.starts_with("/sign-in") {
        next.to_string()
    } else {
        "/".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, id: i64, team: Option<i64>) -> CurrentUser {
        CurrentUser {
            id,
            username: format!("u{id}"),
            display_name: format!("User {id}"),
            role,
            team_id: team,
            team_name: None,
        }
    }

    fn owned(owner: Option<i64>, team: Option<i64>) -> Ownership {
        Ownership {
            owner_id: owner,
            owner_team_id: team,
        }
    }

    #[test]
    fn a_rep_sees_their_own_and_unassigned_leads_only() {
        let rep = user(Role::Rep, 2, Some(1));
        assert!(rep.may_access(owned(Some(2), Some(1))));
        assert!(rep.may_access(owned(None, None)));
        assert!(!rep.may_access(owned(Some(3), Some(1))));
    }

    #[test]
    fn a_manager_sees_their_teams_leads_but_not_other_teams() {
        let manager = user(Role::Manager, 5, Some(1));
        assert!(manager.may_access(owned(Some(2), Some(1))));
        assert!(manager.may_access(owned(None, None)));
        assert!(manager.may_access(owned(Some(5), None)));
        assert!(!manager.may_access(owned(Some(3), Some(2))));
        assert!(!manager.may_access(owned(Some(4), None)));
    }

    #[test]
    fn a_manager_without_a_team_is_scoped_like_a_rep() {
        let manager = user(Role::Manager, 5, None);
        assert_eq!(manager.scope(), Scope::Own { user_id: 5 });
        assert!(!manager.may_access(owned(Some(2), None)));
    }

    #[test]
    fn an_admin_sees_everything() {
        let admin = user(Role::Admin, 1, None);
        assert!(admin.may_access(owned(Some(9), Some(7))));
        assert_eq!(admin.scope(), Scope::All);
    }

    #[test]
    fn only_managers_and_admins_assign_to_others() {
        let rep = user(Role::Rep, 2, Some(1));
        assert!(rep.may_assign_to(2, Some(1)).is_ok());
        assert!(rep.may_assign_to(3, Some(1)).is_err());
        let manager = user(Role::Manager, 5, Some(1));
        assert!(manager.may_assign_to(3, Some(1)).is_ok());
        assert!(manager.may_assign_to(4, Some(2)).is_err());
        assert!(user(Role::Admin, 1, None).may_assign_to(4, Some(2)).is_ok());
    }

    #[test]
    fn usernames_are_short_plain_words() {
        assert!(Username::parse(" alice ").is_ok());
        assert!(Username::parse("a").is_err());
        assert!(Username::parse("al ice").is_err());
        assert!(Username::parse("alice.smith@example.com").is_ok());
    }

    #[test]
    fn passwords_need_ten_characters_and_are_not_trimmed() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("          ").is_err());
        assert_eq!(
            Password::parse(" correct horse ").unwrap().expose(),
            " correct horse "
        );
        assert!(format!("{:?}", Password::parse("secret-secret").unwrap()).contains('…'));
    }

    #[test]
    fn a_user_form_lists_every_problem() {
        let errors = ValidUser::parse(&UserForm {
            username: "x".into(),
            email: "nope".into(),
            role: "boss".into(),
            team_id: "t".into(),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["username", "display_name", "email", "role", "team_id"]
        );
    }

    #[test]
    fn next_is_followed_only_within_the_site() {
        assert_eq!(safe_next("/leads/5"), "/leads/5");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next("/sign-in"), "/");
        assert_eq!(safe_next(""), "/");
    }
}
