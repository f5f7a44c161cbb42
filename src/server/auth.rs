//! Who is asking: the `SignedIn` extractor turns a `Authorization: Bearer` session token into the
//! account it belongs to, or refuses with 401 before the handler runs. Handlers that take it
//! cannot be reached anonymously; tokens are looked up by their SHA-256, never stored.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use super::problem::{store_failure, ApiError};
use super::AppState;
use crate::crypto::password::AuthKey;
use crate::domain::{AccountStatus, Role, Secret32};
use crate::store::{Account, DeskStore, OwnAccount, Partner, PartnerStore};

/// A request from a signed-in, not disabled account, with the capabilities that account holds.
pub struct SignedIn {
    pub account: Account,
    /// SHA-256 of the session token, to end the session.
    pub session: [u8; 32],
    /// The account's own desk, and nothing of any other.
    pub desk: DeskStore,
    /// What the account may change about itself.
    pub own: OwnAccount,
}

impl FromRequest for SignedIn {
    type Error = ApiError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or(ApiError::Unavailable)?;
            let digest = token.ok_or(ApiError::Unauthorized)?.digest();
            let now = crate::time::now_secs();
            let idle_since = now - i64::from(state.accounts.session_idle_minutes) * 60;
            let sign_in = state.sign_in();
            let account = sign_in
                .session(&digest, now, idle_since)
                .await
                .map_err(store_failure)?
                .ok_or(ApiError::Unauthorized)?;
            // A disabled account's sessions die on its next request, whatever their expiry.
            if account.status == AccountStatus::Disabled {
                sign_in.end_session(&digest).await.map_err(store_failure)?;
                return Err(ApiError::Unauthorized);
            }
            sign_in
                .touch_session(&digest, now)
                .await
                .map_err(store_failure)?;
            let db = state.database();
            Ok(SignedIn {
                desk: db.desk(&account.desk),
                own: sign_in.proven(&account),
                account,
                session: digest,
            })
        })
    }
}

/// A vetted supervisor of the desk the session belongs to.
pub struct Supervisor(pub SignedIn);

impl FromRequest for Supervisor {
    type Error = ApiError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let signed_in = SignedIn::from_request(req, payload);
        Box::pin(async move {
            let signed_in = signed_in.await?;
            let account = &signed_in.account;
            if account.role != Role::Supervisor || account.status != AccountStatus::Vetted {
                return Err(ApiError::Forbidden(
                    "only a vetted supervisor of this desk may do this",
                ));
            }
            Ok(Supervisor(signed_in))
        })
    }
}

/// A vetted account (worker or supervisor): one that holds the desk key.
pub struct Vetted(pub SignedIn);

impl FromRequest for Vetted {
    type Error = ApiError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let signed_in = SignedIn::from_request(req, payload);
        Box::pin(async move {
            let signed_in = signed_in.await?;
            if signed_in.account.status != AccountStatus::Vetted {
                return Err(ApiError::Forbidden(
                    "only vetted accounts of this desk may do this",
                ));
            }
            Ok(Vetted(signed_in))
        })
    }
}

/// The holder of an upload's token, for the upload the path names (`{id}`): an unknown id and a
/// wrong token are the same 404, so a token cannot be tested against other uploads. Only a
/// request that holds one is charged to the global upload quota (`limits::UploadAllowed`).
pub struct Uploader(pub crate::store::UploadStore);

impl FromRequest for Uploader {
    type Error = ApiError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        let id = req
            .match_info()
            .get("id")
            .map(crate::domain::AttachmentId::parse);
        Box::pin(async move {
            let state = state.ok_or(ApiError::Unavailable)?;
            let digest = token.ok_or(ApiError::UploadNotFound)?.digest();
            let id = id.and_then(Result::ok).ok_or(ApiError::UploadNotFound)?;
            let upload = state.intake().upload(&id, digest).await;
            let upload = upload
                .map_err(store_failure)?
                .ok_or(ApiError::UploadNotFound)?;
            state.limits.charge_global(super::limits::Class::Upload)?;
            Ok(Uploader(upload))
        })
    }
}

fn bearer(req: &HttpRequest) -> Option<Secret32> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?;
    Secret32::parse(token).ok()
}

/// Argon2id parameters for the server's hash of an auth key (OWASP's minimum: the auth key is
/// already the output of a 64 MiB Argon2id on the worker's device).
fn hasher() -> argon2::Argon2<'static> {
    let params = argon2::Params::new(19_456, 2, 1, None).unwrap_or_default();
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
}

/// The PHC string the server keeps for an auth key.
pub fn hash_auth_key(key: &AuthKey) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    hasher()
        .hash_password(key.expose(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|_| ApiError::Unavailable)
}

/// Checks an auth key against a PHC string. Unknown accounts are checked against a hash of a
/// random key, so that both failures cost the same time.
pub fn verify_auth_key(phc: &str, key: &AuthKey) -> bool {
    PasswordHash::new(phc)
        .map(|hash| hasher().verify_password(key.expose(), &hash).is_ok())
        .unwrap_or(false)
}

/// A PHC string no auth key matches, made once at start.
pub fn dummy_hash() -> String {
    hash_auth_key(&AuthKey::from_bytes(Secret32::random().digest())).unwrap_or_default()
}

/// A partner organisation, signed in with its API token, and the capability bound to it. Its own
/// table, its own routes: a case worker's session token is never a partner token, nor the other
/// way round.
pub struct PartnerCaller(pub Partner, pub PartnerStore);

impl FromRequest for PartnerCaller {
    type Error = ApiError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or(ApiError::Unavailable)?;
            let digest = token.ok_or(ApiError::Unauthorized)?.digest();
            let partner = state
                .sign_in()
                .partner(&digest)
                .await
                .map_err(store_failure)?
                .ok_or(ApiError::Unauthorized)?;
            // A disabled partner is refused at once, whatever it holds.
            if partner.status != crate::domain::PartnerStatus::Active {
                return Err(ApiError::Unauthorized);
            }
            let store = state.database().partner(&partner);
            Ok(PartnerCaller(partner, store))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_phc_and_verify() {
        let key = AuthKey::from_bytes([7; 32]);
        let phc = hash_auth_key(&key).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_auth_key(&phc, &key));
        assert!(!verify_auth_key(&phc, &AuthKey::from_bytes([8; 32])));
        assert!(!verify_auth_key(&dummy_hash(), &key));
        assert!(!verify_auth_key("garbage", &key));
    }
}
