//! What a person marks on one contact, usually during a call: whether it
//! works (and why not), the channels the debtor refused on it, and the
//! workplace mark. The marks must fit the contact's kind.

use super::{ChannelSet, ContactError, ContactKind, Validity};

/// The marks of one contact.
///
/// Invariant once [`fit`](Self::fit): the reason (if invalid) can describe a
/// contact of that kind, and every opt-out names a channel it can serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ContactMarks {
    pub validity: Validity,
    pub opt_out: ChannelSet,
    pub workplace: bool,
}

impl ContactMarks {
    /// These marks, if they fit a contact of `kind`.
    pub fn fit(self, kind: ContactKind) -> Result<Self, ContactError> {
        if let Validity::Invalid(r) = self.validity
            && !r.fits(kind)
        {
            return Err(ContactError::ReasonMismatch {
                reason: r.as_str(),
                kind: kind.as_str(),
            });
        }
        let allowed = kind.channels();
        if let Some(c) = self.opt_out.iter().find(|c| !allowed.contains(*c)) {
            return Err(ContactError::ChannelMismatch {
                channel: c.as_str(),
                kind: kind.as_str(),
            });
        }
        Ok(self)
    }

    /// These marks with what `patch` names replaced.
    pub fn patched(self, patch: ContactMarksPatch) -> Self {
        Self {
            validity: patch.validity.unwrap_or(self.validity),
            opt_out: patch.opt_out.unwrap_or(self.opt_out),
            workplace: patch.workplace.unwrap_or(self.workplace),
        }
    }
}

/// A change to some of a contact's marks; `None` keeps the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ContactMarksPatch {
    pub validity: Option<Validity>,
    pub opt_out: Option<ChannelSet>,
    pub workplace: Option<bool>,
}

/// Every mark given: the page's form, which shows them all.
impl From<ContactMarks> for ContactMarksPatch {
    fn from(m: ContactMarks) -> Self {
        Self {
            validity: Some(m.validity),
            opt_out: Some(m.opt_out),
            workplace: Some(m.workplace),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::{Channel, InvalidReason};
    use proptest::prelude::*;

    fn invalid(r: InvalidReason) -> ContactMarks {
        ContactMarks {
            validity: Validity::Invalid(r),
            ..ContactMarks::default()
        }
    }

    #[test]
    fn a_bounce_is_only_an_emails() {
        assert!(
            invalid(InvalidReason::Bounce)
                .fit(ContactKind::Email)
                .is_ok()
        );
        assert_eq!(
            invalid(InvalidReason::Bounce).fit(ContactKind::Phone),
            Err(ContactError::ReasonMismatch {
                reason: "bounce",
                kind: "phone"
            })
        );
        assert!(
            invalid(InvalidReason::WrongNumber)
                .fit(ContactKind::Address)
                .is_err()
        );
        assert!(
            invalid(InvalidReason::ReturnedMail)
                .fit(ContactKind::Address)
                .is_ok()
        );
        for k in ContactKind::ALL {
            assert!(invalid(InvalidReason::Other).fit(k).is_ok());
        }
    }

    #[test]
    fn opt_outs_name_channels_the_kind_serves() {
        let sms = ContactMarks {
            opt_out: [Channel::Sms, Channel::Whatsapp].into_iter().collect(),
            ..ContactMarks::default()
        };
        assert!(sms.fit(ContactKind::Phone).is_ok());
        assert_eq!(
            sms.fit(ContactKind::Email),
            Err(ContactError::ChannelMismatch {
                channel: "sms",
                kind: "email"
            })
        );
    }

    #[test]
    fn a_patch_replaces_only_what_it_names() {
        let now = ContactMarks {
            validity: Validity::Valid,
            opt_out: [Channel::Voice].into_iter().collect(),
            workplace: true,
        };
        let p = ContactMarksPatch {
            workplace: Some(false),
            ..ContactMarksPatch::default()
        };
        assert_eq!(
            now.patched(p),
            ContactMarks {
                workplace: false,
                ..now
            }
        );
        assert_eq!(now.patched(ContactMarksPatch::default()), now);
        let all = ContactMarks::default();
        assert_eq!(now.patched(all.into()), all);
    }

    proptest! {
        /// Marks that fit a kind use only its reasons and channels.
        #[test]
        fn fitting_marks_respect_the_kind(
            k in 0usize..3, r in 0usize..6, bits in 0u8..32,
        ) {
            let kind = ContactKind::ALL[k];
            let validity = InvalidReason::ALL.get(r).map_or(Validity::Valid, |r| Validity::Invalid(*r));
            let m = ContactMarks { validity, opt_out: ChannelSet::from_bits(bits), workplace: false };
            match m.fit(kind) {
                Ok(_) => {
                    prop_assert!(m.validity.reason().is_none_or(|r| r.fits(kind)));
                    prop_assert_eq!(m.opt_out.bits() & !kind.channels().bits(), 0);
                }
                Err(_) => prop_assert!(
                    m.validity.reason().is_some_and(|r| !r.fits(kind))
                        || m.opt_out.bits() & !kind.channels().bits() != 0
                ),
            }
        }
    }
}
