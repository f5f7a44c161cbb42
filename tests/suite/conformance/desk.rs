//! A desk's accounts, keys and statements through its `DeskStore`: approvals counted one at a
//! time, statements appended only after the head, on both backends.

use resguardo::domain::{DeskName, DeskSlug, Role};
use resguardo::store::{AccountId, Database, DeskStore, Grant, StoreError};

use super::accounts::account;
use super::{ciphertext, recipient};
use crate::harness::{fresh_store, Backend};

crate::on_both_backends!(
    approvals_are_counted_one_at_a_time,
    statements_append_only_after_the_head
);

/// A fresh store with desk `gt`, whose first supervisor has not made its key yet.
pub(super) async fn keyless_desk(
    backend: Backend,
    dir: &std::path::Path,
) -> Option<(Database, DeskStore)> {
    let (db, _) = fresh_store(backend, dir).await?;
    let gt = DeskSlug::parse("gt").unwrap();
    (db.maintenance())
        .create_desk(&gt, &DeskName::parse("Mesa").unwrap(), None, 0)
        .await
        .unwrap();
    Some((db.clone(), db.desk(&gt)))
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
        opening: None,
        key_version,
    }
}

/// The grants an account holds, as its own capability reads them after it signs in.
async fn grants(desk: &DeskStore, db: &Database, id: AccountId) -> Vec<Grant> {
    let accounts = desk.accounts().await.unwrap();
    let account = accounts.iter().find(|a| a.id == id).unwrap();
    db.sign_in().proven(account).grants().await.unwrap()
}

/// Statements are appended in the transaction of their change, only right after the desk's
/// head and, for a desk key, only for the version the change makes; a refusal changes nothing.
async fn statements_append_only_after_the_head(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some((db, store)) = keyless_desk(backend, dir.path()).await else {
        return;
    };
    store
        .create_enrolment_code(&[1; 32], Role::Supervisor, 1000)
        .await
        .unwrap();
    db.sign_in()
        .enrol(&[1; 32], 10, &account("sofia", 1, ciphertext()))
        .await
        .unwrap();
    let sofia = AccountId([1; 16]);
    let first = [statement(1, 0, None), statement(2, 1, Some(1))];
    store
        .init_key(&recipient(), sofia, &ciphertext(), &first, 0)
        .await
        .unwrap();
    let seqs = |stored: Vec<resguardo::store::StoredStatement>| {
        stored.iter().map(|s| s.seq).collect::<Vec<_>>()
    };
    assert_eq!(seqs(store.statements().await.unwrap()), [1, 2]);

    let rotate = |statements: Vec<resguardo::store::NewStatement>| {
        let store = store.clone();
        async move {
            let other = recipient();
            store
                .rotate_key(&other, &[(sofia, ciphertext())], sofia, &statements, 0)
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
    assert_eq!(seqs(store.statements().await.unwrap()), [1, 2]);
    assert_eq!(store.desk().await.unwrap().unwrap().key_version, 1);
    assert_eq!(rotate(vec![statement(3, 2, Some(2))]).await.unwrap(), 2);
    assert_eq!(seqs(store.statements().await.unwrap()), [1, 2, 3]);
}

/// Two supervisors approving the same account at the same moment: one approval is counted
/// first, the other completes the vetting — never two "waiting" answers and no vetting.
async fn approvals_are_counted_one_at_a_time(backend: Backend) {
    use resguardo::store::{Approval, Approved};
    let dir = tempfile::tempdir().unwrap();
    let Some((db, store)) = keyless_desk(backend, dir.path()).await else {
        return;
    };
    let enrol = |id: u8, role: Role, name: String| {
        let (db, store) = (db.clone(), store.clone());
        async move {
            store
                .create_enrolment_code(&[id; 32], role, 1000)
                .await
                .unwrap();
            db.sign_in()
                .enrol(&[id; 32], 10, &account(&name, id, ciphertext()))
                .await
                .unwrap();
            AccountId([id; 16])
        }
    };
    let sofia = enrol(1, Role::Supervisor, "sofia".into()).await;
    store
        .init_key(&recipient(), sofia, &ciphertext(), &[], 0)
        .await
        .unwrap();
    let grant = ciphertext();
    let approval = |account, approver| Approval {
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
        assert_eq!(grants(&store, &db, worker).await.len(), 1);
    }
    // A supervisor's second approval of a pending account is not counted.
    let late = enrol(30, Role::Worker, "tardio".into()).await;
    store.approve(&approval(late, sofia), 0).await.unwrap();
    assert_eq!(
        store.approve(&approval(late, sofia), 0).await.unwrap(),
        Approved::Repeated
    );
    let listed = store.approvals().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].0.as_str(), listed[0].1.as_str()),
        ("tardio", "sofia")
    );
    assert!(grants(&store, &db, late).await.is_empty());
    // The approval that completes vetting must carry the grant; without one, it is undone.
    let bare = Approval {
        grant: None,
        ..approval(late, rosa)
    };
    assert!(matches!(
        store.approve(&bare, 0).await,
        Err(StoreError::Conflict(resguardo::store::Thing::Grant))
    ));
    assert_eq!(store.approvals().await.unwrap().len(), 1);
    assert!(grants(&store, &db, late).await.is_empty());
    assert!(matches!(
        store.approve(&approval(late, rosa), 0).await.unwrap(),
        Approved::Vetted { .. }
    ));
    assert_eq!(grants(&store, &db, late).await.len(), 1);
}
