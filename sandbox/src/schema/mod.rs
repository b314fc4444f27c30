//! Graph's enumerations as the sandbox speaks them, written from the v1.0 CSDL: the
//! `microsoft.graph.security` namespace for alerts_v2 and incidents, `microsoft.graph` for the
//! legacy alerts.
//!
//! Member names are case-sensitive on the wire and spelled exactly as the CSDL declares them, so
//! a request naming `Resolved` or `in_progress` is refused. Members the CSDL declares after
//! `unknownFutureValue` are *evolvable*: Graph shows them only to clients that send
//! `Prefer: include-unknown-enum-members` and `unknownFutureValue` to the others
//! (`crate::security::evolvable`).

/// Declares one CSDL enumeration type: its members and their wire names.
macro_rules! csdl_enum {
    (
        $(#[$doc:meta])*
        $name:ident = $type_name:literal { $($member:ident = $wire:literal),+ $(,)? }
        $(evolvable { $($later:ident = $later_wire:literal),+ $(,)? })?
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($member,)+
            $($($later,)+)?
        }

        impl $name {
            /// The qualified type name, as Graph names it in its metadata and errors.
            pub const TYPE_NAME: &'static str = $type_name;
            /// Every member declared before `unknownFutureValue`, in the CSDL's order.
            pub const MEMBERS: &'static [$name] = &[$($name::$member),+];
            /// The members declared after `unknownFutureValue`.
            pub const EVOLVABLE: &'static [$name] = &[$($($name::$later),+)?];

            /// The member's name on the wire.
            pub const fn name(self) -> &'static str {
                match self {
                    $($name::$member => $wire,)+
                    $($($name::$later => $later_wire,)+)?
                }
            }

            /// The member (evolvable or not) whose wire name is exactly `text` (case-sensitive).
            pub fn from_name(text: &str) -> Option<Self> {
                Self::MEMBERS
                    .iter()
                    .chain(Self::EVOLVABLE)
                    .copied()
                    .find(|member| member.name() == text)
            }

            /// Whether Graph hides this member from clients that do not ask for it.
            pub fn is_evolvable(self) -> bool {
                Self::EVOLVABLE.contains(&self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

pub mod legacy;
pub mod security;

#[cfg(test)]
mod tests;
