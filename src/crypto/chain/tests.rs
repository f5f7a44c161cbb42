use super::*;
use crate::crypto::signing::public_of;
use crate::crypto::statement::{append_as, Format};
use crate::domain::Username;
use age::x25519::Identity;

struct Person {
    id: Id,
    name: &'static str,
    identity: Identity,
}

impl Person {
    fn new(n: u8, name: &'static str) -> Self {
        Self {
            id: [n; 16],
            name,
            identity: Identity::generate(),
        }
    }

    fn recipient(&self) -> Recipient {
        Recipient::from(self.identity.to_public())
    }

    fn number(&self) -> Fingerprint {
        Fingerprint::of_account(&self.recipient(), &public_of(&self.identity))
    }

    fn approval(&self, role: Role) -> Body {
        Body::Approval {
            account: self.id,
            username: Username::parse(self.name).unwrap(),
            role,
            recipient: self.recipient(),
            signing_key: public_of(&self.identity),
        }
    }
}

/// A chain being written, as devices would.
struct Chain {
    desk: DeskSlug,
    entries: Vec<Signed>,
}

impl Chain {
    fn new(root: &Person, policy: u8) -> Self {
        let mut chain = Self {
            desk: DeskSlug::parse("gt").unwrap(),
            entries: vec![],
        };
        let genesis = Body::Genesis {
            account: root.id,
            username: Username::parse(root.name).unwrap(),
            recipient: root.recipient(),
            approvals_required: policy,
        };
        chain.add(root, genesis);
        chain
    }

    fn add(&mut self, signer: &Person, body: Body) -> &mut Self {
        let head = self
            .entries
            .last()
            .map(|e| (self.entries.len() as u64, e.link()));
        // One salt per subject, as devices keep the first statement's (`DeskState::kept_format`).
        let salt = match &body {
            Body::Genesis { account, .. } | Body::Approval { account, .. } => *account,
            Body::Partner { partner, .. } | Body::PartnerKeys { partner, .. } => *partner,
            _ => [0; 16],
        };
        let format = Format::V2 { salt };
        self.entries
            .push(append_as(&self.desk, head, &signer.identity, body, format).unwrap());
        self
    }

    fn clone_with(&self, signer: &Person, body: Body) -> Self {
        let mut chain = Self {
            desk: self.desk.clone(),
            entries: self.entries.clone(),
        };
        chain.add(signer, body);
        chain
    }

    fn verify(&self, root: &Person) -> Result<DeskState, ChainError> {
        let pins = Pins {
            root: root.number(),
            head: None,
        };
        verify(&self.desk, &pins, &self.entries)
    }
}

fn desk_key(version: u64) -> (Body, Recipient) {
    let recipient = Recipient::from(Identity::generate().to_public());
    let body = Body::DeskKey {
        version,
        recipient: recipient.clone(),
    };
    (body, recipient)
}

fn code(result: Result<DeskState, ChainError>) -> &'static str {
    result.err().map_or("ok", |e| e.code())
}

#[test]
fn a_desk_grows_and_its_state_follows() {
    let (sofia, ana, sv2) = (
        Person::new(1, "sofia"),
        Person::new(2, "ana"),
        Person::new(3, "sv2"),
    );
    let mut chain = Chain::new(&sofia, 2);
    let (v1, _) = desk_key(1);
    let (v2, r2) = desk_key(2);
    let bufete = Recipient::from(Identity::generate().to_public());
    chain
        .add(&sofia, v1)
        .add(&sofia, sv2.approval(Role::Supervisor)) // the first supervisor vets the second
        .add(&sofia, ana.approval(Role::Worker)); // policy 2: one approval is not enough
    let state = chain.verify(&sofia).unwrap();
    assert!(state.account(&sv2.id).is_some());
    assert!(state.account(&ana.id).is_none());
    assert_eq!((state.approvals(&ana.id), state.required()), (1, 2));
    chain
        .add(&sv2, ana.approval(Role::Worker))
        .add(&sv2, v2)
        .add(
            &sofia,
            Body::Partner {
                partner: [9; 16],
                name: "Bufete".into(),
                recipient: bufete.clone(),
            },
        );
    let state = chain.verify(&sofia).unwrap();
    assert_eq!(state.account(&ana.id).unwrap().username.as_str(), "ana");
    assert_eq!(state.current_key(), Some((2, &r2)));
    assert_eq!(state.first_version(), Some(1));
    assert_eq!(state.partner(&[9; 16]).unwrap().recipient, bufete);
    assert_eq!(state.vetted_accounts().count(), 3);
    assert_eq!(state.head().0, 7);

    // A worker revokes herself; a supervisor revokes the partner.
    chain
        .add(&ana, Body::RevokeAccount { account: ana.id })
        .add(&sv2, Body::RevokePartner { partner: [9; 16] });
    let state = chain.verify(&sofia).unwrap();
    assert_eq!(state.vetted_accounts().count(), 2);
    assert!(state.partner(&[9; 16]).is_none());
}

#[test]
fn forged_and_misordered_chains_are_refused() {
    let (sofia, ana, eve) = (
        Person::new(1, "sofia"),
        Person::new(2, "ana"),
        Person::new(6, "eve"),
    );
    let base = || {
        let mut chain = Chain::new(&sofia, 1);
        chain
            .add(&sofia, desk_key(1).0)
            .add(&sofia, ana.approval(Role::Worker));
        chain
    };
    assert_eq!(code(base().verify(&sofia)), "ok");
    // Another root, even a well-formed one.
    assert_eq!(code(Chain::new(&eve, 1).verify(&sofia)), "root");
    // A statement by a key the desk never vetted; by a worker.
    assert_eq!(
        code(base().add(&eve, desk_key(2).0).verify(&sofia)),
        "signer"
    );
    assert_eq!(
        code(base().add(&ana, desk_key(2).0).verify(&sofia)),
        "not-supervisor"
    );
    // Versions: a skip, a repeat, a key used before.
    assert_eq!(
        code(base().add(&sofia, desk_key(3).0).verify(&sofia)),
        "version"
    );
    assert_eq!(
        code(base().add(&sofia, desk_key(1).0).verify(&sofia)),
        "version"
    );
    let mut reused = base();
    let (v2, r2) = desk_key(2);
    reused.add(&sofia, v2).add(
        &sofia,
        Body::DeskKey {
            version: 3,
            recipient: r2,
        },
    );
    assert_eq!(code(reused.verify(&sofia)), "version");
    // A body swapped under a kept signature.
    let mut swapped = base();
    let other = base();
    swapped.entries[1].statement = other.entries[1].statement.clone();
    assert_ne!(swapped.entries[1].statement, base().entries[1].statement);
    assert_eq!(code(swapped.verify(&sofia)), "signature");
    // Dropped, reordered and foreign statements.
    let mut dropped = base();
    dropped.entries.remove(1);
    assert_eq!(code(dropped.verify(&sofia)), "seq");
    let mut foreign = base();
    foreign.desk = DeskSlug::parse("hn").unwrap();
    assert_eq!(code(foreign.verify(&sofia)), "wrong-desk");
    // Repeats and unknown subjects.
    assert_eq!(
        code(
            base()
                .add(&sofia, ana.approval(Role::Worker))
                .verify(&sofia)
        ),
        "duplicate"
    );
    assert_eq!(
        code(
            base()
                .add(&sofia, Body::RevokeAccount { account: [7; 16] })
                .verify(&sofia)
        ),
        "unknown-subject"
    );
}

#[test]
fn an_account_cannot_take_another_accounts_keys() {
    let (sofia, ana, eve) = (
        Person::new(1, "sofia"),
        Person::new(2, "ana"),
        Person::new(6, "eve"),
    );
    let mut chain = Chain::new(&sofia, 1);
    chain.add(&sofia, ana.approval(Role::Worker));
    let mut twin = eve.approval(Role::Supervisor);
    if let Body::Approval { signing_key, .. } = &mut twin {
        *signing_key = public_of(&sofia.identity);
    }
    assert_eq!(
        code(chain.clone_with(&sofia, twin).verify(&sofia)),
        "conflict"
    );
    let mut same_recipient = eve.approval(Role::Worker);
    if let Body::Approval { recipient, .. } = &mut same_recipient {
        *recipient = ana.recipient();
    }
    assert_eq!(
        code(chain.clone_with(&sofia, same_recipient).verify(&sofia)),
        "conflict"
    );
}

#[test]
fn a_revoked_supervisor_signs_nothing_more_and_its_approvals_stop_counting() {
    let (sofia, sv2, ana, beto) = (
        Person::new(1, "sofia"),
        Person::new(3, "sv2"),
        Person::new(2, "ana"),
        Person::new(4, "beto"),
    );
    let mut chain = Chain::new(&sofia, 2);
    chain
        .add(&sofia, sv2.approval(Role::Supervisor))
        .add(&sv2, ana.approval(Role::Worker))
        .add(&sofia, Body::RevokeAccount { account: sv2.id });
    let state = chain.verify(&sofia).unwrap();
    assert_eq!(state.approvals(&ana.id), 0);
    // Two supervisors were ever vetted: the bar stays at 2 with one left.
    assert_eq!(state.required(), 2);
    assert_eq!(
        code(chain.add(&sv2, beto.approval(Role::Worker)).verify(&sofia)),
        "signer"
    );
}

#[test]
fn a_pinned_head_catches_rollback_and_fork() {
    let sofia = Person::new(1, "sofia");
    let mut chain = Chain::new(&sofia, 1);
    chain.add(&sofia, desk_key(1).0).add(&sofia, desk_key(2).0);
    let seen = chain.verify(&sofia).unwrap().head();
    let pins = Pins {
        root: sofia.number(),
        head: Some(seen),
    };
    assert!(verify(&chain.desk, &pins, &chain.entries).is_ok());
    let shorter = &chain.entries[..2];
    assert_eq!(
        verify(&chain.desk, &pins, shorter).err().map(|e| e.code()),
        Some("rollback")
    );
    let mut forked = Chain::new(&sofia, 1);
    forked.entries = chain.entries[..2].to_vec();
    forked.add(&sofia, desk_key(2).0);
    assert_eq!(
        verify(&chain.desk, &pins, &forked.entries)
            .err()
            .map(|e| e.code()),
        Some("fork")
    );
}

#[test]
fn a_partner_gains_its_signing_key_once() {
    let sofia = Person::new(1, "sofia");
    let (bufete, casa) = (Person::new(9, "bufete"), Person::new(10, "casa"));
    let keys = |p: &Person, name: &str, recipient: Recipient| Body::PartnerKeys {
        partner: p.id,
        name: name.into(),
        recipient,
        signing_key: public_of(&p.identity),
    };
    let mut chain = Chain::new(&sofia, 1);
    chain
        .add(&sofia, desk_key(1).0)
        // A new partner with both keys, and one signed before partners had a signing key.
        .add(&sofia, keys(&bufete, "Bufete", bufete.recipient()))
        .add(
            &sofia,
            Body::Partner {
                partner: casa.id,
                name: "Casa".into(),
                recipient: casa.recipient(),
            },
        );
    let state = chain.verify(&sofia).unwrap();
    let signed = state.partner(&bufete.id).unwrap();
    assert_eq!(signed.signing_key, Some(public_of(&bufete.identity)));
    assert_eq!(signed.safety_number(), bufete.number());
    let old = state.partner(&casa.id).unwrap();
    assert_eq!(old.signing_key, None);
    assert_eq!(old.safety_number(), casa.recipient().fingerprint());

    // The old partner gains its key under the same name and recipient, once.
    let upgraded = chain.clone_with(&sofia, keys(&casa, "Casa", casa.recipient()));
    let state = upgraded.verify(&sofia).unwrap();
    assert_eq!(
        state.partner(&casa.id).unwrap().signing_key,
        Some(public_of(&casa.identity))
    );
    let other = Recipient::from(Identity::generate().to_public());
    for (why, body, expect) in [
        ("another recipient", keys(&casa, "Casa", other), "conflict"),
        (
            "another name",
            keys(&casa, "Casa B", casa.recipient()),
            "conflict",
        ),
        (
            "a second key",
            keys(&bufete, "Bufete", bufete.recipient()),
            "duplicate",
        ),
    ] {
        assert_eq!(
            code(chain.clone_with(&sofia, body).verify(&sofia)),
            expect,
            "{why}"
        );
    }
    let twice = upgraded.clone_with(&sofia, keys(&casa, "Casa", casa.recipient()));
    assert_eq!(code(twice.verify(&sofia)), "duplicate", "upgraded twice");
    // A revoked partner gains nothing.
    let mut revoked = Chain {
        desk: chain.desk.clone(),
        entries: chain.entries.clone(),
    };
    revoked.add(&sofia, Body::RevokePartner { partner: casa.id });
    let late = revoked.clone_with(&sofia, keys(&casa, "Casa", casa.recipient()));
    assert_eq!(code(late.verify(&sofia)), "conflict");
}
