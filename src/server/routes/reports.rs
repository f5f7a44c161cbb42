use actix_web::{web, HttpResponse};

use super::decode_exact;
use crate::crypto::pow::Challenge;
use crate::crypto::{AgeCiphertext, CiphertextLimits};
use crate::domain::{b64_decode, DeskSlug, Lookup, Recipient, ReportId, Verifier};
use crate::protocol::reports::{PowSolution, ReportCreated, ReportEnvelope};
use crate::server::limits::{Class, IntakeAllowed};
use crate::server::problem::{doc, ApiError, IntakeError};
use crate::server::AppState;
use crate::store::{Intake, IntakeOutcome, NewReport, SpentChallenge};

/// The parts of an envelope, each parsed into a type that cannot be invalid.
pub struct Parsed {
    pub ciphertext: AgeCiphertext,
    pub lookup: Lookup,
    pub verifier: Verifier,
    pub reply_recipient: Recipient,
}

/// Parses every field of an envelope (public for the fuzz target `fuzz/fuzz_targets/envelope.rs`).
pub fn parse_envelope(
    limits: CiphertextLimits,
    envelope: &ReportEnvelope,
) -> Result<Parsed, ApiError> {
    Ok(Parsed {
        ciphertext: super::ciphertext_field(&envelope.ciphertext, "ciphertext", limits)?,
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

/// Checks the proof-of-work: the cheap check that turns floods away, before anything else is
/// looked at. The challenge is then spent in the same commit as the report (or alone, if the
/// envelope is refused), so that one solution buys exactly one attempt whatever follows.
fn verify_pow(state: &AppState, pow: &PowSolution, now: i64) -> Result<Challenge, ApiError> {
    let bytes = b64_decode(&pow.challenge).ok_or(ApiError::NotBase64("pow.challenge"))?;
    let challenge = Challenge::parse(state.pow.key(), &bytes)?;
    challenge.verify(pow.nonce, now)?;
    // A challenge minted while the server was quiet must not be hoarded for a flood.
    if challenge.difficulty().saturating_add(1) < state.pow.difficulty(now) {
        return Err(ApiError::PowStale);
    }
    Ok(challenge)
}

/// Decides whether a submission may use the intake quota everyone shares: only one that shows a
/// solved, fresh challenge this instance has not admitted before — all checked without the
/// database — is charged. Garbage, unsolved or replayed submissions cost the quota nothing, so
/// they cannot starve reporters who did the work.
fn admit(state: &AppState, pow: &PowSolution) -> Result<Challenge, IntakeError> {
    let now = crate::time::now_secs();
    let challenge = verify_pow(state, pow, now)?;
    if state.pow.seen(&challenge, now) {
        return Err(IntakeError::PowReused);
    }
    state.limits.charge_global(Class::Intake)?;
    if !state.pow.admit(&challenge, now) {
        return Err(IntakeError::PowReused);
    }
    // Counted whatever becomes of the envelope: a flood of solved but refused submissions must
    // raise the difficulty too.
    state.pow.record_submission(now);
    Ok(challenge)
}

/// Base64 ciphertexts up to this length are parsed on the async thread that received them.
const INLINE_PARSE_BYTES: usize = 16 * 1024;

/// The report an envelope makes, for the desk in the path. Decoding and checking the ciphertext
/// is CPU work on up to `intake.max_body_bytes`, so it runs off the async threads.
async fn prepare(
    state: &AppState,
    slug: &str,
    envelope: ReportEnvelope,
) -> Result<NewReport, IntakeError> {
    let limits = state.ciphertext_limits;
    // A typical report (a few KiB) parses in microseconds, less than handing it to another
    // thread costs; a large one could hold an async thread, so it is parsed off them.
    let parsed = if envelope.ciphertext.len() <= INLINE_PARSE_BYTES {
        parse_envelope(limits, &envelope)?
    } else {
        web::block(move || parse_envelope(limits, &envelope))
            .await
            .map_err(|_| ApiError::Unavailable)??
    };
    // Whether the desk exists (and has a key) is learnt when the report is inserted, in the same
    // statement that reads its key version.
    let desk = DeskSlug::parse(slug).map_err(|_| IntakeError::DeskNotFound)?;
    Ok(NewReport {
        id: ReportId::random(),
        desk,
        ciphertext: parsed.ciphertext,
        lookup: parsed.lookup,
        verifier: parsed.verifier,
        reply_recipient: parsed.reply_recipient,
        created_at: crate::time::now_bucket(),
    })
}

/// Stores an encrypted report. Answers 201 only once the report is durably committed.
#[utoipa::path(post, path = "/api/v1/desks/{slug}/reports",
    params(("slug" = String, Path, description = "The desk's short name", example = "gt")),
    request_body = ReportEnvelope,
    responses(
        (status = 201, body = ReportCreated),
        doc::E400, doc::E404, doc::E408, doc::E409, doc::E413, doc::E415, doc::E429, doc::E503,
        doc::E507,
    ))]
pub async fn submit(
    _allowed: IntakeAllowed,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, IntakeError> {
    let (pow, envelope) = split_envelope(body.into_inner())?;
    let challenge = admit(&state, &pow)?;
    let prepared = match envelope {
        Ok(envelope) => prepare(&state, &slug, envelope).await,
        Err(malformed) => Err(malformed.into()),
    };
    let (report, refusal) = match prepared {
        Ok(report) => (Some(report), None),
        Err(refusal) => (None, Some(refusal)),
    };
    let id = report.as_ref().map(|r| r.id);
    let intake = Intake {
        spend: SpentChallenge::of(&challenge),
        report,
    };
    match (state.writes.intake(intake).await?, refusal) {
        (IntakeOutcome::ChallengeSpent, _) => Err(IntakeError::PowReused),
        (_, Some(refusal)) => Err(refusal),
        (IntakeOutcome::ReceiptConflict, None) => Err(IntakeError::ReceiptConflict),
        (IntakeOutcome::NoSuchDesk, None) => Err(IntakeError::DeskNotFound),
        (IntakeOutcome::Committed, None) => {
            // Without a refusal there was a report, so it has an id.
            let id = id.ok_or(ApiError::Unavailable)?;
            Ok(HttpResponse::Created().json(ReportCreated { id: id.to_string() }))
        }
    }
}

/// Reads the proof-of-work on its own, then the envelope. A solution buys one attempt whatever
/// becomes of it (docs/protocol.md §4): an envelope that is not well-formed still spends a
/// challenge that was solved, so refusals cannot be replayed for free. Without a readable `pow`
/// there is no challenge to spend, and the request is refused at once.
fn split_envelope(
    body: serde_json::Value,
) -> Result<(PowSolution, Result<ReportEnvelope, ApiError>), ApiError> {
    let malformed = |e: serde_json::Error| {
        ApiError::MalformedRequest(format!("the JSON body is not acceptable: {e}"))
    };
    let pow = body
        .get("pow")
        .cloned()
        .ok_or_else(|| ApiError::MalformedRequest("the JSON body has no `pow`".to_owned()))?;
    let pow: PowSolution = serde_json::from_value(pow).map_err(malformed)?;
    Ok((pow, serde_json::from_value(body).map_err(malformed)))
}
