use super::*;

fn sample(body: Body) -> Statement {
    let signer = age::x25519::Identity::generate();
    Statement {
        desk: DeskSlug::parse("gt").unwrap(),
        seq: 3,
        prev: [7; 32],
        signer: super::super::signing::public_of(&signer),
        body,
        format: Format::V1,
    }
}

#[test]
fn every_kind_round_trips() {
    let recipient = Recipient::from(age::x25519::Identity::generate().to_public());
    let key = super::super::signing::public_of(&age::x25519::Identity::generate());
    let ana = Username::parse("ana").unwrap();
    for body in [
        Body::Genesis {
            account: [1; 16],
            username: ana.clone(),
            recipient: recipient.clone(),
            approvals_required: 2,
        },
        Body::Approval {
            account: [2; 16],
            username: ana,
            role: Role::Supervisor,
            recipient: recipient.clone(),
            signing_key: key,
        },
        Body::DeskKey {
            version: 4,
            recipient: recipient.clone(),
        },
        Body::Partner {
            partner: [3; 16],
            name: "Bufete Popular, Zona 1".into(),
            recipient: recipient.clone(),
        },
        Body::RevokeAccount { account: [4; 16] },
        Body::RevokePartner { partner: [5; 16] },
        Body::PartnerKeys {
            partner: [6; 16],
            name: "Acompañamiento Psicosocial".into(),
            recipient,
            signing_key: key,
        },
    ] {
        let statement = sample(body);
        assert_eq!(Statement::decode(&statement.encode(), None), Ok(statement));
    }
}

#[test]
fn decoding_is_strict() {
    let recipient = Recipient::from(age::x25519::Identity::generate().to_public());
    let statement = sample(Body::DeskKey {
        version: 1,
        recipient: recipient.clone(),
    });
    let bytes = statement.encode();
    let refused = |bytes: &[u8]| Statement::decode(bytes, None).is_err();
    assert!(refused(&[bytes.as_slice(), &[0]].concat()), "trailing byte");
    assert!(refused(&bytes[..bytes.len() - 1]), "truncated");
    let mut kind = bytes.clone();
    kind[PREFIX.len()] = 9;
    assert!(refused(&kind), "unknown kind");
    // The same key in upper case is another encoding: refused.
    let upper = bytes
        .windows(recipient.as_str().len())
        .position(|w| w == recipient.as_str().as_bytes())
        .unwrap();
    let mut shouting = bytes.clone();
    shouting[upper..upper + recipient.as_str().len()]
        .copy_from_slice(recipient.as_str().to_uppercase().as_bytes());
    assert!(refused(&shouting), "non-canonical recipient");
    let zero_version = sample(Body::DeskKey {
        version: 0,
        recipient,
    });
    assert!(refused(&zero_version.encode()), "version 0");
    assert!(refused(&vec![0; MAX_BYTES + 1]), "too long");
}

#[test]
fn format_two_commits_to_names_and_opens_them() {
    // Fixed keys, those of tests/vectors/account_keys.json: with random ones, the three bytes
    // "ana" turn up in them about once in 100,000 runs and the check below would fail by chance.
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("../../../tests/vectors/account_keys.json")).unwrap();
    let key = |n: usize| -> age::x25519::Identity {
        let text = vectors
            .pointer(&format!("/vectors/{n}/identity"))
            .and_then(|v| v.as_str());
        text.expect("an identity in the vectors").parse().unwrap()
    };
    let (own, signer) = (key(0), key(1));
    let recipient = Recipient::from(own.to_public());
    let mut statement = sample(Body::Approval {
        account: [2; 16],
        username: Username::parse("ana").unwrap(),
        role: Role::Worker,
        recipient: recipient.clone(),
        signing_key: super::super::signing::public_of(&signer),
    });
    statement.format = Format::V2 { salt: [9; 16] };
    let bytes = statement.encode();
    assert!(bytes.starts_with(PREFIX_V2));
    assert!(
        !bytes.windows(3).any(|w| w == b"ana"),
        "the name is not in the clear"
    );
    let opening = statement.opening().unwrap();
    assert_eq!(
        Opening::from_bytes(&opening.to_bytes()),
        Some(opening.clone())
    );
    assert_eq!(
        Statement::decode(&bytes, Some(&opening)),
        Ok(statement.clone())
    );

    // Without the opening, a desk's device refuses; the public view reads a stand-in.
    assert!(Statement::decode(&bytes, None).is_err());
    let public = Statement::decode_public(&bytes).unwrap();
    let sealed = commitment(Named::Account, &[2; 16], &[9; 16], "ana");
    assert_eq!(public.format, Format::V2Sealed { commitment: sealed });
    let Body::Approval { username, .. } = &public.body else {
        panic!("an approval")
    };
    assert_eq!(username.as_str(), stand_in(&sealed, Named::Account));
    assert_eq!(
        public.encode(),
        bytes,
        "the public view encodes the same bytes"
    );

    // Another name, another salt, or another subject does not open it.
    for wrong in [
        Opening {
            salt: [9; 16],
            name: "eva".into(),
        },
        Opening {
            salt: [8; 16],
            name: "ana".into(),
        },
    ] {
        assert!(Statement::decode(&bytes, Some(&wrong)).is_err());
    }
    assert_ne!(
        commitment(Named::Account, &[3; 16], &[9; 16], "ana"),
        sealed
    );
    assert_ne!(
        commitment(Named::Partner, &[2; 16], &[9; 16], "ana"),
        sealed
    );
    // A statement that names no one takes no opening.
    let mut key = sample(Body::DeskKey {
        version: 1,
        recipient,
    });
    key.format = Format::V2 { salt: [0; 16] };
    assert!(Statement::decode(&key.encode(), None).is_ok());
    assert!(Statement::decode(&key.encode(), Some(&opening)).is_err());
}
