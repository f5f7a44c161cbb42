//! Capabilities hold in SQL: a desk's handle given valid ids of another desk's case, message,
//! note, referral, partner and accounts reads nothing and changes nothing; a partner's handle
//! reaches no other partner's referral. Each refusal has a control: the owner's handle does reach
//! the same row, so the test is not blind.

use resguardo::domain::{
    DeskSlug, PartnerId, PartnerName, PartnerProfile, PartnerStatus, ReferralId, ReferralStatus,
    Role, Status, Username,
};
use resguardo::store::{
    AccountId, Approval, Approved, CasePart, Database, DeskStore, MessageOutcome, NewReferral,
    Partner, StoreError,
};

use super::accounts::account;
use super::{ciphertext, recipient, report, store_with_desks};
use crate::harness::{commit_message, commit_report, Backend};

crate::on_both_backends!(a_capability_reaches_nothing_of_another);

/// Enrols `name` in `desk` (ids must be unique across the store).
async fn enrol(db: &Database, desk: &DeskStore, id: u8, name: &str, role: Role) -> AccountId {
    desk.create_enrolment_code(&[id; 32], role, 1000)
        .await
        .unwrap();
    let mut new = account(name, id, ciphertext());
    new.desk = desk.slug().clone();
    db.sign_in().enrol(&[id; 32], 10, &new).await.unwrap();
    AccountId([id; 16])
}

fn partner(desk: &DeskStore, name: &str) -> Partner {
    Partner {
        id: PartnerId::random(),
        desk: desk.slug().clone(),
        profile: PartnerProfile {
            name: PartnerName::parse(name).unwrap(),
            services: vec![],
            countries: vec![],
            languages: vec![],
            recipient: recipient(),
            contact: "+504 0000 0000".into(),
        },
        status: PartnerStatus::Active,
        webhook: None,
    }
}

fn referral(report: resguardo::domain::ReportId, partner: PartnerId) -> NewReferral {
    NewReferral {
        id: ReferralId::random(),
        report,
        partner,
        ciphertext: ciphertext(),
        override_reason: None,
        expires_at: None,
        attachments: Vec::new(),
    }
}

fn missing<T: std::fmt::Debug>(what: &str, result: Result<T, StoreError>) {
    assert!(
        matches!(result, Err(StoreError::Missing(_))),
        "{what}: {result:?}"
    );
}

async fn a_capability_reaches_nothing_of_another(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = store_with_desks(backend, dir.path(), &["gt", "hn"]).await else {
        return;
    };
    let slug = |s: &str| DeskSlug::parse(s).unwrap();
    let (gt, hn) = (db.desk(&slug("gt")), db.desk(&slug("hn")));

    // hn's rows: a case with a message and a note, a partner with a referral and its answer,
    // a vetted author and a pending account.
    let hana = enrol(&db, &hn, 1, "hana", Role::Supervisor).await;
    let pepe = enrol(&db, &hn, 2, "pepe", Role::Worker).await;
    let ana = enrol(&db, &gt, 3, "ana", Role::Supervisor).await;
    let x = report("hn", 1);
    commit_report(&db, &x).await;
    let to_x = hn.message(&x.id, ciphertext(), 7200, 100);
    assert_eq!(commit_message(&db, to_x).await, MessageOutcome::Added);
    hn.add_note(&x.id, hana, &ciphertext(), 7200).await.unwrap();
    let p = partner(&hn, "Bufete HN");
    hn.add_partner(&p, &[7; 32], 0).await.unwrap();
    let r = referral(x.id, p.id);
    hn.refer(&r, 7200).await.unwrap();
    let p_store = db.partner(&p);
    let answer = Some(ReferralStatus::Accepted);
    (p_store)
        .add_referral_update(
            &r.id,
            ReferralStatus::Sent,
            answer,
            Some(&ciphertext()),
            7200,
        )
        .await
        .unwrap();
    // gt's own: a case and a partner.
    let y = report("gt", 2);
    commit_report(&db, &y).await;
    let q = partner(&gt, "Bufete GT");
    gt.add_partner(&q, &[8; 32], 0).await.unwrap();

    // Controls: hn's capability reaches every one of its rows.
    assert!(hn.case(&x.id).await.unwrap().is_some());
    assert_eq!(hn.messages(&x.id).await.unwrap().len(), 1);
    assert_eq!(hn.notes(&x.id).await.unwrap().len(), 1);
    assert_eq!(hn.referrals_of_case(&x.id).await.unwrap().len(), 1);
    assert_eq!(hn.referral_updates(&r.id).await.unwrap().len(), 1);
    assert!(hn.partner(&p.id).await.unwrap().is_some());
    assert!(p_store.referral(&r.id).await.unwrap().is_some());

    // Reads from gt's capability, with hn's valid ids, find nothing.
    assert!(gt.case(&x.id).await.unwrap().is_none());
    assert!(gt.messages(&x.id).await.unwrap().is_empty());
    assert!(gt.notes(&x.id).await.unwrap().is_empty());
    assert!(gt.referrals_of_case(&x.id).await.unwrap().is_empty());
    assert!(gt.referral_updates(&r.id).await.unwrap().is_empty());
    assert!(gt.partner(&p.id).await.unwrap().is_none());
    assert!(gt.partners().await.unwrap().iter().all(|l| l.id != p.id));
    let hana_name = Username::parse("hana").unwrap();
    assert!(gt.account(&hana_name).await.unwrap().is_none());
    assert!(gt.accounts().await.unwrap().iter().all(|a| a.id != hana));

    // Writes from gt's capability change nothing of hn's.
    let to_x = gt.message(&x.id, ciphertext(), 7200, 100);
    assert_eq!(
        commit_message(&db, to_x).await,
        MessageOutcome::NoSuchReport
    );
    missing("note", gt.add_note(&x.id, ana, &ciphertext(), 7200).await);
    missing("status", gt.set_status(&x.id, Status::Closed, 7200).await);
    missing("assign", gt.assign(&x.id, None, 7200).await);
    missing("seal", gt.seal_case(&x.id, &ciphertext()).await);
    for part in [
        CasePart::Report,
        CasePart::Message(1),
        CasePart::Note(1),
        CasePart::Referral(r.id),
        CasePart::ReferralUpdate(r.id, 1),
    ] {
        missing(
            "re-encryption",
            gt.replace_ciphertext(&x.id, part, &ciphertext(), 1).await,
        );
    }
    missing(
        "partner status",
        gt.set_partner_status(&p.id, PartnerStatus::Disabled).await,
    );
    missing("partner token", gt.set_partner_token(&p.id, &[9; 32]).await);
    missing(
        "refer hn's case",
        gt.refer(&referral(x.id, q.id), 7200).await,
    );
    missing(
        "refer to hn's partner",
        gt.refer(&referral(y.id, p.id), 7200).await,
    );
    missing(
        "assign to hn's account",
        gt.assign(&y.id, Some(hana), 7200).await,
    );
    missing("disable hn's account", gt.disable(hana).await);
    let grants = [(ana, ciphertext()), (hana, ciphertext())];
    missing(
        "grant to hn's account",
        gt.rotate_key(&recipient(), &grants, ana, &[], 0).await,
    );
    let approval = Approval {
        account: pepe,
        approver: ana,
        key_version: 1,
        grant: Some(&ciphertext()),
        required: 1,
        statement: None,
    };
    assert_eq!(
        gt.approve(&approval, 0).await.unwrap(),
        Approved::NotPending
    );
    let misplaced = partner(&hn, "Otro");
    missing(
        "add a partner to hn",
        gt.add_partner(&misplaced, &[10; 32], 0).await,
    );

    // A partner's capability reaches no other partner's referral.
    let q_store = db.partner(&q);
    assert!(q_store.referral(&r.id).await.unwrap().is_none());
    assert!(q_store.referral_updates(&r.id).await.unwrap().is_empty());
    assert!(q_store.referrals().await.unwrap().is_empty());
    let answer = Some(ReferralStatus::Closed);
    let refused = (q_store)
        .add_referral_update(&r.id, ReferralStatus::Accepted, answer, None, 7300)
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );

    // hn's rows are as they were.
    let case = hn.case(&x.id).await.unwrap().unwrap();
    assert_eq!(
        (case.report.status, case.seal.is_none()),
        (Status::Referred, true)
    );
    assert_eq!(case.report.ciphertext, x.ciphertext);
    assert_eq!(hn.messages(&x.id).await.unwrap().len(), 1);
    assert_eq!(hn.notes(&x.id).await.unwrap().len(), 1);
    let held = hn.partner(&p.id).await.unwrap().unwrap();
    assert_eq!(held.status, PartnerStatus::Active);
    assert!(
        db.sign_in().partner(&[7; 32]).await.unwrap().is_some(),
        "token unchanged"
    );
    let refs = hn.referrals_of_case(&x.id).await.unwrap();
    assert_eq!((refs.len(), refs[0].status), (1, ReferralStatus::Accepted));
    assert_eq!(hn.referral_updates(&r.id).await.unwrap().len(), 1);
    let accounts = hn.accounts().await.unwrap();
    assert!(accounts
        .iter()
        .all(|a| a.status != resguardo::domain::AccountStatus::Disabled));
    assert_eq!(
        gt.desk().await.unwrap().unwrap().key_version,
        1,
        "no rotation"
    );
}
