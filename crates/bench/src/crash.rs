//! What the crash benches (`lending-crash`, `gusd-crash`) share: a seeded stream,
//! one block an hour on the state machine's overlays, a price falling linearly,
//! and an SVG chart of series each scaled to its own maximum with bars.

use greenhour_framework::{BlockCtx, TxCtx};
use greenhour_primitives::{Address, ChainId, Hash};
use std::sync::Arc;

/// The benches' genesis time.
pub const START: u64 = 1_767_225_600;
pub use greenhour_primitives::fixed::WAD;

/// A deterministic stream (xorshift64*): the same seed gives the same positions.
pub struct Stream(pub u64);
impl Stream {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// A transaction of `signer` in the block of `hour` (one block an hour from `START`).
pub fn ctx(signer: Address, hour: u64) -> TxCtx {
    TxCtx {
        block: BlockCtx {
            chain_id: ChainId::new("bench").expect("valid chain id"),
            height: hour + 1,
            time: START + hour * 3_600,
            beacon: Hash::ZERO,
            last_commit_signers: None,
        },
        signer,
        tx_hash: Hash::ZERO,
        signatures: Arc::new(Default::default()),
    }
}

/// GHR at ½ gUSD (WAD) falling linearly by `drop_percent` over `hours`, then flat.
pub fn price_at(hour: u64, hours: u64, drop_percent: u32) -> u128 {
    let start = WAD / 2;
    let fallen = start / 100 * drop_percent as u128;
    start - fallen * hour.min(hours) as u128 / hours as u128
}

/// Micro-units as whole gUSD.
pub fn gusd(units: u128) -> f64 {
    units as f64 / 1e6
}

/// A line of the chart: its values by hour, colour and legend.
pub struct Series<'a> {
    pub values: Vec<f64>,
    pub colour: &'a str,
    pub legend: String,
}

/// The chart: `lines` each scaled to its own maximum, `bars` (with their legend)
/// scaled likewise, over the hours.
pub fn draw(title: &str, lines: &[Series], bars: &Series) -> String {
    let (w, h, left, top, bottom) = (720.0, 360.0, 60.0, 40.0, 40.0);
    let plot_h = h - top - bottom;
    let n = bars.values.len().max(2) as f64 - 1.0;
    let x = |i: usize| left + (w - left - 20.0) * i as f64 / n;
    let max_of = |v: &[f64]| v.iter().copied().fold(f64::MIN_POSITIVE, f64::max);
    let polyline = |s: &Series| {
        let max = max_of(&s.values);
        let points: Vec<String> = s
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x(i), top + plot_h * (1.0 - v / max)))
            .collect();
        format!(r#"<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>"#, s.colour, points.join(" "))
    };
    let max_bar = max_of(&bars.values);
    let rects: String = bars
        .values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let bh = plot_h * v / max_bar;
            format!(
                r#"<rect x="{:.1}" y="{:.1}" width="6" height="{:.1}" fill="{}" opacity="0.6"/>"#,
                x(i) - 3.0,
                top + plot_h - bh,
                bh,
                bars.colour
            )
        })
        .collect();
    let lx = w - 260.0;
    let legends: String = lines
        .iter()
        .chain(std::iter::once(bars))
        .enumerate()
        .map(|(i, s)| {
            format!(r#"<text x="{lx}" y="{}" fill="{}">{}</text>"#, top + 10.0 + 16.0 * i as f64, s.colour, s.legend)
        })
        .collect::<Vec<_>>()
        .join("\n");
    let y0 = top + plot_h;
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="{left}" y="20">{title}</text>
<line x1="{left}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#999"/>
<line x1="{left}" y1="{top}" x2="{left}" y2="{y0}" stroke="#999"/>
{rects}
{lines}
<text x="{left}" y="{yl}">hours 0 – {hn}; each series scaled to its maximum</text>
{legends}
</svg>
"##,
        x1 = w - 20.0,
        lines = lines.iter().map(polyline).collect::<Vec<_>>().join("\n"),
        yl = h - 12.0,
        hn = bars.values.len().saturating_sub(1),
    )
}

/// A report's figures without its wall-clock timings (`max_block_ms`, each hour's
/// `block_ms`): what two seeded runs must agree on.
#[cfg(test)]
pub fn without_timings(report: &crate::Report) -> serde_json::Value {
    let mut v = report.json.clone();
    v.as_object_mut().expect("an object").remove("max_block_ms");
    for h in v["per_hour"].as_array_mut().expect("per_hour") {
        h.as_object_mut().expect("an object").remove("block_ms");
    }
    v
}
