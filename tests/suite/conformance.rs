//! The store conformance suite: the same cases on SQLite and PostgreSQL, below the HTTP layer,
//! each through the capability that production code holds (`store/mod.rs`): intake and the
//! reporter here, accounts in `accounts.rs`, a desk's keys and vetting in `desk.rs`, and in
//! `scoping.rs` the proof that a desk or partner capability reaches nothing of another's.

mod accounts;
mod desk;
mod scoping;

use resguardo::crypto::AgeCiphertext;
use resguardo::domain::{
    Author, DeskName, DeskSlug, Lookup, ReceiptAuth, Recipient, ReportId, Status,
};
use resguardo::store::{
    Database, Intake, IntakeOutcome, MessageOutcome, NewMessage, NewReport, Outcome,
    SpentChallenge, StoreError, Write,
};

use crate::harness::{commit_message, commit_report, fresh_store, Backend};

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
    assert!(store
        .maintenance()
        .claim_lease("retention", &a, 100, 160)
        .await
        .unwrap());
    assert!(!store
        .maintenance()
        .claim_lease("retention", &b, 100, 160)
        .await
        .unwrap());
    assert!(!store
        .maintenance()
        .claim_lease("retention", &b, 159, 219)
        .await
        .unwrap());
    assert!(
        store
            .maintenance()
            .claim_lease("retention", &a, 159, 219)
            .await
            .unwrap(),
        "the holder renews"
    );
    assert!(
        store
            .maintenance()
            .claim_lease("other-job", &b, 159, 219)
            .await
            .unwrap(),
        "leases are per job"
    );
    // A dead holder's lease runs out; the next instance takes it, and the old holder is out.
    assert!(store
        .maintenance()
        .claim_lease("retention", &b, 219, 279)
        .await
        .unwrap());
    assert!(!store
        .maintenance()
        .claim_lease("retention", &a, 220, 280)
        .await
        .unwrap());
}

pub(super) fn recipient() -> Recipient {
    Recipient::from(age::x25519::Identity::generate().to_public())
}

pub(super) fn ciphertext() -> AgeCiphertext {
    let limits = resguardo::crypto::CiphertextLimits {
        max_bytes: 4096,
        max_recipients: 8,
    };
    let bytes = resguardo::crypto::seal::seal(&[recipient().age()], b"x").unwrap();
    AgeCiphertext::parse(bytes, limits).unwrap()
}

/// The auth key of the receipt whose lookup is `[lookup; 16]`.
pub(super) fn auth(lookup: u8) -> ReceiptAuth {
    ReceiptAuth::from_bytes([lookup; 32])
}

pub(super) fn report(desk: &str, lookup: u8) -> NewReport {
    NewReport {
        id: ReportId::random(),
        desk: DeskSlug::parse(desk).unwrap(),
        ciphertext: ciphertext(),
        lookup: Lookup([lookup; 16]),
        verifier: auth(lookup).verifier(),
        reply_recipient: recipient(),
        created_at: 7200,
    }
}

/// A fresh store with desk `slug`, whose key is kept outside (so it takes reports at once).
pub(super) async fn store_with_desks(
    backend: Backend,
    dir: &std::path::Path,
    slugs: &[&str],
) -> Option<Database> {
    let (db, _) = fresh_store(backend, dir).await?;
    for slug in slugs {
        let slug = DeskSlug::parse(slug).unwrap();
        let name = DeskName::parse(&format!("Mesa {slug}")).unwrap();
        (db.maintenance())
            .create_desk(&slug, &name, Some(&recipient()), 0)
            .await
            .unwrap();
    }
    Some(db)
}

fn pow(n: u8) -> SpentChallenge {
    SpentChallenge {
        digest: [n; 32],
        expires_at: i64::MAX / 2,
    }
}

fn intake(n: u8, report: Option<&NewReport>) -> Write {
    Write::Intake(Intake {
        spend: pow(n),
        report: report.cloned(),
    })
}

fn message(to: &NewReport, author: Author, max_messages: i64) -> NewMessage {
    NewMessage {
        report: to.id,
        desk: to.desk.clone(),
        author,
        ciphertext: ciphertext(),
        created_at: 7200,
        max_messages,
    }
}

/// Whether challenge `n` is spent: committing it alone says.
async fn spent(db: &Database, n: u8) -> bool {
    let outcome = db.intake().commit(&[intake(n, None)]).await.unwrap();
    outcome == [Outcome::Intake(IntakeOutcome::ChallengeSpent)]
}

/// One transaction, one outcome per write: a spent challenge stores nothing, a conflicting
/// receipt still spends its challenge, a refused envelope spends its challenge alone; messages
/// see reports stored earlier in the batch, and a full thread or a missing report is refused
/// without failing the others.
async fn writes_commit_in_batches(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = store_with_desks(backend, dir.path(), &["gt"]).await else {
        return;
    };
    let (a, b, twin) = (report("gt", 1), report("gt", 2), report("gt", 1));
    let batch = [
        intake(1, Some(&a)),
        intake(1, Some(&b)),
        intake(2, Some(&twin)),
        intake(3, None),
        intake(4, Some(&b)),
        // A message to a report stored earlier in the same batch, one to a full thread, one to
        // a report that does not exist.
        Write::Message(message(&a, Author::Reporter, 100)),
        Write::Message(message(&a, Author::Reporter, 1)),
        Write::Message(message(&twin, Author::Reporter, 100)),
    ];
    let outcomes = db.intake().commit(&batch).await.unwrap();
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
    let gt = db.desk(&a.desk);
    assert_eq!(gt.messages(&a.id).await.unwrap().len(), 1);
    assert!(gt.case(&a.id).await.unwrap().is_some());
    assert!(gt.case(&b.id).await.unwrap().is_some());
    assert!(gt.case(&twin.id).await.unwrap().is_none());
    for n in [1, 2, 3, 4] {
        assert!(spent(&db, n).await, "challenge {n} was spent by the batch");
    }
    // A report for a desk that does not exist is refused on its own: its challenge is spent
    // (a solution buys one attempt), and the rest of the batch commits.
    let mixed = [
        intake(5, Some(&report("gt", 5))),
        intake(6, Some(&report("hn", 6))),
    ];
    assert_eq!(
        db.intake().commit(&mixed).await.unwrap(),
        [
            Outcome::Intake(IntakeOutcome::Committed),
            Outcome::Intake(IntakeOutcome::NoSuchDesk),
        ]
    );
    let db = &db;
    let reporter = |n: u8| async move {
        db.intake()
            .reporter(&Lookup([n; 16]), &auth(n))
            .await
            .unwrap()
    };
    assert!(reporter(5).await.is_some());
    assert!(reporter(6).await.is_none());
    assert!(spent(db, 6).await);
    // Reports alone in a batch (on SQLite its statements carry its transaction, and which desks
    // have a key is read before it commits): a receipt taken, a desk without a key, a report
    // stored, each told apart.
    let again = [
        intake(7, Some(&report("gt", 5))),
        intake(8, Some(&report("hn", 8))),
        intake(9, Some(&report("gt", 9))),
    ];
    assert_eq!(
        db.intake().commit(&again).await.unwrap(),
        [
            Outcome::Intake(IntakeOutcome::ReceiptConflict),
            Outcome::Intake(IntakeOutcome::NoSuchDesk),
            Outcome::Intake(IntakeOutcome::Committed),
        ]
    );
    // Every challenge already spent: nothing is stored and the transaction still closes.
    assert_eq!(
        db.intake().commit(&again).await.unwrap(),
        [Outcome::Intake(IntakeOutcome::ChallengeSpent); 3]
    );
    assert!(reporter(9).await.is_some());
    // The transactions are closed: another batch opens its own.
    assert!(!spent(db, 10).await);
}

async fn desks_are_unique_and_listed(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some((db, _)) = fresh_store(backend, dir.path()).await else {
        return;
    };
    let (host, intake) = (db.maintenance(), db.intake());
    intake.ping().await.unwrap();
    let (gt, hn) = (
        DeskSlug::parse("gt").unwrap(),
        DeskSlug::parse("hn").unwrap(),
    );
    let key = recipient();
    host.create_desk(&gt, &DeskName::parse("Mesa GT").unwrap(), Some(&key), 3600)
        .await
        .unwrap();
    host.create_desk(&hn, &DeskName::parse("Mesa HN").unwrap(), None, 3600)
        .await
        .unwrap();
    let again = host
        .create_desk(&gt, &DeskName::parse("Otra").unwrap(), Some(&key), 3600)
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");

    for desks in [intake.desks().await.unwrap(), host.desks().await.unwrap()] {
        assert_eq!(
            desks.iter().map(|d| d.slug.as_str()).collect::<Vec<_>>(),
            ["gt", "hn"]
        );
        assert!(desks[1].key.is_none(), "hn has no key yet");
    }
    assert!(
        intake.desk(&hn).await.unwrap().is_none(),
        "a desk without a key takes no reports"
    );
    let found = intake.desk(&gt).await.unwrap().unwrap();
    assert_eq!(found.recipient, key);
    assert_eq!(found.key_version, 1);
    assert_eq!(found.name.as_str(), "Mesa GT");
    assert_eq!(db.desk(&gt).desk().await.unwrap().unwrap().recipient, key);
    let sv = DeskSlug::parse("sv").unwrap();
    assert!(intake.desk(&sv).await.unwrap().is_none());
}

/// Reports are stored once per receipt; the reporter capability comes only with the phrase's
/// auth key; challenges are spent once and forgotten after they expire.
async fn reports_and_challenges(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = store_with_desks(backend, dir.path(), &["gt"]).await else {
        return;
    };
    let first = report("gt", 1);
    assert_eq!(commit_report(&db, &first).await, IntakeOutcome::Committed);
    let stored = db.desk(&first.desk).case(&first.id).await.unwrap().unwrap();
    assert_eq!(stored.report.ciphertext, first.ciphertext);
    assert_eq!(stored.reply_recipient, first.reply_recipient);
    assert_eq!(
        (
            stored.report.status,
            stored.report.created_at,
            stored.report.updated_at
        ),
        (Status::New, 7200, 7200)
    );

    // A duplicate lookup is refused and nothing of it is stored; so is an unknown desk's report.
    let duplicate = report("gt", 1);
    assert_eq!(
        commit_report(&db, &duplicate).await,
        IntakeOutcome::ReceiptConflict
    );
    assert!(db
        .desk(&first.desk)
        .case(&duplicate.id)
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        commit_report(&db, &report("hn", 4)).await,
        IntakeOutcome::NoSuchDesk
    );

    // A challenge is spent once; expired ones are forgotten, live ones kept.
    assert!(!spent(&db, 1).await);
    assert!(spent(&db, 1).await);
    let old = SpentChallenge {
        digest: [5; 32],
        expires_at: 3600,
    };
    let spend_old = [Write::Intake(Intake {
        spend: old,
        report: None,
    })];
    db.intake().commit(&spend_old).await.unwrap();
    assert_eq!(db.maintenance().purge_spent(7200).await.unwrap(), 1);
    assert_eq!(
        db.intake().commit(&spend_old).await.unwrap(),
        [Outcome::Intake(IntakeOutcome::Committed)],
        "forgotten once expired"
    );
    assert!(spent(&db, 1).await, "a live challenge is kept");

    // The phrase's auth key opens the reporter capability; a wrong one and an unknown lookup
    // are the same refusal.
    let reporter = db
        .intake()
        .reporter(&Lookup([1; 16]), &auth(1))
        .await
        .unwrap();
    let receipt = reporter.unwrap().receipt().clone();
    assert_eq!(receipt.report_id, first.id);
    assert_eq!(receipt.desk, first.desk);
    for (lookup, key) in [(1, 2), (99, 99)] {
        let refused = db
            .intake()
            .reporter(&Lookup([lookup; 16]), &auth(key))
            .await;
        assert!(refused.unwrap().is_none(), "lookup {lookup}, auth {key}");
    }
}

/// A thread through the reporter's capability and the desk's: in order, each author capped
/// apart, concurrent appends all landing.
async fn threads_keep_order_and_fill_up(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = store_with_desks(backend, dir.path(), &["gt"]).await else {
        return;
    };
    let r = report("gt", 1);
    commit_report(&db, &r).await;
    let reporter = db
        .intake()
        .reporter(&r.lookup, &auth(1))
        .await
        .unwrap()
        .unwrap();
    let desk = db.desk(&r.desk);
    assert!(reporter.messages().await.unwrap().is_empty());

    let texts: Vec<AgeCiphertext> = (0..5).map(|_| ciphertext()).collect();
    for (i, c) in texts.iter().enumerate() {
        let write = if i % 2 == 0 {
            reporter.message(c.clone(), 10_800, 3)
        } else {
            desk.message(&r.id, c.clone(), 10_800, 3)
        };
        assert_eq!(commit_message(&db, write).await, MessageOutcome::Added);
    }
    let thread = reporter.messages().await.unwrap();
    assert_eq!(thread.len(), 5);
    assert_eq!(desk.messages(&r.id).await.unwrap().len(), 5);
    for (i, m) in thread.iter().enumerate() {
        assert_eq!(m.seq, i as i64 + 1);
        assert_eq!(m.ciphertext, texts[i]);
        let author = if i % 2 == 0 {
            Author::Reporter
        } else {
            Author::Desk
        };
        assert_eq!(m.author, author);
    }
    let case = desk.case(&r.id).await.unwrap().unwrap();
    assert_eq!(case.report.updated_at, 10_800);

    // The cap counts each author apart: the reporter's three fill their share, the desk still
    // has room.
    let full = reporter.message(texts[0].clone(), 14_400, 3);
    assert_eq!(commit_message(&db, full).await, MessageOutcome::ThreadFull);
    assert_eq!(reporter.messages().await.unwrap().len(), 5);
    let room = desk.message(&r.id, texts[1].clone(), 14_400, 3);
    assert_eq!(commit_message(&db, room).await, MessageOutcome::Added);
    let full = desk.message(&r.id, texts[1].clone(), 14_400, 3);
    assert_eq!(commit_message(&db, full).await, MessageOutcome::ThreadFull);
    assert_eq!(reporter.messages().await.unwrap().len(), 6);

    let nowhere = desk.message(&ReportId::random(), texts[0].clone(), 0, 5);
    assert_eq!(
        commit_message(&db, nowhere).await,
        MessageOutcome::NoSuchReport
    );

    // Concurrent appends to one thread all land, in distinct places (PostgreSQL runs them at once).
    let other = report("gt", 2);
    commit_report(&db, &other).await;
    let appends: Vec<_> = (0..20)
        .map(|_| {
            let (db, write) = (
                db.clone(),
                desk.message(&other.id, texts[0].clone(), 0, 100),
            );
            tokio::spawn(async move { commit_message(&db, write).await })
        })
        .collect();
    for append in appends {
        assert_eq!(append.await.unwrap(), MessageOutcome::Added);
    }
    let seqs: Vec<i64> = desk
        .messages(&other.id)
        .await
        .unwrap()
        .iter()
        .map(|m| m.seq)
        .collect();
    assert_eq!(seqs, (1..=20).collect::<Vec<_>>());
}
