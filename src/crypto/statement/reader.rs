//! Reading a statement's fields strictly (docs/protocol.md §10.1): canonical texts only, and a
//! format-2 name opened or read as its stand-in.

use super::{commitment, stand_in, Format, Id, Malformed, Named, Opening, MAX_STR};
use crate::domain::{Recipient, SigningPublic, Username};

/// How `decode` reads format-2 names: opened with what the server served beside the statement
/// (a desk's device, which refuses a name it cannot open), or as stand-ins (the public view).
#[derive(Clone, Copy)]
pub(super) enum Names<'o> {
    Opened(Option<&'o Opening>),
    Public,
}

pub(super) struct Reader<'a> {
    pub(super) rest: &'a [u8],
    pub(super) names: Names<'a>,
    /// The statement's format, with the salt of its name once read.
    pub(super) format: Format,
}

impl<'a> Reader<'a> {
    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        if self.rest.len() < n {
            return Err(Malformed("truncated"));
        }
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(head)
    }

    pub(super) fn array<const N: usize>(&mut self) -> Result<[u8; N], Malformed> {
        self.take(N)?.try_into().map_err(|_| Malformed("truncated"))
    }

    pub(super) fn byte(&mut self) -> Result<u8, Malformed> {
        Ok(self.array::<1>()?[0])
    }

    pub(super) fn u64(&mut self) -> Result<u64, Malformed> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    pub(super) fn text(&mut self) -> Result<&'a str, Malformed> {
        let len = u32::from_be_bytes(self.array()?) as usize;
        if len > MAX_STR {
            return Err(Malformed("a text longer than 1024 bytes"));
        }
        std::str::from_utf8(self.take(len)?).map_err(|_| Malformed("a text that is not UTF-8"))
    }

    /// The name of `subject`: in the clear (format 1); opened, or its stand-in (format 2).
    fn name(&mut self, named: Named, subject: &Id) -> Result<String, Malformed> {
        if self.format == Format::V1 {
            return Ok(self.text()?.to_owned());
        }
        let sealed = self.array::<32>()?;
        match self.names {
            Names::Public => {
                self.format = Format::V2Sealed { commitment: sealed };
                Ok(stand_in(&sealed, named))
            }
            Names::Opened(None) => Err(Malformed("a sealed name without its opening")),
            Names::Opened(Some(opening)) => {
                if commitment(named, subject, &opening.salt, &opening.name) != sealed {
                    return Err(Malformed("a name that does not open its commitment"));
                }
                self.format = Format::V2 { salt: opening.salt };
                Ok(opening.name.clone())
            }
        }
    }

    /// 1 to 100 characters (Unicode scalar values), none of them a control character: what
    /// a person reads before referring a case there.
    pub(super) fn partner_name(&mut self, subject: &Id) -> Result<String, Malformed> {
        let text = self.name(Named::Partner, subject)?;
        let chars = text.chars().count();
        if (1..=100).contains(&chars) && !text.chars().any(char::is_control) {
            Ok(text)
        } else {
            Err(Malformed("partner name"))
        }
    }

    pub(super) fn signing_key(&mut self) -> Result<SigningPublic, Malformed> {
        SigningPublic::from_bytes(&self.array::<32>()?).map_err(|_| Malformed("signing key"))
    }

    pub(super) fn username(&mut self, subject: &Id) -> Result<Username, Malformed> {
        Username::parse(&self.name(Named::Account, subject)?).map_err(|_| Malformed("username"))
    }

    /// A recipient in its canonical text only: another spelling of the same key is refused, so
    /// that one key has one encoding and one link.
    pub(super) fn recipient(&mut self) -> Result<Recipient, Malformed> {
        let text = self.text()?;
        match Recipient::parse(text) {
            Ok(recipient) if recipient.as_str() == text => Ok(recipient),
            _ => Err(Malformed("recipient")),
        }
    }
}
