//! Typed reads. A module declares its reads once with [`module_queries!`]: an
//! enum whose variants are the requests (each with its JSON-RPC method, its REST
//! path and its typed parameters) and whose arms call the module's `query.rs`
//! functions. From that one declaration come:
//!
//! - parsing a request from a JSON-RPC `params` object or from a REST route's path
//!   and query parameters (the same [`Params`] map; unknown parameters are refused);
//! - the answer, as JSON, from a state snapshot and the latest block time;
//! - a client's request (`method`, `params`), so clients never spell a method;
//! - the [`QueryDoc`] the node turns into its OpenAPI and OpenRPC documents.
//!
//! Invariants:
//! - A request parsed from `params()` is the request itself
//!   (`parse(q.method(), &q.params()) == Some(Ok(q))`; each module tests samples).
//! - A parameter name is the field name; the REST path names its path parameters
//!   with the same names (`/pools/{id}`), and every other field is a query parameter.
//! - 128-bit integers travel as decimal strings, 64-bit ones as JSON numbers or
//!   decimal strings (a REST route's parameters are all strings).

use crate::ErrorInfo;
pub use greenhour_primitives::UnixSeconds;
use greenhour_primitives::{Address, Denom, Hash};
use greenhour_state::{StateError, StateRead};
/// Re-exported for the macros, so a module needs no JSON dependency of its own.
pub use serde_json;
use serde_json::{json, Map, Value};

/// The longest list a read returns unless its module says otherwise.
pub const MAX_LIST: usize = 1_000;

/// The first id of a page that follows `after` (the last id of the previous
/// page): `None` when nothing can follow (after `u64::MAX`, which must not wrap
/// to the first page).
pub fn page_start(after: Option<u64>) -> Option<u64> {
    after.map_or(Some(0), |a| a.checked_add(1))
}

/// A request's parameters by name: a JSON-RPC `params` object, or a REST route's
/// path and query parameters as strings.
pub type Params = Map<String, Value>;

/// One page of a list read whose filter may skip rows: the items, and the
/// cursor the next page starts after (`next`: pass it back as `after`), `None`
/// once the list has ended. A read stops after a bounded number of rows whether
/// they matched or not, so a page costs at most that budget, and a page with few
/// or no items can still carry a `next`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<u64>,
}

/// Why a read failed. The node maps each variant to one JSON-RPC code and one HTTP status.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// A parameter is missing, unknown, of the wrong type, or malformed (-32602, 400).
    #[error("invalid params: {0}")]
    InvalidParams(String),
    /// The object asked for does not exist (-32001, 404).
    #[error("not found: {0}")]
    NotFound(String),
    /// The module refused the request with its `(module, code)` (-32002, 422).
    #[error("{0}")]
    Refused(ErrorInfo),
    /// Storage failed, or an answer could not be rendered (-32603, 500).
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StateError> for QueryError {
    fn from(e: StateError) -> Self {
        QueryError::Internal(e.to_string())
    }
}

/// A value that can be a query parameter.
pub trait QueryParam: Sized {
    /// Whether a request must carry it ([`Option`] parameters need not).
    const REQUIRED: bool = true;
    /// The JSON Schema of its value, for the generated documents.
    fn schema() -> Value;
    /// Reads the value of parameter `name` (never `null`: that counts as absent).
    fn from_value(name: &str, value: &Value) -> Result<Self, QueryError>;
    /// What an absent parameter means: an error unless the type is optional.
    fn absent(name: &str) -> Result<Self, QueryError> {
        Err(QueryError::InvalidParams(format!("missing parameter {name}")))
    }
    /// The value as a request carries it (`None`: leave the parameter out).
    fn to_value(&self) -> Option<Value>;

    /// Reads parameter `name` from `params`.
    fn take(name: &str, params: &Params) -> Result<Self, QueryError> {
        match params.get(name) {
            None | Some(Value::Null) => Self::absent(name),
            Some(v) => Self::from_value(name, v),
        }
    }
}

fn invalid(message: String) -> QueryError {
    QueryError::InvalidParams(message)
}

impl QueryParam for u64 {
    fn schema() -> Value {
        json!({"type": "integer", "minimum": 0, "maximum": u64::MAX})
    }
    fn from_value(name: &str, value: &Value) -> Result<Self, QueryError> {
        match value {
            Value::Number(n) => n.as_u64().ok_or_else(|| {
                // serde_json keeps an integer beyond u64 as a float: say it is too large.
                if n.as_f64().is_some_and(|f| f.fract() == 0.0 && f > u64::MAX as f64) {
                    invalid(format!("{name} {n} is larger than the largest allowed, {}", u64::MAX))
                } else {
                    invalid(format!("{name} must be a non-negative integer"))
                }
            }),
            Value::String(s) => s.parse().map_err(|_| {
                // A run of digits that does not fit is a number out of range, not a non-number.
                if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                    invalid(format!("{name} {s} is larger than the largest allowed, {}", u64::MAX))
                } else {
                    invalid(format!("{name} {s:?} is not a non-negative integer"))
                }
            }),
            _ => Err(invalid(format!("{name} must be a non-negative integer"))),
        }
    }
    fn to_value(&self) -> Option<Value> {
        Some(json!(self))
    }
}

impl QueryParam for u32 {
    fn schema() -> Value {
        json!({"type": "integer", "minimum": 0, "maximum": u32::MAX})
    }
    fn from_value(name: &str, value: &Value) -> Result<Self, QueryError> {
        let wide = u64::from_value(name, value)?;
        u32::try_from(wide)
            .map_err(|_| invalid(format!("{name} {wide} is larger than the largest allowed, {}", u32::MAX)))
    }
    fn to_value(&self) -> Option<Value> {
        Some(json!(self))
    }
}

impl QueryParam for u128 {
    fn schema() -> Value {
        json!({"type": "string", "pattern": "^[0-9]{1,39}$", "description": "a 128-bit integer as a decimal string"})
    }
    fn from_value(name: &str, value: &Value) -> Result<Self, QueryError> {
        match value {
            Value::String(s) => {
                s.parse().map_err(|_| invalid(format!("{name} {s:?} is not a decimal amount below 2^128")))
            }
            Value::Number(n) => {
                n.as_u64().map(u128::from).ok_or_else(|| invalid(format!("{name} must be a decimal string amount")))
            }
            _ => Err(invalid(format!("{name} must be a decimal string amount"))),
        }
    }
    fn to_value(&self) -> Option<Value> {
        Some(json!(self.to_string()))
    }
}

impl QueryParam for bool {
    fn schema() -> Value {
        json!({"type": "boolean"})
    }
    fn from_value(name: &str, value: &Value) -> Result<Self, QueryError> {
        match value {
            Value::Bool(b) => Ok(*b),
            Value::String(s) if s == "true" => Ok(true),
            Value::String(s) if s == "false" => Ok(false),
            _ => Err(invalid(format!("{name} must be true or false"))),
        }
    }
    fn to_value(&self) -> Option<Value> {
        Some(json!(self))
    }
}

/// Longest text parameter a request may carry.
pub const MAX_TEXT_PARAM: usize = 256;

impl QueryParam for String {
    fn schema() -> Value {
        json!({"type": "string", "maxLength": MAX_TEXT_PARAM})
    }
    fn from_value(name: &str, value: &Value) -> Result<Self, QueryError> {
        match value {
            Value::String(s) if s.len() <= MAX_TEXT_PARAM => Ok(s.clone()),
            Value::String(_) => Err(invalid(format!("{name} is longer than {MAX_TEXT_PARAM} bytes"))),
            _ => Err(invalid(format!("{name} must be a string"))),
        }
    }
    fn to_value(&self) -> Option<Value> {
        Some(json!(self))
    }
}

/// Implements [`QueryParam`] for a type read from its text form (`FromStr`) and
/// written with `Display`; `$schema` is its JSON Schema.
#[macro_export]
macro_rules! query_param_from_str {
    ($t:ty, $schema:expr) => {
        impl $crate::queries::QueryParam for $t {
            fn schema() -> $crate::queries::serde_json::Value {
                $schema
            }
            fn from_value(
                name: &str,
                value: &$crate::queries::serde_json::Value,
            ) -> Result<Self, $crate::queries::QueryError> {
                let text = value
                    .as_str()
                    .ok_or_else(|| $crate::queries::QueryError::InvalidParams(format!("{name} must be a string")))?;
                text.parse::<$t>().map_err(|e| $crate::queries::QueryError::InvalidParams(format!("{name}: {e}")))
            }
            fn to_value(&self) -> Option<$crate::queries::serde_json::Value> {
                Some($crate::queries::serde_json::Value::String(self.to_string()))
            }
        }
    };
}

query_param_from_str!(Address, json!({"type": "string", "pattern": "^gh1[02-9ac-hj-np-z]{38}$"}));
query_param_from_str!(Hash, json!({"type": "string", "pattern": "^[0-9a-fA-F]{64}$"}));
query_param_from_str!(Denom, json!({"type": "string", "pattern": "^[a-z][a-z0-9/_-]{2,63}$"}));

/// Implements [`QueryParam`] for a unit-variant enum by its serde name
/// (`"home"`, `"gpu_hour"`), listing the names in the schema.
#[macro_export]
macro_rules! query_param_by_serde_name {
    ($t:ty, [$($name:literal),* $(,)?]) => {
        impl $crate::queries::QueryParam for $t {
            fn schema() -> $crate::queries::serde_json::Value {
                $crate::queries::serde_json::json!({"type": "string", "enum": [$($name),*]})
            }
            fn from_value(name: &str, value: &$crate::queries::serde_json::Value) -> Result<Self, $crate::queries::QueryError> {
                $crate::queries::serde_json::from_value(value.clone()).map_err(|_| {
                    $crate::queries::QueryError::InvalidParams(format!(
                        "{name} {value} is not one of {}",
                        [$($name),*].join(", ")
                    ))
                })
            }
            fn to_value(&self) -> Option<$crate::queries::serde_json::Value> {
                $crate::queries::serde_json::to_value(self).ok()
            }
        }
    };
}

impl<T: QueryParam> QueryParam for Option<T> {
    const REQUIRED: bool = false;
    fn schema() -> Value {
        T::schema()
    }
    fn from_value(name: &str, value: &Value) -> Result<Self, QueryError> {
        T::from_value(name, value).map(Some)
    }
    fn absent(_name: &str) -> Result<Self, QueryError> {
        Ok(None)
    }
    fn to_value(&self) -> Option<Value> {
        self.as_ref().and_then(T::to_value)
    }
}

/// One parameter of a read, as the generated documents describe it.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamDoc {
    pub name: &'static str,
    pub required: bool,
    pub schema: Value,
}

/// One read, as the generated documents describe it.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryDoc {
    /// The module serving it (its `Module::NAME`).
    pub module: &'static str,
    /// The JSON-RPC method.
    pub method: &'static str,
    /// The REST path (`GET`), with path parameters in braces.
    pub path: &'static str,
    /// The declaration's doc comment.
    pub summary: String,
    pub params: Vec<ParamDoc>,
    /// The Rust type of the answer, as declared.
    pub answer: &'static str,
}

impl QueryDoc {
    /// Whether `name` is a path parameter of this read's REST route.
    pub fn in_path(&self, name: &str) -> bool {
        self.path.contains(&format!("{{{name}}}"))
    }
}

/// A module's reads (declared with [`module_queries!`]).
pub trait ModuleQueries: Sized {
    /// Every read, in declaration order.
    fn docs() -> Vec<QueryDoc>;
    /// The request `method` names, read from `params`; `None` when the method is
    /// not this module's.
    fn parse(method: &str, params: &Params) -> Option<Result<Self, QueryError>>;
    /// The JSON-RPC method of this request.
    fn method(&self) -> &'static str;
    /// The parameters of this request, as a client sends them.
    fn params(&self) -> Params;
    /// The answer from a state and the latest block time, as JSON.
    fn answer<S: StateRead>(&self, state: &S, now: UnixSeconds) -> Result<Value, QueryError>;
}

/// The reads of a module that serves none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoQueries {}

impl ModuleQueries for NoQueries {
    fn docs() -> Vec<QueryDoc> {
        Vec::new()
    }
    fn parse(_method: &str, _params: &Params) -> Option<Result<Self, QueryError>> {
        None
    }
    fn method(&self) -> &'static str {
        match *self {}
    }
    fn params(&self) -> Params {
        match *self {}
    }
    fn answer<S: StateRead>(&self, _state: &S, _now: UnixSeconds) -> Result<Value, QueryError> {
        match *self {}
    }
}

/// Refuses a request carrying a parameter its method does not take (a typo
/// would otherwise be silently ignored and answer a different question).
pub fn refuse_unknown_params(method: &str, params: &Params, known: &[&str]) -> Result<(), QueryError> {
    match params.keys().find(|k| !known.contains(&k.as_str())) {
        None => Ok(()),
        Some(unknown) if known.is_empty() => {
            Err(invalid(format!("{method} takes no parameters, but was given {unknown}")))
        }
        Some(unknown) => Err(invalid(format!("{method} takes no parameter {unknown}; it takes {}", known.join(", ")))),
    }
}

/// Renders an answer as JSON.
pub fn answer_json<T: serde::Serialize>(answer: &T) -> Result<Value, QueryError> {
    serde_json::to_value(answer).map_err(|e| QueryError::Internal(format!("rendering the answer: {e}")))
}

/// Declares a module's reads:
///
/// ```ignore
/// greenhour_framework::module_queries! {
///     /// The pools module's reads.
///     pub enum PoolsQuery in "pools" {
///         /// A pool and its members.
///         Pool = "pool" at "/pools/{id}" { id: u64 } -> PoolView
///             = |state, _now| pool(state, PoolId(id), MAX_LIST);
///     }
/// }
/// ```
///
/// Each arm's expression sees the request's fields by value, the state as
/// `state` (any name) and the latest block time; it returns a `Result` whose error
/// converts into [`QueryError`]. The macro gives the enum and its
/// [`ModuleQueries`] implementation.
#[macro_export]
macro_rules! module_queries {
    (
        $(#[$meta:meta])*
        pub enum $name:ident in $module:literal {
            $(
                $(#[doc = $doc:literal])*
                $variant:ident = $method:literal at $path:literal
                    { $( $field:ident : $ty:ty ),* $(,)? } -> $answer:ty
                    = |$state:ident, $now:ident| $body:expr;
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq)]
        pub enum $name {
            $( $(#[doc = $doc])* $variant { $( $field: $ty ),* }, )*
        }

        impl $crate::queries::ModuleQueries for $name {
            fn docs() -> Vec<$crate::queries::QueryDoc> {
                vec![$(
                    $crate::queries::QueryDoc {
                        module: $module,
                        method: $method,
                        path: $path,
                        summary: [$($doc),*].iter().map(|line| line.trim()).collect::<Vec<_>>().join(" "),
                        params: vec![$(
                            $crate::queries::ParamDoc {
                                name: stringify!($field),
                                required: <$ty as $crate::queries::QueryParam>::REQUIRED,
                                schema: <$ty as $crate::queries::QueryParam>::schema(),
                            }
                        ),*],
                        answer: stringify!($answer),
                    }
                ),*]
            }

            #[allow(unused_variables)]
            fn parse(
                method: &str,
                params: &$crate::queries::Params,
            ) -> Option<Result<Self, $crate::queries::QueryError>> {
                match method {
                    $( $method => Some((|| {
                        $crate::queries::refuse_unknown_params($method, params, &[$(stringify!($field)),*])?;
                        Ok($name::$variant {
                            $( $field: <$ty as $crate::queries::QueryParam>::take(stringify!($field), params)? ),*
                        })
                    })()), )*
                    _ => None,
                }
            }

            fn method(&self) -> &'static str {
                match self {
                    $( $name::$variant { .. } => $method, )*
                }
            }

            #[allow(unused_mut)]
            fn params(&self) -> $crate::queries::Params {
                let mut params = $crate::queries::Params::new();
                match self {
                    $( $name::$variant { $( $field ),* } => {
                        $(
                            if let Some(v) = $crate::queries::QueryParam::to_value($field) {
                                params.insert(stringify!($field).to_string(), v);
                            }
                        )*
                    } )*
                }
                params
            }

            #[allow(unused_variables, clippy::redundant_closure_call)]
            fn answer<S: $crate::StateRead>(
                &self,
                state: &S,
                now: $crate::queries::UnixSeconds,
            ) -> Result<$crate::queries::serde_json::Value, $crate::queries::QueryError> {
                match self.clone() {
                    $( $name::$variant { $( $field ),* } => {
                        let $state = state;
                        let $now = now;
                        let answer: $answer = ($body).map_err($crate::queries::QueryError::from)?;
                        $crate::queries::answer_json(&answer)
                    } )*
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_come_as_numbers_or_decimal_strings() {
        assert_eq!(u64::from_value("id", &json!(7)), Ok(7));
        assert_eq!(u64::from_value("id", &json!("7")), Ok(7));
        let too_big = u64::from_value("id", &json!("18446744073709551616")).unwrap_err();
        assert!(too_big.to_string().contains("larger than the largest allowed"), "{too_big}");
        assert!(u64::from_value("id", &json!(-1)).is_err());
        assert!(u64::from_value("id", &json!(1.5)).is_err());
        assert!(u64::from_value("id", &serde_json::from_str::<Value>("1e400").unwrap_or(json!(f64::MAX))).is_err());
        assert_eq!(u128::from_value("amount", &json!(u128::MAX.to_string())), Ok(u128::MAX));
        assert!(u128::from_value("amount", &json!("340282366920938463463374607431768211456")).is_err());
        assert_eq!(
            u32::from_value("hours", &json!("4294967296")).unwrap_err().to_string(),
            "invalid params: hours 4294967296 is larger than the largest allowed, 4294967295"
        );
    }

    #[test]
    fn optional_parameters_may_be_absent_or_null() {
        let mut params = Params::new();
        assert_eq!(<Option<u64> as QueryParam>::take("from", &params), Ok(None));
        params.insert("from".into(), Value::Null);
        assert_eq!(<Option<u64> as QueryParam>::take("from", &params), Ok(None));
        assert!(<u64 as QueryParam>::take("from", &params).is_err(), "a required parameter must be present");
    }

    #[test]
    fn unknown_parameters_are_refused_by_name() {
        let mut params = Params::new();
        params.insert("idd".into(), json!(1));
        let e = refuse_unknown_params("pool", &params, &["id"]).unwrap_err();
        assert_eq!(e.to_string(), "invalid params: pool takes no parameter idd; it takes id");
    }

    #[derive(Debug)]
    struct NoSuchThing;
    impl From<NoSuchThing> for QueryError {
        fn from(_: NoSuchThing) -> Self {
            QueryError::NotFound("thing".into())
        }
    }

    crate::module_queries! {
        /// Reads of a module in a test.
        pub enum SampleQuery in "sample" {
            /// Adds.
            Sum = "sum" at "/sums/{a}" { a: u64, b: Option<u128> } -> String
                = |_state, _now| Ok::<_, NoSuchThing>((a as u128 + b.unwrap_or(0)).to_string());
            /// Never there.
            Missing = "missing" at "/missing" {} -> u64 = |_state, _now| Err::<u64, _>(NoSuchThing);
        }
    }

    #[test]
    fn declared_queries_round_trip_and_answer() {
        let state = std::collections::BTreeMap::<Vec<u8>, Vec<u8>>::new();
        let q = SampleQuery::Sum { a: 2, b: Some(u128::MAX - 2) };
        assert_eq!(SampleQuery::parse(q.method(), &q.params()), Some(Ok(q.clone())));
        assert_eq!(q.answer(&state, 0), Ok(json!(u128::MAX.to_string())));
        assert_eq!(SampleQuery::Missing {}.answer(&state, 0), Err(QueryError::NotFound("thing".into())));
        assert!(SampleQuery::parse("nothing", &Params::new()).is_none());
        let docs = SampleQuery::docs();
        assert_eq!(
            docs[0].params.iter().map(|p| (p.name, p.required)).collect::<Vec<_>>(),
            [("a", true), ("b", false)]
        );
        assert!(docs[0].in_path("a") && !docs[0].in_path("b"));
        assert_eq!(docs[0].summary, "Adds.");
    }
}
