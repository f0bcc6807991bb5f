//! `telemetry`: a device's report bytes → decoding → signature → the devices
//! module's physical and ordering checks → certificates and pools.
//!
//! Each input is a `TelemetryReport` encoding. Decoded, it is signed with the
//! key of the device it names when that is one of the chain's devices (else
//! with a key that is not the device's, which must be refused), relayed in a
//! transaction by the device's owner, and taken through admission, both block
//! paths and commit, as the `tx` target does.

use super::chain::Chain;
use crate::{Depth, Target};
use greenhour_app::{AppAction, TxBody};
use greenhour_crypto::SecretKey;
use greenhour_devices::{DevicesAction, TelemetryReport};
use greenhour_testkit::jobs::OPERATORS;
use greenhour_testkit::supply::hour_report;
use rand::rngs::StdRng;
use rand::Rng;

/// Most bytes a report's encoding may have (it has a fixed size; anything
/// longer is not a report).
const MAX_REPORT_BYTES: usize = 1_024;

pub struct TelemetryTarget {
    chain: Chain,
}

pub fn make() -> Box<dyn Target> {
    Box::new(TelemetryTarget { chain: Chain::new() })
}

impl Target for TelemetryTarget {
    fn name(&self) -> &'static str {
        "telemetry"
    }

    /// For each device, a sunny hour and a night hour, each continuing its
    /// history, and one after a declared outage.
    fn seeds(&self) -> Vec<Vec<u8>> {
        let last_ended = greenhour_testkit::jobs::RUN_HOUR + 2;
        let mut seeds = Vec::new();
        for &device in &self.chain.devices {
            for (hour, sunny, outage_before) in
                [(greenhour_testkit::supply::GENESIS_HOUR, true, false), (last_ended, false, true)]
            {
                let report = hour_report(device, hour * 3_600, sunny, 7_200, outage_before);
                seeds.push(greenhour_codec::encode(&report));
            }
        }
        seeds
    }

    fn run(&mut self, input: &[u8]) -> Result<Depth, String> {
        let Ok(report) = greenhour_codec::decode_limited::<TelemetryReport>(input, MAX_REPORT_BYTES) else {
            return Ok(Depth::Undecoded);
        };
        let owner = self.chain.devices.iter().position(|d| *d == report.device);
        // The block comes once the reported interval has ended, as it would.
        let end = report.end;
        let device_key = SecretKey::from_name(&format!("dev-{}", OPERATORS[owner.unwrap_or(0)]));
        let relayer = SecretKey::from_name(OPERATORS[owner.unwrap_or(0)]);
        let signature = report.sign(&device_key, self.chain.node.app.chain_id());
        let body = TxBody {
            chain_id: self.chain.node.app.chain_id().clone(),
            signer: relayer.public_key(),
            nonce: 0,
            fee: self.chain.node.app.params().min_fee,
            actions: vec![AppAction::Devices(DevicesAction::Report { report, signature })],
            memo: String::new(),
        };
        let tx = self.chain.resign(body, &relayer, 0);
        if !self.chain.admit(&tx) {
            return Ok(Depth::Decoded);
        }
        let depth = self.chain.build_check_commit(vec![tx], end)?;
        if owner.is_none() && depth == Depth::Applied {
            return Err("a report naming no device of the chain was accepted".into());
        }
        Ok(depth)
    }

    /// Moves the report to the device's next hour, shifts its interval by whole
    /// hours, or moves one energy figure, so it stays decodable and often plausible.
    fn mutate(&self, input: &[u8], rng: &mut StdRng) -> Option<Vec<u8>> {
        let mut r = greenhour_codec::decode::<TelemetryReport>(input).ok()?;
        match rng.gen_range(0..12) {
            6.. => {
                // The hour after the device's last report: what an honest device sends
                // next (half the time, or the corpus fills with hours already reported).
                let snapshot = self.chain.node.app.snapshot().ok()?;
                let device = greenhour_devices::state::device(&snapshot, r.device).ok()?;
                r.start = device.last_report_end.unwrap_or(r.start);
                r.end = r.start + 3_600;
                r.outage_before = false;
            }
            0 => {
                let shift = rng.gen_range(-3i64..=3) * 3_600;
                r.start = r.start.saturating_add_signed(shift);
                r.end = r.end.saturating_add_signed(shift);
            }
            1 => r.end = r.start + rng.gen_range(0..7_200),
            2 => r.generated_wh = rng.gen_range(0..20_000),
            3 => r.compute_wh = rng.gen_range(0..5_000),
            4 => r.gpu_seconds = rng.gen_range(0..20_000),
            _ => r.outage_before = !r.outage_before,
        }
        Some(greenhour_codec::encode(&r))
    }
}
