//! Passwords, session tokens and cookies, and who the current request is:
//! the server-only half of signing in.

use argon2::{
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::{error::AppError, users::model::CurrentUser};

/// The session cookie's name.
pub const COOKIE: &str = "leadline_session";
/// How long a session lasts, in seconds (14 days).
pub const SESSION_SECONDS: i64 = 14 * 24 * 3600;

/// Argon2id with OWASP's recommended minimum: 19 MiB, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password (PHC string) on a blocking thread: it takes tens of
/// milliseconds of CPU on purpose and must not stall the async runtime.
pub async fn hash_password(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|err| {
        tracing::error!(error = %err, "password hashing task failed");
        AppError::Internal
    })?
    .map_err(|err| {
        tracing::error!(error = %err, "password hashing failed");
        AppError::Internal
    })
}

/// A hash of a password nobody knows, verified when the username does not
/// exist so that unknown users cost as much time as wrong passwords.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$\
                          6p+dzR2mKJ3Q4ZbXr1eS0V2pYB3a1u8mWw5k0s9mX0Q";

/// Whether `password` matches `hash` (or the decoy when `hash` is `None`,
/// which never matches), on a blocking thread.
pub async fn verify_password(hash: Option<String>, password: &str) -> Result<bool, AppError> {
    let password = password.to_owned();
    let real = hash.is_some();
    let hash = hash.unwrap_or_else(|| DECOY_HASH.to_string());
    let ok = tokio::task::spawn_blocking(move || match PasswordHash::new(&hash) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(err) => {
            tracing::error!(error = %err, "a stored password hash does not parse");
            false
        }
    })
    .await
    .map_err(|err| {
        tracing::error!(error = %err, "password check task failed");
        AppError::Internal
    })?;
    Ok(ok && real)
}

/// A new random session token (256 bits, URL-safe) and the hash stored
/// for it: a stolen database holds no usable session.
pub fn new_session_token() -> (String, String) {
    use rand::RngCore as _;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// The stored form of a session token: hex SHA-256.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A random password for the first admin: 20 characters from an alphabet
/// without look-alikes.
pub fn generate_password() -> String {
    use rand::Rng as _;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// The `Set-Cookie` value that starts a session.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={SESSION_SECONDS}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The session token in a request's `Cookie` headers, if any.
pub fn cookie_token(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Who made the current request, as the gate found out; put in the
/// request's extensions for pages and server functions.
#[derive(Clone, Debug)]
pub struct RequestAuth {
    /// The signed-in user, if the session is valid.
    pub user: Option<CurrentUser>,
    /// The "Enable leads" setting.
    pub leads_enabled: bool,
    /// The client's address, for rate limiting.
    pub client: String,
    /// Whether the request came over HTTPS (cookies get `Secure`).
    pub secure: bool,
    /// The hash of the session cookie's token, if one was sent.
    pub token_hash: Option<String>,
}

/// What the gate found about the current request.
pub fn request_auth() -> Result<RequestAuth, AppError> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<RequestAuth>().cloned())
        .ok_or_else(|| {
            tracing::error!("the request passed no authentication gate");
            AppError::Internal
        })
}

/// The signed-in user, or `Unauthenticated`. Every server function that is
/// not public starts here.
pub fn current_user() -> Result<CurrentUser, AppError> {
    request_auth()?.user.ok_or(AppError::Unauthenticated)
}

/// The signed-in admin, or `Forbidden`.
pub fn current_admin() -> Result<CurrentUser, AppError> {
    let user = current_user()?;
    if user.is_admin() {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The signed-in user, when the Leads area is switched on (else
/// `NotFound`, as if it did not exist).
pub fn leads_user() -> Result<CurrentUser, AppError> {
    let auth = request_auth()?;
    if !auth.leads_enabled {
        return Err(AppError::NotFound);
    }
    auth.user.ok_or(AppError::Unauthenticated)
}

/// The current time in Unix seconds.
pub fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let hash = hash_password("correct horse battery").await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password(Some(hash.clone()), "correct horse battery")
            .await
            .unwrap());
        assert!(!verify_password(Some(hash), "correct horse").await.unwrap());
    }

    #[test]
    fn the_decoy_hash_is_a_real_argon2id_hash() {
        let parsed = PasswordHash::new(DECOY_HASH).expect("the decoy parses");
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
    }

    #[tokio::test]
    async fn an_unknown_user_never_matches_the_decoy() {
        assert!(!verify_password(None, "anything at all").await.unwrap());
    }

    #[test]
    fn tokens_are_random_and_stored_only_as_hashes() {
        let (a, hash_a) = new_session_token();
        let (b, _) = new_session_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash_a, token_hash(&a));
        assert_eq!(hash_a.len(), 64);
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::COOKIE,
            "theme=dark; leadline_session=abc; other=1".parse().unwrap(),
        );
        assert_eq!(cookie_token(&headers).as_deref(), Some("abc"));
        assert!(session_cookie("t", true).contains("; Secure"));
        assert!(session_cookie("t", false).contains("HttpOnly; SameSite=Lax"));
    }
}
