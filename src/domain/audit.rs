//! The audit log's vocabulary: every privileged action the server, the admin command line or the
//! retention sweep records (docs/protocol.md §7). One enum, so that a new action is added here,
//! named once, and documented (a test checks protocol.md lists every one).

/// A privileged action, as the audit log spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    AccountEnrol,
    AccountTotpConfirm,
    AccountSigningKey,
    AccountPassword,
    AccountUnlockShare,
    LoginOk,
    LoginFailed,
    Logout,
    DeskKeyInit,
    DeskKeyRotate,
    DeskStatementsSign,
    DeskExport,
    AccountApprove,
    AccountVet,
    AccountDisable,
    AccountInvite,
    CaseOpen,
    CasesRead,
    CaseStatus,
    CaseAssign,
    CaseNote,
    CaseReply,
    CaseSeal,
    CaseReencrypt,
    CaseExport,
    LinksExport,
    AttachmentRead,
    PartnerAdd,
    PartnerDisable,
    PartnerToken,
    ReferralCreate,
    ReferralConsentOverride,
    ReferralMessage,
    ReferralOpen,
    ReferralAttachment,
    ReferralUpdate,
    RetentionSet,
    RetentionPurge,
}

impl AuditAction {
    /// Every action, in the order protocol.md §7 lists them.
    pub const ALL: [AuditAction; 38] = [
        AuditAction::AccountEnrol,
        AuditAction::AccountTotpConfirm,
        AuditAction::AccountSigningKey,
        AuditAction::AccountPassword,
        AuditAction::AccountUnlockShare,
        AuditAction::LoginOk,
        AuditAction::LoginFailed,
        AuditAction::Logout,
        AuditAction::DeskKeyInit,
        AuditAction::DeskKeyRotate,
        AuditAction::DeskStatementsSign,
        AuditAction::DeskExport,
        AuditAction::AccountApprove,
        AuditAction::AccountVet,
        AuditAction::AccountDisable,
        AuditAction::AccountInvite,
        AuditAction::CaseOpen,
        AuditAction::CasesRead,
        AuditAction::CaseStatus,
        AuditAction::CaseAssign,
        AuditAction::CaseNote,
        AuditAction::CaseReply,
        AuditAction::CaseSeal,
        AuditAction::CaseReencrypt,
        AuditAction::CaseExport,
        AuditAction::LinksExport,
        AuditAction::AttachmentRead,
        AuditAction::PartnerAdd,
        AuditAction::PartnerDisable,
        AuditAction::PartnerToken,
        AuditAction::ReferralCreate,
        AuditAction::ReferralConsentOverride,
        AuditAction::ReferralMessage,
        AuditAction::ReferralOpen,
        AuditAction::ReferralAttachment,
        AuditAction::ReferralUpdate,
        AuditAction::RetentionSet,
        AuditAction::RetentionPurge,
    ];

    /// The action's text in the log (and in its hash).
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::AccountEnrol => "account.enrol",
            AuditAction::AccountTotpConfirm => "account.totp_confirm",
            AuditAction::AccountSigningKey => "account.signing_key",
            AuditAction::AccountPassword => "account.password",
            AuditAction::AccountUnlockShare => "account.unlock_share",
            AuditAction::LoginOk => "login.ok",
            AuditAction::LoginFailed => "login.failed",
            AuditAction::Logout => "logout",
            AuditAction::DeskKeyInit => "desk.key_init",
            AuditAction::DeskKeyRotate => "desk.key_rotate",
            AuditAction::DeskStatementsSign => "desk.statements_sign",
            AuditAction::DeskExport => "desk.export",
            AuditAction::AccountApprove => "account.approve",
            AuditAction::AccountVet => "account.vet",
            AuditAction::AccountDisable => "account.disable",
            AuditAction::AccountInvite => "account.invite",
            AuditAction::CaseOpen => "case.open",
            AuditAction::CasesRead => "cases.read",
            AuditAction::CaseStatus => "case.status",
            AuditAction::CaseAssign => "case.assign",
            AuditAction::CaseNote => "case.note",
            AuditAction::CaseReply => "case.reply",
            AuditAction::CaseSeal => "case.seal",
            AuditAction::CaseReencrypt => "case.reencrypt",
            AuditAction::CaseExport => "case.export",
            AuditAction::LinksExport => "links.export",
            AuditAction::AttachmentRead => "attachment.read",
            AuditAction::PartnerAdd => "partner.add",
            AuditAction::PartnerDisable => "partner.disable",
            AuditAction::PartnerToken => "partner.token",
            AuditAction::ReferralCreate => "referral.create",
            AuditAction::ReferralConsentOverride => "referral.consent_override",
            AuditAction::ReferralOpen => "referral.open",
            AuditAction::ReferralAttachment => "referral.attachment",
            AuditAction::ReferralUpdate => "referral.update",
            AuditAction::ReferralMessage => "referral.message",
            AuditAction::RetentionSet => "retention.set",
            AuditAction::RetentionPurge => "retention.purge",
        }
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_its_own_text() {
        let texts: std::collections::BTreeSet<&str> =
            AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(texts.len(), AuditAction::ALL.len());
        assert!(texts.iter().all(|t| t
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_')));
    }
}
