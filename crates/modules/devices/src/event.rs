use crate::{Device, StoredReport};
use greenhour_state::Event;

pub fn registered(d: &Device) -> Event {
    Event::new("devices.registered")
        .attr("device", d.id)
        .attr("owner", d.owner)
        .attr("key", d.key)
        .attr("cell", d.cell.as_str())
}
pub fn status(d: &Device, what: &str) -> Event {
    Event::new(format!("devices.{what}")).attr("device", d.id)
}
pub fn report(r: &StoredReport) -> Event {
    Event::new("devices.report")
        .attr("device", r.report.device)
        .attr("start", r.report.start)
        .attr("end", r.report.end)
        .attr("hash", r.hash)
        .attr("generated_wh", r.report.generated_wh)
        .attr("compute_wh", r.report.compute_wh)
        .attr("green_share_bps", r.green_share_bps)
}
