//! Server functions for qualifying leads and for the accounts, contacts
//! and opportunities it creates. Every one starts from the signed-in user
//! (with the Leads area on) and passes their scope to storage.

use leptos::prelude::*;

use crate::{
    accounts::model::{Account, AccountRow},
    contacts::model::{Contact, ContactRow},
    error::AppError,
    leads::{
        model::HistoryEntry,
        qualify::{Qualified, QualifyRequest, QualifyStart},
    },
    opportunities::model::{Opportunity, OpportunityForm, OpportunityRow},
};

/// The most rows a list page shows.
pub const LIST_LIMIT: i64 = 200;

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::{
        opportunities::store as crm,
        state::{announce, redirect_plain_form, run, store as app_store},
        users::auth::leads_user,
    };
}

/// What the qualify wizard starts from: the lead (which must still be
/// qualifiable), the matching account, the contact to keep or link, and
/// possible duplicates.
#[server(endpoint = "leads/qualify_start")]
pub async fn start_qualifying(id: i64) -> Result<QualifyStart, AppError> {
    use ssr::*;
    run(async move {
        use crate::leads::{model::DuplicateProbe, store as leads};
        let user = leads_user()?;
        let store = app_store()?;
        let lead = leads::load_lead(&store, user.scope(), id).await?;
        if let Some(o) = &lead.opportunity {
            return Err(AppError::Conflict(format!(
                "This lead has already been qualified: its opportunity is “{}” (/opportunities/{}).",
                o.name, o.id
            )));
        }
        if !lead.can_qualify() {
            return Err(AppError::Conflict(
                "This lead is disqualified: reactivate it before qualifying.".into(),
            ));
        }
        let probe = DuplicateProbe::of_form(&lead.to_form(), Some(lead.id));
        let matching_account =
            crm::matching_account(&store, user.scope(), lead.company_name.as_deref().unwrap_or("")).await?;
        let duplicate_contacts =
            crm::contacts_matching(&store, user.scope(), &probe.emails, &probe.phones).await?;
        let emails: Vec<String> = lead.emails.iter().map(|e| e.email.clone()).collect();
        let contact_by_email = crm::contacts_matching(&store, user.scope(), &emails, &[])
            .await?
            .into_iter()
            .next();
        Ok(QualifyStart {
            matching_account,
            lead_contact: lead.contact.clone(),
            contact_by_email,
            duplicate_leads: leads::find_duplicates(&store, user.scope(), &probe).await?,
            duplicate_contacts,
            lead,
        })
    })
    .await
}

/// Qualifies a lead as the wizard describes, in one transaction; returns
/// the new opportunity. The request travels as JSON: its choices are
/// tagged enums, which a URL-encoded form cannot carry.
#[server(endpoint = "leads/qualify", input = leptos::server_fn::codec::Json)]
pub async fn qualify_lead(request: QualifyRequest) -> Result<Qualified, AppError> {
    use ssr::*;
    run(async move {
        let user = leads_user()?;
        let plan = request
            .parse()
            .map_err(|fields| AppError::Validation { fields })?;
        let opportunity_id = crm::qualify_lead(&app_store()?, user.scope(), user.id, &plan).await?;
        tracing::info!(
            lead_id = plan.lead_id,
            opportunity_id,
            user_id = user.id,
            "lead qualified"
        );
        announce(vec![plan.lead_id]).await;
        redirect_plain_form(&format!("/opportunities/{opportunity_id}"));
        Ok(Qualified { opportunity_id })
    })
    .await
}

/// Disqualifies a lead, with an optional reason kept in its history.
#[server(endpoint = "leads/disqualify")]
pub async fn disqualify_lead(id: i64, reason: Option<String>) -> Result<i64, AppError> {
    use ssr::*;
    run(async move {
        use crate::leads::{fields::parse_long_text, model::LeadStatus};
        let user = leads_user()?;
        let reason = parse_long_text(reason.as_deref().unwrap_or(""))
            .map_err(|m| AppError::field("reason", m))?;
        let version = crm::set_lead_status(
            &app_store()?,
            user.scope(),
            user.id,
            id,
            LeadStatus::Canceled,
            reason.as_deref(),
        )
        .await?;
        announce(vec![id]).await;
        redirect_plain_form(&format!("/leads/{id}"));
        Ok(version)
    })
    .await
}

/// Sets a qualified or disqualified lead back to New (an opportunity stays).
#[server(endpoint = "leads/reactivate")]
pub async fn reactivate_lead(id: i64) -> Result<i64, AppError> {
    use ssr::*;
    run(async move {
        use crate::leads::model::LeadStatus;
        let user = leads_user()?;
        let version = crm::set_lead_status(
            &app_store()?,
            user.scope(),
            user.id,
            id,
            LeadStatus::New,
            None,
        )
        .await?;
        announce(vec![id]).await;
        redirect_plain_form(&format!("/leads/{id}"));
        Ok(version)
    })
    .await
}

/// A lead's change history, newest first.
#[server(endpoint = "leads/history")]
pub async fn lead_history(id: i64) -> Result<Vec<HistoryEntry>, AppError> {
    use ssr::*;
    run(async move {
        let user = leads_user()?;
        let store = app_store()?;
        crate::leads::store::lead_owner(&store, user.scope(), id).await?;
        crm::lead_history(&store, id).await
    })
    .await
}

/// Accounts whose name contains `text`.
#[server(endpoint = "accounts/list")]
pub async fn list_accounts(#[server(default)] text: String) -> Result<Vec<AccountRow>, AppError> {
    use ssr::*;
    run(async move {
        let user = leads_user()?;
        crm::list_accounts(&app_store()?, user.scope(), &text, LIST_LIMIT).await
    })
    .await
}

/// One account with its contacts and opportunities.
#[server(endpoint = "accounts/get")]
pub async fn get_account(id: i64) -> Result<Account, AppError> {
    use ssr::*;
    run(async move {
        let user = leads_user()?;
        crm::load_account(&app_store()?, user.scope(), id).await
    })
    .await
}

/// Renames an account edited from `version`.
#[server(endpoint = "accounts/rename")]
pub async fn rename_account(id: i64, version: i64, name: String) -> Result<i64, AppError> {
    use ssr::*;
    run(async move {
        let user = leads_user()?;
        let name = crate::accounts::model::AccountName::parse(&name)
            .map_err(|m| AppError::field("name", m))?;
        let version = crm::rename_account(&app_store()?, user.scope(), id, version, &name).await?;
        redirect_plain_form(&format!("/accounts/{id}"));
        Ok(version)
    })
    .await
}

/// Contacts whose name or email contains `text`.
#[server(endpoint = "contacts/list")]
pub async fn list_contacts(#[server(default)] text: String) -> Result<Vec<ContactRow>, AppError> {
    use ssr::*;
    run(async move {
        let user = leads_user()?;
        crm::list_contacts(&app_store()?, user.scope(), &text, LIST_LIMIT).await
    })
    .await
}

/// One contact.
#[server(endpoint = "contacts/get")]
pub async fn get_contact(id: i64) -> Result<Contact, AppError> {
    use ssr::*;
    run(async move {
        let user = leads_user()?;
        crm::load_contact(&app_store()?, user.scope(), id).await
    })
    .await
}

/// Saves a contact edited from `version`.
#[server(endpoint = "contacts/update")]
pub async fn update_contact(
    id: i64,
    version: i64,
    form: crate::contacts::model::ContactForm,
) -> Result<i64, AppError> {
    use ssr::*;
    run(async move {
        let user = leads_user()?;
        let valid = crate::contacts::model::ValidContact::parse(&form, "")
            .map_err(|fields| AppError::Validation { fields })?;
        let version = crm::update_contact(&app_store()?, user.scope(), id, version, &valid).await?;
        redirect_plain_form(&format!("/contacts/{id}"));
        Ok(version)
    })
    .await
}

/// Opportunities whose name or account contains `text`.
#[server(endpoint = "opportunities/list")]
pub async fn list_opportunities(
    #[server(default)] text: String,
) -> Result<Vec<OpportunityRow>, AppError> {
    use ssr::*;
    run(async move {
        let user = leads_user()?;
        crm::list_opportunities(&app_store()?, user.scope(), &text, LIST_LIMIT).await
    })
    .await
}

/// One opportunity.
#[server(endpoint = "opportunities/get")]
pub async fn get_opportunity(id: i64) -> Result<Opportunity, AppError> {
    use ssr::*;
    run(async move {
        let user = leads_user()?;
        crm::load_opportunity(&app_store()?, user.scope(), id).await
    })
    .await
}

/// Saves an opportunity edited from `version`.
#[server(endpoint = "opportunities/update")]
pub async fn update_opportunity(
    id: i64,
    version: i64,
    form: OpportunityForm,
) -> Result<i64, AppError> {
    use ssr::*;
    run(async move {
        let user = leads_user()?;
        let valid = crate::opportunities::model::ValidOpportunity::parse(&form, "")
            .map_err(|fields| AppError::Validation { fields })?;
        let version =
            crm::update_opportunity(&app_store()?, user.scope(), id, version, &valid).await?;
        redirect_plain_form(&format!("/opportunities/{id}"));
        Ok(version)
    })
    .await
}
