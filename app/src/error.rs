//! The one error type that crosses the wire, from storage to the browser.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// A problem with one field of a form, CSV row or API call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's key, e.g. `name`, `emails.1.email`, `addresses.0.country`.
    pub field: String,
    /// What is wrong, in words a sales rep understands.
    pub message: String,
}

impl FieldError {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Everything that can go wrong in a request, as the client sees it.
///
/// Database and other internal error text is logged on the server and never
/// sent: `Internal` carries nothing.
#[derive(thiserror::Error, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppError {
    /// The thing asked for does not exist (or the caller may not know it does).
    #[error("not found")]
    NotFound,
    /// Nobody is signed in (or the session ended).
    #[error("your session has ended: please sign in again")]
    Unauthenticated,
    /// The caller may not do this.
    #[error("you are not allowed to do this")]
    Forbidden,
    /// One or more fields are invalid.
    #[error("please correct the highlighted fields")]
    Validation {
        /// Each problem, naming its field.
        fields: Vec<FieldError>,
    },
    /// The request clashes with the current state, e.g. a stale edit.
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts in a short time; the message says when to retry.
    #[error("{0}")]
    TooManyRequests(String),
    /// Something failed on the server; details are in its log.
    #[error("something went wrong on the server; please try again")]
    Internal,
    /// The request could not be sent, decoded or routed.
    #[error("request failed: {0}")]
    Transport(String),
}

impl AppError {
    /// A validation error with a single field problem.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            fields: vec![FieldError::new(field, message)],
        }
    }

    /// The field problems, if this is a validation error.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Self::Validation { fields } => fields,
            _ => &[],
        }
    }

    /// The HTTP status that fits this error.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::NotFound => 404,
            Self::Unauthenticated => 401,
            Self::Forbidden => 403,
            Self::Validation { .. } => 422,
            Self::Conflict(_) => 409,
            Self::TooManyRequests(_) => 429,
            Self::Internal => 500,
            Self::Transport(_) => 400,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        // Malformed arguments are the client's fault: 400, not 500.
        #[cfg(feature = "ssr")]
        if matches!(
            value,
            ServerFnErrorErr::Args(_)
                | ServerFnErrorErr::MissingArg(_)
                | ServerFnErrorErr::Deserialization(_)
        ) && !crate::state::is_plain_form_post()
        {
            crate::state::set_status(400);
        }
        Self::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::RowNotFound => Self::NotFound,
            other => {
                tracing::error!(error = %other, "database error");
                Self::Internal
            }
        }
    }
}
