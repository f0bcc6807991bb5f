//! The cover part of the genesis file: parameters, the pool, stakers and covers
//! (what `export` reads back from a running chain).

use crate::params::CoverParams;
use crate::state::{self, Cover, Peril, Pool, Stake};
use crate::{keys, CoverError};
use greenhour_framework::{StateRead, StateWrite};
use greenhour_primitives::Address;
use serde::{Deserialize, Serialize};

/// One staker's shares and its settled part of the GHR rewards.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Staker {
    pub staker: Address,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub shares: u128,
    #[serde(default, with = "greenhour_primitives::amount_serde")]
    pub ghr_debt: u128,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverGenesis {
    #[serde(default)]
    pub params: CoverParams,
    #[serde(default)]
    pub pool: Pool,
    #[serde(default)]
    pub stakers: Vec<Staker>,
    #[serde(default)]
    pub covers: Vec<Cover>,
}

pub fn init(state: &mut impl StateWrite, g: &CoverGenesis) -> Result<(), CoverError> {
    let bad = |m: String| Err(CoverError::InvalidGenesis(m));
    if g.params != CoverParams::default() {
        state.put(&keys::params(), &g.params);
    }
    if g.pool != Pool::default() {
        state.put(&keys::pool(), &g.pool);
    }
    let shares: u128 = g.stakers.iter().map(|s| s.shares).sum();
    let unfunded = |s: &Staker| !crate::math::debt_is_covered(s.shares, g.pool.ghr_per_share_wad, s.ghr_debt);
    if g.stakers.iter().any(unfunded) {
        return bad("a staker's settled rewards exceed what its shares earned".into());
    }
    if shares != g.pool.shares || g.stakers.iter().any(|s| s.shares == 0) {
        return bad("the stakers' shares do not add up to the pool's".into());
    }
    for s in &g.stakers {
        state.put(&keys::stake(&s.staker), &Stake { shares: s.shares, ghr_debt: s.ghr_debt });
    }
    let mut locked = 0u128;
    let mut next = 1;
    for c in &g.covers {
        let downtime_out_of_step =
            matches!(c.peril, Peril::Downtime { .. }) && c.next_hour != c.first_hour + u64::from(c.judged);
        if state.get(&keys::cover(c.id))?.is_some()
            || c.next_hour < c.first_hour
            || c.judged > c.events
            || downtime_out_of_step
        {
            return bad(format!("cover {} listed twice, or its next hour or events judged are outside it", c.id));
        }
        if let Peril::Job { job, peril } = c.peril {
            if state::job_cover(state, job, peril)?.is_some() || c.events != 1 {
                return bad(format!("job {job} has two {} covers, or one of more than one event", peril.name()));
            }
            state.put(&keys::job_cover(job, peril), &c.id);
        }
        state.put(&keys::cover(c.id), c);
        state.put(&keys::holder_cover(&c.holder, c.id), &());
        if !c.is_done() {
            state.put(&keys::due(c.next_hour, c.id), &());
        }
        locked += c.outstanding();
        next = next.max(c.id + 1);
    }
    if locked != g.pool.locked {
        return bad(format!("covers outstanding {locked} vs the pool's locked {}", g.pool.locked));
    }
    if !g.covers.is_empty() {
        state.put(&keys::next_cover(), &next);
    }
    Ok(())
}

pub fn export(state: &impl StateRead) -> Result<CoverGenesis, CoverError> {
    let covers = state::covers(state)?;
    let next: Option<u64> = state.get(&keys::next_cover())?;
    if next.is_some_and(|n| n != covers.last().map_or(1, |c| c.id + 1)) {
        return Err(CoverError::Corrupt("next cover id does not follow the last cover".into()));
    }
    Ok(CoverGenesis {
        params: state::params(state)?,
        pool: state::pool(state)?,
        stakers: state::stakers(state)?
            .into_iter()
            .map(|(staker, s)| Staker { staker, shares: s.shares, ghr_debt: s.ghr_debt })
            .collect(),
        covers,
    })
}
