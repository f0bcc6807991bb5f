//! Parameters governance may change. Each module's `params.rs` declares, with
//! [`governed_params!`](crate::governed_params), which fields of its parameter
//! struct governance may set and the bounds each must stay within; the app's
//! registry routes a change to its module through [`ParamRouter`], and the
//! governance module checks a proposed change against the bounds when it is
//! submitted, and again when it executes.
//!
//! Invariants:
//! - **Bounds are code.** A governed value outside `min..=max` is refused; a field
//!   not declared governed cannot be changed by a proposal at all.
//! - **Whole-struct consistency.** After a change the struct's own check (e.g. a
//!   minimum at most its maximum) must still pass, or nothing is written.

use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_state::{Key, StateError, StateRead, StateWrite};
use serde::Serialize;

/// One parameter governance may change, and the range it must stay within.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ParamBound {
    pub name: &'static str,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub min: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub max: u128,
    /// What the parameter means, with its unit.
    pub doc: &'static str,
}

/// Why a parameter change is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// Returned when no module of the app has this name.
    #[error("no module {0}")]
    UnknownModule(String),
    /// Returned when the module does not let governance change this parameter.
    #[error("{module} has no parameter {name} that governance may change")]
    NotGoverned { module: String, name: String },
    /// Returned when the value is outside the parameter's declared bounds.
    #[error("{module}.{name} = {value} is outside {min}..={max}")]
    OutOfBounds { module: String, name: String, value: u128, min: u128, max: u128 },
    /// Returned when the value is in bounds but leaves the parameters inconsistent.
    #[error("{module}: {why}")]
    Inconsistent { module: String, why: String },
    /// Returned when storage fails underneath.
    #[error(transparent)]
    State(#[from] StateError),
}

/// A parameter struct with fields governance may change (implemented by
/// [`governed_params!`](crate::governed_params)).
pub trait GovernedParams {
    /// The fields governance may change, with their bounds.
    const GOVERNED: &'static [ParamBound];
    /// The current value of a governed field.
    fn get(&self, name: &str) -> Option<u128>;
    /// Writes a governed field; false if `name` is not governed or the value does
    /// not fit the field's type. Bounds are the caller's ([`set_governed`]).
    fn set_unchecked(&mut self, name: &str, value: u128) -> bool;
    /// Relations between fields that must hold after any change.
    fn consistent(&self) -> Result<(), String>;
}

/// Looks `name` up in `bounds` and checks `value` against it.
pub fn check_bound<'a>(
    module: &str,
    bounds: &'a [ParamBound],
    name: &str,
    value: u128,
) -> Result<&'a ParamBound, ParamError> {
    let bound = bounds
        .iter()
        .find(|b| b.name == name)
        .ok_or_else(|| ParamError::NotGoverned { module: module.into(), name: name.into() })?;
    if value < bound.min || value > bound.max {
        return Err(ParamError::OutOfBounds {
            module: module.into(),
            name: name.into(),
            value,
            min: bound.min,
            max: bound.max,
        });
    }
    Ok(bound)
}

/// Sets the governed field `name` of the parameters stored at `key` (the
/// defaults when none are stored: some modules store nothing until used) to
/// `value`, checking the bounds and the struct's consistency first; returns the
/// old value. Nothing is written when it refuses.
pub fn set_governed<P>(
    state: &mut impl StateWrite,
    module: &str,
    key: &Key<P>,
    name: &str,
    value: u128,
) -> Result<u128, ParamError>
where
    P: GovernedParams + BorshSerialize + BorshDeserialize + Default,
{
    check_bound(module, P::GOVERNED, name, value)?;
    let mut params = state.get(key)?.unwrap_or_default();
    let old = params.get(name).ok_or_else(|| ParamError::NotGoverned { module: module.into(), name: name.into() })?;
    if !params.set_unchecked(name, value) {
        return Err(ParamError::NotGoverned { module: module.into(), name: name.into() });
    }
    params.consistent().map_err(|why| ParamError::Inconsistent { module: module.into(), why })?;
    state.put(key, &params);
    Ok(old)
}

/// The current value of every governed field of the parameters stored at `key`
/// (the defaults when none are stored).
pub fn governed_values<P>(state: &impl StateRead, key: &Key<P>) -> Result<Vec<(&'static str, u128)>, ParamError>
where
    P: GovernedParams + BorshDeserialize + Default,
{
    let params = state.get(key)?.unwrap_or_default();
    Ok(P::GOVERNED.iter().filter_map(|b| params.get(b.name).map(|v| (b.name, v))).collect())
}

/// What the app gives the governance module: every module's governed parameters,
/// and a way to change one (the app's registry implements it).
pub trait ParamRouter {
    /// The governed parameters of `module`; `None` when the app has no such module.
    fn bounds(module: &str) -> Option<&'static [ParamBound]>;
    /// Sets one governed parameter of `module`; returns the old value.
    fn set(state: &mut impl StateWrite, module: &str, name: &str, value: u128) -> Result<u128, ParamError>;
    /// The current value of every governed parameter of `module`.
    fn values(state: &impl StateRead, module: &str) -> Result<Vec<(&'static str, u128)>, ParamError>;
    /// Every module's name, in the registry's order.
    fn modules() -> &'static [&'static str];
}

/// Checks a proposed change against the bounds the app's modules declare.
pub fn check_change<R: ParamRouter>(module: &str, name: &str, value: u128) -> Result<(), ParamError> {
    let bounds = R::bounds(module).ok_or_else(|| ParamError::UnknownModule(module.into()))?;
    check_bound(module, bounds, name, value).map(|_| ())
}

/// Implements a module's governed-parameter hooks ([`Module::GOVERNED_PARAMS`],
/// [`Module::set_param`], [`Module::governed_values`]) for parameters of type
/// `$params` stored at `$key`; written inside the module's `impl Module`.
///
/// [`Module::GOVERNED_PARAMS`]: crate::Module::GOVERNED_PARAMS
/// [`Module::set_param`]: crate::Module::set_param
/// [`Module::governed_values`]: crate::Module::governed_values
#[macro_export]
macro_rules! governed_module_params {
    ($params:ty, $key:expr) => {
        const GOVERNED_PARAMS: &'static [$crate::params::ParamBound] =
            <$params as $crate::params::GovernedParams>::GOVERNED;
        fn set_param(
            state: &mut impl $crate::StateWrite,
            name: &str,
            value: u128,
        ) -> Result<u128, $crate::params::ParamError> {
            $crate::params::set_governed(state, <Self as $crate::Module>::NAME, &$key, name, value)
        }
        fn governed_values(
            state: &impl $crate::StateRead,
        ) -> Result<Vec<(&'static str, u128)>, $crate::params::ParamError> {
            $crate::params::governed_values(state, &$key)
        }
    };
}

/// Declares which fields of a parameter struct governance may change and their
/// bounds, implementing [`GovernedParams`]:
///
/// ```ignore
/// greenhour_framework::governed_params! {
///     StableParams {
///         /// Smallest debt a vault may hold, ugusd.
///         min_debt: u128 in 1_000_000..=1_000_000_000_000,
///     }
///     consistent = |p| if p.min_rate_bps <= p.max_rate_bps { Ok(()) } else { Err("…".into()) }
/// }
/// ```
#[macro_export]
macro_rules! governed_params {
    (
        $ty:ty {
            $( $(#[doc = $doc:literal])* $field:ident : $fty:ident in $min:literal ..= $max:literal ),* $(,)?
        }
        $( consistent = $check:expr )?
    ) => {
        impl $crate::params::GovernedParams for $ty {
            const GOVERNED: &'static [$crate::params::ParamBound] = &[
                $( $crate::params::ParamBound {
                    name: stringify!($field),
                    min: $min,
                    max: $max,
                    doc: concat!($($doc),*),
                }, )*
            ];
            fn get(&self, name: &str) -> Option<u128> {
                match name {
                    $( stringify!($field) => Some(self.$field as u128), )*
                    _ => None,
                }
            }
            fn set_unchecked(&mut self, name: &str, value: u128) -> bool {
                match name {
                    $( stringify!($field) => match <$fty>::try_from(value) {
                        Ok(v) => {
                            self.$field = v;
                            true
                        }
                        Err(_) => false,
                    }, )*
                    _ => {
                        let _ = value;
                        false
                    }
                }
            }
            fn consistent(&self) -> Result<(), String> {
                let checks: &[fn(&Self) -> Result<(), String>] = &[$($check)?];
                checks.iter().try_for_each(|check| check(self))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use greenhour_state::StateRead;

    #[derive(Clone, Debug, Default, PartialEq, BorshSerialize, BorshDeserialize)]
    struct Example {
        low: u32,
        high: u64,
        fixed: u32,
    }

    governed_params! {
        Example {
            /// A lower bound.
            low: u32 in 0..=100,
            /// An upper bound.
            high: u64 in 10..=1_000,
        }
        consistent = |p: &Example| if p.low as u64 <= p.high { Ok(()) } else { Err("low above high".into()) }
    }

    #[test]
    fn the_macro_declares_bounds_docs_and_accessors() {
        assert_eq!(Example::GOVERNED.len(), 2);
        assert_eq!(Example::GOVERNED[0].doc.trim(), "A lower bound.");
        let mut e = Example { low: 5, high: 50, fixed: 7 };
        assert_eq!(e.get("high"), Some(50));
        assert_eq!(e.get("fixed"), None, "an undeclared field is not governed");
        assert!(e.set_unchecked("low", 9));
        assert!(!e.set_unchecked("fixed", 1));
        assert!(!e.set_unchecked("low", u32::MAX as u128 + 1), "a value must fit the field");
        assert_eq!(e, Example { low: 9, high: 50, fixed: 7 });
    }

    #[test]
    fn rejects_values_outside_the_bounds_and_undeclared_fields() {
        assert!(check_bound("m", Example::GOVERNED, "low", 100).is_ok());
        assert!(matches!(check_bound("m", Example::GOVERNED, "low", 101), Err(ParamError::OutOfBounds { .. })));
        assert!(matches!(check_bound("m", Example::GOVERNED, "high", 9), Err(ParamError::OutOfBounds { .. })));
        assert!(matches!(check_bound("m", Example::GOVERNED, "fixed", 1), Err(ParamError::NotGoverned { .. })));
    }

    #[test]
    fn rejects_a_change_that_leaves_the_struct_inconsistent_and_writes_nothing() {
        let mut state = greenhour_state::BlockOverlay::new(std::collections::BTreeMap::<Vec<u8>, Vec<u8>>::new());
        let key: Key<Example> = Key::new("m/params");
        let before = Example { low: 5, high: 50, fixed: 7 };
        state.put(&key, &before);
        let refused = set_governed(&mut state, "m", &key, "low", 60);
        assert!(matches!(refused, Err(ParamError::Inconsistent { .. })), "{refused:?}");
        assert_eq!(state.get(&key).unwrap(), Some(before.clone()));
        assert_eq!(set_governed(&mut state, "m", &key, "high", 70), Ok(50));
        assert_eq!(state.get(&key).unwrap().unwrap().high, 70);
    }
}
