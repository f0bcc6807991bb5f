use crate::state::{DeviceClass, DeviceId, LocationCell, Nameplate};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_crypto::{PublicKey, Signature};
use greenhour_primitives::UnixSeconds;
use serde::{Deserialize, Serialize};

/// What a device measured over one interval (inside one UTC hour). Signed by
/// the device key with the telemetry domain and the chain id.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct TelemetryReport {
    pub device: DeviceId,
    /// Interval `[start, end)` in Unix seconds.
    pub start: UnixSeconds,
    pub end: UnixSeconds,
    /// PV generation, Wh.
    pub generated_wh: u64,
    /// Energy into and out of the battery, Wh.
    pub charged_wh: u64,
    pub discharged_wh: u64,
    /// Energy from and to the grid, Wh.
    pub imported_wh: u64,
    pub exported_wh: u64,
    /// Energy used by the GPUs, Wh.
    pub compute_wh: u64,
    /// GPU-seconds of work delivered (GPUs × seconds busy).
    pub gpu_seconds: u64,
    /// Battery state of charge at `end`, per mille.
    pub soc_permille: u16,
    /// The device declares it was offline between its previous report and `start`.
    pub outage_before: bool,
}

impl TelemetryReport {
    /// Signs the report with a device key for `chain_id` (telemetry domain).
    pub fn sign(&self, key: &greenhour_crypto::SecretKey, chain_id: &greenhour_primitives::ChainId) -> Signature {
        key.sign(greenhour_crypto::Domain::Telemetry, chain_id, &greenhour_codec::encode(self))
    }

    /// The hash an accepted report is stored and certified under: SHA-256 of
    /// the report with its signature.
    pub fn signed_hash(&self, signature: &Signature) -> greenhour_primitives::Hash {
        greenhour_primitives::Hash::digest(greenhour_codec::encode(&(self, signature)))
    }
}

/// What users and devices may ask of the devices module.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DevicesAction {
    /// Registers a device owned by the signer.
    Register { key: PublicKey, class: DeviceClass, cell: LocationCell, nameplate: Nameplate },
    /// Changes a device's nameplate and/or cell (owner only).
    Update { device: DeviceId, nameplate: Option<Nameplate>, cell: Option<LocationCell> },
    /// Stops accepting the device's reports until resumed (owner only).
    Suspend { device: DeviceId },
    /// Accepts reports again (owner only).
    Resume { device: DeviceId },
    /// Retires the device for good (owner only); its key stays reserved.
    Retire { device: DeviceId },
    /// Submits a device-signed report (anyone may relay it and pay the fee).
    Report { report: TelemetryReport, signature: Signature },
}
