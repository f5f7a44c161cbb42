//! Random 16-byte identifiers, shown as 32 lower-case hex digits. Random, so ids reveal neither
//! insertion order nor how many rows a table holds.

/// Declares a random-id newtype with `random`, `parse`, `Display` (hex) and a redacted-free `Debug`.
macro_rules! random_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name([u8; 16]);

        impl $name {
            pub fn random() -> Self {
                let mut bytes = [0u8; 16];
                rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
                Self(bytes)
            }

            pub fn from_bytes(bytes: [u8; 16]) -> Self {
                Self(bytes)
            }

            pub fn as_bytes(&self) -> &[u8; 16] {
                &self.0
            }

            pub fn parse(text: &str) -> Result<Self, $crate::domain::BadId> {
                let bad = $crate::domain::BadId($what);
                if text.len() != 32 {
                    return Err(bad);
                }
                let mut bytes = [0u8; 16];
                for (i, byte) in bytes.iter_mut().enumerate() {
                    let pair = text.get(2 * i..2 * i + 2).ok_or(bad.clone())?;
                    *byte = u8::from_str_radix(pair, 16).map_err(|_| bad.clone())?;
                }
                Ok(Self(bytes))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({self})", stringify!($name))
            }
        }
    };
}

pub(crate) use random_id;

/// Text that is not 32 hexadecimal digits, where the id of a `.0` was expected.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("a {0} id is 32 hexadecimal digits")]
pub struct BadId(pub &'static str);
