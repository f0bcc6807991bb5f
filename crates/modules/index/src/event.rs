//! Events: the index announces none of its own. It records the fills the market
//! announces (`market.swap`) and the supply pools offer, and readers get its values
//! through `query.rs`. The declaration is empty rather than absent so the module
//! has the same surface as every other: a reader decoding `IndexEvent` knows
//! there is nothing to find.

greenhour_framework::module_events! {
    /// Everything the index announces: nothing.
    pub enum IndexEvent in "index" {}
}
