//! Accounts through `SignIn` (enrolment, login throttles, sessions, TOTP steps) and
//! `OwnAccount` (what an account changes about itself), on both backends.

use resguardo::crypto::AgeCiphertext;
use resguardo::domain::{AccountStatus, DeskSlug, Role, Username};
use resguardo::store::{AccountId, NewAccount, StoreError};

use super::{ciphertext, recipient, store_with_desks};
use crate::harness::Backend;

crate::on_both_backends!(enrolment_codes_sessions_and_throttles);

pub(super) fn account(name: &str, id: u8, wrapped: AgeCiphertext) -> NewAccount {
    NewAccount {
        id: AccountId([id; 16]),
        desk: DeskSlug::parse("gt").unwrap(),
        username: Username::parse(name).unwrap(),
        recipient: recipient(),
        wrapped_identity: wrapped,
        auth_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".into(),
        totp_sealed: vec![1, 2, 3],
        unlock_share_sealed: None,
        created_at: 0,
        signing_key: None,
    }
}

async fn enrolment_codes_sessions_and_throttles(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = store_with_desks(backend, dir.path(), &["gt"]).await else {
        return;
    };
    let gt = DeskSlug::parse("gt").unwrap();
    let (gt_desk, store) = (db.desk(&gt), db.sign_in());
    gt_desk
        .create_enrolment_code(&[1; 32], Role::Worker, 1000)
        .await
        .unwrap();
    gt_desk
        .create_enrolment_code(&[2; 32], Role::Supervisor, 1000)
        .await
        .unwrap();

    // A code works once, before it expires.
    let (desk, role) = store
        .enrol(&[1; 32], 10, &account("ana", 1, ciphertext()))
        .await
        .unwrap();
    assert_eq!((desk, role), (gt.clone(), Role::Worker));
    let again = store
        .enrol(&[1; 32], 10, &account("beto", 2, ciphertext()))
        .await;
    assert!(matches!(again, Err(StoreError::Missing(_))));
    let expired = store
        .enrol(&[2; 32], 1000, &account("beto", 2, ciphertext()))
        .await;
    assert!(matches!(expired, Err(StoreError::Missing(_))));

    // A taken user name uses the code up: one code cannot probe names.
    for code in [[3; 32], [4; 32]] {
        gt_desk
            .create_enrolment_code(&code, Role::Worker, 1000)
            .await
            .unwrap();
    }
    let taken = store
        .enrol(&[3; 32], 10, &account("ana", 3, ciphertext()))
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    let spent = store
        .enrol(&[3; 32], 10, &account("carla", 3, ciphertext()))
        .await;
    assert!(matches!(spent, Err(StoreError::Missing(_))), "{spent:?}");
    store
        .enrol(&[4; 32], 10, &account("carla", 3, ciphertext()))
        .await
        .unwrap();

    let ana = store
        .account(&gt, &Username::parse("ana").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (ana.role, ana.status, ana.totp_confirmed),
        (Role::Worker, AccountStatus::Pending, false)
    );
    assert!(store
        .account(&gt, &Username::parse("nadie").unwrap())
        .await
        .unwrap()
        .is_none());

    // A legacy account's signing key is recorded once, never replaced.
    assert_eq!(ana.signing_key, None);
    let key = |seed| {
        resguardo::crypto::signing::public_of(&resguardo::crypto::receipt::identity_from_secret(
            &[seed; 32],
        ))
    };
    let own = store.proven(&ana);
    own.set_signing_key(&key(7)).await.unwrap();
    own.set_signing_key(&key(8)).await.unwrap();
    let recorded = store.account(&gt, &ana.username).await.unwrap().unwrap();
    assert_eq!(recorded.signing_key, Some(key(7)));

    // An account from before unlock shares gets one once, with its new verifier and wrapping,
    // in one statement; a password change then replaces all three.
    assert!(ana.unlock_share_sealed.is_none());
    let wrapped = ciphertext();
    own.add_unlock_share("$argon2id$peppered", &wrapped, &[5; 40])
        .await
        .unwrap();
    let twice = own
        .add_unlock_share("$argon2id$other", &wrapped, &[6; 40])
        .await;
    assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
    let upgraded = store.account(&gt, &ana.username).await.unwrap().unwrap();
    assert_eq!(upgraded.unlock_share_sealed, Some(vec![5; 40]));
    assert_eq!(upgraded.auth_hash, "$argon2id$peppered");
    own.set_password("$argon2id$new", &wrapped, Some(&[7; 40]))
        .await
        .unwrap();
    let changed = store.account(&gt, &ana.username).await.unwrap().unwrap();
    assert_eq!(
        (changed.auth_hash.as_str(), changed.unlock_share_sealed),
        ("$argon2id$new", Some(vec![7; 40]))
    );

    // TOTP steps are accepted once, in increasing order.
    assert!(store.accept_totp_step(ana.id, 100, true).await.unwrap());
    assert!(!store.accept_totp_step(ana.id, 100, false).await.unwrap());
    assert!(!store.accept_totp_step(ana.id, 99, false).await.unwrap());
    let ana = store.account(&gt, &ana.username).await.unwrap().unwrap();
    assert!(ana.totp_confirmed);
    assert_eq!(ana.totp_last_step, 100);

    // Throttles count failures whether or not an account exists.
    // Each reserved attempt counts up front; past the free ones the next must wait.
    assert!(store.throttle(&[7; 32]).await.unwrap().is_none());
    let backoff = resguardo::domain::Backoff { free: 2, cap: 60 };
    let key = [7; 32];
    let reserved = |failures| resguardo::store::Attempt::Reserved { failures };
    assert_eq!(
        store.reserve_attempt(&key, 50, backoff).await.unwrap(),
        reserved(1)
    );
    assert_eq!(
        store.reserve_attempt(&key, 50, backoff).await.unwrap(),
        reserved(2)
    );
    assert_eq!(store.throttle(&key).await.unwrap(), Some((2, 52)));
    assert_eq!(
        store.reserve_attempt(&key, 51, backoff).await.unwrap(),
        resguardo::store::Attempt::Wait { secs: 1 }
    );
    assert_eq!(
        store.throttle(&key).await.unwrap(),
        Some((2, 52)),
        "a refused attempt is not counted"
    );
    assert_eq!(
        store.reserve_attempt(&key, 52, backoff).await.unwrap(),
        reserved(3)
    );
    assert_eq!(store.throttle(&key).await.unwrap(), Some((3, 56)));
    store.clear_throttle(&[7; 32]).await.unwrap();
    assert!(store.throttle(&[7; 32]).await.unwrap().is_none());

    // Sessions end at their absolute expiry, when idle too long, and on logout.
    store
        .create_session(&[9; 32], ana.id, 100, 1000)
        .await
        .unwrap();
    assert!(store.session(&[9; 32], 200, 50).await.unwrap().is_some());
    assert!(
        store.session(&[9; 32], 1000, 50).await.unwrap().is_none(),
        "absolute expiry"
    );
    assert!(
        store.session(&[9; 32], 200, 150).await.unwrap().is_none(),
        "idle"
    );
    store.touch_session(&[9; 32], 300).await.unwrap();
    assert!(
        store.session(&[9; 32], 400, 250).await.unwrap().is_some(),
        "touched"
    );
    store.end_session(&[9; 32]).await.unwrap();
    assert!(store.session(&[9; 32], 400, 0).await.unwrap().is_none());
}
