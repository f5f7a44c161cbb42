//! The store conformance suite: the same cases on SQLite and PostgreSQL, below the HTTP layer.

use resguardo::crypto::AgeCiphertext;
use resguardo::domain::{
    Author, DeskName, DeskSlug, Lookup, Recipient, ReportId, Status, Verifier,
};
use resguardo::store::{
    Intake, IntakeOutcome, MessageOutcome, NewMessage, NewReport, Outcome, SpentChallenge,
    StoreError, Write,
};

use crate::harness::{fresh_store, Backend};

crate::on_both_backends!(
    desks_are_unique_and_listed,
    reports_and_challenges,
    writes_commit_in_batches,
    threads_keep_order_and_fill_up,
    a_lease_has_one_holder_at_a_time
);

/// The retention purge runs on whichever instance holds its lease: one holder until the lease
/// runs out, which the holder may renew, and then anyone.
async fn a_lease_has_one_holder_at_a_time(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some((store, _)) = fresh_store(backend, dir.path()).await else {
        return;
    };
    let (a, b) = ([1u8; 16], [2u8; 16]);
    assert!(store.claim_lease("retention", &a, 100, 160).await.unwrap());
    assert!(!store.claim_lease("retention", &b, 100, 160).await.unwrap());
    assert!(!store.claim_lease("retention", &b, 159, 219).await.unwrap());
    assert!(
        store.claim_lease("retention", &a, 159, 219).await.unwrap(),
        "the holder renews"
    );
    assert!(
        store.claim_lease("other-job", &b, 159, 219).await.unwrap(),
        "leases are per job"
    );
    // A dead holder's lease runs out; the next instance takes it, and the old holder is out.
    assert!(store.claim_lease("retention", &b, 219, 279).await.unwrap());
    assert!(!store.claim_lease("retention", &a, 220, 280).await.unwrap());
}

fn recipient() -> Recipient {
    Recipient::from(age::x25519::Identity::generate().to_public())
}

fn ciphertext() -> AgeCiphertext {
    let limits = resguardo::crypto::CiphertextLimits {
        max_bytes: 4096,
        max_recipients: 8,
    };
    let bytes = resguardo::crypto::seal::seal(&[recipient().age()], b"x").unwrap();
    AgeCiphertext::parse(bytes, limits).unwrap()
}

fn report(desk: &str, lookup: u8) -> NewReport {
    NewReport {
        id: ReportId::random(),
        desk: DeskSlug::parse(desk).unwrap(),
        ciphertext: ciphertext(),
        lookup: Lookup([lookup; 16]),
        verifier: Verifier([9; 32]),
        reply_recipient: recipient(),
        created_at: 7200,
    }
}

fn pow(n: u8) -> SpentChallenge {
    SpentChallenge {
        digest: [n; 32],
        expires_at: i64::MAX / 2,
    }
}

/// One transaction, one outcome per write: a spent challenge stores nothing, a conflicting
/// receipt still spends its challenge, a refused envelope spends its challenge alone; messages
/// see reports stored earlier in the batch, and a full thread or a missing report is refused
/// without failing the others.
async fn writes_commit_in_batches(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some((store, _)) = fresh_store(backend, dir.path()).await else {
        return;
    };
    let gt = DeskSlug::parse("gt").unwrap();
    let name = DeskName::parse("Mesa").unwrap();
    store
        .create_desk(&gt, &name, Some(&recipient()), 0)
        .await
        .unwrap();
    let (a, b, twin) = (report("gt", 1), report("gt", 2), report("gt", 1));
    let intake = |n, report: Option<&NewReport>| {
        Write::Intake(Intake {
            spend: pow(n),
            report: report.cloned(),
        })
    };
    let message = |to: &NewReport, max_messages| {
        Write::Message(NewMessage {
            report: to.id,
            author: Author::Reporter,
            ciphertext: ciphertext(),
            created_at: 7200,
            max_messages,
        })
    };
    let batch = [
        intake(1, Some(&a)),
        intake(1, Some(&b)),
        intake(2, Some(&twin)),
        intake(3, None),
        intake(4, Some(&b)),
        // A message to a report stored earlier in the same batch, one to a full thread, one to
        // a report that does not exist.
        message(&a, 100),
        message(&a, 1),
        message(&twin, 100),
    ];
    let outcomes = store.commit_writes(&batch).await.unwrap();
    assert_eq!(
        outcomes,
        [
            Outcome::Intake(IntakeOutcome::Committed),
            Outcome::Intake(IntakeOutcome::ChallengeSpent),
            Outcome::Intake(IntakeOutcome::ReceiptConflict),
            Outcome::Intake(IntakeOutcome::Committed),
            Outcome::Intake(IntakeOutcome::Committed),
            Outcome::Message(MessageOutcome::Added),
            Outcome::Message(MessageOutcome::ThreadFull),
            Outcome::Message(MessageOutcome::NoSuchReport),
        ]
    );
    assert_eq!(store.messages(&a.id).await.unwrap().len(), 1);
    assert!(store.report(&a.id).await.unwrap().is_some());
    assert!(store.report(&b.id).await.unwrap().is_some());
    assert!(store.report(&twin.id).await.unwrap().is_none());
    for n in [1, 2, 3, 4] {
        assert!(
            matches!(
                store.spend_challenge(pow(n)).await,
                Err(StoreError::ChallengeSpent)
            ),
            "challenge {n} was spent by the batch"
        );
    }
    // A report for a desk that does not exist is refused on its own: its challenge is spent
    // (a solution buys one attempt), and the rest of the batch commits.
    let mixed = [
        intake(5, Some(&report("gt", 5))),
        intake(6, Some(&report("hn", 6))),
    ];
    assert_eq!(
        store.commit_writes(&mixed).await.unwrap(),
        [
            Outcome::Intake(IntakeOutcome::Committed),
            Outcome::Intake(IntakeOutcome::NoSuchDesk),
        ]
    );
    assert!(store.receipt(&Lookup([5; 16])).await.unwrap().is_some());
    assert!(store.receipt(&Lookup([6; 16])).await.unwrap().is_none());
    assert!(matches!(
        store.spend_challenge(pow(6)).await,
        Err(StoreError::ChallengeSpent)
    ));
}

async fn desks_are_unique_and_listed(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some((store, _)) = fresh_store(backend, dir.path()).await else {
        return;
    };
    store.ping().await.unwrap();
    let (gt, hn) = (
        DeskSlug::parse("gt").unwrap(),
        DeskSlug::parse("hn").unwrap(),
    );
    let key = recipient();
    store
        .create_desk(&gt, &DeskName::parse("Mesa GT").unwrap(), Some(&key), 3600)
        .await
        .unwrap();
    store
        .create_desk(&hn, &DeskName::parse("Mesa HN").unwrap(), None, 3600)
        .await
        .unwrap();
    let again = store
        .create_desk(&gt, &DeskName::parse("Otra").unwrap(), Some(&key), 3600)
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");

    let desks = store.desks().await.unwrap();
    assert_eq!(
        desks.iter().map(|d| d.slug.as_str()).collect::<Vec<_>>(),
        ["gt", "hn"]
    );
    assert!(desks[1].key.is_none(), "hn has no key yet");
    assert!(
        store.desk(&hn).await.unwrap().is_none(),
        "a desk without a key takes no reports"
    );
    let found = store.desk(&gt).await.unwrap().unwrap();
    assert_eq!(found.recipient, key);
    assert_eq!(found.key_version, 1);
    assert_eq!(found.name.as_str(), "Mesa GT");
    assert!(store
        .desk(&DeskSlug::parse("sv").unwrap())
        .await
        .unwrap()
        .is_none());
}

async fn reports_and_challenges(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some((store, _)) = fresh_store(backend, dir.path()).await else {
        return;
    };
    let gt = DeskSlug::parse("gt").unwrap();
    store
        .create_desk(
            &gt,
            &DeskName::parse("Mesa").unwrap(),
            Some(&recipient()),
            0,
        )
        .await
        .unwrap();

    let first = report("gt", 1);
    store.insert_report(&first).await.unwrap();
    let stored = store.report(&first.id).await.unwrap().unwrap();
    assert_eq!(stored.ciphertext, first.ciphertext);
    assert_eq!(
        (stored.status, stored.created_at, stored.updated_at),
        (Status::New, 7200, 7200)
    );

    // A duplicate lookup is refused and nothing of it is stored.
    let duplicate = report("gt", 1);
    assert!(matches!(
        store.insert_report(&duplicate).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(store.report(&duplicate.id).await.unwrap().is_none());

    // An unknown desk refuses the report.
    let lost = report("hn", 4);
    assert!(matches!(
        store.insert_report(&lost).await,
        Err(StoreError::Missing(_))
    ));

    // A challenge is spent once.
    store.spend_challenge(pow(1)).await.unwrap();
    assert!(matches!(
        store.spend_challenge(pow(1)).await,
        Err(StoreError::ChallengeSpent)
    ));
    store.spend_challenge(pow(2)).await.unwrap();

    // Expired challenges are purged, live ones kept.
    let old = SpentChallenge {
        digest: [5; 32],
        expires_at: 3600,
    };
    store.spend_challenge(old).await.unwrap();
    assert_eq!(store.purge_spent(7200).await.unwrap(), 1);
    store.spend_challenge(old).await.unwrap();
    assert!(matches!(
        store.spend_challenge(pow(2)).await,
        Err(StoreError::ChallengeSpent)
    ));

    let receipt = store.receipt(&Lookup([1; 16])).await.unwrap().unwrap();
    assert_eq!(receipt.report_id, first.id);
    assert_eq!(receipt.desk, gt);
    assert!(receipt.verifier.matches(&Verifier([9; 32])));
    assert!(store.receipt(&Lookup([99; 16])).await.unwrap().is_none());
}

async fn threads_keep_order_and_fill_up(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some((store, _)) = fresh_store(backend, dir.path()).await else {
        return;
    };
    let gt = DeskSlug::parse("gt").unwrap();
    store
        .create_desk(
            &gt,
            &DeskName::parse("Mesa").unwrap(),
            Some(&recipient()),
            0,
        )
        .await
        .unwrap();
    let r = report("gt", 1);
    store.insert_report(&r).await.unwrap();
    assert!(store.messages(&r.id).await.unwrap().is_empty());

    let texts: Vec<AgeCiphertext> = (0..5).map(|_| ciphertext()).collect();
    for (i, c) in texts.iter().enumerate() {
        let author = if i % 2 == 0 {
            Author::Reporter
        } else {
            Author::Desk
        };
        store
            .add_message(&r.id, author, c, 10_800, 3)
            .await
            .unwrap();
    }
    let thread = store.messages(&r.id).await.unwrap();
    assert_eq!(thread.len(), 5);
    for (i, m) in thread.iter().enumerate() {
        assert_eq!(m.seq, i as i64 + 1);
        assert_eq!(m.ciphertext, texts[i]);
        assert_eq!(
            m.author,
            if i % 2 == 0 {
                Author::Reporter
            } else {
                Author::Desk
            }
        );
    }
    assert_eq!(
        store.report(&r.id).await.unwrap().unwrap().updated_at,
        10_800
    );

    // The cap counts each author apart: the reporter's three fill their share, the desk still
    // has room.
    let full = store
        .add_message(&r.id, Author::Reporter, &texts[0], 14_400, 3)
        .await;
    assert!(matches!(full, Err(StoreError::Full)), "{full:?}");
    assert_eq!(store.messages(&r.id).await.unwrap().len(), 5);
    store
        .add_message(&r.id, Author::Desk, &texts[1], 14_400, 3)
        .await
        .unwrap();
    let full = store
        .add_message(&r.id, Author::Desk, &texts[1], 14_400, 3)
        .await;
    assert!(matches!(full, Err(StoreError::Full)), "{full:?}");
    assert_eq!(store.messages(&r.id).await.unwrap().len(), 6);

    let missing = store
        .add_message(&ReportId::random(), Author::Reporter, &texts[0], 0, 5)
        .await;
    assert!(
        matches!(missing, Err(StoreError::Missing(_))),
        "{missing:?}"
    );

    // Concurrent appends to one thread all land, in distinct places (PostgreSQL runs them at once).
    let other = report("gt", 2);
    store.insert_report(&other).await.unwrap();
    let appends: Vec<_> = (0..20)
        .map(|_| {
            let (store, c, id) = (store.clone(), texts[0].clone(), other.id);
            tokio::spawn(async move { store.add_message(&id, Author::Reporter, &c, 0, 100).await })
        })
        .collect();
    for append in appends {
        append.await.unwrap().unwrap();
    }
    let seqs: Vec<i64> = store
        .messages(&other.id)
        .await
        .unwrap()
        .iter()
        .map(|m| m.seq)
        .collect();
    assert_eq!(seqs, (1..=20).collect::<Vec<_>>());
}

mod accounts {
    use resguardo::crypto::AgeCiphertext;
    use resguardo::domain::{AccountStatus, DeskName, DeskSlug, Role, Username};
    use resguardo::store::{AccountId, NewAccount, StoreError};

    use super::{ciphertext, recipient};
    use crate::harness::{fresh_store, Backend};

    crate::on_both_backends!(
        enrolment_codes_sessions_and_throttles,
        approvals_are_counted_one_at_a_time,
        statements_append_only_after_the_head
    );

    /// A fresh store with desk `gt`, whose first supervisor has not made its key yet.
    async fn keyless_desk(
        backend: Backend,
        dir: &std::path::Path,
    ) -> Option<(std::sync::Arc<dyn resguardo::store::Store>, DeskSlug)> {
        let (store, _) = fresh_store(backend, dir).await?;
        let gt = DeskSlug::parse("gt").unwrap();
        store
            .create_desk(&gt, &DeskName::parse("Mesa").unwrap(), None, 0)
            .await
            .unwrap();
        Some((store, gt))
    }

    /// A statement the route accepted, reduced to what the store checks: its place and version.
    fn statement(seq: i64, prev: u8, key_version: Option<i64>) -> resguardo::store::NewStatement {
        resguardo::store::NewStatement {
            seq,
            kind: if key_version.is_some() { 3 } else { 2 },
            subject: None,
            prev: [prev; 32],
            statement: vec![seq as u8; 40],
            signature: [seq as u8; 64],
            link: [seq as u8; 32],
            key_version,
        }
    }

    /// Statements are appended in the transaction of their change, only right after the desk's
    /// head and, for a desk key, only for the version the change makes; a refusal changes nothing.
    async fn statements_append_only_after_the_head(backend: Backend) {
        let dir = tempfile::tempdir().unwrap();
        let Some((store, gt)) = keyless_desk(backend, dir.path()).await else {
            return;
        };
        store
            .create_enrolment_code(&[1; 32], &gt, Role::Supervisor, 1000)
            .await
            .unwrap();
        store
            .enrol(&[1; 32], 10, &account("sofia", 1, ciphertext()))
            .await
            .unwrap();
        let sofia = AccountId([1; 16]);
        let first = [statement(1, 0, None), statement(2, 1, Some(1))];
        store
            .init_desk_key(&gt, &recipient(), sofia, &ciphertext(), &first, 0)
            .await
            .unwrap();
        let seqs = |stored: Vec<resguardo::store::StoredStatement>| {
            stored.iter().map(|s| s.seq).collect::<Vec<_>>()
        };
        assert_eq!(seqs(store.statements_of(&gt).await.unwrap()), [1, 2]);

        let rotate = |statements: Vec<resguardo::store::NewStatement>| {
            let store = store.clone();
            let gt = gt.clone();
            async move {
                let other = recipient();
                store
                    .rotate_desk_key(&gt, &other, &[(sofia, ciphertext())], sofia, &statements, 0)
                    .await
            }
        };
        for stale in [
            statement(3, 9, Some(2)), // after another head
            statement(2, 1, Some(2)), // a seq taken
            statement(3, 2, Some(5)), // another version than the one made
        ] {
            let refused = rotate(vec![stale]).await;
            assert!(
                matches!(refused, Err(StoreError::Conflict(_))),
                "{refused:?}"
            );
        }
        assert_eq!(seqs(store.statements_of(&gt).await.unwrap()), [1, 2]);
        assert_eq!(store.desk(&gt).await.unwrap().unwrap().key_version, 1);
        assert_eq!(rotate(vec![statement(3, 2, Some(2))]).await.unwrap(), 2);
        assert_eq!(seqs(store.statements_of(&gt).await.unwrap()), [1, 2, 3]);
    }

    fn account(name: &str, id: u8, wrapped: AgeCiphertext) -> NewAccount {
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
        let Some((store, _)) = fresh_store(backend, dir.path()).await else {
            return;
        };
        let gt = DeskSlug::parse("gt").unwrap();
        store
            .create_desk(
                &gt,
                &DeskName::parse("Mesa").unwrap(),
                Some(&recipient()),
                0,
            )
            .await
            .unwrap();
        store
            .create_enrolment_code(&[1; 32], &gt, Role::Worker, 1000)
            .await
            .unwrap();
        store
            .create_enrolment_code(&[2; 32], &gt, Role::Supervisor, 1000)
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
            store
                .create_enrolment_code(&code, &gt, Role::Worker, 1000)
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
            resguardo::crypto::signing::public_of(
                &resguardo::crypto::receipt::identity_from_secret(&[seed; 32]),
            )
        };
        store.set_signing_key(ana.id, &key(7)).await.unwrap();
        store.set_signing_key(ana.id, &key(8)).await.unwrap();
        let recorded = store.account(&gt, &ana.username).await.unwrap().unwrap();
        assert_eq!(recorded.signing_key, Some(key(7)));

        // An account from before unlock shares gets one once, with its new verifier and wrapping,
        // in one statement; a password change then replaces all three.
        assert!(ana.unlock_share_sealed.is_none());
        let wrapped = ciphertext();
        store
            .add_unlock_share(ana.id, "$argon2id$peppered", &wrapped, &[5; 40])
            .await
            .unwrap();
        let twice = store
            .add_unlock_share(ana.id, "$argon2id$other", &wrapped, &[6; 40])
            .await;
        assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
        let upgraded = store.account(&gt, &ana.username).await.unwrap().unwrap();
        assert_eq!(upgraded.unlock_share_sealed, Some(vec![5; 40]));
        assert_eq!(upgraded.auth_hash, "$argon2id$peppered");
        store
            .set_password(ana.id, "$argon2id$new", &wrapped, Some(&[7; 40]))
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

    /// Two supervisors approving the same account at the same moment: one approval is counted
    /// first, the other completes the vetting — never two "waiting" answers and no vetting.
    async fn approvals_are_counted_one_at_a_time(backend: Backend) {
        use resguardo::store::{Approval, Approved};
        let dir = tempfile::tempdir().unwrap();
        let Some((store, gt)) = keyless_desk(backend, dir.path()).await else {
            return;
        };
        let enrol = |id: u8, role: Role, name: String| {
            let store = store.clone();
            let gt = gt.clone();
            async move {
                store
                    .create_enrolment_code(&[id; 32], &gt, role, 1000)
                    .await
                    .unwrap();
                store
                    .enrol(&[id; 32], 10, &account(&name, id, ciphertext()))
                    .await
                    .unwrap();
                AccountId([id; 16])
            }
        };
        let sofia = enrol(1, Role::Supervisor, "sofia".into()).await;
        store
            .init_desk_key(&gt, &recipient(), sofia, &ciphertext(), &[], 0)
            .await
            .unwrap();
        let grant = ciphertext();
        let approval = |account, approver| Approval {
            desk: &gt,
            account,
            approver,
            key_version: 1,
            grant: Some(&grant),
            required: 2,
            statement: None,
        };
        // The single supervisor vets the second alone.
        let rosa = enrol(2, Role::Supervisor, "rosa".into()).await;
        assert_eq!(
            store.approve(&approval(rosa, sofia), 0).await.unwrap(),
            Approved::Vetted {
                approvals: 1,
                required: 1
            }
        );
        for id in 10..20 {
            let worker = enrol(id, Role::Worker, format!("w{id}")).await;
            let (by_sofia, by_rosa) = (approval(worker, sofia), approval(worker, rosa));
            let (a, b) = tokio::join!(store.approve(&by_sofia, 0), store.approve(&by_rosa, 0));
            let mut outcomes = [a.unwrap(), b.unwrap()];
            outcomes.sort_by_key(|o| matches!(o, Approved::Vetted { .. }));
            assert_eq!(
                outcomes,
                [
                    Approved::Waiting {
                        approvals: 1,
                        required: 2
                    },
                    Approved::Vetted {
                        approvals: 2,
                        required: 2
                    }
                ],
                "worker {id}"
            );
            assert_eq!(
                store.approve(&approval(worker, sofia), 0).await.unwrap(),
                Approved::NotPending
            );
            assert_eq!(store.grants(worker).await.unwrap().len(), 1);
        }
        // A supervisor's second approval of a pending account is not counted.
        let late = enrol(30, Role::Worker, "tardio".into()).await;
        store.approve(&approval(late, sofia), 0).await.unwrap();
        assert_eq!(
            store.approve(&approval(late, sofia), 0).await.unwrap(),
            Approved::Repeated
        );
        let listed = store.approvals_of(&gt).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(
            (listed[0].0.as_str(), listed[0].1.as_str()),
            ("tardio", "sofia")
        );
        assert!(store.grants(late).await.unwrap().is_empty());
        // The approval that completes vetting must carry the grant; without one, it is undone.
        let bare = Approval {
            grant: None,
            ..approval(late, rosa)
        };
        assert!(matches!(
            store.approve(&bare, 0).await,
            Err(StoreError::Conflict(resguardo::store::Thing::Grant))
        ));
        assert_eq!(store.approvals_of(&gt).await.unwrap().len(), 1);
        assert!(store.grants(late).await.unwrap().is_empty());
        assert!(matches!(
            store.approve(&approval(late, rosa), 0).await.unwrap(),
            Approved::Vetted { .. }
        ));
        assert_eq!(store.grants(late).await.unwrap().len(), 1);
    }
}
