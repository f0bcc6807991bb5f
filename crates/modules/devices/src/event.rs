//! Events: every registry change and every accepted report is one.

use crate::{Device, DeviceId, StoredReport};
use greenhour_crypto::PublicKey;
use greenhour_primitives::{Address, Hash, UnixSeconds};
use greenhour_state::Event;

greenhour_framework::module_events! {
    /// Everything the devices module announces.
    pub enum DevicesEvent in "devices" {
        /// A device joined the registry.
        Registered = "registered" { device: DeviceId, owner: Address, key: PublicKey, cell: String },
        /// Its owner changed its nameplate or cell.
        Updated = "updated" { device: DeviceId },
        /// Its owner suspended it.
        Suspended = "suspended" { device: DeviceId },
        /// Its owner resumed it.
        Resumed = "resumed" { device: DeviceId },
        /// Its owner retired it, for good.
        Retired = "retired" { device: DeviceId },
        /// A telemetry report was accepted.
        Report = "report" {
            device: DeviceId,
            start: UnixSeconds,
            end: UnixSeconds,
            hash: Hash,
            generated_wh: u64,
            compute_wh: u64,
            green_share_bps: u32,
        },
    }
}

greenhour_framework::event_value_for_id!(DeviceId);

pub fn registered(d: &Device) -> Event {
    DevicesEvent::Registered { device: d.id, owner: d.owner, key: d.key, cell: d.cell.as_str().to_string() }.into()
}
pub fn report(r: &StoredReport) -> Event {
    DevicesEvent::Report {
        device: r.report.device,
        start: r.report.start,
        end: r.report.end,
        hash: r.hash,
        generated_wh: r.report.generated_wh,
        compute_wh: r.report.compute_wh,
        green_share_bps: r.green_share_bps,
    }
    .into()
}
