use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::{decode_exact, desks};
use crate::crypto::pow::Challenge;
use crate::crypto::AgeCiphertext;
use crate::domain::{b64_decode, Lookup, Recipient, ReportId, Verifier};
use crate::server::limits::IntakeAllowed;
use crate::server::problem::{doc, ApiError};
use crate::server::AppState;
use crate::store::{NewReport, SpentChallenge};

/// A report as a reporter's client sends it (design §4.1). Every binary field is standard base64.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportEnvelope {
    /// The binary age file, encrypted on the reporter's device to the desk's recipient.
    #[schema(
        min_length = 200,
        pattern = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
    )]
    pub ciphertext: String,
    pub receipt: ReceiptIn,
    /// The age X25519 recipient derived from the receipt phrase; desk replies are encrypted to it.
    #[schema(pattern = r"^age1[02-9ac-hj-np-z]{58}$")]
    pub reply_recipient: String,
    pub pow: PowSolution,
}

impl std::fmt::Debug for ReportEnvelope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReportEnvelope(redacted)")
    }
}

/// What the server keeps of a receipt phrase (design §3.1).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptIn {
    /// 16 bytes, base64.
    #[schema(pattern = r"^[A-Za-z0-9+/]{22}==$")]
    pub lookup: String,
    /// SHA-256 of the 32-byte auth key, base64.
    #[schema(pattern = r"^[A-Za-z0-9+/]{43}=$")]
    pub verifier: String,
}

/// A solved proof-of-work challenge.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PowSolution {
    /// The challenge exactly as issued by `GET /api/v1/pow`.
    #[schema(pattern = r"^[A-Za-z0-9+/]{78}==$")]
    pub challenge: String,
    pub nonce: u64,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportCreated {
    /// The report's id: 32 hex digits.
    pub id: String,
}

/// The parts of an envelope, each parsed into a type that cannot be invalid.
struct Parsed {
    ciphertext: AgeCiphertext,
    lookup: Lookup,
    verifier: Verifier,
    reply_recipient: Recipient,
}

fn parse_envelope(state: &AppState, envelope: &ReportEnvelope) -> Result<Parsed, ApiError> {
    Ok(Parsed {
        ciphertext: super::ciphertext_field(
            &envelope.ciphertext,
            "ciphertext",
            state.ciphertext_limits,
        )?,
        lookup: Lookup(decode_exact::<16>(
            &envelope.receipt.lookup,
            "receipt.lookup",
        )?),
        verifier: Verifier(decode_exact::<32>(
            &envelope.receipt.verifier,
            "receipt.verifier",
        )?),
        reply_recipient: Recipient::parse(&envelope.reply_recipient)
            .map_err(|_| ApiError::BadRecipient("reply_recipient"))?,
    })
}

/// Checks the proof-of-work and spends it, before anything else is looked at: it is the cheap check
/// that turns floods away, and once spent, a solution buys exactly one attempt whatever follows.
async fn spend_pow(state: &AppState, pow: &PowSolution) -> Result<(), ApiError> {
    let bytes = b64_decode(&pow.challenge).ok_or(ApiError::NotBase64("pow.challenge"))?;
    let challenge = Challenge::parse(state.pow.key(), &bytes)?;
    let now = crate::time::now_secs();
    challenge.verify(pow.nonce, now)?;
    // A challenge minted while the server was quiet must not be hoarded for a flood.
    if challenge.difficulty().saturating_add(1) < state.pow.difficulty(now) {
        return Err(ApiError::PowStale);
    }
    state
        .store
        .spend_challenge(SpentChallenge::of(&challenge))
        .await?;
    Ok(())
}

/// Stores an encrypted report. Answers 201 only once the report is durably committed.
#[utoipa::path(post, path = "/api/v1/desks/{slug}/reports",
    params(("slug" = String, Path, description = "The desk's short name", example = "gt")),
    request_body = ReportEnvelope,
    responses(
        (status = 201, body = ReportCreated),
        doc::E400, doc::E404, doc::E408, doc::E409, doc::E413, doc::E415, doc::E429, doc::E503,
    ))]
pub async fn submit(
    _allowed: IntakeAllowed,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    envelope: web::Json<ReportEnvelope>,
) -> Result<HttpResponse, ApiError> {
    spend_pow(&state, &envelope.pow).await?;
    let parsed = parse_envelope(&state, &envelope)?;
    let desk = desks::find(&state, &slug).await?;
    let report = NewReport {
        id: ReportId::random(),
        desk: desk.slug,
        key_version: desk.key_version,
        ciphertext: parsed.ciphertext,
        lookup: parsed.lookup,
        verifier: parsed.verifier,
        reply_recipient: parsed.reply_recipient,
        created_at: crate::time::now_bucket(),
    };
    state.store.insert_report(&report).await?;
    state.pow.record_submission(crate::time::now_secs());
    Ok(HttpResponse::Created().json(ReportCreated {
        id: report.id.to_string(),
    }))
}
