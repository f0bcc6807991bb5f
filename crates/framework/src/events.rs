//! Typed events. A module declares its events once with [`module_events!`]: an
//! enum whose variants are the event kinds and whose fields are the attributes.
//! The stored form stays the generic [`Event`] (kind `module.kind`, attributes
//! as `(name, text)` pairs in field order), which is what blocks, the RPC and the
//! WebSocket carry; readers get the typed value back with `decode`, so no reader
//! matches on kind strings or attribute positions.
//!
//! Invariant: `decode(to_event(e)) == Some(e)` for every event (each module's
//! tests check it on samples; [`EventValue`] round-trips its text form).

use greenhour_crypto::PublicKey;
use greenhour_primitives::{Address, Coin, Denom, Hash};
use std::str::FromStr;

pub use greenhour_state::Event;

/// A value that can be an event attribute: written as text, read back exactly.
pub trait EventValue: Sized {
    fn encode(&self) -> String;
    fn decode(text: &str) -> Option<Self>;
}

macro_rules! by_display_and_from_str {
    ($($t:ty),*) => {$(
        impl EventValue for $t {
            fn encode(&self) -> String {
                self.to_string()
            }
            fn decode(text: &str) -> Option<Self> {
                <$t as FromStr>::from_str(text).ok()
            }
        }
    )*};
}

by_display_and_from_str!(u32, u64, u128, i128, usize, bool, String, Address, Coin, Denom, Hash, PublicKey);

/// Several coins, comma-separated (`2slot/home/5,2slot/home/6`), as Cosmos writes them.
impl EventValue for Vec<Coin> {
    fn encode(&self) -> String {
        self.iter().map(Coin::to_string).collect::<Vec<_>>().join(",")
    }
    fn decode(text: &str) -> Option<Self> {
        if text.is_empty() {
            return Some(Vec::new());
        }
        text.split(',').map(|c| c.parse().ok()).collect()
    }
}

/// An absent value is the empty string.
impl EventValue for Option<Address> {
    fn encode(&self) -> String {
        self.map(|a| a.to_string()).unwrap_or_default()
    }
    fn decode(text: &str) -> Option<Self> {
        if text.is_empty() {
            Some(None)
        } else {
            text.parse().ok().map(Some)
        }
    }
}

/// Implements [`EventValue`] for `u64` newtypes (ids), written as the number.
#[macro_export]
macro_rules! event_value_for_id {
    ($($t:ident),*) => {$(
        impl $crate::events::EventValue for $t {
            fn encode(&self) -> String {
                self.0.to_string()
            }
            fn decode(text: &str) -> Option<Self> {
                text.parse().ok().map($t)
            }
        }
    )*};
}

/// Declares a module's events:
///
/// ```ignore
/// greenhour_framework::module_events! {
///     /// Everything the pools module announces.
///     pub enum PoolsEvent in "pools" {
///         /// A pool was created.
///         Created = "created" { pool: PoolId, creator: Address, class: String },
///     }
/// }
/// ```
///
/// gives the enum, `KINDS`, `kind()`, `to_event()`, `decode(&Event)` and
/// `From<PoolsEvent> for Event`.
#[macro_export]
macro_rules! module_events {
    // A module that announces nothing: an uninhabited enum with the same methods.
    (
        $(#[$meta:meta])*
        pub enum $name:ident in $module:literal {}
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum $name {}

        impl $name {
            /// Every kind this module emits: none.
            pub const KINDS: &'static [&'static str] = &[];

            pub fn kind(&self) -> &'static str {
                match *self {}
            }

            pub fn to_event(&self) -> $crate::events::Event {
                match *self {}
            }

            /// Always `None`: no stored event is this module's.
            pub fn decode(_event: &$crate::events::Event) -> Option<Self> {
                None
            }

            /// Always empty.
            pub fn all_in<'a>(_events: impl IntoIterator<Item = &'a $crate::events::Event>) -> Vec<Self> {
                Vec::new()
            }
        }

        impl From<$name> for $crate::events::Event {
            fn from(e: $name) -> Self {
                match e {}
            }
        }
    };
    (
        $(#[$meta:meta])*
        pub enum $name:ident in $module:literal {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $kind:literal { $( $field:ident : $ty:ty ),* $(,)? }
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum $name {
            $( $(#[$vmeta])* $variant { $( $field: $ty ),* } ),*
        }

        impl $name {
            /// Every kind this module emits, as stored (`module.kind`).
            pub const KINDS: &'static [&'static str] = &[$( concat!($module, ".", $kind) ),*];

            /// This event's stored kind.
            pub fn kind(&self) -> &'static str {
                match self {
                    $( $name::$variant { .. } => concat!($module, ".", $kind) ),*
                }
            }

            /// The stored form: the kind, then every field as an attribute, in order.
            pub fn to_event(&self) -> $crate::events::Event {
                match self {
                    $( $name::$variant { $( $field ),* } => {
                        let attributes: Vec<(String, String)> = vec![
                            $( (stringify!($field).to_string(), $crate::events::EventValue::encode($field)) ),*
                        ];
                        $crate::events::Event { kind: concat!($module, ".", $kind).to_string(), attributes }
                    } ),*
                }
            }

            /// Reads a stored event back: `None` for another module's event, an
            /// unknown kind, or an attribute missing or not of its type.
            pub fn decode(event: &$crate::events::Event) -> Option<Self> {
                #[allow(unused_variables)]
                let attr = |name: &str| event.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
                match event.kind.as_str() {
                    $( concat!($module, ".", $kind) => Some($name::$variant {
                        $( $field: $crate::events::EventValue::decode(attr(stringify!($field))?)? ),*
                    }), )*
                    _ => None,
                }
            }

            /// Every event of this module in `events`, decoded, in order.
            pub fn all_in<'a>(events: impl IntoIterator<Item = &'a $crate::events::Event>) -> Vec<Self> {
                events.into_iter().filter_map(Self::decode).collect()
            }
        }

        impl From<$name> for $crate::events::Event {
            fn from(e: $name) -> Self {
                e.to_event()
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::module_events! {
        /// Test events.
        pub enum TestEvent in "test" {
            /// Something with every kind of value.
            Everything = "everything" { who: Address, coin: Coin, coins: Vec<Coin>, spender: Option<Address>, n: u128, ok: bool },
            /// No attributes.
            Nothing = "nothing" {},
        }
    }

    #[test]
    fn events_round_trip_through_their_stored_form() {
        let who = Address::for_module("alice");
        let coin: Coin = "5ughr".parse().unwrap();
        let samples = [
            TestEvent::Everything {
                who,
                coin: coin.clone(),
                coins: vec![coin.clone(), "2slot/home/5".parse().unwrap()],
                spender: None,
                n: u128::MAX,
                ok: true,
            },
            TestEvent::Everything { who, coin, coins: vec![], spender: Some(who), n: 0, ok: false },
            TestEvent::Nothing {},
        ];
        for e in samples {
            let stored = e.to_event();
            assert_eq!(stored.kind, e.kind());
            assert!(TestEvent::KINDS.contains(&e.kind()));
            assert_eq!(TestEvent::decode(&stored), Some(e));
        }
        let stored = samples_first_attrs();
        assert_eq!(stored, ["who", "coin", "coins", "spender", "n", "ok"]);
    }

    fn samples_first_attrs() -> Vec<String> {
        let e = TestEvent::Everything {
            who: Address::for_module("x"),
            coin: "1ughr".parse().unwrap(),
            coins: vec![],
            spender: None,
            n: 1,
            ok: true,
        };
        e.to_event().attributes.into_iter().map(|(k, _)| k).collect()
    }

    #[test]
    fn foreign_or_damaged_events_do_not_decode() {
        assert_eq!(TestEvent::decode(&Event::new("bank.transfer")), None);
        assert_eq!(TestEvent::decode(&Event::new("test.everything").attr("who", "nobody")), None);
        assert_eq!(TestEvent::decode(&Event::new("test.nothing")), Some(TestEvent::Nothing {}));
    }
}
