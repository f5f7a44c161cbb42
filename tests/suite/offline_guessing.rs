//! A copy of the database confirms no password guess (docs/protocol.md §6, SECURITY.md): the
//! auth key's hash is of the key under a pepper, and the identity is wrapped with an unlock share
//! sealed under the server key, so whoever holds the database files or a backup, but not the
//! server key, cannot test a dictionary offline — not even one that holds the password. With the
//! server key too, the same guess is confirmed: the check below is a working oracle.

use resguardo::client::worker;
use resguardo::crypto::keys::server_key;
use resguardo::crypto::password::{self, UnlockShare};
use resguardo::domain::{b64_encode, DeskSlug, Username};
use resguardo::protocol::accounts::{Credentials, Enrolment, UnlockShareUpgrade};
use resguardo::protocol::identity::{open_identity, wrap_identity};

use crate::harness::{Backend, TestServer};
use crate::workers::totp_code;

crate::on_both_backends!(
    the_database_alone_confirms_no_guess,
    an_account_from_before_shares_is_upgraded_at_login
);

/// A password the device's policy refuses, in every attacker's dictionary.
const WEAK: &str = "contraseña123";

/// What the database holds of an account: everything an offline guesser could use.
struct Row {
    id: Vec<u8>,
    wrapped: Vec<u8>,
    auth_hash: String,
    share_sealed: Option<Vec<u8>>,
}

async fn row(server: &TestServer, user: &str) -> Row {
    let column = |name: &str| {
        let text = match (server.backend, name) {
            (Backend::Sqlite, "auth_hash") => "CAST(auth_hash AS BLOB)".to_owned(),
            (Backend::Postgres, "auth_hash") => "convert_to(auth_hash, 'UTF8')".to_owned(),
            _ => name.to_owned(),
        };
        format!("SELECT {text} FROM accounts WHERE username = '{user}'")
    };
    let one = |name: &str| {
        let sql = column(name);
        async move { server.blobs(&sql).await.pop() }
    };
    let share_sealed = if server
        .count(&format!(
            "SELECT COUNT(*) FROM accounts WHERE username = '{user}' \
             AND unlock_share_sealed IS NOT NULL"
        ))
        .await
        == 1
    {
        one("unlock_share_sealed").await
    } else {
        None
    };
    Row {
        id: one("id").await.unwrap(),
        wrapped: one("wrapped_identity").await.unwrap(),
        auth_hash: String::from_utf8(one("auth_hash").await.unwrap()).unwrap(),
        share_sealed,
    }
}

/// Whether `guess` is confirmed as `user`'s password from the row, by its verifier or by its
/// wrapped identity, with the server key or without.
fn confirms(row: &Row, user: &str, guess: &str, server_secret: Option<&[u8; 32]>) -> bool {
    let keys = password::derive(
        guess,
        &DeskSlug::parse("gt").unwrap(),
        &Username::parse(user).unwrap(),
    );
    let wrapped = b64_encode(&row.wrapped);
    let verify = |key| resguardo::server::auth::verify_auth_key(&row.auth_hash, key);
    // Without the server key: the verifier as a plain hash of the auth key, the identity as
    // wrapped to the password alone (how every account was kept before shares).
    let mut confirmed = verify(&keys.auth_key) || open_identity(&keys, None, &wrapped).is_ok();
    if let Some(secret) = server_secret {
        let pepper = server_key(secret, "resguardo/server/v1/auth-pepper");
        let context = [b"resguardo/unlock-share/v1/".as_slice(), &row.id].concat();
        let share = row.share_sealed.as_ref().and_then(|sealed| {
            UnlockShare::open(
                &server_key(secret, "resguardo/server/v1/unlock-share"),
                &context,
                sealed,
            )
        });
        confirmed |= verify(&keys.auth_key.peppered(&pepper))
            || open_identity(&keys, share.as_ref(), &wrapped).is_ok();
    }
    confirmed
}

/// Enrols `user` as a client built from the docs would, with any password (the policy is the
/// device's; the server never sees the password) and with or without an unlock share. Returns
/// the TOTP URI and the identity made.
async fn enrol_raw(
    server: &TestServer,
    code: String,
    user: &str,
    pass: &str,
    share: Option<&UnlockShare>,
) -> (String, age::x25519::Identity) {
    let client = server.client();
    let keys = password::derive(
        pass,
        &DeskSlug::parse("gt").unwrap(),
        &Username::parse(user).unwrap(),
    );
    let identity = age::x25519::Identity::generate();
    let wrapped = match share {
        Some(share) => wrap_identity(&keys, share, &identity).unwrap(),
        None => {
            // A client from before shares wraps to the password's key alone.
            let secret =
                age::secrecy::ExposeSecret::expose_secret(&identity.to_string()).to_owned();
            let sealed = resguardo::crypto::seal::seal(
                &[&keys.unlock_identity(None).to_public()],
                secret.as_bytes(),
            )
            .unwrap();
            b64_encode(&sealed)
        }
    };
    let enrolled = client
        .enrol(&Enrolment {
            code,
            desk: "gt".into(),
            username: user.into(),
            recipient: identity.to_public().to_string(),
            wrapped_identity: wrapped,
            auth_key: b64_encode(keys.auth_key.expose()),
            unlock_share: share.map(|s| b64_encode(s.expose())),
            signing_key: Some(b64_encode(
                &resguardo::crypto::signing::public_of(&identity).to_bytes(),
            )),
        })
        .await
        .unwrap();
    let uri = enrolled.totp_uri;
    worker::confirm_totp(&client, "gt", user, pass, &totp_code(&uri, 0))
        .await
        .unwrap();
    (uri, identity)
}

async fn the_database_alone_confirms_no_guess(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let secret = server.server_secret();
    // The way every current client enrols: the library makes the share.
    let client = server.client();
    let code = server.create_keyless_desk("gt");
    worker::enrol(&client, "gt", &code, "ana", crate::workers::PASSWORD)
        .await
        .unwrap();
    // And a weak password, which only a client ignoring the policy could send.
    let code = crate::workers::invite(&server, "gt", "worker");
    enrol_raw(&server, code, "beto", WEAK, Some(&UnlockShare::random())).await;

    for (user, pass) in [("ana", crate::workers::PASSWORD), ("beto", WEAK)] {
        let stored = row(&server, user).await;
        assert!(stored.share_sealed.is_some(), "{user} has a sealed share");
        assert!(
            !confirms(&stored, user, pass, None),
            "the database alone confirmed {user}'s password"
        );
        assert!(
            confirms(&stored, user, pass, Some(&secret)),
            "with the server key the same guess is confirmed (the oracle works)"
        );
        assert!(!confirms(
            &stored,
            user,
            "otra cosa cualquiera",
            Some(&secret)
        ));
    }
}

async fn an_account_from_before_shares_is_upgraded_at_login(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let secret = server.server_secret();
    let client = server.client();
    let pass = crate::workers::PASSWORD;
    let code = server.create_keyless_desk("gt");
    let (uri, identity) = enrol_raw(&server, code, "ana", pass, None).await;
    let before = row(&server, "ana").await;
    assert!(before.share_sealed.is_none());
    assert!(
        confirms(&before, "ana", pass, None),
        "an account from before shares can be tested offline: that is what the upgrade ends"
    );

    // Another device's session, logged in without upgrading, cannot upgrade without the auth
    // key: a session token alone never replaces a wrapped identity.
    let keys = password::derive(
        pass,
        &DeskSlug::parse("gt").unwrap(),
        &Username::parse("ana").unwrap(),
    );
    let raw = client
        .login(&Credentials {
            desk: "gt".into(),
            username: "ana".into(),
            auth_key: b64_encode(keys.auth_key.expose()),
            totp: totp_code(&uri, 1),
        })
        .await
        .unwrap();
    assert!(raw.unlock_share.is_none());
    let share = UnlockShare::random();
    let forged = UnlockShareUpgrade {
        auth_key: b64_encode(&[7; 32]),
        unlock_share: b64_encode(share.expose()),
        wrapped_identity: wrap_identity(&keys, &share, &identity).unwrap(),
    };
    let refused = client
        .add_unlock_share(&raw.token, &forged)
        .await
        .unwrap_err();
    assert_eq!(refused.problem_slug(), Some("login-failed"));
    assert!(
        row(&server, "ana").await.share_sealed.is_none(),
        "nothing changed"
    );

    // The library's login opens the old wrapping and upgrades it.
    let step = resguardo::time::now_secs() / 30 + 1;
    while resguardo::time::now_secs() / 30 < step {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    let login = worker::login(&client, "gt", "ana", pass, &totp_code(&uri, 1))
        .await
        .unwrap();
    assert_eq!(
        login.identity.to_public().to_string(),
        identity.to_public().to_string()
    );
    assert!(login.session.unlock_share.is_some());
    let after = row(&server, "ana").await;
    assert!(after.share_sealed.is_some());
    assert!(
        !confirms(&after, "ana", pass, None),
        "upgraded: no offline test"
    );
    assert!(confirms(&after, "ana", pass, Some(&secret)));
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM audit_log WHERE action = 'account.unlock_share'")
            .await,
        1
    );

    // What the login answered is what the next command unlocks, and a second upgrade is refused.
    let wrapped = worker::Wrapped {
        identity_b64: &login.session.wrapped_identity,
        share_b64: login.session.unlock_share.as_deref(),
    };
    let again = worker::unlock("gt", "ana", pass, &wrapped).await.unwrap();
    assert_eq!(
        again.to_public().to_string(),
        identity.to_public().to_string()
    );
    let upgrade = UnlockShareUpgrade {
        auth_key: b64_encode(keys.auth_key.expose()),
        ..forged
    };
    let twice = client
        .add_unlock_share(&login.session.token, &upgrade)
        .await
        .unwrap_err();
    assert_eq!(twice.problem_slug(), Some("key-conflict"));
}
