//! Every error a client can cause, with its status and a stable problem type (RFC 9457).
//! Bodies are `application/problem+json`; they never carry SQL, paths or stack traces, and the
//! cause of a 503 goes to the log only (where it holds no request data).

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};

use crate::crypto::pow::PowError;
use crate::crypto::CiphertextError;
use crate::protocol::problem::Problem;

mod areas;

pub use areas::{
    store_failure, AccountError, CaseError, FollowupError, IntakeError, KeyError, PartnerError,
};

/// The base of every problem type URI; `docs/api.md` lists them all.
pub const TYPE_BASE: &str = "https://resguardo.invalid/problems/";

#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    MalformedRequest(String),
    #[error("the request body must be application/json")]
    UnsupportedMediaType,
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("`{0}` is not standard base64")]
    NotBase64(&'static str),
    #[error("`{field}` must decode to {expected} bytes")]
    WrongLength {
        field: &'static str,
        expected: usize,
    },
    #[error(transparent)]
    Ciphertext(#[from] CiphertextError),
    #[error("`{0}` is not an age X25519 recipient (age1…)")]
    BadRecipient(&'static str),
    #[error(transparent)]
    Pow(#[from] PowError),
    #[error("this proof-of-work challenge was already used; fetch a new one")]
    PowReused,
    #[error(
        "this proof-of-work challenge is easier than the server now requires; fetch a new one"
    )]
    PowStale,
    #[error("you have sent as many messages to this case as one side may; the other side can still write")]
    ThreadFull,
    #[error("there is no desk with this name")]
    DeskNotFound,
    #[error("no report matches this receipt phrase")]
    ReceiptNotFound,
    #[error("a report with this receipt already exists; generate a new receipt phrase")]
    ReceiptConflict,
    #[error("too many requests; try again in {0} seconds")]
    RateLimited(u64),
    #[error("the request took too long")]
    Timeout,
    #[error("there is nothing at this address")]
    NotFound,
    #[error("sign in first: this needs a valid session")]
    Unauthorized,
    #[error("the desk, user name, password or one-time code is wrong (each code works only once)")]
    LoginFailed,
    #[error("the enrolment code is unknown, used or expired; ask your supervisor for a new one")]
    BadEnrolmentCode,
    #[error(
        "this user name is taken in this desk, and the enrolment code is now used up (so that a \
         code cannot test names); ask your supervisor for a new code and choose another name"
    )]
    UsernameTaken,
    #[error("`{0}` is not a valid {1}")]
    BadField(&'static str, &'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("there is no such account in this desk")]
    AccountNotFound,
    #[error("there is no such case in this desk")]
    CaseNotFound,
    #[error("{0}")]
    KeyConflict(&'static str),
    #[error("there is no such partner in this desk")]
    PartnerNotFound,
    #[error("this desk already has a partner of that name, or of one that looks the same")]
    PartnerNameTaken,
    #[error("there is no such referral")]
    ReferralNotFound,
    #[error("this referral has expired: its content is no longer on the server")]
    ReferralExpired,
    #[error("{0}")]
    ReferralConflict(&'static str),
    #[error("this method is not allowed here")]
    /// Carries the methods the resource does allow, for the `Allow` header.
    MethodNotAllowed(&'static str),
    #[error("the service is temporarily unavailable; try again later")]
    Unavailable,
    #[error("the server has no room to store this now; try again later")]
    StorageFull,
    #[error("a part's body must be application/octet-stream")]
    NotOctetStream,
    #[error("no upload matches this id and token")]
    UploadNotFound,
    #[error("{0}")]
    BadPart(String),
    #[error("part {0} comes next: send the parts in order")]
    PartOutOfOrder(u64),
    #[error("{0}")]
    AttachmentLimit(String),
    #[error("there is no such attachment in this desk")]
    AttachmentNotFound,
    #[error("another part of this upload is being received; send this one after its answer")]
    UploadBusy,
    #[error("an attachment with this id exists; choose another id")]
    AttachmentExists,
    #[error("this attachment's upload is not complete yet")]
    AttachmentIncomplete,
}

impl ApiError {
    /// The last segment of the problem type URI.
    pub fn slug(&self) -> &'static str {
        match self {
            ApiError::MalformedRequest(_) => "malformed-request",
            ApiError::UnsupportedMediaType | ApiError::NotOctetStream => "unsupported-media-type",
            ApiError::PayloadTooLarge(_) => "payload-too-large",
            ApiError::NotBase64(_) => "invalid-encoding",
            ApiError::WrongLength { .. } => "invalid-length",
            ApiError::Ciphertext(_) => "invalid-ciphertext",
            ApiError::BadRecipient(_) => "invalid-recipient",
            ApiError::Pow(PowError::Malformed) => "pow-malformed",
            ApiError::Pow(PowError::Forged) => "pow-forged",
            ApiError::Pow(PowError::Expired) => "pow-expired",
            ApiError::Pow(PowError::Unsolved) => "pow-unsolved",
            ApiError::PowReused => "pow-reused",
            ApiError::PowStale => "pow-stale",
            ApiError::ThreadFull => "thread-full",
            ApiError::DeskNotFound => "desk-not-found",
            ApiError::ReceiptNotFound => "receipt-not-found",
            ApiError::ReceiptConflict => "receipt-conflict",
            ApiError::RateLimited(_) => "rate-limited",
            ApiError::Timeout => "timeout",
            ApiError::NotFound => "not-found",
            ApiError::Unauthorized => "unauthorized",
            ApiError::LoginFailed => "login-failed",
            ApiError::BadEnrolmentCode => "invalid-enrolment-code",
            ApiError::UsernameTaken => "username-taken",
            ApiError::BadField(..) => "invalid-field",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::AccountNotFound => "account-not-found",
            ApiError::CaseNotFound => "case-not-found",
            ApiError::KeyConflict(_) => "key-conflict",
            ApiError::PartnerNotFound => "partner-not-found",
            ApiError::PartnerNameTaken => "partner-name-taken",
            ApiError::ReferralNotFound => "referral-not-found",
            ApiError::ReferralExpired => "referral-expired",
            ApiError::ReferralConflict(_) => "referral-conflict",
            ApiError::MethodNotAllowed(_) => "method-not-allowed",
            ApiError::Unavailable => "service-unavailable",
            ApiError::StorageFull => "storage-full",
            ApiError::UploadNotFound => "upload-not-found",
            ApiError::BadPart(_) => "invalid-part",
            ApiError::PartOutOfOrder(_) => "part-out-of-order",
            ApiError::AttachmentLimit(_) => "attachment-limit",
            ApiError::AttachmentNotFound => "attachment-not-found",
            ApiError::UploadBusy => "upload-busy",
            ApiError::AttachmentExists => "attachment-exists",
            ApiError::AttachmentIncomplete => "attachment-incomplete",
        }
    }

    fn title(&self) -> &'static str {
        match self.status_code() {
            StatusCode::BAD_REQUEST => "The request is not acceptable",
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::UNAUTHORIZED => "Not signed in",
            StatusCode::FORBIDDEN => "Not allowed",
            StatusCode::CONFLICT => "Conflict",
            StatusCode::PAYLOAD_TOO_LARGE => "Request too large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "Unsupported media type",
            StatusCode::TOO_MANY_REQUESTS => "Too many requests",
            StatusCode::METHOD_NOT_ALLOWED => "Method not allowed",
            StatusCode::REQUEST_TIMEOUT => "Request timeout",
            StatusCode::INSUFFICIENT_STORAGE => "Insufficient storage",
            _ => "Service unavailable",
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::UnsupportedMediaType | ApiError::NotOctetStream => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::DeskNotFound | ApiError::ReceiptNotFound | ApiError::NotFound => {
                StatusCode::NOT_FOUND
            }
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::AccountNotFound
            | ApiError::CaseNotFound
            | ApiError::PartnerNotFound
            | ApiError::ReferralNotFound
            | ApiError::UploadNotFound
            | ApiError::AttachmentNotFound => StatusCode::NOT_FOUND,
            ApiError::ReferralExpired => StatusCode::GONE,
            ApiError::ReceiptConflict
            | ApiError::ThreadFull
            | ApiError::UsernameTaken
            | ApiError::KeyConflict(_)
            | ApiError::PartnerNameTaken
            | ApiError::ReferralConflict(_)
            | ApiError::PartOutOfOrder(_)
            | ApiError::AttachmentLimit(_)
            | ApiError::AttachmentIncomplete
            | ApiError::UploadBusy
            | ApiError::AttachmentExists => StatusCode::CONFLICT,
            ApiError::Unauthorized | ApiError::LoginFailed => StatusCode::UNAUTHORIZED,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Timeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::StorageFull => StatusCode::INSUFFICIENT_STORAGE,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let body = Problem {
            kind: format!("{TYPE_BASE}{}", self.slug()),
            title: self.title().to_owned(),
            status: status.as_u16(),
            detail: self.to_string(),
        };
        let mut response = HttpResponse::build(status);
        response.content_type("application/problem+json");
        match self {
            ApiError::RateLimited(secs) => {
                response.insert_header((header::RETRY_AFTER, secs.to_string()));
            }
            ApiError::Unavailable | ApiError::StorageFull => {
                response.insert_header((header::RETRY_AFTER, "30"));
            }
            ApiError::Unauthorized | ApiError::LoginFailed => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::MethodNotAllowed(allowed) => {
                response.insert_header((header::ALLOW, *allowed));
            }
            _ => {}
        }
        response.json(body)
    }
}

/// OpenAPI documentation of problem answers, one type per status, so that each route lists the
/// errors it can give in one line: `responses((status = 200, body = X), doc::E400, doc::E401)`.
pub mod doc {
    use std::collections::BTreeMap;

    use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};

    fn problem(status: u16) -> BTreeMap<String, RefOr<Response>> {
        let content = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build();
        let response = ResponseBuilder::new()
            .description("")
            .content("application/problem+json", content)
            .build();
        BTreeMap::from([(status.to_string(), RefOr::T(response))])
    }

    macro_rules! problem_statuses {
        ($($name:ident => $status:literal),* $(,)?) => {$(
            #[doc = concat!("A ", stringify!($status), " problem document.")]
            pub struct $name;
            impl utoipa::IntoResponses for $name {
                fn responses() -> BTreeMap<String, RefOr<Response>> {
                    problem($status)
                }
            }
        )*};
    }

    problem_statuses!(
        E400 => 400, E401 => 401, E403 => 403, E404 => 404, E408 => 408, E409 => 409,
        E410 => 410, E413 => 413, E415 => 415, E429 => 429, E503 => 503, E507 => 507,
    );
}

/// docs/api.md is what third parties build from: its table of problem types must be exactly the
/// server's, statuses included.
#[cfg(test)]
mod docs_agree {
    use std::collections::BTreeSet;

    use super::*;

    /// One error of every problem type.
    fn examples() -> Vec<ApiError> {
        vec![
            ApiError::MalformedRequest(String::new()),
            ApiError::UnsupportedMediaType,
            ApiError::PayloadTooLarge(0),
            ApiError::NotBase64("x"),
            ApiError::WrongLength {
                field: "x",
                expected: 0,
            },
            ApiError::Ciphertext(CiphertextError::NotAge),
            ApiError::BadRecipient("x"),
            ApiError::Pow(PowError::Malformed),
            ApiError::Pow(PowError::Forged),
            ApiError::Pow(PowError::Expired),
            ApiError::Pow(PowError::Unsolved),
            ApiError::PowReused,
            ApiError::PowStale,
            ApiError::ThreadFull,
            ApiError::DeskNotFound,
            ApiError::ReceiptNotFound,
            ApiError::ReceiptConflict,
            ApiError::RateLimited(1),
            ApiError::Timeout,
            ApiError::NotFound,
            ApiError::Unauthorized,
            ApiError::LoginFailed,
            ApiError::BadEnrolmentCode,
            ApiError::UsernameTaken,
            ApiError::BadField("x", "y"),
            ApiError::Forbidden("x"),
            ApiError::AccountNotFound,
            ApiError::CaseNotFound,
            ApiError::KeyConflict("x"),
            ApiError::PartnerNotFound,
            ApiError::PartnerNameTaken,
            ApiError::ReferralNotFound,
            ApiError::ReferralExpired,
            ApiError::ReferralConflict("x"),
            ApiError::MethodNotAllowed("GET, HEAD"),
            ApiError::Unavailable,
            ApiError::StorageFull,
            ApiError::NotOctetStream,
            ApiError::UploadNotFound,
            ApiError::BadPart(String::new()),
            ApiError::PartOutOfOrder(1),
            ApiError::AttachmentLimit(String::new()),
            ApiError::AttachmentNotFound,
            ApiError::AttachmentIncomplete,
            ApiError::UploadBusy,
            ApiError::AttachmentExists,
        ]
    }

    /// The rows of the table under `## Errors` in docs/api.md: (type, status).
    fn documented() -> BTreeSet<(String, u16)> {
        let api = include_str!("../../docs/api.md");
        let errors = api.split("\n## Errors").nth(1).expect("an Errors section");
        errors
            .lines()
            .take_while(|line| !line.starts_with("## "))
            .filter_map(|line| line.strip_prefix("| `"))
            .map(|row| {
                let cells: Vec<&str> = row.split(" | ").collect();
                let slug = cells[0].trim_end_matches('`').to_owned();
                (slug, cells[1].trim().parse().expect("a status"))
            })
            .collect()
    }

    #[test]
    fn every_problem_type_is_documented_and_every_documented_one_exists() {
        let served: BTreeSet<(String, u16)> = examples()
            .iter()
            .map(|e| (e.slug().to_owned(), e.status_code().as_u16()))
            .collect();
        // `slug()` matches every variant without a wildcard, so a new variant must be named
        // there; counting its literals catches one that `examples()` leaves out.
        let source = include_str!("problem.rs");
        let slug_fn = source.split("pub fn slug").nth(1).unwrap();
        let slug_fn = slug_fn.split("fn title").next().unwrap();
        assert_eq!(slug_fn.matches("=> \"").count(), served.len());
        assert_eq!(served, documented());
    }

    #[test]
    fn every_problem_a_reporter_reads_in_words_is_served() {
        let served: BTreeSet<&str> = examples().iter().map(|e| e.slug()).collect();
        for slug in crate::texts::PROBLEMS {
            assert!(served.contains(slug), "{slug} is a problem type");
        }
    }

    #[test]
    fn headers_on_problems_are_the_documented_ones() {
        let api = include_str!("../../docs/api.md");
        for (error, header, value) in [
            (ApiError::RateLimited(7), "retry-after", "7"),
            (ApiError::Unavailable, "retry-after", "30"),
            (ApiError::StorageFull, "retry-after", "30"),
            (ApiError::Unauthorized, "www-authenticate", "Bearer"),
            (ApiError::MethodNotAllowed("POST"), "allow", "POST"),
        ] {
            let response = error.error_response();
            assert_eq!(response.headers().get(header).unwrap(), value);
            let name = response.headers().get(header).map(|_| header).unwrap();
            let documented = api
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with(&format!("| `{name}` |")));
            assert!(documented, "{header} is in docs/api.md's Headers table");
        }
    }
}
